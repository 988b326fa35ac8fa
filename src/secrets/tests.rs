//! One fixture per construct the secret rules must handle (so a checkout without the shared
//! schema corpus still tests each), and masking by position whatever the YAML style.

use std::path::PathBuf;

use serde_json::{json, Value};

use super::diff::{mask_versions, UNPARSEABLE};
use super::field::{field_may_hold_secret, fields_may_hold_secret, is_secret_field, with_present};
use super::mask::{apply, Span, MASK, MASK_CHANGED};
use super::schema::{locate, may_hold_secret, MAX_STEPS};
use super::sites::{Rule, Schemas};
use crate::catalog::{Catalog, FileRole, SourceFile};

fn secret() -> Value {
    json!({"type": "string", "secret": true})
}

#[test]
fn properties_nested_both_spellings_and_presence() {
    let schema = json!({"properties": {
        "host": {"type": "string"},
        "password": secret(),
        "token": {"type": "string", "airbyte_secret": true},
        "not_secret": {"type": "string", "secret": false},
        "tunnel": {"properties": {"key": secret(), "user": {}}}
    }});
    let cfg = json!({"host": "h", "password": "", "token": null, "not_secret": "x",
                     "tunnel": {"key": "k", "user": "u"}});
    // `""` is present; null is not.
    assert_eq!(locate(&schema, &cfg), vec!["/password", "/tunnel/key"]);
    assert!(locate(&schema, &json!({"host": "h"})).is_empty());
}

#[test]
fn array_items_tuples_and_contains() {
    let schema = json!({"properties": {
        "apiKeys": {"items": {"properties": {"name": {}, "key": secret()}}},
        "pair": {"prefixItems": [{}, secret()], "items": {"properties": {"k": secret()}}},
        "old": {"items": [secret(), {}], "additionalItems": {"properties": {"s": secret()}}},
        "any": {"contains": {"properties": {"c": secret()}}},
        "rest": {"prefixItems": [{}], "unevaluatedItems": secret()}
    }});
    let cfg = json!({
        "apiKeys": [{"name": "a", "key": "k1"}, {"name": "b"}, {"name": "c", "key": "k3"}],
        "pair": ["x", "y", {"k": "z"}],
        "old": ["s0", "x", {"s": "s2"}],
        "any": [{"c": 1}, {"d": 2}],
        "rest": ["a", "b", "c"]
    });
    assert_eq!(
        locate(&schema, &cfg),
        vec![
            "/any/0/c",
            "/apiKeys/0/key",
            "/apiKeys/2/key",
            "/old/0",
            "/old/2/s",
            "/pair/1",
            "/pair/2/k",
            "/rest/1",
            "/rest/2"
        ]
    );
}

#[test]
fn maps_additional_pattern_and_unevaluated_properties() {
    let schema = json!({"properties": {
        "headers": {"additionalProperties": secret()},
        "tokens": {"properties": {"name": {}}, "patternProperties": {"^tok_": secret()}},
        "odd": {"patternProperties": {"(?=x)": secret()}},
        "extra": {"properties": {"a": {}}, "unevaluatedProperties": secret()},
        "declared": {"properties": {"user": {}}, "additionalProperties": secret()}
    }});
    let cfg = json!({
        "headers": {"Authorization": "Bearer x", "X-Other": "y"},
        "tokens": {"name": "n", "tok_a": "1", "other": "2"},
        "odd": {"anything": "v"},
        "extra": {"a": 1, "b": 2},
        "declared": {"user": "u", "pw": "p"}
    });
    assert_eq!(
        locate(&schema, &cfg),
        vec![
            "/declared/pw",
            "/extra/b",
            "/headers/Authorization",
            "/headers/X-Other",
            // A regex the `regex` crate cannot compile (lookahead) matches every key.
            "/odd/anything",
            "/tokens/tok_a"
        ]
    );
}

