//! Planning removals: a block entry or item loses its lines, a flow one loses itself and one
//! comma. What else may go with it (a comment on its line, a comma on the line before) is the
//! caller's choice ([`Removals`]).

use super::super::tree::{Node, PathSeg};
use super::item::seq_at;
use super::lookup::{own_len, Lookup};
use super::plan::Target;
use super::text::{
    content_end, dash_of, line_end_incl, line_start, rest_of_line_is_empty, starts_line,
};
use super::{PatchError, Removals, Splice};

/// Plans removing entry `index` (key `key`, value `value`) of the mapping `t.map`.
pub(crate) fn entry(
    t: &Target,
    index: usize,
    key: &Node,
    value: &Node,
    removals: Removals,
) -> Result<Splice, PatchError> {
    let (text, map, at) = (t.text, t.map, t.at);
    let lenient = removals == Removals::WithComments;
    // Entries merged in through `<<` live elsewhere in the text: only this map's own count
    // (they come first).
    let own = &map.entries()[..own_len(map)];
    if index >= own.len() {
        return Err(PatchError::Missing(at.into()));
    }
    if map.flow {
        let spans: Vec<(usize, usize)> =
            own.iter().map(|(k, v)| (k.pos.start, v.pos.end)).collect();
        return from_flow(text, &spans, index, lenient, at);
    }
    let end = content_end(text, value);
    // A comment on the line explains the value; removing the line would lose it, which only a
    // caller that means to drop the whole entry (a form) accepts.
    if own.len() < 2 || !(lenient || rest_of_line_is_empty(text, end)) {
        return Err(PatchError::Layout(at.into()));
    }
    if !starts_line(text, key.pos.start) {
        return onto_dash(
            text,
            key,
            own.get(index + 1).map(|(k, _)| k),
            index,
            end,
            lenient,
        )
        .ok_or_else(|| PatchError::Layout(at.into()));
    }
    Ok(whole_lines(text, line_start(text, key.pos.start), end))
}

/// Removes the first key of a `- key: v` item whose next key sits right below it: the next
/// key moves up onto the dash line. Lines in between (comments) go too, only when `lenient`.
fn onto_dash(
    text: &str,
    key: &Node,
    next: Option<&Node>,
    index: usize,
    end: usize,
    lenient: bool,
) -> Option<Splice> {
    let prefix = &text[line_start(text, key.pos.start)..key.pos.start];
    let dash = prefix.trim_end_matches(' ').ends_with('-')
        && prefix.bytes().all(|b| b == b' ' || b == b'-');
    let next = next?;
    let next_line = line_start(text, next.pos.start);
    let fits = dash
        && index == 0
        && next.pos.start - next_line == prefix.len()
        && starts_line(text, next.pos.start)
        && next_line > end
        && (lenient || line_end_incl(text, end) == next_line);
    fits.then(|| Splice {
        start: key.pos.start,
        end: next.pos.start,
        text: String::new(),
    })
}

/// Removes the lines from `start` (a line start) to the end of the line holding `end`. The
/// text's last line has no line break when the text ends without one: the one before it goes
/// instead, so that the text still ends without one (and inserting the same lines again gives
/// back the same bytes).
fn whole_lines(text: &str, mut start: usize, end: usize) -> Splice {
    let end = line_end_incl(text, end);
    if end == text.len() && !text.ends_with('\n') && start > 0 {
        start -= 1;
        if text[..start].ends_with('\r') {
            start -= 1;
        }
    }
    Splice {
        start,
        end,
        text: String::new(),
    }
}

/// Plans [`Edit::RemoveItem`](super::Edit::RemoveItem): a block item loses its lines (from its
/// dash to the end of its last line), a flow item loses itself and one comma.
pub(crate) fn item(
    text: &str,
    root: &Node,
    path: &[PathSeg],
    index: usize,
    removals: Removals,
    lookup: &Lookup,
) -> Result<Splice, PatchError> {
    let lenient = removals == Removals::WithComments;
    let (seq, here) = seq_at(root, path, lookup)?;
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
        return from_flow(text, &spans, index, lenient, &at);
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
    if !starts_line(text, dash) {
        // `- - a` followed by `  - b`: the next item moves up onto the outer dash line.
        let next_dash = items
            .get(index + 1)
            .and_then(|n| dash_of(text, n.pos.start))
            .ok_or_else(layout)?;
        let next_line = line_start(text, next_dash);
        let fits = index == 0
            && next_dash - next_line == dash - start
            && starts_line(text, next_dash)
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
    Ok(whole_lines(text, start, end))
}

/// Removes entry `index` of a flow collection with one adjoining comma, touching one line only:
/// `{a: 1, k: v}` loses `, k: v`; an entry on a line of its own (multi-line JSON) loses its
/// line when a later entry follows. Anything else would join or split lines, so it is refused
/// unless `lenient`, which also takes the comma at the end of the line before (pretty JSON).
fn from_flow(
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
    let removed = Splice {
        start,
        end,
        text: String::new(),
    };
    if !text[start..end].contains('\n') {
        return Ok(removed);
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
        return Ok(removed);
    }
    Err(PatchError::Layout(at.into()))
}
