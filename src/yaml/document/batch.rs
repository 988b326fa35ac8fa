//! Many edits to one document in one pass.
//!
//! Applied one by one, 10,000 edits to a 10 MB file would cost 10,000 passes over it (each
//! splice moves the text after it, each verification walks the tree). A batch plans every
//! edit against the document as it is, applies the splices together in one pass over the
//! text, parses the result once, and checks it against what the edits ask for in one walk of
//! both trees.
//!
//! The result is what applying the edits one after the other would give. Edits are written as
//! for one-by-one application (an index after an earlier removal from the same sequence counts
//! the items that are left), and translated to the document as it is. Where one-by-one
//! application would depend on an earlier edit in a way a single plan cannot know (an edit of
//! the same place twice, an edit inside a value another edit writes or removes, an edit of an
//! item the batch pushes, two new entries of an empty flow collection, edits that meet in a
//! flow collection, two insertions at one offset into different collections, a push beside
//! a change to an item of the same sequence), the batch is refused with
//! [`PatchError::Overlap`].

use std::collections::{HashMap, HashSet};

use serde_json::Value as Json;

use super::super::build;
use super::super::patch::{self, Edit, Lookup, PatchError, Removals, Splice};
use super::super::tree::{self, Node, PathSeg, Value};
use super::Document;

/// Applies `edits` to `doc` in one pass (see the module docs).
pub(super) fn apply(
    doc: &mut Document,
    edits: &[Edit],
    removals: Removals,
) -> Result<bool, PatchError> {
    // Anchors, aliases and merge keys make one place's value depend on another's; an empty
    // document has nothing to plan against. One by one is exact there, and such documents are
    // small.
    if edits.len() < 2 || !doc.local || doc.root.value == Value::Null {
        return doc.edit(edits, removals);
    }
    let lookup = Lookup::indexed();
    let mut indices = Indices::default();
    let mut original = Vec::with_capacity(edits.len());
    for edit in edits {
        original.push(indices.translate(&doc.root, edit, &lookup)?);
    }
    no_edit_inside_another(&original)?;
    no_push_beside_changed_items(&doc.root, &original, &lookup)?;
    let mut planned = plan_all(doc, edits, &original, removals, &lookup)?;
    if planned.is_empty() {
        return Ok(false);
    }
    // At one offset, insertions into a collection nested in another go first (one by one, the
    // outer collection's new entry goes after the inner one's end, which includes them).
    planned.sort_by_key(|p| {
        let depth = original[p.edit].container().len();
        (
            p.splice.start,
            p.splice.end,
            std::cmp::Reverse(depth),
            p.edit,
        )
    });
    no_overlaps(&doc.text, &planned, &original)?;
    let splices: Vec<Splice> = planned.into_iter().map(|p| p.splice).collect();
    let text = super::spliced(&doc.text, &splices);
    let (root, stats) = build::parse_with_stats(&text)?;
    let expected = Expect::of(&original);
    if let Err(at) = expected.check(&doc.root, &root, &mut Vec::new()) {
        return Err(PatchError::Verify(tree::pointer(&at)));
    }
    doc.replace(text, root, stats);
    Ok(true)
}

/// Plans every edit (`original`: `edits` translated) against the document as it is, refusing
/// those whose plan one-by-one application would change (see the module docs).
fn plan_all(
    doc: &Document,
    edits: &[Edit],
    original: &[Edit],
    removals: Removals,
    lookup: &Lookup,
) -> Result<Vec<Planned>, PatchError> {
    let (text, root) = (doc.text.as_str(), &doc.root);
    let mut planned = Vec::new();
    let mut containers = HashSet::new();
    let mut sizes = Sizes::default();
    // The removals of the edits planned so far.
    let mut earlier = Indices::default();
    for (i, edit) in original.iter().enumerate() {
        let overlap = || PatchError::Overlap(patch::edit_pointer(&edits[i]));
        let splice = match patch::plan(text, root, edit, removals, lookup) {
            Ok(splice) => splice,
            // After an earlier edit of the same collection, one by one might have managed
            // (a removal refused in a mapping of one entry, which an earlier edit adds to).
            Err(_) if containers.contains(edit.container()) => return Err(overlap()),
            Err(e) => return Err(e),
        };
        containers.insert(edit.container());
        if let Some(splice) = splice {
            if !sizes.fits(root, edit, lookup)
                || !insertion_fits(text, root, edit, &earlier, lookup)
            {
                return Err(overlap());
            }
            let container = lookup.at(root, edit.container());
            planned.push(Planned {
                edit: i,
                splice,
                empty: container.is_none_or(|c| c.entries().is_empty() && c.items().is_empty()),
                flow: container.is_none_or(|c| c.flow),
            });
        }
        earlier.translate(root, &edits[i], lookup)?;
    }
    Ok(planned)
}

