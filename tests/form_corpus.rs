//! Every schema of the shared corpus (`../shared/schemas`, read in place) builds a form
//! without panicking, and its template, with required placeholders filled by
//! `fill_for_validation`, validates against the schema.
//!
//! Without `../shared` the tests say so and check nothing; under CI that is a failure
//! (`tests/support/shared.rs`).

use std::path::{Path, PathBuf};

use flowspec::form::{self, Kind};
use serde_json::Value;

#[path = "support/shared.rs"]
mod shared;

/// Schemas whose filled template is known not to validate, by file name, with the reason.
///
/// Empty today: every corpus schema's required fields are satisfiable by
/// `fill_for_validation` (examples, formats, bounds, literal pattern prefixes/suffixes and a
/// few common shapes). What it cannot do in general — and what would be listed here — is a
/// `pattern` with no example and no literal start or end that none of its stock candidates
/// match, `not`/`if-then-else` rules, and cross-field constraints. The test fails if a listed
/// schema starts validating, so the list stays honest.
const UNSATISFIABLE: &[(&str, &str)] = &[];

/// The shared corpus directory (see `support/shared.rs`).
fn corpus_dir() -> Option<PathBuf> {
    shared::path("schemas", "the form corpus tests")
}

fn corpus() -> Option<Vec<PathBuf>> {
    let dir = corpus_dir()?;
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{} cannot be read: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            n.ends_with(".config.schema.json") || n.ends_with(".resource.schema.json")
        })
        .collect();
    files.sort();
    Some(files)
}

fn load(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn every_corpus_schema_builds_and_its_filled_template_validates() {
    let Some(files) = corpus() else { return };
    assert!(
        files.len() >= 280,
        "expected the 290 corpus schemas, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let schema = load(path);
        let f = form::build(&schema);
        let yaml = form::template(&f);
        let parsed: Value = match serde_yaml::from_str(&yaml) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{name}: template is not YAML: {e}\n{yaml}"));
                continue;
            }
        };
        let filled = form::fill_for_validation(&f, &parsed);
        let state = f.load(&filled);
        let errors = state.errors().to_vec();
        if serde_json::to_string(&state.to_json()).unwrap()
            != serde_json::to_string(&filled).unwrap()
        {
            failures.push(format!("{name}: loading the filled template changed it"));
        }
        let allowed = UNSATISFIABLE.iter().any(|(n, _)| *n == name);
        match (errors.is_empty(), allowed) {
            (true, true) => failures.push(format!("{name}: listed as unsatisfiable but validates")),
            (false, false) => failures.push(format!(
                "{name}: {:?}\n  filled: {filled}",
                errors
                    .iter()
                    .map(|e| format!("{} {}", e.pointer, e.message))
                    .collect::<Vec<_>>()
            )),
            _ => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn spec_responses_yield_their_config_schema() {
    // A Flow spec response (`configSchema`) and an Airbyte one (`connectionSpecification`).
    for name in [
        "source-postgres.spec.json",
        "airbyte-source-postgres-2023.spec.json",
    ] {
        let what = format!("the spec-response check of {name}");
        let Some(p) = shared::path(&format!("schemas/{name}"), &what) else {
            continue;
        };
        let spec = load(&p);
        let schema = form::config_schema_of(&spec);
        assert!(
            schema.get("properties").is_some() || schema.get("oneOf").is_some(),
            "{name}"
        );
    }
}

#[test]
fn hardest_schemas_have_the_expected_shapes() {
    let Some(dir) = corpus_dir() else { return };
    // Root-level discriminated $ref union.
    let f = form::build(&load(&dir.join("source-appsflyer.resource.schema.json")));
    assert!(
        matches!(f.root().kind, Kind::Union(_)),
        "{:?}",
        f.root().kind
    );
    // source-s3: the parser format union and its enum-with-titles options.
    let f = form::build(&load(&dir.join("source-s3.config.schema.json")));
    let mut unions = 0;
    let mut null_choice = false;
    f.root().walk(&mut |n| match &n.kind {
        Kind::Union(u) => unions += u.variants.len(),
        Kind::Choice { options } => null_choice |= options.iter().any(|o| o.value.is_null()),
        _ => {}
    });
    assert!(unions >= 9, "{unions}");
    assert!(null_choice);
}
