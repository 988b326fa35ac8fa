//! `flowspec connector demo-capture|demo-materialize [--protobuf]` (hidden): flowspec's own
//! demo connectors, which the demo catalog runs as `local` endpoints. Each answers one spec,
//! discover or validate request from stdin (see `crate::connector::demo`).

use clap::Subcommand;

use crate::connector::demo;
use crate::connector::protocol::TaskType;

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
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

/// Runs a demo connector; returns its exit status.
pub fn run(cmd: Command) -> i32 {
    match cmd {
        Command::DemoCapture { protobuf } => demo::main(TaskType::Capture, protobuf),
        Command::DemoMaterialize { protobuf } => demo::main(TaskType::Materialize, protobuf),
    }
}
