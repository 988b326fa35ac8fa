//! Logs go to a file under the user's state directory, never to the terminal the TUI owns.

use std::path::PathBuf;

/// The log file: `$XDG_STATE_HOME/flowspec/flowspec.log` (or the platform's equivalent).
pub fn log_path() -> PathBuf {
    state_dir().join("flowspec.log")
}

/// flowspec's own state folder (`$XDG_STATE_HOME/flowspec`): the log and remembered answers,
/// never anything a catalog or `flowctl` reads.
pub fn state_dir() -> PathBuf {
    dirs::state_dir()
        .or_else(dirs::cache_dir)
        .unwrap_or_else(std::env::temp_dir)
        .join("flowspec")
}

/// Starts file logging at the level in `FLOWSPEC_LOG` (default `info`). Failing to open the
/// log file is not fatal: flowspec runs without logs rather than writing to the terminal.
pub fn init() -> Option<PathBuf> {
    let path = log_path();
    std::fs::create_dir_all(path.parent()?).ok()?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .ok()?;
    let filter = tracing_subscriber::EnvFilter::try_from_env("FLOWSPEC_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(path)
}
