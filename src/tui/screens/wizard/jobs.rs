//! The wizard's connector runs — the spec on the connector step, then the connection test
//! (discover for a capture, validate for a materialization) — through the editor's job
//! machinery, and what their answers do. The wizard runs only what the user typed in it, as
//! the headless commands do, so it does not ask the trust question.

use serde_json::Value;

use super::{SpecFacts, Step, WizardScreen};
use crate::catalog::EntityId;
use crate::connector::protocol::DiscoveredBinding;
use crate::connector::run::Protocol;
use crate::connector::task::{ConfigSource, Task, TaskEndpoint};
use crate::create::{Connector, Kind};
use crate::discover::Discovery;
use crate::secrets::Secret;
use crate::tui::app::Effect;
use crate::tui::connector_job::JobSpec;
use crate::tui::jobs::{ConnOp, JobOutput};
use crate::tui::screens::discovered::DiscoveredScreen;
use crate::tui::screens::Screen;
use crate::tui::shared::{Nav, Shared};

/// What the wizard waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WizardJob {
    /// The connector's spec (job id).
    Spec(u64),
    /// The connection test: discover or validate (job id).
    Test(u64),
    /// sops encrypting the config.
    Encrypt,
    /// The files being put together for the review's diff.
    Prepare,
}

/// The task a wizard run stands for: not in the catalog (its id points nowhere), its config
/// given by the form.
pub fn task_for(kind: Kind, name: &str, connector: &Connector, config: Value) -> Task {
    let endpoint = match connector {
        Connector::Image(image) => TaskEndpoint::Image {
            image: image.clone(),
        },
        Connector::Local { command, protocol } => TaskEndpoint::Local {
            command: command.clone(),
            env: Vec::new(),
            protobuf: *protocol == Protocol::FlowProto,
        },
    };
    Task {
        name: name.to_string(),
        id: EntityId {
            file: usize::MAX,
            index: usize::MAX,
        },
        task: kind.task_type(),
        endpoint,
        config,
        config_source: ConfigSource::None,
    }
}

/// The protocol the user chose for a local command (it wins over flowspec's settings).
fn chosen_protocol(connector: &Connector) -> Option<Protocol> {
    match connector {
        Connector::Local { protocol, .. } => Some(*protocol),
        Connector::Image(_) => None,
    }
}

/// What to do about a connector failure, added to its message.
pub fn advice(error: &str, connector: &Connector) -> String {
    let e = error.to_lowercase();
    let what = if e.contains("docker engine") {
        "Start the Docker engine (or set DOCKER_HOST), or choose a local command."
    } else if e.contains("pull") || e.contains("not found") || e.contains("manifest") {
        "Check the image name and tag (Tab completes known images)."
    } else if e.contains("cannot start") {
        "Check the program's path and that it is executable."
    } else if e.contains("protocol error") || e.contains("answered with") {
        match connector {
            Connector::Local { .. } => "This may not be a connector, or it speaks another protocol: check the protocol choice.",
            Connector::Image(_) => "This image does not answer as a Flow connector: check that it is one.",
        }
    } else if e.contains("cancelled") {
        "Enter tries again."
    } else {
        "Check the connector and its config, then try again (Enter)."
    };
    format!("{error}. {what}")
}

impl WizardScreen {
    /// Starts a connector run for the wizard (no trust question: the user typed it here).
    fn launch(
        &mut self,
        sh: &mut Shared,
        spec: JobSpec,
        job: fn(u64) -> super::WizardJob,
    ) -> Vec<Effect> {
        if sh.job_running() {
            sh.info("A connector is already running; Esc cancels it");
            return vec![];
        }
        let effects = sh.launch(spec);
        if let Some(j) = sh.job.as_ref() {
            self.waiting = Some(job(j.id));
        }
        self.problem = None;
        effects
    }

    /// Enter on the connector step: the spec, fetched now (with pull progress), unless it is
    /// known for this connector already.
    pub(super) fn fetch_spec(&mut self, sh: &mut Shared) -> Vec<Effect> {
        let connector = match self.connector.value() {
            Ok(c) => c,
            Err(why) => {
                self.problem = Some(why);
                return vec![];
            }
        };
        if self.spec.as_ref().is_some_and(|s| s.connector == connector) {
            self.go(Step::Name);
            return vec![];
        }
        let label = match &connector {
            Connector::Image(i) => i.clone(),
            Connector::Local { command, .. } => format!("local: {}", command.join(" ")),
        };
        let task = task_for(
            self.kind,
            &label,
            &connector,
            Value::Object(Default::default()),
        );
        let spec = JobSpec::for_wizard(ConnOp::Spec, task, chosen_protocol(&connector));
        self.fetching = Some(connector);
        self.launch(sh, spec, WizardJob::Spec)
    }

