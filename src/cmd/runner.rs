//! Running a connector from the command line, shared by `spec`, `discover`, `validate` and
//! `config template|edit --image`: the flags they share, the connector's log on stderr while
//! it runs, Ctrl-C cancelling it (which kills the connector and removes its container), and
//! the exit status each outcome maps to. What runs is resolved by `connector::target`, and run
//! by `connector::ops`, exactly as the editor does.

use std::time::Duration;

use clap::{Args, ValueEnum};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio_util::sync::CancellationToken;

use crate::connector::ops::Prepared;
use crate::connector::protocol::{Operation, TaskType};
use crate::connector::run::{DockerOptions, Protocol, PullPolicy, RunOptions};
use crate::connector::target::Target;
use crate::connector::task::TaskError;
use crate::connector::{ConnectorError, LogLevel, RunEvent};
use crate::errln;
use crate::text::escape_control;

/// Exit status when the connector failed.
pub const EXIT_CONNECTOR: i32 = 1;
/// Exit status when the command line or the catalog is wrong (nothing was run).
pub const EXIT_USAGE: i32 = 2;
/// Exit status after Ctrl-C.
pub const EXIT_CANCELLED: i32 = 130;

/// Options shared by every command that runs a connector.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// The protocol the connector speaks (default: the endpoint's: Flow JSON for `local`
    /// unless `protobuf: true`; for images, their labels).
    #[arg(long, value_enum)]
    pub protocol: Option<ProtocolArg>,
    /// Stop the connector after this long (e.g. 30s, 2m, 1h; default 2m for spec, 10m for
    /// discover and validate).
    #[arg(long, value_parser = crate::syntax::duration::parse_timeout)]
    pub timeout: Option<Duration>,
    /// When to pull images.
    #[arg(long, value_enum, default_value_t = PullArg::Missing)]
    pub pull: PullArg,
    /// Docker network for image connectors.
    #[arg(long)]
    pub network: Option<String>,
    /// Ask the connector even when a cached answer exists.
    #[arg(long)]
    pub no_cache: bool,
    /// Do not print the connector's log lines on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProtocolArg {
    FlowJson,
    FlowProto,
    Airbyte,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PullArg {
    Missing,
    Always,
    Never,
}

/// `--kind` of an image or local command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TaskKindArg {
    Capture,
    Materialization,
}

impl From<TaskKindArg> for TaskType {
    fn from(k: TaskKindArg) -> Self {
        match k {
            TaskKindArg::Capture => TaskType::Capture,
            TaskKindArg::Materialization => TaskType::Materialize,
        }
    }
}

impl RunArgs {
    /// `--protocol`, as the connector layer names it.
    pub fn protocol(&self) -> Option<Protocol> {
        self.protocol.map(|p| match p {
            ProtocolArg::FlowJson => Protocol::FlowJson,
            ProtocolArg::FlowProto => Protocol::FlowProto,
            ProtocolArg::Airbyte => Protocol::Airbyte,
        })
    }

    /// `--pull` and `--network`, for image connectors.
    pub fn docker(&self) -> DockerOptions {
        DockerOptions {
            network: self.network.clone(),
            pull: match self.pull {
                PullArg::Missing => PullPolicy::Missing,
                PullArg::Always => PullPolicy::Always,
                PullArg::Never => PullPolicy::Never,
            },
            ..DockerOptions::default()
        }
    }

    /// The limits of running `op`: its default timeout unless `--timeout` says otherwise.
    pub fn options(&self, op: Operation) -> RunOptions {
        let mut opts = RunOptions::for_operation(op);
        if let Some(t) = self.timeout {
            opts.timeout = t;
        }
        opts
    }
}

/// A failure of a connector command, with the exit status it maps to.
pub enum Failure {
    /// The command line or the catalog is wrong; nothing ran.
    Usage(String),
    Connector(ConnectorError),
}

impl From<TaskError> for Failure {
    fn from(e: TaskError) -> Self {
        Failure::Usage(e.0)
    }
}

impl From<ConnectorError> for Failure {
    fn from(e: ConnectorError) -> Self {
        Failure::Connector(e)
    }
}

