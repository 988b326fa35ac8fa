//! Validation with the `jsonschema` crate, errors attached to fields in plain words.
//!
//! The validator is compiled once per [`Form`] (lazily, on first use) and run after every
//! change. Like Flow's web app, formats are not validated (connectors use `date-time` for
//! loose ISO-8601). Errors inside a union are reported for the variant the data is in.

use std::cell::OnceCell;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError};
use serde_json::Value;

use super::model::FormState;
use super::node::{FormNode, Kind, ScalarType};
use super::pointer::join;
use super::text::display_value;
use super::Form;

/// One problem with the config, attached to the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// JSON Pointer of the field (for a missing required field: where it would go).
    pub pointer: String,
    /// What is wrong, for a person: "Address is required", "must be at least 1".
    pub message: String,
    /// The JSON Schema keyword that failed (`required`, `pattern`, `type`…).
    pub keyword: String,
}

/// Compiles a validator for `schema` (formats not checked). The crate checks schemas
/// against their meta-schema; connectors ship annotation mistakes (`"examples": 33554432`),
/// so on failure we retry without the annotation-only keywords.
pub(crate) fn compile(schema: &Value) -> Result<jsonschema::Validator, String> {
    let build = |s: &Value| {
        jsonschema::options()
            .should_validate_formats(false)
            .build(s)
            .map_err(|e| e.to_string())
    };
    build(schema).or_else(|first| {
        let mut lenient = schema.clone();
        strip_annotations(&mut lenient, 0);
        build(&lenient).map_err(|_| first)
    })
}

/// Removes annotation keywords that do not affect validation, in schema positions only.
fn strip_annotations(schema: &mut Value, depth: usize) {
    let Value::Object(m) = schema else { return };
    if depth > 64 {
        return;
    }
    for k in [
        "examples",
        "example",
        "title",
        "description",
        "default",
        "readOnly",
        "writeOnly",
    ] {
        m.remove(k);
    }
    for (k, v) in m.iter_mut() {
        match (k.as_str(), v) {
            (
                "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas",
                Value::Object(children),
            ) => children
                .values_mut()
                .for_each(|c| strip_annotations(c, depth + 1)),
            (
                "items"
                | "additionalProperties"
                | "additionalItems"
                | "not"
                | "if"
                | "then"
                | "else"
                | "contains"
                | "propertyNames"
                | "unevaluatedProperties"
                | "unevaluatedItems",
                v,
            ) => strip_annotations(v, depth + 1),
            ("oneOf" | "anyOf" | "allOf" | "prefixItems", Value::Array(members)) => members
                .iter_mut()
                .for_each(|c| strip_annotations(c, depth + 1)),
            _ => {}
        }
    }
}

impl Form {
    pub(crate) fn validate_state(&self, state: &FormState) -> Vec<FieldError> {
        let validator = match self.validator() {
            Ok(v) => v,
            Err(e) => {
                return vec![FieldError {
                    pointer: String::new(),
                    message: format!("the connector's schema cannot be checked: {e}"),
                    keyword: "$schema".into(),
                }]
            }
        };
        // What a save would write is what must be valid (defaults only shown are not sent).
        let written = state.written();
        let secret = SecretLocations {
            schema: self.schema(),
            config: written,
            found: OnceCell::new(),
        };
        let mut out = Vec::new();
        for e in validator.iter_errors(written) {
            map_error(state, &e, &secret, &mut out);
        }
        out.dedup();
        out
    }
}

fn pointer_of(e: &ValidationError<'_>) -> String {
    let mut p = String::new();
    for seg in e.instance_path() {
        p = join(&p, &seg.to_string());
    }
    p
}

/// The config's secret locations, worked out only if an error message needs them (most
/// keystrokes' errors do not, and validation runs at every one).
struct SecretLocations<'a> {
    schema: &'a Value,
    config: &'a Value,
    found: OnceCell<Vec<String>>,
}

