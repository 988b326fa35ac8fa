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
    let Some(path) = resource
        .get("_meta")
        .and_then(|m| m.get("path"))
        .and_then(Value::as_array)
    else {
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
        assert_eq!(label(&[]), "(no path)");
    }
}
