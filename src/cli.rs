//! Command-line interface: the TUI by default, plus headless subcommands for scripts and CI.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Edit Estuary Flow catalog specs (flow.yaml) in the terminal.
#[derive(Debug, Parser)]
#[command(
    name = "flowspec",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// Catalog to open: a flow.yaml/flow.json file or a directory holding one.
    #[arg(default_value = "flow.yaml")]
    pub path: PathBuf,

    /// Browse only: saving and every other write is disabled.
    #[arg(long, global = true)]
    pub read_only: bool,

    /// Run the catalog's connectors (local commands, images) without asking first. Without
    /// it, the first run of each command in a catalog folder shows what would run and asks.
    #[arg(long)]
    pub trust: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate a catalog and print each problem as FILE:LINE:COL: severity: message.
    ///
    /// Exit status: 0 clean, 1 problems found, 2 the catalog could not be loaded.
    Check {
        #[arg(default_value = "flow.yaml")]
        path: PathBuf,
        /// Treat bindings to collections not defined in the loaded catalog as errors.
        #[arg(long)]
        strict: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// List the entities a catalog defines.
    ///
    /// Exit status: 0 listed, 2 the catalog (or a file of it) could not be loaded: what did
    /// load is listed, and the problems are printed on stderr.
    List {
        #[arg(default_value = "flow.yaml")]
        path: PathBuf,
        /// Only these kinds (capture, collection, materialization, test); repeatable.
        #[arg(long, value_enum)]
        kind: Vec<KindArg>,
        /// A JSON array with one object per entity.
        #[arg(long)]
        json: bool,
    },
    /// Write a small sample catalog into DIR (default ./flowspec-demo) and open it.
    Demo {
        #[arg(default_value = "flowspec-demo")]
        dir: PathBuf,
        /// Write the files but do not open the editor.
        #[arg(long)]
        no_open: bool,
        /// Run the demo's connectors without asking first.
        #[arg(long)]
        trust: bool,
    },
    /// Ask a connector for its spec: the JSON schemas of its endpoint and resource configs.
    ///
    /// The connector is an image (`flowspec spec IMAGE`), a task of a catalog
    /// (`flowspec spec --task NAME [PATH]`) or a local command
    /// (`flowspec spec --local [--protocol P] -- CMD ARGS...`).
    Spec(SpecArgs),
    /// Run a capture's discover and print the bindings it offers.
    Discover(DiscoverArgs),
    /// Run a task's validate against its enabled bindings.
    Validate(ValidateArgs),
    /// Connector configs: print a template to fill in, or edit a config file in a form.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Built-in connectors (for the demo catalog and tests).
    #[command(hide = true, subcommand)]
    Connector(ConnectorCommand),
}

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

#[derive(Debug, Clone, Args)]
pub struct SpecArgs {
    /// A connector image (NAME:TAG), or with --task the catalog (default flow.yaml).
    pub target: Option<String>,
    /// The capture or materialization whose connector to ask.
    #[arg(long, conflicts_with = "local")]
    pub task: Option<String>,
    /// Run the command given after `--` as a local connector.
    #[arg(long)]
    pub local: bool,
    /// Whether an image or local command is a capture or a materialization (default: the
    /// image's label or name, or capture).
    #[arg(long, value_enum)]
    pub kind: Option<TaskKindArg>,
    /// Print the spec response as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub run: RunArgs,
    /// With --local: the connector command and its arguments.
    #[arg(last = true)]
    pub command: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct DiscoverArgs {
    /// The capture to discover (optional when the catalog has one capture).
    #[arg(long)]
    pub task: Option<String>,
    #[arg(default_value = "flow.yaml")]
    pub path: PathBuf,
    /// Print each discovered binding as one JSON object per line.
    #[arg(long)]
    pub emit_raw: bool,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    /// The capture or materialization to validate (optional when the catalog has one task).
    #[arg(long)]
    pub task: Option<String>,
    #[arg(default_value = "flow.yaml")]
    pub path: PathBuf,
    /// Print the validated response as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Clone, Subcommand)]
pub enum ConfigCommand {
    /// Print a YAML stub of a connector's config: defaults filled in, and a commented
    /// placeholder for each required field without a default.
    Template(TemplateArgs),
    /// Edit a config file (created if absent) in the same form the editor uses.
    Edit(EditArgs),
}

#[derive(Debug, Clone, Args)]
pub struct EditArgs {
    /// The config file to edit (YAML or JSON).
    pub file: PathBuf,
    #[command(flatten)]
    pub from: TemplateArgs,
}

#[derive(Debug, Clone, Args)]
pub struct TemplateArgs {
    /// A JSON Schema file, or a spec response holding one (`configSchema`,
    /// `resourceConfigSchema`, Airbyte `connectionSpecification`).
    #[arg(long, conflicts_with = "image", required_unless_present = "image")]
    pub schema: Option<PathBuf>,
    /// A connector image (NAME:TAG) to ask for its spec (cached like `flowspec spec`).
    #[arg(long)]
    pub image: Option<String>,
    /// The resource (binding) config instead of the endpoint config.
    #[arg(long)]
    pub resource: bool,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Clone, Subcommand)]
pub enum ConnectorCommand {
    /// The demo capture: answers one spec, discover or validate request from stdin.
    DemoCapture {
        /// Speak length-prefixed protobuf instead of JSON.
        #[arg(long)]
        protobuf: bool,
    },
    /// The demo materialization: answers one spec or validate request from stdin.
    DemoMaterialize {
        /// Speak length-prefixed protobuf instead of JSON.
        #[arg(long)]
        protobuf: bool,
    },
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TaskKindArg {
    Capture,
    Materialization,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Capture,
    Collection,
    Materialization,
    Test,
}

impl From<KindArg> for crate::catalog::EntityKind {
    fn from(k: KindArg) -> Self {
        use crate::catalog::EntityKind as K;
        match k {
            KindArg::Capture => K::Capture,
            KindArg::Collection => K::Collection,
            KindArg::Materialization => K::Materialization,
            KindArg::Test => K::Test,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_template_parses() {
        let cli =
            Cli::try_parse_from(["flowspec", "config", "template", "--schema", "s.json"]).unwrap();
        match cli.command {
            Some(Command::Config(ConfigCommand::Template(a))) => {
                assert_eq!(a.schema, Some(PathBuf::from("s.json")));
                assert!(a.image.is_none() && !a.resource);
            }
            other => panic!("{other:?}"),
        }
        let cli = Cli::try_parse_from([
            "flowspec",
            "config",
            "template",
            "--image",
            "x/y:v1",
            "--resource",
        ])
        .unwrap();
        assert!(matches!(
            cli.command,
            Some(Command::Config(ConfigCommand::Template(TemplateArgs {
                resource: true,
                ..
            })))
        ));
        assert!(Cli::try_parse_from(["flowspec", "config", "template"]).is_err());
        assert!(Cli::try_parse_from([
            "flowspec", "config", "template", "--schema", "a", "--image", "b:1"
        ])
        .is_err());
    }

    #[test]
    fn connector_commands_parse() {
        let cli = Cli::try_parse_from([
            "flowspec",
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
        let cli = Cli::try_parse_from([
            "flowspec",
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
        let cli = Cli::try_parse_from(["flowspec", "connector", "demo-capture", "--protobuf"]);
        assert!(matches!(
            cli.unwrap().command,
            Some(Command::Connector(ConnectorCommand::DemoCapture {
                protobuf: true
            }))
        ));
    }
}
