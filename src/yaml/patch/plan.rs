//! Planning: turning one [`Edit`] into the one [`Splice`] of the text that makes it, against a
//! parsed tree. Setting and replacing values lives here; inserting, removing and sequence items
//! have their own modules.

use serde_json::Value as Json;

use super::super::emit;
use super::super::render;
use super::super::tree::{self, Node, PathSeg, Style, Value};
use super::lookup::Lookup;
use super::text::{comment_part, content_end, dash_of, line_end_excl, line_start, newline};
use super::{insert, item, remove, Edit, PatchError, Removals, Splice};

/// The splice that makes `edit` in `text` (parsed into `root`), or `None` when the document
/// already says what the edit would write.
pub(crate) fn plan(
    text: &str,
    root: &Node,
    edit: &Edit,
    removals: Removals,
    lookup: &Lookup,
) -> Result<Option<Splice>, PatchError> {
    let (map_path, key) = match edit {
        Edit::Set { map, key, .. } | Edit::Remove { map, key } => (map, key),
        Edit::SetItem { seq, index, value } => {
            return item::set(text, root, seq, *index, value, lookup)
        }
        Edit::Push { seq, value } => return item::push(text, root, seq, value, lookup).map(Some),
        Edit::RemoveItem { seq, index } => {
            return remove::item(text, root, seq, *index, removals, lookup).map(Some)
        }
    };
    let here = tree::pointer(map_path);
    let map = lookup
        .at(root, map_path)
        .ok_or_else(|| PatchError::Missing(here.clone()))?;
    if map_path.is_empty() && map.value == Value::Null {
        // An empty (or comment-only) document: external config files start out like this.
        return match edit {
            Edit::Set { value, .. } => insert::first_key(text, key, value).map(Some),
            _ => Ok(None),
        };
    }
    if !map.is_map() {
        return Err(PatchError::NotAMap(here));
    }
    let index = lookup.entry_index(map, key);
    let mut entry = index.map(|i| &map.entries()[i]);
    let at = format!("{here}/{key}");
    if let Some((k, _)) = entry {
        if k.shared {
            // A key merged in through `<<` can be overridden by writing it explicitly in this
            // mapping (explicit keys win); one reached through an alias cannot be touched.
            if map.shared || matches!(edit, Edit::Remove { .. }) {
                return Err(PatchError::Shared(at));
            }
            entry = None;
        }
    }
    let target = Target {
        text,
        root,
        map,
        at: &at,
    };
    match (edit, entry) {
        (Edit::Set { value, .. }, Some((k, v))) => set_existing(&target, k, v, value),
        (Edit::Set { value, .. }, None) => insert::entry(&target, key, value, lookup).map(Some),
        (_, None) => Ok(None),
        (_, Some((k, v))) => remove::entry(&target, index.unwrap_or(0), k, v, removals).map(Some),
    }
}

/// The mapping an edit of a key works on, and where it is (for messages).
pub(crate) struct Target<'a> {
    pub text: &'a str,
    pub root: &'a Node,
    pub map: &'a Node,
    pub at: &'a str,
}

/// Plans setting key `k` (with value `v`) to `value`.
fn set_existing(
    t: &Target,
    k: &Node,
    v: &Node,
    value: &Json,
) -> Result<Option<Splice>, PatchError> {
    if v.to_json() == *value {
        return Ok(None);
    }
    let json = json_style(t.root, t.map);
    let block_string = !(t.map.flow || json)
        && matches!(v.style, Style::Plain | Style::SingleQuoted)
        && render::literal(value, 2).is_some();
    if !block_string {
        if let Some(s) = replace_scalar(v, value, json) {
            return Ok(Some(s));
        }
    }
    if t.map.flow || json {
        return replace_flow(t.text, v, value, json, t.at).map(Some);
    }
    let empty = v.items().is_empty() && v.entries().is_empty();
    if v.flow && !empty && (value.is_array() || value.is_object()) {
        // `resource: {stream: a}` stays a flow mapping; `{}` being filled in becomes a block
        // mapping like the rest of the file.
        return replace_flow(t.text, v, value, false, t.at).map(Some);
    }
    replace_block_value(t.text, k, v, value, t.at).map(Some)
}

/// True for nodes whose text is one scalar token that can be swapped for another.
fn in_place_scalar(v: &Node) -> bool {
    matches!(
        v.value,
        Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Str(_)
    ) && !matches!(v.style, Style::Literal | Style::Folded)
        && v.pos.end > v.pos.start
        && !v.shared
}

/// Replaces a one-token scalar with a scalar, keeping the rest of its line (comments).
pub(crate) fn replace_scalar(v: &Node, value: &Json, json: bool) -> Option<Splice> {
    if !in_place_scalar(v) || value.is_array() || value.is_object() {
        return None;
    }
    let rendered = if json || v.style == Style::DoubleQuoted {
        // Keep a double-quoted value double-quoted.
        emit::json_scalar(value)
    } else {
        emit::scalar(value)
    }?;
    Some(Splice {
        start: v.pos.start,
        end: v.pos.end,
        text: rendered,
    })
}

/// Replaces a value inside a flow collection (or a JSON document) with flow text.
pub(crate) fn replace_flow(
    text: &str,
    v: &Node,
    value: &Json,
    json: bool,
    at: &str,
) -> Result<Splice, PatchError> {
    if v.shared || v.pos.end <= v.pos.start || (!v.flow && (v.is_map() || v.is_seq())) {
        return Err(PatchError::Layout(at.into()));
    }
    Ok(Splice {
        start: v.pos.start,
        end: content_end(text, v),
        text: render::flow(value, json).ok_or_else(|| PatchError::Layout(at.into()))?,
    })
}

