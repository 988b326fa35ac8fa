//! The merge rules as tables: (the capture's bindings, the discovered bindings) → rows. The
//! cases follow Flow's own (`test_capture_merge_*`, `test_merge_capture_invalid_resource`,
//! `test_merge_collection` in estuary/flow `crates/control-plane-api/src/discovers/specs.rs`)
//! and bindings-and-secrets.md §B.

use serde_json::{json, Value};

use super::*;
use crate::discover::capture::{AutoDiscover, CaptureLocation, ExistingBinding};
use crate::discover::collections::canonical;
use crate::discover::collections::SchemaSummary;

fn capture(bindings: Value, auto: Option<AutoDiscover>) -> CaptureTarget {
    CaptureTarget {
        name: "acmeCo/my-capture".into(),
        location: CaptureLocation::New {
            spec: Default::default(),
        },
        auto_discover: auto,
        bindings: bindings
            .as_array()
            .unwrap()
            .iter()
            .map(|b| ExistingBinding {
                resource: b["resource"].clone(),
                target: b["target"].as_str().unwrap().into(),
                disable: b.get("disable").and_then(Value::as_bool).unwrap_or(false),
            })
            .collect(),
    }
}

fn discovered(bindings: Value) -> Vec<DiscoveredBinding> {
    serde_json::from_value(bindings).unwrap()
}

fn ptrs(p: &[&str]) -> Vec<String> {
    p.iter().map(|s| s.to_string()).collect()
}

/// `status path target selected` per row, for compact expectations.
fn summary(rows: &[Row]) -> Vec<String> {
    rows.iter()
        .map(|r| {
            format!(
                "{} {} {} {}",
                r.status.label(),
                r.path.join("/"),
                r.target,
                if r.selected { "[x]" } else { "[ ]" }
            )
        })
        .collect()
}

struct Case {
    what: &'static str,
    existing: Value,
    discovered: Value,
    auto: Option<AutoDiscover>,
    pointers: &'static [&'static str],
    expect: Result<&'static [&'static str], &'static str>,
}

fn run(c: &Case) {
    let cap = capture(c.existing.clone(), c.auto);
    let got = merge(
        &cap,
        "acmeCo",
        discovered(c.discovered.clone()),
        &ptrs(c.pointers),
    );
    match (&got, &c.expect) {
        (Ok(rows), Ok(want)) => assert_eq!(summary(rows), *want, "{}", c.what),
        (Err(e), Err(want)) => assert!(e.0.contains(want), "{}: {e}", c.what),
        _ => panic!("{}: got {:?}", c.what, got.map(|r| summary(&r))),
    }
}

const AUTO_ADD: Option<AutoDiscover> = Some(AutoDiscover {
    add_new_bindings: true,
    evolve_incompatible_collections: true,
});
const AUTO_UPDATE_ONLY: Option<AutoDiscover> = Some(AutoDiscover {
    add_new_bindings: false,
    evolve_incompatible_collections: false,
});

