//! The discovery writer's one door into the YAML layer: applying a list of edits to a catalog
//! file, changing one value in place, and the text of a new file. Kept small so the writer
//! does not depend on how the layer does it.

use std::path::Path;

use serde_json::Value;

use crate::catalog::{Catalog, EditError, FileRole, SourceFile};
use crate::yaml::patch::{PatchError, Removals};
use crate::yaml::{self, patch, PathSeg};

/// Applies `edits` to catalog file `file` as if one after the other: in one pass through the
/// file's kept tree where the YAML layer can be sure that gives the same text
/// ([`Catalog::edit_batch`]: a merge makes thousands of edits to one file), else one by one. A
/// removed binding takes the comments on its lines and the comment lines right above it.
/// All or nothing.
pub fn apply(catalog: &mut Catalog, file: usize, edits: &[patch::Edit]) -> Result<(), String> {
    if edits.is_empty() {
        return Ok(());
    }
    let display = catalog.display_path(&catalog.files[file].path).into_owned();
    let before = catalog.files[file].edited.clone();
    // Only removed items can have comment lines attached: no other batch needs this parse.
    if edits
        .iter()
        .any(|e| matches!(e, patch::Edit::RemoveItem { .. }))
    {
        let root = catalog
            .parse_file(file)
            .map_err(|e| format!("{display}: {}", e.message))?;
        if let Some(text) = without_attached_comments(catalog.files[file].text(), &root, edits) {
            let f = &mut catalog.files[file];
            f.edited = (text != f.disk).then_some(text);
        }
    }
    let outcome = match catalog.edit_batch(file, edits, Removals::WithComments) {
        Err(EditError::Patch(PatchError::Overlap(_))) => {
            catalog.edit_file_with(file, edits, Removals::WithComments)
        }
        other => other,
    };
    outcome.map_err(|e| {
        catalog.files[file].edited = before;
        format!("{display}: {e}")
    })
}

/// The text without the comment lines attached to each block-sequence item `edits` remove:
/// the comment lines right above the item's dash (no blank line between), at its column. The
/// YAML layer removes an item's own lines; a comment introducing a removed binding goes with
/// it too. Removing comment lines changes no value, so the edits apply to the result as they
/// are. `None` when there is nothing to take.
fn without_attached_comments(
    text: &str,
    root: &yaml::Node,
    edits: &[patch::Edit],
) -> Option<String> {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for edit in edits {
        let patch::Edit::RemoveItem { seq, index } = edit else {
            continue;
        };
        let Some(node) = root.at(seq).filter(|n| n.is_seq() && !n.flow) else {
            continue;
        };
        let Some(item) = node.items().get(*index) else {
            continue;
        };
        let line = text[..item.pos.start].rfind('\n').map_or(0, |i| i + 1);
        let Some(dash) = text[line..item.pos.start].find('-') else {
            continue;
        };
        let mut start = line;
        // Walk up over comment lines at the dash's column.
        while start > 0 {
            let prev = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
            let l = &text[prev..start - 1];
            let indent = l.len() - l.trim_start_matches(' ').len();
            if indent == dash && l[indent..].starts_with('#') {
                start = prev;
            } else {
                break;
            }
        }
        if start < line {
            ranges.push((start, line));
        }
    }
    if ranges.is_empty() {
        return None;
    }
    ranges.sort_unstable();
    ranges.dedup();
    let mut out = text.to_string();
    for &(s, e) in ranges.iter().rev() {
        out.replace_range(s..e, "");
    }
    Some(out)
}

/// Changes the value at `at` of file `file` from `old` to `new`, touching only what differs
/// (see [`Catalog::edit_value`]).
pub fn change(
    catalog: &mut Catalog,
    file: usize,
    at: &[PathSeg],
    old: &Value,
    new: &Value,
) -> Result<(), String> {
    let display = catalog.display_path(&catalog.files[file].path).into_owned();
    catalog
        .edit_value(file, at, old, new)
        .map_err(|e| format!("{display}: {e}"))
}

