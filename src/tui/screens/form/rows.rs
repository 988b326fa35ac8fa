//! The form tree flattened into focusable rows: sections fold, unions show their active
//! variant's fields, lists of objects show each item, Airbyte `groups` become sections with
//! their optional fields folded apart.

use std::collections::HashSet;

use serde_json::Value;

use super::editor::FormEditor;
use crate::form::pointer::join;
use crate::form::{FormNode, Kind, ScalarType};
use crate::secrets;

/// What a row stands for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RowId {
    /// A node of the config at this JSON pointer (a field, section, union, list or item).
    Node(String),
    /// An Airbyte `groups` section of the root, by group id.
    Group(String),
    /// The "Optional fields" part of that group, folded until asked for.
    OptionalFields(String),
}

/// What a row of the form is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// A nested object's (or group's) heading; Enter folds it.
    Section { collapsed: bool },
    /// A union: Left/Right switch variant.
    Variant,
    /// An input (text, number, toggle, choice) or a read-only value.
    Field,
    /// One item of a list of objects: Delete removes it, Ctrl-↑/↓ move it.
    Item,
    /// The "add an item" (or "add a key") line closing a list of objects or a map.
    AddItem,
}

/// One focusable line of the form.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: RowId,
    pub depth: u16,
    pub kind: RowKind,
}

impl Row {
    fn node(pointer: &str, depth: u16, kind: RowKind) -> Row {
        Row {
            id: RowId::Node(pointer.to_string()),
            depth,
            kind,
        }
    }

    /// The config pointer of a node row (`None` for an Airbyte group's headings).
    pub fn pointer(&self) -> Option<&str> {
        match &self.id {
            RowId::Node(p) => Some(p),
            RowId::Group(_) | RowId::OptionalFields(_) => None,
        }
    }

    /// The pointer of a field row.
    pub fn field(&self) -> Option<&str> {
        self.pointer().filter(|_| self.kind == RowKind::Field)
    }
}

impl FormEditor {
    /// Re-flattens the form after a change (variants and sections change which rows exist),
    /// keeping the focus on the same row where it still exists.
    pub fn rebuild(&mut self) {
        let keep = self.focused().cloned();
        let mut rows = Vec::new();
        let root = self.state.form().root().clone();
        self.flatten(&root, "", 0, &mut rows, true);
        let fields: Vec<String> = rows
            .iter()
            .filter_map(|r| r.field().map(str::to_string))
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
        self.schema_secret_rows =
            schema_secret_rows(self.state.form().schema(), self.state.value(), &rows);
        self.rows = rows;
        if let Some(keep) = keep {
            let same = |r: &Row| r.id == keep.id;
            let found = self
                .rows
                .iter()
                .position(|r| same(r) && kind_matches(r.kind, keep.kind))
                .or_else(|| self.rows.iter().position(same));
            if let Some(i) = found {
                self.focus = i;
            }
        }
        self.focus = self.focus.min(self.rows.len().saturating_sub(1));
    }

