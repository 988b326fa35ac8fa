//! Discovered bindings: a discovery merged into a capture exactly as Flow's control plane
//! merges it, the user's choices on top, and the files that result. No terminal code: the
//! Discovered bindings screen and `flowspec discover --write` both drive this module.
//!
//! The pieces, in the order data flows through them:
//! - [`capture`]: the capture being merged into (in the catalog, or a new one) and its
//!   bindings; [`collections`]: the catalog's collections, summarised for the screen's flags
//!   and viewed in full (with each schema's file) for writing;
//! - [`path`] (resource paths), [`names`] (recommended names, targets) and [`schema`] (the
//!   `flow://connector-schema` form, `x-infer-schema`) hold Flow's rules;
//! - [`merge`]: discovered + existing → one [`Row`] per resource (`new`, `existing`, `gone`)
//!   with what writing it does to its collection; [`Discovery`] keeps the rows and takes the
//!   user's choices (select, rename, resource edits, taking over an unmanaged schema);
//! - [`plan`]: the rows and choices → the bindings to add and remove and the collections to
//!   create or update; [`layout`] decides where new specs and their large values go (flowctl's
//!   canonical layout, 512-byte sibling files); [`write`] turns that into edits of the
//!   catalog's files and new files, which `save` then shows as a diff and writes;
//! - [`select`]: `--select`/`--deselect` patterns of the headless command.
//!
//! Flow's merge is estuary/flow `crates/control-plane-api/src/discovers/specs.rs`; each module
//! cites the part it follows.

mod canonical_raw;
pub mod capture;
pub mod collections;
pub mod edits;
pub mod layout;
pub mod merge;
pub mod names;
pub mod path;
pub mod plan;
pub mod schema;
pub mod select;
pub mod write;

use serde_json::Value;

pub use capture::{AutoDiscover, CaptureLocation, CaptureTarget};
pub use collections::{CollectionState, Collections};
pub use merge::{Effect, MergeError, Row, SchemaEffect, Status};
pub use schema::SchemaPolicy;

use crate::catalog::{Catalog, EntityId};
use crate::connector::protocol::{raw_value, DiscoveredBinding};

/// A discovery merged into a capture, with the user's choices: what the Discovered bindings
/// screen shows and what gets written.
#[derive(Debug, Clone)]
pub struct Discovery {
    pub capture: CaptureTarget,
    /// Where the capture's new collections go (its name before the last `/`).
    pub prefix: String,
    /// The connector's resource path pointers.
    pub pointers: Vec<String>,
    pub rows: Vec<Row>,
    /// The catalog's collections the rows' targets name.
    pub collections: Collections,
}

/// How many rows of each kind, and what writing would do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub new: usize,
    /// New rows that will be added (enabled).
    pub adding: usize,
    pub existing: usize,
    pub gone: usize,
    /// Gone rows that will be removed.
    pub removing: usize,
}

impl Discovery {
    /// Merges `discovered` into `capture`; `collections` summarises the catalog collections
    /// the rows' targets name (given the names).
    pub fn new(
        capture: CaptureTarget,
        discovered: Vec<DiscoveredBinding>,
        pointers: Vec<String>,
        collections: impl FnOnce(&foldhash::HashSet<&str>) -> Collections,
    ) -> Result<Self, MergeError> {
        let prefix = names::capture_prefix(&capture.name)
            .map_err(MergeError)?
            .to_string();
        let mut rows = merge::merge(&capture, &prefix, discovered, &pointers)?;
        let collections = {
            let targets: foldhash::HashSet<&str> = rows.iter().map(|r| r.target.as_str()).collect();
            collections(&targets)
        };
        merge::compute_effects(&mut rows, &collections);
        Ok(Discovery {
            capture,
            prefix,
            pointers,
            rows,
            collections,
        })
    }

