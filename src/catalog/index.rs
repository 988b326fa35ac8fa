//! The entity index: what a catalog defines and where, extracted from parsed files.
//!
//! The index is deliberately small (names, positions, summaries) so that a 100 MB catalog can be
//! browsed without keeping every parsed tree in memory. Full trees are re-parsed on demand.

use serde::Serialize;

use crate::yaml::{Node, PathSeg, Value};

/// The four kinds of thing a catalog defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Capture,
    Collection,
    Materialization,
    Test,
}

impl EntityKind {
    pub const ALL: [EntityKind; 4] = [
        EntityKind::Capture,
        EntityKind::Collection,
        EntityKind::Materialization,
        EntityKind::Test,
    ];

    /// The top-level catalog key that holds this kind.
    pub fn section(self) -> &'static str {
        match self {
            EntityKind::Capture => "captures",
            EntityKind::Collection => "collections",
            EntityKind::Materialization => "materializations",
            EntityKind::Test => "tests",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EntityKind::Capture => "capture",
            EntityKind::Collection => "collection",
            EntityKind::Materialization => "materialization",
            EntityKind::Test => "test",
        }
    }

    pub fn plural(self) -> &'static str {
        match self {
            EntityKind::Capture => "Captures",
            EntityKind::Collection => "Collections",
            EntityKind::Materialization => "Materializations",
            EntityKind::Test => "Tests",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        EntityKind::ALL
            .into_iter()
            .find(|k| k.label() == s || k.section() == s)
    }
}

/// Where a value lives: inline in the catalog file, or in a referenced file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "path", rename_all = "lowercase")]
pub enum Location {
    Inline,
    /// The reference as written (relative to the containing file).
    File(String),
}

/// How a task talks to its connector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Endpoint {
    Connector {
        image: String,
        config: Location,
    },
    Local {
        command: Vec<String>,
        config: Location,
        protobuf: bool,
    },
    Dekaf {
        variant: String,
    },
    /// An endpoint flowspec does not recognise (reported by `check`).
    Other {
        key: String,
    },
}

impl Endpoint {
    /// One line for lists and headers.
    pub fn summary(&self) -> String {
        match self {
            Endpoint::Connector { image, .. } => image.clone(),
            Endpoint::Local { command, .. } => {
                format!("local: {}", crate::text::shell_words(command))
            }
            Endpoint::Dekaf { variant } => format!("dekaf: {variant}"),
            Endpoint::Other { key } => format!("unknown endpoint `{key}`"),
        }
    }
}

/// One binding of a capture or materialization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Binding {
    /// A short description of the resource (`stream=orders namespace=public`, or its file).
    pub resource: String,
    /// The target (captures) or source (materializations) collection.
    pub collection: Option<String>,
    pub disable: bool,
    pub backfill: u64,
    pub line: u32,
}

/// Where a collection's schema is defined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "form", rename_all = "camelCase")]
pub enum SchemaForm {
    Single { schema: Location },
    WriteRead { write: Location, read: Location },
    Missing,
}

impl SchemaForm {
    pub fn summary(&self) -> String {
        fn loc(l: &Location) -> String {
            match l {
                Location::Inline => "inline".into(),
                Location::File(f) => f.clone(),
            }
        }
        match self {
            SchemaForm::Single { schema } => format!("schema: {}", loc(schema)),
            SchemaForm::WriteRead { write, read } => {
                format!("writeSchema: {}, readSchema: {}", loc(write), loc(read))
            }
            SchemaForm::Missing => "no schema".into(),
        }
    }
}

/// One defined thing: a capture, collection, materialization or test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entity {
    pub kind: EntityKind,
    pub name: String,
    /// Index into `Catalog::files`.
    #[serde(skip)]
    pub file: usize,
    pub line: u32,
    pub col: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<Endpoint>,
    /// `shards.disable` for tasks.
    pub disabled: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bindings: Vec<Binding>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub key: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<SchemaForm>,
    /// True for collections with a `derive` stanza.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub derived: bool,
}

impl Entity {
    /// The document path of this entity's definition (`/captures/<name>`).
    pub fn path(&self) -> Vec<PathSeg> {
        vec![
            PathSeg::key(self.kind.section()),
            PathSeg::key(self.name.clone()),
        ]
    }

    /// The document path of binding `i`.
    pub fn binding_path(&self, i: usize) -> Vec<PathSeg> {
        let mut p = self.path();
        p.push(PathSeg::key("bindings"));
        p.push(PathSeg::Index(i));
        p
    }
}

