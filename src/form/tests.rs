//! Unit tests per schema construct, with small fixtures.

use serde_json::{json, Value};

use super::*;
use crate::connector::demo::capture_config_schema;

fn kind_at<'a>(f: &'a Form, path: &[&str]) -> &'a FormNode {
    let mut n = f.root();
    for k in path {
        n = n
            .field(k)
            .unwrap_or_else(|| panic!("no field {k} in {:?}", n.kind));
    }
    n
}

#[test]
fn demo_schema_fields_in_order_with_annotations() {
    let f = build(&capture_config_schema());
    let keys: Vec<&str> = f.root().fields().iter().map(|f| f.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "address", "database", "user", "auth", "region", "stores", "bindings", "notes",
            "advanced", "fail"
        ]
    );
    let address = kind_at(&f, &["address"]);
    assert!(address.required);
    assert_eq!(
        address.ann.placeholder.as_deref(),
        Some("db.example.internal:5432")
    );
    assert_eq!(address.ann.pattern.as_deref(), Some("^[^\\s:]+:[0-9]+$"));
    assert_eq!(
        kind_at(&f, &["stores"]).kind,
        Kind::Scalar(ScalarType::Integer)
    );
    assert_eq!(
        kind_at(&f, &["stores"])
            .ann
            .maximum
            .as_ref()
            .and_then(|n| n.as_i64()),
        Some(50)
    );
    assert!(
        matches!(kind_at(&f, &["region"]).kind, Kind::Choice { ref options } if options.len() == 3)
    );
    let adv = kind_at(&f, &["advanced"]);
    assert!(adv.ann.advanced && adv.ann.collapsed);
    let Kind::Union(u) = &kind_at(&f, &["auth"]).kind else {
        panic!()
    };
    assert_eq!(u.tag.as_deref(), Some("type"));
    assert!(u.declared);
    assert_eq!(u.variants[1].label, "Private key");
    assert_eq!(u.variants[1].tag_value, Some(json!("private_key")));
    assert!(u.variants[0].node.field("type").unwrap().ann.hidden);
    let pk = u.variants[1].node.field("private_key").unwrap();
    assert!(pk.ann.secret && pk.ann.multiline && pk.required);
}

#[test]
fn refs_merge_sibling_keywords_over_the_target() {
    let f = build(&json!({
        "$defs": {"Adv": {"title": "Inner", "type": "object", "properties": {"x": {"type": "integer"}}}},
        "definitions": {"S": {"type": "string", "title": "S"}},
        "type": "object",
        "required": ["a"],
        "properties": {
            "adv": {"$ref": "#/$defs/Adv", "title": "Advanced Config", "advanced": true, "order": 0},
            "a": {"allOf": [{"$ref": "#/definitions/S"}], "description": "via allOf"},
            "missing": {"$ref": "#/$defs/Nope", "title": "Kept", "type": "boolean"}
        }
    }));
    let adv = kind_at(&f, &["adv"]);
    assert_eq!(adv.label, "Advanced Config");
    assert!(adv.ann.advanced && adv.ann.collapsed);
    assert_eq!(adv.fields()[0].kind, Kind::Scalar(ScalarType::Integer));
    let a = kind_at(&f, &["a"]);
    assert_eq!(
        (a.label.as_str(), a.description.as_deref()),
        ("S", Some("via allOf"))
    );
    assert_eq!(a.kind, Kind::Scalar(ScalarType::String));
    assert_eq!(
        kind_at(&f, &["missing"]).kind,
        Kind::Scalar(ScalarType::Boolean)
    );
}

#[test]
fn recursive_refs_stop_with_a_placeholder() {
    let f = build(&json!({
        "$defs": {"Node": {"type": "object", "properties": {
            "name": {"type": "string"},
            "child": {"$ref": "#/$defs/Node"}
        }}},
        "$ref": "#/$defs/Node"
    }));
    assert_eq!(
        kind_at(&f, &["name"]).kind,
        Kind::Scalar(ScalarType::String)
    );
    assert!(matches!(kind_at(&f, &["child"]).kind, Kind::Recursive(_)));
    let g = build(&json!({"$ref": "#"}));
    assert!(matches!(g.root().kind, Kind::Recursive(_)));
}

