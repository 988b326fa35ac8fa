//! Snapshots of the setup wizard's steps and the source collection picker at 80x24 and 120x40
//! (insta + ratatui's TestBackend).

mod common;

use common::wizard::*;
use common::*;
use flowspec::create::Kind;
use flowspec::tui::app::{App, Msg};
use flowspec::tui::jobs::{ConnOp, JobEvent};
use flowspec::tui::theme::Theme;
use insta::assert_snapshot;

fn both_sizes(name: &str, app: &mut App) {
    assert_snapshot!(format!("{name}_80x24"), screen(app, 80, 24));
    assert_snapshot!(format!("{name}_120x40"), screen(app, 120, 40));
}

#[test]
fn connector_step_with_completions() {
    let mut a = loaded_app(&fixture("ui/flow.yaml"), Theme::color());
    press(&mut a, &["n"]);
    type_text(&mut a, "source-postg");
    press(&mut a, &["tab"]);
    both_sizes("wizard_connector", &mut a);
}

#[test]
fn connector_step_local_command_fetching_the_spec() {
    let mut a = wizard(Kind::Capture);
    press(&mut a, &["up", "right", "down"]);
    type_text(&mut a, "/opt/connectors/source-x --verbose");
    press(&mut a, &["down", "right"]);
    press(&mut a, &["enter"]);
    both_sizes("wizard_connector_local", &mut a);
}

#[test]
fn connector_step_spec_failed() {
    let mut a = wizard(Kind::Capture);
    type_text(&mut a, IMAGE);
    let id = job(&press(&mut a, &["enter"]), ConnOp::Spec);
    a.update(Msg::Job(
        id,
        JobEvent::Done(Err(
            "cannot reach a Docker engine at unix:///var/run/docker.sock: no such file".into(),
        )),
    ));
    both_sizes("wizard_connector_failed", &mut a);
}

#[test]
fn name_step_valid() {
    let mut a = wizard(Kind::Capture);
    connector_step(&mut a);
    press(&mut a, &["down"]);
    type_text(&mut a, "shop");
    both_sizes("wizard_name", &mut a);
}

#[test]
fn name_step_taken() {
    let mut a = wizard(Kind::Capture);
    connector_step(&mut a);
    press(&mut a, &["down"]);
    type_text(&mut a, "sales");
    both_sizes("wizard_name_taken", &mut a);
}

#[test]
fn endpoint_form_and_test() {
    let mut a = wizard(Kind::Capture);
    connector_step(&mut a);
    name_step(&mut a, "shop");
    type_host(&mut a, "db:5432");
    both_sizes("wizard_endpoint_form", &mut a);
    press(&mut a, &["ctrl-s"]);
    both_sizes("wizard_endpoint_testing", &mut a);
}

#[test]
fn bindings_step() {
    let mut a = wizard(Kind::Capture);
    to_bindings(&mut a);
    both_sizes("wizard_bindings", &mut a);
}

#[test]
fn review_step() {
    let mut a = wizard(Kind::Capture);
    to_bindings(&mut a);
    press(&mut a, &["ctrl-s"]);
    type_text(&mut a, "5m");
    both_sizes("wizard_review", &mut a);
}

/// A materialization: connector, name, host, validated; the picker, then fields, review.
fn materialization() -> App {
    let mut a = wizard(Kind::Materialization);
    connector_step(&mut a);
    name_step(&mut a, "warehouse");
    type_host(&mut a, "wh:5432");
    validated(&mut a);
    a
}

#[test]
fn sources_picker() {
    let mut a = materialization();
    press(&mut a, &["space", "down", "space"]);
    both_sizes("wizard_sources", &mut a);
    press(&mut a, &["/"]);
    type_text(&mut a, "ord");
    both_sizes("wizard_sources_filter", &mut a);
}

#[test]
fn sources_link_a_capture() {
    let mut a = materialization();
    press(&mut a, &["c", "space"]);
    both_sizes("wizard_sources_link", &mut a);
}

#[test]
fn fields_and_review_of_a_materialization() {
    let mut a = materialization();
    press(&mut a, &["a", "enter"]);
    both_sizes("wizard_fields", &mut a);
    press(&mut a, &["enter"]);
    both_sizes("wizard_review_materialization", &mut a);
}

#[test]
fn empty_catalog_offers_the_wizard() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = App::new_catalog(
        dir.path().join("flow.yaml"),
        true,
        None,
        false,
        Theme::color(),
    );
    a.shared.shown_path = "flow.yaml".into();
    both_sizes("wizard_start_catalog", &mut a);
    press(&mut a, &["y"]);
    both_sizes("wizard_empty_catalog", &mut a);
}
