//! Connecting to the engine and cleaning up after ourselves.

use std::collections::HashMap;
use std::time::Duration;

use bollard::errors::Error as BollardError;
use bollard::query_parameters::{ListContainersOptionsBuilder, RemoveContainerOptionsBuilder};
use bollard::Docker;

use crate::connector::ConnectorError;

/// Every container flowspec creates carries this label (`=true`), so that leftovers from a
/// crash can be found and removed without touching anybody else's containers.
pub const LABEL_MANAGED: &str = "dev.flowspec.managed";
/// The run id of the invocation that created the container (also its name's suffix).
pub const LABEL_RUN: &str = "dev.flowspec.run";
/// The PID of the flowspec process that created the container: tests use it to check that
/// they, and not a concurrent run elsewhere on the machine, left nothing behind.
pub const LABEL_PID: &str = "dev.flowspec.pid";
/// The image reference as the user wrote it.
pub const LABEL_IMAGE: &str = "dev.flowspec.image";

/// Where Docker's own clients look when `DOCKER_HOST` is unset.
pub const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";

/// How long to wait for the engine to answer its version query before calling it unreachable.
/// A unix socket that does not exist fails at once; this bounds a TCP host that drops packets.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The engine address in use, and whether the user chose it through `DOCKER_HOST`: error
/// messages must say which, because "cannot connect" usually means one of those two is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerHost {
    pub url: String,
    pub from_env: bool,
}

impl DockerHost {
    /// `DOCKER_HOST` if set and non-empty, else the local socket.
    pub fn from_env() -> Self {
        match std::env::var("DOCKER_HOST") {
            Ok(url) if !url.trim().is_empty() => DockerHost {
                url: url.trim().to_string(),
                from_env: true,
            },
            _ => DockerHost {
                url: DEFAULT_HOST.to_string(),
                from_env: false,
            },
        }
    }

    /// The address with where it came from, e.g. `unix:///x.sock (from DOCKER_HOST)`.
    pub fn describe(&self) -> String {
        if self.from_env {
            format!("{} (from DOCKER_HOST)", self.url)
        } else {
            format!("{} (the default; DOCKER_HOST is not set)", self.url)
        }
    }

    pub(crate) fn unavailable(&self, reason: impl Into<String>) -> ConnectorError {
        ConnectorError::EngineUnavailable {
            host: self.describe(),
            reason: reason.into(),
        }
    }
}

/// Connects to the engine named by `DOCKER_HOST` (`unix://`, `tcp://`, `http://`), defaulting to
/// `unix:///var/run/docker.sock`, and negotiates the API version down to what the engine
/// speaks (Debian's 20.10 engine only knows API 1.41; bollard defaults to a newer one).
pub async fn connect() -> Result<Docker, ConnectorError> {
    connect_to(&DockerHost::from_env()).await
}

/// [`connect`] to an explicit address.
pub async fn connect_to(host: &DockerHost) -> Result<Docker, ConnectorError> {
    let docker = Docker::connect_with_host(&host.url).map_err(|e| {
        host.unavailable(match e {
            BollardError::UnsupportedURISchemeError { .. } => {
                "unsupported address scheme (use unix://PATH or tcp://HOST:PORT)".to_string()
            }
            e => error_chain(&e),
        })
    })?;
    match tokio::time::timeout(CONNECT_TIMEOUT, docker.negotiate_version()).await {
        Ok(Ok(docker)) => Ok(docker),
        Ok(Err(e)) => Err(host.unavailable(error_chain(&e))),
        Err(_) => Err(host.unavailable(format!("no answer within {}s", CONNECT_TIMEOUT.as_secs()))),
    }
}

/// The error with its sources, since bollard's top-level messages for transport failures
/// ("error trying to connect") hide the useful part ("No such file or directory").
pub(crate) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let s_text = s.to_string();
        if !out.contains(&s_text) {
            out.push_str(": ");
            out.push_str(&s_text);
        }
        source = s.source();
    }
    out
}

/// True when the error means the engine went away or never answered, rather than the engine
/// refusing a request: those become [`ConnectorError::EngineUnavailable`].
pub(crate) fn is_transport_error(e: &BollardError) -> bool {
    matches!(
        e,
        BollardError::HyperLegacyError { .. }
            | BollardError::HyperResponseError { .. }
            | BollardError::IOError { .. }
            | BollardError::RequestTimeoutError
    )
}

/// Maps an API failure during `what` onto a [`ConnectorError`].
pub(crate) fn api_error(host: &DockerHost, what: &str, e: BollardError) -> ConnectorError {
    if is_transport_error(&e) {
        host.unavailable(format!("{what}: {}", error_chain(&e)))
    } else {
        ConnectorError::Io(format!("{what}: {}", server_message(&e)))
    }
}

/// The engine's own message for a refused request, without bollard's wrapping.
pub(crate) fn server_message(e: &BollardError) -> String {
    match e {
        BollardError::DockerResponseServerError { message, .. } => message.clone(),
        BollardError::DockerStreamError { error } => error.clone(),
        e => error_chain(e),
    }
}

/// Ids of the containers labelled [`LABEL_MANAGED`], running or not, optionally only those
/// created by process `pid`.
pub async fn list_managed_containers(
    docker: &Docker,
    pid: Option<u32>,
) -> Result<Vec<String>, ConnectorError> {
    let mut labels = vec![format!("{LABEL_MANAGED}=true")];
    if let Some(pid) = pid {
        labels.push(format!("{LABEL_PID}={pid}"));
    }
    let filters: HashMap<&str, Vec<String>> = HashMap::from([("label", labels)]);
    let options = ListContainersOptionsBuilder::default()
        .all(true)
        .filters(&filters)
        .build();
    let host = DockerHost::from_env();
    let list = docker
        .list_containers(Some(options))
        .await
        .map_err(|e| api_error(&host, "listing containers", e))?;
    Ok(list.into_iter().filter_map(|c| c.id).collect())
}

/// Force-removes every container labelled `dev.flowspec.managed=true` (leftovers of a crashed
/// run; test teardown) and returns how many it removed. Containers that vanish meanwhile are
/// not an error.
pub async fn remove_managed_containers() -> Result<usize, ConnectorError> {
    let docker = connect().await?;
    let host = DockerHost::from_env();
    let mut removed = 0;
    for id in list_managed_containers(&docker, None).await? {
        match force_remove(&docker, &id).await {
            Ok(()) => removed += 1,
            Err(BollardError::DockerResponseServerError {
                status_code: 404, ..
            }) => {}
            Err(e) => return Err(api_error(&host, "removing a flowspec container", e)),
        }
    }
    Ok(removed)
}

/// Kills (SIGKILL) and removes a container in one call.
pub(crate) async fn force_remove(docker: &Docker, id: &str) -> Result<(), BollardError> {
    let options = RemoveContainerOptionsBuilder::default()
        .force(true)
        .v(true)
        .build();
    docker.remove_container(id, Some(options)).await
}
