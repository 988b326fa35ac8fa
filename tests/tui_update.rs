//! Interaction tests of the TUI core: keys in, state and effects out. No terminal involved.

mod common;

use common::*;
use flowspec::catalog::EntityKind;
use flowspec::tui::app::{Confirm, Effect, Focus, Msg, Overlay};
use flowspec::tui::theme::Theme;

fn app() -> flowspec::tui::app::App {
    loaded_app(&fixture("ui/flow.yaml"), Theme::color())
}

fn selected_name(app: &flowspec::tui::app::App) -> String {
    let cat = app.catalog.as_ref().unwrap();
    cat.entity(app.selected().unwrap()).unwrap().name.clone()
}

#[test]
fn starts_on_the_first_entity_with_the_list_focused() {
    let app = app();
    assert_eq!(app.focus, Focus::List);
    assert_eq!(selected_name(&app), "acmeCo/sales/source-postgres");
}

#[test]
fn filter_enter_enter_space_is_the_canonical_flow() {
    let mut app = app();
    press(&mut app, &["/"]);
    assert!(app.filter_input);
    type_text(&mut app, "snow");
    assert_eq!(selected_name(&app), "acmeCo/sales/to-snowflake");
    press(&mut app, &["enter"]);
    assert!(!app.filter_input, "Enter leaves the input");
    assert_eq!(
        app.list.as_ref().unwrap().filter,
        "snow",
        "and keeps the filter"
    );
    press(&mut app, &["enter"]);
    assert_eq!(app.focus, Focus::Detail);
    assert_eq!(app.binding, 0);
    press(&mut app, &["space"]);
    assert!(app.is_dirty());
    let cat = app.catalog.as_ref().unwrap();
    let e = cat.entity(app.selected().unwrap()).unwrap();
    assert!(e.bindings[0].disable);
    press(&mut app, &["ctrl-s"]);
    let Some(Overlay::Diff { writes, .. }) = app.overlays.last() else {
        panic!("expected the diff overlay, got {:?}", app.overlays);
    };
    assert_eq!(writes.len(), 1);
    assert!(
        writes[0].diff.contains("+        disable: true\n"),
        "{}",
        writes[0].diff
    );
    let effects = press(&mut app, &["y"]);
    assert!(matches!(effects.as_slice(), [Effect::Save(w)] if w.len() == 1));
    assert!(app.saving);
}

#[test]
fn printable_keys_go_to_the_filter_not_the_keymap() {
    let mut app = app();
    press(&mut app, &["/"]);
    let effects = press(&mut app, &["q"]);
    assert!(effects.is_empty(), "q typed into the filter must not quit");
    assert_eq!(app.list.as_ref().unwrap().filter, "q");
    press(&mut app, &["backspace", "esc"]);
    assert!(!app.filter_input);
    assert_eq!(app.list.as_ref().unwrap().filter, "");
}

#[test]
fn quit_without_changes_quits_and_with_changes_asks() {
    let mut a = app();
    assert!(matches!(press(&mut a, &["q"]).as_slice(), [Effect::Quit]));
    let mut a = app();
    press(&mut a, &["enter", "space"]);
    assert!(press(&mut a, &["q"]).is_empty());
    assert_eq!(
        a.overlays.last(),
        Some(&Overlay::Confirm(Confirm::QuitUnsaved))
    );
    press(&mut a, &["n"]);
    assert!(a.overlays.is_empty());
    press(&mut a, &["ctrl-c"]);
    assert_eq!(
        a.overlays.last(),
        Some(&Overlay::Confirm(Confirm::QuitUnsaved))
    );
    assert!(
        matches!(press(&mut a, &["ctrl-c"]).as_slice(), [Effect::Quit]),
        "a second Ctrl-C quits"
    );
}

#[test]
fn read_only_blocks_toggle_and_save() {
    let mut a = app();
    a.read_only = true;
    press(&mut a, &["enter", "space"]);
    assert!(!a.is_dirty());
    assert!(a.status.as_ref().unwrap().error);
    press(&mut a, &["esc"]); // dismisses the error
    press(&mut a, &["ctrl-s"]);
    assert!(a.overlays.is_empty());
}

#[test]
fn errors_stay_until_a_key_dismisses_them() {
    let mut a = app();
    a.read_only = true;
    press(&mut a, &["enter", "space"]);
    assert!(a.status.as_ref().is_some_and(|s| s.error));
    press(&mut a, &["down"]);
    assert!(a.status.is_none());
    assert_eq!(a.binding, 0, "the dismissing key does nothing else");
}

