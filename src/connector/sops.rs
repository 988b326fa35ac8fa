//! Decrypting sops-encrypted endpoint configs the way Flow's runtime does, just before a
//! connector runs: `sops --decrypt` with the config on stdin, then the `encrypted_suffix`
//! stripped from every key at every depth. The plaintext lives only in memory, inside a
//! [`Secret`] (whose `Debug` redacts it), and goes to the connector over stdin; it is never
//! logged or written to disk.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

use super::transport::ConnectorError;
use crate::secrets::Secret;

/// How to run sops. Defaults: `$FLOWSPEC_SOPS` or `sops` on `PATH`, inherited environment
/// (which carries `SOPS_AGE_KEY_FILE`, cloud credentials and so on).
#[derive(Debug, Clone, Default)]
pub struct SopsOptions {
    pub binary: Option<PathBuf>,
    /// Extra environment for the sops process.
    pub env: Vec<(String, String)>,
}

impl SopsOptions {
    fn binary(&self) -> PathBuf {
        self.binary
            .clone()
            .or_else(|| std::env::var_os("FLOWSPEC_SOPS").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("sops"))
    }
}

/// True when `config` is a sops document: a JSON object with a top-level `sops` object
/// (flowctl's rule; the runtime's is looser, but an object is what sops writes).
pub fn is_encrypted(config: &Value) -> bool {
    config.get("sops").is_some_and(Value::is_object)
}

/// Decrypts `config` if it is sops-encrypted and strips the encrypted suffix; returns other
/// configs unchanged (wrapped all the same: a plaintext config holds its secrets in clear).
pub fn decrypt_if_encrypted(config: Value) -> Result<Secret<Value>, ConnectorError> {
    decrypt_with(config, &SopsOptions::default())
}

/// [`decrypt_if_encrypted`] with explicit options.
pub fn decrypt_with(config: Value, opts: &SopsOptions) -> Result<Secret<Value>, ConnectorError> {
    if !is_encrypted(&config) {
        return Ok(Secret::new(config));
    }
    let suffix = config["sops"]
        .get("encrypted_suffix")
        .and_then(Value::as_str)
        .map(str::to_string);
    let input = serde_json::to_vec(&config).map_err(|e| ConnectorError::Sops(e.to_string()))?;
    let binary = opts.binary();
    let mut child = Command::new(&binary)
        .args([
            "--decrypt",
            "--input-type",
            "json",
            "--output-type",
            "json",
            "/dev/stdin",
        ])
        .envs(opts.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            ConnectorError::Sops(format!(
                "cannot run `{}` ({}); install sops or set FLOWSPEC_SOPS",
                binary.display(),
                crate::catalog::load::io_message(&e)
            ))
        })?;
    // Write from a thread so a sops that fails early cannot deadlock us on a full pipe.
    let mut stdin = child.stdin.take().expect("piped");
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child
        .wait_with_output()
        .map_err(|e| ConnectorError::Sops(e.to_string()))?;
    let _ = writer.join();
    if !out.status.success() {
        return Err(ConnectorError::Sops(explain(
            out.status.code(),
            &String::from_utf8_lossy(&out.stderr),
        )));
    }
    let mut plain: Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        ConnectorError::Sops(format!("sops returned something that is not JSON: {e}"))
    })?;
    if let Some(suffix) = suffix.filter(|s| !s.is_empty()) {
        strip_suffix(&mut plain, &suffix);
    }
    Ok(Secret::new(plain))
}

/// Removes `suffix` from every object key that ends with it, at every depth, as Flow's
/// runtime does with jq after decrypting.
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

/// sops's last error line plus what it usually means. sops never prints plaintext on failure.
fn explain(code: Option<i32>, stderr: &str) -> String {
    let last = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    let hint = match code {
        Some(128) => " (no usable key: set SOPS_AGE_KEY_FILE, or the cloud credentials for the KMS key that encrypted it)",
        Some(51) => " (MAC mismatch: the file was edited without sops after it was encrypted)",
        Some(1) if last.contains("metadata not found") => " (the document is not sops-encrypted)",
        _ => "",
    };
    format!(
        "sops exited with status {}: {last}{hint}",
        code.map_or("unknown".to_string(), |c| c.to_string())
    )
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
        assert_eq!(decrypt_with(v.clone(), &opts).unwrap().expose(), &v);
    }

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
