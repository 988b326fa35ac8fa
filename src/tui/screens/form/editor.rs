//! The form being edited: a connector config edited through its schema's form. It owns the
//! rows, the focus, the one mode the form is in (moving, typing, picking, confirming), undo
//! and redo, the reveal toggle and folded sections. Pure: the form screen turns a finished
//! form into a catalog edit.

use std::cell::Cell;
use std::collections::HashSet;

use serde_json::Value;

use super::line_edit::LineEdit;
use super::picker::Picker;
use super::rows::{initially_collapsed, is_text, Row, RowId, RowKind};
use crate::form::pointer::segments;
use crate::form::{self, FieldError, FormNode, FormState, Kind};
use crate::secrets;
use crate::yaml::PathSeg;

/// Where the edited config lives.
#[derive(Clone, PartialEq)]
pub struct EditTarget {
    /// Catalog file holding the config.
    pub file: usize,
    /// Path of the config inside that file (empty: the whole file is the config).
    pub at: Vec<PathSeg>,
    /// What the config was when the form opened (what the file holds).
    pub original: Value,
    /// "Endpoint config of acmeCo/x" — the form's title.
    pub title: String,
}

/// Why an edit was not made; shown in the status line.
pub type Refusal = String;

/// Why a form cannot be changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadOnly {
    /// flowspec runs with `--read-only`.
    Flag,
    /// The config is sops-encrypted and was not decrypted (`--read-only` shows it as is).
    Encrypted,
}

impl ReadOnly {
    /// The line the form shows at its top, and the refusal of every edit.
    pub fn message(self) -> &'static str {
        match self {
            ReadOnly::Flag => "Read-only mode: this form can be browsed, not changed.",
            ReadOnly::Encrypted => {
                "This config is sops-encrypted and shown without decrypting it (read-only): \
                 encrypted fields are shown as encrypted."
            }
        }
    }
}

/// What the form is doing. One mode at a time, so no two can disagree.
#[derive(Clone)]
pub enum Mode {
    /// Moving between rows.
    Browse,
    /// Typing into the focused field, or the name of a new map key.
    Typing(Box<Typing>),
    /// Choosing from a long list of options.
    Picking(Picker),
    /// A variant switch that would discard values: the same switch again confirms it.
    ConfirmSwitch { at: String, variant: usize },
    /// Closing with unsaved changes: Esc again discards them.
    ConfirmClose,
    /// Leaving a schema secret in plaintext: the lock key again confirms it.
    ConfirmPlain { at: String },
}

/// Text being typed and what it is for.
#[derive(Clone)]
pub struct Typing {
    pub line: LineEdit,
    pub into: TypingInto,
}

/// What typed text becomes when it is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypingInto {
    /// The focused field's value.
    Field,
    /// A new key of the map at this pointer (its value is typed next).
    NewKey { map: String },
}

/// The form being edited. Its `Debug` (see `tui::redact`) leaves out every config value and
/// typed text.
#[derive(Clone)]
pub struct FormEditor {
    pub target: EditTarget,
    pub state: FormState,
    /// What the form would write as it opened: it is changed when that differs.
    baseline: Value,
    pub rows: Vec<Row>,
    pub focus: usize,
    pub offset: Cell<usize>,
    /// What the form is doing (moving, typing, picking, asking).
    pub mode: Mode,
    /// The focused secret is shown in clear (until focus moves).
    pub revealed: bool,
    pub read_only: Option<ReadOnly>,
    /// Values of an encrypted config that are encrypted (`ENC[...]`).
    encrypted: HashSet<String>,
    pub(super) collapsed: HashSet<RowId>,
    /// Airbyte groups whose "Optional fields" the user unfolded (they start folded).
    pub(super) unfolded_optional: HashSet<String>,
    undo: Vec<Value>,
    redo: Vec<Value>,
    /// A message for the status line that is not an error (taken by the screen after a key).
    pub notice: Option<String>,
    /// Field rows whose value is masked (see [`FormEditor::masks`]); worked out at each
    /// rebuild rather than at every frame.
    pub(super) secret_rows: HashSet<String>,
    /// Which fields a save encrypts (see `locks`).
    pub locks: super::locks::Locks,
    /// The locks as the form opened: a change of them is a change of the form.
    pub(super) locks_baseline: super::locks::Locks,
    /// Rows the connector's schema makes secret, worked out at each rebuild.
    pub(super) schema_secret_rows: HashSet<String>,
    /// The sops document the form was opened on, decrypted: a save re-encrypts it.
    pub origin: Option<super::locks::Origin>,
    /// What the connector said about a field (the wizard's failed connection test): shown at
    /// the field, not a validation error (the config may be right and the server wrong).
    pub connector_error: Option<FieldError>,
}

