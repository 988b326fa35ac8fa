//! Encrypting a marked document (see [`super::mark`]) with the real sops, the way Flow's
//! encryption service does — `--encrypted-suffix _sops`, the plaintext on stdin — with the
//! target file's name given as `--filename-override` (it picks the `.sops.yaml` rule and is
//! never read) and the output in the target's format. Before anything is written, the output
//! is checked: the `sops` metadata at the top with Flow's suffix and a MAC, every value below
//! a suffixed key encrypted, every other value exactly what went in.

use std::path::Path;

use serde_json::Value;

use super::keys::Keys;
use super::run::{self, SopsError, SopsOptions};
use super::{Format, SUFFIX};
use crate::secrets::Secret;

/// One encryption: a marked plaintext document and where it goes.
pub struct Request<'a> {
    /// The document, keys already marked; YAML or JSON text.
    pub plaintext: &'a Secret<String>,
    pub input: Format,
    /// The marked document as JSON, to check the output against.
    pub expected: &'a Value,
    /// The file the result will be written to (it need not exist).
    pub target: &'a Path,
    pub keys: &'a Keys,
}

/// The arguments sops gets for `req`: no plaintext in them, only flags and file names.
pub fn args(req: &Request) -> Vec<String> {
    let (global, keys) = req.keys.args();
    let mut out = global;
    out.extend(
        [
            "encrypt",
            "--filename-override",
            &req.target.display().to_string(),
            "--input-type",
            req.input.sops_type(),
            "--output-type",
            Format::of_path(req.target).sops_type(),
            "--encrypted-suffix",
            SUFFIX,
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    out.extend(keys);
    out
}

/// Encrypts `req` and checks the result (see the module doc); returns the encrypted text, in
/// the target's format.
pub fn encrypt(req: &Request, opts: &SopsOptions) -> Result<String, SopsError> {
    run::require_encrypt(&opts.binary())?;
    let out = run::run(opts, &args(req), req.plaintext.expose().as_bytes())?;
    let text = String::from_utf8(out.into_inner())
        .map_err(|_| SopsError::Verify("the output is not UTF-8".into()))?;
    verify(&text, Format::of_path(req.target), req.expected)?;
    Ok(text)
}

/// Checks encrypted `text` against the marked document it came from.
pub fn verify(text: &str, format: Format, expected: &Value) -> Result<(), SopsError> {
    let doc: Value = match format {
        Format::Json => serde_json::from_str(text).map_err(|e| SopsError::Verify(e.to_string()))?,
        Format::Yaml => serde_yaml::from_str(text).map_err(|e| SopsError::Verify(e.to_string()))?,
    };
    let Some(Value::Object(meta)) = doc.get("sops") else {
        return Err(SopsError::Verify(
            "no `sops` metadata at the top level".into(),
        ));
    };
    if meta.get("encrypted_suffix").and_then(Value::as_str) != Some(SUFFIX) {
        return Err(SopsError::Verify(format!(
            "its metadata does not say `encrypted_suffix: {SUFFIX}`"
        )));
    }
    if !meta
        .get("mac")
        .and_then(Value::as_str)
        .is_some_and(is_ciphertext)
    {
        return Err(SopsError::Verify("its metadata has no MAC".into()));
    }
    let mut body = doc.clone();
    if let Value::Object(m) = &mut body {
        m.shift_remove("sops");
    }
    compare(expected, &body, false, "")
}

/// True for a sops ciphertext value.
pub fn is_ciphertext(s: &str) -> bool {
    s.starts_with("ENC[") && s.ends_with(']')
}

fn compare(expected: &Value, got: &Value, secret: bool, at: &str) -> Result<(), SopsError> {
    let differs = || {
        SopsError::Verify(format!(
            "{} is not what was encrypted",
            if at.is_empty() { "the document" } else { at }
        ))
    };
    match (expected, got) {
        (Value::Object(e), Value::Object(g)) => {
            if !e.keys().eq(g.keys()) {
                return Err(differs());
            }
            for (k, v) in e {
                let child = crate::form::pointer::join(at, k);
                compare(v, &g[k], secret || k.ends_with(SUFFIX), &child)?;
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(g)) if e.len() == g.len() => {
            for (i, (a, b)) in e.iter().zip(g).enumerate() {
                compare(a, b, secret, &format!("{at}/{i}"))?;
            }
            Ok(())
        }
        // sops leaves null and "" as they are.
        (Value::Null, Value::Null) => Ok(()),
        (Value::String(s), Value::String(g)) if s.is_empty() && g.is_empty() => Ok(()),
        (_, Value::String(g)) if secret => {
            if is_ciphertext(g) {
                Ok(())
            } else {
                Err(SopsError::Verify(format!("{at} was left unencrypted")))
            }
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => Ok(()),
        (a, b) if a == b => Ok(()),
        _ => Err(differs()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn keys() -> Keys {
        Keys::Group {
            group: super::super::KeyGroup::age(["age1x".to_string()]),
            origin: super::super::KeyOrigin::CommandLine,
        }
    }

    #[test]
    fn the_arguments_carry_no_plaintext_and_put_every_flag_before_nothing() {
        let plain = Secret::new("password_sops: hunter2\n".to_string());
        let expected = json!({"password_sops": "hunter2"});
        let keys = keys();
        let req = Request {
            plaintext: &plain,
            input: Format::Yaml,
            expected: &expected,
            target: Path::new("/c/x.config.json"),
            keys: &keys,
        };
        let a = args(&req);
        assert_eq!(
            a,
            [
                "--config",
                "/dev/null",
                "encrypt",
                "--filename-override",
                "/c/x.config.json",
                "--input-type",
                "yaml",
                "--output-type",
                "json",
                "--encrypted-suffix",
                "_sops",
                "--age",
                "age1x"
            ]
        );
        assert!(!a.iter().any(|s| s.contains("hunter2")));
    }

    #[test]
    fn output_is_checked_against_what_went_in() {
        let expected =
            json!({"host": "h", "password_sops": "p", "n_sops": {"a": 1, "b": ""}, "port": 5432});
        let good = "host: h\npassword_sops: ENC[AES256_GCM,data:x,type:str]\nn_sops:\n    a: ENC[AES256_GCM,data:y,type:int]\n    b: \"\"\nport: 5432\nsops:\n    mac: ENC[AES256_GCM,data:m,type:str]\n    encrypted_suffix: _sops\n";
        verify(good, Format::Yaml, &expected).unwrap();
        let clear = good.replace("ENC[AES256_GCM,data:x,type:str]", "p");
        assert!(verify(&clear, Format::Yaml, &expected)
            .unwrap_err()
            .to_string()
            .contains("/password_sops was left unencrypted"));
        let changed = good.replace("host: h", "host: g");
        assert!(verify(&changed, Format::Yaml, &expected).is_err());
        let other_suffix = good.replace("encrypted_suffix: _sops", "encrypted_regex: x");
        assert!(verify(&other_suffix, Format::Yaml, &expected).is_err());
        let no_meta = "host: h\n";
        assert!(verify(no_meta, Format::Yaml, &expected)
            .unwrap_err()
            .to_string()
            .contains("metadata"));
    }
}
