use super::*;

/// Connectors run without the first-run question here (see `mod trust` for it).
fn app() -> flowspec::tui::app::App {
    trusted_app(&fixture("ui/flow.yaml"), Theme::color())
}
use flowspec::tui::jobs::{JobEvent, JobOutput};
use serde_json::json;

fn schema() -> serde_json::Value {
    json!({
        "type": "object",
        "title": "PG",
        "required": ["address", "database", "password"],
        "properties": {
            "address": {"type": "string", "title": "Address", "order": 0},
            "database": {"type": "string", "title": "Database", "order": 1},
            "password": {"type": "string", "title": "Password", "secret": true, "order": 2},
            "port": {"type": "integer", "title": "Port", "order": 3}
        }
    })
}

/// Opens the endpoint form of the fixture's postgres capture, answering the spec job.
fn open(a: &mut flowspec::tui::app::App) {
    press(a, &["enter"]);
    let effects = press(a, &["e"]);
    let [Effect::Connector(id, _)] = effects.as_slice() else {
        panic!("the form needs the spec first: {effects:?}")
    };
    a.update(Msg::Job(
        *id,
        JobEvent::Done(Ok(JobOutput::Spec {
            protocol: "flow-proto".into(),
            documentation_url: String::new(),
            config_title: "PG".into(),
            resource_title: "Table".into(),
            cached: false,
            config_schema: schema(),
            resource_schema: json!({"type": "object"}),
        })),
    ));
}

#[test]
fn e_fetches_the_spec_then_opens_the_form_on_the_first_field() {
    let mut a = app();
    open(&mut a);
    let form = a.form().expect("the form opened");
    assert_eq!(
        form.target.title,
        "Endpoint config of acmeCo/sales/source-postgres"
    );
    assert_eq!(form.focused().unwrap().pointer().unwrap(), "/address");
    assert_eq!(
        form.target.original,
        json!({"address": "db.internal:5432", "database": "sales"})
    );
    assert_eq!(
        a.contexts().first(),
        Some(&flowspec::tui::keymap::Context::FormText)
    );
}

#[test]
fn printable_keys_type_into_the_focused_field() {
    let mut a = app();
    open(&mut a);
    type_text(&mut a, "q");
    let form = a.form().unwrap();
    assert_eq!(form.typing().unwrap().text(), "db.internal:5432q");
    press(&mut a, &["backspace", "enter"]);
    assert!(a.form().unwrap().typing().is_none());
}

#[test]
fn ctrl_z_suspends_while_typing_and_keeps_the_typed_text() {
    let mut a = app();
    open(&mut a);
    type_text(&mut a, "q");
    let effects = press(&mut a, &["ctrl-z"]);
    assert!(
        matches!(effects.as_slice(), [Effect::Suspend]),
        "{effects:?}"
    );
    let form = a.form().unwrap();
    assert_eq!(form.typing().unwrap().text(), "db.internal:5432q");
}

#[test]
fn saving_an_invalid_form_keeps_edits_and_focuses_the_first_error() {
    let mut a = app();
    open(&mut a);
    press(&mut a, &["down"]);
    type_text(&mut a, "2");
    press(&mut a, &["enter", "ctrl-s"]);
    let form = a.form().expect("still open");
    assert_eq!(form.focused().unwrap().pointer().unwrap(), "/password");
    assert!(form.typing().is_some(), "ready for typing");
    assert_eq!(form.state.get("/database"), Some(&json!("sales2")));
    assert!(a.shared.status.as_ref().unwrap().text.contains("problem"));
    assert!(a.shared.overlays.is_empty());
    // The very next key types into the field (the error does not swallow it).
    type_text(&mut a, "pw");
    assert_eq!(a.form().unwrap().typing().unwrap().text(), "pw");
}

#[test]
fn a_valid_form_with_its_secret_left_in_plaintext_goes_to_the_diff_masked() {
    let mut a = app();
    open(&mut a);
    press(&mut a, &["down", "down"]);
    a.update(Msg::Paste("s3cr3t-value".into()));
    press(&mut a, &["enter", "ctrl-l", "ctrl-l", "ctrl-s"]);
    assert!(a.form().is_none(), "the form closed into the save diff");
    let Some(Overlay::Diff { writes, .. }) = a.overlay() else {
        panic!("{:?} {:?}", a.shared.overlays, a.shared.status)
    };
    assert_eq!(writes[0].display, "source-postgres.config.yaml");
    assert!(
        writes[0].diff.contains("+password: ••••••••"),
        "{}",
        writes[0].diff
    );
    assert!(!writes[0].diff.contains("s3cr3t-value"));
    assert!(writes[0].new_text.contains("password: s3cr3t-value"));
    let effects = press(&mut a, &["y"]);
    assert!(matches!(effects.as_slice(), [Effect::Save { .. }]));
}

#[test]
fn esc_closes_and_asks_once_when_there_are_changes() {
    let mut a = app();
    open(&mut a);
    press(&mut a, &["esc"]);
    assert!(a.form().is_none(), "nothing changed: Esc closes");
    press(&mut a, &["e"]);
    assert!(
        a.form().is_some(),
        "the spec is known now: the form opens at once"
    );
    type_text(&mut a, "x");
    press(&mut a, &["enter", "esc"]);
    assert!(a.form().is_some(), "first Esc warns");
    press(&mut a, &["esc"]);
    assert!(a.form().is_none());
    assert!(!a.is_dirty(), "discarded");
}
