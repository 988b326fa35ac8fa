//! Round-trip tests: loading and saving with no edits writes nothing, and toggling any binding
//! changes exactly one line of one file, reloads as exactly that change, and toggles back to the
//! original bytes. Runs over every catalog under `tests/fixtures/` (copied to a temp dir first)
//! and over the demo catalog.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use flowspec::catalog::{
    self, load::is_catalog_file_name, Catalog, EntityId, EntityKind, Severity,
};
use flowspec::save::{self, SaveError};
use flowspec::yaml::{self, PathSeg};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every catalog-named file below `dir`, sorted (each one is tried as a root).
fn catalog_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(ft) = e.file_type() else { continue };
            let p = e.path();
            if ft.is_dir() {
                todo.push(p);
            } else if ft.is_file() && is_catalog_file_name(&e.file_name().to_string_lossy()) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Copies a tree (files, directories, symlinks as symlinks) so that tests can write to it.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let (src, dst) = (e.path(), to.join(e.file_name()));
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_symlink() {
            if let Ok(target) = std::fs::read_link(&src) {
                let _ = std::os::unix::fs::symlink(target, &dst);
            }
        } else if ft.is_dir() {
            copy_tree(&src, &dst);
        } else if ft.is_file() {
            // Unreadable fixtures are simply not copied.
            if let Ok(bytes) = std::fs::read(&src) {
                std::fs::write(&dst, bytes).unwrap();
            }
        }
    }
}

/// The bytes of every regular file below `dir`.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let ft = e.file_type().unwrap();
            if ft.is_dir() {
                todo.push(e.path());
            } else if ft.is_file() {
                if let Ok(bytes) = std::fs::read(e.path()) {
                    out.insert(e.path(), bytes);
                }
            }
        }
    }
    out
}

/// Loads a catalog that the round trip applies to: it loads with no errors.
fn load_clean(root: &Path) -> Option<Catalog> {
    let cat = catalog::load(root, &mut |_| {}).ok()?;
    let broken = cat
        .load_problems
        .iter()
        .any(|d| d.severity == Severity::Error);
    (!broken).then_some(cat)
}

fn reload(root: &Path) -> Catalog {
    let cat = catalog::load(root, &mut |_| {}).unwrap();
    assert!(
        !cat.load_problems
            .iter()
            .any(|d| d.severity == Severity::Error),
        "{:#?}",
        cat.load_problems
    );
    cat
}

/// Lines removed and added between two texts, line terminators included: a line that gains
/// or loses its line break (a file without a final newline) counts as changed, as in `git
/// diff`.
fn changed_lines(old: &str, new: &str) -> (usize, usize) {
    let diff = similar::TextDiff::from_lines(old, new);
    let (mut removed, mut added) = (0, 0);
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Delete => removed += 1,
            similar::ChangeTag::Insert => added += 1,
            similar::ChangeTag::Equal => {}
        }
    }
    (removed, added)
}

fn is_json_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "json")
}

/// The parsed JSON of a text with `disable` taken out of the binding at `path`, and the
/// `disable` value that was there.
fn without_disable(text: &str, path: &[PathSeg]) -> (serde_json::Value, Option<serde_json::Value>) {
    let mut json = yaml::parse(text).unwrap().to_json();
    let mut node = &mut json;
    for seg in path {
        node = match seg {
            PathSeg::Key(k) => node.get_mut(k.as_str()).unwrap(),
            PathSeg::Index(i) => node.get_mut(*i).unwrap(),
        };
    }
    let old = node.as_object_mut().unwrap().shift_remove("disable");
    (json, old)
}

/// What a test of one catalog did, to check that the walk really exercised something.
#[derive(Debug, Default)]
struct Tally {
    catalogs: usize,
    toggled: usize,
    refused: usize,
    /// Bindings whose original bytes came back only up to a redundant `disable: false`.
    normalized: usize,
}

