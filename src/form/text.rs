//! Text clean-up for labels and help: connector descriptions carry HTML (Airbyte) and
//! Markdown links (flow-parser); a terminal shows plain text.

use serde_json::Value;

/// Reduces a description to plain text: `<a href="u">t</a>` → `t (u)`, Markdown `[t](u)` →
/// `t (u)`, other tags dropped, common entities decoded, surrounding space trimmed.
pub fn plain_text(s: &str) -> String {
    let s = html_to_text(s);
    let s = markdown_links(&s);
    s.trim().to_string()
}

fn html_to_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    // The href of the innermost open <a>, and where its text starts in `out`.
    let mut link: Option<(String, usize)> = None;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(end) = after.find('>') else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        let tag = &after[..end];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() {
            // Not a tag (e.g. "a < b"): keep the character.
            out.push('<');
            rest = after;
            continue;
        }
        if tag.starts_with('/') {
            if name == "a" {
                if let Some((href, start)) = link.take() {
                    let text = out[start..].trim().to_string();
                    if !href.is_empty() && text != href {
                        out.push_str(&format!(" ({href})"));
                    }
                }
            }
        } else if name == "a" {
            link = Some((attr(tag, "href").unwrap_or_default(), out.len()));
        } else if (name == "br" || name == "p" || name == "li")
            && !out.is_empty()
            && !out.ends_with('\n')
        {
            out.push('\n');
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let i = lower.find(&format!("{name}="))?;
    let v = &tag[i + name.len() + 1..];
    let quote = v.chars().next()?;
    if quote == '"' || quote == '\'' {
        let v = &v[1..];
        Some(v[..v.find(quote)?].to_string())
    } else {
        Some(v.split_whitespace().next()?.to_string())
    }
}

fn markdown_links(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('[') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let parsed = after.find("](").and_then(|close| {
            let text = &after[..close];
            if text.contains('[') || text.contains('\n') {
                return None;
            }
            let url_part = &after[close + 2..];
            let end = url_part.find(')')?;
            let url = &url_part[..end];
            (!url.contains(char::is_whitespace))
                .then(|| (format!("{text} ({url})"), close + 2 + end + 1))
        });
        match parsed {
            Some((link, used)) => {
                out.push_str(&link);
                rest = &after[used..];
            }
            None => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A value as a person reads it in a list: strings bare with control characters escaped
/// (`\t`, `\u{b}`), `null` as "null", everything else as compact JSON.
pub fn display_value(v: &Value) -> String {
    match v {
        Value::String(s) => escape_control(s),
        other => other.to_string(),
    }
}

/// Escapes control characters so they are visible: tab, newline and carriage return as `\t`,
/// `\n`, `\r` (how people write a delimiter), every other one as the terminal-wide
/// [`crate::text::escape_control`] does (0x0b → `\u{b}`, bidi overrides included).
pub fn escape_control(s: &str) -> String {
    let readable = s
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r");
    crate::text::escape_control(&readable).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn html_links_become_text_and_url() {
        assert_eq!(
            plain_text(r#"See <a href="https://x.io/d">the docs</a> for <b>more</b>."#),
            "See the docs (https://x.io/d) for more."
        );
        assert_eq!(plain_text("a < b and <br/>c"), "a < b and \nc");
    }

    #[test]
    fn markdown_links_become_text_and_url() {
        assert_eq!(
            plain_text("Read the [avro spec](https://avro.apache.org) now. [x] stays"),
            "Read the avro spec (https://avro.apache.org) now. [x] stays"
        );
    }

    #[test]
    fn control_characters_are_escaped_for_display() {
        assert_eq!(display_value(&json!("\u{b}")), "\\u{b}");
        assert_eq!(display_value(&json!("\t")), "\\t");
        assert_eq!(display_value(&json!("a\u{202e}\x1b")), "a\\u{202e}\\u{1b}");
        assert_eq!(display_value(&json!(null)), "null");
        assert_eq!(display_value(&json!(",")), ",");
    }
}
