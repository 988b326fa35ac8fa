//! One connector invocation in a container.
//!
//! The call order is the one measured to work against Debian's 20.10 engine (machine notes):
//! create with stdin open and `stdin_once`, no TTY; attach *before* start (output written before
//! the attach is lost); start; write the request and close our write half (with `stdin_once`
//! the engine then closes the connector's stdin); read until the stream ends; wait for the exit
//! status with a bound; remove. The container is removed on every path, including errors,
//! timeouts, cancellation and the caller dropping the future.

use std::collections::{HashMap, VecDeque};
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bollard::container::LogOutput;
use bollard::errors::Error as BollardError;
use bollard::models::{ContainerCreateBody, HostConfig};
use bollard::query_parameters::{AttachContainerOptionsBuilder, CreateContainerOptionsBuilder};
use bollard::Docker;
use futures::StreamExt;
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc::UnboundedSender;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::engine::{
    api_error, connect_to, force_remove, DockerHost, LABEL_IMAGE, LABEL_MANAGED, LABEL_PID,
    LABEL_RUN,
};
use super::image::ensure_image;
use super::stderr::LineSplitter;
use super::DockerOptions;
use crate::connector::{ConnectorError, Exit, Invocation, LogLevel, LogLine, RunEvent};

/// Where the connector sees [`Invocation::files`]; `{files}` in arguments becomes this path.
pub const FILES_MOUNT: &str = "/tmp/flowspec-files";

/// Log lines kept in [`Exit::logs`]. Every line is still streamed as a [`RunEvent::Log`]; the
/// bound keeps a connector that logs in a loop from exhausting memory, and keeps the newest
/// lines because the last error is what explains a failure.
const MAX_KEPT_LOGS: usize = 10_000;

/// Bound on API calls made while cleaning up, so a wedged engine cannot hang a finished run.
const CLEANUP_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs `image` once: `inv.stdin` in, stdout (bounded by `inv.max_output`) and parsed stderr
/// out. A non-zero exit is returned in [`Exit::code`], not as an error: the protocol layer
/// decides what it means. `inv.timeout` counts from container creation; pulling (which reports
/// its own progress and has its own stall bound) is not part of it.
pub async fn invoke_docker(
    image: &str,
    inv: Invocation,
    events: UnboundedSender<RunEvent>,
    cancel: CancellationToken,
    opts: &DockerOptions,
) -> Result<Exit, ConnectorError> {
    let image_ref = super::image::parse_reference(image)?;
    let host = DockerHost::from_env();
    let docker = tokio::select! {
        biased;
        _ = cancel.cancelled() => return Err(ConnectorError::Cancelled),
        d = connect_to(&host) => d?,
    };
    let info = match &opts.inspected {
        Some(info) if info.reference == image => (**info).clone(),
        _ => {
            ensure_image(
                &docker, &host, &image_ref, image, opts.pull, &events, &cancel,
            )
            .await?
        }
    };
    if cancel.is_cancelled() {
        return Err(ConnectorError::Cancelled);
    }

    // Removed when dropped, on every path out of this function.
    let files = FilesDir::create(&inv.files, &info.user)?;
    let args: Vec<String> = inv
        .args
        .iter()
        .map(|a| a.replace("{files}", FILES_MOUNT))
        .collect();

    let run_id = new_run_id();
    let name = format!("flowspec-{run_id}");
    let labels = HashMap::from([
        (LABEL_MANAGED.to_string(), "true".to_string()),
        (LABEL_RUN.to_string(), run_id.clone()),
        (LABEL_PID.to_string(), std::process::id().to_string()),
        (LABEL_IMAGE.to_string(), image.to_string()),
    ]);
    let config = ContainerCreateBody {
        image: Some(image_ref.local_reference()),
        // No arguments leaves the image's own CMD in place, exactly as `docker run IMAGE` does.
        cmd: (!args.is_empty()).then_some(args),
        env: Some(inv.env.iter().map(|(k, v)| format!("{k}={v}")).collect()),
        labels: Some(labels),
        attach_stdin: Some(true),
        attach_stdout: Some(true),
        attach_stderr: Some(true),
        open_stdin: Some(true),
        // Without it the output stream ends when stdin closes and no response arrives.
        stdin_once: Some(true),
        // A TTY merges stderr into stdout and loses responses.
        tty: Some(false),
        host_config: Some(HostConfig {
            memory: (opts.memory_bytes > 0).then(|| opts.memory_bytes.min(i64::MAX as u64) as i64),
            network_mode: opts.network.clone(),
            binds: files
                .as_ref()
                .map(|f| vec![format!("{}:{FILES_MOUNT}:ro", f.path().display())]),
            ..Default::default()
        }),
        ..Default::default()
    };

    let _ = events.send(RunEvent::Phase(format!("starting {image}")));
    let deadline = Instant::now() + inv.timeout;
    let create = docker.create_container(
        Some(CreateContainerOptionsBuilder::default().name(&name).build()),
        config,
    );
    let created = tokio::select! {
        biased;
        _ = cancel.cancelled() => Err(ConnectorError::Cancelled),
        _ = tokio::time::sleep_until(deadline) => Err(ConnectorError::Timeout(inv.timeout)),
        r = create => r.map_err(|e| start_error(&host, image, e)),
    };
    let id = match created {
        Ok(c) => c.id,
        Err(e) => {
            // The engine may have created it just before we stopped listening.
            let _ = tokio::time::timeout(CLEANUP_TIMEOUT, force_remove(&docker, &name)).await;
            return Err(e);
        }
    };
    let mut guard = ContainerGuard::new(docker.clone(), id.clone());

    let result = drive(
        &docker, &host, &id, image, &inv, &events, &cancel, deadline, opts,
    )
    .await;

    guard.remove().await;
    drop(files);
    result
}