/// Every entity of the index, with line numbers zeroed (an inserted line shifts them).
fn index_without_lines(c: &Catalog) -> Vec<flowspec::catalog::Entity> {
    let mut all: Vec<_> = c.entities().map(|(_, e)| e.clone()).collect();
    for e in &mut all {
        (e.line, e.col) = (0, 0);
        for bind in &mut e.bindings {
            bind.line = 0;
        }
    }
    all
}

fn no_edit_round_trip(root: &Path, dir: &Path) {
    let before = snapshot(dir);
    let mut cat = reload(root);
    let writes = save::plan(&cat);
    assert!(writes.is_empty(), "{}: {writes:#?}", root.display());
    save::execute(&mut cat, &writes).unwrap();
    assert!(!cat.is_dirty());
    assert!(before == snapshot(dir), "{}: files changed", root.display());
}

/// Toggles every binding of every task of the catalog at `root` (inside `dir`), twice.
fn toggle_round_trip(root: &Path, dir: &Path, tally: &mut Tally) {
    let cat = reload(root);
    // Entities are addressed by id, which is stable across reloads of unchanged structure
    // (names could be defined twice in fixtures about duplicates).
    let tasks: Vec<(EntityId, usize)> = cat
        .entities()
        .filter(|(_, e)| matches!(e.kind, EntityKind::Capture | EntityKind::Materialization))
        .map(|(id, e)| (id, e.bindings.len()))
        .collect();
    for (id, count) in tasks {
        for b in 0..count {
            toggle_one(root, dir, id, b, tally);
        }
    }
}

