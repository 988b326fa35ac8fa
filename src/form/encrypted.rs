//! How a form shows a sops-encrypted config. Flow's runtime decrypts it and strips the
//! `encrypted_suffix` from the keys (`password_sops` → `password`) before the connector sees
//! it, so that is the shape the connector's schema describes: the form loads the config in
//! that shape, with the encrypted values marked, and never writes it back (changing any value
//! would need re-encryption: sops' MAC covers them all).

use serde_json::Value;

use super::pointer::join;
use crate::connector::sops::{is_encrypted, strip_suffix};

/// An encrypted config as the form shows it.
#[derive(Clone)]
pub struct EncryptedView {
    /// The config with the suffix stripped and the `sops` metadata left out.
    pub config: Value,
    /// Pointers (in `config`) of the values that are encrypted (`ENC[...]`).
    pub encrypted: Vec<String>,
}

/// The form's view of `config` when it is sops-encrypted; `None` for a plain config.
pub fn view(config: &Value) -> Option<EncryptedView> {
    if !is_encrypted(config) {
        return None;
    }
    let suffix = config["sops"]
        .get("encrypted_suffix")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let mut shown = config.clone();
    if let Value::Object(m) = &mut shown {
        m.shift_remove("sops");
    }
    if let Some(suffix) = suffix {
        strip_suffix(&mut shown, &suffix);
    }
    let mut encrypted = Vec::new();
    let mut stack = vec![(&shown, String::new())];
    while let Some((v, pointer)) = stack.pop() {
        match v {
            Value::String(s) if s.starts_with("ENC[") => encrypted.push(pointer),
            Value::Object(m) => stack.extend(m.iter().map(|(k, c)| (c, join(&pointer, k)))),
            Value::Array(a) => stack.extend(
                a.iter()
                    .enumerate()
                    .map(|(i, c)| (c, join(&pointer, &i.to_string()))),
            ),
            _ => {}
        }
    }
    encrypted.sort();
    Some(EncryptedView {
        config: shown,
        encrypted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_suffix_is_stripped_and_encrypted_values_marked() {
        let cfg = json!({
            "address": "db:5432",
            "password_sops": "ENC[AES256_GCM,data:x,type:str]",
            "creds_sops": {"key": "ENC[AES256_GCM,data:y,type:str]"},
            "sops": {"mac": "ENC[m]", "encrypted_suffix": "_sops"}
        });
        let v = view(&cfg).unwrap();
        assert_eq!(
            v.config,
            json!({"address": "db:5432", "password": "ENC[AES256_GCM,data:x,type:str]",
                   "creds": {"key": "ENC[AES256_GCM,data:y,type:str]"}})
        );
        assert_eq!(v.encrypted, ["/creds/key", "/password"]);
        assert!(view(&json!({"password": "clear"})).is_none());
    }

    #[test]
    fn without_a_suffix_keys_stay_and_every_encrypted_value_is_marked() {
        let cfg = json!({"user": "ENC[u]", "port": 5432, "sops": {"mac": "m"}});
        let v = view(&cfg).unwrap();
        assert_eq!(v.config, json!({"user": "ENC[u]", "port": 5432}));
        assert_eq!(v.encrypted, ["/user"]);
    }
}