impl FormEditor {
    /// Opens `target` with `schema` (a bare JSON Schema or a whole spec response). A
    /// sops-encrypted config opens read-only, in the shape its connector sees once decrypted.
    pub fn open(schema: &Value, target: EditTarget) -> Self {
        let form = form::build(form::config_schema_of(schema));
        let config = if target.original.is_null() {
            Value::Object(Default::default())
        } else {
            target.original.clone()
        };
        let (config, read_only, encrypted) = match form::encrypted::view(&config) {
            Some(v) => (v.config, Some(ReadOnly::Encrypted), v.encrypted),
            None => (config, None, Vec::new()),
        };
        let state = form.load(&config);
        let mut collapsed = HashSet::new();
        initially_collapsed(form.root(), "", &mut collapsed);
        let mut ed = FormEditor {
            target,
            baseline: state.to_json(),
            state,
            rows: Vec::new(),
            focus: 0,
            offset: Cell::new(0),
            mode: Mode::Browse,
            revealed: false,
            read_only,
            encrypted: encrypted.into_iter().collect(),
            collapsed,
            unfolded_optional: HashSet::new(),
            undo: Vec::new(),
            redo: Vec::new(),
            notice: None,
            secret_rows: HashSet::new(),
            locks: Default::default(),
            locks_baseline: Default::default(),
            schema_secret_rows: HashSet::new(),
            origin: None,
            connector_error: None,
        };
        ed.rebuild();
        ed.focus = ed
            .rows
            .iter()
            .position(|r| r.kind == RowKind::Field)
            .unwrap_or(0);
        ed
    }

    /// The same form, but nothing can be changed (`--read-only`).
    pub fn read_only(mut self) -> Self {
        self.read_only.get_or_insert(ReadOnly::Flag);
        self
    }

    /// True when saving would change the file: what the form would write differs from what it
    /// would have written as it opened (so opening and closing is no change, and defaults the
    /// user did not touch are not one either). A read-only form never changes.
    pub fn changed(&self) -> bool {
        self.read_only.is_none()
            && (self.state.to_json() != self.baseline || self.locks != self.locks_baseline)
    }

    /// Takes what the form would write now as its unchanged state: the opening fill-ins
    /// (`x-collection-name` and the like) and a save that keeps the form open.
    pub fn settle(&mut self) {
        self.baseline = self.state.to_json();
        self.locks_baseline = self.locks.clone();
    }

    /// The validation errors the form shows: those of encrypted values (an `ENC[...]` string
    /// is not a number, nor does it match a pattern) are not the user's to fix.
    pub fn errors(&self) -> Vec<&FieldError> {
        self.state
            .errors()
            .iter()
            .filter(|e| !self.encrypted.iter().any(|p| is_at_or_under(&e.pointer, p)))
            .collect()
    }

    /// The errors of exactly the field at `pointer`.
    pub fn errors_at<'a>(&'a self, pointer: &'a str) -> impl Iterator<Item = &'a FieldError> {
        self.errors()
            .into_iter()
            .filter(move |e| e.pointer == pointer)
    }

    /// True when the value at `pointer` is sops-encrypted.
    pub fn is_encrypted(&self, pointer: &str) -> bool {
        self.encrypted.contains(pointer)
    }

    /// The node of a row (`None` for an Airbyte group's headings).
    pub fn node(&self, row: &Row) -> Option<&FormNode> {
        let pointer = row.pointer()?;
        if row.kind == RowKind::Variant {
            return self.union_node(pointer);
        }
        if pointer.is_empty() {
            return Some(self.state.form().root());
        }
        // A union row's own node, when node_at looks through it into its variant.
        self.state
            .node_at(pointer)
            .or_else(|| self.union_node(pointer))
    }

    /// The union node at a variant row (not its active variant).
    pub fn union_at(&self, pointer: &str) -> Option<&form::Union> {
        match &self.union_node(pointer)?.kind {
            Kind::Union(u) => Some(u),
            _ => None,
        }
    }

    /// The node of the field at `pointer` in its parent, unions not looked through (its label,
    /// description, `required`).
    pub fn union_node(&self, pointer: &str) -> Option<&FormNode> {
        if pointer.is_empty() {
            return Some(self.state.form().root());
        }
        let (parent, key) = pointer.rsplit_once('/')?;
        let parent_node = if parent.is_empty() {
            self.state.form().root()
        } else {
            self.state.node_at(parent)?
        };
        parent_node.field(&unescape_segment(key))
    }

