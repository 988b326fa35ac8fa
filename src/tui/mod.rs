//! The full-screen editor: a TEA core (`app`, with the state screens share in `shared`), one
//! module per screen (`screens`), the overlay stack (`overlay`), pure rendering (`ui`), one
//! keymap (`keymap`) and a runtime that owns the terminal and runs effects (`runtime`,
//! `terminal`).

pub mod app;
pub mod connector_job;
pub mod discovery_merge;
pub mod discovery_write;
pub mod encryption;
pub mod fuzzy;
pub mod jobs;
pub mod keymap;
pub mod overlay;
pub mod plaintext_guard;
mod redact;
pub mod runtime;
pub mod screens;
pub mod shared;
pub mod signals;
mod sops_flow;
pub mod terminal;
pub mod theme;
pub mod ui;

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Context as _;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

/// What the TUI was asked to open.
#[derive(Debug, Clone)]
pub struct Options {
    pub path: PathBuf,
    pub read_only: bool,
    /// `--trust`: run the catalog's connectors without asking first.
    pub trust: bool,
    /// What to show first.
    pub start: Start,
}

/// What the editor shows first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// The catalog browser on the catalog at `path`.
    Browse,
    /// The setup wizard for this kind, over the catalog at `path` (`flowspec new`).
    Wizard(crate::create::Kind),
    /// `path` is where a new catalog's root would go (nothing there yet): an empty catalog,
    /// created on save. `ask`: ask first whether to start one (`flowspec DIR`); `wizard`:
    /// open the wizard on it (`flowspec new`).
    NewCatalog {
        ask: bool,
        wizard: Option<crate::create::Kind>,
    },
}

/// How the editor ended, for the process's exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The user quit.
    Quit,
    /// A terminating signal ended it.
    Signal(signals::Terminating),
}

impl Exit {
    /// 0 after quitting; 128+n after signal n, as a shell reports a process the signal killed.
    pub fn code(self) -> i32 {
        match self {
            Exit::Quit => 0,
            Exit::Signal(t) => t.exit_code(),
        }
    }
}

/// Runs the TUI until the user quits. The terminal is restored however this returns.
pub fn run(opts: Options) -> anyhow::Result<Exit> {
    let theme = theme::Theme::from_env();
    let trust = crate::trust::TrustStore::load_from(&crate::trust::TrustStore::path());
    let images = crate::connector::cache::SpecCache::user().image_refs();
    let app = match opts.start {
        Start::NewCatalog { ask, wizard } => {
            let path = crate::catalog::load::absolute(&opts.path);
            app::App::new_catalog(path, ask, wizard, opts.read_only, theme)
        }
        Start::Browse | Start::Wizard(_) => {
            let mut app = app::App::new(catalog_path(&opts.path), opts.read_only, theme);
            if let Start::Wizard(kind) = opts.start {
                app.shared.wizard_after_load = Some(kind);
            }
            app
        }
    };
    let mut app = app.with_trust(trust, opts.trust);
    app.shared.cached_images = images;
    run_app(app)
}

/// `flowspec config edit FILE`: the form alone, on one config file (created on save).
pub fn run_config_form(
    file: &std::path::Path,
    schema: serde_json::Value,
    read_only: bool,
) -> anyhow::Result<Exit> {
    let catalog = crate::catalog::Catalog::single_file(file)?;
    let theme = theme::Theme::from_env();
    run_app(app::App::standalone(catalog, &schema, read_only, theme))
}

fn run_app(app: app::App) -> anyhow::Result<Exit> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "flowspec's editor needs a terminal; in scripts use `flowspec list` or `flowspec check`"
        );
    }
    // crossterm 0.29 turns NO_COLOR into a bare SGR reset that also wipes bold and reverse;
    // the mono theme handles NO_COLOR itself, so keep crossterm's colour output on.
    ratatui::crossterm::style::Colored::set_ansi_color_disabled(false);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    // Listening before the terminal is taken: no signal can find it taken and unwatched.
    let signals = {
        let _context = runtime.enter();
        signals::Signals::install().context("installing signal handlers")?
    };
    let _guard = terminal::enter().context("setting up the terminal")?;
    let mut term = Terminal::new(CrosstermBackend::new(terminal::output()))?;
    let result = runtime.block_on(runtime::run(app, &mut term, signals));
    terminal::restore();
    match &result {
        Ok(exit) => tracing::info!(code = exit.code(), "exited"),
        Err(e) => tracing::info!("exited: {e:#}"),
    }
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    result
}

fn catalog_path(path: &std::path::Path) -> PathBuf {
    crate::catalog::load::resolve_root(path).unwrap_or_else(|_| path.to_path_buf())
}