impl SecretLocations<'_> {
    /// True when the value at `pointer` is, holds or lies below a secret: a message about it
    /// must not quote it.
    fn touch(&self, pointer: &str) -> bool {
        use crate::secrets::schema::is_at_or_under;
        self.found
            .get_or_init(|| {
                crate::secrets::Rule::from_schema(Some(self.schema)).locate(self.config)
            })
            .iter()
            .any(|l| is_at_or_under(pointer, l) || is_at_or_under(l, pointer))
    }
}

fn map_error(
    state: &FormState,
    e: &ValidationError<'_>,
    secret: &SecretLocations,
    out: &mut Vec<FieldError>,
) {
    let pointer = pointer_of(e);
    let node = state.node_at(&pointer);
    let keyword = e.kind().keyword().to_string();
    let push = |out: &mut Vec<FieldError>, pointer: String, message: String| {
        out.push(FieldError {
            pointer,
            message,
            keyword: keyword.clone(),
        })
    };
    match e.kind() {
        ValidationErrorKind::Required { property } => {
            let key = property
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| property.to_string());
            let child = join(&pointer, &key);
            let label = state
                .node_at(&child)
                .map(|n| n.label.clone())
                .filter(|l| !l.is_empty())
                .unwrap_or(key);
            push(out, child, format!("{label} is required"));
        }
        ValidationErrorKind::OneOfNotValid { .. } | ValidationErrorKind::AnyOf { .. }
            if matches!(node.map(|n| &n.kind), Some(Kind::Choice { .. })) =>
        {
            let message = message(
                &ValidationErrorKind::Enum {
                    options: std::sync::Arc::new(Value::Null),
                },
                node,
            )
            .unwrap_or_default();
            push(out, pointer, message);
        }
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            match pick_branch(state, &pointer, context) {
                Some(branch) => branch.iter().for_each(|e| map_error(state, e, secret, out)),
                None => push(out, pointer, "does not match any of the options".into()),
            }
        }
        ValidationErrorKind::OneOfMultipleValid { .. } => {
            push(out, pointer, "matches more than one of the options".into())
        }
        ValidationErrorKind::AdditionalProperties { .. } if secret.touch(&pointer) => {
            push(out, pointer, "has unknown fields".into())
        }
        kind => {
            // The crate's own wording quotes the value: not for secrets.
            let message = message(kind, node).unwrap_or_else(|| {
                if secret.touch(&pointer) {
                    format!("is not valid (`{keyword}`)")
                } else {
                    e.to_string()
                }
            });
            push(out, pointer, message);
        }
    }
}

/// The branch of a failed `oneOf`/`anyOf` to report: the variant the data is in for tagged
/// unions; otherwise the first branch whose type fits (so `[string, null]` reports the
/// string's problem, not "must be null").
fn pick_branch<'a>(
    state: &FormState,
    pointer: &str,
    context: &'a [Vec<ValidationError<'static>>],
) -> Option<&'a Vec<ValidationError<'static>>> {
    if let Some(i) = state.active_variant(pointer) {
        if let Some(b) = context.get(i) {
            return Some(b);
        }
    }
    let type_mismatch = |b: &Vec<ValidationError<'static>>| {
        b.iter().any(|e| {
            matches!(
                e.kind(),
                ValidationErrorKind::Type { .. } | ValidationErrorKind::Constant { .. }
            ) && pointer_of(e) == pointer
        })
    };
    context
        .iter()
        .find(|b| !type_mismatch(b))
        .or_else(|| context.first())
}

