//! Editing catalog files: format-preserving edits through each file's kept parsed document.
//!
//! A file's [`Document`] (text and tree) is kept after its first edit, so the next edit needs
//! no parse for positions, and each edit re-parses only what it touched where that is exact
//! (see `yaml::document`). The cache checks itself against the file's text before every use:
//! anything that changes the text another way (a save, a reload, another module writing
//! `edited`) simply makes the next edit parse again. Clones of a file start without it.

use std::collections::HashSet;

use serde_json::Value as Json;

use super::{index, Catalog, EditError, EntityId, FileRole, SourceFile};
use crate::yaml::patch::{Edit, PatchError, Removals};
use crate::yaml::{self, Document, PathSeg};

/// A file's parsed document, kept between edits (see the module docs).
#[derive(Default)]
pub(crate) struct DocCache(Option<Box<Document>>);

impl Clone for DocCache {
    /// A clone starts without the cache: it is only a shortcut, and a tree can be large.
    fn clone(&self) -> Self {
        DocCache(None)
    }
}

impl DocCache {
    /// The kept document when it is still the one of `text`.
    fn valid(&self, text: &str) -> Option<&Document> {
        self.0.as_deref().filter(|d| d.text() == text)
    }
}

impl SourceFile {
    /// The kept tree of this file when it is the one of `text` (its current text, usually):
    /// what a save plan masks secrets in without parsing a large file again.
    pub fn kept_tree(&self, text: &str) -> Option<&yaml::Node> {
        self.doc.valid(text).map(Document::root)
    }

    /// Keeps `doc` (parsed from the file's current text) for the next edit or save plan.
    pub(crate) fn keep_parsed(&mut self, doc: Document) {
        debug_assert_eq!(
            doc.text(),
            self.text(),
            "the kept tree is of the current text"
        );
        self.doc.0 = Some(Box::new(doc));
    }
}

impl Catalog {
    /// Applies format-preserving edits to one file, one after the other (each verified), and
    /// refreshes its part of the index. All or nothing: on error the file is unchanged.
    pub fn edit_file(&mut self, file: usize, edits: &[Edit]) -> Result<(), EditError> {
        self.edit_file_with(file, edits, Removals::Strict)
    }

    /// [`Catalog::edit_file`] with a choice of how far removals may reach.
    pub fn edit_file_with(
        &mut self,
        file: usize,
        edits: &[Edit],
        removals: Removals,
    ) -> Result<(), EditError> {
        let touched: Vec<&[PathSeg]> = edits.iter().map(Edit::container).collect();
        self.with_document(file, &touched, |doc| doc.edit(edits, removals).map(|_| ()))
    }

    /// Applies many edits to one file in one pass: planned against the file as it is, spliced
    /// together, parsed once and every edit verified (see [`Document::edit_batch`]). The text
    /// is what applying them one by one would give, or the batch is refused with
    /// [`PatchError::Overlap`]. All or nothing. For merges that change thousands of places in
    /// one file, where one-by-one edits would cost a pass over the file each.
    pub fn edit_batch(
        &mut self,
        file: usize,
        edits: &[Edit],
        removals: Removals,
    ) -> Result<(), EditError> {
        let touched: Vec<&[PathSeg]> = edits.iter().map(Edit::container).collect();
        self.with_document(file, &touched, |doc| {
            doc.edit_batch(edits, removals).map(|_| ())
        })
    }

    /// Changes the value at `at` in `file` from `old` (what it holds now) to `new`, as a
    /// format-preserving edit: unchanged keys keep their bytes.
    pub fn edit_value(
        &mut self,
        file: usize,
        at: &[PathSeg],
        old: &Json,
        new: &Json,
    ) -> Result<(), EditError> {
        self.with_document(file, &[at], |doc| doc.change(at, old, new))
    }

