//! The setup wizard (issue 11) without a terminal: keys in, state and effects out. Connector
//! runs are answered with the messages the runtime would send; the files are prepared with
//! the same function the runtime runs.

mod common;

use common::wizard::*;
use common::*;
use flowspec::create::materialization::TargetNaming;
use flowspec::create::Kind;
use flowspec::tui::app::{App, Effect, Msg};
use flowspec::tui::jobs::{ConnOp, JobEvent};
use flowspec::tui::keymap::Context;
use flowspec::tui::overlay::{Confirm, Overlay};
use flowspec::tui::screens::wizard::Step;
use flowspec::tui::screens::Screen;
use flowspec::tui::theme::Theme;
use serde_json::json;

#[test]
fn back_and_forward_keep_every_value() {
    let mut a = wizard(Kind::Capture);
    to_bindings(&mut a);
    // Leave one binding out, then go back to the form: the choice and the config are kept.
    press(&mut a, &["space"]);
    press(&mut a, &["esc"]);
    assert_eq!(w(&a).step, Step::Endpoint);
    assert!(matches!(a.screen(), Screen::Form(_)));
    press(&mut a, &["esc"]);
    assert_eq!(w(&a).step, Step::Name);
    assert_eq!(config_host(&a), "db:5432");
    press(&mut a, &["esc"]);
    assert_eq!(w(&a).step, Step::Connector);
    assert_eq!(w(&a).connector.image.text(), IMAGE);
    // Forward again: the spec is known (no run), the name kept, the form on the config.
    assert!(press(&mut a, &["enter"]).is_empty());
    assert_eq!(w(&a).step, Step::Name);
    assert_eq!(w(&a).full_name(), "acmeCo/shop/source-postgres");
    press(&mut a, &["enter"]);
    let Screen::Form(f) = a.screen() else {
        panic!("the form reopens");
    };
    assert_eq!(f.editor.state.to_json()["host"], "db:5432");
    // The config passed its test already: no new discover, the choices as they were left.
    assert!(press(&mut a, &["ctrl-s"]).is_empty());
    let Screen::Discovered(d) = a.screen() else {
        panic!("the bindings step, got {:?}", a.screen());
    };
    assert_eq!(d.counts.adding, 1, "one of two left out, as before");
    press(&mut a, &["ctrl-s"]);
    assert_eq!(w(&a).step, Step::Review);
    press(&mut a, &["esc"]);
    assert_eq!(w(&a).step, Step::Bindings);
    assert!(matches!(a.screen(), Screen::Discovered(d) if d.counts.adding == 1));
}

#[test]
fn esc_on_the_first_step_leaves_asking_first_when_something_was_typed() {
    let mut a = wizard(Kind::Capture);
    press(&mut a, &["esc"]);
    assert!(
        matches!(a.screen(), Screen::Browse(_)),
        "nothing typed: it just closes"
    );
    let mut a = wizard(Kind::Capture);
    type_text(&mut a, "ghcr.io/x");
    press(&mut a, &["esc"]);
    assert_eq!(a.overlay(), Some(&Overlay::Confirm(Confirm::LeaveWizard)));
    press(&mut a, &["n"]);
    assert_eq!(w(&a).connector.image.text(), "ghcr.io/x", "kept");
    press(&mut a, &["esc", "y"]);
    assert!(matches!(a.screen(), Screen::Browse(_)));
}

#[test]
fn esc_at_each_later_step_goes_back_one() {
    let mut a = wizard(Kind::Capture);
    connector_step(&mut a);
    press(&mut a, &["esc"]);
    assert_eq!(w(&a).step, Step::Connector);
    press(&mut a, &["enter"]);
    name_step(&mut a, "shop");
    type_host(&mut a, "db:5432");
    press(&mut a, &["esc"]);
    assert_eq!(w(&a).step, Step::Name, "Esc in the form: back to the name");
    assert!(matches!(a.screen(), Screen::Wizard(_)));
}

#[test]
fn a_name_already_used_in_the_catalog_is_refused() {
    let mut a = wizard(Kind::Capture);
    connector_step(&mut a);
    assert_eq!(w(&a).name.prefix.text(), "acmeCo/", "the catalog's tenant");
    press(&mut a, &["down"]);
    type_text(&mut a, "sales");
    assert_eq!(w(&a).full_name(), "acmeCo/sales/source-postgres");
    let text = screen(&mut a, 80, 24);
    assert!(text.contains("✗"), "refused while typing:\n{text}");
    press(&mut a, &["enter"]);
    assert_eq!(w(&a).step, Step::Name);
    assert!(w(&a)
        .problem
        .as_deref()
        .is_some_and(|p| p.contains("acmeCo/sales/source-postgres")));
    type_text(&mut a, "2");
    press(&mut a, &["enter"]);
    assert!(matches!(a.screen(), Screen::Form(_)), "a free name goes on");
}

