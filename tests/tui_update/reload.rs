//! A key reloads the catalog from disk, asking first when that would drop edits.

use super::*;

#[test]
fn ctrl_r_reloads_at_once_when_nothing_is_unsaved_and_keeps_the_selection() {
    let mut a = app();
    press(&mut a, &["j", "j"]);
    let before = selected_name(&a);
    let effects = press(&mut a, &["ctrl-r"]);
    let [Effect::Load(path)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert!(matches!(a.shared.phase, Phase::Loading(_)));
    let cat = flowspec::catalog::load(&fixture("ui/flow.yaml"), &mut |_| {}).unwrap();
    assert!(path.ends_with("tests/fixtures/ui/flow.yaml"));
    a.update(Msg::Loaded(Ok(Box::new(cat))));
    assert_eq!(a.shared.phase, Phase::Ready);
    assert_eq!(selected_name(&a), before);
}

#[test]
fn with_unsaved_edits_it_asks_first() {
    let mut a = app();
    press(&mut a, &["enter", "space"]);
    assert!(press(&mut a, &["ctrl-r"]).is_empty());
    assert_eq!(a.overlay(), Some(&Overlay::Confirm(Confirm::ReloadUnsaved)));
    assert!(screen(&mut a, 80, 24).contains("Reload from disk and lose them?"));
    assert!(press(&mut a, &["n"]).is_empty());
    assert!(a.is_dirty(), "no keeps the edits");
    press(&mut a, &["ctrl-r"]);
    let effects = press(&mut a, &["y"]);
    assert!(
        matches!(effects.as_slice(), [Effect::Load(_)]),
        "{effects:?}"
    );
    assert!(!a.is_dirty());
}

#[test]
fn the_load_failure_screen_offers_it() {
    let mut a = flowspec::tui::app::App::new("nowhere/flow.yaml".into(), false, Theme::color());
    a.update(Msg::Loaded(Err("nowhere/flow.yaml: file not found".into())));
    let shown = screen(&mut a, 80, 24);
    assert!(shown.contains("r reload"), "{shown}");
    assert!(press(&mut a, &["j", "enter"]).is_empty());
    let effects = press(&mut a, &["r"]);
    assert!(
        matches!(effects.as_slice(), [Effect::Load(_)]),
        "{effects:?}"
    );
    assert!(matches!(a.shared.phase, Phase::Loading(_)));
}
