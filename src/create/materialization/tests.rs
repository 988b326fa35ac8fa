use std::path::Path;

use serde_json::json;

use super::*;
use crate::catalog::check::CheckOptions;
use crate::create::capture::tests::save_and_reload;
use crate::create::config_text;

const CATALOG: &str = "captures:
  acmeCo/shop/source-demo:
    endpoint: {local: {command: [x], config: {}}}
    bindings:
      - {resource: {stream: orders}, target: acmeCo/shop/orders}
      - {resource: {stream: old}, target: acmeCo/shop/old, disable: true}
      - {resource: {stream: customers}, target: acmeCo/shop/customers}
collections:
  acmeCo/shop/orders: {key: [/id], schema: {type: object, properties: {id: {type: integer}}, required: [id]}}
  acmeCo/shop/old: {key: [/id], schema: {type: object, properties: {id: {type: integer}}, required: [id]}}
  acmeCo/shop/customers: {key: [/id], schema: {type: object, properties: {id: {type: integer}}, required: [id]}}
  acmeCo/archive/orders: {key: [/id], schema: {type: object, properties: {id: {type: integer}}, required: [id]}}
";

fn catalog() -> (tempfile::TempDir, Catalog) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("flow.yaml"), CATALOG).unwrap();
    let cat = crate::catalog::load(&dir.path().join("flow.yaml"), &mut |_| {}).unwrap();
    assert!(cat.load_problems.is_empty());
    (dir, cat)
}

fn ann() -> ResourceAnnotations {
    annotations(&crate::connector::demo::materialize_resource_schema())
}

fn new(sources: Sources) -> NewMaterialization {
    NewMaterialization {
        name: "acmeCo/warehouse/materialize-demo".into(),
        connector: Connector::Image("ghcr.io/estuary/materialize-postgres:v1".into()),
        config_text: Secret::new(config_text(
            &json!({"address": "wh:5432", "database": "db"}),
        )),
        sources,
        naming: Some(TargetNaming::MatchSourceStructure),
        delta_updates: false,
        fields_recommended: None,
    }
}

fn on_disk(p: &Path) -> bool {
    p.exists()
}

#[test]
fn picked_collections_become_bindings_with_prefilled_resources() {
    let (dir, mut cat) = catalog();
    let mut m = new(Sources::Collections(vec![
        "acmeCo/shop/orders".into(),
        "acmeCo/archive/orders".into(),
    ]));
    m.delta_updates = true;
    m.fields_recommended = Some(json!(1));
    let files = write(&mut cat, &m, &ann(), &on_disk).unwrap();
    assert_eq!(
        files.created[0],
        dir.path()
            .join("acmeCo/warehouse/materialize-demo.config.yaml")
    );
    let cat = save_and_reload(&cat);
    let findings = crate::catalog::check::check(&cat, CheckOptions::default());
    assert!(findings.is_empty(), "{findings:?}");
    let spec = std::fs::read_to_string(dir.path().join("acmeCo/warehouse/flow.yaml")).unwrap();
    assert_eq!(
        spec,
        "materializations:
  acmeCo/warehouse/materialize-demo:
    targetNaming:
      strategy: matchSourceStructure
    endpoint:
      connector:
        image: ghcr.io/estuary/materialize-postgres:v1
        config: materialize-demo.config.yaml
    bindings:
      - resource:
          table: orders
          schema: shop
          delta_updates: true
        source: acmeCo/shop/orders
        fields:
          recommended: 1
      - resource:
          table: orders
          schema: archive
          delta_updates: true
        source: acmeCo/archive/orders
        fields:
          recommended: 1
"
    );
}

#[test]
fn linking_a_capture_adds_its_enabled_bindings_targets() {
    let (dir, mut cat) = catalog();
    assert_eq!(
        linked_sources(&cat, "acmeCo/shop/source-demo").unwrap(),
        vec!["acmeCo/shop/orders", "acmeCo/shop/customers"]
    );
    assert!(linked_sources(&cat, "acmeCo/nope")
        .unwrap_err()
        .contains("no capture"));
    let mut m = new(Sources::Capture("acmeCo/shop/source-demo".into()));
    m.naming = Some(TargetNaming::SingleSchema {
        schema: "flow".into(),
    });
    m.fields_recommended = Some(json!(true));
    let p = preview(&cat, &m, &ann());
    assert_eq!(p.bindings.len(), 2);
    assert_eq!(
        p.bindings[1].1,
        json!({"table": "customers", "schema": "flow"})
    );
    write(&mut cat, &m, &ann(), &on_disk).unwrap();
    let cat = save_and_reload(&cat);
    assert!(crate::catalog::check::check(&cat, CheckOptions::default()).is_empty());
    let spec = std::fs::read_to_string(dir.path().join("acmeCo/warehouse/flow.yaml")).unwrap();
    assert!(
        spec.contains(
            "    source:\n      capture: acmeCo/shop/source-demo\n      fieldsRecommended: true\n    targetNaming:\n      strategy: singleSchema\n      schema: flow\n"
        ),
        "{spec}"
    );
    assert!(!spec.contains("acmeCo/shop/old"), "{spec}");
}

