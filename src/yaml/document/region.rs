//! Re-parsing only the lines an edit touched.
//!
//! A block collection's children each own whole lines, at one column: a key (or dash) that
//! starts its line, and everything below it indented deeper. The region of an edit is the
//! lines of the fewest consecutive children of the deepest block collection on the edit's path
//! that contain the splice. Those lines, parsed on their own (still indented as in the file),
//! give the same children as parsing the whole document would, provided that:
//!
//! - the document has no anchors, aliases or merge keys (one part would depend on another) and
//!   no directives ([`super::Document`] checks that);
//! - every line of the new region is blank, a comment, or indented at least as deep as the
//!   children (so nothing in it closes the collection or opens a shallower one), with spaces;
//! - the region parses to a block collection of the same kind whose children sit at the same
//!   column: what follows the region (unchanged, and indented no deeper than the children, or
//!   it would have belonged to the last one) then ends the last child as it did before;
//! - nothing in it runs on past its text (a literal block scalar's span takes in the next
//!   line's indentation, which the region does not have): such regions are parsed in full;
//! - the new keys do not repeat a key of the collection outside the region, and the document
//!   stays within the node and depth limits.
//!
//! When any of this does not hold, or the edit does not verify against the region, the caller
//! parses the whole document instead, so a region can only make an edit faster, never
//! different. Property tests compare both ways on random documents and edits.

use super::super::build::{self, MAX_DEPTH, MAX_NODES};
use super::super::patch::text::{content_end, dash_of, line_end_incl, line_start, starts_line};
use super::super::patch::{self, Edit, Splice};
use super::super::tree::{Node, PathSeg, Pos, Value};
use super::shape::{self, Children, Reshape};
use super::Document;

/// Regions longer than this share of the text are not worth it: parse the whole...
const MAX_SHARE: usize = 2;
/// ...unless the text is this small anyway (small documents take the same path as large ones,
/// so that tests of small documents test it).
const SMALL: usize = 64 * 1024;

