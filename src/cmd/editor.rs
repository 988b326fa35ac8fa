//! `flowspec [PATH] [--read-only] [--trust]`: the full-screen editor on a catalog (see
//! `crate::tui`). Also the way `demo` and `config edit` end: in the editor, and its exit status.

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
/// is none, else the editor's exit status.
pub fn open(path: &Path, read_only: bool, trust: bool) -> i32 {
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
    }))
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
