//! Oracle: on every catalog file of the `check` corpus, flowspec's verdict on *structural*
//! problems (those Flow's published JSON schema can express; see `Code::is_structural`) must
//! agree with the schema: a file is schema-valid exactly when flowspec reports no structural
//! problem in it. Cross-file problems (duplicates, undefined references, missing files),
//! image tags, and rules the schema cannot express (empty keys) are not compared.
//!
//! The schema is read in place from `../shared/flow-catalog.schema.json`
//! (`tests/support/catalog_schema.rs`, through `tests/support/shared.rs`). When it is absent the comparison is skipped with a note, and
//! the rest still runs; under CI a missing schema fails the test.
//!
//! Two documented adjustments are made to the in-memory copy of the schema:
//! - The `module` and `migrations` items of sqlite/typescript/python derivations are
//!   `oneOf: [{string, pattern ^[^ ]+$}, {string, contentMediaType}]`. `contentMediaType`
//!   only annotates in draft 2020-12, so every space-free string (a file path, Flow's own
//!   output) matches both branches and fails `oneOf`. Flow's deserializer accepts both
//!   forms, so the oracle reads those `oneOf`s as `anyOf`.
//! - An empty file (`null`) is read as the empty catalog `{}`, as flowspec does.

use std::fs;
use std::path::{Path, PathBuf};

use flowspec::catalog::check::{findings, CheckOptions, Finding};
use flowspec::catalog::{self};
use flowspec::yaml;
use serde_json::Value;

#[path = "support/catalog_schema.rs"]
mod catalog_schema;

use catalog_schema::validator;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check")
}

/// Every catalog file under `dir`, helpers in `parts/` included.
fn catalog_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            catalog_files(&p, out);
        } else if catalog::load::is_catalog_file_name(&p.file_name().unwrap().to_string_lossy()) {
            out.push(p);
        }
    }
}

/// flowspec's structural findings in `file`, checking it as the root of a catalog.
fn structural(file: &Path) -> Vec<Finding> {
    let cat = catalog::load(file, &mut |_| {}).expect("corpus files load");
    findings(&cat, CheckOptions::default())
        .into_iter()
        .filter(|f| f.code.is_structural() && f.diagnostic.file == file)
        .collect()
}

/// The schema's errors for `file`, or `None` when it is not a YAML/JSON document at all.
fn schema_errors(validator: &jsonschema::Validator, file: &Path) -> Option<Vec<String>> {
    let text = fs::read_to_string(file).ok()?;
    let doc = yaml::parse(&text).ok()?.to_json();
    let doc = if doc.is_null() {
        Value::Object(Default::default())
    } else {
        doc
    };
    Some(
        validator
            .iter_errors(&doc)
            .map(|e| format!("{} at `{}`", e, e.instance_path()))
            .collect(),
    )
}

/// Compares the verdicts on each file; returns the disagreements and the counts of
/// (schema-valid, schema-invalid) files compared.
fn compare(validator: &jsonschema::Validator, files: &[PathBuf]) -> (Vec<String>, usize, usize) {
    let mut disagreements = Vec::new();
    let (mut valid, mut invalid) = (0, 0);
    for file in files {
        let Some(schema) = schema_errors(validator, file) else {
            continue; // Malformed YAML: no document for the schema to judge.
        };
        let ours = structural(file);
        if schema.is_empty() {
            valid += 1;
        } else {
            invalid += 1;
        }
        if schema.is_empty() != ours.is_empty() {
            let ours: Vec<String> = ours
                .iter()
                .map(|f| format!("{:?} {}", f.code, f.diagnostic))
                .collect();
            disagreements.push(format!(
                "{}\n  JSON schema: {}\n{}\n  flowspec: {}\n{}",
                file.display(),
                if schema.is_empty() {
                    "valid"
                } else {
                    "invalid"
                },
                schema
                    .iter()
                    .map(|e| format!("    {e}\n"))
                    .collect::<String>(),
                if ours.is_empty() {
                    "no structural problem"
                } else {
                    "structural problems"
                },
                ours.iter()
                    .map(|e| format!("    {e}\n"))
                    .collect::<String>(),
            ));
        }
    }
    (disagreements, valid, invalid)
}

