//! The plaintext check over a whole catalog, for `flowspec check`: every config of every file
//! (inline in a catalog file, or a config/resource file of its own) checked with the rule
//! that applies to it (see [`crate::secrets::sites`]), each plaintext secret located at its
//! file, line and column.

use std::path::PathBuf;

use super::plaintext::{plaintext_by, plaintext_secrets};
use crate::catalog::Catalog;
use crate::secrets::diff::node_at;
use crate::secrets::names::locate_by_name;
use crate::secrets::sites::sites;
use crate::secrets::Schemas;
use crate::yaml::{Node, Pos};

/// One secret held in clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plaintext {
    pub file: PathBuf,
    pub line: u32,
    pub col: u32,
    /// Where in its config (a JSON pointer relative to the config).
    pub pointer: String,
}

/// The plaintext secrets of `catalog`: by each config's connector schema where `schemas`
/// knows it; with `all`, also by Flow's own schemas (webhook trigger headers) and by key
/// names where no schema is known.
pub fn plaintext_in_catalog(catalog: &Catalog, schemas: &Schemas, all: bool) -> Vec<Plaintext> {
    let by_name = all;
    let mut out = Vec::new();
    for (i, f) in catalog.files.iter().enumerate() {
        let Ok(root) = catalog.parse_file(i) else {
            continue;
        };
        for site in sites(catalog, i, &root, schemas) {
            let Some(node) = root.at(&site.at) else {
                continue;
            };
            let config = node.to_json();
            let mut found: Vec<String> = Vec::new();
            for s in &site.rule.schemas {
                if !all && crate::secrets::sites::is_flow_schema(s) {
                    continue;
                }
                found.extend(plaintext_secrets(crate::form::config_schema_of(s), &config));
            }
            if by_name && (site.rule.by_name || site.rule.schemas.is_empty()) {
                found.extend(plaintext_by(&config, &locate_by_name));
            }
            for p in crate::secrets::schema::normalize(found) {
                let at = position(node, &p);
                out.push(Plaintext {
                    file: f.path.clone(),
                    line: at.line,
                    col: at.col,
                    pointer: p,
                });
            }
        }
    }
    out
}

/// Where to point for the value at `pointer` below `config`: a scalar itself, or the key
/// of an object or list (a block mapping starts on the line after its key).
fn position(config: &Node, pointer: &str) -> Pos {
    let Some(value) = node_at(config, pointer) else {
        return config.pos;
    };
    if !(value.is_map() || value.is_seq()) {
        return value.pos;
    }
    let parent = pointer
        .rsplit_once('/')
        .and_then(|(p, _)| node_at(config, p));
    parent
        .and_then(|p| p.entries().iter().find(|(_, v)| std::ptr::eq(v, value)))
        .map_or(value.pos, |(k, _)| k.pos)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn inline_and_file_configs_are_located_by_schema_or_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("flow.yaml"),
            "captures:\n  acme/a:\n    endpoint:\n      connector:\n        image: x/y:v1\n        config:\n          host: h\n          password: p\n    bindings: []\n  acme/b:\n    endpoint:\n      connector:\n        image: x/z:v1\n        config: b.config.yaml\n    bindings: []\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("b.config.yaml"),
            "api_key: k\ncreds_sops: ENC[AES256_GCM,data:x,type:str]\nsops:\n  mac: ENC[m]\n  encrypted_suffix: _sops\n",
        )
        .unwrap();
        let cat = crate::catalog::load(&dir.path().join("flow.yaml"), &mut |_| {}).unwrap();
        let schema = json!({"properties": {"password": {"secret": true}}});
        let mut schemas = Schemas::none();
        schemas.add_task("acme/a", Some(&schema), None);
        let found = plaintext_in_catalog(&cat, &schemas, false);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].line, found[0].col, found[0].pointer.as_str()),
            (8, 21, "/password")
        );
        // By name, the file config's plaintext `api_key` is found; its `creds_sops` is not.
        let found = plaintext_in_catalog(&cat, &schemas, true);
        let b: Vec<_> = found
            .iter()
            .filter(|f| f.file.ends_with("b.config.yaml"))
            .collect();
        assert_eq!(b.len(), 1, "{found:?}");
        assert_eq!((b[0].line, b[0].pointer.as_str()), (1, "/api_key"));
    }
}