/// Prints a failure on stderr and returns the exit status: 0, 1 (the connector failed),
/// 2 (usage; nothing ran) or 130 (cancelled).
pub fn finish(r: Result<(), Failure>) -> i32 {
    match r {
        Ok(()) => 0,
        Err(Failure::Usage(m)) => {
            errln!("error: {m}");
            EXIT_USAGE
        }
        Err(Failure::Connector(ConnectorError::Cancelled)) => {
            errln!("cancelled; the connector was stopped");
            EXIT_CANCELLED
        }
        Err(Failure::Connector(e)) => {
            errln!("error: {e}");
            EXIT_CONNECTOR
        }
    }
}

/// The single-threaded runtime a headless connector command runs on.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts")
}

/// Loads the catalog a connector command names; a catalog that cannot be loaded is a usage
/// error (nothing runs).
pub fn load_catalog(path: &std::path::Path) -> Result<crate::catalog::Catalog, Failure> {
    crate::catalog::load(path, &mut |_| {}).map_err(|e| Failure::Usage(e.to_string()))
}

/// Decides the target's protocol and task type. Images are pulled here (per `--pull`, progress
/// on stderr even with `--quiet`, Ctrl-C cancels) and inspected once, so the run that follows
/// does not pull again.
pub async fn prepare(target: &Target) -> Result<Prepared, ConnectorError> {
    let console = Console::start(false);
    let prepared = target.prepare(&console.tx, &console.cancel).await;
    console.finish().await;
    prepared
}

/// While a connector works: its events printed on stderr, and Ctrl-C cancelling it.
pub struct Console {
    pub tx: UnboundedSender<RunEvent>,
    pub cancel: CancellationToken,
    printer: tokio::task::JoinHandle<()>,
    signal: tokio::task::JoinHandle<()>,
}

impl Console {
    /// Starts printing events (`quiet`: pull progress and logs are dropped) and listening for
    /// Ctrl-C.
    pub fn start(quiet: bool) -> Self {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let printer = tokio::spawn(print_events(rx, quiet));
        let cancel = CancellationToken::new();
        let on_signal = cancel.clone();
        let signal = tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_signal.cancel();
            }
        });
        Console {
            tx,
            cancel,
            printer,
            signal,
        }
    }

    /// Stops listening for Ctrl-C and waits until every event has been printed.
    pub async fn finish(self) {
        self.signal.abort();
        drop(self.tx);
        let _ = self.printer.await;
    }
}

/// Prints pull progress and the connector's log lines (info and above) on stderr.
async fn print_events(mut rx: UnboundedReceiver<RunEvent>, quiet: bool) {
    while let Some(event) = rx.recv().await {
        if quiet {
            continue;
        }
        match event {
            RunEvent::Pull(p) => errln!(
                "pulling: {}/{} layers, {:.1}/{:.1} MB {}",
                p.layers_done,
                p.layers,
                p.current as f64 / 1e6,
                p.total as f64 / 1e6,
                escape_control(&p.status)
            ),
            RunEvent::Log(l) if l.level >= LogLevel::Info => {
                let level = match l.level {
                    LogLevel::Error => "error",
                    LogLevel::Warn => "warn",
                    _ => "info",
                };
                errln!("connector {level}: {}", escape_control(&l.message));
            }
            RunEvent::Log(_) | RunEvent::Phase(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_args_map_to_connector_options() {
        let args = RunArgs {
            protocol: Some(ProtocolArg::Airbyte),
            timeout: Some(Duration::from_secs(5)),
            pull: PullArg::Never,
            network: Some("host".into()),
            no_cache: false,
            quiet: false,
        };
        assert_eq!(args.protocol(), Some(Protocol::Airbyte));
        let docker = args.docker();
        assert_eq!(
            (docker.pull, docker.network.as_deref()),
            (PullPolicy::Never, Some("host"))
        );
        assert_eq!(
            args.options(Operation::Discover).timeout,
            Duration::from_secs(5)
        );
        let defaults = RunArgs {
            timeout: None,
            ..args
        };
        assert_eq!(
            defaults.options(Operation::Discover).timeout,
            crate::connector::run::DISCOVER_VALIDATE_TIMEOUT
        );
        assert_eq!(
            TaskType::from(TaskKindArg::Materialization),
            TaskType::Materialize
        );
    }
}
