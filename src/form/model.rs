//! Form state: one endpoint or resource config being edited through its [`Form`].
//!
//! The state is the config JSON itself, so keys the schema does not know (a `sops` stanza,
//! fields of a newer connector version) and key order survive untouched; the form tree only
//! interprets it. It is kept three times: as loaded and edited by the user; as it will be
//! written (plus only what validity needs: required fields' defaults, union tags); and with
//! every default filled, which is what the form shows. A default the user did not touch is
//! shown as one, and written only when the config needs it. Every change re-runs defaults and
//! validation.

use serde_json::{Map, Value};

use super::defaults::{active_variant, fill, Fill, Selections};
use super::node::{FormNode, Kind};
use super::pointer::segments;
use super::validate::FieldError;
use super::Form;

/// A config being edited: the JSON value (as written, and as shown), the union selections and
/// the current errors. Its `Debug` leaves the values out (they hold typed secrets).
#[derive(Clone)]
pub struct FormState {
    form: Form,
    /// The loaded config with the user's edits: no defaults.
    config: Value,
    /// What a save writes: `config` and what validity needs.
    written: Value,
    /// `written` with every default filled: what the form shows.
    value: Value,
    selections: Selections,
    errors: Vec<FieldError>,
}

/// A change the state refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("`{0}` does not name a field of this form")]
    NoSuchField(String),
    #[error("`{0}` is not a choice between variants")]
    NotAUnion(String),
    #[error("there is no variant {1} at `{0}`")]
    NoSuchVariant(String, usize),
    #[error("`{0}` goes through a value that is neither an object nor an array")]
    Blocked(String),
}

impl std::fmt::Debug for FormState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FormState")
            .field("form", &self.form)
            .field("config", &crate::secrets::REDACTED)
            .field("written", &crate::secrets::REDACTED)
            .field("value", &crate::secrets::REDACTED)
            .field("selections", &self.selections)
            .field("errors", &self.errors)
            .finish()
    }
}

impl FormState {
    /// Loads `config` (anything; a non-object root is kept as is) and fills defaults.
    pub(crate) fn new(form: Form, config: &Value) -> Self {
        let mut s = FormState {
            form,
            config: config.clone(),
            written: Value::Null,
            value: Value::Null,
            selections: Selections::new(),
            errors: Vec::new(),
        };
        s.changed();
        s
    }

    /// The form this state edits.
    pub fn form(&self) -> &Form {
        &self.form
    }

    /// The config as the form shows it: every default filled.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The config to write back: unknown keys and key order as they were loaded, the user's
    /// edits, and of the defaults only those validity needs (required fields, union tags).
    pub fn to_json(&self) -> Value {
        self.written.clone()
    }

    /// The config as a save would write it.
    pub fn written(&self) -> &Value {
        &self.written
    }

    /// The value at `pointer` as the file holds it or the user set it (`None` where the form
    /// only shows a default).
    pub fn explicit(&self, pointer: &str) -> Option<&Value> {
        self.config.pointer(pointer)
    }

    /// True when the field at `pointer` shows the schema's default rather than a value from
    /// the file or the user. A save writes it only if the config needs it (a required field).
    pub fn is_default(&self, pointer: &str) -> bool {
        let shown = self.value.pointer(pointer);
        shown.is_some_and(|v| !v.is_null()) && self.config.pointer(pointer) != shown
    }

    /// Validation errors after the last change, each attached to a field pointer.
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// The errors of the field at `pointer` (exactly that field).
    pub fn errors_at<'a>(&'a self, pointer: &'a str) -> impl Iterator<Item = &'a FieldError> {
        self.errors.iter().filter(move |e| e.pointer == pointer)
    }

    /// The value at `pointer`, if present.
    pub fn get(&self, pointer: &str) -> Option<&Value> {
        self.value.pointer(pointer)
    }

    /// Sets the field at `pointer` to `v`, creating missing parent objects (and appending
    /// when an index equals an array's length). Keys the schema does not declare may be set
    /// too (the config keeps what the user writes); the validator reports them if the schema
    /// forbids them.
    pub fn set(&mut self, pointer: &str, v: Value) -> Result<(), EditError> {
        let segs = segments(pointer);
        // Missing containers are created as arrays where the form has a list.
        let lists: Vec<bool> = (0..segs.len())
            .map(|i| {
                let node = self.node_at(&super::pointer::from_segments(&segs[..i]));
                matches!(
                    node.map(|n| &n.kind),
                    Some(Kind::List { .. } | Kind::MultiSelect { .. })
                )
            })
            .collect();
        let mut cur = &mut self.config;
        for (seg, list) in segs.iter().zip(lists) {
            if cur.is_null() {
                *cur = if list {
                    Value::Array(Vec::new())
                } else {
                    Value::Object(Map::new())
                };
            }
            cur = match cur {
                Value::Object(m) => m.entry(seg.clone()).or_insert(Value::Null),
                Value::Array(a) => {
                    let idx: usize = seg
                        .parse()
                        .map_err(|_| EditError::NoSuchField(pointer.into()))?;
                    if idx == a.len() {
                        a.push(Value::Null);
                    }
                    a.get_mut(idx)
                        .ok_or_else(|| EditError::NoSuchField(pointer.into()))?
                }
                _ => return Err(EditError::Blocked(pointer.into())),
            };
        }
        *cur = v;
        self.changed();
        Ok(())
    }