#[test]
fn every_union_branch_counts_whatever_the_config_matches() {
    let schema = json!({"properties": {
        "creds": {"oneOf": [
            {"properties": {"type": {"const": "pw"}, "password": secret()}},
            {"properties": {"type": {"const": "key"}, "key": secret()}}
        ]},
        "maybe": {"anyOf": [secret(), {"type": "null"}]},
        "wrapped": {"allOf": [{"$ref": "#/$defs/creds"}]},
        "cond": {
            "if": {"properties": {"mode": {"const": "a"}}},
            "then": {"properties": {"a_secret": secret()}},
            "else": {"properties": {"b_secret": secret()}}
        },
        "deps": {"dependentSchemas": {"user": {"properties": {"pass": secret()}}}}
    }, "$defs": {"creds": {"properties": {"token": secret()}}}});
    let cfg = json!({
        // In the `key` branch, but a `password` there is still secret (constraints ignored).
        "creds": {"type": "key", "key": "k", "password": "p"},
        "maybe": "m",
        "wrapped": {"token": "t"},
        "cond": {"mode": "b", "a_secret": "x", "b_secret": "y"},
        "deps": {"pass": "p"}
    });
    assert_eq!(
        locate(&schema, &cfg),
        vec![
            "/cond/a_secret",
            "/cond/b_secret",
            "/creds/key",
            "/creds/password",
            "/deps/pass",
            "/maybe",
            "/wrapped/token"
        ]
    );
}

#[test]
fn refs_of_every_local_form_and_cycles() {
    let schema = json!({
        "properties": {
            "a": {"$ref": "#/$defs/withSecret"},
            "b": {"$ref": "#/definitions/withSecret"},
            "c": {"$ref": "#named"},
            "d": {"$ref": "#/$defs/with%20space"},
            "e": {"$ref": "other.json#/x"},
            "tree": {"$ref": "#/$defs/node"},
            "loop": {"$ref": "#/$defs/loop"}
        },
        "$defs": {
            "withSecret": {"properties": {"s": secret()}},
            "anchored": {"$anchor": "named", "properties": {"s": secret()}},
            "with space": {"properties": {"s": secret()}},
            "node": {"properties": {"key": secret(), "child": {"$ref": "#/$defs/node"}}},
            // A cycle that consumes no config: walked once, no hang.
            "loop": {"allOf": [{"$ref": "#/$defs/loop"}], "properties": {"s": secret()}}
        },
        "definitions": {"withSecret": {"properties": {"s": secret()}}}
    });
    let cfg = json!({
        "a": {"s": 1}, "b": {"s": 2}, "c": {"s": 3}, "d": {"s": 4}, "e": {"s": 5},
        "tree": {"key": "k0", "child": {"child": {"key": "k2"}}},
        "loop": {"s": 6}
    });
    assert_eq!(
        locate(&schema, &cfg),
        vec![
            "/a/s",
            "/b/s",
            "/c/s",
            "/d/s",
            "/loop/s",
            "/tree/child/child/key",
            "/tree/key"
        ]
    );
    // The root itself, through `#`.
    let recursive = json!({"properties": {"next": {"$ref": "#"}, "pw": secret()}});
    assert_eq!(
        locate(&recursive, &json!({"next": {"next": {"pw": "x"}}})),
        vec!["/next/next/pw"]
    );
}

#[test]
fn a_secret_parent_is_one_location_and_nothing_below_it_is_listed() {
    let schema = json!({"properties": {
        "service_account": {"type": "object", "secret": true,
                            "properties": {"inner": secret()}},
        "keys": {"type": "array", "airbyte_secret": true},
        "both": {"anyOf": [{"properties": {"x": secret()}}, {"secret": true}]}
    }});
    let cfg = json!({
        "service_account": {"inner": "a", "other": "b"},
        "keys": ["k1", "k2"],
        "both": {"x": "1", "y": "2"},
    });
    assert_eq!(
        locate(&schema, &cfg),
        vec!["/both", "/keys", "/service_account"]
    );
    let root_secret = json!({"secret": true});
    assert_eq!(locate(&root_secret, &json!({"a": 1})), vec![""]);
}

#[test]
fn hostile_depth_is_bounded_and_masked_as_a_whole() {
    let schema = json!({"properties": {"n": {"$ref": "#"}}});
    let mut cfg = json!("leaf");
    for _ in 0..(MAX_STEPS * 4) {
        cfg = json!({"n": cfg});
    }
    let found = locate(&schema, &cfg);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("/n/n/n"));
    // The name rule is bounded too.
    let found = super::names::locate_by_name(&cfg);
    assert_eq!(found.len(), 1);
}