#[test]
fn a_connector_that_fails_spec_says_why_and_what_to_do() {
    let mut a = wizard(Kind::Capture);
    type_text(&mut a, IMAGE);
    let id = job(&press(&mut a, &["enter"]), ConnOp::Spec);
    a.update(Msg::Job(
        id,
        JobEvent::Done(Err(
            "cannot reach a Docker engine at unix:///var/run/docker.sock: no such file".into(),
        )),
    ));
    let wz = w(&a);
    assert_eq!(wz.step, Step::Connector);
    let problem = wz.problem.as_deref().unwrap();
    assert!(problem.contains("Start the Docker engine"), "{problem}");
    assert!(
        a.shared.status.is_none(),
        "shown on the step, not as a key-eating error"
    );
    // Without a tag, nothing runs at all.
    let mut a = wizard(Kind::Capture);
    type_text(&mut a, "ghcr.io/estuary/source-postgres");
    assert!(press(&mut a, &["enter"]).is_empty());
    assert!(w(&a).problem.as_deref().unwrap().contains("has no tag"));
}

#[test]
fn a_discover_that_fails_keeps_the_config_and_enter_edits_it_again() {
    let mut a = wizard(Kind::Capture);
    connector_step(&mut a);
    name_step(&mut a, "shop");
    type_host(&mut a, "db:5432");
    let id = job(&press(&mut a, &["ctrl-s"]), ConnOp::Discover);
    a.update(Msg::Job(
        id,
        JobEvent::Done(Err(
            "the connector reported an error: connection refused".into()
        )),
    ));
    assert_eq!(w(&a).step, Step::Endpoint);
    assert!(w(&a)
        .problem
        .as_deref()
        .unwrap()
        .contains("connection refused"));
    press(&mut a, &["enter"]);
    let Screen::Form(f) = a.screen() else {
        panic!("Enter reopens the form");
    };
    assert_eq!(f.editor.state.to_json()["host"], "db:5432");
    // The same config is tested again (it never passed).
    assert_eq!(job(&press(&mut a, &["ctrl-s"]), ConnOp::Discover), id + 1);
}

#[test]
fn an_invalid_form_is_not_handed_to_the_wizard() {
    let mut a = wizard(Kind::Capture);
    connector_step(&mut a);
    name_step(&mut a, "shop");
    assert!(press(&mut a, &["ctrl-s"]).is_empty(), "host is required");
    assert!(matches!(a.screen(), Screen::Form(_)));
}

#[test]
fn a_validate_that_rejects_a_field_shows_the_error_at_that_field() {
    let mut a = wizard(Kind::Materialization);
    connector_step(&mut a);
    name_step(&mut a, "warehouse");
    type_host(&mut a, "wh:5432");
    let id = job(&press(&mut a, &["ctrl-s"]), ConnOp::Validate);
    a.update(Msg::Job(
        id,
        JobEvent::Done(Err(
            "the connector reported an error: database \"x\" does not exist".into(),
        )),
    ));
    assert_eq!(w(&a).step, Step::Endpoint);
    assert!(w(&a).problem.as_deref().unwrap().contains("does not exist"));
    // The error names `database`: the form is open again, on that field, the error beside it.
    let Screen::Form(f) = a.screen() else {
        panic!("the form reopens, got {:?}", a.screen());
    };
    assert_eq!(
        f.editor.focused().and_then(|r| r.pointer()),
        Some("/database")
    );
    let text = screen(&mut a, 80, 24);
    assert!(text.contains("↳ the connector said:"), "{text}");
    // Accepted this time: the source picker follows.
    validated(&mut a);
    assert_eq!(w(&a).step, Step::Sources);
    assert!(w(&a).failed_field.is_none());
    assert!(matches!(a.screen(), Screen::Sources(_)));
}

