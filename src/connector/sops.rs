//! Decrypting sops-encrypted endpoint configs the way Flow's runtime does, just before a
//! connector runs (the work is done by [`crate::sops`]): `sops decrypt` with the config on
//! stdin, then the `encrypted_suffix` stripped from every key at every depth. The plaintext
//! lives only in memory, inside a [`Secret`], and goes to the connector over stdin.

use serde_json::Value;

use super::transport::ConnectorError;
use crate::secrets::Secret;

pub use crate::sops::run::SopsOptions;
pub use crate::sops::{is_encrypted, strip_suffix};

/// Decrypts `config` if it is sops-encrypted and strips the encrypted suffix; returns other
/// configs unchanged (wrapped all the same: a plaintext config holds its secrets in clear).
pub fn decrypt_if_encrypted(config: Value) -> Result<Secret<Value>, ConnectorError> {
    decrypt_with(config, &SopsOptions::default())
}

/// [`decrypt_if_encrypted`] with explicit options.
pub fn decrypt_with(config: Value, opts: &SopsOptions) -> Result<Secret<Value>, ConnectorError> {
    crate::sops::decrypt_for_connector(config, opts)
        .map_err(|e| ConnectorError::Sops(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_missing_sops_binary_is_explained() {
        let opts = SopsOptions {
            binary: Some("/nonexistent/sops".into()),
            env: vec![],
        };
        let err = decrypt_with(json!({"a": 1, "sops": {}}), &opts).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("cannot run `/nonexistent/sops`"), "{msg}");
        assert!(msg.contains("nothing was run"), "{msg}");
    }
}
