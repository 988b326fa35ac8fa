//! Unit tests of the form editor: rows, typing, variants, lists, maps, secrets.

use super::editor::*;
use super::rows::{RowId, RowKind};
use serde_json::{json, Value};

fn schema() -> Value {
    json!({
        "type": "object",
        "required": ["host", "auth"],
        "properties": {
            "host": {"type": "string", "title": "Host", "order": 0},
            "port": {"type": "integer", "title": "Port", "default": 5432, "order": 1},
            "ssl": {"type": "boolean", "title": "SSL", "order": 2},
            "mode": {"type": "string", "enum": ["a", "b", "c"], "default": "a", "order": 3},
            "auth": {
                "title": "Auth", "order": 4,
                "discriminator": {"propertyName": "type"},
                "oneOf": [
                    {"title": "Password", "type": "object", "required": ["type", "password"],
                     "properties": {"type": {"const": "password", "default": "password"},
                                    "password": {"type": "string", "secret": true}}},
                    {"title": "Key", "type": "object", "required": ["type", "key"],
                     "properties": {"type": {"const": "key", "default": "key"},
                                    "key": {"type": "string", "secret": true, "multiline": true}}}
                ]
            },
            "advanced": {"type": "object", "advanced": true, "title": "Advanced", "order": 5,
                         "properties": {"timeout": {"type": "integer", "default": 30}}}
        }
    })
}

fn editor(config: Value) -> FormEditor {
    FormEditor::open(
        &schema(),
        EditTarget {
            file: 0,
            at: vec![],
            original: config,
            title: "t".into(),
        },
    )
}

#[test]
fn rows_follow_order_variants_and_collapsed_sections() {
    let ed = editor(json!({"host": "h", "auth": {"type": "password", "password": "x"}}));
    let rows: Vec<_> = ed.rows.iter().map(|r| r.pointer().unwrap()).collect();
    assert_eq!(
        rows,
        vec![
            "/host",
            "/port",
            "/ssl",
            "/mode",
            "/auth",
            "/auth/password",
            "/advanced"
        ]
    );
    assert_eq!(ed.focus, 0, "focus starts on the first field");
    assert_eq!(ed.rows[6].kind, RowKind::Section { collapsed: true });
}

#[test]
fn typing_commits_parsed_values_and_undo_redo() {
    let mut ed = editor(json!({"host": "h", "auth": {"type": "password", "password": "x"}}));
    ed.move_focus(1);
    ed.begin_edit(None).unwrap();
    let e = ed.typing_mut().unwrap();
    e.backspace();
    e.backspace();
    e.backspace();
    e.backspace();
    e.insert("6543");
    ed.commit_edit().unwrap();
    assert_eq!(ed.state.get("/port"), Some(&json!(6543)));
    ed.begin_edit(Some("x")).unwrap();
    assert!(ed.commit_edit().unwrap_err().contains("not a whole number"));
    ed.cancel_edit();
    assert!(ed.undo());
    assert_eq!(ed.state.get("/port"), Some(&json!(5432)));
    assert!(ed.redo());
    assert_eq!(ed.state.get("/port"), Some(&json!(6543)));
}

#[test]
fn switching_a_variant_asks_before_discarding() {
    let mut ed = editor(json!({"host": "h", "auth": {"type": "password", "password": "x"}}));
    ed.focus = ed
        .rows
        .iter()
        .position(|r| r.pointer() == Some("/auth"))
        .unwrap();
    ed.cycle(1).unwrap();
    assert!(ed.notice.take().unwrap().contains("discards password"));
    assert_eq!(
        ed.state.get("/auth/type"),
        Some(&json!("password")),
        "not yet"
    );
    ed.cycle(1).unwrap();
    assert_eq!(ed.state.get("/auth/type"), Some(&json!("key")));
    assert!(ed.rows.iter().any(|r| r.pointer() == Some("/auth/key")));
}

#[test]
fn booleans_choices_and_secrets() {
    let mut ed = editor(json!({"host": "h", "auth": {"type": "password", "password": "hunter2"}}));
    ed.focus = 2;
    ed.activate().unwrap();
    assert_eq!(ed.state.get("/ssl"), Some(&json!(true)));
    ed.focus = 3;
    ed.cycle(1).unwrap();
    assert_eq!(ed.state.get("/mode"), Some(&json!("b")));
    assert!(ed.is_secret("/auth/password"));
    assert!(!ed.is_secret("/host"));
}