#[test]
fn nullable_forms_unwrap_to_the_non_null_type() {
    let f = build(&json!({"type": "object", "properties": {
        "t": {"type": ["string", "null"], "secret": true, "default": null},
        "any": {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}], "title": "Limit", "default": 5},
        "obj": {"oneOf": [{"type": "object", "advanced": true, "properties": {"k": {"type": "string"}}}, {"type": "null"}], "title": "Adv"},
        "big": {"type": "integer", "default": 10737418240_i64}
    }}));
    let t = kind_at(&f, &["t"]);
    assert!(t.nullable && t.ann.secret);
    assert_eq!(t.kind, Kind::Scalar(ScalarType::String));
    let any = kind_at(&f, &["any"]);
    assert!(any.nullable);
    assert_eq!(
        (any.label.as_str(), any.kind.clone()),
        ("Limit", Kind::Scalar(ScalarType::Integer))
    );
    assert_eq!(any.ann.default, Some(json!(5)));
    let obj = kind_at(&f, &["obj"]);
    assert!(obj.nullable && obj.ann.advanced);
    assert!(matches!(obj.kind, Kind::Group { .. }));
    assert_eq!(
        kind_at(&f, &["big"]).ann.default,
        Some(json!(10737418240_i64))
    );
}

#[test]
fn enums_with_titles_keep_raw_values_and_escape_labels() {
    let f = build(&json!({"type": "object", "properties": {
        "delimiter": {"oneOf": [
            {"title": "Auto", "const": null},
            {"const": "\u{b}"},
            {"title": "Tab", "const": "\t", "description": "<b>tab</b>"}
        ]},
        "lit": {"enum": ["only"], "default": "only"},
        "kinds": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}}
    }}));
    let Kind::Choice { options } = &kind_at(&f, &["delimiter"]).kind else {
        panic!()
    };
    assert_eq!(options[0].value, Value::Null);
    assert_eq!(options[0].label, "Auto");
    assert_eq!(options[1].value, json!("\u{b}"));
    assert_eq!(options[1].label, "\\u{b}");
    assert_eq!(options[2].description.as_deref(), Some("tab"));
    assert_eq!(kind_at(&f, &["lit"]).kind, Kind::Const(json!("only")));
    assert!(
        matches!(kind_at(&f, &["kinds"]).kind, Kind::MultiSelect { ref options } if options.len() == 2)
    );
}

fn pydantic_union() -> Value {
    json!({
        "$defs": {
            "OAuth": {"title": "OAuth", "type": "object", "x-oauth2-provider": "google",
                "required": ["credentials_title", "client_id"],
                "properties": {
                    "credentials_title": {"const": "OAuth Credentials", "default": "OAuth Credentials", "type": "string"},
                    "client_id": {"type": "string", "secret": true}
                }},
            "Token": {"title": "Access token", "type": "object",
                "required": ["credentials_title", "access_token"],
                "properties": {
                    "credentials_title": {"enum": ["Private App Credentials"], "type": "string"},
                    "access_token": {"type": "string", "secret": true}
                }}
        },
        "type": "object",
        "required": ["credentials"],
        "properties": {
            "credentials": {
                "title": "Authentication",
                "discriminator": {"propertyName": "credentials_title", "mapping": {
                    "OAuth Credentials": "#/$defs/OAuth", "Private App Credentials": "#/$defs/Token"}},
                "oneOf": [{"$ref": "#/$defs/OAuth"}, {"$ref": "#/$defs/Token"}]
            },
            "start": {"type": "string", "format": "date-time"}
        }
    })
}

