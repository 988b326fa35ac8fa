//! Flow's build rules for what tasks say about collections (estuary/flow
//! `crates/validation/src/{derivation,materialization,collection}.rs`): transform names,
//! shuffle keys against the source's schema, partition selectors, and a materialization
//! binding's `fields` against the source's projections.

use std::collections::HashMap;
use std::path::Path;

use super::build::{describe, walk_ptr, Emit, Models};
use super::Code;
use crate::catalog::shape::collection;
use crate::catalog::shape::CollectionModel;
use crate::catalog::FileRole;
use crate::yaml::Node;

/// Fields Flow may add to every collection (`_meta/op`, `_meta/uuid` and the like) whether or
/// not its schema names them; they are never reported as unknown.
fn is_meta(field: &str) -> bool {
    field == "_meta" || field.starts_with("_meta/")
}

/// The transform and materialization rules of every catalog file.
pub fn check(emit: &mut Emit, parsed: &[Option<Node>], models: &Models) {
    let catalog = emit.catalog;
    for (i, root) in parsed.iter().enumerate() {
        let (Some(root), FileRole::Catalog) = (root, catalog.files[i].role) else {
            continue;
        };
        let file = catalog.files[i].path.clone();
        for (name, def) in collection::collections(root) {
            if let Some(derive) = def.get("derive") {
                transforms(emit, &file, &name.key_string(), derive, models);
            }
        }
        for (name, def) in root
            .get("materializations")
            .map(Node::entries)
            .unwrap_or_default()
        {
            for binding in def.get("bindings").map(Node::items).unwrap_or_default() {
                if binding.get("disable").and_then(Node::as_bool) != Some(true) {
                    materialization_binding(emit, &file, &name.key_string(), binding, models);
                }
            }
        }
    }
}

/// The source of a transform or binding: `name` or `{name, partitions, ...}`.
fn source(holder: &Node) -> Option<(&str, Option<&Node>)> {
    let source = holder.get("source")?;
    match source.as_str() {
        Some(name) => Some((name, None)),
        None => Some((source.get("name")?.as_str()?, source.get("partitions"))),
    }
}

/// The model of a collection defined in this catalog, if it could be built.
fn model<'m>(models: &'m Models, name: &str) -> Option<&'m CollectionModel> {
    models.get(name)?.as_ref().ok()
}

fn transforms(emit: &mut Emit, file: &Path, derivation: &str, derive: &Node, models: &Models) {
    let mut names: HashMap<String, u32> = HashMap::new();
    for t in derive
        .get("transforms")
        .map(Node::items)
        .unwrap_or_default()
    {
        if let Some(n) = t.get("name").and_then(|n| n.as_str().map(|s| (n, s))) {
            match names.get(n.1) {
                Some(line) => emit.error(
                    Code::NameCollision,
                    file,
                    n.0.pos,
                    format!(
                        "transform `{}` collides with transform `{}` of derivation \
                         `{derivation}` (line {line}); transform names must be unique",
                        n.1, n.1
                    ),
                ),
                None => {
                    names.insert(n.1.to_string(), n.0.pos.line);
                }
            }
        }
        if t.get("disable").and_then(Node::as_bool) == Some(true) {
            continue;
        }
        let Some((source_name, partitions)) = source(t) else {
            continue;
        };
        let Some(m) = model(models, source_name) else {
            continue;
        };
        if let Some(p) = partitions {
            selector(emit, file, p, m, source_name);
        }
        // Flow reads shuffle keys in the source's read schema; with a separate one (often
        // inferred by the control plane) only the write schema is known here.
        if m.opaque || m.separate_read {
            continue;
        }
        let key = t.get("shuffle").and_then(|s| s.get("key"));
        for k in key.map(Node::items).unwrap_or_default() {
            let what = format!("shuffle key `{}`", k.as_str().unwrap_or_default());
            walk_ptr(emit, file, k, m, &what, source_name, true);
        }
    }
}