#[test]
fn pasted_multiline_secrets_keep_their_lines_and_never_go_to_the_editor() {
    let mut ed = editor(json!({"host": "h", "auth": {"type": "key"}}));
    ed.focus = ed
        .rows
        .iter()
        .position(|r| r.pointer() == Some("/auth/key"))
        .unwrap();
    ed.paste("-----BEGIN-----\rabc\r-----END-----").unwrap();
    ed.commit_edit().unwrap();
    assert_eq!(
        ed.state.get("/auth/key"),
        Some(&json!("-----BEGIN-----\nabc\n-----END-----"))
    );
    // Secrets never go to $EDITOR's temporary file.
    assert!(ed.begin_external_edit().unwrap_err().contains("secret"));
}

#[test]
fn resource_names_are_prefilled_from_the_collection() {
    let schema = json!({"type": "object", "required": ["table"], "properties": {
        "table": {"type": "string", "x-collection-name": true},
        "schema": {"type": "string", "x-schema-name": true},
        "delta": {"type": "boolean"}
    }});
    let mut ed = FormEditor::open(
        &schema,
        EditTarget {
            file: 0,
            at: vec![],
            original: json!({"schema": "mine"}),
            title: "r".into(),
        },
    );
    ed.prefill_from_collection("acmeCo/sales/orders", None);
    assert_eq!(ed.state.get("/table"), Some(&json!("orders")));
    assert_eq!(
        ed.state.get("/schema"),
        Some(&json!("mine")),
        "what the user wrote stays"
    );
}

#[test]
fn lists_of_scalars_are_typed_as_comma_separated_items() {
    let schema = json!({"type": "object", "properties": {
        "tables": {"type": "array", "items": {"type": "string"}},
        "ports": {"type": "array", "items": {"type": "integer"}}
    }});
    let mut ed = FormEditor::open(
        &schema,
        EditTarget {
            file: 0,
            at: vec![],
            original: json!({"tables": ["a", "b"]}),
            title: "l".into(),
        },
    );
    assert_eq!(ed.text_of("/tables"), "a, b");
    ed.begin_edit(Some(", c")).unwrap();
    ed.commit_edit().unwrap();
    assert_eq!(ed.state.get("/tables"), Some(&json!(["a", "b", "c"])));
    ed.move_focus(1);
    ed.begin_edit(Some("80, x")).unwrap();
    assert!(ed.commit_edit().unwrap_err().contains("not a whole number"));
    ed.cancel_edit();
    ed.begin_edit(Some("80, 443")).unwrap();
    ed.commit_edit().unwrap();
    assert_eq!(ed.state.get("/ports"), Some(&json!([80, 443])));
}

#[test]
fn long_choices_open_a_filterable_picker() {
    let regions: Vec<String> = (0..20).map(|i| format!("region-{i:02}")).collect();
    let schema = json!({"type": "object", "properties": {
        "region": {"type": "string", "enum": regions}
    }});
    let mut ed = FormEditor::open(
        &schema,
        EditTarget {
            file: 0,
            at: vec![],
            original: json!({}),
            title: "p".into(),
        },
    );
    ed.activate().unwrap();
    assert!(ed.picker().is_some());
    assert_eq!(ed.picker_matches().len(), 20);
    for c in "17".chars() {
        ed.picker_type(Some(c));
    }
    assert_eq!(ed.picker_matches(), vec![(17, "region-17".to_string())]);
    ed.picker_choose().unwrap();
    assert!(ed.picker().is_none());
    assert_eq!(ed.state.get("/region"), Some(&json!("region-17")));
}

