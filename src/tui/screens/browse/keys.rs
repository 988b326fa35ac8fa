//! What each key does in the browser. Keys arrive resolved by the keymap (the contexts come
//! from [`BrowseScreen::contexts`]); text keys carry their character.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::{BrowseScreen, Focus};
use crate::catalog::EntityKind;
use crate::tui::app::Effect;
use crate::tui::jobs::ConnOp;
use crate::tui::keymap::Action;
use crate::tui::overlay::Overlay;
use crate::tui::screens::form::{open_for_task, Opening};
use crate::tui::screens::Screen;
use crate::tui::shared::{Nav, PendingForm, Shared};

impl BrowseScreen {
    /// Applies one action in the list, the filter input or the detail pane.
    pub fn on_action(&mut self, sh: &mut Shared, action: Action, key: &KeyEvent) -> Vec<Effect> {
        let page = sh.page() as isize;
        match action {
            Action::TypeText => {
                if let KeyCode::Char(c) = key.code {
                    let filter = format!("{}{c}", self.filter_text());
                    self.set_filter(sh, &filter);
                }
            }
            Action::EditText => {
                let mut filter = self.filter_text();
                filter.pop();
                self.set_filter(sh, &filter);
            }
            Action::Quit => return sh.quit(),
            Action::Problems => sh.overlays.push(Overlay::Problems { scroll: 0 }),
            Action::Save => return sh.save(),
            Action::Reload => return sh.ask_reload(),
            Action::Filter => self.focus = Focus::Filter,
            Action::ClearFilter => {
                self.focus = Focus::List;
                self.set_filter(sh, "");
            }
            Action::SwitchPane => {
                self.focus = match self.focus {
                    Focus::List | Focus::Filter if self.selected().is_some() => Focus::Detail,
                    _ => Focus::List,
                };
            }
            Action::ToggleGrouping => {
                if let (Some(list), Some(cat)) = (self.list.as_mut(), sh.catalog.as_ref()) {
                    list.toggle_grouping(cat);
                }
            }
            Action::Back => self.focus = Focus::List,
            Action::Open => self.open(sh),
            Action::ToggleBinding => self.toggle_binding(sh),
            Action::Up => self.move_by(sh, -1),
            Action::Down => self.move_by(sh, 1),
            Action::PageUp => self.move_by(sh, -page),
            Action::PageDown => self.move_by(sh, page),
            Action::Top => self.move_by(sh, isize::MIN / 2),
            Action::Bottom => self.move_by(sh, isize::MAX / 2),
            Action::Spec => return self.run(sh, ConnOp::Spec),
            Action::Discover => return self.run(sh, ConnOp::Discover),
            Action::Validate => return self.run(sh, ConnOp::Validate),
            Action::Pull => return self.run(sh, ConnOp::Pull),
            Action::CancelJob => return sh.cancel_job(),
            Action::EditConfig => return self.request_form(sh, None),
            Action::EditResource => return self.request_form(sh, Some(self.binding)),
            Action::NewTask => self.new_task(sh),
            Action::AddBindings => self.add_bindings(sh),
            Action::RemoveBinding => self.ask_remove_binding(sh),
            _ => {}
        }
        vec![]
    }

    /// Text pasted while the browser is shown: into the filter, when it is open.
    pub fn paste(&mut self, sh: &Shared, text: &str) {
        if self.focus == Focus::Filter {
            let line = text.replace(['\r', '\n'], " ");
            let filter = format!("{}{}", self.filter_text(), line);
            self.set_filter(sh, &filter);
        }
    }

    fn filter_text(&self) -> String {
        self.list
            .as_ref()
            .map(|l| l.filter.clone())
            .unwrap_or_default()
    }

    fn set_filter(&mut self, sh: &Shared, filter: &str) {
        if let (Some(list), Some(cat)) = (self.list.as_mut(), sh.catalog.as_ref()) {
            list.set_filter(cat, filter);
            self.binding = 0;
        }
    }

    /// Enter: in the filter, keeps it and selects the first match; in the list, folds a
    /// prefix or opens the entity in the detail pane.
    fn open(&mut self, sh: &Shared) {
        if self.focus == Focus::Filter {
            self.focus = Focus::List;
            if let Some(list) = self.list.as_mut() {
                list.select_first_entity();
            }
            return;
        }
        let folder = match (self.list.as_mut(), sh.catalog.as_ref()) {
            (Some(list), Some(cat)) => list.toggle_folder(cat),
            _ => false,
        };
        if !folder && self.selected().is_some() {
            self.focus = Focus::Detail;
            self.binding = 0;
            self.detail_offset.set(0);
        }
    }

    /// Number of bindings of the selected entity.
    fn binding_count(&self, sh: &Shared) -> usize {
        match (sh.catalog.as_ref(), self.selected()) {
            (Some(cat), Some(id)) => cat.entity(id).map_or(0, |e| e.bindings.len()),
            _ => 0,
        }
    }

