//! Saving through the real save engine, as the runtime runs it: keys in, the effect's save run
//! on a copy of the UI fixture, its message back into the app.

use super::*;
use flowspec::save::{self, Protected, SavePoint};
use flowspec::tui::app::App;
use flowspec::tui::runtime::{outcome_message, save_message};
use flowspec::yaml::{patch::Edit, PathSeg};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// The UI fixture copied to a temporary folder, and an app on the copy.
fn app_on_copy() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("ui"), dir.path());
    let app = loaded_app(&dir.path().join("flow.yaml"), Theme::color());
    (dir, app)
}

/// Runs the one `Effect::Save` in `effects` as the runtime does.
fn run_save(effects: &[Effect]) -> Msg {
    let [Effect::Save { writes, protected }] = effects else {
        panic!("expected one save, got {effects:?}");
    };
    save_message(writes, *protected)
}

/// Toggles the first binding (flow.yaml) and describes a collection in the imported file.
fn edit_two_files(a: &mut App) -> usize {
    press(a, &["enter", "space"]);
    let cat = a.shared.catalog.as_mut().unwrap();
    let collections = cat
        .files
        .iter()
        .position(|f| f.path.ends_with("acmeCo/collections.flow.yaml"))
        .unwrap();
    cat.edit_file(
        collections,
        &[Edit::Set {
            map: vec![
                PathSeg::key("collections"),
                PathSeg::key("acmeCo/sales/orders"),
            ],
            key: "description".into(),
            value: serde_json::json!("edited"),
        }],
    )
    .unwrap();
    collections
}

fn dirty_files(a: &App) -> Vec<String> {
    let cat = a.shared.catalog.as_ref().unwrap();
    cat.files
        .iter()
        .filter(|f| f.is_dirty())
        .map(|f| cat.display_path(&f.path).into_owned())
        .collect()
}

#[test]
fn a_read_only_file_is_written_only_after_confirmation_and_stays_read_only() {
    let (dir, mut a) = app_on_copy();
    let root = dir.path().join("flow.yaml");
    std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read_to_string(&root).unwrap();
    press(&mut a, &["enter", "space"]);
    for cancel in ["esc", "n"] {
        let msg = run_save(&press(&mut a, &["ctrl-s", "y"]));
        assert!(matches!(&msg, Msg::WriteProtected { .. }), "{msg:?}");
        a.update(msg);
        assert!(!a.shared.saving);
        let Some(Overlay::WriteProtected { files, .. }) = a.overlay() else {
            panic!(
                "expected the read-only question, got {:?}",
                a.shared.overlays
            );
        };
        assert_eq!(files, &["flow.yaml"]);
        let shown = screen(&mut a, 80, 24);
        assert!(shown.contains("flow.yaml is read-only"), "{shown}");
        assert!(shown.contains("write anyway"), "{shown}");
        assert!(press(&mut a, &[cancel]).is_empty());
        assert!(a.shared.overlays.is_empty());
        assert!(a.is_dirty(), "the edit is kept");
        assert_eq!(std::fs::read_to_string(&root).unwrap(), before);
    }
    let msg = run_save(&press(&mut a, &["ctrl-s", "y"]));
    a.update(msg);
    let effects = press(&mut a, &["y"]);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Save {
            protected: Protected::Overwrite,
            ..
        }]
    ));
    assert!(a.shared.saving);
    a.update(run_save(&effects));
    assert!(!a.is_dirty());
    assert_eq!(a.shared.status.as_ref().unwrap().text, "Saved flow.yaml");
    assert!(std::fs::read_to_string(&root)
        .unwrap()
        .contains("disable: true"));
    let mode = std::fs::metadata(&root).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o444, "still read-only");
}

#[test]
fn a_file_whose_folder_went_away_writes_nothing_and_the_retry_writes_both() {
    let (dir, mut a) = app_on_copy();
    let root = dir.path().join("flow.yaml");
    let before = std::fs::read_to_string(&root).unwrap();
    edit_two_files(&mut a);
    let effects = press(&mut a, &["ctrl-s", "y"]);
    // The second file's folder is moved away after loading, before the save runs.
    let sub = dir.path().join("acmeCo");
    let moved = dir.path().join("acmeCo.moved");
    std::fs::rename(&sub, &moved).unwrap();
    let msg = run_save(&effects);
    assert!(
        matches!(&msg, Msg::Saved(o) if o.written.is_empty()),
        "{msg:?}"
    );
    a.update(msg);
    let status = a.shared.status.clone().unwrap();
    assert!(status.takes_key());
    assert_eq!(
        status.text,
        "NOT saved flow.yaml, acmeCo/collections.flow.yaml (acmeCo/collections.flow.yaml: \
         was deleted or moved since flowspec loaded it) — your edits to them are kept"
    );
    assert_eq!(
        std::fs::read_to_string(&root).unwrap(),
        before,
        "nothing written"
    );
    assert_eq!(
        dirty_files(&a),
        ["flow.yaml", "acmeCo/collections.flow.yaml"]
    );
    // The folder is back: the same save now writes both.
    std::fs::rename(&moved, &sub).unwrap();
    press(&mut a, &["esc"]); // dismisses the error
    let msg = run_save(&press(&mut a, &["ctrl-s", "y"]));
    a.update(msg);
    assert_eq!(
        a.shared.status.as_ref().unwrap().text,
        "Saved flow.yaml, acmeCo/collections.flow.yaml"
    );
    assert!(!a.is_dirty());
    let collections = std::fs::read_to_string(sub.join("collections.flow.yaml")).unwrap();
    assert!(collections.contains("description: edited"), "{collections}");
}

