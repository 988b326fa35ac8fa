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

mod connector_jobs {
    use super::*;

    /// Connectors run without the first-run question here (see `mod trust` for it).
    fn app() -> flowspec::tui::app::App {
        trusted_app(&fixture("ui/flow.yaml"), Theme::color())
    }
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
        assert_eq!(a.shared.job.as_ref().unwrap().logs.len(), 1);
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
        let info = &a.shared.connectors["acmeCo/sales/source-postgres"];
        assert_eq!(info.protocol.as_deref(), Some("flow-proto"));
        assert!(a
            .shared
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
            a.browse().unwrap().focus,
            Focus::Detail,
            "Esc cancelled the job instead of going back"
        );
        a.update(Msg::Job(id, JobEvent::Done(Err("cancelled".into()))));
        assert!(a.shared.status.as_ref().unwrap().takes_key());
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
        assert!(a.shared.status.as_ref().unwrap().text.contains("no image"));
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
    fn a_valid_form_goes_to_the_diff_with_the_secret_masked() {
        let mut a = app();
        open(&mut a);
        press(&mut a, &["down", "down"]);
        a.update(Msg::Paste("s3cr3t-value".into()));
        press(&mut a, &["enter", "ctrl-s"]);
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
}

/// A catalog's connectors never run before the user has seen what would run and said yes.
mod trust {
    use super::*;
    use flowspec::tui::jobs::{ConnOp, JobEvent, JobOutput};

    fn select(app: &mut flowspec::tui::app::App, name: &str) {
        press(app, &["/"]);
        type_text(app, name);
        press(app, &["enter", "enter"]);
    }

    fn spec_done() -> JobEvent {
        JobEvent::Done(Ok(JobOutput::Spec {
            protocol: "flow-json".into(),
            documentation_url: String::new(),
            config_title: "HTTP".into(),
            resource_title: "Path".into(),
            cached: false,
            config_schema: serde_json::json!({"type": "object", "properties": {"url": {"type": "string"}}}),
            resource_schema: serde_json::json!({"type": "object"}),
        }))
    }

    #[test]
    fn every_connector_key_asks_first_and_no_runs_nothing() {
        for key in ["s", "d", "v", "e", "r"] {
            let mut a = app();
            select(&mut a, "source-http");
            let effects = press(&mut a, &[key]);
            assert!(effects.is_empty(), "{key}: nothing runs before the answer");
            let Some(Overlay::RunConnector(pending)) = a.overlay() else {
                panic!("{key}: expected the question, got {:?}", a.shared.overlays)
            };
            let shown = pending.plan.describe();
            assert_eq!(shown[0].0, "Local command");
            assert_eq!(shown[0].1, "./connectors/source-http --verbose");
            assert!(shown
                .iter()
                .any(|(l, v)| l == "Config" && v == "inline in flow.yaml"));
            let effects = press(&mut a, &["n"]);
            assert!(effects.is_empty(), "{key}: no runs nothing");
            assert!(a.shared.overlays.is_empty());
            assert!(!a.job_running());
            assert_eq!(a.shared.status.as_ref().unwrap().text, "Nothing was run");
        }
    }

    #[test]
    fn yes_runs_remembers_and_the_same_command_does_not_ask_again() {
        let mut a = app();
        select(&mut a, "source-http");
        press(&mut a, &["s"]);
        let effects = press(&mut a, &["y"]);
        let [Effect::RememberTrust(store), Effect::Connector(id, spec)] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        assert_eq!(spec.op, ConnOp::Spec);
        assert_eq!(**store, a.shared.trust);
        a.update(Msg::Job(*id, spec_done()));
        let effects = press(&mut a, &["d"]);
        assert!(
            matches!(effects.as_slice(), [Effect::Connector(_, s)] if s.op == ConnOp::Discover),
            "{effects:?}"
        );
    }

    #[test]
    fn another_command_in_the_same_catalog_asks_again() {
        let mut a = app();
        select(&mut a, "source-http");
        press(&mut a, &["s"]);
        let effects = press(&mut a, &["y"]);
        let Some(Effect::Connector(id, _)) = effects.last() else {
            panic!("{effects:?}")
        };
        a.update(Msg::Job(*id, spec_done()));
        press(&mut a, &["esc", "esc"]); // back to the list, filter cleared
        select(&mut a, "source-postgres");
        assert!(press(&mut a, &["s"]).is_empty());
        let Some(Overlay::RunConnector(pending)) = a.overlay() else {
            panic!("{:?}", a.shared.overlays)
        };
        assert_eq!(pending.plan.kind, "Docker image");
        assert_eq!(pending.plan.program, "ghcr.io/estuary/source-postgres:v1");
        assert!(pending
            .plan
            .describe()
            .iter()
            .any(|(l, v)| l == "Config" && v == "source-postgres.config.yaml"));
    }

