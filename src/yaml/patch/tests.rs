use super::*;
use crate::yaml::tree::{self, Value};
use serde_json::json;

fn key(k: &str) -> PathSeg {
    PathSeg::key(k)
}

fn diff_lines(a: &str, b: &str) -> (Vec<String>, Vec<String>) {
    let d = similar::TextDiff::from_lines(a, b);
    let mut removed = vec![];
    let mut added = vec![];
    for c in d.iter_all_changes() {
        match c.tag() {
            similar::ChangeTag::Delete => removed.push(c.value().to_string()),
            similar::ChangeTag::Insert => added.push(c.value().to_string()),
            similar::ChangeTag::Equal => {}
        }
    }
    (removed, added)
}

const CATALOG: &str = "# top comment\ncaptures:\n  acme/src:   # trailing\n    endpoint:\n      connector: {image: 'x:v1', config: c.yaml}\n    bindings:\n      - resource: {stream: a}\n        target: acme/a\n\n      - resource:\n          stream: b\n        target: acme/b   # note\n        disable: true\n      - {resource: {stream: c}, target: acme/c}\n";

#[test]
fn verification_rejects_any_other_change() {
    let edit = Edit::Set {
        map: vec![key("a")],
        key: "x".into(),
        value: json!(true),
    };
    let before = tree::parse("a: {y: 1}\nb: [1, 2]\n").unwrap();
    let good = tree::parse("a: {y: 1, x: true}\nb: [1, 2]\n").unwrap();
    let elsewhere = tree::parse("a: {y: 1, x: true}\nb: [1, 3]\n").unwrap();
    let sibling = tree::parse("a: {y: 2, x: true}\nb: [1, 2]\n").unwrap();
    let wrong_value = tree::parse("a: {y: 1, x: false}\nb: [1, 2]\n").unwrap();
    assert!(verify(&before, &good, &edit));
    assert!(!verify(&before, &elsewhere, &edit));
    assert!(!verify(&before, &sibling, &edit));
    assert!(!verify(&before, &wrong_value, &edit));
}

#[test]
fn inserting_a_key_adds_exactly_one_line() {
    let path = vec![
        key("captures"),
        key("acme/src"),
        key("bindings"),
        PathSeg::Index(0),
    ];
    let out = apply(
        CATALOG,
        &[Edit::Set {
            map: path,
            key: "disable".into(),
            value: json!(true),
        }],
    )
    .unwrap();
    let (removed, added) = diff_lines(CATALOG, &out);
    assert!(removed.is_empty());
    assert_eq!(added, vec!["        disable: true\n"]);
}

#[test]
fn removing_a_key_removes_exactly_its_line() {
    let path = vec![
        key("captures"),
        key("acme/src"),
        key("bindings"),
        PathSeg::Index(1),
    ];
    let out = apply(
        CATALOG,
        &[Edit::Remove {
            map: path,
            key: "disable".into(),
        }],
    )
    .unwrap();
    let (removed, added) = diff_lines(CATALOG, &out);
    assert_eq!(removed, vec!["        disable: true\n"]);
    assert!(added.is_empty());
}

#[test]
fn flow_mappings_are_edited_inline() {
    let path = vec![
        key("captures"),
        key("acme/src"),
        key("bindings"),
        PathSeg::Index(2),
    ];
    let out = apply(
        CATALOG,
        &[Edit::Set {
            map: path.clone(),
            key: "disable".into(),
            value: json!(true),
        }],
    )
    .unwrap();
    assert!(out.contains("- {resource: {stream: c}, target: acme/c, disable: true}\n"));
    let back = apply(
        &out,
        &[Edit::Remove {
            map: path,
            key: "disable".into(),
        }],
    )
    .unwrap();
    assert_eq!(back, CATALOG);
}

#[test]
fn replacing_a_scalar_keeps_the_rest_of_the_line() {
    let path = vec![
        key("captures"),
        key("acme/src"),
        key("bindings"),
        PathSeg::Index(1),
    ];
    let out = apply(
        CATALOG,
        &[Edit::Set {
            map: path,
            key: "target".into(),
            value: json!("acme/b2"),
        }],
    )
    .unwrap();
    assert!(out.contains("        target: acme/b2   # note\n"));
}

