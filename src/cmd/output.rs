//! Output helpers shared by the headless commands. Everything they print that comes from a
//! catalog, a connector or a file is escaped first (`text::escape_control` in text, JSON
//! escapes in JSON), and columns are measured in terminal cells, so wide (CJK) text, emoji and
//! escaped control characters still line up.

use std::path::Path;

use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use crate::outln;
use crate::text::{escape_control, escape_json_controls};

/// `""` for one, `"s"` otherwise.
pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// How many terminal cells `s` takes.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` followed by spaces up to `cells` terminal cells (nothing added when it is wider).
pub fn pad(s: &str, cells: usize) -> String {
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(' ', cells.saturating_sub(width(s))));
    out
}

/// Lines of aligned columns: each cell is data (names, keys, JSON from a connector), so each
/// is escaped, and columns are as wide as what is shown (capped at `max` cells: a longer cell
/// overflows its column instead of pushing every row to the right). Columns are separated by
/// two spaces; trailing spaces are trimmed.
pub fn table<const N: usize>(
    header: Option<[&str; N]>,
    rows: &[[String; N]],
    max: usize,
) -> Vec<String> {
    let rows: Vec<[String; N]> = header
        .map(|h| h.map(str::to_string))
        .into_iter()
        .chain(
            rows.iter()
                .map(|r| r.clone().map(|c| escape_control(&c).into_owned())),
        )
        .collect();
    let mut widths = [0; N];
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(width(c).min(max));
        }
    }
    rows.iter()
        .map(|r| {
            let mut line = String::new();
            for (i, c) in r.iter().enumerate() {
                if i + 1 == N {
                    line.push_str(c);
                } else {
                    line.push_str(&pad(c, widths[i]));
                    line.push_str("  ");
                }
            }
            line.trim_end().to_string()
        })
        .collect()
}

/// Prints lines on stdout (never panicking on a closed pipe).
pub fn print_lines(lines: &[String]) {
    for line in lines {
        outln!("{line}");
    }
}

/// Prints a JSON document, pretty, with every control character escaped as JSON escapes (the
/// values stay the same).
pub fn print_json(value: &Value) {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    outln!("{}", escape_json_controls(&text));
}

/// Pretty-prints a JSON text (as it is when it is not JSON).
pub fn pretty(json: &str) -> String {
    serde_json::from_str::<Value>(json)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| json.to_string())
}

/// A path relative to the working directory when it lies below it, so editors and terminals
/// can jump to `FILE:LINE:COL` directly.
pub fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align() {
        let lines = table(
            Some(["A", "BB", "C"]),
            &[["xyz".into(), "1".into(), "last".into()]],
            60,
        );
        assert_eq!(lines, ["A    BB  C", "xyz  1   last"]);
    }

    #[test]
    fn table_cells_are_escaped_and_sized_as_shown() {
        let lines = table(
            Some(["NAME", "KEY"]),
            &[["a\x1b[2Jb".into(), "/id\u{202e}\n".into()]],
            60,
        );
        assert_eq!(
            lines,
            ["NAME         KEY", "a\\u{1b}[2Jb  /id\\u{202e}\\u{a}"]
        );
    }

    #[test]
    fn wide_text_is_measured_in_cells() {
        let lines = table(
            None,
            &[
                ["日本語".into(), "x".into()],
                ["abc".into(), "y".into()],
                ["🙂".into(), "z".into()],
            ],
            60,
        );
        assert_eq!(lines, ["日本語  x", "abc     y", "🙂      z"]);
        // Every second column starts at the same cell.
        let starts: Vec<usize> = lines
            .iter()
            .map(|l| width(&l[..l.rfind(' ').unwrap() + 1]))
            .collect();
        assert_eq!(starts, [8, 8, 8]);
    }

    #[test]
    fn long_cells_overflow_instead_of_widening_the_column() {
        let lines = table(
            None,
            &[["a".repeat(10), "x".into()], ["b".into(), "y".into()]],
            4,
        );
        assert_eq!(lines, [format!("{}  x", "a".repeat(10)), "b     y".into()]);
    }

    #[test]
    fn pad_and_plural() {
        assert_eq!(pad("日", 4), "日  ");
        assert_eq!(pad("toolong", 3), "toolong");
        assert_eq!((plural(1), plural(0), plural(2)), ("", "s", "s"));
    }
}
