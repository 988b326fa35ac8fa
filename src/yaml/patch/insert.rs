//! Planning new keys: into block mappings (a line of their own, indented like their siblings),
//! into flow mappings (`, key: value`, or a line of its own in multi-line JSON), and into an
//! empty document.
//!
//! A new key is one added line wherever that can be done: after the mapping's last entry, or,
//! where the text ends without a line break right after that entry, before the last entry (so
//! the old last line keeps its missing line break); in multi-line JSON, before the last entry
//! with a comma of its own (after it, the old last entry would need a comma too).

use serde_json::Value as Json;

use super::super::emit;
use super::super::render;
use super::super::tree::{Node, Style};
use super::lookup::Lookup;
use super::plan::{json_style, Target};
use super::text::{content_end, line_end_incl, line_start, newline, rest_of_line_is_blank};
use super::{PatchError, Splice};

/// Plans adding `key: value` to the mapping `t.map`, which does not have `key` yet.
pub(crate) fn entry(
    t: &Target,
    key: &str,
    value: &Json,
    lookup: &Lookup,
) -> Result<Splice, PatchError> {
    let json = json_style(t.root, t.map);
    let rendered = render::flow(value, json).ok_or_else(|| layout(t))?;
    // Quote the new key like its neighbours when they all agree (and always in JSON).
    let key_text = match lookup.key_quoting(t.map) {
        _ if json => emit::double_quoted(key),
        Some(Style::DoubleQuoted) => emit::double_quoted(key),
        Some(Style::SingleQuoted) => format!("'{}'", key.replace('\'', "''")),
        _ => emit::key(key),
    };
    if t.map.flow {
        flow_entry(t, &key_text, &rendered)
    } else {
        block_entry(t, &key_text, value)
    }
}

fn layout(t: &Target) -> PatchError {
    PatchError::Layout(t.at.into())
}

/// `{a: 1}` -> `{a: 1, key: v}`; `{}` -> `{key: v}`; a multi-line mapping whose last entry
/// starts a line gets a line of its own before that entry. Entries merged in through `<<`
/// live elsewhere in the text, so the new entry goes next to the entries written here.
fn flow_entry(t: &Target, key_text: &str, rendered: &str) -> Result<Splice, PatchError> {
    let (text, map) = (t.text, t.map);
    let close = map.pos.end.saturating_sub(1);
    if text.as_bytes().get(close) != Some(&b'}') {
        return Err(layout(t));
    }
    let own: Vec<&(Node, Node)> = map.entries().iter().filter(|(k, _)| !k.shared).collect();
    if own.is_empty() && !map.entries().is_empty() {
        return Err(layout(t));
    }
    let (comma, colon) = flow_separators(text, &own);
    let Some((last_key, last)) = own.last() else {
        return Ok(Splice {
            start: close,
            end: close,
            text: format!("{key_text}{colon}{rendered}"),
        });
    };
    let start = line_start(text, last_key.pos.start);
    let indent = &text[start..last_key.pos.start];
    if start > map.pos.start && indent.bytes().all(|b| b == b' ') {
        return Ok(Splice {
            start,
            end: start,
            text: format!(
                "{indent}{key_text}{colon}{rendered}{}{}",
                comma.trim_end(),
                newline(text)
            ),
        });
    }
    Ok(Splice {
        start: last.pos.end,
        end: last.pos.end,
        text: format!("{comma}{key_text}{colon}{rendered}"),
    })
}

/// The entry separator and key/value separator a flow mapping already uses on one line
/// (`,"a":1` in minified JSON), so an inserted entry looks like its neighbours and a removed
/// one can come back byte for byte. Defaults to `, ` and `: `.
pub(crate) fn flow_separators<'t>(text: &'t str, own: &[&(Node, Node)]) -> (&'t str, &'t str) {
    let between = |from: usize, to: usize, sep: &str| {
        text.get(from..to)
            .filter(|t| t.trim() == sep && !t.contains('\n'))
    };
    let comma = match own {
        [first, second, ..] => between(first.1.pos.end, second.0.pos.start, ","),
        _ => None,
    };
    let colon = own
        .first()
        .and_then(|(k, v)| between(k.pos.end, v.pos.start, ":"));
    (comma.unwrap_or(", "), colon.unwrap_or(": "))
}

/// A new line `key: value` in a block mapping, after its last own entry (or before it, when
/// the text ends without a line break right after that entry).
fn block_entry(t: &Target, key_text: &str, value: &Json) -> Result<Splice, PatchError> {
    let (text, map) = (t.text, t.map);
    let Some((first_key, _)) = map.entries().first() else {
        return Err(layout(t));
    };
    if first_key.shared {
        return Err(layout(t));
    }
    let (last_key, last_value) = map
        .entries()
        .iter()
        .rev()
        .find(|(k, _)| !k.shared)
        .ok_or_else(|| layout(t))?;
    let indent = first_key.pos.start - line_start(text, first_key.pos.start);
    let end = content_end(text, last_value).max(last_key.pos.end);
    if !rest_of_line_is_blank(text, end) {
        return Err(layout(t));
    }
    let nl = newline(text);
    let mut lines = Vec::new();
    render::entry_lines(key_text, value, indent, &mut lines);
    let body = lines.join(nl);
    let insert_at = line_end_incl(text, end);
    let ends_unterminated = insert_at == text.len() && !text.ends_with('\n');
    if !ends_unterminated {
        return Ok(Splice {
            start: insert_at,
            end: insert_at,
            text: format!("{body}{nl}"),
        });
    }
    // The mapping ends the text, with no line break after it: appending would change its last
    // line (it gains the line break). Before the last entry, the new line changes nothing
    // else, when that entry starts its own line at the mapping's column.
    let last_line = line_start(text, last_key.pos.start);
    let before_last = &text[last_line..last_key.pos.start];
    if before_last.len() == indent && before_last.bytes().all(|b| b == b' ') {
        return Ok(Splice {
            start: last_line,
            end: last_line,
            text: format!("{body}{nl}"),
        });
    }
    Ok(Splice {
        start: insert_at,
        end: insert_at,
        text: format!("{nl}{body}"),
    })
}

/// The first key of an empty document, appended after whatever comments it holds.
pub(crate) fn first_key(text: &str, key: &str, value: &Json) -> Result<Splice, PatchError> {
    let content = text.lines().any(|l| {
        let t = l.trim();
        !(t.is_empty() || t.starts_with('#') || t == "---")
    });
    if content {
        // `null` or `~` written out: not an empty document to add keys to.
        return Err(PatchError::Layout(format!("/{key}")));
    }
    let nl = newline(text);
    let mut out = String::new();
    if !text.is_empty() && !text.ends_with('\n') {
        out.push_str(nl);
    }
    out.push_str(&render::entry_text(key, value, 0, nl));
    out.push_str(nl);
    Ok(Splice {
        start: text.len(),
        end: text.len(),
        text: out,
    })
}
