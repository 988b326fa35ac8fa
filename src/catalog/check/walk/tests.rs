//! Unit tests of the catalog-file walker: each rule reported at its node, with its message.

use super::*;
use crate::yaml::parse;

fn run(text: &str) -> Vec<(Code, String)> {
    let root = parse(text).unwrap();
    let (findings, _) = file(Path::new("f.flow.yaml"), &root);
    findings
        .into_iter()
        .map(|f| {
            let d = f.diagnostic;
            (
                f.code,
                format!("{}:{}: {}: {}", d.line, d.col, d.severity, d.message),
            )
        })
        .collect()
}

fn messages(text: &str) -> Vec<String> {
    run(text).into_iter().map(|(_, m)| m).collect()
}

const CAPTURE: &str = "captures:\n  acme/x:\n    endpoint: {connector: {image: 'a/b:v1', config: {}}}\n    bindings: []\n";

#[test]
fn valid_minimal_entities_pass() {
    assert_eq!(messages(CAPTURE), Vec::<String>::new());
    assert!(messages("").is_empty());
    let text = "collections:\n  acme/c: {key: [/id], schema: {type: object}}\n\
        materializations:\n  acme/m:\n    endpoint: {dekaf: {variant: foo, config: {}}}\n    bindings:\n      - source: {name: acme/c, notBefore: '2024-01-31T00:00:00Z'}\n        resource: {topic: c}\n        fields: {recommended: 2}\n\
        tests:\n  acme/t: {steps: [{ingest: {collection: acme/c, documents: []}}]}\n";
    assert_eq!(messages(text), Vec::<String>::new());
}

#[test]
fn unknown_keys_name_the_key_and_help() {
    let m = messages("captures:\n  acme/x:\n    endpoint: {connector: {image: 'a/b:v1', config: {}}}\n    bindigs: []\n");
    assert_eq!(
        m,
        vec!["4:5: error: unknown key `bindigs` in capture `acme/x`; did you mean `bindings`?"]
    );
    let m = messages("foo: 1\n");
    assert!(
        m[0].starts_with("1:1: error: unknown top-level key `foo` (allowed keys: `$schema`"),
        "{m:?}"
    );
}

#[test]
fn old_keys_get_specific_hints() {
    let m = messages("storageMappings: {}\n");
    assert!(
        m[0].contains("unknown top-level key `storageMappings`: storage mappings no longer"),
        "{m:?}"
    );
    let m =
        messages("collections:\n  acme/c:\n    key: [/id]\n    schema: true\n    derivation: {}\n");
    assert!(m[0].contains("old name of `derive`"), "{m:?}");
    let m = messages(
        "captures:\n  acme/x:\n    endpoint: {airbyteSource: {image: x}}\n    bindings: []\n",
    );
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(m[0].contains("`airbyteSource` endpoints no longer exist"));
}

#[test]
fn aliases_are_accepted_with_a_warning() {
    let text = "materializations:\n  acme/m:\n    sourceCapture: acme/x\n    endpoint: {flowSink: {image: 'a/b:v1', config: {}}}\n    bindings:\n      - source: acme/c\n        resource: {}\n        fields: {recommended: true, include: {a: {}}}\n";
    let r = run(text);
    assert_eq!(r.len(), 3, "{r:?}");
    assert!(r
        .iter()
        .all(|(c, m)| *c == Code::Alias && m.contains("warning: `")));
    let r = messages(
        "materializations:\n  acme/m:\n    sourceCapture: acme/x\n    source: acme/x\n    endpoint: {connector: {image: 'a/b:v1', config: {}}}\n    bindings: []\n",
    );
    assert!(
        r[0].contains("has both `sourceCapture` and `source`"),
        "{r:?}"
    );
}

#[test]
fn wrong_types_point_at_the_value() {
    let m = messages(&format!("{CAPTURE}    interval: 5\n"));
    assert_eq!(
        m,
        vec!["5:15: error: `interval` must be a string like `5m`, found an integer"]
    );
    let m = messages("captures:\n  acme/x:\n    endpoint: {connector: {image: 'a/b:v1', config: {}}}\n    bindings: {a: 1}\n");
    assert_eq!(
        m,
        vec!["4:15: error: `bindings` must be a list, found a mapping"]
    );
    let m = messages("collections:\n  acme/c: {key: /id, schema: true}\n");
    assert_eq!(
        m,
        vec!["2:17: error: `key` must be a list of JSON pointers like `[/id]`, found a string"]
    );
    let m = messages("captures:\n  acme/x:\n");
    assert_eq!(
        m,
        vec!["2:9: error: capture `acme/x` must be a mapping, found an empty value (null)"]
    );
}

