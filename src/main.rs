//! The `flowspec` binary: parses the command line and hands it to `flowspec::cmd`, which holds
//! one module per subcommand.

use clap::Parser;

/// mimalloc rather than the system allocator: a large discovery or catalog makes millions of
/// small allocations (names, paths, schema texts) across threads, where glibc's malloc spends
/// a fifth of the merge in its free lists. The benchmarks use the same allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = flowspec::cli::Cli::parse();
    std::process::exit(flowspec::cmd::run(cli));
}