/// Attach, start, exchange bytes, collect the exit status.
#[allow(clippy::too_many_arguments)]
async fn drive(
    docker: &Docker,
    host: &DockerHost,
    id: &str,
    image: &str,
    inv: &Invocation,
    events: &UnboundedSender<RunEvent>,
    cancel: &CancellationToken,
    deadline: Instant,
    opts: &DockerOptions,
) -> Result<Exit, ConnectorError> {
    let attach_options = AttachContainerOptionsBuilder::default()
        .stdin(true)
        .stdout(true)
        .stderr(true)
        .stream(true)
        .build();
    let attach = async {
        let attached = docker
            .attach_container(id, Some(attach_options))
            .await
            .map_err(|e| start_error(host, image, e))?;
        docker
            .start_container(id, None)
            .await
            .map_err(|e| start_error(host, image, e))?;
        Ok::<_, ConnectorError>(attached)
    };
    let attached = bounded(cancel, deadline, inv.timeout, attach).await??;
    let _ = events.send(RunEvent::Phase("waiting for response".into()));

    let mut output = attached.output;
    let mut input = attached.input;
    let request = inv.stdin.clone();
    // Written concurrently with reading: a connector may answer (or fail) before it has read
    // everything, and a full stdout pipe would otherwise deadlock against a full stdin pipe.
    let mut write_stdin = Box::pin(async move {
        input.write_all(&request).await?;
        input.shutdown().await
    });
    let mut stdin_open = true;

    let mut stdout = Vec::new();
    let mut logs: VecDeque<LogLine> = VecDeque::new();
    let mut splitter = LineSplitter::default();
    let mut keep = |line: LogLine| {
        let _ = events.send(RunEvent::Log(line.clone()));
        if logs.len() == MAX_KEPT_LOGS {
            logs.pop_front();
        }
        logs.push_back(line);
    };

    loop {
        tokio::select! {
            biased;
            _ = cancel.cancelled() => return Err(ConnectorError::Cancelled),
            _ = tokio::time::sleep_until(deadline) => return Err(ConnectorError::Timeout(inv.timeout)),
            written = &mut write_stdin, if stdin_open => {
                stdin_open = false;
                // A connector that exits without reading its input makes this fail with a
                // broken pipe; its exit status and logs say more than that error would.
                if let Err(e) = written {
                    tracing::debug!("writing the request to {image}: {e}");
                }
            }
            item = output.next() => match item {
                None => break,
                Some(Ok(LogOutput::StdOut { message } | LogOutput::Console { message })) => {
                    if stdout.len() + message.len() > inv.max_output {
                        return Err(ConnectorError::OutputTooLarge { limit: inv.max_output });
                    }
                    stdout.extend_from_slice(&message);
                }
                Some(Ok(LogOutput::StdErr { message })) => splitter.push(&message, &mut keep),
                Some(Ok(LogOutput::StdIn { .. })) => {}
                Some(Err(e)) => return Err(api_error(host, &format!("reading from {image}"), e)),
            },
        }
    }
    splitter.finish(&mut keep);
    drop(write_stdin);

    let wait = async {
        match docker.wait_container(id, None).next().await {
            Some(Ok(r)) => Ok(r.status_code),
            // bollard turns a non-zero status into this error; the code is all we need.
            Some(Err(BollardError::DockerContainerWaitError { code, .. })) => Ok(code),
            Some(Err(e)) => Err(api_error(host, &format!("waiting for {image}"), e)),
            None => Err(ConnectorError::Io(format!(
                "waiting for {image}: the engine sent no exit status"
            ))),
        }
    };
    let code = bounded(cancel, deadline, inv.timeout, wait).await??;

    // 137 is SIGKILL; say so when it was the memory limit, which a connector cannot report.
    if code == 137 {
        if let Ok(c) = docker.inspect_container(id, None).await {
            if c.state.and_then(|s| s.oom_killed) == Some(true) {
                keep(LogLine {
                    level: LogLevel::Error,
                    message: format!(
                        "the connector ran out of memory (limit {} MiB) and was killed",
                        opts.memory_bytes >> 20
                    ),
                    fields: None,
                });
            }
        }
    }

    Ok(Exit {
        stdout,
        code: Some(code),
        logs: logs.into(),
    })
}

