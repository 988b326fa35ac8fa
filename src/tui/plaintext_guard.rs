//! The guard before a save: a schema secret the save would write in plaintext — new, or
//! changed since the file was loaded — stops it with a question: encrypt (the default), write
//! plaintext anyway, or cancel. Secrets the user already chose to keep in plaintext (in a
//! form, or at this question) do not ask again. Pure: the question is an overlay, encrypting
//! goes through [`super::encryption`].

use std::collections::HashSet;
use std::path::PathBuf;

use serde_json::Value;

use crate::catalog::Catalog;
use crate::secrets::sites::{is_flow_schema, sites};
use crate::secrets::Schemas;
use crate::sops::plaintext::plaintext_secrets;
use crate::yaml::{self, PathSeg};

/// Secrets allowed in plaintext: (file path, JSON pointer in the file).
pub type Allowed = HashSet<(PathBuf, String)>;

/// A config that would get a secret written in plaintext.
#[derive(Debug, Clone, PartialEq)]
pub struct Exposed {
    pub file: usize,
    /// Where the config is in its file (empty: the whole file).
    pub at: Vec<PathSeg>,
    /// Its secrets in plaintext (JSON pointers into the config).
    pub pointers: Vec<String>,
    /// The schema that makes them secret (a spec response or a bare schema).
    pub schema: Value,
    /// "flow.yaml: /credentials/password" for the question.
    pub shown: String,
}

/// Every config of an unsaved file that would be written with a schema secret in plaintext
/// that is new or changed and not allowed.
pub fn exposed(catalog: &Catalog, schemas: &Schemas, allowed: &Allowed) -> Vec<Exposed> {
    let mut out = Vec::new();
    for (i, f) in catalog.files.iter().enumerate() {
        // Schema and document files hold no config: a discovery can bring thousands, and
        // this runs in `update`.
        if !f.is_dirty() || schemas.holds_no_config(catalog, i) {
            continue;
        }
        let (Ok(new), old) = (yaml::parse(f.text()), yaml::parse(&f.disk).ok()) else {
            continue;
        };
        for site in sites(catalog, i, &new, schemas) {
            let Some(node) = new.at(&site.at) else {
                continue;
            };
            let config = node.to_json();
            let before = old
                .as_ref()
                .and_then(|o| o.at(&site.at))
                .map(|n| n.to_json());
            let base = yaml::pointer(&site.at);
            for schema in site.rule.schemas.iter().filter(|s| !is_flow_schema(s)) {
                let schema_of = crate::form::config_schema_of(schema);
                let pointers: Vec<String> = plaintext_secrets(schema_of, &config)
                    .into_iter()
                    .filter(|p| {
                        let unchanged =
                            before.as_ref().and_then(|b| b.pointer(p)) == config.pointer(p);
                        !unchanged && !allowed.contains(&(f.path.clone(), format!("{base}{p}")))
                    })
                    .collect();
                if pointers.is_empty() {
                    continue;
                }
                out.push(Exposed {
                    file: i,
                    at: site.at.clone(),
                    shown: format!("{}: {}", catalog.display_path(&f.path), pointers.join(", ")),
                    pointers,
                    schema: (*schema).clone(),
                });
            }
        }
    }
    out
}

/// Records `exposed` as allowed in plaintext (the user said so).
pub fn allow(catalog: &Catalog, exposed: &[Exposed], allowed: &mut Allowed) {
    for e in exposed {
        let Some(f) = catalog.files.get(e.file) else {
            continue;
        };
        let base = yaml::pointer(&e.at);
        for p in &e.pointers {
            allowed.insert((f.path.clone(), format!("{base}{p}")));
        }
    }
}
