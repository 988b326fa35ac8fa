//! Forms write what the user changed, and Ctrl-S on an invalid form finishes the typing first.

use super::*;
use flowspec::tui::jobs::{JobEvent, JobOutput};
use flowspec::tui::screens::form::Mode;
use serde_json::json;

/// Answers the running spec job with these schemas.
fn spec(a: &mut flowspec::tui::app::App, effects: &[Effect], config: serde_json::Value) {
    let [Effect::Connector(id, _)] = effects else {
        panic!("the form needs the spec first: {effects:?}")
    };
    a.update(Msg::Job(
        *id,
        JobEvent::Done(Ok(JobOutput::Spec {
            protocol: "flow-json".into(),
            documentation_url: String::new(),
            config_title: "T".into(),
            resource_title: "R".into(),
            cached: false,
            config_schema: config,
            resource_schema: json!({"type": "object"}),
        })),
    ));
}

/// The demo catalog, with the form of its materialization's endpoint config open.
fn demo_materialization_form() -> (tempfile::TempDir, flowspec::tui::app::App) {
    let dir = tempfile::tempdir().unwrap();
    let (root, _) = flowspec::demo::write(dir.path(), "flowspec").unwrap();
    let mut a = trusted_app(&root, Theme::color());
    press(&mut a, &["/"]);
    type_text(&mut a, "to-warehouse");
    press(&mut a, &["enter", "enter"]);
    let effects = press(&mut a, &["e"]);
    spec(
        &mut a,
        &effects,
        flowspec::connector::demo::materialize_config_schema(),
    );
    assert!(a.form().is_some(), "{:?}", a.shared.status);
    (dir, a)
}

#[test]
fn opening_and_closing_a_form_without_edits_is_no_change() {
    let (_dir, mut a) = demo_materialization_form();
    assert!(!a.form().unwrap().changed());
    let shown = screen(&mut a, 120, 40);
    assert!(
        shown.contains("Endpoint config of acmeCo/shop/to-warehouse "),
        "{shown}"
    );
    assert!(!shown.contains('●'), "no unsaved mark:\n{shown}");
    // Untouched defaults are shown, dimmed and marked, but are not a change.
    assert!(shown.contains("flow_materialize  (default)"), "{shown}");
    press(&mut a, &["esc"]);
    assert!(
        a.form().is_none(),
        "Esc closes at once: nothing to ask about"
    );
    assert!(!a.has_unsaved());
}

#[test]
fn typing_only_a_password_left_in_plaintext_writes_only_the_password() {
    let (_dir, mut a) = demo_materialization_form();
    let rows: Vec<_> = a
        .form()
        .unwrap()
        .rows
        .iter()
        .filter_map(|r| r.pointer().map(str::to_string))
        .collect();
    let password = rows.iter().position(|p| p == "/password").unwrap();
    let focus = a.form().unwrap().focus;
    for _ in focus..password {
        press(&mut a, &["down"]);
    }
    type_text(&mut a, "s3cret");
    press(&mut a, &["enter"]);
    assert!(a.form().unwrap().changed());
    // A schema secret is encrypted on save unless the lock key, twice, says plaintext.
    press(&mut a, &["ctrl-l"]);
    assert!(matches!(a.form().unwrap().mode, Mode::ConfirmPlain { .. }));
    press(&mut a, &["ctrl-l", "ctrl-s"]);
    let Some(Overlay::Diff { writes, .. }) = a.overlay() else {
        panic!("{:?} {:?}", a.shared.overlays, a.shared.status)
    };
    let added: Vec<&str> = writes[0]
        .diff
        .lines()
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
        .collect();
    assert_eq!(added.len(), 1, "{}", writes[0].diff);
    assert!(added[0].contains("password: ••••••••"), "{added:?}");
    let doc: serde_json::Value = serde_yaml::from_str(&writes[0].new_text).unwrap();
    let config =
        &doc["materializations"]["acmeCo/shop/to-warehouse"]["endpoint"]["local"]["config"];
    assert_eq!(
        config,
        &json!({"address": "warehouse.example.internal:5432", "database": "analytics",
                "password": "s3cret"})
    );
}

