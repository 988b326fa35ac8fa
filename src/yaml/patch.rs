//! Format-preserving edits of YAML/JSON text.
//!
//! Every edit becomes a byte-range replacement of the original text, so comments, key order,
//! quoting, anchors, blank lines, indentation and line endings outside the edited range survive
//! byte for byte. After patching, the result is parsed again and compared with the intended
//! value: a patch that would produce anything else is refused instead of written.
//!
//! Edits are structural: a value may be a scalar or a whole object/array, written as block YAML
//! in block mappings and as flow/JSON text inside flow collections and JSON documents, so a form
//! can write back any config change. [`apply_change`] turns an old and a new value into the
//! smallest list of such edits.

use serde_json::Value as Json;

use super::tree::{self, Node, PathSeg, Style, Value};

pub use super::change::apply_change;

/// One change to a document, addressed by path.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Sets `key` of the mapping at `map` to `value`, inserting the key when absent. Scalars are
    /// replaced in place; collections are written as block YAML in block mappings and in flow
    /// style inside flow collections (JSON syntax in JSON documents), so the result reads like
    /// its surroundings. A block value's lines are replaced whole; a comment on the key line
    /// stays.
    Set {
        map: Vec<PathSeg>,
        key: String,
        value: Json,
    },
    /// Removes `key` from the mapping at `map` (a no-op when absent).
    Remove { map: Vec<PathSeg>, key: String },
    /// Replaces item `index` of the sequence at `seq` with `value` (any JSON value).
    SetItem {
        seq: Vec<PathSeg>,
        index: usize,
        value: Json,
    },
    /// Appends `value` to the sequence at `seq`: a `- ` item at the sequence's column, or
    /// `, item` in a flow sequence.
    Push { seq: Vec<PathSeg>, value: Json },
    /// Removes item `index` of the sequence at `seq` (its lines, or `, item` in flow style).
    RemoveItem { seq: Vec<PathSeg>, index: usize },
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
    /// No longer produced (collections can be written now); kept for callers matching on it.
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
    let root = tree::parse(text)?;
    Ok(apply_parsed(text, &root, edits)?.0)
}

/// [`apply`] for a caller that already parsed `text` into `root`; also returns the new tree
/// (`None` when nothing changed), so callers can re-index without parsing again.
pub fn apply_parsed(
    text: &str,
    root: &Node,
    edits: &[Edit],
) -> Result<(String, Option<Node>), PatchError> {
    apply_with(text, root, edits, false)
}

/// [`apply_parsed`] with a choice of how far removals may reach: `lenient` removes comments
/// with their entry and takes a comma from the line before (the last entry of pretty JSON),
/// which a form that drops a field means; strict refuses such edits.
pub(crate) fn apply_with(
    text: &str,
    root: &Node,
    edits: &[Edit],
    lenient: bool,
) -> Result<(String, Option<Node>), PatchError> {
    let mut current = text.to_string();
    let mut latest: Option<Node> = None;
    // Edits are applied one at a time against the latest tree, so positions never go stale.
    for edit in edits {
        let before = latest.as_ref().unwrap_or(root);
        let Some(s) = plan(&current, before, edit, lenient)? else {
            continue;
        };
        current.replace_range(s.start..s.end, &s.text);
        let after = tree::parse(&current)?;
        if !verify(before, &after, edit) {
            return Err(PatchError::Verify(edit_pointer(edit)));
        }
        latest = Some(after);
    }
    Ok((current, latest))
}

/// Checks that `after` is `before` with exactly `edit` applied: the edited key (or item) holds
/// the new value (or is gone) and every other value in the document is unchanged.
fn verify(before: &Node, after: &Node, edit: &Edit) -> bool {
    match edit {
        Edit::Set { map, key, .. } | Edit::Remove { map, key } => {
            same_except(before, after, map, &|b, a| {
                map_changed_only(b, a, key, edit)
            })
        }
        Edit::SetItem { seq, index, value } => same_except(before, after, seq, &|b, a| {
            let (bi, ai) = (b.items(), a.items());
            b.is_seq()
                && a.is_seq()
                && bi.len() == ai.len()
                && bi.iter().zip(ai).enumerate().all(|(j, (x, y))| {
                    if j == *index {
                        y.to_json() == *value
                    } else {
                        same(x, y)
                    }
                })
        }),
        Edit::Push { seq, value } => same_except(before, after, seq, &|b, a| {
            let (bi, ai) = (b.items(), a.items());
            b.is_seq()
                && a.is_seq()
                && ai.len() == bi.len() + 1
                && bi.iter().zip(ai).all(|(x, y)| same(x, y))
                && ai.last().is_some_and(|y| y.to_json() == *value)
        }),
        Edit::RemoveItem { seq, index } => same_except(before, after, seq, &|b, a| {
            let (bi, ai) = (b.items(), a.items());
            let kept = bi
                .iter()
                .enumerate()
                .filter(|(j, _)| j != index)
                .map(|(_, x)| x);
            b.is_seq()
                && a.is_seq()
                && ai.len() + 1 == bi.len()
                && kept.zip(ai).all(|(x, y)| same(x, y))
        }),
    }
}

/// True when mapping `a` is mapping `b` with only `key` set or removed as `edit` says. A null
/// `b` (an empty document) counts as an empty mapping.
fn map_changed_only(b: &Node, a: &Node, key: &str, edit: &Edit) -> bool {
    if !((b.is_map() || b.value == Value::Null) && a.is_map()) {
        return false;
    }
    let (bo, ao) = (others(b, key), others(a, key));
    if bo.len() != ao.len()
        || !bo
            .iter()
            .zip(&ao)
            .all(|((bk, bv), (ak, av))| same(bk, ak) && same(bv, av))
    {
        return false;
    }
    let now = a.entries().iter().find(|(k, _)| is_key(k, key));
    match edit {
        Edit::Set { value, .. } => now.is_some_and(|(_, v)| v.to_json() == *value),
        _ => now.is_none(),
    }
}