#[test]
fn save_with_nothing_to_save_says_so() {
    let mut a = app();
    press(&mut a, &["ctrl-s"]);
    assert!(a.overlays.is_empty());
    assert!(a.status.as_ref().unwrap().text.contains("Nothing to save"));
}

#[test]
fn saved_files_become_clean_and_trigger_a_check() {
    let mut a = app();
    press(&mut a, &["enter", "space", "ctrl-s"]);
    let effects = press(&mut a, &["y"]);
    let Effect::Save(writes) = &effects[0] else {
        panic!()
    };
    let done = vec![(writes[0].file, writes[0].new_text.clone())];
    let effects = a.update(Msg::Saved(Ok(done)));
    assert!(!a.is_dirty());
    assert!(matches!(effects.as_slice(), [Effect::Check(_)]));
    assert!(a
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
        a.overlays.last(),
        Some(Overlay::Conflict { diff: None, .. })
    ));
    press(&mut a, &["d"]);
    assert!(
        matches!(a.overlays.last(), Some(Overlay::Conflict { diff: Some(d), .. }) if d.contains("-captures: {}"))
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
    let cat = a.catalog.as_ref().unwrap();
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
    assert_eq!(a.focus, Focus::Detail);
    press(&mut a, &["down", "down", "down"]);
    assert_eq!(a.binding, 2, "stops at the last binding");
    press(&mut a, &["esc"]);
    assert_eq!(a.focus, Focus::List);
}

