//! Every discovered schema of the shared corpus (`../shared/schemas/*.discover.json`, real
//! connectors' discover output, read in place) written straight from its JSON text as a new
//! collection's schema file is exactly the file rendered from the parsed schema, with its
//! JSON length (which decides whether the schema gets a file of its own). Flowspec's own
//! fixtures for each construct are in `discover::schema`'s unit tests.

#[path = "support/shared.rs"]
mod shared;

use flowspec::discover::{edits, schema};
use serde_json::value::RawValue;
use serde_json::Value;

#[derive(serde::Deserialize)]
struct Discovered<'a> {
    #[serde(borrow)]
    bindings: Vec<Binding<'a>>,
}

#[derive(serde::Deserialize)]
struct Binding<'a> {
    #[serde(rename = "documentSchema", borrow)]
    document_schema: &'a RawValue,
}

#[test]
fn real_discovered_schemas_written_from_their_text_match_the_parsed_ones() {
    let Some(dir) = shared::path("schemas", "discovered schemas written from their text") else {
        return;
    };
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if !path.to_string_lossy().ends_with(".discover.json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let discovered: Discovered = serde_json::from_str(&text).unwrap();
        for (i, b) in discovered.bindings.iter().enumerate() {
            let raw = b.document_schema.get();
            let parsed: Value = serde_json::from_str(raw).unwrap();
            let Some((text, len)) = schema::fresh_document(raw) else {
                // Schemas asking for a read schema are worked out from the value.
                assert!(
                    parsed.get(schema::X_INFER_SCHEMA).is_some()
                        || parsed.get(schema::X_INITIAL_READ_SCHEMA).is_some(),
                    "{} binding {i}: not written from its text",
                    path.display()
                );
                continue;
            };
            let value = schema::fresh(parsed).unwrap();
            assert_eq!(
                text,
                edits::document(false, &value).unwrap(),
                "{} binding {i}",
                path.display()
            );
            assert_eq!(len, serde_json::to_string(&value).unwrap().len());
            checked += 1;
        }
    }
    assert!(checked > 0, "no discovered schema in the corpus");
    eprintln!("{checked} discovered schemas checked");
}
