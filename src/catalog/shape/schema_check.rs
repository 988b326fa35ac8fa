//! Keyword mistakes that stop Flow from building a JSON schema (`SchemaBuild` errors of
//! estuary/flow `crates/validation/src/errors.rs`, raised by `crates/json/src/schema/build.rs`):
//! an unknown `type` name, a keyword whose value has the wrong kind, a subschema that is not a
//! mapping or a boolean. Each is located at the value that causes it.
//!
//! Only the keywords of JSON Schema's core and validation vocabularies are checked; unknown
//! keywords are annotations to Flow and are left alone. Regular expressions that Rust's
//! `regex` (which Flow uses) cannot compile are reported as warnings: Flow rejects them, but
//! the message comes from a different engine than Flow's, so the wording may differ.

use crate::yaml::{Node, Pos, Value};

/// One problem in a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaProblem {
    pub pos: Pos,
    pub message: String,
    /// False for problems Flow's exact verdict is not certain on (reported as warnings).
    pub certain: bool,
}

const TYPE_NAMES: &str = "`array`, `boolean`, `integer`, `null`, `number`, `object` or `string`";

/// Keywords whose value is one schema.
const ONE_SCHEMA: &[&str] = &[
    "additionalProperties",
    "additionalItems",
    "unevaluatedProperties",
    "unevaluatedItems",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "contentSchema",
];
/// Keywords whose value maps names to schemas.
const SCHEMA_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];
/// Keywords whose value is a non-empty list of schemas.
const SCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value is a whole number of at least 0.
const COUNTS: &[&str] = &[
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
    "minProperties",
    "maxProperties",
    "minContains",
    "maxContains",
];
/// Keywords whose value is a number.
const NUMBERS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];
/// Keywords whose value is a string.
const STRINGS: &[&str] = &["$ref", "$id", "$anchor", "$schema", "pattern"];

/// Every problem of the schema `root` (a whole document, or an inline schema).
pub fn check(root: &Node) -> Vec<SchemaProblem> {
    let mut out = Vec::new();
    schema(root, "the schema", &mut out);
    out
}

fn problem(out: &mut Vec<SchemaProblem>, node: &Node, message: String) {
    out.push(SchemaProblem {
        pos: node.pos,
        message,
        certain: true,
    });
}

fn schema(node: &Node, what: &str, out: &mut Vec<SchemaProblem>) {
    let entries = match &node.value {
        Value::Bool(_) => return,
        Value::Map(entries) => entries,
        _ => {
            return problem(
                out,
                node,
                format!(
                    "{what} must be a JSON schema (a mapping, or `true` or `false`), found {}",
                    node.type_name()
                ),
            )
        }
    };
    for (k, v) in entries {
        let key = k.key_cow();
        let key = key.as_ref();
        let sub = || format!("`{key}`");
        match key {
            "type" => type_keyword(v, out),
            "required" => strings(v, key, out),
            "enum" if !v.is_seq() => problem(
                out,
                v,
                format!("`enum` must be a list of values, found {}", v.type_name()),
            ),
            "items" if v.is_seq() => list(v, key, false, out),
            "items" => schema(v, &sub(), out),
            _ if ONE_SCHEMA.contains(&key) => schema(v, &sub(), out),
            _ if SCHEMA_LISTS.contains(&key) => list(v, key, true, out),
            _ if SCHEMA_MAPS.contains(&key) => match &v.value {
                Value::Map(children) => {
                    for (name, child) in children {
                        let name = name.key_cow();
                        if key == "patternProperties" {
                            regex(out, v, &name);
                        }
                        schema(child, &format!("`{name}` in `{key}`"), out);
                    }
                }
                _ => problem(
                    out,
                    v,
                    format!(
                        "`{key}` must be a mapping of schemas, found {}",
                        v.type_name()
                    ),
                ),
            },
            _ if COUNTS.contains(&key) => {
                let ok = match v.value {
                    Value::Int(i) => i >= 0,
                    Value::Float(f) => f >= 0.0 && f.fract() == 0.0,
                    _ => false,
                };
                if !ok {
                    problem(
                        out,
                        v,
                        format!(
                            "`{key}` must be a whole number of 0 or more, found {}",
                            shown(v)
                        ),
                    );
                }
            }
            _ if NUMBERS.contains(&key) && !matches!(v.value, Value::Int(_) | Value::Float(_)) => {
                problem(
                    out,
                    v,
                    format!("`{key}` must be a number, found {}", shown(v)),
                )
            }
            _ if STRINGS.contains(&key) => match v.as_str() {
                None => problem(
                    out,
                    v,
                    format!("`{key}` must be a string, found {}", shown(v)),
                ),
                Some(p) if key == "pattern" => regex(out, v, p),
                Some(_) => {}
            },
            _ => {}
        }
    }
}

