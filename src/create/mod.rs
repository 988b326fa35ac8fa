//! Creating a capture or a materialization from nothing: what the setup wizard and
//! `flowspec new capture|materialization` share. No terminal code and no I/O here except the
//! `exists` callbacks the writers are given: the caller runs the connector (spec, discover,
//! validate through `connector::ops`), encrypts the config (`sops::document::encrypt`), and
//! saves what these functions put into the catalog (`save::plan_masked`, `save::write_planned`).
//!
//! - [`connectors`]: the bundled list of Estuary's public connector images
//!   (`assets/connectors.tsv`) and image completion (with `SpecCache::image_refs`);
//! - [`names`]: the default tenant prefix, the web app's name suggestion, and the checks a new
//!   task name must pass (Flow's name rules, not taken, not a path prefix of another name);
//! - [`paths`]: where the new task's spec and its `{name}.config.yaml` go (flowctl's layout,
//!   decided by `discover::layout`); [`place`]: one new spec put there with its imports;
//! - [`capture`]: a new capture through the discovery writer; [`materialization`]: a new
//!   materialization (picked collections or a linked capture, resources prefilled per target
//!   naming), and bindings added to or removed from an existing one;
//! - [`open_or_start`]/[`new_catalog`]: the catalog a new task joins, or an empty new one.
//!
//! Deviations from the plan's contract (`/work/notes/issue11-plan.md`), all additive except
//! where marked:
//! - `Connector::Local::protocol` is `connector::run::Protocol` (as the plan suggests);
//!   `Connector::airbyte_command()` says what `Files::airbyte_command` will hold.
//! - `materialization::add_bindings(catalog, id, sources, naming: Option<&TargetNaming>,
//!   delta_updates: bool, fields_recommended: Option<&Value>, ann)` (the plan left the
//!   naming arguments open); without `naming` the spec's own `targetNaming` is used.
//! - `fields_recommended`: Flow's model requires `source.capture` for a `source` object, so
//!   for picked collections it is written as each binding's `fields.recommended`; for a linked
//!   capture also as `source.fieldsRecommended`.
//! - Naming is a [`materialization::Naming`] (`Strategy`, `LastComponent`, or `LinkedDefault`
//!   — Flow's controller default `prefixNonDefaultSchema` for a linked capture when no
//!   `targetNaming` applies); `materialization::naming_of(new, ann)` picks it for a new one.
//! - Refusals (`Err`, catalog unchanged): `capture::write` with no binding selected, an
//!   interval that is not a Flow duration, or a binding's collection named like the capture
//!   or another task;
//!   `materialization::write` with a source that is not a collection of the catalog, with two
//!   bindings mapping to one table, or delta updates on a connector without `x-delta-updates`.
//! - Extra helpers: `Kind::{entity_kind, task_type, label}`, `NewCapture::spec`,
//!   `Paths::config_ref`, `connectors::{find, kind_of_image}`, `names::target_problem`,
//!   `materialization::naming::{resources, resource}` (the preview for any naming, with the
//!   bindings a materialization has already),
//!   `materialization::{source_names, check_sources, naming_of}`, `place::put_spec`,
//!   `open_or_start`, `new_catalog`.

pub mod capture;
pub mod connectors;
pub mod materialization;
pub mod names;
pub mod paths;
pub mod place;

use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use crate::catalog::{Catalog, EntityKind, FileRole, SourceFile};
use crate::connector::protocol::TaskType;
use crate::connector::run::Protocol;

/// Which kind of task is being created: decides the connector list, the section it is written
/// in and what the connector is asked (discover for a capture, validate for a materialization).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Capture,
    Materialization,
}

impl Kind {
    /// The catalog's entity kind of this task.
    pub fn entity_kind(self) -> EntityKind {
        match self {
            Kind::Capture => EntityKind::Capture,
            Kind::Materialization => EntityKind::Materialization,
        }
    }

    /// The connector protocol's task type, for spec and validate requests.
    pub fn task_type(self) -> TaskType {
        match self {
            Kind::Capture => TaskType::Capture,
            Kind::Materialization => TaskType::Materialize,
        }
    }

    /// `capture` or `materialization`, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Capture => "capture",
            Kind::Materialization => "materialization",
        }
    }
}

