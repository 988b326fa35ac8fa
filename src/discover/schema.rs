//! Collection schemas as Flow's control plane manages them for discovered collections: the
//! connector's schema embedded as `$defs["flow://connector-schema"]` (with that `$id`) and
//! referenced by the write schema, so a re-discovery replaces only that definition and keeps
//! whatever the user wrote around it; and the write/read split for schema inference.
//!
//! Follows estuary/flow `crates/control-plane-api/src/discovers/specs.rs`
//! (`update_connector_schema`, `initializes_read_schema`, `merge_collections`) and
//! `crates/models/src/schemas.rs` (`Schema::add_defs`, `default_inferred_read_schema`,
//! `inferred_schema_placeholder`). Values are compared as JSON (key order aside), where Flow
//! compares its stored JSON text: a local file's formatting is not a change.

use serde_json::{json, Map, Value};

/// Where the connector's schema lives inside a collection schema.
pub const CONNECTOR_SCHEMA_URL: &str = "flow://connector-schema";
/// The collection's inferred schema, referenced by an inferring read schema.
pub const INFERRED_SCHEMA_URL: &str = "flow://inferred-schema";
/// The relaxed write schema, referenced by the default inferring read schema.
pub const RELAXED_WRITE_SCHEMA_URL: &str = "flow://relaxed-write-schema";
/// The discovered-schema annotation asking for an inferred read schema.
pub const X_INFER_SCHEMA: &str = "x-infer-schema";
/// The discovered-schema annotation giving the initial read schema itself.
pub const X_INITIAL_READ_SCHEMA: &str = "x-initial-read-schema";

/// A schema that is not a JSON object where Flow needs one (to add `$defs` to it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SchemaError(pub String);

/// True when `schema` mentions `flow://connector-schema` anywhere (a `$ref`, a `$defs` key, an
/// `$id`): Flow then takes it as already managed and only replaces that definition. A schema
/// without it was written by someone else, and flowspec leaves it alone unless asked.
pub fn is_managed(schema: &Value) -> bool {
    serde_json::to_string(schema).is_ok_and(|s| s.contains(CONNECTOR_SCHEMA_URL))
}

/// `sub` as Flow embeds it under `$defs[id]`: its top-level keys in sorted order (Flow skims it
/// into a sorted map) with `$id` set to `id`.
/// Takes `sub` by value: a discovery embeds thousands of schemas, each parsed just for this.
pub fn embedded(id: &str, sub: Value) -> Result<Value, SchemaError> {
    let Value::Object(obj) = sub else {
        return Err(SchemaError(format!(
            "the schema to embed as {id} is not a JSON object"
        )));
    };
    let mut entries: Vec<(String, Value)> = obj
        .into_iter()
        .filter(|(k, _)| k.as_str() != "$id")
        .collect();
    entries.push(("$id".to_string(), Value::String(id.to_string())));
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Value::Object(entries.into_iter().collect()))
}

/// Flow's `Schema::add_defs` for one definition: `schema` with `$defs[id]` set to `sub`
/// embedded. Other keys stay where they are; a schema without `$defs` gets it first (Flow
/// writes the keys of a schema it builds in sorted order, and `$defs` sorts first).
pub fn with_def(schema: &Value, id: &str, sub: Value) -> Result<Value, SchemaError> {
    let Value::Object(obj) = schema else {
        return Err(SchemaError(
            "the collection's schema is not a JSON object".into(),
        ));
    };
    let def = embedded(id, sub)?;
    let mut out = obj.clone();
    match out.get_mut("$defs") {
        Some(Value::Object(defs)) => {
            defs.insert(id.to_string(), def);
        }
        Some(_) => {
            return Err(SchemaError(
                "the collection's schema has a `$defs` that is not an object".into(),
            ))
        }
        None => {
            // Built directly: `json!` would serialize `def` into a copy of itself.
            let mut defs = Map::new();
            defs.insert(id.to_string(), def);
            let mut first = Map::new();
            first.insert("$defs".into(), Value::Object(defs));
            first.extend(out);
            out = first;
        }
    }
    Ok(Value::Object(out))
}