#[cfg(test)]
thread_local! {
    /// Edits this thread applied by re-parsing a region (tests check the path is taken).
    pub(super) static LOCAL: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The children of one collection whose lines contain a splice.
#[derive(Debug)]
struct Region {
    /// Child indices from the root to the collection.
    path: Vec<usize>,
    /// How many segments of the edit's path lead to the collection.
    depth: usize,
    first: usize,
    last: usize,
    /// The region's text: whole lines.
    start: usize,
    end: usize,
    /// The 1-based line of `start`.
    line: u32,
    /// The column of the children.
    column: usize,
}

/// What [`apply`] replaced, to take it back.
#[derive(Debug)]
pub(crate) struct Replaced {
    path: Vec<usize>,
    first: usize,
    /// How many children it put in.
    added: usize,
    /// The children it took out.
    old: Children,
    /// The positions of the nodes on the path before.
    path_pos: Vec<Pos>,
    start: usize,
    /// The region's old text and the new text's length.
    old_text: String,
    new_len: usize,
    bytes: isize,
    lines: i64,
    nodes: usize,
}

/// Applies `splice` (planned for `edit`) by re-parsing its region only, when that is exact
/// and the edit verifies; `None` (the document unchanged) otherwise.
pub(super) fn apply(doc: &mut Document, splice: &Splice, edit: &Edit) -> Option<Replaced> {
    let region = find(&doc.text, &doc.root, edit.container(), splice)?;
    if doc.text.len() > SMALL && (region.end - region.start) * MAX_SHARE > doc.text.len() {
        return None;
    }
    let new_text = format!(
        "{}{}{}",
        &doc.text[region.start..splice.start],
        splice.text,
        &doc.text[splice.end..region.end]
    );
    if !lines_fit(&new_text, region.column) {
        return None;
    }
    let (mut parsed, stats) = build::parse_limited(&new_text, MAX_NODES).ok()?;
    let collection = at_path(&doc.root, &region.path)?;
    let old_count = region.last + 1 - region.first;
    let fits = !stats.linked
        && !parsed.flow
        && parsed.is_map() == collection.is_map()
        && parsed.is_seq() == collection.is_seq()
        && (parsed.pos.col as usize) == region.column + 1
        && parsed.pos.end <= new_text.trim_end().len()
        && region.path.len() + shape::height(&parsed) <= MAX_DEPTH
        && no_new_duplicates(collection, &parsed, region.first, region.last);
    if !fits {
        return None;
    }
    let old_nodes = children_count(collection, region.first, old_count);
    let nodes = (doc.stats.nodes + stats.nodes - 1).checked_sub(old_nodes)?;
    if nodes > MAX_NODES || !verifies(collection, &parsed, &region, edit) {
        return None;
    }
    shape::shift(
        &mut parsed,
        region.start as isize,
        i64::from(region.line) - 1,
    );
    let bytes = new_text.len() as isize - (region.end - region.start) as isize;
    let lines = newlines(&new_text) - newlines(&doc.text[region.start..region.end]);
    let new_last_end = parsed.pos.end;
    let old_last_end = child_end(collection, region.last)?;
    let starts = new_starts(&doc.text, &doc.root, &region, &parsed)?;
    let new = Children::take(&mut parsed);
    let added = new.len();
    let mut path_pos = Vec::new();
    let old = Reshape {
        path: &region.path,
        first: region.first,
        count: old_count,
        bytes,
        lines,
    }
    .apply(&mut doc.root, new, &mut |level, pos| {
        path_pos.push(*pos);
        if let Some(start) = starts[level] {
            (pos.start, pos.line, pos.col) = (start.start, start.line, start.col);
        }
        if pos.end == old_last_end {
            pos.end = new_last_end;
        } else if pos.end >= region.end {
            pos.end = pos.end.wrapping_add_signed(bytes);
        }
    })?;
    let old_text = doc.text[region.start..region.end].to_string();
    doc.text.replace_range(region.start..region.end, &new_text);
    #[cfg(test)]
    LOCAL.with(|n| n.set(n.get() + 1));
    Some(Replaced {
        path: region.path,
        first: region.first,
        added,
        old,
        path_pos,
        start: region.start,
        old_text,
        new_len: new_text.len(),
        bytes,
        lines,
        nodes: std::mem::replace(&mut doc.stats.nodes, nodes),
    })
}

/// The new start of each node on the region's path that starts inside the region (`None` for
/// the others): a collection starts at its first child's key or dash, or (a sequence at its
/// key's column) at the first item itself, which the region's parse (`parsed`, already
/// moved to the document's positions) has anew. `None` overall when a start is none of these.
fn new_starts(text: &str, root: &Node, region: &Region, parsed: &Node) -> Option<Vec<Option<Pos>>> {
    let mut starts = Vec::with_capacity(region.path.len() + 1);
    let mut node = Some(root);
    for level in 0..=region.path.len() {
        let pos = node?.pos;
        starts.push(if pos.start < region.start {
            None
        } else {
            let collection = at_path(root, &region.path)?;
            let old_token = first_token(text, collection, region.first)?;
            let old_item = child_start(collection, region.first)?;
            let new_item = match &parsed.value {
                Value::Map(m) => m.first()?.0.pos,
                Value::Seq(s) => s.first()?.pos,
                _ => return None,
            };
            if pos.start == old_token {
                Some(parsed.pos)
            } else if pos.start == old_item {
                Some(new_item)
            } else {
                return None;
            }
        });
        node = region.path.get(level).and_then(|&i| match &node?.value {
            Value::Map(m) => m.get(i).map(|(_, v)| v),
            Value::Seq(s) => s.get(i),
            _ => None,
        });
    }
    Some(starts)
}

/// Takes back what [`apply`] did.
pub(super) fn undo(doc: &mut Document, r: Replaced) {
    let mut positions = r.path_pos.into_iter();
    let restored = Reshape {
        path: &r.path,
        first: r.first,
        count: r.added,
        bytes: -r.bytes,
        lines: -r.lines,
    }
    .apply(&mut doc.root, r.old, &mut |_, pos| {
        if let Some(old) = positions.next() {
            *pos = old;
        }
    });
    debug_assert!(restored.is_some());
    doc.text
        .replace_range(r.start..r.start + r.new_len, &r.old_text);
    doc.stats.nodes = r.nodes;
}

/// The region of `splice` among the children of the block collections on `path` (the
/// deepest one whose children's lines contain it).
fn find(text: &str, root: &Node, path: &[PathSeg], splice: &Splice) -> Option<Region> {
    let mut node = root;
    let mut indices = Vec::new();
    let mut best = None;
    for depth in 0..=path.len() {
        if let Some((first, last, start, end)) = children_around(text, node, splice) {
            let lead = first_token(text, node, first)?;
            best = Some(Region {
                path: indices.clone(),
                depth,
                first,
                last,
                start,
                end,
                line: line_of(node, first),
                column: lead - start,
            });
        }
        let Some(seg) = path.get(depth) else { break };
        let index = match seg {
            PathSeg::Key(k) => node
                .entries()
                .iter()
                .position(|(key, _)| patch::is_key(key, k))?,
            PathSeg::Index(i) => *i,
        };
        node = match &node.value {
            Value::Map(m) => &m.get(index)?.1,
            Value::Seq(s) => s.get(index)?,
            _ => return best,
        };
        indices.push(index);
    }
    best
}

/// The children of block collection `node` whose lines contain `splice` (touching counts):
/// their first and last index and the lines' start and end.
fn children_around(
    text: &str,
    node: &Node,
    splice: &Splice,
) -> Option<(usize, usize, usize, usize)> {
    if node.flow || node.shared {
        return None;
    }
    let len = node.entries().len().max(node.items().len());
    // The first child whose lines end at or after the splice, the last whose text starts at or
    // before its end (children are in text order: binary searches).
    let after = partition(len, |i| {
        content_end_of(text, node, i).is_some_and(|e| line_end_incl(text, e) < splice.start)
    });
    let before = partition(len, |i| {
        child_start(node, i).is_some_and(|s| s <= splice.end)
    })
    .checked_sub(1)?;
    if after >= len {
        return None;
    }
    let (first, last) = (after.min(before), after.max(before));
    let start = line_start(text, first_token(text, node, first)?);
    let end = line_end_incl(text, content_end_of(text, node, last)?);
    (start <= splice.start && splice.end <= end).then_some((first, last, start, end))
}

/// The first index in `0..len` for which `pred` is false (`pred` holds for a prefix).
fn partition(len: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut low, mut high) = (0, len);
    while low < high {
        let mid = low + (high - low) / 2;
        if pred(mid) {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    low
}

/// Where child `i` of `node` starts its line: its key, or the dash before it (`None` when
/// something else precedes it on its line, or it is merged in).
fn first_token(text: &str, node: &Node, i: usize) -> Option<usize> {
    let at = match &node.value {
        Value::Map(m) => {
            let (k, _) = m.get(i)?;
            (!k.shared).then_some(k.pos.start)?
        }
        Value::Seq(s) => dash_of(text, s.get(i)?.pos.start)?,
        _ => return None,
    };
    starts_line(text, at).then_some(at)
}

/// The 1-based line of child `i`'s first token.
fn line_of(node: &Node, i: usize) -> u32 {
    match &node.value {
        Value::Map(m) => m[i].0.pos.line,
        Value::Seq(s) => s[i].pos.line,
        _ => 1,
    }
}

/// Where child `i`'s text starts (its key, or the item).
fn child_start(node: &Node, i: usize) -> Option<usize> {
    match &node.value {
        Value::Map(m) => m.get(i).map(|(k, _)| k.pos.start),
        Value::Seq(s) => s.get(i).map(|n| n.pos.start),
        _ => None,
    }
}

/// Where child `i`'s span ends (as the tree has it: a block collection ends where its last
/// child's span does).
fn child_end(node: &Node, i: usize) -> Option<usize> {
    match &node.value {
        Value::Map(m) => m.get(i).map(|(k, v)| v.pos.end.max(k.pos.end)),
        Value::Seq(s) => s.get(i).map(|n| n.pos.end),
        _ => None,
    }
}

/// Where child `i`'s text really ends (see [`content_end`]).
fn content_end_of(text: &str, node: &Node, i: usize) -> Option<usize> {
    match &node.value {
        Value::Map(m) => m.get(i).map(|(k, v)| content_end(text, v).max(k.pos.end)),
        Value::Seq(s) => s.get(i).map(|n| content_end(text, n)),
        _ => None,
    }
}

/// True when every line of `region` after the first is blank, a comment, or indented with
/// spaces at least `column` deep, and no line is a document marker or directive.
fn lines_fit(region: &str, column: usize) -> bool {
    region.split('\n').skip(1).all(|line| {
        let content = line.trim_start_matches(' ');
        let indent = line.len() - content.len();
        let content = content.trim_end_matches('\r');
        if content.is_empty() || content.starts_with('#') {
            return true;
        }
        let marker = indent == 0
            && (content.starts_with("---")
                || content.starts_with("...")
                || content.starts_with('%'));
        indent >= column && !marker && !content.starts_with('\t')
    })
}

/// The node at `path` (child indices, entries' values for mappings).
fn at_path<'n>(root: &'n Node, path: &[usize]) -> Option<&'n Node> {
    path.iter().try_fold(root, |node, &i| match &node.value {
        Value::Map(m) => m.get(i).map(|(_, v)| v),
        Value::Seq(s) => s.get(i),
        _ => None,
    })
}

