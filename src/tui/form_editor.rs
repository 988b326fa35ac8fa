//! The form screen's state: a connector config edited through its schema's form. It flattens
//! the form tree into focusable rows, owns the line being typed, undo/redo, the reveal toggle
//! for secrets and collapsed sections. Pure: the App turns a finished form into a catalog edit.

use std::collections::HashSet;

use ratatui_textarea::{CursorMove, DataCursor, TextArea};
use serde_json::Value;

use crate::form::pointer::{join, segments};
use crate::form::{self, parse_input, FormNode, FormState, Kind, ScalarType};
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

/// What a row of the form is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// A nested object's heading; Enter folds it.
    Section { collapsed: bool },
    /// A union: Left/Right switch variant.
    Variant,
    /// An input (text, number, toggle, choice) or a read-only value.
    Field,
    /// One item of a list of objects: Delete removes it, Ctrl-↑/↓ move it.
    Item,
    /// The "add an item" line closing a list of objects.
    AddItem,
}

/// One focusable line of the form.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub pointer: String,
    pub depth: u16,
    pub kind: RowKind,
}

/// The text being typed into a field: a `ratatui-textarea` buffer (undo-free here: the form
/// has its own undo), so multi-line values pasted in keep their lines. It may be a secret:
/// its `Debug` shows nothing of it.
#[derive(Clone)]
pub struct LineEdit {
    area: TextArea<'static>,
}

impl LineEdit {
    pub fn new(text: String) -> Self {
        let lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        let mut area = TextArea::new(lines);
        area.move_cursor(CursorMove::Bottom);
        area.move_cursor(CursorMove::End);
        LineEdit { area }
    }

    /// The whole text, lines joined with `\n`.
    pub fn text(&self) -> String {
        self.area.lines().join("\n")
    }

    /// The cursor as a character offset into [`LineEdit::text`].
    pub fn cursor(&self) -> usize {
        let DataCursor(row, col) = self.area.cursor();
        self.area.lines()[..row]
            .iter()
            .map(|l| l.chars().count() + 1)
            .sum::<usize>()
            + col
    }

    pub fn insert(&mut self, s: &str) {
        self.area.insert_str(s);
    }

    pub fn backspace(&mut self) {
        self.area.delete_char();
    }

    pub fn delete(&mut self) {
        self.area.delete_next_char();
    }

    pub fn left(&mut self) {
        self.area.move_cursor(CursorMove::Back);
    }

    pub fn right(&mut self) {
        self.area.move_cursor(CursorMove::Forward);
    }

    pub fn home(&mut self) {
        self.area.move_cursor(CursorMove::Head);
    }

    pub fn end(&mut self) {
        self.area.move_cursor(CursorMove::End);
    }

    /// Applies a text-editing key (characters, Backspace, Delete, arrows, Home, End); returns
    /// false for keys that are not for the text (Enter, Esc, Tab, shortcuts), which the form
    /// handles.
    pub fn handle_key(&mut self, key: &ratatui::crossterm::event::KeyEvent) -> bool {
        use ratatui::crossterm::event::KeyCode;
        let ours = match key.code {
            KeyCode::Char(_) => super::keymap::is_text_input(key),
            KeyCode::Backspace
            | KeyCode::Delete
            | KeyCode::Left
            | KeyCode::Right
            | KeyCode::Home
            | KeyCode::End => true,
            _ => false,
        };
        if ours {
            self.area.input(*key);
        }
        ours
    }
}

/// The form being edited. Its `Debug` (see `tui::redact`) leaves out every config value and
/// typed text.
#[derive(Clone)]
pub struct FormEditor {
    pub target: EditTarget,
    pub state: FormState,
    pub rows: Vec<Row>,
    pub focus: usize,
    pub offset: std::cell::Cell<usize>,
    /// The text field being typed into, if any.
    pub editing: Option<LineEdit>,
    /// The focused secret is shown in clear (until focus moves).
    pub revealed: bool,
    /// A sops-encrypted config: shown, never changed (re-encryption is the sops issue's).
    pub read_only: Option<String>,
    collapsed: HashSet<String>,
    undo: Vec<Value>,
    redo: Vec<Value>,
    /// A variant switch that would discard values, waiting for a second press to confirm.
    pub pending_switch: Option<(String, usize, Vec<String>)>,
    /// A message for the status line that is not an error (taken by the app after each key).
    pub notice: Option<String>,
    /// The option picker for a long choice list, when open.
    pub picker: Option<Picker>,
    /// A key-value map whose new key is being typed (in `editing`).
    pub naming: Option<String>,
    /// Airbyte "Optional fields" sections the user unfolded (they start folded).
    expanded_optional: HashSet<String>,
    /// Field rows whose value is masked (see [`FormEditor::may_hold_secret`]); worked out at
    /// each rebuild rather than at every frame.
    secret_rows: HashSet<String>,
}

/// Rows of Airbyte `groups` sections have this prefix instead of a JSON pointer.
pub const GROUP_PREFIX: &str = "#group/";
/// Suffix of a group's "Optional fields" section row.
pub const OPTIONAL_SUFFIX: &str = "#optional";

/// Choices longer than this open a filterable picker instead of cycling.
pub const PICKER_AFTER: usize = 8;

/// A filterable list of a choice field's options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    pub pointer: String,
    pub filter: String,
    /// Index into [`Picker::matches`].
    pub selected: usize,
}

impl FormEditor {
    /// The options of the picker's field that match its filter: `(option index, label)`.
    pub fn picker_matches(&self) -> Vec<(usize, String)> {
        let Some(p) = &self.picker else {
            return Vec::new();
        };
        let Some(Kind::Choice { options }) = self.state.node_at(&p.pointer).map(|n| &n.kind) else {
            return Vec::new();
        };
        options
            .iter()
            .enumerate()
            .filter(|(_, o)| super::fuzzy::matches(&p.filter, &o.label))
            .map(|(i, o)| (i, o.label.clone()))
            .collect()
    }

    /// Types into the picker's filter (`None` deletes a character).
    pub fn picker_type(&mut self, c: Option<char>) {
        if let Some(p) = self.picker.as_mut() {
            match c {
                Some(c) => p.filter.push(c),
                None => {
                    p.filter.pop();
                }
            }
            p.selected = 0;
        }
    }

