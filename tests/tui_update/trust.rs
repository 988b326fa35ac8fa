//! A catalog's connectors never run before the user has seen what would run and said yes.

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
