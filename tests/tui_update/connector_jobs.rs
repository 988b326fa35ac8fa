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