    fn flatten(&self, node: &FormNode, pointer: &str, depth: u16, out: &mut Vec<Row>, root: bool) {
        match &node.kind {
            Kind::Group { fields } => {
                if !root && self.section(out, RowId::Node(pointer.into()), depth) {
                    return;
                }
                let inner = if root { depth } else { depth + 1 };
                let groups = if root { &node.ann.groups[..] } else { &[] };
                for (id, _) in groups {
                    self.group(fields, pointer, id, inner, out);
                }
                let grouped = |f: &FormNode| {
                    f.ann
                        .group
                        .as_ref()
                        .is_some_and(|g| groups.iter().any(|(id, _)| id == g))
                };
                for f in fields.iter().filter(|f| !f.ann.hidden && !grouped(f)) {
                    self.flatten(f, &join(pointer, &f.key), inner, out, false);
                }
            }
            Kind::List { item } if !is_text(node) && object_like(item) => {
                if self.section(out, RowId::Node(pointer.into()), depth) {
                    return;
                }
                let len = self
                    .state
                    .get(pointer)
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len);
                for i in 0..len {
                    let p = format!("{pointer}/{i}");
                    out.push(Row::node(&p, depth + 1, RowKind::Item));
                    match &item.kind {
                        Kind::Union(_) => self.flatten(item, &p, depth + 2, out, false),
                        _ => {
                            for f in item.fields().iter().filter(|f| !f.ann.hidden) {
                                self.flatten(f, &join(&p, &f.key), depth + 2, out, false);
                            }
                        }
                    }
                }
                out.push(Row::node(pointer, depth + 1, RowKind::AddItem));
            }
            Kind::Map { value } if !object_like(value) => {
                if self.section(out, RowId::Node(pointer.into()), depth) {
                    return;
                }
                let keys: Vec<String> = self
                    .state
                    .get(pointer)
                    .and_then(Value::as_object)
                    .map(|m| m.keys().cloned().collect())
                    .unwrap_or_default();
                for k in keys {
                    out.push(Row::node(&join(pointer, &k), depth + 1, RowKind::Field));
                }
                out.push(Row::node(pointer, depth + 1, RowKind::AddItem));
            }
            Kind::Union(u) => {
                out.push(Row::node(pointer, depth, RowKind::Variant));
                let active = self.state.active_variant(pointer).unwrap_or(0);
                if let Some(v) = u.variants.get(active) {
                    for f in v.node.fields().iter().filter(|f| !f.ann.hidden) {
                        self.flatten(f, &join(pointer, &f.key), depth + 1, out, false);
                    }
                }
            }
            _ => out.push(Row::node(pointer, depth, RowKind::Field)),
        }
    }

    /// Pushes a section heading; true when it is folded (its content is left out).
    fn section(&self, out: &mut Vec<Row>, id: RowId, depth: u16) -> bool {
        let collapsed = self.collapsed.contains(&id);
        out.push(Row {
            id,
            depth,
            kind: RowKind::Section { collapsed },
        });
        collapsed
    }

    /// An Airbyte group of the root: as Airbyte's webapp shows it, required and
    /// `always_show` fields first, the other optional ones folded under "Optional fields".
    fn group(&self, fields: &[FormNode], pointer: &str, id: &str, depth: u16, out: &mut Vec<Row>) {
        if self.section(out, RowId::Group(id.to_string()), depth) {
            return;
        }
        let members: Vec<&FormNode> = fields
            .iter()
            .filter(|f| !f.ann.hidden && f.ann.group.as_deref() == Some(id))
            .collect();
        for f in members.iter().filter(|f| f.required || f.ann.always_show) {
            self.flatten(f, &join(pointer, &f.key), depth + 1, out, false);
        }
        let optional: Vec<&&FormNode> = members
            .iter()
            .filter(|f| !(f.required || f.ann.always_show))
            .collect();
        if optional.is_empty() {
            return;
        }
        let folded = !self.unfolded_optional.contains(id);
        out.push(Row {
            id: RowId::OptionalFields(id.to_string()),
            depth: depth + 1,
            kind: RowKind::Section { collapsed: folded },
        });
        if !folded {
            for f in optional {
                self.flatten(f, &join(pointer, &f.key), depth + 2, out, false);
            }
        }
    }

    /// Enter on a section: folds or unfolds it.
    pub(super) fn toggle_fold(&mut self, row: &Row) {
        let RowKind::Section { collapsed } = row.kind else {
            return;
        };
        match &row.id {
            RowId::OptionalFields(group) => {
                if collapsed {
                    self.unfolded_optional.insert(group.clone());
                } else {
                    self.unfolded_optional.remove(group);
                }
            }
            id => {
                if collapsed {
                    self.collapsed.remove(id);
                } else {
                    self.collapsed.insert(id.clone());
                }
            }
        }
        self.rebuild();
    }

    /// Focuses the row of `kind` at `pointer`; false when there is none.
    pub fn focus_row(&mut self, pointer: &str, kind: RowKind) -> bool {
        match self
            .rows
            .iter()
            .position(|r| r.pointer() == Some(pointer) && r.kind == kind)
        {
            Some(i) => {
                self.focus = i;
                true
            }
            None => false,
        }
    }
}

fn kind_matches(a: RowKind, b: RowKind) -> bool {
    std::mem::discriminant(&a) == std::mem::discriminant(&b)
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

/// Items that are objects (or unions of objects) get rows of their own fields.
pub(super) fn object_like(item: &FormNode) -> bool {
    matches!(item.kind, Kind::Group { .. } | Kind::Union(_))
}

/// The sections the schema asks to start folded (`advanced`, ...).
pub(super) fn initially_collapsed(node: &FormNode, pointer: &str, out: &mut HashSet<RowId>) {
    for f in node.fields() {
        let p = join(pointer, &f.key);
        if f.ann.collapsed {
            out.insert(RowId::Node(p.clone()));
        }
        initially_collapsed(f, &p, out);
    }
}

/// The rows (fields and sections) the connector's schema makes secret, present or not: each
/// empty one is given a value first, so a secret still to be typed shows as encrypted.
fn schema_secret_rows(
    schema: &serde_json::Value,
    config: &serde_json::Value,
    rows: &[Row],
) -> std::collections::HashSet<String> {
    let mut probe = config.clone();
    let pointers: Vec<&str> = rows.iter().filter_map(Row::pointer).collect();
    for p in &pointers {
        if !p.is_empty() && probe.pointer(p).is_none_or(serde_json::Value::is_null) {
            probe = secrets::field::with_present(&probe, p);
        }
    }
    let found = secrets::schema::locate(crate::form::config_schema_of(schema), &probe);
    pointers
        .into_iter()
        .filter(|p| found.iter().any(|l| secrets::schema::is_at_or_under(p, l)))
        .map(str::to_string)
        .collect()
}
