//! What Flow's build rejects beyond the catalog's structure (estuary/flow
//! `crates/validation`): schemas that do not build, collection keys and projections the schema
//! cannot satisfy, names that are prefixes of other names. Each problem is located at the key
//! or value that causes it, with Flow's error name as its [`Code`].
//!
//! Where Flow's verdict depends on what only the control plane knows (an inferred read
//! schema, the live spec) or on a `$ref` that cannot be followed offline, nothing is reported,
//! or a warning says what may go wrong.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use url::Url;

use super::{Code, Finding};
use crate::catalog::shape::collection::{self, CollectionModel, NoModel, SCHEMA_KEYS};
use crate::catalog::shape::{all_refs, schema_check, Exists, Index, Resolved, Types};
use crate::catalog::{names, Catalog, Diagnostic, FileRole};
use crate::yaml::{Node, Pos};

/// Findings being collected.
pub struct Emit<'a> {
    pub catalog: &'a Catalog,
    pub out: Vec<Finding>,
}

impl Emit<'_> {
    pub fn error(&mut self, code: Code, file: &Path, pos: Pos, message: String) {
        self.out.push(Finding {
            code,
            diagnostic: Diagnostic::error(file, pos.line, pos.col, message),
        });
    }

    pub fn warn(&mut self, code: Code, file: &Path, pos: Pos, message: String) {
        self.out.push(Finding {
            code,
            diagnostic: Diagnostic::warning(file, pos.line, pos.col, message),
        });
    }
}

/// The models of every collection, by name (see [`collection::models`]).
pub type Models = HashMap<String, Result<CollectionModel, NoModel>>;

/// Checks a JSON pointer used as a key (`key` true: a collection key, a partition, a shuffle
/// key) or a plain projection against a collection's schema, as Flow's `Schema::walk_ptr`
/// does (`crates/validation/src/schema.rs`): the location must be known to the schema and
/// able to exist, and a key must also hold a keyable type. `what` names the pointer in
/// messages ("key `/id`"). Plain projections get warnings (see below).
pub fn walk_ptr(
    emit: &mut Emit,
    file: &Path,
    node: &Node,
    model: &CollectionModel,
    what: &str,
    collection: &str,
    key: bool,
) {
    let Some(ptr) = node.as_str().filter(|p| names::is_json_pointer(p)) else {
        return; // The structural check reports pointers that are not pointers.
    };
    let (shape, exists) = model.shape.locate(ptr);
    // Flow drops (or keeps) a plain projection of the published collection whose location left
    // the schema, and rejects only a new or changed one; without the live spec, a warning.
    let why = match key {
        true => "",
        false => "; Flow rejects this unless the published collection already has this projection",
    };
    let report = |emit: &mut Emit, code, file, pos, message| match key {
        true => emit.error(code, file, pos, message),
        false => emit.warn(code, file, pos, message),
    };
    match exists {
        Exists::Implicit => report(
            emit,
            Code::PtrIsImplicit,
            file,
            node.pos,
            format!(
                "{what} is not a location the schema of collection `{collection}` knows: add \
                 `{ptr}` to the schema's properties{why}"
            ),
        ),
        Exists::Cannot => report(
            emit,
            Code::PtrCannotExist,
            file,
            node.pos,
            format!(
                "{what} can never exist in documents of collection `{collection}`: its schema \
                 forbids it{why}"
            ),
        ),
        Exists::May if key => emit.warn(
            Code::KeyMayNotExist,
            file,
            node.pos,
            format!(
                "{what} is not required by the schema of collection `{collection}`; add it to \
                 `required` (documents without it have a null key, and older Flow rejects it)"
            ),
        ),
        _ => {}
    }
    if key && matches!(exists, Exists::Must | Exists::May) && !shape.types.is_keyable() {
        emit.error(
            Code::KeyWrongType,
            file,
            node.pos,
            format!(
                "{what} can be {} in collection `{collection}`, but a key may only be an \
                 integer, a string or a boolean (each may also be null)",
                describe(shape.types)
            ),
        );
    }
}