/// The text of a new file holding `value`: pretty JSON (`json`, for a `.json` path) or block
/// YAML. Debug builds read it back (see [`READ_BACK_EVERY_FILE`]).
pub fn document(json: bool, value: &Value) -> Result<String, String> {
    let text = render(json, value)?;
    if READ_BACK_EVERY_FILE {
        read_back(text.clone(), value)?;
    }
    Ok(text)
}

/// [`document`]'s text, unchecked.
fn render(json: bool, value: &Value) -> Result<String, String> {
    let mut text = if json {
        serde_json::to_string_pretty(value).map_err(|e| e.to_string())?
    } else {
        yaml::render::block(value, "\n")
    };
    text.push('\n');
    Ok(text)
}

/// `text` parsed, checked to hold exactly `value` (what [`document`] rendered it from).
fn read_back(text: String, value: &Value) -> Result<yaml::Document, String> {
    let back = yaml::Document::parse(text).map_err(|e| e.message)?;
    if !back.root().same_as_json(value) {
        return Err("internal check failed: the new file would not hold the intended value".into());
    }
    Ok(back)
}

/// Whether every new file is read back, or only catalog files (always: their entities are
/// indexed from the parse). The others (a discovery's schema files, thousands at a time) hold
/// what the emitter wrote, whose round trip is property-tested in `yaml::render`; reading each
/// back would cost more than writing it, so release builds trust the emitter there, and debug
/// builds (every test) keep checking.
const READ_BACK_EVERY_FILE: bool = cfg!(debug_assertions);

/// The new file that will be file `index` of the catalog, holding `value` (see [`document`]),
/// unsaved: its disk text is empty, as it does not exist yet. A catalog file's entities are
/// indexed from the text read back.
pub fn new_file(
    index: usize,
    path: &Path,
    role: FileRole,
    value: &Value,
) -> Result<SourceFile, String> {
    let with_path = |e: String| format!("{}: {e}", path.display());
    let json = super::layout::is_json(path);
    if role != FileRole::Catalog {
        let text = document(json, value).map_err(with_path)?;
        return Ok(rendered_file(path, role, text));
    }
    let text = render(json, value).map_err(with_path)?;
    let doc = read_back(text.clone(), value).map_err(with_path)?;
    let mut f = SourceFile::new(path.to_path_buf(), role, String::new());
    f.set_entities(crate::catalog::index::extract(index, doc.root()));
    f.edited = Some(text);
    // Kept for the save plan, which masks secrets in the tree (a discovery's new catalog
    // file can hold thousands of collections).
    f.keep_parsed(doc);
    Ok(f)
}

/// A new file (not a catalog file) whose text [`document`] rendered already, unsaved.
pub fn rendered_file(path: &Path, role: FileRole, text: String) -> SourceFile {
    debug_assert!(
        role != FileRole::Catalog,
        "a catalog file's entities need indexing"
    );
    let mut f = SourceFile::new(path.to_path_buf(), role, String::new());
    f.edited = Some(text);
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_removed_item_takes_the_comment_lines_right_above_it_and_no_others() {
        let text = "b:\n  # first\n  - 1\n\n  # not attached: a blank line between\n\n  # second, two lines\n  # of comment\n  - 2\n    # deeper: not at the dash column\n  - 3\n";
        let root = yaml::parse(text).unwrap();
        let seq = vec![PathSeg::key("b")];
        let remove = |index| patch::Edit::RemoveItem {
            seq: seq.clone(),
            index,
        };
        let out = without_attached_comments(text, &root, &[remove(1), remove(2)]).unwrap();
        assert_eq!(
            out,
            "b:\n  # first\n  - 1\n\n  # not attached: a blank line between\n\n  - 2\n    # deeper: not at the dash column\n  - 3\n"
        );
        let out = without_attached_comments(text, &root, &[remove(0)]).unwrap();
        assert!(out.starts_with("b:\n  - 1\n\n  # not attached"), "{out}");
        assert_eq!(
            without_attached_comments(
                "b:\n  - 1\n  - 2\n",
                &yaml::parse("b:\n  - 1\n  - 2\n").unwrap(),
                &[remove(1)]
            ),
            None
        );
    }
}
