//! A new materialization: its endpoint and config file, one binding per source collection
//! with its resource prefilled as Flow's control plane does ([`naming`]), or a linked capture
//! (`source: {capture: NAME}`) with the bindings Flow's controller would add for it; and
//! bindings added to or removed from an existing materialization ([`existing`]).

pub mod existing;
pub mod naming;

use std::path::Path;

use serde_json::{json, Map, Value};

pub use existing::{add_bindings, remove_binding};
pub use naming::{annotations, Naming, Preview, ResourceAnnotations, TargetNaming};

use super::{capture::add_config, names, paths, place, Connector, Files, Kind};
use crate::catalog::{Catalog, EntityKind};
use crate::secrets::Secret;
use crate::yaml::Node;

/// What the new materialization reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sources {
    /// Collections picked one by one.
    Collections(Vec<String>),
    /// A linked capture: the materialization follows its bindings (`source: {capture}`).
    Capture(String),
}

/// A materialization to create, as the wizard's steps or the command line give it.
#[derive(Debug, Clone)]
pub struct NewMaterialization {
    pub name: String,
    pub connector: Connector,
    /// The config file's full text (sops-encrypted when it holds secrets).
    pub config_text: Secret<String>,
    pub sources: Sources,
    /// Asked once when the connector has `x-schema-name`; written as `targetNaming`.
    pub naming: Option<TargetNaming>,
    /// New bindings materialize in delta updates (where the connector has `x-delta-updates`).
    pub delta_updates: bool,
    /// `fields.recommended` of the new bindings (`true`/`false` or a depth), and for a linked
    /// capture `source.fieldsRecommended`; `None` leaves Flow's default.
    pub fields_recommended: Option<Value>,
}

/// Linking a capture: the collections Flow's controller adds bindings for — the targets of the
/// capture's enabled bindings, in order, without duplicates (estuary/flow
/// `crates/agent/src/controllers/materialization.rs`).
pub fn linked_sources(catalog: &Catalog, capture: &str) -> Result<Vec<String>, String> {
    let (id, _) = catalog
        .find(capture, Some(EntityKind::Capture))
        .ok_or_else(|| format!("no capture `{capture}` in this catalog"))?;
    let root = catalog.parse_file(id.file).map_err(|e| e.message)?;
    let entity = catalog.entity(id).ok_or("the capture vanished")?;
    let def = root.at(&entity.path()).ok_or("the capture vanished")?;
    let mut out: Vec<String> = Vec::new();
    for b in def.get("bindings").map(Node::items).unwrap_or_default() {
        if b.get("disable").and_then(Node::as_bool) == Some(true) {
            continue;
        }
        if let Some(t) = b.get("target").and_then(Node::as_str) {
            if !out.iter().any(|o| o == t) {
                out.push(t.to_string());
            }
        }
    }
    Ok(out)
}

/// The source collections of `new` (a linked capture's targets resolved).
pub fn source_names(catalog: &Catalog, new: &NewMaterialization) -> Result<Vec<String>, String> {
    match &new.sources {
        Sources::Collections(c) => Ok(c.clone()),
        Sources::Capture(cap) => linked_sources(catalog, cap),
    }
}

/// The bindings `new` would get — the live preview of the naming step — and the tables two
/// of them would share. A linked capture that cannot be read previews nothing.
pub fn preview(catalog: &Catalog, new: &NewMaterialization, ann: &ResourceAnnotations) -> Preview {
    let sources = source_names(catalog, new).unwrap_or_default();
    naming::resources(&sources, naming_of(new, ann), new.delta_updates, ann, &[])
}

