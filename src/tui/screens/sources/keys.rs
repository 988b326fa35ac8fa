//! What each key does in the source collection picker.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::{namings, Mode, Purpose, SourcesScreen};
use crate::create::materialization::TargetNaming;
use crate::tui::app::Effect;
use crate::tui::keymap::Action;
use crate::tui::screens::form::LineEdit;
use crate::tui::shared::{Nav, Returned, Shared};

impl SourcesScreen {
    /// Applies one action resolved in [`SourcesScreen::contexts`].
    pub fn on_action(&mut self, sh: &mut Shared, action: Action, key: &KeyEvent) -> Vec<Effect> {
        if self.schema_edit.is_some() {
            self.typing_schema(sh, action, key);
            return vec![];
        }
        let page = sh.page() as isize;
        match action {
            Action::TypeText => {
                if let KeyCode::Char(c) = key.code {
                    self.filter.push(c);
                    self.refilter();
                }
            }
            Action::EditText => {
                self.filter.pop();
                self.refilter();
            }
            Action::Open => self.mode = Mode::Collections,
            Action::ClearFilter => {
                self.filter.clear();
                self.mode = Mode::Collections;
                self.refilter();
            }
            Action::Filter => self.mode = Mode::Filter,
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.move_by(-page),
            Action::PageDown => self.move_by(page),
            Action::Top => self.move_by(isize::MIN / 2),
            Action::Bottom => self.move_by(isize::MAX / 2),
            Action::ToggleBinding => self.pick(sh),
            Action::ToggleAll => self.pick_all(sh),
            Action::LinkCapture => self.toggle_captures(sh),
            Action::ToggleGrouping => self.next_naming(sh),
            Action::Next => return self.done(sh),
            Action::Back => self.back(sh),
            _ => {}
        }
        vec![]
    }

    fn move_by(&mut self, delta: isize) {
        if self.view.is_empty() {
            return;
        }
        let last = self.view.len() as isize - 1;
        self.selected = (self.selected as isize)
            .saturating_add(delta)
            .clamp(0, last) as usize;
    }

    /// Space: picks the highlighted collection (or leaves it out); on the captures, links the
    /// highlighted capture (or unlinks it).
    fn pick(&mut self, sh: &mut Shared) {
        let Some(name) = self.current().map(str::to_string) else {
            return;
        };
        if self.mode == Mode::Captures {
            if self.linked_capture.as_deref() == Some(name.as_str()) {
                self.linked_capture = None;
            } else {
                match sh
                    .catalog
                    .as_ref()
                    .map(|c| crate::create::materialization::linked_sources(c, &name))
                {
                    Some(Err(e)) => sh.warn(format!("Cannot link {name}: {e}")),
                    _ => self.linked_capture = Some(name),
                }
            }
            return;
        }
        if self.linked_capture.is_some() {
            sh.info("A capture is linked: its collections are the sources (c, then Space on it, unlinks it)");
            return;
        }
        if !self.picked.remove(&name) {
            self.picked.insert(name);
        }
    }

    /// `a`: picks every shown collection, or leaves them all out when all are picked.
    fn pick_all(&mut self, sh: &mut Shared) {
        if self.mode == Mode::Captures || self.linked_capture.is_some() {
            sh.info("`a` picks collections; a linked capture brings its own");
            return;
        }
        let shown: Vec<String> = self
            .view
            .iter()
            .map(|&i| self.collections[i].clone())
            .collect();
        let all = shown.iter().all(|n| self.picked.contains(n));
        for n in shown {
            if all {
                self.picked.remove(&n);
            } else {
                self.picked.insert(n);
            }
        }
    }

    /// `c`: between the collections and the captures to link.
    fn toggle_captures(&mut self, sh: &mut Shared) {
        if matches!(self.purpose, Purpose::Add(_)) {
            sh.info("Linking a capture is offered when creating a materialization");
            return;
        }
        self.mode = match self.mode {
            Mode::Captures => Mode::Collections,
            Mode::Collections | Mode::Filter => Mode::Captures,
        };
        self.filter.clear();
        self.selected = 0;
        self.refilter();
    }

