//! Local `$ref` resolution for form building: `#`, `#/json/pointer` (into `$defs`,
//! `definitions` or anywhere), `#anchor`, and single- or multi-element `allOf`, with the
//! referencing node's sibling keywords (`title`, `advanced`, `order`…) merged over the target.

use std::borrow::Cow;

use serde_json::{Map, Value};

/// How many `$ref`/`allOf` hops one node may take before we call it a cycle.
const MAX_HOPS: usize = 32;

/// Resolves `$ref`s against one root document.
pub(crate) struct Resolver<'r> {
    root: &'r Value,
}

/// Resolving ran into a `$ref` already being expanded (a recursive schema).
pub(crate) struct Cycle(pub String);

impl<'r> Resolver<'r> {
    pub fn new(root: &'r Value) -> Self {
        Resolver { root }
    }

    /// `schema` with every top-level `$ref` and `allOf` replaced by the merged target.
    /// Refs followed are appended to `followed`; a ref in `active` (or followed twice) is a
    /// [`Cycle`]. Unresolvable refs are dropped, keeping the sibling keywords.
    pub fn resolve<'a>(
        &self,
        schema: &'a Value,
        active: &[String],
        followed: &mut Vec<String>,
    ) -> Result<Cow<'a, Value>, Cycle>
    where
        'r: 'a,
    {
        let mut cur: Cow<'a, Value> = Cow::Borrowed(schema);
        for _ in 0..MAX_HOPS {
            let Some(obj) = cur.as_object() else {
                return Ok(cur);
            };
            if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
                let r = r.to_string();
                if active.contains(&r) || followed.contains(&r) {
                    return Err(Cycle(r));
                }
                let mut merged = match self.lookup(&r) {
                    Some(Value::Object(t)) => t.clone(),
                    _ => Map::new(),
                };
                followed.push(r);
                for (k, v) in obj {
                    if k != "$ref" && k != "$schema" && k != "$id" {
                        merged.insert(k.clone(), v.clone());
                    }
                }
                cur = Cow::Owned(Value::Object(merged));
                continue;
            }
            if let Some(all) = obj.get("allOf").and_then(Value::as_array) {
                let mut merged = Map::new();
                for member in all {
                    let m = self.resolve(member, active, followed)?;
                    if let Value::Object(m) = m.as_ref() {
                        merge_into(&mut merged, m);
                    }
                }
                for (k, v) in obj {
                    if k != "allOf" {
                        merged.insert(k.clone(), v.clone());
                    }
                }
                cur = Cow::Owned(Value::Object(merged));
                continue;
            }
            return Ok(cur);
        }
        Err(Cycle("(too many $ref hops)".into()))
    }

    /// The target of a local reference, if there is one.
    fn lookup(&self, r: &str) -> Option<&'r Value> {
        lookup(self.root, r)
    }
}

/// The target of the local reference `r` (`#`, `#/json/pointer`, `#anchor`) inside `root`;
/// `None` for references to other documents.
pub(crate) fn lookup<'r>(root: &'r Value, r: &str) -> Option<&'r Value> {
    let frag = match r.find('#') {
        Some(i) => &r[i + 1..],
        None => return None,
    };
    if frag.is_empty() {
        return Some(root);
    }
    if frag.starts_with('/') {
        let decoded = crate::syntax::percent::decode(frag);
        return root.pointer(&decoded);
    }
    find_anchor(root, frag, 0)
}

/// `allOf` member merge: `properties` and `required` are unions, other keys first wins.
fn merge_into(into: &mut Map<String, Value>, from: &Map<String, Value>) {
    for (k, v) in from {
        match (k.as_str(), into.get_mut(k), v) {
            ("properties", Some(Value::Object(a)), Value::Object(b)) => {
                for (pk, pv) in b {
                    a.entry(pk.clone()).or_insert_with(|| pv.clone());
                }
            }
            ("required", Some(Value::Array(a)), Value::Array(b)) => {
                for r in b {
                    if !a.contains(r) {
                        a.push(r.clone());
                    }
                }
            }
            (_, Some(_), _) => {}
            (_, None, _) => {
                into.insert(k.clone(), v.clone());
            }
        }
    }
}

fn find_anchor<'a>(v: &'a Value, anchor: &str, depth: usize) -> Option<&'a Value> {
    if depth > 64 {
        return None;
    }
    match v {
        Value::Object(m) => {
            if m.get("$anchor").and_then(Value::as_str) == Some(anchor) {
                return Some(v);
            }
            m.values().find_map(|c| find_anchor(c, anchor, depth + 1))
        }
        Value::Array(a) => a.iter().find_map(|c| find_anchor(c, anchor, depth + 1)),
        _ => None,
    }
}
