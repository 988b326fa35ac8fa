//! `flowspec [PATH] [--read-only] [--trust]`: the full-screen editor on a catalog (see
//! `crate::tui`). Also the way `demo` and `config edit` end: in the editor, and its exit status.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::Args as ClapArgs;

use crate::errln;
use crate::text::escape_control;
use crate::tui;

/// Exit status when there is no catalog to open.
pub const EXIT_NO_CATALOG: i32 = 2;

#[derive(Debug, Clone, ClapArgs)]
pub struct Args {
    /// Catalog to open: a flow.yaml/flow.json file, or a directory holding one (or a single
    /// *.flow.yaml).
    #[arg(default_value = "flow.yaml")]
    pub path: PathBuf,
    /// Browse only: saving and every other write is disabled.
    #[arg(long)]
    pub read_only: bool,
    /// Run the catalog's connectors (local commands, images) without asking first. Without
    /// it, the first run of each command in a catalog folder shows what would run and asks.
    #[arg(long)]
    pub trust: bool,
}

/// Opens the editor; returns the exit status.
pub fn run(args: Args) -> i32 {
    open(&args.path, args.read_only, args.trust)
}

/// Opens the editor on the catalog at `path` (a file, or a folder with one root): 2 when there
/// is none, else the editor's exit status. A folder without any catalog file opens on an empty
/// catalog after asking whether to start one there (nothing is written until a save).
pub fn open(path: &Path, read_only: bool, trust: bool) -> i32 {
    // Without a terminal there is no one to ask: the usual error.
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    if interactive && path.is_dir() && !read_only && !has_catalog_file(path) {
        return exit_code(tui::run(tui::Options {
            path: path.join("flow.yaml"),
            read_only,
            trust,
            start: tui::Start::NewCatalog {
                ask: true,
                wizard: None,
            },
        }));
    }
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let names_a_root = path
        .file_name()
        .is_some_and(|n| crate::catalog::load::is_catalog_file_name(&n.to_string_lossy()));
    if interactive
        && !path.exists()
        && !read_only
        && names_a_root
        && folder.is_dir()
        && !has_catalog_file(folder)
    {
        // `flowspec` in a folder without a catalog: offer to start one there.
        return exit_code(tui::run(tui::Options {
            path: path.to_path_buf(),
            read_only,
            trust,
            start: tui::Start::NewCatalog {
                ask: true,
                wizard: None,
            },
        }));
    }
    if !path.exists() {
        errln!(
            "error: no catalog at {}. Pass a flow.yaml (or a directory holding one), or try `flowspec demo`.",
            escape_control(&path.display().to_string())
        );
        return EXIT_NO_CATALOG;
    }
    let path = match crate::catalog::load::resolve_root(path) {
        Ok(root) => root,
        Err(e) => {
            errln!("error: {e}");
            return EXIT_NO_CATALOG;
        }
    };
    exit_code(tui::run(tui::Options {
        path,
        read_only,
        trust,
        start: tui::Start::Browse,
    }))
}

/// `flowspec new capture|materialization [PATH]` without `--name`: the setup wizard, over the
/// catalog at `path` — or, when there is none (a folder without a catalog file, or a path that
/// does not exist), over a new empty catalog whose root (`path` when it is named as a catalog
/// file, such as `flow.yaml`; else `path/flow.yaml`) is created with the wizard's files on
/// save. Returns the exit status.
pub fn run_wizard(path: &Path, kind: crate::create::Kind, trust: bool) -> i32 {
    let (root, start) = if path.is_dir() && !has_catalog_file(path) {
        (
            path.join("flow.yaml"),
            tui::Start::NewCatalog {
                ask: false,
                wizard: Some(kind),
            },
        )
    } else if !path.exists() {
        // A catalog file's name is the root; any other name is a folder to hold `flow.yaml`.
        let names_a_root = path
            .file_name()
            .is_some_and(|n| crate::catalog::load::is_catalog_file_name(&n.to_string_lossy()));
        let root = if names_a_root {
            path.to_path_buf()
        } else {
            path.join("flow.yaml")
        };
        (
            root,
            tui::Start::NewCatalog {
                ask: false,
                wizard: Some(kind),
            },
        )
    } else {
        match crate::catalog::load::resolve_root(path) {
            Ok(root) => (root, tui::Start::Wizard(kind)),
            Err(e) => {
                errln!("error: {e}");
                return EXIT_NO_CATALOG;
            }
        }
    };
    exit_code(tui::run(tui::Options {
        path: root,
        read_only: false,
        trust,
        start,
    }))
}

/// Does folder `dir` hold a file a catalog could start from (`flow.yaml`, `*.flow.yaml`, …)?
fn has_catalog_file(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| crate::catalog::load::is_catalog_file_name(&e.file_name().to_string_lossy()))
    })
}

/// The exit status of the editor: 0 after quitting, 128+n after signal n, 1 after an error
/// (printed without panicking, though the terminal may be gone).
pub fn exit_code(result: anyhow::Result<tui::Exit>) -> i32 {
    match result {
        Ok(exit) => exit.code(),
        Err(e) => {
            errln!("error: {e:#}");
            1
        }
    }
}