/// A partition selector's `include` and `exclude` fields must be partitions of the source
/// (Flow's `walk_selector`: `NoSuchProjection`, `ProjectionNotPartitioned`).
fn selector(emit: &mut Emit, file: &Path, partitions: &Node, m: &CollectionModel, coll: &str) {
    for category in ["include", "exclude"] {
        for (k, _) in partitions
            .get(category)
            .map(Node::entries)
            .unwrap_or_default()
        {
            let field = k.key_string();
            match m.projection(&field) {
                Some(p) if p.partition => {}
                Some(_) => emit.error(
                    Code::ProjectionNotPartitioned,
                    file,
                    k.pos,
                    format!(
                        "partition selector `{category}` names field `{field}` of collection \
                         `{coll}`, which is not a partition (declare it in `projections` with \
                         `partition: true`)"
                    ),
                ),
                // Partitions are explicit projections, which every model has in full.
                None => emit.error(
                    Code::NoSuchProjection,
                    file,
                    k.pos,
                    format!(
                        "partition selector `{category}` names field `{field}`, which is not a \
                         partition of collection `{coll}`{}",
                        partition_list(m)
                    ),
                ),
            }
        }
    }
}

/// "; its partitions are `a`, `b`" or "; it has no partitions".
fn partition_list(m: &CollectionModel) -> String {
    let parts: Vec<String> = m
        .projections
        .iter()
        .filter(|p| p.partition)
        .map(|p| format!("`{}`", p.field))
        .collect();
    match parts.is_empty() {
        true => "; it has no partitions".to_string(),
        false => format!("; its partitions are {}", parts.join(", ")),
    }
}

fn materialization_binding(
    emit: &mut Emit,
    file: &Path,
    task: &str,
    binding: &Node,
    models: &Models,
) {
    let Some((source_name, partitions)) = source(binding) else {
        return;
    };
    let Some(m) = model(models, source_name) else {
        return;
    };
    if let Some(p) = partitions {
        selector(emit, file, p, m, source_name);
    }
    let Some(fields) = binding.get("fields") else {
        return;
    };
    let unknown = |field: &str| !is_meta(field) && !m.partial() && m.projection(field).is_none();
    let no_such = |field: &str, what: &str| {
        format!(
            "{what} names field `{field}`, which no projection of collection `{source_name}` \
             provides (materialization `{task}`)"
        )
    };
    for g in fields.get("groupBy").map(Node::items).unwrap_or_default() {
        let Some(field) = g.as_str() else { continue };
        if unknown(field) {
            emit.error(
                Code::NoSuchProjection,
                file,
                g.pos,
                no_such(field, "`groupBy`"),
            );
        } else if let Some(p) = m.projection(field).filter(|p| !p.types.is_keyable()) {
            if !m.separate_read {
                emit.error(
                    Code::GroupByWrongType,
                    file,
                    g.pos,
                    format!(
                        "`groupBy` field `{field}` can be {}, but group-by fields may only be \
                         integers, strings or booleans (each may also be null)",
                        describe(p.types)
                    ),
                );
            }
        }
    }
    let require = fields.get("require").or_else(|| fields.get("include"));
    for (k, _) in require.map(Node::entries).unwrap_or_default() {
        let field = k.key_string();
        if unknown(&field) {
            emit.error(
                Code::NoSuchProjection,
                file,
                k.pos,
                no_such(&field, "`require`"),
            );
        }
    }
    // Flow drops an `exclude` of a field the live task already excluded (a projection the
    // collection lost), so without the live spec this is a warning.
    for x in fields.get("exclude").map(Node::items).unwrap_or_default() {
        let Some(field) = x.as_str() else { continue };
        if unknown(field) {
            emit.warn(
                Code::NoSuchProjection,
                file,
                x.pos,
                format!(
                    "{}; Flow rejects it unless the published task already excludes it",
                    no_such(field, "`exclude`")
                ),
            );
        }
    }
}
