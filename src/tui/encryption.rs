//! The editor's side of sops: a config to encrypt becomes an [`EncryptRequest`] (pure, from
//! the catalog and the form), the runtime encrypts it off the UI (`crate::sops::document`),
//! and the result is applied to the catalog here — a config file's text replaced, or an
//! inline config moved to the sibling file flowctl would name (`{last name component}.config.yaml`)
//! and referenced from the spec — before the save diff shows every file, ciphertext
//! shortened and secrets never shown. The plaintext travels inside [`Secret`]s only.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::catalog::{Catalog, FileRole, RefSite, SourceFile};
use crate::save::{self, PlannedWrite};
use crate::secrets::{Schemas, Secret};
use crate::sops::document::Job;
use crate::sops::Format;
use crate::yaml::PathSeg;

/// One config to encrypt and where its result goes. `Debug` leaves the plaintext out.
#[derive(Debug, Clone)]
pub struct EncryptRequest {
    /// What sops gets (the config in clear, the chosen fields, the target path, the keys).
    pub job: Job,
    /// The catalog file holding the config now.
    pub file: usize,
    /// Where in that file (empty: the whole file is the config).
    pub at: Vec<PathSeg>,
    /// What the file holds at `at` now (the edit is refused if that changed meanwhile).
    pub original: Value,
    /// An inline config moving to a file of its own: the reference written in its place.
    pub moved_to: Option<String>,
    /// The config's schema, to mask its secrets in the diff.
    pub schema: Value,
    /// For a re-encryption: the document before, in clear, so the diff shows what changed.
    pub before: Option<Secret<Value>>,
    /// The setup wizard's new config: the result goes back to the wizard, not the catalog.
    pub for_wizard: bool,
}

/// A config to decrypt for the form (`e` on an encrypted config, `config edit` on one).
#[derive(Debug, Clone, PartialEq)]
pub struct DecryptRequest {
    /// The task and binding whose form opens; `None`: the `config edit` file.
    pub task: Option<(crate::catalog::EntityId, Option<usize>)>,
    /// The encrypted document (what the file holds; no secret in clear).
    pub document: Value,
}

impl EncryptRequest {
    /// The request for the config at `at` of `file` (holding `original` now), to become
    /// `config` with `chosen` encrypted, the keys looked up (set `job.keys` to give them). An
    /// inline config moves to a sibling file.
    pub fn new(
        catalog: &Catalog,
        file: usize,
        at: &[PathSeg],
        original: &Value,
        config: Value,
        chosen: Vec<String>,
        schema: &Value,
    ) -> Result<EncryptRequest, String> {
        let f = catalog.files.get(file).ok_or("the config's file is gone")?;
        let (target, moved_to, text) = if at.is_empty() {
            // The file's text with the edits made, so its comments survive.
            let text = crate::yaml::patch::apply_change(f.text(), &[], original, &config)
                .ok()
                .filter(|_| !crate::sops::is_encrypted(original));
            (f.path.clone(), None, text)
        } else {
            let name = sibling_name(&f.path, at)?;
            let dir = f.path.parent().unwrap_or(Path::new("/"));
            (dir.join(&name), Some(name), None)
        };
        Ok(EncryptRequest {
            job: Job {
                config: Secret::new(config),
                chosen,
                target,
                text: text.map(Secret::new),
                keys: None,
            },
            file,
            at: at.to_vec(),
            original: original.clone(),
            moved_to,
            schema: schema.clone(),
            before: None,
            for_wizard: false,
        })
    }

    /// The wizard's request: a new task's `config` to encrypt into the new file `target`
    /// (which decides the `.sops.yaml` rule); the encrypted text goes back to the wizard.
    pub fn for_new_file(
        config: Secret<Value>,
        chosen: Vec<String>,
        target: PathBuf,
        schema: &Value,
    ) -> EncryptRequest {
        EncryptRequest {
            job: Job {
                config,
                chosen,
                target,
                text: None,
                keys: None,
            },
            file: 0,
            at: Vec::new(),
            original: Value::Null,
            moved_to: None,
            schema: schema.clone(),
            before: None,
            for_wizard: true,
        }
    }
}

