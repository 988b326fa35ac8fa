//! Finding what an edit addresses. One edit walks its path with linear key lookups (mappings
//! are small, and building anything would cost more); a batch plans thousands of edits against
//! one tree, some into mappings of 20,000 keys, so it indexes each large mapping's keys and
//! works out a mapping's key quoting once.

use std::cell::RefCell;
use std::collections::HashMap;

use super::super::tree::{Node, PathSeg, Style};
use super::verify::is_key;

/// Mappings with more entries than this get a key index in an indexed lookup.
const INDEX_FROM: usize = 16;

/// How edits find their targets; see the module docs.
#[derive(Default)]
pub(crate) struct Lookup {
    indexed: bool,
    /// Per mapping (by address; the tree is not changed while a lookup lives): its key index.
    keys: RefCell<HashMap<usize, HashMap<String, usize>>>,
    /// Per mapping: the quoting its own keys agree on ([`Lookup::key_quoting`]).
    quoting: RefCell<HashMap<usize, Option<Style>>>,
}

impl Lookup {
    /// A lookup for one edit: linear scans, nothing remembered.
    pub(crate) fn linear() -> Self {
        Lookup::default()
    }

    /// A lookup for a batch: large mappings' keys are indexed on first use.
    pub(crate) fn indexed() -> Self {
        Lookup {
            indexed: true,
            ..Lookup::default()
        }
    }

    /// The node at `path` below `root`.
    pub(crate) fn at<'n>(&self, root: &'n Node, path: &[PathSeg]) -> Option<&'n Node> {
        let mut node = root;
        for seg in path {
            node = match seg {
                PathSeg::Key(k) => &self.entry(node, k)?.1,
                PathSeg::Index(i) => node.items().get(*i)?,
            };
        }
        Some(node)
    }

    /// The entry of mapping `map` whose key is `key`.
    pub(crate) fn entry<'n>(&self, map: &'n Node, key: &str) -> Option<&'n (Node, Node)> {
        self.entry_index(map, key).map(|i| &map.entries()[i])
    }

    /// The index of the (first) entry of mapping `map` whose key is `key`.
    pub(crate) fn entry_index(&self, map: &Node, key: &str) -> Option<usize> {
        let entries = map.entries();
        if !self.indexed || entries.len() <= INDEX_FROM {
            return entries.iter().position(|(k, _)| is_key(k, key));
        }
        let addr = map as *const Node as usize;
        let mut all = self.keys.borrow_mut();
        let index = all.entry(addr).or_insert_with(|| {
            let mut index = HashMap::with_capacity(entries.len());
            for (i, (k, _)) in entries.iter().enumerate() {
                index.entry(k.key_string()).or_insert(i);
            }
            index
        });
        index.get(key).copied()
    }

    /// The style every own (not merged) key of `map` is written in, when they all agree: new
    /// keys are quoted like their neighbours.
    pub(crate) fn key_quoting(&self, map: &Node) -> Option<Style> {
        let compute = || {
            let mut own = map
                .entries()
                .iter()
                .filter(|(k, _)| !k.shared)
                .map(|(k, _)| k.style);
            let first = own.next()?;
            own.all(|s| s == first).then_some(first)
        };
        if !self.indexed {
            return compute();
        }
        let addr = map as *const Node as usize;
        *self
            .quoting
            .borrow_mut()
            .entry(addr)
            .or_insert_with(compute)
    }
}

/// The number of a mapping's own entries: entries merged in through `<<` come after them.
pub(crate) fn own_len(map: &Node) -> usize {
    let entries = map.entries();
    match entries.last() {
        Some((k, _)) if k.shared => entries.iter().take_while(|(k, _)| !k.shared).count(),
        _ => entries.len(),
    }
}
