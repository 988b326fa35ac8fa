//! Runs a connector job for the TUI (an effect, executed on tokio): the same typed operations as
//! the headless commands — `connector::target` resolves the task, `connector::ops` runs it —
//! reduced to a `JobOutput`.

use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::jobs::{ConnOp, JobOutput};
use crate::catalog::{Catalog, EntityId};
use crate::connector::cache::SpecCache;
use crate::connector::protocol::{Operation, ValidateBinding};
use crate::connector::run::{DockerOptions, PullPolicy, RunOptions};
use crate::connector::target::{resolve_task, Target, TaskRef};
use crate::connector::task::{Task, TaskError};
use crate::connector::{ops, ConnectorError, RunEvent};

/// Everything a job needs, computed from the catalog by the pure `update`. Its `Debug` shows
/// neither the config nor the bindings' resource configs.
#[derive(Clone)]
pub struct JobSpec {
    pub op: ConnOp,
    pub task: Task,
    /// For validate: the bindings as Flow would send them.
    pub bindings: Vec<ValidateBinding>,
    /// The protocol the user chose (the wizard's local command); it wins over the settings.
    pub protocol: Option<crate::connector::run::Protocol>,
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

impl JobSpec {
    /// The job `op` on task `id` of `catalog`, resolved as the headless commands resolve
    /// theirs ([`resolve_task`]). Pure: `update` may call it.
    pub fn resolve(catalog: &Catalog, id: EntityId, op: ConnOp) -> Result<JobSpec, TaskError> {
        let operation = match op {
            ConnOp::Pull | ConnOp::Spec => Operation::Spec,
            ConnOp::Discover => Operation::Discover,
            ConnOp::Validate => Operation::Validate,
        };
        let job = resolve_task(catalog, TaskRef::Id(id), operation)?;
        Ok(JobSpec {
            op,
            task: job.task,
            bindings: job.bindings,
            protocol: None,
        })
    }

    /// A job for the setup wizard: a task not in the catalog yet (see
    /// `screens::wizard::task_for`), no bindings, and the protocol the user chose.
    pub fn for_wizard(
        op: ConnOp,
        task: Task,
        protocol: Option<crate::connector::run::Protocol>,
    ) -> JobSpec {
        JobSpec {
            op,
            task,
            bindings: Vec::new(),
            protocol,
        }
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
    let prepared = Target::task(task, options)
        .with_protocol(spec.protocol)
        .prepare(&events, &cancel)
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
        ConnOp::Discover => {
            // The spec first (cached), for the resource path pointers the merge needs.
            let cache = SpecCache::user();
            let opts = RunOptions::for_operation(Operation::Discover);
            let (spec, d) =
                ops::discover_with_spec(&prepared, task, Some(&cache), &opts, events, cancel)
                    .await?;
            Ok(JobOutput::Discovered {
                protocol,
                config_schema: serde_json::from_str(spec.config_schema.get())
                    .unwrap_or(Value::Null),
                resource_schema: serde_json::from_str(spec.resource_config_schema.get())
                    .unwrap_or(Value::Null),
                pointers: spec.resource_path_pointers,
                bindings: std::sync::Arc::new(d.bindings),
            })
        }
        ConnOp::Validate => {
            let opts = RunOptions::for_operation(Operation::Validate);
            let v = ops::validate(&prepared, task, &spec.bindings, &opts, events, cancel).await?;
            Ok(JobOutput::Validated {
                protocol,
                bindings: v.bindings.len(),
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
