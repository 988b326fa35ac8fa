//! The full-screen editor.

use std::path::PathBuf;

/// What the TUI was asked to open.
#[derive(Debug, Clone)]
pub struct Options {
    pub path: PathBuf,
    pub read_only: bool,
}

/// Runs the TUI until the user quits.
pub fn run(_opts: Options) -> anyhow::Result<()> {
    anyhow::bail!("the TUI is not built yet")
}
