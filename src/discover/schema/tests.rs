//! The cases of Flow's `test_connector_schema_update` and the schema half of
//! `test_merge_collection` (estuary/flow `crates/control-plane-api/src/discovers/specs.rs`).

use super::*;
use serde_json::json;

fn connector() -> Value {
    json!({"type": "object", "properties": {"id": {"type": "string"}}})
}

fn managed(inner: Value) -> Value {
    json!({
        "$defs": {"flow://connector-schema": inner},
        "$ref": "flow://connector-schema"
    })
}

#[test]
fn connector_schema_update_cases() {
    let embedded = json!({"$id": "flow://connector-schema", "properties": {"id": {"type": "string"}}, "type": "object"});
    // 1: no schema yet: the reference and the definition.
    let got = update_connector_schema(None, connector()).unwrap().unwrap();
    assert_eq!(got, managed(embedded.clone()));
    let text = serde_json::to_string(&got).unwrap();
    assert!(
        text.starts_with(r#"{"$defs":{"flow://connector-schema":{"$id":"#),
        "{text}"
    );
    // 2: a schema without the reference is replaced wholesale (Flow's migration).
    let old = json!({"type": "object", "properties": {"old": {"type": "string"}}});
    let got = update_connector_schema(Some(&old), connector())
        .unwrap()
        .unwrap();
    assert_eq!(got, managed(embedded.clone()));
    // 3: a managed schema keeps what the user added around the definition.
    let user = json!({
        "$defs": {"flow://connector-schema": {"$id": "flow://connector-schema", "const": "old"}},
        "$ref": "flow://connector-schema",
        "properties": {"userExtension": {"type": "string"}}
    });
    let got = update_connector_schema(Some(&user), connector())
        .unwrap()
        .unwrap();
    assert_eq!(
        got,
        json!({
            "$defs": {"flow://connector-schema": embedded},
            "$ref": "flow://connector-schema",
            "properties": {"userExtension": {"type": "string"}}
        })
    );
    // 4: already up to date (in any key order): nothing to do.
    let done = json!({
        "title": "Example user modification",
        "$ref": "flow://connector-schema",
        "$defs": {"flow://connector-schema": {"type": "object", "$id": "flow://connector-schema", "properties": {"id": {"type": "string"}}}}
    });
    assert_eq!(
        update_connector_schema(Some(&done), connector()).unwrap(),
        None
    );
    // A mention anywhere counts as managed: only the definition is added.
    let mention = json!({"$ref": "flow://connector-schema", "title": "t"});
    let got = update_connector_schema(Some(&mention), connector())
        .unwrap()
        .unwrap();
    assert_eq!(got["title"], "t");
    assert!(got["$defs"]["flow://connector-schema"].is_object());
}

#[test]
fn non_object_schemas_are_errors_not_panics() {
    assert!(update_connector_schema(None, json!(false)).is_err());
    let bad_defs = json!({"$ref": "flow://connector-schema", "$defs": 3});
    assert!(update_connector_schema(Some(&bad_defs), connector()).is_err());
}

#[test]
fn read_schemas_come_from_the_annotations() {
    assert_eq!(initial_read_schema(&connector()), None);
    assert_eq!(initial_read_schema(&json!({"x-infer-schema": false})), None);
    let infer = initial_read_schema(&json!({"const": "write!", "x-infer-schema": true})).unwrap();
    assert_eq!(
        infer["allOf"],
        json!([{"$ref": "flow://relaxed-write-schema"}, {"$ref": "flow://inferred-schema"}])
    );
    assert_eq!(
        infer["$defs"]["flow://inferred-schema"]["$id"],
        "flow://inferred-schema"
    );
    assert_eq!(
        infer["$defs"]["flow://inferred-schema"]["required"],
        json!(["_meta"])
    );
    // An explicit initial read schema is used as given (no inferred reference, no placeholder).
    let explicit = json!({"type": "object", "properties": {"id": {"type": "string"}}});
    let got = initial_read_schema(&json!({"const": "write!", "x-initial-read-schema": explicit}));
    assert_eq!(got, Some(explicit));
}

fn schemas(schema: Option<Value>, write: Option<Value>, read: Option<Value>) -> Schemas {
    Schemas {
        schema,
        write,
        read,
    }
}

#[test]
fn merge_schemas_follows_flows_collection_cases() {
    let c42 = json!({"const": 42});
    let m42 = managed(json!({"$id": "flow://connector-schema", "const": 42}));
    let infer = json!({"const": "write!", "x-infer-schema": true});
    let m_infer = managed(
        json!({"$id": "flow://connector-schema", "const": "write!", "x-infer-schema": true}),
    );
    let take = SchemaPolicy::TakeOver;
    let leave = SchemaPolicy::LeaveUnmanaged;
    // case/1: no collection yet: a managed `schema`.
    assert_eq!(
        merge_schemas(&Schemas::default(), c42.clone(), leave).unwrap(),
        SchemaChange::Schema(m42.clone())
    );
    // case/2 and 3: `schema: false` is migrated when Flow's migration is asked for...
    let f = schemas(Some(json!(false)), None, None);
    assert_eq!(
        merge_schemas(&f, c42.clone(), take).unwrap(),
        SchemaChange::Schema(m42.clone())
    );
    // ... and left alone by default.
    assert_eq!(
        merge_schemas(&f, c42.clone(), leave).unwrap(),
        SchemaChange::NotManaged
    );
    // case/4: read and write schemas: only the write schema changes.
    let rw = schemas(None, Some(json!(false)), Some(json!({"const": "read!"})));
    assert_eq!(
        merge_schemas(&rw, infer.clone(), take).unwrap(),
        SchemaChange::Write(m_infer.clone())
    );
    // case/5: no collection, schema inference: write and read schemas.
    let SchemaChange::Split { write, read } =
        merge_schemas(&Schemas::default(), infer.clone(), leave).unwrap()
    else {
        panic!("expected a split")
    };
    assert_eq!(write, m_infer);
    assert_eq!(read, initial_read_schema(&infer).unwrap());
    // case/6: a managed `schema` that now infers: moved to writeSchema, read schema added.
    let s = schemas(Some(m42.clone()), None, None);
    let SchemaChange::Split { write, .. } = merge_schemas(&s, infer.clone(), leave).unwrap() else {
        panic!("expected a split")
    };
    assert_eq!(write["$ref"], "flow://connector-schema");
    assert_eq!(write["$defs"]["flow://connector-schema"]["const"], "write!");
    // An up-to-date managed schema is unchanged.
    assert_eq!(
        merge_schemas(&schemas(Some(m42.clone()), None, None), c42.clone(), leave).unwrap(),
        SchemaChange::Unchanged
    );
    // A read schema beside no write schema: a fresh managed write schema.
    let r = schemas(None, None, Some(json!({"const": 1})));
    assert_eq!(
        merge_schemas(&r, c42.clone(), leave).unwrap(),
        SchemaChange::Write(m42)
    );
}

/// What [`fresh_document`] must give for `raw`: the document and compact JSON length of
/// [`fresh`] of the parsed schema.
fn fresh_from_value(raw: &str) -> (String, usize) {
    let value = fresh(serde_json::from_str(raw).unwrap()).unwrap();
    let text = crate::discover::edits::document(false, &value).unwrap();
    (text, serde_json::to_string(&value).unwrap().len())
}

#[test]
fn a_fresh_document_from_json_text_is_the_one_rendered_from_the_parsed_schema() {
    for raw in [
        r#"{"type":"object","properties":{"id":{"type":"integer"},"name":{"type":["string","null"],"maxLength":64}},"required":["id"]}"#,
        // `$id` replaced, keys sorted (escaped ones too), nested order kept, odd scalars.
        r#"{"z":1, "$id":"old", "a\"b":{"y":[], "x":{}}, "$schema":"http://json-schema.org/draft-07/schema#",
            "description":"multi\nline\n", "enum":["on", "2020-01-01", null, 1.5e300, -3],
            "$defs":{"k":{"type":"string","x-cursor":true}}}"#,
        "{}",
        // Pretty-printed: whitespace does not count towards the JSON length.
        "{\n  \"type\": \"object\",\n  \"properties\": {\n    \"a\": { \"type\": \"string\" }\n  }\n}",
    ] {
        assert_eq!(fresh_document(raw), Some(fresh_from_value(raw)), "{raw}");
    }
}

#[test]
fn a_fresh_document_is_left_to_the_parsed_schema_when_one_pass_cannot_write_it() {
    for raw in [
        r#"{"x-infer-schema": true, "type": "object"}"#,
        r#"{"x-initial-read-schema": {"type": "object"}}"#,
        r#"{"a": 1, "a": 2}"#,
        r#"{"p": {"b": 1, "b": 2}}"#,
        "[1]",
        "\"text\"",
        "{",
    ] {
        assert_eq!(fresh_document(raw), None, "{raw}");
    }
}