#[test]
fn lists_of_objects_add_remove_and_move_items() {
    let schema = json!({"type": "object", "properties": {
        "hooks": {"type": "array", "title": "Hooks", "items": {
            "type": "object", "required": ["url"],
            "properties": {"url": {"type": "string"}, "retries": {"type": "integer", "default": 3}}
        }}
    }});
    let mut ed = FormEditor::open(
        &schema,
        EditTarget {
            file: 0,
            at: vec![],
            original: json!({"hooks": [{"url": "a"}]}),
            title: "l".into(),
        },
    );
    let rows: Vec<_> = ed
        .rows
        .iter()
        .map(|r| (r.pointer().unwrap(), r.kind))
        .collect();
    assert_eq!(rows[0], ("/hooks", RowKind::Section { collapsed: false }));
    assert_eq!(rows[1], ("/hooks/0", RowKind::Item));
    assert_eq!(rows[2].0, "/hooks/0/url");
    assert_eq!(rows.last().unwrap(), &("/hooks", RowKind::AddItem));
    ed.focus = ed.rows.len() - 1;
    ed.activate().unwrap();
    assert_eq!(ed.focused().unwrap().pointer().unwrap(), "/hooks/1");
    assert_eq!(
        ed.state.get("/hooks/1/retries"),
        Some(&json!(3)),
        "defaults filled"
    );
    ed.move_focus(1);
    ed.begin_edit(Some("b")).unwrap();
    ed.commit_edit().unwrap();
    ed.focus = ed
        .rows
        .iter()
        .position(|r| r.pointer() == Some("/hooks/1"))
        .unwrap();
    ed.move_item(-1).unwrap();
    assert_eq!(ed.state.get("/hooks/0/url"), Some(&json!("b")));
    assert_eq!(ed.focused().unwrap().pointer().unwrap(), "/hooks/0");
    ed.clear_focused().unwrap();
    assert_eq!(
        ed.state.get("/hooks"),
        Some(&json!([{"url": "a", "retries": 3}]))
    );
}

#[test]
fn key_value_maps_add_edit_and_remove_entries() {
    let schema = json!({"type": "object", "properties": {
        "headers": {"type": "object", "title": "Headers", "additionalProperties": {"type": "string"}}
    }});
    let mut ed = FormEditor::open(
        &schema,
        EditTarget {
            file: 0,
            at: vec![],
            original: json!({"headers": {"a": "1"}}),
            title: "m".into(),
        },
    );
    let rows: Vec<_> = ed
        .rows
        .iter()
        .map(|r| (r.pointer().unwrap(), r.kind))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("/headers", RowKind::Section { collapsed: false }),
            ("/headers/a", RowKind::Field),
            ("/headers", RowKind::AddItem)
        ]
    );
    ed.focus = 2;
    ed.activate().unwrap();
    ed.typing_mut().unwrap().insert("x-api/key");
    ed.commit_edit().unwrap();
    assert_eq!(
        ed.focused().unwrap().pointer().unwrap(),
        "/headers/x-api~1key"
    );
    assert!(ed.typing().is_some(), "typing the value next");
    ed.typing_mut().unwrap().insert("v");
    ed.commit_edit().unwrap();
    assert_eq!(
        ed.state.get("/headers"),
        Some(&json!({"a": "1", "x-api/key": "v"}))
    );
    ed.focus = 1;
    ed.clear_focused().unwrap();
    assert_eq!(ed.state.get("/headers"), Some(&json!({"x-api/key": "v"})));
}

#[test]
fn airbyte_groups_become_sections() {
    let schema = json!({"type": "object",
    "groups": [{"id": "db"}, {"id": "auth", "title": "Authentication"}],
    "properties": {
        "host": {"type": "string", "group": "db", "order": 0, "always_show": true},
        "user": {"type": "string", "group": "auth", "order": 1},
        "port": {"type": "integer", "group": "db", "order": 2},
        "other": {"type": "string", "order": 3}
    }});
    let ed = FormEditor::open(
        &schema,
        EditTarget {
            file: 0,
            at: vec![],
            original: json!({}),
            title: "g".into(),
        },
    );
    let node = |p: &str| RowId::Node(p.into());
    let rows: Vec<_> = ed.rows.iter().map(|r| r.id.clone()).collect();
    assert_eq!(
        rows,
        vec![
            RowId::Group("db".into()),
            node("/host"),
            RowId::OptionalFields("db".into()),
            RowId::Group("auth".into()),
            RowId::OptionalFields("auth".into()),
            node("/other")
        ]
    );
    let mut ed = ed;
    ed.focus = 2;
    ed.activate().unwrap();
    assert_eq!(ed.rows[3].id, node("/port"), "unfolded optional fields");
}

