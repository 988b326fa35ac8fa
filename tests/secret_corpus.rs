//! Secret detection over every schema of the shared corpus (`../shared/schemas`, read in
//! place: endpoint and resource config schemas, and the ones inside full spec responses),
//! checked against an independent implementation: the config form's tree, whose fields carry
//! the `secret`/`airbyte_secret` annotation as the form builder resolved it (`$ref`s, `allOf`
//! merges, union variants, list items, map values). For each schema, a config holding a
//! value at every location the form marks secret goes through `secrets::schema::locate`,
//! which must find each of them, and nothing unrelated to them; and a schema yields secret
//! locations exactly when its text carries the annotation somewhere.
//!
//! Without `../shared` the test says so and checks nothing — unless `CI` is set, where a
//! missing corpus is a failure rather than a silent pass (`tests/support/shared.rs`). The
//! constructs themselves are tested on flowspec's own fixtures in `src/secrets/tests.rs`.

use std::path::{Path, PathBuf};

use flowspec::form::pointer::{join, segments};
use flowspec::form::{self, FormNode, Kind};
use flowspec::secrets::schema::{is_at_or_under, locate};
use serde_json::{Map, Value};

#[path = "support/shared.rs"]
mod shared;

/// The key used for a map's (free-named) values.
const ANY_KEY: &str = "any_key";

fn corpus() -> Option<Vec<PathBuf>> {
    let dir = shared::path("schemas", "the secret corpus test")?;
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{} cannot be read: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            n.ends_with(".config.schema.json")
                || n.ends_with(".resource.schema.json")
                || n.ends_with(".spec.json")
        })
        .collect();
    files.sort();
    Some(files)
}

/// The schemas in one corpus file: itself, or a spec's config and resource schemas.
fn schemas_of(path: &Path) -> Vec<(String, Value)> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    if !name.ends_with(".spec.json") {
        return vec![(name, doc)];
    }
    let mut out = vec![(
        format!("{name} config"),
        form::config_schema_of(&doc).clone(),
    )];
    if let Some(r) = doc.get("resourceConfigSchema") {
        out.push((format!("{name} resource"), r.clone()));
    }
    out
}

/// Every location the form tree marks secret (a secret node is not descended into), with
/// list items at index 0 and map values under [`ANY_KEY`].
fn form_secrets(node: &FormNode, pointer: &str, out: &mut Vec<String>) {
    if node.ann.secret {
        out.push(pointer.to_string());
        return;
    }
    match &node.kind {
        Kind::Group { fields } => {
            for f in fields {
                form_secrets(f, &join(pointer, &f.key), out);
            }
        }
        Kind::Union(u) => {
            for v in &u.variants {
                form_secrets(&v.node, pointer, out);
            }
        }
        Kind::List { item } => form_secrets(item, &join(pointer, "0"), out),
        Kind::Map { value } => form_secrets(value, &join(pointer, ANY_KEY), out),
        _ => {}
    }
}

/// Sets a string at `pointer` in `config`, creating objects (and a one-item array for a `0`
/// segment); false when an earlier value is in the way.
fn set(config: &mut Value, pointer: &str) -> bool {
    let segs = segments(pointer);
    let mut cur = config;
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        let next_is_index = segs.get(i + 1).is_some_and(|s| s == "0");
        let fresh = || {
            if last {
                Value::String("canary".into())
            } else if next_is_index {
                Value::Array(Vec::new())
            } else {
                Value::Object(Map::new())
            }
        };
        cur = match cur {
            Value::Object(m) => {
                if last && m.contains_key(seg) {
                    return false;
                }
                m.entry(seg.clone()).or_insert_with(fresh)
            }
            Value::Array(items) if seg == "0" => {
                if items.is_empty() {
                    items.push(fresh());
                } else if last {
                    return false;
                }
                &mut items[0]
            }
            _ => return false,
        };
    }
    true
}

#[test]
fn every_corpus_schema_agrees_with_the_form_on_its_secrets() {
    let Some(files) = corpus() else { return };
    assert!(
        files.len() >= 400,
        "expected the corpus' ~450 schema files, found {}",
        files.len()
    );
    let mut with_secrets = 0;
    let mut problems = Vec::new();
    for path in &files {
        for (name, schema) in schemas_of(path) {
            let mut expected = Vec::new();
            form_secrets(form::build(&schema).root(), "", &mut expected);
            let mut config = Value::Object(Map::new());
            let placed: Vec<String> = expected
                .into_iter()
                .filter(|p| set(&mut config, p))
                .collect();
            let found = locate(&schema, &config);
            if !found.is_empty() {
                with_secrets += 1;
            }
            // A third witness: the annotation written anywhere in the schema.
            let text = serde_json::to_string(&schema).unwrap();
            let annotated =
                text.contains("\"secret\":true") || text.contains("\"airbyte_secret\":true");
            let located = !found.is_empty();
            if annotated != located {
                problems.push(format!(
                    "{name}: annotated: {annotated}, located: {found:?}"
                ));
            }
            for p in &placed {
                if !found.iter().any(|l| is_at_or_under(p, l)) {
                    problems.push(format!("{name}: {p} is secret in the form, not found"));
                }
            }
            for l in &found {
                if !placed
                    .iter()
                    .any(|p| is_at_or_under(p, l) || is_at_or_under(l, p))
                {
                    problems.push(format!(
                        "{name}: {l} found, unrelated to the form's secrets"
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} disagreements:\n{}",
        problems.len(),
        problems.join("\n")
    );
    // Not vacuous: the corpus has secrets in well over a hundred endpoint configs.
    assert!(
        with_secrets >= 200,
        "only {with_secrets} schemas had secrets located"
    );
}