#[test]
fn durations_and_suggestions() {
    let m = messages(&format!("{CAPTURE}    interval: 1h 30m\n"));
    assert!(
        m[0].contains("is `1h 30m`, which is not a duration"),
        "{m:?}"
    );
    assert!(m[0].ends_with("write it as `90m`"), "{m:?}");
    let m = messages(&format!("{CAPTURE}    interval: 5 fortnights\n"));
    assert!(
        m[0].ends_with("the unit is `s`, `m`, `h` or `d`, as in `90m`"),
        "{m:?}"
    );
    let m = messages("captures:\n  acme/x:\n    endpoint: {connector: {image: 'a/b:v1', config: {}}}\n    bindings: []\n    shards: {maxTxnDuration: '30'}\n");
    assert!(m[0].contains("add a unit, such as `30s`"), "{m:?}");
    let m = messages(&format!("{CAPTURE}    interval: null\n"));
    assert!(m.is_empty(), "{m:?}");
    let m = run(&format!("{CAPTURE}    interval: 99999999999999999999m\n"));
    assert_eq!(m.len(), 1, "{m:?}");
    assert_eq!(m[0].0, Code::Semantic);
    assert!(m[0].1.contains("longer than Flow can count"), "{m:?}");
    let m = run(&format!("{CAPTURE}    interval: \"\u{0665}m\"\n"));
    assert_eq!(m[0].0, Code::Duration, "{m:?}");
    assert!(
        m[0].1.ends_with("write the number with the digits 0 to 9"),
        "{m:?}"
    );
}

#[test]
fn names_and_pointers() {
    let m = messages("collections:\n  acme/has space: {key: [/id], schema: true}\n  /acme/x: {key: [id, /a//b, /a~2], schema: true}\n");
    assert_eq!(m.len(), 5, "{m:?}");
    assert!(m[0].starts_with("2:3: error: invalid catalog name `acme/has space`"));
    assert!(m[1].starts_with("3:3: error: invalid catalog name `/acme/x`"));
    assert!(
        m[2].contains("item 1 of `key` is `id`, which is not a valid JSON pointer: a pointer starts with `/`, as in `/id`"),
        "{m:?}"
    );
    assert!(m[3].contains("empty part"));
    assert!(m[4].contains("`~0`"));
    let m = messages("collections:\n  acme/c:\n    key: [/id]\n    schema: true\n    projections: {/bad: /id, good: {location: 'x'}}\n");
    assert_eq!(m.len(), 2, "{m:?}");
    assert!(m[0].contains("the projection name is `/bad`"), "{m:?}");
    assert!(m[1].contains("`location` is `x`"), "{m:?}");
}

#[test]
fn collection_schema_forms_and_key() {
    let base = "collections:\n  acme/c:\n    key: [/id]\n";
    let m = messages(&format!(
        "{base}    schema: true\n    writeSchema: true\n    readSchema: true\n"
    ));
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(m[0].starts_with("5:5: error: collection `acme/c` has both `schema` and `writeSchema`"));
    let m = messages(&format!("{base}    writeSchema: true\n"));
    assert!(
        m[0].starts_with("4:5: error: collection `acme/c` has `writeSchema` but no `readSchema`")
    );
    let m = messages(&format!("{base}    readSchema: true\n"));
    assert!(m[0].contains("has `readSchema` but no `writeSchema`"));
    let m = messages(&format!("{base}    projections: {{}}\n"));
    assert!(m[0].starts_with("2:3: error: collection `acme/c` has no schema"));
    let r = run("collections:\n  acme/c:\n    schema: true\n");
    assert_eq!(r[0].0, Code::Required);
    assert!(r[0]
        .1
        .starts_with("2:3: error: collection `acme/c` is missing `key`"));
    let r = run("collections:\n  acme/c: {key: [], schema: true}\n");
    assert_eq!(r[0].0, Code::Semantic);
    assert!(r[0].1.contains("`key` must not be empty"));
}

