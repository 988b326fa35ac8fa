//! `Debug` for the form screen's types, which hold config values and typed text (secrets
//! among them): they show where the form is, never what it holds, so a `{:?}` in a panic
//! message, a log line or a test failure cannot print a secret.

use std::fmt;

use super::form_editor::{EditTarget, FormEditor, LineEdit};
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
            .field("focus", &self.focused().map(|r| &r.pointer))
            .field("editing", &self.editing)
            .field("revealed", &self.revealed)
            .field("read_only", &self.read_only.is_some())
            .field("picker", &self.picker)
            .finish_non_exhaustive()
    }
}