    #[test]
    fn e_asks_then_fetches_the_spec_and_opens_the_form() {
        let mut a = app();
        select(&mut a, "source-http");
        press(&mut a, &["e"]);
        let effects = press(&mut a, &["y"]);
        let Some(Effect::Connector(id, _)) = effects.last() else {
            panic!("{effects:?}")
        };
        a.update(Msg::Job(*id, spec_done()));
        assert!(a.form().is_some(), "the form opens once the spec answers");
    }

    #[test]
    fn a_config_from_outside_the_catalog_folder_is_named_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let cat = dir.path().join("catalog");
        std::fs::create_dir_all(&cat).unwrap();
        std::fs::write(dir.path().join("secrets.yaml"), "password: hunter2\n").unwrap();
        std::fs::write(
            cat.join("flow.yaml"),
            "captures:\n  acme/src:\n    endpoint:\n      local:\n        command: [true]\n        config: ../secrets.yaml\n    bindings: []\n",
        )
        .unwrap();
        let mut a = loaded_app(&cat.join("flow.yaml"), Theme::color());
        press(&mut a, &["enter"]);
        assert!(press(&mut a, &["d"]).is_empty());
        let Some(Overlay::RunConnector(pending)) = a.overlay() else {
            panic!("{:?}", a.shared.overlays)
        };
        assert!(pending.plan.config_outside);
        let config = pending
            .plan
            .describe()
            .into_iter()
            .find(|(l, _)| l == "Config")
            .unwrap()
            .1;
        assert!(
            config.contains("secrets.yaml") && config.contains("outside the catalog folder"),
            "{config}"
        );
        let shown = screen(&mut a, 100, 30);
        assert!(shown.contains("outside the catalog folder"), "{shown}");
        assert!(!shown.contains("hunter2"));
    }

    #[test]
    fn trust_flag_runs_without_asking() {
        let mut a = trusted_app(&fixture("ui/flow.yaml"), Theme::color());
        select(&mut a, "source-http");
        let effects = press(&mut a, &["s"]);
        assert!(matches!(effects.as_slice(), [Effect::Connector(..)]));
    }
}

/// Saving through the real save engine, as the runtime runs it: keys in, the effect's save run
/// on a copy of the UI fixture, its message back into the app.
mod saving {
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
}

/// Forms write what the user changed, and Ctrl-S on an invalid form finishes the typing first.
mod form_changes {
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
    fn typing_only_a_password_writes_only_the_password() {
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
        press(&mut a, &["ctrl-s"]);
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
        press(&mut a, &["ctrl-s"]);
        assert!(matches!(a.overlay(), Some(Overlay::Diff { .. })));
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
}

/// A key reloads the catalog from disk, asking first when that would drop edits.
mod reload {
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
}

/// `--read-only` forms, Backspace, Ctrl-T while typing, and keys that mean nothing.
mod keys_that_work {
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
}

/// A sops-encrypted config shows its fields in the shape its connector gets once decrypted.
mod encrypted {
    use super::*;
    use flowspec::tui::jobs::{JobEvent, JobOutput};
    use flowspec::tui::screens::form::ReadOnly;
    use serde_json::json;

    #[test]
    fn password_sops_fills_password_shown_encrypted_and_the_form_stays_read_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("flow.yaml"),
            "captures:\n  acme/src:\n    endpoint:\n      local:\n        command: [true]\n        config: enc.config.yaml\n    bindings: []\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("enc.config.yaml"),
            "address: db:5432\npassword_sops: ENC[AES256_GCM,data:abc,iv:x,tag:y,type:str]\nsops:\n  mac: ENC[AES256_GCM,data:m,iv:x,tag:y,type:str]\n  encrypted_suffix: _sops\n  version: 3.8.1\n",
        )
        .unwrap();
        let mut a = trusted_app(&dir.path().join("flow.yaml"), Theme::color());
        press(&mut a, &["enter"]);
        let effects = press(&mut a, &["e"]);
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
                config_schema: json!({"type": "object", "required": ["address", "password"],
                "properties": {
                    "address": {"type": "string", "title": "Address", "order": 0},
                    "password": {"type": "string", "title": "Password", "secret": true, "order": 1}
                }}),
                resource_schema: json!({"type": "object"}),
            })),
        ));
        let form = a.form().expect("the form opened");
        assert_eq!(form.read_only, Some(ReadOnly::Encrypted));
        assert!(form.errors().is_empty(), "{:?}", form.errors());
        assert!(form.is_encrypted("/password"));
        let shown = screen(&mut a, 80, 24);
        let line = shown.lines().find(|l| l.contains("Password*")).unwrap();
        assert!(line.contains("encrypted"), "{shown}");
        assert!(
            !shown.contains("is required") && !shown.contains("ENC["),
            "{shown}"
        );
        assert!(shown.contains("✓ valid"), "{shown}");
        type_text(&mut a, "x");
        press(&mut a, &["ctrl-s"]);
        assert!(!a.form().unwrap().changed() && a.shared.overlays.is_empty());
        assert!(!a.is_dirty());
    }
}

/// `flowspec config edit`: the form is the whole app, and closing it quits.
mod config_edit {
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
}
