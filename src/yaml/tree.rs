//! A YAML/JSON document tree that remembers where every node came from.
//!
//! serde_yaml forgets positions, but flowspec needs them twice: diagnostics must point at the
//! offending node, and edits must be applied as byte-range patches of the original text so that
//! every untouched line stays identical. This tree is built from saphyr-parser events and keeps
//! byte offsets for every node.

use saphyr_parser::ScalarStyle;

pub use super::build::{parse, MAX_DEPTH, MAX_NODES};

/// A byte range of the source text plus the 1-based line/column of its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    /// Byte offset of the first byte of the node.
    pub start: usize,
    /// Byte offset one past the last byte of the node (for block collections: of its last child).
    pub end: usize,
    /// 1-based line of `start`.
    pub line: u32,
    /// 1-based column (in characters) of `start`.
    pub col: u32,
}

/// How a scalar was written, so that edits can keep the author's quoting style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// The value of a node, resolved with the YAML 1.2 core schema (like serde_yaml).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// An integer JSON can hold: from `i64::MIN` to `u64::MAX`, as serde_yaml reads them
    /// (larger ones are floats). Unsigned 64-bit bounds are common in discovered schemas.
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// One node of a parsed document.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
    /// Scalar style; for collections, `Plain` means block style.
    pub style: Style,
    /// True for `{...}` / `[...]` collections, whose text cannot take new lines safely.
    pub flow: bool,
    /// True when this node was produced by an alias or a merge key: its text lives elsewhere,
    /// so editing it in place would silently change every other user of the anchor.
    pub shared: bool,
}

/// A parse failure with a location a person can jump to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{col}: {message}")]
pub struct ParseError {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

impl Node {
    /// The mapping entries, or an empty slice for other kinds (saves a match at every call site).
    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.value {
            Value::Map(m) => m,
            _ => &[],
        }
    }

    /// The sequence items, or an empty slice for other kinds.
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(s) => s,
            _ => &[],
        }
    }

    /// Looks up a mapping key by its string form.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.get_entry(key).map(|(_, v)| v)
    }

    /// Looks up a mapping entry (key node and value node) by the key's string form.
    pub fn get_entry(&self, key: &str) -> Option<&(Node, Node)> {
        self.entries().iter().find(|(k, _)| k.as_str() == Some(key))
    }

    /// The string value of a scalar string node.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    pub fn is_seq(&self) -> bool {
        matches!(self.value, Value::Seq(_))
    }

    /// A short human name of the node's type, used in "expected X, found Y" messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// Converts to JSON, the way Flow transcodes YAML (key order kept, non-string keys stringified).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => match i64::try_from(*i) {
                Ok(i) => J::from(i),
                Err(_) => J::from(u64::try_from(*i).expect("parsed within u64")),
            },
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(J::Number)
                .unwrap_or(J::Null),
            Value::Str(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => {
                let mut m = serde_json::Map::new();
                for (k, v) in entries {
                    m.insert(k.key_string(), v.to_json());
                }
                J::Object(m)
            }
        }
    }

    /// Whether this node reads as `v`, without building its JSON (checking that thousands of
    /// new files read back as intended stays cheap). Stricter than `self.to_json() == *v` in
    /// one way: a mapping must hold `v`'s keys in `v`'s order, as a document rendered from
    /// `v` does.
    pub fn same_as_json(&self, v: &serde_json::Value) -> bool {
        use serde_json::Value as J;
        match (&self.value, v) {
            (Value::Str(a), J::String(b)) => a == b,
            (Value::Seq(items), J::Array(vs)) => {
                items.len() == vs.len() && items.iter().zip(vs).all(|(n, v)| n.same_as_json(v))
            }
            (Value::Map(entries), J::Object(m)) => {
                entries.len() == m.len()
                    && entries
                        .iter()
                        .zip(m)
                        .all(|((k, n), (key, v))| *k.key_cow() == **key && n.same_as_json(v))
            }
            (Value::Seq(_) | Value::Map(_) | Value::Str(_), _) => false,
            (_, J::Array(_) | J::Object(_) | J::String(_)) => false,
            _ => self.to_json() == *v,
        }
    }

    /// The string form of a node used as a mapping key, borrowed when it is a string (saves an
    /// allocation per comparison while parsing).
    pub fn key_cow(&self) -> std::borrow::Cow<'_, str> {
        match &self.value {
            Value::Str(s) => std::borrow::Cow::Borrowed(s),
            _ => std::borrow::Cow::Owned(self.key_string()),
        }
    }

    /// The string form of a node used as a mapping key.
    pub fn key_string(&self) -> String {
        match &self.value {
            Value::Str(s) => s.clone(),
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            _ => serde_json::to_string(&self.to_json()).unwrap_or_default(),
        }
    }

    /// Follows a path of keys and indices.
    pub fn at(&self, path: &[PathSeg]) -> Option<&Node> {
        let mut node = self;
        for seg in path {
            node = match seg {
                PathSeg::Key(k) => node.get(k)?,
                PathSeg::Index(i) => node.items().get(*i)?,
            };
        }
        Some(node)
    }
}

