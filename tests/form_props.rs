//! Property test: configs generated from a schema survive form load + write-back unchanged
//! (values, unknown keys and key order), for the demo connector's schemas and fixtures.

use std::path::Path;

use flowspec::form::{self, FormNode, Kind, ScalarType};
use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Union};
use serde_json::{Map, Value};

fn fixture(name: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/form")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// Non-empty text (an empty string counts as "unset" and would be defaulted).
fn text() -> BoxedStrategy<Value> {
    "[a-z][a-z0-9 \\-\\t]{0,8}".prop_map(Value::String).boxed()
}

/// Configs the form would write itself: fields with a default or required are present.
fn config(node: &FormNode) -> BoxedStrategy<Value> {
    let value = match &node.kind {
        Kind::Scalar(ScalarType::String) => text(),
        Kind::Scalar(ScalarType::Integer) => any::<i64>().prop_map(Value::from).boxed(),
        Kind::Scalar(ScalarType::Number) => (-1_000_000i32..1_000_000)
            .prop_map(|n| Value::from(n as f64 / 4.0))
            .boxed(),
        Kind::Scalar(ScalarType::Boolean) => any::<bool>().prop_map(Value::Bool).boxed(),
        Kind::Const(c) => Just(c.clone()).boxed(),
        Kind::Choice { options } => {
            let values: Vec<Value> = options.iter().map(|o| o.value.clone()).collect();
            proptest::sample::select(values).boxed()
        }
        Kind::MultiSelect { options } => {
            let values: Vec<Value> = options.iter().map(|o| o.value.clone()).collect();
            proptest::sample::subsequence(values.clone(), 0..=values.len())
                .prop_map(Value::Array)
                .boxed()
        }
        Kind::List { item } => proptest::collection::vec(config(item), 0..3)
            .prop_map(Value::Array)
            .boxed(),
        Kind::Map { value } => proptest::collection::vec(("[a-z]{1,5}", config(value)), 0..3)
            .prop_map(|kv| Value::Object(kv.into_iter().collect()))
            .boxed(),
        Kind::Group { fields } => object(fields, None),
        Kind::Union(u) => Union::new(
            u.variants
                .iter()
                .map(|v| {
                    let tag = u.tag.clone().zip(v.tag_value.clone());
                    object(v.node.fields(), tag)
                })
                .collect::<Vec<_>>(),
        )
        .boxed(),
        Kind::Any | Kind::Recursive(_) => Just(Value::from("x")).boxed(),
    };
    if node.nullable {
        prop_oneof![1 => Just(Value::Null), 3 => value].boxed()
    } else {
        value
    }
}

fn object(fields: &[FormNode], tag: Option<(String, Value)>) -> BoxedStrategy<Value> {
    let parts: Vec<BoxedStrategy<Option<(String, Value)>>> = fields
        .iter()
        .map(|f| {
            let key = f.key.clone();
            if tag.as_ref().is_some_and(|(t, _)| t == &key) {
                let v = tag.as_ref().unwrap().1.clone();
                return Just(Some((key, v))).boxed();
            }
            let v = config(f).prop_map(move |v| Some((key.clone(), v)));
            if f.required || f.ann.default.is_some() {
                v.boxed()
            } else {
                prop_oneof![Just(None), v].boxed()
            }
        })
        .collect();
    (parts, any::<bool>(), any::<bool>())
        .prop_map(|(parts, unknown, shuffle)| {
            let mut entries: Vec<(String, Value)> = parts.into_iter().flatten().collect();
            if shuffle {
                entries.reverse();
            }
            if unknown {
                entries.insert(
                    0,
                    ("zz_unknown".into(), serde_json::json!({"keep": [1, "two"]})),
                );
            }
            Value::Object(entries.into_iter().collect::<Map<String, Value>>())
        })
        .boxed()
}

fn round_trips(schema: Value) {
    let f = form::build(&schema);
    let strategy = config(f.root());
    proptest!(ProptestConfig::with_cases(200), |(cfg in strategy)| {
        let out = f.load(&cfg).to_json();
        prop_assert_eq!(
            serde_json::to_string(&out).unwrap(),
            serde_json::to_string(&cfg).unwrap()
        );
    });
}

#[test]
fn demo_capture_config_round_trips() {
    round_trips(flowspec::connector::demo::capture_config_schema());
}

#[test]
fn demo_resource_config_round_trips() {
    round_trips(flowspec::connector::demo::capture_resource_schema());
}

#[test]
fn pydantic_fixture_round_trips() {
    round_trips(fixture("pydantic.json"));
}

#[test]
fn nested_fixture_round_trips() {
    round_trips(fixture("nested.json"));
}
