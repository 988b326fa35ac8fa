use clap::Parser;

use flowspec::cli::{Cli, Command, ConfigCommand};
use flowspec::text::escape_control;
use flowspec::{commands, connector_cli, demo, errln, logging, tui};

fn main() {
    let cli = Cli::parse();
    // The demo connectors answer one request and exit: no log file for them.
    if let Some(Command::Connector(cmd)) = cli.command {
        std::process::exit(connector_cli::run_connector(cmd));
    }
    logging::init();
    let code = match cli.command {
        Some(Command::Check {
            path,
            strict,
            format,
        }) => commands::run_check(&path, strict, format),
        Some(Command::List { path, kind, json }) => {
            let kinds: Vec<_> = kind.into_iter().map(Into::into).collect();
            commands::run_list(&path, &kinds, json)
        }
        Some(Command::Demo {
            dir,
            no_open,
            trust,
        }) => match demo::write(&dir, &demo::current_exe()) {
            Ok((root, created)) => {
                if created {
                    errln!(
                        "wrote the demo catalog to {}",
                        escape_control(&dir.display().to_string())
                    );
                }
                if no_open {
                    0
                } else {
                    run_tui(root, cli.read_only, trust)
                }
            }
            Err(e) => {
                errln!(
                    "error: cannot write the demo into {}: {e}",
                    escape_control(&dir.display().to_string())
                );
                1
            }
        },
        Some(Command::Spec(args)) => connector_cli::run_spec(args),
        Some(Command::Discover(args)) => connector_cli::run_discover(args),
        Some(Command::Validate(args)) => connector_cli::run_validate(args),
        Some(Command::Config(ConfigCommand::Template(args))) => {
            connector_cli::run_config_template(args)
        }
        Some(Command::Config(ConfigCommand::Edit(args))) => {
            match connector_cli::config_schema(&args.from) {
                Ok(schema) => run_config_edit(args.file, schema, cli.read_only),
                Err(code) => code,
            }
        }
        Some(Command::Connector(cmd)) => connector_cli::run_connector(cmd),
        None => run_tui(cli.path, cli.read_only, cli.trust),
    };
    std::process::exit(code);
}

fn run_config_edit(file: std::path::PathBuf, schema: serde_json::Value, read_only: bool) -> i32 {
    exit_code(tui::run_config_form(&file, schema, read_only))
}

fn run_tui(path: std::path::PathBuf, read_only: bool, trust: bool) -> i32 {
    if !path.exists() {
        errln!(
            "error: no catalog at {}. Pass a flow.yaml (or a directory holding one), or try `flowspec demo`.",
            escape_control(&path.display().to_string())
        );
        return 2;
    }
    exit_code(tui::run(tui::Options {
        path,
        read_only,
        trust,
    }))
}

/// The exit status of the editor: 0 after quitting, 128+n after signal n, 1 after an error
/// (printed without panicking, though the terminal may be gone).
fn exit_code(result: anyhow::Result<tui::Exit>) -> i32 {
    match result {
        Ok(exit) => exit.code(),
        Err(e) => {
            errln!("error: {e:#}");
            1
        }
    }
}