/// The file name flowctl gives a config it moves out of a catalog file: `{base}.config.yaml`
/// for an endpoint config, `{base}.resource.{i}.config.yaml` for binding `i`'s resource, with
/// `base` the last component of the task's name and `.json` beside a `.json` catalog file.
pub fn sibling_name(catalog_file: &Path, at: &[PathSeg]) -> Result<String, String> {
    let name = match at.get(1) {
        Some(PathSeg::Key(k)) => k.clone(),
        _ => return Err("this config does not belong to a task".into()),
    };
    let base = name.rsplit('/').next().unwrap_or(&name).to_string();
    if base.is_empty() || base.contains(['\\', '\0']) || base == "." || base == ".." {
        return Err(format!("{name} gives no usable file name"));
    }
    let ext = match Format::of_path(catalog_file) {
        Format::Json => "json",
        Format::Yaml => "yaml",
    };
    let binding = at
        .iter()
        .enumerate()
        .find_map(|(i, s)| match (s, at.get(i + 1)) {
            (PathSeg::Key(k), Some(PathSeg::Index(n))) if k == "bindings" => Some(*n),
            _ => None,
        });
    Ok(match binding {
        Some(i) => format!("{base}.resource.{i}.config.{ext}"),
        None => format!("{base}.config.{ext}"),
    })
}

/// Puts the encrypted `text` of `req` into the catalog: the config file's whole text, or
/// the new sibling file plus the reference in place of the inline config. Nothing is written
/// to disk; the save diff comes next.
pub fn apply(catalog: &mut Catalog, req: &EncryptRequest, text: &str) -> Result<(), String> {
    let Some(reference) = &req.moved_to else {
        let f = catalog
            .files
            .get_mut(req.file)
            .ok_or("the config's file is gone")?;
        f.edited = (f.disk != text).then(|| text.to_string());
        return Ok(());
    };
    let target = req.job.target.clone();
    if catalog.files.iter().any(|f| f.path == target) {
        return Err(format!(
            "{} is already part of the catalog; move it away first",
            reference
        ));
    }
    let from = catalog.files[req.file].path.clone();
    let at_node = catalog
        .parse_file(req.file)
        .ok()
        .and_then(|r| r.at(&req.at).map(|n| (n.pos.line, n.pos.col)))
        .unwrap_or((1, 1));
    catalog
        .edit_value(
            req.file,
            &req.at,
            &req.original,
            &Value::String(reference.clone()),
        )
        .map_err(|e| format!("cannot put the reference in place of the config: {e}"))?;
    let mut file = SourceFile::new(target.clone(), FileRole::Config, String::new());
    file.edited = Some(text.to_string());
    file.imported_by = Some((from.clone(), at_node.0));
    file.referenced_at.push(RefSite {
        file: from,
        line: at_node.0,
        col: at_node.1,
        reference: reference.clone(),
    });
    file.real_path = target;
    catalog.files.push(file);
    Ok(())
}

/// The save diff of every unsaved file (see [`save::plan_masked`]), with each sops document
/// shown readably: ciphertext shortened and the metadata folded ([`crate::sops::show`]); for
/// a re-encryption, the plaintext change with secrets masked and a line saying so.
pub fn plan(
    catalog: &Catalog,
    schemas: &Schemas,
    req: Option<&EncryptRequest>,
) -> Vec<PlannedWrite> {
    let mut writes = save::plan_masked(catalog, schemas);
    for w in &mut writes {
        let new_doc: Option<Value> = serde_yaml::from_str(&w.new_text).ok();
        if !new_doc.as_ref().is_some_and(crate::sops::is_encrypted) {
            continue;
        }
        let this = req.filter(|r| r.job.target == w.path);
        w.diff = match this.and_then(|r| r.before.as_ref().map(|b| (r, b))) {
            Some((r, before)) => reencrypted_diff(&w.display, r, before, &w.new_text),
            None => {
                let (old, _) = crate::secrets::mask_versions(
                    catalog,
                    w.file,
                    &w.expected,
                    &w.new_text,
                    schemas,
                );
                let old = if crate::sops::is_encrypted(
                    &serde_yaml::from_str(&w.expected).unwrap_or(Value::Null),
                ) {
                    crate::sops::show::shorten(&w.expected).into()
                } else if w.expected.is_empty() {
                    "".into()
                } else {
                    old
                };
                save::unified_diff(&w.display, &old, &crate::sops::show::shorten(&w.new_text))
            }
        };
    }
    writes
}

