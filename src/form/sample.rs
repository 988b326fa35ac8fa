//! Sample values for required fields, so a template can be checked end to end (tests, docs).
//!
//! Values are tried in turn until the validator accepts them: `examples` first, then values
//! fitting the `format`, bounds and lengths, then common shapes (host:port, cron, region…).
//! What it cannot satisfy (a free-form `pattern` none of the candidates match, a `not`,
//! cross-field rules) is left invalid: the corpus test lists those schemas by name.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::node::{FormNode, Kind, ScalarType};
use super::Form;

/// `config` (typically a template's defaults) with every missing required field filled by a
/// type-correct value the schema accepts where a simple one exists.
pub fn fill_for_validation(form: &Form, config: &Value) -> Value {
    let mut state = form.load(config);
    let mut attempts: HashMap<String, usize> = HashMap::new();
    for _ in 0..200 {
        let Some(err) = state
            .errors()
            .iter()
            .find(|e| attempts.get(&e.pointer).copied().unwrap_or(0) < 12)
            .cloned()
        else {
            break;
        };
        let n = attempts.entry(err.pointer.clone()).or_insert(0);
        let attempt = *n;
        *n += 1;
        let v = match state.node_at(&err.pointer) {
            Some(node) => candidate(node, attempt),
            None => generic(attempt),
        };
        if state.set(&err.pointer, v).is_err() {
            attempts.insert(err.pointer.clone(), usize::MAX);
        }
    }
    state.to_json()
}

fn generic(attempt: usize) -> Value {
    [json!("x"), json!({}), json!(1), json!(true), json!([])][attempt % 5].clone()
}

/// The `attempt`-th value to try for `node`.
fn candidate(node: &FormNode, attempt: usize) -> Value {
    let mut list: Vec<Value> = match &node.kind {
        Kind::Const(c) => vec![c.clone()],
        Kind::Choice { options } => options.iter().map(|o| o.value.clone()).collect(),
        Kind::MultiSelect { options } => options.iter().map(|o| json!([o.value])).collect(),
        Kind::Scalar(ScalarType::String) => strings(node),
        Kind::Scalar(ScalarType::Integer) => numbers(node, true),
        Kind::Scalar(ScalarType::Number) => numbers(node, false),
        Kind::Scalar(ScalarType::Boolean) => vec![json!(false), json!(true)],
        Kind::Group { .. } | Kind::Union(_) | Kind::Map { .. } => vec![json!({})],
        Kind::List { item } => {
            let n = node.ann.min_items.unwrap_or(0).min(3) as usize;
            vec![Value::Array((0..n).map(|_| candidate(item, 0)).collect())]
        }
        Kind::Any | Kind::Recursive(_) => (0..5).map(generic).collect(),
    };
    if node.nullable {
        list.push(Value::Null);
    }
    list.get(attempt % list.len().max(1))
        .cloned()
        .unwrap_or(Value::Null)
}

fn strings(node: &FormNode) -> Vec<Value> {
    let a = &node.ann;
    let mut out: Vec<String> = a
        .examples
        .iter()
        .filter_map(|e| match e {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .collect();
    match a.format.as_deref() {
        Some("date-time") => out.push("2024-01-01T00:00:00Z".into()),
        Some("date") => out.push("2024-01-01".into()),
        Some("time") => out.push("00:00:00Z".into()),
        Some("duration") => out.push("PT5M".into()),
        Some("uri" | "url") => out.push("https://example.com".into()),
        Some("email") => out.push("someone@example.com".into()),
        Some("hostname") => out.push("example.com".into()),
        Some("ipv4") => out.push("10.0.0.1".into()),
        Some("uuid") => out.push("00000000-0000-4000-8000-000000000000".into()),
        _ => {}
    }
    if let Some(p) = &a.pattern {
        out.extend(from_pattern(p));
    }
    for s in [
        "example",
        "example.com",
        "owner/repo",
        "123",
        "db.example.com:5432",
        "https://example.com",
        "2024-01-01T00:00:00Z",
        "2024-01-01",
        "us-east-1",
        "0 0 * * *",
        "5m",
        "PT5M",
        "abc123",
        "a",
    ] {
        out.push(s.into());
    }
    let min = a.min_length.unwrap_or(0) as usize;
    out.into_iter()
        .map(|mut s| {
            while s.chars().count() < min {
                s.push('x');
            }
            if let Some(max) = a.max_length {
                s = s.chars().take(max as usize).collect();
            }
            Value::String(s)
        })
        .collect()
}

fn numbers(node: &FormNode, integer: bool) -> Vec<Value> {
    let a = &node.ann;
    let f = |n: &Option<serde_json::Number>| n.as_ref().and_then(|n| n.as_f64());
    let lo = f(&a.minimum).or(f(&a.exclusive_minimum).map(|x| x + 1.0));
    let hi = f(&a.maximum).or(f(&a.exclusive_maximum).map(|x| x - 1.0));
    let mut out = Vec::new();
    for e in &a.examples {
        if let Some(x) = e.as_f64().or_else(|| e.as_str()?.parse().ok()) {
            out.push(x);
        }
    }
    out.extend(lo);
    out.push(1.0);
    out.extend(hi);
    out.push(0.0);
    out.into_iter()
        .map(|x| {
            let x = match (lo, hi) {
                (Some(l), _) if x < l => l,
                (_, Some(h)) if x > h => h,
                _ => x,
            };
            if integer {
                json!(x.ceil() as i64)
            } else {
                json!(x)
            }
        })
        .collect()
}

/// Strings built from a pattern's literal start or end: `^/.+` → `/x`,
/// `^[^/:]+.snowflakecomputing.com$` → `x.snowflakecomputing.com`.
fn from_pattern(p: &str) -> Vec<String> {
    let literal = |c: char| c.is_alphanumeric() || "/:.-_ @=,".contains(c);
    let mut out = Vec::new();
    if let Some(rest) = p.strip_prefix('^') {
        let mut prefix = String::new();
        let mut chars = rest.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some(e) if literal(e) => prefix.push(e),
                    _ => break,
                }
            } else if literal(c) {
                prefix.push(c);
            } else {
                break;
            }
        }
        // A quantifier after the last literal makes it optional/repeated: drop it.
        if matches!(chars.peek(), Some('?' | '*' | '{')) {
            prefix.pop();
        }
        if !prefix.is_empty() {
            out.push(format!("{prefix}x"));
            out.push(prefix);
        }
    }
    if let Some(rest) = p.strip_suffix('$') {
        let suffix: String = rest
            .chars()
            .rev()
            .take_while(|c| literal(*c))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if !suffix.is_empty() && !rest.ends_with("\\.") {
            out.push(format!("x{suffix}"));
        }
    }
    out
}
