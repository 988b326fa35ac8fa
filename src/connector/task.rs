//! From a loaded catalog to what a connector run needs: a task's endpoint, its inner config
//! with referenced files resolved (as Flow's loader inlines them, YAML transcoded to JSON with
//! key order kept), and the Validate bindings with their collections.
//!
//! A Validate request carries Flow's *built* `CollectionSpec`. flowspec builds an equivalent
//! from the catalog: the write/read schemas (file references resolved), the key, and
//! projections for the key, the document root, `flow_published_at` and the schema's top-level
//! properties. Referenced schemas inside schemas (`$ref` to other files) are not bundled.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::protocol::{
    self as p, CollectionSpec, Inference, Projection, TaskType, ValidateBinding,
};
use super::run::{DockerOptions, Protocol, Transport};
use crate::catalog::load::{absolute, is_structured};
use crate::catalog::{Catalog, Entity, EntityId, EntityKind};
use crate::syntax::percent;
use crate::yaml::{self, Node};

/// Why a task cannot be run; the message says what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TaskError(pub String);

fn err<T>(msg: impl Into<String>) -> Result<T, TaskError> {
    Err(TaskError(msg.into()))
}

/// Where a task's connector comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskEndpoint {
    Image {
        image: String,
    },
    Local {
        command: Vec<String>,
        env: Vec<(String, String)>,
        protobuf: bool,
    },
}

/// Where a task's endpoint config comes from, so a person can be told what a connector will
/// receive before it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// The endpoint has no config.
    None,
    /// Written inline in this catalog file.
    Inline(PathBuf),
    /// A file the spec points at.
    File(PathBuf),
}

/// A capture or materialization ready to be run. Its `Debug` leaves the config out (it may
/// hold secrets in clear).
#[derive(Clone)]
pub struct Task {
    pub name: String,
    pub id: EntityId,
    pub task: TaskType,
    pub endpoint: TaskEndpoint,
    /// The inner endpoint config, still encrypted if it is (decrypt with `run::prepare_config`).
    pub config: Value,
    /// Where `config` was read from.
    pub config_source: ConfigSource,
}

impl std::fmt::Debug for Task {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Task")
            .field("name", &self.name)
            .field("id", &self.id)
            .field("task", &self.task)
            .field("endpoint", &self.endpoint)
            .field("config", &crate::secrets::REDACTED)
            .finish()
    }
}

impl Task {
    pub fn transport(&self, docker: DockerOptions) -> Transport {
        match &self.endpoint {
            TaskEndpoint::Image { image } => Transport::Docker {
                image: image.clone(),
                options: docker,
            },
            TaskEndpoint::Local { command, env, .. } => Transport::Local {
                command: command.clone(),
                env: env.clone(),
            },
        }
    }

    /// The protocol Flow would use for a local endpoint; `None` for images (their labels say).
    pub fn local_protocol(&self) -> Option<Protocol> {
        match &self.endpoint {
            TaskEndpoint::Local { protobuf, .. } => Some(Protocol::for_local(*protobuf)),
            TaskEndpoint::Image { .. } => None,
        }
    }
}

