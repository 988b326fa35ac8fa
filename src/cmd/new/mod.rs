//! `flowspec new capture|materialization [PATH]`: creates a task from nothing. Without
//! `--name` it opens the setup wizard; with `--name` it works headless, for scripts and tests:
//! the connector (`--image IMAGE`, or `--local -- CMD ARGS...`) is asked for its spec, the
//! config (`--config FILE`) is checked against it and its secrets encrypted as the editor's
//! form would (sops, the key found by `.sops.yaml` or flowspec's settings), then a capture runs
//! discover and keeps its bindings, a materialization runs validate on one binding per
//! `--source` collection (or on the bindings a `--link-capture` adds). The files are written in
//! the wizard's layout (`crate::create`); without `--yes` their diff is printed and nothing is
//! written.
//!
//! Exit status: 0 written (or shown without `--yes`), 1 the connector failed or the write was
//! refused (no sops key, a name collision found late, a save error), 2 the command line, the
//! catalog, the name or the config is wrong (nothing ran or nothing was written), 130 after
//! Ctrl-C.

mod finish;
mod setup;

use std::path::{Path, PathBuf};

use clap::{Args as ClapArgs, Subcommand};

use super::runner::{Failure, RunArgs};
use crate::connector::ConnectorError;
use crate::create::Kind;
use crate::errln;

/// `new capture` or `new materialization`.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Create a capture: opens the setup wizard, or with --name works headless.
    Capture(CaptureArgs),
    /// Create a materialization: opens the setup wizard, or with --name works headless.
    Materialization(MaterializationArgs),
}

/// The flags both kinds take.
#[derive(Debug, Clone, ClapArgs)]
pub struct Common {
    /// The new task's full name (`acmeCo/shop/source-postgres`); without it the wizard opens.
    #[arg(long)]
    pub name: Option<String>,
    /// The endpoint config (YAML or JSON, in plaintext): checked against the connector's
    /// schema, its secrets encrypted with sops. Default: an empty config.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Write the files (without it the diff is printed and nothing is written).
    #[arg(long, short)]
    pub yes: bool,
    /// The connector image, with its tag (`ghcr.io/estuary/source-postgres:v1`).
    #[arg(long, conflicts_with = "local")]
    pub image: Option<String>,
    /// Run the command given after `--` as a local connector.
    #[arg(long)]
    pub local: bool,
    /// With the wizard: run the connectors you pick without asking first.
    #[arg(long)]
    pub trust: bool,
    #[command(flatten)]
    pub run: RunArgs,
}

/// `flowspec new capture`.
#[derive(Debug, Clone, ClapArgs)]
pub struct CaptureArgs {
    /// The catalog (a file, or a folder holding one); created when it does not exist.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    #[command(flatten)]
    pub common: Common,
    /// Add every discovered binding, enabled (default: as Flow adds them to a new capture —
    /// those the connector suggests leaving out are added disabled).
    #[arg(long)]
    pub all_bindings: bool,
    /// With --local: the connector command and its arguments.
    #[arg(last = true)]
    pub command: Vec<String>,
}

/// `flowspec new materialization`.
#[derive(Debug, Clone, ClapArgs)]
pub struct MaterializationArgs {
    /// The catalog (a file, or a folder holding one); created when it does not exist.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    #[command(flatten)]
    pub common: Common,
    /// A collection to materialize (repeat for more); each becomes a binding.
    #[arg(long, value_name = "COLLECTION", conflicts_with = "link_capture")]
    pub source: Vec<String>,
    /// Materialize what a capture writes: `source: {capture: NAME}`, with a binding for each
    /// of its enabled bindings' collections.
    #[arg(long, value_name = "NAME")]
    pub link_capture: Option<String>,
    /// With --local: the connector command and its arguments.
    #[arg(last = true)]
    pub command: Vec<String>,
}

/// Runs `new`; returns the exit status.
pub fn run(command: Command) -> i32 {
    let (kind, path, common, command_line) = match &command {
        Command::Capture(a) => (Kind::Capture, &a.path, &a.common, &a.command),
        Command::Materialization(a) => (Kind::Materialization, &a.path, &a.common, &a.command),
    };
    if common.name.is_none() {
        if common.image.is_some() || common.local || common.config.is_some() || common.yes {
            errln!("error: --image, --local, --config and --yes work with --name (without it the wizard opens)");
            return super::runner::EXIT_USAGE;
        }
        return wizard(path, kind, common.trust);
    }
    if let Err(m) = check_connector_flags(common, command_line) {
        return exit(Fail::Usage(m));
    }
    let result = super::runner::runtime().block_on(async {
        match &command {
            Command::Capture(a) => setup::capture(a).await,
            Command::Materialization(a) => setup::materialization(a).await,
        }
    });
    match result {
        Ok(ready) => finish::finish(&ready, common.yes),
        Err(f) => exit(f),
    }
}

