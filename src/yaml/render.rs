//! Whole values (collections included) as YAML text: block lines for block documents, one line
//! of flow (or JSON) text inside flow collections. Scalars come from [`super::emit`], so a value
//! reads the same whether a patch, a new file or `config template` wrote it.

use serde_json::Value as Json;

use super::emit;

/// The text of a value that fits on its key's line: a scalar (quoted when needed) or an empty
/// collection.
pub(crate) fn inline(value: &Json) -> Option<String> {
    let mut text = String::new();
    push_inline(&mut text, value).then_some(text)
}

/// A multi-line string that can be written as a literal block below `key:` or `- ` whose
/// content sits at `indent`.
pub(crate) fn literal(value: &Json, indent: usize) -> Option<emit::Literal> {
    value.as_str().and_then(|s| emit::literal(s, indent))
}

/// `key: value` as block lines at `indent`: scalars and empty collections on the key line,
/// multi-line strings as literal blocks, other collections on the lines below at `indent + 2`.
pub(crate) fn entry_lines(key_text: &str, value: &Json, indent: usize, out: &mut Vec<String>) {
    let mut text = String::new();
    write_entry(&mut text, key_text, value, indent);
    push_lines(&text, out);
}

/// `key: value` as block YAML at `indent`, lines joined by `nl` (no final line break).
pub(crate) fn entry_text(key: &str, value: &Json, indent: usize, nl: &str) -> String {
    let mut text = String::new();
    write_entry(&mut text, &emit::key(key), value, indent);
    joined(text, nl)
}

/// A non-empty collection as block YAML lines at `indent`; other values as one line. Sequence
/// items that are collections start on the dash line (`- a: 1`, `- - x`); multi-line strings
/// are literal blocks (`- |`).
pub(crate) fn block_lines(value: &Json, indent: usize, out: &mut Vec<String>) {
    let mut text = String::new();
    write_block(&mut text, value, indent);
    push_lines(&text, out);
}

/// A whole value as block YAML lines at column 0 (scalars and empty collections as one line),
/// joined by `nl`.
pub(crate) fn block(value: &Json, nl: &str) -> String {
    let mut text = String::with_capacity(256);
    write_block(&mut text, value, 0);
    joined(text, nl)
}

/// The lines [`write_entry`] / [`write_block`] wrote (each ends in `\n`; no other `\n` is in
/// them, since line breaks inside strings are escaped or split into literal lines).
fn push_lines(text: &str, out: &mut Vec<String>) {
    let text = text.strip_suffix('\n').unwrap_or(text);
    out.extend(text.split('\n').map(str::to_string));
}

/// Written lines joined by `nl`, without the last line break.
fn joined(mut text: String, nl: &str) -> String {
    if text.ends_with('\n') {
        text.pop();
    }
    if nl == "\n" {
        text
    } else {
        text.replace('\n', nl)
    }
}

/// `indent` spaces.
pub(super) fn pad(out: &mut String, indent: usize) {
    const SPACES: &str = "                                                                ";
    let mut left = indent;
    while left > 0 {
        let n = left.min(SPACES.len());
        out.push_str(&SPACES[..n]);
        left -= n;
    }
}

/// [`inline`], appended to `out`; false (and nothing written) for a non-empty collection.
fn push_inline(out: &mut String, value: &Json) -> bool {
    match value {
        Json::Array(a) if a.is_empty() => out.push_str("[]"),
        Json::Object(o) if o.is_empty() => out.push_str("{}"),
        other => return emit::push_scalar(out, other),
    }
    true
}

/// [`entry_lines`] into one text, each line ending in `\n`: the work of every block writer,
/// in one buffer (a discovery renders thousands of schema files).
fn write_entry(out: &mut String, key_text: &str, value: &Json, indent: usize) {
    pad(out, indent);
    out.push_str(key_text);
    write_after_key(out, value, indent);
}

/// What follows a key written at `indent`: `:` and the value, inline or on the lines below.
fn write_after_key(out: &mut String, value: &Json, indent: usize) {
    out.push(':');
    if let Json::String(s) = value {
        return push_string_after_marker(out, s, indent);
    }
    out.push(' ');
    if push_inline(out, value) {
        out.push('\n');
    } else {
        out.pop();
        out.push('\n');
        write_block(out, value, indent + 2);
    }
}