#[test]
fn ref_unions_with_mapping_and_no_type() {
    let f = build(&pydantic_union());
    let Kind::Union(u) = &kind_at(&f, &["credentials"]).kind else {
        panic!()
    };
    assert_eq!(u.tag.as_deref(), Some("credentials_title"));
    assert_eq!(u.variants[0].tag_value, Some(json!("OAuth Credentials")));
    assert_eq!(
        u.variants[1].tag_value,
        Some(json!("Private App Credentials"))
    );
    assert_eq!(
        u.variants[0].node.ann.oauth2_provider.as_deref(),
        Some("google")
    );
    assert_eq!(
        kind_at(&f, &["start"]).ann.format.as_deref(),
        Some("date-time")
    );
}

#[test]
fn untagged_unions_infer_the_const_property() {
    let f = build(&json!({"type": "object", "properties": {"format": {
        "type": "object",
        "oneOf": [
            {"title": "CSV", "properties": {"format_type": {"const": "csv"}, "delimiter": {"type": "string"}}},
            {"title": "JSON", "properties": {"format_type": {"const": "json"}}}
        ]
    }}}));
    let Kind::Union(u) = &kind_at(&f, &["format"]).kind else {
        panic!()
    };
    assert_eq!((u.tag.as_deref(), u.declared), (Some("format_type"), false));
}

#[test]
fn root_union_and_union_in_array_items() {
    let root = build(&json!({
        "discriminator": {"propertyName": "type"},
        "oneOf": [
            {"title": "Pull", "type": "object", "properties": {"type": {"const": "pull"}, "every": {"type": "string", "default": "1h"}}},
            {"title": "Push", "type": "object", "properties": {"type": {"const": "push"}}}
        ]
    }));
    assert!(matches!(root.root().kind, Kind::Union(_)));
    let s = root.load(&json!({}));
    assert_eq!(s.value(), &json!({"type": "pull", "every": "1h"}));
    assert_eq!(
        s.to_json(),
        json!({"type": "pull"}),
        "the tag is written, not the default"
    );

    let f = build(&json!({"type": "object", "properties": {"stores": {
        "type": "array", "minItems": 1,
        "items": {"type": "object", "required": ["auth"], "properties": {
            "name": {"type": "string"},
            "auth": {"discriminator": {"propertyName": "kind"}, "oneOf": [
                {"type": "object", "properties": {"kind": {"const": "a", "default": "a"}}},
                {"type": "object", "properties": {"kind": {"const": "b"}, "key": {"type": "string"}}}
            ]}
        }}
    }}}));
    let Kind::List { item } = &kind_at(&f, &["stores"]).kind else {
        panic!()
    };
    assert!(matches!(item.field("auth").unwrap().kind, Kind::Union(_)));
    // A new item gets its discriminator.
    let mut s = f.load(&json!({}));
    s.set("/stores/0", json!({"name": "x"})).unwrap();
    assert_eq!(s.get("/stores/0/auth"), Some(&json!({"kind": "a"})));
    s.switch_variant("/stores/0/auth", 1).unwrap();
    assert_eq!(s.get("/stores/0/auth/kind"), Some(&json!("b")));
}