#[test]
fn binding_rules() {
    let cases = [
        Case {
            what: "create: targets under the capture's prefix, sorted by name, the disable hint deselects",
            existing: json!([]),
            discovered: json!([
                {"recommendedName": "foo", "resourceConfig": {"stream": "foo"}, "key": ["/foo-key"], "documentSchema": {"const": "foo"}},
                {"recommendedName": "bar", "resourceConfig": {"stream": "bar"}, "key": ["/bar-key"], "documentSchema": {"const": "bar"}, "disable": true},
            ]),
            auto: None,
            pointers: &["/stream"],
            expect: Ok(&["new bar acmeCo/bar [ ]", "new foo acmeCo/foo [x]"]),
        },
        Case {
            what: "update: the renamed target survives (matched by path, not name); gone bindings are marked for removal",
            existing: json!([
                {"resource": {"stream": "foo", "modified": 1}, "target": "acmeCo/renamed"},
                {"resource": {"stream": "removed"}, "target": "acmeCo/discarded"},
                {"resource": {"stream": "disabled", "modified": "yup"}, "disable": true, "target": "test/collection/disabled"},
            ]),
            discovered: json!([
                {"recommendedName": "fooName", "resourceConfig": {"stream": "foo"}, "documentSchema": {"const": "discovered"}},
                {"recommendedName": "barName", "resourceConfig": {"stream": "bar"}, "documentSchema": {}},
                {"recommendedName": "disabledName", "resourceConfig": {"stream": "disabled"}, "documentSchema": {}},
            ]),
            auto: AUTO_UPDATE_ONLY,
            pointers: &["/stream"],
            expect: Ok(&[
                "new bar acmeCo/barName [ ]",
                "existing disabled test/collection/disabled [x]",
                "existing foo acmeCo/renamed [x]",
                "gone removed acmeCo/discarded [ ]",
            ]),
        },
        Case {
            what: "paths: absent and null pointer values are skipped; a namespace makes a different path",
            existing: json!([
                {"resource": {"stream": "foo", "modified": 1}, "target": "acmeCo/renamed"},
                {"resource": {"stream": "foo", "namespace": "spacename", "modified": 2}, "target": "acmeCo/renamed-namespaced"},
            ]),
            discovered: json!([
                {"recommendedName": "suggested", "resourceConfig": {"stream": "foo", "namespace": null, "modified": 0}, "documentSchema": {}},
                {"recommendedName": "suggested2", "resourceConfig": {"stream": "foo", "namespace": "spacename", "modified": 0}, "documentSchema": {}},
            ]),
            auto: AUTO_ADD,
            pointers: &["/stream", "/namespace"],
            expect: Ok(&[
                "existing foo acmeCo/renamed [x]",
                "existing foo/spacename acmeCo/renamed-namespaced [x]",
            ]),
        },
        Case {
            what: "_meta.path wins over the pointers, on either side; a discovered resource_path too",
            existing: json!([
                {"resource": {"stream": "renamed-by-hand", "_meta": {"path": ["shop", "orders"]}}, "target": "acmeCo/orders"},
            ]),
            discovered: json!([
                {"recommendedName": "orders", "resourceConfig": {"stream": "orders", "namespace": "shop"}, "documentSchema": {}},
                {"recommendedName": "items", "resourceConfig": {"stream": "x", "_meta": {"path": ["shop", "items"]}}, "documentSchema": {}},
                {"recommendedName": "refunds", "resourceConfig": {"stream": "y"}, "documentSchema": {}, "resourcePath": ["shop", "refunds"]},
            ]),
            auto: None,
            pointers: &["/namespace", "/stream"],
            expect: Ok(&[
                "new shop/items acmeCo/items [x]",
                "existing shop/orders acmeCo/orders [x]",
                "new shop/refunds acmeCo/refunds [x]",
            ]),
        },
        Case {
            what: "names are normalized after sorting on the raw name",
            existing: json!([]),
            discovered: json!([
                {"recommendedName": "some greetings!", "resourceConfig": {"stream": "a"}, "documentSchema": {}},
                {"recommendedName": "Faſt/Carſ", "resourceConfig": {"stream": "b"}, "documentSchema": {}},
            ]),
            auto: None,
            pointers: &["/stream"],
            expect: Ok(&["new b acmeCo/Fast/Cars [x]", "new a acmeCo/some_greetings [x]"]),
        },
        Case {
            what: "addNewBindings: true selects new bindings (but not hinted ones)",
            existing: json!([]),
            discovered: json!([
                {"recommendedName": "a", "resourceConfig": {"stream": "a"}, "documentSchema": {}},
                {"recommendedName": "b", "resourceConfig": {"stream": "b"}, "documentSchema": {}, "disable": true},
            ]),
            auto: AUTO_ADD,
            pointers: &["/stream"],
            expect: Ok(&["new a acmeCo/a [x]", "new b acmeCo/b [ ]"]),
        },
        Case {
            what: "duplicate discovered paths abort",
            existing: json!([]),
            discovered: json!([
                {"recommendedName": "fooName", "resourceConfig": {"stream": "foo"}, "documentSchema": {}},
                {"recommendedName": "fooName2", "resourceConfig": {"stream": "foo"}, "documentSchema": {}},
            ]),
            auto: None,
            pointers: &["/stream"],
            expect: Err("connector discover response includes multiple bindings with the same resource path (foo)"),
        },
        Case {
            what: "duplicate existing paths abort",
            existing: json!([
                {"resource": {"stream": "foo", "modified": 1}, "target": "acmeCo/renamed"},
                {"resource": {"stream": "foo", "modified": 1}, "disable": true, "target": "acmeCo/does-not-exist"},
            ]),
            discovered: json!([]),
            auto: None,
            pointers: &["/stream"],
            expect: Err("existing capture model contains multiple bindings with the same resource path (foo): binding 2 (target acmeCo/does-not-exist)"),
        },
        Case {
            what: "a non-string path value in a discovered binding",
            existing: json!([]),
            discovered: json!([{"recommendedName": "foo", "resourceConfig": {"stream": 7}, "documentSchema": {}}]),
            auto: None,
            pointers: &["/namespace", "/stream"],
            expect: Err("extracting resource path from discovered binding `foo`: resource config includes non-string value at resource path pointer location '/stream'"),
        },
        Case {
            what: "a non-string path value in an existing binding",
            existing: json!([{"resource": {"stream": {"invalid": "yup"}}, "target": "acmeCo/foo"}]),
            discovered: json!([]),
            auto: None,
            pointers: &["/namespace", "/stream"],
            expect: Err("extracting resource path from existing binding at index 0: resource config includes non-string value at resource path pointer location '/stream'"),
        },
        Case {
            what: "an empty recommended name is a protocol error",
            existing: json!([]),
            discovered: json!([{"recommendedName": "  ", "resourceConfig": {"stream": "a"}, "documentSchema": {}}]),
            auto: None,
            pointers: &["/stream"],
            expect: Err("a binding was missing 'recommended_name'"),
        },
        Case {
            what: "no resource path pointers",
            existing: json!([]),
            discovered: json!([]),
            auto: None,
            pointers: &[],
            expect: Err("no resource path pointers"),
        },
        Case {
            what: "a document schema that is not an object",
            existing: json!([]),
            discovered: json!([{"recommendedName": "a", "resourceConfig": {"stream": "a"}, "documentSchema": false}]),
            auto: None,
            pointers: &["/stream"],
            expect: Err("document schema for `a` is not a JSON object"),
        },
    ];
    for c in &cases {
        run(c);
    }
}