/// [`fresh`] of connector schema `raw` (JSON text) as a block YAML document (the text
/// `yaml::render` writes for it), with the compact JSON length of that value: a discovery
/// writes thousands of new collections, and parsing each schema into a value cost more than
/// rendering it. `None` when `raw` is not an object, has a key twice, or asks for a read
/// schema ([`initial_read_schema`]): those are worked out from the parsed value.
pub fn fresh_document(raw: &str) -> Option<(String, usize)> {
    use crate::yaml::emit;
    use crate::yaml::transcode::{json_str_len, object_entries, Block};
    let mut entries = object_entries(raw, 4).ok()?;
    if entries
        .iter()
        .any(|(k, _)| k == X_INFER_SCHEMA || k == X_INITIAL_READ_SCHEMA)
    {
        return None;
    }
    // As `embedded` does: `$id` set, and the keys sorted.
    entries.retain(|(k, _)| k != "$id");
    let id = serde_json::value::to_raw_value(CONNECTOR_SCHEMA_URL).ok()?;
    let mut id_entry = Block::default();
    id_entry.entry("$id", &id, 4).ok()?;
    entries.push(("$id".into(), id_entry));
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let url = emit::key(CONNECTOR_SCHEMA_URL);
    let head = format!("{}:\n  {url}:\n", emit::key("$defs"));
    let tail = format!("{}: {url}\n", emit::key("$ref"));
    let body: usize = entries.iter().map(|(_, b)| b.text.len()).sum();
    let mut text = String::with_capacity(head.len() + body + tail.len());
    text.push_str(&head);
    entries.iter().for_each(|(_, b)| text.push_str(&b.text));
    text.push_str(&tail);
    // {"$defs":{URL:{entries}},"$ref":URL}, entries `KEY:VALUE` separated by commas.
    let entries_len: usize = entries
        .iter()
        .map(|(k, b)| json_str_len(k) + 1 + b.json_len)
        .sum();
    let connector = 2 + entries_len + entries.len() - 1;
    let url = json_str_len(CONNECTOR_SCHEMA_URL);
    let len = r#"{"$defs":{"#.len() + url + 1 + connector + r#"},"$ref":"#.len() + url + 1;
    Some((text, len))
}

/// A new write schema in Flow's form: only a reference to the embedded connector schema.
pub fn fresh(connector: Value) -> Result<Value, SchemaError> {
    with_def(
        &json!({ "$ref": CONNECTOR_SCHEMA_URL }),
        CONNECTOR_SCHEMA_URL,
        connector,
    )
}

/// Flow's `update_connector_schema`: the write schema with the discovered connector schema
/// put in, or `None` when it already holds exactly that. A schema that is not managed (see
/// [`is_managed`]) is replaced by [`fresh`] — Flow's migration, which flowspec only does
/// when the user asks ([`SchemaPolicy::TakeOver`]).
pub fn update_connector_schema(
    current: Option<&Value>,
    connector: Value,
) -> Result<Option<Value>, SchemaError> {
    let updated = match current {
        Some(s) if is_managed(s) => with_def(s, CONNECTOR_SCHEMA_URL, connector)?,
        _ => fresh(connector)?,
    };
    Ok((current != Some(&updated)).then_some(updated))
}

/// The read schema a discovered schema asks for, if any: its `x-initial-read-schema` object,
/// or for `x-infer-schema: true` Flow's default inferring read schema. One that references the
/// inferred schema gets Flow's placeholder definition of it (until one is inferred).
pub fn initial_read_schema(connector: &Value) -> Option<Value> {
    let read = match connector.get(X_INITIAL_READ_SCHEMA) {
        Some(v @ Value::Object(_)) => v.clone(),
        _ if connector.get(X_INFER_SCHEMA) == Some(&Value::Bool(true)) => json!({
            "allOf": [
                {"$ref": RELAXED_WRITE_SCHEMA_URL},
                {"$ref": INFERRED_SCHEMA_URL},
            ]
        }),
        _ => return None,
    };
    if references(&read, INFERRED_SCHEMA_URL) {
        return with_def(&read, INFERRED_SCHEMA_URL, inferred_placeholder()).ok();
    }
    Some(read)
}