/// One edit's splice, with the edit's index and what its collection was like.
struct Planned {
    edit: usize,
    splice: Splice,
    empty: bool,
    flow: bool,
}

/// Refuses splices that overlap, and insertions at one offset that one-by-one application
/// could order differently (see the module docs).
fn no_overlaps(text: &str, planned: &[Planned], edits: &[Edit]) -> Result<(), PatchError> {
    // Without a final line break, where new entries go depends on what ends the text (they go
    // before the last entry, so the last line stays as it is): a change at the end moves them.
    let unterminated = !text.is_empty() && !text.ends_with('\n');
    if unterminated && planned.len() > 1 {
        if let Some(last) = planned.iter().find(|p| p.splice.end == text.len()) {
            return Err(PatchError::Overlap(patch::edit_pointer(&edits[last.edit])));
        }
    }
    // New lines end like the text's first line: when the batch changes that line break, one
    // by one would end the later edits' lines differently.
    let first_break = text.find('\n').unwrap_or(text.len());
    let covers = |p: &&Planned| p.splice.start <= first_break && first_break < p.splice.end;
    if planned.len() > 1 {
        if let Some(p) = planned.iter().find(covers) {
            return Err(PatchError::Overlap(patch::edit_pointer(&edits[p.edit])));
        }
    }
    let mut reach = 0;
    // Where the run of removals that ends at `a` starts (removals that meet form one run).
    let mut run = 0;
    for (i, pair) in planned.windows(2).enumerate() {
        let (a, b) = (&pair[0], &pair[1]);
        reach = reach.max(a.splice.end);
        let removal = |p: &Planned| p.splice.text.is_empty() && p.splice.start < p.splice.end;
        if !(i > 0 && removal(&planned[i - 1]) && planned[i - 1].splice.end == a.splice.start) {
            run = a.splice.start;
        }
        let (ea, eb) = (&edits[a.edit], &edits[b.edit]);
        let same_container = ea.container() == eb.container();
        let (a_insert, b_insert) = (
            a.splice.start == a.splice.end,
            b.splice.start == b.splice.end,
        );
        let meet = b.splice.start == a.splice.end;
        // Insertions at one offset keep their order within one collection (not an empty
        // flow one, where the first needs no comma), and nested ones come first. An insertion right after a removal
        // depends on it: one by one, a new last entry goes right after what is left, which is
        // where the batch puts it only when no blank or comment line is left between. In a
        // flow collection, what an edit writes depends on its neighbours (a comma or none).
        let nested = ea.container().len() > eb.container().len()
            && ea.container().starts_with(eb.container());
        let overlap = b.splice.start < reach
            || (meet && a_insert && b_insert && !same_container && !nested)
            || (meet && a_insert && b_insert && same_container && a.empty)
            || (meet && !a_insert && b_insert && !(removal(a) && content_before(text, run)))
            || (meet && (a.flow || b.flow) && !(a_insert && b_insert));
        if overlap {
            return Err(PatchError::Overlap(patch::edit_pointer(eb)));
        }
    }
    Ok(())
}

/// True when the line before `at` (a line start, or the line break ending a line) has
/// content: an insertion right after removals from `at` on lands where one-by-one application
/// would put it (right after that line).
fn content_before(text: &str, at: usize) -> bool {
    let before = &text[..at];
    let before = before.strip_suffix('\n').unwrap_or(before);
    let before = before.strip_suffix('\r').unwrap_or(before);
    let line = before[before.rfind('\n').map_or(0, |i| i + 1)..].trim();
    !line.is_empty() && !line.starts_with('#')
}

