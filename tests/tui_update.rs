//! Interaction tests of the TUI core: keys in, state and effects out. No terminal involved.

mod common;

use common::*;
use flowspec::catalog::EntityKind;
use flowspec::save::{SaveOutcome, Written};
use flowspec::tui::app::{Effect, Msg};
use flowspec::tui::overlay::{Confirm, Overlay};
use flowspec::tui::screens::browse::Focus;
use flowspec::tui::shared::{Phase, Tone};
use flowspec::tui::theme::Theme;

fn app() -> flowspec::tui::app::App {
    loaded_app(&fixture("ui/flow.yaml"), Theme::color())
}

fn selected_name(app: &flowspec::tui::app::App) -> String {
    let cat = app.shared.catalog.as_ref().unwrap();
    cat.entity(app.selected().unwrap()).unwrap().name.clone()
}

#[test]
fn starts_on_the_first_entity_with_the_list_focused() {
    let app = app();
    assert_eq!(app.browse().unwrap().focus, Focus::List);
    assert_eq!(selected_name(&app), "acmeCo/sales/source-postgres");
}

#[test]
fn filter_enter_enter_space_is_the_canonical_flow() {
    let mut app = app();
    press(&mut app, &["/"]);
    assert!((app.browse().unwrap().focus == Focus::Filter));
    type_text(&mut app, "snow");
    assert_eq!(selected_name(&app), "acmeCo/sales/to-snowflake");
    press(&mut app, &["enter"]);
    assert!(
        !(app.browse().unwrap().focus == Focus::Filter),
        "Enter leaves the input"
    );
    assert_eq!(
        app.browse().unwrap().list.as_ref().unwrap().filter,
        "snow",
        "and keeps the filter"
    );
    press(&mut app, &["enter"]);
    assert_eq!(app.browse().unwrap().focus, Focus::Detail);
    assert_eq!(app.browse().unwrap().binding, 0);
    press(&mut app, &["space"]);
    assert!(app.is_dirty());
    let cat = app.shared.catalog.as_ref().unwrap();
    let e = cat.entity(app.selected().unwrap()).unwrap();
    assert!(e.bindings[0].disable);
    press(&mut app, &["ctrl-s"]);
    let Some(Overlay::Diff { writes, .. }) = app.overlay() else {
        panic!("expected the diff overlay, got {:?}", app.shared.overlays);
    };
    assert_eq!(writes.len(), 1);
    assert!(
        writes[0].diff.contains("+        disable: true\n"),
        "{}",
        writes[0].diff
    );
    let effects = press(&mut app, &["y"]);
    assert!(matches!(effects.as_slice(), [Effect::Save { writes, .. }] if writes.len() == 1));
    assert!(app.shared.saving);
}

#[test]
fn printable_keys_go_to_the_filter_not_the_keymap() {
    let mut app = app();
    press(&mut app, &["/"]);
    let effects = press(&mut app, &["q"]);
    assert!(effects.is_empty(), "q typed into the filter must not quit");
    assert_eq!(app.browse().unwrap().list.as_ref().unwrap().filter, "q");
    press(&mut app, &["backspace", "esc"]);
    assert!(!(app.browse().unwrap().focus == Focus::Filter));
    assert_eq!(app.browse().unwrap().list.as_ref().unwrap().filter, "");
}

#[test]
fn quit_without_changes_quits_and_with_changes_asks() {
    let mut a = app();
    assert!(matches!(press(&mut a, &["q"]).as_slice(), [Effect::Quit]));
    let mut a = app();
    press(&mut a, &["enter", "space"]);
    assert!(press(&mut a, &["q"]).is_empty());
    assert_eq!(a.overlay(), Some(&Overlay::Confirm(Confirm::QuitUnsaved)));
    press(&mut a, &["n"]);
    assert!(a.shared.overlays.is_empty());
    press(&mut a, &["ctrl-c"]);
    assert_eq!(a.overlay(), Some(&Overlay::Confirm(Confirm::QuitUnsaved)));
    assert!(
        matches!(press(&mut a, &["ctrl-c"]).as_slice(), [Effect::Quit]),
        "a second Ctrl-C quits"
    );
}