#[test]
fn flowspec_agrees_with_the_json_schema_on_the_corpus() {
    let mut files = Vec::new();
    catalog_files(&corpus(), &mut files);
    assert!(files.len() >= 40, "only {} corpus files", files.len());
    // Runs with or without the schema: flowspec must handle every file without panicking.
    for file in &files {
        let _ = structural(file);
    }
    let Some(validator) = validator() else {
        return;
    };
    let (disagreements, valid, invalid) = compare(&validator, &files);
    eprintln!("oracle: compared {valid} schema-valid and {invalid} schema-invalid files");
    assert!(
        disagreements.is_empty(),
        "{} disagreement(s):\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    assert!(
        valid >= 10 && invalid >= 20,
        "{valid} valid, {invalid} invalid"
    );
}

/// More single-construct probes than the corpus holds, aimed at the edges of the model.
const PROBES: &[&str] = &[
    // Valid.
    "collections:\n  a/b: {key: [''], schema: true}\n",
    "collections:\n  a/b: {key: [/a~0b~1c], writeSchema: x.yaml, readSchema: {}}\n",
    "captures:\n  a/b: {endpoint: {connector: {image: x, config: null}}, bindings: [], interval: null}\n",
    "captures:\n  a/b: {endpoint: {connector: {image: 'x:1', config: {}, extra: 1}}, bindings: []}\n",
    "materializations:\n  a/m: {endpoint: {local: {command: [x], config: {}, env: {A: b}}}, bindings: [], targetNaming: null, triggers: null}\n",
    "materializations:\n  a/m: {endpoint: {dekaf: {variant: v, config: {}}}, bindings: [], targetNaming: {strategy: matchSourceStructure}}\n",
    "materializations:\n  a/m: {source: a/c, endpoint: {connector: {image: 'x:1', config: {}}}, bindings: [{source: a/c, resource: {}, fields: {recommended: 0, require: {'a b': 1}}}]}\n",
    "tests:\n  a/t: {steps: [], delete: true, expectPubId: '1'}\n",
    "collections:\n  a/d: {key: [/id], schema: true, derive: {using: {python: {module: m.py, dependencies: {x: '1'}}}, transforms: []}}\n",
    "collections:\n  a/d: {key: [/id], schema: true, derive: {using: {local: {command: [x], config: {}}}, transforms: [{name: t, source: a/c, shuffle: {lambda: 'x y'}, backfill: 3}]}}\n",
    "collections:\n  a/c: {key: [/id], schema: true, journals: {fragments: {length: 4096, retention: 0d}}}\n",
    "collections:\n  ñandú/日本/x-1_2.3: {key: [/id], schema: true, projections: {'a b': /x}}\n",
    "materializations:\n  a/m: {endpoint: {connector: {image: 'x:1', config: {}}}, bindings: [{source: {name: a/c, notBefore: '2024-02-29T10:00:00.5+02:00'}, resource: {}}]}\n",
    // Invalid.
    "collections:\n  acme/x!: {key: [/id], schema: true}\n",
    "collections:\n  a/b: {key: [/], schema: true}\n",
    "collections:\n  a/b: {key: [/id], schema: true, projections: {x: {location: /x, partition: 1}}}\n",
    "collections:\n  a/b: {key: [/id], readSchema: {}}\n",
    "collections:\n  a/c: {key: [/id], schema: true, journals: {fragments: {length: 5000}}}\n",
    "collections:\n  a/c: {key: [/id], schema: true, journals: {}}\n",
    "captures:\n  a/b: {endpoint: {connector: {image: 'x:1'}}, bindings: []}\n",
    "captures:\n  a/b: {endpoint: {connector: {image: 'x:1', config: {}}}}\n",
    "captures:\n  a/b: {endpoint: {connector: {image: 'x:1', config: {}}}, bindings: [{resource: {}, target: a/c, backfill: 1.5}]}\n",
    "captures:\n  a/b: {endpoint: {connector: {image: 'x:1', config: {}}}, bindings: [{target: a/c}]}\n",
    "captures:\n  a/b: {endpoint: {connector: {image: 'x:1', config: {}}}, bindings: [], autoDiscover: {addNewBindings: 1}}\n",
    "captures:\n  a/b: {endpoint: {connector: {image: 7, config: {}}}, bindings: []}\n",
    "materializations:\n  a/m: {endpoint: {connector: {image: 'x:1', config: {}}}, bindings: [], targetNaming: {strategy: prefixTableNames}}\n",
    "materializations:\n  a/m: {endpoint: {connector: {image: 'x:1', config: {}}}, bindings: [], targetNaming: {strategy: other}}\n",
    "materializations:\n  a/m: {endpoint: {connector: {image: 'x:1', config: {}}}, bindings: [], triggers: {config: [{url: u}]}}\n",
    "materializations:\n  a/m: {endpoint: {connector: {image: 'x:1', config: {}}}, bindings: [], triggers: {config: [{url: u, payloadTemplate: p, method: GET}]}}\n",
    "materializations:\n  a/m: {endpoint: {connector: {image: 'x:1', config: {}}}, bindings: [{source: {name: a/c, notAfter: tomorrow}, resource: {}}]}\n",
    "materializations:\n  a/m: {endpoint: {connector: {image: 'x:1', config: {}}}, bindings: [{source: {name: a/c, partitions: {include: {r: x}}}, resource: {}}]}\n",
    "materializations:\n  a/m: {source: {deltaUpdates: true}, endpoint: {connector: {image: 'x:1', config: {}}}, bindings: []}\n",
    "materializations:\n  a/m: {endpoint: {connector: {image: 'x:1', config: {}}}, bindings: [{source: a/c, resource: {}, fields: {recommended: true, exclude: [/x]}}]}\n",
    "tests:\n  a/t: {description: 3, steps: []}\n",
    "tests:\n  a/t: {steps: [{verify: {collection: a/c, documents: [], extra: 1}}]}\n",
    "tests:\n  a/t: {}\n",
    "collections:\n  a/d: {key: [/id], schema: true, derive: {using: {sqlite: {}}, transforms: [{name: t, source: a/c, shuffle: {}}]}}\n",
    "collections:\n  a/d: {key: [/id], schema: true, derive: {using: {sqlite: {}}, transforms: [], shuffleKeyTypes: [number]}}\n",
    "collections:\n  a/d: {key: [/id], schema: true, derive: {using: {typescript: {}}, transforms: []}}\n",
    "collections:\n  a/d: {key: [/id], schema: true, derive: {using: {sqlite: {}}}}\n",
    "import: [a b.yaml]\n",
    "import: x.yaml\n",
    "$schema: 1\n",
    "captures: []\n",
    "captures:\n  a/b: {endpoint: {connector: {image: 'x:1', config: {}}}, bindings: [], shards: {flags: {f: 'a b'}}}\n",
];

#[test]
fn flowspec_agrees_with_the_json_schema_on_edge_probes() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = PROBES
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let path = dir.path().join(format!("probe-{i:02}.flow.yaml"));
            fs::write(&path, text).unwrap();
            path
        })
        .collect();
    for file in &files {
        let _ = structural(file);
    }
    let Some(validator) = validator() else {
        return;
    };
    let (disagreements, valid, invalid) = compare(&validator, &files);
    assert!(
        disagreements.is_empty(),
        "{} disagreement(s):\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    assert_eq!((valid, invalid), (13, PROBES.len() - 13));
}