/// Refuses a batch where one edit's place is inside (or is) another's: the other writes or
/// removes what the first would change.
fn no_edit_inside_another(edits: &[Edit]) -> Result<(), PatchError> {
    let mut targets: Vec<(Vec<PathSeg>, usize)> = edits
        .iter()
        .enumerate()
        .map(|(i, e)| (target(e, i), i))
        .collect();
    targets.sort();
    for pair in targets.windows(2) {
        if pair[1].0.starts_with(&pair[0].0) {
            return Err(PatchError::Overlap(tree::pointer(&pair[1].0)));
        }
    }
    Ok(())
}

/// Refuses a batch that pushes onto a sequence and also changes what the pushed item's style
/// is taken from (see `patch::item`: which items, and which of their direct values, are
/// non-empty flow collections): one by one, the push would already see the changed items.
/// Other pushes never change that choice; scalar edits in block items (`disable: true`) and
/// removals from block-only sequences neither, so a merge's batch stays one batch.
fn no_push_beside_changed_items(
    root: &Node,
    edits: &[Edit],
    lookup: &Lookup,
) -> Result<(), PatchError> {
    let pushed: HashSet<&[PathSeg]> = edits
        .iter()
        .filter(|e| matches!(e, Edit::Push { .. }))
        .map(|e| e.container())
        .collect();
    if pushed.is_empty() {
        return Ok(());
    }
    for e in edits {
        if pushed
            .iter()
            .any(|seq| changes_style_source(root, lookup, seq, e))
        {
            return Err(PatchError::Overlap(patch::edit_pointer(e)));
        }
    }
    Ok(())
}

/// Whether `e` may change which items of `seq` (or their direct values) are non-empty flow
/// collections. Conservative: when unsure, yes.
fn changes_style_source(root: &Node, lookup: &Lookup, seq: &[PathSeg], e: &Edit) -> bool {
    let c = e.container();
    if !c.starts_with(seq) {
        return false;
    }
    let collection = |n: &Node| n.is_map() || n.is_seq();
    fn child<'n>(n: &'n Node, seg: &PathSeg) -> Option<&'n Node> {
        match seg {
            PathSeg::Key(k) => n.get(k),
            PathSeg::Index(i) => n.items().get(*i),
        }
    }
    let new_collection = match e {
        Edit::Set { value, .. } | Edit::SetItem { value, .. } | Edit::Push { value, .. } => {
            value.is_object() || value.is_array()
        }
        Edit::Remove { .. } | Edit::RemoveItem { .. } => false,
    };
    let removal = matches!(e, Edit::Remove { .. } | Edit::RemoveItem { .. });
    // The place `e` changes, inside the node at `c`.
    fn place<'n>(n: &'n Node, e: &Edit) -> Option<&'n Node> {
        match e {
            Edit::Set { key, .. } | Edit::Remove { key, .. } => n.get(key),
            Edit::SetItem { index, .. } | Edit::RemoveItem { index, .. } => n.items().get(*index),
            Edit::Push { .. } => None,
        }
    }
    let Some(seq_node) = lookup.at(root, seq) else {
        return true;
    };
    if c.len() == seq.len() {
        return match e {
            Edit::Push { .. } => false,
            Edit::RemoveItem { .. } => seq_node.items().iter().any(|item| {
                (item.flow && collection(item))
                    || item.entries().iter().any(|(_, v)| v.flow && collection(v))
            }),
            _ => new_collection || place(seq_node, e).is_none_or(collection),
        };
    }
    let Some(item) = child(seq_node, &c[seq.len()]) else {
        return true;
    };
    if item.flow {
        return true;
    }
    if c.len() == seq.len() + 1 {
        return new_collection || removal || place(item, e).is_some_and(collection);
    }
    let Some(direct) = child(item, &c[seq.len() + 1]) else {
        return true;
    };
    direct.flow || removal
}