/// Does `schema` hold `"$ref": url` anywhere?
fn references(schema: &Value, url: &str) -> bool {
    match schema {
        Value::Object(o) => o
            .iter()
            .any(|(k, v)| (k == "$ref" && v.as_str() == Some(url)) || references(v, url)),
        Value::Array(a) => a.iter().any(|v| references(v, url)),
        _ => false,
    }
}

/// Flow's placeholder for `flow://inferred-schema` before anything was inferred: it fails
/// every document read, so the task is updated once a real inferred schema exists.
pub fn inferred_placeholder() -> Value {
    json!({
        "properties": {
            "_meta": {
                "properties": {
                    "inferredSchemaIsNotAvailable": {
                        "const": true,
                        "description": "An inferred schema is not yet available because no documents have been written to this collection.\nThis place-holder causes document validations to fail at read time, so that the task can be updated once an inferred schema is ready."
                    }
                },
                "required": ["inferredSchemaIsNotAvailable"]
            }
        },
        "required": ["_meta"]
    })
}

/// What to do with a collection whose write schema is not in the managed form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SchemaPolicy {
    /// Leave it alone: someone else wrote it (flowspec's default, as Flow's newer
    /// management check does).
    #[default]
    LeaveUnmanaged,
    /// Replace it with the managed form, as Flow's control plane migrates it.
    TakeOver,
}

/// A collection's schemas as they are now (files resolved), for [`merge_schemas`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schemas {
    pub schema: Option<Value>,
    pub write: Option<Value>,
    pub read: Option<Value>,
}

/// What a discovery does to a collection's schemas.
#[derive(Debug, Clone, PartialEq)]
pub enum SchemaChange {
    Unchanged,
    /// The write schema is not managed and the policy leaves it alone.
    NotManaged,
    /// `schema` (no read schema) becomes this.
    Schema(Value),
    /// `writeSchema` (beside an existing read schema, left untouched) becomes this.
    Write(Value),
    /// `schema` moves to `writeSchema` (now this) and `readSchema` is added.
    Split {
        write: Value,
        read: Value,
    },
}

/// Flow's schema half of `merge_collections` for one collection: the effective write schema
/// (`writeSchema` when a read schema exists; `schema` moved to `writeSchema` when the discovered
/// schema asks for a read schema; else `schema`) with the connector schema put in.
pub fn merge_schemas(
    current: &Schemas,
    connector: Value,
    policy: SchemaPolicy,
) -> Result<SchemaChange, SchemaError> {
    let (effective, split) = if current.read.is_some() {
        (current.write.as_ref(), None)
    } else if let Some(read) = initial_read_schema(&connector) {
        (current.schema.as_ref(), Some(read))
    } else {
        (current.schema.as_ref(), None)
    };
    if policy == SchemaPolicy::LeaveUnmanaged && effective.is_some_and(|s| !is_managed(s)) {
        return Ok(SchemaChange::NotManaged);
    }
    let updated = update_connector_schema(effective, connector)?;
    Ok(match (split, updated) {
        (Some(read), updated) => SchemaChange::Split {
            write: match updated {
                Some(w) => w,
                None => effective.cloned().expect("unchanged means it exists"),
            },
            read,
        },
        (None, None) => SchemaChange::Unchanged,
        (None, Some(w)) if current.read.is_some() => SchemaChange::Write(w),
        (None, Some(s)) => SchemaChange::Schema(s),
    })
}

#[cfg(test)]
mod tests;
