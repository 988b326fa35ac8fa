//! The review step: the new task put together from every step's values, its config encrypted
//! with sops when it holds fields to encrypt (the editor's `Effect::Encrypt` and key prompt),
//! then every file written into a copy of the catalog off the UI ([`prepare`], which asks the
//! disk whether new paths exist) and shown as the save diff. `y` there writes them.

use std::path::Path;
use std::sync::Arc;

use super::{WizardJob, WizardScreen};
use crate::catalog::Catalog;
use crate::create::capture::NewCapture;
use crate::create::materialization::{NewMaterialization, ResourceAnnotations, Sources};
use crate::create::{Files, Kind};
use crate::discover::AutoDiscover;
use crate::discover::Discovery;
use crate::save::PlannedWrite;
use crate::secrets::Secret;
use crate::tui::app::Effect;
use crate::tui::encryption::{self, EncryptRequest};
use crate::tui::jobs::{known_schemas, ConnectorInfos};
use crate::tui::shared::Shared;

/// The new task as the review step puts it together.
pub enum NewTask {
    Capture(NewCapture, Box<Discovery>),
    Materialization(NewMaterialization, ResourceAnnotations),
}

/// What [`prepare`] needs: the catalog as it is, the new task, and the connectors' schemas
/// (to mask secrets in the diff).
pub struct CreateWrite {
    pub catalog: Catalog,
    pub task: NewTask,
    pub connectors: ConnectorInfos,
}

impl std::fmt::Debug for CreateWrite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match &self.task {
            NewTask::Capture(c, _) => &c.name,
            NewTask::Materialization(m, _) => &m.name,
        };
        f.debug_struct("CreateWrite")
            .field("name", name)
            .finish_non_exhaustive()
    }
}

/// The catalog with the new task written in, the diff of each file, and what to record when
/// it is written.
#[derive(Clone)]
pub struct CreatePrepared {
    pub catalog: Catalog,
    pub writes: Vec<PlannedWrite>,
    /// The new task's name, selected in the entity list once written.
    pub name: String,
    /// A local command to mark as Airbyte in flowspec's settings when written.
    pub airbyte_command: Option<String>,
}

impl std::fmt::Debug for CreatePrepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatePrepared")
            .field("name", &self.name)
            .field("writes", &self.writes)
            .finish_non_exhaustive()
    }
}

/// Writes the new task into a copy of the catalog and plans the save (blocking: it looks at
/// the disk for the paths new files would take).
pub fn prepare(job: &CreateWrite) -> Result<Box<CreatePrepared>, String> {
    let mut catalog = job.catalog.clone();
    let exists = |p: &Path| p.exists();
    let (name, files): (String, Files) = match &job.task {
        NewTask::Capture(new, d) => (
            new.name.clone(),
            crate::create::capture::write(&mut catalog, new, d, &exists)?,
        ),
        NewTask::Materialization(new, ann) => (
            new.name.clone(),
            crate::create::materialization::write(&mut catalog, new, ann, &exists)?,
        ),
    };
    let writes = encryption::plan(&catalog, &known_schemas(&job.connectors), None);
    Ok(Box::new(CreatePrepared {
        catalog,
        writes,
        name,
        airbyte_command: files.airbyte_command,
    }))
}

impl WizardScreen {
    /// Enter on the review: the config encrypted first when it has fields to encrypt, then
    /// the files put together.
    pub(super) fn review(&mut self, sh: &mut Shared) -> Vec<Effect> {
        if sh.read_only {
            sh.warn("Read-only mode: nothing can be written");
            return vec![];
        }
        let interval = self.capture.interval.text().trim().to_string();
        let bad_interval = self.kind == Kind::Capture
            && !interval.is_empty()
            && crate::syntax::duration::parse_flow(&interval).is_err();
        if bad_interval {
            self.problem = Some(format!(
                "The interval {interval:?} is not a duration Flow accepts: write it as 30s, 5m or 1h"
            ));
            return vec![];
        }
        let (Some(config), Some(spec), Some(cat)) = (
            self.config.as_ref(),
            self.spec.as_ref(),
            sh.catalog.as_ref(),
        ) else {
            return vec![];
        };
        if config.encrypt.is_empty() {
            let text = crate::create::config_text(config.value.expose());
            return self.prepare_files(sh, Secret::new(text));
        }
        let paths = crate::create::paths::paths(cat, self.kind, &self.full_name(), &|_| false);
        let req = EncryptRequest::for_new_file(
            config.value.clone(),
            config.encrypt.clone(),
            paths.config,
            &spec.config_schema,
        );
        self.waiting = Some(WizardJob::Encrypt);
        sh.encrypt(req)
    }