    /// A discovery of capture `id` of `catalog`, merged with its bindings and collections.
    pub fn from_catalog(
        catalog: &Catalog,
        id: EntityId,
        discovered: Vec<DiscoveredBinding>,
        pointers: Vec<String>,
    ) -> Result<Self, MergeError> {
        let (capture, root) = capture::from_catalog_parsed(catalog, id).map_err(MergeError)?;
        Self::new(capture, discovered, pointers, |names| {
            collections::summaries_reusing(catalog, names, Some((id.file, root)))
        })
    }

    /// The target Flow would give row `i` (before any rename).
    pub fn default_target(&self, i: usize) -> Option<String> {
        let row = self.rows.get(i)?;
        match row.status {
            Status::New => Some(names::default_target(&self.prefix, &row.recommended)),
            Status::Existing | Status::Gone => {
                Some(self.capture.bindings[row.existing?].target.clone())
            }
        }
    }

    /// Space on row `i`: adds or leaves out a new binding, keeps or removes a gone one.
    /// Existing bindings are always kept; the error says so.
    pub fn toggle(&mut self, i: usize) -> Result<bool, &'static str> {
        let row = self.rows.get_mut(i).ok_or("no such row")?;
        if row.status == Status::Existing {
            return Err("existing bindings are kept as they are (disable them in the capture)");
        }
        row.selected = !row.selected;
        Ok(row.selected)
    }

    /// Renames row `i`'s target (new rows only: an existing binding keeps its target).
    /// `state` is the catalog's collection of that name, if it defines one. The name is not
    /// checked here (see [`crate::catalog::names::catalog_name_problem`]).
    pub fn rename(
        &mut self,
        i: usize,
        target: String,
        state: Option<CollectionState>,
    ) -> Result<(), &'static str> {
        let row = self.rows.get_mut(i).ok_or("no such row")?;
        if row.status != Status::New {
            return Err("only new bindings can be renamed here");
        }
        match state {
            Some(s) => {
                self.collections.insert(target.clone(), s);
            }
            None => {
                self.collections.remove(&target);
            }
        }
        row.target = target;
        row.effect = merge::effect(row, self.collections.get(&row.target));
        Ok(())
    }

    /// Replaces a new row's resource config (edited in the form). `_meta` is kept from the
    /// discovered one when the edit has none: the form never shows it.
    pub fn set_resource(&mut self, i: usize, mut resource: Value) -> Result<(), &'static str> {
        let row = self.rows.get_mut(i).ok_or("no such row")?;
        let old = row
            .resource
            .as_ref()
            .ok_or("only new bindings have a resource to edit")?;
        let old: Value = serde_json::from_str(old.get()).unwrap_or(Value::Null);
        if let (Some(meta), Some(obj)) = (old.get("_meta"), resource.as_object_mut()) {
            obj.entry("_meta").or_insert_with(|| meta.clone());
        }
        row.resource = Some(raw_value(&resource));
        Ok(())
    }

    /// Takes over (or leaves alone) row `i`'s unmanaged collection schema.
    pub fn set_policy(&mut self, i: usize, policy: SchemaPolicy) {
        if let Some(row) = self.rows.get_mut(i) {
            row.policy = policy;
            row.effect = merge::effect(row, self.collections.get(&row.target));
        }
    }

    /// Row counts for headers and summaries.
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for r in &self.rows {
            match r.status {
                Status::New => {
                    c.new += 1;
                    c.adding += r.selected as usize;
                }
                Status::Existing => c.existing += 1,
                Status::Gone => {
                    c.gone += 1;
                    c.removing += !r.selected as usize;
                }
            }
        }
        c
    }

    /// The resource config of row `i` as JSON: the discovered one (new rows) or the
    /// capture's binding's.
    pub fn resource(&self, i: usize) -> Value {
        let Some(row) = self.rows.get(i) else {
            return Value::Null;
        };
        match (&row.resource, row.existing) {
            (Some(r), _) => serde_json::from_str(r.get()).unwrap_or(Value::Null),
            (None, Some(e)) => self.capture.bindings[e].resource.clone(),
            (None, None) => Value::Null,
        }
    }
}