    fn move_by(&mut self, sh: &Shared, delta: isize) {
        if self.focus == Focus::Detail {
            let n = self.binding_count(sh);
            if n > 0 {
                let target = (self.binding as isize).saturating_add(delta);
                self.binding = target.clamp(0, n as isize - 1) as usize;
            } else {
                let off = (self.detail_offset.get() as isize)
                    .saturating_add(delta)
                    .max(0);
                self.detail_offset.set(off as usize);
            }
            return;
        }
        if let Some(list) = self.list.as_mut() {
            if delta <= isize::MIN / 4 {
                list.top();
            } else if delta >= isize::MAX / 4 {
                list.bottom();
            } else {
                list.move_by(delta);
            }
            self.binding = 0;
            self.detail_offset.set(0);
        }
    }

    fn toggle_binding(&mut self, sh: &mut Shared) {
        if sh.read_only {
            sh.warn("Read-only mode: bindings cannot be changed (restart without --read-only)");
            return;
        }
        if sh.saving {
            sh.info("Saving; try again in a moment");
            return;
        }
        let (Some(id), Some(cat)) = (self.selected(), sh.catalog.as_mut()) else {
            return;
        };
        let Some(entity) = cat.entity(id) else {
            return;
        };
        if !matches!(
            entity.kind,
            EntityKind::Capture | EntityKind::Materialization
        ) {
            return;
        }
        let Some(binding) = entity.bindings.get(self.binding) else {
            sh.info("This task has no bindings");
            return;
        };
        let label = binding
            .collection
            .clone()
            .unwrap_or_else(|| binding.resource.clone());
        match cat.toggle_binding(id, self.binding) {
            Ok(true) => sh.info(format!(
                "Disabled {label} (unsaved; Ctrl-S to review and save)"
            )),
            Ok(false) => sh.info(format!(
                "Enabled {label} (unsaved; Ctrl-S to review and save)"
            )),
            Err(e) => sh.warn(format!("Cannot toggle this binding: {e}")),
        }
    }

    /// Runs a connector operation for the selected task (asking first, the first time).
    fn run(&mut self, sh: &mut Shared, op: ConnOp) -> Vec<Effect> {
        match self.selected() {
            Some(id) => sh.start_job(id, op),
            None => vec![],
        }
    }

    /// `e`/`r`: opens the endpoint (or the binding's resource) config form, fetching the
    /// connector's spec first when this session has not seen it yet.
    fn request_form(&mut self, sh: &mut Shared, binding: Option<usize>) -> Vec<Effect> {
        let Some(id) = self.selected() else {
            return vec![];
        };
        match open_for_task(sh, id, binding) {
            Some(Ok(Opening::Form(form))) => {
                if let Some(why) = form.editor.read_only {
                    sh.info(why.message());
                }
                sh.nav.push(Nav::Push(Box::new(Screen::Form(form))));
                return vec![];
            }
            Some(Ok(Opening::Decrypt(req))) => return sh.decrypt(req),
            Some(Err(e)) => {
                sh.warn(e);
                return vec![];
            }
            None => {}
        }
        let effects = sh.start_job(id, ConnOp::Spec);
        let asked = matches!(sh.overlays.top(), Some(Overlay::RunConnector(_)));
        if !effects.is_empty() || asked {
            // The form opens once the spec answers (after the user allows the run, if asked).
            let task = sh
                .catalog
                .as_ref()
                .and_then(|c| c.entity(id))
                .map(|e| e.name.clone())
                .unwrap_or_default();
            sh.pending_form = Some(PendingForm { task, id, binding });
            if !effects.is_empty() {
                sh.info("Fetching the connector's spec for the form…");
            }
        }
        effects
    }

    /// `n`: the setup wizard over the browser (capture or materialization, chosen on its
    /// first step).
    fn new_task(&mut self, sh: &mut Shared) {
        let w = crate::tui::screens::wizard::WizardScreen::new(
            sh,
            crate::create::Kind::Capture,
            true,
            sh.cached_images.clone(),
        );
        sh.nav
            .push(Nav::Push(Box::new(Screen::Wizard(Box::new(w)))));
    }

    /// `+` on a materialization: the source picker, to add bindings (the resource schema
    /// from its spec names the new bindings' tables).
    fn add_bindings(&mut self, sh: &mut Shared) {
        let Some(id) = self.selected() else { return };
        let Some(name) = sh
            .catalog
            .as_ref()
            .and_then(|c| c.entity(id))
            .map(|e| e.name.clone())
        else {
            return;
        };
        let Some(schema) = sh
            .connectors
            .get(&name)
            .and_then(|i| i.resource_schema.clone())
        else {
            sh.warn("Fetch the connector's spec first (s): the new bindings' resources follow its schema");
            return;
        };
        let picker =
            crate::tui::screens::sources::SourcesScreen::for_materialization(sh, id, Some(&schema));
        sh.nav
            .push(Nav::Push(Box::new(Screen::Sources(Box::new(picker)))));
    }

    /// `x` on a materialization's binding: asks, then removes it (the save diff follows).
    fn ask_remove_binding(&mut self, sh: &mut Shared) {
        let Some(id) = self.selected() else { return };
        if self.binding_count(sh) == 0 {
            sh.info("This materialization has no bindings");
            return;
        }
        sh.overlays.push(Overlay::Confirm(
            crate::tui::overlay::Confirm::RemoveBinding {
                id,
                index: self.binding,
            },
        ));
    }
}
