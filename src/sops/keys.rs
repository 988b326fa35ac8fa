//! Which keys encrypt a config, in the order flowspec looks: a `.sops.yaml` creation rule
//! matching the config file's path (the nearest `.sops.yaml` from the file's folder upward, as
//! sops would find it from there; passed to sops as `--config`), else the `sops:` section of
//! flowspec's settings, else a choice the user makes among the age recipients found on this
//! machine ([`candidates`]), which can be written into `.sops.yaml` ([`write_rule`]). A
//! document already encrypted keeps the key group its metadata names ([`KeyGroup::from_metadata`]).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::run::SopsError;
use super::SUFFIX;

/// The master keys of one key group, as sops's command line takes them (`--age a,b`, ...).
/// Also the `sops:` section of flowspec's settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KeyGroup {
    /// age recipients (`age1…`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub age: Vec<String>,
    /// AWS KMS key ARNs (`arn` or `arn+role_arn`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kms: Vec<String>,
    /// GCP KMS resource ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gcp_kms: Vec<String>,
    /// Azure Key Vault key URLs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub azure_kv: Vec<String>,
    /// PGP fingerprints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pgp: Vec<String>,
    /// HashiCorp Vault transit key URIs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hc_vault: Vec<String>,
}

impl KeyGroup {
    /// An age-only group.
    pub fn age(recipients: impl IntoIterator<Item = String>) -> Self {
        KeyGroup {
            age: recipients.into_iter().collect(),
            ..KeyGroup::default()
        }
    }

    fn lists(&self) -> [(&'static str, &'static str, &Vec<String>); 6] {
        [
            ("age", "--age", &self.age),
            ("kms", "--kms", &self.kms),
            ("gcp_kms", "--gcp-kms", &self.gcp_kms),
            ("azure_kv", "--azure-kv", &self.azure_kv),
            ("pgp", "--pgp", &self.pgp),
            ("hc_vault", "--hc-vault-transit", &self.hc_vault),
        ]
    }

    /// True when it names no key.
    pub fn is_empty(&self) -> bool {
        self.lists().iter().all(|(_, _, l)| l.is_empty())
    }

    /// sops's command-line flags for these keys.
    pub fn flags(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (_, flag, list) in self.lists() {
            if !list.is_empty() {
                out.push(flag.to_string());
                out.push(list.join(","));
            }
        }
        out
    }

    /// A short description for people: `age age1abc…wxyz, kms arn:…`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for (name, _, list) in self.lists() {
            for k in list {
                parts.push(format!("{name} {}", short_key(k)));
            }
        }
        parts.join(", ")
    }

    /// The key group a sops document was encrypted with, from its `sops` metadata, so a
    /// re-encryption keeps exactly those recipients. Several key groups (Shamir secret sharing)
    /// are refused: sops's command line cannot express them.
    pub fn from_metadata(sops: &Value) -> Result<KeyGroup, String> {
        let mut g = KeyGroup::default();
        let groups = sops.get("key_groups").and_then(Value::as_array);
        let src: Vec<&Value> = match groups {
            Some(groups) if groups.len() > 1 => {
                return Err(format!(
                    "it uses {} key groups (Shamir secret sharing), which flowspec cannot re-create; re-encrypt it with sops itself",
                    groups.len()
                ))
            }
            Some(groups) => groups.iter().collect(),
            None => vec![sops],
        };
        let items = |v: &Value, k: &str| -> Vec<Value> {
            v.get(k)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        for v in src {
            for a in items(v, "age") {
                g.age.push(s(&a, "recipient"));
            }
            for p in items(v, "pgp") {
                g.pgp.push(s(&p, "fp"));
            }
            for k in items(v, "kms") {
                let role = s(&k, "role");
                let arn = s(&k, "arn");
                if k.get("context")
                    .is_some_and(|c| c.as_object().is_some_and(|m| !m.is_empty()))
                {
                    return Err("its KMS key has an encryption context, which flowspec does not carry over; re-encrypt it with sops itself".into());
                }
                g.kms.push(if role.is_empty() {
                    arn
                } else {
                    format!("{arn}+{role}")
                });
            }
            for k in items(v, "gcp_kms") {
                g.gcp_kms.push(s(&k, "resource_id"));
            }
            for k in items(v, "azure_kv") {
                g.azure_kv.push(format!(
                    "{}/keys/{}/{}",
                    s(&k, "vault_url").trim_end_matches('/'),
                    s(&k, "name"),
                    s(&k, "version")
                ));
            }
            for k in items(v, "hc_vault") {
                g.hc_vault.push(format!(
                    "{}/v1/{}/keys/{}",
                    s(&k, "vault_address").trim_end_matches('/'),
                    s(&k, "engine_path"),
                    s(&k, "key_name")
                ));
            }
        }
        for (_, _, list) in g.lists() {
            if list.iter().any(String::is_empty) {
                return Err("its sops metadata names a key without its identifier".into());
            }
        }
        if g.is_empty() {
            return Err("its sops metadata names no key".into());
        }
        Ok(g)
    }
}