    /// Flips `disable` on one binding, the way Flow writes it: `disable: true` when disabled,
    /// and no key at all when enabled. The key is only removed where adding it back gives the
    /// same bytes (so a second toggle restores the file); elsewhere, and where the line cannot
    /// go (a comment on it, its layout, a merged `disable` that would show through), enabling
    /// writes `disable: false` in place.
    pub fn toggle_binding(&mut self, id: EntityId, binding: usize) -> Result<bool, EditError> {
        let entity = self.entity(id).ok_or(EditError::NotFound)?;
        let current = entity
            .bindings
            .get(binding)
            .ok_or(EditError::NotFound)?
            .disable;
        let map = entity.binding_path(binding);
        let disable = !current;
        let set = |value: bool| Edit::Set {
            map: map.clone(),
            key: "disable".into(),
            value: Json::Bool(value),
        };
        self.with_document(id.file, &[&map], |doc| {
            if disable {
                return doc.edit(&[set(true)], Removals::Strict).map(|_| ());
            }
            match doc.remove_restorably(&map, "disable", Json::Bool(true)) {
                Ok(true) => Ok(()),
                Ok(false)
                | Err(PatchError::Layout(_) | PatchError::Shared(_) | PatchError::Verify(_)) => {
                    doc.edit(&[set(false)], Removals::Strict).map(|_| ())
                }
                Err(e) => Err(e),
            }
        })?;
        Ok(disable)
    }

    /// Parses `file` now and keeps its tree, so that the next edit of it needs no parse (a
    /// merge can call this while the user reviews what it will write).
    pub fn keep_document(&mut self, file: usize) -> Result<(), EditError> {
        self.with_document(file, &[], |_| Ok(()))
    }

    /// Parses a file's current text (for validation and detail views); a copy of the kept
    /// tree when the file has one.
    pub fn parse_file(&self, file: usize) -> Result<yaml::Node, yaml::ParseError> {
        let f = &self.files[file];
        match f.doc.valid(f.text()) {
            Some(doc) => Ok(doc.root().clone()),
            None => yaml::parse(f.text()),
        }
    }

    /// Runs `change` on `file`'s document (the kept one, or parsed now) and, when the text
    /// changed, records it as the file's edited text and refreshes the entities under the
    /// `touched` paths. The document is kept either way (`change` leaves it unchanged on
    /// error).
    fn with_document(
        &mut self,
        file: usize,
        touched: &[&[PathSeg]],
        change: impl FnOnce(&mut Document) -> Result<(), PatchError>,
    ) -> Result<(), EditError> {
        let f = self.files.get_mut(file).ok_or(EditError::NotFound)?;
        let mut doc = match f.doc.0.take() {
            Some(doc) if doc.text() == f.text() => doc,
            _ => Box::new(Document::parse(f.text().to_string()).map_err(PatchError::from)?),
        };
        let outcome = change(&mut doc);
        if outcome.is_ok() && doc.text() != f.text() {
            record(f, file, &doc, touched);
        }
        f.doc.0 = Some(doc);
        outcome.map_err(EditError::from)
    }
}

/// Makes `doc`'s text the file's edited text and brings its entities up to date.
fn record(f: &mut SourceFile, file: usize, doc: &Document, touched: &[&[PathSeg]]) {
    if f.role == FileRole::Catalog {
        let names: HashSet<(&str, &str)> = touched
            .iter()
            .filter_map(|p| match p {
                [PathSeg::Key(section), PathSeg::Key(name), ..] => {
                    Some((section.as_str(), name.as_str()))
                }
                _ => None,
            })
            .collect();
        let above_entities = touched
            .iter()
            .any(|p| !matches!(p, [PathSeg::Key(_), PathSeg::Key(_), ..]));
        let is_touched =
            |kind: index::EntityKind, name: &str| names.contains(&(kind.section(), name));
        let refreshed =
            !above_entities && f.update_entities(|e| index::refresh(e, doc.root(), &is_touched));
        if !refreshed {
            f.set_entities(index::extract(file, doc.root()));
        }
    }
    if doc.text() == f.disk {
        f.edited = None;
    } else {
        // Into the old buffer when there is one: a 10 MB allocation costs more than the copy.
        let edited = f.edited.get_or_insert_with(String::new);
        edited.clear();
        edited.push_str(doc.text());
    }
}