/// True unless `parsed` has a key that `collection` has outside `first..=last` (parsing the
/// whole document would refuse the duplicate).
fn no_new_duplicates(collection: &Node, parsed: &Node, first: usize, last: usize) -> bool {
    if !collection.is_map() {
        return true;
    }
    let entries = collection.entries();
    let inside: std::collections::HashSet<String> = entries[first..=last]
        .iter()
        .map(|(k, _)| k.key_string())
        .collect();
    let new: Vec<String> = parsed
        .entries()
        .iter()
        .map(|(k, _)| k.key_string())
        .filter(|k| !inside.contains(k))
        .collect();
    new.is_empty()
        || entries
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < first || *i > last)
            .all(|(_, (k, _))| !new.contains(&k.key_string()))
}

/// The nodes in children `first..first + count` of `node`.
fn children_count(node: &Node, first: usize, count: usize) -> usize {
    match &node.value {
        Value::Map(m) => m[first..first + count]
            .iter()
            .map(|(k, v)| shape::count(k) + shape::count(v))
            .sum(),
        Value::Seq(s) => s[first..first + count].iter().map(shape::count).sum(),
        _ => 0,
    }
}

/// True when the region's new children (`parsed`) are its old ones with exactly `edit` made:
/// the edit, with its path taken relative to the region's collection, verifies against the
/// old children alone (what lies outside the region is unchanged text, so unchanged values).
fn verifies(collection: &Node, parsed: &Node, region: &Region, edit: &Edit) -> bool {
    let old = Node {
        value: match &collection.value {
            Value::Map(m) => Value::Map(m[region.first..=region.last].to_vec()),
            Value::Seq(s) => Value::Seq(s[region.first..=region.last].to_vec()),
            _ => return false,
        },
        pos: collection.pos,
        style: collection.style,
        flow: collection.flow,
        shared: collection.shared,
    };
    relative(edit, region.depth, region.first).is_some_and(|rel| patch::verify(&old, parsed, &rel))
}

