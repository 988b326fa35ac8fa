//! How a source collection becomes a materialization binding's resource, as Flow's control
//! plane prefills it (estuary/flow `crates/tables/src/utils.rs`,
//! `update_materialization_resource_spec`): the table from the collection's last name
//! component at the `x-collection-name` location, the schema at `x-schema-name` per the target
//! naming strategy, `true` at `x-delta-updates` when delta updates are chosen. Only those
//! fields: no resource schema defaults.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

/// Where the resource schema wants the injected names: JSON pointers of the properties
/// annotated `x-collection-name`, `x-schema-name` and `x-delta-updates`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceAnnotations {
    pub collection_name: Option<String>,
    pub schema_name: Option<String>,
    pub delta_updates: Option<String>,
}

impl ResourceAnnotations {
    /// The target naming choice is offered only when the connector names schemas.
    pub fn has_schema_name(&self) -> bool {
        self.schema_name.is_some()
    }
}

/// The annotated locations of a connector's resource config schema (properties searched at
/// any depth below objects, the first of each annotation in document order).
pub fn annotations(resource_schema: &Value) -> ResourceAnnotations {
    let mut out = ResourceAnnotations::default();
    walk(resource_schema, String::new(), &mut out, 0);
    out
}

fn walk(schema: &Value, pointer: String, out: &mut ResourceAnnotations, depth: usize) {
    let Some(obj) = schema.as_object() else {
        return;
    };
    if depth > 32 {
        return;
    }
    let flag = |k: &str| obj.get(k) == Some(&Value::Bool(true));
    for (key, slot) in [
        ("x-collection-name", &mut out.collection_name),
        ("x-schema-name", &mut out.schema_name),
        ("x-delta-updates", &mut out.delta_updates),
    ] {
        if flag(key) && slot.is_none() && !pointer.is_empty() {
            *slot = Some(pointer.clone());
        }
    }
    if let Some(props) = obj.get("properties").and_then(Value::as_object) {
        for (k, sub) in props {
            let escaped = k.replace('~', "~0").replace('/', "~1");
            walk(sub, format!("{pointer}/{escaped}"), out, depth + 1);
        }
    }
}

/// The web app's target naming (bindings-and-secrets.md §C; Flow's `targetNaming`), offered
/// only when the resource schema has `x-schema-name`. For `acmeCo/S/T` (S is the tenant for a
/// two-part name):
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetNaming {
    /// Table `T` in schema `S`.
    MatchSourceStructure,
    /// Table `T` in the given schema.
    SingleSchema { schema: String },
    /// Table `S_T` (or `T` when S is `public`/`dbo` and `skip_common_defaults`) in the given
    /// schema.
    PrefixTableNames {
        schema: String,
        skip_common_defaults: bool,
    },
}

impl TargetNaming {
    /// As the spec's top-level `targetNaming` writes it.
    pub fn to_json(&self) -> Value {
        match self {
            TargetNaming::MatchSourceStructure => json!({"strategy": "matchSourceStructure"}),
            TargetNaming::SingleSchema { schema } => {
                json!({"strategy": "singleSchema", "schema": schema})
            }
            TargetNaming::PrefixTableNames {
                schema,
                skip_common_defaults,
            } => json!({"strategy": "prefixTableNames", "schema": schema,
                        "skipCommonDefaults": skip_common_defaults}),
        }
    }

    /// A spec's `targetNaming` read back (`None` when it is not one of the three strategies).
    pub fn from_json(v: &Value) -> Option<TargetNaming> {
        let schema = || v.get("schema").and_then(Value::as_str).map(str::to_string);
        match v.get("strategy")?.as_str()? {
            "matchSourceStructure" => Some(TargetNaming::MatchSourceStructure),
            "singleSchema" => Some(TargetNaming::SingleSchema { schema: schema()? }),
            "prefixTableNames" => Some(TargetNaming::PrefixTableNames {
                schema: schema()?,
                skip_common_defaults: v
                    .get("skipCommonDefaults")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            }),
            _ => None,
        }
    }

    /// `(table, schema)` for collection `name`.
    pub fn names(&self, name: &str) -> (String, String) {
        let (s, t) = schema_and_table(name);
        match self {
            TargetNaming::MatchSourceStructure => (t.into(), s.into()),
            TargetNaming::SingleSchema { schema } => (t.into(), schema.clone()),
            TargetNaming::PrefixTableNames {
                schema,
                skip_common_defaults,
            } => {
                let table = if *skip_common_defaults && matches!(s, "public" | "dbo") {
                    t.to_string()
                } else {
                    format!("{s}_{t}")
                };
                (table, schema.clone())
            }
        }
    }
}