/// A key shortened for display: `age1abcdef…uvwxyz`.
pub fn short_key(k: &str) -> String {
    let n = k.chars().count();
    if n <= 24 {
        return k.to_string();
    }
    let head: String = k.chars().take(10).collect();
    let tail: String = k.chars().skip(n - 6).collect();
    format!("{head}…{tail}")
}

/// Where the keys of one encryption come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Keys {
    /// A creation rule of a `.sops.yaml` that matches the file; sops gets it as `--config`.
    Rule {
        config: PathBuf,
        /// 0-based position among `creation_rules`.
        index: usize,
        /// The rule's keys, for display (empty when it uses `key_groups`).
        group: KeyGroup,
    },
    /// Keys given to sops on its command line, with `--config /dev/null`.
    Group { group: KeyGroup, origin: KeyOrigin },
}

/// Where explicitly given keys came from (for messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOrigin {
    Settings,
    /// The `sops` metadata of the document being re-encrypted.
    Document,
    /// Picked by the user from the recipients found.
    Chosen,
    CommandLine,
}

impl Keys {
    /// sops's arguments before the subcommand and the key flags after it.
    pub fn args(&self) -> (Vec<String>, Vec<String>) {
        match self {
            Keys::Rule { config, .. } => (
                vec!["--config".into(), config.display().to_string()],
                Vec::new(),
            ),
            Keys::Group { group, .. } => {
                (vec!["--config".into(), "/dev/null".into()], group.flags())
            }
        }
    }

    /// For people: which keys and where they came from.
    pub fn describe(&self) -> String {
        match self {
            Keys::Rule {
                config,
                index,
                group,
            } => {
                let keys = if group.is_empty() {
                    "its key groups".to_string()
                } else {
                    group.describe()
                };
                format!("{keys} (rule {} of {})", index + 1, config.display())
            }
            Keys::Group { group, origin } => {
                let from = match origin {
                    KeyOrigin::Settings => "flowspec settings",
                    KeyOrigin::Document => "the keys it was encrypted with",
                    KeyOrigin::Chosen => "chosen",
                    KeyOrigin::CommandLine => "command line",
                };
                format!("{} ({from})", group.describe())
            }
        }
    }
}