#[test]
fn replacing_a_quoted_scalar_keeps_its_comment() {
    let text = "a: \"x\"  # why\nb: 'y' # too\n";
    let out = apply(
        text,
        &[
            Edit::Set {
                map: vec![],
                key: "a".into(),
                value: json!("z"),
            },
            Edit::Set {
                map: vec![],
                key: "b".into(),
                value: json!(true),
            },
        ],
    )
    .unwrap();
    assert_eq!(out, "a: \"z\"  # why\nb: true # too\n");
}

#[test]
fn crlf_files_stay_crlf() {
    let text = "a:\r\n  b: 1\r\n  c: 2\r\n";
    let out = apply(
        text,
        &[Edit::Set {
            map: vec![key("a")],
            key: "d".into(),
            value: json!(true),
        }],
    )
    .unwrap();
    assert_eq!(out, "a:\r\n  b: 1\r\n  c: 2\r\n  d: true\r\n");
}

#[test]
fn no_trailing_newline_is_handled() {
    // The new key goes before the last entry, so the unterminated last line stays as it is
    // and exactly one line is added.
    let out = apply(
        "a:\n  b: 1",
        &[Edit::Set {
            map: vec![key("a")],
            key: "d".into(),
            value: json!("x y"),
        }],
    )
    .unwrap();
    assert_eq!(out, "a:\n  d: x y\n  b: 1");
    // A last entry on a dash line has no line of its own to go before: the key is appended.
    let out = apply(
        "l:\n  - b: 1",
        &[Edit::Set {
            map: vec![key("l"), PathSeg::Index(0)],
            key: "d".into(),
            value: json!(2),
        }],
    )
    .unwrap();
    assert_eq!(out, "l:\n  - b: 1\n    d: 2");
}

#[test]
fn a_literal_before_a_shallower_key_is_replaced_without_eating_that_key() {
    // saphyr's span of `k` runs on to `n`'s indentation.
    let text = "a:\n  k: |\n    l1\n    l2\n  n: 1\nb: 2\n";
    let out = apply(
        text,
        &[Edit::Set {
            map: vec![key("a")],
            key: "k".into(),
            value: json!("x\ny\n"),
        }],
    )
    .unwrap();
    let root = tree::parse(&out).unwrap();
    let a = root.get("a").unwrap();
    assert_eq!(a.get("k").unwrap().as_str(), Some("x\ny\n"));
    assert_eq!(a.get("n").unwrap().value, Value::Int(1));
    assert!(out.ends_with("  n: 1\nb: 2\n"), "{out}");
}

#[test]
fn insert_after_nested_block_and_literal() {
    let text = "m:\n  a:\n    deep: 1\n  s: |\n    line\n\n# tail\n";
    let out = apply(
        text,
        &[Edit::Set {
            map: vec![key("m")],
            key: "z".into(),
            value: json!(1),
        }],
    )
    .unwrap();
    let root = tree::parse(&out).unwrap();
    assert_eq!(
        root.get("m").unwrap().get("z").unwrap().value,
        Value::Int(1)
    );
    assert_eq!(
        root.get("m").unwrap().get("s").unwrap().as_str(),
        Some("line\n")
    );
}

#[test]
fn first_key_after_dash_is_removed_by_moving_the_next_key_up() {
    let text = "l:\n  - disable: true\n    target: x\n";
    let out = apply(
        text,
        &[Edit::Remove {
            map: vec![key("l"), PathSeg::Index(0)],
            key: "disable".into(),
        }],
    )
    .unwrap();
    assert_eq!(out, "l:\n  - target: x\n");
    // Not when the next key sits elsewhere than right below the removed one.
    let err = apply(
        "l:\n  - disable: true\n    # note\n      \n    target: x\n  - {}\n",
        &[Edit::Remove {
            map: vec![key("l"), PathSeg::Index(0)],
            key: "disable".into(),
        }],
    );
    assert!(matches!(err, Err(PatchError::Layout(_))), "{err:?}");
}

