//! Flow's published catalog JSON Schema (`../shared/flow-catalog.schema.json`, read in place),
//! compiled for checking files flowspec writes. The one adjustment is `check_oracle`'s: the
//! sqlite/typescript/python `oneOf`s of two string forms are read as `anyOf` (draft 2020-12's
//! `contentMediaType` only annotates, so every path matches both branches).
#![allow(dead_code)]

use std::path::Path;

use serde_json::Value;

#[path = "shared.rs"]
mod shared;

/// Turns `oneOf`s whose branches are all strings into `anyOf` (see the module comment);
/// returns how many were changed.
fn relax_string_one_ofs(v: &mut Value) -> usize {
    let mut changed = 0;
    match v {
        Value::Object(map) => {
            let all_strings = map
                .get("oneOf")
                .and_then(Value::as_array)
                .is_some_and(|alts| {
                    alts.len() > 1
                        && alts.iter().all(|a| {
                            a.get("type") == Some(&Value::String("string".into()))
                                && a.get("const").is_none()
                        })
                });
            if all_strings {
                let alts = map.remove("oneOf").unwrap();
                map.insert("anyOf".into(), alts);
                changed += 1;
            }
            for child in map.values_mut() {
                changed += relax_string_one_ofs(child);
            }
        }
        Value::Array(items) => {
            for child in items {
                changed += relax_string_one_ofs(child);
            }
        }
        _ => {}
    }
    changed
}

/// The compiled schema; `None` (with a note) when `../shared` lacks it outside CI.
pub fn validator() -> Option<jsonschema::Validator> {
    let text = shared::read("flow-catalog.schema.json", "the catalog JSON Schema check")?;
    let mut schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    let relaxed = relax_string_one_ofs(&mut schema);
    assert_eq!(
        relaxed, 3,
        "expected exactly the sqlite/typescript/python string oneOfs; the schema changed"
    );
    Some(
        jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("the schema compiles"),
    )
}

/// The schema's complaints about the catalog file `file` (empty: accepted).
pub fn errors(validator: &jsonschema::Validator, file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let doc = flowspec::yaml::parse(&text)
        .unwrap_or_else(|e| panic!("{}: {e}", file.display()))
        .to_json();
    validator
        .iter_errors(&doc)
        .map(|e| format!("{}: {} at `{}`", file.display(), e, e.instance_path()))
        .collect()
}

/// Asserts that Flow's catalog JSON Schema accepts every `flow.yaml` below `dir`; returns how
/// many it checked, `None` when the schema is missing (outside CI).
pub fn assert_accepts_every_flow_yaml(dir: &Path) -> Option<usize> {
    let v = validator()?;
    let mut checked = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n == "flow.yaml") {
                let errors = errors(&v, &p);
                assert!(errors.is_empty(), "{}: {errors:#?}", p.display());
                checked += 1;
            }
        }
    }
    Some(checked)
}
