//! A parsed document kept together with its text, edited in place.
//!
//! Editing a catalog file used to mean parsing it twice per edit (once for positions, once to
//! verify the patch), which is a second per toggle in a 10 MB file. A [`Document`] keeps its
//! tree between edits, so positions need no parse at all, and after an edit it re-parses only
//! the lines the edit touched when that provably gives the same tree as parsing everything
//! (see `region`); a batch of edits is planned against one tree and verified with one parse
//! (see `batch`).
//!
//! Invariant: `root` (and `stats`) are always what parsing `text` gives.

mod batch;
mod region;
mod shape;

use super::build::{self, Stats};
use super::patch::{self, Edit, Lookup, PatchError, Removals, Splice};
use super::tree::{Node, ParseError, PathSeg};

/// A document's text and its parsed tree, kept in step through edits.
#[derive(Debug, Clone)]
pub struct Document {
    text: String,
    root: Node,
    stats: Stats,
    /// True when a part of the document can be re-parsed on its own: no anchors, aliases or
    /// merge keys (one part would depend on another), no directives, no byte order mark.
    local: bool,
}

/// How to take an applied edit back (see [`Document::edit`]).
#[derive(Debug)]
pub(crate) enum Undo {
    /// The whole document was re-parsed: the old text and tree.
    Full {
        text: String,
        root: Node,
        stats: Stats,
        local: bool,
    },
    /// Part of it was: see [`region::Replaced`].
    Local(region::Replaced),
}

impl Document {
    /// Parses `text`.
    pub fn parse(text: String) -> Result<Self, ParseError> {
        let (root, stats) = build::parse_with_stats(&text)?;
        let local = locally_parsable(&text, &stats);
        Ok(Document {
            text,
            root,
            stats,
            local,
        })
    }

    /// The document's current text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The tree of [`Document::text`].
    pub fn root(&self) -> &Node {
        &self.root
    }

    /// The current text, giving up the tree.
    pub fn into_text(self) -> String {
        self.text
    }

    /// Applies `edits` one after the other, each planned against the document as the edits
    /// before it left it and verified, re-parsing only what each touched where that is exact.
    /// All or nothing: when one edit fails, the document is as it was and the error says why.
    /// Returns whether the text changed.
    pub fn edit(&mut self, edits: &[Edit], removals: Removals) -> Result<bool, PatchError> {
        self.edit_then(edits, removals, &|_| Ok(()))
    }

    /// [`Document::edit`], keeping the result only when `accept` takes the new tree.
    pub(crate) fn edit_then(
        &mut self,
        edits: &[Edit],
        removals: Removals,
        accept: &dyn Fn(&Node) -> Result<(), PatchError>,
    ) -> Result<bool, PatchError> {
        let mut done = Vec::new();
        let mut outcome = Ok(());
        for edit in edits {
            match self.apply_one(edit, removals) {
                Ok(Some(undo)) => done.push(undo),
                Ok(None) => {}
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            }
        }
        if let Err(e) = outcome.and_then(|()| accept(&self.root)) {
            for undo in done.into_iter().rev() {
                self.undo(undo);
            }
            return Err(e);
        }
        Ok(!done.is_empty())
    }

    /// Applies many edits in one pass: every edit is planned against the current tree, the
    /// splices are applied together, the result is parsed once and every edit is verified.
    /// Gives the same text as [`Document::edit`] would, or refuses with
    /// [`PatchError::Overlap`] when it cannot be sure to (two edits of the same place, an edit
    /// inside what another one writes or removes, an index into items pushed by the batch).
    /// All or nothing, like [`Document::edit`].
    pub fn edit_batch(&mut self, edits: &[Edit], removals: Removals) -> Result<bool, PatchError> {
        batch::apply(self, edits, removals)
    }

    /// Changes the value at `at` from `old` (what it holds now) to `new` with the fewest edits
    /// (see [`super::patch::apply_change`]). All or nothing.
    pub fn change(
        &mut self,
        at: &[PathSeg],
        old: &serde_json::Value,
        new: &serde_json::Value,
    ) -> Result<(), PatchError> {
        super::change::change(self, at, old, new)
    }

