//! A discovery of the UI fixture's `acmeCo/sales/source-postgres` answered to the app, and
//! merged, as the runtime would deliver them: the Discovered bindings screen opens on it.

use flowspec::connector::protocol::DiscoveredBinding;
use flowspec::tui::app::{App, Effect, Msg};
use flowspec::tui::jobs::{JobEvent, JobOutput};
use flowspec::tui::screens::discovered::DiscoveredScreen;
use flowspec::tui::screens::Screen;

use super::{press, type_text};

/// One discovered binding of the Postgres-like fixture connector.
pub fn binding(stream: &str, key: &[&str], disable: bool) -> DiscoveredBinding {
    let json = serde_json::json!({
        "recommendedName": stream,
        "resourceConfig": {"namespace": "public", "stream": stream, "mode": "incremental",
                           "_meta": {"path": ["public", stream]}},
        "documentSchema": {"type": "object", "properties": {"id": {"type": "integer"},
                           "email": {"type": "string"}}, "required": ["id"]},
        "key": key,
        "disable": disable,
    });
    serde_json::from_str(&json.to_string()).unwrap()
}

/// The connector's resource config schema (what the form is built from).
pub fn resource_schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "namespace": {"type": "string", "title": "Namespace"},
            "stream": {"type": "string", "title": "Stream"},
            "mode": {"type": "string", "title": "Mode", "enum": ["incremental", "snapshot"]}
        },
        "required": ["stream"]
    })
}

/// orders (bound), customers (bound; its key changes), shipments (new), audit_log (new, the
/// connector hints it be left disabled); refunds is bound and no longer discovered.
pub fn fixture_bindings() -> Vec<DiscoveredBinding> {
    vec![
        binding("orders", &["/id"], false),
        binding("customers", &["/id", "/email"], false),
        binding("shipments", &["/id"], false),
        binding("audit_log", &["/id"], true),
    ]
}

/// Selects the fixture's Postgres capture, presses `d` and answers the run with `bindings`;
/// the merge then runs as the runtime runs it.
pub fn discover(app: &mut App, bindings: Vec<DiscoveredBinding>) {
    let job = discover_unmerged(app, bindings);
    let merged = flowspec::tui::discovery_merge::run(job);
    app.update(Msg::DiscoveryMerged(Box::new(merged)));
    assert!(!app.shared.merging);
}

/// [`discover`] up to the merge, which is returned to be run (or not) by the caller.
pub fn discover_unmerged(
    app: &mut App,
    bindings: Vec<DiscoveredBinding>,
) -> flowspec::tui::discovery_merge::MergeJob {
    discover_unmerged_with(app, bindings, resource_schema())
}

/// [`discover`] with the connector's resource config schema given.
pub fn discover_with(app: &mut App, bindings: Vec<DiscoveredBinding>, schema: serde_json::Value) {
    let job = discover_unmerged_with(app, bindings, schema);
    let merged = flowspec::tui::discovery_merge::run(job);
    app.update(Msg::DiscoveryMerged(Box::new(merged)));
}

/// [`discover_unmerged`] with the connector's resource config schema given.
pub fn discover_unmerged_with(
    app: &mut App,
    bindings: Vec<DiscoveredBinding>,
    resource_schema: serde_json::Value,
) -> flowspec::tui::discovery_merge::MergeJob {
    press(app, &["/"]);
    type_text(app, "source-postgres");
    press(app, &["enter", "enter"]);
    let effects = press(app, &["d"]);
    let [Effect::Connector(id, _)] = effects.as_slice() else {
        panic!("d should run discover: {effects:?}");
    };
    let effects = app.update(Msg::Job(
        *id,
        JobEvent::Done(Ok(JobOutput::Discovered {
            protocol: "flow-json".into(),
            config_schema: serde_json::json!({"type": "object"}),
            resource_schema,
            pointers: vec!["/namespace".into(), "/stream".into()],
            bindings: std::sync::Arc::new(bindings),
        })),
    ));
    // The merge runs in the background.
    let [Effect::MergeDiscovery(job)] = effects.as_slice() else {
        panic!("the answer should be merged: {effects:?}");
    };
    assert!(app.shared.busy(), "the spinner turns while merging");
    *job.clone()
}

/// The Discovered bindings screen, when it is shown.
pub fn shown(app: &App) -> &DiscoveredScreen {
    match app.screen() {
        Screen::Discovered(s) => s,
        other => panic!("expected the Discovered bindings screen, got {other:?}"),
    }
}
