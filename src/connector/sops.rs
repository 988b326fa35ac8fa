//! sops decryption of endpoint configs before a connector runs (placeholder).
//!
//! Flow decrypts a config only when it is a JSON object with a top-level `sops` object; any
//! other config passes through untouched. Real decryption lands separately: this file is
//! replaced by that work, and until then an encrypted config is refused rather than sent
//! to a connector still encrypted.

use serde_json::Value;

use super::transport::ConnectorError;

/// Returns the config a connector may see: unchanged when not sops-encrypted.
pub fn decrypt_if_encrypted(config: Value) -> Result<Value, ConnectorError> {
    if config.get("sops").is_some_and(Value::is_object) {
        return Err(ConnectorError::Sops("sops support lands separately".into()));
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn plain_configs_pass_and_encrypted_ones_are_refused() {
        let plain = json!({"a": 1, "sops_note": "x"});
        assert_eq!(decrypt_if_encrypted(plain.clone()).unwrap(), plain);
        assert_eq!(decrypt_if_encrypted(json!("text")).unwrap(), json!("text"));
        assert!(matches!(
            decrypt_if_encrypted(json!({"a_sops": "ENC[..]", "sops": {"mac": "x"}})),
            Err(ConnectorError::Sops(_))
        ));
    }
}
