//! The command line's subcommands, one module each, named as typed: `check`, `list`, `demo`,
//! `spec`, `discover`, `validate`, `encrypt`, `config template` (`config_template`), `config edit`
//! (`config_edit`), `new` (create a capture or materialization), `completions`, the hidden `connector` (the demo connectors) and the
//! editor itself (`editor`, for `flowspec [PATH]`). Each module holds its flags (a clap
//! `Args`), its documentation and a `run` that returns the exit status. Shared pieces:
//! [`output`] (tables, JSON, paths) and [`runner`] (running a connector from a terminal).
//!
//! Every subcommand prints through `outln!`/`errln!` (see `crate::console`) with untrusted
//! text escaped; none of `check`, `list` or the editor's opening runs anything a catalog names.

pub mod check;
pub mod check_secrets;
pub mod completions;
pub mod config_edit;
pub mod config_template;
pub mod connector;
pub mod demo;
pub mod discover;
pub mod editor;
pub mod encrypt;
pub mod list;
pub mod new;
pub mod output;
pub mod runner;
pub mod spec;
pub mod validate;

use crate::cli::{Cli, Command, ConfigCommand};

/// Runs the parsed command line; returns the process's exit status.
pub fn run(cli: Cli) -> i32 {
    let command = match cli.command {
        // The demo connectors answer one request and exit: no log file for them.
        Some(Command::Connector(cmd)) => return connector::run(cmd),
        Some(command) => command,
        None => {
            crate::logging::init();
            return editor::run(cli.editor);
        }
    };
    crate::logging::init();
    match command {
        Command::Check(args) => check::run(args),
        Command::List(args) => list::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Spec(args) => spec::run(args),
        Command::Discover(args) => discover::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Config(ConfigCommand::Template(args)) => config_template::run(args),
        Command::Config(ConfigCommand::Edit(args)) => config_edit::run(args),
        Command::Encrypt(args) => encrypt::run(args),
        Command::New(cmd) => new::run(cmd),
        Command::Completions(args) => completions::run(args),
        Command::Connector(cmd) => connector::run(cmd),
    }
}
