//! Ctrl-S on the Discovered bindings screen: writing the discovery into a copy of the catalog
//! (new files included, and whether a path a new file would take is on disk already, which is
//! why this runs as an effect and not in `update`) and the masked diff of every file. The
//! result comes back as [`crate::tui::app::Msg::DiscoveryPrepared`] and is shown as the save
//! diff; `y` makes the copy the catalog and writes it.

use std::path::Path;

use crate::catalog::Catalog;
use crate::discover::write::write;
use crate::discover::Discovery;
use crate::save::{self, PlannedWrite};

use super::jobs::{known_schemas, ConnectorInfos};

/// What the effect needs: the catalog as it is, the discovery as the user left it, and the
/// connectors' schemas (to mask secrets in the diff).
#[derive(Clone)]
pub struct DiscoveryWrite {
    pub catalog: Catalog,
    pub discovery: Discovery,
    pub connectors: ConnectorInfos,
}

impl std::fmt::Debug for DiscoveryWrite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiscoveryWrite")
            .field("capture", &self.discovery.capture.name)
            .field("rows", &self.discovery.rows.len())
            .finish_non_exhaustive()
    }
}

/// The catalog with the discovery written into it, and the diff of each file to write.
#[derive(Clone)]
pub struct Prepared {
    pub catalog: Catalog,
    pub writes: Vec<PlannedWrite>,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("writes", &self.writes)
            .finish_non_exhaustive()
    }
}

/// A catalog with a discovery written in, waiting for the user's yes (in the save diff).
/// Two are equal when they hold the same files with the same texts.
#[derive(Clone)]
pub struct Pending(pub Box<Catalog>);

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.0, &other.0);
        a.root == b.root
            && a.files.len() == b.files.len()
            && a.files
                .iter()
                .zip(&b.files)
                .all(|(x, y)| x.path == y.path && x.text() == y.text())
    }
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pending({} files)", self.0.files.len())
    }
}

/// Writes the discovery into the catalog copy and plans the save (blocking: it looks at the
/// disk for paths new files would take).
pub fn prepare(job: DiscoveryWrite) -> Result<Box<Prepared>, String> {
    let DiscoveryWrite {
        mut catalog,
        discovery,
        connectors,
    } = job;
    let on_disk = |p: &Path| p.exists();
    let written = write(&mut catalog, &discovery, &on_disk)?;
    let writes = if written.plan.is_empty() {
        Vec::new()
    } else {
        save::plan_masked(&catalog, &known_schemas(&connectors))
    };
    Ok(Box::new(Prepared { catalog, writes }))
}
