//! The fallback rule for configs whose connector schema flowspec does not know (the TUI has
//! not fetched the connector's spec this session, a derivation's connector, a config file no
//! task refers to): a key is secret when its name looks like one. Deliberately broad — it
//! errs towards masking, since a masked diff line costs little and a leaked one cannot be
//! taken back. It is only a guess: with the schema known, the schema decides.

use serde_json::Value;

use crate::form::pointer::join;

/// Words that make a key secret once the name is lowercased and stripped of `_`, `-`, `.`
/// and spaces (`api_key`, `apiKey`, `X-Api-Key` all become `…apikey…`).
const WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "privatekey",
    "credential",
    "accesskey",
    "authorization",
    "sshkey",
    "sessionkey",
    "signingkey",
    "serviceaccount",
    "connectionstring",
];

/// Whole names too short to search for inside others.
const EXACT: &[&str] = &["pwd", "pass", "pat", "dsn"];

/// True when a key of this name probably holds a secret (see the module doc), or is already
/// sops-encrypted (`…_sops`: sops encrypts everything below such a key).
pub fn is_secret_name(key: &str) -> bool {
    if key.ends_with("_sops") {
        return true;
    }
    let norm: String = key
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    EXACT.contains(&norm.as_str()) || WORDS.iter().any(|w| norm.contains(w))
}

/// The secret locations of `config` by the name rule: every non-null value under a key
/// [`is_secret_name`] accepts, as JSON pointers; nothing below such a key is listed apart.
pub fn locate_by_name(config: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(config, "", &mut out, 0);
    out
}

/// Nesting deeper than this is listed as secret as a whole (hostile input must not overflow
/// the stack, and masking too much is the safe side).
pub(super) const MAX_DEPTH: usize = 128;

fn walk(value: &Value, pointer: &str, out: &mut Vec<String>, depth: usize) {
    if depth > MAX_DEPTH {
        out.push(pointer.to_string());
        return;
    }
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let child = join(pointer, k);
                if is_secret_name(k) {
                    if !v.is_null() {
                        out.push(child);
                    }
                } else {
                    walk(v, &child, out, depth + 1);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk(v, &join(pointer, &i.to_string()), out, depth + 1);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_looking_names_in_every_spelling() {
        for k in [
            "password",
            "db_password",
            "Password",
            "api_key",
            "apiKey",
            "X-Api-Key",
            "private_key",
            "client_secret",
            "credentials",
            "credentials_json",
            "refresh_token",
            "Authorization",
            "pwd",
            "value_sops",
            "service_account_json",
        ] {
            assert!(is_secret_name(k), "{k}");
        }
        for k in [
            "host",
            "user",
            "database",
            "port",
            "key",
            "compass",
            "bypass_ssl",
        ] {
            assert!(!is_secret_name(k), "{k}");
        }
    }

    #[test]
    fn locations_stop_at_a_secret_key_and_skip_nulls() {
        let cfg = json!({
            "host": "h",
            "password": "",
            "token": null,
            "credentials": {"client_id": "x", "client_secret": "y"},
            "apiKeys": [{"name": "a", "key": "k"}, {"name": "b", "api_key": "k2"}],
            "a/b": {"secret": 1}
        });
        assert_eq!(
            locate_by_name(&cfg),
            vec!["/password", "/credentials", "/apiKeys", "/a~1b/secret"]
        );
        let cfg = json!({"list": [{"name": "b", "api_key": "k2"}]});
        assert_eq!(locate_by_name(&cfg), vec!["/list/0/api_key"]);
    }
}
