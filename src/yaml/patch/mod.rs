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
//!
//! The modules split the work by concern: [`plan`](self) turns one edit into one splice
//! (setting values; `insert`, `remove` and `item` for new keys, removals and sequence items),
//! `verify` checks a re-parsed result, `text` holds the line arithmetic they share and `lookup`
//! finds what an edit addresses. Applying splices and re-parsing (all of a document, or just
//! the part an edit touched) is [`super::Document`]'s job.

mod insert;
mod item;
mod lookup;
mod plan;
mod remove;
pub(crate) mod text;
mod verify;

#[cfg(test)]
mod tests;

use serde_json::Value as Json;

use super::tree::{self, PathSeg};

pub use super::change::apply_change;
/// Renders a JSON scalar as YAML text that every reader takes for the same value (the one
/// scalar emitter, [`super::emit::scalar`]); `None` for arrays and objects.
pub use super::emit::scalar as render_scalar;

pub(crate) use lookup::Lookup;
pub(crate) use plan::{edit_pointer, json_document, plan};
pub(crate) use text::content_end;
pub(crate) use verify::{holds, is_key, same, verify};

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

impl Edit {
    /// The path of the mapping or sequence the edit changes.
    pub fn container(&self) -> &[PathSeg] {
        match self {
            Edit::Set { map, .. } | Edit::Remove { map, .. } => map,
            Edit::SetItem { seq, .. } | Edit::Push { seq, .. } | Edit::RemoveItem { seq, .. } => {
                seq
            }
        }
    }
}

/// How far a removal may reach beyond the removed entry's own text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Removals {
    /// Refuse a removal that would also drop a comment on the entry's line, or take a comma
    /// from the line before (the last entry of pretty JSON): the caller asked for one entry.
    #[default]
    Strict,
    /// The entry goes with the comments on its lines and the comma before it, which a form that
    /// drops a field (or a merge that drops a binding) means.
    WithComments,
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
    /// Two edits of one batch touch the same place (or one edits what another creates or
    /// removes); such edits must be applied one after the other.
    #[error("edits in one batch overlap at {0}; apply them one after the other")]
    Overlap(String),
}

/// A replacement of `start..end` with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Splice {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Applies `edits` to `text` one after the other, returning the new text. Unchanged documents
/// come back identical; nothing is returned unless every edit could be made and verified.
pub fn apply(text: &str, edits: &[Edit]) -> Result<String, PatchError> {
    let mut doc = super::Document::parse(text.to_string())?;
    doc.edit(edits, Removals::Strict)?;
    Ok(doc.into_text())
}
