//! The catalog's collections as a discovery sees them: a compact summary per collection for
//! the screen's flags (key, which schema fields exist, whether the write schema is managed and
//! the connector schema it holds), and the full view with each schema's place (inline, or its
//! own file) for writing.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::schema::{self, Schemas, CONNECTOR_SCHEMA_URL};
use crate::catalog::{Catalog, EntityId, EntityKind};
use crate::connector::task::resolve_value;
use crate::yaml::{Node, PathSeg};

/// One schema field of a collection, summarised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaSummary {
    /// It mentions `flow://connector-schema` (see [`schema::is_managed`]).
    pub managed: bool,
    /// Its `$defs["flow://connector-schema"]` in canonical JSON (sorted keys), if any.
    pub connector: Option<Box<str>>,
}

/// What the screen needs to know about a collection the catalog defines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CollectionState {
    pub key: Vec<String>,
    pub schema: Option<SchemaSummary>,
    pub write: Option<SchemaSummary>,
    pub read: bool,
}

/// The summaries of the collections a discovery touches, by name. A name that is absent is a
/// collection the catalog does not define. foldhash: every row of a merge (100,000 in a large
/// one) looks its target up here, and the names come from the catalog being edited.
pub type Collections = foldhash::HashMap<String, CollectionState>;

/// Summaries of every collection of `catalog` named in `names`. A collection whose schema file
/// cannot be read is summarised without that schema (`check` reports the file).
pub fn summaries<S: std::hash::BuildHasher>(
    catalog: &Catalog,
    names: &HashSet<&str, S>,
) -> Collections {
    summaries_reusing(catalog, names, None)
}

/// [`summaries`], given the tree of one file already parsed (`(file, root)`): a discovery has
/// just parsed the capture's file, which often defines its collections too, and a file of
/// 50,000 collections takes over a second to parse.
pub fn summaries_reusing<S: std::hash::BuildHasher>(
    catalog: &Catalog,
    names: &HashSet<&str, S>,
    parsed_already: Option<(usize, Node)>,
) -> Collections {
    let wanted: Vec<_> = catalog
        .entities()
        .filter(|(_, e)| e.kind == EntityKind::Collection && names.contains(e.name.as_str()))
        .collect();
    // Each file holding one is parsed once, and its `collections` mapping indexed by name:
    // looking 50,000 names up one by one in a mapping of 50,000 would be quadratic.
    let mut parsed: HashMap<usize, Option<Node>> = HashMap::new();
    if let Some((file, root)) = parsed_already {
        if wanted.iter().any(|(id, _)| id.file == file) {
            parsed.insert(file, Some(root));
        }
    }
    for (id, _) in &wanted {
        parsed
            .entry(id.file)
            .or_insert_with(|| catalog.parse_file(id.file).ok());
    }
    let by_name: HashMap<usize, HashMap<&str, &Node>> = parsed
        .iter()
        .filter_map(|(&file, root)| {
            let section = root.as_ref()?.get(EntityKind::Collection.section())?;
            let mut index = HashMap::new();
            for (k, v) in section.entries() {
                if let Some(name) = k.as_str() {
                    index.entry(name).or_insert(v); // The first, as `Node::get` finds.
                }
            }
            Some((file, index))
        })
        .collect();
    let mut out = Collections::default();
    for (id, e) in wanted {
        let Some(def) = by_name.get(&id.file).and_then(|m| m.get(e.name.as_str())) else {
            continue;
        };
        let summary = |k: &str| {
            def.get(k)
                .and_then(|n| resolve_value(catalog, id.file, n).ok())
                .map(|v| summarize(&v))
        };
        out.insert(
            e.name.clone(),
            CollectionState {
                key: e.key.clone(),
                schema: summary("schema"),
                write: summary("writeSchema"),
                read: def.get("readSchema").is_some(),
            },
        );
    }
    out
}

fn summarize(v: &Value) -> SchemaSummary {
    SchemaSummary {
        managed: schema::is_managed(v),
        connector: v
            .get("$defs")
            .and_then(|d| d.get(CONNECTOR_SCHEMA_URL))
            .map(|d| canonical(d).into_boxed_str()),
    }
}

/// JSON text with every object's keys sorted: equal values give equal text.
pub fn canonical(v: &Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(o) => {
            let mut entries: Vec<(&str, &Value)> = o.iter().map(|(k, v)| (k.as_str(), v)).collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            write_entries(&entries, out);
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(x, out);
            }
            out.push(']');
        }
        Value::String(s) => write_string(s, out),
        other => out.push_str(&other.to_string()),
    }
}

/// An object's entries, already sorted by key.
fn write_entries(entries: &[(&str, &Value)], out: &mut String) {
    out.push('{');
    for (i, (k, v)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(k, out);
        out.push(':');
        write_canonical(v, out);
    }
    out.push('}');
}

/// A JSON string as serde_json writes it (it escapes only `"`, `\\` and control characters),
/// without an allocation when there is nothing to escape.
pub(super) fn write_string(s: &str, out: &mut String) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(&serde_json::to_string(s).unwrap_or_default());
    }
}