#[test]
fn read_only_offers_neither_toggle_nor_save() {
    let mut a = app();
    a.shared.read_only = true;
    press(&mut a, &["enter"]);
    let footer = screen(&mut a, 120, 40);
    let footer = footer.lines().last().unwrap();
    assert!(
        !footer.contains("toggle") && !footer.contains("save"),
        "{footer}"
    );
    assert!(footer.contains("s spec"), "{footer}");
    press(&mut a, &["space", "ctrl-s"]);
    assert!(!a.is_dirty());
    assert!(a.shared.overlays.is_empty());
    // The help lists what works here: no toggle, no save.
    press(&mut a, &["?"]);
    let help = screen(&mut a, 120, 40);
    assert!(!help.contains("Enable or disable") && !help.contains("review the diff"));
    assert!(help.contains("Fetch the connector's spec"), "{help}");
}

#[test]
fn background_errors_stay_until_a_key_dismisses_them() {
    let mut a = trusted_app(&fixture("ui/flow.yaml"), Theme::color());
    press(&mut a, &["enter"]);
    let effects = press(&mut a, &["s"]);
    let [Effect::Connector(id, _)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    a.update(Msg::Job(
        *id,
        flowspec::tui::jobs::JobEvent::Done(Err("no network".into())),
    ));
    assert!(a.shared.status.as_ref().is_some_and(|s| s.takes_key()));
    assert!(screen(&mut a, 80, 24).contains("(any key to dismiss)"));
    press(&mut a, &["down"]);
    assert!(a.shared.status.is_none());
    assert_eq!(
        a.browse().unwrap().binding,
        0,
        "the dismissing key does nothing else"
    );
}

/// Item 7 of issue 8: information (and a refusal of the key just pressed) is dismissed by the
/// next key, which then does what it does.
#[test]
fn info_and_refusals_do_not_swallow_the_next_key() {
    let mut a = app();
    press(&mut a, &["enter", "space"]);
    let status = a.shared.status.clone().unwrap();
    assert_eq!(status.tone, Tone::Info);
    assert!(status.text.starts_with("Disabled"), "{}", status.text);
    assert!(!screen(&mut a, 80, 24).contains("any key"));
    press(&mut a, &["down"]);
    assert!(a.shared.status.is_none());
    assert_eq!(a.browse().unwrap().binding, 1, "the key acted");
}

#[test]
fn save_with_nothing_to_save_says_so() {
    let mut a = app();
    press(&mut a, &["ctrl-s"]);
    assert!(a.shared.overlays.is_empty());
    assert!(a
        .shared
        .status
        .as_ref()
        .unwrap()
        .text
        .contains("Nothing to save"));
}

#[test]
fn saved_files_become_clean_and_trigger_a_check() {
    let mut a = app();
    press(&mut a, &["enter", "space", "ctrl-s"]);
    let effects = press(&mut a, &["y"]);
    let Effect::Save { writes, .. } = &effects[0] else {
        panic!()
    };
    let done = SaveOutcome {
        written: vec![Written {
            file: writes[0].file,
            display: writes[0].display.clone(),
            text: writes[0].new_text.clone(),
        }],
        failed: None,
    };
    let effects = a.update(Msg::Saved(done));
    assert!(!a.is_dirty());
    assert!(matches!(effects.as_slice(), [Effect::Check(_)]));
    assert!(a
        .shared
        .status
        .as_ref()
        .unwrap()
        .text
        .starts_with("Saved flow.yaml"));
}

#[test]
fn a_conflict_offers_diff_and_reload() {
    let mut a = app();
    press(&mut a, &["enter", "space"]);
    a.update(Msg::SaveConflict {
        file: 0,
        display: "flow.yaml".into(),
        disk: "captures: {}\n".into(),
    });
    assert!(matches!(
        a.overlay(),
        Some(Overlay::Conflict { diff: None, .. })
    ));
    press(&mut a, &["d"]);
    assert!(
        matches!(a.overlay(), Some(Overlay::Conflict { diff: Some(d), .. }) if d.contains("-captures: {}"))
    );
    let effects = press(&mut a, &["r"]);
    assert!(matches!(effects.as_slice(), [Effect::Load(_)]));
}

#[test]
fn navigation_keys_move_and_skip_headers() {
    let mut a = app();
    press(&mut a, &["G"]);
    assert_eq!(selected_name(&a), "acmeCo/sales/test-orders");
    press(&mut a, &["g"]);
    assert_eq!(selected_name(&a), "acmeCo/sales/source-postgres");
    press(&mut a, &["j", "j"]);
    let cat = a.shared.catalog.as_ref().unwrap();
    assert_eq!(
        cat.entity(a.selected().unwrap()).unwrap().kind,
        EntityKind::Collection
    );
    press(&mut a, &["k", "k"]);
    assert_eq!(selected_name(&a), "acmeCo/sales/source-postgres");
    press(&mut a, &["end", "home", "pgdn", "pgup"]);
    assert_eq!(selected_name(&a), "acmeCo/sales/source-postgres");
}

#[test]
fn tab_switches_panes_and_detail_keys_move_bindings() {
    let mut a = app();
    press(&mut a, &["tab"]);
    assert_eq!(a.browse().unwrap().focus, Focus::Detail);
    press(&mut a, &["down", "down", "down"]);
    assert_eq!(a.browse().unwrap().binding, 2, "stops at the last binding");
    press(&mut a, &["esc"]);
    assert_eq!(a.browse().unwrap().focus, Focus::List);
}

#[test]
fn help_opens_from_question_mark_and_f1() {
    for k in ["?", "f1"] {
        let mut a = app();
        press(&mut a, &[k]);
        assert!(matches!(a.overlay(), Some(Overlay::Help { scroll: 0, .. })));
        press(&mut a, &["esc"]);
        assert!(a.shared.overlays.is_empty());
    }
}

#[test]
fn terminate_signal_quits_immediately() {
    let mut a = app();
    press(&mut a, &["enter", "space"]);
    let effects = a.update(Msg::Terminate("SIGHUP"));
    assert!(matches!(effects.as_slice(), [Effect::Quit]));
}

#[test]
fn ctrl_z_suspends_from_anywhere_and_changes_nothing() {
    let suspends = |a: &mut flowspec::tui::app::App| {
        let (focus, overlays, filter_input) = (
            a.browse().unwrap().focus,
            a.shared.overlays.clone(),
            (a.browse().unwrap().focus == Focus::Filter),
        );
        let effects = press(a, &["ctrl-z"]);
        assert!(
            matches!(effects.as_slice(), [Effect::Suspend]),
            "{effects:?}"
        );
        assert_eq!(
            (
                a.browse().unwrap().focus,
                &a.shared.overlays,
                (a.browse().unwrap().focus == Focus::Filter)
            ),
            (focus, &overlays, filter_input)
        );
    };
    let mut a = app();
    suspends(&mut a);
    press(&mut a, &["enter"]);
    suspends(&mut a);
    press(&mut a, &["?"]);
    suspends(&mut a);
    press(&mut a, &["esc", "esc", "/"]);
    suspends(&mut a);
    assert_eq!(
        a.browse().unwrap().list.as_ref().unwrap().filter,
        "",
        "z is not typed into the filter"
    );
    press(&mut a, &["esc", "enter", "space", "q"]);
    assert_eq!(a.overlay(), Some(&Overlay::Confirm(Confirm::QuitUnsaved)));
    suspends(&mut a);
}

#[test]
fn grouping_by_prefix_keeps_the_selection() {
    let mut a = app();
    press(&mut a, &["j", "j"]);
    let before = selected_name(&a);
    press(&mut a, &["t"]);
    assert_eq!(selected_name(&a), before);
}

#[path = "tui_update/connector_jobs.rs"]
mod connector_jobs;

#[path = "tui_update/config_form.rs"]
mod config_form;

#[path = "tui_update/trust.rs"]
mod trust;

#[path = "tui_update/saving.rs"]
mod saving;

#[path = "tui_update/form_changes.rs"]
mod form_changes;

#[path = "tui_update/reload.rs"]
mod reload;

#[path = "tui_update/keys_that_work.rs"]
mod keys_that_work;

#[path = "tui_update/encrypted.rs"]
mod encrypted;

#[path = "tui_update/config_edit.rs"]
mod config_edit;

#[path = "tui_update/discovered.rs"]
mod discovered;