    /// The row that has the focus.
    pub fn focused(&self) -> Option<&Row> {
        self.rows.get(self.focus)
    }

    /// The focused field's pointer and node, when the focus is on a field.
    pub fn focused_field(&self) -> Option<(String, FormNode)> {
        let row = self.focused()?;
        let pointer = row.field()?.to_string();
        let node = self.node(row)?.clone();
        Some((pointer, node))
    }

    /// True when the focused row is a text field that typing goes into.
    pub fn focused_takes_text(&self) -> bool {
        self.read_only.is_none() && self.focused_field().is_some_and(|(_, n)| is_text(&n))
    }

    /// True when the focused row is a choice among fixed values (Left/Right cycle it).
    pub fn focused_is_choice(&self) -> bool {
        self.focused_field()
            .is_some_and(|(_, n)| matches!(n.kind, Kind::Choice { .. }))
    }

    /// True when the focused row shows a secret (masked unless revealed).
    pub fn focused_is_secret(&self) -> bool {
        self.focused()
            .and_then(Row::field)
            .is_some_and(|p| self.masks(p))
    }

    /// The line being typed, if any.
    pub fn typing(&self) -> Option<&LineEdit> {
        match &self.mode {
            Mode::Typing(t) => Some(&t.line),
            _ => None,
        }
    }

    /// The line being typed, to edit it.
    pub fn typing_mut(&mut self) -> Option<&mut LineEdit> {
        match &mut self.mode {
            Mode::Typing(t) => Some(&mut t.line),
            _ => None,
        }
    }

    /// True while typing the name of a new map key.
    pub fn naming_key(&self) -> bool {
        matches!(&self.mode, Mode::Typing(t) if matches!(t.into, TypingInto::NewKey { .. }))
    }

    /// Moves the focus by `delta` rows; a revealed secret is masked again and a pending
    /// question dropped.
    pub fn move_focus(&mut self, delta: isize) {
        if self.rows.is_empty() {
            return;
        }
        let n = self.rows.len() as isize;
        self.focus = (self.focus as isize + delta).clamp(0, n - 1) as usize;
        self.revealed = false;
        self.mode = Mode::Browse;
    }

    /// The text shown for a field, without masking.
    pub fn text_of(&self, pointer: &str) -> String {
        match self.state.get(pointer) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(Value::Array(items)) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
                items
                    .iter()
                    .map(|i| match i {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            }
            Some(other) => other.to_string(),
        }
    }

    /// Refuses an edit of a read-only form, saying why.
    pub(super) fn refuse_read_only(&self) -> Result<(), Refusal> {
        match self.read_only {
            Some(why) => Err(why.message().to_string()),
            None => Ok(()),
        }
    }

    /// Records the state before a change, for undo.
    pub(super) fn snapshot(&mut self) {
        self.undo.push(self.state.to_json());
        self.redo.clear();
    }

    /// Sets the field at `pointer` (an undoable step). A value equal to what is shown changes
    /// nothing; setting a field the file did not have back to its default leaves it a default,
    /// not written.
    pub(super) fn assign(&mut self, pointer: &str, v: Value) -> Result<(), Refusal> {
        if self.state.get(pointer) == Some(&v) {
            return Ok(());
        }
        let default = self
            .state
            .node_at(pointer)
            .and_then(|n| n.ann.default.clone());
        self.snapshot();
        if default.as_ref() == Some(&v) && self.baseline.pointer(pointer).is_none() {
            self.state.clear(pointer);
        } else {
            self.state.set(pointer, v).map_err(|e| e.to_string())?;
        }
        self.rebuild();
        Ok(())
    }

    /// Starts typing into the focused text field, optionally with a first character.
    pub fn begin_edit(&mut self, first: Option<&str>) -> Result<(), Refusal> {
        self.refuse_read_only()?;
        let Some(row) = self.focused().cloned() else {
            return Ok(());
        };
        let (Some(pointer), Some(node)) = (row.pointer(), self.node(&row)) else {
            return Ok(());
        };
        if node.ann.read_only {
            return Err(format!("{} is read-only", node.label));
        }
        if row.kind != RowKind::Field || !is_text(node) {
            return Err(format!("{} is not a text field", node.label));
        }
        let text = if matches!(node.kind, Kind::Any | Kind::Map { .. }) {
            self.state
                .get(pointer)
                .map(|v| serde_json::to_string(v).unwrap_or_default())
                .unwrap_or_default()
        } else {
            self.text_of(pointer)
        };
        let mut line = LineEdit::new(text);
        if let Some(c) = first {
            line.insert(c);
        }
        self.mode = Mode::Typing(Box::new(Typing {
            line,
            into: TypingInto::Field,
        }));
        Ok(())
    }