fn toggle_one(root: &Path, dir: &Path, id: EntityId, b: usize, tally: &mut Tally) {
    let before_disk = snapshot(dir);
    let mut cat = reload(root);
    let problems_before = cat.load_problems.clone();
    let entities_before = index_without_lines(&cat);
    let entity = cat.entity(id).unwrap().clone();
    let (name, kind) = (entity.name.as_str(), entity.kind);
    let what = format!("{}: {name} binding {b}", root.display());
    let path = entity.binding_path(b);
    let file = cat.files[id.file].path.clone();
    let original = cat.files[id.file].disk.clone();
    let was = entity.bindings[b].disable;
    let tree = yaml::parse(&original).unwrap();
    let node = tree.at(&path).unwrap();
    let merged = node.shared || node.entries().iter().any(|(k, _)| k.shared);
    // An explicit `disable` that is not `true` (normally `false`) is dropped when enabling.
    let explicit_false = node
        .get("disable")
        .is_some_and(|d| d.as_bool() != Some(true))
        && !node.get_entry("disable").unwrap().0.shared;

    // Toggle and save.
    match cat.toggle_binding(id, b) {
        Ok(now) => assert_eq!(now, !was, "{what}"),
        Err(e) => {
            // Refusing is allowed only where the binding's text is shared through an anchor:
            // it is an alias, or it is anchored and editing it would change its aliases too
            // (which the patcher's re-parse check catches).
            let anchored = matches!(
                e,
                catalog::EditError::Patch(yaml::patch::PatchError::Verify(_))
            ) && original.contains('*');
            // Fixtures for the validator may hold bindings that are not mappings at all.
            let not_a_map = !node.is_map();
            assert!(node.shared || anchored || not_a_map, "{what}: refused: {e}");
            assert!(
                !cat.is_dirty(),
                "{what}: a refused edit changed the catalog"
            );
            assert!(save::plan(&cat).is_empty());
            tally.refused += 1;
            return;
        }
    }
    let writes = save::plan(&cat);
    assert_eq!(writes.len(), 1, "{what}: {writes:#?}");
    assert_eq!(writes[0].path, file, "{what}");
    assert!(writes[0].diff.contains("@@"), "{what}: {}", writes[0].diff);
    save::execute(&mut cat, &writes).unwrap();
    assert!(!cat.is_dirty());

    // Exactly one line of exactly one file changed.
    let after_disk = snapshot(dir);
    let changed: Vec<&PathBuf> = after_disk
        .iter()
        .filter(|(p, bytes)| before_disk.get(*p) != Some(bytes))
        .map(|(p, _)| p)
        .collect();
    assert_eq!(changed, [&file], "{what}");
    assert_eq!(
        after_disk.len(),
        before_disk.len(),
        "{what}: files appeared"
    );
    let toggled = String::from_utf8(after_disk[&file].clone()).unwrap();
    let lines = changed_lines(&original, &toggled);
    assert!(
        matches!(lines, (0, 1) | (1, 0) | (1, 1)),
        "{what}: {lines:?} lines changed:\n{}",
        writes[0].diff
    );
    if is_json_file(&file) {
        serde_json::from_str::<serde_json::Value>(&toggled)
            .unwrap_or_else(|e| panic!("{what}: no longer JSON ({e}):\n{toggled}"));
    }

    // It reloads with that binding flipped and everything else the same. Enabling a
    // materialization binding makes its resource file required, which may be missing.
    let again = catalog::load(root, &mut |_| {}).unwrap();
    let new_problems: Vec<_> = again
        .load_problems
        .iter()
        .filter(|d| !problems_before.contains(d))
        .collect();
    for p in &new_problems {
        assert!(
            was && kind == EntityKind::Materialization
                && p.file == file
                && p.message.contains("resource file"),
            "{what}: new problem {p}"
        );
    }
    let e2 = again.entity(id).unwrap();
    assert_eq!((e2.name.as_str(), e2.kind), (name, kind));
    assert_eq!(e2.bindings[b].disable, !was, "{what}");
    let (json_before, _) = without_disable(&original, &path);
    let (json_after, flag) = without_disable(&toggled, &path);
    assert_eq!(
        json_after, json_before,
        "{what}: more than `disable` changed"
    );
    match (was, flag) {
        (false, Some(serde_json::Value::Bool(true))) => {}
        (true, None | Some(serde_json::Value::Bool(false))) => {}
        (_, other) => panic!("{what}: disable is now {other:?}"),
    }
    let mut expected = entities_before;
    let mut got = index_without_lines(&again);
    let i = again.entities().position(|(eid, _)| eid == id).unwrap();
    expected[i].bindings[b].disable = !was;
    got[i].bindings[b].disable = !was;
    assert_eq!(got, expected, "{what}");
    tally.toggled += 1;

    // Toggling back gives back the original bytes.
    let mut cat = again;
    assert_eq!(cat.toggle_binding(id, b).unwrap(), was, "{what}");
    let writes = save::plan(&cat);
    assert_eq!(writes.len(), 1, "{what}");
    save::execute(&mut cat, &writes).unwrap();
    let restored = std::fs::read_to_string(&file).unwrap();
    if restored != original {
        // Flow omits `disable: false`, so enabling again removes the key instead of restoring
        // a redundant explicit `false`; with merge keys the explicit key may stay. Either way
        // the document means the same, one line away from the original.
        assert!(
            explicit_false || merged,
            "{what}: bytes differ:\n{restored}"
        );
        let (a, fa) = without_disable(&original, &path);
        let (b2, fb) = without_disable(&restored, &path);
        assert_eq!(a, b2, "{what}");
        let off = |f: Option<serde_json::Value>| f.and_then(|v| v.as_bool()) != Some(true);
        assert_eq!(off(fa), off(fb), "{what}");
        assert!(
            matches!(
                changed_lines(&original, &restored),
                (1, 0) | (0, 1) | (1, 1)
            ),
            "{what}"
        );
        tally.normalized += 1;
    }
    let mut final_disk = snapshot(dir);
    final_disk.insert(file.clone(), original.clone().into_bytes());
    assert!(final_disk == before_disk, "{what}: other files changed");
}