/// Extracts every entity a parsed catalog file defines. Tolerant: shapes it does not understand
/// are skipped here and reported by the validator.
pub fn extract(file: usize, root: &Node) -> Vec<Entity> {
    let mut out = Vec::new();
    for kind in EntityKind::ALL {
        let Some(section) = root.get(kind.section()) else {
            continue;
        };
        for (k, v) in section.entries() {
            out.push(entity(file, kind, k, v));
        }
    }
    out
}

/// The entity of `kind` defined by the entry `k: v` of its section.
pub fn entity(file: usize, kind: EntityKind, k: &Node, v: &Node) -> Entity {
    let mut e = Entity {
        kind,
        name: k.key_string(),
        file,
        line: k.pos.line,
        col: k.pos.col,
        endpoint: None,
        disabled: false,
        bindings: Vec::new(),
        key: Vec::new(),
        schema: None,
        derived: false,
    };
    match kind {
        EntityKind::Capture | EntityKind::Materialization => {
            e.endpoint = v.get("endpoint").map(endpoint);
            e.disabled = v
                .get("shards")
                .and_then(|s| s.get("disable"))
                .and_then(Node::as_bool)
                .unwrap_or(false);
            let coll_key = if kind == EntityKind::Capture {
                "target"
            } else {
                "source"
            };
            e.bindings = v
                .get("bindings")
                .map(|b| b.items().iter().map(|b| binding(b, coll_key)).collect())
                .unwrap_or_default();
        }
        EntityKind::Collection => {
            e.key = v
                .get("key")
                .map(|k| {
                    k.items()
                        .iter()
                        .filter_map(|p| p.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            e.schema = Some(schema_form(v));
            e.derived = v.get("derive").is_some();
            e.disabled = v
                .get("derive")
                .and_then(|d| d.get("shards"))
                .and_then(|s| s.get("disable"))
                .and_then(Node::as_bool)
                .unwrap_or(false);
        }
        EntityKind::Test => {}
    }
    e
}

/// Brings the index of a file up to date after edits inside the entities named in `touched`
/// (kind and name): those are extracted again, the others only get their line numbers from
/// the new tree (lines move when an edit adds or removes some). Returns false, with `entities`
/// in an unspecified state, when the file no longer defines the same entities in the same
/// order; the caller then extracts them all.
pub fn refresh(
    entities: &mut [Entity],
    root: &Node,
    touched: &dyn Fn(EntityKind, &str) -> bool,
) -> bool {
    let mut existing = entities.iter_mut();
    for kind in EntityKind::ALL {
        let Some(section) = root.get(kind.section()) else {
            continue;
        };
        for (k, v) in section.entries() {
            let Some(e) = existing.next() else {
                return false;
            };
            if e.kind != kind || e.name != k.key_cow() {
                return false;
            }
            if touched(kind, &e.name) {
                *e = entity(e.file, kind, k, v);
                continue;
            }
            (e.line, e.col) = (k.pos.line, k.pos.col);
            let items = v.get("bindings").map(Node::items).unwrap_or_default();
            if items.len() != e.bindings.len() {
                return false;
            }
            for (b, item) in e.bindings.iter_mut().zip(items) {
                b.line = item.pos.line;
            }
        }
    }
    existing.next().is_none()
}

/// A config/resource/schema value: a whitespace-free string is a file reference (§1.8).
pub fn location(node: &Node) -> Location {
    match node.as_str() {
        Some(s) if !s.chars().any(char::is_whitespace) => Location::File(s.to_string()),
        _ => Location::Inline,
    }
}

fn endpoint(node: &Node) -> Endpoint {
    if let Some(c) = node.get("connector") {
        return Endpoint::Connector {
            image: c
                .get("image")
                .and_then(Node::as_str)
                .unwrap_or_default()
                .to_string(),
            config: c.get("config").map(location).unwrap_or(Location::Inline),
        };
    }
    if let Some(l) = node.get("local") {
        return Endpoint::Local {
            command: l
                .get("command")
                .map(|c| {
                    c.items()
                        .iter()
                        .map(|a| {
                            a.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| a.key_string())
                        })
                        .collect()
                })
                .unwrap_or_default(),
            config: l.get("config").map(location).unwrap_or(Location::Inline),
            protobuf: l.get("protobuf").and_then(Node::as_bool).unwrap_or(false),
        };
    }
    if let Some(d) = node.get("dekaf") {
        return Endpoint::Dekaf {
            variant: d
                .get("variant")
                .and_then(Node::as_str)
                .unwrap_or_default()
                .to_string(),
        };
    }
    Endpoint::Other {
        key: node
            .entries()
            .first()
            .map(|(k, _)| k.key_string())
            .unwrap_or_default(),
    }
}

fn binding(node: &Node, coll_key: &str) -> Binding {
    let collection = node.get(coll_key).and_then(|s| match &s.value {
        Value::Str(name) => Some(name.clone()),
        // Materialization sources may be `{name: ..., partitions: ...}`.
        Value::Map(_) => s.get("name").and_then(Node::as_str).map(str::to_string),
        _ => None,
    });
    Binding {
        resource: node
            .get("resource")
            .map(resource_summary)
            .unwrap_or_default(),
        collection,
        disable: node.get("disable").and_then(Node::as_bool).unwrap_or(false),
        backfill: match node.get("backfill").map(|b| &b.value) {
            Some(Value::Int(i)) => (*i).max(0) as u64,
            _ => 0,
        },
        line: node.pos.line,
    }
}

/// `stream=orders namespace=public`: the scalar fields of a resource, for tables.
pub fn resource_summary(node: &Node) -> String {
    match &node.value {
        Value::Map(entries) => {
            let parts: Vec<String> = entries
                .iter()
                .filter(|(_, v)| !matches!(v.value, Value::Map(_) | Value::Seq(_) | Value::Null))
                .take(4)
                .map(|(k, v)| format!("{}={}", k.key_string(), v.key_string()))
                .collect();
            parts.join(" ")
        }
        Value::Str(s) => match location(node) {
            Location::File(_) => format!("→ {s}"),
            Location::Inline => s.clone(),
        },
        _ => node.key_string(),
    }
}

fn schema_form(node: &Node) -> SchemaForm {
    match (
        node.get("schema"),
        node.get("writeSchema"),
        node.get("readSchema"),
    ) {
        (Some(s), _, _) => SchemaForm::Single {
            schema: schema_location(s),
        },
        (None, Some(w), Some(r)) => SchemaForm::WriteRead {
            write: schema_location(w),
            read: schema_location(r),
        },
        _ => SchemaForm::Missing,
    }
}

/// Schemas given as strings are always URLs (§1.8), whitespace or not.
fn schema_location(node: &Node) -> Location {
    match node.as_str() {
        Some(s) => Location::File(s.to_string()),
        None => Location::Inline,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse;

    #[test]
    fn extracts_tasks_collections_and_bindings() {
        let text = r#"
captures:
  acme/src:
    endpoint: {connector: {image: "ghcr.io/estuary/source-x:v1", config: src.config.yaml}}
    shards: {disable: true}
    bindings:
      - resource: {stream: a, namespace: public}
        target: acme/a
        disable: true
        backfill: 2
collections:
  acme/a:
    key: [/id]
    writeSchema: a.write.schema.yaml
    readSchema: {type: object}
materializations:
  acme/out:
    endpoint: {local: {command: [./m, --x], config: {a: 1}}}
    bindings:
      - source: {name: acme/a}
        resource: b.resource.yaml
tests:
  acme/t: {steps: []}
"#;
        let root = parse(text).unwrap();
        let es = extract(3, &root);
        assert_eq!(es.len(), 4);
        let cap = &es[0];
        assert_eq!(
            (cap.kind, cap.name.as_str(), cap.line),
            (EntityKind::Capture, "acme/src", 3)
        );
        assert!(cap.disabled);
        assert_eq!(
            cap.endpoint,
            Some(Endpoint::Connector {
                image: "ghcr.io/estuary/source-x:v1".into(),
                config: Location::File("src.config.yaml".into())
            })
        );
        assert_eq!(cap.bindings[0].resource, "stream=a namespace=public");
        assert!(cap.bindings[0].disable);
        assert_eq!(cap.bindings[0].backfill, 2);
        let coll = &es[1];
        assert_eq!(coll.key, vec!["/id"]);
        assert_eq!(
            coll.schema.as_ref().unwrap().summary(),
            "writeSchema: a.write.schema.yaml, readSchema: inline"
        );
        let mat = &es[2];
        assert_eq!(mat.bindings[0].collection.as_deref(), Some("acme/a"));
        assert_eq!(mat.bindings[0].resource, "→ b.resource.yaml");
        assert_eq!(mat.endpoint.as_ref().unwrap().summary(), "local: ./m --x");
        assert_eq!(es[3].kind, EntityKind::Test);
    }
}