/// Runs `fut` unless the run is cancelled or out of time first.
async fn bounded<T>(
    cancel: &CancellationToken,
    deadline: Instant,
    timeout: Duration,
    fut: impl std::future::Future<Output = T>,
) -> Result<T, ConnectorError> {
    tokio::select! {
        biased;
        _ = cancel.cancelled() => Err(ConnectorError::Cancelled),
        _ = tokio::time::sleep_until(deadline) => Err(ConnectorError::Timeout(timeout)),
        v = fut => Ok(v),
    }
}

fn start_error(host: &DockerHost, image: &str, e: BollardError) -> ConnectorError {
    if super::engine::is_transport_error(&e) {
        return api_error(host, &format!("starting {image}"), e);
    }
    ConnectorError::Start {
        what: format!("a container for {image}"),
        reason: super::engine::server_message(&e),
    }
}

/// Unique per process and call; also carries the PID so concurrent flowspec processes never
/// pick the same container name.
fn new_run_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{:x}-{nanos:08x}-{n}", std::process::id())
}

/// Removes the container when the run ends; if the run's future is dropped instead (the caller
/// gave up on it without cancelling), removal is spawned onto the runtime.
struct ContainerGuard {
    docker: Docker,
    id: Option<String>,
}

impl ContainerGuard {
    fn new(docker: Docker, id: String) -> Self {
        ContainerGuard {
            docker,
            id: Some(id),
        }
    }

    async fn remove(&mut self) {
        if let Some(id) = self.id.take() {
            match tokio::time::timeout(CLEANUP_TIMEOUT, force_remove(&self.docker, &id)).await {
                Ok(Ok(())) => {}
                Ok(Err(BollardError::DockerResponseServerError {
                    status_code: 404, ..
                })) => {}
                Ok(Err(e)) => tracing::warn!("removing container {id}: {e}"),
                Err(_) => tracing::warn!("removing container {id}: no answer from the engine"),
            }
        }
    }
}

