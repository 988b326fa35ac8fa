//! Merging a discovery into a capture, as Flow's control plane does it: every discovered
//! binding becomes a row, matched to the capture's bindings by resource path; what is bound
//! and not discovered any more becomes a `gone` row. Each row knows what writing it would do
//! to its collection (key change, schema change, schema not managed).
//!
//! Follows estuary/flow `crates/control-plane-api/src/discovers/specs.rs`: `parse_response`
//! (bindings sorted by recommended name, which is then normalized; an empty one is a protocol
//! error), `update_capture_bindings` (match by path; new paths get
//! `<capture prefix>/<normalized name>` and `disable = update_only || hint`; duplicate paths
//! among the existing or the discovered bindings abort the merge; unmatched bindings are
//! removed) and `merge_collections` (the key is replaced when the discovered one is non-empty,
//! not a fallback and different).

use std::collections::HashMap;

use serde_json::value::RawValue;
use serde_json::Value;

use super::canonical_raw::canonical_embedded_raw;
use super::capture::CaptureTarget;
use super::collections::{CollectionState, Collections};
use super::names::{default_target, normalize_recommended_name};
use super::path::{self, ResourcePath};
use super::schema::{self, SchemaPolicy, CONNECTOR_SCHEMA_URL};
use crate::connector::protocol::DiscoveredBinding;

/// How a row relates to the capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Discovered, not bound yet.
    New,
    /// Discovered and bound: the binding is kept exactly as it is.
    Existing,
    /// Bound, not discovered any more: Flow removes it.
    Gone,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Existing => "existing",
            Status::Gone => "gone",
        }
    }
}

/// What writing a row does to its schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SchemaEffect {
    /// Nothing to compare (a gone row, or a collection the catalog does not define).
    #[default]
    None,
    Unchanged,
    /// The connector schema is put in (or the collection is created).
    Changed,
    /// The write schema is not in Flow's managed form: left alone unless taken over.
    NotManaged,
}

/// What writing a row does to its target collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Effect {
    /// The catalog defines the target collection.
    pub defined: bool,
    /// The discovered key replaces the collection's.
    pub key_changed: bool,
    pub schema: SchemaEffect,
}

/// One discovered binding merged with the capture, or one bound resource that is gone.
#[derive(Debug, Clone)]
pub struct Row {
    pub status: Status,
    pub path: ResourcePath,
    /// The connector's recommended name, normalized as Flow does (empty for gone rows).
    pub recommended: String,
    /// The target collection: the existing binding's, Flow's default, or the user's rename.
    pub target: String,
    /// The discovered collection key (empty for gone rows).
    pub key: Vec<String>,
    pub fallback_key: bool,
    /// The connector's hint that this binding is better left disabled.
    pub disable_hint: bool,
    /// The discovered document schema (`None` for gone rows).
    pub schema: Option<Box<RawValue>>,
    /// New rows: the discovered resource config, or the user's edit of it. Others: `None`
    /// (the capture's binding [`Row::existing`] holds it).
    pub resource: Option<Box<RawValue>>,
    /// The capture's binding this row is (existing and gone rows).
    pub existing: Option<usize>,
    /// New rows: added when selected. Gone rows: kept when selected. Existing rows: always.
    pub selected: bool,
    pub policy: SchemaPolicy,
    pub effect: Effect,
}

impl Row {
    /// The discovered schema as JSON (`Null` for gone rows).
    pub fn schema_json(&self) -> Value {
        self.schema
            .as_ref()
            .and_then(|s| serde_json::from_str(s.get()).ok())
            .unwrap_or(Value::Null)
    }
}

/// Why a discovery cannot be merged; the message says which binding and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MergeError(pub String);

fn fail<T>(m: impl Into<String>) -> Result<T, MergeError> {
    Err(MergeError(m.into()))
}