#[test]
fn new_rows_carry_the_discovered_resource_and_existing_rows_do_not() {
    let cap = capture(
        json!([{"resource": {"stream": "a", "mode": "mine"}, "target": "acmeCo/a"}]),
        None,
    );
    let rows = merge(
        &cap,
        "acmeCo",
        discovered(json!([
            {"recommendedName": "a", "resourceConfig": {"stream": "a", "mode": "theirs"}, "documentSchema": {}},
            {"recommendedName": "b", "resourceConfig": {"stream": "b", "_meta": {"path": ["b"], "x": 1}}, "documentSchema": {}},
        ])),
        &ptrs(&["/stream"]),
    )
    .unwrap();
    assert!(rows[0].resource.is_none());
    assert_eq!(rows[0].existing, Some(0));
    // `_meta` comes through untouched.
    assert_eq!(
        rows[1].resource.as_ref().unwrap().get(),
        r#"{"stream":"b","_meta":{"path":["b"],"x":1}}"#
    );
}

fn state(key: &[&str], schema: Option<Value>, write: Option<Value>, read: bool) -> CollectionState {
    let sum = |v: Value| SchemaSummary {
        managed: schema::is_managed(&v),
        connector: v
            .get("$defs")
            .and_then(|d| d.get(CONNECTOR_SCHEMA_URL))
            .map(|d| canonical(d).into()),
    };
    CollectionState {
        key: key.iter().map(|s| s.to_string()).collect(),
        schema: schema.map(sum),
        write: write.map(sum),
        read,
    }
}

fn managed(inner: Value) -> Value {
    json!({"$defs": {"flow://connector-schema": inner}, "$ref": "flow://connector-schema"})
}

