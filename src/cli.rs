//! Command-line interface: the TUI by default, plus headless subcommands for scripts and CI.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

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
    },
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
