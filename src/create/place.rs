//! Putting one new spec where flowctl's layout puts it (`discover::layout`): an entry of its
//! section in a loaded file, or a new `<prefix>/flow.yaml` imported from the root through one
//! file per prefix level. The capture writer gets this from the discovery writer; a new
//! materialization has no discovery, so it comes here. Edits go through `discover::edits`.

use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use crate::catalog::{Catalog, EntityKind, FileRole};
use crate::discover::edits;
use crate::discover::layout::{relative, FileRef, Layout};
use crate::discover::names::name_prefix;
use crate::yaml::{patch::Edit, PathSeg};

/// Adds spec `name` of `kind`, defined as `def`, to `catalog` (unsaved). Returns the files it
/// created. `exists` says what is on disk: a file there that the catalog did not load is never
/// overwritten (the error says to import it or move it). On error the catalog is unchanged.
pub fn put_spec(
    catalog: &mut Catalog,
    kind: EntityKind,
    name: &str,
    def: Value,
    exists: &dyn Fn(&Path) -> bool,
) -> Result<Vec<PathBuf>, String> {
    let mut work = catalog.clone();
    let mut layout = Layout::new(catalog, exists);
    let mut new_files: Vec<(PathBuf, Map<String, Value>)> = Vec::new();
    match layout.spec_file(kind, name) {
        FileRef::Loaded(i) => add_entry(&mut work, i, kind.section(), name, def)?,
        FileRef::New(path) => {
            claim(&mut layout, catalog, &path)?;
            let mut doc = Map::new();
            doc.insert(kind.section().into(), json!({ name: def }));
            new_files.push((path, doc));
            for (importer, imported) in layout.import_chain(name_prefix(name)) {
                let importer_path = match &importer {
                    FileRef::Loaded(i) => catalog.files[*i].path.clone(),
                    FileRef::New(p) => p.clone(),
                };
                let reference =
                    relative(importer_path.parent().unwrap_or(Path::new("/")), &imported);
                match importer {
                    FileRef::Loaded(i) => add_import(&mut work, i, reference)?,
                    FileRef::New(p) => {
                        claim(&mut layout, catalog, &p)?;
                        let mut doc = Map::new();
                        doc.insert("import".into(), json!([reference]));
                        new_files.push((p, doc));
                    }
                }
            }
        }
    }
    let mut created = Vec::new();
    for (path, doc) in new_files {
        add_catalog_file(&mut work, &path, Value::Object(doc))?;
        created.push(path);
    }
    *catalog = work;
    Ok(created)
}

fn claim(layout: &mut Layout, catalog: &Catalog, path: &Path) -> Result<(), String> {
    if layout.claim(path) {
        return Ok(());
    }
    Err(format!(
        "{} exists but is not part of the catalog; import it, or move it away",
        catalog.display_path(path)
    ))
}

/// `section.name: def` in loaded file `i`: a new entry, or the section itself when the file
/// has none (or an empty one).
fn add_entry(
    catalog: &mut Catalog,
    i: usize,
    section: &str,
    name: &str,
    def: Value,
) -> Result<(), String> {
    let root = catalog.parse_file(i).map_err(|e| e.message)?;
    let has_entries = root.get(section).is_some_and(|s| !s.entries().is_empty());
    let edit = if has_entries {
        Edit::Set {
            map: vec![PathSeg::key(section)],
            key: name.into(),
            value: def,
        }
    } else {
        Edit::Set {
            map: vec![],
            key: section.into(),
            value: json!({ name: def }),
        }
    };
    edits::apply(catalog, i, &[edit])
}

/// `reference` added to the imports of loaded file `i`.
fn add_import(catalog: &mut Catalog, i: usize, reference: String) -> Result<(), String> {
    let root = catalog.parse_file(i).map_err(|e| e.message)?;
    let has_items = root.get("import").is_some_and(|n| !n.items().is_empty());
    let edit = if has_items {
        Edit::Push {
            seq: vec![PathSeg::key("import")],
            value: Value::String(reference),
        }
    } else {
        Edit::Set {
            map: vec![],
            key: "import".into(),
            value: json!([reference]),
        }
    };
    edits::apply(catalog, i, &[edit])
}

/// A new catalog file holding `doc`, added unsaved with its entities indexed.
fn add_catalog_file(catalog: &mut Catalog, path: &Path, doc: Value) -> Result<(), String> {
    let f = edits::new_file(catalog.files.len(), path, FileRole::Catalog, &doc)?;
    catalog.files.push(f);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spec_goes_to_a_new_prefix_file_imported_from_the_root_or_joins_its_section() {
        let dir = tempfile::tempdir().unwrap();
        let mut cat = crate::create::new_catalog(&dir.path().join("flow.yaml"));
        let on_disk = |p: &Path| p.exists();
        let def = json!({"endpoint": {"local": {"command": ["x"], "config": "m.config.yaml"}}, "bindings": []});
        let created = put_spec(
            &mut cat,
            EntityKind::Materialization,
            "acme/db/m",
            def.clone(),
            &on_disk,
        )
        .unwrap();
        assert_eq!(
            created,
            vec![
                dir.path().join("acme/db/flow.yaml"),
                dir.path().join("acme/flow.yaml")
            ]
        );
        assert_eq!(cat.files[0].text(), "import:\n  - acme/flow.yaml\n");
        assert!(cat.find("acme/db/m", None).is_some());
        // A second one of the same prefix joins the new file's section.
        put_spec(
            &mut cat,
            EntityKind::Materialization,
            "acme/db/n",
            def,
            &on_disk,
        )
        .unwrap();
        let file = cat.find("acme/db/n", None).unwrap().0.file;
        assert_eq!(cat.files[file].path, dir.path().join("acme/db/flow.yaml"));
        assert!(cat.files[file].text().contains("  acme/db/m:\n"));
        // A stray file on disk where the prefix file would go is not overwritten.
        std::fs::create_dir_all(dir.path().join("other")).unwrap();
        std::fs::write(dir.path().join("other/flow.yaml"), "{}\n").unwrap();
        let before = cat.clone();
        let e = put_spec(
            &mut cat,
            EntityKind::Materialization,
            "other/m",
            json!({}),
            &on_disk,
        )
        .unwrap_err();
        assert!(e.contains("not part of the catalog"), "{e}");
        assert_eq!(cat.files.len(), before.files.len());
    }
}
