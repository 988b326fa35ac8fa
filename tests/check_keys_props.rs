//! Property: for generated collection schemas and keys, `check` accepts a key exactly when
//! every location on its path must exist and the location holds a keyable scalar (an integer,
//! a string or a boolean, each maybe null).
//!
//! The oracle is independent of flowspec's shape inference: the test first generates a
//! *truth* — a tree of properties, each required or not, each an object (maybe nullable) or a
//! scalar of known types — and decides keys from it alone. It then writes that truth as a JSON
//! schema in one of many equivalent ways, chosen at random: properties split across `allOf`
//! branches, `required` lists in their own branch, subschemas behind `$ref`s (to `$defs` in
//! the same schema or in another schema file), scalar types as `type` lists, as `oneOf`/`anyOf`
//! of single types, or as `enum`/`const` values, objects wrapped in an `anyOf` of two equal
//! copies. Flow's inference reads every one of these forms as the same truth.

use std::path::PathBuf;

use flowspec::catalog::check::{findings, CheckOptions, Code};
use flowspec::catalog::{self, Catalog, FileRole, SourceFile};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// The scalar types a generated location can hold.
const SCALARS: &[&[&str]] = &[
    &["integer"],
    &["string"],
    &["boolean"],
    &["number"],
    &["integer", "null"],
    &["string", "null"],
    &["string", "integer"],
    &["null"],
];

/// One property of the truth.
#[derive(Debug, Clone)]
struct Prop {
    name: String,
    required: bool,
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    /// Index into [`SCALARS`].
    Scalar(usize),
    Object {
        nullable: bool,
        props: Vec<Prop>,
    },
}

fn props(depth: u32) -> BoxedStrategy<Vec<Prop>> {
    let kind = if depth == 0 {
        (0..SCALARS.len()).prop_map(Kind::Scalar).boxed()
    } else {
        prop_oneof![
            3 => (0..SCALARS.len()).prop_map(Kind::Scalar),
            1 => (any::<bool>(), props(depth - 1))
                .prop_map(|(nullable, props)| Kind::Object { nullable, props }),
        ]
        .boxed()
    };
    prop::collection::vec((any::<bool>(), kind), 1..4)
        .prop_map(|items| {
            items
                .into_iter()
                .enumerate()
                .map(|(i, (required, kind))| Prop {
                    name: format!("p{i}"),
                    required,
                    kind,
                })
                .collect()
        })
        .boxed()
}

/// The oracle: is the key at `path` accepted?
fn accepted(props: &[Prop], path: &[String]) -> bool {
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    let Some(p) = props.iter().find(|p| p.name == *first) else {
        return false; // Unknown to the schema.
    };
    if !p.required {
        return false;
    }
    match (&p.kind, rest.is_empty()) {
        (Kind::Scalar(i), true) => {
            let types: Vec<&str> = SCALARS[*i]
                .iter()
                .copied()
                .filter(|t| *t != "null")
                .collect();
            matches!(types.as_slice(), ["integer"] | ["string"] | ["boolean"])
        }
        (Kind::Object { nullable, props }, false) => !nullable && accepted(props, rest),
        _ => false,
    }
}

/// Every path of the truth, and some that are not in it.
fn paths(props: &[Prop], prefix: &[String], out: &mut Vec<Vec<String>>) {
    for p in props {
        let mut path = prefix.to_vec();
        path.push(p.name.clone());
        out.push(path.clone());
        if let Kind::Object { props, .. } = &p.kind {
            paths(props, &path, out);
        }
    }
    let mut missing = prefix.to_vec();
    missing.push("nope".to_string());
    out.push(missing);
}

/// A small deterministic random source for the rendering choices.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Writes truths as schemas, collecting `$defs` for the collection schema and for a separate
/// schema file.
struct Writer {
    dice: Dice,
    local: Map<String, Value>,
    external: Map<String, Value>,
}

impl Writer {
    /// Maybe moves `schema` behind a `$ref`: to this schema's `$defs`, or (for schemas
    /// without `$ref`s of their own, which would then resolve in the other file) to the
    /// other file's.
    fn maybe_ref(&mut self, schema: Value, leaf: bool) -> Value {
        match self.dice.roll(4) {
            0 => {
                let name = format!("d{}", self.local.len());
                self.local.insert(name.clone(), schema);
                json!({ "$ref": format!("#/$defs/{name}") })
            }
            1 if leaf => {
                let name = format!("x{}", self.external.len());
                self.external.insert(name.clone(), schema);
                json!({ "$ref": format!("defs.schema.yaml#/$defs/{name}") })
            }
            _ => schema,
        }
    }

