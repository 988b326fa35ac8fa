//! Questions a config form asks about one field: is it secret (so it is masked and typed
//! values are never echoed), and could the text it shows hold a secret (so it never goes to
//! `$EDITOR` through a temporary file).

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::names::locate_by_name;
use super::schema::{is_at_or_under, may_hold_secret, schemas_at, schemas_at_each};
use super::sites::Rule;
use crate::form::pointer::segments;

/// True when `pointer` of `config` is secret under `schema`: at or below a secret location,
/// or would be if it held a value (a field still empty, being typed into).
pub fn is_secret_field(schema: &Value, config: &Value, pointer: &str) -> bool {
    Rule::from_schema(Some(schema)).is_secret_at(config, pointer)
}

/// True when the text of the field at `pointer` could hold a secret: the field is secret, a
/// secret location lies below it, its schema could annotate something below it secret, or
/// (for free-form values) a key below it has a secret-looking name.
pub fn field_may_hold_secret(schema: &Value, config: &Value, pointer: &str) -> bool {
    let rule = Rule::from_schema(Some(schema));
    if rule.is_secret_at(config, pointer) {
        return true;
    }
    if rule
        .locate(config)
        .iter()
        .any(|l| is_at_or_under(l, pointer))
    {
        return true;
    }
    let schema = crate::form::config_schema_of(schema);
    let probe = with_present(config, pointer);
    if schemas_at(schema, &probe, pointer)
        .into_iter()
        .any(|s| may_hold_secret(schema, s))
    {
        return true;
    }
    config
        .pointer(pointer)
        .is_some_and(|v| !locate_by_name(v).is_empty())
}

/// `config` with a value at `pointer`: the one there if not null, else `""`, creating missing
/// parent objects. A pointer through a scalar or past an array's end is left as it is.
pub fn with_present(config: &Value, pointer: &str) -> Value {
    let mut out = config.clone();
    let segs = segments(pointer);
    let mut cur = &mut out;
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        if cur.is_null() {
            *cur = Value::Object(Map::new());
        }
        cur = match cur {
            Value::Object(map) => {
                let entry = map.entry(seg.clone()).or_insert(Value::Null);
                if last && entry.is_null() {
                    *entry = Value::String(String::new());
                }
                entry
            }
            Value::Array(items) => match seg.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                Some(item) => {
                    if last && item.is_null() {
                        *item = Value::String(String::new());
                    }
                    item
                }
                None => return config.clone(),
            },
            _ => return config.clone(),
        };
    }
    if segs.is_empty() && out.is_null() {
        out = Value::String(String::new());
    }
    out
}

/// [`field_may_hold_secret`] for many fields of one config at once (a form asks it of every
/// row after each change): the config is walked a fixed number of times, not once per field.
/// Returns the pointers that may hold a secret.
pub fn fields_may_hold_secret(
    schema: &Value,
    config: &Value,
    pointers: &[String],
) -> HashSet<String> {
    let rule = Rule::from_schema(Some(schema));
    let touches = |p: &str, found: &[String]| {
        found
            .iter()
            .any(|l| is_at_or_under(p, l) || is_at_or_under(l, p))
    };
    let found = rule.locate(config);
    let mut out: HashSet<String> = pointers
        .iter()
        .filter(|p| touches(p, &found))
        .cloned()
        .collect();
    // Fields without a value: secret if they would be with one. All are filled in at once
    // (the rules ignore value constraints, so one field's value cannot change another's).
    let mut probe = config.clone();
    let mut empty = Vec::new();
    for p in pointers.iter().filter(|p| !out.contains(*p)) {
        if probe.pointer(p).is_none_or(Value::is_null) {
            probe = with_present(&probe, p);
            empty.push(p.clone());
        }
    }
    if !empty.is_empty() {
        let found = rule.locate(&probe);
        out.extend(empty.into_iter().filter(|p| touches(p, &found)));
    }
    let rest: Vec<String> = pointers
        .iter()
        .filter(|p| !out.contains(*p))
        .cloned()
        .collect();
    let schema = crate::form::config_schema_of(schema);
    for (p, nodes) in schemas_at_each(schema, &probe, &rest) {
        if nodes.into_iter().any(|s| may_hold_secret(schema, s)) {
            out.insert(p);
        }
    }
    for p in rest {
        if config
            .pointer(&p)
            .is_some_and(|v| !locate_by_name(v).is_empty())
        {
            out.insert(p);
        }
    }
    out
}
