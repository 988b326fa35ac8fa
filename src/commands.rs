//! The headless subcommands `check` and `list`: plain text for people, JSON for machines.
//! Names, messages and paths come from the catalog: every one is escaped before it is
//! printed (`text::escape_control`), and JSON has its remaining control characters escaped.

use std::io::Write;
use std::path::Path;

use serde_json::json;

use crate::catalog::check::{findings, CheckOptions};
use crate::catalog::{self, Catalog, EntityKind, Severity};
use crate::cli::Format;
use crate::errln;
use crate::text::{escape_control, escape_json_controls};

/// Exit status of `check` and `list` when the catalog (or a file of it) could not be loaded.
pub const EXIT_LOAD: i32 = 2;

fn load_or_exit(path: &Path) -> Result<Catalog, i32> {
    catalog::load(path, &mut |_| {}).map_err(|e| {
        errln!("error: {e}");
        EXIT_LOAD
    })
}

/// Shows a path relative to the working directory when it lies below it, so editors and
/// terminals can jump to `FILE:LINE:COL` directly.
fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// `flowspec check`: returns the process exit status.
pub fn run_check(path: &Path, strict: bool, format: Format) -> i32 {
    let cat = match load_or_exit(path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let found = findings(&cat, CheckOptions { strict });
    let problems: Vec<_> = found.iter().map(|f| f.diagnostic.clone()).collect();
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let warnings = problems.len() - errors;
    let unloadable = cat
        .load_problems
        .iter()
        .any(|p| p.severity == Severity::Error);
    let mut out = std::io::stdout().lock();
    match format {
        Format::Text => {
            for p in &problems {
                let _ = writeln!(
                    out,
                    "{}:{}:{}: {}: {}",
                    escape_control(&shown(&p.file)),
                    p.line,
                    p.col,
                    p.severity,
                    escape_control(&p.message)
                );
            }
            let files = cat.files.len();
            errln!(
                "{} error{}, {} warning{} in {} file{}",
                errors,
                plural(errors),
                warnings,
                plural(warnings),
                files,
                plural(files)
            );
        }
        Format::Json => {
            let list: Vec<_> = found
                .iter()
                .map(|f| {
                    let p = &f.diagnostic;
                    json!({
                        "file": shown(&p.file),
                        "line": p.line,
                        "col": p.col,
                        "severity": p.severity,
                        "code": f.code,
                        "message": p.message,
                    })
                })
                .collect();
            let doc = json!({"problems": list, "errors": errors, "warnings": warnings, "files": cat.files.len()});
            let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
            let _ = writeln!(out, "{}", escape_json_controls(&text));
        }
    }
    if unloadable {
        EXIT_LOAD
    } else if errors > 0 {
        1
    } else {
        0
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `flowspec list`: returns the process exit status.
pub fn run_list(path: &Path, kinds: &[EntityKind], as_json: bool) -> i32 {
    let cat = match load_or_exit(path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    for p in &cat.load_problems {
        errln!("{}", escape_control(&p.display_relative(&cat.root_dir)));
    }
    // What loaded is still listed, but a script must not take a partial list for the catalog.
    let status = if cat
        .load_problems
        .iter()
        .any(|p| p.severity == Severity::Error)
    {
        EXIT_LOAD
    } else {
        0
    };
    let mut entities: Vec<_> = cat
        .entities()
        .filter(|(_, e)| kinds.is_empty() || kinds.contains(&e.kind))
        .map(|(_, e)| e)
        .collect();
    entities.sort_by(|a, b| (a.kind, &a.name).cmp(&(b.kind, &b.name)));
    let mut out = std::io::stdout().lock();
    if as_json {
        let list: Vec<_> = entities
            .iter()
            .map(|e| {
                let mut v = serde_json::to_value(e).unwrap_or_default();
                v["file"] = json!(cat.display_path(&cat.files[e.file].path));
                v
            })
            .collect();
        let text = serde_json::to_string_pretty(&list).unwrap_or_default();
        let _ = writeln!(out, "{}", escape_json_controls(&text));
        return status;
    }
    let width = entities
        .iter()
        .map(|e| escape_control(&e.name).chars().count())
        .max()
        .unwrap_or(0);
    for e in entities {
        let file = cat.display_path(&cat.files[e.file].path);
        let detail = match e.kind {
            EntityKind::Capture | EntityKind::Materialization => {
                let disabled = e.bindings.iter().filter(|b| b.disable).count();
                format!(
                    "{}; {} binding{}{}{}",
                    e.endpoint.as_ref().map(|p| p.summary()).unwrap_or_default(),
                    e.bindings.len(),
                    plural(e.bindings.len()),
                    if disabled > 0 {
                        format!(" ({disabled} disabled)")
                    } else {
                        String::new()
                    },
                    if e.disabled { "; task disabled" } else { "" }
                )
            }
            EntityKind::Collection => format!(
                "key [{}]; {}{}",
                e.key.join(", "),
                e.schema.as_ref().map(|s| s.summary()).unwrap_or_default(),
                if e.derived { "; derived" } else { "" }
            ),
            EntityKind::Test => String::new(),
        };
        let _ = writeln!(
            out,
            "{:<15} {:<width$}  {}:{}  {}",
            e.kind.label(),
            escape_control(&e.name),
            escape_control(&file),
            e.line,
            escape_control(&detail)
        );
    }
    status
}