#[test]
fn schemas_could_hold_secrets_below_a_field() {
    let schema = json!({"properties": {
        "free": {"type": "object", "additionalProperties": {"$ref": "#/$defs/s"}},
        "plain": {"type": "object"},
        "pw": secret(),
        "group": {"type": "object", "secret": true}
    }, "$defs": {"s": secret()}});
    let sub = &schema["properties"]["free"];
    assert!(may_hold_secret(&schema, sub));
    assert!(!may_hold_secret(&schema, &schema["properties"]["plain"]));
    let cfg = json!({"plain": {"api_token": "x"}});
    // Empty or absent fields: secret by where they are.
    assert!(is_secret_field(&schema, &cfg, "/pw"));
    assert!(is_secret_field(&schema, &cfg, "/group/anything"));
    assert!(!is_secret_field(&schema, &cfg, "/plain"));
    // Could hold: by schema below, by a secret-looking key in free-form content.
    assert!(field_may_hold_secret(&schema, &cfg, "/free"));
    assert!(field_may_hold_secret(&schema, &cfg, "/plain"));
    assert!(!field_may_hold_secret(
        &schema,
        &json!({"plain": {"a": 1}}),
        "/plain"
    ));
    // The bulk form (one walk for all of a form's rows) answers the same.
    let pointers: Vec<String> = [
        "/free",
        "/plain",
        "/pw",
        "/group/x",
        "/other",
        "/plain/api_token",
    ]
    .map(String::from)
    .to_vec();
    let one_by_one: std::collections::HashSet<String> = pointers
        .iter()
        .filter(|p| field_may_hold_secret(&schema, &cfg, p))
        .cloned()
        .collect();
    assert_eq!(fields_may_hold_secret(&schema, &cfg, &pointers), one_by_one);
    assert!(!one_by_one.contains("/other"));
    assert_eq!(
        with_present(&json!({"a": null}), "/a/b"),
        json!({"a": {"b": ""}})
    );
    assert_eq!(with_present(&json!({"a": [1]}), "/a/3"), json!({"a": [1]}));
}

#[test]
fn rules_add_the_sops_suffix_and_fall_back_to_names() {
    let schema = json!({"properties": {"password": secret()}});
    let cfg = json!({"password": "p", "api_key": "k", "creds_sops": {"x": "ENC[..]"},
                     "sops": {"mac": "ENC[...]"}});
    assert_eq!(
        Rule::from_schema(Some(&schema)).locate(&cfg),
        vec!["/creds_sops", "/password"],
        "with the schema, names do not count"
    );
    assert_eq!(
        Rule::from_schema(None).locate(&cfg),
        vec!["/api_key", "/creds_sops", "/password"]
    );
    let custom = json!({"a_enc": "ENC[x]", "b": 1, "sops": {"encrypted_suffix": "_enc"}});
    assert_eq!(
        Rule::from_schema(Some(&schema)).locate(&custom),
        vec!["/a_enc"]
    );
    // A whole spec response works as the schema too.
    let spec = json!({"configSchema": schema});
    assert_eq!(
        Rule::from_schema(Some(&spec)).locate(&json!({"password": "x"})),
        vec!["/password"]
    );
}

#[test]
fn masks_merge_and_say_changed() {
    let text = "a: 123456, b: 789";
    let spans = [
        Span {
            start: 3,
            end: 6,
            changed: false,
        },
        Span {
            start: 5,
            end: 9,
            changed: true,
        },
        Span {
            start: 14,
            end: 17,
            changed: false,
        },
    ];
    assert_eq!(apply(text, &spans), format!("a: {MASK_CHANGED}, b: {MASK}"));
    // Offsets inside a character are widened, never split it.
    let text = "k: ééé";
    let out = apply(
        text,
        &[Span {
            start: 4,
            end: 6,
            changed: false,
        }],
    );
    assert_eq!(out, format!("k: {MASK}é"));
}

/// A catalog of one file with `role`, holding `text`.
fn one_file(role: FileRole, text: &str) -> Catalog {
    let path = PathBuf::from("/nonexistent/c.yaml");
    Catalog {
        root: path.clone(),
        root_dir: PathBuf::from("/nonexistent"),
        files: vec![SourceFile::new(path, role, text.to_string())],
        load_problems: Vec::new(),
    }
}