/// The `.sops.yaml` sops would use for `file`: the nearest one in its folder or above.
pub fn find_sops_yaml(file: &Path) -> Option<PathBuf> {
    let mut dir = file.parent();
    while let Some(d) = dir {
        for name in [".sops.yaml", ".sops.yml"] {
            let p = d.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
        dir = d.parent();
    }
    None
}

/// The creation rule of `config` (a `.sops.yaml`) that sops would apply to `file`: the first
/// whose `path_regex` matches the file's path relative to the config's folder (a rule without
/// one matches every file). A rule that chooses what to encrypt otherwise than by the `_sops`
/// suffix (`encrypted_regex`, `unencrypted_suffix`, ...) or asks for `mac_only_encrypted` is
/// refused: what it would write is not what Flow's tools expect.
pub fn matching_rule(config: &Path, file: &Path) -> Result<Option<Keys>, SopsError> {
    let text = crate::catalog::read::text(config)
        .map_err(|e| SopsError::Io(format!("{}: {e}", config.display())))?;
    let doc: Value = serde_yaml::from_str(&text)
        .map_err(|e| SopsError::Io(format!("{}: {e}", config.display())))?;
    let dir = config.parent().unwrap_or(Path::new("/"));
    let rel = file
        .strip_prefix(dir)
        .unwrap_or(file)
        .to_string_lossy()
        .into_owned();
    let rules = doc
        .get("creation_rules")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (index, rule) in rules.iter().enumerate() {
        let matches = match rule.get("path_regex").and_then(Value::as_str) {
            None | Some("") => true,
            Some(re) => regex::Regex::new(re)
                .map_err(|e| {
                    SopsError::Io(format!(
                        "{}: rule {}: path_regex does not compile: {e}",
                        config.display(),
                        index + 1
                    ))
                })?
                .is_match(&rel),
        };
        if !matches {
            continue;
        }
        check_rule(config, index, rule)?;
        return Ok(Some(Keys::Rule {
            config: config.to_path_buf(),
            index,
            group: rule_group(rule),
        }));
    }
    Ok(None)
}

fn check_rule(config: &Path, index: usize, rule: &Value) -> Result<(), SopsError> {
    let at = || format!("{} (rule {})", config.display(), index + 1);
    for key in [
        "unencrypted_suffix",
        "encrypted_regex",
        "unencrypted_regex",
        "encrypted_comment_regex",
        "unencrypted_comment_regex",
    ] {
        if rule.get(key).is_some_and(|v| !v.is_null()) {
            return Err(SopsError::Io(format!(
                "{}: `{key}` chooses what to encrypt otherwise than Flow's `{SUFFIX}` suffix; remove it (flowspec passes --encrypted-suffix {SUFFIX}), or give configs a rule of their own",
                at()
            )));
        }
    }
    if let Some(s) = rule.get("encrypted_suffix").and_then(Value::as_str) {
        if s != SUFFIX {
            return Err(SopsError::Io(format!(
                "{}: `encrypted_suffix: {s}` is not Flow's `{SUFFIX}`",
                at()
            )));
        }
    }
    if rule.get("mac_only_encrypted") == Some(&Value::Bool(true)) {
        return Err(SopsError::Io(format!(
            "{}: `mac_only_encrypted` files fail with a MAC mismatch in a sops that ignores the flag, which Flow's runtime may run",
            at()
        )));
    }
    Ok(())
}

/// The keys a rule names directly (`age: a,b` or a list, and so on).
fn rule_group(rule: &Value) -> KeyGroup {
    let list = |k: &str| -> Vec<String> {
        match rule.get(k) {
            Some(Value::String(s)) => s
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        }
    };
    KeyGroup {
        age: list("age"),
        kms: list("kms"),
        gcp_kms: list("gcp_kms"),
        azure_kv: list("azure_keyvault"),
        pgp: list("pgp"),
        hc_vault: list("hc_vault_transit_uri"),
    }
}

/// The keys to encrypt `file` with when it has none yet: a matching `.sops.yaml` rule, else
/// `settings` (the `sops:` section of flowspec's settings). `None`: ask the user.
pub fn find(file: &Path, settings: &KeyGroup) -> Result<Option<Keys>, SopsError> {
    if let Some(config) = find_sops_yaml(file) {
        if let Some(keys) = matching_rule(&config, file)? {
            return Ok(Some(keys));
        }
    }
    if !settings.is_empty() {
        return Ok(Some(Keys::Group {
            group: settings.clone(),
            origin: KeyOrigin::Settings,
        }));
    }
    Ok(None)
}

/// An age recipient found on this machine, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub recipient: String,
    pub source: String,
}

/// Where to look for age keys: sops's own variables and default key file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Places {
    /// `$SOPS_AGE_RECIPIENTS`.
    pub recipients: Option<String>,
    /// `$SOPS_AGE_KEY_FILE`.
    pub key_file: Option<PathBuf>,
    /// sops's default key file (`$XDG_CONFIG_HOME/sops/age/keys.txt`).
    pub default_file: Option<PathBuf>,
}

impl Places {
    /// The places of this process's environment.
    pub fn from_env() -> Places {
        Places {
            recipients: std::env::var("SOPS_AGE_RECIPIENTS").ok(),
            key_file: std::env::var_os("SOPS_AGE_KEY_FILE").map(PathBuf::from),
            default_file: dirs::config_dir().map(|d| d.join("sops").join("age").join("keys.txt")),
        }
    }
}

