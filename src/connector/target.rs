//! What a connector operation runs, resolved without running anything. A person names a
//! connector in one of three ways — a task of a catalog (`--task NAME`, or the task selected in
//! the editor), an image reference, or a local command line — and each becomes a [`Target`]:
//! the transport, the protocol when it is already decided, and whether it captures or
//! materializes. A catalog task also brings what the connector receives: its config (still
//! encrypted) and, for validate, its enabled bindings ([`TaskJob`]).
//!
//! Everything here is pure (the loaded catalog is the only input), so the editor's `update`
//! resolves its jobs with it; [`Target::prepare`] and [`super::ops`] then pull, inspect and run.
//! `flowspec spec|discover|validate`, `config template --image` and the editor's `s`/`d`/`v`/`u`
//! all go through here: one way from a name to what runs.

use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::ops::{self, Prepared};
use super::protocol::{Operation, TaskType, ValidateBinding};
use super::run::{DockerOptions, Protocol, Transport};
use super::task::{self, Task, TaskError};
use super::transport::{ConnectorError, RunEvent};
use crate::catalog::{Catalog, EntityId, EntityKind};

/// A connector to run and how to speak to it, before anything has run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// How people know it: the task's name, the image reference, or `local: CMD ARGS`.
    pub label: String,
    pub transport: Transport,
    /// A protocol the user chose (`--protocol`); it wins over everything else.
    pub protocol: Option<Protocol>,
    /// A `local` endpoint's protocol (JSON unless `protobuf: true`), used unless flowspec's
    /// settings mark the command as Airbyte.
    pub local_default: Option<Protocol>,
    /// Capture or materialization when already known (a task's kind, `--kind`); an image's
    /// labels decide otherwise, and a bare local command captures.
    pub kind: Option<TaskType>,
}

impl Target {
    /// The connector of a catalog task.
    pub fn task(task: &Task, docker: DockerOptions) -> Target {
        Target {
            label: task.name.clone(),
            transport: task.transport(docker),
            protocol: None,
            local_default: task.local_protocol(),
            kind: Some(task.task),
        }
    }

    /// An image, refused before anything is contacted when its reference names no tag or
    /// digest (Docker would run `:latest` and pull every tag).
    pub fn image(
        image: &str,
        kind: Option<TaskType>,
        docker: DockerOptions,
    ) -> Result<Target, ConnectorError> {
        super::docker::parse_reference(image)?;
        Ok(Target {
            label: image.to_string(),
            transport: Transport::Docker {
                image: image.to_string(),
                options: docker,
            },
            protocol: None,
            local_default: None,
            kind,
        })
    }

    /// A local command line, run without a shell.
    pub fn local(command: Vec<String>, kind: Option<TaskType>) -> Result<Target, TaskError> {
        if command.is_empty() {
            return Err(TaskError("a local connector needs a command".into()));
        }
        Ok(Target {
            label: format!("local: {}", command.join(" ")),
            transport: Transport::Local {
                command,
                env: Vec::new(),
            },
            protocol: None,
            local_default: None,
            kind,
        })
    }

    /// The same target spoken to in `protocol` when one is given.
    pub fn with_protocol(mut self, protocol: Option<Protocol>) -> Target {
        self.protocol = protocol.or(self.protocol);
        self
    }

    /// Decides the protocol and task type, pulling an image first if its pull policy says so
    /// (progress on `events`, cancellable) and inspecting it once; the run that follows then
    /// does not pull again. See [`ops::prepare`].
    pub async fn prepare(
        &self,
        events: &UnboundedSender<RunEvent>,
        cancel: &CancellationToken,
    ) -> Result<Prepared, ConnectorError> {
        ops::prepare(
            self.transport.clone(),
            self.protocol,
            self.local_default,
            self.kind,
            events,
            cancel,
        )
        .await
    }
}

/// How a catalog task is picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskRef<'a> {
    /// The entity selected in the editor.
    Id(EntityId),
    /// By name (`--task NAME`); without a name, the catalog's only task that can run the
    /// operation.
    Name(Option<&'a str>),
}

/// A catalog task resolved for one operation: the task (endpoint and config, still
/// encrypted) and, for validate, its enabled bindings as Flow would send them. Its `Debug`
/// shows neither the config nor the resource configs.
#[derive(Clone)]
pub struct TaskJob {
    pub op: Operation,
    pub task: Task,
    pub bindings: Vec<ValidateBinding>,
}

