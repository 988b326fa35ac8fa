//! The command-line grammar: the editor by default (`flowspec [PATH]`), plus headless
//! subcommands for scripts and CI. Each subcommand's flags live in its module under
//! `crate::cmd`, next to what it does; this file only names them.

use clap::{Parser, Subcommand};

use crate::cmd;

/// Edit Estuary Flow catalog specs (flow.yaml) in the terminal.
#[derive(Debug, Parser)]
#[command(
    name = "flowspec",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// With no subcommand: the editor's catalog and flags.
    #[command(flatten)]
    pub editor: cmd::editor::Args,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate a catalog and print each problem as FILE:LINE:COL: severity: message.
    ///
    /// Exit status: 0 clean, 1 problems found, 2 the catalog could not be loaded.
    Check(cmd::check::Args),
    /// List the entities a catalog defines.
    ///
    /// Exit status: 0 listed, 2 the catalog (or a file of it) could not be loaded: what did
    /// load is listed, and the problems are printed on stderr.
    List(cmd::list::Args),
    /// Write a small sample catalog into DIR (default ./flowspec-demo) and open it.
    Demo(cmd::demo::Args),
    /// Ask a connector for its spec: the JSON schemas of its endpoint and resource configs.
    ///
    /// The connector is an image (`flowspec spec IMAGE`), a task of a catalog
    /// (`flowspec spec --task NAME [PATH]`) or a local command
    /// (`flowspec spec --local [--protocol P] -- CMD ARGS...`).
    Spec(cmd::spec::Args),
    /// Run a capture's discover and print the bindings it offers.
    Discover(cmd::discover::Args),
    /// Run a task's validate against its enabled bindings.
    Validate(cmd::validate::Args),
    /// Encrypt a config file's secrets in place with sops (the `_sops` convention Flow uses).
    ///
    /// Exit status: 0 encrypted (or nothing to encrypt), 1 sops failed or the file was
    /// refused (already encrypted, no key), 2 the command line or the file is wrong.
    Encrypt(cmd::encrypt::Args),
    /// Create a capture or a materialization from nothing: the setup wizard, or with --name
    /// headless (connector spec, config checked and encrypted, discover or validate, files
    /// written in flowctl's layout; without --yes only the diff is printed).
    ///
    /// Exit status: 0 written (or shown), 1 the connector failed or the write was refused,
    /// 2 the command line, catalog, name or config is wrong, 130 cancelled.
    #[command(subcommand)]
    New(cmd::new::Command),
    /// Connector configs: print a template to fill in, or edit a config file in a form.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print a shell completion script (bash, zsh or fish).
    Completions(cmd::completions::Args),
    /// Built-in connectors (for the demo catalog and tests).
    #[command(hide = true, subcommand)]
    Connector(cmd::connector::Command),
}

#[derive(Debug, Clone, Subcommand)]
pub enum ConfigCommand {
    /// Print a YAML stub of a connector's config: defaults filled in, and a commented
    /// placeholder for each required field without a default.
    Template(cmd::config_template::Args),
    /// Edit a config file (created if absent) in the same form the editor uses.
    Edit(cmd::config_edit::Args),
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::time::Duration;

    use super::*;
    use crate::cmd::runner::{ProtocolArg, PullArg};

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("flowspec").chain(args.iter().copied()))
    }

    #[test]
    fn config_template_parses() {
        let cli = parse(&["config", "template", "--schema", "s.json"]).unwrap();
        match cli.command {
            Some(Command::Config(ConfigCommand::Template(a))) => {
                assert_eq!(a.schema, Some(PathBuf::from("s.json")));
                assert!(a.image.is_none() && !a.resource);
            }
            other => panic!("{other:?}"),
        }
        let cli = parse(&["config", "template", "--image", "x/y:v1", "--resource"]).unwrap();
        assert!(matches!(
            cli.command,
            Some(Command::Config(ConfigCommand::Template(
                cmd::config_template::Args { resource: true, .. }
            )))
        ));
        assert!(parse(&["config", "template"]).is_err());
        assert!(parse(&["config", "template", "--schema", "a", "--image", "b:1"]).is_err());
    }

    #[test]
    fn connector_commands_parse() {
        let cli = parse(&[
            "spec",
            "--local",
            "--protocol",
            "airbyte",
            "--timeout",
            "30s",
            "--",
            "/venv/bin/source-faker",
            "--debug",
        ])
        .unwrap();
        match cli.command {
            Some(Command::Spec(a)) => {
                assert!(a.local);
                assert_eq!(a.run.protocol, Some(ProtocolArg::Airbyte));
                assert_eq!(a.run.timeout, Some(Duration::from_secs(30)));
                assert_eq!(a.command, vec!["/venv/bin/source-faker", "--debug"]);
            }
            other => panic!("{other:?}"),
        }
        let cli = parse(&[
            "discover",
            "--task",
            "a/b",
            "cat/flow.yaml",
            "--emit-raw",
            "--pull",
            "never",
            "--no-cache",
        ])
        .unwrap();
        match cli.command {
            Some(Command::Discover(a)) => {
                assert_eq!(a.task.as_deref(), Some("a/b"));
                assert_eq!(a.path, PathBuf::from("cat/flow.yaml"));
                assert!(a.emit_raw && a.run.no_cache);
                assert_eq!(a.run.pull, PullArg::Never);
            }
            other => panic!("{other:?}"),
        }
        let cli = parse(&["connector", "demo-capture", "--protobuf"]);
        assert!(matches!(
            cli.unwrap().command,
            Some(Command::Connector(cmd::connector::Command::DemoCapture {
                protobuf: true
            }))
        ));
        assert!(parse(&["spec", "--timeout", "soon", "x:v1"]).is_err());
    }

    #[test]
    fn read_only_and_trust_only_where_they_mean_something() {
        let cli = parse(&["--read-only", "--trust", "cat"]).unwrap();
        assert!(cli.editor.read_only && cli.editor.trust && cli.command.is_none());
        assert_eq!(cli.editor.path, PathBuf::from("cat"));
        let cli = parse(&["demo", "--read-only", "--trust", "d"]).unwrap();
        assert!(matches!(
            cli.command,
            Some(Command::Demo(cmd::demo::Args {
                read_only: true,
                trust: true,
                ..
            }))
        ));
        let cli = parse(&[
            "config",
            "edit",
            "c.yaml",
            "--schema",
            "s.json",
            "--read-only",
        ]);
        assert!(matches!(
            cli.unwrap().command,
            Some(Command::Config(ConfigCommand::Edit(
                cmd::config_edit::Args {
                    read_only: true,
                    ..
                }
            )))
        ));
        // Before a subcommand's name the editor's flags make it the editor's PATH instead.
        let cli = parse(&["--read-only", "check"]).unwrap();
        assert!(cli.command.is_none() && cli.editor.path == std::path::Path::new("check"));
        for args in [
            &["check", "--read-only"][..],
            &["list", "--trust"],
            &["spec", "--read-only", "x:v1"],
            &["discover", "--trust"],
            &["config", "template", "--schema", "s.json", "--read-only"],
            &["config", "edit", "c.yaml", "--schema", "s.json", "--trust"],
        ] {
            assert!(parse(args).is_err(), "{args:?} should be refused");
        }
    }

    #[test]
    fn completions_parse_for_three_shells() {
        for shell in ["bash", "zsh", "fish"] {
            assert!(matches!(
                parse(&["completions", shell]).unwrap().command,
                Some(Command::Completions(_))
            ));
        }
        assert!(parse(&["completions", "powershell"]).is_err());
    }
}