/// The age recipients found in `places`, without duplicates: those of `$SOPS_AGE_RECIPIENTS`,
/// and the public keys of the identities in the key files (from the `# public key:` lines
/// `age-keygen` writes; the private keys are read, never kept or shown).
pub fn candidates(places: &Places) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    let mut push = |recipient: &str, source: String| {
        let r = recipient.trim();
        if r.starts_with("age1") && !out.iter().any(|c| c.recipient == r) {
            out.push(Candidate {
                recipient: r.to_string(),
                source,
            });
        }
    };
    if let Some(list) = &places.recipients {
        for r in list.split(',') {
            push(r, "SOPS_AGE_RECIPIENTS".into());
        }
    }
    for (file, label) in [
        (&places.key_file, "SOPS_AGE_KEY_FILE"),
        (&places.default_file, "default age key file"),
    ] {
        let Some(file) = file else { continue };
        let Ok(text) = crate::catalog::read::text(file) else {
            continue;
        };
        let text = crate::secrets::Secret::new(text);
        for line in text.expose().lines() {
            if let Some(r) = line.trim().strip_prefix("# public key:") {
                push(r, format!("{label} {}", file.display()));
            }
        }
    }
    out
}

/// What to tell someone who has no key at all.
pub const HOW_TO_SET_UP: &str = "create an age key (age-keygen -o ~/.config/sops/age/keys.txt) and run again, or add a creation rule to .sops.yaml (creation_rules: [{path_regex: '\\.config\\.ya?ml$', encrypted_suffix: _sops, age: age1...}]), or list keys under `sops:` in flowspec's settings file";