/// What the new task runs, as the wizard's step 1 or `--image`/`--local` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connector {
    /// A Docker image reference with a tag (`ghcr.io/estuary/source-postgres:v1`).
    Image(String),
    /// A local command (argv, no shell) and the protocol it speaks.
    Local {
        command: Vec<String>,
        protocol: Protocol,
    },
}

impl Connector {
    /// The endpoint as the catalog writes it: `{connector: {image, config}}` or
    /// `{local: {command, config}}` (with `protobuf: true` for Flow protobuf), `config` being
    /// the config file's path relative to the spec file. Airbyte cannot be said in a catalog:
    /// see [`Files::airbyte_command`].
    pub fn endpoint(&self, config_ref: &str) -> Value {
        match self {
            Connector::Image(image) => json!({"connector": {"image": image, "config": config_ref}}),
            Connector::Local { command, protocol } => {
                let mut local = Map::new();
                local.insert("command".into(), json!(command));
                local.insert("config".into(), json!(config_ref));
                if *protocol == Protocol::FlowProto {
                    local.insert("protobuf".into(), Value::Bool(true));
                }
                json!({ "local": local })
            }
        }
    }

    /// The image's base name (`source-postgres`), or for a local command the file name of its
    /// last argument that is not an option (`flowspec connector demo-capture` →
    /// `demo-capture`, `python -m source_x` → `source_x`), else of its program: what the web
    /// app appends to a new task's name.
    pub fn base_name(&self) -> String {
        match self {
            Connector::Image(image) => {
                let name = crate::syntax::image::ImageRef::parse(image)
                    .map(|r| r.name)
                    .unwrap_or_else(|_| image.clone());
                let last = name.rsplit('/').next().unwrap_or(&name);
                last.split([':', '@']).next().unwrap_or(last).to_string()
            }
            Connector::Local { command, .. } => command
                .iter()
                .skip(1)
                .rev()
                .find(|a| !a.starts_with('-') && !a.is_empty())
                .or(command.first())
                .map(|p| {
                    std::path::Path::new(p)
                        .file_name()
                        .map_or_else(|| p.clone(), |n| n.to_string_lossy().into_owned())
                })
                .unwrap_or_default(),
        }
    }

    /// The local command to record in flowspec's settings as Airbyte, if this is one.
    pub fn airbyte_command(&self) -> Option<String> {
        match self {
            Connector::Local {
                command,
                protocol: Protocol::Airbyte,
            } => command.first().cloned(),
            _ => None,
        }
    }
}

/// What a create wrote into the catalog (unsaved): the files it added, and the local command
/// the caller must record in flowspec's settings (`airbyte_commands`) when it saves, since a
/// Flow catalog cannot say that a local command speaks Airbyte.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Files {
    pub created: Vec<PathBuf>,
    pub airbyte_command: Option<String>,
}

/// The plain YAML text of a config that holds nothing to encrypt, as the config file is
/// written (flowspec's one scalar emitter, so it reads back as the same value).
pub fn config_text(config: &Value) -> String {
    let mut text = crate::yaml::render::block(config, "\n");
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// The catalog a new task is added to: the one at `path` (a catalog file, or a folder holding
/// one), or — `path` not existing, or a folder without a catalog — a new empty root that
/// saving creates: `path` when it names a `.yaml`/`.yml`/`.json` file, else `path/flow.yaml`. The new task's files are
/// then imported from it as flowctl lays them out.
pub fn open_or_start(path: &Path) -> Result<Catalog, String> {
    let path = crate::catalog::load::absolute(path);
    let root = if path.is_dir() {
        match crate::catalog::load(&path, &mut |_| {}) {
            Ok(catalog) => return Ok(catalog),
            Err(_) if !has_catalog_file(&path) => path.join("flow.yaml"),
            Err(e) => return Err(e.to_string()),
        }
    } else if path.exists() {
        return crate::catalog::load(&path, &mut |_| {}).map_err(|e| e.to_string());
    } else if path.extension().is_some_and(|e| {
        ["yaml", "yml", "json"]
            .iter()
            .any(|x| e.eq_ignore_ascii_case(x))
    }) {
        path
    } else {
        path.join("flow.yaml")
    };
    Ok(new_catalog(&root))
}

/// Does folder `dir` hold a catalog file (`flow.yaml`, `flow.json`, `*.flow.yaml`…)?
fn has_catalog_file(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| crate::catalog::load::is_catalog_file_name(&e.file_name().to_string_lossy()))
    })
}