#[test]
fn merged_keys_are_overridden_by_an_explicit_key() {
    let text = "base: &b\n  x: 1\n  y: 2\nuse:\n  <<: *b\n  z: 3\n";
    let out = apply(
        text,
        &[Edit::Set {
            map: vec![key("use")],
            key: "x".into(),
            value: json!(5),
        }],
    )
    .unwrap();
    assert_eq!(
        out,
        "base: &b\n  x: 1\n  y: 2\nuse:\n  <<: *b\n  z: 3\n  x: 5\n"
    );
    let alias = "base: &b\n  x: 1\n  y: 2\nuse: *b\n";
    let err = apply(
        alias,
        &[Edit::Set {
            map: vec![key("use")],
            key: "x".into(),
            value: json!(5),
        }],
    )
    .unwrap_err();
    assert!(matches!(err, PatchError::Shared(_)), "{err:?}");
}

#[test]
fn edits_through_anchors_are_refused() {
    let text = "base: &b\n  x: 1\n  y: 2\nuse:\n  <<: *b\n  z: 3\n";
    let err = apply(
        text,
        &[Edit::Remove {
            map: vec![key("use")],
            key: "x".into(),
        }],
    )
    .unwrap_err();
    assert!(matches!(err, PatchError::Shared(_)));
}

fn binding(i: usize) -> Vec<PathSeg> {
    vec![key("bindings"), PathSeg::Index(i)]
}

fn set_disable(text: &str, path: Vec<PathSeg>) -> Result<String, PatchError> {
    apply(
        text,
        &[Edit::Set {
            map: path,
            key: "disable".into(),
            value: json!(true),
        }],
    )
}

fn remove_disable(text: &str, path: Vec<PathSeg>) -> Result<String, PatchError> {
    apply(
        text,
        &[Edit::Remove {
            map: path,
            key: "disable".into(),
        }],
    )
}

#[test]
fn json_documents_get_json_keys_and_strings() {
    let text = "{\n  \"bindings\": [\n    {\"target\": \"a\"},\n    {\n      \"target\": \"b\"\n    }\n  ]\n}\n";
    let out = set_disable(text, binding(0)).unwrap();
    assert!(
        out.contains("    {\"target\": \"a\", \"disable\": true},\n"),
        "{out}"
    );
    serde_json::from_str::<Json>(&out).unwrap();
    // A multi-line object: the new key gets a line of its own, indented like its siblings,
    // before the last entry (after it, the old last line would need a comma too).
    let out = set_disable(text, binding(1)).unwrap();
    assert!(
        out.contains("    {\n      \"disable\": true,\n      \"target\": \"b\"\n    }\n"),
        "{out}"
    );
    let (removed, added) = diff_lines(text, &out);
    assert_eq!((removed.len(), added.len()), (0, 1), "{out}");
    serde_json::from_str::<Json>(&out).unwrap();
    assert_eq!(remove_disable(&out, binding(1)).unwrap(), text);
    // Strings too: a plain `x y` would not be JSON.
    let out = apply(
        text,
        &[Edit::Set {
            map: binding(0),
            key: "note".into(),
            value: json!("x y"),
        }],
    )
    .unwrap();
    assert!(out.contains("\"note\": \"x y\""), "{out}");
    // A YAML flow mapping with quoted keys is written the same way.
    let yaml = "bindings:\n  - {\"target\": a}\n  - {target: b}\n";
    assert_eq!(
        set_disable(yaml, binding(0)).unwrap(),
        "bindings:\n  - {\"target\": a, \"disable\": true}\n  - {target: b}\n"
    );
    assert_eq!(
        set_disable(yaml, binding(1)).unwrap(),
        "bindings:\n  - {\"target\": a}\n  - {target: b, disable: true}\n"
    );
    // Replacing a double-quoted string keeps it double-quoted.
    let out = apply(
        "a: \"x\"\n",
        &[Edit::Set {
            map: vec![],
            key: "a".into(),
            value: json!("y"),
        }],
    )
    .unwrap();
    assert_eq!(out, "a: \"y\"\n");
}

