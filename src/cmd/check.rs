//! `flowspec check [PATH] [--strict] [--secrets] [--schema [TASK=]FILE.json]... [--format
//! text|json]`: validates every file of a catalog and prints each problem as
//! `FILE:LINE:COL: severity: message` (or JSON). Nothing the catalog names is run; names and
//! messages are escaped before they are printed.
//!
//! Secrets written in plaintext are warnings wherever the connector's schema is known — from
//! the spec cache (as `flowspec spec` or the editor left it) or `--schema` — with Flow's
//! plaintext-check rules. `--secrets` checks only that, by key names where no schema is
//! known, and fails on any: a git pre-commit hook.
//!
//! Exit status: 0 clean, 1 problems found (with `--secrets`: a plaintext secret), 2 the
//! catalog could not be loaded.

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
    /// Report only secrets written in plaintext (by the connector's schema where known, by
    /// key names elsewhere), and exit 1 when there is one.
    #[arg(long)]
    pub secrets: bool,
    /// The connector's config schema (a JSON Schema or a spec response) for task TASK, or
    /// for every task without one of its own; repeatable.
    #[arg(long, value_name = "[TASK=]FILE.json")]
    pub schema: Vec<String>,
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
    let known = match super::check_secrets::known_specs(&cat, &args.schema) {
        Ok(k) => k,
        Err(e) => {
            errln!("error: {}", escape_control(&e));
            return EXIT_LOAD;
        }
    };
    let secrets = super::check_secrets::findings(&cat, &known, args.secrets);
    let mut found = if args.secrets {
        secrets
    } else {
        let mut f = findings(
            &cat,
            CheckOptions {
                strict: args.strict,
            },
        );
        f.extend(secrets);
        f
    };
    found.sort_by(|a, b| {
        let (a, b) = (&a.diagnostic, &b.diagnostic);
        (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col))
    });
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
    } else if errors > 0 || (args.secrets && !found.is_empty()) {
        1
    } else {
        0
    }
}
