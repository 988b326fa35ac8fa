//! Which fields of a form a save encrypts with sops — the lock marker of each row. A field is
//! encrypted when the connector's schema makes it secret, when it was encrypted in the
//! document the form opened on, or when the user marked it; the user can also unmark a
//! field, but a schema secret only after confirming (the lock key twice). Pure: the save
//! turns [`FormEditor::chosen`] into an encryption.

use std::collections::BTreeSet;

use serde_json::Value;

use super::editor::{FormEditor, Mode, Refusal};
use super::rows::RowKind;
use crate::secrets::schema::is_at_or_under;
use crate::secrets::Secret;
use crate::sops::KeyGroup;

/// The user's choices, by JSON pointer into the config the form shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Locks {
    /// Marked to encrypt although nothing else would.
    pub extra: BTreeSet<String>,
    /// Confirmed to stay in plaintext although they would be encrypted.
    pub plain: BTreeSet<String>,
    /// Encrypted in the document the form opened on (their keys carried the suffix).
    pub encrypted: BTreeSet<String>,
}

/// The sops document a form was opened on, decrypted. Its `Debug` hides the plaintext.
#[derive(Clone)]
pub struct Origin {
    /// The key group of its metadata (a save re-encrypts with it), or why it cannot be reused.
    pub keys: Result<KeyGroup, String>,
    /// The config before editing, as the connector sees it (no suffixes).
    pub before: Secret<Value>,
    /// The user asked for other keys: a save looks them up (`.sops.yaml`, settings, the key
    /// prompt) instead of reusing `keys`.
    pub rekey: bool,
}

impl std::fmt::Debug for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Origin")
            .field("keys", &self.keys)
            .field("rekey", &self.rekey)
            .finish_non_exhaustive()
    }
}

/// What a row's lock marker says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// Encrypted on save.
    Encrypt,
    /// Written in plaintext; `secret`: the schema says it is a secret (the user confirmed).
    Plain { secret: bool },
}

impl FormEditor {
    /// True when the schema (or the sops suffix) makes the field at `pointer` secret.
    pub fn schema_secret(&self, pointer: &str) -> bool {
        self.schema_secret_rows.contains(pointer)
            || self
                .schema_secret_rows
                .iter()
                .any(|s| is_at_or_under(pointer, s))
    }

    /// The lock of the field (or section) at `pointer`: the nearest choice at or above it,
    /// else encrypted when the schema makes it secret.
    pub fn lock(&self, pointer: &str) -> Lock {
        let mut p = pointer.to_string();
        loop {
            if self.locks.plain.contains(&p) {
                return Lock::Plain {
                    secret: self.schema_secret(pointer),
                };
            }
            if self.locks.extra.contains(&p) || self.locks.encrypted.contains(&p) {
                return Lock::Encrypt;
            }
            match p.rsplit_once('/') {
                Some((parent, _)) => p = parent.to_string(),
                None => break,
            }
        }
        if self.schema_secret(pointer) {
            Lock::Encrypt
        } else {
            Lock::Plain { secret: false }
        }
    }

    /// The lock key on the focused field or section: encrypt it on save, or (a schema secret
    /// only after the key again) write it in plaintext.
    pub fn toggle_lock(&mut self) -> Result<(), Refusal> {
        self.refuse_read_only()?;
        let Some(row) = self.focused().cloned() else {
            return Ok(());
        };
        let Some(pointer) = row.pointer().map(str::to_string) else {
            return Ok(());
        };
        if pointer.is_empty() || !matches!(row.kind, RowKind::Field | RowKind::Section { .. }) {
            return Err("Only a field or a section can be encrypted".into());
        }
        if crate::form::pointer::segments(&pointer)
            .last()
            .is_some_and(|s| s.parse::<usize>().is_ok())
        {
            return Err(
                "A list item cannot be encrypted on its own (sops needs a key): encrypt the list"
                    .into(),
            );
        }
        let label = self
            .node(&row)
            .map(|n| n.label.clone())
            .unwrap_or_else(|| pointer.clone());
        match self.lock(&pointer) {
            Lock::Encrypt => {
                let confirmed = matches!(&self.mode, Mode::ConfirmPlain { at } if *at == pointer);
                if self.schema_secret(&pointer) && !confirmed {
                    self.mode = Mode::ConfirmPlain { at: pointer };
                    self.notice = Some(format!(
                        "{label} is a secret: Ctrl-L again writes it in plaintext, readable by all"
                    ));
                    return Ok(());
                }
                self.mode = Mode::Browse;
                self.locks.extra.retain(|p| !is_at_or_under(p, &pointer));
                self.locks.plain.insert(pointer.clone());
                self.notice = Some(format!("{label} will be written in plaintext"));
            }
            Lock::Plain { .. } => {
                self.locks.plain.retain(|p| !is_at_or_under(p, &pointer));
                if self.lock(&pointer) != Lock::Encrypt {
                    self.locks.extra.insert(pointer.clone());
                }
                self.notice = Some(format!("{label} will be encrypted on save"));
            }
        }
        Ok(())
    }