    /// Removes `key` from the mapping at `map` only when setting it to `value` again would
    /// give back exactly the current text (so that toggling twice restores the bytes). Returns
    /// whether it removed the key; on `Ok(false)` and on error the document is unchanged.
    pub fn remove_restorably(
        &mut self,
        map: &[PathSeg],
        key: &str,
        value: serde_json::Value,
    ) -> Result<bool, PatchError> {
        let remove = Edit::Remove {
            map: map.to_vec(),
            key: key.to_string(),
        };
        let lookup = Lookup::linear();
        let Some(removal) =
            patch::plan(&self.text, &self.root, &remove, Removals::Strict, &lookup)?
        else {
            return Ok(false);
        };
        let removed = self.text[removal.start..removal.end].to_string();
        let Some(undo) = self.apply_one(&remove, Removals::Strict)? else {
            return Ok(false);
        };
        let add = Edit::Set {
            map: map.to_vec(),
            key: key.to_string(),
            value,
        };
        let back = patch::plan(&self.text, &self.root, &add, Removals::Strict, &lookup);
        let restores = matches!(back, Ok(Some(s))
            if removal.text.is_empty() && s.start == s.end && s.start == removal.start && s.text == removed);
        if !restores {
            self.undo(undo);
        }
        Ok(restores)
    }

    /// Applies one edit; `None` when the document already says what it would write. On error
    /// the document is unchanged.
    pub(crate) fn apply_one(
        &mut self,
        edit: &Edit,
        removals: Removals,
    ) -> Result<Option<Undo>, PatchError> {
        let lookup = Lookup::linear();
        let Some(splice) = patch::plan(&self.text, &self.root, edit, removals, &lookup)? else {
            return Ok(None);
        };
        if self.local {
            if let Some(replaced) = region::apply(self, &splice, edit) {
                return Ok(Some(Undo::Local(replaced)));
            }
        }
        self.apply_full(&splice, edit).map(Some)
    }

    /// Applies `splice` (made for `edit`) and re-parses the whole text.
    fn apply_full(&mut self, splice: &Splice, edit: &Edit) -> Result<Undo, PatchError> {
        let text = spliced(&self.text, std::slice::from_ref(splice));
        let (root, stats) = build::parse_with_stats(&text)?;
        if !patch::verify(&self.root, &root, edit) {
            return Err(PatchError::Verify(patch::edit_pointer(edit)));
        }
        Ok(self.replace(text, root, stats))
    }

    /// Makes `text` (parsed into `root`) the document, returning how to go back.
    fn replace(&mut self, text: String, root: Node, stats: Stats) -> Undo {
        let local = locally_parsable(&text, &stats);
        Undo::Full {
            text: std::mem::replace(&mut self.text, text),
            root: std::mem::replace(&mut self.root, root),
            stats: std::mem::replace(&mut self.stats, stats),
            local: std::mem::replace(&mut self.local, local),
        }
    }

    /// Takes back an edit applied by [`Document::apply_one`] (the last one not taken back).
    pub(crate) fn undo(&mut self, undo: Undo) {
        match undo {
            Undo::Full {
                text,
                root,
                stats,
                local,
            } => {
                self.text = text;
                self.root = root;
                self.stats = stats;
                self.local = local;
            }
            Undo::Local(replaced) => region::undo(self, replaced),
        }
    }
}

/// `text` with `splices` (sorted, not overlapping) applied, built in one pass.
fn spliced(text: &str, splices: &[Splice]) -> String {
    let added: usize = splices.iter().map(|s| s.text.len()).sum();
    let mut out = String::with_capacity(text.len() + added);
    let mut at = 0;
    for s in splices {
        out.push_str(&text[at..s.start]);
        out.push_str(&s.text);
        at = s.end;
    }
    out.push_str(&text[at..]);
    out
}

/// See [`Document::local`]: directives (`%TAG`) change how tags in any part read, and a byte
/// order mark belongs to the first line only.
fn locally_parsable(text: &str, stats: &Stats) -> bool {
    !stats.linked
        && !text.starts_with('\u{feff}')
        && !text.starts_with('%')
        && !text.contains("\n%")
}

#[cfg(test)]
mod tests;
