use serde_json::json;

use super::*;

fn postgres_like() -> ResourceAnnotations {
    annotations(&json!({
        "type": "object",
        "properties": {
            "table": {"type": "string", "x-collection-name": true},
            "schema": {"type": "string", "x-schema-name": true},
            "delta_updates": {"type": "boolean", "default": false, "x-delta-updates": true},
            "additional_table_create_sql": {"type": "string", "default": ""}
        }
    }))
}

#[test]
fn annotations_are_found_at_any_depth() {
    let ann = postgres_like();
    assert_eq!(ann.collection_name.as_deref(), Some("/table"));
    assert_eq!(ann.schema_name.as_deref(), Some("/schema"));
    assert_eq!(ann.delta_updates.as_deref(), Some("/delta_updates"));
    let nested = annotations(&json!({"properties": {"target": {"properties": {
        "a/b": {"x-collection-name": true}}}}}));
    assert_eq!(nested.collection_name.as_deref(), Some("/target/a~1b"));
    assert!(!nested.has_schema_name());
    assert_eq!(annotations(&json!(true)), ResourceAnnotations::default());
}

#[test]
fn the_three_strategies_as_flow_names_tables() {
    let match_ = TargetNaming::MatchSourceStructure;
    assert_eq!(
        match_.names("acmeCo/shop/orders"),
        ("orders".into(), "shop".into())
    );
    // A two-part name: the tenant is the schema.
    assert_eq!(
        match_.names("acmeCo/orders"),
        ("orders".into(), "acmeCo".into())
    );
    let single = TargetNaming::SingleSchema {
        schema: "flow".into(),
    };
    assert_eq!(
        single.names("acmeCo/shop/orders"),
        ("orders".into(), "flow".into())
    );
    let prefix = TargetNaming::PrefixTableNames {
        schema: "flow".into(),
        skip_common_defaults: true,
    };
    assert_eq!(
        prefix.names("acmeCo/shop/orders"),
        ("shop_orders".into(), "flow".into())
    );
    assert_eq!(
        prefix.names("acmeCo/public/orders"),
        ("orders".into(), "flow".into())
    );
    let no_skip = TargetNaming::PrefixTableNames {
        schema: "flow".into(),
        skip_common_defaults: false,
    };
    assert_eq!(no_skip.names("acmeCo/dbo/x").0, "dbo_x");
    for n in [match_, single, prefix, no_skip] {
        assert_eq!(TargetNaming::from_json(&n.to_json()), Some(n));
    }
    assert_eq!(TargetNaming::from_json(&json!({"strategy": "other"})), None);
}

#[test]
fn resources_hold_only_the_naming_fields_and_collisions_are_found() {
    let ann = postgres_like();
    let sources = vec![
        "acmeCo/shop/orders".to_string(),
        "acmeCo/archive/orders".to_string(),
        "acmeCo/shop/customers".to_string(),
    ];
    let p = resources(
        &sources,
        Naming::Strategy(&TargetNaming::MatchSourceStructure),
        true,
        &ann,
        &[],
    );
    assert_eq!(
        p.bindings[0].1,
        json!({"table": "orders", "schema": "shop", "delta_updates": true})
    );
    assert!(p.collisions.is_empty());
    let single = TargetNaming::SingleSchema {
        schema: "flow".into(),
    };
    let p = resources(
        &sources,
        Naming::of(Some(&single), &ann, false),
        false,
        &ann,
        &[],
    );
    assert_eq!(
        p.bindings[2].1,
        json!({"table": "customers", "schema": "flow"})
    );
    assert_eq!(
        p.collisions,
        vec![
            "acmeCo/shop/orders, acmeCo/archive/orders all map to table `orders` in schema `flow`"
        ]
    );
    // Against bindings the materialization has already.
    let existing = vec![(
        "acmeCo/x/customers".to_string(),
        json!({"table": "customers", "schema": "flow"}),
    )];
    let p = resources(
        &sources[2..],
        Naming::Strategy(&single),
        false,
        &ann,
        &existing,
    );
    assert_eq!(p.collisions.len(), 1, "{:?}", p.collisions);
    // No x-schema-name: the naming choice does not apply; the table is the last component.
    let plain = annotations(&json!({"properties": {"index": {"x-collection-name": true}}}));
    let p = resources(
        &sources,
        Naming::of(Some(&single), &plain, false),
        true,
        &plain,
        &[],
    );
    assert_eq!(p.bindings[1].1, json!({"index": "orders"}));
    assert_eq!(p.collisions.len(), 1);
    // Linked, without a strategy the connector can take: Flow's controller default.
    let linked = Naming::of(Some(&single), &plain, true);
    assert_eq!(linked, Naming::LinkedDefault);
    let p = resources(&sources, linked, false, &plain, &[]);
    assert_eq!(p.bindings[1].1, json!({"index": "archive_orders"}));
    assert!(p.collisions.is_empty());
    assert_eq!(
        Naming::LinkedDefault.names("acmeCo/public/orders"),
        ("orders".to_string(), None)
    );
}
