//! What each key does on the Discovered bindings screen, by mode. Keys arrive resolved by the
//! keymap (the contexts come from [`DiscoveredScreen::contexts`]).

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::{DiscoveredScreen, Mode};
use crate::catalog::names::catalog_name_problem;
use crate::discover::{collections, plan, SchemaEffect, SchemaPolicy, Status};
use crate::tui::app::Effect;
use crate::tui::discovery_write::DiscoveryWrite;
use crate::tui::keymap::Action;
use crate::tui::overlay::{Confirm, Overlay};
use crate::tui::screens::form::{Closing, EditTarget, FormEditor, FormScreen, LineEdit};
use crate::tui::screens::Screen;
use crate::tui::shared::{Nav, Shared};

impl DiscoveredScreen {
    /// Applies one action; refusals go to the status line as warnings.
    pub fn on_action(&mut self, sh: &mut Shared, action: Action, key: &KeyEvent) -> Vec<Effect> {
        if action == Action::Next {
            self.hand_back(sh, true);
            return vec![];
        }
        if let Some(effects) = self.choose(sh, action) {
            return effects;
        }
        match self.mode {
            Mode::Filter => self.filtering(action, key),
            Mode::Rename(_) => self.renaming(sh, action, key),
            Mode::Detail => self.reading(sh, action),
            Mode::Rows => self.browsing(sh, action),
        }
        vec![]
    }

    fn filtering(&mut self, action: Action, key: &KeyEvent) {
        match action {
            Action::TypeText => {
                if let KeyCode::Char(c) = key.code {
                    let f = format!("{}{c}", self.filter);
                    self.set_filter(&f);
                }
            }
            Action::EditText => {
                let mut f = self.filter.clone();
                f.pop();
                self.set_filter(&f);
            }
            Action::Open => self.mode = Mode::Rows,
            Action::ClearFilter => {
                self.set_filter("");
                self.mode = Mode::Rows;
            }
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            _ => {}
        }
    }

    fn renaming(&mut self, sh: &mut Shared, action: Action, key: &KeyEvent) {
        match action {
            Action::TypeText | Action::EditText => {
                if let Mode::Rename(edit) = &mut self.mode {
                    edit.apply(key);
                }
            }
            Action::Commit => self.finish_rename(sh),
            Action::CancelEdit => self.mode = Mode::Rows,
            _ => {}
        }
    }

    fn reading(&mut self, sh: &Shared, action: Action) {
        let page = sh.page();
        let s = &mut self.detail_scroll;
        match action {
            Action::Up => *s = s.saturating_sub(1),
            Action::Down => *s += 1,
            Action::PageUp => *s = s.saturating_sub(page),
            Action::PageDown => *s += page,
            Action::Back => self.mode = Mode::Rows,
            _ => {}
        }
    }

    fn browsing(&mut self, sh: &mut Shared, action: Action) {
        let page = sh.page() as isize;
        match action {
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.move_by(-page),
            Action::PageDown => self.move_by(page),
            Action::Top => self.move_by(isize::MIN / 2),
            Action::Bottom => self.move_by(isize::MAX / 2),
            Action::Filter => self.mode = Mode::Filter,
            Action::SwitchPane => self.mode = Mode::Detail,
            Action::EditResource => self.open_form(sh),
            Action::Back => self.leave(sh),
            _ => {}
        }
    }

    /// The choosing keys, in whichever mode they reach the screen: `None` for other keys.
    fn choose(&mut self, sh: &mut Shared, action: Action) -> Option<Vec<Effect>> {
        match action {
            Action::ToggleBinding => self.toggle(sh),
            Action::ToggleAll => self.toggle_shown(sh),
            Action::Rename => self.start_rename(sh),
            Action::TakeOver => self.take_over(sh),
            Action::Save => return Some(self.apply(sh)),
            _ => return None,
        }
        Some(vec![])
    }

    fn toggle(&mut self, sh: &mut Shared) {
        let Some(i) = self.current() else { return };
        if let Err(why) = self.toggle_row(i) {
            sh.warn(format!("{}: {why}", self.discovery.rows[i].target));
        }
    }

    /// `a`: selects every shown row that can be chosen, or (when all are) deselects them.
    fn toggle_shown(&mut self, sh: &mut Shared) {
        let rows = &mut self.discovery.rows;
        let choosable = |r: &crate::discover::Row| r.status != Status::Existing;
        let all = self
            .view
            .iter()
            .map(|&i| &rows[i as usize])
            .filter(|r| choosable(r))
            .all(|r| r.selected);
        let mut n = 0;
        for &i in &self.view {
            let r = &mut rows[i as usize];
            if choosable(r) {
                r.selected = !all;
                n += 1;
            }
        }
        if n == 0 {
            sh.info("No shown row can be chosen: existing bindings are kept as they are");
            return;
        }
        self.recount();
        self.changed = true;
    }

    fn start_rename(&mut self, sh: &mut Shared) {
        let Some(i) = self.current() else { return };
        let row = &self.discovery.rows[i];
        if row.status != Status::New {
            sh.warn("Only new bindings can be renamed here: an existing binding keeps its target");
            return;
        }
        self.mode = Mode::Rename(Box::new(LineEdit::new(row.target.clone())));
    }

