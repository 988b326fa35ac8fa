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
    catalog
        .files
        .iter()
        .map(|f| match f.role {
            FileRole::Catalog | FileRole::Schema => yaml::parse(f.text()).ok(),
            _ => None,
        })
        .collect()
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
                for (_, def) in collections(root) {
                    for key in SCHEMA_KEYS {
                        if let Some(s) = def.get(key).filter(|s| s.is_map()) {
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
        Some(reference) => match inferrer_resolve(inferrer, url, reference) {
            Ok(shape) => shape,
            Err(e) => return Err(e),
        },
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

/// The projections of collection `name`, for the collection view: `Err` says why there are
/// none (no schema, a schema file that is missing, a fragment that is not there).
pub fn projections_of(catalog: &Catalog, name: &str) -> Result<CollectionModel, String> {
    let parsed = parse_files(catalog);
    let index = index(catalog, &parsed);
    let mut inferrer = Inferrer::new(&index);
    for (i, root) in parsed.iter().enumerate() {
        let (Some(root), Some(url), FileRole::Catalog) =
            (root, file_url(catalog, i), catalog.files[i].role)
        else {
            continue;
        };
        if let Some((_, def)) = collections(root).iter().find(|(k, _)| k.key_cow() == name) {
            return model(&mut inferrer, &url, def).map_err(|e| match e {
                NoModel::NoSchema => "the collection has no schema".to_string(),
                NoModel::NotLoaded => "its schema file is not loaded".to_string(),
                NoModel::NoSuchFragment(u) => format!("its schema `{u}` does not exist"),
            });
        }
    }
    Err(format!("no collection `{name}` in this catalog"))
}
