//! Planning sequence items: replacing one ([`Edit::SetItem`](super::Edit::SetItem)) and
//! appending one ([`Edit::Push`](super::Edit::Push)).

use serde_json::Value as Json;

use super::super::tree::{self, Node, PathSeg, Style};
use super::super::{emit, render};
use super::lookup::Lookup;
use super::plan::{json_document, replace_flow, replace_scalar};
use super::text::{
    comment_part, content_end, dash_of, line_end_excl, line_end_incl, line_start, newline,
    rest_of_line_is_blank,
};
use super::{PatchError, Splice};

/// Plans [`Edit::SetItem`](super::Edit::SetItem): a scalar item is swapped in place; anything
/// else is rewritten from the item's first character to the end of its last line, at the
/// item's own column.
pub(crate) fn set(
    text: &str,
    root: &Node,
    seq_path: &[PathSeg],
    index: usize,
    value: &Json,
    lookup: &Lookup,
) -> Result<Option<Splice>, PatchError> {
    let mut path = seq_path.to_vec();
    path.push(PathSeg::Index(index));
    let at = tree::pointer(&path);
    let seq = lookup
        .at(root, seq_path)
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
    let block_string = !(seq.flow || json)
        && matches!(
            item.style,
            Style::Plain | Style::SingleQuoted | Style::Literal
        )
        && render::literal(value, 2).is_some();
    if !block_string {
        if let Some(s) = replace_scalar(item, value, json) {
            return Ok(Some(s));
        }
    }
    if seq.flow || json {
        return replace_flow(text, item, value, json, &at).map(Some);
    }
    if item.flow && (value.is_array() || value.is_object()) {
        return replace_flow(text, item, value, false, &at).map(Some);
    }
    replace_block_item(text, item, value, &at).map(Some)
}

/// Rewrites a block sequence item from its first character (a literal block's header) to the
/// end of its last line, at the item's own column; a comment after a one-line item (or after
/// a block header) stays.
fn replace_block_item(
    text: &str,
    item: &Node,
    value: &Json,
    at: &str,
) -> Result<Splice, PatchError> {
    let layout = || PatchError::Layout(at.into());
    let block = matches!(item.style, Style::Literal | Style::Folded);
    // A block scalar's span starts at its content, on the line below its `|` / `>` header.
    let start = if block {
        let header = text[..item.pos.start]
            .rfind(['|', '>'])
            .ok_or_else(layout)?;
        dash_of(text, header).ok_or_else(layout)?;
        header
    } else {
        item.pos.start
    };
    let line = line_start(text, start);
    if item.pos.end <= item.pos.start || !text[line..start].bytes().all(|b| b == b' ' || b == b'-')
    {
        return Err(layout());
    }
    let indent = start - line;
    let value_end = content_end(text, item);
    let eol = line_end_excl(text, value_end);
    let comment = if block {
        let header_eol = line_end_excl(text, start);
        let rest = &text[start..header_eol];
        let len = rest
            .find(|c: char| !matches!(c, '|' | '>' | '-' | '+' | '0'..='9'))
            .unwrap_or(rest.len());
        comment_part(&rest[len..]).ok_or_else(layout)?
    } else if !text[start..value_end].contains('\n') {
        comment_part(&text[value_end..eol]).ok_or_else(layout)?
    } else {
        ""
    };
    let nl = newline(text);
    let new = if let Some(lit) = render::literal(value, indent) {
        format!("{}{comment}{nl}{}", lit.header, lit.lines.join(nl))
    } else if let Some(s) = render::inline(value) {
        format!("{s}{comment}")
    } else {
        let mut lines = Vec::new();
        render::block_lines(value, indent, &mut lines);
        lines[0] = format!("{}{comment}", &lines[0][indent..]);
        lines.join(nl)
    };
    Ok(Splice {
        start,
        end: eol,
        text: new,
    })
}

/// The lines of a new block sequence item `value` at the dash column `indent`, in the style
/// of the items before it: a flow collection when every item that is a non-empty collection
/// is one (`- {stream: a, mode: full}`); for a mapping, a value written in flow style when
/// that key holds a non-empty flow collection in every block mapping item that has one there
/// (`- resource: {stream: a}` / `  target: x`); block style otherwise. Scalars and empty
/// collections (`[]` is flow by nature) say nothing either way, so the choice stays the same
/// after any push: several pushes in one batch come out as they would one by one.
fn sibling_item(seq: &Node, value: &Json, indent: usize) -> Vec<String> {
    let pad = " ".repeat(indent);
    let collections: Vec<&Node> = seq.items().iter().filter(|n| filled(n)).collect();
    let all_flow = |nodes: &[&Node]| !nodes.is_empty() && nodes.iter().all(|n| n.flow);
    if filled_json(value) && all_flow(&collections) {
        if let Some(flow) = render::flow(value, false) {
            return vec![format!("{pad}- {flow}")];
        }
    }
    let mut lines = Vec::new();
    match value {
        Json::Object(o) if !o.is_empty() => {
            for (k, v) in o {
                let siblings: Vec<&Node> = collections
                    .iter()
                    .filter(|n| n.is_map() && !n.flow)
                    .filter_map(|n| n.get(k))
                    .filter(|n| filled(n))
                    .collect();
                let flow = (filled_json(v) && all_flow(&siblings))
                    .then(|| render::flow(v, false))
                    .flatten();
                let key = emit::key(k);
                match flow {
                    Some(f) => lines.push(format!("{pad}  {key}: {f}")),
                    None => render::entry_lines(&key, v, indent + 2, &mut lines),
                }
            }
            lines[0] = format!("{pad}- {}", &lines[0][indent + 2..]);
        }
        _ => render::block_lines(&Json::Array(vec![value.clone()]), indent, &mut lines),
    }
    lines
}

/// A non-empty mapping or sequence.
fn filled(n: &Node) -> bool {
    !n.entries().is_empty() || !n.items().is_empty()
}

fn filled_json(v: &Json) -> bool {
    match v {
        Json::Object(o) => !o.is_empty(),
        Json::Array(a) => !a.is_empty(),
        _ => false,
    }
}

/// The sequence at `path` and a pointer to it for messages.
pub(crate) fn seq_at<'n>(
    root: &'n Node,
    path: &[PathSeg],
    lookup: &Lookup,
) -> Result<(&'n Node, String), PatchError> {
    let here = tree::pointer(path);
    let seq = lookup
        .at(root, path)
        .ok_or_else(|| PatchError::Missing(here.clone()))?;
    if !seq.is_seq() {
        return Err(PatchError::Layout(here));
    }
    if seq.shared {
        return Err(PatchError::Shared(here));
    }
    Ok((seq, here))
}

/// Plans [`Edit::Push`](super::Edit::Push): `, item` before the `]` of a flow sequence, or a
/// `- item` line after the last item of a block sequence, at its dash's column.
pub(crate) fn push(
    text: &str,
    root: &Node,
    path: &[PathSeg],
    value: &Json,
    lookup: &Lookup,
) -> Result<Splice, PatchError> {
    let (seq, at) = seq_at(root, path, lookup)?;
    let layout = || PatchError::Layout(at.clone());
    if seq.flow {
        let close = seq.pos.end.saturating_sub(1);
        if text.as_bytes().get(close) != Some(&b']') {
            return Err(layout());
        }
        let rendered = render::flow(value, json_document(root)).ok_or_else(layout)?;
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
    let body = sibling_item(seq, value, indent).join(nl);
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