    /// The form handed back a valid config: the connection test runs (discover for a
    /// capture, validate for a materialization), unless this config passed it already.
    pub(super) fn test_connection(&mut self, sh: &mut Shared) -> Vec<Effect> {
        let (Some(spec), Some(config)) = (self.spec.as_ref(), self.config.as_ref()) else {
            return vec![];
        };
        if self.tested.as_ref() == Some(&config.value) {
            let renamed = self
                .discovery
                .as_ref()
                .is_some_and(|d| d.capture.name != self.full_name());
            if let (true, Some((bindings, pointers))) = (renamed, self.last_discovered.clone()) {
                // A new name: the same answer merged into the capture as now named.
                self.discovered(sh, bindings, pointers);
                return vec![];
            }
            return self.after_test(sh);
        }
        let op = match self.kind {
            Kind::Capture => ConnOp::Discover,
            Kind::Materialization => ConnOp::Validate,
        };
        let task = task_for(
            self.kind,
            &self.full_name(),
            &spec.connector,
            config.value.expose().clone(),
        );
        let job = JobSpec::for_wizard(op, task, chosen_protocol(&spec.connector));
        self.failed_field = None;
        self.launch(sh, job, WizardJob::Test)
    }

    /// True when the wizard waits for job `id`.
    pub fn waits_for(&self, id: u64) -> bool {
        matches!(self.waiting, Some(WizardJob::Spec(j) | WizardJob::Test(j)) if j == id)
    }

    /// A run the wizard started finished.
    pub fn job_done(&mut self, sh: &mut Shared, result: Result<JobOutput, String>) -> Vec<Effect> {
        let waiting = self.waiting.take();
        let connector = self.spec.as_ref().map(|s| s.connector.clone());
        match (waiting, result) {
            (Some(WizardJob::Test(_)), Err(e)) => self.test_failed(sh, e),
            (_, Err(e)) => {
                let c = connector.or_else(|| self.connector.value().ok());
                let message = match c {
                    Some(c) => advice(&e, &c),
                    None => e,
                };
                self.problem = Some(message);
                sh.status = None;
                vec![]
            }
            (
                Some(WizardJob::Spec(_)),
                Ok(JobOutput::Spec {
                    config_schema,
                    resource_schema,
                    documentation_url,
                    protocol,
                    ..
                }),
            ) => {
                let Some(connector) = self.fetching.take() else {
                    return vec![];
                };
                if self.spec.as_ref().is_some_and(|s| s.connector != connector) {
                    // Another connector: what was given for the last one does not apply.
                    self.config = None;
                    self.tested = None;
                    self.discovery = None;
                    self.last_discovered = None;
                    self.failed_field = None;
                }
                self.spec = Some(SpecFacts {
                    connector,
                    config_schema,
                    resource_schema,
                    documentation_url,
                    protocol,
                });
                self.go(Step::Name);
                vec![]
            }
            (
                Some(WizardJob::Test(_)),
                Ok(JobOutput::Discovered {
                    pointers, bindings, ..
                }),
            ) => {
                let bindings =
                    std::sync::Arc::try_unwrap(bindings).unwrap_or_else(|a| (*a).clone());
                self.discovered(sh, bindings, pointers);
                vec![]
            }
            (Some(WizardJob::Test(_)), Ok(JobOutput::Validated { .. })) => {
                self.tested = self.config.as_ref().map(|c| c.value.clone());
                self.after_test(sh)
            }
            _ => vec![],
        }
    }

    /// The connection test failed: the problem on the step; when the error names a config
    /// field, the form opens on it with the error beside it.
    fn test_failed(&mut self, sh: &mut Shared, e: String) -> Vec<Effect> {
        let field = self
            .spec
            .as_ref()
            .and_then(|s| field_named(&s.config_schema, &e));
        self.problem = Some(format!(
            "{e}. Check the config (Enter opens it), then try again."
        ));
        sh.status = None;
        if let Some(pointer) = field {
            self.failed_field = Some((pointer, e.clone()));
            self.open_form(sh);
            sh.warn(format!("The connection test failed: {e}"));
        }
        vec![]
    }

