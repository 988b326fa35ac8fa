//! The schemas of a loaded catalog's collections: every schema document indexed once, each
//! collection's (write) schema inferred once, and its projections derived from the result.
//! `check` asks these models its questions; the collection view shows their projections.

use std::collections::HashMap;

use url::Url;

use super::index::{Index, Resolved};
use super::infer::Inferrer;
use super::merge::Shape;
use super::projection::{derive, Explicit, Projection, Remap};
use crate::catalog::{Catalog, FileRole};
use crate::yaml::{self, Node};

/// The parsed text of every catalog and schema file (`None` for other files and for files
/// that do not parse), by file index.
pub fn parse_files(catalog: &Catalog) -> Vec<Option<Node>> {
    crate::par::par_map(&catalog.files, |_, f| match f.role {
        FileRole::Catalog | FileRole::Schema => yaml::parse(f.text()).ok(),
        _ => None,
    })
}

/// False only when the text of `node` (a slice of `text`, the file it was parsed from)
/// certainly contains none of `words`; a cheap test before walking a schema tree.
pub fn may_contain(text: &str, node: &Node, words: &[&str]) -> bool {
    match text.get(node.pos.start..node.pos.end.max(node.pos.start)) {
        Some(slice) if node.pos.end > node.pos.start => words.iter().any(|w| slice.contains(w)),
        _ => true,
    }
}

/// The URL Flow gives a file.
pub fn file_url(catalog: &Catalog, file: usize) -> Option<Url> {
    Url::from_file_path(&catalog.files.get(file)?.path).ok()
}

