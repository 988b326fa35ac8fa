//! Format-preserving edits of YAML/JSON text.
//!
//! Every edit becomes a byte-range replacement of the original text, so comments, key order,
//! quoting, anchors, blank lines, indentation and line endings outside the edited range survive
//! byte for byte. After patching, the result is parsed again and compared with the intended
//! value: a patch that would produce anything else is refused instead of written.

use serde_json::Value as Json;

use super::tree::{self, Node, PathSeg, Style, Value};

/// One change to a document, addressed by path.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Sets `key` of the mapping at `map` to a scalar value, inserting the key when absent.
    Set {
        map: Vec<PathSeg>,
        key: String,
        value: Json,
    },
    /// Removes `key` from the mapping at `map` (a no-op when absent).
    Remove { map: Vec<PathSeg>, key: String },
}

/// Why an edit could not be applied safely.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PatchError {
    #[error("the document no longer parses: {0}")]
    Parse(#[from] tree::ParseError),
    #[error("nothing at {0} to edit")]
    Missing(String),
    #[error("{0} is not a mapping")]
    NotAMap(String),
    #[error("{0} comes from a YAML anchor or merge key; edit it where the anchor is defined")]
    Shared(String),
    #[error("{0} is laid out in a way flowspec cannot edit without touching other lines")]
    Layout(String),
    #[error("only scalar values can be written in place (at {0})")]
    NotScalar(String),
    #[error("internal check failed: the patched text does not hold the intended value at {0}")]
    Verify(String),
}

/// A replacement of `start..end` with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Splice {
    start: usize,
    end: usize,
    text: String,
}

/// Applies `edits` to `text`, returning the new text. Unchanged documents come back identical.
pub fn apply(text: &str, edits: &[Edit]) -> Result<String, PatchError> {
    let mut current = text.to_string();
    // Edits are applied one at a time against a fresh parse, so positions never go stale.
    for edit in edits {
        let root = tree::parse(&current)?;
        let mut expected = root.to_json();
        apply_json(&mut expected, edit);
        let splice = plan(&current, &root, edit)?;
        if let Some(s) = splice {
            current.replace_range(s.start..s.end, &s.text);
        }
        let after = tree::parse(&current)?;
        if after.to_json() != expected {
            return Err(PatchError::Verify(edit_pointer(edit)));
        }
    }
    Ok(current)
}

fn edit_pointer(edit: &Edit) -> String {
    let (map, key) = match edit {
        Edit::Set { map, key, .. } | Edit::Remove { map, key } => (map, key),
    };
    let mut path = map.clone();
    path.push(PathSeg::Key(key.clone()));
    tree::pointer(&path)
}

/// Applies an edit to a JSON value: the reference semantics the text patch must match.
fn apply_json(doc: &mut Json, edit: &Edit) {
    let (map, key) = match edit {
        Edit::Set { map, key, .. } | Edit::Remove { map, key } => (map, key),
    };
    let mut node = doc;
    for seg in map {
        node = match (seg, node) {
            (PathSeg::Key(k), Json::Object(m)) => match m.get_mut(k) {
                Some(n) => n,
                None => return,
            },
            (PathSeg::Index(i), Json::Array(a)) => match a.get_mut(*i) {
                Some(n) => n,
                None => return,
            },
            _ => return,
        };
    }
    if let Json::Object(m) = node {
        match edit {
            Edit::Set { value, .. } => {
                if let Some(slot) = m.get_mut(key) {
                    *slot = value.clone();
                } else {
                    m.insert(key.clone(), value.clone());
                }
            }
            Edit::Remove { .. } => {
                m.shift_remove(key);
            }
        }
    }
}

