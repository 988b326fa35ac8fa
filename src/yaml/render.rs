//! Whole values (collections included) as YAML text: block lines for block documents, one line
//! of flow (or JSON) text inside flow collections. Scalars come from [`super::emit`], so a value
//! reads the same whether a patch, a new file or `config template` wrote it.

use serde_json::Value as Json;

use super::emit;

/// The text of a value that fits on its key's line: a scalar (quoted when needed) or an empty
/// collection.
pub(crate) fn inline(value: &Json) -> Option<String> {
    match value {
        Json::Array(a) if a.is_empty() => Some("[]".into()),
        Json::Object(o) if o.is_empty() => Some("{}".into()),
        other => emit::scalar(other),
    }
}

/// A multi-line string that can be written as a literal block below `key:` or `- ` whose
/// content sits at `indent`.
pub(crate) fn literal(value: &Json, indent: usize) -> Option<emit::Literal> {
    value.as_str().and_then(|s| emit::literal(s, indent))
}

/// `key: value` as block lines at `indent`: scalars and empty collections on the key line,
/// multi-line strings as literal blocks, other collections on the lines below at `indent + 2`.
pub(crate) fn entry_lines(key_text: &str, value: &Json, indent: usize, out: &mut Vec<String>) {
    let pad = " ".repeat(indent);
    if let Some(lit) = literal(value, indent + 2) {
        out.push(format!("{pad}{key_text}: {}", lit.header));
        out.extend(lit.lines);
        return;
    }
    match inline(value) {
        Some(s) => out.push(format!("{pad}{key_text}: {s}")),
        None => {
            out.push(format!("{pad}{key_text}:"));
            block_lines(value, indent + 2, out);
        }
    }
}

/// `key: value` as block YAML at `indent`, lines joined by `nl` (no final line break).
pub(crate) fn entry_text(key: &str, value: &Json, indent: usize, nl: &str) -> String {
    let mut lines = Vec::new();
    entry_lines(&emit::key(key), value, indent, &mut lines);
    lines.join(nl)
}

/// A non-empty collection as block YAML lines at `indent`; other values as one line. Sequence
/// items that are collections start on the dash line (`- a: 1`, `- - x`); multi-line strings
/// are literal blocks (`- |`).
pub(crate) fn block_lines(value: &Json, indent: usize, out: &mut Vec<String>) {
    let pad = " ".repeat(indent);
    match value {
        Json::Object(o) if !o.is_empty() => {
            for (k, v) in o {
                entry_lines(&emit::key(k), v, indent, out);
            }
        }
        Json::Array(a) if !a.is_empty() => {
            for item in a {
                if let Some(lit) = literal(item, indent + 2) {
                    out.push(format!("{pad}- {}", lit.header));
                    out.extend(lit.lines);
                    continue;
                }
                match inline(item) {
                    Some(s) => out.push(format!("{pad}- {s}")),
                    None => {
                        let mut sub = Vec::new();
                        block_lines(item, indent + 2, &mut sub);
                        sub[0] = format!("{pad}- {}", &sub[0][indent + 2..]);
                        out.extend(sub);
                    }
                }
            }
        }
        other => out.push(format!("{pad}{}", inline(other).unwrap_or_default())),
    }
}

/// A whole value as block YAML lines at column 0 (scalars and empty collections as one line),
/// joined by `nl`.
pub(crate) fn block(value: &Json, nl: &str) -> String {
    let mut lines = Vec::new();
    block_lines(value, 0, &mut lines);
    lines.join(nl)
}

/// Any value in flow style: JSON syntax for JSON documents, otherwise YAML flow with scalars
/// quoted only when needed (`{host: db, ports: [1, 2]}`).
pub(crate) fn flow(value: &Json, json: bool) -> Option<String> {
    Some(match value {
        Json::Array(a) => {
            let items: Option<Vec<String>> = a.iter().map(|v| flow(v, json)).collect();
            format!("[{}]", items?.join(", "))
        }
        Json::Object(o) => {
            let entries: Option<Vec<String>> = o
                .iter()
                .map(|(k, v)| {
                    let key = if json {
                        emit::double_quoted(k)
                    } else {
                        emit::key(k)
                    };
                    Some(format!("{key}: {}", flow(v, json)?))
                })
                .collect();
            format!("{{{}}}", entries?.join(", "))
        }
        scalar if json => emit::json_scalar(scalar)?,
        scalar => emit::scalar(scalar)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn block_values_use_literal_blocks_for_multi_line_strings() {
        let value = json!({"key": "-----BEGIN-----\nabc\n-----END-----\n", "l": ["a\nb", 1]});
        assert_eq!(
            block(&value, "\n"),
            "key: |\n  -----BEGIN-----\n  abc\n  -----END-----\nl:\n  - |-\n    a\n    b\n  - 1"
        );
        let root = super::super::parse(&block(&value, "\n")).unwrap();
        assert_eq!(root.to_json(), value);
    }

    #[test]
    fn flow_values_quote_like_block_ones() {
        let value = json!({"on": "2020-01-01", "n": [1.0, "x y"]});
        assert_eq!(
            flow(&value, false).unwrap(),
            "{\"on\": \"2020-01-01\", \"n\": [1.0, x y]}"
        );
        assert_eq!(
            flow(&value, true).unwrap(),
            "{\"on\": \"2020-01-01\", \"n\": [1.0, \"x y\"]}"
        );
    }
}