    /// Enter while renaming: a valid name becomes the row's target.
    fn finish_rename(&mut self, sh: &mut Shared) {
        let (Some(i), Mode::Rename(edit)) = (self.current(), &self.mode) else {
            return;
        };
        let name = edit.text().trim().to_string();
        if let Some(why) = catalog_name_problem(&name) {
            sh.warn(why);
            return;
        }
        let state = sh
            .catalog
            .as_ref()
            .and_then(|cat| collections::summaries(cat, &[name.as_str()].into()).remove(&name));
        if let Err(why) = self.discovery.rename(i, name, state) {
            sh.warn(why);
            return;
        }
        self.rehay(i);
        self.changed = true;
        self.mode = Mode::Rows;
    }

    /// `m`: lets Flow manage an unmanaged collection schema (replacing it on write), or takes
    /// that back.
    fn take_over(&mut self, sh: &mut Shared) {
        let Some(i) = self.current() else { return };
        let row = &self.discovery.rows[i];
        let policy = match (row.policy, row.effect.schema) {
            (SchemaPolicy::TakeOver, _) => SchemaPolicy::LeaveUnmanaged,
            (SchemaPolicy::LeaveUnmanaged, SchemaEffect::NotManaged) => SchemaPolicy::TakeOver,
            _ => {
                sh.info("This collection's schema is managed already (or there is none to manage)");
                return;
            }
        };
        self.discovery.set_policy(i, policy);
        self.changed = true;
        sh.info(match policy {
            SchemaPolicy::TakeOver => "The collection's schema will be replaced by Flow's managed form (m again: leave it alone)",
            SchemaPolicy::LeaveUnmanaged => "The collection's schema will be left alone",
        });
    }

    /// Enter or `r`: the new row's resource config in the form.
    fn open_form(&mut self, sh: &mut Shared) {
        let Some(i) = self.current() else { return };
        let row = &self.discovery.rows[i];
        if row.status != Status::New {
            sh.warn("An existing binding keeps its resource as it is (Tab shows it)");
            return;
        }
        let Some(schema) = self.resource_schema.as_ref() else {
            sh.warn("The connector's resource config schema is not known");
            return;
        };
        let mut value = self.discovery.resource(i);
        if let Some(obj) = value.as_object_mut() {
            obj.remove("_meta"); // Carried through by the row, never shown.
        }
        let file = match &self.discovery.capture.location {
            crate::discover::CaptureLocation::Defined(id) => id.file,
            crate::discover::CaptureLocation::New { .. } => 0,
        };
        let target = EditTarget {
            file,
            at: Vec::new(),
            original: value,
            title: format!(
                "Resource config of {} (discovered)",
                crate::discover::path::label(&row.path)
            ),
        };
        let mut editor = FormEditor::open(schema, target);
        if sh.read_only {
            editor = editor.read_only();
        }
        let form = FormScreen::new(editor, Closing::Discovered { row: i });
        sh.nav
            .push(Nav::Push(Box::new(Screen::Form(Box::new(form)))));
    }

    /// The wizard's Bindings step closes: its choices go back to the wizard, forward (Ctrl-S,
    /// once they can be written) or back (Esc).
    fn hand_back(&mut self, sh: &mut Shared, proceed: bool) {
        if proceed {
            if let Err(why) = plan::plan(&self.discovery) {
                sh.warn(format!("Cannot use these choices: {why}"));
                return;
            }
            if self.counts.adding == 0 {
                sh.warn("Keep at least one binding (Space, or a for all)");
                return;
            }
        }
        sh.nav
            .push(Nav::Return(crate::tui::shared::Returned::Bindings {
                discovery: Box::new(self.discovery.clone()),
                proceed,
            }));
    }

    /// Esc: leaves, asking first when something was changed.
    fn leave(&mut self, sh: &mut Shared) {
        if self.wizard {
            self.hand_back(sh, false);
            return;
        }
        if self.changed {
            sh.overlays.push(Overlay::Confirm(Confirm::LeaveDiscovery));
        } else {
            sh.nav.push(Nav::Pop);
        }
    }

    /// Ctrl-S: checks the choices, then prepares every file's new text in the background; the
    /// diff of all of them follows (see `discovery_write`).
    fn apply(&mut self, sh: &mut Shared) -> Vec<Effect> {
        if let Mode::Rename(_) = self.mode {
            return vec![];
        }
        if sh.read_only {
            sh.warn("Read-only mode: nothing can be written");
            return vec![];
        }
        if sh.saving {
            sh.info("Already saving");
            return vec![];
        }
        match plan::plan(&self.discovery) {
            Err(why) => {
                sh.warn(format!("Cannot apply: {why}"));
                vec![]
            }
            Ok(p) if p.is_empty() => {
                sh.info(
                    "Nothing to write: the capture and its collections already match the discovery",
                );
                vec![]
            }
            Ok(_) => {
                let Some(catalog) = sh.catalog.clone() else {
                    return vec![];
                };
                sh.saving = true;
                sh.info("Preparing the files…");
                vec![Effect::WriteDiscovery(Box::new(DiscoveryWrite {
                    catalog,
                    discovery: self.discovery.clone(),
                    connectors: sh.connectors.clone(),
                }))]
            }
        }
    }

    /// The resource form came back with `value` for row `row`.
    pub fn resource_edited(&mut self, sh: &mut Shared, row: usize, value: serde_json::Value) {
        match self.discovery.set_resource(row, value) {
            Ok(()) => {
                self.changed = true;
                sh.info("The resource config will be written with the binding");
            }
            Err(why) => sh.warn(why),
        }
    }
}
