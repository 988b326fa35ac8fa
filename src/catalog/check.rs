//! `flowspec check`: validation of a loaded catalog against flowspec's catalog model.

use super::{Catalog, Diagnostic};

/// Options for [`check`].
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckOptions {
    /// Treat references to collections that are not defined locally as errors.
    pub strict: bool,
}

/// Validates every file of the catalog; returns problems sorted by file and position.
pub fn check(catalog: &Catalog, _opts: CheckOptions) -> Vec<Diagnostic> {
    catalog.load_problems.clone()
}