    /// The locations a save encrypts (JSON pointers into the config, none below another):
    /// every present value whose lock says encrypt; an item of a list is encrypted with its
    /// list (sops needs a key to carry the suffix). Refused when that would be the whole config.
    pub fn chosen(&self) -> Result<Vec<String>, Refusal> {
        let config = self.state.value();
        let mut candidates: Vec<String> = crate::secrets::schema::locate(
            crate::form::config_schema_of(self.state.form().schema()),
            config,
        );
        candidates.extend(self.locks.extra.iter().cloned());
        candidates.extend(self.locks.encrypted.iter().cloned());
        candidates.retain(|p| {
            config.pointer(p).is_some_and(|v| !v.is_null()) && self.lock(p) == Lock::Encrypt
        });
        let out = crate::sops::mark::encryptable(config, candidates);
        if out.iter().any(String::is_empty) {
            return Err("The whole config cannot be encrypted as one value: sops needs a key to carry the _sops suffix; mark its fields instead".into());
        }
        Ok(out)
    }

    /// Schema secrets present in the config that the user chose to write in plaintext: a save
    /// records them as allowed, so the plaintext guard does not ask again.
    pub fn plain_secrets(&self) -> Vec<String> {
        crate::secrets::schema::locate(
            crate::form::config_schema_of(self.state.form().schema()),
            self.state.value(),
        )
        .into_iter()
        .filter(|p| self.lock(p) != Lock::Encrypt)
        .collect()
    }

    /// True when some present value would be encrypted and is not yet: a save is due even
    /// with no edit (the config holds a secret in plaintext on disk).
    pub fn encryption_pending(&self) -> bool {
        match &self.origin {
            None => self.chosen().is_ok_and(|c| !c.is_empty()),
            Some(o) => o.rekey,
        }
    }

    /// The rekey key: the next save of this encrypted config looks its keys up as a new
    /// encryption does (`.sops.yaml`, the settings, the key prompt), or again keeps the key
    /// groups it had.
    pub fn toggle_rekey(&mut self) -> Result<(), Refusal> {
        self.refuse_read_only()?;
        let Some(origin) = self.origin.as_mut() else {
            return Err("Only an encrypted config has keys to change: a new encryption takes them from .sops.yaml or the settings, or asks".into());
        };
        origin.rekey = !origin.rekey;
        self.notice = Some(if origin.rekey {
            "On save: encrypted with the keys of .sops.yaml or the settings (or a choice), not its own".into()
        } else {
            "On save: re-encrypted with the keys it had".into()
        });
        Ok(())
    }
}

impl FormEditor {
    /// Opens `target` (whose `original` is a sops document) on its decrypted content `plain`
    /// (keys as written, `password_sops`): the form shows the config as its connector gets
    /// it, every previously encrypted field masked and locked, and a save re-encrypts with
    /// the key group of the document's metadata.
    pub fn open_decrypted(schema: &Value, target: super::EditTarget, plain: Secret<Value>) -> Self {
        let suffix = crate::sops::decrypt::suffix_of(&target.original);
        let keys = target.original.get("sops").map_or(
            Err("it has no sops metadata".to_string()),
            KeyGroup::from_metadata,
        );
        let mut doc = plain.into_inner();
        let encrypted = match &suffix {
            Some(s) => suffixed_locations(&doc, s),
            None => Vec::new(),
        };
        if let Some(s) = &suffix {
            crate::sops::strip_suffix(&mut doc, s);
        }
        let mut decrypted = target.clone();
        decrypted.original = doc.clone();
        let mut ed = FormEditor::open(schema, decrypted);
        ed.target = target;
        ed.locks.encrypted = encrypted.into_iter().collect();
        ed.locks_baseline = ed.locks.clone();
        ed.origin = Some(Origin {
            keys,
            before: Secret::new(doc),
            rekey: false,
        });
        ed
    }
}

/// The locations (in the suffix-stripped document) of the keys that carry `suffix`.
pub fn suffixed_locations(doc: &Value, suffix: &str) -> Vec<String> {
    use crate::form::pointer::join;
    let mut out = Vec::new();
    let mut stack = vec![(doc, String::new())];
    while let Some((v, at)) = stack.pop() {
        match v {
            Value::Object(m) => {
                for (k, c) in m {
                    match k.strip_suffix(suffix) {
                        Some(bare) => out.push(join(&at, bare)),
                        None => stack.push((c, join(&at, k))),
                    }
                }
            }
            Value::Array(a) => {
                for (i, c) in a.iter().enumerate() {
                    stack.push((c, join(&at, &i.to_string())));
                }
            }
            _ => {}
        }
    }
    out.sort();
    out
}