/// One step of a path into a document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

impl PathSeg {
    pub fn key(k: impl Into<String>) -> Self {
        PathSeg::Key(k.into())
    }
}

/// Renders a path as a JSON pointer, for messages.
pub fn pointer(path: &[PathSeg]) -> String {
    let mut out = String::new();
    for seg in path {
        out.push('/');
        match seg {
            PathSeg::Key(k) => out.push_str(&k.replace('~', "~0").replace('/', "~1")),
            PathSeg::Index(i) => out.push_str(&i.to_string()),
        }
    }
    out
}

/// Takes the parser's text by value: most scalars are strings, and saphyr hands them over
/// owned, so they move into the tree without a copy.
pub(super) fn resolve_scalar(
    text: std::borrow::Cow<'_, str>,
    style: ScalarStyle,
    tag: Option<&saphyr_parser::Tag>,
) -> (Value, Style) {
    let style = match style {
        ScalarStyle::Plain => Style::Plain,
        ScalarStyle::SingleQuoted => Style::SingleQuoted,
        ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
        ScalarStyle::Literal => Style::Literal,
        ScalarStyle::Folded => Style::Folded,
    };
    if let Some(tag) = tag {
        if tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!" {
            match tag.suffix.as_str() {
                "str" => return (Value::Str(text.into_owned()), style),
                "null" => return (Value::Null, style),
                _ => {}
            }
        }
    }
    if style != Style::Plain {
        return (Value::Str(text.into_owned()), style);
    }
    let value = plain_non_string(&text).unwrap_or_else(|| Value::Str(text.into_owned()));
    (value, style)
}

/// YAML 1.2 core schema resolution of a plain scalar.
pub fn resolve_plain(text: &str) -> Value {
    plain_non_string(text).unwrap_or_else(|| Value::Str(text.to_string()))
}

/// The null, boolean or number a plain scalar stands for, or `None` for a string.
fn plain_non_string(text: &str) -> Option<Value> {
    let special = match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Value::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => Value::Float(f64::NAN),
        _ => return plain_number(text),
    };
    Some(special)
}

