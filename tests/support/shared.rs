//! The one way tests and benches find the third-party reference data in `../shared` (Estuary's
//! connector schemas in `schemas/`, Flow's `flow-catalog.schema.json`), which is read in place
//! and never copied into the repository.
//!
//! A checkout without `../shared` still builds and tests everything on flowspec's own
//! fixtures: the tests that need the data say so on stderr and check nothing more. Under CI
//! (the `CI` variable set, as `.ci/run` does) a missing file is a failure instead, so a broken
//! checkout cannot turn those tests into silent passes.
//!
//! `FLOWSPEC_SHARED_DIR` points at another copy of the data (and lets a test prove the CI
//! rule with a directory that does not exist).
//!
//! Shared through `#[path = "support/shared.rs"] mod shared;` (benches:
//! `#[path = "../tests/support/shared.rs"]`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Overrides where the shared data is looked for.
pub const DIR_ENV: &str = "FLOWSPEC_SHARED_DIR";

/// Is this a CI run? `CI` set to anything but empty, `0` or `false` (GitHub and GitLab set
/// `true`; `.ci/run` sets `1`).
pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// The directory holding the shared data: `$FLOWSPEC_SHARED_DIR`, else `../shared` next to
/// the repository.
pub fn root() -> PathBuf {
    match std::env::var_os(DIR_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"),
    }
}

/// `REL` inside the shared data (`"schemas"`, `"flow-catalog.schema.json"`) when it exists.
/// When it does not: under CI, panics naming the path; otherwise prints a note naming what is
/// not checked (`what`) and returns `None`, and the caller checks nothing more.
pub fn path(rel: &str, what: &str) -> Option<PathBuf> {
    locate(&root(), rel, what, ci())
}

/// [`path`] with its inputs explicit.
pub fn locate(root: &Path, rel: &str, what: &str, ci: bool) -> Option<PathBuf> {
    let path = root.join(rel);
    if path.exists() {
        return Some(path);
    }
    if ci {
        panic!(
            "{} is missing and CI is set: {what} must run in CI (check out the shared data \
             next to the repository, or point {DIR_ENV} at it)",
            path.display()
        );
    }
    eprintln!(
        "note: {} is absent; {what} not checked (CI would fail here)",
        path.display()
    );
    None
}

/// A file inside the shared data, read as text (see [`path`]).
pub fn read(rel: &str, what: &str) -> Option<String> {
    let path = path(rel, what)?;
    Some(
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{} exists but cannot be read: {e}", path.display())),
    )
}