/// The rows of a discovery merged into `capture` (prefix: where its new collections go),
/// in Flow's order (discovered bindings by recommended name), gone rows last in binding order.
/// Effects are not computed yet (see [`compute_effects`]).
pub fn merge(
    capture: &CaptureTarget,
    prefix: &str,
    mut discovered: Vec<DiscoveredBinding>,
    pointers: &[String],
) -> Result<Vec<Row>, MergeError> {
    if pointers.is_empty() {
        return fail(
            "the connector's spec gives no resource path pointers, so discovered bindings cannot be matched to the capture's (Flow requires them to merge a discovery)",
        );
    }
    // foldhash: resource paths are hashed 200,000 times in a large merge, and their keys come
    // from the capture being merged, not from anyone who could aim collisions at them.
    let mut by_path: foldhash::HashMap<ResourcePath, usize> =
        HashMap::with_capacity_and_hasher(capture.bindings.len(), Default::default());
    let paths = crate::par::par_map(&capture.bindings, |_, b| {
        path::resource_path(pointers, &b.resource)
    });
    for (i, (b, p)) in capture.bindings.iter().zip(paths).enumerate() {
        let p = p.or_else(|e| {
            fail(format!(
                "extracting resource path from existing binding at index {i}: {e}"
            ))
        })?;
        if by_path.contains_key(&p) {
            return fail(format!(
                "existing capture model contains multiple bindings with the same resource path ({}): binding {} (target {})",
                p.join("/"),
                i + 1,
                b.target
            ));
        }
        by_path.insert(p, i);
    }
    // Stable, like Flow's sort: equal names keep the connector's order.
    discovered.sort_by(|l, r| l.recommended_name.cmp(&r.recommended_name));
    // Each row (its name normalized, its resource read for its path, its match) is
    // independent of the others: made on every core, in order.
    let reader = path::PathReader::new(pointers);
    let mut rows = crate::par::par_map_owned(discovered, |b| {
        let named = name_and_path(&b, &reader)?;
        Ok(discovered_row(b, named, prefix, capture, &by_path))
    })
    .into_iter()
    .collect::<Result<Vec<Row>, MergeError>>()?;
    let mut matched = vec![false; capture.bindings.len()];
    for i in rows.iter().filter_map(|r| r.existing) {
        matched[i] = true;
    }
    check_unique(&rows)?;
    for (i, b) in capture.bindings.iter().enumerate() {
        if !matched[i] {
            rows.push(gone_row(i, b, pointers));
        }
    }
    Ok(rows)
}

/// A discovered binding's normalized name, and its resource path when the connector did not
/// give one (`None`: the binding's own).
type Named = (String, Option<ResourcePath>);

fn name_and_path(b: &DiscoveredBinding, reader: &path::PathReader) -> Result<Named, MergeError> {
    if b.recommended_name.trim().is_empty() {
        return fail("connector protocol error: a binding was missing 'recommended_name'");
    }
    let recommended = normalize_recommended_name(&b.recommended_name);
    let path = if b.resource_path.is_empty() {
        Some(reader.read(b.resource_config.get()).or_else(|e| {
            fail(match e {
                path::RawPathError::Json(e) => format!(
                    "binding `{}`: parsing resource config JSON: {e}",
                    b.recommended_name
                ),
                path::RawPathError::Path(e) => format!(
                    "extracting resource path from discovered binding `{}`: {e}",
                    b.recommended_name
                ),
            })
        })?)
    } else {
        None
    };
    if !b.document_schema.get().trim_start().starts_with('{') {
        return fail(format!(
            "the connector's document schema for `{}` is not a JSON object",
            b.recommended_name
        ));
    }
    Ok((recommended, path))
}

fn discovered_row(
    b: DiscoveredBinding,
    (recommended, path): Named,
    prefix: &str,
    capture: &CaptureTarget,
    by_path: &foldhash::HashMap<ResourcePath, usize>,
) -> Row {
    let path = path.unwrap_or(b.resource_path);
    let existing = by_path.get(&path).copied();
    let new = existing.is_none();
    Row {
        status: if new { Status::New } else { Status::Existing },
        target: match existing {
            Some(i) => capture.bindings[i].target.clone(),
            None => default_target(prefix, &recommended),
        },
        path,
        recommended,
        key: b.key,
        fallback_key: b.is_fallback_key,
        disable_hint: b.disable,
        schema: Some(b.document_schema),
        resource: new.then_some(b.resource_config),
        existing,
        selected: !new || !(capture.update_only() || b.disable),
        policy: SchemaPolicy::default(),
        effect: Effect::default(),
    }
}