    /// `t`: the next target naming, when the connector has schema names; the two that name a
    /// schema ask for it.
    fn next_naming(&mut self, sh: &mut Shared) {
        if !self.annotations.has_schema_name() {
            sh.info("This connector has no schema names (x-schema-name): tables are named after the collections");
            return;
        }
        let i = self
            .naming
            .as_ref()
            .map_or(0, |n| (super::naming_index(n) + 1) % 3);
        let next = namings(&self.default_schema)[i].clone();
        if let TargetNaming::SingleSchema { schema }
        | TargetNaming::PrefixTableNames { schema, .. } = &next
        {
            self.schema_edit = Some(LineEdit::new(schema.clone()));
        }
        self.naming = Some(next);
    }

    /// Typing the schema name of the naming just chosen.
    fn typing_schema(&mut self, sh: &mut Shared, action: Action, key: &KeyEvent) {
        match action {
            Action::TypeText | Action::EditText => {
                if let Some(edit) = self.schema_edit.as_mut() {
                    edit.apply(key);
                }
            }
            Action::Commit => {
                let typed = self
                    .schema_edit
                    .as_ref()
                    .map(|e| e.text().trim().to_string())
                    .unwrap_or_default();
                if typed.is_empty() {
                    sh.warn("Type the schema name the tables go into");
                    return;
                }
                if let Some(
                    TargetNaming::SingleSchema { schema }
                    | TargetNaming::PrefixTableNames { schema, .. },
                ) = self.naming.as_mut()
                {
                    *schema = typed.clone();
                }
                self.default_schema = typed;
                self.schema_edit = None;
            }
            Action::CancelEdit => self.schema_edit = None,
            _ => {}
        }
    }

    /// Enter or Ctrl-S: the choices go to the wizard, or become new bindings of the
    /// materialization (shown in the save diff).
    fn done(&mut self, sh: &mut Shared) -> Vec<Effect> {
        if self.picked.is_empty() && self.linked_capture.is_none() {
            sh.warn("Pick at least one collection (Space), or link a capture (c)");
            return vec![];
        }
        if self.annotations.has_schema_name() && self.naming.is_none() {
            self.naming = Some(namings(&self.default_schema)[0].clone());
            sh.info("Choose how tables are named (t changes it; the preview shows each binding), then Enter again");
            return vec![];
        }
        match self.purpose {
            Purpose::Wizard => {
                sh.nav.push(Nav::Return(Returned::Sources {
                    choices: self.choices(),
                    proceed: true,
                }));
                vec![]
            }
            Purpose::Add(id) => self.add_bindings(sh, id),
        }
    }

    fn add_bindings(&mut self, sh: &mut Shared, id: crate::catalog::EntityId) -> Vec<Effect> {
        if sh.read_only {
            sh.warn("Read-only mode: nothing can be saved");
            return vec![];
        }
        let Some(cat) = sh.catalog.as_mut() else {
            return vec![];
        };
        let sources: Vec<String> = self.picked.iter().cloned().collect();
        let result = crate::create::materialization::add_bindings(
            cat,
            id,
            &sources,
            self.naming.as_ref(),
            self.delta_updates,
            None,
            &self.annotations,
        );
        match result {
            Err(e) => sh.warn(format!("Cannot add the bindings: {e}")),
            Ok(()) => {
                sh.nav.push(Nav::Pop);
                sh.review_save(None);
            }
        }
        vec![]
    }

    /// Esc: back to the wizard keeping the picks, or (adding bindings) closing the picker.
    fn back(&mut self, sh: &mut Shared) {
        match self.purpose {
            Purpose::Wizard => sh.nav.push(Nav::Return(Returned::Sources {
                choices: self.choices(),
                proceed: false,
            })),
            Purpose::Add(_) => sh.nav.push(Nav::Pop),
        }
    }
}
