//! Driving the setup wizard in tests: the fixture catalog with the wizard open, connector
//! runs answered as the runtime would answer them.
#![allow(dead_code)]

use flowspec::connector::protocol::DiscoveredBinding;
use flowspec::create::Kind;
use flowspec::tui::app::{App, Effect, Msg};
use flowspec::tui::jobs::{ConnOp, JobEvent, JobOutput};
use flowspec::tui::screens::wizard::{Step, WizardScreen};
use flowspec::tui::screens::Screen;
use flowspec::tui::theme::Theme;
use serde_json::json;

use super::{fixture, loaded_app, press, type_text};

pub const IMAGE: &str = "ghcr.io/estuary/source-postgres:v1";

pub fn config_schema() -> serde_json::Value {
    json!({
        "type": "object",
        "required": ["host"],
        "properties": {
            "host": {"type": "string", "title": "Host", "order": 0},
            "database": {"type": "string", "title": "Database", "order": 1}
        }
    })
}

/// The fixture catalog (tenant `acmeCo/`) with the wizard open for `kind`.
pub fn wizard(kind: Kind) -> App {
    let mut a = loaded_app(&fixture("ui/flow.yaml"), Theme::color());
    a.open_wizard(kind, false);
    a
}

/// The wizard for `kind` in an empty folder: the catalog `dir/flow.yaml` does not exist yet.
pub fn wizard_in(dir: &std::path::Path, kind: Kind) -> App {
    App::new_catalog(
        dir.join("flow.yaml"),
        false,
        Some(kind),
        false,
        Theme::color(),
    )
}

/// Ctrl-S in the endpoint form runs validate, answered as passing.
pub fn validated(a: &mut App) {
    let id = job(&press(a, &["ctrl-s"]), ConnOp::Validate);
    a.update(Msg::Job(
        id,
        JobEvent::Done(Ok(JobOutput::Validated {
            protocol: "flow-json".into(),
            bindings: 0,
        })),
    ));
}

pub fn w(a: &App) -> &WizardScreen {
    a.screens
        .iter()
        .rev()
        .find_map(|s| match s {
            Screen::Wizard(w) => Some(&**w),
            _ => None,
        })
        .expect("the wizard is open")
}

/// The id of the connector job among `effects`, checking its operation.
pub fn job(effects: &[Effect], op: ConnOp) -> u64 {
    match effects {
        [Effect::Connector(id, spec)] if spec.op == op => *id,
        other => panic!("expected a {op:?} job, got {other:?}"),
    }
}

/// Answers spec job `id` as a Flow protobuf connector with these schemas would.
pub fn answer_spec(
    a: &mut App,
    id: u64,
    config_schema: serde_json::Value,
    resource_schema: serde_json::Value,
) {
    a.update(Msg::Job(
        id,
        JobEvent::Done(Ok(JobOutput::Spec {
            protocol: "flow-proto".into(),
            documentation_url: String::new(),
            config_title: "x".into(),
            resource_title: "y".into(),
            cached: false,
            config_schema,
            resource_schema,
        })),
    ));
}

/// Types `IMAGE`, Enter, and answers the spec.
pub fn connector_step(a: &mut App) {
    type_text(a, IMAGE);
    let id = job(&press(a, &["enter"]), ConnOp::Spec);
    answer_spec(a, id, config_schema(), super::discovery::resource_schema());
    assert_eq!(w(a).step, Step::Name);
}

/// Types `name` after the default prefix (suffix on), Enter: the form opens.
pub fn name_step(a: &mut App, name: &str) {
    press(a, &["down"]);
    type_text(a, name);
    press(a, &["enter"]);
    assert!(matches!(a.screen(), Screen::Form(_)), "{:?}", a.screen());
}

/// In the form: the host typed into the first field.
pub fn type_host(a: &mut App, host: &str) {
    press(a, &["enter"]);
    type_text(a, host);
    press(a, &["enter"]);
}

pub fn discovered(a: &mut App, id: u64, bindings: Vec<DiscoveredBinding>) {
    a.update(Msg::Job(
        id,
        JobEvent::Done(Ok(JobOutput::Discovered {
            protocol: "flow-proto".into(),
            config_schema: config_schema(),
            resource_schema: super::discovery::resource_schema(),
            pointers: vec!["/namespace".into(), "/stream".into()],
            bindings: std::sync::Arc::new(bindings),
        })),
    ));
}

pub fn bindings() -> Vec<DiscoveredBinding> {
    vec![
        super::discovery::binding("orders", &["/id"], false),
        super::discovery::binding("items", &["/id"], false),
    ]
}

/// Connector, name, host, Ctrl-S, the discovery answered: on the Bindings step.
pub fn to_bindings(a: &mut App) {
    connector_step(a);
    name_step(a, "shop");
    type_host(a, "db:5432");
    let id = job(&press(a, &["ctrl-s"]), ConnOp::Discover);
    assert_eq!(w(a).step, Step::Endpoint);
    discovered(a, id, bindings());
    assert_eq!(w(a).step, Step::Bindings);
    assert!(matches!(a.screen(), Screen::Discovered(d) if d.wizard));
}

pub fn config_host(a: &App) -> serde_json::Value {
    w(a).config.as_ref().unwrap().value.expose()["host"].clone()
}
