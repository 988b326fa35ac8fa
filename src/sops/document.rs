//! One config encrypted, start to end: the keys found (or the question which to use), the
//! chosen locations marked, sops run, its output checked. The editor's Ctrl-S, the guard,
//! `flowspec encrypt` and a setup wizard creating a config from nothing all call [`encrypt`];
//! it needs no file to exist, only the path the result will be written to.

use std::path::PathBuf;

use serde_json::Value;

use super::encrypt::{self, Request};
use super::keys::{self, Candidate, KeyGroup, Keys, Places};
use super::mark::{mark, mark_text};
use super::run::{SopsError, SopsOptions};
use super::{Format, SUFFIX};
use crate::secrets::Secret;

/// What to encrypt. Its `Debug` leaves the plaintext out.
#[derive(Clone)]
pub struct Job {
    /// The config as its connector sees it (no suffixes), in clear.
    pub config: Secret<Value>,
    /// The locations to encrypt, as JSON pointers into `config`.
    pub chosen: Vec<String>,
    /// Where the encrypted document will be written (it need not exist): picks the
    /// `.sops.yaml` rule and the output format.
    pub target: PathBuf,
    /// The plaintext YAML text of `config` when there is one worth keeping (a config file's
    /// text with the form's edits made): its comments and layout survive where sops allows.
    pub text: Option<Secret<String>>,
    /// The keys to use; `None`: a matching `.sops.yaml` rule, else flowspec's settings, else
    /// ask ([`Outcome::NeedKeys`]).
    pub keys: Option<Keys>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("chosen", &self.chosen)
            .field("target", &self.target)
            .field("keys", &self.keys)
            .finish_non_exhaustive()
    }
}

/// How an encryption ended (its failures are [`SopsError`]s).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The encrypted document, in the target's format, checked; and the keys used.
    Encrypted { text: String, keys: Keys },
    /// No key is configured for the target: these age recipients were found to choose from.
    NeedKeys(Vec<Candidate>),
}

/// Where keys come from besides the job: flowspec's settings and the places age keys are
/// looked for.
#[derive(Debug, Clone, Default)]
pub struct KeySources {
    pub settings: KeyGroup,
    pub places: Places,
}

impl KeySources {
    /// This machine's: the settings file and sops's environment variables.
    pub fn load() -> Result<KeySources, String> {
        Ok(KeySources {
            settings: crate::settings::Settings::load()?.sops,
            places: Places::from_env(),
        })
    }
}

/// Encrypts `job` (see the module doc). Nothing is written anywhere.
pub fn encrypt(job: &Job, sources: &KeySources, opts: &SopsOptions) -> Result<Outcome, SopsError> {
    let keys = match &job.keys {
        Some(k) => k.clone(),
        None => match keys::find(&job.target, &sources.settings)? {
            Some(k) => k,
            None => {
                let found = keys::candidates(&sources.places);
                if found.is_empty() {
                    return Err(SopsError::NoKeys {
                        detail: keys::HOW_TO_SET_UP.to_string(),
                    });
                }
                return Ok(Outcome::NeedKeys(found));
            }
        },
    };
    let marked =
        mark(job.config.expose(), &job.chosen, SUFFIX).map_err(|e| SopsError::Io(e.to_string()))?;
    let yaml_text = match (&job.text, Format::of_path(&job.target)) {
        (Some(t), Format::Yaml) => mark_text(t.expose(), &job.chosen, SUFFIX, &marked),
        _ => None,
    };
    let (plaintext, input) = match yaml_text {
        Some(t) => (Secret::new(t), Format::Yaml),
        None => (
            Secret::new(serde_json::to_string(&marked).map_err(|e| SopsError::Io(e.to_string()))?),
            Format::Json,
        ),
    };
    let text = encrypt::encrypt(
        &Request {
            plaintext: &plaintext,
            input,
            expected: &marked,
            target: &job.target,
            keys: &keys,
        },
        opts,
    )?;
    Ok(Outcome::Encrypted { text, keys })
}
