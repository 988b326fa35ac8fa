//! A test's `ingest` documents must validate against their collection's write schema (Flow's
//! `IngestDocInvalid`, estuary/flow `crates/validation/src/test_step.rs`). Validation uses the
//! `jsonschema` crate; `$ref`s to other files are served from the files the catalog loader
//! already read, so nothing is fetched and no other file is read.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value as Json;

use super::build::{Emit, Models};
use super::Code;
use crate::catalog::shape::collection;
use crate::catalog::{Catalog, FileRole};
use crate::yaml::Node;

/// Serves `file://` URLs from the catalog's schema files, as JSON.
struct CatalogRetriever {
    documents: Arc<HashMap<String, Json>>,
}

impl jsonschema::Retrieve for CatalogRetriever {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Json, Box<dyn std::error::Error + Send + Sync>> {
        let mut url = uri.as_str().to_string();
        if let Some(i) = url.find('#') {
            url.truncate(i);
        }
        self.documents
            .get(&url)
            .cloned()
            .ok_or_else(|| format!("`{url}` is not a file of this catalog").into())
    }
}

/// Validators by collection name; `None` when the schema cannot be compiled offline (the
/// documents of that collection are then not checked).
struct Validators<'a> {
    catalog: &'a Catalog,
    parsed: &'a [Option<Node>],
    documents: Option<Arc<HashMap<String, Json>>>,
    built: HashMap<String, Option<jsonschema::Validator>>,
}

impl Validators<'_> {
    fn documents(&mut self) -> Arc<HashMap<String, Json>> {
        let (catalog, parsed) = (self.catalog, self.parsed);
        self.documents
            .get_or_insert_with(|| {
                let docs = parsed
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| catalog.files[*i].role == FileRole::Schema)
                    .filter_map(|(i, root)| {
                        let url = collection::file_url(catalog, i)?;
                        Some((url.to_string(), root.as_ref()?.to_json()))
                    })
                    .collect();
                Arc::new(docs)
            })
            .clone()
    }

    fn get(&mut self, name: &str) -> Option<&jsonschema::Validator> {
        if !self.built.contains_key(name) {
            let v = self.build(name);
            self.built.insert(name.to_string(), v);
        }
        self.built.get(name)?.as_ref()
    }

    /// Compiles collection `name`'s write schema (draft 2019-09, Flow's draft; formats are not
    /// asserted).
    fn build(&mut self, name: &str) -> Option<jsonschema::Validator> {
        let (file, def) = self.definition(name)?;
        let schema = def.get("schema").or_else(|| def.get("writeSchema"))?;
        let base = collection::file_url(self.catalog, file)?;
        let value = match schema.as_str() {
            Some(reference) => serde_json::json!({ "$ref": base.join(reference).ok()?.as_str() }),
            None => schema.to_json(),
        };
        let retriever = CatalogRetriever {
            documents: self.documents(),
        };
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft201909)
            .should_validate_formats(false)
            .with_base_uri(base.as_str())
            .with_retriever(retriever)
            .build(&value)
            .ok()
    }

    /// The first definition of collection `name`: its file and node.
    fn definition(&self, name: &str) -> Option<(usize, &Node)> {
        self.parsed.iter().enumerate().find_map(|(i, root)| {
            if self.catalog.files[i].role != FileRole::Catalog {
                return None;
            }
            let (_, def) = collection::collections(root.as_ref()?)
                .iter()
                .find(|(k, _)| k.key_cow() == name)?;
            Some((i, def))
        })
    }
}

/// Checks every `ingest` step of every test.
pub fn check(emit: &mut Emit, parsed: &[Option<Node>], models: &Models) {
    let catalog = emit.catalog;
    let mut validators = Validators {
        catalog,
        parsed,
        documents: None,
        built: HashMap::new(),
    };
    for (i, root) in parsed.iter().enumerate() {
        let (Some(root), FileRole::Catalog) = (root, catalog.files[i].role) else {
            continue;
        };
        for (test, def) in root.get("tests").map(Node::entries).unwrap_or_default() {
            let steps = def.get("steps").unwrap_or(def);
            for (s, step) in steps.items().iter().enumerate() {
                let Some(ingest) = step.get("ingest") else {
                    continue;
                };
                let Some(name) = ingest.get("collection").and_then(Node::as_str) else {
                    continue;
                };
                // Only collections whose schema is fully known here (no `$ref` left
                // unresolved, no schema errors already reported) are checked.
                match models.get(name) {
                    Some(Ok(m)) if !m.opaque => {}
                    _ => continue,
                }
                let Some(documents) = ingest.get("documents") else {
                    continue;
                };
                let place = format!("step {} of test `{}`", s + 1, test.key_string());
                ingest_step(emit, &mut validators, i, documents, name, &place);
            }
        }
    }
}

fn ingest_step(
    emit: &mut Emit,
    validators: &mut Validators,
    file: usize,
    documents: &Node,
    collection: &str,
    place: &str,
) {
    let catalog = emit.catalog;
    // Documents are inline, or a file the loader read.
    let (path, root) = match documents.as_str() {
        Some(reference) => {
            let Some(f) = catalog.referenced_file(file, reference) else {
                return;
            };
            let Ok(root) = crate::yaml::parse(f.text()) else {
                return; // Reported by the loader.
            };
            (f.path.clone(), root)
        }
        None => (catalog.files[file].path.clone(), documents.clone()),
    };
    let Some(validator) = validators.get(collection) else {
        return;
    };
    for (d, doc) in root.items().iter().enumerate() {
        let value = doc.to_json();
        let Some(e) = validator.iter_errors(&value).next() else {
            continue;
        };
        let at = e.instance_path().to_string();
        let at = if at.is_empty() {
            "the document root".to_string()
        } else {
            format!("`{at}`")
        };
        let mut why = e.to_string();
        if why.chars().count() > 160 {
            why = why.chars().take(160).collect::<String>() + "…";
        }
        emit.error(
            Code::IngestDocInvalid,
            &path,
            doc.pos,
            format!(
                "document {} ingested by {place} does not validate against the schema of \
                 collection `{collection}`: at {at}, {why}",
                d + 1
            ),
        );
    }
}
