//! Flow's plaintext check (`crates/validation/src/secrets/plaintext.rs`): the locations of a
//! config that its connector's schema could annotate secret (see
//! [`crate::secrets::schema::locate`]) and that hold a value in clear — present, not null, not
//! an empty object or list (`""` counts). In a sops document, a location below a key ending in
//! the document's `encrypted_suffix` is encrypted, as sops encrypts everything below such a
//! key; the schema's names are matched with the suffix stripped, as Flow's runtime strips it.

use serde_json::Value;

use super::decrypt::{is_encrypted, strip_suffix, suffix_of};
use super::encrypt::is_ciphertext;
use crate::form::pointer::{join, segments};
use crate::secrets::schema::locate;

/// The plaintext secret locations of `config` under `schema` (a bare JSON Schema), as JSON
/// pointers into `config` as written (`/credentials/password`), sorted.
pub fn plaintext_secrets(schema: &Value, config: &Value) -> Vec<String> {
    plaintext_by(config, &|view| locate(schema, view))
}

/// The same check with the secret locations found by `find` (given the document as its
/// connector sees it: no `sops` metadata, no suffixes) — the schema, or the name rule when no
/// schema is known.
pub fn plaintext_by(config: &Value, find: &dyn Fn(&Value) -> Vec<String>) -> Vec<String> {
    if !is_encrypted(config) {
        let mut out: Vec<String> = find(config)
            .into_iter()
            .filter(|p| config.pointer(p).is_some_and(holds_value))
            .collect();
        out.sort();
        out.dedup();
        return out;
    }
    let suffix = suffix_of(config);
    let mut view = config.clone();
    if let Value::Object(m) = &mut view {
        m.shift_remove("sops");
    }
    if let Some(s) = &suffix {
        strip_suffix(&mut view, s);
    }
    let mut out = Vec::new();
    for p in find(&view) {
        let Some((real, protected)) = written_pointer(config, &p, suffix.as_deref()) else {
            continue;
        };
        let Some(v) = config.pointer(&real) else {
            continue;
        };
        if protected || !holds_value(v) || all_ciphertext(v) {
            continue;
        }
        out.push(real);
    }
    out.sort();
    out.dedup();
    out
}

/// True for a value the plaintext check flags: not null, not an empty object or list.
fn holds_value(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Object(m) => !m.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => true,
    }
}

/// True when every string below `v` is sops ciphertext (a document encrypted by a regex
/// rather than a suffix) and there is at least one; null and `""` stay as sops leaves them.
fn all_ciphertext(v: &Value) -> bool {
    fn walk(v: &Value, any: &mut bool) -> bool {
        match v {
            Value::String(s) if s.is_empty() => true,
            Value::String(s) => {
                *any = true;
                is_ciphertext(s)
            }
            Value::Null => true,
            Value::Object(m) => m.values().all(|c| walk(c, any)),
            Value::Array(a) => a.iter().all(|c| walk(c, any)),
            _ => false,
        }
    }
    let mut any = false;
    walk(v, &mut any) && any
}

/// The pointer in the document as written for `pointer` in its suffix-stripped view, and
/// whether a key on the way carries the suffix (so sops encrypted it).
fn written_pointer(doc: &Value, pointer: &str, suffix: Option<&str>) -> Option<(String, bool)> {
    let mut cur = doc;
    let mut out = String::new();
    let mut protected = false;
    for seg in segments(pointer) {
        match cur {
            Value::Object(m) => {
                let with = suffix.map(|s| format!("{seg}{s}"));
                let key = match with.filter(|k| m.contains_key(k)) {
                    Some(k) => {
                        protected = true;
                        k
                    }
                    None => seg,
                };
                out = join(&out, &key);
                cur = m.get(&key)?;
            }
            Value::Array(a) => {
                cur = a.get(seg.parse::<usize>().ok()?)?;
                out = join(&out, &seg);
            }
            _ => return None,
        }
    }
    Some((out, protected))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({"properties": {
            "host": {"type": "string"},
            "password": {"type": "string", "secret": true},
            "creds": {"oneOf": [{"properties": {"token": {"airbyte_secret": true}}}]},
            "extra": {"secret": true},
            "list": {"items": {"properties": {"key": {"secret": true}}}}
        }})
    }

    #[test]
    fn present_non_null_non_empty_values_in_clear_are_flagged() {
        let cfg = json!({
            "host": "h", "password": "", "creds": {"token": "t"}, "extra": {},
            "list": [{"key": "k"}, {"key": null}]
        });
        assert_eq!(
            plaintext_secrets(&schema(), &cfg),
            ["/creds/token", "/list/0/key", "/password"]
        );
        assert!(plaintext_secrets(&schema(), &json!({"host": "h", "password": null})).is_empty());
    }

    #[test]
    fn suffixed_keys_of_a_sops_document_are_encrypted() {
        let cfg = json!({
            "host": "h",
            "password_sops": "ENC[AES256_GCM,data:x,type:str]",
            "creds": {"token": "in clear"},
            "extra_sops": {"a": "ENC[x]"},
            "sops": {"encrypted_suffix": "_sops", "mac": "ENC[m]"}
        });
        assert_eq!(plaintext_secrets(&schema(), &cfg), ["/creds/token"]);
        // Encrypted by a regex rather than a suffix: ciphertext values count as encrypted.
        let cfg = json!({"password": "ENC[AES256_GCM,data:x]", "creds": {"token": "t"}, "sops": {"mac": "m"}});
        assert_eq!(plaintext_secrets(&schema(), &cfg), ["/creds/token"]);
    }
}
