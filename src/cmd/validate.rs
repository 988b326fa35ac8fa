//! `flowspec validate [--task NAME] [PATH] [--json]`: sends a task's config and enabled
//! bindings to its connector's validate and prints the resource paths and field constraints
//! it returns.

use std::path::PathBuf;

use clap::Args as ClapArgs;

use super::output::{plural, pretty, print_lines, table};
use super::runner::{self, Failure, RunArgs};
use crate::connector::ops;
use crate::connector::protocol::{Operation, Reply, ValidatedBinding};
use crate::connector::target::{resolve_task, Target, TaskRef};
use crate::text::{escape_control, escape_json_controls};
use crate::{errln, outln};

#[derive(Debug, Clone, ClapArgs)]
pub struct Args {
    /// The capture or materialization to validate (optional when the catalog has one task).
    #[arg(long)]
    pub task: Option<String>,
    #[arg(default_value = "flow.yaml")]
    pub path: PathBuf,
    /// Print the validated response as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub run: RunArgs,
}

/// Runs `validate`; returns the exit status.
pub fn run(args: Args) -> i32 {
    runner::finish(runner::runtime().block_on(validate(args)))
}

async fn validate(args: Args) -> Result<(), Failure> {
    let cat = runner::load_catalog(&args.path)?;
    let job = resolve_task(
        &cat,
        TaskRef::Name(args.task.as_deref()),
        Operation::Validate,
    )?;
    let target = Target::task(&job.task, args.run.docker()).with_protocol(args.run.protocol());
    let prepared = runner::prepare(&target).await?;
    let console = runner::Console::start(args.run.quiet);
    let result = ops::validate(
        &prepared,
        &job.task,
        &job.bindings,
        &args.run.options(Operation::Validate),
        console.tx.clone(),
        console.cancel.clone(),
    )
    .await;
    console.finish().await;
    let validated = result?;
    let collections: Vec<&str> = job
        .bindings
        .iter()
        .map(|b| b.collection.name.as_str())
        .collect();
    if args.json {
        let json = pretty(&Reply::Validated(validated).to_json());
        outln!("{}", escape_json_controls(&json));
    } else {
        let rows: Vec<[String; 4]> = validated
            .bindings
            .iter()
            .zip(&collections)
            .enumerate()
            .map(|(i, (b, c))| {
                [
                    (i + 1).to_string(),
                    c.to_string(),
                    b.resource_path.join("/"),
                    constraints(b),
                ]
            })
            .collect();
        let header = ["#", "COLLECTION", "RESOURCE PATH", "CONSTRAINTS"];
        print_lines(&table(Some(header), &rows, 60));
    }
    errln!(
        "{} validated {} binding{}",
        escape_control(&target.label),
        collections.len(),
        plural(collections.len())
    );
    Ok(())
}

/// `12 fields: 3 required, 9 optional, delta updates`, or nothing for a capture binding.
fn constraints(b: &ValidatedBinding) -> String {
    if b.constraints.is_empty() {
        return String::new();
    }
    let required = b
        .constraints
        .values()
        .filter(|c| c.kind.ends_with("_REQUIRED"))
        .count();
    format!(
        "{} fields: {required} required, {} optional{}",
        b.constraints.len(),
        b.constraints.len() - required,
        if b.delta_updates {
            ", delta updates"
        } else {
            ""
        }
    )
}