/// The place an edit changes: its key or item (for a push, a place of its own).
fn target(edit: &Edit, i: usize) -> Vec<PathSeg> {
    let mut path = edit.container().to_vec();
    path.push(match edit {
        Edit::Set { key, .. } | Edit::Remove { key, .. } => PathSeg::Key(key.clone()),
        Edit::SetItem { index, .. } | Edit::RemoveItem { index, .. } => PathSeg::Index(*index),
        // No real key follows a sequence's path: pushes never collide with other places.
        Edit::Push { .. } => PathSeg::Key(format!("\u{0}push {i}")),
    });
    path
}

/// What the batch has done to each sequence so far, to translate indices written for
/// one-by-one application into indices of the document as it is.
#[derive(Default)]
struct Indices {
    /// Per sequence (by its path in the document as it is): its length, and the indices of
    /// the items removed so far (sorted).
    seqs: HashMap<Vec<PathSeg>, (usize, Vec<usize>)>,
    /// The mappings (by path) the batch removes keys from.
    keys_removed: HashSet<Vec<PathSeg>>,
}

impl Indices {
    /// `edit` with every index translated; records its removal, if it is one.
    fn translate(&mut self, root: &Node, edit: &Edit, lookup: &Lookup) -> Result<Edit, PatchError> {
        let refuse = || PatchError::Overlap(patch::edit_pointer(edit));
        let mut path: Vec<PathSeg> = Vec::with_capacity(edit.container().len());
        for seg in edit.container() {
            let seg = match seg {
                PathSeg::Index(i) => PathSeg::Index(self.original(&path, *i).ok_or_else(refuse)?),
                key => key.clone(),
            };
            path.push(seg);
        }
        Ok(match edit {
            Edit::Set { key, value, .. } => Edit::Set {
                map: path,
                key: key.clone(),
                value: value.clone(),
            },
            Edit::Remove { key, .. } => {
                self.keys_removed.insert(path.clone());
                Edit::Remove {
                    map: path,
                    key: key.clone(),
                }
            }
            Edit::Push { value, .. } => {
                // Tracked, so that the pushed items are known to be new.
                self.track(root, &path, lookup);
                Edit::Push {
                    seq: path,
                    value: value.clone(),
                }
            }
            Edit::SetItem { index, value, .. } => {
                self.track(root, &path, lookup);
                let index = self.original(&path, *index).ok_or_else(refuse)?;
                Edit::SetItem {
                    seq: path,
                    index,
                    value: value.clone(),
                }
            }
            Edit::RemoveItem { index, .. } => {
                self.track(root, &path, lookup);
                let index = self.original(&path, *index).ok_or_else(refuse)?;
                let (_, removed) = self.seqs.get_mut(&path).ok_or_else(refuse)?;
                let at = removed.partition_point(|&r| r < index);
                removed.insert(at, index);
                Edit::RemoveItem { seq: path, index }
            }
        })
    }

    /// What the batch has removed so far from the collection at `path` (translated).
    fn removed_from(&self, path: &[PathSeg]) -> Removed {
        let mut removed = Removed {
            any: self.keys_removed.contains(path),
            ..Removed::default()
        };
        if let Some((len, items)) = self.seqs.get(path) {
            removed.any |= !items.is_empty();
            removed.first = items.first() == Some(&0);
            removed.first_left = (0..*len).find(|i| items.binary_search(i).is_err());
        }
        removed
    }

    /// Starts tracking the sequence at `path` (when there is one).
    fn track(&mut self, root: &Node, path: &[PathSeg], lookup: &Lookup) {
        if !self.seqs.contains_key(path) {
            if let Some(seq) = lookup.at(root, path).filter(|n| n.is_seq()) {
                self.seqs
                    .insert(path.to_vec(), (seq.items().len(), Vec::new()));
            }
        }
    }

    /// The index in the document as it is of item `index` of the sequence at `path` as the
    /// batch has left it so far; `None` for an item the batch pushed.
    fn original(&self, path: &[PathSeg], index: usize) -> Option<usize> {
        let Some((len, removed)) = self.seqs.get(path) else {
            return Some(index);
        };
        // The smallest `o` with `index` kept items before it: o = index + removed items <= o.
        let mut o = index;
        loop {
            let next = index + removed.partition_point(|&r| r <= o);
            if next == o {
                break;
            }
            o = next;
        }
        (o < *len).then_some(o)
    }
}

