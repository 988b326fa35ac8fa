//! Where configs sit in catalog files, and which rule finds the secrets of each: the
//! connector's schema when flowspec knows it ([`Schemas`]), the name rule otherwise.
//!
//! Inline configs: `endpoint.<connector|local|dekaf|…>.config` and `bindings[].resource` of
//! captures and materializations, materialization `triggers` (Flow's own schema marks every
//! header value secret) and derivation `using.<connector|local>.config`. A config or resource
//! file referenced by path is a config as a whole, with the schema of the task(s) using it.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use serde_json::{json, Value};

use super::names::locate_by_name;
use super::schema::{is_at_or_under, locate, normalize};
use crate::catalog::index::location;
use crate::catalog::load::absolute;
use crate::catalog::{Catalog, EntityKind, FileRole, Location};
use crate::form::pointer::join;
use crate::yaml::{Node, PathSeg};

/// Which of a task's two schemas a config follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigKind {
    Endpoint,
    Resource,
}

/// The connector schemas known this session: per task name (from the TUI's fetched specs)
/// and per place (a config being edited with a schema given on the command line).
#[derive(Debug, Clone, Default)]
pub struct Schemas<'a> {
    tasks: HashMap<String, [Option<&'a Value>; 2]>,
    places: Vec<(usize, Vec<PathSeg>, &'a Value)>,
}

impl<'a> Schemas<'a> {
    /// True when file `file` of `catalog` can hold no config: not a catalog, config or
    /// resource file, and no schema placed in it. Its text needs no parse to be masked.
    pub fn holds_no_config(&self, catalog: &Catalog, file: usize) -> bool {
        let role = catalog.files.get(file).map(|f| f.role);
        !matches!(
            role,
            Some(FileRole::Catalog | FileRole::Config | FileRole::Resource)
        ) && !self.places.iter().any(|(f, _, _)| *f == file)
    }

    /// No schema known: every config goes by the name rule.
    pub fn none() -> Self {
        Schemas::default()
    }

    /// Records task `name`'s endpoint and resource config schemas (bare schemas or whole spec
    /// responses). A null schema counts as unknown.
    pub fn add_task(
        &mut self,
        name: &str,
        endpoint: Option<&'a Value>,
        resource: Option<&'a Value>,
    ) {
        let known = |s: Option<&'a Value>| s.filter(|s| !s.is_null());
        self.tasks
            .insert(name.to_string(), [known(endpoint), known(resource)]);
    }

    /// Records that the config at `at` of file `file` follows `schema`.
    pub fn add_place(&mut self, file: usize, at: Vec<PathSeg>, schema: &'a Value) {
        self.places.push((file, at, schema));
    }

    /// Task `name`'s schema of `kind`, if known.
    pub fn task(&self, name: &str, kind: ConfigKind) -> Option<&'a Value> {
        let [endpoint, resource] = self.tasks.get(name)?;
        match kind {
            ConfigKind::Endpoint => *endpoint,
            ConfigKind::Resource => *resource,
        }
    }
}

/// How the secrets of one config are found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rule<'a> {
    /// Connector schemas that apply (several when tasks share a config file).
    pub schemas: Vec<&'a Value>,
    /// Also (or, with no schema, only) by key names: some user of the config has no known
    /// schema.
    pub by_name: bool,
}

impl<'a> Rule<'a> {
    /// The rule for a config whose schema may be known.
    pub fn from_schema(schema: Option<&'a Value>) -> Self {
        Rule {
            schemas: schema.into_iter().collect(),
            by_name: schema.is_none(),
        }
    }

    /// The secret locations of `config` (JSON pointers, sorted, none below another): those
    /// of every schema, of the name rule when it applies, and every key carrying the
    /// document's sops suffix (sops encrypts all below it; ciphertext is noise in a diff).
    pub fn locate(&self, config: &Value) -> Vec<String> {
        let mut found = Vec::new();
        for s in &self.schemas {
            found.extend(locate(crate::form::config_schema_of(s), config));
        }
        if self.by_name || self.schemas.is_empty() {
            found.extend(locate_by_name(config));
        }
        found.extend(sops_encrypted(config));
        normalize(found)
    }

    /// True when `pointer` of `config` is secret: at or below a secret location, or would be
    /// if it held a value.
    pub fn is_secret_at(&self, config: &Value, pointer: &str) -> bool {
        let probe = super::field::with_present(config, pointer);
        self.locate(&probe)
            .iter()
            .any(|l| is_at_or_under(pointer, l))
    }

    fn merge(&mut self, schema: &'a Value) {
        if self.schemas.is_empty() {
            self.by_name = false;
        }
        self.schemas.push(schema);
    }
}

/// Every value below a key ending in the sops `encrypted_suffix` of `config` (`_sops` unless
/// its `sops` metadata says otherwise).
fn sops_encrypted(config: &Value) -> Vec<String> {
    let suffix = config
        .get("sops")
        .and_then(|s| s.get("encrypted_suffix"))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or("_sops");
    let mut out = Vec::new();
    let mut stack = vec![(config, String::new(), 0)];
    while let Some((v, pointer, depth)) = stack.pop() {
        if depth > super::names::MAX_DEPTH {
            continue;
        }
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    let p = join(&pointer, k);
                    if k.ends_with(suffix) {
                        out.push(p);
                    } else {
                        stack.push((child, p, depth + 1));
                    }
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    stack.push((child, join(&pointer, &i.to_string()), depth + 1));
                }
            }
            _ => {}
        }
    }
    out
}

/// One config inside a parsed file.
#[derive(Debug, Clone, PartialEq)]
pub struct Site<'a> {
    /// Path of the config in the file (empty: the whole file).
    pub at: Vec<PathSeg>,
    pub rule: Rule<'a>,
}

