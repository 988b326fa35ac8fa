//! Text typed into a field → the JSON value to store, so every front end parses the same way
//! (integers as 64-bit, `null` for an emptied nullable field, raw JSON for free-form fields).

use serde_json::Value;

use super::node::{FormNode, Kind, ScalarType};

/// Parses `text` typed into `node`'s input. `Ok(None)` means "unset the field" (empty text
/// in a non-nullable scalar; the caller clears it). Errors are phrased for the user.
pub fn parse_input(node: &FormNode, text: &str) -> Result<Option<Value>, String> {
    let t = text.trim();
    if t.is_empty() && !matches!(node.kind, Kind::Scalar(ScalarType::String)) {
        return Ok(node.nullable.then_some(Value::Null));
    }
    match &node.kind {
        Kind::Scalar(ScalarType::String) => {
            if text.is_empty() {
                Ok(node.nullable.then_some(Value::Null))
            } else {
                Ok(Some(Value::String(text.to_string())))
            }
        }
        Kind::Scalar(ScalarType::Integer) => t
            .replace('_', "")
            .parse::<i64>()
            .map(|n| Some(Value::from(n)))
            .map_err(|_| format!("`{t}` is not a whole number")),
        Kind::Scalar(ScalarType::Number) => t
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .and_then(serde_json::Number::from_f64)
            .map(|n| Some(Value::Number(n)))
            .ok_or_else(|| format!("`{t}` is not a number")),
        Kind::Scalar(ScalarType::Boolean) => match t.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" => Ok(Some(Value::Bool(true))),
            "false" | "no" | "off" | "0" => Ok(Some(Value::Bool(false))),
            _ => Err(format!("`{t}` is not true or false")),
        },
        Kind::Choice { options } => options
            .iter()
            .find(|o| o.label == t || super::text::display_value(&o.value) == t)
            .map(|o| Some(o.value.clone()))
            .ok_or_else(|| format!("`{t}` is not one of the choices")),
        Kind::Const(c) => Ok(Some(c.clone())),
        _ => serde_json::from_str(t)
            .map(Some)
            .map_err(|e| format!("not valid JSON: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::form::build;

    #[test]
    fn typed_text_becomes_typed_values() {
        let f = build(&json!({"type": "object", "properties": {
            "i": {"type": "integer"}, "n": {"type": "number"}, "b": {"type": "boolean"},
            "s": {"type": ["string", "null"]}, "c": {"enum": ["x", "\t"]}, "a": {}
        }}));
        let p = |k: &str, t: &str| parse_input(f.root().field(k).unwrap(), t);
        assert_eq!(p("i", "10_737_418_240"), Ok(Some(json!(10737418240_i64))));
        assert!(p("i", "1.5").unwrap_err().contains("whole number"));
        assert_eq!(p("i", ""), Ok(None));
        assert_eq!(p("n", "0.25"), Ok(Some(json!(0.25))));
        assert_eq!(p("b", "Yes"), Ok(Some(json!(true))));
        assert_eq!(p("s", ""), Ok(Some(json!(null))));
        assert_eq!(p("s", " a "), Ok(Some(json!(" a "))));
        assert_eq!(p("c", "\\t"), Ok(Some(json!("\t"))));
        assert_eq!(p("a", "[1, 2]"), Ok(Some(json!([1, 2]))));
    }
}