impl std::fmt::Debug for TaskJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaskJob")
            .field("op", &self.op)
            .field("task", &self.task)
            .field("bindings", &self.bindings.len())
            .finish()
    }
}

/// Resolves a catalog task for `op`: finds it, reads its endpoint and config, and for validate
/// builds its bindings. Only captures discover. Pure: nothing is read but the loaded catalog,
/// and nothing runs.
pub fn resolve_task(
    catalog: &Catalog,
    which: TaskRef<'_>,
    op: Operation,
) -> Result<TaskJob, TaskError> {
    let want = (op == Operation::Discover).then_some(EntityKind::Capture);
    let id = match which {
        TaskRef::Name(name) => task::find_task(catalog, name, want)?.0,
        TaskRef::Id(id) => id,
    };
    let task = task::load_task(catalog, id)?;
    if op == Operation::Discover && task.task != TaskType::Capture {
        return Err(TaskError(format!(
            "`{}` is a materialization; only captures discover",
            task.name
        )));
    }
    let bindings = match op {
        Operation::Validate => task::validate_bindings(catalog, &task)?,
        Operation::Spec | Operation::Discover => Vec::new(),
    };
    Ok(TaskJob { op, task, bindings })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> (tempfile::TempDir, Catalog) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("flow.yaml"),
            r#"
collections:
  acme/a: {key: [/id], schema: {type: object, properties: {id: {type: integer}}}}
captures:
  acme/src:
    endpoint: {local: {command: [./conn], config: {a: 1}, protobuf: true}}
    bindings:
      - {resource: {stream: a}, target: acme/a}
materializations:
  acme/out:
    endpoint: {connector: {image: "ghcr.io/estuary/materialize-x:v1", config: {}}}
    bindings:
      - {source: acme/a, resource: {table: a}}
"#,
        )
        .unwrap();
        let cat = crate::catalog::load(&dir.path().join("flow.yaml"), &mut |_| {}).unwrap();
        assert!(cat.load_problems.is_empty(), "{:?}", cat.load_problems);
        (dir, cat)
    }

    #[test]
    fn tasks_resolve_by_name_or_id_with_bindings_for_validate_only() {
        let (_d, cat) = catalog();
        let job = resolve_task(&cat, TaskRef::Name(Some("acme/out")), Operation::Validate).unwrap();
        assert_eq!(job.task.name, "acme/out");
        assert_eq!(job.bindings.len(), 1);
        assert_eq!(job.bindings[0].collection.name, "acme/a");
        let spec = resolve_task(&cat, TaskRef::Id(job.task.id), Operation::Spec).unwrap();
        assert!(spec.bindings.is_empty());
        // Without a name, discover picks the only capture.
        let d = resolve_task(&cat, TaskRef::Name(None), Operation::Discover).unwrap();
        assert_eq!(d.task.name, "acme/src");
        let e = resolve_task(&cat, TaskRef::Name(None), Operation::Validate).unwrap_err();
        assert!(e.0.contains("pick one with --task"), "{e}");
        let e = resolve_task(&cat, TaskRef::Id(job.task.id), Operation::Discover).unwrap_err();
        assert_eq!(
            e.0,
            "`acme/out` is a materialization; only captures discover"
        );
        assert!(!format!("{job:?}").contains("table"), "{job:?}");
    }

    #[test]
    fn targets_carry_what_decides_the_protocol() {
        let (_d, cat) = catalog();
        let job = resolve_task(&cat, TaskRef::Name(Some("acme/src")), Operation::Spec).unwrap();
        let t = Target::task(&job.task, DockerOptions::default());
        assert_eq!(t.label, "acme/src");
        assert_eq!(t.local_default, Some(Protocol::FlowProto));
        assert_eq!(t.kind, Some(TaskType::Capture));
        assert_eq!(
            t.clone().with_protocol(Some(Protocol::FlowJson)).protocol,
            Some(Protocol::FlowJson)
        );
        assert_eq!(t.with_protocol(None).protocol, None);

        let i = Target::image("localhost:5000/x:v1", None, DockerOptions::default()).unwrap();
        assert_eq!((i.label.as_str(), i.kind), ("localhost:5000/x:v1", None));
        assert!(matches!(
            Target::image("localhost:5000/x", None, DockerOptions::default()),
            Err(ConnectorError::NoTag(_))
        ));
        let l = Target::local(vec!["./c".into(), "--x".into()], None).unwrap();
        assert_eq!(l.label, "local: ./c --x");
        assert!(Target::local(Vec::new(), None).is_err());
    }
}
