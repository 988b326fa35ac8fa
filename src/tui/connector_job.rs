//! Runs a connector job for the TUI (an effect, executed on tokio): the same operations as the
//! headless commands, through `connector::ops`, reduced to a `JobOutput`.

use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::jobs::{ConnOp, JobOutput};
use crate::connector::cache::SpecCache;
use crate::connector::protocol::{Operation, Reply, ValidateBinding};
use crate::connector::run::{self, Call, DockerOptions, PullPolicy, RunOptions};
use crate::connector::task::Task;
use crate::connector::{ops, ConnectorError, RunEvent};

/// Everything a job needs, computed from the catalog by the pure `update`. Its `Debug` shows
/// neither the config nor the bindings' resource configs.
#[derive(Clone)]
pub struct JobSpec {
    pub op: ConnOp,
    pub task: Task,
    /// For validate: the bindings as Flow would send them.
    pub bindings: Vec<ValidateBinding>,
}

impl std::fmt::Debug for JobSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobSpec")
            .field("op", &self.op)
            .field("task", &self.task)
            .field("bindings", &self.bindings.len())
            .finish_non_exhaustive()
    }
}

/// Runs one job to completion (or cancellation).
pub async fn run_job(
    spec: JobSpec,
    events: UnboundedSender<RunEvent>,
    cancel: CancellationToken,
) -> Result<JobOutput, ConnectorError> {
    let options = DockerOptions {
        pull: if spec.op == ConnOp::Pull {
            PullPolicy::Always
        } else {
            PullPolicy::Missing
        },
        ..DockerOptions::default()
    };
    let task = &spec.task;
    let prepared = ops::prepare(
        task.transport(options),
        None,
        task.local_protocol(),
        Some(task.task),
        &events,
        &cancel,
    )
    .await?;
    let protocol = prepared.protocol.label().to_string();
    match spec.op {
        ConnOp::Pull => Ok(JobOutput::Pulled {
            protocol,
            digest: prepared.digest.unwrap_or_default(),
        }),
        ConnOp::Spec => {
            let cache = SpecCache::user();
            let opts = RunOptions::for_operation(Operation::Spec);
            let (spec, cached) = ops::spec(&prepared, Some(&cache), &opts, events, cancel).await?;
            Ok(JobOutput::Spec {
                protocol,
                documentation_url: spec.documentation_url.clone(),
                config_title: title(spec.config_schema.get()),
                resource_title: title(spec.resource_config_schema.get()),
                cached,
                config_schema: serde_json::from_str(spec.config_schema.get())
                    .unwrap_or(Value::Null),
                resource_schema: serde_json::from_str(spec.resource_config_schema.get())
                    .unwrap_or(Value::Null),
            })
        }
        ConnOp::Discover | ConnOp::Validate => {
            let _ = events.send(RunEvent::Phase("preparing the config".into()));
            let config = task.config.clone();
            // sops runs as a child process: keep it off the async workers.
            let config = tokio::task::spawn_blocking(move || run::prepare_config(config))
                .await
                .map_err(|e| ConnectorError::Io(e.to_string()))??;
            let (op, call) = if spec.op == ConnOp::Discover {
                (Operation::Discover, Call::discover(config))
            } else {
                (
                    Operation::Validate,
                    Call::validate(task.task, task.name.clone(), config, spec.bindings.clone()),
                )
            };
            let _ = events.send(RunEvent::Phase(format!("running {}", op.label())));
            let opts = RunOptions::for_operation(op);
            let reply = run::run(
                &prepared.transport,
                prepared.protocol,
                &call,
                &opts,
                events,
                cancel,
            )
            .await?;
            Ok(match reply {
                Reply::Discovered(d) => JobOutput::Discovered {
                    protocol,
                    names: d.bindings.into_iter().map(|b| b.recommended_name).collect(),
                },
                Reply::Validated(v) => JobOutput::Validated {
                    protocol,
                    bindings: v.bindings.len(),
                },
                Reply::Spec(_) => {
                    return Err(ConnectorError::Protocol {
                        message: "answered with a spec".into(),
                        excerpt: String::new(),
                    })
                }
            })
        }
    }
}

/// A schema's `title`, or `untitled`.
fn title(schema: &str) -> String {
    serde_json::from_str::<Value>(schema)
        .ok()
        .and_then(|v| v.get("title").and_then(Value::as_str).map(str::to_string))
        .unwrap_or_else(|| "untitled".to_string())
}