/// String `s` after the `:` or `-` that ends a line's key or dash at `indent`, to the end of
/// the line: ` text`, or for a multi-line string ` |` and its literal lines below (at
/// `indent + 2`). Shared with [`super::transcode`], so both write strings alike.
pub(super) fn push_string_after_marker(out: &mut String, s: &str, indent: usize) {
    out.push(' ');
    match emit::literal(s, indent + 2) {
        Some(lit) => {
            out.push_str(lit.header);
            out.push('\n');
            push_literal(out, &lit);
        }
        None => {
            emit::push_string(out, s);
            out.push('\n');
        }
    }
}

fn push_literal(out: &mut String, lit: &emit::Literal) {
    for line in &lit.lines {
        out.push_str(line);
        out.push('\n');
    }
}

/// [`block_lines`] into one text, each line ending in `\n`.
fn write_block(out: &mut String, value: &Json, indent: usize) {
    match value {
        Json::Object(o) if !o.is_empty() => {
            for (k, v) in o {
                pad(out, indent);
                emit::push_key(out, k);
                write_after_key(out, v, indent);
            }
        }
        Json::Array(a) if !a.is_empty() => {
            for item in a {
                let start = out.len();
                pad(out, indent);
                out.push('-');
                if let Json::String(s) = item {
                    push_string_after_marker(out, s, indent);
                    continue;
                }
                out.push(' ');
                if push_inline(out, item) {
                    out.push('\n');
                } else {
                    out.truncate(start);
                    // The item's first line moves up onto the dash: its indentation
                    // (`indent + 2` spaces) becomes `indent` spaces and `- `.
                    write_block(out, item, indent + 2);
                    out.replace_range(start + indent..start + indent + 2, "- ");
                }
            }
        }
        other => {
            pad(out, indent);
            push_inline(out, other);
            out.push('\n');
        }
    }
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
pub(super) mod tests {
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

    /// Any JSON: arbitrary strings (keys too) beside the ones YAML reads specially.
    pub(crate) fn value() -> impl proptest::strategy::Strategy<Value = Json> {
        use proptest::prelude::*;
        let text = prop_oneof![
            any::<String>(),
            "[ -~\n\t]{0,12}",
            prop::sample::select(vec![
                "",
                "~",
                "null",
                "on",
                "No",
                "0x1f",
                "1e3",
                ".inf",
                "2020-01-01",
                "- a",
                "a: b",
                "x # y",
                "'q'",
                "\"dq\"",
                "{[,]}",
                "@at",
                "%x",
                "a\n",
                "\n\n",
                " lead",
                "trail ",
                "multi\nline\n",
                "tab\tin",
                "a -",
                "x ?",
                "y -x",
                "z - ]",
                "\u{85}next",
                "\u{feff}bom",
                "ünï ✓",
            ])
            .prop_map(str::to_string),
        ];
        let scalar = prop_oneof![
            Just(Json::Null),
            any::<bool>().prop_map(Json::Bool),
            any::<i64>().prop_map(Json::from),
            any::<u64>().prop_map(Json::from),
            any::<f64>()
                .prop_filter("JSON numbers are finite", |f| f.is_finite())
                .prop_map(Json::from),
            text.clone().prop_map(Json::String),
        ];
        scalar.prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Json::Array),
                prop::collection::vec((text.clone(), inner), 0..5)
                    .prop_map(|kv| Json::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The emitter's round trip, which a discovery's new schema files rely on (release
        /// builds do not read each one back): any value rendered as a block document, nested
        /// as an entry or in flow style, parses back to exactly that value.
        #[test]
        fn rendered_values_parse_back_to_themselves(v in value()) {
            let read = |text: &str| super::super::parse(text).map(|n| n.to_json()).map_err(|e| e.message);
            let text = block(&v, "\n");
            proptest::prop_assert_eq!(read(&text), Ok(v.clone()), "{}", text);
            let entry = entry_text("k", &v, 2, "\n");
            let nested = serde_json::json!({"top": {"k": v.clone()}});
            proptest::prop_assert_eq!(read(&format!("top:\n{entry}\n")), Ok(nested), "{}", entry);
            if let Some(flow) = flow(&v, false) {
                proptest::prop_assert_eq!(read(&flow), Ok(v), "{}", flow);
            }
        }
    }
}