#[test]
fn maps_and_object_arrays_and_annotations() {
    let f = build(
        &json!({"type": "object", "groups": [{"id": "db"}, {"id": "auth", "title": "Auth"}], "properties": {
            "props": {"type": "object", "additionalProperties": {"type": "string"}},
            "headers": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
            "_meta": {"anyOf": [{"type": "object"}, {"type": "null"}]},
            "hid": {"type": "string", "x-hidden-field": true, "default": "PLACEHOLDER"},
            "ab": {"type": "string", "airbyte_hidden": true},
            "ns": {"type": "string", "readOnly": true, "x-collection-name": true, "x-schema-name": true},
            "d": {"type": "boolean", "x-delta-updates": true},
            "pw": {"type": "string", "airbyte_secret": true, "group": "auth", "always_show": true,
                   "pattern": "^\\d+$", "pattern_descriptor": "digits", "min": 1,
                   "description": "See [docs](https://x.io)"}
        }}),
    );
    assert!(matches!(kind_at(&f, &["props"]).kind, Kind::Map { .. }));
    assert!(
        matches!(kind_at(&f, &["headers"]).kind, Kind::List { ref item } if matches!(item.kind, Kind::Group { .. }))
    );
    assert!(kind_at(&f, &["_meta"]).ann.hidden);
    assert!(kind_at(&f, &["hid"]).ann.hidden && kind_at(&f, &["ab"]).ann.hidden);
    let ns = &kind_at(&f, &["ns"]).ann;
    assert!(ns.read_only && ns.collection_name && ns.schema_name);
    assert!(kind_at(&f, &["d"]).ann.delta_updates);
    let pw = kind_at(&f, &["pw"]);
    assert!(pw.ann.secret && pw.ann.always_show);
    assert_eq!(pw.ann.group.as_deref(), Some("auth"));
    assert_eq!(pw.ann.pattern_descriptor.as_deref(), Some("digits"));
    assert_eq!(pw.description.as_deref(), Some("See docs (https://x.io)"));
    assert_eq!(
        f.root().ann.groups[1],
        ("auth".to_string(), Some("Auth".to_string()))
    );
    // Hidden fields' defaults are still written.
    assert_eq!(f.load(&json!({})).get("/hid"), Some(&json!("PLACEHOLDER")));
}

#[test]
fn never_panics_on_odd_schemas() {
    let mut deep = json!({"type": "string"});
    for _ in 0..500 {
        deep = json!({"type": "object", "properties": {"a": deep}});
    }
    for s in [
        json!(null),
        json!(true),
        json!(5),
        json!("x"),
        json!([]),
        json!({"$ref": "#/nope"}),
        json!({"$ref": 5}),
        json!({"type": 5}),
        json!({"oneOf": []}),
        json!({"oneOf": [true, 5]}),
        json!({"anyOf": [{"type": "null"}]}),
        json!({"enum": []}),
        json!({"$ref": "#/%zz"}),
        json!({"$ref": "#/%e2%82"}),
        json!({"allOf": [{"$ref": "#"}]}),
        json!({"type": "array", "items": [{"type": "string"}]}),
        json!({"discriminator": 5, "oneOf": [{"type": "object"}]}),
        json!({"properties": {"a": {"$ref": "#/properties/a"}}}),
        deep,
    ] {
        let f = build(&s);
        let _ = template(&f);
        let st = f.load(&json!({"a": 1}));
        let _ = st.errors();
        let _ = fill_for_validation(&f, &json!({}));
    }
}

#[test]
fn load_picks_variants_by_tag_and_fills_empty_values_only() {
    let f = build(&capture_config_schema());
    let cfg = json!({
        "zzz_unknown": {"keep": true},
        "address": "db:5432",
        "auth": {"type": "private_key", "private_key": ""},
        "database": "",
        "user": "me",
        "sops": {"mac": "ENC[...]"}
    });
    let s = f.load(&cfg);
    assert_eq!(s.active_variant("/auth"), Some(1));
    let out = s.value();
    // Unknown keys untouched and key order kept; defaults appended.
    let keys: Vec<&String> = out.as_object().unwrap().keys().collect();
    assert_eq!(
        &keys[..6],
        ["zzz_unknown", "address", "auth", "database", "user", "sops"]
    );
    assert_eq!(
        out["database"],
        json!("shop"),
        "the form shows the default for an empty string"
    );
    assert_eq!(out["user"], json!("me"));
    assert_eq!(out["region"], json!("us-east"));
    assert_eq!(out["sops"], cfg["sops"]);
    // What a save writes is the loaded config: the shown defaults are not added.
    assert_eq!(s.to_json(), cfg);
    assert!(s.is_default("/region") && s.is_default("/database"));
    assert!(!s.is_default("/user"));
    // A blank secret does not change the chosen variant.
    assert_eq!(s.node_at("/auth/private_key").unwrap().label, "Private key");
    assert!(s.errors().iter().all(|e| e.pointer != "/auth/password"));
}

