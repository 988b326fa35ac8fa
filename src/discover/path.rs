//! A binding's resource path: what identifies the resource it captures, and so what matches a
//! discovered binding to one the capture already has (a renamed target does not matter).
//!
//! Follows estuary/flow `crates/control-plane-api/src/discovers/specs.rs` (`resource_path`)
//! and `crates/validation/src/lib.rs` (`load_resource_meta_path`): `resource._meta.path` when it
//! is an array of strings, else the values at the connector's `resourcePathPointers`, where an
//! absent or null value is skipped (`{stream: x}` is `{stream: x, namespace: null}`) and any
//! other non-string value is an error.

use serde_json::Value;

/// The values that identify a resource, in pointer order.
pub type ResourcePath = Vec<String>;

/// `resource._meta.path` when it is an array of strings; empty otherwise (Flow reads it the
/// same way: anything else there counts as no path).
pub fn meta_path(resource: &Value) -> ResourcePath {
    resource.get("_meta").map(path_of_meta).unwrap_or_default()
}

/// The `path` of a resource's `_meta` value (see [`meta_path`]).
fn path_of_meta(meta: &Value) -> ResourcePath {
    let Some(path) = meta.get("path").and_then(Value::as_array) else {
        return Vec::new();
    };
    path.iter()
        .map(|p| p.as_str().map(str::to_string))
        .collect::<Option<Vec<_>>>()
        .unwrap_or_default()
}

/// The resource path of `resource`: its `_meta.path`, else the string values at `pointers`
/// (absent and null skipped). A pointer at a number, boolean, array or object is an error
/// naming the pointer.
pub fn resource_path(pointers: &[String], resource: &Value) -> Result<ResourcePath, String> {
    let meta = meta_path(resource);
    if !meta.is_empty() {
        return Ok(meta);
    }
    let mut path = Vec::with_capacity(pointers.len());
    for pointer in pointers {
        match query(resource, pointer) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => path.push(s.clone()),
            Some(_) => {
                return Err(format!(
                    "resource config includes non-string value at resource path pointer location '{pointer}'"
                ))
            }
        }
    }
    Ok(path)
}

/// [`resource_path`] of resources given as JSON text, reading only what it needs: a merge
/// finds the path of every discovered binding (100,000 in a large one), and building each
/// whole resource as a `Value` just to read two fields was most of its cost. Pointers of more
/// than one segment, and resources that are not JSON objects, go the `Value` way.
pub struct PathReader<'p> {
    pointers: &'p [String],
    /// The object key of each pointer, when every pointer names a top-level key.
    keys: Option<Vec<String>>,
}

impl<'p> PathReader<'p> {
    /// A reader for the connector's resource path pointers.
    pub fn new(pointers: &'p [String]) -> Self {
        PathReader {
            pointers,
            keys: pointers.iter().map(|p| top_level_key(p)).collect(),
        }
    }

    /// The resource path of the resource `raw` (JSON text).
    pub fn read(&self, raw: &str) -> Result<ResourcePath, RawPathError> {
        resource_path_raw(self.pointers, self.keys.as_deref(), raw)
    }
}

fn resource_path_raw(
    pointers: &[String],
    keys: Option<&[String]>,
    raw: &str,
) -> Result<ResourcePath, RawPathError> {
    let fields = keys.and_then(|keys| {
        let mut de = serde_json::Deserializer::from_str(raw);
        let fields = serde::Deserializer::deserialize_map(&mut de, TopLevel).ok()?;
        de.end().ok()?;
        Some((keys, fields))
    });
    let Some((keys, fields)) = fields else {
        let resource: Value = serde_json::from_str(raw).map_err(RawPathError::Json)?;
        return resource_path(pointers, &resource).map_err(RawPathError::Path);
    };
    // As a `Value` would hold it: a repeated key keeps its last value.
    let field = |name: &str| {
        fields
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| *v)
    };
    if let Some(meta) = field("_meta") {
        let meta: Value = serde_json::from_str(meta.get()).map_err(RawPathError::Json)?;
        let path = path_of_meta(&meta);
        if !path.is_empty() {
            return Ok(path);
        }
    }
    let mut path = Vec::with_capacity(pointers.len());
    for (pointer, key) in pointers.iter().zip(keys) {
        let Some(v) = field(key) else { continue };
        match v.get().as_bytes().first() {
            Some(b'n') => {}
            Some(b'"') => path.push(serde_json::from_str(v.get()).map_err(RawPathError::Json)?),
            _ => {
                return Err(RawPathError::Path(format!(
                    "resource config includes non-string value at resource path pointer location '{pointer}'"
                )))
            }
        }
    }
    Ok(path)
}

/// Why [`resource_path_raw`] found no path.
#[derive(Debug)]
pub enum RawPathError {
    /// The text is not JSON.
    Json(serde_json::Error),
    /// The value at a pointer is not a string (the message names the pointer).
    Path(String),
}

