//! The edits the keys make: toggling, cycling choices and union variants, list items and map
//! keys, resetting to defaults, pasting, `$EDITOR`, and the fill-ins a resource form opens with.

use serde_json::Value;

use super::editor::{FormEditor, Mode, Refusal, Typing, TypingInto};
use super::line_edit::LineEdit;
use super::picker::{Picker, PICKER_AFTER};
use super::rows::{is_text, RowKind};
use crate::form::pointer::join;
use crate::form::{parse_input, FormNode, Kind, ScalarType};

impl FormEditor {
    /// Space/Enter: toggle a boolean, fold a section, next choice (or the picker), start
    /// typing into a text field, add an item or a key.
    pub fn activate(&mut self) -> Result<(), Refusal> {
        let Some(row) = self.focused().cloned() else {
            return Ok(());
        };
        if let RowKind::Section { .. } = row.kind {
            self.toggle_fold(&row);
            return Ok(());
        }
        let Some(pointer) = row.pointer().map(str::to_string) else {
            return Ok(());
        };
        match row.kind {
            RowKind::Variant => self.cycle(1),
            RowKind::AddItem
                if matches!(
                    self.state.node_at(&pointer).map(|n| &n.kind),
                    Some(Kind::Map { .. })
                ) =>
            {
                self.refuse_read_only()?;
                self.mode = Mode::Typing(Box::new(Typing {
                    line: LineEdit::new(String::new()),
                    into: TypingInto::NewKey { map: pointer },
                }));
                Ok(())
            }
            RowKind::AddItem => self.add_item(&pointer),
            RowKind::Item | RowKind::Section { .. } => Ok(()),
            RowKind::Field => {
                let Some(node) = self.node(&row).cloned() else {
                    return Ok(());
                };
                self.activate_field(&pointer, &node)
            }
        }
    }

