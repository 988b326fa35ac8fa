//! Marking what sops encrypts: each chosen location `…/k` becomes `…/k_sops` (sops then
//! encrypts everything below a key with the suffix, and Flow strips it after decrypting), as
//! Estuary's encryption service renames them. A secret at the document's root, or directly
//! inside an array, has no key to rename and is refused, as the service refuses it. Key order
//! is kept, in JSON and in YAML text (where comments stay too).

use serde_json::{Map, Value};

use crate::form::pointer::segments;
use crate::yaml::{self, Node};

/// Why a location cannot be marked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarkError {
    #[error("the whole config cannot be one secret: sops encrypts values under a key ending in `_sops`, and the root has no key")]
    Root,
    #[error("{0} is an item of a list: sops's suffix needs a key, so encrypt the list that holds it instead")]
    InArray(String),
    #[error("{0} is not in the config")]
    Missing(String),
}

/// The locations to mark for `pointers` (JSON pointers into `config`): an item of a list goes
/// with the list that holds it (the suffix needs a key), and a location below another is
/// covered by it. The editor's locks, its plaintext guard and `flowspec encrypt` all choose
/// through this, so they mark the same keys.
pub fn encryptable(config: &Value, pointers: impl IntoIterator<Item = String>) -> Vec<String> {
    let lifted = pointers.into_iter().map(|mut p| {
        while let Some((parent, _)) = p.rsplit_once('/') {
            if config.pointer(parent).is_some_and(Value::is_array) {
                p = parent.to_string();
            } else {
                break;
            }
        }
        p
    });
    crate::secrets::schema::normalize(lifted.collect())
}

/// `config` with each location of `pointers` (JSON pointers into `config`) renamed to carry
/// `suffix`, in place, everything else (and the order of keys) unchanged. A location below
/// another one is covered by it and left alone.
pub fn mark(config: &Value, pointers: &[String], suffix: &str) -> Result<Value, MarkError> {
    let pointers = crate::secrets::schema::normalize(pointers.to_vec());
    let mut out = config.clone();
    for p in &pointers {
        let segs = segments(p);
        let Some((last, parents)) = segs.split_last() else {
            return Err(MarkError::Root);
        };
        let mut cur = &mut out;
        for s in parents {
            cur = match cur {
                Value::Object(m) => m.get_mut(s),
                Value::Array(a) => s.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
                _ => None,
            }
            .ok_or_else(|| MarkError::Missing(p.clone()))?;
        }
        match cur {
            Value::Object(m) if m.contains_key(last) => {
                if !last.ends_with(suffix) {
                    rename(m, last, &format!("{last}{suffix}"));
                }
            }
            Value::Array(_) => return Err(MarkError::InArray(p.clone())),
            _ => return Err(MarkError::Missing(p.clone())),
        }
    }
    Ok(out)
}

/// Renames key `from` of `map` to `to` where it stands.
fn rename(map: &mut Map<String, Value>, from: &str, to: &str) {
    let entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
    for (k, v) in entries {
        if k == from {
            map.insert(to.to_string(), v);
        } else {
            map.insert(k, v);
        }
    }
}

/// The same renames made in YAML `text` (whose document is `config`): only the key scalars
/// change, so comments, order and layout stay. `None` when the text cannot be changed that
/// way (an aliased or merged key, a layout the patch does not read back as `expected`); the
/// caller then writes the document from JSON.
pub fn mark_text(
    text: &str,
    pointers: &[String],
    suffix: &str,
    expected: &Value,
) -> Option<String> {
    let root = yaml::parse(text).ok()?;
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for p in crate::secrets::schema::normalize(pointers.to_vec()) {
        let segs = segments(&p);
        let (last, parents) = segs.split_last()?;
        let mut node = &root;
        for s in parents {
            node = child(node, s)?;
        }
        let (key, _) = node
            .entries()
            .iter()
            .find(|(k, _)| k.key_cow() == last.as_str())?;
        if key.shared || node.shared {
            return None;
        }
        if last.ends_with(suffix) {
            continue;
        }
        let new = yaml::patch::render_scalar(&Value::String(format!("{last}{suffix}")))?;
        edits.push((key.pos.start, key.pos.end, new));
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, new) in edits {
        out.replace_range(start..end, &new);
    }
    let back = yaml::parse(&out).ok()?.to_json();
    (back == *expected).then_some(out)
}

