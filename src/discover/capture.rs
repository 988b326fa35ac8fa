//! The capture a discovery is merged into: its name, its `autoDiscover` settings and its
//! current bindings (resources read from their files when they name one), and where it lives —
//! in the catalog already, or (a capture being set up) nowhere yet.

use serde_json::{Map, Value};

use crate::catalog::{Catalog, EntityId, EntityKind};
use crate::connector::task::resolve_value;
use crate::yaml::Node;

/// A capture's `autoDiscover` (both default to false, as in Flow's model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AutoDiscover {
    pub add_new_bindings: bool,
    pub evolve_incompatible_collections: bool,
}

impl AutoDiscover {
    /// What Flow gives a capture created by a discovery (`prepare_discover` in estuary/flow
    /// `crates/agent/src/discovers/executor.rs`).
    pub const NEW_CAPTURE: AutoDiscover = AutoDiscover {
        add_new_bindings: true,
        evolve_incompatible_collections: true,
    };
}

/// One binding the capture has now.
#[derive(Debug, Clone, PartialEq)]
pub struct ExistingBinding {
    /// The resource config, as its connector receives it (a referenced file read).
    pub resource: Value,
    pub target: String,
    pub disable: bool,
}

/// Where the capture is written.
#[derive(Debug, Clone, PartialEq)]
pub enum CaptureLocation {
    /// Defined in the catalog: its bindings are edited in place.
    Defined(EntityId),
    /// Not in the catalog yet: written with its bindings where flowctl's layout puts a new
    /// spec. `spec` is the capture without `bindings` (endpoint, `autoDiscover`, interval...).
    New { spec: Map<String, Value> },
}

/// The capture a discovery is merged into.
#[derive(Debug, Clone, PartialEq)]
pub struct CaptureTarget {
    pub name: String,
    pub location: CaptureLocation,
    pub auto_discover: Option<AutoDiscover>,
    pub bindings: Vec<ExistingBinding>,
}

impl CaptureTarget {
    /// A capture that does not exist yet: every discovered binding will be new. Its
    /// `autoDiscover` is read from `spec` (absent means none).
    pub fn new_capture(name: &str, spec: Map<String, Value>) -> Self {
        let auto_discover = spec.get("autoDiscover").and_then(auto_discover);
        CaptureTarget {
            name: name.to_string(),
            location: CaptureLocation::New { spec },
            auto_discover,
            bindings: Vec::new(),
        }
    }

    /// Flow's `update_only`: new bindings are added disabled (the capture's auto-discover does
    /// not add new bindings).
    pub fn update_only(&self) -> bool {
        self.auto_discover.is_some_and(|a| !a.add_new_bindings)
    }

    /// Whether a key change also resets the collection (`evolveIncompatibleCollections`).
    pub fn reset_on_key_change(&self) -> bool {
        self.auto_discover
            .is_some_and(|a| a.evolve_incompatible_collections)
    }
}

/// The capture `id` of `catalog` as it is now.
pub fn from_catalog(catalog: &Catalog, id: EntityId) -> Result<CaptureTarget, String> {
    from_catalog_parsed(catalog, id).map(|(capture, _)| capture)
}

/// [`from_catalog`], also giving back the parsed tree of the capture's file (for
/// [`super::collections::summaries_reusing`]).
pub fn from_catalog_parsed(
    catalog: &Catalog,
    id: EntityId,
) -> Result<(CaptureTarget, Node), String> {
    let entity = catalog.entity(id).ok_or("no such capture")?;
    if entity.kind != EntityKind::Capture {
        return Err(format!("`{}` is not a capture", entity.name));
    }
    let root = catalog.parse_file(id.file).map_err(|e| {
        format!(
            "{}:{}:{}: {}",
            catalog.display_path(&catalog.files[id.file].path),
            e.line,
            e.col,
            e.message
        )
    })?;
    let def = root
        .at(&entity.path())
        .ok_or_else(|| format!("`{}` vanished from its file", entity.name))?;
    let mut bindings = Vec::new();
    for (i, b) in def
        .get("bindings")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        bindings.push(
            existing(catalog, id.file, b)
                .map_err(|e| format!("`{}` binding {}: {e}", entity.name, i + 1))?,
        );
    }
    let capture = CaptureTarget {
        name: entity.name.clone(),
        location: CaptureLocation::Defined(id),
        auto_discover: def
            .get("autoDiscover")
            .map(|n| n.to_json())
            .as_ref()
            .and_then(auto_discover),
        bindings,
    };
    Ok((capture, root))
}

fn existing(catalog: &Catalog, file: usize, b: &Node) -> Result<ExistingBinding, String> {
    let resource = match b.get("resource") {
        Some(r) => resolve_value(catalog, file, r).map_err(|e| e.0)?,
        None => return Err("no resource".into()),
    };
    Ok(ExistingBinding {
        resource,
        target: b
            .get("target")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_string(),
        disable: b.get("disable").and_then(Node::as_bool).unwrap_or(false),
    })
}

/// `autoDiscover` as Flow reads it: an object (missing flags are false); `null` is none.
fn auto_discover(v: &Value) -> Option<AutoDiscover> {
    let o = v.as_object()?;
    let flag = |k: &str| o.get(k).and_then(Value::as_bool).unwrap_or(false);
    Some(AutoDiscover {
        add_new_bindings: flag("addNewBindings"),
        evolve_incompatible_collections: flag("evolveIncompatibleCollections"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_read_with_their_settings_and_resources() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("flow.yaml"),
            "captures:\n  acme/src:\n    endpoint: {local: {command: [x], config: {}}}\n    autoDiscover: {addNewBindings: true}\n    bindings:\n      - {resource: {stream: a}, target: acme/a}\n      - resource: b.resource.yaml\n        target: acme/b\n        disable: true\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("b.resource.yaml"), "stream: b\n").unwrap();
        let cat = crate::catalog::load(&dir.path().join("flow.yaml"), &mut |_| {}).unwrap();
        let (id, _) = cat.find("acme/src", None).unwrap();
        let t = from_catalog(&cat, id).unwrap();
        assert_eq!(
            t.auto_discover,
            Some(AutoDiscover {
                add_new_bindings: true,
                evolve_incompatible_collections: false
            })
        );
        assert!(!t.update_only() && !t.reset_on_key_change());
        assert_eq!(t.bindings.len(), 2);
        assert_eq!(t.bindings[1].resource, serde_json::json!({"stream": "b"}));
        assert!(t.bindings[1].disable);
        assert_eq!(t.bindings[0].target, "acme/a");
        assert_eq!(auto_discover(&Value::Null), None);
        let fresh = CaptureTarget::new_capture("acme/new", Map::new());
        assert_eq!(fresh.auto_discover, None);
        assert!(fresh.bindings.is_empty());
    }
}
