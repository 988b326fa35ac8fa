//! Secrets in connector configs: which locations are secret, and keeping them out of every
//! diff, message, log and `Debug` output flowspec produces.
//!
//! - [`schema`]: secret locations by the connector's JSON Schema (Flow's plaintext-check
//!   rules); [`names`]: the fallback by key names when no schema is known.
//! - [`sites`]: where configs sit in catalog files and which rule applies to each.
//! - [`mask`] and [`diff`]: masking a file's text by the positions of its secret nodes, and
//!   diffs of masked texts.
//! - [`field`]: what the config form asks about one field.
//! - [`Secret`]: a redacting wrapper for decrypted or typed secret values.
//!
//! Domain code: no terminal, no I/O.

pub mod diff;
pub mod field;
pub mod mask;
pub mod names;
mod redact;
pub mod schema;
pub mod sites;

pub use diff::{mask_versions, masked_diff};
pub use redact::{Secret, HIDDEN, REDACTED};
pub use sites::{ConfigKind, Rule, Schemas};

#[cfg(test)]
mod tests;