/// Runs both round trips over every loadable catalog under `tests/fixtures` (each in a fresh
/// copy, so fixtures are never written). Broken fixtures (load errors) are skipped.
#[test]
fn every_fixture_catalog_round_trips() {
    let src = fixtures();
    let mut tally = Tally::default();
    for catalog in catalog_files(&src) {
        if load_clean(&catalog).is_none() {
            continue;
        }
        let tmp = tempfile::tempdir().unwrap();
        copy_tree(&src, tmp.path());
        let root = tmp.path().join(catalog.strip_prefix(&src).unwrap());
        if load_clean(&root).is_none() {
            continue; // Depends on something that was not copied (e.g. an unreadable file).
        }
        no_edit_round_trip(&root, tmp.path());
        toggle_round_trip(&root, tmp.path(), &mut tally);
        tally.catalogs += 1;
    }
    eprintln!("{tally:?}");
    // The round-trip fixtures alone hold this many catalogs and bindings.
    assert!(tally.catalogs >= 15, "{tally:?}");
    assert!(tally.toggled >= 50, "{tally:?}");
}

#[test]
fn the_demo_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let (root, _) = flowspec::demo::write(dir.path(), "/usr/local/bin/flowspec").unwrap();
    let mut tally = Tally::default();
    no_edit_round_trip(&root, dir.path());
    toggle_round_trip(&root, dir.path(), &mut tally);
    assert_eq!((tally.toggled, tally.refused), (6, 0), "{tally:?}");
}

/// The stress fixtures: every binding that is not itself an alias can be toggled, and only
/// the bindings listed here come back normalized rather than byte for byte.
#[test]
fn stress_fixtures_toggle_every_binding() {
    let cases: &[(&str, usize, usize, usize)] = &[
        // (root, toggled, refused, normalized)
        ("comments/flow.yaml", 6, 0, 0),
        ("crlf/flow.yaml", 4, 0, 0),
        ("flowstyle/flow.yaml", 11, 0, 0),
        ("anchors/flow.yaml", 5, 2, 1),
        ("quoted/flow.yaml", 5, 0, 0),
        ("json/flow.json", 7, 0, 1),
        ("bom/flow.yaml", 2, 0, 0),
    ];
    for &(root, toggled, refused, normalized) in cases {
        let tmp = tempfile::tempdir().unwrap();
        copy_tree(&fixtures().join("roundtrip"), tmp.path());
        let root = tmp.path().join(root);
        let mut tally = Tally::default();
        no_edit_round_trip(&root, tmp.path());
        toggle_round_trip(&root, tmp.path(), &mut tally);
        eprintln!("{} {tally:?}", root.display());
        assert_eq!(
            (tally.toggled, tally.refused, tally.normalized),
            (toggled, refused, normalized),
            "{}: {tally:?}",
            root.display()
        );
    }
}