/// Replaces the value of block mapping entry `k: v` with any value: from just after `key:` to
/// the end of the value's last line. A comment on the key line stays on the key line.
fn replace_block_value(
    text: &str,
    k: &Node,
    v: &Node,
    value: &Json,
    at: &str,
) -> Result<Splice, PatchError> {
    let layout = || PatchError::Layout(at.into());
    if v.shared {
        return Err(PatchError::Shared(at.into()));
    }
    let after_key = &text[k.pos.end..];
    let gap = after_key.len() - after_key.trim_start_matches([' ', '\t']).len();
    if !after_key[gap..].starts_with(':') {
        return Err(layout());
    }
    let colon_end = k.pos.end + gap + 1;
    let key_eol = line_end_excl(text, colon_end);
    let key_indent = k.pos.start - line_start(text, k.pos.start);
    let empty = v.value == Value::Null && comment_part(&text[colon_end..key_eol]).is_some();
    let (end, comment, indent) = if empty {
        (
            key_eol,
            comment_part(&text[colon_end..key_eol]),
            key_indent + 2,
        )
    } else if v.pos.start < colon_end {
        return Err(layout());
    } else if v.pos.start < key_eol {
        // The value starts on the key line: keep what follows its end on its last line.
        let value_end = content_end(text, v);
        let eol = line_end_excl(text, value_end);
        (eol, comment_part(&text[value_end..eol]), key_indent + 2)
    } else {
        value_below(text, v, value, colon_end, key_eol, key_indent)
    };
    let comment = comment.ok_or_else(layout)?;
    let nl = newline(text);
    let new = if let Some(lit) = render::literal(value, key_indent + 2) {
        format!(" {}{comment}{nl}{}", lit.header, lit.lines.join(nl))
    } else if let Some(s) = render::inline(value) {
        format!(" {s}{comment}")
    } else {
        let mut lines = Vec::new();
        render::block_lines(value, indent, &mut lines);
        format!("{comment}{nl}{}", lines.join(nl))
    };
    Ok(Splice {
        start: colon_end,
        end,
        text: new,
    })
}

/// For a block value on the lines below its key: where its text ends, the comment on the key
/// line (after a `|`/`>` header), and the column a replacing collection takes. The key line
/// keeps its comment; the value's lines go entirely (a comment on its last line belongs to
/// what is removed).
fn value_below<'t>(
    text: &'t str,
    v: &Node,
    value: &Json,
    colon_end: usize,
    key_eol: usize,
    key_indent: usize,
) -> (usize, Option<&'t str>, usize) {
    let eol = line_end_excl(text, content_end(text, v));
    let mut indent = key_indent + 2;
    // Keep the column the collection already uses (`key:\n- a` or `key:\n    a: 1`), so
    // unchanged entries of a replaced collection come out as the same lines. (A compact
    // sequence's span starts at its first item, so its column is its first dash's.)
    let first = match (&v.value, v.flow) {
        (Value::Seq(items), false) => items.first().and_then(|i| dash_of(text, i.pos.start)),
        (Value::Map(entries), false) => entries.first().map(|(k, _)| k.pos.start),
        _ => None,
    };
    if let Some(first) = first {
        let column = first - line_start(text, first);
        // A mapping must sit deeper than its key; a sequence may sit at the key's column.
        if column + 2 > indent || (column + 2 == indent && value.is_array()) {
            indent = column;
        }
    }
    let mut rest = &text[colon_end..key_eol];
    if matches!(v.style, Style::Literal | Style::Folded) {
        // The `|-` / `>2` header stays on the key line; only a comment after it is kept.
        let header = rest.trim_start();
        if header.starts_with(['|', '>']) {
            let len = header
                .find(|c: char| !matches!(c, '|' | '>' | '-' | '+' | '0'..='9'))
                .unwrap_or(header.len());
            rest = &header[len..];
        }
    }
    (eol, comment_part(rest), indent)
}

/// True for JSON text (a document whose root is `{...}`) and for flow mappings written with
/// `"quoted": keys`: new keys and strings are then written in JSON syntax so the file stays
/// valid JSON (`"disable": true`, not `disable: true`).
pub(crate) fn json_style(root: &Node, map: &Node) -> bool {
    if json_document(root) {
        return true;
    }
    let mut own = map.entries().iter().filter(|(k, _)| !k.shared).peekable();
    map.flow && own.peek().is_some() && own.all(|(k, _)| k.style == Style::DoubleQuoted)
}

/// True for JSON text: a `{...}` document whose keys are `"quoted"` (or that has none yet, like
/// a new `{}` config file). A YAML flow document with plain keys is edited as YAML.
pub(crate) fn json_document(root: &Node) -> bool {
    root.flow
        && root.is_map()
        && root
            .entries()
            .iter()
            .filter(|(k, _)| !k.shared)
            .all(|(k, _)| k.style == Style::DoubleQuoted)
}

/// A pointer to the node an edit addresses, for messages.
pub(crate) fn edit_pointer(edit: &Edit) -> String {
    let mut path;
    match edit {
        Edit::Set { map, key, .. } | Edit::Remove { map, key } => {
            path = map.clone();
            path.push(PathSeg::Key(key.clone()));
        }
        Edit::SetItem { seq, index, .. } | Edit::RemoveItem { seq, index } => {
            path = seq.clone();
            path.push(PathSeg::Index(*index));
        }
        Edit::Push { seq, .. } => {
            path = seq.clone();
            path.push(PathSeg::key("-"));
        }
    }
    tree::pointer(&path)
}