    /// Keeps the text being typed. On a parse error the text stays open for fixing.
    pub fn commit_edit(&mut self) -> Result<(), Refusal> {
        let Mode::Typing(typing) = &self.mode else {
            return Ok(());
        };
        let text = typing.line.text();
        if let TypingInto::NewKey { map } = &typing.into {
            let map = map.clone();
            return self.add_key(&map, text.trim());
        }
        let Some((pointer, node)) = self.focused_field() else {
            self.mode = Mode::Browse;
            return Ok(());
        };
        let parsed = super::edits::parse_typed(&node, &text).map_err(|e| {
            if self.is_secret(&pointer) {
                super::edits::unechoed(&e, &text)
            } else {
                e
            }
        })?;
        self.mode = Mode::Browse;
        match parsed {
            Some(v) => self.assign(&pointer, v),
            None if self.state.explicit(&pointer).is_some() => {
                self.snapshot();
                self.state.clear(&pointer);
                self.rebuild();
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Drops the text being typed.
    pub fn cancel_edit(&mut self) {
        self.mode = Mode::Browse;
    }

    /// Goes back one change; false when there is none.
    pub fn undo(&mut self) -> bool {
        self.restore(true)
    }

    /// Goes forward one undone change; false when there is none.
    pub fn redo(&mut self) -> bool {
        self.restore(false)
    }

    fn restore(&mut self, undo: bool) -> bool {
        let (from, to) = if undo {
            (&mut self.undo, &mut self.redo)
        } else {
            (&mut self.redo, &mut self.undo)
        };
        let Some(v) = from.pop() else {
            return false;
        };
        to.push(self.state.to_json());
        self.state = self.state.form().load(&v);
        self.mode = Mode::Browse;
        self.rebuild();
        true
    }

    /// Focuses the first field with an error, ready for typing when it is a text field;
    /// returns how many errors there are.
    pub fn focus_first_error(&mut self) -> usize {
        let errors: Vec<String> = self.errors().iter().map(|e| e.pointer.clone()).collect();
        let Some(first) = errors.first() else {
            return 0;
        };
        self.focus_pointer(first);
        self.mode = Mode::Browse;
        let _ = self.begin_edit(None);
        errors.len()
    }

    /// Focuses the field at `pointer`, or the closest row above it (a folded section).
    pub fn focus_pointer(&mut self, pointer: &str) {
        let mut best = None;
        for (i, r) in self.rows.iter().enumerate() {
            let Some(p) = r.pointer() else { continue };
            if p == pointer {
                best = Some(i);
                break;
            }
            if best.is_none() && pointer.starts_with(&format!("{p}/")) {
                best = Some(i);
            }
        }
        if let Some(i) = best {
            self.focus = i;
            self.revealed = false;
        }
    }

    /// True when the field at `pointer` is secret: annotated so, below a secret location
    /// (a secret parent, a secret map's value), or sops-encrypted. Its value is masked and
    /// typed text is never echoed.
    pub fn is_secret(&self, pointer: &str) -> bool {
        self.state.node_at(pointer).is_some_and(|n| n.ann.secret)
            || self.is_encrypted(pointer)
            || secrets::field::is_secret_field(
                self.state.form().schema(),
                self.state.value(),
                pointer,
            )
    }

    /// True when the text of the field at `pointer` could hold a secret (see
    /// [`secrets::field::field_may_hold_secret`]): such text never goes to `$EDITOR`.
    pub fn may_hold_secret(&self, pointer: &str) -> bool {
        self.is_secret(pointer)
            || secrets::field::field_may_hold_secret(
                self.state.form().schema(),
                self.state.value(),
                pointer,
            )
    }

    /// True when the field row at `pointer` shows its value masked: it is secret or its
    /// text could hold one (as of the last change).
    pub fn masks(&self, pointer: &str) -> bool {
        self.secret_rows.contains(pointer) || self.is_encrypted(pointer)
    }
}

/// One escaped pointer segment back to the key it names.
fn unescape_segment(seg: &str) -> String {
    segments(&format!("/{seg}")).pop().unwrap_or_default()
}

fn is_at_or_under(pointer: &str, at: &str) -> bool {
    pointer == at || pointer.starts_with(&format!("{at}/"))
}
