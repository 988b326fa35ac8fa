//! What each key does on the form screen, by the form's mode. Keys arrive resolved by the
//! keymap (the contexts come from [`FormScreen::contexts`]); text keys carry their character.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::editor::{Mode, Refusal};
use super::{Closing, FormScreen};
use crate::sops::{KeyOrigin, Keys};
use crate::tui::app::Effect;
use crate::tui::encryption::EncryptRequest;
use crate::tui::keymap::Action;
use crate::tui::shared::{Nav, Returned, Shared};

impl FormScreen {
    /// Applies one action; refusals go to the status line as warnings (they answer the key
    /// just pressed and must not swallow the next one), questions as information.
    pub fn on_action(&mut self, sh: &mut Shared, action: Action, key: &KeyEvent) -> Vec<Effect> {
        let ed = &mut self.editor;
        // A pending question lasts one key: anything but the same key again drops it.
        match (&ed.mode, action) {
            (
                Mode::ConfirmSwitch { .. },
                Action::FormLeft | Action::FormRight | Action::FormActivate,
            )
            | (Mode::ConfirmClose, Action::CloseForm)
            | (Mode::ConfirmPlain { .. }, Action::ToggleLock) => {}
            (Mode::ConfirmSwitch { .. } | Mode::ConfirmClose | Mode::ConfirmPlain { .. }, _) => {
                ed.mode = Mode::Browse
            }
            _ => {}
        }
        let result = match &ed.mode {
            Mode::Picking(_) => self.picking(action, key).map(|()| vec![]),
            Mode::Typing(_) => self.typing(sh, action, key),
            Mode::Browse
            | Mode::ConfirmSwitch { .. }
            | Mode::ConfirmClose
            | Mode::ConfirmPlain { .. } => self.browsing(sh, action, key),
        };
        match result {
            Ok(effects) => {
                if let Some(n) = self.editor.notice.take() {
                    sh.info(n);
                }
                effects
            }
            Err(e) => {
                sh.warn(e);
                vec![]
            }
        }
    }

    fn picking(&mut self, action: Action, key: &KeyEvent) -> Result<(), Refusal> {
        let ed = &mut self.editor;
        match action {
            Action::TypeText => {
                if let KeyCode::Char(c) = key.code {
                    ed.picker_type(Some(c));
                }
            }
            Action::EditText => ed.picker_type(None),
            Action::Up => ed.picker_move(-1),
            Action::Down => ed.picker_move(1),
            Action::Commit => ed.picker_choose()?,
            Action::CancelEdit => ed.mode = Mode::Browse,
            _ => {}
        }
        Ok(())
    }

    fn typing(
        &mut self,
        sh: &mut Shared,
        action: Action,
        key: &KeyEvent,
    ) -> Result<Vec<Effect>, Refusal> {
        let ed = &mut self.editor;
        match action {
            Action::TypeText | Action::EditText => {
                if let Some(line) = ed.typing_mut() {
                    line.apply(key);
                }
            }
            Action::Commit => ed.commit_edit()?,
            Action::CommitNext => {
                ed.commit_edit()?;
                // A new map key goes on to its value rather than to the next field.
                if ed.typing().is_none() {
                    ed.move_focus(1);
                }
            }
            Action::CancelEdit => ed.cancel_edit(),
            Action::Reveal => ed.revealed = !ed.revealed,
            Action::Save => return self.save(sh),
            _ => {}
        }
        Ok(vec![])
    }

    fn browsing(
        &mut self,
        sh: &mut Shared,
        action: Action,
        key: &KeyEvent,
    ) -> Result<Vec<Effect>, Refusal> {
        let ed = &mut self.editor;
        match action {
            Action::TypeText => {
                if let KeyCode::Char(c) = key.code {
                    ed.begin_edit(Some(&c.to_string()))?;
                }
            }
            // Backspace on a field not being edited starts editing its text.
            Action::EditText => {
                ed.begin_edit(None)?;
                if let Some(line) = ed.typing_mut() {
                    line.apply(key);
                }
            }
            Action::FormNext => ed.move_focus(1),
            Action::FormPrev => ed.move_focus(-1),
            Action::FormActivate => ed.activate()?,
            Action::FormLeft => ed.cycle(-1)?,
            Action::FormRight => ed.cycle(1)?,
            Action::FormReset => ed.clear_focused()?,
            Action::MoveItemUp => ed.move_item(-1)?,
            Action::MoveItemDown => ed.move_item(1)?,
            Action::Reveal => ed.revealed = !ed.revealed,
            Action::ToggleLock => ed.toggle_lock()?,
            Action::Rekey => ed.toggle_rekey()?,
            Action::Undo | Action::Redo => {
                let (done, what) = if action == Action::Undo {
                    (ed.undo(), "undo")
                } else {
                    (ed.redo(), "redo")
                };
                if !done {
                    sh.info(format!("Nothing to {what}"));
                }
            }
            Action::OpenEditor => return Ok(vec![Effect::OpenEditor(ed.begin_external_edit()?)]),
            Action::CloseForm => return Ok(self.close(sh)),
            Action::Save => return self.save(sh),
            _ => {}
        }
        Ok(vec![])
    }

    /// Esc: closes (back to the browser, or quitting `config edit`); with changes, the first
    /// Esc asks and the second one discards them.
    fn close(&mut self, sh: &mut Shared) -> Vec<Effect> {
        let ed = &mut self.editor;
        if self.closing == Closing::Wizard {
            // Back one step, every value kept (the wizard asks before anything is lost).
            let encrypt = ed.chosen().unwrap_or_default();
            sh.nav.push(Nav::Return(Returned::Config {
                value: crate::secrets::Secret::new(ed.state.to_json()),
                encrypt,
                locks: ed.locks.clone(),
                proceed: false,
            }));
            return vec![];
        }
        if ed.changed() && !matches!(ed.mode, Mode::ConfirmClose) {
            // A question, not an error: the second Esc must reach the form.
            ed.mode = Mode::ConfirmClose;
            sh.info("Unsaved changes in the form: Esc again discards them, Ctrl-S saves");
            return vec![];
        }
        match self.closing {
            Closing::Back | Closing::Discovered { .. } | Closing::Wizard => {
                sh.nav.push(Nav::Pop);
                vec![]
            }
            Closing::Quit => sh.quit(),
        }
    }