#[test]
fn flow_inserts_copy_the_mapping_s_separators() {
    let text = "{\"bindings\":[{\"target\":\"a\",\"x\":1},{\"target\" :  \"b\"}]}";
    let out = set_disable(text, binding(0)).unwrap();
    assert_eq!(
        out,
        "{\"bindings\":[{\"target\":\"a\",\"x\":1,\"disable\":true},{\"target\" :  \"b\"}]}"
    );
    assert_eq!(remove_disable(&out, binding(0)).unwrap(), text);
    let out = set_disable(text, binding(1)).unwrap();
    assert!(
        out.ends_with("{\"target\" :  \"b\", \"disable\" :  true}]}"),
        "{out}"
    );
}

#[test]
fn new_keys_are_quoted_like_their_neighbours() {
    let text = "l:\n  - 'a': 1\n    'b': 2\n  - \"a\": 1\n  - a: 1\n    'b': 2\n";
    let path = |i| vec![key("l"), PathSeg::Index(i)];
    let out = set_disable(text, path(0)).unwrap();
    assert!(out.contains("    'b': 2\n    'disable': true\n"), "{out}");
    let out = set_disable(text, path(2)).unwrap();
    assert!(out.contains("    'b': 2\n    disable: true\n"), "{out}");
    let out = apply(
        text,
        &[Edit::Set {
            map: path(1),
            key: "x y".into(),
            value: json!(1),
        }],
    );
    assert!(out.unwrap().contains("  - \"a\": 1\n    \"x y\": 1\n"));
}

#[test]
fn multi_line_flow_entries_are_removed_by_whole_lines_or_refused() {
    let text = "{\"bindings\": [{\n  \"disable\": true,\n  \"target\": \"b\"\n}, {\n  \"target\": \"c\",\n  \"disable\": true\n}]}\n";
    let out = remove_disable(text, binding(0)).unwrap();
    assert_eq!(
        out,
        "{\"bindings\": [{\n  \"target\": \"b\"\n}, {\n  \"target\": \"c\",\n  \"disable\": true\n}]}\n"
    );
    // The last entry on its own line: removing it needs the comma on the line above too.
    let err = remove_disable(text, binding(1)).unwrap_err();
    assert!(matches!(err, PatchError::Layout(_)), "{err:?}");
}

#[test]
fn removing_a_commented_line_is_refused() {
    let text = "bindings:\n  - target: a\n    disable: true # why\n";
    let err = remove_disable(text, binding(0)).unwrap_err();
    assert!(matches!(err, PatchError::Layout(_)), "{err:?}");
}

#[test]
fn remove_then_insert_at_an_unterminated_end_gives_back_the_bytes() {
    for text in [
        "bindings:\n  - target: a\n    disable: true",
        "bindings:\r\n  - target: a\r\n    disable: true",
    ] {
        let removed = remove_disable(text, binding(0)).unwrap();
        assert!(removed.ends_with("target: a"), "{removed:?}");
        assert_eq!(set_disable(&removed, binding(0)).unwrap(), text);
    }
}

#[test]
fn merged_entries_are_skipped_when_inserting_into_flow_mappings() {
    let text = "b: &b {x: 1}\nbindings:\n  - {<<: *b, target: a}\n";
    assert_eq!(
        set_disable(text, binding(0)).unwrap(),
        "b: &b {x: 1}\nbindings:\n  - {<<: *b, target: a, disable: true}\n"
    );
}

#[test]
fn strings_are_quoted_only_when_needed() {
    for s in [
        "plain",
        "acme/a-b_c.d",
        "true",
        "12",
        "a: b",
        "#x",
        "",
        " lead",
        "x #y",
        "- a",
        "-x",
        "ünï",
    ] {
        let r = render_scalar(&json!(s)).unwrap();
        let back = tree::parse(&format!("k: {r}\n")).unwrap();
        assert_eq!(
            back.get("k").unwrap().as_str(),
            Some(s),
            "{s:?} rendered as {r}"
        );
    }
    assert_eq!(render_scalar(&json!("plain")).unwrap(), "plain");
    assert_eq!(render_scalar(&json!("true")).unwrap(), "\"true\"");
}