/// The integer or float a plain scalar stands for, if any.
fn plain_number(text: &str) -> Option<Value> {
    let bytes = text.as_bytes();
    let first = bytes[0];
    if !(first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.') {
        return None;
    }
    if let Some(hex) = text.strip_prefix("0x") {
        if let Ok(i) = i64::from_str_radix(hex, 16) {
            return Some(Value::Int(i.into()));
        }
    }
    if let Some(oct) = text.strip_prefix("0o") {
        if let Ok(i) = i64::from_str_radix(oct, 8) {
            return Some(Value::Int(i.into()));
        }
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = text.parse::<i128>() {
            if (i64::MIN.into()..=u64::MAX.into()).contains(&i) {
                return Some(Value::Int(i));
            }
        }
    }
    let looks_float = digits
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && digits.bytes().any(|b| b.is_ascii_digit());
    if looks_float {
        if let Ok(f) = text.parse::<f64>() {
            return Some(Value::Float(f));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice<'a>(text: &'a str, n: &Node) -> &'a str {
        &text[n.pos.start..n.pos.end]
    }

    #[test]
    fn same_as_json_agrees_with_to_json_and_wants_the_keys_in_order() {
        use serde_json::json;
        let text = "a: 1\nb: [x, 2.5, null, true, -3]\nc: {d: '7', e: {}}\n";
        let root = parse(text).unwrap();
        let v = root.to_json();
        assert!(root.same_as_json(&v));
        for other in [
            json!({"a": 1, "b": ["x", 2.5, null, true, -3], "c": {"d": 7, "e": {}}}),
            json!({"a": 1.0, "b": ["x", 2.5, null, true, -3], "c": {"d": "7", "e": {}}}),
            json!({"a": 1, "b": ["x", 2.5, null, true], "c": {"d": "7", "e": {}}}),
            json!({"b": ["x", 2.5, null, true, -3], "a": 1, "c": {"d": "7", "e": {}}}),
            json!({"a": 1, "b": ["x", 2.5, null, true, -3], "c": {"d": "7", "e": []}}),
        ] {
            assert!(!root.same_as_json(&other), "{other}");
        }
    }

    #[test]
    fn anchored_and_tagged_flow_collections_are_flow_from_their_bracket() {
        let text = "a: &s { x: 1 }\nb: !!seq [1]\nc: &t\n  {y: 2}\nd: &u\n  z: 3\n";
        let root = parse(text).unwrap();
        for (k, open) in [("a", "{"), ("b", "["), ("c", "{")] {
            let n = root.get(k).unwrap();
            assert!(n.flow, "{k}");
            assert_eq!(&text[n.pos.start..n.pos.start + 1], open, "{k}");
        }
        assert_eq!(
            (
                root.get("c").unwrap().pos.line,
                root.get("c").unwrap().pos.col
            ),
            (4, 3)
        );
        assert!(!root.get("d").unwrap().flow);
    }

    #[test]
    fn compact_block_sequences_of_flow_items_are_block() {
        let root = parse("a:\n- []\n- {}\nb:\n  - [1]\n").unwrap();
        for k in ["a", "b"] {
            let seq = root.get(k).unwrap();
            assert!(!seq.flow, "{k}");
            assert!(seq.items().iter().all(|i| i.flow), "{k}");
        }
    }

    #[test]
    fn scalar_spans_cover_exactly_the_written_text() {
        let text = "a: plain value # comment\nb: 'single'\nc: \"dou\\\"ble\"\nd: 12\ne: true\n";
        let root = parse(text).unwrap();
        assert_eq!(slice(text, root.get("a").unwrap()), "plain value");
        assert_eq!(slice(text, root.get("b").unwrap()), "'single'");
        assert_eq!(slice(text, root.get("c").unwrap()), "\"dou\\\"ble\"");
        assert_eq!(slice(text, root.get("d").unwrap()), "12");
        assert_eq!(root.get("d").unwrap().value, Value::Int(12));
        assert_eq!(root.get("e").unwrap().value, Value::Bool(true));
        let (k, _) = root.get_entry("c").unwrap();
        assert_eq!((k.pos.line, k.pos.col), (3, 1));
    }

    #[test]
    fn quoted_spans_stop_at_the_closing_quote() {
        let text = "a: \"x\\\" y\"  # c\nb: 'it''s'  \nc: { \"k\" : \"v\" , d: 'w' }\n";
        let root = parse(text).unwrap();
        assert_eq!(slice(text, root.get("a").unwrap()), "\"x\\\" y\"");
        assert_eq!(slice(text, root.get("b").unwrap()), "'it''s'");
        let c = root.get("c").unwrap();
        assert_eq!(slice(text, &c.entries()[0].0), "\"k\"");
        assert_eq!(slice(text, c.get("k").unwrap()), "\"v\"");
        assert_eq!(slice(text, c.get("d").unwrap()), "'w'");
    }

    #[test]
    fn non_ascii_offsets_are_bytes() {
        let text = "ñame: héllo\nnext: wörld\n";
        let root = parse(text).unwrap();
        assert_eq!(slice(text, root.get("ñame").unwrap()), "héllo");
        assert_eq!(slice(text, root.get("next").unwrap()), "wörld");
    }

    #[test]
    fn block_collections_end_at_their_last_child() {
        let text = "top:\n  - a: 1\n    b: [1, 2]\n  - {x: y}\nafter: 1\n";
        let root = parse(text).unwrap();
        let top = root.get("top").unwrap();
        assert_eq!(
            slice(text, top).trim_end(),
            "- a: 1\n    b: [1, 2]\n  - {x: y}"
        );
        assert!(top.items()[1].flow);
        assert_eq!(slice(text, &top.items()[1]), "{x: y}");
        assert_eq!(slice(text, top.items()[0].get("b").unwrap()), "[1, 2]");
    }

    #[test]
    fn merge_keys_and_aliases_are_resolved_and_marked_shared() {
        let text = "base: &b {image: x:1, config: {a: 1}}\nuse:\n  <<: *b\n  image: y:2\n";
        let root = parse(text).unwrap();
        let used = root.get("use").unwrap();
        assert_eq!(used.get("image").unwrap().as_str(), Some("y:2"));
        assert!(!used.get("image").unwrap().shared);
        assert!(used.get("config").unwrap().shared);
        assert!(used.get_entry("config").unwrap().0.shared);
        // Merged from an inline mapping (no alias): the entries are still not this map's own.
        let root = parse("m:\n  a: 1\n  <<: {b: 2}\n").unwrap();
        let (k, v) = root.get("m").unwrap().get_entry("b").unwrap();
        assert!(k.shared && v.shared);
        assert!(!root.get("m").unwrap().get_entry("a").unwrap().0.shared);
        assert_eq!(used.entries().len(), 2);
    }

    #[test]
    fn duplicate_keys_are_rejected_with_location() {
        let err = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!((err.line, err.col), (3, 1));
        assert!(err.message.contains("duplicate key `a`"));
        // Large mappings use a hash set; the answer is the same.
        let mut big: String = (0..100).map(|i| format!("k{i}: {i}\n")).collect();
        assert!(parse(&big).is_ok());
        big.push_str("k17: again\n");
        let err = parse(&big).unwrap_err();
        assert_eq!((err.line, err.col), (101, 1));
        assert!(err.message.contains("duplicate key `k17`"));
        // Keys compare by their string form: `1` and `"1"` collide, as in JSON.
        let mut mixed: String = (0..20).map(|i| format!("s{i}: 0\n")).collect();
        mixed.push_str("1: a\n'1': b\n");
        assert!(parse(&mixed).is_err());
    }

    #[test]
    fn syntax_errors_are_located() {
        let err = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.line >= 1, "{err}");
        let err = parse("a: b: c\n").unwrap_err();
        assert_eq!(err.line, 1);
    }

    #[test]
    fn empty_text_is_null_and_json_parses() {
        assert_eq!(parse("").unwrap().value, Value::Null);
        assert_eq!(parse("# only a comment\n").unwrap().value, Value::Null);
        let root = parse("{\"a\": [1, 2.5, \"x\", null, false]}").unwrap();
        assert_eq!(
            root.to_json(),
            serde_json::json!({"a": [1, 2.5, "x", null, false]})
        );
    }

    #[test]
    fn core_schema_resolution() {
        assert_eq!(resolve_plain("5m"), Value::Str("5m".into()));
        assert_eq!(resolve_plain("-12"), Value::Int(-12));
        assert_eq!(resolve_plain("1.5e3"), Value::Float(1500.0));
        assert_eq!(resolve_plain("0x1F"), Value::Int(31));
        assert_eq!(resolve_plain("~"), Value::Null);
        assert_eq!(resolve_plain("yes"), Value::Str("yes".into()));
    }

    #[test]
    fn integers_up_to_u64_max_stay_integers_as_serde_yaml_reads_them() {
        let root = parse(
            "max: 18446744073709551615\nmin: -9223372036854775808\nbig: 18446744073709551616",
        )
        .unwrap();
        assert_eq!(
            root.to_json(),
            serde_json::json!({"max": u64::MAX, "min": i64::MIN, "big": 18446744073709551616.0})
        );
    }
}