/// The kept document of a file, for tests of the cache.
#[cfg(test)]
pub(crate) fn kept(f: &SourceFile) -> Option<&Document> {
    f.doc.valid(f.text())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use std::path::PathBuf;

    fn catalog(text: &str) -> Catalog {
        let mut file = SourceFile::new(
            PathBuf::from("/c/flow.yaml"),
            FileRole::Catalog,
            text.into(),
        );
        file.set_entities(index::extract(0, &crate::yaml::parse(text).unwrap()));
        Catalog {
            root: PathBuf::from("/c/flow.yaml"),
            root_dir: PathBuf::from("/c"),
            files: vec![file],
            load_problems: Vec::new(),
        }
    }

    const TEXT: &str = "captures:\n  a/src:\n    endpoint: {connector: {image: x:v1, config: {}}}\n    bindings:\n      - resource: {stream: s}\n        target: a/s\n      - resource: {stream: t}\n        target: a/t\n";

    #[test]
    fn the_document_is_kept_between_edits_and_dropped_when_the_text_changes_otherwise() {
        let mut cat = catalog(TEXT);
        assert!(kept(&cat.files[0]).is_none());
        let (id, _) = cat.find("a/src", None).unwrap();
        cat.toggle_binding(id, 0).unwrap();
        let doc = kept(&cat.files[0]).expect("kept after an edit");
        assert_eq!(doc.text(), cat.files[0].text());
        assert_eq!(cat.entity(id).unwrap().bindings[1].line, 8);
        // Something else changes the text (an external editor, a reload): the kept document
        // no longer matches and the next edit starts from the new text.
        cat.files[0].edited = Some(TEXT.replace("stream: t", "stream: u"));
        assert!(kept(&cat.files[0]).is_none());
        cat.toggle_binding(id, 1).unwrap();
        let text = cat.files[0].text();
        assert!(
            text.contains("stream: u}\n        target: a/t\n        disable: true\n"),
            "{text}"
        );
        assert!(
            !text.contains("        target: a/s\n        disable: true"),
            "{text}"
        );
        assert_eq!(
            kept(&cat.files[0]).unwrap().root(),
            &crate::yaml::parse(text).unwrap()
        );
        // A clone does not carry the tree.
        assert!(kept(&cat.clone().files[0]).is_none());
    }

    #[test]
    fn entity_counts_follow_edits_that_add_entities() {
        let mut cat = catalog(TEXT);
        assert_eq!(cat.counts(), [1, 0, 0, 0]);
        let (id, _) = cat.find("a/src", None).unwrap();
        cat.toggle_binding(id, 0).unwrap();
        assert_eq!(cat.counts(), [1, 0, 0, 0], "an edit inside an entity");
        cat.edit_file(
            0,
            &[Edit::Set {
                map: vec![],
                key: "collections".into(),
                value: serde_json::json!({"a/s": {"key": ["/id"], "schema": "s.schema.yaml"}}),
            }],
        )
        .unwrap();
        assert_eq!(cat.counts(), [1, 1, 0, 0]);
        assert_eq!(cat.files[0].entities().len(), 2);
    }

    #[test]
    fn a_refused_batch_changes_nothing() {
        let mut cat = catalog(TEXT);
        let binding = |i: usize| {
            vec![
                PathSeg::key("captures"),
                PathSeg::key("a/src"),
                PathSeg::key("bindings"),
                PathSeg::Index(i),
            ]
        };
        let edits = [
            Edit::Set {
                map: binding(0),
                key: "disable".into(),
                value: Json::Bool(true),
            },
            Edit::Set {
                map: binding(0),
                key: "disable".into(),
                value: Json::Bool(false),
            },
        ];
        let err = cat.edit_batch(0, &edits, Removals::Strict).unwrap_err();
        assert!(
            matches!(err, EditError::Patch(PatchError::Overlap(_))),
            "{err:?}"
        );
        assert!(!cat.is_dirty());
        cat.edit_batch(0, &edits[..1], Removals::Strict).unwrap();
        assert!(cat.entities().next().unwrap().1.bindings[0].disable);
    }
}