/// Finds a task by name; with no name, the only task of `want` (or of either kind).
pub fn find_task<'a>(
    catalog: &'a Catalog,
    name: Option<&str>,
    want: Option<EntityKind>,
) -> Result<(EntityId, &'a Entity), TaskError> {
    let is_task = |e: &Entity| {
        matches!(e.kind, EntityKind::Capture | EntityKind::Materialization)
            && want.is_none_or(|k| k == e.kind)
    };
    let what = match want {
        Some(k) => k.label(),
        None => "capture or materialization",
    };
    match name {
        Some(n) => catalog
            .entities()
            .find(|(_, e)| e.name == n && is_task(e))
            .ok_or_else(|| {
                TaskError(format!(
                    "no {what} named `{n}` in {}",
                    catalog.root.display()
                ))
            }),
        None => {
            let all: Vec<_> = catalog.entities().filter(|(_, e)| is_task(e)).collect();
            match all.as_slice() {
                [one] => Ok(*one),
                [] => err(format!("{} defines no {what}", catalog.root.display())),
                many => err(format!(
                    "{} defines {} tasks; pick one with --task: {}",
                    catalog.root.display(),
                    many.len(),
                    many.iter()
                        .map(|(_, e)| e.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        }
    }
}

/// The parsed definition of an entity.
fn definition(
    catalog: &Catalog,
    id: EntityId,
) -> Result<(Node, Vec<crate::yaml::PathSeg>), TaskError> {
    let entity = catalog
        .entity(id)
        .ok_or_else(|| TaskError("no such entity".into()))?;
    let root = catalog.parse_file(id.file).map_err(|e| {
        TaskError(format!(
            "{}:{}",
            catalog.display_path(&catalog.files[id.file].path),
            e
        ))
    })?;
    Ok((root, entity.path()))
}

/// Loads a task's endpoint and config.
pub fn load_task(catalog: &Catalog, id: EntityId) -> Result<Task, TaskError> {
    let entity = catalog
        .entity(id)
        .ok_or_else(|| TaskError("no such entity".into()))?;
    let task = match entity.kind {
        EntityKind::Capture => TaskType::Capture,
        EntityKind::Materialization => TaskType::Materialize,
        other => {
            return err(format!(
                "`{}` is a {}, not a task",
                entity.name,
                other.label()
            ))
        }
    };
    let (root, path) = definition(catalog, id)?;
    let def = root
        .at(&path)
        .ok_or_else(|| TaskError(format!("`{}` vanished from its file", entity.name)))?;
    let Some(ep) = def.get("endpoint") else {
        return err(format!("`{}` has no endpoint", entity.name));
    };
    let file = &catalog.files[id.file].path;
    let (endpoint, config_node) = if let Some(c) = ep.get("connector") {
        let image = c.get("image").and_then(Node::as_str).unwrap_or_default();
        if image.is_empty() {
            return err(format!(
                "`{}`: endpoint.connector has no image",
                entity.name
            ));
        }
        (
            TaskEndpoint::Image {
                image: image.to_string(),
            },
            c.get("config"),
        )
    } else if let Some(l) = ep.get("local") {
        let command: Vec<String> = l
            .get("command")
            .map(|c| {
                c.items()
                    .iter()
                    .map(|a| a.to_json())
                    .map(scalar_string)
                    .collect()
            })
            .unwrap_or_default();
        if command.is_empty() {
            return err(format!("`{}`: endpoint.local has no command", entity.name));
        }
        let env = l
            .get("env")
            .map(|e| {
                e.entries()
                    .iter()
                    .map(|(k, v)| (k.key_string(), scalar_string(v.to_json())))
                    .collect()
            })
            .unwrap_or_default();
        (
            TaskEndpoint::Local {
                command,
                env,
                protobuf: l.get("protobuf").and_then(Node::as_bool).unwrap_or(false),
            },
            l.get("config"),
        )
    } else if ep.get("dekaf").is_some() {
        return err(format!(
            "`{}` is a Dekaf materialization: Dekaf runs inside Estuary and has no connector to run locally",
            entity.name
        ));
    } else {
        return err(format!(
            "`{}`: unknown endpoint type (expected `connector` or `local`)",
            entity.name
        ));
    };
    let config = match config_node {
        Some(n) => resolve_value(catalog, id.file, n)?,
        None => Value::Object(Default::default()),
    };
    let config_source = match config_node {
        None => ConfigSource::None,
        Some(n) => match n.as_str() {
            Some(s) if !s.chars().any(char::is_whitespace) => {
                ConfigSource::File(referenced_path(catalog, id.file, s))
            }
            _ => ConfigSource::Inline(file.clone()),
        },
    };
    Ok(Task {
        name: entity.name.clone(),
        id,
        task,
        endpoint,
        config,
        config_source,
    })
}

fn scalar_string(v: Value) -> String {
    match v {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

/// A config or resource value written in catalog file `file`: a whitespace-free string is a
/// file reference, read from the loaded catalog.
pub fn resolve_value(catalog: &Catalog, file: usize, node: &Node) -> Result<Value, TaskError> {
    match node.as_str() {
        Some(s) if !s.chars().any(char::is_whitespace) => load_reference(catalog, file, s),
        _ => Ok(node.to_json()),
    }
}

/// The loaded file that `reference`, written in catalog file `from`, names: the one the loader
/// recorded for that reference, else (a reference added by an edit since loading) the loaded
/// file at the path it resolves to. Pure: no file system access, so the editor's `update` may
/// resolve a task.
fn referenced<'a>(
    catalog: &'a Catalog,
    from: usize,
    reference: &str,
) -> Option<(PathBuf, &'a str)> {
    if let Some(f) = catalog.referenced_file(from, reference) {
        return Some((f.path.clone(), f.text()));
    }
    let (target, _) = resolve_path(&catalog.files.get(from)?.path, reference);
    let text = file_text(catalog, &target)?;
    Some((target, text))
}

/// Where `reference` points, for people: the loaded file's path, or the path it resolves to.
fn referenced_path(catalog: &Catalog, from: usize, reference: &str) -> PathBuf {
    match referenced(catalog, from, reference) {
        Some((path, _)) => path,
        None => resolve_path(&catalog.files[from].path, reference).0,
    }
}

fn load_reference(catalog: &Catalog, from: usize, reference: &str) -> Result<Value, TaskError> {
    let (target, fragment) = resolve_path(&catalog.files[from].path, reference);
    let (path, text) = referenced(catalog, from, reference).ok_or_else(|| {
        TaskError(format!(
            "`{reference}` ({}) was not loaded with the catalog; run `flowspec check` to see why",
            target.display()
        ))
    })?;
    let doc = if is_structured(&path) {
        yaml::parse(text)
            .map_err(|e| TaskError(format!("{}:{e}", path.display())))?
            .to_json()
    } else {
        Value::String(text.to_string())
    };
    match fragment {
        Some(ptr) if !ptr.is_empty() => doc.pointer(&ptr).cloned().ok_or_else(|| {
            TaskError(format!(
                "`{reference}`: nothing at #{ptr} in {}",
                path.display()
            ))
        }),
        _ => Ok(doc),
    }
}

/// The absolute path a reference written in `containing` names (percent-decoded, `file://`
/// stripped, `.` and `..` removed) and its decoded `#fragment`.
fn resolve_path(containing: &Path, reference: &str) -> (PathBuf, Option<String>) {
    let (path, fragment) = match reference.split_once('#') {
        Some((p, f)) => (p, Some(percent::decode(f).into_owned())),
        None => (reference, None),
    };
    let path = path.strip_prefix("file://").unwrap_or(path);
    let base = containing.parent().unwrap_or(Path::new("/"));
    (absolute(&base.join(percent::decode_path(path))), fragment)
}

/// The current (possibly edited) text of the loaded file at `path`, matched against each
/// file's path as loaded and its real path (`..` and symlinks resolved when it was loaded).
/// Pure: it never touches the file system.
fn file_text<'a>(catalog: &'a Catalog, path: &Path) -> Option<&'a str> {
    catalog
        .files
        .iter()
        .find(|f| f.path == path || f.real_path == path)
        .map(|f| f.text())
}

/// The enabled bindings of a task as a Validate request carries them.
pub fn validate_bindings(
    catalog: &Catalog,
    task: &Task,
) -> Result<Vec<ValidateBinding>, TaskError> {
    let (root, path) = definition(catalog, task.id)?;
    let def = root.at(&path).expect("load_task found it");
    let file = task.id.file;
    let collection_key = match task.task {
        TaskType::Capture => "target",
        TaskType::Materialize => "source",
    };
    let mut out = Vec::new();
    for (i, b) in def
        .get("bindings")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if b.get("disable").and_then(Node::as_bool).unwrap_or(false) {
            continue; // Flow validates enabled bindings only.
        }
        let at = || format!("`{}` binding {}", task.name, i + 1);
        let resource = match b.get("resource") {
            Some(r) => resolve_value(catalog, file, r)?,
            None => return err(format!("{} has no resource", at())),
        };
        let collection = match b.get(collection_key) {
            Some(n) => match n.as_str() {
                Some(s) => s.to_string(),
                None => n
                    .get("name")
                    .and_then(Node::as_str)
                    .unwrap_or_default()
                    .to_string(),
            },
            None => String::new(),
        };
        if collection.is_empty() {
            return err(format!("{} has no {collection_key} collection", at()));
        }
        let mut binding = ValidateBinding {
            resource_config: p::raw_value(&resource),
            collection: collection_spec(catalog, &collection)
                .map_err(|e| TaskError(format!("{}: {e}", at())))?,
            backfill: match b.get("backfill").map(|n| n.to_json()) {
                Some(Value::Number(n)) => n.as_u64().unwrap_or(0) as u32,
                _ => 0,
            },
            field_config: Default::default(),
            group_by: Vec::new(),
        };
        if task.task == TaskType::Materialize {
            if let Some(fields) = b.get("fields") {
                let require = fields.get("require").or_else(|| fields.get("include"));
                for (k, v) in require.map(Node::entries).unwrap_or_default() {
                    binding
                        .field_config
                        .insert(k.key_string(), p::raw_value(&v.to_json()));
                }
                binding.group_by = fields
                    .get("groupBy")
                    .map(|g| {
                        g.items()
                            .iter()
                            .map(|f| scalar_string(f.to_json()))
                            .collect()
                    })
                    .unwrap_or_default();
            }
        }
        out.push(binding);
    }
    Ok(out)
}

/// Builds the `CollectionSpec` of a collection defined in the catalog.
pub fn collection_spec(catalog: &Catalog, name: &str) -> Result<CollectionSpec, TaskError> {
    let (id, _) = catalog
        .find(name, Some(EntityKind::Collection))
        .ok_or_else(|| {
            TaskError(format!(
                "collection `{name}` is not defined in the loaded catalog, so its schema is unknown"
            ))
        })?;
    let (root, path) = definition(catalog, id)?;
    let def = root.at(&path).expect("indexed entities exist");
    let file = id.file;
    let schema = |key: &str| -> Result<Option<Value>, TaskError> {
        match def.get(key) {
            None => Ok(None),
            // A schema given as a string is always a URL (unlike configs).
            Some(n) => match n.as_str() {
                Some(s) => load_reference(catalog, file, s).map(Some),
                None => Ok(Some(n.to_json())),
            },
        }
    };
    let (write, read) = match (
        schema("schema")?,
        schema("writeSchema")?,
        schema("readSchema")?,
    ) {
        (Some(s), _, _) => (s, None),
        (None, Some(w), Some(r)) => (w, Some(r)),
        _ => return err(format!("collection `{name}` has no schema")),
    };
    let key: Vec<String> = def
        .get("key")
        .map(|k| {
            k.items()
                .iter()
                .filter_map(|p| p.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let projections = projections(&write, &key);
    Ok(CollectionSpec {
        name: name.to_string(),
        write_schema: p::raw_value(&write),
        read_schema: read.as_ref().map(p::raw_value),
        key,
        uuid_ptr: "/_meta/uuid".into(),
        partition_fields: Vec::new(),
        projections,
        // Only the runtime uses the ack template; connectors never look at it.
        ack_template: None,
    })
}

fn schema_types(schema: Option<&Value>) -> Vec<String> {
    match schema.and_then(|s| s.get("type")) {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(|t| t.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    }
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Projections Flow would infer for the common case: every key location, each top-level
/// property, the document root (`flow_document`) and `flow_published_at`. Sorted by field.
fn projections(schema: &Value, key: &[String]) -> Vec<Projection> {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut out: Vec<Projection> = Vec::new();
    let lookup = |ptr: &str| -> Option<&Value> {
        let mut node = schema;
        for t in ptr.split('/').skip(1) {
            node = node.get("properties")?.get(unescape(t).as_str())?;
        }
        Some(node)
    };
    for k in key {
        out.push(Projection {
            ptr: k.clone(),
            field: k.trim_start_matches('/').to_string(),
            is_primary_key: true,
            inference: Inference {
                types: schema_types(lookup(k)),
                exists: "MUST".into(),
            },
            ..Default::default()
        });
    }
    if let Some(Value::Object(props)) = schema.get("properties") {
        for (name, prop) in props {
            let ptr = format!("/{}", name.replace('~', "~0").replace('/', "~1"));
            if key.contains(&ptr) {
                continue;
            }
            out.push(Projection {
                ptr,
                field: name.clone(),
                inference: Inference {
                    types: schema_types(Some(prop)),
                    exists: if required.contains(&name.as_str()) {
                        "MUST".into()
                    } else {
                        "MAY".into()
                    },
                },
                ..Default::default()
            });
        }
    }
    out.push(Projection {
        ptr: String::new(),
        field: "flow_document".into(),
        inference: Inference {
            types: vec!["object".into()],
            exists: "MUST".into(),
        },
        ..Default::default()
    });
    out.push(Projection {
        ptr: "/_meta/uuid".into(),
        field: "flow_published_at".into(),
        inference: Inference {
            types: vec!["string".into()],
            exists: "MUST".into(),
        },
        ..Default::default()
    });
    out.sort_by(|a, b| a.field.cmp(&b.field));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, files: &[(&str, &str)]) {
        for (name, text) in files {
            let p = dir.join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
    }

    const FLOW: &str = r#"
import: [sub/collections.flow.yaml]
captures:
  acme/src:
    endpoint:
      local:
        command: [./conn, --flag, 5]
        config: src.config.yaml
        env: {A: b, N: 1}
        protobuf: true
    bindings:
      - resource: {stream: a}
        target: acme/a
      - resource: res.yaml
        target: acme/b
        backfill: 3
      - resource: {stream: c}
        target: acme/nowhere
        disable: true
materializations:
  acme/out:
    endpoint:
      connector:
        image: ghcr.io/estuary/materialize-x:v1
        config: {zeta: 1, alpha: {y: 2, x: 1}}
    bindings:
      - source: {name: acme/a}
        resource: {table: a}
        fields:
          recommended: true
          require: {name: {castToString: true}}
          groupBy: [id]
"#;

    fn catalog() -> (tempfile::TempDir, Catalog) {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            &[
                ("flow.yaml", FLOW),
                ("src.config.yaml", "# comment\nzeta: 1\nalpha: two\nlist: [1, 2]\n"),
                ("res.yaml", "stream: b\nnamespace: public\n"),
                (
                    "sub/collections.flow.yaml",
                    "collections:\n  acme/a:\n    key: [/id]\n    schema: a.schema.yaml\n  acme/b:\n    key: [/k/x]\n    writeSchema: {type: object, properties: {k: {type: object, properties: {x: {type: string}}}}}\n    readSchema: {$ref: flow://write-schema}\n",
                ),
                (
                    "sub/a.schema.yaml",
                    "type: object\nproperties:\n  id: {type: integer}\n  name: {type: [string, \"null\"]}\n  b: {type: boolean}\nrequired: [id, b]\n",
                ),
            ],
        );
        let cat = crate::catalog::load(&dir.path().join("flow.yaml"), &mut |_| {}).unwrap();
        assert!(cat.load_problems.is_empty(), "{:?}", cat.load_problems);
        (dir, cat)
    }

    #[test]
    fn local_task_with_config_file_keeps_key_order() {
        let (_d, cat) = catalog();
        let (id, _) = find_task(&cat, Some("acme/src"), None).unwrap();
        let t = load_task(&cat, id).unwrap();
        assert_eq!(t.task, TaskType::Capture);
        assert_eq!(
            t.endpoint,
            TaskEndpoint::Local {
                command: vec!["./conn".into(), "--flag".into(), "5".into()],
                env: vec![("A".into(), "b".into()), ("N".into(), "1".into())],
                protobuf: true
            }
        );
        assert_eq!(t.local_protocol(), Some(Protocol::FlowProto));
        assert_eq!(
            serde_json::to_string(&t.config).unwrap(),
            r#"{"zeta":1,"alpha":"two","list":[1,2]}"#
        );
    }

    #[test]
    fn image_task_with_inline_config() {
        let (_d, cat) = catalog();
        let (id, _) = find_task(&cat, Some("acme/out"), Some(EntityKind::Materialization)).unwrap();
        let t = load_task(&cat, id).unwrap();
        assert_eq!(t.task, TaskType::Materialize);
        assert!(
            matches!(t.transport(DockerOptions::default()), Transport::Docker { image, .. } if image == "ghcr.io/estuary/materialize-x:v1")
        );
        assert_eq!(
            serde_json::to_string(&t.config).unwrap(),
            r#"{"zeta":1,"alpha":{"y":2,"x":1}}"#
        );
        let b = validate_bindings(&cat, &t).unwrap();
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].field_config["name"].get(), r#"{"castToString":true}"#);
        assert_eq!(b[0].group_by, vec!["id"]);
        let c = &b[0].collection;
        assert_eq!(c.key, vec!["/id"]);
        let fields: Vec<(&str, &str, bool, &str)> = c
            .projections
            .iter()
            .map(|p| {
                (
                    p.field.as_str(),
                    p.ptr.as_str(),
                    p.is_primary_key,
                    p.inference.exists.as_str(),
                )
            })
            .collect();
        assert_eq!(
            fields,
            vec![
                ("b", "/b", false, "MUST"),
                ("flow_document", "", false, "MUST"),
                ("flow_published_at", "/_meta/uuid", false, "MUST"),
                ("id", "/id", true, "MUST"),
                ("name", "/name", false, "MAY"),
            ]
        );
        assert_eq!(c.projections[3].inference.types, vec!["integer"]);
    }

    #[test]
    fn capture_bindings_resolve_resources_and_skip_disabled() {
        let (_d, cat) = catalog();
        let (id, _) = find_task(&cat, None, Some(EntityKind::Capture)).unwrap();
        let t = load_task(&cat, id).unwrap();
        let b = validate_bindings(&cat, &t).unwrap();
        assert_eq!(
            b.len(),
            2,
            "the disabled binding to an unknown collection is skipped"
        );
        assert_eq!(
            b[1].resource_config.get(),
            r#"{"stream":"b","namespace":"public"}"#
        );
        assert_eq!(b[1].backfill, 3);
        assert!(b[1].collection.read_schema.is_some());
        assert_eq!(
            b[1].collection
                .projections
                .iter()
                .find(|p| p.is_primary_key)
                .unwrap()
                .field,
            "k/x"
        );
    }

    #[test]
    fn references_resolve_through_the_loaded_catalog_without_the_file_system() {
        let dir = tempfile::tempdir().unwrap();
        let task = |name: &str, config: &str| {
            format!("captures:\n  {name}:\n    endpoint: {{local: {{command: [x], config: {config}}}}}\n    bindings: []\n")
        };
        write(
            dir.path(),
            &[
                (
                    "flow.yaml",
                    &format!(
                        "import: [sub/b.flow.yaml]\n{}",
                        task("acme/a", "real/c.yaml")
                    ),
                ),
                ("sub/b.flow.yaml", &task("acme/b", "../link/c.yaml")),
                ("real/c.yaml", "host: db\n"),
                ("flow2.yaml", &task("acme/p", "my%20config.yaml")),
                ("my config.yaml", "port: 5432\n"),
            ],
        );
        std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("link")).unwrap();
        let cat = crate::catalog::load(&dir.path().join("flow.yaml"), &mut |_| {}).unwrap();
        assert!(cat.load_problems.is_empty(), "{:?}", cat.load_problems);
        let spaced = crate::catalog::load(&dir.path().join("flow2.yaml"), &mut |_| {}).unwrap();
        assert!(
            spaced.load_problems.is_empty(),
            "{:?}",
            spaced.load_problems
        );
        // Gone from disk: only the loaded catalog can answer now.
        drop(dir);
        let (id, _) = find_task(&cat, Some("acme/b"), None).unwrap();
        let t = load_task(&cat, id).unwrap();
        assert_eq!(t.config, serde_json::json!({"host": "db"}));
        let (id, _) = find_task(&spaced, Some("acme/p"), None).unwrap();
        let t = load_task(&spaced, id).unwrap();
        assert_eq!(
            t.config,
            serde_json::json!({"port": 5432}),
            "percent-decoded"
        );
        let ConfigSource::File(path) = &t.config_source else {
            panic!("{:?}", t.config_source);
        };
        assert!(path.ends_with("my config.yaml"), "{path:?}");
    }

    #[test]
    fn task_lookup_errors_say_what_to_do() {
        let (_d, cat) = catalog();
        let e = find_task(&cat, None, None).unwrap_err();
        assert!(
            e.0.contains("pick one with --task: acme/src, acme/out"),
            "{e}"
        );
        let e = find_task(&cat, Some("acme/a"), None).unwrap_err();
        assert!(
            e.0.contains("no capture or materialization named `acme/a`"),
            "{e}"
        );
        let e = collection_spec(&cat, "acme/nowhere").unwrap_err();
        assert!(e.0.contains("not defined in the loaded catalog"), "{e}");
    }
}
