//! From the rows and the user's choices to what gets written: the bindings to add (in Flow's
//! order, after the ones the capture keeps) and to remove, and the collections to create or
//! update. Pure; [`super::write`] turns a plan into file edits.
//!
//! Selected new rows are added as `{resource, target}`; deselected ones are added with
//! `disable: true` only when the capture has `autoDiscover` (Flow keeps discovered resources
//! as disabled bindings there), otherwise left out. Gone rows are removed unless kept.
//! Collections follow Flow's `merge_collections`: every target of a binding the capture will
//! have (disabled ones too) that the discovery changes; an existing binding's collection that
//! this catalog does not define is left alone (it lives elsewhere).

use std::collections::HashMap;

use super::merge::{SchemaEffect, Status};
use super::{path, Discovery};
use crate::catalog::names::catalog_name_problem;

/// A binding to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    pub row: usize,
    pub target: String,
    pub disable: bool,
}

/// A collection to create (the catalog does not define it) or update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionWork {
    pub row: usize,
    pub name: String,
    pub create: bool,
}

/// What a discovery writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// In row order (Flow's: by recommended name).
    pub added: Vec<Added>,
    /// Indices of the capture's bindings to remove, ascending.
    pub removed: Vec<usize>,
    pub collections: Vec<CollectionWork>,
}

impl Plan {
    /// True when writing would change nothing.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.collections.is_empty()
    }
}

/// The plan for `d` as the user left it. Refused (with the reason) when a binding to add has
/// an invalid target, or two bindings would capture into one collection.
pub fn plan(d: &Discovery) -> Result<Plan, String> {
    let auto = d.capture.auto_discover.is_some();
    let mut out = Plan::default();
    for (i, r) in d.rows.iter().enumerate() {
        match r.status {
            Status::New if r.selected || auto => {
                if let Some(why) = catalog_name_problem(&r.target) {
                    return Err(format!("{}: {why}", path::label(&r.path)));
                }
                out.added.push(Added {
                    row: i,
                    target: r.target.clone(),
                    disable: !r.selected,
                });
            }
            Status::Gone if !r.selected => {
                out.removed.push(r.existing.expect("gone rows are bound"))
            }
            _ => {}
        }
    }
    let adding = adding(d, &out);
    check_targets(d, &adding)?;
    let mut seen = std::collections::HashSet::new();
    for (i, r) in d.rows.iter().enumerate() {
        let bound = match r.status {
            Status::Existing => true,
            Status::New => adding[i],
            Status::Gone => false,
        };
        if !bound || !seen.insert(r.target.as_str()) {
            continue;
        }
        let create = r.status == Status::New && !r.effect.defined;
        let update =
            r.effect.defined && (r.effect.key_changed || r.effect.schema == SchemaEffect::Changed);
        if create || update {
            out.collections.push(CollectionWork {
                row: i,
                name: r.target.clone(),
                create,
            });
        }
    }
    out.removed.sort_unstable();
    Ok(out)
}

/// For each row, whether the plan adds its binding: looked up once per row below, so it must
/// not be a search of `added` (a discovery can have 100,000 rows).
fn adding(d: &Discovery, p: &Plan) -> Vec<bool> {
    let mut adding = vec![false; d.rows.len()];
    for a in &p.added {
        adding[a.row] = true;
    }
    adding
}

