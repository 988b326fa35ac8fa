//! Encrypted documents made readable for a diff: every ciphertext value shortened to
//! `ENC[…]` and the `sops` metadata folded into one line naming its keys. Nothing secret is
//! lost by this (ciphertext hides its plaintext), but a save diff stays about what changed.

use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;

use super::keys::KeyGroup;

/// What a ciphertext value is shown as.
pub const SHORT: &str = "ENC[…]";

/// `text` (a sops document, YAML or JSON as sops writes them) with ciphertext shortened and
/// the metadata folded.
pub fn shorten(text: &str) -> String {
    static ENC: OnceLock<Regex> = OnceLock::new();
    let enc = ENC.get_or_init(|| Regex::new(r"ENC\[[A-Z0-9_]+,[^\]\n]*\]").expect("valid"));
    let summary = metadata_summary(text);
    let mut out = String::with_capacity(text.len() / 2);
    let mut lines = text.split_inclusive('\n').peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_end();
        if trimmed == "sops:" {
            // YAML: the metadata block runs until the next unindented line.
            while lines
                .peek()
                .is_some_and(|l| l.starts_with([' ', '\t']) || l.trim().is_empty())
            {
                lines.next();
            }
            out.push_str(&format!("sops: …  # {summary}\n"));
        } else if trimmed == "\t\"sops\": {" {
            // JSON as sops writes it: tab-indented, the metadata object closes at `\t}`.
            let mut close = "}";
            for l in lines.by_ref() {
                let t = l.trim_end();
                if t == "\t}" || t == "\t}," {
                    close = t.trim_start();
                    break;
                }
            }
            out.push_str(&format!("\t\"sops\": {{…{close}\n"));
        } else {
            out.push_str(&enc.replace_all(line, SHORT));
        }
    }
    out
}

/// One line about a sops document's metadata: the keys it is encrypted for.
pub fn metadata_summary(text: &str) -> String {
    let doc: Option<Value> = serde_yaml::from_str(text).ok();
    let keys = doc
        .as_ref()
        .and_then(|d| d.get("sops"))
        .and_then(|m| KeyGroup::from_metadata(m).ok())
        .map(|g| g.describe())
        .unwrap_or_default();
    if keys.is_empty() {
        "sops metadata (MAC, data key)".to_string()
    } else {
        format!("sops metadata: encrypted for {keys}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_ciphertext_and_metadata_are_folded() {
        let text = "host: db\npassword_sops: ENC[AES256_GCM,data:b5hA==,iv:eUJJ,tag:8Vt,type:str]\nsops:\n    age:\n        - recipient: age1n8yzflr6qla8yuxmt58tkafwr2444s37pzc4esn6dsgdlhacasqs9e5gqg\n          enc: |\n            -----BEGIN AGE ENCRYPTED FILE-----\n            YWdl\n            -----END AGE ENCRYPTED FILE-----\n    mac: ENC[AES256_GCM,data:Dg,iv:Yh,tag:id,type:str]\n    encrypted_suffix: _sops\n    version: 3.11.0\n";
        assert_eq!(
            shorten(text),
            "host: db\npassword_sops: ENC[…]\nsops: …  # sops metadata: encrypted for age age1n8yzfl…9e5gqg\n"
        );
    }

    #[test]
    fn json_metadata_is_folded_too() {
        let text = "{\n\t\"a_sops\": \"ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]\",\n\t\"sops\": {\n\t\t\"mac\": \"ENC[AES256_GCM,data:m]\",\n\t\t\"age\": []\n\t}\n}\n";
        assert_eq!(
            shorten(text),
            "{\n\t\"a_sops\": \"ENC[…]\",\n\t\"sops\": {…}\n}\n"
        );
    }
}
