//! The writer on real files: merged re-discoveries keep every user edit, fresh discoveries lay
//! out new files like flowctl, and writing the same discovery again changes nothing.

use std::path::Path;

use serde_json::{json, Value};

use super::*;
use crate::catalog::{self, Catalog};
use crate::connector::protocol::DiscoveredBinding;
use crate::discover::{Discovery, SchemaPolicy};
use crate::save::{self, Protected};

fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn load(dir: &Path) -> Catalog {
    let cat = catalog::load(&dir.join("flow.yaml"), &mut |_| {}).unwrap();
    assert!(cat.load_problems.is_empty(), "{:?}", cat.load_problems);
    cat
}

fn discovery(cat: &Catalog, capture: &str, bindings: Value) -> Discovery {
    let (id, _) = cat.find(capture, None).unwrap();
    let d: Vec<DiscoveredBinding> = serde_json::from_value(bindings).unwrap();
    Discovery::from_catalog(cat, id, d, vec!["/namespace".into(), "/stream".into()]).unwrap()
}

fn on_disk(p: &Path) -> bool {
    p.exists()
}

/// Writes `d` into `cat` and saves every changed file.
fn write_and_save(cat: &mut Catalog, d: &Discovery) -> Written {
    let written = write(cat, d, &on_disk).unwrap();
    let writes = save::plan(cat);
    let outcome = save::write_planned(&writes, Protected::Refuse);
    assert!(outcome.is_complete(), "{:?}", outcome.failed);
    written
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

/// A schema of more than 512 bytes of JSON.
fn big_schema() -> Value {
    let props: serde_json::Map<String, Value> = (0..20)
        .map(|i| {
            (
                format!("column_{i:02}"),
                json!({"type": ["string", "null"], "maxLength": 64}),
            )
        })
        .collect();
    json!({"type": "object", "properties": props, "required": ["column_00"]})
}

const ROOT: &str = "\
# The shop.
import:
  - collections.flow.yaml
captures:
  acme/shop/src:
    endpoint: {local: {command: [x], config: {}}}
    bindings:
      # Orders, renamed by hand.
      - resource: { stream: orders, namespace: shop, syncMode: full } # my edit
        target: acme/shop/my-orders
      - resource: { stream: old, namespace: shop }
        target: acme/shop/old
";

const COLLECTIONS: &str = "\
collections:
  acme/shop/my-orders:
    key: [/id]
    # The connector's schema, and my title.
    schema:
      $defs:
        flow://connector-schema: {$id: flow://connector-schema, const: 1}
      $ref: flow://connector-schema
      title: My orders
  acme/shop/old:
    key: [/id]
    schema: {type: object}
";

fn shop_discovery() -> Value {
    json!([
        {"recommendedName": "orders", "resourceConfig": {"stream": "orders", "namespace": "shop", "syncMode": "incremental"}, "documentSchema": {"const": 2}, "key": ["/id"]},
        {"recommendedName": "refunds", "resourceConfig": {"stream": "refunds", "namespace": "shop", "_meta": {"path": ["shop", "refunds"]}}, "documentSchema": big_schema(), "key": ["/order_id", "/refund_id"]},
    ])
}

#[test]
fn a_re_discovery_keeps_every_user_edit_and_writes_only_what_changed() {
    let dir = dir_with(&[("flow.yaml", ROOT), ("collections.flow.yaml", COLLECTIONS)]);
    let mut cat = load(dir.path());
    let d = discovery(&cat, "acme/shop/src", shop_discovery());
    let written = write_and_save(&mut cat, &d);
    assert_eq!(written.plan.removed, vec![1]);
    assert_eq!(
        written.created,
        vec![dir.path().join("refunds.schema.yaml")]
    );
    // The renamed, edited, commented binding is untouched; `old` is gone with its lines;
    // `refunds` comes after, with its `_meta` as the connector gave it, and its resource in
    // flow style like the binding before it.
    assert_eq!(
        read(dir.path(), "flow.yaml"),
        "\
# The shop.
import:
  - collections.flow.yaml
captures:
  acme/shop/src:
    endpoint: {local: {command: [x], config: {}}}
    bindings:
      # Orders, renamed by hand.
      - resource: { stream: orders, namespace: shop, syncMode: full } # my edit
        target: acme/shop/my-orders
      - resource: {stream: refunds, namespace: shop, _meta: {path: [shop, refunds]}}
        target: acme/shop/refunds
"
    );
    // The file that defines acme/shop/ collections receives the new one; its schema, over
    // 512 bytes, goes beside it; only the connector schema of my-orders changes.
    assert_eq!(
        read(dir.path(), "collections.flow.yaml"),
        "\
collections:
  acme/shop/my-orders:
    key: [/id]
    # The connector's schema, and my title.
    schema:
      $defs:
        flow://connector-schema: {$id: flow://connector-schema, const: 2}
      $ref: flow://connector-schema
      title: My orders
  acme/shop/old:
    key: [/id]
    schema: {type: object}
  acme/shop/refunds:
    schema: refunds.schema.yaml
    key:
      - /order_id
      - /refund_id
"
    );
    let schema: Value = serde_json::from_value(
        crate::yaml::parse(&read(dir.path(), "refunds.schema.yaml"))
            .unwrap()
            .to_json(),
    )
    .unwrap();
    assert_eq!(schema["$ref"], "flow://connector-schema");
    let mut embedded = big_schema();
    embedded["$id"] = json!("flow://connector-schema");
    assert_eq!(schema["$defs"]["flow://connector-schema"], embedded);
    // The same discovery again: every row existing, nothing to write.
    let mut again = load(dir.path());
    let d = discovery(&again, "acme/shop/src", shop_discovery());
    assert!(d
        .rows
        .iter()
        .all(|r| r.status == crate::discover::Status::Existing));
    let w = write(&mut again, &d, &on_disk).unwrap();
    assert!(w.plan.is_empty(), "{:?}", w.plan);
    assert!(!again.is_dirty());
}

#[test]
fn a_fresh_discovery_lays_out_new_prefixes_like_flowctl() {
    let dir = dir_with(&[(
        "flow.yaml",
        "captures:\n  acme/new/src:\n    endpoint: {local: {command: [x], config: {}}}\n    bindings: []\n",
    )]);
    let mut cat = load(dir.path());
    let d = discovery(
        &cat,
        "acme/new/src",
        json!([
            {"recommendedName": "b", "resourceConfig": {"stream": "b"}, "documentSchema": {"type": "object", "x-infer-schema": true}, "key": ["/id"]},
            {"recommendedName": "a", "resourceConfig": {"stream": "a"}, "documentSchema": {"type": "object"}, "key": ["/id"]},
        ]),
    );
    let written = write_and_save(&mut cat, &d);
    assert_eq!(
        written.created,
        vec![
            dir.path().join("acme/flow.yaml"),
            // The read schema with Flow's placeholder is over 512 bytes.
            dir.path().join("acme/new/b.read.schema.yaml"),
            dir.path().join("acme/new/flow.yaml")
        ]
    );
    assert_eq!(
        read(dir.path(), "flow.yaml"),
        "captures:\n  acme/new/src:\n    endpoint: {local: {command: [x], config: {}}}\n    bindings:\n      - resource:\n          stream: a\n        target: acme/new/a\n      - resource:\n          stream: b\n        target: acme/new/b\nimport:\n  - acme/flow.yaml\n"
    );
    assert_eq!(
        read(dir.path(), "acme/flow.yaml"),
        "import:\n  - new/flow.yaml\n"
    );
    let new = read(dir.path(), "acme/new/flow.yaml");
    assert!(
        new.starts_with("collections:\n  acme/new/a:\n    schema:\n      $defs:\n        flow://connector-schema:\n          $id: flow://connector-schema\n          type: object\n      $ref: flow://connector-schema\n    key:\n      - /id\n  acme/new/b:\n    writeSchema:\n"),
        "{new}"
    );
    assert!(
        new.contains("    readSchema: b.read.schema.yaml\n"),
        "{new}"
    );
    let read_schema = read(dir.path(), "acme/new/b.read.schema.yaml");
    assert!(
        read_schema.starts_with("$defs:\n  flow://inferred-schema:\n"),
        "{read_schema}"
    );
    let again = load(dir.path());
    assert_eq!(again.counts(), [1, 2, 0, 0]);
    let d = discovery(
        &again,
        "acme/new/src",
        json!([
            {"recommendedName": "b", "resourceConfig": {"stream": "b"}, "documentSchema": {"type": "object", "x-infer-schema": true}, "key": ["/id"]},
            {"recommendedName": "a", "resourceConfig": {"stream": "a"}, "documentSchema": {"type": "object"}, "key": ["/id"]},
        ]),
    );
    assert!(crate::discover::plan::plan(&d).unwrap().is_empty());
}

#[test]
fn keys_reset_inference_and_schema_files_are_updated_where_they_live() {
    let dir = dir_with(&[
        (
            "flow.yaml",
            "captures:\n  acme/src:\n    endpoint: {local: {command: [x], config: {}}}\n    autoDiscover: {addNewBindings: true, evolveIncompatibleCollections: true}\n    bindings:\n      - {resource: {stream: a}, target: acme/a}\n      - {resource: {stream: b}, target: acme/b}\n      - {resource: {stream: c}, target: acme/c}\ncollections:\n  acme/a:\n    key: [/old]\n    schema: a.schema.yaml\n  acme/b:\n    key: [/id]\n    schema: {type: object, title: mine}\n  acme/c:\n    key: [/id]\n    schema: {type: object, title: mine too}\n",
        ),
        (
            "a.schema.yaml",
            "# Managed.\n$defs:\n  flow://connector-schema:\n    $id: flow://connector-schema\n    type: object\n$ref: flow://connector-schema\n",
        ),
    ]);
    let mut cat = load(dir.path());
    let mut d = discovery(
        &cat,
        "acme/src",
        json!([
            {"recommendedName": "a", "resourceConfig": {"stream": "a"}, "documentSchema": {"type": "object", "x-infer-schema": true}, "key": ["/new"]},
            {"recommendedName": "b", "resourceConfig": {"stream": "b"}, "documentSchema": {"type": "object"}, "key": ["/id"]},
            {"recommendedName": "c", "resourceConfig": {"stream": "c"}, "documentSchema": {"type": "object"}, "key": ["/id"]},
        ]),
    );
    // b's schema is not managed: left alone. c's the user takes over.
    assert_eq!(
        d.rows[1].effect.schema,
        crate::discover::SchemaEffect::NotManaged
    );
    d.set_policy(2, SchemaPolicy::TakeOver);
    write_and_save(&mut cat, &d);
    assert_eq!(
        read(dir.path(), "flow.yaml"),
        "captures:\n  acme/src:\n    endpoint: {local: {command: [x], config: {}}}\n    autoDiscover: {addNewBindings: true, evolveIncompatibleCollections: true}\n    bindings:\n      - {resource: {stream: a}, target: acme/a}\n      - {resource: {stream: b}, target: acme/b}\n      - {resource: {stream: c}, target: acme/c}\ncollections:\n  acme/a:\n    key: [/new]\n    reset: true\n    writeSchema: a.schema.yaml\n    readSchema: a.read.schema.yaml\n  acme/b:\n    key: [/id]\n    schema: {type: object, title: mine}\n  acme/c:\n    key: [/id]\n    schema: {$defs: {flow://connector-schema: {$id: flow://connector-schema, type: object}}, $ref: flow://connector-schema}\n"
    );
    // The schema file keeps its comment; only the definition changed.
    assert_eq!(
        read(dir.path(), "a.schema.yaml"),
        "# Managed.\n$defs:\n  flow://connector-schema:\n    $id: flow://connector-schema\n    type: object\n    x-infer-schema: true\n$ref: flow://connector-schema\n"
    );
}

#[test]
fn a_new_capture_is_written_with_its_bindings_where_flowctl_puts_it() {
    let dir = dir_with(&[("flow.yaml", "collections: {}\n")]);
    let mut cat = load(dir.path());
    let mut spec = serde_json::Map::new();
    spec.insert(
        "endpoint".into(),
        json!({"connector": {"image": "ghcr.io/estuary/source-x:v1", "config": {"host": "db"}}}),
    );
    spec.insert(
        "autoDiscover".into(),
        json!({"addNewBindings": true, "evolveIncompatibleCollections": true}),
    );
    let capture = crate::discover::CaptureTarget::new_capture("acme/x/source", spec);
    let bindings: Vec<DiscoveredBinding> = serde_json::from_value(json!([
        {"recommendedName": "t", "resourceConfig": {"stream": "t"}, "documentSchema": {"type": "object"}, "key": ["/id"]},
    ]))
    .unwrap();
    let d = Discovery::new(capture, bindings, vec!["/stream".into()], |_| {
        Default::default()
    })
    .unwrap();
    assert_eq!(d.rows[0].status, crate::discover::Status::New);
    write_and_save(&mut cat, &d);
    let text = read(dir.path(), "acme/x/flow.yaml");
    assert!(
        text.starts_with("captures:\n  acme/x/source:\n    endpoint:\n      connector:\n        image: ghcr.io/estuary/source-x:v1\n        config:\n          host: db\n    autoDiscover:\n      addNewBindings: true\n      evolveIncompatibleCollections: true\n    bindings:\n      - resource:\n          stream: t\n        target: acme/x/t\ncollections:\n  acme/x/t:\n"),
        "{text}"
    );
    assert_eq!(
        read(dir.path(), "flow.yaml"),
        "collections: {}\nimport:\n  - acme/flow.yaml\n"
    );
    let cat = load(dir.path());
    assert_eq!(cat.counts(), [1, 1, 0, 0]);
}

#[test]
fn a_file_on_disk_that_the_catalog_does_not_load_is_never_overwritten() {
    let dir = dir_with(&[
        ("flow.yaml", "captures:\n  acme/new/src:\n    endpoint: {local: {command: [x], config: {}}}\n    bindings: []\n"),
        ("acme/new/flow.yaml", "# someone else's\n"),
    ]);
    let mut cat = load(dir.path());
    let d = discovery(
        &cat,
        "acme/new/src",
        json!([{"recommendedName": "a", "resourceConfig": {"stream": "a"}, "documentSchema": {"type": "object"}, "key": ["/id"]}]),
    );
    let e = write(&mut cat, &d, &on_disk).unwrap_err();
    assert_eq!(
        e,
        "acme/new/flow.yaml exists but is not part of the catalog; import it, or move it away"
    );
    assert!(!cat.is_dirty());
}