#[test]
fn json_toggles_write_json() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("roundtrip/json"), tmp.path());
    let root = tmp.path().join("flow.json");
    let mut cat = reload(&root);
    let (id, _) = cat.find("acmeCo/json/source", None).unwrap();
    cat.toggle_binding(id, 0).unwrap();
    let (id, _) = cat.find("acmeCo/json/sink", None).unwrap();
    cat.toggle_binding(id, 0).unwrap();
    let writes = save::plan(&cat);
    assert_eq!(writes.len(), 2);
    assert!(writes[0].new_text.contains(
        r#"{ "resource": { "stream": "a" }, "target": "acmeCo/json/a", "disable": true },"#
    ));
    assert!(writes[1]
        .new_text
        .contains(r#"{"source":"acmeCo/json/a","resource":{"table":"a"},"disable":true}"#));
    for w in &writes {
        serde_json::from_str::<serde_json::Value>(&w.new_text).unwrap();
    }
}

#[test]
fn a_file_changed_on_disk_is_a_conflict_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("roundtrip/comments"), tmp.path());
    let root = tmp.path().join("flow.yaml");
    let mut cat = reload(&root);
    let (id, _) = cat.find("acmeCo/c/source-pg", None).unwrap();
    cat.toggle_binding(id, 0).unwrap();
    // Another catalog file is edited too: neither may be written.
    let more = cat
        .files
        .iter()
        .position(|f| f.path.ends_with("more.flow.yaml"))
        .unwrap();
    cat.edit_file(
        more,
        &[yaml::patch::Edit::Set {
            map: vec![PathSeg::key("collections"), PathSeg::key("acmeCo/c/d")],
            key: "description".into(),
            value: serde_json::json!("edited"),
        }],
    )
    .unwrap();
    let writes = save::plan(&cat);
    assert_eq!(writes.len(), 2);
    // Someone else changes the root after flowspec loaded it.
    let theirs = std::fs::read_to_string(&root).unwrap() + "# theirs\n";
    std::fs::write(&root, &theirs).unwrap();
    let more_before = std::fs::read(tmp.path().join("more.flow.yaml")).unwrap();
    let err = save::execute(&mut cat, &writes).unwrap_err();
    assert_eq!(err, SaveError::Conflict("flow.yaml".into()));
    assert_eq!(std::fs::read_to_string(&root).unwrap(), theirs);
    assert_eq!(
        std::fs::read(tmp.path().join("more.flow.yaml")).unwrap(),
        more_before
    );
    assert!(cat.is_dirty(), "the edits are kept for another try");
    // A deleted file is reported, not recreated.
    std::fs::remove_file(&root).unwrap();
    let err = save::execute(&mut cat, &writes).unwrap_err();
    assert!(matches!(err, SaveError::Io { .. }), "{err:?}");
    assert!(!root.exists());
}

#[test]
fn saving_keeps_the_file_mode_and_leaves_no_temp_files() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("roundtrip/crlf"), tmp.path());
    let root = tmp.path().join("flow.yaml");
    std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut cat = reload(&root);
    let (id, _) = cat.find("acmeCo/crlf/source", None).unwrap();
    cat.toggle_binding(id, 0).unwrap();
    let writes = save::plan(&cat);
    save::execute(&mut cat, &writes).unwrap();
    let meta = std::fs::metadata(&root).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    let text = std::fs::read_to_string(&root).unwrap();
    assert!(text.contains("        target: acmeCo/crlf/a\r\n        disable: true\r\n"));
    let names: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["flow.yaml"]);
    // The saved text is the new baseline: nothing left to save.
    assert!(save::plan(&cat).is_empty());
}

/// Behaviour 5: a toggle is a one-line change in a file without a final newline (the new key
/// goes before the last entry, so the last line keeps its missing line break) and in a
/// multi-line JSON object (the new key gets its own line, indented like its siblings, with a
/// comma of its own); a second toggle gives back the bytes.
#[test]
fn toggles_change_one_line_without_a_final_newline_and_in_json() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "flow.yaml",
            "captures:\n  acmeCo/u/source:\n    endpoint:\n      connector: {image: x:v1, config: {}}\n    bindings:\n      - resource: {stream: a}\n        target: acmeCo/u/a",
            "acmeCo/u/source",
            "      - resource: {stream: a}\n        disable: true\n        target: acmeCo/u/a",
        ),
        (
            "flow.json",
            "{\n  \"captures\": {\n    \"acmeCo/j/source\": {\n      \"endpoint\": {\"connector\": {\"image\": \"x:v1\", \"config\": {}}},\n      \"bindings\": [\n        {\n          \"resource\": {\"stream\": \"a\"},\n          \"target\": \"acmeCo/j/a\"\n        }\n      ]\n    }\n  }\n}\n",
            "acmeCo/j/source",
            "        {\n          \"resource\": {\"stream\": \"a\"},\n          \"disable\": true,\n          \"target\": \"acmeCo/j/a\"\n        }\n",
        ),
    ];
    for &(name, text, task, want) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join(name);
        std::fs::write(&root, text).unwrap();
        let mut cat = reload(&root);
        let (id, _) = cat.find(task, None).unwrap();
        assert!(cat.toggle_binding(id, 0).unwrap(), "{name}");
        let toggled = cat.files[0].text().to_string();
        assert!(toggled.contains(want), "{name}:\n{toggled}");
        assert_eq!(changed_lines(text, &toggled), (0, 1), "{name}:\n{toggled}");
        if name.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(&toggled).unwrap();
        }
        assert!(!cat.toggle_binding(id, 0).unwrap(), "{name}");
        assert_eq!(cat.files[0].text(), text, "{name}");
    }
}