/// The child of a mapping (by key) or a sequence (by index).
fn child<'n>(node: &'n Node, seg: &str) -> Option<&'n Node> {
    if node.is_seq() {
        node.items().get(seg.parse::<usize>().ok()?)
    } else {
        node.entries()
            .iter()
            .find(|(k, _)| k.key_cow() == seg)
            .map(|(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn list_items_go_with_their_list_and_covered_locations_drop() {
        let cfg = json!({"tokens": ["a", "b"], "creds": {"password": "x", "keys": [["k"]]}});
        let chosen = encryptable(
            &cfg,
            ["/tokens/1", "/creds/keys/0/0", "/tokens/0"].map(String::from),
        );
        assert_eq!(chosen, ["/creds/keys", "/tokens"]);
        let chosen = encryptable(&cfg, ["/creds/password", "/creds"].map(String::from));
        assert_eq!(chosen, ["/creds"]);
        assert!(mark(&cfg, &chosen, "_sops").is_ok());
    }

    #[test]
    fn chosen_keys_get_the_suffix_in_place() {
        let cfg = json!({"host": "h", "password": "p", "tunnel": {"key": "k", "port": 22}, "z": 1});
        let out = mark(&cfg, &["/password".into(), "/tunnel/key".into()], "_sops").unwrap();
        assert_eq!(
            out,
            json!({"host": "h", "password_sops": "p", "tunnel": {"key_sops": "k", "port": 22}, "z": 1})
        );
        let keys: Vec<&String> = out.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["host", "password_sops", "tunnel", "z"]);
        // A location below a chosen one is covered by it.
        let out = mark(&cfg, &["/tunnel".into(), "/tunnel/key".into()], "_sops").unwrap();
        assert_eq!(out["tunnel_sops"], json!({"key": "k", "port": 22}));
    }

    #[test]
    fn the_root_and_list_items_are_refused() {
        let cfg = json!({"keys": ["a", "b"], "creds": [{"token": "t"}]});
        assert_eq!(mark(&cfg, &["".into()], "_sops"), Err(MarkError::Root));
        assert_eq!(
            mark(&cfg, &["/keys/0".into()], "_sops"),
            Err(MarkError::InArray("/keys/0".into()))
        );
        // A key inside an item of a list is fine.
        let out = mark(&cfg, &["/creds/0/token".into()], "_sops").unwrap();
        assert_eq!(out["creds"][0], json!({"token_sops": "t"}));
        assert_eq!(
            mark(&cfg, &["/nope".into()], "_sops"),
            Err(MarkError::Missing("/nope".into()))
        );
    }

    #[test]
    fn yaml_text_keeps_its_comments_and_order() {
        let text = "# top\nhost: h # where\npassword: \"p\" # pw\nnested:\n  'token': t\n";
        let cfg = yaml::parse(text).unwrap().to_json();
        let pointers = ["/password".to_string(), "/nested/token".to_string()];
        let expected = mark(&cfg, &pointers, "_sops").unwrap();
        let out = mark_text(text, &pointers, "_sops", &expected).unwrap();
        assert_eq!(
            out,
            "# top\nhost: h # where\npassword_sops: \"p\" # pw\nnested:\n  token_sops: t\n"
        );
        // An aliased key is not renamed in place.
        let aliased = "a: &x {password: p}\nb: *x\n";
        let cfg = yaml::parse(aliased).unwrap().to_json();
        let p = ["/b/password".to_string()];
        assert_eq!(
            mark_text(aliased, &p, "_sops", &mark(&cfg, &p, "_sops").unwrap()),
            None
        );
    }
}