fn set(map: Vec<PathSeg>, k: &str, value: Json) -> Edit {
    Edit::Set {
        map,
        key: k.into(),
        value,
    }
}

#[test]
fn collections_are_inserted_as_block_yaml_or_flow() {
    let value = json!({"type": "password", "hosts": ["a", {"h": "b", "p": 1}], "e": {}});
    let out = apply(
        "a:\n  x: 1\n",
        &[set(vec![key("a")], "auth", value.clone())],
    )
    .unwrap();
    assert_eq!(
        out,
        "a:\n  x: 1\n  auth:\n    type: password\n    hosts:\n      - a\n      - h: b\n        p: 1\n    e: {}\n"
    );
    let out = apply("a: {x: 1}\n", &[set(vec![key("a")], "auth", value.clone())]).unwrap();
    assert_eq!(
        out,
        "a: {x: 1, auth: {type: password, hosts: [a, {h: b, p: 1}], e: {}}}\n"
    );
    let out = apply("{\"a\": {\"x\": 1}}", &[set(vec![key("a")], "auth", value)]).unwrap();
    assert_eq!(
        out,
        "{\"a\": {\"x\": 1, \"auth\": {\"type\": \"password\", \"hosts\": [\"a\", {\"h\": \"b\", \"p\": 1}], \"e\": {}}}}"
    );
    serde_json::from_str::<Json>(&out).unwrap();
}

#[test]
fn values_change_kind_in_place() {
    let text = "a: 1 # one\nb:\n  c: 2\n  d: [3]\nl: |-  # note\n  text\nz: 0\n";
    let out = apply(
        text,
        &[
            set(vec![], "a", json!({"k": "v"})),
            set(vec![], "b", json!("s")),
            set(vec![], "l", json!(["x"])),
        ],
    )
    .unwrap();
    assert_eq!(out, "a: # one\n  k: v\nb: s\nl:  # note\n  - x\nz: 0\n");
    // A multi-line string is written as a literal block when that reads back exactly, and
    // double-quoted otherwise.
    let out = apply(text, &[set(vec![], "b", json!("line 1\n  line 2\n"))]).unwrap();
    assert_eq!(
        out,
        "a: 1 # one\nb: |\n  line 1\n    line 2\nl: |-  # note\n  text\nz: 0\n"
    );
    let out = apply(text, &[set(vec![], "a", json!("tail \nspace"))]).unwrap();
    assert_eq!(
        out,
        "a: \"tail \\nspace\" # one\nb:\n  c: 2\n  d: [3]\nl: |-  # note\n  text\nz: 0\n"
    );
    let back = apply(&out, &[set(vec![], "a", json!(1))]).unwrap();
    assert_eq!(back, text);
}

#[test]
fn an_anchored_value_is_not_replaced_under_its_aliases() {
    let text = "a: &x\n  k: 1\nb: *x\n";
    let err = apply(text, &[set(vec![], "a", json!({"k": 2, "j": 3}))]).unwrap_err();
    assert!(
        matches!(
            err,
            PatchError::Layout(_) | PatchError::Parse(_) | PatchError::Verify(_)
        ),
        "{err:?}"
    );
    let err = apply(text, &[set(vec![], "b", json!({"k": 2}))]).unwrap_err();
    assert!(matches!(err, PatchError::Shared(_)), "{err:?}");
}

