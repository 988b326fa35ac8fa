//! Secret locations by a connector's JSON Schema, with the rules of Flow's plaintext check
//! (`crates/validation/src/secrets/plaintext.rs`): a location of a config is secret when *any*
//! schema branch could annotate it `secret: true` or `airbyte_secret: true` — through
//! `allOf`/`anyOf`/`oneOf`, `if`/`then`/`else`, `dependentSchemas`, local `$ref`/`$dynamicRef`,
//! `properties`/`patternProperties`/`additionalProperties`/`unevaluatedProperties`,
//! `prefixItems`/`items`/`additionalItems`/`contains`/`unevaluatedItems` — ignoring value
//! constraints (a secret in a `oneOf` branch the config does not match still counts). Nothing
//! below a secret location is listed apart: the whole subtree is secret.
//!
//! Over-approximations, all towards "secret": `unevaluated*` apply to every key/item the
//! same schema node does not cover; a `patternProperties` regex that does not compile (an
//! ECMA-only construct) matches every key; nesting past [`MAX_STEPS`] is secret as a whole.

use std::collections::{HashMap, HashSet};

use regex::Regex;
use serde_json::{Map, Value};

use crate::form::pointer::join;
use crate::form::resolve::lookup;

/// Recursion steps (schema hops plus instance levels) after which the location being looked
/// at is taken as secret as a whole: a hostile schema or config must not overflow the stack.
pub const MAX_STEPS: usize = 256;

/// True for a schema object annotated `secret: true` or `airbyte_secret: true` (both spellings
/// are `Annotation::Secret` in Flow).
pub fn is_annotated(schema: &Map<String, Value>) -> bool {
    ["secret", "airbyte_secret"]
        .iter()
        .any(|k| schema.get(*k) == Some(&Value::Bool(true)))
}

/// The secret locations present in `config` under `schema` (a bare JSON Schema), as sorted
/// JSON pointers relative to `config`. A location is present when its value is not null (an
/// empty string is present); empty objects and arrays are listed too (a plaintext check may
/// skip them).
pub fn locate(schema: &Value, config: &Value) -> Vec<String> {
    let mut w = Walker::new(schema, HashSet::new());
    w.visit(schema, config, "", 0);
    normalize(w.found)
}

/// The schema nodes that apply at `pointer` of `config` (which must be present there), for
/// asking whether a field's schema could hold secrets below it ([`may_hold_secret`]).
pub fn schemas_at<'s>(schema: &'s Value, config: &Value, pointer: &str) -> Vec<&'s Value> {
    schemas_at_each(schema, config, &[pointer.to_string()])
        .remove(pointer)
        .unwrap_or_default()
}

/// [`schemas_at`] for several pointers in one walk.
pub fn schemas_at_each<'s>(
    schema: &'s Value,
    config: &Value,
    pointers: &[String],
) -> HashMap<String, Vec<&'s Value>> {
    let mut w = Walker::new(schema, pointers.iter().cloned().collect());
    w.visit(schema, config, "", 0);
    w.at_probes
}

/// True when `sub` (a node of the schema `root`) or anything reachable below it is annotated
/// secret: the value it describes could hold a secret, whatever it holds now.
pub fn may_hold_secret(root: &Value, sub: &Value) -> bool {
    let mut seen = HashSet::new();
    reaches_secret(root, sub, &mut seen, 0)
}

/// Sorts, removes duplicates and every location below another one.
pub fn normalize(mut found: Vec<String>) -> Vec<String> {
    found.sort();
    found.dedup();
    let mut kept: Vec<String> = Vec::with_capacity(found.len());
    for p in found {
        if !kept.iter().any(|k| is_at_or_under(&p, k)) {
            kept.push(p);
        }
    }
    kept
}

/// True when `pointer` is `location` or lies below it.
pub fn is_at_or_under(pointer: &str, location: &str) -> bool {
    location.is_empty()
        || pointer == location
        || (pointer.starts_with(location) && pointer.as_bytes().get(location.len()) == Some(&b'/'))
}

struct Walker<'s> {
    root: &'s Value,
    /// (schema node, instance pointer) pairs already walked: a `$ref` cycle that consumes no
    /// instance, or the same definition reached twice, is walked once.
    seen: HashSet<(*const Value, String)>,
    found: Vec<String>,
    regexes: HashMap<String, Option<Regex>>,
    /// Pointers whose applying schema nodes are collected (in `at_probes`).
    probes: HashSet<String>,
    at_probes: HashMap<String, Vec<&'s Value>>,
}

impl<'s> Walker<'s> {
    fn new(root: &'s Value, probes: HashSet<String>) -> Self {
        Walker {
            root,
            seen: HashSet::new(),
            found: Vec::new(),
            regexes: HashMap::new(),
            probes,
            at_probes: HashMap::new(),
        }
    }

