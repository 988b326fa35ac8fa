//! The discovery writer's one door into the YAML layer: applying a list of edits to a catalog
//! file, changing one value in place, and the text of a new file. Kept small so the writer
//! does not depend on how the layer does it (a batch edit API is on its way there).

use std::path::Path;

use serde_json::Value;

use crate::catalog::{index, Catalog, FileRole};
use crate::yaml::{self, patch, PathSeg};

/// Applies `edits` to catalog file `file`, one after the other, each verified; a removed
/// binding takes the comments on its lines with it. All or nothing.
pub fn apply(catalog: &mut Catalog, file: usize, edits: &[patch::Edit]) -> Result<(), String> {
    if edits.is_empty() {
        return Ok(());
    }
    let display = catalog.display_path(&catalog.files[file].path).into_owned();
    let f = &catalog.files[file];
    let root = yaml::parse(f.text()).map_err(|e| format!("{display}: {}", e.message))?;
    let (text, tree) =
        patch::apply_with(f.text(), &root, edits, true).map_err(|e| format!("{display}: {e}"))?;
    let f = &mut catalog.files[file];
    if let (Some(tree), FileRole::Catalog) = (&tree, f.role) {
        f.entities = index::extract(file, tree);
    }
    f.edited = (text != f.disk).then_some(text);
    Ok(())
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

/// The text of a new file holding `value`: block YAML, or pretty JSON for a `.json` path; read
/// back to check it holds exactly `value`.
pub fn document(path: &Path, value: &Value) -> Result<String, String> {
    let json = super::layout::is_json(path);
    let mut text = if json {
        serde_json::to_string_pretty(value).map_err(|e| e.to_string())?
    } else {
        patch::render_block(value, "\n")
    };
    text.push('\n');
    let back = yaml::parse(&text).map_err(|e| e.message)?.to_json();
    if back != *value {
        return Err(format!(
            "{}: internal check failed: the new file would not hold the intended value",
            path.display()
        ));
    }
    Ok(text)
}