/// An empty catalog whose root file `root` does not exist yet: its text is empty until a
/// create adds imports or specs to it, and saving it creates the file.
pub fn new_catalog(root: &Path) -> Catalog {
    let root = crate::catalog::load::absolute(root);
    let root_dir = root
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("/"));
    Catalog {
        files: vec![SourceFile::new(
            root.clone(),
            FileRole::Catalog,
            String::new(),
        )],
        root,
        root_dir,
        load_problems: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_as_the_catalog_writes_them() {
        let image = Connector::Image("ghcr.io/estuary/source-postgres:v1".into());
        assert_eq!(
            image.endpoint("source-postgres.config.yaml"),
            json!({"connector": {"image": "ghcr.io/estuary/source-postgres:v1", "config": "source-postgres.config.yaml"}})
        );
        assert_eq!(image.base_name(), "source-postgres");
        assert_eq!(image.airbyte_command(), None);
        let proto = Connector::Local {
            command: vec!["/opt/bin/source-x".into(), "--flag".into()],
            protocol: Protocol::FlowProto,
        };
        assert_eq!(
            proto.endpoint("x.config.yaml"),
            json!({"local": {"command": ["/opt/bin/source-x", "--flag"], "config": "x.config.yaml", "protobuf": true}})
        );
        assert_eq!(proto.base_name(), "source-x");
        let with_args = |args: &[&str]| Connector::Local {
            command: args.iter().map(|a| a.to_string()).collect(),
            protocol: Protocol::FlowJson,
        };
        assert_eq!(
            with_args(&["/bin/flowspec", "connector", "demo-capture", "--protobuf"]).base_name(),
            "demo-capture"
        );
        assert_eq!(
            with_args(&["python3", "-m", "source_x"]).base_name(),
            "source_x"
        );
        let airbyte = Connector::Local {
            command: vec!["/venv/bin/source-faker".into()],
            protocol: Protocol::Airbyte,
        };
        assert_eq!(
            airbyte.endpoint("c.yaml"),
            json!({"local": {"command": ["/venv/bin/source-faker"], "config": "c.yaml"}})
        );
        assert_eq!(
            airbyte.airbyte_command().as_deref(),
            Some("/venv/bin/source-faker")
        );
        let digest = Connector::Image("localhost:5000/a/materialize-x:v2@sha256:abc".into());
        assert_eq!(digest.base_name(), "materialize-x");
    }

    #[test]
    fn config_text_reads_back_as_the_config() {
        let config =
            json!({"host": "db.example", "port": 5432, "on": "yes", "nested": {"a": [1, 2]}});
        let text = config_text(&config);
        assert!(text.ends_with('\n'));
        assert_eq!(crate::yaml::parse(&text).unwrap().to_json(), config);
        let empty = config_text(&json!({}));
        assert_eq!(crate::yaml::parse(&empty).unwrap().to_json(), json!({}));
    }

    #[test]
    fn a_folder_without_a_catalog_or_a_missing_path_starts_one() {
        let dir = tempfile::tempdir().unwrap();
        let fresh = open_or_start(dir.path()).unwrap();
        assert_eq!(fresh.root, dir.path().join("flow.yaml"));
        assert_eq!(fresh.files.len(), 1);
        assert_eq!(fresh.files[0].text(), "");
        let named = open_or_start(&dir.path().join("sub/catalog.flow.yaml")).unwrap();
        assert_eq!(named.root, dir.path().join("sub/catalog.flow.yaml"));
        let folder = open_or_start(&dir.path().join("new-project")).unwrap();
        assert_eq!(folder.root, dir.path().join("new-project/flow.yaml"));
        std::fs::write(dir.path().join("x.flow.yaml"), "collections: {}\n").unwrap();
        let loaded = open_or_start(dir.path()).unwrap();
        assert_eq!(loaded.root, dir.path().join("x.flow.yaml"));
        std::fs::write(dir.path().join("y.flow.yaml"), "{}\n").unwrap();
        let e = open_or_start(dir.path()).unwrap_err();
        assert!(e.contains("2 catalogs to choose from"), "{e}");
    }

    #[test]
    fn kinds_map_to_the_catalog_and_the_protocol() {
        assert_eq!(Kind::Capture.entity_kind(), EntityKind::Capture);
        assert_eq!(Kind::Materialization.task_type(), TaskType::Materialize);
        assert_eq!(Kind::Materialization.label(), "materialization");
    }
}