    pub fn picker_move(&mut self, delta: isize) {
        let n = self.picker_matches().len() as isize;
        if let Some(p) = self.picker.as_mut() {
            if n > 0 {
                p.selected = (p.selected as isize + delta).clamp(0, n - 1) as usize;
            }
        }
    }

    /// Sets the field to the selected option and closes the picker.
    pub fn picker_choose(&mut self) -> Result<(), Refusal> {
        let matches = self.picker_matches();
        let Some(p) = self.picker.take() else {
            return Ok(());
        };
        let Some((index, _)) = matches.get(p.selected) else {
            return Ok(());
        };
        let Some(Kind::Choice { options }) = self.state.node_at(&p.pointer).map(|n| n.kind.clone())
        else {
            return Ok(());
        };
        self.snapshot();
        self.state
            .set(&p.pointer, options[*index].value.clone())
            .map_err(|e| e.to_string())?;
        self.rebuild();
        Ok(())
    }
}

/// Why an edit was not made; shown in the status line.
pub type Refusal = String;

impl FormEditor {
    /// Opens `target` with `schema` (a bare JSON Schema or a whole spec response).
    pub fn open(schema: &Value, target: EditTarget) -> Self {
        let form = form::build(form::config_schema_of(schema));
        let config = if target.original.is_null() {
            Value::Object(Default::default())
        } else {
            target.original.clone()
        };
        let read_only = crate::connector::sops::is_encrypted(&config).then(|| {
            "This config is sops-encrypted: its MAC covers every value, so changing it needs \
             re-encryption. Fields ending in the encrypted suffix are shown as encrypted; nothing \
             here can be changed."
                .to_string()
        });
        let state = form.load(&config);
        let mut collapsed = HashSet::new();
        collect_collapsed(form.root(), "", &mut collapsed);
        let mut ed = FormEditor {
            target,
            state,
            rows: Vec::new(),
            focus: 0,
            offset: std::cell::Cell::new(0),
            editing: None,
            revealed: false,
            read_only,
            collapsed,
            undo: Vec::new(),
            redo: Vec::new(),
            pending_switch: None,
            notice: None,
            picker: None,
            naming: None,
            expanded_optional: HashSet::new(),
            secret_rows: HashSet::new(),
        };
        ed.rebuild();
        ed.focus = ed
            .rows
            .iter()
            .position(|r| r.kind == RowKind::Field)
            .unwrap_or(0);
        ed
    }

    /// True when saving would change the file: the config differs from what the file holds
    /// (defaults the form filled in count, as in Flow's web app). A read-only (encrypted)
    /// config never changes.
    pub fn changed(&self) -> bool {
        self.read_only.is_none() && self.state.to_json() != self.target.original
    }

    /// The node of a row.
    pub fn node(&self, row: &Row) -> Option<&FormNode> {
        if row.kind == RowKind::Variant {
            return self.union_node(&row.pointer);
        }
        if row.pointer.is_empty() {
            return Some(self.state.form().root());
        }
        self.state.node_at(&row.pointer).or_else(|| {
            // A union row's own node (node_at looks through it into its variant).
            let (parent, key) = row.pointer.rsplit_once('/')?;
            let parent_node = if parent.is_empty() {
                Some(self.state.form().root())
            } else {
                self.state.node_at(parent)
            }?;
            parent_node.field(&unescape_segment(key))
        })
    }

    /// The union node at a variant row (not its active variant).
    pub fn union_at(&self, pointer: &str) -> Option<&form::Union> {
        match &self.union_node(pointer)?.kind {
            Kind::Union(u) => Some(u),
            _ => None,
        }
    }

    /// The node of the union at a variant row itself (its label, description, `required`).
    pub fn union_node(&self, pointer: &str) -> Option<&FormNode> {
        let node = if pointer.is_empty() {
            self.state.form().root()
        } else {
            let (parent, key) = pointer.rsplit_once('/')?;
            let parent_node = if parent.is_empty() {
                self.state.form().root()
            } else {
                self.state.node_at(parent)?
            };
            parent_node.field(&unescape_segment(key))?
        };
        Some(node)
    }

    pub fn focused(&self) -> Option<&Row> {
        self.rows.get(self.focus)
    }

    /// Re-flattens the form after a change (variants and sections change which rows exist).
    pub fn rebuild(&mut self) {
        let keep = self.focused().map(|r| r.pointer.clone());
        let mut rows = Vec::new();
        let root = self.state.form().root().clone();
        self.flatten(&root, "", 0, &mut rows, true);
        let fields: Vec<String> = rows
            .iter()
            .filter(|r| r.kind == RowKind::Field)
            .map(|r| r.pointer.clone())
            .collect();
        self.secret_rows = secrets::field::fields_may_hold_secret(
            self.state.form().schema(),
            self.state.value(),
            &fields,
        );
        self.secret_rows.extend(
            fields
                .into_iter()
                .filter(|p| self.state.node_at(p).is_some_and(|n| n.ann.secret)),
        );
        self.rows = rows;
        if let Some(p) = keep {
            if let Some(i) = self.rows.iter().position(|r| r.pointer == p) {
                self.focus = i;
            }
        }
        self.focus = self.focus.min(self.rows.len().saturating_sub(1));
    }