/// The setup wizard, for `new` without `--name` (it needs a terminal; it says so otherwise).
fn wizard(path: &Path, kind: Kind, trust: bool) -> i32 {
    crate::cmd::editor::run_wizard(path, kind, trust)
}

/// Exactly one of `--image IMAGE` and `--local -- CMD`.
fn check_connector_flags(common: &Common, command: &[String]) -> Result<(), String> {
    match (&common.image, common.local, command.is_empty()) {
        (Some(_), _, false) => Err("a command after `--` needs --local, not --image".into()),
        (Some(_), _, true) => Ok(()),
        (None, true, false) => Ok(()),
        (None, true, true) => Err(
            "--local needs the connector command after `--`, e.g. `--local -- ./source-x`".into(),
        ),
        (None, false, _) => {
            Err("name the connector: --image IMAGE:TAG, or --local -- CMD ARGS...".into())
        }
    }
}

/// Why `new` stopped, with the exit status each maps to.
pub(crate) enum Fail {
    /// The command line, catalog, name or config is wrong (2).
    Usage(String),
    /// Refused: nothing written (1).
    Refused(String),
    /// The connector failed (1) or was cancelled (130).
    Connector(ConnectorError),
}

impl From<Failure> for Fail {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Usage(m) => Fail::Usage(m),
            Failure::Connector(e) => Fail::Connector(e),
        }
    }
}

impl From<ConnectorError> for Fail {
    fn from(e: ConnectorError) -> Self {
        Fail::Connector(e)
    }
}

/// Prints the failure; returns the exit status.
fn exit(f: Fail) -> i32 {
    match f {
        // `errln!` escapes control characters but keeps line breaks (a config's problems are
        // one per line, each escaped where it was made).
        Fail::Usage(m) => {
            errln!("error: {m}");
            super::runner::EXIT_USAGE
        }
        Fail::Refused(m) => {
            errln!("error: {m}; nothing was written");
            1
        }
        Fail::Connector(e) => super::runner::finish(Err(Failure::Connector(e))),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command as Top};

    fn parse(args: &[&str]) -> Result<Command, clap::Error> {
        let cli = Cli::try_parse_from(std::iter::once("flowspec").chain(args.iter().copied()))?;
        match cli.command {
            Some(Top::New(c)) => Ok(c),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_headless_grammar() {
        let c = parse(&[
            "new",
            "capture",
            "cat",
            "--name",
            "a/b",
            "--all-bindings",
            "--yes",
            "--local",
            "--protocol",
            "airbyte",
            "--",
            "/venv/bin/source-x",
            "--name",
            "y",
        ])
        .unwrap();
        let Command::Capture(a) = c else { panic!() };
        assert_eq!(a.path, PathBuf::from("cat"));
        assert_eq!(a.common.name.as_deref(), Some("a/b"));
        assert!(a.all_bindings && a.common.yes && a.common.local);
        // `--` ends flowspec's options: the connector's own `--name` is its argument.
        assert_eq!(a.command, vec!["/venv/bin/source-x", "--name", "y"]);
        let c = parse(&[
            "new",
            "materialization",
            "--name",
            "a/m",
            "--source",
            "a/x",
            "--source",
            "a/y",
            "--image",
            "ghcr.io/estuary/materialize-postgres:v1",
            "--config",
            "c.yaml",
        ])
        .unwrap();
        let Command::Materialization(m) = c else {
            panic!()
        };
        assert_eq!(m.source, vec!["a/x", "a/y"]);
        assert_eq!(m.path, PathBuf::from("."));
        assert!(parse(&[
            "new",
            "materialization",
            "--source",
            "a",
            "--link-capture",
            "b"
        ])
        .is_err());
        assert!(parse(&["new", "capture", "--image", "x:1", "--local"]).is_err());
        assert!(parse(&["new", "capture", "--source", "a"]).is_err());
    }

    #[test]
    fn one_connector_is_named() {
        let common = |image: Option<&str>, local: bool| Common {
            name: Some("a/b".into()),
            config: None,
            yes: false,
            image: image.map(str::to_string),
            local,
            trust: false,
            run: RunArgs {
                protocol: None,
                timeout: None,
                pull: crate::cmd::runner::PullArg::Missing,
                network: None,
                no_cache: false,
                quiet: false,
            },
        };
        let cmd = vec!["x".to_string()];
        assert!(check_connector_flags(&common(Some("i:1"), false), &[]).is_ok());
        assert!(check_connector_flags(&common(None, true), &cmd).is_ok());
        assert!(check_connector_flags(&common(None, true), &[])
            .unwrap_err()
            .contains("after `--`"));
        assert!(check_connector_flags(&common(Some("i:1"), false), &cmd).is_err());
        assert!(check_connector_flags(&common(None, false), &[])
            .unwrap_err()
            .contains("--image"));
    }
}
