//! A discover answered: merging its bindings with the capture's, off the UI thread. Reading a
//! capture of 50,000 bindings and the collections they name takes seconds on a large catalog,
//! which the screen must not freeze for. The merge works on a snapshot of the catalog; its
//! result opens the Discovered bindings screen only if the catalog is still that snapshot.

use std::sync::Arc;

use crate::catalog::{Catalog, EntityKind};
use crate::connector::protocol::DiscoveredBinding;
use crate::discover::Discovery;

/// What the merge needs: the task, the catalog as it was, and what the connector answered.
#[derive(Clone)]
pub struct MergeJob {
    pub task: String,
    /// What the connector's answer was ("Discovered 3 bindings: …"), shown again once merged.
    pub summary: String,
    pub catalog: Box<Catalog>,
    pub pointers: Vec<String>,
    pub bindings: Arc<Vec<DiscoveredBinding>>,
}

impl std::fmt::Debug for MergeJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MergeJob")
            .field("task", &self.task)
            .field("bindings", &self.bindings.len())
            .finish_non_exhaustive()
    }
}

/// The merge's result, with the snapshot it was made on.
pub struct Merged {
    pub task: String,
    pub summary: String,
    pub snapshot: Box<Catalog>,
    /// The merged discovery, or why Flow would refuse it.
    pub result: Result<Box<Discovery>, String>,
}

impl std::fmt::Debug for Merged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Merged")
            .field("task", &self.task)
            .field("rows", &self.result.as_ref().map(|d| d.rows.len()))
            .finish_non_exhaustive()
    }
}

/// Runs the merge (blocking; the runtime runs it on a worker thread).
pub fn run(job: MergeJob) -> Merged {
    let MergeJob {
        task,
        summary,
        catalog,
        pointers,
        bindings,
    } = job;
    let result = match catalog.find(&task, Some(EntityKind::Capture)) {
        None => Err(format!("{task} is no longer a capture of the catalog")),
        Some((id, _)) => {
            let bindings = Arc::try_unwrap(bindings).unwrap_or_else(|a| (*a).clone());
            Discovery::from_catalog(&catalog, id, bindings, pointers)
                .map(Box::new)
                .map_err(|e| e.to_string())
        }
    };
    Merged {
        task,
        summary,
        snapshot: catalog,
        result,
    }
}

/// True when `now` holds the same files with the same texts as `then` (so a merge made on
/// `then` still describes `now`).
pub fn unchanged(then: &Catalog, now: &Catalog) -> bool {
    then.files.len() == now.files.len()
        && then
            .files
            .iter()
            .zip(&now.files)
            .all(|(a, b)| a.path == b.path && a.text() == b.text())
}