fn message(kind: &ValidationErrorKind, node: Option<&FormNode>) -> Option<String> {
    Some(match kind {
        ValidationErrorKind::Type { kind } => {
            let wanted = match node.map(|n| &n.kind) {
                Some(Kind::Scalar(t)) => scalar_words(*t).to_string(),
                _ => match kind {
                    TypeKind::Single(t) => type_words(*t).to_string(),
                    TypeKind::Multiple(set) => {
                        set.iter().map(type_words).collect::<Vec<_>>().join(" or ")
                    }
                },
            };
            format!("must be {wanted}")
        }
        ValidationErrorKind::Pattern { pattern } => {
            match node.and_then(|n| n.ann.pattern_descriptor.as_deref()) {
                Some(d) => format!("must look like {d}"),
                None => format!("must match the pattern {pattern}"),
            }
        }
        ValidationErrorKind::Enum { options } => {
            let labels: Vec<String> = match node.map(|n| &n.kind) {
                Some(Kind::Choice { options } | Kind::MultiSelect { options }) => {
                    options.iter().map(|o| o.label.clone()).collect()
                }
                _ => options
                    .as_array()
                    .map(|a| a.iter().map(display_value).collect())
                    .unwrap_or_default(),
            };
            format!("must be one of: {}", labels.join(", "))
        }
        ValidationErrorKind::Constant { expected_value } => {
            format!("must be {}", display_value(expected_value))
        }
        ValidationErrorKind::Minimum { limit } => format!("must be at least {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("must be at most {limit}"),
        ValidationErrorKind::ExclusiveMinimum { limit } => format!("must be more than {limit}"),
        ValidationErrorKind::ExclusiveMaximum { limit } => format!("must be less than {limit}"),
        ValidationErrorKind::MinLength { limit } => {
            format!("must be at least {limit} character{}", plural(*limit))
        }
        ValidationErrorKind::MaxLength { limit } => {
            format!("must be at most {limit} character{}", plural(*limit))
        }
        ValidationErrorKind::MinItems { limit } => {
            format!("needs at least {limit} item{}", plural(*limit))
        }
        ValidationErrorKind::MaxItems { limit } => {
            format!("takes at most {limit} item{}", plural(*limit))
        }
        ValidationErrorKind::UniqueItems => "must not repeat items".into(),
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            format!(
                "unknown field{}: {}",
                plural(unexpected.len() as u64),
                unexpected.join(", ")
            )
        }
        ValidationErrorKind::Format { format } => format!("must be a valid {format}"),
        ValidationErrorKind::MultipleOf { multiple_of } => {
            format!("must be a multiple of {multiple_of}")
        }
        _ => return None,
    })
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn scalar_words(t: ScalarType) -> &'static str {
    match t {
        ScalarType::String => "text",
        ScalarType::Integer => "a whole number",
        ScalarType::Number => "a number",
        ScalarType::Boolean => "true or false",
    }
}

fn type_words(t: JsonType) -> &'static str {
    match t {
        JsonType::Null => "empty (null)",
        JsonType::Boolean => "true or false",
        JsonType::Integer => "a whole number",
        JsonType::Number => "a number",
        JsonType::String => "text",
        JsonType::Array => "a list",
        JsonType::Object => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::form::build;

    /// Keywords the messages above do not word fall back to the validator's own text, which
    /// quotes the value: never for a secret, nor for a value holding or under one.
    #[test]
    fn messages_never_quote_a_secret() {
        let form = build(&json!({"type": "object", "properties": {
            "password": {"type": "string", "secret": true, "not": {"pattern": "^zq"}},
            "note": {"type": "string", "not": {"pattern": "^zq"}},
            "creds": {"type": "object", "not": {"required": ["weak"]},
                      "properties": {"token": {"type": "string", "secret": true}}},
            "blob": {"type": "object", "secret": true, "additionalProperties": false,
                     "properties": {"a": {}, "list": {"contains": {"const": 1}}}}
        }}));
        let state = form.load(&json!({
            "password": "zqSECRET1",
            "note": "zqPLAIN",
            "creds": {"weak": 1, "token": "zqSECRET2"},
            "blob": {"a": 1, "zqSECRETKEY": 2, "list": ["zqSECRET3"]}
        }));
        let errors = state.errors();
        let text = format!("{errors:?}");
        for secret in ["zqSECRET1", "zqSECRET2", "zqSECRET3", "zqSECRETKEY"] {
            assert!(!text.contains(secret), "{secret}: {text}");
        }
        for p in ["/password", "/creds", "/blob", "/blob/list"] {
            assert!(errors.iter().any(|e| e.pointer == p), "{p}: {text}");
        }
        // Other values keep the validator's wording.
        assert!(text.contains("zqPLAIN"), "{text}");
    }
}
