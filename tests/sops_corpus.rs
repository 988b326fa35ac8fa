//! Every schema of the shared corpus (`../shared/schemas`, read in place) through the real
//! sops: a config holding a value at every location the form marks secret, plus a plain
//! field, fails Flow's plaintext check; encrypted as the editor and `flowspec encrypt` do it
//! (the schema's secrets, lifted out of lists, marked `_sops`, sops run with a fresh age key),
//! it passes: the suffix is on every secret, the output was checked against what went in
//! (every other value unchanged), and the metadata is at the top. The constructs themselves
//! are tested on flowspec's own fixtures next to the code (`src/secrets`, `src/sops`).
//!
//! Without `../shared` the test says so and checks nothing — unless `CI` is set, where a
//! missing corpus is a failure (`tests/support/shared.rs`).

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/shared.rs"]
mod shared;
#[path = "support/sops.rs"]
mod sops;

use flowspec::secrets::Secret;
use flowspec::sops::document::{self, Job, KeySources, Outcome};
use flowspec::sops::mark::encryptable;
use flowspec::sops::plaintext::plaintext_secrets;
use flowspec::sops::{KeyGroup, KeyOrigin, Keys, SopsOptions};
use serde_json::{json, Map, Value};

#[test]
fn every_corpus_schema_s_secrets_encrypt_into_flow_s_shape() {
    let Some(dir) = shared::path("schemas", "the sops corpus test") else {
        return;
    };
    let files = corpus::files(dir).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let (_key, recipient) = sops::age_key(tmp.path(), "key.txt");
    let keys = Keys::Group {
        group: KeyGroup::age([recipient]),
        origin: KeyOrigin::CommandLine,
    };
    let opts = SopsOptions {
        binary: Some(sops::sops()),
        env: vec![],
    };
    let (mut encrypted, mut problems) = (0, Vec::new());
    for path in &files {
        for (name, schema) in corpus::schemas_of(path) {
            let mut placed = Vec::new();
            corpus::form_secrets(flowspec::form::build(&schema).root(), "", &mut placed);
            let mut config = Value::Object(Map::new());
            placed.retain(|p| corpus::set(&mut config, p));
            if placed.is_empty() {
                continue;
            }
            config["flowspec_plain_field"] = json!("stays readable");
            let schema = flowspec::form::config_schema_of(&schema);
            let found = plaintext_secrets(schema, &config);
            if found.is_empty() {
                problems.push(format!(
                    "{name}: the plaintext check finds none of {placed:?}"
                ));
                continue;
            }
            let job = Job {
                chosen: encryptable(&config, found),
                config: Secret::new(config),
                target: tmp.path().join("corpus.config.yaml"),
                text: None,
                keys: Some(keys.clone()),
            };
            let text = match document::encrypt(&job, &KeySources::default(), &opts) {
                Ok(Outcome::Encrypted { text, .. }) => text,
                other => {
                    problems.push(format!("{name}: {other:?}"));
                    continue;
                }
            };
            let doc: Value = serde_yaml::from_str(&text).unwrap();
            let left = plaintext_secrets(schema, &doc);
            if !left.is_empty() {
                problems.push(format!(
                    "{name}: still in plaintext after encrypting: {left:?}"
                ));
            }
            if doc["flowspec_plain_field"] != "stays readable" || doc.get("sops").is_none() {
                problems.push(format!("{name}: not Flow's shape:\n{text}"));
            }
            encrypted += 1;
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        encrypted >= 200,
        "only {encrypted} schemas had secrets to encrypt"
    );
    println!("{encrypted} corpus schemas encrypted");
}