mod batches {
    //! `Catalog::edit_batch`: many edits to one file in one pass give the text (and index)
    //! that `edit_file` one by one gives, or are refused with nothing changed.

    use super::*;
    use flowspec::synth::{self, SynthSpec};
    use flowspec::yaml::patch::{Edit, PatchError, Removals};
    use proptest::prelude::*;
    use serde_json::json;

    /// An edit of a binding or collection of a synthetic catalog file, picked by numbers.
    fn edit(cat: &Catalog, file: usize, (kind, a, b): (u8, usize, usize)) -> Edit {
        let tasks: Vec<&catalog::Entity> = cat.files[file]
            .entities()
            .iter()
            .filter(|e| !e.bindings.is_empty())
            .collect();
        let colls: Vec<&catalog::Entity> = cat.files[file]
            .entities()
            .iter()
            .filter(|e| e.kind == EntityKind::Collection)
            .collect();
        let task = tasks[a % tasks.len()];
        let bindings = || {
            let mut p = task.path();
            p.push(PathSeg::key("bindings"));
            p
        };
        match kind {
            0 => Edit::Set {
                map: task.binding_path(b % task.bindings.len()),
                key: "disable".into(),
                value: json!(b % 2 == 0),
            },
            1 => Edit::Push {
                seq: bindings(),
                value: json!({"resource": {"stream": format!("new{b}")}, "target": "acmeCo/new"}),
            },
            2 => Edit::RemoveItem {
                seq: bindings(),
                index: b % task.bindings.len(),
            },
            3 => Edit::Set {
                map: vec![PathSeg::key("collections")],
                key: format!("acmeCo/new/{b}"),
                value: json!({"key": ["/id"], "schema": {"type": "object"}}),
            },
            _ => Edit::Set {
                map: colls[b % colls.len()].path(),
                key: "description".into(),
                value: json!(format!("on {b}")),
            },
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn catalog_batches_equal_one_by_one(
            picks in prop::collection::vec((0u8..5, any::<usize>(), any::<usize>()), 1..30),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let spec = SynthSpec::SMALL;
            let synth = synth::write(dir.path(), &spec).unwrap();
            let base = catalog::load(&synth.root, &mut |_| {}).unwrap();
            let file = 1;
            let edits: Vec<Edit> = picks.iter().map(|&p| edit(&base, file, p)).collect();
            let mut one_by_one = base.clone();
            let mut batch = base.clone();
            let a = one_by_one.edit_file(file, &edits);
            let b = batch.edit_batch(file, &edits, Removals::Strict);
            match b {
                Ok(()) => {
                    prop_assert!(a.is_ok(), "{:?}", a);
                    prop_assert_eq!(batch.files[file].text(), one_by_one.files[file].text());
                    prop_assert_eq!(&batch.files[file].entities(), &one_by_one.files[file].entities());
                    let fresh = flowspec::catalog::index::extract(
                        file,
                        &yaml::parse(batch.files[file].text()).unwrap(),
                    );
                    prop_assert_eq!(&batch.files[file].entities(), &fresh);
                }
                Err(e) => {
                    prop_assert!(
                        a.is_err() || matches!(e, catalog::EditError::Patch(PatchError::Overlap(_))),
                        "{}", e
                    );
                    prop_assert_eq!(batch.files[file].text(), base.files[file].text());
                    prop_assert_eq!(&batch.files[file].entities(), &base.files[file].entities());
                }
            }
        }
    }
}