    /// The discover answered: its bindings, all new, merged as Flow would for this capture.
    fn discovered(
        &mut self,
        sh: &mut Shared,
        bindings: Vec<DiscoveredBinding>,
        pointers: Vec<String>,
    ) {
        let Some(cat) = sh.catalog.as_ref() else {
            return;
        };
        let Some(new) = self.new_capture(Secret::new(String::new())) else {
            return;
        };
        self.last_discovered = Some((bindings.clone(), pointers.clone()));
        let paths = crate::create::paths::paths(cat, self.kind, &new.name, &|_| false);
        let config_ref = paths.config_ref();
        match crate::create::capture::discovery(&new, &config_ref, bindings, pointers, cat) {
            Ok(mut d) => {
                if let Some(old) = self.discovery.as_deref() {
                    carry_choices(old, &mut d, cat);
                }
                self.discovery = Some(Box::new(d));
                self.tested = self.config.as_ref().map(|c| c.value.clone());
                self.show_bindings(sh);
            }
            Err(e) => self.problem = Some(format!("The discovery cannot be used: {e}")),
        }
    }

    /// After a passed test: a capture's bindings, a materialization's sources.
    fn after_test(&mut self, sh: &mut Shared) -> Vec<Effect> {
        match self.kind {
            Kind::Capture if self.discovery.is_some() => self.show_bindings(sh),
            Kind::Capture => {}
            Kind::Materialization => self.show_sources(sh),
        }
        vec![]
    }

    /// The Bindings step: the Discovered bindings screen over the wizard, on the discovery.
    pub(super) fn show_bindings(&mut self, sh: &mut Shared) {
        let Some(d) = self.discovery.clone() else {
            return;
        };
        self.go(Step::Bindings);
        let schema = self.spec.as_ref().map(|s| s.resource_schema.clone());
        let screen = DiscoveredScreen::new(*d, schema).in_wizard(self.step_label());
        sh.nav
            .push(Nav::Push(Box::new(Screen::Discovered(Box::new(screen)))));
    }
}

/// A discovery run again (the config changed) keeps the choices made on the last one: rows of
/// the same resource keep being left out, and keep their renamed targets.
fn carry_choices(old: &Discovery, new: &mut Discovery, catalog: &crate::catalog::Catalog) {
    for i in 0..new.rows.len() {
        let Some(j) = old.rows.iter().position(|r| r.path == new.rows[i].path) else {
            continue;
        };
        let before = &old.rows[j];
        if before.selected != new.rows[i].selected {
            let _ = new.toggle(i);
        }
        // Only a target the user renamed is carried (a default follows the capture's name).
        let renamed = old.default_target(j).as_deref() != Some(before.target.as_str());
        if renamed && before.target != new.rows[i].target {
            let name = before.target.clone();
            let state = crate::discover::collections::summaries(catalog, &[name.as_str()].into())
                .remove(&name);
            let _ = new.rename(i, name, state);
        }
    }
}

/// The config field a connector's error names, as a JSON pointer: a pointer written in the
/// message (`/auth/password`), else a property name standing as a word (`address`), the
/// longest match winning. `None` when it names none.
pub fn field_named(schema: &Value, error: &str) -> Option<String> {
    let mut fields = Vec::new();
    collect_fields(crate::form::config_schema_of(schema), "", 0, &mut fields);
    let words: Vec<&str> = error
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .collect();
    fields
        .into_iter()
        .filter(|(pointer, key)| {
            error.contains(pointer.as_str()) && pointer.matches('/').count() > 1
                || words.contains(&key.as_str())
        })
        .max_by_key(|(pointer, _)| pointer.len())
        .map(|(pointer, _)| pointer)
}

/// Every property of `schema` (and of its nested objects and `oneOf` variants, three levels
/// deep): its pointer and its key.
fn collect_fields(schema: &Value, base: &str, depth: usize, out: &mut Vec<(String, String)>) {
    if depth > 3 {
        return;
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (key, sub) in props {
            let pointer = format!("{base}/{key}");
            out.push((pointer.clone(), key.clone()));
            collect_fields(sub, &pointer, depth + 1, out);
        }
    }
    for union in ["oneOf", "anyOf"] {
        for variant in schema
            .get(union)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            collect_fields(variant, base, depth + 1, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn errors_point_at_the_fields_they_name() {
        let schema = json!({"type": "object", "properties": {
            "address": {"type": "string"},
            "auth": {"oneOf": [{"properties": {"password": {"type": "string"}}}]}
        }});
        assert_eq!(
            field_named(&schema, "connecting to address db:5432: refused").as_deref(),
            Some("/address")
        );
        assert_eq!(
            field_named(&schema, "the password was rejected").as_deref(),
            Some("/auth/password")
        );
        assert_eq!(
            field_named(&schema, "invalid value at /auth/password").as_deref(),
            Some("/auth/password")
        );
        assert_eq!(field_named(&schema, "addresses are fine, timeout"), None);
    }
}