#[test]
fn set_clear_and_switch_variant() {
    let f = build(&capture_config_schema());
    let mut s = f.load(&json!({}));
    assert_eq!(s.get("/auth"), Some(&json!({"type": "password"})));
    s.set("/auth/password", json!("hunter2")).unwrap();
    s.set("/address", json!("db:1")).unwrap();
    assert!(s.errors().is_empty(), "{:?}", s.errors());
    assert_eq!(
        s.switch_would_discard("/auth", 1),
        vec!["password".to_string()]
    );
    let lost = s.switch_variant("/auth", 1).unwrap();
    assert_eq!(lost, vec![("password".to_string(), json!("hunter2"))]);
    assert_eq!(s.get("/auth"), Some(&json!({"type": "private_key"})));
    assert!(s
        .errors()
        .iter()
        .any(|e| e.pointer == "/auth/private_key" && e.message == "Private key is required"));
    assert!(matches!(
        s.switch_variant("/address", 0),
        Err(EditError::NotAUnion(_))
    ));
    assert!(matches!(
        s.switch_variant("/auth", 7),
        Err(EditError::NoSuchVariant(..))
    ));
    // Clearing a field with a default restores it; without one removes the key.
    s.set("/stores", json!(9)).unwrap();
    s.clear("/stores");
    assert_eq!(s.get("/stores"), Some(&json!(3)));
    s.clear("/address");
    assert_eq!(s.get("/address"), None);
    s.set("/advanced/tables/0", json!("t1")).unwrap();
    s.set("/advanced/tables/1", json!("t2")).unwrap();
    s.clear("/advanced/tables/0");
    assert_eq!(s.get("/advanced/tables"), Some(&json!(["t2"])));
}

#[test]
fn switching_keeps_values_the_new_variant_also_has() {
    let f = build(&json!({"type": "object", "properties": {"c": {
        "discriminator": {"propertyName": "t"},
        "oneOf": [
            {"type": "object", "properties": {"t": {"const": "a"}, "host": {"type": "string"}, "x": {"type": "string"}}},
            {"type": "object", "properties": {"t": {"const": "b"}, "host": {"type": "string"}, "y": {"type": "integer", "default": 2}}}
        ]
    }}}));
    let mut s = f.load(&json!({"c": {"t": "a", "host": "h", "x": "1", "other": true}}));
    let lost = s.switch_variant("/c", 1).unwrap();
    assert_eq!(lost, vec![("x".to_string(), json!("1"))]);
    assert_eq!(
        s.get("/c"),
        Some(&json!({"t": "b", "host": "h", "other": true, "y": 2}))
    );
}

#[test]
fn errors_are_attached_to_fields_in_words() {
    let f = build(
        &json!({"type": "object", "required": ["port", "name", "n"], "properties": {
            "port": {"title": "Port", "type": "integer", "minimum": 1},
            "name": {"type": "string", "pattern": "^[a-z]+$", "pattern_descriptor": "lowercase letters"},
            "raw": {"type": "string", "pattern": "^x$"},
            "n": {"type": ["integer", "null"]},
            "mode": {"type": "string", "oneOf": [{"const": "a", "title": "Alpha"}, {"const": "b", "title": "Beta"}]},
            "big": {"type": "integer", "maximum": 20000000000_i64}
        }}),
    );
    let mut s = f.load(&json!({}));
    let msgs: Vec<(String, String)> = s
        .errors()
        .iter()
        .map(|e| (e.pointer.clone(), e.message.clone()))
        .collect();
    assert!(
        msgs.contains(&("/port".into(), "Port is required".into())),
        "{msgs:?}"
    );
    assert!(msgs.contains(&("/name".into(), "name is required".into())));
    s.set("/port", json!(1.5)).unwrap();
    s.set("/name", json!("ABC")).unwrap();
    s.set("/raw", json!("y")).unwrap();
    s.set("/n", json!("seven")).unwrap();
    s.set("/mode", json!("c")).unwrap();
    s.set("/big", json!(10737418240_i64)).unwrap();
    fn at(s: &FormState, p: &str) -> Vec<String> {
        s.errors_at(p).map(|e| e.message.clone()).collect()
    }
    assert_eq!(at(&s, "/port"), ["must be a whole number"]);
    assert_eq!(at(&s, "/name"), ["must look like lowercase letters"]);
    assert_eq!(at(&s, "/raw"), ["must match the pattern ^x$"]);
    assert_eq!(at(&s, "/n"), ["must be a whole number"]);
    assert_eq!(at(&s, "/mode"), ["must be one of: Alpha, Beta"]);
    assert!(at(&s, "/big").is_empty());
    s.set("/port", json!(0)).unwrap();
    assert_eq!(at(&s, "/port"), ["must be at least 1"]);
}