#[test]
fn toggling_a_default_back_leaves_it_a_default() {
    let (_dir, mut a) = demo_materialization_form();
    let form = a.form().unwrap();
    let hard_delete = form
        .rows
        .iter()
        .position(|r| r.pointer() == Some("/hard_delete"))
        .unwrap();
    for _ in form.focus..hard_delete {
        press(&mut a, &["down"]);
    }
    press(&mut a, &["space"]);
    assert!(a.form().unwrap().changed());
    press(&mut a, &["space"]);
    assert!(
        !a.form().unwrap().changed(),
        "back to the default: no change"
    );
    press(&mut a, &["esc"]);
    assert!(a.form().is_none());
}

/// The fixture's postgres capture: address, database and a required password.
fn fixture_form() -> flowspec::tui::app::App {
    let mut a = trusted_app(&fixture("ui/flow.yaml"), Theme::color());
    press(&mut a, &["enter"]);
    let effects = press(&mut a, &["e"]);
    spec(
        &mut a,
        &effects,
        json!({
            "type": "object",
            "required": ["address", "database", "password"],
            "properties": {
                "address": {"type": "string", "title": "Host", "order": 0},
                "database": {"type": "string", "title": "Database", "order": 1},
                "password": {"type": "string", "title": "Password", "secret": true, "order": 2}
            }
        }),
    );
    a
}

#[test]
fn ctrl_s_keeps_the_typed_text_then_focuses_the_first_error_ready_for_typing() {
    let mut a = fixture_form();
    // Typing into Host, then straight to Ctrl-S.
    type_text(&mut a, "x");
    assert_eq!(
        a.form().unwrap().typing().unwrap().text(),
        "db.internal:5432x"
    );
    press(&mut a, &["ctrl-s"]);
    let form = a.form().unwrap();
    assert_eq!(
        form.state.get("/address"),
        Some(&json!("db.internal:5432x")),
        "the typed text was kept"
    );
    assert_eq!(form.focused().unwrap().pointer(), Some("/password"));
    assert!(matches!(form.mode, Mode::Typing(_)), "ready for typing");
    let status = a.shared.status.clone().unwrap();
    assert!(
        status.text.starts_with("1 problem in the form"),
        "{}",
        status.text
    );
    // The next word goes into the field in error, not onto Host.
    type_text(&mut a, "pw");
    let form = a.form().unwrap();
    assert_eq!(form.typing().unwrap().text(), "pw");
    assert_eq!(
        form.state.get("/address"),
        Some(&json!("db.internal:5432x"))
    );
    // Valid now, with a secret to encrypt: sops gets it (in the background).
    let effects = press(&mut a, &["ctrl-s"]);
    let [Effect::Encrypt(req)] = effects.as_slice() else {
        panic!("{effects:?} {:?}", a.shared.status)
    };
    assert_eq!(req.job.chosen, ["/password"]);
}

#[test]
fn a_refusal_in_the_form_does_not_swallow_the_next_key() {
    // A text that does not parse is refused; the next key still edits it.
    let mut a = trusted_app(&fixture("ui/flow.yaml"), Theme::color());
    press(&mut a, &["enter"]);
    let effects = press(&mut a, &["e"]);
    spec(
        &mut a,
        &effects,
        json!({"type": "object", "properties": {"port": {"type": "integer"}}}),
    );
    type_text(&mut a, "x");
    press(&mut a, &["enter"]);
    let status = a.shared.status.clone().unwrap();
    assert_eq!(status.tone, Tone::Warning, "{}", status.text);
    assert!(
        status.text.contains("not a whole number"),
        "{}",
        status.text
    );
    press(&mut a, &["backspace"]);
    type_text(&mut a, "5");
    press(&mut a, &["enter"]);
    assert_eq!(a.form().unwrap().state.get("/port"), Some(&json!(5)));
}
