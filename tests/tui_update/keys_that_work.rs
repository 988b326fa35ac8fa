//! `--read-only` forms, Backspace, Ctrl-T while typing, and keys that mean nothing.

use super::*;
use flowspec::tui::jobs::{JobEvent, JobOutput};
use serde_json::json;

fn open_form(a: &mut flowspec::tui::app::App) {
    press(a, &["enter"]);
    let effects = press(a, &["e"]);
    let [Effect::Connector(id, _)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    a.update(Msg::Job(
        *id,
        JobEvent::Done(Ok(JobOutput::Spec {
            protocol: "flow-json".into(),
            documentation_url: String::new(),
            config_title: "PG".into(),
            resource_title: "T".into(),
            cached: false,
            config_schema: json!({"type": "object", "properties": {
                "address": {"type": "string", "order": 0},
                "database": {"type": "string", "order": 1},
                "password": {"type": "string", "secret": true, "order": 2}
            }}),
            resource_schema: json!({"type": "object"}),
        })),
    ));
    assert!(a.form().is_some());
}

#[test]
fn a_read_only_form_takes_no_typing() {
    let mut a = trusted_app(&fixture("ui/flow.yaml"), Theme::color());
    a.shared.read_only = true;
    open_form(&mut a);
    let shown = screen(&mut a, 80, 24);
    assert!(
        shown.contains("Read-only mode: this form can be browsed"),
        "{shown}"
    );
    type_text(&mut a, "xyz");
    press(&mut a, &["backspace", "enter", "delete", "ctrl-s"]);
    let form = a.form().unwrap();
    assert!(form.typing().is_none(), "no typing");
    assert_eq!(form.state.get("/address"), Some(&json!("db.internal:5432")));
    assert!(!form.changed() && a.shared.overlays.is_empty());
    let footer = screen(&mut a, 80, 24);
    let footer = footer.lines().last().unwrap();
    assert!(
        !footer.contains("edit") && !footer.contains("save"),
        "{footer}"
    );
    // `?` is not text here: it opens the help.
    press(&mut a, &["?"]);
    assert!(matches!(a.overlay(), Some(Overlay::Help { .. })));
}

#[test]
fn backspace_on_a_field_starts_editing_its_text() {
    let mut a = trusted_app(&fixture("ui/flow.yaml"), Theme::color());
    open_form(&mut a);
    press(&mut a, &["backspace"]);
    assert_eq!(
        a.form().unwrap().typing().unwrap().text(),
        "db.internal:543"
    );
    type_text(&mut a, "3");
    press(&mut a, &["enter"]);
    assert_eq!(
        a.form().unwrap().state.get("/address"),
        Some(&json!("db.internal:5433"))
    );
}

#[test]
fn ctrl_t_reveals_a_secret_while_it_is_typed() {
    let mut a = trusted_app(&fixture("ui/flow.yaml"), Theme::color());
    open_form(&mut a);
    press(&mut a, &["down", "down"]);
    type_text(&mut a, "s3cr3t");
    let shown = screen(&mut a, 80, 24);
    assert!(
        !shown.contains("s3cr3t") && shown.contains("••••••"),
        "{shown}"
    );
    assert!(
        shown.lines().last().unwrap().contains("Ctrl-T reveal"),
        "{shown}"
    );
    press(&mut a, &["ctrl-t"]);
    assert!(a.form().unwrap().typing().is_some(), "still typing");
    assert!(screen(&mut a, 80, 24).contains("s3cr3t"));
    press(&mut a, &["ctrl-t"]);
    assert!(!screen(&mut a, 80, 24).contains("s3cr3t"));
}

#[test]
fn typing_hints_offer_neither_help_by_question_mark_nor_quit() {
    let mut a = trusted_app(&fixture("ui/flow.yaml"), Theme::color());
    open_form(&mut a);
    type_text(&mut a, "?q");
    assert_eq!(
        a.form().unwrap().typing().unwrap().text(),
        "db.internal:5432?q",
        "? and q are text here"
    );
    let shown = screen(&mut a, 80, 24);
    let footer = shown.lines().last().unwrap();
    assert!(
        !footer.contains("? help") && !footer.contains("quit"),
        "{footer}"
    );
    assert!(footer.contains("F1 help"), "{footer}");
    press(&mut a, &["f1"]);
    let help = screen(&mut a, 120, 40);
    assert!(help.contains("Typing into a field"), "{help}");
    assert!(
        !help.contains("Select the previous entity"),
        "only what works here"
    );
}

#[test]
fn discover_is_neither_offered_nor_run_on_a_materialization() {
    let mut a = trusted_app(&fixture("ui/flow.yaml"), Theme::color());
    press(&mut a, &["/"]);
    type_text(&mut a, "to-snowflake");
    press(&mut a, &["enter", "enter"]);
    let shown = screen(&mut a, 120, 40);
    let footer = shown.lines().last().unwrap();
    assert!(!footer.contains("discover"), "{footer}");
    assert!(footer.contains("v validate"), "{footer}");
    assert!(press(&mut a, &["d"]).is_empty());
    assert!(a.shared.overlays.is_empty() && !a.job_running());
    // A capture offers it.
    let mut a = trusted_app(&fixture("ui/flow.yaml"), Theme::color());
    press(&mut a, &["enter"]);
    let shown = screen(&mut a, 120, 40);
    assert!(shown.lines().last().unwrap().contains("d discover"));
}

#[test]
fn pull_and_resource_are_listed_where_they_work_and_quit_stays_at_80_columns() {
    let mut a = app();
    press(&mut a, &["enter"]);
    let wide = screen(&mut a, 120, 40);
    let footer = wide.lines().last().unwrap();
    assert!(
        footer.contains("u pull") && footer.contains("r resource"),
        "{footer}"
    );
    let narrow = screen(&mut a, 80, 24);
    let footer = narrow.lines().last().unwrap();
    assert!(footer.trim_end().ends_with("? help  q quit"), "{footer}");
}
