//! `flowspec config edit`: the form is the whole app, and closing it quits.

use super::*;
use flowspec::tui::app::App;

fn standalone(dir: &std::path::Path) -> App {
    let file = dir.join("c.yaml");
    std::fs::write(
        &file,
        "address: db:5432\nauth: {type: password, password: pw}\n",
    )
    .unwrap();
    let cat = flowspec::catalog::Catalog::single_file(&file).unwrap();
    App::standalone(
        cat,
        &flowspec::connector::demo::capture_config_schema(),
        false,
        Theme::color(),
    )
}

#[test]
fn esc_quits_at_once_without_changes_and_asks_first_with_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = standalone(dir.path());
    assert!(a.init().is_empty(), "the file is already loaded");
    let shown = screen(&mut a, 80, 24);
    let footer = shown.lines().last().unwrap();
    assert!(
        footer.contains("Esc quit") && !footer.contains("close"),
        "{footer}"
    );
    assert!(!shown.contains('●'), "{shown}");
    assert!(matches!(press(&mut a, &["esc"]).as_slice(), [Effect::Quit]));

    let mut a = standalone(dir.path());
    type_text(&mut a, "0");
    press(&mut a, &["enter"]);
    assert!(press(&mut a, &["esc"]).is_empty(), "the first Esc asks");
    assert!(a
        .shared
        .status
        .as_ref()
        .unwrap()
        .text
        .contains("Esc again discards"));
    assert!(matches!(press(&mut a, &["esc"]).as_slice(), [Effect::Quit]));
}

#[test]
fn ctrl_r_is_not_offered_and_reload_after_a_conflict_reopens_the_form() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = standalone(dir.path());
    assert!(press(&mut a, &["ctrl-r"]).is_empty());
    a.update(Msg::SaveConflict {
        file: 0,
        display: "c.yaml".into(),
        disk: "address: other:1\n".into(),
    });
    let effects = press(&mut a, &["r"]);
    let [Effect::LoadConfigFile(path)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    std::fs::write(path, "address: other:1\n").unwrap();
    let cat = flowspec::catalog::Catalog::single_file(path).unwrap();
    a.update(Msg::Loaded(Ok(Box::new(cat))));
    let form = a.form().expect("the form again");
    assert_eq!(
        form.state.get("/address"),
        Some(&serde_json::json!("other:1"))
    );
}