#[test]
fn collection_effects() {
    let cap = capture(
        json!([
            {"resource": {"stream": "same"}, "target": "acmeCo/same"},
            {"resource": {"stream": "key"}, "target": "acmeCo/key"},
            {"resource": {"stream": "fallback"}, "target": "acmeCo/fallback"},
            {"resource": {"stream": "emptykey"}, "target": "acmeCo/emptykey"},
            {"resource": {"stream": "unmanaged"}, "target": "acmeCo/unmanaged"},
            {"resource": {"stream": "infer"}, "target": "acmeCo/infer"},
            {"resource": {"stream": "rw"}, "target": "acmeCo/rw"},
            {"resource": {"stream": "remote"}, "target": "acmeCo/remote"},
            {"resource": {"stream": "gone"}, "target": "acmeCo/same"},
        ]),
        None,
    );
    let d = |name: &str, key: Value, schema: Value, fallback: bool| json!({"recommendedName": name, "resourceConfig": {"stream": name}, "key": key, "documentSchema": schema, "isFallbackKey": fallback});
    let c42 = json!({"const": 42});
    let m42 = managed(json!({"$id": "flow://connector-schema", "const": 42}));
    let infer = json!({"const": 1, "x-infer-schema": true});
    let rows = merge(
        &cap,
        "acmeCo",
        discovered(json!([
            d("same", json!(["/id"]), c42.clone(), false),
            d("key", json!(["/new"]), c42.clone(), false),
            d("fallback", json!(["/fallback"]), c42.clone(), true),
            d("emptykey", json!([]), c42.clone(), false),
            d("unmanaged", json!(["/id"]), c42.clone(), false),
            d("infer", json!(["/id"]), infer.clone(), false),
            d("rw", json!(["/id"]), c42.clone(), false),
            d("remote", json!(["/id"]), c42.clone(), false),
            d("brandnew", json!(["/id"]), c42.clone(), false),
        ])),
        &ptrs(&["/stream"]),
    );
    let mut rows = rows.unwrap();
    let mut cols = Collections::default();
    cols.insert(
        "acmeCo/same".into(),
        state(&["/id"], Some(m42.clone()), None, false),
    );
    cols.insert(
        "acmeCo/key".into(),
        state(&["/old"], Some(m42.clone()), None, false),
    );
    cols.insert(
        "acmeCo/fallback".into(),
        state(&["/chosen"], Some(m42.clone()), None, false),
    );
    cols.insert(
        "acmeCo/emptykey".into(),
        state(&["/one"], Some(m42.clone()), None, false),
    );
    cols.insert(
        "acmeCo/unmanaged".into(),
        state(&["/id"], Some(json!({"type": "object"})), None, false),
    );
    cols.insert(
        "acmeCo/infer".into(),
        state(&["/id"], Some(m42.clone()), None, false),
    );
    cols.insert(
        "acmeCo/rw".into(),
        state(&["/id"], None, Some(m42.clone()), true),
    );
    compute_effects(&mut rows, &cols);
    let by = |t: &str| {
        rows.iter()
            .find(|r| r.target == t && r.status != Status::Gone)
            .unwrap()
            .effect
    };
    let e = |defined, key_changed, schema| Effect {
        defined,
        key_changed,
        schema,
    };
    use SchemaEffect as S;
    assert_eq!(by("acmeCo/same"), e(true, false, S::Unchanged));
    assert_eq!(by("acmeCo/key"), e(true, true, S::Unchanged));
    assert_eq!(
        by("acmeCo/fallback"),
        e(true, false, S::Unchanged),
        "a fallback key never replaces"
    );
    assert_eq!(
        by("acmeCo/emptykey"),
        e(true, false, S::Unchanged),
        "an empty key never replaces"
    );
    assert_eq!(by("acmeCo/unmanaged"), e(true, false, S::NotManaged));
    assert_eq!(
        by("acmeCo/infer"),
        e(true, false, S::Changed),
        "x-infer-schema splits the schema"
    );
    assert_eq!(
        by("acmeCo/rw"),
        e(true, false, S::Unchanged),
        "only the write schema is compared"
    );
    assert_eq!(
        by("acmeCo/remote"),
        e(false, false, S::None),
        "not in this catalog: left alone"
    );
    assert_eq!(
        by("acmeCo/brandnew"),
        e(false, false, S::Changed),
        "created"
    );
    let gone = rows.iter().find(|r| r.status == Status::Gone).unwrap();
    assert_eq!(gone.effect, e(true, false, S::None));
    // Taking an unmanaged schema over changes it.
    let i = rows
        .iter()
        .position(|r| r.target == "acmeCo/unmanaged")
        .unwrap();
    rows[i].policy = SchemaPolicy::TakeOver;
    assert_eq!(
        effect(&rows[i], cols.get("acmeCo/unmanaged")).schema,
        S::Changed
    );
    // A changed connector schema is a change.
    let mut r = rows[0].clone();
    r.schema = Some(crate::connector::protocol::raw(r#"{"const": 43}"#));
    assert_eq!(effect(&r, cols.get("acmeCo/same")).schema, S::Changed);
}

#[test]
fn the_first_repeated_path_is_named_among_many() {
    let d = |name: &str, stream: &str| {
        json!({"recommendedName": name, "resourceConfig": {"stream": stream},
               "documentSchema": {"type": "object"}, "key": ["/id"]})
    };
    // In Flow's order (by name): a1 (x), b1 (y), b2 (y), c1 (x): b2 is the first repeat.
    let mut bindings: Vec<Value> = (0..2000)
        .map(|i| d(&format!("m{i:04}"), &format!("s{i}")))
        .collect();
    bindings.extend([d("a1", "x"), d("c1", "x"), d("b1", "y"), d("b2", "y")]);
    let err = merge(
        &capture(json!([]), None),
        "acmeCo",
        discovered(Value::Array(bindings)),
        &ptrs(&["/stream"]),
    )
    .unwrap_err();
    assert_eq!(
        err.0,
        "connector discover response includes multiple bindings with the same resource path (y)"
    );
}