    /// Clears the field at `pointer`: an object key is removed (then refilled with its
    /// default, as the web app does), an array item is removed. Clearing a missing field is
    /// a no-op.
    pub fn clear(&mut self, pointer: &str) {
        let mut segs = segments(pointer);
        let Some(last) = segs.pop() else {
            self.config = Value::Object(Map::new());
            self.changed();
            return;
        };
        let parent = super::pointer::from_segments(&segs);
        match self.config.pointer_mut(&parent) {
            Some(Value::Object(m)) => {
                m.shift_remove(&last);
            }
            Some(Value::Array(a)) => {
                if let Ok(i) = last.parse::<usize>() {
                    if i < a.len() {
                        a.remove(i);
                    }
                }
            }
            _ => return,
        }
        self.changed();
    }

    /// The union variant the data at `pointer` is in (by its tag, never by validating).
    pub fn active_variant(&self, pointer: &str) -> Option<usize> {
        let node = self.exact_node_at(pointer)?;
        let Kind::Union(u) = &node.kind else {
            return None;
        };
        let empty = Map::new();
        let m = self
            .value
            .pointer(pointer)
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        Some(active_variant(u, m, self.selections.get(pointer).copied()))
    }

    /// What [`FormState::switch_variant`] would discard: keys of the data at `pointer` that
    /// the current variant declares and `variant` does not (ask the user before switching).
    pub fn switch_would_discard(&self, pointer: &str, variant: usize) -> Vec<String> {
        self.discards(pointer, variant).unwrap_or_default()
    }

    fn discards(&self, pointer: &str, variant: usize) -> Result<Vec<String>, EditError> {
        let node = self
            .exact_node_at(pointer)
            .ok_or_else(|| EditError::NoSuchField(pointer.into()))?;
        let Kind::Union(u) = &node.kind else {
            return Err(EditError::NotAUnion(pointer.into()));
        };
        let new = u
            .variants
            .get(variant)
            .ok_or_else(|| EditError::NoSuchVariant(pointer.into(), variant))?;
        let Some(m) = self.config.pointer(pointer).and_then(Value::as_object) else {
            return Ok(Vec::new());
        };
        let current = &u.variants[active_variant(u, m, self.selections.get(pointer).copied())];
        Ok(m.keys()
            .filter(|k| Some(*k) != u.tag.as_ref())
            .filter(|k| current.node.field(k).is_some() && new.node.field(k).is_none())
            .cloned()
            .collect())
    }

    /// Switches the union at `pointer` to `variant`: values whose keys the new variant also
    /// has are kept, the tag is rewritten, the new variant's defaults filled. Returns the
    /// discarded `(key, value)`s.
    pub fn switch_variant(
        &mut self,
        pointer: &str,
        variant: usize,
    ) -> Result<Vec<(String, Value)>, EditError> {
        let lost = self.discards(pointer, variant)?;
        let Some(Kind::Union(u)) = self.exact_node_at(pointer).map(|n| n.kind.clone()) else {
            return Err(EditError::NotAUnion(pointer.into()));
        };
        let tag_value = u.variants[variant].tag_value.clone();
        if self.config.pointer(pointer).is_none_or(|v| !v.is_object()) {
            self.set(pointer, Value::Object(Map::new()))?;
        }
        let mut discarded = Vec::new();
        if let Some(Value::Object(m)) = self.config.pointer_mut(pointer) {
            for k in lost {
                if let Some(v) = m.shift_remove(&k) {
                    discarded.push((k, v));
                }
            }
            if let (Some(tag), Some(tv)) = (&u.tag, tag_value) {
                m.insert(tag.clone(), tv);
            }
        }
        self.selections.insert(pointer.to_string(), variant);
        self.changed();
        Ok(discarded)
    }

    /// The form node describing the field at `pointer`, looking through unions into the
    /// variant the data is in (so `/auth/password` finds the password field).
    pub fn node_at(&self, pointer: &str) -> Option<&FormNode> {
        self.walk_to(pointer, true)
    }

    /// Like [`FormState::node_at`] but a union at `pointer` itself is returned, not its variant.
    fn exact_node_at(&self, pointer: &str) -> Option<&FormNode> {
        self.walk_to(pointer, false)
    }

    fn walk_to(&self, pointer: &str, into_last_union: bool) -> Option<&FormNode> {
        let mut node = self.form.root();
        let mut val = Some(&self.value);
        let mut here = String::new();
        for seg in segments(pointer) {
            node = self.through_unions(node, val, &here);
            node = match &node.kind {
                Kind::Group { fields } => fields.iter().find(|f| f.key == seg)?,
                Kind::Map { value } => value,
                Kind::List { item } => {
                    seg.parse::<usize>().ok()?;
                    item
                }
                Kind::Any => return Some(node),
                _ => return None,
            };
            val = val.and_then(|v| match v {
                Value::Object(m) => m.get(&seg),
                Value::Array(a) => a.get(seg.parse::<usize>().ok()?),
                _ => None,
            });
            here = super::pointer::join(&here, &seg);
        }
        if into_last_union {
            node = self.through_unions(node, val, &here);
        }
        Some(node)
    }

    fn through_unions<'a>(
        &'a self,
        mut node: &'a FormNode,
        val: Option<&Value>,
        ptr: &str,
    ) -> &'a FormNode {
        let empty = Map::new();
        while let Kind::Union(u) = &node.kind {
            let m = val.and_then(Value::as_object).unwrap_or(&empty);
            match u
                .variants
                .get(active_variant(u, m, self.selections.get(ptr).copied()))
            {
                Some(v) => node = &v.node,
                None => break,
            }
        }
        node
    }

    /// Re-applies defaults (only what validity needs to the written config, all of them to
    /// the shown one) and re-validates what would be written.
    fn changed(&mut self) {
        let form = self.form.clone();
        self.written = self.config.clone();
        fill(
            form.root(),
            &mut self.written,
            &self.selections,
            "",
            Fill::Required,
        );
        self.value = self.written.clone();
        fill(
            form.root(),
            &mut self.value,
            &self.selections,
            "",
            Fill::All,
        );
        self.errors = form.validate_state(self);
    }
}