#[test]
fn images_fields_and_local_commands() {
    let r = run("captures:\n  acme/x:\n    endpoint: {connector: {image: ghcr.io/estuary/source-x, config: {}}}\n    bindings: []\n");
    assert_eq!(r[0].0, Code::Image);
    assert!(r[0]
        .1
        .contains("needs a tag or digest, such as `ghcr.io/estuary/source-x:v1`"));
    // A registry port is not a tag; a malformed digest is named.
    let r = run("captures:\n  acme/x:\n    endpoint: {connector: {image: 'localhost:5000/source-x', config: {}}}\n    bindings: []\n");
    assert_eq!(r[0].0, Code::Image);
    assert!(
        r[0].1.contains("such as `localhost:5000/source-x:v1`"),
        "{r:?}"
    );
    let r = run("captures:\n  acme/x:\n    endpoint: {connector: {image: 'a/b@sha256:xyz', config: {}}}\n    bindings: []\n");
    assert_eq!(r[0].0, Code::Image);
    assert!(r[0].1.contains("`sha256:xyz` is not a digest"), "{r:?}");
    let m = messages("materializations:\n  acme/m:\n    endpoint: {connector: {image: 'a/b:v1', config: {}}}\n    bindings:\n      - {source: acme/c, resource: {}, fields: {exclude: [a]}}\n");
    assert_eq!(
        m,
        vec!["5:40: error: `fields` of binding 1 of materialization `acme/m` is missing `recommended`, which is required"]
    );
    let m = messages("materializations:\n  acme/m:\n    endpoint: {connector: {image: 'a/b:v1', config: {}}}\n    bindings:\n      - {source: acme/c, resource: {}, fields: {recommended: -1}}\n");
    assert!(
        m[0].contains("`recommended` must be 0 or more, found -1"),
        "{m:?}"
    );
    let m = messages("materializations:\n  acme/m:\n    endpoint: {connector: {image: 'a/b:v1', config: {}}}\n    bindings:\n      - {source: acme/c, resource: {}, fields: {recommended: yes}}\n");
    assert!(
        m[0].contains(
            "`recommended` must be `true` or `false`, or a whole number, found the string `yes` (write `true`)"
        ),
        "{m:?}"
    );
    let m = messages("captures:\n  acme/x:\n    endpoint: {local: {command: [], config: {}}}\n    bindings: []\n");
    assert!(m[0].contains("`command` must not be empty"), "{m:?}");
    let m = messages("captures:\n  acme/x:\n    endpoint: {local: {command: [a, 1], config: {}}}\n    bindings: []\n");
    assert!(
        m[0].contains("item 2 of `command` must be a string, found an integer"),
        "{m:?}"
    );
    let m = messages(
        "captures:\n  acme/x:\n    endpoint: {dekaf: {variant: x, config: {}}}\n    bindings: []\n",
    );
    assert!(
        m[0].contains("`dekaf` endpoints are only for materializations"),
        "{m:?}"
    );
}

#[test]
fn endpoints_need_exactly_one_variant_and_connectors_ignore_extras() {
    let m = messages("captures:\n  acme/x:\n    endpoint: {}\n    bindings: []\n");
    assert!(
        m[0].contains("`endpoint` of capture `acme/x` needs one of `connector` or `local`"),
        "{m:?}"
    );
    let m = messages("captures:\n  acme/x:\n    endpoint: {connector: {image: 'a:1', config: {}}, local: {command: [x], config: {}}}\n    bindings: []\n");
    assert!(m[0].contains("has both `connector` and `local`"), "{m:?}");
    let r = run("captures:\n  acme/x:\n    endpoint: {connector: {image: 'a:1', config: {}, extra: 1}}\n    bindings: []\n");
    assert_eq!(r[0].0, Code::IgnoredKey);
    assert!(r[0].1.contains("warning: unknown key `extra` in `connector` in `endpoint` of capture `acme/x`; Flow ignores it"), "{r:?}");
}

#[test]
fn bindings_are_named_by_position_and_refs_are_collected() {
    let text = "captures:\n  acme/x:\n    endpoint: {connector: {image: 'a:1', config: {}}}\n    bindings:\n      - {resource: {}, target: acme/a}\n      - {resource: {}, tagret: acme/b}\n      - {resource: {}, target: acme/c, disable: true}\n";
    let root = parse(text).unwrap();
    let (findings, refs) = file(Path::new("f"), &root);
    let m: Vec<_> = findings
        .iter()
        .map(|f| f.diagnostic.message.clone())
        .collect();
    assert_eq!(
        m,
        vec!["unknown key `tagret` in binding 2 of capture `acme/x`; did you mean `target`?"]
    );
    let names: Vec<_> = refs.iter().map(|r| (r.name.as_str(), r.disabled)).collect();
    assert_eq!(names, vec![("acme/a", false), ("acme/c", true)]);
}