/// Writes the materialization and its config file into `catalog` (unsaved; `exists` says
/// what is on disk). Refused, catalog unchanged, when the name is taken or invalid, a source
/// is not a collection of the catalog, there is no source, delta updates are asked of a
/// connector without `x-delta-updates`, or two bindings map to one table.
pub fn write(
    catalog: &mut Catalog,
    new: &NewMaterialization,
    ann: &ResourceAnnotations,
    exists: &dyn Fn(&Path) -> bool,
) -> Result<Files, String> {
    names::validate(catalog, &new.name)?;
    let sources = source_names(catalog, new)?;
    if sources.is_empty() {
        return Err(match &new.sources {
            Sources::Capture(c) => {
                format!("the capture `{c}` has no enabled binding to materialize")
            }
            Sources::Collections(_) => "no source collection is picked".into(),
        });
    }
    check_sources(catalog, &sources)?;
    if new.delta_updates && ann.delta_updates.is_none() {
        return Err("this connector has no delta updates setting (`x-delta-updates`)".into());
    }
    let preview = naming::resources(&sources, naming_of(new, ann), new.delta_updates, ann, &[]);
    if !preview.collisions.is_empty() {
        return Err(format!(
            "two bindings would write one table: {}; choose another target naming",
            preview.collisions.join("; ")
        ));
    }
    let p = paths::paths(catalog, Kind::Materialization, &new.name, exists);
    let def = definition(new, ann, &p.config_ref(), preview.bindings);
    let mut work = catalog.clone();
    add_config(&mut work, &p.config, &new.config_text);
    let created = place::put_spec(
        &mut work,
        EntityKind::Materialization,
        &new.name,
        def,
        exists,
    )?;
    *catalog = work;
    let mut files = vec![p.config];
    files.extend(created);
    Ok(Files {
        created: files,
        airbyte_command: None,
    })
}

/// The naming of `new`'s bindings: its strategy where the connector names schemas, else Flow's
/// controller default for a linked capture, else the collections' last name components.
pub fn naming_of<'a>(new: &'a NewMaterialization, ann: &ResourceAnnotations) -> Naming<'a> {
    let linked = matches!(new.sources, Sources::Capture(_));
    Naming::of(new.naming.as_ref(), ann, linked)
}

/// Every source must be a collection of the catalog (a typo would otherwise be written).
pub fn check_sources(catalog: &Catalog, sources: &[String]) -> Result<(), String> {
    for s in sources {
        if catalog.find(s, Some(EntityKind::Collection)).is_none() {
            return Err(format!("no collection `{s}` in this catalog"));
        }
    }
    Ok(())
}

/// The spec, in Flow's field order: `source`, `targetNaming`, `endpoint`, `bindings`.
fn definition(
    new: &NewMaterialization,
    ann: &ResourceAnnotations,
    config_ref: &str,
    bindings: Vec<(String, Value)>,
) -> Value {
    let mut def = Map::new();
    if let Sources::Capture(capture) = &new.sources {
        let mut source = Map::new();
        source.insert("capture".into(), json!(capture));
        if new.delta_updates {
            source.insert("deltaUpdates".into(), Value::Bool(true));
        }
        if let Some(f) = &new.fields_recommended {
            source.insert("fieldsRecommended".into(), f.clone());
        }
        def.insert("source".into(), Value::Object(source));
    }
    if let (Some(n), true) = (&new.naming, ann.has_schema_name()) {
        def.insert("targetNaming".into(), n.to_json());
    }
    def.insert("endpoint".into(), new.connector.endpoint(config_ref));
    let bindings = bindings
        .into_iter()
        .map(|(source, resource)| binding(source, resource, new.fields_recommended.as_ref()))
        .collect();
    def.insert("bindings".into(), Value::Array(bindings));
    Value::Object(def)
}

/// One binding: `resource`, `source`, and `fields.recommended` when set.
pub(super) fn binding(source: String, resource: Value, fields: Option<&Value>) -> Value {
    let mut b = Map::new();
    b.insert("resource".into(), resource);
    b.insert("source".into(), Value::String(source));
    if let Some(f) = fields {
        b.insert("fields".into(), json!({"recommended": f}));
    }
    Value::Object(b)
}

#[cfg(test)]
mod tests;
