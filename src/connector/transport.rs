//! The process boundary shared by every way of running a connector (a Docker container or a
//! local command): bytes to stdin, stdout back (bounded), stderr as a log stream, an exit code,
//! a timeout and cancellation. Protocols (Flow JSON/protobuf, Airbyte) sit on top of this.

use std::time::Duration;

use serde_json::Value;

/// One execution of a connector. Its `Debug` shows the arguments and names, never the
/// request, the files' contents or the environment's values (they carry the config).
#[derive(Clone)]
pub struct Invocation {
    /// Arguments appended to the image's entrypoint or the local command (Airbyte uses
    /// `spec`, `discover --config FILE`, `check --config FILE`; Flow protocols use none).
    /// The literal `{files}` inside an argument is replaced by the directory where the
    /// connector sees `files`.
    pub args: Vec<String>,
    /// Written to stdin, which is then closed.
    pub stdin: Vec<u8>,
    /// Files the connector reads (Airbyte config files): created mode 0600 in a private
    /// temporary directory that is removed afterwards. Never passed through argv or env.
    pub files: Vec<(String, Vec<u8>)>,
    /// Extra environment (local endpoints' `env`, `LOG_LEVEL`).
    pub env: Vec<(String, String)>,
    /// Killed (container removed, process group killed) when this runs out.
    pub timeout: Duration,
    /// Stdout larger than this is a protocol error, read no further.
    pub max_output: usize,
}

impl std::fmt::Debug for Invocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::secrets::REDACTED;
        let files: Vec<_> = self
            .files
            .iter()
            .map(|(name, _)| (name, REDACTED))
            .collect();
        let env: Vec<_> = self.env.iter().map(|(k, _)| (k, REDACTED)).collect();
        f.debug_struct("Invocation")
            .field("args", &self.args)
            .field("stdin", &REDACTED)
            .field("files", &files)
            .field("env", &env)
            .field("timeout", &self.timeout)
            .field("max_output", &self.max_output)
            .finish()
    }
}

/// What a finished connector produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Exit {
    pub stdout: Vec<u8>,
    /// Exit status; `None` when killed by a signal.
    pub code: Option<i64>,
    /// Every stderr line, parsed.
    pub logs: Vec<LogLine>,
}

impl Exit {
    /// The message of the last error-level log line: what Flow shows when a connector fails.
    pub fn last_error(&self) -> Option<&str> {
        self.logs
            .iter()
            .rev()
            .find(|l| l.level >= LogLevel::Error)
            .or_else(|| self.logs.last())
            .map(|l| l.message.as_str())
    }
}

/// Severity of a connector log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
}

/// One stderr line: JSON logs (`{"level","msg"|"message", ...fields}`) are parsed, anything
/// else is kept as an info line.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    pub level: LogLevel,
    pub message: String,
    /// Remaining structured fields, if any.
    pub fields: Option<Value>,
}

/// Image pull progress, summed over layers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullProgress {
    pub layers_done: usize,
    pub layers: usize,
    pub current: u64,
    pub total: u64,
    pub status: String,
}

/// Streamed while a connector runs, for live log panes and progress bars.
#[derive(Debug, Clone, PartialEq)]
pub enum RunEvent {
    Log(LogLine),
    Pull(PullProgress),
    /// A phase change such as "pulling", "starting", "waiting for response".
    Phase(String),
}

/// Everything that can go wrong running a connector, each with a message a person can act on.
#[derive(Debug, thiserror::Error)]
pub enum ConnectorError {
    #[error("cannot reach a Docker engine at {host}: {reason}. Set DOCKER_HOST, or start one (e.g. `dockerd`), then retry")]
    EngineUnavailable { host: String, reason: String },
    #[error("image {image} not found locally and pulling is disabled (--pull never)")]
    ImageMissing { image: String },
    #[error("pulling {image} failed: {reason}")]
    PullFailed { image: String, reason: String },
    #[error("image reference {0} has no tag; write it as NAME:TAG or NAME@sha256:...")]
    NoTag(String),
    #[error("image reference {image} cannot be pulled: {reason}")]
    BadImage { image: String, reason: String },
    #[error("the connector exited with status {code}: {message}")]
    Exited { code: i64, message: String },
    #[error("the connector did not answer within {0:?}; it was stopped")]
    Timeout(Duration),
    #[error("cancelled")]
    Cancelled,
    #[error("the connector's response is larger than {limit} bytes; stopped reading")]
    OutputTooLarge { limit: usize },
    #[error("protocol error: {message}{}", if .excerpt.is_empty() { String::new() } else { format!("; received: {}", .excerpt) })]
    Protocol { message: String, excerpt: String },
    #[error("the connector reported an error: {0}")]
    Reported(String),
    #[error("cannot decrypt the sops-encrypted config: {0}; nothing was run")]
    Sops(String),
    #[error("cannot start {what}: {reason}")]
    Start { what: String, reason: String },
    #[error("{0}")]
    Io(String),
}