#[test]
fn template_fills_defaults_and_comments_required_fields() {
    let f = build(&capture_config_schema());
    let t = template(&f);
    assert!(
        t.contains("# address:  # required: Address (text), e.g. db.example.internal:5432"),
        "{t}"
    );
    assert!(t.contains("database: shop"), "{t}");
    assert!(t.contains("auth:  # Password (or: Private key)"), "{t}");
    assert!(t.contains("  type: password"), "{t}");
    assert!(
        t.contains("  # password:  # required: Password (secret text)"),
        "{t}"
    );
    let v: Value = serde_yaml::from_str(&t).unwrap();
    assert_eq!(&v, f.load(&json!({})).value());
    let filled = fill_for_validation(&f, &v);
    assert!(f.load(&filled).errors().is_empty());
}

#[test]
fn config_schema_of_accepts_spec_responses() {
    let schema = json!({"type": "object"});
    assert_eq!(config_schema_of(&json!({"configSchema": schema})), &schema);
    assert_eq!(
        config_schema_of(&json!({"connectionSpecification": schema})),
        &schema
    );
    assert_eq!(config_schema_of(&schema), &schema);
}

#[test]
fn saves_write_the_users_edits_and_what_validity_needs_not_untouched_defaults() {
    let f = build(&crate::connector::demo::materialize_config_schema());
    let loaded = json!({"address": "w:5432", "database": "analytics"});
    let mut s = f.load(&loaded);
    assert_eq!(s.to_json(), loaded, "opening adds nothing");
    assert_eq!(s.get("/user"), Some(&json!("flow_materialize")), "shown");
    assert!(s.is_default("/user") && s.is_default("/hard_delete") && s.is_default("/fail"));
    s.set("/password", json!("pw")).unwrap();
    assert_eq!(
        s.to_json(),
        json!({"address": "w:5432", "database": "analytics", "password": "pw"})
    );
    assert!(!s.is_default("/password"));
    // Setting a field inside an optional section writes the section with just that field.
    s.set("/advanced/ssl_mode", json!("disable")).unwrap();
    assert_eq!(s.to_json()["advanced"], json!({"ssl_mode": "disable"}));

    // Required fields and union tags are written: the config needs them.
    let f = build(&capture_config_schema());
    let s = f.load(&json!({}));
    let written = s.to_json();
    assert_eq!(
        written["database"],
        json!("shop"),
        "required, with a default"
    );
    assert_eq!(
        written["auth"],
        json!({"type": "password"}),
        "a required union's tag"
    );
    assert!(
        written.get("region").is_none(),
        "optional default not written"
    );
    assert_eq!(s.get("/region"), Some(&json!("us-east")));
}

#[test]
fn validation_checks_what_would_be_written() {
    let f = build(&json!({"type": "object", "required": ["a"], "properties": {
        "a": {"type": "string"},
        "n": {"type": "integer", "default": 3}
    }}));
    let mut s = f.load(&json!({}));
    let errors: Vec<&str> = s.errors().iter().map(|e| e.pointer.as_str()).collect();
    assert_eq!(errors, ["/a"]);
    s.set("/a", json!("x")).unwrap();
    assert!(s.errors().is_empty());
    assert_eq!(s.to_json(), json!({"a": "x"}));
}