/// A value for messages: the scalar itself, or its kind.
fn shown(v: &Node) -> String {
    match &v.value {
        Value::Int(i) => format!("`{i}`"),
        Value::Float(f) => format!("`{f}`"),
        Value::Bool(b) => format!("`{b}`"),
        Value::Str(s) => format!("the string `{s}`"),
        _ => v.type_name().to_string(),
    }
}

fn type_keyword(v: &Node, out: &mut Vec<SchemaProblem>) {
    let one = |out: &mut Vec<SchemaProblem>, item: &Node| match item.as_str() {
        Some(name) if super::Types::for_name(name).is_some() => {}
        Some(name) => problem(
            out,
            item,
            format!("`type` is `{name}`, which is not a JSON type (one of {TYPE_NAMES})"),
        ),
        None if item.value == Value::Null => problem(
            out,
            item,
            "the type `null` must be quoted (`'null'`): unquoted, YAML reads it as no value"
                .to_string(),
        ),
        None => problem(
            out,
            item,
            format!(
                "`type` must name a JSON type (one of {TYPE_NAMES}), found {}",
                shown(item)
            ),
        ),
    };
    match &v.value {
        Value::Seq(items) => items.iter().for_each(|item| one(out, item)),
        _ => one(out, v),
    }
}

fn strings(v: &Node, key: &str, out: &mut Vec<SchemaProblem>) {
    match &v.value {
        Value::Seq(items) => {
            for item in items.iter().filter(|i| i.as_str().is_none()) {
                problem(
                    out,
                    item,
                    format!(
                        "items of `{key}` must be property names (strings), found {}",
                        shown(item)
                    ),
                );
            }
        }
        _ => problem(
            out,
            v,
            format!(
                "`{key}` must be a list of property names, found {}",
                v.type_name()
            ),
        ),
    }
}

fn list(v: &Node, key: &str, non_empty: bool, out: &mut Vec<SchemaProblem>) {
    match &v.value {
        Value::Seq(items) if non_empty && items.is_empty() => {
            problem(out, v, format!("`{key}` must list at least one schema"))
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                schema(item, &format!("item {} of `{key}`", i + 1), out);
            }
        }
        _ => problem(
            out,
            v,
            format!("`{key}` must be a list of schemas, found {}", v.type_name()),
        ),
    }
}

fn regex(out: &mut Vec<SchemaProblem>, at: &Node, pattern: &str) {
    if let Err(e) = regex::Regex::new(pattern) {
        let why = e.to_string();
        let why = why.lines().last().unwrap_or_default().trim().to_string();
        out.push(SchemaProblem {
            pos: at.pos,
            message: format!(
                "the pattern `{pattern}` is not a regular expression Flow can compile ({why})"
            ),
            certain: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse;

    fn messages(text: &str) -> Vec<String> {
        check(&parse(text).unwrap())
            .into_iter()
            .map(|p| format!("{}:{}: {}", p.pos.line, p.pos.col, p.message))
            .collect()
    }

    #[test]
    fn good_schemas_have_no_problems() {
        let text = "type: object\nproperties:\n  a: {type: [string, 'null'], pattern: '^a+$'}\n  b: {items: [{type: integer}], additionalItems: false}\nrequired: [a]\nallOf: [{$ref: '#/$defs/x'}]\n$defs: {x: true}\nreduce: {strategy: merge}\nx-custom: 1\n";
        assert_eq!(messages(text), Vec::<String>::new());
    }

    #[test]
    fn mistakes_are_located_at_their_values() {
        let m = messages("type: object\nproperties:\n  amount: {type: numbr}\n  b: {type: [string, null]}\n  c: 5\nrequired: id\nanyOf: []\nminItems: -1\n");
        assert_eq!(
            m,
            vec![
                "3:18: `type` is `numbr`, which is not a JSON type (one of `array`, `boolean`, `integer`, `null`, `number`, `object` or `string`)",
                "4:22: the type `null` must be quoted (`'null'`): unquoted, YAML reads it as no value",
                "5:6: `c` in `properties` must be a JSON schema (a mapping, or `true` or `false`), found an integer",
                "6:11: `required` must be a list of property names, found a string",
                "7:8: `anyOf` must list at least one schema",
                "8:11: `minItems` must be a whole number of 0 or more, found `-1`",
            ]
        );
        let p = check(&parse("patternProperties: {'(?!x)': true}\n").unwrap());
        assert_eq!(p.len(), 1);
        assert!(!p[0].certain && p[0].message.contains("`(?!x)`"), "{p:?}");
    }
}
