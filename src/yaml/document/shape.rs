//! Changing a tree in place after a part of its text was replaced: swapping a range of one
//! collection's children, and moving every node after the change by the bytes and lines the
//! text grew or shrank.

use super::super::tree::{Node, Pos, Value};

/// Some children of a mapping (entries) or of a sequence (items).
#[derive(Debug)]
pub(super) enum Children {
    Map(Vec<(Node, Node)>),
    Seq(Vec<Node>),
}

impl Children {
    /// The children of `node`, taken out of it (empty for scalars).
    pub(super) fn take(node: &mut Node) -> Children {
        match &mut node.value {
            Value::Map(m) => Children::Map(std::mem::take(m)),
            Value::Seq(s) => Children::Seq(std::mem::take(s)),
            _ => Children::Seq(Vec::new()),
        }
    }

    pub(super) fn len(&self) -> usize {
        match self {
            Children::Map(m) => m.len(),
            Children::Seq(s) => s.len(),
        }
    }
}

/// Moves `node` and everything in it by `bytes` and `lines` (columns stay: changes cover whole
/// lines). This walk is most of an edit's cost in a large file (it visits every node after
/// the edit), so it updates children in place and recurses only into collections.
pub(super) fn shift(node: &mut Node, bytes: isize, lines: i64) {
    let lines = lines as u32;
    move_pos(&mut node.pos, bytes, lines);
    shift_children(node, bytes, lines);
}

#[inline(always)]
fn move_pos(pos: &mut Pos, bytes: isize, lines: u32) {
    pos.start = pos.start.wrapping_add_signed(bytes);
    pos.end = pos.end.wrapping_add_signed(bytes);
    // Adding a negative count as its two's complement wraps to the right line.
    pos.line = pos.line.wrapping_add(lines);
}

/// Moves one child and what is in it.
#[inline(always)]
fn shift_one(node: &mut Node, bytes: isize, lines: u32) {
    move_pos(&mut node.pos, bytes, lines);
    if matches!(node.value, Value::Map(_) | Value::Seq(_)) {
        shift_children(node, bytes, lines);
    }
}

fn shift_children(node: &mut Node, bytes: isize, lines: u32) {
    match &mut node.value {
        Value::Map(m) => {
            for (k, v) in m.iter_mut() {
                shift_one(k, bytes, lines);
                shift_one(v, bytes, lines);
            }
        }
        Value::Seq(s) => {
            for n in s.iter_mut() {
                shift_one(n, bytes, lines);
            }
        }
        _ => {}
    }
}

/// The child (for mappings: the entry's value) at `index`.
pub(super) fn child_mut(node: &mut Node, index: usize) -> Option<&mut Node> {
    match &mut node.value {
        Value::Map(m) => m.get_mut(index).map(|(_, v)| v),
        Value::Seq(s) => s.get_mut(index),
        _ => None,
    }
}

/// Shifts the children of `node` from `from` on.
fn shift_from(node: &mut Node, from: usize, bytes: isize, lines: i64) {
    let lines = lines as u32;
    match &mut node.value {
        Value::Map(m) => m.iter_mut().skip(from).for_each(|(k, v)| {
            shift_one(k, bytes, lines);
            shift_one(v, bytes, lines);
        }),
        Value::Seq(s) => s
            .iter_mut()
            .skip(from)
            .for_each(|n| shift_one(n, bytes, lines)),
        _ => {}
    }
}

/// A change to make along the path from the root to one collection.
pub(super) struct Reshape<'a> {
    /// Child indices from the root to the collection.
    pub path: &'a [usize],
    /// Where the replaced children start in the collection.
    pub first: usize,
    /// How many children go.
    pub count: usize,
    /// How far everything after the change moves.
    pub bytes: isize,
    pub lines: i64,
}

impl Reshape<'_> {
    /// Replaces the children `first..first + count` of the collection with `new` (which must
    /// be of the collection's kind) and moves every node after them; `pos(level, pos)` updates
    /// the position of each node on the path (level 0 is the root, the last is the collection).
    /// Returns the children taken out, or `None` (nothing changed) when the path is not there.
    pub(super) fn apply(
        &self,
        root: &mut Node,
        new: Children,
        pos: &mut dyn FnMut(usize, &mut Pos),
    ) -> Option<Children> {
        let mut node = root;
        for (level, &i) in self.path.iter().enumerate() {
            pos(level, &mut node.pos);
            shift_from(node, i + 1, self.bytes, self.lines);
            node = child_mut(node, i)?;
        }
        pos(self.path.len(), &mut node.pos);
        let end = self.first + self.count;
        let (old, after) = match (&mut node.value, new) {
            (Value::Map(m), Children::Map(new)) if end <= m.len() => {
                let added = new.len();
                (
                    Children::Map(m.splice(self.first..end, new).collect()),
                    self.first + added,
                )
            }
            (Value::Seq(s), Children::Seq(new)) if end <= s.len() => {
                let added = new.len();
                (
                    Children::Seq(s.splice(self.first..end, new).collect()),
                    self.first + added,
                )
            }
            _ => return None,
        };
        shift_from(node, after, self.bytes, self.lines);
        Some(old)
    }
}

/// The number of nodes in `node` (itself included).
pub(super) fn count(node: &Node) -> usize {
    1 + match &node.value {
        Value::Map(m) => m.iter().map(|(k, v)| count(k) + count(v)).sum(),
        Value::Seq(s) => s.iter().map(count).sum(),
        _ => 0,
    }
}

/// The levels of collections in `node` (itself included; 0 for a scalar).
pub(super) fn height(node: &Node) -> usize {
    match &node.value {
        Value::Map(m) => {
            1 + m
                .iter()
                .map(|(k, v)| height(k).max(height(v)))
                .max()
                .unwrap_or(0)
        }
        Value::Seq(s) => 1 + s.iter().map(height).max().unwrap_or(0),
        _ => 0,
    }
}