    /// Ctrl-S: keeps the text being typed, then checks the form. An invalid form keeps every
    /// edit and focuses the first field in error, ready for typing. A valid one with fields to
    /// encrypt goes to sops (in the background; the diff follows); otherwise it becomes a
    /// format-preserving edit of its file and goes to the save diff (secrets masked), after
    /// the plaintext guard.
    fn save(&mut self, sh: &mut Shared) -> Result<Vec<Effect>, Refusal> {
        let ed = &mut self.editor;
        ed.commit_edit()?;
        if let Some(why) = ed.read_only {
            return Err(why.message().to_string());
        }
        if sh.sops_busy {
            return Err("sops is still working on the last save".into());
        }
        if self.closing == Closing::Wizard {
            return self.hand_to_wizard(sh);
        }
        let ed = &mut self.editor;
        if !ed.changed() && !ed.encryption_pending() {
            // `config edit` keeps the form open on the saved value: an earlier save that was
            // cancelled (or not written) left the file's edit unsaved, and Ctrl-S saves it.
            if sh.is_dirty() {
                return Ok(sh.save());
            }
            sh.info("Nothing to save: the config is unchanged");
            return Ok(vec![]);
        }
        let errors: Vec<String> = ed.errors().iter().map(|e| e.message.clone()).collect();
        if let Some(first) = errors.first() {
            ed.focus_first_error();
            return Err(format!(
                "{} problem{} in the form; first: {first}",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" },
            ));
        }
        let chosen = ed.chosen()?;
        let new = ed.state.to_json();
        if let Closing::Discovered { row } = self.closing {
            sh.nav
                .push(Nav::Return(Returned::Resource { row, value: new }));
            return Ok(vec![]);
        }
        let target = ed.target.clone();
        let form_schema = ed.state.form().schema().clone();
        let Some(cat) = sh.catalog.as_mut() else {
            return Ok(vec![]);
        };
        // The secrets the user chose to keep in plaintext do not ask again at the guard.
        let path = cat
            .files
            .get(target.file)
            .map(|f| f.path.clone())
            .unwrap_or_default();
        let base = crate::yaml::pointer(&target.at);
        for p in ed.plain_secrets() {
            sh.plaintext_ok.insert((path.clone(), format!("{base}{p}")));
        }
        if !chosen.is_empty() {
            let keys = match ed.origin.as_ref().filter(|o| !o.rekey).map(|o| &o.keys) {
                Some(Ok(g)) => Some(Keys::Group {
                    group: g.clone(),
                    origin: KeyOrigin::Document,
                }),
                Some(Err(why)) => {
                    return Err(format!("Cannot re-encrypt with the keys it had: {why}"))
                }
                None => None,
            };
            let mut req = EncryptRequest::new(
                cat,
                target.file,
                &target.at,
                &target.original,
                new,
                chosen,
                &form_schema,
            )?;
            req.job.keys = keys;
            req.before = ed.origin.as_ref().map(|o| o.before.clone());
            return Ok(sh.encrypt(req));
        }
        cat.edit_value(target.file, &target.at, &target.original, &new)
            .map_err(|e| format!("Cannot write this config: {e}"))?;
        match self.closing {
            Closing::Back | Closing::Discovered { .. } | Closing::Wizard => sh.nav.push(Nav::Pop),
            // `config edit` stays on the form, now on the new value, under the diff.
            Closing::Quit => {
                ed.target.original = new;
                ed.origin = None;
                ed.locks.encrypted.clear();
                ed.settle();
            }
        }
        // The form's schema locates its secrets even where no task's spec is known (`config
        // edit`); every other config goes by its task's schema or the name rule.
        sh.review_save(Some((target.file, target.at.clone(), &form_schema)));
        Ok(vec![])
    }

    /// Ctrl-S in the wizard's form: a form with problems keeps the focus on the first one; a
    /// valid config goes back to the wizard with the fields to encrypt.
    fn hand_to_wizard(&mut self, sh: &mut Shared) -> Result<Vec<Effect>, Refusal> {
        let ed = &mut self.editor;
        let errors: Vec<String> = ed.errors().iter().map(|e| e.message.clone()).collect();
        if let Some(first) = errors.first() {
            ed.focus_first_error();
            return Err(format!(
                "{} problem{} in the form; first: {first}",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" },
            ));
        }
        let encrypt = ed.chosen()?;
        sh.nav.push(Nav::Return(Returned::Config {
            value: crate::secrets::Secret::new(ed.state.to_json()),
            encrypt,
            locks: ed.locks.clone(),
            proceed: true,
        }));
        Ok(vec![])
    }

    /// Text pasted while the form is shown.
    pub fn paste(&mut self, sh: &mut Shared, text: &str) {
        if let Err(e) = self.editor.paste(text) {
            sh.warn(e);
        }
    }

    /// `$EDITOR` came back with `result`.
    pub fn editor_done(&mut self, sh: &mut Shared, result: Result<String, String>) {
        let outcome = match result {
            Ok(text) => self.editor.finish_external_edit(&text),
            Err(e) => Err(format!("The editor failed: {e}")),
        };
        if let Err(e) = outcome {
            sh.error(e);
        }
    }
}
