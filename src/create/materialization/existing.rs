//! Bindings added to or removed from a materialization the catalog has: the source picker on
//! its detail pane, and removing one binding. Edits through `discover::edits` (the one door
//! into the YAML layer): existing text is kept byte for byte, a removed binding takes its
//! lines and the comment lines right above it.

use serde_json::Value;

use super::naming::{self, ResourceAnnotations, TargetNaming};
use super::{binding, check_sources};
use crate::catalog::{Catalog, EntityId, EntityKind};
use crate::connector::task::resolve_value;
use crate::discover::edits;
use crate::yaml::{patch::Edit, Node, PathSeg};

/// The materialization `id`'s definition node and the path of its `bindings`.
fn definition(catalog: &Catalog, id: EntityId) -> Result<(Node, Vec<PathSeg>), String> {
    let entity = catalog.entity(id).ok_or("no such materialization")?;
    if entity.kind != EntityKind::Materialization {
        return Err(format!("`{}` is not a materialization", entity.name));
    }
    let root = catalog.parse_file(id.file).map_err(|e| e.message)?;
    let def = root
        .at(&entity.path())
        .ok_or_else(|| format!("`{}` vanished from its file", entity.name))?
        .clone();
    let mut seq = entity.path();
    seq.push(PathSeg::key("bindings"));
    Ok((def, seq))
}

/// The source collection a binding names (`source: NAME` or `source: {name: NAME}`).
fn source_of(b: &Node) -> Option<String> {
    let s = b.get("source")?;
    s.as_str()
        .or_else(|| s.get("name").and_then(Node::as_str))
        .map(str::to_string)
}

/// Adds one binding per source to materialization `id`, resources prefilled as for a new one
/// (`naming`, else the spec's own `targetNaming`, applied where the connector has
/// `x-schema-name`, else the collections' last name components; `fields_recommended` as
/// `fields.recommended`).
/// Refused, catalog unchanged, when a source is not a collection of the catalog or is bound
/// already, or when a new binding would write a table another binding writes.
pub fn add_bindings(
    catalog: &mut Catalog,
    id: EntityId,
    sources: &[String],
    naming: Option<&TargetNaming>,
    delta_updates: bool,
    fields_recommended: Option<&Value>,
    ann: &ResourceAnnotations,
) -> Result<(), String> {
    if sources.is_empty() {
        return Err("no source collection is picked".into());
    }
    check_sources(catalog, sources)?;
    let (def, seq) = definition(catalog, id)?;
    let own = def
        .get("targetNaming")
        .map(|n| n.to_json())
        .and_then(|v| TargetNaming::from_json(&v));
    let naming = naming.or(own.as_ref());
    let items = def.get("bindings").map(Node::items).unwrap_or_default();
    let mut existing = Vec::new();
    for (i, b) in items.iter().enumerate() {
        let source = source_of(b).unwrap_or_default();
        if sources.contains(&source) {
            return Err(format!(
                "`{source}` is materialized already (binding {})",
                i + 1
            ));
        }
        if let Some(r) = b.get("resource") {
            let r = resolve_value(catalog, id.file, r).map_err(|e| e.0)?;
            existing.push((source, r));
        }
    }
    let naming = naming::Naming::of(naming, ann, false);
    let preview = naming::resources(sources, naming, delta_updates, ann, &existing);
    if !preview.collisions.is_empty() {
        return Err(format!(
            "two bindings would write one table: {}",
            preview.collisions.join("; ")
        ));
    }
    let values: Vec<Value> = preview
        .bindings
        .into_iter()
        .map(|(s, r)| binding(s, r, fields_recommended))
        .collect();
    let edits: Vec<Edit> = if items.is_empty() {
        let mut map = seq.clone();
        map.pop();
        vec![Edit::Set {
            map,
            key: "bindings".into(),
            value: Value::Array(values),
        }]
    } else {
        values
            .into_iter()
            .map(|value| Edit::Push {
                seq: seq.clone(),
                value,
            })
            .collect()
    };
    edits::apply(catalog, id.file, &edits)
}

/// Removes binding `index` (0-based) of materialization `id`, with its lines and the comment
/// lines right above it.
pub fn remove_binding(catalog: &mut Catalog, id: EntityId, index: usize) -> Result<(), String> {
    let (def, seq) = definition(catalog, id)?;
    let count = def.get("bindings").map_or(0, |b| b.items().len());
    if index >= count {
        return Err(format!(
            "binding {} does not exist ({count} binding{})",
            index + 1,
            if count == 1 { "" } else { "s" }
        ));
    }
    edits::apply(catalog, id.file, &[Edit::RemoveItem { seq, index }])
}