    fn scalar(&mut self, i: usize) -> Value {
        let types = SCALARS[i];
        let schema = match self.dice.roll(4) {
            0 if types.len() > 1 => {
                let alts: Vec<Value> = types.iter().map(|t| json!({ "type": t })).collect();
                match self.dice.roll(2) {
                    0 => json!({ "oneOf": alts }),
                    _ => json!({ "anyOf": alts }),
                }
            }
            1 if !types.contains(&"number") => {
                let values: Vec<Value> = types
                    .iter()
                    .map(|t| match *t {
                        "integer" => json!(7),
                        "string" => json!("seven"),
                        "boolean" => json!(true),
                        _ => Value::Null,
                    })
                    .collect();
                match values.as_slice() {
                    [one] => json!({ "const": one }),
                    _ => json!({ "enum": values }),
                }
            }
            _ if types.len() == 1 => json!({ "type": types[0] }),
            _ => json!({ "type": types }),
        };
        self.maybe_ref(schema, true)
    }

    fn object(&mut self, props: &[Prop], nullable: bool) -> Value {
        let typ = if nullable {
            json!(["object", "null"])
        } else {
            json!("object")
        };
        let mut schema = Map::new();
        schema.insert("type".into(), typ);
        let required: Vec<&str> = props
            .iter()
            .filter(|p| p.required)
            .map(|p| p.name.as_str())
            .collect();
        // Split the properties between this schema and `allOf` branches.
        let mut own = Map::new();
        let mut branches: Vec<Value> = Vec::new();
        for p in props {
            let s = match &p.kind {
                Kind::Scalar(i) => self.scalar(*i),
                Kind::Object { nullable, props } => self.object(props, *nullable),
            };
            if self.dice.roll(2) == 0 {
                own.insert(p.name.clone(), s);
            } else {
                branches.push(json!({ "properties": { p.name.clone(): s } }));
            }
        }
        if !own.is_empty() {
            schema.insert("properties".into(), Value::Object(own));
        }
        if !required.is_empty() {
            if self.dice.roll(2) == 0 {
                schema.insert("required".into(), json!(required));
            } else {
                branches.push(json!({ "required": required }));
            }
        }
        if !branches.is_empty() {
            schema.insert("allOf".into(), Value::Array(branches));
        }
        let schema = Value::Object(schema);
        let schema = if self.dice.roll(5) == 0 {
            json!({ "anyOf": [schema.clone(), schema] })
        } else {
            schema
        };
        self.maybe_ref(schema, false)
    }
}

fn catalog(collection: &str, schema_file: &str) -> Catalog {
    let root = PathBuf::from("/props/flow.yaml");
    let mut file = SourceFile::new(root.clone(), FileRole::Catalog, collection.to_string());
    file.set_entities(catalog::load::reindex(0, collection).unwrap());
    let defs = SourceFile::new(
        PathBuf::from("/props/defs.schema.yaml"),
        FileRole::Schema,
        schema_file.to_string(),
    );
    Catalog {
        root,
        root_dir: PathBuf::from("/props"),
        files: vec![file, defs],
        load_problems: Vec::new(),
    }
}

const KEY_CODES: &[Code] = &[
    Code::PtrIsImplicit,
    Code::PtrCannotExist,
    Code::KeyMayNotExist,
    Code::KeyWrongType,
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn keys_are_accepted_exactly_when_required_and_keyable(
        truth in props(2),
        seed in 1u64..u64::MAX,
        pick in any::<prop::sample::Index>(),
    ) {
        let mut all = Vec::new();
        paths(&truth, &[], &mut all);
        let path = pick.get(&all).clone();
        let mut w = Writer { dice: Dice(seed), local: Map::new(), external: Map::new() };
        let mut schema = w.object(&truth, false);
        // The collection schema itself must be a plain `type: object` mapping.
        if schema.get("$ref").is_some() || schema.get("anyOf").is_some() {
            schema = json!({ "type": "object", "allOf": [schema] });
        }
        if !w.local.is_empty() {
            schema["$defs"] = Value::Object(w.local.clone());
        }
        let external = json!({ "$defs": Value::Object(w.external.clone()) });
        let key = format!("/{}", path.join("/"));
        let collection = format!(
            "collections:\n  acme/c:\n    key: ['{key}']\n    schema: {}\n",
            serde_json::to_string(&schema).unwrap()
        );
        let cat = catalog(&collection, &serde_json::to_string(&external).unwrap());
        let found = findings(&cat, CheckOptions::default());
        let about_key: Vec<_> = found.iter().filter(|f| KEY_CODES.contains(&f.code)).collect();
        let others: Vec<_> = found.iter().filter(|f| !KEY_CODES.contains(&f.code)).collect();
        prop_assert!(others.is_empty(), "{collection}\n{others:#?}");
        prop_assert_eq!(
            about_key.is_empty(),
            accepted(&truth, &path),
            "key {} of\n{}\n{:#?}\n{}",
            key, collection, about_key, serde_json::to_string_pretty(&external).unwrap()
        );
        // Every finding about the key is at the key itself.
        for f in about_key {
            prop_assert_eq!((f.diagnostic.line, f.diagnostic.col), (3, 11));
        }
    }
}