    fn activate_field(&mut self, pointer: &str, node: &FormNode) -> Result<(), Refusal> {
        match &node.kind {
            Kind::Scalar(ScalarType::Boolean) => {
                self.refuse_read_only()?;
                let now = self.state.get(pointer).and_then(Value::as_bool);
                self.assign(pointer, Value::Bool(!now.unwrap_or(false)))
            }
            Kind::Choice { options } if options.len() > PICKER_AFTER => {
                self.refuse_read_only()?;
                self.mode = Mode::Picking(Picker {
                    pointer: pointer.to_string(),
                    filter: String::new(),
                    selected: 0,
                });
                Ok(())
            }
            Kind::Choice { .. } => self.cycle(1),
            _ if is_text(node) => self.begin_edit(None),
            _ => Err(format!(
                "{} cannot be edited in the form yet; edit the file for it",
                node.label
            )),
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

    /// Adds `key` to the key-value map at `map` (with an empty value of the map's type) and
    /// starts typing its value.
    pub(super) fn add_key(&mut self, map: &str, key: &str) -> Result<(), Refusal> {
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
        self.mode = Mode::Browse;
        self.rebuild();
        if self.focus_row(&pointer, RowKind::Field) {
            let _ = self.begin_edit(None);
        }
        Ok(())
    }

    /// Ctrl-↑/↓ on a list item: moves it up or down the list.
    pub fn move_item(&mut self, delta: isize) -> Result<(), Refusal> {
        self.refuse_read_only()?;
        let Some(row) = self.focused().cloned().filter(|r| r.kind == RowKind::Item) else {
            return Err("Only list items can be moved".into());
        };
        let Some((list, index)) = row.pointer().and_then(|p| p.rsplit_once('/')) else {
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

    /// Left/Right on a choice or a union: previous/next option. A union switch that would
    /// discard values asks first: the same switch again does it.
    pub fn cycle(&mut self, step: isize) -> Result<(), Refusal> {
        self.refuse_read_only()?;
        let Some(row) = self.focused().cloned() else {
            return Ok(());
        };
        let Some(pointer) = row.pointer().map(str::to_string) else {
            return Ok(());
        };
        if row.kind == RowKind::Variant {
            return self.switch(&pointer, step);
        }
        let Some(Kind::Choice { options }) = self.node(&row).map(|n| n.kind.clone()) else {
            return Ok(());
        };
        if options.is_empty() {
            return Ok(());
        }
        let current = self.state.get(&pointer);
        let i = options
            .iter()
            .position(|o| Some(&o.value) == current)
            .map_or(-1, |i| i as isize);
        let next = (i + step).rem_euclid(options.len() as isize) as usize;
        self.assign(&pointer, options[next].value.clone())
    }

    fn switch(&mut self, pointer: &str, step: isize) -> Result<(), Refusal> {
        let Some(u) = self.union_at(pointer) else {
            return Ok(());
        };
        let n = u.variants.len() as isize;
        if n == 0 {
            return Ok(());
        }
        let current = self.state.active_variant(pointer).unwrap_or(0) as isize;
        let next = (current + step).rem_euclid(n) as usize;
        let lost = self.state.switch_would_discard(pointer, next);
        let confirmed = matches!(
            &self.mode,
            Mode::ConfirmSwitch { at, variant } if at == pointer && *variant == next
        );
        if !lost.is_empty() && !confirmed {
            self.mode = Mode::ConfirmSwitch {
                at: pointer.to_string(),
                variant: next,
            };
            // A question, not an error: the next press must reach the form.
            self.notice = Some(format!(
                "Switching discards {}; press again to switch",
                lost.join(", ")
            ));
            return Ok(());
        }
        self.mode = Mode::Browse;
        self.snapshot();
        self.state
            .switch_variant(pointer, next)
            .map_err(|e| e.to_string())?;
        self.rebuild();
        Ok(())
    }

    /// Fills `x-collection-name` / `x-schema-name` fields that are empty from the bound
    /// collection's name (its last and second-to-last path segments), and `x-delta-updates`
    /// from the materialization's `source.deltaUpdates`, as Flow's UI does. Part of opening
    /// the form: not a change by itself.
    pub fn prefill_from_collection(&mut self, collection: &str, delta_updates: Option<bool>) {
        if self.read_only.is_some() {
            return;
        }
        let parts: Vec<&str> = collection.split('/').collect();
        let last = parts.last().copied().unwrap_or_default();
        let schema = parts.len().checked_sub(2).map(|i| parts[i]);
        let fields: Vec<FormNode> = self.state.form().root().fields().to_vec();
        for f in fields {
            let pointer = join("", &f.key);
            if f.ann.delta_updates {
                let default = f.ann.default.as_ref().and_then(Value::as_bool);
                if let (None, Some(d)) = (self.state.explicit(&pointer), delta_updates) {
                    if Some(d) != default {
                        let _ = self.state.set(&pointer, Value::Bool(d));
                    }
                }
                continue;
            }
            let empty = matches!(self.state.get(&pointer), None | Some(Value::Null))
                || self.state.get(&pointer) == Some(&Value::String(String::new()));
            let value = match (f.ann.collection_name, f.ann.schema_name) {
                (true, _) => Some(last),
                (_, true) => schema,
                _ => None,
            };
            if let (true, Some(v)) = (empty, value) {
                let _ = self.state.set(&pointer, Value::String(v.to_string()));
            }
        }
        self.rebuild();
        self.settle();
    }

    /// Ctrl-E: the text to hand to `$EDITOR` for the focused field. Any text that holds or
    /// could hold a secret is refused: it would have to go through a temporary file.
    pub fn begin_external_edit(&mut self) -> Result<String, Refusal> {
        self.refuse_read_only()?;
        let Some((pointer, node)) = self.focused_field() else {
            return Err("No field is focused".into());
        };
        if !is_text(&node) {
            return Err(format!("{} is not a text field", node.label));
        }
        if self.may_hold_secret(&pointer) {
            return Err(format!(
                "{} is or may hold a secret: secrets never go to temporary files; paste it instead",
                node.label
            ));
        }
        let text = match self.typing() {
            Some(line) => line.text(),
            None => self.text_of(&pointer),
        };
        self.mode = Mode::Browse;
        Ok(text)
    }

    /// Stores what came back from `$EDITOR` in the focused field (one trailing newline, which
    /// editors add, is dropped; single-line fields keep their first line).
    pub fn finish_external_edit(&mut self, text: &str) -> Result<(), Refusal> {
        let Some((_, node)) = self.focused_field() else {
            return Ok(());
        };
        let mut text = text.strip_suffix('\n').unwrap_or(text).to_string();
        if !node.ann.multiline {
            text = text.lines().next().unwrap_or("").to_string();
        }
        self.mode = Mode::Typing(Box::new(Typing {
            line: LineEdit::new(text),
            into: TypingInto::Field,
        }));
        self.commit_edit()
    }

    /// Delete: a field back to its default (or unset), a list item removed.
    pub fn clear_focused(&mut self) -> Result<(), Refusal> {
        self.refuse_read_only()?;
        let Some(row) = self.focused().cloned() else {
            return Ok(());
        };
        if let (Some(pointer), RowKind::Field | RowKind::Item) = (row.pointer(), row.kind) {
            if self.state.explicit(pointer).is_some() {
                self.snapshot();
                self.state.clear(pointer);
                self.rebuild();
            }
        }
        Ok(())
    }

    /// Pastes text: into the line being typed, or starting one on a text field.
    pub fn paste(&mut self, text: &str) -> Result<(), Refusal> {
        let multiline = self
            .focused_field()
            .is_some_and(|(_, node)| node.ann.multiline);
        // Terminals and tmux send pasted line breaks as CR.
        let text = if multiline {
            text.replace("\r\n", "\n").replace('\r', "\n")
        } else {
            text.replace(['\r', '\n'], " ")
        };
        if let Mode::Picking(p) = &mut self.mode {
            p.filter.push_str(&text);
            p.selected = 0;
            return Ok(());
        }
        if self.typing().is_none() {
            self.begin_edit(None)?;
        }
        if let Some(line) = self.typing_mut() {
            line.insert(&text);
        }
        Ok(())
    }
}

/// Parses typed text for `node`: lists of scalars are comma-separated items.
pub(super) fn parse_typed(node: &FormNode, text: &str) -> Result<Option<Value>, String> {
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

/// A parse error about a secret without the typed text it quotes (`` `x` is not a number``
/// becomes "The typed value is not a number").
pub(super) fn unechoed(message: &str, typed: &str) -> String {
    match message.strip_prefix(&format!("`{}` ", typed.trim())) {
        Some(rest) => format!("The typed value {rest}"),
        None if message.contains(typed.trim()) => "The typed value is not valid here".into(),
        None => message.to_string(),
    }
}
