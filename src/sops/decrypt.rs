//! Decrypting sops documents in memory, as Flow's runtime does just before a connector runs:
//! `sops decrypt` with the document on stdin, then (for the connector's view) the
//! `encrypted_suffix` stripped from every key at every depth. The plaintext lives only inside
//! a [`Secret`] (whose `Debug` redacts it); it is never logged or written to disk.

use serde_json::Value;

use super::run::{self, SopsError, SopsOptions};
use super::Format;
use crate::secrets::Secret;

/// True when `config` is a sops document: a JSON object with a top-level `sops` object
/// (flowctl's rule; the runtime's is looser, but an object is what sops writes).
pub fn is_encrypted(config: &Value) -> bool {
    config.get("sops").is_some_and(Value::is_object)
}

/// The `encrypted_suffix` a sops document was written with, if any.
pub fn suffix_of(config: &Value) -> Option<String> {
    config
        .get("sops")?
        .get("encrypted_suffix")?
        .as_str()
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Decrypts a sops document, keeping its keys as written (`password_sops` stays): what a
/// re-encryption starts from. The `sops` metadata is gone from the result.
pub fn decrypt_document(config: &Value, opts: &SopsOptions) -> Result<Secret<Value>, SopsError> {
    if !is_encrypted(config) {
        return Err(SopsError::NotEncrypted);
    }
    let input = serde_json::to_vec(config).map_err(|e| SopsError::Io(e.to_string()))?;
    let out = run::run(opts, &args(Format::Json, Format::Json), &input)?;
    let plain: Value = serde_json::from_slice(out.expose())
        .map_err(|e| SopsError::Verify(format!("sops returned something that is not JSON: {e}")))?;
    Ok(Secret::new(plain))
}

/// Decrypts the text of a sops file (YAML or JSON), keeping its keys and (for YAML) its
/// comments: the plaintext a re-encryption patches.
pub fn decrypt_text(
    text: &str,
    format: Format,
    opts: &SopsOptions,
) -> Result<Secret<String>, SopsError> {
    let out = run::run(opts, &args(format, format), text.as_bytes())?;
    String::from_utf8(out.into_inner())
        .map(Secret::new)
        .map_err(|_| SopsError::Verify("sops returned text that is not UTF-8".into()))
}

/// Decrypts `config` if it is sops-encrypted and strips the encrypted suffix (the shape the
/// connector receives); returns other configs unchanged (wrapped all the same: a plaintext
/// config holds its secrets in clear).
pub fn decrypt_for_connector(
    config: Value,
    opts: &SopsOptions,
) -> Result<Secret<Value>, SopsError> {
    if !is_encrypted(&config) {
        return Ok(Secret::new(config));
    }
    let suffix = suffix_of(&config);
    let mut plain = decrypt_document(&config, opts)?.into_inner();
    if let Some(suffix) = suffix {
        strip_suffix(&mut plain, &suffix);
    }
    Ok(Secret::new(plain))
}

/// The arguments of a decryption from stdin to stdout. `--config /dev/null`: no creation rule
/// matters for decrypting, and none found by walking up from anywhere may interfere.
fn args(input: Format, output: Format) -> Vec<String> {
    [
        "--config",
        "/dev/null",
        "decrypt",
        "--input-type",
        input.sops_type(),
        "--output-type",
        output.sops_type(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Removes `suffix` from every object key that ends with it, at every depth, as Flow's
/// runtime does with jq after decrypting. Key order is kept.
pub fn strip_suffix(value: &mut Value, suffix: &str) {
    match value {
        Value::Object(map) => {
            let entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
            for (key, mut v) in entries {
                strip_suffix(&mut v, suffix);
                let key = key.strip_suffix(suffix).map(str::to_string).unwrap_or(key);
                map.insert(key, v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| strip_suffix(v, suffix)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn suffix_is_stripped_at_every_depth_in_order() {
        let mut v = json!({"a_sops": 1, "b": {"c_sops": [{"d_sops": 2}], "e": 3}, "z": 0});
        strip_suffix(&mut v, "_sops");
        assert_eq!(v, json!({"a": 1, "b": {"c": [{"d": 2}], "e": 3}, "z": 0}));
        let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, vec!["a", "b", "z"], "key order is kept");
    }

    #[test]
    fn plain_configs_pass_through_without_running_sops() {
        let opts = SopsOptions {
            binary: Some("/nonexistent/sops".into()),
            env: vec![],
        };
        let v = json!({"host": "x", "sops": "not an object"});
        assert_eq!(
            decrypt_for_connector(v.clone(), &opts).unwrap().expose(),
            &v
        );
        assert_eq!(
            decrypt_document(&v, &opts).unwrap_err(),
            SopsError::NotEncrypted
        );
    }

    #[test]
    fn the_suffix_comes_from_the_metadata() {
        assert_eq!(
            suffix_of(&json!({"sops": {"encrypted_suffix": "_sops"}})).as_deref(),
            Some("_sops")
        );
        assert_eq!(suffix_of(&json!({"sops": {"encrypted_suffix": ""}})), None);
        assert_eq!(suffix_of(&json!({"a": 1})), None);
    }
}
