//! The canonical text of a discovered schema as its collection embeds it, read straight from
//! the connector's JSON text without building a `serde_json::Value`: the merge compares the
//! discovered schema of every existing binding with its collection's, and a large capture
//! has tens of thousands.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

/// The canonical text (see [`super::collections::canonical`]) of the JSON object `raw` with
/// its `$id` replaced by `id`; `None` when `raw` is not a JSON object.
pub fn canonical_embedded_raw(id: &str, raw: &str) -> Option<String> {
    let mut de = serde_json::Deserializer::from_str(raw);
    let Canon::Object(mut entries) = de.deserialize_any(CanonVisitor).ok()? else {
        return None;
    };
    de.end().ok()?;
    entries.retain(|(k, _)| k != "$id");
    let mut id_text = String::new();
    super::collections::write_string(id, &mut id_text);
    entries.push(("$id".to_string(), id_text));
    Some(join_object(entries))
}

/// A JSON value written canonically; objects are kept as entries until their parent writes
/// them, so the top level can change its `$id`.
enum Canon {
    Object(Vec<(String, String)>),
    Text(String),
}

impl Canon {
    fn into_text(self) -> String {
        match self {
            Canon::Object(entries) => join_object(entries),
            Canon::Text(t) => t,
        }
    }
}

/// `{"k":v,...}` with the keys sorted; a repeated key keeps its last value (as a
/// `serde_json::Value` would).
fn join_object(mut entries: Vec<(String, String)>) -> String {
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = String::with_capacity(entries.iter().map(|(k, v)| k.len() + v.len() + 4).sum());
    out.push('{');
    let mut first = true;
    for (i, (k, v)) in entries.iter().enumerate() {
        if entries.get(i + 1).is_some_and(|next| next.0 == *k) {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        super::collections::write_string(k, &mut out);
        out.push(':');
        out.push_str(v);
    }
    out.push('}');
    out
}

struct CanonVisitor;

impl<'de> Visitor<'de> for CanonVisitor {
    type Value = Canon;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Canon, E> {
        Ok(Canon::Text(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Canon, E> {
        Ok(Canon::Text(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Canon, E> {
        Ok(Canon::Text(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Canon, E> {
        // As a `Value` holds it: a non-finite number becomes null.
        Ok(Canon::Text(
            serde_json::Number::from_f64(v).map_or_else(|| "null".to_string(), |n| n.to_string()),
        ))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Canon, E> {
        let mut out = String::with_capacity(v.len() + 2);
        super::collections::write_string(v, &mut out);
        Ok(Canon::Text(out))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Canon, E> {
        Ok(Canon::Text("null".to_string()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Canon, A::Error> {
        let mut out = String::from("[");
        let mut first = true;
        while let Some(item) = seq.next_element_seed(CanonSeed)? {
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(&item.into_text());
        }
        out.push(']');
        Ok(Canon::Text(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Canon, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(CanonSeed)?;
            entries.push((key, value.into_text()));
        }
        Ok(Canon::Object(entries))
    }
}

struct CanonSeed;

impl<'de> de::DeserializeSeed<'de> for CanonSeed {
    type Value = Canon;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Canon, D::Error> {
        d.deserialize_any(CanonVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::collections::canonical;
    use crate::discover::schema::embedded;
    use serde_json::{json, Value};

    /// The canonical text of `sub` embedded under `id`, through a `Value`.
    fn canonical_embedded(id: &str, sub: &Value) -> Option<String> {
        sub.is_object()
            .then(|| canonical(&embedded(id, sub).unwrap()))
    }

    #[test]
    fn is_the_canonical_text_of_the_embedded_schema() {
        for sub in [
            json!({"type": "object", "$id": "old", "properties": {"a\"b": {"type": "string", "default": "x\\y\n"}}}),
            json!({"z": 1, "a": [true, null, 1.5, "é"]}),
        ] {
            let want = canonical(&embedded("flow://connector-schema", &sub).unwrap());
            assert_eq!(
                canonical_embedded_raw("flow://connector-schema", &sub.to_string()).unwrap(),
                want
            );
        }
        assert_eq!(canonical_embedded_raw("x", "[1]"), None);
    }

    #[test]
    fn agrees_with_the_value_based_canonical_form() {
        let id = "flow://connector-schema";
        for raw in [
            r#"{"type":"object","properties":{"b":{"type":"string"},"a":{"type":["integer","null"]}},"required":["a"]}"#,
            r#"{"$id":"x","z":1.5,"y":-3,"x":18446744073709551615,"w":1e300,"v":0.1}"#,
            r#"{"s":"quote \" back \\ tab \t nl \n é \u0001","n":null,"t":true,"f":false,"e":[],"o":{}}"#,
            r#"{"dup":1,"a":[{"k":2,"j":[1,{"y":1,"x":2}]}],"dup":2}"#,
            r#"  {"a":1}  "#,
        ] {
            let v: Value = serde_json::from_str(raw).unwrap();
            assert_eq!(
                canonical_embedded_raw(id, raw),
                canonical_embedded(id, &v),
                "{raw}"
            );
        }
        for not_object in ["[1]", "1", "\"s\"", "null", "{", "{} {}", ""] {
            assert_eq!(canonical_embedded_raw(id, not_object), None, "{not_object}");
        }
    }
}
