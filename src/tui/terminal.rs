//! Owning the terminal: every mode flowspec turns on (raw mode, alternate screen, bracketed
//! paste, hidden cursor) is turned off again on every way out — normal return, error, panic
//! and signal — because `ratatui::restore` alone leaves bracketed paste on.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use ratatui::crossterm::cursor::{Hide, Show};
use ratatui::crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};

static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Where the TUI draws: stdout while the terminal is ours, nowhere once it was given back
/// (quitting, `$EDITOR`, suspended). Nothing rendered can then reach the shell's or the
/// editor's screen — and ratatui's `Terminal`, which on drop shows the cursor again and
/// `eprintln!`s (a panic) if that fails, finds nothing to fail on a terminal that hung up.
pub struct Output(io::Stdout);

/// The TUI's [`Output`].
pub fn output() -> Output {
    Output(io::stdout())
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if ACTIVE.load(Ordering::SeqCst) {
            self.0.write(buf)
        } else {
            Ok(buf.len())
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if ACTIVE.load(Ordering::SeqCst) {
            self.0.flush()
        } else {
            Ok(())
        }
    }
}

/// Restores the terminal when dropped.
pub struct Guard(());

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Takes over the terminal. The returned guard gives it back.
pub fn enter() -> io::Result<Guard> {
    install_panic_hook();
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let mut out = io::stdout();
    execute!(out, EnterAlternateScreen, EnableBracketedPaste, Hide)?;
    Ok(Guard(()))
}

/// Takes the terminal again after [`restore`] (around an external editor or a suspension), without a new
/// guard: the one from [`enter`] still restores it at the end.
pub fn reenter() -> io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let mut out = io::stdout();
    execute!(out, EnterAlternateScreen, EnableBracketedPaste, Hide)
}

/// Puts every mode back after the process was stopped and continued without being asked to
/// suspend (an uncatchable SIGSTOP): the shell may have reset the terminal meanwhile. Raw mode
/// is turned off and on so it is set again even though crossterm believes it still is.
pub fn reassert() -> io::Result<()> {
    if !ACTIVE.load(Ordering::SeqCst) {
        return Ok(());
    }
    let _ = disable_raw_mode();
    enable_raw_mode()?;
    let mut out = io::stdout();
    execute!(out, EnterAlternateScreen, EnableBracketedPaste, Hide)
}

/// Gives the terminal back. Safe to call more than once and from any exit path; errors are
/// ignored because the terminal may already be gone (an SSH drop).
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = io::stdout();
        let _ = execute!(out, DisableBracketedPaste, LeaveAlternateScreen, Show);
        let _ = disable_raw_mode();
        let _ = out.flush();
    }
}

fn install_panic_hook() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        tracing::error!("panic: {info}");
        previous(info);
    }));
}
