//! Defaults the way Flow's web app applies them (AJV `useDefaults: "empty"` plus its
//! discriminator injection): only missing or empty values are filled, never user data.
//!
//! Two depths: [`Fill::All`] fills every default (what the form shows), [`Fill::Required`]
//! only what a config needs to be valid — required fields' defaults and constants, required
//! objects and unions, union tags — which is all a save adds besides the user's own edits.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::node::{FormNode, Kind, Union};
use super::pointer::join;

/// Union selections the user made where the data has no tag to say so (pointer → variant).
pub(crate) type Selections = HashMap<String, usize>;

/// How much [`fill`] fills in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fill {
    /// Every default, and empty strings replaced by theirs (what the form shows).
    All,
    /// Only what validity needs: defaults and constants of missing required fields, required
    /// objects and unions, union tags (what a save writes besides the user's edits).
    Required,
}

/// Fills defaults below `v` (at `ptr`), which exists. Required objects and unions are
/// created (a union gets its first or selected variant's tag), optional ones are not.
pub(crate) fn fill(node: &FormNode, v: &mut Value, sel: &Selections, ptr: &str, how: Fill) {
    match &node.kind {
        Kind::Group { fields } => {
            if let Value::Object(m) = v {
                fill_fields(fields, m, sel, ptr, how);
            }
        }
        Kind::Union(u) => {
            if let Value::Object(m) = v {
                let i = active_variant(u, m, sel.get(ptr).copied());
                let Some(variant) = u.variants.get(i) else {
                    return;
                };
                if let (Some(tag), Some(tv)) = (&u.tag, &variant.tag_value) {
                    if m.get(tag).is_none_or(is_empty) {
                        m.insert(tag.clone(), tv.clone());
                    }
                }
                fill_fields(variant.node.fields(), m, sel, ptr, how);
            }
        }
        Kind::List { item } => {
            if let Value::Array(a) = v {
                for (i, el) in a.iter_mut().enumerate() {
                    fill(item, el, sel, &join(ptr, &i.to_string()), how);
                }
            }
        }
        Kind::Map { value } => {
            if let Value::Object(m) = v {
                for (k, el) in m.iter_mut() {
                    fill(value, el, sel, &join(ptr, k), how);
                }
            }
        }
        _ => {}
    }
}

fn is_empty(v: &Value) -> bool {
    matches!(v, Value::String(s) if s.is_empty())
}

fn fill_fields(
    fields: &[FormNode],
    m: &mut Map<String, Value>,
    sel: &Selections,
    ptr: &str,
    how: Fill,
) {
    for f in fields {
        let missing = match m.get(&f.key) {
            None => true,
            Some(Value::Null) => !f.nullable,
            // An empty string the file holds is the user's; only the shown form replaces it.
            Some(v) => how == Fill::All && is_empty(v),
        };
        if missing {
            let wanted = how == Fill::All || f.required;
            let fresh = match (&f.ann.default, &f.kind) {
                (Some(d), _) if wanted && (!d.is_null() || f.nullable) => Some(d.clone()),
                (_, Kind::Const(c)) if f.required => Some(c.clone()),
                (_, Kind::Group { .. } | Kind::Union(_)) if f.required && !f.nullable => {
                    Some(Value::Object(Map::new()))
                }
                _ => None,
            };
            match fresh {
                Some(d) => {
                    m.insert(f.key.clone(), d);
                }
                None => continue,
            }
        }
        if let Some(child) = m.get_mut(&f.key) {
            fill(f, child, sel, &join(ptr, &f.key), how);
        }
    }
}

/// Which variant the data is in: by its tag value (never by validating: on edit, secrets are
/// blank and no variant would validate), else the user's selection, else the variant
/// declaring most of the data's keys, else the first.
pub(crate) fn active_variant(u: &Union, m: &Map<String, Value>, selected: Option<usize>) -> usize {
    if let Some(tag) = &u.tag {
        if let Some(i) = m.get(tag).and_then(|v| u.variant_for_tag(v)) {
            return i;
        }
    }
    if let Some(i) = selected.filter(|i| *i < u.variants.len()) {
        return i;
    }
    let score = |i: usize| {
        let node = &u.variants[i].node;
        m.keys().filter(|k| node.field(k).is_some()).count()
    };
    (0..u.variants.len())
        .max_by_key(|i| (score(*i), std::cmp::Reverse(*i)))
        .unwrap_or(0)
}