    /// sops answered the wizard's encryption: the files follow, or the failure shows here.
    pub fn encrypted(&mut self, sh: &mut Shared, result: Result<String, String>) -> Vec<Effect> {
        self.waiting = None;
        match result {
            Ok(text) => self.prepare_files(sh, Secret::new(text)),
            Err(e) => {
                self.problem = Some(format!("Not encrypted: {e}; nothing was written"));
                vec![]
            }
        }
    }

    /// The new task with `config_text` as its config file, written into a copy of the
    /// catalog in the background; the save diff follows.
    fn prepare_files(&mut self, sh: &mut Shared, config_text: Secret<String>) -> Vec<Effect> {
        let Some(catalog) = sh.catalog.clone() else {
            return vec![];
        };
        let task = match self.kind {
            Kind::Capture => {
                let (Some(new), Some(d)) = (self.new_capture(config_text), self.discovery.clone())
                else {
                    return vec![];
                };
                NewTask::Capture(new, d)
            }
            Kind::Materialization => {
                let Some((new, ann)) = self.new_materialization(config_text) else {
                    return vec![];
                };
                NewTask::Materialization(new, ann)
            }
        };
        let mut connectors = sh.connectors.clone();
        if let Some(spec) = self.spec.as_ref() {
            let info = connectors.entry(self.full_name()).or_default();
            info.config_schema = Some(spec.config_schema.clone());
            info.resource_schema = Some(spec.resource_schema.clone());
        }
        self.waiting = Some(WizardJob::Prepare);
        sh.saving = true;
        sh.info("Preparing the files…");
        vec![Effect::PrepareCreate(Arc::new(CreateWrite {
            catalog,
            task,
            connectors,
        }))]
    }

    /// The files are ready (or cannot be written): the save diff, or the reason here.
    pub fn prepared(&mut self, sh: &mut Shared, result: Result<Box<CreatePrepared>, String>) {
        self.waiting = None;
        sh.saving = false;
        sh.status = None;
        match result {
            Err(e) => self.problem = Some(format!("Cannot write the {}: {e}", self.kind.label())),
            Ok(p) => {
                let CreatePrepared {
                    catalog,
                    writes,
                    name,
                    airbyte_command,
                } = *p;
                sh.overlays
                    .push(crate::tui::overlay::Overlay::ApplyCreate(Box::new(
                        crate::tui::overlay::ApplyCreate {
                            catalog: crate::tui::discovery_write::Pending(Box::new(catalog)),
                            writes,
                            scroll: 0,
                            name,
                            airbyte_command,
                        },
                    )));
            }
        }
    }

    /// The capture as the steps describe it, with `config_text` as its config file.
    pub(super) fn new_capture(&self, config_text: Secret<String>) -> Option<NewCapture> {
        let spec = self.spec.as_ref()?;
        let interval = self.capture.interval.text().trim().to_string();
        Some(NewCapture {
            name: self.full_name(),
            connector: spec.connector.clone(),
            config_text,
            interval: (!interval.is_empty()).then_some(interval),
            auto_discover: Some(AutoDiscover {
                add_new_bindings: self.capture.add_new_bindings,
                evolve_incompatible_collections: self.capture.evolve_incompatible,
            }),
        })
    }

    /// The materialization as the steps describe it, and what its resource schema supports.
    pub(super) fn new_materialization(
        &self,
        config_text: Secret<String>,
    ) -> Option<(NewMaterialization, ResourceAnnotations)> {
        let spec = self.spec.as_ref()?;
        let m = &self.materialization;
        let sources = match &m.linked_capture {
            Some(c) => Sources::Capture(c.clone()),
            None => Sources::Collections(m.collections.clone()),
        };
        let ann = crate::create::materialization::annotations(&spec.resource_schema);
        Some((
            NewMaterialization {
                name: self.full_name(),
                connector: spec.connector.clone(),
                config_text,
                sources,
                naming: m.naming.clone(),
                delta_updates: m.delta_updates,
                fields_recommended: self.fields_recommended(),
            },
            ann,
        ))
    }
}
