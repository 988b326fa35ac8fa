//! The connector operations, typed, shared by the CLI and the TUI: find out what a connector
//! speaks (pulling and inspecting images once), then [`spec`] (answered from the cache when it
//! can be), [`discover`] or [`validate`]. What to run comes from [`super::target`].

use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::cache::{CacheKey, SpecCache};
use super::protocol::{
    self as p, Discovered, Reply, SpecResponse, TaskType, ValidateBinding, Validated,
};
use super::run::{self, Call, Protocol, PullPolicy, RunOptions, Transport};
use super::task::Task;
use super::transport::{ConnectorError, RunEvent};
use crate::secrets::Secret;

/// A connector ready to be called: its transport, protocol, task type and (for images) digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub transport: Transport,
    pub protocol: Protocol,
    pub task: TaskType,
    /// The image id once inspected; keys the spec cache.
    pub digest: Option<String>,
}

impl Prepared {
    /// Where this connector's spec is cached, when it can be (an existing local program, or an
    /// inspected image).
    pub fn cache_key(&self) -> Option<CacheKey> {
        match &self.transport {
            Transport::Local { command, .. } => {
                CacheKey::local(command, self.protocol.label(), self.task.label())
            }
            Transport::Docker { .. } => Some(CacheKey::Image {
                digest: self.digest.clone()?,
                task: self.task.label().to_string(),
            }),
        }
    }
}

/// Resolves the protocol: `flag` if given; for a local command, Airbyte when flowspec's own
/// settings mark it so, else the endpoint's (`local_default`); for an image, its labels. Images are pulled here per their pull policy (progress on `events`,
/// cancellable) and inspected once; the run that follows then does not pull again.
pub async fn prepare(
    mut transport: Transport,
    flag: Option<Protocol>,
    local_default: Option<Protocol>,
    kind: Option<TaskType>,
    events: &UnboundedSender<RunEvent>,
    cancel: &CancellationToken,
) -> Result<Prepared, ConnectorError> {
    match &mut transport {
        Transport::Local { command, .. } => Ok(Prepared {
            protocol: match flag {
                Some(p) => p,
                None if crate::settings::Settings::load()
                    .map_err(|e| ConnectorError::Io(format!("flowspec settings: {e}")))?
                    .is_airbyte(command) =>
                {
                    Protocol::Airbyte
                }
                None => local_default.unwrap_or(Protocol::FlowJson),
            },
            task: kind.unwrap_or(TaskType::Capture),
            digest: None,
            transport,
        }),
        Transport::Docker { image, options } => {
            let _ = events.send(RunEvent::Phase(format!("inspecting {image}")));
            let facts = run::image_facts(image, options, events, cancel).await?;
            options.pull = PullPolicy::Missing;
            options.inspected = Some(Box::new(facts.info));
            Ok(Prepared {
                protocol: flag.unwrap_or(facts.protocol),
                task: kind.unwrap_or(facts.task),
                digest: Some(facts.digest),
                transport,
            })
        }
    }
}

/// The connector's spec, from `cache` when it holds one (nothing runs), else by asking the
/// connector with an empty config (no secret is decrypted just to draw a form) and caching
/// the answer. Returns the spec and whether it came from the cache.
pub async fn spec(
    prepared: &Prepared,
    cache: Option<&SpecCache>,
    opts: &RunOptions,
    events: UnboundedSender<RunEvent>,
    cancel: CancellationToken,
) -> Result<(SpecResponse, bool), ConnectorError> {
    let key = prepared.cache_key();
    if let (Some(cache), Some(key)) = (cache, &key) {
        if let Some(spec) = cache
            .get(key)
            .and_then(|v| serde_json::from_value::<SpecResponse>(v).ok())
        {
            return Ok((spec, true));
        }
    }
    let _ = events.send(RunEvent::Phase("asking the connector for its spec".into()));
    let call = Call::spec(prepared.task, p::raw("{}"));
    let reply = run::run(
        &prepared.transport,
        prepared.protocol,
        &call,
        opts,
        events,
        cancel,
    )
    .await?;
    let Reply::Spec(spec) = reply else {
        return Err(ConnectorError::Protocol {
            message: "a spec request was answered with something else".into(),
            excerpt: String::new(),
        });
    };
    if let (Some(cache), Some(key), Ok(v)) = (cache, &key, serde_json::to_value(&spec)) {
        cache.put(key, &v);
        if let Transport::Docker { image, .. } = &prepared.transport {
            let by_ref = CacheKey::ImageRef {
                image: image.clone(),
                task: prepared.task.label().to_string(),
            };
            cache.put(&by_ref, &v);
        }
    }
    Ok((spec, false))
}

