//! The canonical text of a discovered schema as its collection embeds it, read straight from
//! the connector's JSON text without building a `serde_json::Value`: the merge compares the
//! discovered schema of every existing binding with its collection's, and a large capture
//! has tens of thousands.
//!
//! Everything is written into one output string as it is read; an object's members are
//! written in the order they come and then put in key order (keys are borrowed from the
//! text), so a schema costs a few allocations instead of one per value.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use super::collections::write_string;
use super::path::BorrowedKey;

/// The canonical text (see [`super::collections::canonical`]) of the JSON object `raw` with
/// its `$id` replaced by `id`; `None` when `raw` is not a JSON object.
pub fn canonical_embedded_raw(id: &str, raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len() + id.len() + 16);
    let mut de = serde_json::Deserializer::from_str(raw);
    de.deserialize_map(Canon {
        out: &mut out,
        id: Some(id),
    })
    .ok()?;
    de.end().ok()?;
    Some(out)
}

/// Writes the value it reads canonically at the end of `out`. `id`: this is the top-level
/// object, whose `$id` becomes `id`.
struct Canon<'a> {
    out: &'a mut String,
    id: Option<&'a str>,
}

impl<'de> de::DeserializeSeed<'de> for Canon<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Canon<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        write!(self.out, "{v}").map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        write!(self.out, "{v}").map_err(E::custom)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        // As a `Value` holds it: a non-finite number becomes null.
        match serde_json::Number::from_f64(v) {
            Some(n) => write!(self.out, "{n}").map_err(E::custom),
            None => {
                self.out.push_str("null");
                Ok(())
            }
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        write_string(v, self.out);
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.out.push_str("null");
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.out.push('[');
        let mut first = true;
        loop {
            let at = self.out.len();
            if !first {
                self.out.push(',');
            }
            let seed = Canon {
                out: &mut *self.out,
                id: None,
            };
            if seq.next_element_seed(seed)?.is_none() {
                self.out.truncate(at);
                break;
            }
            first = false;
        }
        self.out.push(']');
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // The values are written one after the other from `start`; each member remembers its
        // key and where its value is, then the object is rewritten in key order.
        let start = self.out.len();
        let mut members: Vec<(Cow<'de, str>, usize, usize)> = Vec::new();
        while let Some(key) = map.next_key_seed(BorrowedKey)? {
            let from = self.out.len();
            map.next_value_seed(Canon {
                out: &mut *self.out,
                id: None,
            })?;
            if self.id.is_some() && key == "$id" {
                self.out.truncate(from);
                continue;
            }
            members.push((key, from, self.out.len()));
        }
        if let Some(id) = self.id {
            let from = self.out.len();
            write_string(id, self.out);
            members.push((Cow::Borrowed("$id"), from, self.out.len()));
        }
        // Stable: of equal keys the last one read stays last, and is the one kept (as a
        // `Value` would keep it).
        members.sort_by(|a, b| a.0.cmp(&b.0));
        let values = self.out.split_off(start);
        self.out.push('{');
        let mut first = true;
        for (i, (key, from, to)) in members.iter().enumerate() {
            if members.get(i + 1).is_some_and(|next| next.0 == *key) {
                continue;
            }
            if !first {
                self.out.push(',');
            }
            first = false;
            write_string(key, self.out);
            self.out.push(':');
            self.out.push_str(&values[from - start..to - start]);
        }
        self.out.push('}');
        Ok(())
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
            .then(|| canonical(&embedded(id, sub.clone()).unwrap()))
    }

    #[test]
    fn is_the_canonical_text_of_the_embedded_schema() {
        for sub in [
            json!({"type": "object", "$id": "old", "properties": {"a\"b": {"type": "string", "default": "x\\y\n"}}}),
            json!({"z": 1, "a": [true, null, 1.5, "é"]}),
        ] {
            let want = canonical(&embedded("flow://connector-schema", sub.clone()).unwrap());
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