#[test]
fn after_a_partial_save_the_retry_does_not_take_its_own_write_for_a_conflict() {
    let (dir, mut a) = app_on_copy();
    edit_two_files(&mut a);
    press(&mut a, &["ctrl-s"]);
    let Some(Overlay::Diff { writes, .. }) = a.overlay().cloned() else {
        panic!("{:?}", a.shared.overlays)
    };
    press(&mut a, &["y"]);
    // The second rename fails: its file became a folder after the last check.
    let second = dir.path().join("acmeCo/collections.flow.yaml");
    let original = std::fs::read_to_string(&second).unwrap();
    let outcome = save::write_planned_with(&writes, Protected::Refuse, &mut |p| {
        if p == SavePoint::BeforeRename(&second) {
            std::fs::remove_file(&second).unwrap();
            std::fs::create_dir_all(second.join("x")).unwrap();
        }
    });
    a.update(outcome_message(&writes, outcome));
    let status = a.shared.status.clone().unwrap();
    assert!(status.takes_key());
    assert!(
        status.text.starts_with(
            "Saved flow.yaml; NOT saved acmeCo/collections.flow.yaml: cannot rename: "
        ),
        "{}",
        status.text
    );
    assert!(status.text.ends_with(" — your edits to it are kept"));
    assert_eq!(dirty_files(&a), ["acmeCo/collections.flow.yaml"]);
    // The file comes back as it was; the retry writes it, and flow.yaml (written by
    // flowspec itself) is neither a conflict nor written again.
    std::fs::remove_dir_all(&second).unwrap();
    std::fs::write(&second, &original).unwrap();
    press(&mut a, &["esc", "ctrl-s"]);
    let Some(Overlay::Diff { writes, .. }) = a.overlay() else {
        panic!("{:?} {:?}", a.shared.overlays, a.shared.status)
    };
    assert_eq!(writes.len(), 1);
    let msg = run_save(&press(&mut a, &["y"]));
    a.update(msg);
    assert_eq!(
        a.shared.status.as_ref().unwrap().text,
        "Saved acmeCo/collections.flow.yaml"
    );
    assert!(!a.is_dirty());
    assert!(std::fs::read_to_string(&second)
        .unwrap()
        .contains("description: edited"));
}

#[test]
fn q_pressed_while_a_save_runs_quits_once_the_save_lands_and_asks_on_if_it_fails() {
    // The save lands: nothing is left to lose, so the quit asked for goes on.
    let (dir, mut a) = app_on_copy();
    press(&mut a, &["enter", "space"]);
    let save = press(&mut a, &["ctrl-s", "y"]);
    assert!(a.shared.saving);
    assert!(press(&mut a, &["q"]).is_empty());
    assert_eq!(a.overlay(), Some(&Overlay::Confirm(Confirm::QuitUnsaved)));
    let effects = a.update(run_save(&save));
    assert!(matches!(effects.as_slice(), [Effect::Quit]), "{effects:?}");
    assert!(std::fs::read_to_string(dir.path().join("flow.yaml"))
        .unwrap()
        .contains("disable: true"));

    // The save fails: the edit is still unsaved, so the question stays.
    let (dir, mut a) = app_on_copy();
    press(&mut a, &["enter", "space"]);
    let save = press(&mut a, &["ctrl-s", "y"]);
    assert!(press(&mut a, &["q"]).is_empty());
    std::fs::rename(dir.path(), dir.path().with_extension("moved")).unwrap();
    let effects = a.update(run_save(&save));
    std::fs::rename(dir.path().with_extension("moved"), dir.path()).unwrap();
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Quit)),
        "{effects:?}"
    );
    assert!(a.is_dirty());
    assert_eq!(a.overlay(), Some(&Overlay::Confirm(Confirm::QuitUnsaved)));
}