/// `edit` with its path made relative to the collection `depth` segments down, whose children
/// from `first` on form the region.
fn relative(edit: &Edit, depth: usize, first: usize) -> Option<Edit> {
    let rebase = |path: &[PathSeg]| -> Option<Vec<PathSeg>> {
        let mut rel = path.get(depth..)?.to_vec();
        if let Some(PathSeg::Index(i)) = rel.first_mut() {
            *i = i.checked_sub(first)?;
        }
        Some(rel)
    };
    let at_top = edit.container().len() == depth;
    let index = |i: usize| {
        if at_top {
            i.checked_sub(first)
        } else {
            Some(i)
        }
    };
    Some(match edit {
        Edit::Set { map, key, value } => Edit::Set {
            map: rebase(map)?,
            key: key.clone(),
            value: value.clone(),
        },
        Edit::Remove { map, key } => Edit::Remove {
            map: rebase(map)?,
            key: key.clone(),
        },
        Edit::SetItem {
            seq,
            index: i,
            value,
        } => Edit::SetItem {
            seq: rebase(seq)?,
            index: index(*i)?,
            value: value.clone(),
        },
        Edit::Push { seq, value } => Edit::Push {
            seq: rebase(seq)?,
            value: value.clone(),
        },
        Edit::RemoveItem { seq, index: i } => Edit::RemoveItem {
            seq: rebase(seq)?,
            index: index(*i)?,
        },
    })
}

fn newlines(text: &str) -> i64 {
    text.bytes().filter(|&b| b == b'\n').count() as i64
}
