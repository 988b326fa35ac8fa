//! Connector runs as the TUI sees them: what is running, its phase, pull progress and live log,
//! and what each task's connector has told us so far. Pure state; the runtime runs the work.

use std::collections::{HashMap, VecDeque};

use crate::connector::{LogLine, PullProgress, RunEvent};
use crate::secrets::Schemas;

/// What a connector run does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnOp {
    Pull,
    Spec,
    Discover,
    Validate,
}

impl ConnOp {
    pub fn label(self) -> &'static str {
        match self {
            ConnOp::Pull => "pull",
            ConnOp::Spec => "spec",
            ConnOp::Discover => "discover",
            ConnOp::Validate => "validate",
        }
    }
}

/// The result of a finished run, reduced to what the UI shows.
#[derive(Debug, Clone)]
pub enum JobOutput {
    Pulled {
        protocol: String,
        digest: String,
    },
    Spec {
        protocol: String,
        documentation_url: String,
        config_title: String,
        resource_title: String,
        cached: bool,
        /// The schemas themselves, for the config forms.
        config_schema: serde_json::Value,
        resource_schema: serde_json::Value,
    },
    /// A discover, with the spec it was merged by.
    Discovered {
        protocol: String,
        /// The connector's endpoint and resource config schemas (from its spec).
        config_schema: serde_json::Value,
        resource_schema: serde_json::Value,
        /// The spec's resource path pointers.
        pointers: Vec<String>,
        bindings: std::sync::Arc<Vec<crate::connector::protocol::DiscoveredBinding>>,
    },
    Validated {
        protocol: String,
        bindings: usize,
    },
}

/// Messages from a running job.
#[derive(Debug, Clone)]
pub enum JobEvent {
    Run(RunEvent),
    Done(Result<JobOutput, String>),
}

/// Log lines kept per run for the live pane.
pub const LOG_LINES: usize = 200;

/// One run (the current one, or the last finished one).
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: u64,
    pub task: String,
    pub op: ConnOp,
    pub phase: String,
    pub pull: Option<PullProgress>,
    pub logs: VecDeque<LogLine>,
    /// `None` while running.
    pub result: Option<Result<String, String>>,
    pub cancelling: bool,
}

impl Job {
    pub fn new(id: u64, task: String, op: ConnOp) -> Self {
        Job {
            id,
            task,
            op,
            phase: "starting".into(),
            pull: None,
            logs: VecDeque::new(),
            result: None,
            cancelling: false,
        }
    }

    pub fn running(&self) -> bool {
        self.result.is_none()
    }

    /// Folds a streamed event into the job.
    pub fn apply(&mut self, event: RunEvent) {
        match event {
            RunEvent::Log(line) => {
                if self.logs.len() == LOG_LINES {
                    self.logs.pop_front();
                }
                self.logs.push_back(line);
            }
            RunEvent::Pull(p) => {
                self.phase = "pulling the image".into();
                self.pull = Some(p);
            }
            RunEvent::Phase(p) => self.phase = p,
        }
    }
}

/// What a task's connector has told us in this session.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectorInfo {
    pub protocol: Option<String>,
    pub documentation_url: Option<String>,
    /// `config "Title", resource "Title"`.
    pub spec: Option<String>,
    /// The last discover, validate or pull outcome.
    pub last: Option<String>,
    /// The endpoint and resource config schemas from the last spec.
    pub config_schema: Option<serde_json::Value>,
    pub resource_schema: Option<serde_json::Value>,
}

/// Per-task connector facts, keyed by task name.
pub type ConnectorInfos = HashMap<String, ConnectorInfo>;

/// The config schemas fetched this session, for locating secrets in diffs (tasks whose spec
/// was not fetched go by the name rule).
pub fn known_schemas(infos: &ConnectorInfos) -> Schemas<'_> {
    let mut out = Schemas::none();
    for (name, info) in infos {
        out.add_task(
            name,
            info.config_schema.as_ref(),
            info.resource_schema.as_ref(),
        );
    }
    out
}

