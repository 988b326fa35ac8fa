//! The end of a headless create: the diff of every file (secrets masked, ciphertext
//! shortened), a summary, and — with `--yes` — the atomic write, then the Airbyte mark in
//! flowspec's settings for a local Airbyte command.

use super::setup::Ready;
use crate::cmd::output::plural;
use crate::save::{self, PlannedWrite, Protected};
use crate::secrets::Schemas;
use crate::settings::Settings;
use crate::text::escape_control;
use crate::{errln, out};

/// Prints the diff and writes with `yes`; returns the exit status.
pub(super) fn finish(ready: &Ready, yes: bool) -> i32 {
    let config: Option<serde_json::Value> =
        serde_json::from_str(ready.spec.config_schema.get()).ok();
    let resource: Option<serde_json::Value> =
        serde_json::from_str(ready.spec.resource_config_schema.get()).ok();
    let mut schemas = Schemas::none();
    schemas.add_task(&ready.name, config.as_ref(), resource.as_ref());
    let writes = save::plan_masked(&ready.catalog, &schemas);
    for w in &writes {
        out!("{}", shown_diff(ready, w));
    }
    let new = writes.iter().filter(|w| !w.path.exists()).count();
    errln!(
        "new {} `{}`: {} file{} to write ({new} new)",
        ready.kind.label(),
        escape_control(&ready.name),
        writes.len(),
        plural(writes.len()),
    );
    if let Some(cmd) = &ready.files.airbyte_command {
        errln!(
            "`{}` speaks Airbyte, which a catalog cannot say: it is recorded in flowspec's settings ({}) under airbyte_commands",
            escape_control(cmd),
            Settings::path().display()
        );
    }
    if !yes {
        errln!("Nothing was written: add --yes to write these files");
        return 0;
    }
    let outcome = save::write_planned(&writes, Protected::Refuse);
    if !outcome.is_complete() {
        errln!("error: {}", escape_control(&outcome.summary()));
        return 1;
    }
    errln!("{}", escape_control(&outcome.summary()));
    if let Some(cmd) = &ready.files.airbyte_command {
        if let Err(e) = Settings::record_airbyte_command(&Settings::path(), cmd) {
            errln!(
                "error: the files were written, but flowspec's settings were not: {}",
                escape_control(&e)
            );
            return 1;
        }
    }
    0
}

/// The diff of one planned write; an encrypted config's ciphertext shortened.
fn shown_diff(ready: &Ready, w: &PlannedWrite) -> String {
    if ready.encrypted.as_deref() == Some(w.path.as_path()) {
        return save::unified_diff(
            &w.display,
            &w.expected,
            &crate::sops::show::shorten(&w.new_text),
        );
    }
    w.diff.clone()
}