#[test]
fn the_review_prepares_every_file_and_y_writes_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = wizard_in(dir.path(), Kind::Capture);
    connector_step(&mut a);
    press(&mut a, &["up"]);
    type_text(&mut a, "acmeCo/");
    name_step(&mut a, "shop");
    type_host(&mut a, "db:5432");
    let id = job(&press(&mut a, &["ctrl-s"]), ConnOp::Discover);
    discovered(&mut a, id, bindings());
    press(&mut a, &["ctrl-s"]);
    assert_eq!(w(&a).step, Step::Review);
    let effects = press(&mut a, &["enter"]);
    let [Effect::PrepareCreate(job)] = effects.as_slice() else {
        panic!("the files are prepared off the UI: {effects:?}");
    };
    let prepared = flowspec::tui::screens::wizard::prepare(job);
    a.update(Msg::CreatePrepared(prepared));
    let Some(Overlay::ApplyCreate(c)) = a.overlay() else {
        panic!("the save diff: {:?}", a.overlay());
    };
    assert_eq!(c.name, "acmeCo/shop/source-postgres");
    let files: Vec<String> = c.writes.iter().map(|w| w.display.clone()).collect();
    assert!(files.iter().any(|f| f == "flow.yaml"), "{files:?}");
    assert!(
        files
            .iter()
            .any(|f| f == "acmeCo/shop/source-postgres.config.yaml"),
        "{files:?}"
    );
    assert!(
        !dir.path().join("flow.yaml").exists(),
        "nothing written before y"
    );
    let effects = press(&mut a, &["y"]);
    assert!(
        matches!(effects.as_slice(), [Effect::Save { writes, .. }] if writes.len() == files.len())
    );
    assert_eq!(
        a.shared.select_after_load.as_deref(),
        Some("acmeCo/shop/source-postgres")
    );
    assert!(a.shared.reload_after_save);
}

#[test]
fn the_keys_shown_are_the_keys_of_the_focused_field() {
    let mut a = wizard(Kind::Capture);
    let c = a.contexts();
    assert!(
        c.contains(&Context::WizardImage) && c.contains(&Context::WizardText),
        "{c:?}"
    );
    press(&mut a, &["up"]);
    let c = a.contexts();
    assert!(
        c.contains(&Context::WizardChoice) && !c.contains(&Context::WizardText),
        "{c:?}"
    );
    let text = screen(&mut a, 80, 24);
    assert!(text.contains("Enter next"), "{text}");
    assert!(text.contains("Esc back"), "{text}");
    // `q` is text in a field, not quit.
    press(&mut a, &["down"]);
    assert!(press(&mut a, &["q"]).is_empty());
    assert_eq!(w(&a).connector.image.text(), "q");
}

#[test]
fn tab_completes_images_of_the_wizard_s_kind() {
    let mut a = wizard(Kind::Capture);
    type_text(&mut a, "source-postg");
    press(&mut a, &["tab"]);
    let image = w(&a).connector.image.text();
    assert!(
        image.starts_with("ghcr.io/estuary/source-postgres"),
        "{image}"
    );
    let mut a = wizard(Kind::Materialization);
    type_text(&mut a, "postgres");
    press(&mut a, &["tab"]);
    let image = w(&a).connector.image.text();
    assert!(image.contains("materialize-postgres"), "{image}");
}

/// The fixture's Snowflake materialization, selected in the detail pane (connectors trusted).
fn materialization_selected() -> App {
    let mut a = trusted_app(&fixture("ui/flow.yaml"), Theme::color());
    press(&mut a, &["/"]);
    type_text(&mut a, "to-snowflake");
    press(&mut a, &["enter", "enter"]);
    a
}

#[test]
fn plus_on_a_materialization_adds_bindings_through_the_save_diff() {
    let mut a = materialization_selected();
    press(&mut a, &["+"]);
    assert!(matches!(a.screen(), Screen::Browse(_)));
    let said = a.shared.status.as_ref().unwrap().text.clone();
    assert!(said.contains("Fetch the connector's spec first"), "{said}");
    let id = job(&press(&mut a, &["s"]), ConnOp::Spec);
    answer_spec(
        &mut a,
        id,
        json!({"type": "object"}),
        json!({
            "type": "object",
            "required": ["table"],
            "properties": {"table": {"type": "string", "x-collection-name": true}}
        }),
    );
    press(&mut a, &["+"]);
    let Screen::Sources(s) = a.screen() else {
        panic!("the picker, got {:?}", a.screen());
    };
    assert!(
        !s.collections.iter().any(|c| c == "acmeCo/sales/orders"),
        "collections it reads already are left out: {:?}",
        s.collections
    );
    press(&mut a, &["/"]);
    type_text(&mut a, "refunds");
    press(&mut a, &["enter", "space", "enter"]);
    let Some(Overlay::Diff { writes, .. }) = a.overlay() else {
        panic!("the save diff, got {:?}", a.overlay());
    };
    assert!(
        writes[0].diff.contains("acmeCo/sales/refunds"),
        "{}",
        writes[0].diff
    );
    assert!(
        writes[0].diff.contains("table: refunds"),
        "{}",
        writes[0].diff
    );
}