    fn flatten(&self, node: &FormNode, pointer: &str, depth: u16, out: &mut Vec<Row>, root: bool) {
        match &node.kind {
            Kind::Group { fields } => {
                if !root {
                    let collapsed = self.collapsed.contains(pointer);
                    out.push(Row {
                        pointer: pointer.to_string(),
                        depth,
                        kind: RowKind::Section { collapsed },
                    });
                    if collapsed {
                        return;
                    }
                }
                let inner = if root { depth } else { depth + 1 };
                // Airbyte `groups` on the root: a section per group, in the declared order,
                // then the fields that belong to none.
                let groups = if root {
                    node.ann.groups.clone()
                } else {
                    Vec::new()
                };
                for (id, _) in &groups {
                    let section = format!("{GROUP_PREFIX}{id}");
                    let collapsed = self.collapsed.contains(&section);
                    out.push(Row {
                        pointer: section,
                        depth: inner,
                        kind: RowKind::Section { collapsed },
                    });
                    if collapsed {
                        continue;
                    }
                    // As Airbyte's webapp does: required and `always_show` fields first, the
                    // other optional ones folded under "Optional fields".
                    let members: Vec<&FormNode> = fields
                        .iter()
                        .filter(|f| !f.ann.hidden && f.ann.group.as_deref() == Some(id.as_str()))
                        .collect();
                    for f in members.iter().filter(|f| f.required || f.ann.always_show) {
                        let p = join(pointer, &f.key);
                        self.flatten(f, &p, inner + 1, out, false);
                    }
                    let optional: Vec<&&FormNode> = members
                        .iter()
                        .filter(|f| !(f.required || f.ann.always_show))
                        .collect();
                    if !optional.is_empty() {
                        let section = format!("{GROUP_PREFIX}{id}{OPTIONAL_SUFFIX}");
                        let folded = !self.expanded_optional.contains(&section);
                        out.push(Row {
                            pointer: section,
                            depth: inner + 1,
                            kind: RowKind::Section { collapsed: folded },
                        });
                        if !folded {
                            for f in optional {
                                let p = join(pointer, &f.key);
                                self.flatten(f, &p, inner + 2, out, false);
                            }
                        }
                    }
                }
                let grouped = |f: &FormNode| {
                    f.ann
                        .group
                        .as_ref()
                        .is_some_and(|g| groups.iter().any(|(id, _)| id == g))
                };
                for f in fields.iter().filter(|f| !f.ann.hidden && !grouped(f)) {
                    let p = join(pointer, &f.key);
                    self.flatten(f, &p, inner, out, false);
                }
            }
            Kind::List { item } if !is_text(node) && object_like(item) => {
                let collapsed = self.collapsed.contains(pointer);
                out.push(Row {
                    pointer: pointer.to_string(),
                    depth,
                    kind: RowKind::Section { collapsed },
                });
                if collapsed {
                    return;
                }
                let len = self
                    .state
                    .get(pointer)
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                for i in 0..len {
                    let p = format!("{pointer}/{i}");
                    out.push(Row {
                        pointer: p.clone(),
                        depth: depth + 1,
                        kind: RowKind::Item,
                    });
                    match &item.kind {
                        Kind::Union(_) => self.flatten(item, &p, depth + 2, out, false),
                        _ => {
                            for f in item.fields().iter().filter(|f| !f.ann.hidden) {
                                let fp = join(&p, &f.key);
                                self.flatten(f, &fp, depth + 2, out, false);
                            }
                        }
                    }
                }
                out.push(Row {
                    pointer: pointer.to_string(),
                    depth: depth + 1,
                    kind: RowKind::AddItem,
                });
            }
            Kind::Map { value } if !object_like(value) => {
                let collapsed = self.collapsed.contains(pointer);
                out.push(Row {
                    pointer: pointer.to_string(),
                    depth,
                    kind: RowKind::Section { collapsed },
                });
                if collapsed {
                    return;
                }
                let keys: Vec<String> = self
                    .state
                    .get(pointer)
                    .and_then(Value::as_object)
                    .map(|m| m.keys().cloned().collect())
                    .unwrap_or_default();
                for k in keys {
                    out.push(Row {
                        pointer: join(pointer, &k),
                        depth: depth + 1,
                        kind: RowKind::Field,
                    });
                }
                out.push(Row {
                    pointer: pointer.to_string(),
                    depth: depth + 1,
                    kind: RowKind::AddItem,
                });
            }
            Kind::Union(u) => {
                out.push(Row {
                    pointer: pointer.to_string(),
                    depth,
                    kind: RowKind::Variant,
                });
                let active = self.state.active_variant(pointer).unwrap_or(0);
                if let Some(v) = u.variants.get(active) {
                    for f in v.node.fields().iter().filter(|f| !f.ann.hidden) {
                        let p = join(pointer, &f.key);
                        self.flatten(f, &p, depth + 1, out, false);
                    }
                }
            }
            _ => out.push(Row {
                pointer: pointer.to_string(),
                depth,
                kind: RowKind::Field,
            }),
        }
    }