/// "a number", "any type", "an object or a string".
pub fn describe(types: Types) -> String {
    if types == Types::ANY {
        return "any type (the schema does not say)".to_string();
    }
    let names: Vec<String> = types
        .names()
        .into_iter()
        .map(|n| match n {
            "array" | "integer" | "object" => format!("an {n}"),
            "null" => "null".to_string(),
            other => format!("a {other}"),
        })
        .collect();
    match names.split_last() {
        None => "nothing".to_string(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// The collection checks of every catalog file, and name prefixes across the catalog.
pub fn check(emit: &mut Emit, parsed: &[Option<Node>], index: &Index, models: &Models) {
    let catalog = emit.catalog;
    let broken = schema_files(emit, parsed, index);
    let mut seen: HashSet<String> = HashSet::new();
    for (i, root) in parsed.iter().enumerate() {
        let (Some(root), Some(url), FileRole::Catalog) = (
            root,
            collection::file_url(catalog, i),
            catalog.files[i].role,
        ) else {
            continue;
        };
        let file = catalog.files[i].path.clone();
        for (name, def) in collection::collections(root) {
            let name = name.key_string();
            let first = seen.insert(name.clone());
            if first && def.is_map() {
                let at = (file.as_path(), catalog.files[i].text());
                collection_rules(emit, at, &url, index, &name, def, models, &broken);
            }
        }
    }
    prefixes(emit);
}

/// Problems of schema files (their keywords and `$ref`s); returns the files that have some.
fn schema_files(emit: &mut Emit, parsed: &[Option<Node>], index: &Index) -> HashSet<String> {
    let mut broken = HashSet::new();
    for (i, root) in parsed.iter().enumerate() {
        let (Some(root), Some(url), FileRole::Schema) = (
            root,
            collection::file_url(emit.catalog, i),
            emit.catalog.files[i].role,
        ) else {
            continue;
        };
        let file = emit.catalog.files[i].path.clone();
        let cat = emit.catalog;
        if schema_problems(emit, (&file, cat.files[i].text()), root, &url, index, None) {
            broken.insert(url.to_string());
        }
    }
    broken
}

/// Reports the keyword problems and unresolvable `$ref` fragments of one schema; true when
/// it has an error.
fn schema_problems(
    emit: &mut Emit,
    (file, text): (&Path, &str),
    root: &Node,
    url: &Url,
    index: &Index,
    inline: Option<&Node>,
) -> bool {
    let mut errors = false;
    for p in schema_check::check(root) {
        errors |= p.certain;
        if p.certain {
            emit.error(Code::SchemaBuild, file, p.pos, p.message);
        } else {
            emit.warn(Code::SchemaBuild, file, p.pos, p.message);
        }
    }
    let refs = match collection::may_contain(text, root, &["$ref"]) {
        true => all_refs(root, url),
        false => Vec::new(),
    };
    for (node, base) in refs {
        let Some(reference) = node.as_str() else {
            continue;
        };
        if let Resolved::NoFragment(target) = index.resolve(&base, reference, inline) {
            errors = true;
            emit.error(
                Code::SchemaIndex,
                file,
                node.pos,
                format!(
                    "`$ref: {reference}` leads nowhere: {} has no {}",
                    document_name(emit.catalog, &target),
                    fragment_name(&target)
                ),
            );
        }
    }
    errors
}

/// The file a URL names, as shown to the user.
pub fn document_name(catalog: &Catalog, url: &Url) -> String {
    match url.to_file_path() {
        Ok(p) => format!("`{}`", catalog.display_path(&p)),
        Err(_) => format!("`{url}`"),
    }
}

/// "location `/$defs/x`" or "anchor `Integer`" for a URL's fragment.
pub fn fragment_name(url: &Url) -> String {
    match url.fragment() {
        Some(f) if f.starts_with('/') => format!("location `{f}`"),
        Some(f) => format!("`$anchor` (or `$id: '#{f}'`) named `{f}`"),
        None => "such schema".to_string(),
    }
}

#[allow(clippy::too_many_arguments)]
fn collection_rules(
    emit: &mut Emit,
    (file, text): (&Path, &str),
    url: &Url,
    index: &Index,
    name: &str,
    def: &Node,
    models: &Models,
    broken: &HashSet<String>,
) {
    let mut schema_broken = false;
    for key in SCHEMA_KEYS {
        let Some(schema) = def.get(key) else { continue };
        if schema.is_map() {
            schema_broken |= schema_problems(emit, (file, text), schema, url, index, Some(schema));
        } else if schema.as_bool().is_some() {
            emit.error(
                Code::CollectionSchemaNotObject,
                file,
                schema.pos,
                format!(
                    "`{key}` of collection `{name}` is `{}`; a collection schema must be a \
                     mapping with `type: object`",
                    schema.as_bool().unwrap_or_default()
                ),
            );
            schema_broken = true;
        } else if let Some(reference) = schema.as_str() {
            if let Ok(target) = url.join(reference) {
                let mut doc = target.clone();
                doc.set_fragment(None);
                schema_broken |= broken.contains(doc.as_str());
            }
        }
    }
    let schema_node = def.get("schema").or_else(|| def.get("writeSchema"));
    let model = match models.get(name) {
        Some(Ok(model)) => model,
        Some(Err(NoModel::NoSuchFragment(target))) => {
            if let (Some(node), Ok(target)) = (schema_node, Url::parse(target)) {
                emit.error(
                    Code::NoSuchSchema,
                    file,
                    node.pos,
                    format!(
                        "the schema of collection `{name}` does not exist: {} has no {}",
                        document_name(emit.catalog, &target),
                        fragment_name(&target)
                    ),
                );
            }
            return;
        }
        _ => return,
    };
    if schema_broken || model.opaque {
        return; // Flow stops at the schema's errors; an unknown `$ref` hides locations.
    }
    let schema_node = schema_node.expect("a model has a schema");
    if schema_node.is_map() && !model.shape.types.is(Types::OBJECT) {
        emit.error(
            Code::CollectionSchemaNotObject,
            file,
            schema_node.pos,
            format!(
                "the schema of collection `{name}` allows {}; a collection schema must have \
                 exactly `type: object`",
                describe(model.shape.types)
            ),
        );
        return;
    }
    for k in def.get("key").map(Node::items).unwrap_or_default() {
        let what = format!("key `{}`", k.as_str().unwrap_or_default());
        walk_ptr(emit, file, k, model, &what, name, true);
    }
    projection_rules(emit, file, def, model, name);
}

/// Explicit projections: their locations, partitions' keyability, remapped canonical fields.
fn projection_rules(emit: &mut Emit, file: &Path, def: &Node, model: &CollectionModel, name: &str) {
    for (k, v) in def
        .get("projections")
        .map(Node::entries)
        .unwrap_or_default()
    {
        let field = k.key_string();
        let (ptr_node, partition) = match v.get("location") {
            Some(loc) => (
                loc,
                v.get("partition").and_then(Node::as_bool).unwrap_or(false),
            ),
            None => (v, false),
        };
        if ptr_node.as_str() == Some("/_meta/uuid/date-time") && !partition {
            continue; // Flow's synthetic publication time.
        }
        let what = match partition {
            true => format!("partition `{field}`"),
            false => format!("projection `{field}`"),
        };
        // The read schema decides plain projections; partitions must be keys of both.
        if partition || !model.separate_read {
            walk_ptr(emit, file, ptr_node, model, &what, name, partition);
        }
        if let Some(r) = model.remaps.iter().find(|r| r.field == field) {
            if !model.separate_read {
                emit.error(
                    Code::ProjectionRemapsCanonicalField,
                    file,
                    k.pos,
                    format!(
                        "projection `{field}` is the canonical field of `{}` in collection \
                         `{name}`, so it cannot name `{}`; choose another field name",
                        r.canonical_ptr, r.wrong_ptr
                    ),
                );
            }
        }
    }
}

/// Flow forbids a catalog name that is a path prefix of another (`acme/a` and `acme/a/b`):
/// reported at the shorter name (Flow's `NameCollision`, `crates/validation/src/indexed.rs`).
/// Flow compares neighbours in sorted order; every prefix is checked here.
fn prefixes(emit: &mut Emit) {
    let catalog = emit.catalog;
    let mut by_name = HashMap::new();
    for (_, e) in catalog.entities() {
        by_name.entry(e.name.as_str()).or_insert(e);
    }
    let mut reported = HashSet::new();
    for (_, longer) in catalog.entities() {
        for (i, _) in longer.name.match_indices('/') {
            let Some(short) = by_name.get(&longer.name[..i]) else {
                continue;
            };
            if !reported.insert((short.name.clone(), longer.name.clone())) {
                continue;
            }
            emit.error(
                Code::NameCollision,
                &catalog.files[short.file].path,
                Pos {
                    line: short.line,
                    col: short.col,
                    ..Pos::default()
                },
                format!(
                    "{} `{}` is a prohibited prefix of {} `{}` (defined at {}:{}); Flow names \
                     must not be a path prefix of another name",
                    short.kind.label(),
                    short.name,
                    longer.kind.label(),
                    longer.name,
                    catalog.display_path(&catalog.files[longer.file].path),
                    longer.line
                ),
            );
        }
    }
}
