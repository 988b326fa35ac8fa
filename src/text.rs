//! Text from catalogs, connectors and files is untrusted: before it reaches a terminal, its
//! control characters are escaped so it cannot move the cursor, retitle the window or fake
//! output.

use std::borrow::Cow;

/// Escapes control characters (and bidi overrides) as `\u{..}`; newline and tab are kept.
pub fn escape_control(s: &str) -> Cow<'_, str> {
    let bad = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    };
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
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
}
