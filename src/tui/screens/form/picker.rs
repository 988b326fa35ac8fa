//! The filterable picker a long choice list opens in (more than [`PICKER_AFTER`] options).

use super::editor::{FormEditor, Mode, Refusal};
use crate::form::Kind;
use crate::tui::fuzzy;

/// Choices longer than this open a filterable picker instead of cycling.
pub const PICKER_AFTER: usize = 8;

/// A filterable list of a choice field's options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    /// The choice field.
    pub pointer: String,
    pub filter: String,
    /// Index into [`FormEditor::picker_matches`].
    pub selected: usize,
}

impl FormEditor {
    /// The open picker, if any.
    pub fn picker(&self) -> Option<&Picker> {
        match &self.mode {
            Mode::Picking(p) => Some(p),
            _ => None,
        }
    }

    /// The options of the picker's field that match its filter: `(option index, label)`.
    pub fn picker_matches(&self) -> Vec<(usize, String)> {
        let Some(p) = self.picker() else {
            return Vec::new();
        };
        let Some(Kind::Choice { options }) = self.state.node_at(&p.pointer).map(|n| &n.kind) else {
            return Vec::new();
        };
        options
            .iter()
            .enumerate()
            .filter(|(_, o)| fuzzy::matches(&p.filter, &o.label))
            .map(|(i, o)| (i, o.label.clone()))
            .collect()
    }

    /// Types into the picker's filter (`None` deletes a character).
    pub fn picker_type(&mut self, c: Option<char>) {
        if let Mode::Picking(p) = &mut self.mode {
            match c {
                Some(c) => p.filter.push(c),
                None => {
                    p.filter.pop();
                }
            }
            p.selected = 0;
        }
    }

    /// Moves the highlight by `delta` matches.
    pub fn picker_move(&mut self, delta: isize) {
        let n = self.picker_matches().len() as isize;
        if let Mode::Picking(p) = &mut self.mode {
            if n > 0 {
                p.selected = (p.selected as isize + delta).clamp(0, n - 1) as usize;
            }
        }
    }

    /// Sets the field to the highlighted option and closes the picker.
    pub fn picker_choose(&mut self) -> Result<(), Refusal> {
        let matches = self.picker_matches();
        let Mode::Picking(p) = std::mem::replace(&mut self.mode, Mode::Browse) else {
            return Ok(());
        };
        let Some((index, _)) = matches.get(p.selected) else {
            return Ok(());
        };
        let Some(Kind::Choice { options }) = self.state.node_at(&p.pointer).map(|n| n.kind.clone())
        else {
            return Ok(());
        };
        self.assign(&p.pointer, options[*index].value.clone())
    }
}
