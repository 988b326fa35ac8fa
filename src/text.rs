//! Untrusted text made safe for a terminal. Names, messages, paths and values come from
//! catalogs, connectors and files; a control character in them would be obeyed by the terminal
//! (an OSC retitles it, a CSI rewrites the screen, a bidi override reorders what is shown). So
//! every such string is escaped before it is printed or drawn, visibly: `\u{1b}`.
//!
//! Backslashes are left alone: a literal `\u{1b}` typed into a name can look like an escaped
//! ESC, but it is harmless, and doubling every backslash would garble ordinary text.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Would a terminal act on `c` rather than show it? C0 controls, DEL, C1 controls and the
/// bidirectional embedding, override and isolate characters.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Escapes every unsafe character, newline and tab included: for text shown within one line
/// (a name, a message in `FILE:LINE:COL: message`, a table cell), where a newline in the data
/// could fake a line of output.
pub fn escape_control(s: &str) -> Cow<'_, str> {
    escape_with(s, is_unsafe, |out, c| {
        let _ = write!(out, "\\u{{{:x}}}", c as u32);
    })
}

/// Like [`escape_control`], but keeps newline and tab: for multi-line text laid out by its
/// lines (an error with its causes, a YAML template).
pub fn escape_control_multiline(s: &str) -> Cow<'_, str> {
    escape_with(
        s,
        |c| is_unsafe(c) && c != '\n' && c != '\t',
        |out, c| {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        },
    )
}

/// Escapes the unsafe characters serde_json leaves raw (DEL, C1 controls, bidi characters;
/// it escapes the C0 ones itself) as JSON `\uXXXX` escapes, so JSON output stays valid JSON
/// with the same values. They can only occur inside strings, where such an escape is valid.
/// Newline and tab are kept for the layout of pretty-printed JSON.
pub fn escape_json_controls(json: &str) -> Cow<'_, str> {
    escape_with(
        json,
        |c| is_unsafe(c) && c != '\n' && c != '\t',
        |out, c| {
            let _ = write!(out, "\\u{:04x}", c as u32);
        },
    )
}

fn escape_with(
    s: &str,
    unsafe_char: impl Fn(char) -> bool,
    escape: impl Fn(&mut String, char),
) -> Cow<'_, str> {
    if !s.chars().any(&unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if unsafe_char(c) {
            escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `argv` as a person would type it in a shell, each word quoted when it needs to be: what a
/// catalog asks to run must read exactly as what runs (`sh -c 'a; b'`, not `sh -c a; b`).
pub fn shell_words(argv: &[String]) -> String {
    argv.iter()
        .map(|a| {
            let plain = !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c));
            if plain {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_quote_what_a_shell_would_split() {
        let argv = ["sh", "-c", "touch /tmp/x; echo 'hi'", ""].map(String::from);
        assert_eq!(
            shell_words(&argv),
            r#"sh -c 'touch /tmp/x; echo '\''hi'\''' ''"#
        );
    }

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        let s = "acmeCo/orders — ü 日本 \\u{1b} 🙂";
        assert!(matches!(escape_control(s), Cow::Borrowed(t) if t == s));
        assert!(matches!(
            escape_control_multiline("a\n\tb"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn escape_sequences_become_visible() {
        assert_eq!(
            escape_control("\x1b]0;pwned\x07name"),
            "\\u{1b}]0;pwned\\u{7}name"
        );
        assert_eq!(
            escape_control("\x1b[2J\x1b[H0 errors"),
            "\\u{1b}[2J\\u{1b}[H0 errors"
        );
    }

    #[test]
    fn every_class_of_unsafe_character_is_escaped() {
        for (c, shown) in [
            ('\0', "\\u{0}"),
            ('\r', "\\u{d}"),
            ('\n', "\\u{a}"),
            ('\t', "\\u{9}"),
            ('\x7f', "\\u{7f}"),
            ('\u{80}', "\\u{80}"),
            ('\u{9b}', "\\u{9b}"),
            ('\u{9f}', "\\u{9f}"),
            ('\u{202a}', "\\u{202a}"),
            ('\u{202e}', "\\u{202e}"),
            ('\u{2066}', "\\u{2066}"),
            ('\u{2069}', "\\u{2069}"),
        ] {
            assert_eq!(escape_control(&format!("a{c}b")), format!("a{shown}b"));
        }
        // Neighbours of the bidi ranges are ordinary text.
        for c in ['\u{2029}', '\u{202f}', '\u{2065}', '\u{206a}', '\u{a0}'] {
            assert!(!is_unsafe(c), "{c:?}");
        }
    }

    #[test]
    fn multiline_keeps_newline_and_tab_only() {
        assert_eq!(
            escape_control_multiline("line 1\n\tline\r2\x1b[K"),
            "line 1\n\tline\\u{d}2\\u{1b}[K"
        );
    }

    #[test]
    fn escaping_twice_changes_nothing() {
        let once = escape_control("\x1b\u{9b}\u{202e}\n").into_owned();
        assert_eq!(escape_control(&once), once);
        assert_eq!(escape_control_multiline(&once), once);
    }

    #[test]
    fn json_escapes_keep_json_valid_and_values_equal() {
        let value = serde_json::json!({"name": "a\x1b[2J\u{9b}1m\u{202e}\x7fz"});
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        let clean = escape_json_controls(&pretty);
        assert!(!clean.chars().any(|c| is_unsafe(c) && c != '\n'), "{clean}");
        let back: serde_json::Value = serde_json::from_str(&clean).unwrap();
        assert_eq!(back, value);
    }
}