/// Flow's `TriggerConfig` secrets: every HTTP header value of a webhook trigger.
fn triggers_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        json!({"properties": {"config": {"items": {"properties": {
            "headers": {"additionalProperties": {"type": "string", "secret": true}}
        }}}}})
    })
}

/// True for a schema of Flow's own (the triggers' headers) rather than a connector's.
pub fn is_flow_schema(schema: &Value) -> bool {
    std::ptr::eq(schema, triggers_schema())
}

/// The configs of file `file` of `catalog`, parsed as `root` (any version of its text), with
/// the rule for each.
pub fn sites<'a>(
    catalog: &Catalog,
    file: usize,
    root: &Node,
    schemas: &Schemas<'a>,
) -> Vec<Site<'a>> {
    let mut out = match catalog.files.get(file).map(|f| f.role) {
        Some(FileRole::Catalog) => inline_sites(root, schemas),
        Some(FileRole::Config | FileRole::Resource) => vec![Site {
            at: Vec::new(),
            rule: file_rule(catalog, file, schemas),
        }],
        _ => Vec::new(),
    };
    for (f, at, schema) in &schemas.places {
        if *f != file {
            continue;
        }
        match out.iter_mut().find(|s| &s.at == at) {
            Some(site) => site.rule.merge(schema),
            None => out.push(Site {
                at: at.clone(),
                rule: Rule::from_schema(Some(schema)),
            }),
        }
    }
    out
}

/// True for a config value written in place (a whitespace-free string is a file reference).
fn inline(node: &Node) -> bool {
    location(node) == Location::Inline
}

fn inline_sites<'a>(root: &Node, schemas: &Schemas<'a>) -> Vec<Site<'a>> {
    let mut out = Vec::new();
    let key = |k: &str| PathSeg::key(k);
    for kind in [EntityKind::Capture, EntityKind::Materialization] {
        let section = kind.section();
        for (k, task) in root.get(section).map(Node::entries).unwrap_or_default() {
            let name = k.key_string();
            let base = vec![key(section), key(&name)];
            let endpoint = schemas.task(&name, ConfigKind::Endpoint);
            for (variant, ep) in task.get("endpoint").map(Node::entries).unwrap_or_default() {
                if ep.get("config").is_some_and(inline) {
                    let mut at = base.clone();
                    at.extend([key("endpoint"), key(&variant.key_string()), key("config")]);
                    out.push(Site {
                        at,
                        rule: Rule::from_schema(endpoint),
                    });
                }
            }
            let resource = schemas.task(&name, ConfigKind::Resource);
            for (i, b) in task
                .get("bindings")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                if b.get("resource").is_some_and(inline) {
                    let mut at = base.clone();
                    at.extend([key("bindings"), PathSeg::Index(i), key("resource")]);
                    out.push(Site {
                        at,
                        rule: Rule::from_schema(resource),
                    });
                }
            }
            if kind == EntityKind::Materialization && task.get("triggers").is_some_and(Node::is_map)
            {
                let mut at = base.clone();
                at.push(key("triggers"));
                out.push(Site {
                    at,
                    rule: Rule::from_schema(Some(triggers_schema())),
                });
            }
        }
    }
    for (k, c) in root
        .get("collections")
        .map(Node::entries)
        .unwrap_or_default()
    {
        let using = c.get("derive").and_then(|d| d.get("using"));
        for (variant, u) in using.map(Node::entries).unwrap_or_default() {
            if u.get("config").is_some_and(inline) {
                out.push(Site {
                    at: vec![
                        key("collections"),
                        key(&k.key_string()),
                        key("derive"),
                        key("using"),
                        key(&variant.key_string()),
                        key("config"),
                    ],
                    rule: Rule::from_schema(None),
                });
            }
        }
    }
    out
}

/// The rule for a whole config or resource file: the schemas of every task that refers to
/// it, plus the name rule when one of them (or none at all) has no known schema.
fn file_rule<'a>(catalog: &Catalog, file: usize, schemas: &Schemas<'a>) -> Rule<'a> {
    let target = &catalog.files[file].path;
    let refers = |from: &Path, rel: &str| {
        let dir = from.parent().unwrap_or(Path::new("/"));
        &absolute(&dir.join(rel)) == target
    };
    let mut users: Vec<Option<&'a Value>> = Vec::new();
    for (fi, f) in catalog.files.iter().enumerate() {
        if f.role != FileRole::Catalog {
            continue;
        }
        let mut parsed: Option<Option<Node>> = None;
        for e in f.entities() {
            if !matches!(e.kind, EntityKind::Capture | EntityKind::Materialization) {
                continue;
            }
            use crate::catalog::Endpoint::{Connector, Local};
            if let Some(
                Connector {
                    config: Location::File(rel),
                    ..
                }
                | Local {
                    config: Location::File(rel),
                    ..
                },
            ) = &e.endpoint
            {
                if refers(&f.path, rel) {
                    users.push(schemas.task(&e.name, ConfigKind::Endpoint));
                }
            }
            if e.bindings.is_empty() {
                continue;
            }
            let root = parsed.get_or_insert_with(|| catalog.parse_file(fi).ok());
            for i in 0..e.bindings.len() {
                let at = e.binding_path(i);
                let rel = root
                    .as_ref()
                    .and_then(|r| r.at(&at))
                    .and_then(|b| b.get("resource"))
                    .map(location);
                if let Some(Location::File(rel)) = rel {
                    if refers(&f.path, &rel) {
                        users.push(schemas.task(&e.name, ConfigKind::Resource));
                    }
                }
            }
        }
    }
    Rule {
        schemas: users.iter().flatten().copied().collect(),
        by_name: users.is_empty() || users.iter().any(Option::is_none),
    }
}
