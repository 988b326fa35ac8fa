use clap::Parser;

use flowspec::cli::{Cli, Command, ConfigCommand};
use flowspec::{commands, connector_cli, demo, logging, tui};

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
                    eprintln!("wrote the demo catalog to {}", dir.display());
                }
                if no_open {
                    0
                } else {
                    run_tui(root, cli.read_only, trust)
                }
            }
            Err(e) => {
                eprintln!("error: cannot write the demo into {}: {e}", dir.display());
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
    match tui::run_config_form(&file, schema, read_only) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e:#}");
            1
        }
    }
}

fn run_tui(path: std::path::PathBuf, read_only: bool, trust: bool) -> i32 {
    if !path.exists() {
        eprintln!(
            "error: no catalog at {}. Pass a flow.yaml (or a directory holding one), or try `flowspec demo`.",
            path.display()
        );
        return 2;
    }
    match tui::run(tui::Options {
        path,
        read_only,
        trust,
    }) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e:#}");
            1
        }
    }
}