    pub fn move_focus(&mut self, delta: isize) {
        if self.rows.is_empty() {
            return;
        }
        let n = self.rows.len() as isize;
        self.focus = (self.focus as isize + delta).clamp(0, n - 1) as usize;
        self.revealed = false;
        self.pending_switch = None;
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

    fn refuse_read_only(&self) -> Result<(), Refusal> {
        match &self.read_only {
            Some(why) => Err(why.clone()),
            None => Ok(()),
        }
    }

    fn snapshot(&mut self) {
        self.undo.push(self.state.to_json());
        self.redo.clear();
    }

    /// Starts typing into the focused text field, optionally with a first character.
    pub fn begin_edit(&mut self, first: Option<&str>) -> Result<(), Refusal> {
        self.refuse_read_only()?;
        let Some(row) = self.focused().cloned() else {
            return Ok(());
        };
        let Some(node) = self.node(&row) else {
            return Ok(());
        };
        if node.ann.read_only {
            return Err(format!("{} is read-only", node.label));
        }
        if !is_text(node) {
            return Err(format!("{} is not a text field", node.label));
        }
        let text = if matches!(node.kind, Kind::Any | Kind::Map { .. }) {
            self.state
                .get(&row.pointer)
                .map(|v| serde_json::to_string(v).unwrap_or_default())
                .unwrap_or_default()
        } else {
            self.text_of(&row.pointer)
        };
        let mut edit = LineEdit::new(text);
        if let Some(c) = first {
            edit.insert(c);
        }
        self.editing = Some(edit);
        Ok(())
    }

    /// Commits the line being typed. On a parse error the line stays open.
    pub fn commit_edit(&mut self) -> Result<(), Refusal> {
        let Some(edit) = self.editing.clone() else {
            return Ok(());
        };
        if let Some(map) = self.naming.clone() {
            return self.add_key(&map, edit.text().trim());
        }
        let Some(row) = self.focused().cloned() else {
            return Ok(());
        };
        let Some(node) = self.node(&row).cloned() else {
            return Ok(());
        };
        let text = edit.text();
        let parsed = parse_typed(&node, &text).map_err(|e| {
            if self.is_secret(&row.pointer) {
                unechoed(&e, &text)
            } else {
                e
            }
        })?;
        self.snapshot();
        match parsed {
            Some(v) => self.state.set(&row.pointer, v).map_err(|e| e.to_string())?,
            None => self.state.clear(&row.pointer),
        }
        self.editing = None;
        self.rebuild();
        Ok(())
    }

    pub fn cancel_edit(&mut self) {
        self.editing = None;
        self.naming = None;
    }

    /// Adds `key` to the key-value map at `map` (with an empty value of the map's type) and
    /// starts typing its value.
    fn add_key(&mut self, map: &str, key: &str) -> Result<(), Refusal> {
        if key.is_empty() {
            return Err("Type a key name first (Esc cancels)".into());
        }
        let pointer = join(map, key);
        if self.state.get(&pointer).is_some() {
            return Err(format!("`{key}` is already there"));
        }
        let empty = match self.state.node_at(map).map(|n| &n.kind) {
            Some(Kind::Map { value }) => match &value.kind {
                Kind::Scalar(ScalarType::Boolean) => Value::Bool(false),
                Kind::Scalar(ScalarType::Integer | ScalarType::Number) => Value::from(0),
                Kind::List { .. } => Value::Array(Vec::new()),
                _ => Value::String(String::new()),
            },
            _ => Value::String(String::new()),
        };
        self.snapshot();
        self.state.set(&pointer, empty).map_err(|e| e.to_string())?;
        self.naming = None;
        self.editing = None;
        self.rebuild();
        if self.focus_row(&pointer, RowKind::Field) {
            let _ = self.begin_edit(None);
        }
        Ok(())
    }

    /// Space/Enter on a non-text field: toggle a boolean, fold a section, next choice.
    pub fn activate(&mut self) -> Result<(), Refusal> {
        let Some(row) = self.focused().cloned() else {
            return Ok(());
        };
        match row.kind {
            RowKind::Section { collapsed } => {
                if row.pointer.ends_with(OPTIONAL_SUFFIX) {
                    if collapsed {
                        self.expanded_optional.insert(row.pointer.clone());
                    } else {
                        self.expanded_optional.remove(&row.pointer);
                    }
                } else if collapsed {
                    self.collapsed.remove(&row.pointer);
                } else {
                    self.collapsed.insert(row.pointer.clone());
                }
                self.rebuild();
                Ok(())
            }
            RowKind::Variant => self.cycle(1),
            RowKind::AddItem
                if matches!(
                    self.state.node_at(&row.pointer).map(|n| &n.kind),
                    Some(Kind::Map { .. })
                ) =>
            {
                self.refuse_read_only()?;
                self.naming = Some(row.pointer.clone());
                self.editing = Some(LineEdit::new(String::new()));
                Ok(())
            }
            RowKind::AddItem => self.add_item(&row.pointer),
            RowKind::Item => Ok(()),
            RowKind::Field => {
                let Some(node) = self.node(&row).cloned() else {
                    return Ok(());
                };
                match &node.kind {
                    Kind::Scalar(ScalarType::Boolean) => {
                        self.refuse_read_only()?;
                        let now = self.state.get(&row.pointer).and_then(Value::as_bool);
                        self.snapshot();
                        self.state
                            .set(&row.pointer, Value::Bool(!now.unwrap_or(false)))
                            .map_err(|e| e.to_string())?;
                        self.rebuild();
                        Ok(())
                    }
                    Kind::Choice { options } if options.len() > PICKER_AFTER => {
                        self.refuse_read_only()?;
                        self.picker = Some(Picker {
                            pointer: row.pointer.clone(),
                            filter: String::new(),
                            selected: 0,
                        });
                        Ok(())
                    }
                    Kind::Choice { .. } => self.cycle(1),
                    _ if is_text(&node) => self.begin_edit(None),
                    _ => Err(format!(
                        "{} cannot be edited in the form yet; edit the file for it",
                        node.label
                    )),
                }
            }
        }
    }

    /// Appends an empty item (defaults filled) to the list at `pointer` and focuses it.
    fn add_item(&mut self, pointer: &str) -> Result<(), Refusal> {
        self.refuse_read_only()?;
        let len = self
            .state
            .get(pointer)
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        self.snapshot();
        self.state
            .set(
                &format!("{pointer}/{len}"),
                Value::Object(Default::default()),
            )
            .map_err(|e| e.to_string())?;
        self.rebuild();
        self.focus_row(&format!("{pointer}/{len}"), RowKind::Item);
        Ok(())
    }

    /// Focuses the row at `pointer` of `kind`; false when there is none.
    fn focus_row(&mut self, pointer: &str, kind: RowKind) -> bool {
        match self
            .rows
            .iter()
            .position(|r| r.pointer == pointer && r.kind == kind)
        {
            Some(i) => {
                self.focus = i;
                true
            }
            None => false,
        }
    }

    /// Ctrl-↑/↓ on a list item: moves it up or down the list.
    pub fn move_item(&mut self, delta: isize) -> Result<(), Refusal> {
        self.refuse_read_only()?;
        let Some(row) = self.focused().cloned().filter(|r| r.kind == RowKind::Item) else {
            return Err("Only list items can be moved".into());
        };
        let Some((list, index)) = row.pointer.rsplit_once('/') else {
            return Ok(());
        };
        let Ok(index) = index.parse::<usize>() else {
            return Ok(());
        };
        let Some(mut items) = self.state.get(list).and_then(Value::as_array).cloned() else {
            return Ok(());
        };
        let target = index as isize + delta;
        if target < 0 || target as usize >= items.len() {
            return Ok(());
        }
        items.swap(index, target as usize);
        self.snapshot();
        self.state
            .set(list, Value::Array(items))
            .map_err(|e| e.to_string())?;
        self.rebuild();
        self.focus_row(&format!("{list}/{target}"), RowKind::Item);
        Ok(())
    }

    /// Left/Right on a choice or a union: previous/next option.
    pub fn cycle(&mut self, step: isize) -> Result<(), Refusal> {
        self.refuse_read_only()?;
        let Some(row) = self.focused().cloned() else {
            return Ok(());
        };
        if row.kind == RowKind::Variant {
            let Some(u) = self.union_at(&row.pointer) else {
                return Ok(());
            };
            let n = u.variants.len() as isize;
            if n == 0 {
                return Ok(());
            }
            let current = self.state.active_variant(&row.pointer).unwrap_or(0) as isize;
            let next = (current + step).rem_euclid(n) as usize;
            let lost = self.state.switch_would_discard(&row.pointer, next);
            let confirmed = self
                .pending_switch
                .as_ref()
                .is_some_and(|(p, v, _)| *p == row.pointer && *v == next);
            if !lost.is_empty() && !confirmed {
                self.pending_switch = Some((row.pointer.clone(), next, lost.clone()));
                // A question, not an error: the next press must reach the form.
                self.notice = Some(format!(
                    "Switching discards {}; press again to switch",
                    lost.join(", ")
                ));
                return Ok(());
            }
            self.pending_switch = None;
            self.snapshot();
            self.state
                .switch_variant(&row.pointer, next)
                .map_err(|e| e.to_string())?;
            self.rebuild();
            return Ok(());
        }
        let Some(node) = self.node(&row).cloned() else {
            return Ok(());
        };
        if let Kind::Choice { options } = &node.kind {
            if options.is_empty() {
                return Ok(());
            }
            let current = self.state.get(&row.pointer);
            let i = options
                .iter()
                .position(|o| Some(&o.value) == current)
                .map(|i| i as isize)
                .unwrap_or(-1);
            let n = options.len() as isize;
            let next = (i + step).rem_euclid(n) as usize;
            self.snapshot();
            self.state
                .set(&row.pointer, options[next].value.clone())
                .map_err(|e| e.to_string())?;
            self.rebuild();
        }
        Ok(())
    }

    /// Fills `x-collection-name` / `x-schema-name` fields that are empty from the bound
    /// collection's name (its last and second-to-last path segments), as Flow's UI does.
    pub fn prefill_from_collection(&mut self, collection: &str, delta_updates: Option<bool>) {
        if self.read_only.is_some() {
            return;
        }
        let parts: Vec<&str> = collection.split('/').collect();
        let last = parts.last().copied().unwrap_or_default();
        let schema = parts.len().checked_sub(2).map(|i| parts[i]);
        let fields: Vec<(String, bool, bool, bool)> = self
            .state
            .form()
            .root()
            .fields()
            .iter()
            .map(|f| {
                (
                    f.key.clone(),
                    f.ann.collection_name,
                    f.ann.schema_name,
                    f.ann.delta_updates,
                )
            })
            .collect();
        for (key, is_collection, is_schema, is_delta) in fields {
            if is_delta {
                // `x-delta-updates` follows the materialization's `source.deltaUpdates`.
                let pointer = join("", &key);
                if let (None, Some(d)) = (self.state.get(&pointer), delta_updates) {
                    let _ = self.state.set(&pointer, Value::Bool(d));
                }
                continue;
            }
            let pointer = join("", &key);
            let empty = matches!(self.state.get(&pointer), None | Some(Value::Null))
                || self.state.get(&pointer) == Some(&Value::String(String::new()));
            let value = match (is_collection, is_schema) {
                (true, _) => Some(last),
                (_, true) => schema,
                _ => None,
            };
            if let (true, Some(v)) = (empty, value) {
                let _ = self.state.set(&pointer, Value::String(v.to_string()));
            }
        }
        self.rebuild();
    }

    /// Ctrl-E: the text to hand to `$EDITOR` for the focused field. Any text that holds or
    /// could hold a secret is refused: it would have to go through a temporary file.
    pub fn begin_external_edit(&mut self) -> Result<String, Refusal> {
        self.refuse_read_only()?;
        let Some(row) = self.focused().cloned() else {
            return Err("No field is focused".into());
        };
        let Some(node) = self.node(&row) else {
            return Err("No field is focused".into());
        };
        if !is_text(node) {
            return Err(format!("{} is not a text field", node.label));
        }
        if self.may_hold_secret(&row.pointer) {
            return Err(format!(
                "{} is or may hold a secret: secrets never go to temporary files; paste it instead",
                node.label
            ));
        }
        let text = match &self.editing {
            Some(e) => e.text(),
            None => self.text_of(&row.pointer),
        };
        self.editing = None;
        Ok(text)
    }

    /// Stores what came back from `$EDITOR` in the focused field (one trailing newline, which
    /// editors add, is dropped; single-line fields keep their first line).
    pub fn finish_external_edit(&mut self, text: &str) -> Result<(), Refusal> {
        let Some(row) = self.focused().cloned() else {
            return Ok(());
        };
        let Some(node) = self.node(&row).cloned() else {
            return Ok(());
        };
        let mut text = text.strip_suffix('\n').unwrap_or(text).to_string();
        if !node.ann.multiline {
            text = text.lines().next().unwrap_or("").to_string();
        }
        self.editing = Some(LineEdit::new(text));
        self.commit_edit()
    }

    /// Delete: back to the default (or unset).
    pub fn clear_focused(&mut self) -> Result<(), Refusal> {
        self.refuse_read_only()?;
        if let Some(row) = self.focused().cloned() {
            // A field goes back to its default; a list item is removed.
            if matches!(row.kind, RowKind::Field | RowKind::Item) {
                self.snapshot();
                self.state.clear(&row.pointer);
                self.rebuild();
            }
        }
        Ok(())
    }

    /// Pastes text: into the line being typed, or starting one on a text field.
    pub fn paste(&mut self, text: &str) -> Result<(), Refusal> {
        let multiline = self
            .focused()
            .cloned()
            .and_then(|r| self.node(&r).map(|n| n.ann.multiline))
            .unwrap_or(false);
        // Terminals and tmux send pasted line breaks as CR.
        let text = if multiline {
            text.replace("\r\n", "\n").replace('\r', "\n")
        } else {
            text.replace(['\r', '\n'], " ")
        };
        if self.editing.is_none() {
            self.begin_edit(None)?;
        }
        if let Some(e) = self.editing.as_mut() {
            e.insert(&text);
        }
        Ok(())
    }

    pub fn undo(&mut self) -> bool {
        self.restore(true)
    }

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
        self.editing = None;
        self.rebuild();
        true
    }

