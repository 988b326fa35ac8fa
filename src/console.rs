//! Printing for the headless commands and the last words of the TUI. `println!` and
//! `eprintln!` panic when the write fails — stdout piped into `head`, stderr on a terminal
//! that hung up — and a panic on the way out is the worst way to end. These macros ignore
//! write errors, and escape control characters as a last line of defence (newline and tab are
//! kept; escaping is idempotent, so text escaped already passes unchanged).

/// `println!` that never panics and escapes control characters.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let text = ::std::format!($($arg)*);
        let _ = ::std::writeln!(
            ::std::io::stdout().lock(),
            "{}",
            $crate::text::escape_control_multiline(&text)
        );
    }};
}

/// `eprintln!` that never panics and escapes control characters.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let text = ::std::format!($($arg)*);
        let _ = ::std::writeln!(
            ::std::io::stderr().lock(),
            "{}",
            $crate::text::escape_control_multiline(&text)
        );
    }};
}

/// `print!` (no newline added) that never panics and escapes control characters.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let text = ::std::format!($($arg)*);
        let mut stdout = ::std::io::stdout().lock();
        let _ = ::std::write!(stdout, "{}", $crate::text::escape_control_multiline(&text));
        let _ = stdout.flush();
    }};
}