#[test]
fn sequence_items_are_set_pushed_and_removed() {
    let l = || vec![key("l")];
    let text = "l:\n  - a\n  - b\nf: [1, 2]\n";
    let out = apply(
        text,
        &[
            Edit::SetItem {
                seq: l(),
                index: 1,
                value: json!({"x": [1]}),
            },
            Edit::Push {
                seq: l(),
                value: json!("c: d"),
            },
            Edit::Push {
                seq: vec![key("f")],
                value: json!({"y": 1}),
            },
            Edit::RemoveItem { seq: l(), index: 0 },
            Edit::RemoveItem {
                seq: vec![key("f")],
                index: 0,
            },
        ],
    )
    .unwrap();
    assert_eq!(
        out,
        "l:\n  - x:\n      - 1\n  - \"c: d\"\nf: [2, {\"y\": 1}]\n"
    );
    // The only item of a block sequence cannot go by lines (the value would become null).
    let err = apply("l:\n  - a\n", &[Edit::RemoveItem { seq: l(), index: 0 }]).unwrap_err();
    assert!(matches!(err, PatchError::Layout(_)), "{err:?}");
    // Pretty JSON: the last item takes the comma before it along.
    let json_text = "{\n  \"l\": [\n    1,\n    2\n  ]\n}\n";
    let remove_last = [Edit::RemoveItem { seq: l(), index: 1 }];
    let err = apply(json_text, &remove_last).unwrap_err();
    assert!(matches!(err, PatchError::Layout(_)), "{err:?}");
    let mut doc = crate::yaml::Document::parse(json_text.to_string()).unwrap();
    doc.edit(&remove_last, Removals::WithComments).unwrap();
    let out = doc.into_text();
    assert_eq!(
        out,
        "{\n  \"l\": [\n    1,\n    2\n  ]\n}\n".replace(",\n    2", "")
    );
    let out = apply(
        json_text,
        &[Edit::Push {
            seq: l(),
            value: json!("x"),
        }],
    )
    .unwrap();
    assert_eq!(
        serde_json::from_str::<Json>(&out).unwrap(),
        json!({"l": [1, 2, "x"]})
    );
}

#[test]
fn an_empty_document_gets_block_keys_after_its_comments() {
    let out = apply(
        "# new config\r\n",
        &[
            set(vec![], "a", json!({"b": 1})),
            set(vec![], "c", json!([true])),
        ],
    )
    .unwrap();
    assert_eq!(out, "# new config\r\na:\r\n  b: 1\r\nc:\r\n  - true\r\n");
    let err = apply("null\n", &[set(vec![], "a", json!(1))]).unwrap_err();
    assert!(matches!(err, PatchError::Layout(_)), "{err:?}");
}

#[test]
fn a_pushed_item_follows_the_style_of_the_item_before_it() {
    let push = |text: &str, value: Json| {
        apply(
            text,
            &[Edit::Push {
                seq: vec![key("b")],
                value,
            }],
        )
        .unwrap()
    };
    let new = json!({"resource": {"stream": "c", "mode": "full"}, "target": "acme/c"});
    // Flow-style items: a flow item.
    assert_eq!(
        push("b:\n  - {resource: {stream: a}, target: acme/a}\n", new.clone()),
        "b:\n  - {resource: {stream: a}, target: acme/a}\n  - {resource: {stream: c, mode: full}, target: acme/c}\n"
    );
    // A block item whose resource is written in flow style: the same.
    assert_eq!(
        push("b:\n  - resource: {stream: a}\n    target: acme/a # kept\n", new.clone()),
        "b:\n  - resource: {stream: a}\n    target: acme/a # kept\n  - resource: {stream: c, mode: full}\n    target: acme/c\n"
    );
    // Block items: block.
    assert_eq!(
        push("b:\n  - resource:\n      stream: a\n    target: acme/a\n", new.clone()),
        "b:\n  - resource:\n      stream: a\n    target: acme/a\n  - resource:\n      stream: c\n      mode: full\n    target: acme/c\n"
    );
    // Scalars and empty collections say nothing about style: block.
    assert_eq!(
        push("b:\n  - x\n  - []\n", json!({"k": [1, 2]})),
        "b:\n  - x\n  - []\n  - k:\n      - 1\n      - 2\n"
    );
    // Mixed items: block.
    assert_eq!(
        push("b:\n  - {a: 1}\n  - a: 2\n", json!({"a": 3})),
        "b:\n  - {a: 1}\n  - a: 2\n  - a: 3\n"
    );
}