/// False when `edit` adds an entry or item to a collection that earlier edits of the batch
/// removed from, and what it writes would depend on what they removed: in a flow collection
/// (separators, JSON style), in a mapping whose keys are quoted in different ways (the new
/// key's quoting follows the keys left), in a sequence whose first item went (the new item's
/// column follows the first item's dash) for another at a different column.
fn insertion_fits(
    text: &str,
    root: &Node,
    edit: &Edit,
    indices: &Indices,
    lookup: &Lookup,
) -> bool {
    let Some(container) = lookup.at(root, edit.container()) else {
        return true;
    };
    let removed = indices.removed_from(edit.container());
    match edit {
        Edit::Set { key, .. } if lookup.entry(container, key).is_none() && removed.any => {
            !container.flow && lookup.key_quoting(container).is_some()
        }
        Edit::Push { .. } if removed.any => {
            if container.flow {
                return false;
            }
            let items = container.items();
            let column = |i: usize| {
                let dash = patch::text::dash_of(text, items.get(i)?.pos.start)?;
                Some(dash - patch::text::line_start(text, dash))
            };
            !removed.first
                || (column(0).is_some() && column(0) == removed.first_left.and_then(column))
        }
        _ => true,
    }
}

/// What earlier edits of a batch removed from one collection.
#[derive(Default)]
struct Removed {
    any: bool,
    /// Its first item (of a sequence), and then the first item left.
    first: bool,
    first_left: Option<usize>,
}

/// How many entries or items each block collection a batch changes has as the edits before
/// the current one leave it: one by one, a block collection cannot lose its last child.
#[derive(Default)]
struct Sizes<'e>(HashMap<&'e [PathSeg], usize>);

impl<'e> Sizes<'e> {
    /// Counts the change `edit` (which changes the text) makes; false when one by one would
    /// refuse it for emptying a block collection.
    fn fits(&mut self, root: &Node, edit: &'e Edit, lookup: &Lookup) -> bool {
        let Some(container) = lookup.at(root, edit.container()) else {
            return true;
        };
        let size = self
            .0
            .entry(edit.container())
            .or_insert_with(|| container.entries().len().max(container.items().len()));
        match edit {
            Edit::Remove { .. } | Edit::RemoveItem { .. } if !container.flow => {
                if *size < 2 {
                    return false;
                }
                *size -= 1;
            }
            Edit::Remove { .. } | Edit::RemoveItem { .. } => *size = size.saturating_sub(1),
            Edit::Set { key, .. } if lookup.entry(container, key).is_none() => *size += 1,
            Edit::Push { .. } => *size += 1,
            _ => {}
        }
        true
    }
}

/// What a batch expects of each place it changes, as a tree following the edits' paths.
#[derive(Default)]
struct Expect<'e> {
    keys: HashMap<&'e str, Op<'e>>,
    items: HashMap<usize, Op<'e>>,
    pushed: Vec<&'e Json>,
}

/// What a batch does at one key or item.
enum Op<'e> {
    Set(&'e Json),
    Remove,
    Inside(Expect<'e>),
}

impl Op<'_> {
    fn inside() -> Self {
        Op::Inside(Expect::default())
    }
}

impl<'e> Expect<'e> {
    /// The expectations of `edits` (translated, and no edit inside another's place).
    fn of(edits: &'e [Edit]) -> Self {
        let mut root = Expect::default();
        for edit in edits {
            let mut at = &mut root;
            for seg in edit.container() {
                let op = match seg {
                    PathSeg::Key(k) => at.keys.entry(k.as_str()).or_insert_with(Op::inside),
                    PathSeg::Index(i) => at.items.entry(*i).or_insert_with(Op::inside),
                };
                let Op::Inside(inner) = op else {
                    unreachable!("no edit is inside another's place")
                };
                at = inner;
            }
            match edit {
                Edit::Set { key, value, .. } => {
                    at.keys.insert(key, Op::Set(value));
                }
                Edit::Remove { key, .. } => {
                    at.keys.insert(key, Op::Remove);
                }
                Edit::SetItem { index, value, .. } => {
                    at.items.insert(*index, Op::Set(value));
                }
                Edit::RemoveItem { index, .. } => {
                    at.items.insert(*index, Op::Remove);
                }
                Edit::Push { value, .. } => at.pushed.push(value),
            }
        }
        root
    }

