//! `flowspec discover [--task NAME] [PATH]`: runs a capture's discover. Without options it
//! prints the bindings it offers, as a table or (`--emit-raw`) one JSON object per binding,
//! like `flowctl raw discover --emit-raw`. With `--write` or `--dry-run` it merges them into
//! the catalog as Flow's control plane would and as the Discovered bindings screen does (see
//! [`apply`]).

mod apply;

use std::path::PathBuf;

use clap::Args as ClapArgs;

use super::output::{plural, print_lines, table};
use super::runner::{self, Failure, RunArgs};
use crate::connector::cache::SpecCache;
use crate::connector::ops;
use crate::connector::protocol::{Discovered, Operation};
use crate::connector::target::{resolve_task, Target, TaskRef};
use crate::text::{escape_control, escape_json_controls};
use crate::{errln, outln};

#[derive(Debug, Clone, ClapArgs)]
pub struct Args {
    /// The capture to discover (optional when the catalog has one capture).
    #[arg(long)]
    pub task: Option<String>,
    #[arg(default_value = "flow.yaml")]
    pub path: PathBuf,
    /// Print each discovered binding as one JSON object per line.
    #[arg(long, conflicts_with_all = ["write", "dry_run"])]
    pub emit_raw: bool,
    /// Merge the discovery into the catalog as Flow does: print the diff, then write every
    /// file (asking first on a terminal; see --yes).
    #[arg(long)]
    pub write: bool,
    /// Print the diff of what --write would write, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Add exactly the new bindings whose resource path (`shop.orders`) or target matches a
    /// glob (`*`, `?`, `[a-z]`), and keep the gone ones it matches.
    #[arg(long, value_name = "PATTERN")]
    pub select: Vec<String>,
    /// Leave out the new bindings, and remove the gone ones, that match (wins over --select).
    #[arg(long, value_name = "PATTERN")]
    pub deselect: Vec<String>,
    /// Keep bindings the connector no longer discovers (Flow removes them).
    #[arg(long)]
    pub keep_gone: bool,
    /// Write without asking (needed when stdin is not a terminal).
    #[arg(long, short)]
    pub yes: bool,
    #[command(flatten)]
    pub run: RunArgs,
}

impl Args {
    /// True when the discovery is merged (`--write` or `--dry-run`).
    fn merges(&self) -> bool {
        self.write || self.dry_run
    }
}

/// Runs `discover`; returns the exit status.
pub fn run(args: Args) -> i32 {
    if args.merges() {
        return apply::run(args);
    }
    if !args.select.is_empty() || !args.deselect.is_empty() || args.keep_gone || args.yes {
        errln!("error: --select, --deselect, --keep-gone and --yes choose what --write writes; add --write or --dry-run");
        return runner::EXIT_USAGE;
    }
    runner::finish(runner::runtime().block_on(discover(args)))
}

/// The discovery of the catalog's capture, with the connector's spec when the caller merges
/// it: the loaded catalog, the task, and what the connector said.
struct Ran {
    catalog: crate::catalog::Catalog,
    job: crate::connector::target::TaskJob,
    label: String,
    spec: Option<crate::connector::protocol::SpecResponse>,
    discovered: Discovered,
}

/// Loads the catalog and runs the capture's discover (and its spec first, for `with_spec`).
async fn run_discover(args: &Args, with_spec: bool) -> Result<Ran, Failure> {
    let catalog = runner::load_catalog(&args.path)?;
    let job = resolve_task(
        &catalog,
        TaskRef::Name(args.task.as_deref()),
        Operation::Discover,
    )?;
    let target = Target::task(&job.task, args.run.docker()).with_protocol(args.run.protocol());
    let prepared = runner::prepare(&target).await?;
    let console = runner::Console::start(args.run.quiet);
    let opts = args.run.options(Operation::Discover);
    let (tx, cancel) = (console.tx.clone(), console.cancel.clone());
    let result = if with_spec {
        let cache = SpecCache::user();
        let cache = (!args.run.no_cache).then_some(&cache);
        ops::discover_with_spec(&prepared, &job.task, cache, &opts, tx, cancel)
            .await
            .map(|(s, d)| (Some(s), d))
    } else {
        ops::discover(&prepared, &job.task, &opts, tx, cancel)
            .await
            .map(|d| (None, d))
    };
    console.finish().await;
    let (spec, discovered) = result?;
    errln!(
        "{} binding{} discovered by {}",
        discovered.bindings.len(),
        plural(discovered.bindings.len()),
        escape_control(&target.label)
    );
    Ok(Ran {
        catalog,
        job,
        label: target.label,
        spec,
        discovered,
    })
}

async fn discover(args: Args) -> Result<(), Failure> {
    let ran = run_discover(&args, false).await?;
    let d = ran.discovered;
    if args.emit_raw {
        for b in &d.bindings {
            let json = serde_json::to_string(b).expect("serializes");
            outln!("{}", escape_json_controls(&json));
        }
    } else {
        let rows: Vec<[String; 3]> = d
            .bindings
            .iter()
            .map(|b| {
                let name = if b.disable {
                    format!("{} (disabled)", b.recommended_name)
                } else {
                    b.recommended_name.clone()
                };
                [name, b.key.join(" "), b.resource_config.get().to_string()]
            })
            .collect();
        print_lines(&table(Some(["NAME", "KEY", "RESOURCE"]), &rows, 60));
    }
    Ok(())
}