impl Drop for ContainerGuard {
    fn drop(&mut self) {
        if let Some(id) = self.id.take() {
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                let docker = self.docker.clone();
                rt.spawn(async move {
                    let _ = tokio::time::timeout(CLEANUP_TIMEOUT, force_remove(&docker, &id)).await;
                });
            }
        }
    }
}

/// A private directory holding the invocation's files (Airbyte `--config` files): mode 0700 with
/// files 0600, so other local users cannot read the secrets inside, mounted read-only into the
/// container and deleted when dropped.
struct FilesDir {
    dir: tempfile::TempDir,
}

impl FilesDir {
    /// `None` when there are no files. `user` is the image's user: when it is a numeric uid the
    /// files are handed to that uid, so a connector that does not run as root can read them.
    /// A user given by name cannot be resolved on this side; such images must run as root or
    /// make their user's uid match.
    fn create(files: &[(String, Vec<u8>)], user: &str) -> Result<Option<Self>, ConnectorError> {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        if files.is_empty() {
            return Ok(None);
        }
        let io = |what: &str, e: std::io::Error| ConnectorError::Io(format!("{what}: {e}"));
        let dir = tempfile::Builder::new()
            .prefix("flowspec-files-")
            .tempdir()
            .map_err(|e| io("creating a directory for connector files", e))?;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))
            .map_err(|e| io("restricting the connector files directory", e))?;
        let owner = numeric_owner(user);
        for (name, contents) in files {
            if name.is_empty() || name.contains('/') || name == "." || name == ".." {
                return Err(ConnectorError::Io(format!(
                    "connector file name {name:?} must be a plain file name"
                )));
            }
            let path = dir.path().join(name);
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&path)
                .map_err(|e| io(&format!("creating {}", path.display()), e))?;
            f.write_all(contents)
                .map_err(|e| io(&format!("writing {}", path.display()), e))?;
            chown_best_effort(&path, owner);
        }
        chown_best_effort(dir.path(), owner);
        Ok(Some(FilesDir { dir }))
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// `uid[:gid]` of a non-root image user, when numeric.
fn numeric_owner(user: &str) -> Option<(u32, Option<u32>)> {
    let (u, g) = match user.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (user, None),
    };
    let uid: u32 = u.parse().ok()?;
    let gid = g.and_then(|g| g.parse().ok());
    (uid != 0).then_some((uid, gid))
}

fn chown_best_effort(path: &Path, owner: Option<(u32, Option<u32>)>) {
    if let Some((uid, gid)) = owner {
        if let Err(e) = std::os::unix::fs::chown(path, Some(uid), gid) {
            tracing::debug!("giving {} to uid {uid}: {e}", path.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_private_and_removed_on_drop() {
        use std::os::unix::fs::PermissionsExt;
        let files = vec![("config.json".to_string(), b"{\"k\":1}".to_vec())];
        let dir = FilesDir::create(&files, "").unwrap().unwrap();
        let path = dir.path().to_path_buf();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o700);
        assert_eq!(mode(&path.join("config.json")), 0o600);
        assert_eq!(
            std::fs::read(path.join("config.json")).unwrap(),
            b"{\"k\":1}"
        );
        drop(dir);
        assert!(!path.exists());
        assert!(FilesDir::create(&[], "").unwrap().is_none());
        let bad = vec![("../x".to_string(), vec![])];
        assert!(FilesDir::create(&bad, "").is_err());
    }

    #[test]
    fn numeric_owner_ignores_root_and_names() {
        assert_eq!(numeric_owner("1000"), Some((1000, None)));
        assert_eq!(numeric_owner("1000:50"), Some((1000, Some(50))));
        assert_eq!(numeric_owner("0"), None);
        assert_eq!(numeric_owner(""), None);
        assert_eq!(numeric_owner("airbyte"), None);
    }
}