#[test]
fn tests_legacy_form_and_steps() {
    let r = run("tests:\n  acme/t:\n    - ingest: {collection: acme/c, documents: []}\n    - verify: {collection: {name: acme/c}, documents: x.yaml}\n");
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(r[0].0, Code::Alias);
    let m = messages(
        "tests:\n  acme/t:\n    steps:\n      - ingest: {collection: acme/c}\n      - check: {}\n",
    );
    assert_eq!(m.len(), 2, "{m:?}");
    assert!(
        m[0].contains("`ingest` in step 1 of test `acme/t` is missing `documents`"),
        "{m:?}"
    );
    assert!(
        m[1].contains("unknown key `check` in step 2 of test `acme/t`"),
        "{m:?}"
    );
}

#[test]
fn derivations_check_using_and_transforms_but_not_lambdas() {
    let text = "collections:\n  acme/d:\n    key: [/id]\n    schema: true\n    derive:\n      using: {sqlite: {migrations: [m.sql]}}\n      transforms:\n        - name: from-c\n          source: acme/c\n          shuffle: any\n          lambda: {anything: [goes, {here: 1}]}\n        - name: bad name\n          source: acme/c\n          shuffle: {key: [/id], lambda: x}\n          readDelay: 1 h\n";
    let m = messages(text);
    assert_eq!(m.len(), 3, "{m:?}");
    assert!(
        m[0].contains("`name` is `bad name`, which is not a valid name"),
        "{m:?}"
    );
    assert!(m[1].contains("has both `key` and `lambda`"), "{m:?}");
    assert!(m[2].contains("write it as `1h`"), "{m:?}");
    let m = messages("collections:\n  acme/d:\n    key: [/id]\n    schema: true\n    derive: {using: {rust: {}}, transforms: []}\n");
    assert!(m[0].contains("unknown key `rust`"), "{m:?}");
}

#[test]
fn target_naming_and_enums() {
    let base = "materializations:\n  acme/m:\n    endpoint: {connector: {image: 'a:1', config: {}}}\n    bindings: []\n";
    assert!(messages(&format!(
        "{base}    targetNaming: {{strategy: singleSchema, schema: s}}\n"
    ))
    .is_empty());
    let m = messages(&format!(
        "{base}    targetNaming: {{strategy: singleSchema}}\n"
    ));
    assert!(
        m[0].contains("missing `schema`, which the `singleSchema` strategy requires"),
        "{m:?}"
    );
    let m = messages(&format!("{base}    onIncompatibleSchemaChange: abrt\n"));
    assert!(m[0].ends_with("did you mean `abort`?"), "{m:?}");
    let r = run(&format!(
        "{base}    source: {{capture: acme/x, targetNaming: leaveEmpty}}\n"
    ));
    assert_eq!(r[0].0, Code::Alias, "{r:?}");
}

#[test]
fn numbers_and_timestamps() {
    let base = "collections:\n  acme/c:\n    key: [/id]\n    schema: true\n";
    let m = messages(&format!(
        "{base}    journals: {{fragments: {{length: 10}}}}\n"
    ));
    assert!(
        m[0].contains("`length` must be between 32 and 4096, found 10"),
        "{m:?}"
    );
    let r = run(&format!(
        "{CAPTURE}    shards: {{hotStandbys: 5000000000}}\n"
    ));
    assert_eq!(r[0].0, Code::Semantic, "{r:?}");
    assert!(is_timestamp("2024-02-29T23:59:59.123+02:00"));
    assert!(!is_timestamp("2023-02-29T00:00:00Z"));
    assert!(!is_timestamp("yesterday"));
    assert!(!is_timestamp("2024-01-31"));
}

#[test]
fn non_mapping_roots_and_odd_keys_do_not_panic() {
    assert_eq!(
        messages("- a\n- b\n"),
        vec!["1:1: error: a catalog must be a mapping, found a list"]
    );
    let m = messages("captures:\n  1: 2\n  [a]: {}\ncollections: [1]\n");
    assert!(m.len() >= 3, "{m:?}");
}