fn indent(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    text.lines()
        .map(|l| format!("{pad}{l}\n"))
        .collect::<String>()
        .trim_end_matches('\n')
        .to_string()
}

fn masked(role: FileRole, old: &str, new: &str, schema: Option<&Value>) -> (String, String) {
    let cat = one_file(role, old);
    let mut schemas = Schemas::none();
    if let Some(s) = schema {
        schemas.add_place(0, Vec::new(), s);
    }
    let (old, new) = mask_versions(&cat, 0, old, new, &schemas);
    (old.into_owned(), new.into_owned())
}

#[test]
fn every_quoting_style_is_masked_by_position() {
    let schema = json!({"properties": {"pw": secret(), "list": {"items": secret()}}});
    let cases = [
        "pw: zqplain value\n",
        "pw: 'zq''single'\n",
        "pw: \"zq\\\"dou\\u0062le\\n\"\n",
        "pw: |\n  zq line 1\n  zq line 2\n\n",
        "pw: >-\n  zq folded\n  zq more\n",
        "pw: &anchor zqanchored\n",
        "{\"pw\": \"zq\\u00e9json\"}",
        "pw: zq multi\n  line plain\n",
        "list: [zq1, 'zq2', \"zq3\"]\n",
        "list:\n- zq1\n- |\n  zq2\n",
        "pw: !!str zqtagged\n",
    ];
    for old in cases {
        let (o, n) = masked(FileRole::Config, old, old, Some(&schema));
        assert!(!o.contains("zq") && o.contains(MASK), "{old:?} -> {o:?}");
        assert_eq!(o, n, "unchanged secrets mask the same");
        // Lines around stay: the next key survives a block scalar's masking, at the same
        // depth or shallower (saphyr's span of a block scalar runs into its indentation).
        if !old.starts_with('{') {
            let with_next = format!("{}\nnext: 1\n", old.trim_end_matches('\n'));
            let (o, _) = masked(FileRole::Config, &with_next, &with_next, Some(&schema));
            assert!(o.ends_with("\nnext: 1\n"), "{o:?}");
            let nested = format!("cfg:\n{}\n  next: 1\nafter: 2\n", indent(old, 2));
            let wrapped = json!({"properties": {"cfg": schema}});
            let (o, _) = masked(FileRole::Config, &nested, &nested, Some(&wrapped));
            assert!(!o.contains("zq"), "{o:?}");
            assert!(o.ends_with("\n  next: 1\nafter: 2\n"), "{o:?}");
        }
    }
}

#[test]
fn a_changed_secret_masks_differently_an_unchanged_one_does_not() {
    let schema = json!({"properties": {"pw": secret(), "other": secret()}});
    let (o, n) = masked(
        FileRole::Config,
        "pw: zqa\nother: zqb\nhost: x\n",
        "pw: zqc\nother: zqb\nhost: y\n",
        Some(&schema),
    );
    assert_eq!(o, format!("pw: {MASK}\nother: {MASK}\nhost: x\n"));
    assert_eq!(n, format!("pw: {MASK_CHANGED}\nother: {MASK}\nhost: y\n"));
    // New secrets: the line is new anyway.
    let (_, n) = masked(
        FileRole::Config,
        "host: x\n",
        "host: x\npw: zq\n",
        Some(&schema),
    );
    assert_eq!(n, format!("host: x\npw: {MASK}\n"));
}

#[test]
fn aliases_mask_the_anchor_they_repeat() {
    let schema = json!({"properties": {"pw": secret(), "note": {}, "creds": secret()}});
    let text = "note: &p zqsecret\npw: *p\nbase: &b {u: zqu}\ncreds: *b\n";
    let (o, _) = masked(FileRole::Config, text, text, Some(&schema));
    assert!(!o.contains("zq"), "{o}");
    // A merge key: the merged entries' text is the anchor's.
    let text = "x-base: &b\n  pw: zqmerged\ncfg:\n  <<: *b\n";
    let schema = json!({"properties": {"cfg": {"properties": {"pw": secret()}}}});
    let (o, _) = masked(FileRole::Config, text, text, Some(&schema));
    assert!(!o.contains("zq"), "{o}");
}

