//! `flowspec config edit FILE (--schema FILE | --image IMAGE) [--resource] [--read-only]`:
//! the editor's config form on one file (created on save), saving through the same diff.

use std::path::PathBuf;

use clap::Args as ClapArgs;

use super::config_template;

#[derive(Debug, Clone, ClapArgs)]
pub struct Args {
    /// The config file to edit (YAML or JSON).
    pub file: PathBuf,
    #[command(flatten)]
    pub from: config_template::Args,
    /// Show the form without any way to write.
    #[arg(long)]
    pub read_only: bool,
}

/// Runs `config edit`; returns the exit status.
pub fn run(args: Args) -> i32 {
    match config_template::config_schema(&args.from) {
        Ok(schema) => super::editor::exit_code(crate::tui::run_config_form(
            &args.file,
            schema,
            args.read_only,
        )),
        Err(code) => code,
    }
}
