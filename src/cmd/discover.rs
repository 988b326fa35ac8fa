//! `flowspec discover [--task NAME] [PATH] [--emit-raw]`: runs a capture's discover and prints
//! the bindings it offers, as a table or (`--emit-raw`) one JSON object per binding, like
//! `flowctl raw discover --emit-raw`.

use std::path::PathBuf;

use clap::Args as ClapArgs;

use super::output::{plural, print_lines, table};
use super::runner::{self, Failure, RunArgs};
use crate::connector::ops;
use crate::connector::protocol::Operation;
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
    #[arg(long)]
    pub emit_raw: bool,
    #[command(flatten)]
    pub run: RunArgs,
}

/// Runs `discover`; returns the exit status.
pub fn run(args: Args) -> i32 {
    runner::finish(runner::runtime().block_on(discover(args)))
}

async fn discover(args: Args) -> Result<(), Failure> {
    let cat = runner::load_catalog(&args.path)?;
    let job = resolve_task(
        &cat,
        TaskRef::Name(args.task.as_deref()),
        Operation::Discover,
    )?;
    let target = Target::task(&job.task, args.run.docker()).with_protocol(args.run.protocol());
    let prepared = runner::prepare(&target).await?;
    let console = runner::Console::start(args.run.quiet);
    let result = ops::discover(
        &prepared,
        &job.task,
        &args.run.options(Operation::Discover),
        console.tx.clone(),
        console.cancel.clone(),
    )
    .await;
    console.finish().await;
    let d = result?;
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
    errln!(
        "{} binding{} discovered by {}",
        d.bindings.len(),
        plural(d.bindings.len()),
        escape_control(&target.label)
    );
    Ok(())
}
