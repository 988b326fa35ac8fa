//! What each key does in the wizard, and moving between steps: Enter goes forward (running
//! what the step needs first), Esc back one step keeping every value; the screens the wizard
//! opens over itself (the form, the Discovered bindings screen, the source picker) hand their
//! results back through [`Returned`].

use ratatui::crossterm::event::KeyEvent;
use serde_json::Value;

use super::{EndpointConfig, Step, WizardScreen};
use crate::create::Kind;
use crate::tui::app::Effect;
use crate::tui::keymap::Action;
use crate::tui::overlay::{Confirm, Overlay};
use crate::tui::screens::form::{Closing, EditTarget, FormEditor, FormScreen};
use crate::tui::screens::Screen;
use crate::tui::shared::{Nav, Returned, Shared};

impl WizardScreen {
    /// Applies one action resolved in [`WizardScreen::contexts`].
    pub fn on_action(&mut self, sh: &mut Shared, action: Action, key: &KeyEvent) -> Vec<Effect> {
        match action {
            Action::CancelJob => return sh.cancel_job(),
            Action::TypeText | Action::EditText => self.type_key(key),
            Action::FormRight => self.cycle(),
            Action::Complete => {
                if let Some(why) = self.complete() {
                    sh.info(why);
                }
            }
            Action::Up => self.move_focus(-1),
            Action::Down => self.move_focus(1),
            Action::Next => return self.next(sh),
            Action::Back => return self.back(sh),
            _ => {}
        }
        vec![]
    }

    /// Shows `step` (its first text field focused, no old problem).
    pub(super) fn go(&mut self, step: Step) {
        self.step = step;
        self.problem = None;
        self.focus_first_text();
    }

    /// Enter: the shown step's work, then the next step.
    fn next(&mut self, sh: &mut Shared) -> Vec<Effect> {
        self.forget_cancelled_encryption(sh);
        if self.waiting.is_some() {
            sh.info("Still working on this step (Esc cancels a running connector)");
            return vec![];
        }
        match self.step {
            Step::Connector => self.fetch_spec(sh),
            Step::Name => {
                let name = self.full_name();
                let check = sh
                    .catalog
                    .as_ref()
                    .map_or(Ok(()), |c| crate::create::names::validate(c, &name));
                match check {
                    Err(why) => self.problem = Some(why),
                    Ok(()) => {
                        self.go(Step::Endpoint);
                        self.open_form(sh);
                    }
                }
                vec![]
            }
            Step::Endpoint => {
                self.open_form(sh);
                vec![]
            }
            Step::Bindings => {
                self.show_bindings(sh);
                vec![]
            }
            Step::Sources => {
                self.show_sources(sh);
                vec![]
            }
            Step::Fields => {
                self.go(Step::Review);
                vec![]
            }
            Step::Review => self.review(sh),
        }
    }

    /// Esc: back one step (reopening the screen that step is), or on the first step leaving
    /// the wizard — asking first when something was given.
    fn back(&mut self, sh: &mut Shared) -> Vec<Effect> {
        self.forget_cancelled_encryption(sh);
        if matches!(
            self.waiting,
            Some(super::WizardJob::Prepare | super::WizardJob::Encrypt)
        ) {
            sh.info("Still preparing the files");
            return vec![];
        }
        let i = self.step_index();
        if i == 0 {
            if self.has_work() {
                sh.overlays.push(Overlay::Confirm(Confirm::LeaveWizard));
            } else {
                sh.nav.push(Nav::Pop);
            }
            return vec![];
        }
        let previous = self.steps()[i - 1];
        self.go(previous);
        match previous {
            Step::Endpoint => self.open_form(sh),
            Step::Bindings => self.show_bindings(sh),
            Step::Sources => self.show_sources(sh),
            _ => {}
        }
        vec![]
    }

    /// The key prompt was cancelled: sops is not working for the wizard any more.
    fn forget_cancelled_encryption(&mut self, sh: &Shared) {
        if self.waiting == Some(super::WizardJob::Encrypt)
            && !sh.sops_busy
            && sh.overlays.is_empty()
        {
            self.waiting = None;
        }
    }

    /// The endpoint config form over the wizard, on the config given so far.
    pub(super) fn open_form(&mut self, sh: &mut Shared) {
        let Some(spec) = self.spec.as_ref() else {
            self.go(Step::Connector);
            return;
        };
        let original = self
            .config
            .as_ref()
            .map_or(Value::Null, |c| c.value.expose().clone());
        let target = EditTarget {
            file: 0,
            at: Vec::new(),
            original,
            title: format!(
                "{}Endpoint config of {}",
                self.step_label(),
                self.full_name()
            ),
        };
        let mut editor = FormEditor::open(&spec.config_schema, target);
        if let Some(c) = &self.config {
            editor.locks = c.locks.clone();
        }
        if let Some((pointer, message)) = &self.failed_field {
            editor.focus_pointer(pointer);
            editor.connector_error = Some(crate::form::FieldError {
                pointer: pointer.clone(),
                message: format!("the connector said: {message}"),
                keyword: "connector".into(),
            });
        }
        let form = FormScreen::new(editor, Closing::Wizard);
        sh.nav
            .push(Nav::Push(Box::new(Screen::Form(Box::new(form)))));
    }

    /// A screen the wizard opened closed with a result.
    pub fn returned(&mut self, sh: &mut Shared, value: Returned) -> Vec<Effect> {
        match value {
            Returned::Resource { .. } => vec![],
            Returned::Config {
                value,
                encrypt,
                locks,
                proceed,
            } => {
                self.config = Some(EndpointConfig {
                    value,
                    encrypt,
                    locks,
                });
                if proceed {
                    self.go(Step::Endpoint);
                    self.test_connection(sh)
                } else {
                    self.go(Step::Name);
                    vec![]
                }
            }
            Returned::Bindings { discovery, proceed } => {
                self.discovery = Some(discovery);
                if proceed {
                    self.go(Step::Review);
                } else {
                    self.go(Step::Endpoint);
                    self.open_form(sh);
                }
                vec![]
            }
            Returned::Sources { choices, proceed } => {
                self.materialization.collections = choices.collections;
                self.materialization.linked_capture = choices.linked_capture;
                self.materialization.naming = choices.naming;
                if proceed {
                    self.go(Step::Fields);
                } else {
                    self.go(Step::Endpoint);
                    self.open_form(sh);
                }
                vec![]
            }
        }
    }

    /// The Sources step: the source collection picker over the wizard.
    pub(super) fn show_sources(&mut self, sh: &mut Shared) {
        if self.kind != Kind::Materialization {
            return;
        }
        self.go(Step::Sources);
        let mut picker = crate::tui::screens::sources::SourcesScreen::for_wizard(
            sh,
            &self.materialization,
            self.spec.as_ref().map(|s| &s.resource_schema),
            self.full_name(),
            self.spec.as_ref().map(|s| s.connector.clone()),
        );
        picker.step_label = Some(self.step_label());
        if let Some(schema) = self
            .config
            .as_ref()
            .and_then(|c| c.value.expose().get("schema")?.as_str().map(str::to_string))
            .filter(|s| !s.is_empty())
        {
            picker.default_schema = schema;
        }
        sh.nav
            .push(Nav::Push(Box::new(Screen::Sources(Box::new(picker)))));
    }
}