/// Walks `path` in both trees, requiring everything off the path to be unchanged, and applies
/// `check` to the two nodes at its end.
fn same_except(b: &Node, a: &Node, path: &[PathSeg], check: &dyn Fn(&Node, &Node) -> bool) -> bool {
    match path.split_first() {
        None => check(b, a),
        Some((PathSeg::Key(k), rest)) => {
            let (be, ae) = (b.entries(), a.entries());
            if !(b.is_map() && a.is_map()) || be.len() != ae.len() {
                return false;
            }
            be.iter().zip(ae).all(|((bk, bv), (ak, av))| {
                if is_key(bk, k) && is_key(ak, k) {
                    same(bk, ak) && same_except(bv, av, rest, check)
                } else {
                    same(bk, ak) && same(bv, av)
                }
            })
        }
        Some((PathSeg::Index(i), rest)) => {
            let (bi, ai) = (b.items(), a.items());
            if !(b.is_seq() && a.is_seq()) || bi.len() != ai.len() {
                return false;
            }
            bi.iter().zip(ai).enumerate().all(|(j, (x, y))| {
                if j == *i {
                    same_except(x, y, rest, check)
                } else {
                    same(x, y)
                }
            })
        }
    }
}

/// The entries of a mapping other than `key`, in order.
fn others<'n>(n: &'n Node, key: &str) -> Vec<(&'n Node, &'n Node)> {
    n.entries()
        .iter()
        .filter(|(k, _)| !is_key(k, key))
        .map(|(k, v)| (k, v))
        .collect()
}

fn is_key(k: &Node, key: &str) -> bool {
    match k.as_str() {
        Some(s) => s == key,
        None => k.key_string() == key,
    }
}

/// Value equality, ignoring positions and styles: what a reader of the document would see.
fn same(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y || (x.is_nan() && y.is_nan()),
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Seq(x), Value::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((pk, pv), (qk, qv))| same(pk, qk) && same(pv, qv))
        }
        _ => false,
    }
}

fn edit_pointer(edit: &Edit) -> String {
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

fn plan(text: &str, root: &Node, edit: &Edit, lenient: bool) -> Result<Option<Splice>, PatchError> {
    let (map_path, key) = match edit {
        Edit::Set { map, key, .. } | Edit::Remove { map, key } => (map, key),
        Edit::SetItem { seq, index, value } => return plan_item(text, root, seq, *index, value),
        Edit::Push { seq, value } => return push(text, root, seq, value).map(Some),
        Edit::RemoveItem { seq, index } => {
            return remove_item(text, root, seq, *index, lenient).map(Some)
        }
    };
    let here = tree::pointer(map_path);
    let map = root
        .at(map_path)
        .ok_or_else(|| PatchError::Missing(here.clone()))?;
    if map_path.is_empty() && map.value == Value::Null {
        // An empty (or comment-only) document: external config files start out like this.
        return match edit {
            Edit::Set { value, .. } => first_key(text, key, value).map(Some),
            _ => Ok(None),
        };
    }
    if !map.is_map() {
        return Err(PatchError::NotAMap(here));
    }
    let mut entry = map.get_entry(key);
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
    match edit {
        Edit::Set { value, .. } => {
            let json = json_style(root, map);
            match entry {
                Some((k, v)) => {
                    if v.to_json() == *value {
                        return Ok(None);
                    }
                    if let Some(s) = replace_scalar(v, value, json) {
                        return Ok(Some(s));
                    }
                    if map.flow || json {
                        return replace_flow(text, v, value, json, &at).map(Some);
                    }
                    let empty = v.items().is_empty() && v.entries().is_empty();
                    if v.flow && !empty && (value.is_array() || value.is_object()) {
                        // `resource: {stream: a}` stays a flow mapping; `{}` being filled in
                        // becomes a block mapping like the rest of the file.
                        return replace_flow(text, v, value, false, &at).map(Some);
                    }
                    replace_block_value(text, k, v, value, &at).map(Some)
                }
                None => insert(text, map, key, value, json, &at).map(Some),
            }
        }
        _ => match entry {
            None => Ok(None),
            Some((k, v)) => remove(text, map, k, v, lenient, &at).map(Some),
        },
    }
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
fn replace_scalar(v: &Node, value: &Json, json: bool) -> Option<Splice> {
    if !in_place_scalar(v) || value.is_array() || value.is_object() {
        return None;
    }
    let rendered = if json || v.style == Style::DoubleQuoted {
        // Keep a double-quoted value double-quoted (JSON escaping is valid YAML).
        render_json_scalar(value)
    } else {
        render_scalar(value)
    }?;
    Some(Splice {
        start: v.pos.start,
        end: v.pos.end,
        text: rendered,
    })
}

/// Replaces a value inside a flow collection (or a JSON document) with flow text.
fn replace_flow(
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
        text: render_flow(value, json).ok_or_else(|| PatchError::Layout(at.into()))?,
    })
}

/// Renders any value in flow style: JSON syntax for JSON documents, otherwise YAML flow with
/// scalars quoted only when needed (`{host: db, ports: [1, 2]}`).
pub(crate) fn render_flow(value: &Json, json: bool) -> Option<String> {
    Some(match value {
        Json::Array(a) => {
            let items: Option<Vec<String>> = a.iter().map(|v| render_flow(v, json)).collect();
            format!("[{}]", items?.join(", "))
        }
        Json::Object(o) => {
            let entries: Option<Vec<String>> = o
                .iter()
                .map(|(k, v)| {
                    let key = if json {
                        render_json_scalar(&Json::String(k.clone()))?
                    } else {
                        render_key(k)
                    };
                    Some(format!("{key}: {}", render_flow(v, json)?))
                })
                .collect();
            format!("{{{}}}", entries?.join(", "))
        }
        scalar if json => render_json_scalar(scalar)?,
        scalar => render_scalar(scalar)?,
    })
}