fn plan(text: &str, root: &Node, edit: &Edit) -> Result<Option<Splice>, PatchError> {
    let (map_path, key) = match edit {
        Edit::Set { map, key, .. } | Edit::Remove { map, key } => (map, key),
    };
    let here = tree::pointer(map_path);
    let map = root
        .at(map_path)
        .ok_or_else(|| PatchError::Missing(here.clone()))?;
    if !map.is_map() {
        return Err(PatchError::NotAMap(here));
    }
    let entry = map.get_entry(key);
    let at = format!("{here}/{key}");
    if let Some((k, _)) = entry {
        if k.shared {
            return Err(PatchError::Shared(at));
        }
    }
    match edit {
        Edit::Set { value, .. } => {
            let rendered = render_scalar(value).ok_or_else(|| PatchError::NotScalar(at.clone()))?;
            match entry {
                Some((_, v)) => {
                    if v.to_json() == *value {
                        return Ok(None);
                    }
                    if !matches!(
                        v.value,
                        Value::Null
                            | Value::Bool(_)
                            | Value::Int(_)
                            | Value::Float(_)
                            | Value::Str(_)
                    ) || matches!(v.style, Style::Literal | Style::Folded)
                        || v.pos.end <= v.pos.start
                    {
                        return Err(PatchError::Layout(at));
                    }
                    Ok(Some(Splice {
                        start: v.pos.start,
                        end: v.pos.end,
                        text: rendered,
                    }))
                }
                None => insert(text, map, key, &rendered, &at).map(Some),
            }
        }
        Edit::Remove { .. } => match entry {
            None => Ok(None),
            Some((k, v)) => remove(text, map, k, v, &at).map(Some),
        },
    }
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0)
}

/// Offset just past the newline ending the line that contains `at` (or the text's end).
fn line_end_incl(text: &str, at: usize) -> usize {
    text[at..]
        .find('\n')
        .map(|i| at + i + 1)
        .unwrap_or(text.len())
}

