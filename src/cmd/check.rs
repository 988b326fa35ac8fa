//! `flowspec check [PATH] [--strict] [--format text|json]`: validates every file of a catalog
//! and prints each problem as `FILE:LINE:COL: severity: message` (or JSON). Nothing the catalog
//! names is run; names and messages are escaped before they are printed.
//!
//! Exit status: 0 clean, 1 problems found, 2 the catalog could not be loaded.

use std::path::PathBuf;

use clap::{Args as ClapArgs, ValueEnum};
use serde_json::json;

use super::output::{plural, print_json, shown};
use crate::catalog::check::{findings, CheckOptions};
use crate::catalog::Severity;
use crate::text::escape_control;
use crate::{errln, outln};

/// Exit status of `check` and `list` when the catalog (or a file of it) could not be loaded.
pub const EXIT_LOAD: i32 = 2;

#[derive(Debug, Clone, ClapArgs)]
pub struct Args {
    /// A flow.yaml/flow.json, or a directory holding one (or a single *.flow.yaml).
    #[arg(default_value = "flow.yaml")]
    pub path: PathBuf,
    /// Treat bindings to collections not defined in the loaded catalog as errors.
    #[arg(long)]
    pub strict: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Loads the catalog at `path`, or prints why it cannot be and returns [`EXIT_LOAD`].
pub fn load_or_exit(path: &std::path::Path) -> Result<crate::catalog::Catalog, i32> {
    crate::catalog::load(path, &mut |_| {}).map_err(|e| {
        errln!("error: {e}");
        EXIT_LOAD
    })
}

/// Runs `check`; returns the exit status.
pub fn run(args: Args) -> i32 {
    let cat = match load_or_exit(&args.path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let found = findings(
        &cat,
        CheckOptions {
            strict: args.strict,
        },
    );
    let errors = found
        .iter()
        .filter(|f| f.diagnostic.severity == Severity::Error)
        .count();
    let warnings = found.len() - errors;
    let files = cat.files.len();
    match args.format {
        Format::Text => {
            for p in found.iter().map(|f| &f.diagnostic) {
                outln!(
                    "{}:{}:{}: {}: {}",
                    escape_control(&shown(&p.file)),
                    p.line,
                    p.col,
                    p.severity,
                    escape_control(&p.message)
                );
            }
            errln!(
                "{errors} error{}, {warnings} warning{} in {files} file{}",
                plural(errors),
                plural(warnings),
                plural(files)
            );
        }
        Format::Json => {
            let problems: Vec<_> = found
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
            print_json(&json!({
                "problems": problems,
                "errors": errors,
                "warnings": warnings,
                "files": files,
            }));
        }
    }
    let unloadable = cat
        .load_problems
        .iter()
        .any(|p| p.severity == Severity::Error);
    if unloadable {
        EXIT_LOAD
    } else if errors > 0 {
        1
    } else {
        0
    }
}
