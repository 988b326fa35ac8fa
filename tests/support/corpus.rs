//! The shared schema corpus (`../shared/schemas`) for the tests that go over all of it: its
//! schema files, the schemas in each (a spec's config and resource schemas), every location
//! the form marks secret, and a config holding a value at each. Callers find the folder
//! through `support/shared.rs` (which fails under CI when it is missing).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use flowspec::form::pointer::{join, segments};
use flowspec::form::{self, FormNode, Kind};
use serde_json::{Map, Value};

/// The key used for a map's (free-named) values.
pub const ANY_KEY: &str = "any_key";

/// The corpus's schema files in `dir`, sorted (`Option` for the callers' `?` on the folder).
pub fn files(dir: PathBuf) -> Option<Vec<PathBuf>> {
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{} cannot be read: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            n.ends_with(".config.schema.json")
                || n.ends_with(".resource.schema.json")
                || n.ends_with(".spec.json")
        })
        .collect();
    files.sort();
    Some(files)
}

/// The schemas in one corpus file: itself, or a spec's config and resource schemas.
pub fn schemas_of(path: &Path) -> Vec<(String, Value)> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    if !name.ends_with(".spec.json") {
        return vec![(name, doc)];
    }
    let mut out = vec![(
        format!("{name} config"),
        form::config_schema_of(&doc).clone(),
    )];
    if let Some(r) = doc.get("resourceConfigSchema") {
        out.push((format!("{name} resource"), r.clone()));
    }
    out
}

/// Every location the form tree marks secret (a secret node is not descended into), with
/// list items at index 0 and map values under [`ANY_KEY`].
pub fn form_secrets(node: &FormNode, pointer: &str, out: &mut Vec<String>) {
    if node.ann.secret {
        out.push(pointer.to_string());
        return;
    }
    match &node.kind {
        Kind::Group { fields } => {
            for f in fields {
                form_secrets(f, &join(pointer, &f.key), out);
            }
        }
        Kind::Union(u) => {
            for v in &u.variants {
                form_secrets(&v.node, pointer, out);
            }
        }
        Kind::List { item } => form_secrets(item, &join(pointer, "0"), out),
        Kind::Map { value } => form_secrets(value, &join(pointer, ANY_KEY), out),
        _ => {}
    }
}

/// Sets a string at `pointer` in `config`, creating objects (and a one-item array for a `0`
/// segment); false when an earlier value is in the way.
pub fn set(config: &mut Value, pointer: &str) -> bool {
    let segs = segments(pointer);
    let mut cur = config;
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        let next_is_index = segs.get(i + 1).is_some_and(|s| s == "0");
        let fresh = || {
            if last {
                Value::String("canary".into())
            } else if next_is_index {
                Value::Array(Vec::new())
            } else {
                Value::Object(Map::new())
            }
        };
        cur = match cur {
            Value::Object(m) => {
                if last && m.contains_key(seg) {
                    return false;
                }
                m.entry(seg.clone()).or_insert_with(fresh)
            }
            Value::Array(items) if seg == "0" => {
                if items.is_empty() {
                    items.push(fresh());
                } else if last {
                    return false;
                }
                &mut items[0]
            }
            _ => return false,
        };
    }
    true
}