fn newline(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// True when only spaces or a comment follow `at` on its line.
fn rest_of_line_is_blank(text: &str, at: usize) -> bool {
    let end = line_end_incl(text, at);
    let rest = text[at..end].trim();
    rest.is_empty() || rest.starts_with('#')
}

/// The offset where a block node's text really ends: literal/folded scalars include their
/// trailing line break in saphyr's span, other nodes end at their last character.
fn content_end(text: &str, node: &Node) -> usize {
    let mut end = node.pos.end;
    while end > node.pos.start && matches!(text.as_bytes()[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    end
}

fn insert(
    text: &str,
    map: &Node,
    key: &str,
    rendered: &str,
    at: &str,
) -> Result<Splice, PatchError> {
    let key_text = render_key(key);
    if map.flow {
        // `{a: 1}` -> `{a: 1, key: v}`; `{}` -> `{key: v}`.
        let close = map.pos.end.saturating_sub(1);
        if text.as_bytes().get(close) != Some(&b'}') {
            return Err(PatchError::Layout(at.into()));
        }
        return Ok(match map.entries().last() {
            Some((_, last)) => Splice {
                start: last.pos.end,
                end: last.pos.end,
                text: format!(", {key_text}: {rendered}"),
            },
            None => Splice {
                start: close,
                end: close,
                text: format!("{key_text}: {rendered}"),
            },
        });
    }
    let Some((first_key, _)) = map.entries().first() else {
        return Err(PatchError::Layout(at.into()));
    };
    if first_key.shared {
        return Err(PatchError::Layout(at.into()));
    }
    let (_, last_value) = map
        .entries()
        .iter()
        .rev()
        .find(|(k, _)| !k.shared)
        .ok_or_else(|| PatchError::Layout(at.into()))?;
    let indent_from = line_start(text, first_key.pos.start);
    let indent = first_key.pos.start - indent_from;
    let end = content_end(text, last_value);
    if !rest_of_line_is_blank(text, end) {
        return Err(PatchError::Layout(at.into()));
    }
    let nl = newline(text);
    let insert_at = line_end_incl(text, end);
    let at_unterminated_end = insert_at == text.len() && !text.ends_with('\n');
    let mut line = String::new();
    if at_unterminated_end {
        line.push_str(nl);
    }
    line.push_str(&" ".repeat(indent));
    line.push_str(&key_text);
    line.push_str(": ");
    line.push_str(rendered);
    if !at_unterminated_end {
        line.push_str(nl);
    }
    Ok(Splice {
        start: insert_at,
        end: insert_at,
        text: line,
    })
}

fn remove(
    text: &str,
    map: &Node,
    key: &Node,
    value: &Node,
    at: &str,
) -> Result<Splice, PatchError> {
    let entries = map.entries();
    let index = entries
        .iter()
        .position(|(k, _)| k.pos == key.pos)
        .ok_or_else(|| PatchError::Missing(at.into()))?;
    if map.flow {
        // Remove `key: value` and one adjoining comma.
        let (start, end) = if index + 1 < entries.len() {
            (key.pos.start, entries[index + 1].0.pos.start)
        } else if index > 0 {
            (entries[index - 1].1.pos.end, value.pos.end)
        } else {
            (key.pos.start, value.pos.end)
        };
        return Ok(Splice {
            start,
            end,
            text: String::new(),
        });
    }
    let own = entries.iter().filter(|(k, _)| !k.shared).count();
    let start = line_start(text, key.pos.start);
    let only_indent = text[start..key.pos.start].bytes().all(|b| b == b' ');
    let end = content_end(text, value);
    if own < 2 || !only_indent || !rest_of_line_is_blank(text, end) {
        return Err(PatchError::Layout(at.into()));
    }
    Ok(Splice {
        start,
        end: line_end_incl(text, end),
        text: String::new(),
    })
}

/// Writes a key, quoting it only when it would not read back as the same string.
fn render_key(key: &str) -> String {
    render_scalar(&Json::String(key.to_string())).unwrap_or_else(|| key.to_string())
}

/// Renders a JSON scalar as YAML text that reads back as the same value. Strings stay plain
/// when that is unambiguous, and are double-quoted (JSON escaping is valid YAML) otherwise.
pub fn render_scalar(value: &Json) -> Option<String> {
    Some(match value {
        Json::Null => "null".into(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => {
            if plain_safe(s) {
                s.clone()
            } else {
                serde_json::to_string(s).ok()?
            }
        }
        Json::Array(_) | Json::Object(_) => return None,
    })
}

fn plain_safe(s: &str) -> bool {
    if s.is_empty() || s.trim() != s || tree::resolve_plain(s) != Value::Str(s.to_string()) {
        return false;
    }
    let first = s.chars().next().unwrap_or(' ');
    if "-?:,[]{}#&*!|>'\"%@`".contains(first)
        && !(first == '-' && s.len() > 1 && !s[1..].starts_with(' '))
    {
        return false;
    }
    !(s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.chars()
            .any(|c| c.is_control() || matches!(c, '{' | '}' | '[' | ']' | ',')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(k: &str) -> PathSeg {
        PathSeg::key(k)
    }

    fn diff_lines(a: &str, b: &str) -> (Vec<String>, Vec<String>) {
        let d = similar::TextDiff::from_lines(a, b);
        let mut removed = vec![];
        let mut added = vec![];
        for c in d.iter_all_changes() {
            match c.tag() {
                similar::ChangeTag::Delete => removed.push(c.value().to_string()),
                similar::ChangeTag::Insert => added.push(c.value().to_string()),
                similar::ChangeTag::Equal => {}
            }
        }
        (removed, added)
    }

    const CATALOG: &str = "# top comment\ncaptures:\n  acme/src:   # trailing\n    endpoint:\n      connector: {image: 'x:v1', config: c.yaml}\n    bindings:\n      - resource: {stream: a}\n        target: acme/a\n\n      - resource:\n          stream: b\n        target: acme/b   # note\n        disable: true\n      - {resource: {stream: c}, target: acme/c}\n";

    #[test]
    fn inserting_a_key_adds_exactly_one_line() {
        let path = vec![
            key("captures"),
            key("acme/src"),
            key("bindings"),
            PathSeg::Index(0),
        ];
        let out = apply(
            CATALOG,
            &[Edit::Set {
                map: path,
                key: "disable".into(),
                value: json!(true),
            }],
        )
        .unwrap();
        let (removed, added) = diff_lines(CATALOG, &out);
        assert!(removed.is_empty());
        assert_eq!(added, vec!["        disable: true\n"]);
    }

    #[test]
    fn removing_a_key_removes_exactly_its_line() {
        let path = vec![
            key("captures"),
            key("acme/src"),
            key("bindings"),
            PathSeg::Index(1),
        ];
        let out = apply(
            CATALOG,
            &[Edit::Remove {
                map: path,
                key: "disable".into(),
            }],
        )
        .unwrap();
        let (removed, added) = diff_lines(CATALOG, &out);
        assert_eq!(removed, vec!["        disable: true\n"]);
        assert!(added.is_empty());
    }

    #[test]
    fn flow_mappings_are_edited_inline() {
        let path = vec![
            key("captures"),
            key("acme/src"),
            key("bindings"),
            PathSeg::Index(2),
        ];
        let out = apply(
            CATALOG,
            &[Edit::Set {
                map: path.clone(),
                key: "disable".into(),
                value: json!(true),
            }],
        )
        .unwrap();
        assert!(out.contains("- {resource: {stream: c}, target: acme/c, disable: true}\n"));
        let back = apply(
            &out,
            &[Edit::Remove {
                map: path,
                key: "disable".into(),
            }],
        )
        .unwrap();
        assert_eq!(back, CATALOG);
    }

    #[test]
    fn replacing_a_scalar_keeps_the_rest_of_the_line() {
        let path = vec![
            key("captures"),
            key("acme/src"),
            key("bindings"),
            PathSeg::Index(1),
        ];
        let out = apply(
            CATALOG,
            &[Edit::Set {
                map: path,
                key: "target".into(),
                value: json!("acme/b2"),
            }],
        )
        .unwrap();
        assert!(out.contains("        target: acme/b2   # note\n"));
    }

    #[test]
    fn crlf_files_stay_crlf() {
        let text = "a:\r\n  b: 1\r\n  c: 2\r\n";
        let out = apply(
            text,
            &[Edit::Set {
                map: vec![key("a")],
                key: "d".into(),
                value: json!(true),
            }],
        )
        .unwrap();
        assert_eq!(out, "a:\r\n  b: 1\r\n  c: 2\r\n  d: true\r\n");
    }

    #[test]
    fn no_trailing_newline_is_handled() {
        let out = apply(
            "a:\n  b: 1",
            &[Edit::Set {
                map: vec![key("a")],
                key: "d".into(),
                value: json!("x y"),
            }],
        )
        .unwrap();
        assert_eq!(out, "a:\n  b: 1\n  d: x y");
    }

    #[test]
    fn insert_after_nested_block_and_literal() {
        let text = "m:\n  a:\n    deep: 1\n  s: |\n    line\n\n# tail\n";
        let out = apply(
            text,
            &[Edit::Set {
                map: vec![key("m")],
                key: "z".into(),
                value: json!(1),
            }],
        )
        .unwrap();
        let root = tree::parse(&out).unwrap();
        assert_eq!(
            root.get("m").unwrap().get("z").unwrap().value,
            Value::Int(1)
        );
        assert_eq!(
            root.get("m").unwrap().get("s").unwrap().as_str(),
            Some("line\n")
        );
    }

    #[test]
    fn first_key_after_dash_cannot_be_removed_by_lines() {
        let text = "l:\n  - disable: true\n    target: x\n";
        let err = apply(
            text,
            &[Edit::Remove {
                map: vec![key("l"), PathSeg::Index(0)],
                key: "disable".into(),
            }],
        )
        .unwrap_err();
        assert!(matches!(err, PatchError::Layout(_)));
    }

    #[test]
    fn edits_through_anchors_are_refused() {
        let text = "base: &b\n  x: 1\n  y: 2\nuse:\n  <<: *b\n  z: 3\n";
        let err = apply(
            text,
            &[Edit::Set {
                map: vec![key("use")],
                key: "x".into(),
                value: json!(5),
            }],
        )
        .unwrap_err();
        assert!(matches!(err, PatchError::Shared(_)));
    }

    #[test]
    fn strings_are_quoted_only_when_needed() {
        for s in [
            "plain",
            "acme/a-b_c.d",
            "true",
            "12",
            "a: b",
            "#x",
            "",
            " lead",
            "x #y",
            "- a",
            "-x",
            "ünï",
        ] {
            let r = render_scalar(&json!(s)).unwrap();
            let back = tree::parse(&format!("k: {r}\n")).unwrap();
            assert_eq!(
                back.get("k").unwrap().as_str(),
                Some(s),
                "{s:?} rendered as {r}"
            );
        }
        assert_eq!(render_scalar(&json!("plain")).unwrap(), "plain");
        assert_eq!(render_scalar(&json!("true")).unwrap(), "\"true\"");
    }
}