    /// Focuses the first field with an error; returns how many errors there are.
    pub fn focus_first_error(&mut self) -> usize {
        let errors = self.state.errors().to_vec();
        if let Some(e) = errors.first() {
            // The error's field, or the closest row above it (a folded section).
            let mut best = None;
            for (i, r) in self.rows.iter().enumerate() {
                if e.pointer == r.pointer
                    || (e.pointer.starts_with(&format!("{}/", r.pointer)) && best.is_none())
                {
                    best = Some(i);
                    if e.pointer == r.pointer {
                        break;
                    }
                }
            }
            if let Some(i) = best {
                self.focus = i;
            }
            if let Ok(()) = self.begin_edit(None) {}
        }
        errors.len()
    }

    /// True when the field at `pointer` is secret: annotated so, below a secret location
    /// (a secret parent, a secret map's value), or sops-encrypted. Its value is masked and
    /// typed text is never echoed.
    pub fn is_secret(&self, pointer: &str) -> bool {
        self.state.node_at(pointer).is_some_and(|n| n.ann.secret)
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
        self.secret_rows.contains(pointer)
    }
}

/// Fields typed as text: strings, numbers, and lists of them (written `a, b, c`).
pub fn is_text(node: &FormNode) -> bool {
    match &node.kind {
        Kind::Scalar(ScalarType::String | ScalarType::Integer | ScalarType::Number) => true,
        // Schemas the form cannot model (several types, no type) and maps of objects are
        // typed as raw JSON.
        Kind::Any => true,
        Kind::Map { value } => object_like(value),
        Kind::List { item } => matches!(
            item.kind,
            Kind::Scalar(ScalarType::String | ScalarType::Integer | ScalarType::Number)
        ),
        _ => false,
    }
}