/// The spec `cache` holds for `task`'s connector, found without running or contacting
/// anything (an image by the reference the catalog names, a local command by its program's
/// path and modification time). For `check`, which may use it but never run the connector.
pub fn cached_spec(task: &Task, cache: &SpecCache) -> Option<serde_json::Value> {
    let key = match task.transport(Default::default()) {
        Transport::Docker { image, .. } => CacheKey::ImageRef {
            image,
            task: task.task.label().to_string(),
        },
        Transport::Local { command, .. } => {
            let airbyte = crate::settings::Settings::load()
                .map(|s| s.is_airbyte(&command))
                .unwrap_or(false);
            let protocol = if airbyte {
                Protocol::Airbyte
            } else {
                task.local_protocol().unwrap_or(Protocol::FlowJson)
            };
            CacheKey::local(&command, protocol.label(), task.task.label())?
        }
    };
    cache.get(&key)
}

/// A task's config as its connector receives it: sops-decrypted off the async workers (sops
/// runs as a child process), kept in a redacting [`Secret`].
async fn task_config(
    task: &Task,
    events: &UnboundedSender<RunEvent>,
) -> Result<Secret<Box<serde_json::value::RawValue>>, ConnectorError> {
    let _ = events.send(RunEvent::Phase("preparing the config".into()));
    let config = task.config.clone();
    tokio::task::spawn_blocking(move || run::prepare_config(config))
        .await
        .map_err(|e| ConnectorError::Io(e.to_string()))?
}

/// Runs `call` and returns its reply, after a phase event naming the operation.
async fn call(
    prepared: &Prepared,
    call: Call,
    opts: &RunOptions,
    events: UnboundedSender<RunEvent>,
    cancel: CancellationToken,
) -> Result<Reply, ConnectorError> {
    let _ = events.send(RunEvent::Phase(format!("running {}", call.op.label())));
    run::run(
        &prepared.transport,
        prepared.protocol,
        &call,
        opts,
        events,
        cancel,
    )
    .await
}

fn unexpected(what: &str) -> ConnectorError {
    ConnectorError::Protocol {
        message: format!("answered with {what}"),
        excerpt: String::new(),
    }
}

/// Runs a capture's discover with its (decrypted) config: the bindings it offers.
pub async fn discover(
    prepared: &Prepared,
    task: &Task,
    opts: &RunOptions,
    events: UnboundedSender<RunEvent>,
    cancel: CancellationToken,
) -> Result<Discovered, ConnectorError> {
    let config = task_config(task, &events).await?;
    match call(prepared, Call::discover(config), opts, events, cancel).await? {
        Reply::Discovered(d) => Ok(d),
        Reply::Spec(_) => Err(unexpected("a spec")),
        Reply::Validated(_) => Err(unexpected("validated bindings")),
    }
}

/// A discovery with what merging it needs: the connector's spec (for its resource path
/// pointers; from `cache` when it holds it) and then the discover itself.
pub async fn discover_with_spec(
    prepared: &Prepared,
    task: &Task,
    cache: Option<&SpecCache>,
    opts: &RunOptions,
    events: UnboundedSender<RunEvent>,
    cancel: CancellationToken,
) -> Result<(SpecResponse, Discovered), ConnectorError> {
    let spec_opts = RunOptions::for_operation(super::protocol::Operation::Spec);
    let (spec, _) = spec(prepared, cache, &spec_opts, events.clone(), cancel.clone()).await?;
    let discovered = discover(prepared, task, opts, events, cancel).await?;
    Ok((spec, discovered))
}

/// Runs a task's validate with its (decrypted) config and its enabled `bindings` (see
/// [`super::target::resolve_task`]).
pub async fn validate(
    prepared: &Prepared,
    task: &Task,
    bindings: &[ValidateBinding],
    opts: &RunOptions,
    events: UnboundedSender<RunEvent>,
    cancel: CancellationToken,
) -> Result<Validated, ConnectorError> {
    let config = task_config(task, &events).await?;
    let request = Call::validate(task.task, task.name.clone(), config, bindings.to_vec());
    match call(prepared, request, opts, events, cancel).await? {
        Reply::Validated(v) => Ok(v),
        Reply::Spec(_) => Err(unexpected("a spec")),
        Reply::Discovered(_) => Err(unexpected("discovered bindings")),
    }
}