#[test]
fn refusals_leave_the_catalog_unchanged() {
    let (_dir, mut cat) = catalog();
    let before = cat.clone();
    let single = TargetNaming::SingleSchema {
        schema: "flow".into(),
    };
    let mut m = new(Sources::Collections(vec![
        "acmeCo/shop/orders".into(),
        "acmeCo/archive/orders".into(),
    ]));
    m.naming = Some(single);
    let e = write(&mut cat, &m, &ann(), &on_disk).unwrap_err();
    assert!(
        e.contains("all map to table `orders` in schema `flow`"),
        "{e}"
    );
    let m = new(Sources::Collections(vec!["acmeCo/shop/ordrs".into()]));
    let e = write(&mut cat, &m, &ann(), &on_disk).unwrap_err();
    assert!(e.contains("no collection `acmeCo/shop/ordrs`"), "{e}");
    let m = new(Sources::Collections(vec![]));
    assert!(write(&mut cat, &m, &ann(), &on_disk).is_err());
    let mut m = new(Sources::Collections(vec!["acmeCo/shop/orders".into()]));
    m.name = "acmeCo/shop/orders".into();
    let e = write(&mut cat, &m, &ann(), &on_disk).unwrap_err();
    assert!(e.contains("already a collection"), "{e}");
    let mut m = new(Sources::Collections(vec!["acmeCo/shop/orders".into()]));
    m.delta_updates = true;
    let e = write(&mut cat, &m, &ResourceAnnotations::default(), &on_disk).unwrap_err();
    assert!(e.contains("x-delta-updates"), "{e}");
    assert!(!cat.is_dirty());
    assert_eq!(cat.files.len(), before.files.len());
}

#[test]
fn bindings_are_added_to_and_removed_from_an_existing_materialization() {
    let (dir, mut cat) = catalog();
    let m = new(Sources::Collections(vec!["acmeCo/shop/orders".into()]));
    write(&mut cat, &m, &ann(), &on_disk).unwrap();
    let mut cat = save_and_reload(&cat);
    let (id, _) = cat.find(&m.name, None).unwrap();
    let e = add_bindings(
        &mut cat,
        id,
        &["acmeCo/shop/orders".into()],
        None,
        false,
        None,
        &ann(),
    )
    .unwrap_err();
    assert!(e.contains("materialized already (binding 1)"), "{e}");
    // The spec's own targetNaming names the new binding's schema.
    add_bindings(
        &mut cat,
        id,
        &["acmeCo/shop/customers".into()],
        None,
        false,
        None,
        &ann(),
    )
    .unwrap();
    let file = &cat.files[id.file];
    assert!(
        file.text()
            .contains("      - resource:\n          table: customers\n          schema: shop\n        source: acmeCo/shop/customers\n"),
        "{}",
        file.text()
    );
    let single = TargetNaming::SingleSchema {
        schema: "shop".into(),
    };
    let e = add_bindings(
        &mut cat,
        id,
        &["acmeCo/archive/orders".into()],
        Some(&single),
        false,
        None,
        &ann(),
    )
    .unwrap_err();
    assert!(
        e.contains("acmeCo/shop/orders, acmeCo/archive/orders"),
        "{e}"
    );
    let cat2 = save_and_reload(&cat);
    assert!(crate::catalog::check::check(&cat2, CheckOptions::default()).is_empty());
    let mut cat = cat2;
    let (id, _) = cat.find(&m.name, None).unwrap();
    assert!(remove_binding(&mut cat, id, 2)
        .unwrap_err()
        .contains("2 bindings"));
    remove_binding(&mut cat, id, 0).unwrap();
    let cat = save_and_reload(&cat);
    let text = std::fs::read_to_string(dir.path().join("acmeCo/warehouse/flow.yaml")).unwrap();
    assert!(!text.contains("acmeCo/shop/orders") && text.contains("acmeCo/shop/customers"));
    assert!(crate::catalog::check::check(&cat, CheckOptions::default()).is_empty());
    let (cap, _) = cat.find("acmeCo/shop/source-demo", None).unwrap();
    assert!(remove_binding(&mut cat.clone(), cap, 0)
        .unwrap_err()
        .contains("not a materialization"));
}