/// Parses typed text for `node`: lists of scalars are comma-separated items.
fn parse_typed(node: &FormNode, text: &str) -> Result<Option<Value>, String> {
    let Kind::List { item } = &node.kind else {
        return parse_input(node, text);
    };
    let mut items = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if let Some(v) = parse_input(item, part)? {
            items.push(v);
        }
    }
    Ok(Some(Value::Array(items)))
}

/// Items that are objects (or unions of objects) get rows of their own fields.
fn object_like(item: &FormNode) -> bool {
    matches!(item.kind, Kind::Group { .. } | Kind::Union(_))
}

fn collect_collapsed(node: &FormNode, pointer: &str, out: &mut HashSet<String>) {
    for f in node.fields() {
        let p = join(pointer, &f.key);
        if f.ann.collapsed {
            out.insert(p.clone());
        }
        collect_collapsed(f, &p, out);
    }
}

/// A parse error about a secret without the typed text it quotes (`` `x` is not a number``
/// becomes "The typed value is not a number").
fn unechoed(message: &str, typed: &str) -> String {
    match message.strip_prefix(&format!("`{}` ", typed.trim())) {
        Some(rest) => format!("The typed value {rest}"),
        None if message.contains(typed.trim()) => "The typed value is not valid here".into(),
        None => message.to_string(),
    }
}