/// Where one of a collection's values lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Written in the collection's definition.
    Inline,
    /// In its own file (catalog file index), named by `reference` in the definition.
    File { file: usize, reference: String },
}

/// A schema of a collection and where it lives.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    pub value: Value,
    pub place: Place,
}

/// A collection the catalog defines, with its schemas resolved, for writing.
#[derive(Debug, Clone, PartialEq)]
pub struct CollectionView {
    pub id: EntityId,
    /// The definition's path in its file (`/collections/<name>`).
    pub path: Vec<PathSeg>,
    pub key: Vec<String>,
    pub schema: Option<Located>,
    pub write: Option<Located>,
    pub read: Option<Located>,
}

impl CollectionView {
    /// The schema values, for [`schema::merge_schemas`].
    pub fn schemas(&self) -> Schemas {
        let v = |l: &Option<Located>| l.as_ref().map(|l| l.value.clone());
        Schemas {
            schema: v(&self.schema),
            write: v(&self.write),
            read: v(&self.read),
        }
    }
}

/// The collection `name` of `catalog`, if it defines it.
pub fn view(catalog: &Catalog, name: &str) -> Result<Option<CollectionView>, String> {
    let Some((id, e)) = catalog.find(name, Some(EntityKind::Collection)) else {
        return Ok(None);
    };
    let root = catalog.parse_file(id.file).map_err(|e| e.message)?;
    let path = e.path();
    let def = root
        .at(&path)
        .ok_or_else(|| format!("collection `{name}` vanished from its file"))?;
    let located = |k: &str| -> Result<Option<Located>, String> {
        let Some(n) = def.get(k) else {
            return Ok(None);
        };
        let value = resolve_value(catalog, id.file, n).map_err(|e| e.0)?;
        let place = match n.as_str() {
            Some(reference) => Place::File {
                file: referenced_index(catalog, id.file, reference).ok_or_else(|| {
                    format!("`{name}`: the schema file `{reference}` was not loaded")
                })?,
                reference: reference.to_string(),
            },
            None => Place::Inline,
        };
        Ok(Some(Located { value, place }))
    };
    Ok(Some(CollectionView {
        id,
        key: e.key.clone(),
        schema: located("schema")?,
        write: located("writeSchema")?,
        read: located("readSchema")?,
        path,
    }))
}

/// The index of the loaded file `reference` (written in file `from`) names.
fn referenced_index(catalog: &Catalog, from: usize, reference: &str) -> Option<usize> {
    let target = catalog.referenced_file(from, reference)?;
    catalog.files.iter().position(|f| std::ptr::eq(f, target))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_text_escapes_as_serde_json_does() {
        let tricky = json!({"k\u{1}": "\u{7f}\"q\""});
        assert_eq!(canonical(&tricky), serde_json::to_string(&tricky).unwrap());
    }

    #[test]
    fn canonical_text_ignores_key_order() {
        assert_eq!(
            canonical(&json!({"b": [1, {"d": 1, "c": "x"}], "a": null})),
            r#"{"a":null,"b":[1,{"c":"x","d":1}]}"#
        );
    }

    #[test]
    fn collections_are_summarised_and_viewed_with_their_places() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("flow.yaml"),
            "collections:\n  acme/a:\n    key: [/id]\n    schema: a.schema.yaml\n  acme/b:\n    key: [/x, /y]\n    writeSchema: {type: object}\n    readSchema: {type: object}\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("a.schema.yaml"),
            "$defs:\n  flow://connector-schema: {$id: flow://connector-schema, type: object}\n$ref: flow://connector-schema\n",
        )
        .unwrap();
        let cat = crate::catalog::load(&dir.path().join("flow.yaml"), &mut |_| {}).unwrap();
        let names: HashSet<&str> = ["acme/a", "acme/b", "acme/none"].into();
        let s = summaries(&cat, &names);
        assert_eq!(s.len(), 2);
        let a = &s["acme/a"];
        assert_eq!(a.key, vec!["/id"]);
        let sa = a.schema.as_ref().unwrap();
        assert!(sa.managed);
        assert_eq!(
            sa.connector.as_deref(),
            Some(r#"{"$id":"flow://connector-schema","type":"object"}"#)
        );
        // The same from a tree parsed already, of the file that defines them or of another.
        for file in 0..cat.files.len() {
            let root = cat.parse_file(file).unwrap();
            assert_eq!(summaries_reusing(&cat, &names, Some((file, root))), s);
        }
        let b = &s["acme/b"];
        assert!(b.read && b.schema.is_none());
        assert!(!b.write.as_ref().unwrap().managed);
        let v = view(&cat, "acme/a").unwrap().unwrap();
        let Some(Located {
            place: Place::File { file, reference },
            value,
        }) = &v.schema
        else {
            panic!("{v:?}")
        };
        assert_eq!(reference, "a.schema.yaml");
        assert!(cat.files[*file].path.ends_with("a.schema.yaml"));
        assert_eq!(value["$ref"], json!("flow://connector-schema"));
        assert!(view(&cat, "acme/none").unwrap().is_none());
        let vb = view(&cat, "acme/b").unwrap().unwrap();
        assert_eq!(vb.write.unwrap().place, Place::Inline);
    }
}
