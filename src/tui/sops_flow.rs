//! The app's answers to sops: a config encrypted (applied to the catalog, the form closed or
//! settled, the next queued config started, then the save diff), a key to choose (the key
//! prompt), a config decrypted (its form opens), and the failures, each said with its reason
//! and nothing written.

use serde_json::Value;

use super::app::{App, Effect};
use super::encryption::{self, DecryptRequest, EncryptRequest};
use super::jobs::known_schemas;
use super::overlay::{KeyPrompt, Overlay};
use super::screens::form::{open_decrypted, Closing, FormEditor};
use super::screens::Screen;
use super::shared::{Nav, Source};
use crate::secrets::Secret;
use crate::sops::document::Outcome;

impl App {
    /// sops answered an encryption.
    pub(super) fn encrypted(
        &mut self,
        req: EncryptRequest,
        result: Result<Outcome, String>,
    ) -> Vec<Effect> {
        let sh = &mut self.shared;
        sh.sops_busy = false;
        sh.status = None;
        let shown = req.job.target.display().to_string();
        if req.for_wizard && !matches!(result, Ok(Outcome::NeedKeys(_))) {
            let result = result.map(|o| match o {
                Outcome::Encrypted { text, .. } => text,
                Outcome::NeedKeys(_) => unreachable!("matched above"),
            });
            let wizard = self.screens.iter_mut().rev().find_map(|s| match s {
                Screen::Wizard(w) => Some(w),
                _ => None,
            });
            return match wizard {
                Some(w) => w.encrypted(&mut self.shared, result),
                None => vec![],
            };
        }
        let (text, keys) = match result {
            Err(e) => {
                sh.encrypt_queue.clear();
                sh.error(format!(
                    "Not saved: {e}; nothing was written and your edits are kept"
                ));
                return vec![];
            }
            Ok(Outcome::NeedKeys(candidates)) => {
                let dir = sh
                    .catalog
                    .as_ref()
                    .map(|c| encryption::rule_dir(c, &req.job.target))
                    .unwrap_or_default();
                sh.overlays.push(Overlay::Keys(Box::new(KeyPrompt {
                    request: req,
                    candidates,
                    selected: 0,
                    asking: false,
                    dir,
                })));
                return vec![];
            }
            Ok(Outcome::Encrypted { text, keys }) => (text, keys),
        };
        let Some(cat) = sh.catalog.as_mut() else {
            return vec![];
        };
        if let Err(e) = encryption::apply(cat, &req, &text) {
            sh.encrypt_queue.clear();
            sh.error(format!("Not saved: {e}"));
            return vec![];
        }
        if let Some(next) = sh.encrypt_queue.pop() {
            return sh.encrypt(next);
        }
        self.settle_form(&req, &text);
        let sh = &mut self.shared;
        let Some(cat) = sh.catalog.as_ref() else {
            return vec![];
        };
        let mut schemas = known_schemas(&sh.connectors);
        schemas.add_place(req.file, req.at.clone(), &req.schema);
        let writes = encryption::plan(cat, &schemas, Some(&req));
        sh.info(format!(
            "Encrypted {} in {shown} for {}: review the diff and save",
            req.job.chosen.join(", "),
            keys.describe()
        ));
        sh.overlays.push(Overlay::Diff { writes, scroll: 0 });
        vec![]
    }

    /// The form whose save was encrypted: closed (back to the browser), or for `config edit`
    /// kept open on the encrypted file as it now is.
    fn settle_form(&mut self, req: &EncryptRequest, text: &str) {
        let (sh, screen) = self.parts();
        let Screen::Form(f) = screen else {
            return;
        };
        if f.editor.target.file != req.file || f.editor.target.at != req.at {
            return;
        }
        match f.closing {
            Closing::Back | Closing::Discovered { .. } | Closing::Wizard => sh.nav.push(Nav::Pop),
            Closing::Quit => {
                let doc: Value = serde_yaml::from_str(text).unwrap_or(Value::Null);
                let plain = crate::sops::mark::mark(
                    req.job.config.expose(),
                    &req.job.chosen,
                    crate::sops::SUFFIX,
                )
                .unwrap_or(Value::Null);
                let mut target = f.editor.target.clone();
                target.original = doc;
                let schema = f.editor.state.form().schema().clone();
                let mut ed = FormEditor::open_decrypted(&schema, target, Secret::new(plain));
                ed.focus = f.editor.focus.min(ed.rows.len().saturating_sub(1));
                f.editor = ed;
            }
        }
    }

    /// sops answered a decryption: the form opens on the plaintext, or the reason is shown
    /// and no form opens.
    pub(super) fn decrypted(
        &mut self,
        req: DecryptRequest,
        result: Result<Secret<Value>, String>,
    ) -> Vec<Effect> {
        let sh = &mut self.shared;
        sh.sops_busy = false;
        sh.status = None;
        let plain = match result {
            Ok(p) => p,
            Err(e) => {
                sh.error(format!("Cannot edit the encrypted config: {e}"));
                return vec![];
            }
        };
        match req.task {
            Some((id, binding)) => match open_decrypted(sh, id, binding, &req.document, plain) {
                Some(Ok(form)) => {
                    if matches!(self.screen(), Screen::Browse(_)) {
                        self.screens.push(Screen::Form(Box::new(form)));
                    }
                }
                Some(Err(e)) => sh.warn(e),
                None => {}
            },
            None => {
                let Screen::Form(f) = self.screens.last_mut().expect("a screen") else {
                    return vec![];
                };
                if f.editor.target.original != req.document {
                    return vec![];
                }
                let schema = f.editor.state.form().schema().clone();
                f.editor = FormEditor::open_decrypted(&schema, f.editor.target.clone(), plain);
            }
        }
        vec![]
    }

    /// `config edit` on an encrypted file: decrypt it for the form (unless `--read-only`).
    pub(super) fn decrypt_config_file(&self) -> Vec<Effect> {
        let (Source::ConfigFile { .. }, Some(Screen::Form(f))) =
            (&self.shared.source, self.screens.last())
        else {
            return vec![];
        };
        let doc = &f.editor.target.original;
        if self.shared.read_only || !crate::sops::is_encrypted(doc) {
            return vec![];
        }
        vec![Effect::Decrypt(Box::new(DecryptRequest {
            task: None,
            document: doc.clone(),
        }))]
    }
}
