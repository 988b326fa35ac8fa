//! `Debug` for the form screen's types, which hold config values and typed text (secrets
//! among them): they show where the form is, never what it holds, so a `{:?}` in a panic
//! message, a log line or a test failure cannot print a secret.

use std::fmt;

use super::screens::form::{EditTarget, FormEditor, LineEdit, Mode};
use crate::secrets::REDACTED;

impl fmt::Debug for EditTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EditTarget")
            .field("file", &self.file)
            .field("at", &self.at)
            .field("original", &REDACTED)
            .field("title", &self.title)
            .finish()
    }
}

impl fmt::Debug for LineEdit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("LineEdit").field(&REDACTED).finish()
    }
}

impl fmt::Debug for FormEditor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FormEditor")
            .field("target", &self.target)
            .field("state", &self.state)
            .field("rows", &self.rows.len())
            .field("focus", &self.focused().map(|r| &r.id))
            .field("mode", &self.mode)
            .field("revealed", &self.revealed)
            .field("read_only", &self.read_only)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mode::Browse => f.write_str("Browse"),
            Mode::Typing(t) => f
                .debug_struct("Typing")
                .field("line", &t.line)
                .field("into", &t.into)
                .finish(),
            Mode::Picking(p) => f.debug_tuple("Picking").field(p).finish(),
            Mode::ConfirmSwitch { at, variant } => f
                .debug_struct("ConfirmSwitch")
                .field("at", at)
                .field("variant", variant)
                .finish(),
            Mode::ConfirmClose => f.write_str("ConfirmClose"),
            Mode::ConfirmPlain { at } => f.debug_struct("ConfirmPlain").field("at", at).finish(),
        }
    }
}