    fn visit(&mut self, schema: &'s Value, value: &Value, pointer: &str, steps: usize) {
        if steps > MAX_STEPS {
            if !value.is_null() {
                self.found.push(pointer.to_string());
            }
            return;
        }
        if !self
            .seen
            .insert((schema as *const Value, pointer.to_string()))
        {
            return;
        }
        if self.probes.contains(pointer) {
            self.at_probes
                .entry(pointer.to_string())
                .or_default()
                .push(schema);
        }
        let Some(obj) = schema.as_object() else {
            return; // `true`/`false` schemas annotate nothing.
        };
        if is_annotated(obj) {
            if !value.is_null() {
                self.found.push(pointer.to_string());
            }
            return;
        }
        let next = steps + 1;
        for key in ["$ref", "$dynamicRef"] {
            if let Some(target) = obj
                .get(key)
                .and_then(Value::as_str)
                .and_then(|r| lookup(self.root, r))
            {
                self.visit(target, value, pointer, next);
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            for branch in obj.get(key).and_then(Value::as_array).into_iter().flatten() {
                self.visit(branch, value, pointer, next);
            }
        }
        for key in ["if", "then", "else"] {
            if let Some(s) = obj.get(key) {
                self.visit(s, value, pointer, next);
            }
        }
        if let Some(deps) = obj.get("dependentSchemas").and_then(Value::as_object) {
            for s in deps.values() {
                self.visit(s, value, pointer, next);
            }
        }
        match value {
            Value::Object(map) => self.entries(obj, map, pointer, next),
            Value::Array(items) => self.items(obj, items, pointer, next),
            _ => {}
        }
    }

    fn entries(
        &mut self,
        obj: &'s Map<String, Value>,
        map: &Map<String, Value>,
        pointer: &str,
        steps: usize,
    ) {
        let props = obj.get("properties").and_then(Value::as_object);
        let patterns = obj.get("patternProperties").and_then(Value::as_object);
        for (k, v) in map {
            let child = join(pointer, k);
            let mut matched = false;
            if let Some(s) = props.and_then(|p| p.get(k)) {
                matched = true;
                self.visit(s, v, &child, steps);
            }
            for (pattern, s) in patterns.into_iter().flatten() {
                if self.matches(pattern, k) {
                    matched = true;
                    self.visit(s, v, &child, steps);
                }
            }
            if !matched {
                for key in ["additionalProperties", "unevaluatedProperties"] {
                    if let Some(s) = obj.get(key) {
                        self.visit(s, v, &child, steps);
                    }
                }
            }
        }
    }

    fn items(&mut self, obj: &'s Map<String, Value>, items: &[Value], pointer: &str, steps: usize) {
        let prefix = obj.get("prefixItems").and_then(Value::as_array);
        for (i, v) in items.iter().enumerate() {
            let child = join(pointer, &i.to_string());
            let tuple_item = match (prefix.and_then(|p| p.get(i)), obj.get("items")) {
                (Some(s), _) => Some(s),
                // Draft 7 tuples: `items` is an array, `additionalItems` takes the rest.
                (None, Some(Value::Array(tuple))) => {
                    tuple.get(i).or_else(|| obj.get("additionalItems"))
                }
                (None, Some(s)) => Some(s),
                (None, None) => None,
            };
            match tuple_item {
                Some(s) => self.visit(s, v, &child, steps),
                None => {
                    if let Some(s) = obj.get("unevaluatedItems") {
                        self.visit(s, v, &child, steps);
                    }
                }
            }
            if let Some(s) = obj.get("contains") {
                self.visit(s, v, &child, steps);
            }
        }
    }

    /// Whether `key` matches a `patternProperties` regex; one that does not compile here
    /// matches (see the module doc).
    fn matches(&mut self, pattern: &str, key: &str) -> bool {
        let re = self.regexes.entry(pattern.to_string()).or_insert_with(|| {
            regex::RegexBuilder::new(pattern)
                .size_limit(1 << 20)
                .build()
                .ok()
        });
        re.as_ref().is_none_or(|re| re.is_match(key))
    }
}

/// Schema keywords whose values are schemas, and those holding lists or maps of schemas.
const ONE: &[&str] = &[
    "additionalProperties",
    "unevaluatedProperties",
    "items",
    "additionalItems",
    "contains",
    "unevaluatedItems",
    "if",
    "then",
    "else",
];
const LISTS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems", "items"];
const MAPS: &[&str] = &["properties", "patternProperties", "dependentSchemas"];

fn reaches_secret(
    root: &Value,
    schema: &Value,
    seen: &mut HashSet<*const Value>,
    steps: usize,
) -> bool {
    if steps > MAX_STEPS {
        return true;
    }
    if !seen.insert(schema as *const Value) {
        return false;
    }
    let Some(obj) = schema.as_object() else {
        return false;
    };
    if is_annotated(obj) {
        return true;
    }
    let mut children: Vec<&Value> = Vec::new();
    for key in ["$ref", "$dynamicRef"] {
        if let Some(t) = obj
            .get(key)
            .and_then(Value::as_str)
            .and_then(|r| lookup(root, r))
        {
            children.push(t);
        }
    }
    children.extend(ONE.iter().filter_map(|k| obj.get(*k)));
    for k in LISTS {
        children.extend(obj.get(*k).and_then(Value::as_array).into_iter().flatten());
    }
    for k in MAPS {
        children.extend(
            obj.get(*k)
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|m| m.values()),
        );
    }
    children
        .into_iter()
        .any(|c| reaches_secret(root, c, seen, steps + 1))
}
