//! sops for connector configs, the way Flow expects them: secrets renamed `k` → `k_sops` and
//! encrypted with the real `sops` binary (`encrypted_suffix: _sops`, every other value left
//! readable), decrypted in memory for editing, re-encrypted with the keys the document already
//! had. Domain code: no terminal. Plaintext goes to sops over stdin only — never argv, the
//! environment, a temporary file or the log — and lives in [`crate::secrets::Secret`].
//!
//! - [`run`]: the binary, its version, running it, and its failures as [`SopsError`].
//! - [`decrypt`]: decrypting in memory (for the connector, the form and re-encryption).
//! - [`keys`]: which keys encrypt a file (`.sops.yaml`, flowspec's settings, the document's
//!   own metadata, or a choice among the age recipients found), and writing a rule.
//! - [`mark`]: renaming the chosen locations to `*_sops`, in JSON and in YAML text.
//! - [`encrypt`]: encrypting a marked document and checking what sops wrote.
//! - [`plaintext`]: Flow's plaintext check — secrets a config holds in clear.
//! - [`show`]: encrypted text made readable for a diff (ciphertext shortened).
//! - [`document`]: putting it together for one config: what to encrypt and how.

pub mod decrypt;
pub mod document;
pub mod encrypt;
pub mod keys;
pub mod mark;
pub mod plaintext;
pub mod run;
pub mod scan;
pub mod show;

use std::path::Path;

pub use decrypt::{decrypt_document, decrypt_for_connector, is_encrypted, strip_suffix};
pub use keys::{KeyGroup, KeyOrigin, Keys};
pub use run::{SopsError, SopsOptions};

/// The suffix flowspec writes, as Estuary's encryption service does.
pub const SUFFIX: &str = "_sops";

/// A document's format, as sops's `--input-type`/`--output-type` name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
}

impl Format {
    /// The format of a file by its extension, as Flow reads it: `.json` is JSON, the rest YAML.
    pub fn of_path(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Yaml,
        }
    }

    /// The name sops gives it.
    pub fn sops_type(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Json => "json",
        }
    }
}
