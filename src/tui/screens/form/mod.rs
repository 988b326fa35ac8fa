//! The config form screen: a connector's endpoint or resource config edited through the form
//! its schema describes. Opened over the browser by `e`/`r`, or alone by `flowspec config edit`
//! (where closing it quits).

pub mod editor;
mod edits;
mod keys;
mod line_edit;
pub mod locks;
mod open;
mod picker;
mod render;
pub mod rows;

#[cfg(test)]
mod tests;

pub use editor::{EditTarget, FormEditor, Mode, ReadOnly, Refusal, Typing, TypingInto};
pub use line_edit::LineEdit;
pub use open::{open_decrypted, open_for_task, Opening};
pub use picker::{Picker, PICKER_AFTER};
pub use rows::{is_text, Row, RowId, RowKind};

use super::super::keymap::Context;

/// What closing the form does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closing {
    /// Back to the catalog browser.
    Back,
    /// `flowspec config edit`: the form is the whole app, so closing it quits.
    Quit,
    /// Back to the Discovered bindings screen, a save handing the resource config of row
    /// `row` back to it (the catalog is not edited).
    Discovered { row: usize },
    /// The setup wizard's endpoint config: Ctrl-S checks the form and hands the config back
    /// to the wizard (which tests it); Esc hands it back unchecked, one step back. The
    /// catalog is not edited either way.
    Wizard,
}

/// The form screen: the form and what closing it means.
#[derive(Debug, Clone)]
pub struct FormScreen {
    pub editor: FormEditor,
    pub closing: Closing,
}

impl FormScreen {
    /// The screen showing `editor`; `closing` says what Esc leads to.
    pub fn new(editor: FormEditor, closing: Closing) -> Self {
        FormScreen { editor, closing }
    }

    /// The key contexts in force, innermost first: they follow the form's mode and the
    /// focused row, so the footer and the help list exactly the keys that work.
    pub fn contexts(&self) -> Vec<Context> {
        let ed = &self.editor;
        let secret = ed.focused_is_secret();
        let mut v = Vec::new();
        match &ed.mode {
            Mode::Picking(_) => v.push(Context::Picker),
            Mode::Typing(t) => {
                v.push(Context::FormTyping);
                if secret && t.into == TypingInto::Field {
                    v.push(Context::FormSecret);
                }
            }
            Mode::Browse
            | Mode::ConfirmSwitch { .. }
            | Mode::ConfirmClose
            | Mode::ConfirmPlain { .. } => {
                if ed.focused_takes_text() {
                    v.push(Context::FormText);
                }
                if ed.read_only.is_none() {
                    match ed.focused().map(|r| r.kind) {
                        Some(RowKind::Variant) => v.push(Context::FormChoice),
                        Some(RowKind::Field) if ed.focused_is_choice() => {
                            v.push(Context::FormChoice)
                        }
                        Some(RowKind::Item) => v.push(Context::FormItem),
                        _ => {}
                    }
                    v.push(Context::FormEdit);
                }
                if self.closing == Closing::Quit {
                    v.push(Context::FormAlone);
                }
                if self.closing == Closing::Wizard {
                    v.insert(0, Context::FormWizard);
                }
                v.push(Context::FormNav);
                if secret {
                    v.push(Context::FormSecret);
                }
            }
        }
        v.extend([Context::Screens, Context::Always]);
        v
    }
}
