//! Editing the wizard's fields: typing into text fields, cycling choices, completing image
//! references. Every change keeps the other values; nothing here runs or writes anything.

use ratatui::crossterm::event::KeyEvent;
use serde_json::Value;

use super::connector::{Origin, PROTOCOLS};
use super::{Field, WizardScreen};
use crate::create::Kind;
use crate::tui::screens::form::LineEdit;

/// The `fieldsRecommended` choices of the fields step: the label shown and the value written
/// as JSON (`None`: the key is left out; Flow's model then defaults to every depth).
pub const FIELDS_RECOMMENDED: [(&str, Option<&str>); 5] = [
    (
        "not set: Flow's default, recommended fields at any depth",
        None,
    ),
    (
        "1: recommended top-level fields (what the web app writes)",
        Some("1"),
    ),
    ("2: top-level fields and their children", Some("2")),
    ("true: recommended fields at any depth", Some("true")),
    (
        "false: only required fields and the ones you add",
        Some("false"),
    ),
];

impl WizardScreen {
    /// The text of a text field, for editing.
    pub(super) fn line_mut(&mut self, f: Field) -> Option<&mut LineEdit> {
        Some(match f {
            Field::Image => &mut self.connector.image,
            Field::Command => &mut self.connector.command,
            Field::Prefix => &mut self.name.prefix,
            Field::Name => &mut self.name.name,
            Field::Interval => &mut self.capture.interval,
            _ => return None,
        })
    }

    /// The text of a text field.
    pub(super) fn line(&self, f: Field) -> Option<&LineEdit> {
        Some(match f {
            Field::Image => &self.connector.image,
            Field::Command => &self.connector.command,
            Field::Prefix => &self.name.prefix,
            Field::Name => &self.name.name,
            Field::Interval => &self.capture.interval,
            _ => return None,
        })
    }

    /// A key typed or an editing key on the focused text field.
    pub(super) fn type_key(&mut self, key: &KeyEvent) {
        if let Some(edit) = self.focused().and_then(|f| self.line_mut(f)) {
            edit.apply(key);
            self.typed();
        }
    }

    /// After the text changed: the old problem is moot and Tab completes afresh.
    pub(super) fn typed(&mut self) {
        self.problem = None;
        self.completion = None;
        self.completions.clear();
    }

    /// Left, Right or Space on a choice: the next value.
    pub(super) fn cycle(&mut self) {
        let Some(f) = self.focused() else { return };
        match f {
            Field::Kind => {
                self.kind = match self.kind {
                    Kind::Capture => Kind::Materialization,
                    Kind::Materialization => Kind::Capture,
                };
                self.spec = None;
            }
            Field::Origin => {
                self.connector.origin = match self.connector.origin {
                    Origin::Image => Origin::Local,
                    Origin::Local => Origin::Image,
                };
            }
            Field::Protocol => {
                let i = PROTOCOLS
                    .iter()
                    .position(|p| *p == self.connector.protocol)
                    .unwrap_or(0);
                self.connector.protocol = PROTOCOLS[(i + 1) % PROTOCOLS.len()];
            }
            Field::Suffix => self.name.suffix = !self.name.suffix,
            Field::AddNewBindings => self.capture.add_new_bindings = !self.capture.add_new_bindings,
            Field::EvolveIncompatible => {
                self.capture.evolve_incompatible = !self.capture.evolve_incompatible
            }
            Field::DeltaUpdates => {
                self.materialization.delta_updates = !self.materialization.delta_updates
            }
            Field::FieldsRecommended => {
                let m = &mut self.materialization;
                m.fields_recommended = (m.fields_recommended + 1) % FIELDS_RECOMMENDED.len();
            }
            Field::Image | Field::Command | Field::Prefix | Field::Name | Field::Interval => {}
        }
        self.problem = None;
    }

    /// Tab on the image: the next completion of what was typed (the bundled connector list
    /// and the spec cache's images, of this wizard's kind).
    pub(super) fn complete(&mut self) -> Option<String> {
        if self.completions.is_empty() {
            let typed = self.connector.image.text();
            let task = self.kind.task_type().label();
            let cached: Vec<String> = self
                .cached_images
                .iter()
                .filter(|(_, t)| t == task)
                .map(|(image, _)| image.clone())
                .collect();
            self.completions =
                crate::create::connectors::complete(typed.trim(), self.kind, &cached);
            self.completion = None;
        }
        if self.completions.is_empty() {
            return Some("No known image matches; type the whole reference with its tag".into());
        }
        let next = self
            .completion
            .map_or(0, |i| (i + 1) % self.completions.len());
        self.completion = Some(next);
        self.connector.image = LineEdit::new(self.completions[next].clone());
        self.problem = None;
        None
    }

    /// The `fieldsRecommended` value chosen, as the materialization writes it.
    pub fn fields_recommended(&self) -> Option<Value> {
        FIELDS_RECOMMENDED[self.materialization.fields_recommended]
            .1
            .and_then(|v| serde_json::from_str(v).ok())
    }

    /// Moves the focus by `delta` fields (clamped).
    pub(super) fn move_focus(&mut self, delta: isize) {
        let n = self.fields().len();
        if n == 0 {
            return;
        }
        self.focus = (self.focus as isize + delta).clamp(0, n as isize - 1) as usize;
    }
}
