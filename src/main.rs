//! The `flowspec` binary: parses the command line and hands it to `flowspec::cmd`, which holds
//! one module per subcommand.

use clap::Parser;

fn main() {
    let cli = flowspec::cli::Cli::parse();
    std::process::exit(flowspec::cmd::run(cli));
}
