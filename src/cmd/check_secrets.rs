//! The secrets part of `flowspec check`: which connector schemas are known (the spec cache,
//! `--schema`), and each secret written in plaintext as a warning `plaintext secret at
//! /credentials/password` at its file, line and column. Reading the spec cache runs nothing.

use std::collections::HashMap;

use serde_json::Value;

use crate::catalog::check::{Code, Finding};
use crate::catalog::{Catalog, Diagnostic, EntityKind};
use crate::connector::cache::SpecCache;
use crate::connector::ops::cached_spec;
use crate::connector::task::load_task;
use crate::secrets::Schemas;

/// Each task's known spec (a spec response or a bare config schema), by task name.
#[derive(Debug, Default)]
pub struct KnownSpecs(HashMap<String, Value>);

/// The specs known for `catalog`'s tasks: each `--schema TASK=FILE` for its task, a bare
/// `--schema FILE` for every other task, else what the spec cache holds for the task's
/// connector.
pub fn known_specs(catalog: &Catalog, schema_args: &[String]) -> Result<KnownSpecs, String> {
    let mut named: HashMap<String, Value> = HashMap::new();
    let mut every: Option<Value> = None;
    for arg in schema_args {
        let (task, file) = match arg.split_once('=') {
            Some((t, f)) if catalog.find(t, None).is_some() => (Some(t), f),
            _ => (None, arg.as_str()),
        };
        let doc = super::config_template::schema_file(std::path::Path::new(file))?;
        match task {
            Some(t) => {
                named.insert(t.to_string(), doc);
            }
            None => every = Some(doc),
        }
    }
    let cache = SpecCache::user();
    let mut out = HashMap::new();
    for (id, e) in catalog.entities() {
        if !matches!(e.kind, EntityKind::Capture | EntityKind::Materialization) {
            continue;
        }
        let spec = named.remove(&e.name).or_else(|| every.clone()).or_else(|| {
            load_task(catalog, id)
                .ok()
                .and_then(|t| cached_spec(&t, &cache))
        });
        if let Some(spec) = spec {
            out.insert(e.name.clone(), spec);
        }
    }
    Ok(KnownSpecs(out))
}

/// The plaintext secrets of `catalog` as warnings: where a schema is known, and with
/// `by_name` elsewhere too (by key names).
pub fn findings(catalog: &Catalog, known: &KnownSpecs, by_name: bool) -> Vec<Finding> {
    let resources: HashMap<&String, Option<&Value>> = known
        .0
        .iter()
        .map(|(k, v)| {
            let r = ["resourceConfigSchema", "resource_config_schema_json"]
                .iter()
                .find_map(|key| v.get(*key));
            (k, r)
        })
        .collect();
    let mut schemas = Schemas::none();
    for (name, spec) in &known.0 {
        schemas.add_task(name, Some(spec), resources.get(name).copied().flatten());
    }
    crate::sops::scan::plaintext_in_catalog(catalog, &schemas, by_name)
        .into_iter()
        .map(|p| Finding {
            code: Code::PlaintextSecret,
            diagnostic: Diagnostic::warning(
                &p.file,
                p.line,
                p.col,
                format!("plaintext secret at {}", p.pointer),
            ),
        })
        .collect()
}