/// One escaped pointer segment back to the key it names.
fn unescape_segment(seg: &str) -> String {
    segments(&format!("/{seg}")).pop().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "required": ["host", "auth"],
            "properties": {
                "host": {"type": "string", "title": "Host", "order": 0},
                "port": {"type": "integer", "title": "Port", "default": 5432, "order": 1},
                "ssl": {"type": "boolean", "title": "SSL", "order": 2},
                "mode": {"type": "string", "enum": ["a", "b", "c"], "default": "a", "order": 3},
                "auth": {
                    "title": "Auth", "order": 4,
                    "discriminator": {"propertyName": "type"},
                    "oneOf": [
                        {"title": "Password", "type": "object", "required": ["type", "password"],
                         "properties": {"type": {"const": "password", "default": "password"},
                                        "password": {"type": "string", "secret": true}}},
                        {"title": "Key", "type": "object", "required": ["type", "key"],
                         "properties": {"type": {"const": "key", "default": "key"},
                                        "key": {"type": "string", "secret": true, "multiline": true}}}
                    ]
                },
                "advanced": {"type": "object", "advanced": true, "title": "Advanced", "order": 5,
                             "properties": {"timeout": {"type": "integer", "default": 30}}}
            }
        })
    }

    fn editor(config: Value) -> FormEditor {
        FormEditor::open(
            &schema(),
            EditTarget {
                file: 0,
                at: vec![],
                original: config,
                title: "t".into(),
            },
        )
    }

    #[test]
    fn rows_follow_order_variants_and_collapsed_sections() {
        let ed = editor(json!({"host": "h", "auth": {"type": "password", "password": "x"}}));
        let rows: Vec<_> = ed.rows.iter().map(|r| r.pointer.as_str()).collect();
        assert_eq!(
            rows,
            vec![
                "/host",
                "/port",
                "/ssl",
                "/mode",
                "/auth",
                "/auth/password",
                "/advanced"
            ]
        );
        assert_eq!(ed.focus, 0, "focus starts on the first field");
        assert_eq!(ed.rows[6].kind, RowKind::Section { collapsed: true });
    }

    #[test]
    fn typing_commits_parsed_values_and_undo_redo() {
        let mut ed = editor(json!({"host": "h", "auth": {"type": "password", "password": "x"}}));
        ed.move_focus(1);
        ed.begin_edit(None).unwrap();
        let e = ed.editing.as_mut().unwrap();
        e.backspace();
        e.backspace();
        e.backspace();
        e.backspace();
        e.insert("6543");
        ed.commit_edit().unwrap();
        assert_eq!(ed.state.get("/port"), Some(&json!(6543)));
        ed.begin_edit(Some("x")).unwrap();
        assert!(ed.commit_edit().unwrap_err().contains("not a whole number"));
        ed.cancel_edit();
        assert!(ed.undo());
        assert_eq!(ed.state.get("/port"), Some(&json!(5432)));
        assert!(ed.redo());
        assert_eq!(ed.state.get("/port"), Some(&json!(6543)));
    }

    #[test]
    fn switching_a_variant_asks_before_discarding() {
        let mut ed = editor(json!({"host": "h", "auth": {"type": "password", "password": "x"}}));
        ed.focus = ed.rows.iter().position(|r| r.pointer == "/auth").unwrap();
        ed.cycle(1).unwrap();
        assert!(ed.notice.take().unwrap().contains("discards password"));
        assert_eq!(
            ed.state.get("/auth/type"),
            Some(&json!("password")),
            "not yet"
        );
        ed.cycle(1).unwrap();
        assert_eq!(ed.state.get("/auth/type"), Some(&json!("key")));
        assert!(ed.rows.iter().any(|r| r.pointer == "/auth/key"));
    }

    #[test]
    fn booleans_choices_and_secrets() {
        let mut ed =
            editor(json!({"host": "h", "auth": {"type": "password", "password": "hunter2"}}));
        ed.focus = 2;
        ed.activate().unwrap();
        assert_eq!(ed.state.get("/ssl"), Some(&json!(true)));
        ed.focus = 3;
        ed.cycle(1).unwrap();
        assert_eq!(ed.state.get("/mode"), Some(&json!("b")));
        assert!(ed.is_secret("/auth/password"));
        assert!(!ed.is_secret("/host"));
    }

    #[test]
    fn pasted_multiline_secrets_keep_their_lines_and_never_go_to_the_editor() {
        let mut ed = editor(json!({"host": "h", "auth": {"type": "key"}}));
        ed.focus = ed
            .rows
            .iter()
            .position(|r| r.pointer == "/auth/key")
            .unwrap();
        ed.paste("-----BEGIN-----\rabc\r-----END-----").unwrap();
        ed.commit_edit().unwrap();
        assert_eq!(
            ed.state.get("/auth/key"),
            Some(&json!("-----BEGIN-----\nabc\n-----END-----"))
        );
        // Secrets never go to $EDITOR's temporary file.
        assert!(ed.begin_external_edit().unwrap_err().contains("secret"));
    }

    #[test]
    fn resource_names_are_prefilled_from_the_collection() {
        let schema = json!({"type": "object", "required": ["table"], "properties": {
            "table": {"type": "string", "x-collection-name": true},
            "schema": {"type": "string", "x-schema-name": true},
            "delta": {"type": "boolean"}
        }});
        let mut ed = FormEditor::open(
            &schema,
            EditTarget {
                file: 0,
                at: vec![],
                original: json!({"schema": "mine"}),
                title: "r".into(),
            },
        );
        ed.prefill_from_collection("acmeCo/sales/orders", None);
        assert_eq!(ed.state.get("/table"), Some(&json!("orders")));
        assert_eq!(
            ed.state.get("/schema"),
            Some(&json!("mine")),
            "what the user wrote stays"
        );
    }

    #[test]
    fn lists_of_scalars_are_typed_as_comma_separated_items() {
        let schema = json!({"type": "object", "properties": {
            "tables": {"type": "array", "items": {"type": "string"}},
            "ports": {"type": "array", "items": {"type": "integer"}}
        }});
        let mut ed = FormEditor::open(
            &schema,
            EditTarget {
                file: 0,
                at: vec![],
                original: json!({"tables": ["a", "b"]}),
                title: "l".into(),
            },
        );
        assert_eq!(ed.text_of("/tables"), "a, b");
        ed.begin_edit(Some(", c")).unwrap();
        ed.commit_edit().unwrap();
        assert_eq!(ed.state.get("/tables"), Some(&json!(["a", "b", "c"])));
        ed.move_focus(1);
        ed.begin_edit(Some("80, x")).unwrap();
        assert!(ed.commit_edit().unwrap_err().contains("not a whole number"));
        ed.cancel_edit();
        ed.begin_edit(Some("80, 443")).unwrap();
        ed.commit_edit().unwrap();
        assert_eq!(ed.state.get("/ports"), Some(&json!([80, 443])));
    }

    #[test]
    fn long_choices_open_a_filterable_picker() {
        let regions: Vec<String> = (0..20).map(|i| format!("region-{i:02}")).collect();
        let schema = json!({"type": "object", "properties": {
            "region": {"type": "string", "enum": regions}
        }});
        let mut ed = FormEditor::open(
            &schema,
            EditTarget {
                file: 0,
                at: vec![],
                original: json!({}),
                title: "p".into(),
            },
        );
        ed.activate().unwrap();
        assert!(ed.picker.is_some());
        assert_eq!(ed.picker_matches().len(), 20);
        for c in "17".chars() {
            ed.picker_type(Some(c));
        }
        assert_eq!(ed.picker_matches(), vec![(17, "region-17".to_string())]);
        ed.picker_choose().unwrap();
        assert!(ed.picker.is_none());
        assert_eq!(ed.state.get("/region"), Some(&json!("region-17")));
    }

    #[test]
    fn lists_of_objects_add_remove_and_move_items() {
        let schema = json!({"type": "object", "properties": {
            "hooks": {"type": "array", "title": "Hooks", "items": {
                "type": "object", "required": ["url"],
                "properties": {"url": {"type": "string"}, "retries": {"type": "integer", "default": 3}}
            }}
        }});
        let mut ed = FormEditor::open(
            &schema,
            EditTarget {
                file: 0,
                at: vec![],
                original: json!({"hooks": [{"url": "a"}]}),
                title: "l".into(),
            },
        );
        let rows: Vec<_> = ed
            .rows
            .iter()
            .map(|r| (r.pointer.as_str(), r.kind))
            .collect();
        assert_eq!(rows[0], ("/hooks", RowKind::Section { collapsed: false }));
        assert_eq!(rows[1], ("/hooks/0", RowKind::Item));
        assert_eq!(rows[2].0, "/hooks/0/url");
        assert_eq!(rows.last().unwrap(), &("/hooks", RowKind::AddItem));
        ed.focus = ed.rows.len() - 1;
        ed.activate().unwrap();
        assert_eq!(ed.focused().unwrap().pointer, "/hooks/1");
        assert_eq!(
            ed.state.get("/hooks/1/retries"),
            Some(&json!(3)),
            "defaults filled"
        );
        ed.move_focus(1);
        ed.begin_edit(Some("b")).unwrap();
        ed.commit_edit().unwrap();
        ed.focus = ed
            .rows
            .iter()
            .position(|r| r.pointer == "/hooks/1")
            .unwrap();
        ed.move_item(-1).unwrap();
        assert_eq!(ed.state.get("/hooks/0/url"), Some(&json!("b")));
        assert_eq!(ed.focused().unwrap().pointer, "/hooks/0");
        ed.clear_focused().unwrap();
        assert_eq!(
            ed.state.get("/hooks"),
            Some(&json!([{"url": "a", "retries": 3}]))
        );
    }

    #[test]
    fn key_value_maps_add_edit_and_remove_entries() {
        let schema = json!({"type": "object", "properties": {
            "headers": {"type": "object", "title": "Headers", "additionalProperties": {"type": "string"}}
        }});
        let mut ed = FormEditor::open(
            &schema,
            EditTarget {
                file: 0,
                at: vec![],
                original: json!({"headers": {"a": "1"}}),
                title: "m".into(),
            },
        );
        let rows: Vec<_> = ed
            .rows
            .iter()
            .map(|r| (r.pointer.as_str(), r.kind))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("/headers", RowKind::Section { collapsed: false }),
                ("/headers/a", RowKind::Field),
                ("/headers", RowKind::AddItem)
            ]
        );
        ed.focus = 2;
        ed.activate().unwrap();
        ed.editing.as_mut().unwrap().insert("x-api/key");
        ed.commit_edit().unwrap();
        assert_eq!(ed.focused().unwrap().pointer, "/headers/x-api~1key");
        assert!(ed.editing.is_some(), "typing the value next");
        ed.editing.as_mut().unwrap().insert("v");
        ed.commit_edit().unwrap();
        assert_eq!(
            ed.state.get("/headers"),
            Some(&json!({"a": "1", "x-api/key": "v"}))
        );
        ed.focus = 1;
        ed.clear_focused().unwrap();
        assert_eq!(ed.state.get("/headers"), Some(&json!({"x-api/key": "v"})));
    }

    #[test]
    fn airbyte_groups_become_sections() {
        let schema = json!({"type": "object",
        "groups": [{"id": "db"}, {"id": "auth", "title": "Authentication"}],
        "properties": {
            "host": {"type": "string", "group": "db", "order": 0, "always_show": true},
            "user": {"type": "string", "group": "auth", "order": 1},
            "port": {"type": "integer", "group": "db", "order": 2},
            "other": {"type": "string", "order": 3}
        }});
        let ed = FormEditor::open(
            &schema,
            EditTarget {
                file: 0,
                at: vec![],
                original: json!({}),
                title: "g".into(),
            },
        );
        let rows: Vec<_> = ed.rows.iter().map(|r| r.pointer.as_str()).collect();
        assert_eq!(
            rows,
            vec![
                "#group/db",
                "/host",
                "#group/db#optional",
                "#group/auth",
                "#group/auth#optional",
                "/other"
            ]
        );
        let mut ed = ed;
        ed.focus = 2;
        ed.activate().unwrap();
        let rows: Vec<_> = ed.rows.iter().map(|r| r.pointer.as_str()).collect();
        assert_eq!(rows[3], "/port", "unfolded optional fields");
    }

    #[test]
    fn free_form_values_are_typed_as_json() {
        let schema = json!({"type": "object", "properties": {
            "limit": {"oneOf": [{"type": "string"}, {"type": "integer"}]}
        }});
        let mut ed = FormEditor::open(
            &schema,
            EditTarget {
                file: 0,
                at: vec![],
                original: json!({"limit": "10"}),
                title: "a".into(),
            },
        );
        ed.begin_edit(None).unwrap();
        assert_eq!(ed.editing.as_ref().unwrap().text(), "\"10\"");
        let e = ed.editing.as_mut().unwrap();
        e.home();
        for _ in 0..4 {
            e.delete();
        }
        e.insert("25");
        ed.commit_edit().unwrap();
        assert_eq!(ed.state.get("/limit"), Some(&json!(25)));
    }

    #[test]
    fn text_that_may_hold_a_secret_never_goes_to_the_editor() {
        let schema = json!({"type": "object", "properties": {
            "notes": {"type": "string"},
            "extra": {},
            "headers": {"type": "object", "additionalProperties": {
                "type": "object", "properties": {"token": {"type": "string", "secret": true}}}},
            "sa": {"type": "object", "secret": true, "properties": {"pin": {"type": "integer"}}}
        }});
        let mut ed = FormEditor::open(
            &schema,
            EditTarget {
                file: 0,
                at: vec![],
                original: json!({"notes": "n", "extra": {"api_token": "t"}}),
                title: "a".into(),
            },
        );
        let outcome = |ed: &mut FormEditor, pointer: &str| {
            assert!(
                ed.focus_row(pointer, RowKind::Field),
                "{pointer}: {:?}",
                ed.rows
            );
            ed.begin_external_edit()
        };
        assert_eq!(outcome(&mut ed, "/notes").unwrap(), "n");
        // Free-form content with a secret-looking key; a map whose schema holds secrets
        // below it (empty now); a field below a secret parent.
        for p in ["/extra", "/headers", "/sa/pin"] {
            let err = outcome(&mut ed, p).unwrap_err();
            assert!(err.contains("secret"), "{p}: {err}");
            assert!(ed.masks(p), "{p} is shown masked");
        }
        assert!(!ed.masks("/notes"));
        // A typed secret that does not parse is not echoed back.
        ed.focus_row("/sa/pin", RowKind::Field);
        ed.begin_edit(Some("12x4")).unwrap();
        let err = ed.commit_edit().unwrap_err();
        assert_eq!(err, "The typed value is not a whole number");
    }

    #[test]
    fn maps_of_objects_are_typed_as_json() {
        let schema = json!({"type": "object", "properties": {
            "tables": {"type": "object", "additionalProperties": {
                "type": "object", "properties": {"mode": {"type": "string"}}}}
        }});
        let mut ed = FormEditor::open(
            &schema,
            EditTarget {
                file: 0,
                at: vec![],
                original: json!({}),
                title: "m".into(),
            },
        );
        assert_eq!(ed.rows[0].pointer, "/tables");
        ed.begin_edit(Some("{\"a\": {\"mode\": \"x\"}}")).unwrap();
        ed.commit_edit().unwrap();
        assert_eq!(ed.state.get("/tables/a/mode"), Some(&json!("x")));
    }

    #[test]
    fn errors_focus_the_first_field_in_error() {
        let mut ed = editor(json!({"auth": {"type": "password"}}));
        ed.focus = 3;
        let n = ed.focus_first_error();
        assert!(n >= 1);
        let focused = ed.focused().unwrap().pointer.clone();
        assert!(
            focused == "/host" || focused == "/auth/password",
            "{focused}"
        );
        assert!(ed.editing.is_some(), "ready for typing");
    }

    #[test]
    fn encrypted_configs_are_read_only() {
        let mut ed = editor(json!({"host": "h", "sops": {"mac": "x"}}));
        assert!(ed.read_only.is_some());
        assert!(ed.begin_edit(Some("a")).is_err());
        assert!(ed.clear_focused().is_err());
        assert!(!ed.changed());
    }
}