/// Two bindings of the capture-to-be may not capture into one collection when one of them is
/// being added (existing bindings are the user's business).
fn check_targets(d: &Discovery, adding: &[bool]) -> Result<(), String> {
    let mut by_target: HashMap<&str, usize> = HashMap::new();
    let kept = d.rows.iter().enumerate().filter(|(i, r)| match r.status {
        Status::Existing => true,
        Status::Gone => r.selected,
        Status::New => adding[*i],
    });
    for (i, r) in kept {
        if let Some(&other) = by_target.get(r.target.as_str()) {
            let new = |j: usize| d.rows[j].status == Status::New;
            if new(i) || new(other) {
                return Err(format!(
                    "{} and {} would both capture into {}; rename one",
                    path::label(&d.rows[other].path),
                    path::label(&r.path),
                    r.target
                ));
            }
        } else {
            by_target.insert(&r.target, i);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connector::protocol::DiscoveredBinding;
    use crate::discover::capture::{AutoDiscover, CaptureLocation, CaptureTarget, ExistingBinding};
    use crate::discover::collections::{CollectionState, Collections, SchemaSummary};
    use serde_json::json;

    fn discovery(auto: Option<AutoDiscover>) -> Discovery {
        let capture = CaptureTarget {
            name: "acme/src".into(),
            location: CaptureLocation::New {
                spec: Default::default(),
            },
            auto_discover: auto,
            bindings: vec![
                ExistingBinding {
                    resource: json!({"stream": "kept"}),
                    target: "acme/kept".into(),
                    disable: false,
                },
                ExistingBinding {
                    resource: json!({"stream": "gone1"}),
                    target: "acme/gone1".into(),
                    disable: false,
                },
                ExistingBinding {
                    resource: json!({"stream": "gone2"}),
                    target: "acme/gone2".into(),
                    disable: false,
                },
            ],
        };
        let discovered: Vec<DiscoveredBinding> = serde_json::from_value(json!([
            {"recommendedName": "kept", "resourceConfig": {"stream": "kept"}, "documentSchema": {"type": "object"}, "key": ["/id"]},
            {"recommendedName": "a", "resourceConfig": {"stream": "a"}, "documentSchema": {"type": "object"}, "key": ["/id"]},
            {"recommendedName": "b", "resourceConfig": {"stream": "b"}, "documentSchema": {"type": "object"}, "key": ["/id"], "disable": true},
        ]))
        .unwrap();
        Discovery::new(capture, discovered, vec!["/stream".into()], |_| {
            let mut c = Collections::default();
            c.insert(
                "acme/kept".into(),
                CollectionState {
                    key: vec!["/old".into()],
                    schema: Some(SchemaSummary {
                        managed: false,
                        connector: None,
                    }),
                    write: None,
                    read: false,
                },
            );
            c
        })
        .unwrap()
    }

    fn row(d: &Discovery, target: &str) -> usize {
        d.rows.iter().position(|r| r.target == target).unwrap()
    }

    #[test]
    fn defaults_add_selected_rows_remove_gone_ones_and_update_changed_collections() {
        let d = discovery(None);
        let p = plan(&d).unwrap();
        // `b` has the disable hint: deselected, and without autoDiscover not added.
        assert_eq!(
            p.added,
            vec![Added {
                row: row(&d, "acme/a"),
                target: "acme/a".into(),
                disable: false
            }]
        );
        assert_eq!(p.removed, vec![1, 2]);
        // acme/a is created; acme/kept gets the new key (its unmanaged schema is left alone).
        assert_eq!(
            p.collections,
            vec![
                CollectionWork {
                    row: row(&d, "acme/a"),
                    name: "acme/a".into(),
                    create: true
                },
                CollectionWork {
                    row: row(&d, "acme/kept"),
                    name: "acme/kept".into(),
                    create: false
                },
            ]
        );
    }

    #[test]
    fn with_auto_discover_deselected_rows_are_added_disabled_and_kept_gone_rows_stay() {
        let mut d = discovery(Some(AutoDiscover::default()));
        let gone = row(&d, "acme/gone2");
        d.toggle(gone).unwrap();
        let p = plan(&d).unwrap();
        // autoDiscover without addNewBindings: everything new comes in disabled.
        assert!(p.added.iter().all(|a| a.disable), "{p:?}");
        assert_eq!(p.added.len(), 2);
        assert_eq!(p.removed, vec![1]);
        assert!(p.collections.iter().any(|c| c.name == "acme/b" && c.create));
    }

    #[test]
    fn invalid_and_colliding_targets_are_refused() {
        let mut d = discovery(None);
        let a = row(&d, "acme/a");
        d.rename(a, "acme/has space".into(), None).unwrap();
        assert!(plan(&d).unwrap_err().contains("invalid catalog name"));
        d.rename(a, "acme/kept".into(), None).unwrap();
        assert_eq!(
            plan(&d).unwrap_err(),
            "a and kept would both capture into acme/kept; rename one"
        );
        // Deselected, it is not added, so there is no collision.
        d.toggle(a).unwrap();
        assert!(plan(&d).is_ok());
    }
}
