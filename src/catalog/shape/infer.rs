//! Infers a [`Shape`] from a JSON schema written in YAML, as Flow's `Shape::infer` does
//! (estuary/flow `crates/doc/src/shape/inference.rs`): local keywords first, named properties
//! narrowed by matching `patternProperties`, `enum`/`const` narrowing the types, then `$ref`
//! and `allOf` intersected, `oneOf` and `anyOf` each unioned and then intersected, and
//! `if`/`then`/`else` as the union of `then` and `else`.
//!
//! One deliberate difference: Flow applies keywords in the order it reads them, so an
//! `additionalProperties` written before `properties` would also narrow the named properties.
//! JSON Schema says it applies only to other names, which is what is done here (it can only
//! make a location exist where Flow's order-dependent reading would say it cannot, never the
//! reverse, so no false problem follows from it).

use std::collections::HashMap;

use regex::Regex;
use url::Url;

use super::index::{Index, Resolved};
use super::merge::{intersect_enum, value_types, PatternProp, Prop, Shape};
use super::types::Types;
use crate::yaml::{Node, Value};

/// `$ref`s followed more deeply than this are read as "anything" (cycles are cut earlier).
const MAX_REF_DEPTH: usize = 64;

/// Infers shapes against one [`Index`], caching what it can across schemas.
pub struct Inferrer<'i, 'n> {
    index: &'i Index<'n>,
    /// Compiled `patternProperties` regexes by source; `None` for patterns Rust's `regex`
    /// cannot compile (ignored here; Flow reports them when it builds the schema).
    regexes: HashMap<String, Option<Regex>>,
    /// Shapes of `$ref` targets by resolved URL, when no cycle was cut while inferring them.
    refs: HashMap<String, (Shape, bool)>,
    /// `$ref` URLs being inferred (Flow's `visited`): a cycle reads as "anything".
    visiting: Vec<String>,
    /// Set when a cycle was cut, so the shape being built is not cached.
    cut: bool,
    /// Set when a `$ref` could not be followed (a missing file or fragment, a `flow://` or
    /// remote URL): the shape is then less precise than Flow's, and callers say nothing about
    /// locations it does not know. Callers reset it between schemas.
    pub opaque: bool,
}

impl<'i, 'n> Inferrer<'i, 'n> {
    pub fn new(index: &'i Index<'n>) -> Self {
        Inferrer {
            index,
            regexes: HashMap::new(),
            refs: HashMap::new(),
            visiting: Vec::new(),
            cut: false,
            opaque: false,
        }
    }

    /// The shape of `schema`, whose `$ref`s resolve against `base`. `inline` is the root of
    /// the inline schema `schema` belongs to, if it is inline in a catalog file.
    pub fn infer(&mut self, schema: &'n Node, base: &Url, inline: Option<&'n Node>) -> Shape {
        self.shape(schema, base, inline)
    }

    /// The index references are resolved in.
    pub fn index(&self) -> &'i Index<'n> {
        self.index
    }

    /// The shape at a reference (a collection's `schema: file.yaml#/$defs/x`), or `None` when
    /// it does not resolve.
    pub fn infer_ref(&mut self, base: &Url, reference: &str) -> Option<Shape> {
        match self.index.resolve(base, reference, None) {
            Resolved::Found(node, base) => Some(self.shape(node, &base, None)),
            _ => {
                self.opaque = true;
                None
            }
        }
    }

    fn regex(&mut self, source: &str) -> Option<Regex> {
        self.regexes
            .entry(source.to_string())
            .or_insert_with(|| Regex::new(source).ok())
            .clone()
    }

