//! The words of the walker's messages (unknown keys, expected kinds, why a pointer or a field
//! name is malformed) and the small value predicates they rest on, apart from the walk itself.

use std::sync::LazyLock;

use regex::Regex;

use super::Place;
use crate::catalog::check::model::{Custom, Pattern, Shape};
use crate::catalog::check::suggest;
use crate::yaml::{Node, Value};

pub(super) fn unknown_key(key: &str, place: &Place) -> String {
    if place.top {
        format!("unknown top-level key `{key}`")
    } else {
        format!("unknown key `{key}` in {}", place.desc)
    }
}

pub(super) fn unknown_key_with_help(
    key: &str,
    place: &Place,
    near: Option<&str>,
    allowed: &[&str],
) -> String {
    match near {
        Some(near) => format!("{}; did you mean `{near}`?", unknown_key(key, place)),
        None => format!(
            "{} (allowed keys: {})",
            unknown_key(key, place),
            suggest::list(allowed)
        ),
    }
}

/// How one list item is called, when the model gives it a name.
pub(super) fn item_label(shape: &Shape) -> Option<&'static str> {
    match shape {
        Shape::Object(o) => o.item,
        Shape::Variant(v) => v.item,
        _ => None,
    }
}

/// Does the value have the right kind (string, list, mapping...) for this shape? Used to pick
/// among alternatives, like JSON Schema's `anyOf` does.
pub(super) fn fits(shape: &Shape, node: &Node) -> bool {
    match shape {
        Shape::Any => true,
        Shape::Null => matches!(node.value, Value::Null),
        Shape::Bool => matches!(node.value, Value::Bool(_)),
        Shape::Str | Shape::Text(_) | Shape::Ref(_) | Shape::Enum { .. } => {
            matches!(node.value, Value::Str(_))
        }
        Shape::Duration | Shape::DateTime => matches!(node.value, Value::Str(_) | Value::Null),
        Shape::UInt { .. } => match node.value {
            Value::Int(_) => true,
            Value::Float(f) => f.fract() == 0.0 && f.is_finite(),
            _ => false,
        },
        Shape::List(_) | Shape::NonEmptyList(_) | Shape::Custom(Custom::LegacyTestSteps) => {
            node.is_seq()
        }
        Shape::Map(_)
        | Shape::Object(_)
        | Shape::Variant(_)
        | Shape::Custom(Custom::TargetNamingStrategy) => node.is_map(),
        Shape::Either(alts) => alts.iter().any(|a| fits(a, node)),
    }
}

/// What a shape expects, for "must be X, found Y" messages.
pub(super) fn expect(shape: &Shape) -> String {
    match shape {
        Shape::Any => "any value".into(),
        Shape::Null => "empty (null)".into(),
        Shape::Bool => "`true` or `false`".into(),
        Shape::Str => "a string".into(),
        Shape::Text(Pattern::CatalogName) => "a name like `acmeCo/orders`".into(),
        Shape::Text(Pattern::Pointer) => "a JSON pointer like `/id`".into(),
        Shape::Text(Pattern::Field) => "a field name".into(),
        Shape::Text(Pattern::Token) => "a name of letters, numbers, `-`, `_` and `.`".into(),
        Shape::Text(Pattern::RelativeUrl) => "a relative path or URL".into(),
        Shape::Text(Pattern::Image) => "an image like `ghcr.io/estuary/source-x:v1`".into(),
        Shape::Ref(kind) => format!("a {} name like `acmeCo/orders`", kind.label()),
        Shape::Duration => "a string like `5m`".into(),
        Shape::DateTime => "a timestamp like `2024-01-31T00:00:00Z`".into(),
        Shape::UInt { .. } => "a whole number".into(),
        Shape::Enum { values, .. } => format!("one of {}", suggest::list(values)),
        Shape::List(Shape::Text(Pattern::Pointer))
        | Shape::NonEmptyList(Shape::Text(Pattern::Pointer)) => {
            "a list of JSON pointers like `[/id]`".into()
        }
        Shape::List(_) | Shape::NonEmptyList(_) | Shape::Custom(Custom::LegacyTestSteps) => {
            "a list".into()
        }
        Shape::Map(_) | Shape::Object(_) | Shape::Custom(Custom::TargetNamingStrategy) => {
            "a mapping".into()
        }
        Shape::Variant(v) => format!("a mapping with one of {}", suggest::list(&v.keys())),
        Shape::Either(alts) => {
            let parts: Vec<String> = alts.iter().map(expect).collect();
            parts.join(", or ")
        }
    }
}

/// Explains why a string is not a JSON pointer.
pub(super) fn pointer_problem(s: &str) -> String {
    if !s.starts_with('/') {
        format!("a pointer starts with `/`, as in `/{s}`")
    } else if s == "/" || s.contains("//") || s.ends_with('/') {
        "it has an empty part (`/` alone, `//` or a trailing `/`)".into()
    } else {
        "a `~` must be written `~0`, and a `/` inside a property name `~1`".into()
    }
}

/// Explains why a string is not a projection field name.
pub(super) fn field_problem(s: &str) -> String {
    if s.is_empty() {
        "it is empty".into()
    } else if s.starts_with('/') {
        "a field name must not start with `/` (that would be a JSON pointer)".into()
    } else if s.contains("//") || s.ends_with('/') {
        "it has an empty part (`//` or a trailing `/`)".into()
    } else {
        "a `~` must be written `~0`, and a `/` that is not a separator `~1`".into()
    }
}

/// An RFC 3339 date-time (`2024-01-31T00:00:00Z`, `...T10:00:00.5+02:00`).
pub(super) fn is_timestamp(s: &str) -> bool {
    static RFC3339: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$",
        )
        .unwrap()
    });
    let Some(c) = RFC3339.captures(s) else {
        return false;
    };
    let n = |i: usize| {
        c.get(i)
            .map_or(0, |m| m.as_str().parse::<u32>().unwrap_or(99))
    };
    let (year, month, day) = (n(1), n(2), n(3));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day) && n(4) < 24 && n(5) < 60 && n(6) < 60 && n(10) < 24 && n(11) < 60
}