/// How the table (and schema) of a new binding are named, as decided for its materialization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming<'a> {
    /// The materialization's `targetNaming` strategy (only where the connector has
    /// `x-schema-name`: Flow requires it).
    Strategy(&'a TargetNaming),
    /// The collection's last name component as the table; no schema.
    LastComponent,
    /// What Flow's controller gives a linked capture's bindings when the materialization has no
    /// `targetNaming`: the legacy default `prefixNonDefaultSchema` (`S_T`, or `T` when S is
    /// `public`/`dbo`; no schema).
    LinkedDefault,
}

impl<'a> Naming<'a> {
    /// The naming in force: `strategy` where the connector can take it (`x-schema-name`), else
    /// Flow's controller default for a linked capture, else the last name component.
    pub fn of(strategy: Option<&'a TargetNaming>, ann: &ResourceAnnotations, linked: bool) -> Self {
        match strategy {
            Some(s) if ann.has_schema_name() => Naming::Strategy(s),
            _ if linked => Naming::LinkedDefault,
            _ => Naming::LastComponent,
        }
    }

    /// `(table, schema)` for collection `name` (`None`: the schema is left out).
    pub fn names(self, name: &str) -> (String, Option<String>) {
        let (s, t) = schema_and_table(name);
        match self {
            Naming::Strategy(n) => {
                let (t, s) = n.names(name);
                (t, Some(s))
            }
            Naming::LastComponent => (t.to_string(), None),
            Naming::LinkedDefault if matches!(s, "public" | "dbo") => (t.to_string(), None),
            Naming::LinkedDefault => (format!("{s}_{t}"), None),
        }
    }
}

/// The second-to-last and last components of a collection name.
fn schema_and_table(name: &str) -> (&str, &str) {
    let mut parts = name.rsplit('/');
    let t = parts.next().unwrap_or(name);
    (parts.next().unwrap_or(""), t)
}

/// Bindings as they would be written, and the warnings the wizard shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Preview {
    /// `(source collection, prefilled resource)`, one per source, in order.
    pub bindings: Vec<(String, Value)>,
    /// One message per table two or more bindings map to.
    pub collisions: Vec<String>,
}

/// The prefilled resource of each source and the tables more than one maps to. `existing`
/// are resources bound already (adding to a materialization): a new binding mapping to one
/// of their tables is a collision too.
pub fn resources(
    sources: &[String],
    naming: Naming,
    delta_updates: bool,
    ann: &ResourceAnnotations,
    existing: &[(String, Value)],
) -> Preview {
    let bindings: Vec<(String, Value)> = sources
        .iter()
        .map(|s| (s.clone(), resource(s, naming, delta_updates, ann)))
        .collect();
    let mut by_table: BTreeMap<(Option<String>, String), Vec<&str>> = BTreeMap::new();
    for (source, r) in existing.iter().chain(&bindings) {
        let Some(table) = at(r, ann.collection_name.as_deref()) else {
            continue;
        };
        let schema = at(r, ann.schema_name.as_deref());
        by_table
            .entry((schema.map(text), text(table)))
            .or_default()
            .push(source);
    }
    let collisions = by_table
        .into_iter()
        .filter(|(_, s)| s.len() > 1)
        .map(|((schema, table), s)| {
            let place = match schema {
                Some(schema) => format!("table `{table}` in schema `{schema}`"),
                None => format!("table `{table}`"),
            };
            format!("{} all map to {place}", s.join(", "))
        })
        .collect();
    Preview {
        bindings,
        collisions,
    }
}

/// A name as shown: a string as it is, anything else as JSON.
fn text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

fn at<'v>(v: &'v Value, pointer: Option<&str>) -> Option<&'v Value> {
    v.pointer(pointer?)
}

/// One source's resource: only the annotated naming fields.
pub fn resource(
    source: &str,
    naming: Naming,
    delta_updates: bool,
    ann: &ResourceAnnotations,
) -> Value {
    let mut r = Value::Object(Map::new());
    let (table, schema) = naming.names(source);
    if let Some(p) = &ann.collection_name {
        set(&mut r, p, Value::String(table));
    }
    if let (Some(p), Some(s)) = (&ann.schema_name, schema) {
        set(&mut r, p, Value::String(s));
    }
    if let (Some(p), true) = (&ann.delta_updates, delta_updates) {
        set(&mut r, p, Value::Bool(true));
    }
    r
}

/// Sets `v` at `pointer`, creating objects on the way.
fn set(root: &mut Value, pointer: &str, v: Value) {
    let mut cur = root;
    let parts: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|p| p.replace("~1", "/").replace("~0", "~"))
        .collect();
    for (i, part) in parts.iter().enumerate() {
        let Value::Object(m) = cur else { return };
        if i + 1 == parts.len() {
            m.insert(part.clone(), v);
            return;
        }
        cur = m
            .entry(part.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

#[cfg(test)]
mod tests;