/// The offset of the line break ending the line that contains `at` (or the text's end).
fn line_end_excl(text: &str, at: usize) -> usize {
    let end = text[at..].find('\n').map(|i| at + i).unwrap_or(text.len());
    if end > at && text.as_bytes()[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// `text` when it is blank or a comment (with its leading spaces), for keeping it on a
/// rewritten line; `None` when something else follows.
fn comment_part(text: &str) -> Option<&str> {
    let t = text.trim();
    if t.is_empty() {
        Some("")
    } else if t.starts_with('#') && text.starts_with([' ', '\t']) {
        Some(text.trim_end())
    } else {
        None
    }
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
    let mut indent = k.pos.start - line_start(text, k.pos.start) + 2;
    let empty = v.value == Value::Null && comment_part(&text[colon_end..key_eol]).is_some();
    let (end, comment) = if empty {
        (key_eol, comment_part(&text[colon_end..key_eol]))
    } else if v.pos.start < colon_end {
        return Err(layout());
    } else if v.pos.start < key_eol {
        // The value starts on the key line: keep what follows its end on its last line.
        let value_end = content_end(text, v);
        let eol = line_end_excl(text, value_end);
        (eol, comment_part(&text[value_end..eol]))
    } else {
        // A block value on the lines below: the key line keeps its comment, the value's lines
        // go entirely (a comment on its last line belongs to what is removed).
        let eol = line_end_excl(text, content_end(text, v));
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
        (eol, comment_part(rest))
    };
    let comment = comment.ok_or_else(layout)?;
    let nl = newline(text);
    let new = match inline(value) {
        Some(s) => format!(" {s}{comment}"),
        None => {
            let mut lines = Vec::new();
            block_lines(value, indent, &mut lines);
            format!("{comment}{nl}{}", lines.join(nl))
        }
    };
    Ok(Splice {
        start: colon_end,
        end,
        text: new,
    })
}

/// Plans [`Edit::SetItem`]: a scalar item is swapped in place; anything else is rewritten from
/// the item's first character to the end of its last line, at the item's own column.
fn plan_item(
    text: &str,
    root: &Node,
    seq_path: &[PathSeg],
    index: usize,
    value: &Json,
) -> Result<Option<Splice>, PatchError> {
    let mut path = seq_path.to_vec();
    path.push(PathSeg::Index(index));
    let at = tree::pointer(&path);
    let seq = root
        .at(seq_path)
        .ok_or_else(|| PatchError::Missing(tree::pointer(seq_path)))?;
    let item = seq
        .items()
        .get(index)
        .ok_or_else(|| PatchError::Missing(at.clone()))?;
    if item.to_json() == *value {
        return Ok(None);
    }
    if item.shared {
        return Err(PatchError::Shared(at));
    }
    let json = json_document(root);
    if let Some(s) = replace_scalar(item, value, json) {
        return Ok(Some(s));
    }
    if seq.flow || json {
        return replace_flow(text, item, value, json, &at).map(Some);
    }
    if item.flow && (value.is_array() || value.is_object()) {
        return replace_flow(text, item, value, false, &at).map(Some);
    }
    let start = line_start(text, item.pos.start);
    if item.pos.end <= item.pos.start
        || !text[start..item.pos.start]
            .bytes()
            .all(|b| b == b' ' || b == b'-')
    {
        return Err(PatchError::Layout(at));
    }
    let indent = item.pos.start - start;
    let value_end = content_end(text, item);
    let eol = line_end_excl(text, value_end);
    let single_line = !text[item.pos.start..value_end].contains('\n');
    let comment = if single_line {
        comment_part(&text[value_end..eol]).ok_or_else(|| PatchError::Layout(at.clone()))?
    } else {
        ""
    };
    let nl = newline(text);
    let new = match inline(value) {
        Some(s) => format!("{s}{comment}"),
        None => {
            let mut lines = Vec::new();
            block_lines(value, indent, &mut lines);
            lines[0] = format!("{}{comment}", &lines[0][indent..]);
            lines.join(nl)
        }
    };
    Ok(Some(Splice {
        start: item.pos.start,
        end: eol,
        text: new,
    }))
}

/// The sequence at `path` and a pointer to it for messages.
fn seq_at<'n>(root: &'n Node, path: &[PathSeg]) -> Result<(&'n Node, String), PatchError> {
    let here = tree::pointer(path);
    let seq = root
        .at(path)
        .ok_or_else(|| PatchError::Missing(here.clone()))?;
    if !seq.is_seq() {
        return Err(PatchError::Layout(here));
    }
    if seq.shared {
        return Err(PatchError::Shared(here));
    }
    Ok((seq, here))
}

/// The offset of the `-` that introduces a block sequence item starting at `item_start`, when
/// only spaces separate them.
fn dash_of(text: &str, item_start: usize) -> Option<usize> {
    let before = text[..item_start].trim_end_matches(' ');
    before.ends_with('-').then(|| before.len() - 1)
}

/// Plans [`Edit::Push`].
fn push(text: &str, root: &Node, path: &[PathSeg], value: &Json) -> Result<Splice, PatchError> {
    let (seq, at) = seq_at(root, path)?;
    let layout = || PatchError::Layout(at.clone());
    if seq.flow {
        let close = seq.pos.end.saturating_sub(1);
        if text.as_bytes().get(close) != Some(&b']') {
            return Err(layout());
        }
        let rendered = render_flow(value, json_document(root)).ok_or_else(layout)?;
        return Ok(match seq.items().last() {
            Some(last) => {
                let end = content_end(text, last);
                Splice {
                    start: end,
                    end,
                    text: format!(", {rendered}"),
                }
            }
            None => Splice {
                start: close,
                end: close,
                text: rendered,
            },
        });
    }
    let (first, last) = match seq.items() {
        [first, .., last] => (first, last),
        [only] => (only, only),
        [] => return Err(layout()),
    };
    let dash = dash_of(text, first.pos.start).ok_or_else(layout)?;
    let indent = dash - line_start(text, dash);
    let end = content_end(text, last);
    if !rest_of_line_is_blank(text, end) {
        return Err(layout());
    }
    let nl = newline(text);
    let insert_at = line_end_incl(text, end);
    let unterminated = insert_at == text.len() && !text.ends_with('\n');
    let mut lines = Vec::new();
    match inline(value) {
        Some(s) => lines.push(format!("{}- {s}", " ".repeat(indent))),
        None => {
            block_lines(value, indent + 2, &mut lines);
            lines[0] = format!("{}- {}", " ".repeat(indent), &lines[0][indent + 2..]);
        }
    }
    let body = lines.join(nl);
    Ok(Splice {
        start: insert_at,
        end: insert_at,
        text: if unterminated {
            format!("{nl}{body}")
        } else {
            format!("{body}{nl}")
        },
    })
}

/// Plans [`Edit::RemoveItem`]: a block item loses its lines (from its dash to the end of its
/// last line), a flow item loses itself and one comma.
fn remove_item(
    text: &str,
    root: &Node,
    path: &[PathSeg],
    index: usize,
    lenient: bool,
) -> Result<Splice, PatchError> {
    let (seq, here) = seq_at(root, path)?;
    let at = format!("{here}/{index}");
    let items = seq.items();
    let item = items
        .get(index)
        .ok_or_else(|| PatchError::Missing(at.clone()))?;
    if seq.flow {
        let spans: Vec<(usize, usize)> = items
            .iter()
            .map(|i| (i.pos.start, content_end(text, i)))
            .collect();
        return remove_from_flow(text, &spans, index, lenient, &at);
    }
    let layout = || PatchError::Layout(at.clone());
    // A block sequence cannot be empty: the last item goes by writing `[]` instead.
    if items.len() < 2 || item.pos.end <= item.pos.start {
        return Err(layout());
    }
    let dash = dash_of(text, item.pos.start).ok_or_else(layout)?;
    let start = line_start(text, dash);
    let end = content_end(text, item);
    if !(lenient || rest_of_line_is_empty(text, end)) {
        return Err(layout());
    }
    if !text[start..dash].bytes().all(|b| b == b' ') {
        // `- - a` followed by `  - b`: the next item moves up onto the outer dash line.
        let next_dash = items
            .get(index + 1)
            .and_then(|n| dash_of(text, n.pos.start))
            .ok_or_else(layout)?;
        let next_line = line_start(text, next_dash);
        let fits = index == 0
            && next_dash - next_line == dash - start
            && text[next_line..next_dash].bytes().all(|b| b == b' ')
            && (lenient || line_end_incl(text, end) == next_line);
        if !fits || next_line <= end {
            return Err(layout());
        }
        return Ok(Splice {
            start: dash,
            end: next_dash,
            text: String::new(),
        });
    }
    let mut start = start;
    let end = line_end_incl(text, end);
    if end == text.len() && !text.ends_with('\n') && start > 0 {
        start -= 1;
        if text[..start].ends_with('\r') {
            start -= 1;
        }
    }
    Ok(Splice {
        start,
        end,
        text: String::new(),
    })
}

/// The first key of an empty document, appended after whatever comments it holds.
fn first_key(text: &str, key: &str, value: &Json) -> Result<Splice, PatchError> {
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
    out.push_str(&entry_text(key, value, 0, nl));
    out.push_str(nl);
    Ok(Splice {
        start: text.len(),
        end: text.len(),
        text: out,
    })
}

/// `key: value` as block YAML at `indent` (without a final line break): scalars and empty
/// collections on the key line, other collections on the lines below at `indent + 2`.
fn entry_text(key: &str, value: &Json, indent: usize, nl: &str) -> String {
    let mut lines = Vec::new();
    entry_lines(&render_key(key), value, indent, &mut lines);
    lines.join(nl)
}

/// A whole value as block YAML lines at column 0 (scalars and empty collections as one line).
pub(crate) fn render_block(value: &Json, nl: &str) -> String {
    let mut lines = Vec::new();
    block_lines(value, 0, &mut lines);
    lines.join(nl)
}

/// The text of a value that fits on its key's line: a scalar or an empty collection.
fn inline(value: &Json) -> Option<String> {
    match value {
        Json::Array(a) if a.is_empty() => Some("[]".into()),
        Json::Object(o) if o.is_empty() => Some("{}".into()),
        other => render_scalar(other),
    }
}

fn entry_lines(key_text: &str, value: &Json, indent: usize, out: &mut Vec<String>) {
    let pad = " ".repeat(indent);
    match inline(value) {
        Some(s) => out.push(format!("{pad}{key_text}: {s}")),
        None => {
            out.push(format!("{pad}{key_text}:"));
            block_lines(value, indent + 2, out);
        }
    }
}

/// Renders a non-empty collection as block YAML lines at `indent`; other values as one line.
/// Sequence items that are collections start on the dash line (`- a: 1`, `- - x`).
fn block_lines(value: &Json, indent: usize, out: &mut Vec<String>) {
    let pad = " ".repeat(indent);
    match value {
        Json::Object(o) if !o.is_empty() => {
            for (k, v) in o {
                entry_lines(&render_key(k), v, indent, out);
            }
        }
        Json::Array(a) if !a.is_empty() => {
            for item in a {
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

/// The entry separator and key/value separator a flow mapping already uses on one line
/// (`,"a":1` in minified JSON), so an inserted entry looks like its neighbours and a removed
/// one can come back byte for byte. Defaults to `, ` and `: `.
fn flow_separators<'t>(text: &'t str, map: &Node) -> (&'t str, &'t str) {
    let own: Vec<&(Node, Node)> = map.entries().iter().filter(|(k, _)| !k.shared).collect();
    let between = |from: usize, to: usize, sep: &str| {
        text.get(from..to)
            .filter(|t| t.trim() == sep && !t.contains('\n'))
    };
    let comma = match own.as_slice() {
        [first, second, ..] => between(first.1.pos.end, second.0.pos.start, ","),
        _ => None,
    };
    let colon = own
        .first()
        .and_then(|(k, v)| between(k.pos.end, v.pos.start, ":"));
    (comma.unwrap_or(", "), colon.unwrap_or(": "))
}

/// True when only spaces follow `at` on its line (no comment either).
fn rest_of_line_is_empty(text: &str, at: usize) -> bool {
    text[at..line_end_incl(text, at)].trim().is_empty()
}

/// True for JSON text (a document whose root is `{...}`) and for flow mappings written with
/// `"quoted": keys`: new keys and strings are then written in JSON syntax so the file stays
/// valid JSON (`"disable": true`, not `disable: true`).
fn json_style(root: &Node, map: &Node) -> bool {
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

/// Renders a JSON scalar as JSON text (also valid YAML).
fn render_json_scalar(value: &Json) -> Option<String> {
    match value {
        Json::Array(_) | Json::Object(_) => None,
        other => serde_json::to_string(other).ok(),
    }
}

/// The offset where a block node's text really ends: saphyr's span of a literal/folded
/// scalar (and so of a block collection ending with one) runs on over its trailing line
/// breaks and the next line's indentation; other nodes end at their last character.
pub(crate) fn content_end(text: &str, node: &Node) -> usize {
    let start = node.pos.start.min(text.len());
    let mut end = node.pos.end.clamp(start, text.len());
    let bytes = text.as_bytes();
    if let Some(nl) = text[start..end].rfind('\n') {
        if bytes[start + nl + 1..end]
            .iter()
            .all(|b| matches!(b, b' ' | b'\t'))
        {
            end = start + nl + 1;
        }
    }
    while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    end
}

fn insert(
    text: &str,
    map: &Node,
    key: &str,
    value: &Json,
    json: bool,
    at: &str,
) -> Result<Splice, PatchError> {
    let flow_text = render_flow(value, json).ok_or_else(|| PatchError::Layout(at.into()))?;
    let rendered = flow_text.as_str();
    // Quote the new key like its neighbours when they all agree (and always in JSON).
    let mut own_keys = map
        .entries()
        .iter()
        .filter(|(k, _)| !k.shared)
        .map(|(k, _)| k.style);
    let quoting = own_keys
        .next()
        .filter(|first| own_keys.all(|s| s == *first));
    let key_text = match quoting {
        _ if json => render_json_scalar(&Json::String(key.to_string())),
        Some(Style::DoubleQuoted) => render_json_scalar(&Json::String(key.to_string())),
        Some(Style::SingleQuoted) => Some(format!("'{}'", key.replace('\'', "''"))),
        _ => None,
    }
    .unwrap_or_else(|| render_key(key));
    if map.flow {
        // `{a: 1}` -> `{a: 1, key: v}`; `{}` -> `{key: v}`. Entries merged in through `<<` live
        // elsewhere in the text, so the new entry goes after the last entry written here.
        let close = map.pos.end.saturating_sub(1);
        if text.as_bytes().get(close) != Some(&b'}') {
            return Err(PatchError::Layout(at.into()));
        }
        let own_last = map.entries().iter().rev().find(|(k, _)| !k.shared);
        if own_last.is_none() && !map.entries().is_empty() {
            return Err(PatchError::Layout(at.into()));
        }
        let (comma, colon) = flow_separators(text, map);
        return Ok(match own_last {
            Some((_, last)) => Splice {
                start: last.pos.end,
                end: last.pos.end,
                text: format!("{comma}{key_text}{colon}{rendered}"),
            },
            None => Splice {
                start: close,
                end: close,
                text: format!("{key_text}{colon}{rendered}"),
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
    let mut lines = Vec::new();
    entry_lines(&key_text, value, indent, &mut lines);
    line.push_str(&lines.join(nl));
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
    lenient: bool,
    at: &str,
) -> Result<Splice, PatchError> {
    // Entries merged in through `<<` live elsewhere in the text: only this map's own count.
    let own: Vec<&(Node, Node)> = map.entries().iter().filter(|(k, _)| !k.shared).collect();
    let index = own
        .iter()
        .position(|(k, _)| k.pos == key.pos)
        .ok_or_else(|| PatchError::Missing(at.into()))?;
    if map.flow {
        let spans: Vec<(usize, usize)> =
            own.iter().map(|(k, v)| (k.pos.start, v.pos.end)).collect();
        return remove_from_flow(text, &spans, index, lenient, at);
    }
    let start = line_start(text, key.pos.start);
    let prefix = &text[start..key.pos.start];
    let only_indent = prefix.bytes().all(|b| b == b' ');
    let end = content_end(text, value);
    // A comment on the line explains the value; removing the line would lose it, which only a
    // caller that means to drop the whole entry (a form) accepts.
    if own.len() < 2 || !(lenient || rest_of_line_is_empty(text, end)) {
        return Err(PatchError::Layout(at.into()));
    }
    if !only_indent {
        // `- key: v` followed by `  next: w`: the next key moves up onto the dash line.
        let dash = prefix.trim_end_matches(' ').ends_with('-')
            && prefix.bytes().all(|b| b == b' ' || b == b'-');
        let next = own.get(index + 1).map(|(k, _)| k);
        return match next {
            Some(next)
                if dash
                    && index == 0
                    && next.pos.start - line_start(text, next.pos.start) == prefix.len()
                    && text[line_start(text, next.pos.start)..next.pos.start]
                        .bytes()
                        .all(|b| b == b' ')
                    && line_start(text, next.pos.start) > end
                    // Lines in between (comments) go too: only when the caller drops comments.
                    && (lenient || line_end_incl(text, end) == line_start(text, next.pos.start)) =>
            {
                Ok(Splice {
                    start: key.pos.start,
                    end: next.pos.start,
                    text: String::new(),
                })
            }
            _ => Err(PatchError::Layout(at.into())),
        };
    }
    let mut start = start;
    let end = line_end_incl(text, end);
    if end == text.len() && !text.ends_with('\n') && start > 0 {
        // The last line has no line break: take the one before it instead, so that the text
        // still ends without one (and inserting the key again gives back the same bytes).
        start -= 1;
        if text[..start].ends_with('\r') {
            start -= 1;
        }
    }
    Ok(Splice {
        start,
        end,
        text: String::new(),
    })
}

/// Removes entry `index` of a flow mapping with one adjoining comma, touching one line only:
/// `{a: 1, k: v}` loses `, k: v`; an entry on a line of its own (multi-line JSON) loses its
/// line when a later entry follows. Anything else would join or split lines, so it is refused
/// unless `lenient`, which also takes the comma at the end of the line before (pretty JSON).
fn remove_from_flow(
    text: &str,
    spans: &[(usize, usize)],
    index: usize,
    lenient: bool,
    at: &str,
) -> Result<Splice, PatchError> {
    let (entry_start, entry_end) = spans[index];
    let next = spans.get(index + 1).map(|(s, _)| *s);
    let (start, end) = match (next, index.checked_sub(1)) {
        (Some(next), _) => (entry_start, next),
        (None, Some(prev)) => (spans[prev].1, entry_end),
        (None, None) => (entry_start, entry_end),
    };
    if !text[start..end].contains('\n') {
        return Ok(Splice {
            start,
            end,
            text: String::new(),
        });
    }
    let line = line_start(text, entry_start);
    let own_line = text[line..entry_start].trim().is_empty();
    let line_end = line_end_incl(text, entry_end);
    let after = text[entry_end..line_end].trim();
    if next.is_some() && own_line && after == "," && !text[entry_start..entry_end].contains('\n') {
        return Ok(Splice {
            start: line,
            end: line_end,
            text: String::new(),
        });
    }
    if lenient {
        return Ok(Splice {
            start,
            end,
            text: String::new(),
        });
    }
    Err(PatchError::Layout(at.into()))
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
    fn verification_rejects_any_other_change() {
        let edit = Edit::Set {
            map: vec![key("a")],
            key: "x".into(),
            value: json!(true),
        };
        let before = tree::parse("a: {y: 1}\nb: [1, 2]\n").unwrap();
        let good = tree::parse("a: {y: 1, x: true}\nb: [1, 2]\n").unwrap();
        let elsewhere = tree::parse("a: {y: 1, x: true}\nb: [1, 3]\n").unwrap();
        let sibling = tree::parse("a: {y: 2, x: true}\nb: [1, 2]\n").unwrap();
        let wrong_value = tree::parse("a: {y: 1, x: false}\nb: [1, 2]\n").unwrap();
        assert!(verify(&before, &good, &edit));
        assert!(!verify(&before, &elsewhere, &edit));
        assert!(!verify(&before, &sibling, &edit));
        assert!(!verify(&before, &wrong_value, &edit));
    }

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
    fn replacing_a_quoted_scalar_keeps_its_comment() {
        let text = "a: \"x\"  # why\nb: 'y' # too\n";
        let out = apply(
            text,
            &[
                Edit::Set {
                    map: vec![],
                    key: "a".into(),
                    value: json!("z"),
                },
                Edit::Set {
                    map: vec![],
                    key: "b".into(),
                    value: json!(true),
                },
            ],
        )
        .unwrap();
        assert_eq!(out, "a: \"z\"  # why\nb: true # too\n");
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
    fn a_literal_before_a_shallower_key_is_replaced_without_eating_that_key() {
        // saphyr's span of `k` runs on to `n`'s indentation.
        let text = "a:\n  k: |\n    l1\n    l2\n  n: 1\nb: 2\n";
        let out = apply(
            text,
            &[Edit::Set {
                map: vec![key("a")],
                key: "k".into(),
                value: json!("x\ny\n"),
            }],
        )
        .unwrap();
        let root = tree::parse(&out).unwrap();
        let a = root.get("a").unwrap();
        assert_eq!(a.get("k").unwrap().as_str(), Some("x\ny\n"));
        assert_eq!(a.get("n").unwrap().value, Value::Int(1));
        assert!(out.ends_with("  n: 1\nb: 2\n"), "{out}");
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
    fn first_key_after_dash_is_removed_by_moving_the_next_key_up() {
        let text = "l:\n  - disable: true\n    target: x\n";
        let out = apply(
            text,
            &[Edit::Remove {
                map: vec![key("l"), PathSeg::Index(0)],
                key: "disable".into(),
            }],
        )
        .unwrap();
        assert_eq!(out, "l:\n  - target: x\n");
        // Not when the next key sits elsewhere than right below the removed one.
        let err = apply(
            "l:\n  - disable: true\n    # note\n      \n    target: x\n  - {}\n",
            &[Edit::Remove {
                map: vec![key("l"), PathSeg::Index(0)],
                key: "disable".into(),
            }],
        );
        assert!(matches!(err, Err(PatchError::Layout(_))), "{err:?}");
    }

    #[test]
    fn merged_keys_are_overridden_by_an_explicit_key() {
        let text = "base: &b\n  x: 1\n  y: 2\nuse:\n  <<: *b\n  z: 3\n";
        let out = apply(
            text,
            &[Edit::Set {
                map: vec![key("use")],
                key: "x".into(),
                value: json!(5),
            }],
        )
        .unwrap();
        assert_eq!(
            out,
            "base: &b\n  x: 1\n  y: 2\nuse:\n  <<: *b\n  z: 3\n  x: 5\n"
        );
        let alias = "base: &b\n  x: 1\n  y: 2\nuse: *b\n";
        let err = apply(
            alias,
            &[Edit::Set {
                map: vec![key("use")],
                key: "x".into(),
                value: json!(5),
            }],
        )
        .unwrap_err();
        assert!(matches!(err, PatchError::Shared(_)), "{err:?}");
    }

    #[test]
    fn edits_through_anchors_are_refused() {
        let text = "base: &b\n  x: 1\n  y: 2\nuse:\n  <<: *b\n  z: 3\n";
        let err = apply(
            text,
            &[Edit::Remove {
                map: vec![key("use")],
                key: "x".into(),
            }],
        )
        .unwrap_err();
        assert!(matches!(err, PatchError::Shared(_)));
    }

    fn binding(i: usize) -> Vec<PathSeg> {
        vec![key("bindings"), PathSeg::Index(i)]
    }

    fn set_disable(text: &str, path: Vec<PathSeg>) -> Result<String, PatchError> {
        apply(
            text,
            &[Edit::Set {
                map: path,
                key: "disable".into(),
                value: json!(true),
            }],
        )
    }

    fn remove_disable(text: &str, path: Vec<PathSeg>) -> Result<String, PatchError> {
        apply(
            text,
            &[Edit::Remove {
                map: path,
                key: "disable".into(),
            }],
        )
    }

    #[test]
    fn json_documents_get_json_keys_and_strings() {
        let text = "{\n  \"bindings\": [\n    {\"target\": \"a\"},\n    {\n      \"target\": \"b\"\n    }\n  ]\n}\n";
        let out = set_disable(text, binding(0)).unwrap();
        assert!(
            out.contains("    {\"target\": \"a\", \"disable\": true},\n"),
            "{out}"
        );
        serde_json::from_str::<Json>(&out).unwrap();
        let out = set_disable(text, binding(1)).unwrap();
        assert!(
            out.contains("      \"target\": \"b\", \"disable\": true\n"),
            "{out}"
        );
        serde_json::from_str::<Json>(&out).unwrap();
        // Strings too: a plain `x y` would not be JSON.
        let out = apply(
            text,
            &[Edit::Set {
                map: binding(0),
                key: "note".into(),
                value: json!("x y"),
            }],
        )
        .unwrap();
        assert!(out.contains("\"note\": \"x y\""), "{out}");
        // A YAML flow mapping with quoted keys is written the same way.
        let yaml = "bindings:\n  - {\"target\": a}\n  - {target: b}\n";
        assert_eq!(
            set_disable(yaml, binding(0)).unwrap(),
            "bindings:\n  - {\"target\": a, \"disable\": true}\n  - {target: b}\n"
        );
        assert_eq!(
            set_disable(yaml, binding(1)).unwrap(),
            "bindings:\n  - {\"target\": a}\n  - {target: b, disable: true}\n"
        );
        // Replacing a double-quoted string keeps it double-quoted.
        let out = apply(
            "a: \"x\"\n",
            &[Edit::Set {
                map: vec![],
                key: "a".into(),
                value: json!("y"),
            }],
        )
        .unwrap();
        assert_eq!(out, "a: \"y\"\n");
    }

    #[test]
    fn flow_inserts_copy_the_mapping_s_separators() {
        let text = "{\"bindings\":[{\"target\":\"a\",\"x\":1},{\"target\" :  \"b\"}]}";
        let out = set_disable(text, binding(0)).unwrap();
        assert_eq!(
            out,
            "{\"bindings\":[{\"target\":\"a\",\"x\":1,\"disable\":true},{\"target\" :  \"b\"}]}"
        );
        assert_eq!(remove_disable(&out, binding(0)).unwrap(), text);
        let out = set_disable(text, binding(1)).unwrap();
        assert!(
            out.ends_with("{\"target\" :  \"b\", \"disable\" :  true}]}"),
            "{out}"
        );
    }

    #[test]
    fn new_keys_are_quoted_like_their_neighbours() {
        let text = "l:\n  - 'a': 1\n    'b': 2\n  - \"a\": 1\n  - a: 1\n    'b': 2\n";
        let path = |i| vec![key("l"), PathSeg::Index(i)];
        let out = set_disable(text, path(0)).unwrap();
        assert!(out.contains("    'b': 2\n    'disable': true\n"), "{out}");
        let out = set_disable(text, path(2)).unwrap();
        assert!(out.contains("    'b': 2\n    disable: true\n"), "{out}");
        let out = apply(
            text,
            &[Edit::Set {
                map: path(1),
                key: "x y".into(),
                value: json!(1),
            }],
        );
        assert!(out.unwrap().contains("  - \"a\": 1\n    \"x y\": 1\n"));
    }

    #[test]
    fn multi_line_flow_entries_are_removed_by_whole_lines_or_refused() {
        let text = "{\"bindings\": [{\n  \"disable\": true,\n  \"target\": \"b\"\n}, {\n  \"target\": \"c\",\n  \"disable\": true\n}]}\n";
        let out = remove_disable(text, binding(0)).unwrap();
        assert_eq!(
            out,
            "{\"bindings\": [{\n  \"target\": \"b\"\n}, {\n  \"target\": \"c\",\n  \"disable\": true\n}]}\n"
        );
        // The last entry on its own line: removing it needs the comma on the line above too.
        let err = remove_disable(text, binding(1)).unwrap_err();
        assert!(matches!(err, PatchError::Layout(_)), "{err:?}");
    }

    #[test]
    fn removing_a_commented_line_is_refused() {
        let text = "bindings:\n  - target: a\n    disable: true # why\n";
        let err = remove_disable(text, binding(0)).unwrap_err();
        assert!(matches!(err, PatchError::Layout(_)), "{err:?}");
    }

    #[test]
    fn remove_then_insert_at_an_unterminated_end_gives_back_the_bytes() {
        for text in [
            "bindings:\n  - target: a\n    disable: true",
            "bindings:\r\n  - target: a\r\n    disable: true",
        ] {
            let removed = remove_disable(text, binding(0)).unwrap();
            assert!(removed.ends_with("target: a"), "{removed:?}");
            assert_eq!(set_disable(&removed, binding(0)).unwrap(), text);
        }
    }

    #[test]
    fn merged_entries_are_skipped_when_inserting_into_flow_mappings() {
        let text = "b: &b {x: 1}\nbindings:\n  - {<<: *b, target: a}\n";
        assert_eq!(
            set_disable(text, binding(0)).unwrap(),
            "b: &b {x: 1}\nbindings:\n  - {<<: *b, target: a, disable: true}\n"
        );
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

    fn set(map: Vec<PathSeg>, k: &str, value: Json) -> Edit {
        Edit::Set {
            map,
            key: k.into(),
            value,
        }
    }

    #[test]
    fn collections_are_inserted_as_block_yaml_or_flow() {
        let value = json!({"type": "password", "hosts": ["a", {"h": "b", "p": 1}], "e": {}});
        let out = apply(
            "a:\n  x: 1\n",
            &[set(vec![key("a")], "auth", value.clone())],
        )
        .unwrap();
        assert_eq!(
            out,
            "a:\n  x: 1\n  auth:\n    type: password\n    hosts:\n      - a\n      - h: b\n        p: 1\n    e: {}\n"
        );
        let out = apply("a: {x: 1}\n", &[set(vec![key("a")], "auth", value.clone())]).unwrap();
        assert_eq!(
            out,
            "a: {x: 1, auth: {type: password, hosts: [a, {h: b, p: 1}], e: {}}}\n"
        );
        let out = apply("{\"a\": {\"x\": 1}}", &[set(vec![key("a")], "auth", value)]).unwrap();
        assert_eq!(
            out,
            "{\"a\": {\"x\": 1, \"auth\": {\"type\": \"password\", \"hosts\": [\"a\", {\"h\": \"b\", \"p\": 1}], \"e\": {}}}}"
        );
        serde_json::from_str::<Json>(&out).unwrap();
    }

    #[test]
    fn values_change_kind_in_place() {
        let text = "a: 1 # one\nb:\n  c: 2\n  d: [3]\nl: |-  # note\n  text\nz: 0\n";
        let out = apply(
            text,
            &[
                set(vec![], "a", json!({"k": "v"})),
                set(vec![], "b", json!("s")),
                set(vec![], "l", json!(["x"])),
            ],
        )
        .unwrap();
        assert_eq!(out, "a: # one\n  k: v\nb: s\nl:  # note\n  - x\nz: 0\n");
        // A multi-line string is written so that it reads back exactly.
        let out = apply(text, &[set(vec![], "b", json!("line 1\n  line 2\n"))]).unwrap();
        assert_eq!(
            out,
            "a: 1 # one\nb: \"line 1\\n  line 2\\n\"\nl: |-  # note\n  text\nz: 0\n"
        );
    }

    #[test]
    fn an_anchored_value_is_not_replaced_under_its_aliases() {
        let text = "a: &x\n  k: 1\nb: *x\n";
        let err = apply(text, &[set(vec![], "a", json!({"k": 2, "j": 3}))]).unwrap_err();
        assert!(
            matches!(
                err,
                PatchError::Layout(_) | PatchError::Parse(_) | PatchError::Verify(_)
            ),
            "{err:?}"
        );
        let err = apply(text, &[set(vec![], "b", json!({"k": 2}))]).unwrap_err();
        assert!(matches!(err, PatchError::Shared(_)), "{err:?}");
    }

    #[test]
    fn sequence_items_are_set_pushed_and_removed() {
        let l = || vec![key("l")];
        let text = "l:\n  - a\n  - b\nf: [1, 2]\n";
        let out = apply(
            text,
            &[
                Edit::SetItem {
                    seq: l(),
                    index: 1,
                    value: json!({"x": [1]}),
                },
                Edit::Push {
                    seq: l(),
                    value: json!("c: d"),
                },
                Edit::Push {
                    seq: vec![key("f")],
                    value: json!({"y": 1}),
                },
                Edit::RemoveItem { seq: l(), index: 0 },
                Edit::RemoveItem {
                    seq: vec![key("f")],
                    index: 0,
                },
            ],
        )
        .unwrap();
        assert_eq!(out, "l:\n  - x:\n      - 1\n  - \"c: d\"\nf: [2, {y: 1}]\n");
        // The only item of a block sequence cannot go by lines (the value would become null).
        let err = apply("l:\n  - a\n", &[Edit::RemoveItem { seq: l(), index: 0 }]).unwrap_err();
        assert!(matches!(err, PatchError::Layout(_)), "{err:?}");
        // Pretty JSON: the last item takes the comma before it along.
        let json_text = "{\n  \"l\": [\n    1,\n    2\n  ]\n}\n";
        let remove_last = [Edit::RemoveItem { seq: l(), index: 1 }];
        let err = apply(json_text, &remove_last).unwrap_err();
        assert!(matches!(err, PatchError::Layout(_)), "{err:?}");
        let root = tree::parse(json_text).unwrap();
        let (out, _) = apply_with(json_text, &root, &remove_last, true).unwrap();
        assert_eq!(
            out,
            "{\n  \"l\": [\n    1,\n    2\n  ]\n}\n".replace(",\n    2", "")
        );
        let out = apply(
            json_text,
            &[Edit::Push {
                seq: l(),
                value: json!("x"),
            }],
        )
        .unwrap();
        assert_eq!(
            serde_json::from_str::<Json>(&out).unwrap(),
            json!({"l": [1, 2, "x"]})
        );
    }

    #[test]
    fn an_empty_document_gets_block_keys_after_its_comments() {
        let out = apply(
            "# new config\r\n",
            &[
                set(vec![], "a", json!({"b": 1})),
                set(vec![], "c", json!([true])),
            ],
        )
        .unwrap();
        assert_eq!(out, "# new config\r\na:\r\n  b: 1\r\nc:\r\n  - true\r\n");
        let err = apply("null\n", &[set(vec![], "a", json!(1))]).unwrap_err();
        assert!(matches!(err, PatchError::Layout(_)), "{err:?}");
    }
}