/// Writes a creation rule for `recipient` into `dir/.sops.yaml` (creating it, or adding the
/// rule after the existing ones) so that `file` and the other configs there encrypt with it
/// next time. Returns the path written.
pub fn write_rule(dir: &Path, file: &Path, recipient: &str) -> Result<PathBuf, String> {
    let path = dir.join(".sops.yaml");
    let general = r"\.config\.(ya?ml|json)$";
    let rel = file
        .strip_prefix(dir)
        .unwrap_or(file)
        .to_string_lossy()
        .into_owned();
    let path_regex = if regex::Regex::new(general).is_ok_and(|r| r.is_match(&rel)) {
        general.to_string()
    } else {
        format!("^{}$", regex::escape(&rel))
    };
    let rule = serde_json::json!({
        "path_regex": path_regex,
        "encrypted_suffix": SUFFIX,
        "age": recipient,
    });
    let text = match crate::catalog::read::text(&path) {
        Err(crate::catalog::read::ReadError::NotFound) => {
            let doc = serde_json::json!({"creation_rules": [rule]});
            format!(
                "# Written by flowspec: configs encrypt with sops for this age recipient.\n{}",
                serde_yaml::to_string(&doc).map_err(|e| e.to_string())?
            )
        }
        Err(e) => return Err(format!("{}: {e}", path.display())),
        Ok(old) => {
            let doc: Value =
                serde_yaml::from_str(&old).map_err(|e| format!("{}: {e}", path.display()))?;
            let mut rules = doc
                .get("creation_rules")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let before = doc.get("creation_rules").cloned().unwrap_or(Value::Null);
            rules.push(rule);
            let at = [crate::yaml::PathSeg::key("creation_rules")];
            crate::yaml::patch::apply_change(&old, &at, &before, &Value::Array(rules))
                .map_err(|e| format!("{}: cannot add a rule: {e}", path.display()))?
        }
    };
    crate::save::write_atomic(&path, text.as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn metadata_key_groups_become_flags() {
        let meta = json!({
            "age": [{"recipient": "age1aaa", "enc": "x"}, {"recipient": "age1bbb", "enc": "y"}],
            "kms": [{"arn": "arn:aws:kms:k", "role": "arn:aws:iam::r", "created_at": "t", "enc": "e"}],
            "gcp_kms": [{"resource_id": "projects/p/keys/k", "enc": "e"}],
            "azure_kv": [{"vault_url": "https://v.vault.azure.net", "name": "n", "version": "1", "enc": "e"}],
            "hc_vault": [{"vault_address": "https://vault:8200", "engine_path": "transit", "key_name": "k"}],
            "pgp": null,
            "mac": "ENC[...]"
        });
        let g = KeyGroup::from_metadata(&meta).unwrap();
        assert_eq!(g.age, ["age1aaa", "age1bbb"]);
        assert_eq!(g.kms, ["arn:aws:kms:k+arn:aws:iam::r"]);
        assert_eq!(g.azure_kv, ["https://v.vault.azure.net/keys/n/1"]);
        assert_eq!(g.hc_vault, ["https://vault:8200/v1/transit/keys/k"]);
        assert_eq!(
            g.flags()[..2],
            ["--age".to_string(), "age1aaa,age1bbb".to_string()]
        );
        let two = json!({"key_groups": [{"age": []}, {"age": []}]});
        assert!(KeyGroup::from_metadata(&two)
            .unwrap_err()
            .contains("Shamir"));
        assert!(KeyGroup::from_metadata(&json!({"mac": "x"})).is_err());
    }

    #[test]
    fn the_first_matching_rule_relative_to_the_config_folder_wins() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join(".sops.yaml");
        std::fs::write(
            &cfg,
            "creation_rules:\n  - path_regex: ^prod/.*\\.config\\.yaml$\n    age: age1prod\n  - path_regex: \\.config\\.ya?ml$\n    encrypted_suffix: _sops\n    age: [age1dev, age1ops]\n",
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("prod/x")).unwrap();
        let file = dir.path().join("prod/x/a.config.yaml");
        assert_eq!(find_sops_yaml(&file), Some(cfg.clone()));
        let Some(Keys::Rule { index, group, .. }) = matching_rule(&cfg, &file).unwrap() else {
            panic!()
        };
        assert_eq!((index, group.age), (0, vec!["age1prod".to_string()]));
        let Some(Keys::Rule { index, group, .. }) =
            matching_rule(&cfg, &dir.path().join("b.config.yml")).unwrap()
        else {
            panic!()
        };
        assert_eq!(index, 1);
        assert_eq!(group.age, ["age1dev", "age1ops"]);
        assert_eq!(
            matching_rule(&cfg, &dir.path().join("notes.txt")).unwrap(),
            None
        );
        // No rule matches: the settings apply.
        let settings = KeyGroup::age(["age1set".to_string()]);
        assert!(matches!(
            find(&dir.path().join("notes.txt"), &settings).unwrap(),
            Some(Keys::Group {
                origin: KeyOrigin::Settings,
                ..
            })
        ));
        assert_eq!(
            find(&dir.path().join("notes.txt"), &KeyGroup::default()).unwrap(),
            None
        );
    }

    #[test]
    fn rules_that_break_the_suffix_convention_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join(".sops.yaml");
        for (rule, word) in [
            ("encrypted_regex: ^password$", "encrypted_regex"),
            ("encrypted_suffix: _enc", "_enc"),
            ("mac_only_encrypted: true", "mac_only_encrypted"),
        ] {
            std::fs::write(
                &cfg,
                format!("creation_rules:\n  - age: age1x\n    {rule}\n"),
            )
            .unwrap();
            let e = matching_rule(&cfg, &dir.path().join("a.config.yaml")).unwrap_err();
            assert!(e.to_string().contains(word), "{e}");
        }
    }

    #[test]
    fn candidates_come_from_the_variables_and_key_files() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("keys.txt");
        std::fs::write(
            &key,
            "# created: 2025-01-01\n# public key: age1fromfile\nAGE-SECRET-KEY-1NOTREAL\n",
        )
        .unwrap();
        let places = Places {
            recipients: Some("age1env, age1fromfile".into()),
            key_file: Some(key.clone()),
            default_file: Some(dir.path().join("missing.txt")),
        };
        let c = candidates(&places);
        let got: Vec<&str> = c.iter().map(|c| c.recipient.as_str()).collect();
        assert_eq!(got, ["age1env", "age1fromfile"]);
        assert!(!format!("{c:?}").contains("AGE-SECRET-KEY"));
    }

    #[test]
    fn a_written_rule_matches_the_file_and_keeps_earlier_rules() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sub/to-warehouse.config.yaml");
        let p = write_rule(dir.path(), &file, "age1new").unwrap();
        let Some(Keys::Rule { group, .. }) = matching_rule(&p, &file).unwrap() else {
            panic!()
        };
        assert_eq!(group.age, ["age1new"]);
        std::fs::write(
            &p,
            "# mine\ncreation_rules:\n  - path_regex: ^other$\n    age: age1old\n",
        )
        .unwrap();
        write_rule(dir.path(), &dir.path().join("odd.yaml"), "age1new").unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.starts_with("# mine\n"), "{text}");
        let Some(Keys::Rule { index, .. }) =
            matching_rule(&p, &dir.path().join("odd.yaml")).unwrap()
        else {
            panic!("{text}")
        };
        assert_eq!(index, 1);
    }
}