#[test]
fn help_opens_from_question_mark_and_f1() {
    for k in ["?", "f1"] {
        let mut a = app();
        press(&mut a, &[k]);
        assert_eq!(a.overlays.last(), Some(&Overlay::Help { scroll: 0 }));
        press(&mut a, &["esc"]);
        assert!(a.overlays.is_empty());
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
        let (focus, overlays, filter_input) = (a.focus, a.overlays.clone(), a.filter_input);
        let effects = press(a, &["ctrl-z"]);
        assert!(
            matches!(effects.as_slice(), [Effect::Suspend]),
            "{effects:?}"
        );
        assert_eq!(
            (a.focus, &a.overlays, a.filter_input),
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
        a.list.as_ref().unwrap().filter,
        "",
        "z is not typed into the filter"
    );
    press(&mut a, &["esc", "enter", "space", "q"]);
    assert_eq!(
        a.overlays.last(),
        Some(&Overlay::Confirm(Confirm::QuitUnsaved))
    );
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

mod connector_jobs {
    use super::*;
    use flowspec::connector::{LogLevel, LogLine, RunEvent};
    use flowspec::tui::jobs::{ConnOp, JobEvent, JobOutput};

    fn select(app: &mut flowspec::tui::app::App, name: &str) {
        press(app, &["/"]);
        type_text(app, name);
        press(app, &["enter", "enter"]);
    }

    #[test]
    fn spec_on_a_task_starts_a_job_and_results_are_recorded() {
        let mut a = app();
        select(&mut a, "source-postgres");
        let effects = press(&mut a, &["s"]);
        let [Effect::Connector(id, spec)] = effects.as_slice() else {
            panic!("expected a connector effect, got {effects:?}");
        };
        assert_eq!(spec.op, ConnOp::Spec);
        assert_eq!(spec.task.name, "acmeCo/sales/source-postgres");
        assert!(a.job_running());
        assert_eq!(
            a.contexts().first(),
            Some(&flowspec::tui::keymap::Context::Job)
        );
        // A second run waits for the first.
        assert!(press(&mut a, &["d"]).is_empty());
        a.update(Msg::Job(
            *id,
            JobEvent::Run(RunEvent::Log(LogLine {
                level: LogLevel::Info,
                message: "hello".into(),
                fields: None,
            })),
        ));
        assert_eq!(a.job.as_ref().unwrap().logs.len(), 1);
        a.update(Msg::Job(
            *id,
            JobEvent::Done(Ok(JobOutput::Spec {
                protocol: "flow-proto".into(),
                documentation_url: "https://go.estuary.dev/x".into(),
                config_title: "Postgres".into(),
                resource_title: "Table".into(),
                cached: false,
                config_schema: serde_json::json!({"type": "object"}),
                resource_schema: serde_json::json!({"type": "object"}),
            })),
        ));
        assert!(!a.job_running());
        let info = &a.connectors["acmeCo/sales/source-postgres"];
        assert_eq!(info.protocol.as_deref(), Some("flow-proto"));
        assert!(a
            .status
            .as_ref()
            .unwrap()
            .text
            .starts_with("Spec: config \"Postgres\""));
    }

    #[test]
    fn esc_cancels_a_running_job_and_errors_stick() {
        let mut a = app();
        select(&mut a, "source-postgres");
        let effects = press(&mut a, &["d"]);
        let [Effect::Connector(id, _)] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        let id = *id;
        let effects = press(&mut a, &["esc"]);
        assert!(matches!(effects.as_slice(), [Effect::CancelJob(j)] if *j == id));
        assert_eq!(
            a.focus,
            Focus::Detail,
            "Esc cancelled the job instead of going back"
        );
        a.update(Msg::Job(id, JobEvent::Done(Err("cancelled".into()))));
        assert!(a.status.as_ref().unwrap().error);
        assert!(!a.job_running());
    }

    #[test]
    fn validate_sends_the_bindings_and_pull_needs_an_image() {
        let mut a = app();
        select(&mut a, "to-snowflake");
        let effects = press(&mut a, &["v"]);
        let [Effect::Connector(_, spec)] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        assert_eq!(spec.op, ConnOp::Validate);
        assert_eq!(spec.bindings.len(), 2);
        let mut a = app();
        select(&mut a, "source-http");
        assert!(
            press(&mut a, &["u"]).is_empty(),
            "a local connector has no image"
        );
        assert!(a.status.as_ref().unwrap().text.contains("no image"));
    }

    #[test]
    fn jobs_only_run_for_tasks() {
        let mut a = app();
        select(&mut a, "sales/orders");
        assert!(press(&mut a, &["s"]).is_empty());
    }
}

mod config_form {
    use super::*;
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
        let form = a.form.as_ref().expect("the form opened");
        assert_eq!(
            form.target.title,
            "Endpoint config of acmeCo/sales/source-postgres"
        );
        assert_eq!(form.focused().unwrap().pointer, "/address");
        assert_eq!(
            form.target.original,
            json!({"address": "db.internal:5432", "database": "sales"})
        );
        assert_eq!(
            a.contexts().first(),
            Some(&flowspec::tui::keymap::Context::Form)
        );
    }

    #[test]
    fn printable_keys_type_into_the_focused_field() {
        let mut a = app();
        open(&mut a);
        type_text(&mut a, "q");
        let form = a.form.as_ref().unwrap();
        assert_eq!(form.editing.as_ref().unwrap().text(), "db.internal:5432q");
        press(&mut a, &["backspace", "enter"]);
        assert!(a.form.as_ref().unwrap().editing.is_none());
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
        let form = a.form.as_ref().unwrap();
        assert_eq!(form.editing.as_ref().unwrap().text(), "db.internal:5432q");
    }

    #[test]
    fn saving_an_invalid_form_keeps_edits_and_focuses_the_first_error() {
        let mut a = app();
        open(&mut a);
        press(&mut a, &["down"]);
        type_text(&mut a, "2");
        press(&mut a, &["enter", "ctrl-s"]);
        let form = a.form.as_ref().expect("still open");
        assert_eq!(form.focused().unwrap().pointer, "/password");
        assert!(form.editing.is_some(), "ready for typing");
        assert_eq!(form.state.get("/database"), Some(&json!("sales2")));
        assert!(a.status.as_ref().unwrap().text.contains("problem"));
        assert!(a.overlays.is_empty());
        // The very next key types into the field (the error does not swallow it).
        type_text(&mut a, "pw");
        assert_eq!(
            a.form.as_ref().unwrap().editing.as_ref().unwrap().text(),
            "pw"
        );
    }

    #[test]
    fn a_valid_form_goes_to_the_diff_with_the_secret_masked() {
        let mut a = app();
        open(&mut a);
        press(&mut a, &["down", "down"]);
        a.update(Msg::Paste("s3cr3t-value".into()));
        press(&mut a, &["enter", "ctrl-s"]);
        assert!(a.form.is_none(), "the form closed into the save diff");
        let Some(Overlay::Diff { writes, .. }) = a.overlays.last() else {
            panic!("{:?} {:?}", a.overlays, a.status)
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
        assert!(matches!(effects.as_slice(), [Effect::Save(_)]));
    }

    #[test]
    fn esc_closes_and_asks_once_when_there_are_changes() {
        let mut a = app();
        open(&mut a);
        press(&mut a, &["esc"]);
        assert!(a.form.is_none(), "nothing changed: Esc closes");
        press(&mut a, &["e"]);
        assert!(
            a.form.is_some(),
            "the spec is known now: the form opens at once"
        );
        type_text(&mut a, "x");
        press(&mut a, &["enter", "esc"]);
        assert!(a.form.is_some(), "first Esc warns");
        press(&mut a, &["esc"]);
        assert!(a.form.is_none());
        assert!(!a.is_dirty(), "discarded");
    }
}