#[test]
fn x_removes_a_materialization_binding_after_a_question() {
    let mut a = materialization_selected();
    press(&mut a, &["x"]);
    assert!(matches!(
        a.overlay(),
        Some(Overlay::Confirm(Confirm::RemoveBinding { index: 0, .. }))
    ));
    let text = screen(&mut a, 80, 24);
    assert!(text.contains("binding 1: acmeCo/sales/orders"), "{text}");
    press(&mut a, &["n"]);
    assert!(!a.is_dirty());
    press(&mut a, &["x", "y"]);
    let Some(Overlay::Diff { writes, .. }) = a.overlay() else {
        panic!("the save diff, got {:?}", a.overlay());
    };
    assert!(
        writes[0]
            .diff
            .contains("-      - source: acmeCo/sales/orders"),
        "{}",
        writes[0].diff
    );
}

#[test]
fn a_field_marked_for_encryption_stays_marked_back_and_forth() {
    let mut a = wizard(Kind::Capture);
    connector_step(&mut a);
    name_step(&mut a, "shop");
    type_host(&mut a, "db:5432");
    press(&mut a, &["ctrl-l"]);
    press(&mut a, &["esc"]);
    assert_eq!(w(&a).config.as_ref().unwrap().encrypt, vec!["/host"]);
    press(&mut a, &["enter"]);
    let Screen::Form(f) = a.screen() else {
        panic!("the form reopens");
    };
    assert!(
        f.editor.locks.extra.contains("/host"),
        "{:?}",
        f.editor.locks
    );
    // Valid: the config goes on with the field to encrypt.
    job(&press(&mut a, &["ctrl-s"]), ConnOp::Discover);
    assert_eq!(w(&a).config.as_ref().unwrap().encrypt, vec!["/host"]);
}

#[test]
fn a_changed_config_is_discovered_again_keeping_the_choices() {
    let mut a = wizard(Kind::Capture);
    to_bindings(&mut a);
    // `items` (first row) left out, `orders` renamed.
    press(&mut a, &["space", "down", "n"]);
    for _ in 0..30 {
        press(&mut a, &["backspace"]);
    }
    type_text(&mut a, "acmeCo/shop/orders_v2");
    press(&mut a, &["enter", "esc"]);
    // Back in the form: another host, so the test runs again.
    type_host(&mut a, "2");
    let id = job(&press(&mut a, &["ctrl-s"]), ConnOp::Discover);
    assert_eq!(config_host(&a), "db:54322");
    discovered(&mut a, id, bindings());
    let Screen::Discovered(d) = a.screen() else {
        panic!("the bindings step, got {:?}", a.screen());
    };
    let rows: Vec<(String, bool)> = d
        .discovery
        .rows
        .iter()
        .map(|r| (r.target.clone(), r.selected))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("acmeCo/shop/items".to_string(), false),
            ("acmeCo/shop/orders_v2".to_string(), true)
        ]
    );
}

#[test]
fn a_new_name_after_the_test_merges_the_same_discovery_again() {
    let mut a = wizard(Kind::Capture);
    to_bindings(&mut a);
    press(&mut a, &["space"]);
    press(&mut a, &["esc", "esc"]);
    assert_eq!(w(&a).step, Step::Name);
    press(&mut a, &["down"]);
    type_text(&mut a, "2");
    press(&mut a, &["enter"]);
    // Same config: no connector run, the discovery merged into `acmeCo/shop2/...`.
    assert!(press(&mut a, &["ctrl-s"]).is_empty());
    let Screen::Discovered(d) = a.screen() else {
        panic!("the bindings step, got {:?}", a.screen());
    };
    assert_eq!(d.discovery.capture.name, "acmeCo/shop2/source-postgres");
    let rows: Vec<(&str, bool)> = d
        .discovery
        .rows
        .iter()
        .map(|r| (r.target.as_str(), r.selected))
        .collect();
    assert_eq!(
        rows,
        vec![("acmeCo/shop2/items", false), ("acmeCo/shop2/orders", true)]
    );
}