fn gone_row(i: usize, b: &super::capture::ExistingBinding, pointers: &[String]) -> Row {
    Row {
        status: Status::Gone,
        path: path::resource_path(pointers, &b.resource).unwrap_or_default(),
        recommended: String::new(),
        target: b.target.clone(),
        key: Vec::new(),
        fallback_key: false,
        disable_hint: false,
        schema: None,
        resource: None,
        existing: Some(i),
        selected: false,
        policy: SchemaPolicy::default(),
        effect: Effect::default(),
    }
}

/// Two discovered bindings with one resource path abort the merge, as in Flow. The first
/// row whose path an earlier row has is named. The paths are hashed on every core and sorted
/// by hash; only rows with equal hashes are compared.
fn check_unique(rows: &[Row]) -> Result<(), MergeError> {
    use std::hash::BuildHasher;
    let state = foldhash::fast::FixedState::default();
    let mut hashed = crate::par::par_map(rows, |i, r| (state.hash_one(&r.path), i));
    hashed.sort_unstable();
    // The smallest index of a row repeating an earlier row's path.
    let mut repeat: Option<usize> = None;
    for run in hashed
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|run| run.len() > 1)
    {
        for (k, &(_, later)) in run.iter().enumerate() {
            if run[..k]
                .iter()
                .any(|&(_, earlier)| rows[earlier].path == rows[later].path)
            {
                repeat = Some(repeat.map_or(later, |r| r.min(later)));
            }
        }
    }
    match repeat {
        Some(i) => fail(format!(
            "connector discover response includes multiple bindings with the same resource path ({})",
            rows[i].path.join("/")
        )),
        None => Ok(()),
    }
}

/// Works out what writing each row would do to its collection, given the collections the
/// catalog defines (see [`effect`]).
pub fn compute_effects(rows: &mut [Row], collections: &Collections) {
    crate::par::par_for_each_mut(rows, |row| {
        row.effect = effect(row, collections.get(&row.target));
    });
}

/// What writing `row` would do to its target collection, `state` being the collection as the
/// catalog defines it (`None`: not defined, so new rows create it).
pub fn effect(row: &Row, state: Option<&CollectionState>) -> Effect {
    let Some(state) = state else {
        return Effect {
            defined: false,
            key_changed: false,
            schema: match row.status {
                Status::New => SchemaEffect::Changed,
                _ => SchemaEffect::None,
            },
        };
    };
    if row.status == Status::Gone {
        return Effect {
            defined: true,
            ..Effect::default()
        };
    }
    Effect {
        defined: true,
        key_changed: !row.fallback_key && !row.key.is_empty() && row.key != state.key,
        schema: schema_effect(state, row),
    }
}

/// [`schema::merge_schemas`] on a collection's summary: whether anything would change. The
/// discovered schema is parsed only when the answer depends on it.
fn schema_effect(state: &CollectionState, row: &Row) -> SchemaEffect {
    let effective = if state.read {
        state.write.as_ref()
    } else {
        state.schema.as_ref()
    };
    match effective {
        None => SchemaEffect::Changed,
        Some(s) if !s.managed => match row.policy {
            SchemaPolicy::LeaveUnmanaged => SchemaEffect::NotManaged,
            SchemaPolicy::TakeOver => SchemaEffect::Changed,
        },
        Some(s) => {
            let raw = row.schema.as_ref().map_or("null", |r| r.get());
            // Only a schema naming one of these keys can split into a read schema.
            let split = !state.read
                && (raw.contains(schema::X_INITIAL_READ_SCHEMA)
                    || raw.contains(schema::X_INFER_SCHEMA))
                && schema::initial_read_schema(&row.schema_json()).is_some();
            let want = canonical_embedded_raw(CONNECTOR_SCHEMA_URL, raw);
            if split || s.connector.as_deref() != want.as_deref() {
                SchemaEffect::Changed
            } else {
                SchemaEffect::Unchanged
            }
        }
    }
}

#[cfg(test)]
mod tests;