    fn shape(&mut self, node: &'n Node, base: &Url, inline: Option<&'n Node>) -> Shape {
        let entries = match &node.value {
            Value::Bool(false) => return Shape::nothing(),
            Value::Map(entries) => entries,
            _ => return Shape::anything(),
        };
        let joined;
        let base = match node.get("$id").and_then(Node::as_str) {
            Some(id) if !id.starts_with('#') => match base.join(id) {
                Ok(url) => {
                    joined = url;
                    &joined
                }
                Err(_) => base,
            },
            _ => base,
        };
        let mut shape = Shape::anything();
        let mut props: Vec<Prop> = Vec::new();
        let mut required: Vec<&str> = Vec::new();
        let mut items_list = false;
        let mut additional_items = None;
        let (mut unevaluated_props, mut unevaluated_items) = (None, None);
        for (k, v) in entries {
            match k.key_cow().as_ref() {
                "type" => shape.types = type_keyword(v),
                "const" => shape.enum_ = Some(vec![v.to_json()]),
                "enum" => {
                    if let Value::Seq(items) = &v.value {
                        shape.enum_ = Some(items.iter().map(Node::to_json).collect());
                    }
                }
                "minItems" => shape.array.min_items = count(v).unwrap_or(0),
                "maxItems" => shape.array.max_items = count(v),
                "items" | "prefixItems" if v.is_seq() => {
                    items_list = true;
                    shape.array.tuple = v
                        .items()
                        .iter()
                        .map(|s| self.shape(s, base, inline))
                        .collect();
                }
                "items" => shape.array.additional = Some(Box::new(self.shape(v, base, inline))),
                "additionalItems" => additional_items = Some(self.shape(v, base, inline)),
                "unevaluatedItems" => unevaluated_items = Some(self.shape(v, base, inline)),
                "properties" => {
                    for (name, s) in v.entries() {
                        props.push(Prop {
                            name: name.key_string(),
                            required: false,
                            shape: self.shape(s, base, inline),
                        });
                    }
                }
                "required" => required.extend(v.items().iter().filter_map(Node::as_str)),
                // Read in `finish_object`, after the named properties.
                "patternProperties" => {}
                "additionalProperties" => {
                    shape.object.additional = Some(Box::new(self.shape(v, base, inline)))
                }
                "unevaluatedProperties" => unevaluated_props = Some(self.shape(v, base, inline)),
                _ => {}
            }
        }
        // `additionalItems` only means something after a tuple.
        if items_list && shape.array.additional.is_none() {
            shape.array.additional = additional_items.map(Box::new);
        }
        self.finish_object(&mut shape, node, base, inline, props, &required);
        shape.enum_ = intersect_enum(shape.types, shape.enum_.take(), None);
        if let Some(values) = &shape.enum_ {
            shape.types = shape.types.intersect(value_types(values));
        }
        shape = self.applications(shape, entries, base, inline);
        if shape.object.additional.is_none() {
            shape.object.additional = unevaluated_props.map(Box::new);
        }
        if shape.array.additional.is_none() {
            shape.array.additional = unevaluated_items.map(Box::new);
        }
        shape
    }

    /// Named properties (sorted, required ones marked) and pattern properties, with every
    /// matching pattern applied to each named property.
    fn finish_object(
        &mut self,
        shape: &mut Shape,
        node: &'n Node,
        base: &Url,
        inline: Option<&'n Node>,
        mut props: Vec<Prop>,
        required: &[&str],
    ) {
        for name in required {
            match props.iter_mut().find(|p| p.name == *name) {
                Some(p) => p.required = true,
                None => props.push(Prop {
                    name: name.to_string(),
                    required: true,
                    shape: Shape::anything(),
                }),
            }
        }
        let mut patterns: Vec<PatternProp> = Vec::new();
        if let Some(pp) = node.get("patternProperties") {
            for (re, s) in pp.entries() {
                if let Some(re) = self.regex(&re.key_cow()) {
                    let shape = self.shape(s, base, inline);
                    patterns.push(PatternProp { re, shape });
                }
            }
        }
        for p in props.iter_mut() {
            for pat in patterns.iter().filter(|pat| pat.re.is_match(&p.name)) {
                let own = std::mem::replace(&mut p.shape, Shape::anything());
                p.shape = Shape::intersect(own, pat.shape.clone());
            }
        }
        props.sort_by(|a, b| a.name.cmp(&b.name));
        props.dedup_by(|a, b| a.name == b.name);
        patterns.sort_by(|a, b| a.re.as_str().cmp(b.re.as_str()));
        shape.object.properties = props;
        shape.object.patterns = patterns;
    }

