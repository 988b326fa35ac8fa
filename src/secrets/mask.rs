//! Masking a document's text by position: each secret node's bytes (found through the YAML
//! tree, whatever its quoting, escaping or block style) are replaced by a fixed token, so a
//! diff of two masked texts shows where secrets are and whether they changed, never what
//! they are — not even how long (a multi-line secret becomes one line).

use crate::yaml::patch::content_end;
use crate::yaml::Node;

/// What a secret's text becomes.
pub const MASK: &str = "••••••••";
/// What a secret's text becomes in the newer text when its value differs from the older
/// one at the same location, so the diff still shows that line as changed.
pub const MASK_CHANGED: &str = "•••••••• (changed)";

/// A byte range of a text to hide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    /// Use [`MASK_CHANGED`] rather than [`MASK`].
    pub changed: bool,
}

/// The bytes that hold `node`'s value in `text`. The span of a block scalar (or a block
/// collection ending with one) runs on over the line breaks after it and the next line's
/// indentation; those stay, so the lines that follow keep theirs. It starts at the first
/// content byte, on the line after the `|`/`>` header: the header stays, the content goes.
pub fn node_span(text: &str, node: &Node, changed: bool) -> Span {
    let start = node.pos.start.min(text.len());
    let end = content_end(text, node).max(start);
    Span {
        start,
        end,
        changed,
    }
}

/// `text` with every span replaced by its token. Overlapping or touching spans become one
/// (changed if any of them is); spans outside the text or not on character boundaries are
/// widened to the nearest boundaries, so nothing of a secret can survive a bad offset.
pub fn apply(text: &str, spans: &[Span]) -> String {
    let mut spans: Vec<Span> = spans
        .iter()
        .filter(|s| s.start < s.end)
        .map(|s| widen(text, *s))
        .collect();
    spans.sort_by_key(|s| (s.start, s.end));
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match merged.last_mut() {
            Some(last) if s.start <= last.end => {
                last.end = last.end.max(s.end);
                last.changed |= s.changed;
            }
            _ => merged.push(s),
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for s in merged {
        out.push_str(&text[at..s.start]);
        out.push_str(if s.changed { MASK_CHANGED } else { MASK });
        at = s.end;
    }
    out.push_str(&text[at..]);
    out
}

fn widen(text: &str, s: Span) -> Span {
    let mut start = s.start.min(text.len());
    let mut end = s.end.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    Span { start, end, ..s }
}

/// For an alias (`*name`) node: the node its anchor (`&name`) marks, whose text holds the
/// value. The nearest preceding `&name` whose node has the same value is taken (a `&name`
/// inside a quoted string or a redefined anchor cannot mislead it).
pub fn anchor_source<'a>(text: &str, root: &'a Node, alias: &Node) -> Option<&'a Node> {
    let at = alias.pos.start;
    let written = text.get(at..alias.pos.end.min(text.len()))?;
    let name = written.strip_prefix('*')?;
    if name.is_empty() {
        return None;
    }
    let needle = format!("&{name}");
    let want = alias.to_json();
    let mut nodes = Vec::new();
    own_nodes(root, &mut nodes, 0);
    let mut search_end = at;
    while let Some(found) = text[..search_end].rfind(&needle) {
        search_end = found;
        let after = text.as_bytes().get(found + needle.len()).copied();
        let boundary = after.is_none_or(|b| b.is_ascii_whitespace() || b",[]{}".contains(&b));
        if !boundary {
            continue;
        }
        // The anchored node is the widest one starting first at or after the `&`.
        let first = nodes
            .iter()
            .filter(|n| n.pos.start >= found && n.pos.start < at)
            .map(|n| n.pos.start)
            .min();
        let candidate = first.and_then(|s| {
            nodes
                .iter()
                .filter(|n| n.pos.start == s)
                .max_by_key(|n| n.pos.end)
        });
        if let Some(n) = candidate.filter(|n| n.to_json() == want) {
            return Some(n);
        }
    }
    None
}

/// Every node written in the text itself (not copies made by aliases or merge keys).
fn own_nodes<'a>(node: &'a Node, out: &mut Vec<&'a Node>, depth: usize) {
    if node.shared || depth > super::names::MAX_DEPTH {
        return;
    }
    out.push(node);
    for (k, v) in node.entries() {
        own_nodes(k, out, depth + 1);
        own_nodes(v, out, depth + 1);
    }
    for v in node.items() {
        own_nodes(v, out, depth + 1);
    }
}