/// The one object key a pointer like `/stream` names (`~1` and `~0` unescaped); `None` for
/// the whole document or a deeper pointer.
fn top_level_key(pointer: &str) -> Option<String> {
    let key = pointer.strip_prefix('/')?;
    (!key.contains('/')).then(|| key.replace("~1", "/").replace("~0", "~"))
}

/// A JSON object's members, keys borrowed from the text where they have no escapes and values
/// left as text.
struct TopLevel;

impl<'de> serde::de::Visitor<'de> for TopLevel {
    type Value = Vec<(std::borrow::Cow<'de, str>, &'de serde_json::value::RawValue)>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(key) = map.next_key_seed(BorrowedKey)? {
            out.push((key, map.next_value()?));
        }
        Ok(out)
    }
}

/// An object key, borrowed from the text when it has no escapes.
pub(super) struct BorrowedKey;

impl<'de> serde::de::DeserializeSeed<'de> for BorrowedKey {
    type Value = std::borrow::Cow<'de, str>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> serde::de::Visitor<'de> for BorrowedKey {
    type Value = std::borrow::Cow<'de, str>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Borrowed(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Owned(v.to_string()))
    }
}

/// The value at a JSON pointer (`""` is the whole document; `/a/0` indexes arrays).
fn query<'v>(doc: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(doc);
    }
    doc.pointer(pointer)
}

/// A path for people: its parts joined with `.` (`shop.orders`), `(no path)` when empty.
pub fn label(path: &[String]) -> String {
    if path.is_empty() {
        "(no path)".to_string()
    } else {
        path.join(".")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ptrs(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn paths_come_from_meta_first_then_pointers() {
        let p = ptrs(&["/namespace", "/stream"]);
        for (resource, expect) in [
            (json!({"stream": "a", "namespace": "x"}), Ok(vec!["x", "a"])),
            // Absent and null are the same: skipped.
            (json!({"stream": "a"}), Ok(vec!["a"])),
            (json!({"stream": "a", "namespace": null}), Ok(vec!["a"])),
            // `_meta.path` wins over the pointers, even when the fields disagree.
            (
                json!({"stream": "new", "_meta": {"path": ["old", "path"]}}),
                Ok(vec!["old", "path"]),
            ),
            // A `_meta` that is not an array of strings counts as none.
            (
                json!({"stream": "a", "_meta": {"path": ["x", 1]}}),
                Ok(vec!["a"]),
            ),
            (json!({"stream": "a", "_meta": {"other": 1}}), Ok(vec!["a"])),
            (json!({"stream": "a", "_meta": null}), Ok(vec!["a"])),
            (
                json!({"stream": 7}),
                Err("resource config includes non-string value at resource path pointer location '/stream'"),
            ),
            (json!({"stream": {"x": 1}}), Err("resource config includes non-string value at resource path pointer location '/stream'")),
        ] {
            let got = resource_path(&p, &resource);
            let want = expect
                .map(|v| v.into_iter().map(String::from).collect::<Vec<_>>())
                .map_err(String::from);
            assert_eq!(got, want, "{resource}");
        }
        assert_eq!(label(&["shop".into(), "orders".into()]), "shop.orders");
    }

    #[test]
    fn the_path_read_from_text_is_the_path_read_from_a_value() {
        let resources = [
            r#"{"stream": "a", "namespace": "x"}"#,
            r#"{"stream": "a"}"#,
            r#"{"namespace": null, "stream": "a"}"#,
            r#"{"stream": "new", "_meta": {"path": ["old", "path"]}}"#,
            r#"{"stream": "a", "_meta": {"path": ["x", 1]}}"#,
            r#"{"stream": "a", "_meta": null}"#,
            r#"{"stream": 7}"#,
            r#"{"stream": {"x": 1}}"#,
            r#"{"stream": [1]}"#,
            r#"{"stream": true, "namespace": "n"}"#,
            r#"{"stream": "first", "stream": "last"}"#,
            r#"{"str\u0065am": "escaped key", "a/b": "slash", "t~": "tilde"}"#,
            r#"{"stream": "quote \" and \u00e9"}"#,
            r#"{"table": {"name": "deep"}, "stream": "s"}"#,
            r#"["not", "an", "object"]"#,
            r#""text""#,
            r#"null"#,
        ];
        let pointer_sets: [&[&str]; 5] = [
            &["/namespace", "/stream"],
            &["/stream"],
            &["/a~1b", "/t~0"],
            &["/table/name", "/stream"],
            &[""],
        ];
        for raw in resources {
            let v: Value = serde_json::from_str(raw).unwrap();
            for set in pointer_sets {
                let p = ptrs(set);
                let got = PathReader::new(&p).read(raw).map_err(|e| match e {
                    RawPathError::Path(m) => m,
                    RawPathError::Json(e) => panic!("{raw}: {e}"),
                });
                assert_eq!(got, resource_path(&p, &v), "{raw} at {set:?}");
            }
        }
        assert!(matches!(
            PathReader::new(&ptrs(&["/stream"])).read("{\"stream\": "),
            Err(RawPathError::Json(_))
        ));
        assert_eq!(label(&[]), "(no path)");
    }
}
