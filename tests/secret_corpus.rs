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

use std::path::PathBuf;

use flowspec::form;
use flowspec::secrets::schema::{is_at_or_under, locate};
use serde_json::{Map, Value};

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/shared.rs"]
mod shared;

use corpus::{form_secrets, schemas_of, set};

fn corpus() -> Option<Vec<PathBuf>> {
    corpus::files(shared::path("schemas", "the secret corpus test")?)
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