/// What a re-encrypted file's diff shows: its values before and after in clear but with
/// every encrypted value masked (`•••••••• (changed)` where it changed), and a first line
/// saying the whole file is re-encrypted.
fn reencrypted_diff(
    display: &str,
    req: &EncryptRequest,
    before: &Secret<Value>,
    new_text: &str,
) -> String {
    use crate::secrets::mask::{MASK, MASK_CHANGED};
    let after = crate::sops::mark::mark(
        req.job.config.expose(),
        &req.job.chosen,
        crate::sops::SUFFIX,
    )
    .unwrap_or(Value::Null);
    let before_doc = before.expose();
    fn masked(v: &Value, other: Option<&Value>, secret: bool, changed_mark: bool) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, c)| {
                        let bare = k.trim_end_matches(crate::sops::SUFFIX);
                        let o = other.and_then(|o| o.get(k).or_else(|| o.get(bare)));
                        (
                            k.clone(),
                            masked(
                                c,
                                o,
                                secret || k.ends_with(crate::sops::SUFFIX),
                                changed_mark,
                            ),
                        )
                    })
                    .collect(),
            ),
            _ if secret && !v.is_null() => {
                let changed = changed_mark && other.is_some_and(|o| o != v);
                Value::String(if changed { MASK_CHANGED } else { MASK }.to_string())
            }
            Value::Array(a) => Value::Array(
                a.iter()
                    .enumerate()
                    .map(|(i, c)| masked(c, other.and_then(|o| o.get(i)), secret, changed_mark))
                    .collect(),
            ),
            other_v => other_v.clone(),
        }
    }
    // The document before carried the suffix on the keys it had encrypted.
    let before_marked = crate::sops::mark::mark(before_doc, &req.job.chosen, crate::sops::SUFFIX)
        .unwrap_or_else(|_| before_doc.clone());
    let old = masked(&before_marked, None, false, false);
    let new = masked(&after, Some(&before_marked), false, true);
    let yaml = |v: &Value| serde_yaml::to_string(v).unwrap_or_default();
    let summary = crate::sops::show::metadata_summary(new_text);
    format!(
        "(re-encrypted with sops: every ENC[…] value, the MAC and lastmodified change; {summary})\n{}",
        save::unified_diff(display, &yaml(&old), &yaml(&new))
    )
}

/// Where to write a `.sops.yaml` rule chosen in the key prompt: the catalog's folder when
/// the config lies below it, else the config's own folder.
pub fn rule_dir(catalog: &Catalog, target: &Path) -> PathBuf {
    if target.starts_with(&catalog.root_dir) {
        catalog.root_dir.clone()
    } else {
        target.parent().unwrap_or(Path::new("/")).to_path_buf()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(segs: &[&str]) -> Vec<PathSeg> {
        segs.iter()
            .map(|s| match s.parse::<usize>() {
                Ok(i) => PathSeg::Index(i),
                Err(_) => PathSeg::key(*s),
            })
            .collect()
    }

    #[test]
    fn sibling_files_are_named_as_flowctl_names_them() {
        let yaml = Path::new("/c/flow.yaml");
        let endpoint = at(&[
            "captures",
            "acme/db/source-pg",
            "endpoint",
            "local",
            "config",
        ]);
        assert_eq!(
            sibling_name(yaml, &endpoint).unwrap(),
            "source-pg.config.yaml"
        );
        let resource = at(&["materializations", "acme/wh", "bindings", "1", "resource"]);
        assert_eq!(
            sibling_name(yaml, &resource).unwrap(),
            "wh.resource.1.config.yaml"
        );
        assert_eq!(
            sibling_name(Path::new("/c/flow.json"), &endpoint).unwrap(),
            "source-pg.config.json"
        );
        assert!(sibling_name(yaml, &at(&["captures", "acme/"])).is_err());
        assert!(sibling_name(yaml, &at(&["captures", "acme/.."])).is_err());
        assert!(sibling_name(yaml, &[]).is_err());
    }
}