#[test]
fn free_form_values_are_typed_as_json() {
    let schema = json!({"type": "object", "properties": {
        "limit": {"oneOf": [{"type": "string"}, {"type": "integer"}]}
    }});
    let mut ed = FormEditor::open(
        &schema,
        EditTarget {
            file: 0,
            at: vec![],
            original: json!({"limit": "10"}),
            title: "a".into(),
        },
    );
    ed.begin_edit(None).unwrap();
    assert_eq!(ed.typing().unwrap().text(), "\"10\"");
    let e = ed.typing_mut().unwrap();
    e.home();
    for _ in 0..4 {
        e.delete();
    }
    e.insert("25");
    ed.commit_edit().unwrap();
    assert_eq!(ed.state.get("/limit"), Some(&json!(25)));
}

#[test]
fn text_that_may_hold_a_secret_never_goes_to_the_editor() {
    let schema = json!({"type": "object", "properties": {
        "notes": {"type": "string"},
        "extra": {},
        "headers": {"type": "object", "additionalProperties": {
            "type": "object", "properties": {"token": {"type": "string", "secret": true}}}},
        "sa": {"type": "object", "secret": true, "properties": {"pin": {"type": "integer"}}}
    }});
    let mut ed = FormEditor::open(
        &schema,
        EditTarget {
            file: 0,
            at: vec![],
            original: json!({"notes": "n", "extra": {"api_token": "t"}}),
            title: "a".into(),
        },
    );
    let outcome = |ed: &mut FormEditor, pointer: &str| {
        assert!(
            ed.focus_row(pointer, RowKind::Field),
            "{pointer}: {:?}",
            ed.rows
        );
        ed.begin_external_edit()
    };
    assert_eq!(outcome(&mut ed, "/notes").unwrap(), "n");
    // Free-form content with a secret-looking key; a map whose schema holds secrets
    // below it (empty now); a field below a secret parent.
    for p in ["/extra", "/headers", "/sa/pin"] {
        let err = outcome(&mut ed, p).unwrap_err();
        assert!(err.contains("secret"), "{p}: {err}");
        assert!(ed.masks(p), "{p} is shown masked");
    }
    assert!(!ed.masks("/notes"));
    // A typed secret that does not parse is not echoed back.
    ed.focus_row("/sa/pin", RowKind::Field);
    ed.begin_edit(Some("12x4")).unwrap();
    let err = ed.commit_edit().unwrap_err();
    assert_eq!(err, "The typed value is not a whole number");
}

#[test]
fn maps_of_objects_are_typed_as_json() {
    let schema = json!({"type": "object", "properties": {
        "tables": {"type": "object", "additionalProperties": {
            "type": "object", "properties": {"mode": {"type": "string"}}}}
    }});
    let mut ed = FormEditor::open(
        &schema,
        EditTarget {
            file: 0,
            at: vec![],
            original: json!({}),
            title: "m".into(),
        },
    );
    assert_eq!(ed.rows[0].pointer(), Some("/tables"));
    ed.begin_edit(Some("{\"a\": {\"mode\": \"x\"}}")).unwrap();
    ed.commit_edit().unwrap();
    assert_eq!(ed.state.get("/tables/a/mode"), Some(&json!("x")));
}

#[test]
fn errors_focus_the_first_field_in_error() {
    let mut ed = editor(json!({"auth": {"type": "password"}}));
    ed.focus = 3;
    let n = ed.focus_first_error();
    assert!(n >= 1);
    let focused = ed.focused().unwrap().pointer().unwrap().to_string();
    assert!(
        focused == "/host" || focused == "/auth/password",
        "{focused}"
    );
    assert!(ed.typing().is_some(), "ready for typing");
}

#[test]
fn encrypted_configs_are_read_only() {
    let mut ed = editor(json!({"host": "h", "sops": {"mac": "x"}}));
    assert!(ed.read_only.is_some());
    assert!(ed.begin_edit(Some("a")).is_err());
    assert!(ed.clear_focused().is_err());
    assert!(!ed.changed());
}