    /// `$ref`, `allOf`, `oneOf`, `anyOf` and `if`/`then`/`else`.
    fn applications(
        &mut self,
        mut shape: Shape,
        entries: &'n [(Node, Node)],
        base: &Url,
        inline: Option<&'n Node>,
    ) -> Shape {
        let (mut one_of, mut any_of) = (None, None);
        let (mut has_if, mut then_, mut else_) = (false, None, None);
        for (k, v) in entries {
            match k.key_cow().as_ref() {
                "$ref" => {
                    if let Some(r) = v.as_str() {
                        let referent = self.referent(base, r, inline);
                        shape = Shape::intersect(shape, referent);
                    }
                }
                "allOf" => {
                    for s in v.items() {
                        let s = self.shape(s, base, inline);
                        shape = Shape::intersect(shape, s);
                    }
                }
                "oneOf" | "anyOf" => {
                    let mut acc: Option<Shape> = None;
                    for s in v.items() {
                        let s = self.shape(s, base, inline);
                        acc = Some(match acc {
                            Some(acc) => Shape::union(acc, s),
                            None => s,
                        });
                    }
                    if k.key_cow() == "oneOf" {
                        one_of = acc;
                    } else {
                        any_of = acc;
                    }
                }
                "if" => has_if = true,
                "then" => then_ = Some(self.shape(v, base, inline)),
                "else" => else_ = Some(self.shape(v, base, inline)),
                _ => {}
            }
        }
        for s in [one_of, any_of].into_iter().flatten() {
            shape = Shape::intersect(shape, s);
        }
        if let (true, Some(t), Some(e)) = (has_if, then_, else_) {
            shape = Shape::intersect(shape, Shape::union(t, e));
        }
        shape
    }

    /// The shape a `$ref` leads to; "anything" when it does not resolve (reported elsewhere)
    /// or closes a cycle (as Flow does).
    fn referent(&mut self, base: &Url, reference: &str, inline: Option<&'n Node>) -> Shape {
        let (node, target_base) = match self.index.resolve(base, reference, inline) {
            Resolved::Found(node, b) => (node, b),
            _ => {
                self.opaque = true;
                return Shape::anything();
            }
        };
        let key = match base.join(reference) {
            Ok(u) => u.to_string(),
            Err(_) => return Shape::anything(),
        };
        if self.visiting.contains(&key) || self.visiting.len() >= MAX_REF_DEPTH {
            self.cut = true;
            return Shape::anything();
        }
        // Fragments into the inline schema depend on which inline schema this is.
        let cacheable = inline.is_none();
        if cacheable {
            if let Some((shape, opaque)) = self.refs.get(&key) {
                self.opaque |= *opaque;
                return shape.clone();
            }
        }
        let outer_cut = std::mem::replace(&mut self.cut, false);
        let outer_opaque = std::mem::replace(&mut self.opaque, false);
        self.visiting.push(key.clone());
        let shape = self.shape(node, &target_base, inline);
        self.visiting.pop();
        if cacheable && !self.cut {
            self.refs.insert(key, (shape.clone(), self.opaque));
        }
        self.cut |= outer_cut;
        self.opaque |= outer_opaque;
        shape
    }
}

/// The types a `type` keyword allows; an unknown name allows anything here (the schema
/// check reports it).
fn type_keyword(v: &Node) -> Types {
    match &v.value {
        Value::Str(s) => Types::for_name(s).unwrap_or(Types::ANY),
        Value::Seq(items) => {
            let mut t = Types::INVALID;
            for item in items {
                match item.as_str().and_then(Types::for_name) {
                    Some(one) => t = t.union(one),
                    None => return Types::ANY,
                }
            }
            t
        }
        _ => Types::ANY,
    }
}

/// A non-negative whole number.
fn count(v: &Node) -> Option<u32> {
    match v.value {
        Value::Int(i) => u32::try_from(i.max(0)).ok(),
        Value::Float(f) if f >= 0.0 && f.fract() == 0.0 => Some(f.min(u32::MAX as f64) as u32),
        _ => None,
    }
}