#[test]
fn another_connector_starts_its_config_afresh() {
    let mut a = wizard(Kind::Capture);
    connector_step(&mut a);
    name_step(&mut a, "shop");
    type_host(&mut a, "db:5432");
    press(&mut a, &["esc", "esc"]);
    assert_eq!(w(&a).step, Step::Connector);
    press(&mut a, &["backspace", "backspace"]);
    type_text(&mut a, "v2");
    let id = job(&press(&mut a, &["enter"]), ConnOp::Spec);
    // Typing while the spec is fetched does not change which connector it belongs to.
    type_text(&mut a, "zzz");
    answer_spec(&mut a, id, config_schema(), json!({"type": "object"}));
    let wz = w(&a);
    assert_eq!(wz.step, Step::Name);
    assert!(wz.config.is_none(), "the old connector's config is dropped");
    assert_eq!(
        wz.spec.as_ref().unwrap().connector,
        flowspec::create::Connector::Image("ghcr.io/estuary/source-postgres:v2".into())
    );
}

#[test]
fn target_naming_is_asked_once_and_a_schema_name_can_be_typed() {
    let mut a = wizard(Kind::Materialization);
    type_text(&mut a, "ghcr.io/estuary/materialize-postgres:v1");
    let id = job(&press(&mut a, &["enter"]), ConnOp::Spec);
    answer_spec(
        &mut a,
        id,
        config_schema(),
        json!({"type": "object", "properties": {
            "table": {"type": "string", "x-collection-name": true},
            "schema": {"type": "string", "x-schema-name": true}
        }}),
    );
    name_step(&mut a, "warehouse");
    type_host(&mut a, "wh:5432");
    validated(&mut a);
    press(&mut a, &["space", "enter"]);
    // Asked once: the default shown, Enter again to go on.
    let Screen::Sources(s) = a.screen() else {
        panic!("still the picker, got {:?}", a.screen());
    };
    assert_eq!(s.naming, Some(TargetNaming::MatchSourceStructure));
    press(&mut a, &["t"]);
    assert_eq!(a.contexts()[0], Context::SourcesSchema);
    press(&mut a, &["backspace"; 6]);
    type_text(&mut a, "analytics");
    press(&mut a, &["enter", "enter"]);
    assert_eq!(w(&a).step, Step::Fields);
    assert_eq!(
        w(&a).materialization.naming,
        Some(TargetNaming::SingleSchema {
            schema: "analytics".into()
        })
    );
}

#[test]
fn a_secret_kept_in_plaintext_is_masked_in_the_diff() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = wizard_in(dir.path(), Kind::Capture);
    type_text(&mut a, IMAGE);
    let id = job(&press(&mut a, &["enter"]), ConnOp::Spec);
    let schema = json!({"type": "object", "required": ["host"], "properties": {
        "host": {"type": "string", "order": 0},
        "password": {"type": "string", "secret": true, "order": 1}
    }});
    answer_spec(&mut a, id, schema, common::discovery::resource_schema());
    type_text(&mut a, "acmeCo/");
    name_step(&mut a, "shop");
    type_host(&mut a, "db:5432");
    press(&mut a, &["down", "enter"]);
    type_text(&mut a, "s3cr3t-canary");
    press(&mut a, &["enter", "ctrl-l", "ctrl-l"]);
    let id = job(&press(&mut a, &["ctrl-s"]), ConnOp::Discover);
    assert!(
        w(&a).config.as_ref().unwrap().encrypt.is_empty(),
        "kept in plaintext"
    );
    discovered(&mut a, id, bindings());
    press(&mut a, &["ctrl-s"]);
    let effects = press(&mut a, &["enter"]);
    let [Effect::PrepareCreate(job)] = effects.as_slice() else {
        panic!("the files are prepared: {effects:?}");
    };
    a.update(Msg::CreatePrepared(
        flowspec::tui::screens::wizard::prepare(job),
    ));
    let Some(Overlay::ApplyCreate(c)) = a.overlay() else {
        panic!("the save diff: {:?}", a.overlay());
    };
    let config = c
        .writes
        .iter()
        .find(|w| w.display.ends_with(".config.yaml"))
        .expect("the config file");
    assert!(
        config.new_text.contains("s3cr3t-canary"),
        "written as chosen"
    );
    assert!(!config.diff.contains("s3cr3t-canary"), "{}", config.diff);
    let text = screen(&mut a, 120, 40);
    assert!(!text.contains("s3cr3t-canary"), "{text}");
}
