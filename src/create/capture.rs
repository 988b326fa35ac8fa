//! A new capture written into the catalog: its spec (endpoint, `autoDiscover`, interval) with
//! the bindings the user kept of its first discovery, the collections they write, and its
//! config file. The discovery writer does the real work (`discover::write` with a
//! `CaptureLocation::New`): a new capture is a discovery merged into a capture that does not
//! exist yet, exactly as Flow's control plane treats it.

use std::path::Path;

use serde_json::{json, Map, Value};

use super::{names, paths, Files, Kind};
use crate::catalog::{Catalog, FileRole, SourceFile};
use crate::connector::protocol::DiscoveredBinding;
use crate::discover::{self, AutoDiscover, CaptureLocation, CaptureTarget, Discovery};
use crate::secrets::Secret;

/// A capture to create, as the wizard's steps or the command line give it.
#[derive(Debug, Clone)]
pub struct NewCapture {
    pub name: String,
    pub connector: super::Connector,
    /// The config file's full text as it will be written: sops-encrypted YAML when it holds
    /// secrets, else plain YAML (see [`super::config_text`]).
    pub config_text: Secret<String>,
    /// `None`: the connector's default interval, key left out.
    pub interval: Option<String>,
    /// [`AutoDiscover::NEW_CAPTURE`] is what Flow's control plane gives a new capture;
    /// `None` leaves the key out.
    pub auto_discover: Option<AutoDiscover>,
}

impl NewCapture {
    /// The capture's spec without `bindings`, in Flow's field order: `autoDiscover`,
    /// `endpoint`, `interval`.
    pub fn spec(&self, config_ref: &str) -> Map<String, Value> {
        let mut spec = Map::new();
        if let Some(a) = self.auto_discover {
            spec.insert(
                "autoDiscover".into(),
                json!({
                    "addNewBindings": a.add_new_bindings,
                    "evolveIncompatibleCollections": a.evolve_incompatible_collections,
                }),
            );
        }
        spec.insert("endpoint".into(), self.connector.endpoint(config_ref));
        if let Some(i) = &self.interval {
            spec.insert("interval".into(), Value::String(i.clone()));
        }
        spec
    }
}

/// The first discovery of `new`, merged into it as into a capture that does not exist yet
/// (every binding new, enabled unless `autoDiscover` says otherwise). `config_ref` is
/// [`paths::Paths::config_ref`]; `pointers` are the spec's resource path pointers. The
/// Discovered bindings screen takes the user's choices on it before [`write`].
pub fn discovery(
    new: &NewCapture,
    config_ref: &str,
    discovered: Vec<DiscoveredBinding>,
    pointers: Vec<String>,
    catalog: &Catalog,
) -> Result<Discovery, String> {
    let target = CaptureTarget::new_capture(&new.name, new.spec(config_ref));
    Discovery::new(target, discovered, pointers, |names| {
        discover::collections::summaries(catalog, names)
    })
    .map_err(|e| e.0)
}

/// Writes the capture, its config file, its bindings and their collections into `catalog`:
/// files edited and new files added, unsaved (nothing touches the disk; `exists` says what is
/// on disk so nothing there is overwritten). `discovery` must come from [`discovery`] for the
/// same capture. Refused (catalog unchanged) when the name is taken or invalid, the interval
/// is not a Flow duration, when no
/// binding is kept (the capture would capture nothing), or when a kept binding's collection
/// name collides with the capture's or another task's name ([`names::target_problem`]).
pub fn write(
    catalog: &mut Catalog,
    new: &NewCapture,
    discovery: &Discovery,
    exists: &dyn Fn(&Path) -> bool,
) -> Result<Files, String> {
    names::validate(catalog, &new.name)?;
    if discovery.capture.name != new.name
        || !matches!(discovery.capture.location, CaptureLocation::New { .. })
    {
        return Err(format!(
            "internal: the discovery is not of the new capture `{}`",
            new.name
        ));
    }
    if let Some(i) = &new.interval {
        use crate::syntax::duration::{parse_flow, FlowDurationError};
        match parse_flow(i) {
            Ok(_) => {}
            Err(FlowDurationError::TooLong) => {
                return Err(format!("interval `{i}` is longer than Flow accepts"))
            }
            Err(FlowDurationError::NotFlowForm(advice)) => {
                return Err(format!("interval `{i}` is not a Flow duration: {advice}"))
            }
        }
    }
    if discovery.counts().adding == 0 {
        return Err(
            "no binding is selected: the capture would capture nothing; keep at least one".into(),
        );
    }
    for row in discovery.rows.iter().filter(|r| r.selected) {
        if let Some(problem) = names::target_problem(catalog, &new.name, &row.target) {
            return Err(problem);
        }
    }
    let p = paths::paths(catalog, Kind::Capture, &new.name, exists);
    // The discovery's spec names the config file chosen before the disk was asked (the wizard
    // picks it while the user types, and encrypts for it); a stray file there takes it.
    let referenced = referenced_config(discovery);
    if referenced.as_deref() != Some(p.config_ref().as_str()) {
        return Err(format!(
            "`{}` is on disk already but not part of the catalog, so the new config cannot go there: move it away or choose another name",
            referenced.unwrap_or_default()
        ));
    }
    let mut work = catalog.clone();
    add_config(&mut work, &p.config, &new.config_text);
    let written = discover::write::write(&mut work, discovery, exists)?;
    *catalog = work;
    let mut created = vec![p.config];
    created.extend(written.created);
    Ok(Files {
        created,
        airbyte_command: new.connector.airbyte_command(),
    })
}

/// The config file the new capture's endpoint names (relative to its spec file).
fn referenced_config(discovery: &Discovery) -> Option<String> {
    let CaptureLocation::New { spec } = &discovery.capture.location else {
        return None;
    };
    let endpoint = spec.get("endpoint")?.as_object()?;
    let config = endpoint.values().next()?.get("config")?;
    config.as_str().map(str::to_string)
}

/// Adds the new config file to the catalog, unsaved (it does not exist on disk yet).
pub(super) fn add_config(catalog: &mut Catalog, path: &Path, text: &Secret<String>) {
    let mut f = SourceFile::new(path.to_path_buf(), FileRole::Config, String::new());
    f.edited = Some(text.expose().clone());
    catalog.files.push(f);
}

#[cfg(test)]
pub(crate) mod tests;