#[test]
fn secret_parents_and_unparseable_versions_show_nothing() {
    let schema = json!({"properties": {"sa": {"type": "object", "secret": true}}});
    let text =
        "sa:\n  type: service_account\n  private_key: |\n    zqkey\n  email: zq@x\nafter: 1\n";
    let (o, _) = masked(FileRole::Config, text, text, Some(&schema));
    assert_eq!(o, format!("sa:\n  {MASK}\nafter: 1\n"));
    let (o, n) = masked(FileRole::Config, "pw: [zq\n", "pw: x\n", Some(&schema));
    assert_eq!(o, UNPARSEABLE);
    assert_eq!(n, "pw: x\n");
}

#[test]
fn catalog_files_mask_inline_configs_by_task_schema_or_names() {
    let text = "\
captures:
  acme/src:
    endpoint:
      connector:
        image: ghcr.io/x/y:v1
        config: {host: h, pw: zq1, api_key: notsecret}
    bindings:
      - resource: {stream: s, token: zq2}
        target: acme/c
materializations:
  acme/dst:
    endpoint: {local: {command: [x], config: {password: zq3}}}
    bindings: []
    triggers:
      config:
        - url: https://x
          payloadTemplate: '{}'
          headers: {Authorization: zq4, X-Id: zq5}
collections:
  acme/derived:
    key: [/id]
    schema: {}
    derive:
      using:
        connector: {image: x/y:v1, config: {secret_key: zq6, region: r}}
      transforms: []
";
    let endpoint = json!({"properties": {"pw": secret()}});
    let resource = json!({"properties": {"token": secret()}});
    let cat = one_file(FileRole::Catalog, text);
    let mut schemas = Schemas::none();
    schemas.add_task("acme/src", Some(&endpoint), Some(&resource));
    let (o, _) = mask_versions(&cat, 0, text, text, &schemas);
    assert!(!o.contains("zq"), "{o}");
    assert!(o.contains("api_key: notsecret"), "the schema decides: {o}");
    assert!(o.contains("region: r"));
    // Without the schema the name rule applies: `pw` is not a secret-looking name.
    let (o, _) = mask_versions(&cat, 0, text, text, &Schemas::none());
    assert!(o.contains("pw: zq1"), "{o}");
    assert!(
        !o.contains("zq2") && !o.contains("zq3") && !o.contains("zq6"),
        "{o}"
    );
}

#[test]
fn config_and_resource_files_take_the_schemas_of_the_tasks_using_them() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "flow.yaml",
        "captures:\n  acme/a:\n    endpoint: {connector: {image: x/y:v1, config: cfg.yaml}}\n    bindings:\n      - {resource: res.yaml, target: acme/c}\n  acme/b:\n    endpoint: {connector: {image: x/z:v1, config: shared.yaml}}\n    bindings: []\n  acme/c:\n    endpoint: {connector: {image: x/z:v1, config: shared.yaml}}\n    bindings: []\n",
    );
    write("cfg.yaml", "pw: zqcfg\nhost: h\n");
    write("res.yaml", "stream: s\npw: zqres\n");
    write("shared.yaml", "pw: zqshared\napi_key: zqkey\n");
    let cat = crate::catalog::load(&dir.path().join("flow.yaml"), &mut |_| {}).unwrap();
    let file = |name: &str| {
        cat.files
            .iter()
            .position(|f| f.path.ends_with(name))
            .unwrap()
    };
    let schema = json!({"properties": {"pw": secret()}});
    let mut schemas = Schemas::none();
    schemas.add_task("acme/a", Some(&schema), Some(&schema));
    schemas.add_task("acme/b", Some(&schema), None);
    let shown = |name: &str, schemas: &Schemas| {
        let text = cat.files[file(name)].text();
        mask_versions(&cat, file(name), text, text, schemas).0
    };
    assert_eq!(
        shown("cfg.yaml", &schemas),
        format!("pw: {MASK}\nhost: h\n")
    );
    assert_eq!(
        shown("res.yaml", &schemas),
        format!("stream: s\npw: {MASK}\n")
    );
    // `pw` is no secret-looking name: without the schema it shows.
    assert!(shown("res.yaml", &Schemas::none()).contains("zqres"));
    // Shared by a task with a schema and one without: both rules apply.
    assert_eq!(
        shown("shared.yaml", &schemas),
        format!("pw: {MASK}\napi_key: {MASK}\n")
    );
}