impl JobOutput {
    /// Records the output in `info` and returns the one-line summary for the status bar.
    pub fn record(&self, info: &mut ConnectorInfo) -> String {
        match self {
            JobOutput::Pulled { protocol, digest } => {
                info.protocol = Some(protocol.clone());
                let short: String = digest.chars().take(19).collect();
                info.last = Some(format!("pulled ({short})"));
                format!("Pulled the image ({short}); it speaks {protocol}")
            }
            JobOutput::Spec {
                protocol,
                documentation_url,
                config_title,
                resource_title,
                cached,
                config_schema,
                resource_schema,
            } => {
                info.protocol = Some(protocol.clone());
                info.config_schema = Some(config_schema.clone());
                info.resource_schema = Some(resource_schema.clone());
                if !documentation_url.is_empty() {
                    info.documentation_url = Some(documentation_url.clone());
                }
                let summary = format!(
                    "config {config_title:?}, resource {resource_title:?}{}",
                    if *cached { " (cached)" } else { "" }
                );
                info.spec = Some(summary.clone());
                format!("Spec: {summary}")
            }
            JobOutput::Discovered {
                protocol,
                config_schema,
                resource_schema,
                bindings,
                ..
            } => {
                info.protocol = Some(protocol.clone());
                info.config_schema = Some(config_schema.clone());
                info.resource_schema = Some(resource_schema.clone());
                let names: Vec<&str> = bindings
                    .iter()
                    .map(|b| b.recommended_name.as_str())
                    .collect();
                let shown: Vec<&str> = names.iter().take(5).copied().collect();
                let more = names.len().saturating_sub(shown.len());
                let list = if more > 0 {
                    format!("{}, +{more} more", shown.join(", "))
                } else {
                    shown.join(", ")
                };
                let line = format!(
                    "discovered {} binding{}: {list}",
                    names.len(),
                    if names.len() == 1 { "" } else { "s" }
                );
                info.last = Some(line.clone());
                capitalize(&line)
            }
            JobOutput::Validated { protocol, bindings } => {
                info.protocol = Some(protocol.clone());
                let line = format!(
                    "validated {bindings} binding{}",
                    if *bindings == 1 { "" } else { "s" }
                );
                info.last = Some(format!("✓ {line}"));
                capitalize(&line)
            }
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connector::LogLevel;

    #[test]
    fn logs_are_bounded_and_phases_follow_events() {
        let mut job = Job::new(1, "a/b".into(), ConnOp::Discover);
        for i in 0..(LOG_LINES + 10) {
            job.apply(RunEvent::Log(LogLine {
                level: LogLevel::Info,
                message: format!("line {i}"),
                fields: None,
            }));
        }
        assert_eq!(job.logs.len(), LOG_LINES);
        assert_eq!(job.logs.front().unwrap().message, "line 10");
        job.apply(RunEvent::Phase("waiting".into()));
        assert_eq!(job.phase, "waiting");
        assert!(job.running());
    }

    #[test]
    fn outputs_are_summarised() {
        let mut info = ConnectorInfo::default();
        let bindings = (0..7)
            .map(|i| crate::connector::protocol::DiscoveredBinding {
                recommended_name: format!("t{i}"),
                resource_config: crate::connector::protocol::raw("{}"),
                document_schema: crate::connector::protocol::raw("{}"),
                key: vec![],
                disable: false,
                resource_path: vec![],
                is_fallback_key: false,
            })
            .collect();
        let s = JobOutput::Discovered {
            protocol: "flow-json".into(),
            config_schema: serde_json::json!({}),
            resource_schema: serde_json::json!({"type": "object"}),
            pointers: vec!["/stream".into()],
            bindings: std::sync::Arc::new(bindings),
        }
        .record(&mut info);
        assert_eq!(s, "Discovered 7 bindings: t0, t1, t2, t3, t4, +2 more");
        assert_eq!(info.protocol.as_deref(), Some("flow-json"));
        assert!(info.resource_schema.is_some());
    }
}