    /// Checks that `after` is `before` changed as expected and nothing else; on failure, the
    /// path where they differ. `path` is where `before` is (for the message).
    fn check(
        &self,
        before: &Node,
        after: &Node,
        path: &mut Vec<PathSeg>,
    ) -> Result<(), Vec<PathSeg>> {
        let ok = match (&before.value, &after.value) {
            (Value::Map(b), Value::Map(a)) => self.check_map(b, a, path)?,
            (Value::Seq(b), Value::Seq(a)) => self.check_seq(b, a, path)?,
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(path.clone())
        }
    }

    fn check_map(
        &self,
        before: &[(Node, Node)],
        after: &[(Node, Node)],
        path: &mut Vec<PathSeg>,
    ) -> Result<bool, Vec<PathSeg>> {
        let removed = |k: &Node| matches!(self.keys.get(k.key_cow().as_ref()), Some(Op::Remove));
        let existing: HashSet<std::borrow::Cow<str>> = if self.keys.is_empty() {
            HashSet::new()
        } else {
            before.iter().map(|(k, _)| k.key_cow()).collect()
        };
        let (mut b, mut added) = (0, 0);
        for (ak, av) in after {
            while b < before.len() && removed(&before[b].0) {
                b += 1;
            }
            let name = ak.key_cow();
            if b < before.len() && before[b].0.key_cow() == name {
                let (bk, bv) = &before[b];
                b += 1;
                path.push(PathSeg::Key(name.to_string()));
                let ok = patch::same(bk, ak)
                    && self.check_one(self.keys.get(name.as_ref()), bv, av, path)?;
                path.pop();
                if !ok {
                    return Ok(false);
                }
                continue;
            }
            // Not the next key of before: one the batch adds.
            match self.keys.get(name.as_ref()) {
                Some(Op::Set(v)) if !existing.contains(name.as_ref()) && patch::holds(av, v) => {
                    added += 1;
                }
                _ => return Ok(false),
            }
        }
        while b < before.len() && removed(&before[b].0) {
            b += 1;
        }
        let new_keys = self
            .keys
            .iter()
            .filter(|(k, op)| matches!(op, Op::Set(_)) && !existing.contains(**k))
            .count();
        Ok(b == before.len() && added == new_keys)
    }

    fn check_seq(
        &self,
        before: &[Node],
        after: &[Node],
        path: &mut Vec<PathSeg>,
    ) -> Result<bool, Vec<PathSeg>> {
        let mut a = after.iter();
        for (i, bn) in before.iter().enumerate() {
            let op = self.items.get(&i);
            if matches!(op, Some(Op::Remove)) {
                continue;
            }
            let Some(an) = a.next() else {
                return Ok(false);
            };
            path.push(PathSeg::Index(i));
            let ok = self.check_one(op, bn, an, path)?;
            path.pop();
            if !ok {
                return Ok(false);
            }
        }
        for value in &self.pushed {
            if !a.next().is_some_and(|an| patch::holds(an, value)) {
                return Ok(false);
            }
        }
        Ok(a.next().is_none())
    }

    /// Checks one key's or item's value against what the batch does there (`None`: nothing).
    fn check_one(
        &self,
        op: Option<&Op>,
        before: &Node,
        after: &Node,
        path: &mut Vec<PathSeg>,
    ) -> Result<bool, Vec<PathSeg>> {
        Ok(match op {
            None => patch::same(before, after),
            Some(Op::Set(value)) => patch::holds(after, value),
            Some(Op::Remove) => false,
            Some(Op::Inside(inner)) => {
                inner.check(before, after, path)?;
                true
            }
        })
    }
}
