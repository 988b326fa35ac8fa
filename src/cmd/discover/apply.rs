//! `flowspec discover --write|--dry-run`: the discovery merged into the catalog with the same
//! rules and defaults as the Discovered bindings screen (`--select`, `--deselect`,
//! `--keep-gone` standing in for its keys), the unified diff of every file it changes or
//! creates (secrets masked), then the write: with `--yes`, or after a yes on a terminal;
//! refused when stdin is not a terminal. Exit status 0 when written or when there is nothing to
//! write, 1 when refused or failed (every file untouched), 2 when the catalog or the command
//! line is wrong, 130 after Ctrl-C.

use std::io::{BufRead, IsTerminal, Write};

use super::{run_discover, Args};
use crate::cmd::output::plural;
use crate::cmd::runner::{self, Failure};
use crate::discover::select::Selection;
use crate::discover::write::{write, Written};
use crate::discover::Discovery;
use crate::save::{self, PlannedWrite, Protected};
use crate::secrets::Schemas;
use crate::text::escape_control;
use crate::{errln, out};

/// Exit status when the write was refused or failed.
const EXIT_REFUSED: i32 = 1;

/// Runs the merge and the write; returns the exit status.
pub fn run(args: Args) -> i32 {
    match runner::runtime().block_on(prepare(&args)) {
        Err(f) => runner::finish(Err(f)),
        Ok(Prepared::Refused(why)) => {
            errln!("error: {why}; nothing was written");
            EXIT_REFUSED
        }
        Ok(Prepared::Nothing) => {
            errln!("Nothing to write: the capture and its collections already match the discovery");
            0
        }
        Ok(Prepared::Ready { writes, written }) => finish(&args, &writes, &written),
    }
}

enum Prepared {
    /// The merge or the write plan was refused (duplicate paths, a bad target...).
    Refused(String),
    Nothing,
    Ready {
        writes: Vec<PlannedWrite>,
        written: Written,
    },
}

/// Discovers, merges, applies the patterns and plans the files.
async fn prepare(args: &Args) -> Result<Prepared, Failure> {
    let ran = run_discover(args, true).await?;
    let spec = ran.spec.expect("asked for the spec");
    let mut d = match Discovery::from_catalog(
        &ran.catalog,
        ran.job.task.id,
        ran.discovered.bindings,
        spec.resource_path_pointers.clone(),
    ) {
        Ok(d) => d,
        Err(e) => return Ok(Prepared::Refused(format!("{}: {e}", ran.label))),
    };
    Selection {
        select: args.select.clone(),
        deselect: args.deselect.clone(),
        keep_gone: args.keep_gone,
    }
    .apply(&mut d);
    let mut catalog = ran.catalog;
    let on_disk = |p: &std::path::Path| p.exists();
    let written = match write(&mut catalog, &d, &on_disk) {
        Ok(w) => w,
        Err(e) => return Ok(Prepared::Refused(e)),
    };
    if written.plan.is_empty() {
        return Ok(Prepared::Nothing);
    }
    let config: Option<serde_json::Value> = serde_json::from_str(spec.config_schema.get()).ok();
    let resource: Option<serde_json::Value> =
        serde_json::from_str(spec.resource_config_schema.get()).ok();
    let mut schemas = Schemas::none();
    schemas.add_task(&d.capture.name, config.as_ref(), resource.as_ref());
    let writes = save::plan_masked(&catalog, &schemas);
    Ok(Prepared::Ready { writes, written })
}

/// Prints the diff and the summary, then writes (or not).
fn finish(args: &Args, writes: &[PlannedWrite], written: &Written) -> i32 {
    for w in writes {
        out!("{}", w.diff);
    }
    errln!("{}", summary(written, writes.len()));
    if args.dry_run {
        errln!("--dry-run: nothing was written");
        return 0;
    }
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            errln!("error: refusing to write without --yes: stdin is not a terminal to ask on; nothing was written");
            return EXIT_REFUSED;
        }
        if !ask(writes.len()) {
            errln!("Nothing was written");
            return EXIT_REFUSED;
        }
    }
    let outcome = save::write_planned(writes, Protected::Refuse);
    if outcome.is_complete() {
        errln!("{}", escape_control(&outcome.summary()));
        0
    } else {
        errln!("error: {}", escape_control(&outcome.summary()));
        EXIT_REFUSED
    }
}

/// One line: what the merge does.
fn summary(w: &Written, files: usize) -> String {
    let p = &w.plan;
    let enabled = p.added.iter().filter(|a| !a.disable).count();
    let disabled = p.added.len() - enabled;
    let created = p.collections.iter().filter(|c| c.create).count();
    let updated = p.collections.len() - created;
    let mut parts = vec![format!("{enabled} binding{} added", plural(enabled))];
    if disabled > 0 {
        parts.push(format!("{disabled} added disabled"));
    }
    parts.push(format!("{} removed", p.removed.len()));
    parts.push(format!("{created} collection{} created", plural(created)));
    parts.push(format!("{updated} updated"));
    format!(
        "{}; {files} file{} to write ({} new)",
        parts.join(", "),
        plural(files),
        w.created.len()
    )
}

/// Asks on the terminal; true for yes.
fn ask(files: usize) -> bool {
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "Write {files} file{}? [y/N] ", plural(files));
    let _ = err.flush();
    drop(err);
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        return false;
    }
    matches!(line.trim(), "y" | "Y" | "yes" | "YES" | "Yes")
}