/// Indexes every schema file and every inline schema of the catalog's collections.
pub fn index<'n>(catalog: &Catalog, parsed: &'n [Option<Node>]) -> Index<'n> {
    let mut index = Index::default();
    for (i, root) in parsed.iter().enumerate() {
        let (Some(root), Some(url)) = (root, file_url(catalog, i)) else {
            continue;
        };
        match catalog.files[i].role {
            FileRole::Schema => index.add_document(&url, root),
            FileRole::Catalog => {
                let text = catalog.files[i].text();
                for (_, def) in collections(root) {
                    for key in SCHEMA_KEYS {
                        let s = def.get(key).filter(|s| s.is_map());
                        // Most inline schemas name no `$id` or `$anchor`: skip their walk.
                        if let Some(s) = s.filter(|s| may_contain(text, s, &["$id", "$anchor"])) {
                            index.add_nested(&url, s);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    index
}

/// The keys of a collection that hold schemas.
pub const SCHEMA_KEYS: [&str; 3] = ["schema", "writeSchema", "readSchema"];

/// The entries of a catalog file's `collections`.
pub fn collections(root: &Node) -> &[(Node, Node)] {
    root.get("collections")
        .map(Node::entries)
        .unwrap_or_default()
}

/// What is known of one collection's schema.
#[derive(Debug, Clone)]
pub struct CollectionModel {
    /// The shape of its write schema (`schema`, or `writeSchema`).
    pub shape: Shape,
    /// Its projections, sorted by field.
    pub projections: Vec<Projection>,
    /// Explicit projections that take another location's canonical field.
    pub remaps: Vec<Remap>,
    /// A `$ref` of the write schema could not be followed (a `flow://` or remote URL, a
    /// missing fragment): its locations are not all known, so none is reported as unknown.
    pub opaque: bool,
    /// A separate `readSchema` decides the projections (often Flow's inferred schema, which
    /// only the control plane knows): fields the write schema lacks may still exist.
    pub separate_read: bool,
}

impl CollectionModel {
    /// True when the projections may be incomplete, so unknown fields are not reported.
    pub fn partial(&self) -> bool {
        self.opaque || self.separate_read
    }

    /// The projection with field name `field`.
    pub fn projection(&self, field: &str) -> Option<&Projection> {
        self.projections
            .binary_search_by(|p| p.field.as_str().cmp(field))
            .ok()
            .map(|i| &self.projections[i])
    }
}

/// Why a collection has no model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoModel {
    /// No `schema`, or not exactly one schema form (the structural check reports it).
    NoSchema,
    /// The schema is a reference whose document is not loaded (the loader reports it).
    NotLoaded,
    /// The reference names a fragment that is not in its document (`NoSuchSchema`).
    NoSuchFragment(String),
}

/// Builds a collection's model from its definition `def` in catalog file `url`.
pub fn model<'n>(
    inferrer: &mut Inferrer<'_, 'n>,
    url: &Url,
    def: &'n Node,
) -> Result<CollectionModel, NoModel> {
    // Flow builds nothing from a collection without exactly one schema form.
    let schema = match (
        def.get("schema"),
        def.get("writeSchema"),
        def.get("readSchema"),
    ) {
        (Some(s), None, None) | (None, Some(s), Some(_)) => s,
        _ => return Err(NoModel::NoSchema),
    };
    inferrer.opaque = false;
    let shape = match schema.as_str() {
        Some(reference) => inferrer_resolve(inferrer, url, reference)?,
        None => inferrer.infer(schema, url, Some(schema)),
    };
    let key: Vec<String> = def
        .get("key")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|k| k.as_str().map(str::to_string))
        .collect();
    let explicit = explicit_projections(def);
    let (projections, remaps) = derive(&shape, &key, &explicit);
    Ok(CollectionModel {
        shape,
        projections,
        remaps,
        opaque: inferrer.opaque,
        separate_read: def.get("readSchema").is_some(),
    })
}

fn inferrer_resolve(
    inferrer: &mut Inferrer<'_, '_>,
    url: &Url,
    reference: &str,
) -> Result<Shape, NoModel> {
    match inferrer.index().resolve(url, reference, None) {
        Resolved::Found(..) => Ok(inferrer
            .infer_ref(url, reference)
            .unwrap_or_else(Shape::anything)),
        Resolved::NoFragment(u) => Err(NoModel::NoSuchFragment(u.to_string())),
        Resolved::External => {
            inferrer.opaque = true;
            Ok(Shape::anything())
        }
        Resolved::NoDocument(_) | Resolved::Invalid(_) => Err(NoModel::NotLoaded),
    }
}

/// The explicit projections of a collection definition, in written order.
pub fn explicit_projections(def: &Node) -> Vec<Explicit> {
    def.get("projections")
        .map(Node::entries)
        .unwrap_or_default()
        .iter()
        .filter_map(|(k, v)| {
            let (ptr, partition) = match v.as_str() {
                Some(p) => (p, false),
                None => (
                    v.get("location")?.as_str()?,
                    v.get("partition").and_then(Node::as_bool).unwrap_or(false),
                ),
            };
            Some(Explicit {
                field: k.key_string(),
                ptr: ptr.to_string(),
                partition,
            })
        })
        .collect()
}

/// Every collection of the catalog with its model (or why there is none), by name; the first
/// definition wins when a name is defined twice (the duplicate is reported elsewhere).
pub fn models<'n>(
    catalog: &Catalog,
    parsed: &'n [Option<Node>],
    inferrer: &mut Inferrer<'_, 'n>,
) -> HashMap<String, Result<CollectionModel, NoModel>> {
    let mut out = HashMap::new();
    for (i, root) in parsed.iter().enumerate() {
        if catalog.files[i].role != FileRole::Catalog {
            continue;
        }
        let (Some(root), Some(url)) = (root, file_url(catalog, i)) else {
            continue;
        };
        for (name, def) in collections(root) {
            let name = name.key_string();
            if !out.contains_key(&name) && def.is_map() {
                out.insert(name, model(inferrer, &url, def));
            }
        }
    }
    out
}

/// The model of collection `name` defined in catalog file `file`, for the collection view.
/// Only that file and the schema files its schema reaches are parsed, so it is cheap enough
/// to call while rendering. `Err` says why there is none (no schema, a schema file that is
/// not loaded, a fragment that is not there).
pub fn projections_of(
    catalog: &Catalog,
    file: usize,
    name: &str,
) -> Result<CollectionModel, String> {
    projections_with_sources(catalog, file, name).0
}

/// [`projections_of`], with the indices of the catalog files it read (the collection's file
/// first): the model changes only when one of their texts does, or a file is added.
pub fn projections_with_sources(
    catalog: &Catalog,
    file: usize,
    name: &str,
) -> (Result<CollectionModel, String>, Vec<usize>) {
    let mut sources = vec![file];
    let model = model_of(catalog, file, name, &mut sources);
    (model, sources)
}

fn model_of(
    catalog: &Catalog,
    file: usize,
    name: &str,
    sources: &mut Vec<usize>,
) -> Result<CollectionModel, String> {
    let text = catalog
        .files
        .get(file)
        .map(|f| f.text())
        .unwrap_or_default();
    let root = yaml::parse(text).map_err(|e| e.message)?;
    let url = file_url(catalog, file).ok_or("the file has no URL")?;
    let def = collections(&root)
        .iter()
        .find(|(k, _)| k.key_cow() == name)
        .map(|(_, def)| def)
        .ok_or_else(|| format!("no collection `{name}` in this file"))?;
    // The schema documents the collection's schemas reach, following `$ref`s.
    let mut docs: Vec<(Url, Node)> = Vec::new();
    let mut pending: Vec<Url> = Vec::new();
    for key in SCHEMA_KEYS {
        match def.get(key) {
            Some(s) if s.is_map() => pending.extend(
                super::index::external_refs(s, &url)
                    .into_iter()
                    .map(|(_, u)| u),
            ),
            Some(s) => pending.extend(s.as_str().and_then(|r| url.join(r).ok())),
            None => {}
        }
    }
    while let Some(mut target) = pending.pop() {
        target.set_fragment(None);
        if docs.iter().any(|(u, _)| *u == target) {
            continue;
        }
        let Some((i, f)) = target.to_file_path().ok().and_then(|p| {
            catalog
                .files
                .iter()
                .enumerate()
                .find(|(_, f)| f.role == FileRole::Schema && f.path == p)
        }) else {
            continue;
        };
        sources.push(i);
        let Ok(doc) = yaml::parse(f.text()) else {
            continue;
        };
        pending.extend(
            super::index::external_refs(&doc, &target)
                .into_iter()
                .map(|(_, u)| u),
        );
        docs.push((target, doc));
    }
    let mut index = Index::default();
    for (u, doc) in &docs {
        index.add_document(u, doc);
    }
    for key in SCHEMA_KEYS {
        if let Some(s) = def.get(key).filter(|s| s.is_map()) {
            index.add_nested(&url, s);
        }
    }
    let mut inferrer = Inferrer::new(&index);
    model(&mut inferrer, &url, def).map_err(|e| match e {
        NoModel::NoSchema => "the collection has no usable schema".to_string(),
        NoModel::NotLoaded => "its schema file is not loaded".to_string(),
        NoModel::NoSuchFragment(u) => format!("its schema `{u}` does not exist"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::SourceFile;
    use std::path::PathBuf;

    #[test]
    fn projections_of_follows_refs_across_files() {
        let flow = "collections:\n  acme/c:\n    key: [/id]\n    schema: s.yaml\n    projections: {part: {location: /kind, partition: true}}\n";
        let schema = "type: object\nallOf: [{$ref: 'defs.yaml#/$defs/base'}]\nproperties: {kind: {type: string}}\nrequired: [kind]\n";
        let defs = "$defs:\n  base: {properties: {id: {type: integer}, n: {type: number}}, required: [id]}\n";
        let mut files = vec![SourceFile::new(
            PathBuf::from("/c/flow.yaml"),
            FileRole::Catalog,
            flow.into(),
        )];
        files.push(SourceFile::new(
            PathBuf::from("/c/s.yaml"),
            FileRole::Schema,
            schema.into(),
        ));
        files.push(SourceFile::new(
            PathBuf::from("/c/defs.yaml"),
            FileRole::Schema,
            defs.into(),
        ));
        let cat = Catalog {
            root: PathBuf::from("/c/flow.yaml"),
            root_dir: PathBuf::from("/c"),
            files,
            load_problems: Vec::new(),
        };
        let m = projections_of(&cat, 0, "acme/c").unwrap();
        let rows: Vec<_> = m
            .projections
            .iter()
            .map(|p| {
                (
                    p.field.as_str(),
                    p.types.to_string(),
                    p.keyable(),
                    p.partition,
                )
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                ("flow_document", "object".to_string(), false, false),
                ("flow_published_at", "string".to_string(), true, false),
                ("id", "integer".to_string(), true, false),
                ("kind", "string".to_string(), true, false),
                ("n", "number".to_string(), false, false),
                ("part", "string".to_string(), true, true),
            ]
        );
        assert!(!m.opaque);
        assert_eq!(
            projections_of(&cat, 0, "acme/nope").unwrap_err(),
            "no collection `acme/nope` in this file"
        );
    }
}
