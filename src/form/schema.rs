//! JSON Schema → form tree. A pure function: no I/O, no panics, whatever the input.
//!
//! Handles drafts 07, 2019-09 and 2020-12 as connectors write them: local `$ref`s with
//! sibling keywords, `allOf` wrappers, nullable types, `enum`/`const`, arrays, maps and every
//! `oneOf` flavour of connector-forms.md §3 (tagged, inferred-tag, enum-with-titles, nullable).

use serde_json::{Map, Number, Value};

use super::node::{Annotations, Choice, FormNode, Kind, ScalarType, Union, Variant};
use super::resolve::{Cycle, Resolver};
use super::text::{display_value, plain_text};

/// Deeper than this the form shows raw JSON (guards the stack against hostile input).
const MAX_DEPTH: usize = 48;

/// Builds the form tree of `schema` (the root node has an empty key).
pub fn build_tree(schema: &Value) -> FormNode {
    let mut b = Builder {
        resolver: Resolver::new(schema),
        active: Vec::new(),
        depth: 0,
    };
    b.node("", schema, false)
}

struct Builder<'r> {
    resolver: Resolver<'r>,
    /// `$ref`s being expanded on the path from the root (the recursion guard).
    active: Vec<String>,
    depth: usize,
}

impl<'r> Builder<'r> {
    /// Resolves `schema`'s refs, then builds; refs stay "active" while children are built.
    fn node(&mut self, key: &str, schema: &Value, required: bool) -> FormNode {
        let mut followed = Vec::new();
        let resolved = match self.resolver.resolve(schema, &self.active, &mut followed) {
            Ok(s) => s,
            Err(Cycle(r)) => return leaf(key, required, Kind::Recursive(r)),
        };
        if self.depth >= MAX_DEPTH {
            return leaf(key, required, Kind::Any);
        }
        let pushed = followed.len();
        self.active.extend(followed);
        self.depth += 1;
        let node = self.resolved(key, &resolved, required);
        self.depth -= 1;
        self.active.truncate(self.active.len() - pushed);
        node
    }

    /// Builds an already-resolved schema.
    fn resolved(&mut self, key: &str, schema: &Value, required: bool) -> FormNode {
        let Some(obj) = schema.as_object() else {
            return leaf(key, required, Kind::Any);
        };
        // `anyOf/oneOf [X, {type: null}]`: X, nullable, with our siblings merged over X.
        if let Some(node) = self.nullable_union(key, obj, required) {
            return node;
        }
        let mut node = FormNode {
            key: key.to_string(),
            label: obj
                .get("title")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| key.to_string()),
            description: obj
                .get("description")
                .and_then(Value::as_str)
                .map(plain_text)
                .filter(|d| !d.is_empty()),
            required,
            nullable: false,
            ann: annotations(key, obj),
            kind: Kind::Any,
        };
        let (types, nullable) = types_of(obj);
        node.nullable = nullable;
        node.kind = self.kind(obj, &types);
        if let Kind::Choice { options } = &node.kind {
            // "Auto" = `const: null` makes null a real value of the field.
            node.nullable |= options.iter().any(|o| o.value.is_null());
        }
        if let Kind::Group { fields } = &node.kind {
            node.ann.collapsed = node.ann.advanced && !fields.iter().any(|f| f.required);
        }
        node
    }

    fn kind(&mut self, obj: &Map<String, Value>, types: &[&str]) -> Kind {
        if let Some(c) = obj.get("const") {
            return Kind::Const(c.clone());
        }
        if let Some(values) = obj.get("enum").and_then(Value::as_array) {
            return match values.as_slice() {
                [one] => Kind::Const(one.clone()),
                _ => Kind::Choice {
                    options: values.iter().map(|v| choice(v, None, None)).collect(),
                },
            };
        }
        if let Some(members) = union_members(obj) {
            return self.union_or_choice(obj, members);
        }
        let ty = match types {
            [one] => *one,
            [] => {
                if obj.contains_key("properties") || obj.contains_key("additionalProperties") {
                    "object"
                } else if obj.contains_key("items") {
                    "array"
                } else {
                    return Kind::Any;
                }
            }
            _ => return Kind::Any,
        };
        match ty {
            "object" => self.object(obj),
            "array" => self.array(obj),
            "string" => Kind::Scalar(ScalarType::String),
            "integer" => Kind::Scalar(ScalarType::Integer),
            "number" => Kind::Scalar(ScalarType::Number),
            "boolean" => Kind::Scalar(ScalarType::Boolean),
            _ => Kind::Any,
        }
    }

    fn object(&mut self, obj: &Map<String, Value>) -> Kind {
        let props = obj.get("properties").and_then(Value::as_object);
        if props.is_none_or(|p| p.is_empty()) {
            if let Some(ap @ Value::Object(_)) = obj.get("additionalProperties") {
                return Kind::Map {
                    value: Box::new(self.node("", ap, false)),
                };
            }
        }
        let required = required_of(obj);
        let mut fields: Vec<(usize, FormNode)> = props
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, (k, v))| (i, self.node(k, v, required.contains(&k.as_str()))))
            .collect();
        fields.sort_by_key(|(i, f)| (f.ann.order.is_none(), f.ann.order, *i));
        Kind::Group {
            fields: fields.into_iter().map(|(_, f)| f).collect(),
        }
    }

    fn array(&mut self, obj: &Map<String, Value>) -> Kind {
        let Some(items) = obj.get("items").filter(|i| i.is_object()) else {
            return Kind::List {
                item: Box::new(leaf("", false, Kind::Any)),
            };
        };
        let item = self.node("", items, false);
        match item.kind {
            Kind::Choice { options } => Kind::MultiSelect { options },
            _ => Kind::List {
                item: Box::new(item),
            },
        }
    }

    /// `anyOf`/`oneOf` containing `{type: null}`: returns the nullable node.
    fn nullable_union(
        &mut self,
        key: &str,
        obj: &Map<String, Value>,
        required: bool,
    ) -> Option<FormNode> {
        let (word, members) = ["oneOf", "anyOf"]
            .into_iter()
            .find_map(|w| Some((w, obj.get(w)?.as_array()?)))?;
        let is_null = |m: &Value| {
            let mut followed = Vec::new();
            self.resolver
                .resolve(m, &self.active, &mut followed)
                .ok()
                .is_some_and(|m| is_null_schema(&m))
        };
        let rest: Vec<&Value> = members.iter().filter(|m| !is_null(m)).collect();
        if rest.len() == members.len() || rest.is_empty() {
            return None;
        }
        let mut merged: Map<String, Value>;
        if let [one] = rest.as_slice() {
            let mut followed = Vec::new();
            let target = match self.resolver.resolve(one, &self.active, &mut followed) {
                Ok(t) => t.into_owned(),
                Err(Cycle(r)) => return Some(leaf(key, required, Kind::Recursive(r))),
            };
            merged = match target {
                Value::Object(m) => m,
                _ => Map::new(),
            };
            for (k, v) in obj {
                if k != word && k != "type" && k != "discriminator" {
                    merged.insert(k.clone(), v.clone());
                }
            }
            let pushed = followed.len();
            self.active.extend(followed);
            let mut node = self.resolved(key, &Value::Object(merged), required);
            self.active.truncate(self.active.len() - pushed);
            node.nullable = true;
            return Some(node);
        }
        merged = obj.clone();
        merged.insert(
            word.into(),
            Value::Array(rest.into_iter().cloned().collect()),
        );
        let mut node = self.resolved(key, &Value::Object(merged), required);
        node.nullable = true;
        Some(node)
    }

    fn union_or_choice(&mut self, parent: &Map<String, Value>, members: &[Value]) -> Kind {
        let mut resolved = Vec::with_capacity(members.len());
        for m in members {
            let mut followed = Vec::new();
            match self.resolver.resolve(m, &self.active, &mut followed) {
                Ok(r) => resolved.push((r.into_owned(), followed)),
                Err(Cycle(r)) => return Kind::Recursive(r),
            }
        }
        if let Some(options) = const_choices(&resolved) {
            return Kind::Choice { options };
        }
        let Some(variant_objs) = object_variants(parent, resolved) else {
            return Kind::Any;
        };
        let (tag, declared) = match declared_tag(parent) {
            Some(t) => (Some(t), true),
            None => (infer_tag(&variant_objs), false),
        };
        let variants = variant_objs
            .into_iter()
            .zip(members)
            .enumerate()
            .map(|(i, ((o, followed), member))| {
                self.variant(parent, tag.as_deref(), i, o, followed, member)
            })
            .collect();
        Kind::Union(Union {
            tag,
            declared,
            variants,
        })
    }

    /// One object variant of a union: its form node (the tag field hidden), its tag value
    /// (from a `const`, or the discriminator's `mapping` of its `$ref`) and its label.
    fn variant(
        &mut self,
        parent: &Map<String, Value>,
        tag: Option<&str>,
        i: usize,
        o: Map<String, Value>,
        followed: Vec<String>,
        member: &Value,
    ) -> Variant {
        let mapping = parent
            .get("discriminator")
            .and_then(|d| d.get("mapping"))
            .and_then(Value::as_object);
        let pushed = followed.len();
        self.active.extend(followed);
        let mut node = self.resolved("", &Value::Object(o.clone()), false);
        self.active.truncate(self.active.len() - pushed);
        let tag_value = tag.and_then(|t| {
            tag_value_of(&o, t).or_else(|| {
                let r = member.get("$ref")?.as_str()?;
                let (k, _) = mapping?.iter().find(|(_, v)| v.as_str() == Some(r))?;
                Some(Value::String(k.clone()))
            })
        });
        if let (Some(t), Kind::Group { fields }) = (tag, &mut node.kind) {
            if let Some(f) = fields.iter_mut().find(|f| f.key == t) {
                f.ann.hidden = true;
            }
        }
        Variant {
            label: o
                .get("title")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| tag_value.as_ref().map(display_value))
                .unwrap_or_else(|| format!("Option {}", i + 1)),
            description: node.description.clone(),
            tag_value,
            node,
        }
    }
}

/// An enum with titles: every member a `const` (or one-value `enum`) without fields.
fn const_choices(resolved: &[(Value, Vec<String>)]) -> Option<Vec<Choice>> {
    let consts: Option<Vec<Choice>> = resolved
        .iter()
        .map(|(r, _)| {
            let o = r.as_object()?;
            if o.contains_key("properties") {
                return None;
            }
            let v = o
                .get("const")
                .or_else(|| match o.get("enum")?.as_array()?.as_slice() {
                    [one] => Some(one),
                    _ => None,
                })?;
            Some(choice(
                v,
                o.get("title").and_then(Value::as_str),
                o.get("description").and_then(Value::as_str),
            ))
        })
        .collect();
    consts.filter(|o| !o.is_empty())
}

/// A union member as an object schema, with the `$ref`s followed to reach it.
type ObjectVariant = (Map<String, Value>, Vec<String>);

/// The members of a union as objects, each with the parent's own `properties` and
/// `required` (which apply to every variant); `None` when a member is not an object.
fn object_variants(
    parent: &Map<String, Value>,
    resolved: Vec<(Value, Vec<String>)>,
) -> Option<Vec<ObjectVariant>> {
    let parent_props = parent.get("properties").and_then(Value::as_object);
    let parent_required = parent.get("required").and_then(Value::as_array);
    let mut out = Vec::new();
    for (r, followed) in resolved {
        let Value::Object(mut o) = r else {
            return None;
        };
        let typed = o.get("type").and_then(Value::as_str);
        if typed.is_some_and(|t| t != "object") || union_members(&o).is_some() {
            return None;
        }
        if let Some(pp) = parent_props {
            let props = o
                .entry("properties")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(props) = props {
                for (k, v) in pp {
                    props.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
        }
        if let Some(pr) = parent_required {
            let req = o
                .entry("required")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(req) = req {
                for r in pr {
                    if !req.contains(r) {
                        req.push(r.clone());
                    }
                }
            }
        }
        o.insert("type".into(), Value::String("object".into()));
        out.push((o, followed));
    }
    Some(out)
}

fn leaf(key: &str, required: bool, kind: Kind) -> FormNode {
    FormNode {
        key: key.to_string(),
        label: key.to_string(),
        description: None,
        required,
        nullable: false,
        ann: Annotations::default(),
        kind,
    }
}

fn choice(v: &Value, title: Option<&str>, description: Option<&str>) -> Choice {
    Choice {
        value: v.clone(),
        label: title
            .map(str::to_string)
            .unwrap_or_else(|| display_value(v)),
        description: description.map(plain_text).filter(|d| !d.is_empty()),
    }
}

fn union_members(obj: &Map<String, Value>) -> Option<&[Value]> {
    ["oneOf", "anyOf"]
        .into_iter()
        .find_map(|w| obj.get(w)?.as_array())
        .map(Vec::as_slice)
        .filter(|m| !m.is_empty())
}

fn is_null_schema(v: &Value) -> bool {
    match v.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(a)) => a.iter().all(|t| t == "null") && !a.is_empty(),
        _ => false,
    }
}

/// The non-null `type`s, and whether `null` was among them.
fn types_of(obj: &Map<String, Value>) -> (Vec<&str>, bool) {
    match obj.get("type") {
        Some(Value::String(t)) if t == "null" => (vec![], true),
        Some(Value::String(t)) => (vec![t.as_str()], false),
        Some(Value::Array(a)) => {
            let all: Vec<&str> = a.iter().filter_map(Value::as_str).collect();
            let nullable = all.contains(&"null");
            (all.into_iter().filter(|t| *t != "null").collect(), nullable)
        }
        _ => (vec![], false),
    }
}

fn required_of(obj: &Map<String, Value>) -> Vec<&str> {
    obj.get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// `discriminator: {propertyName}` (OpenAPI) or the malformed `discriminator: "name"`.
fn declared_tag(parent: &Map<String, Value>) -> Option<String> {
    match parent.get("discriminator")? {
        Value::String(s) => Some(s.clone()),
        d => Some(d.get("propertyName")?.as_str()?.to_string()),
    }
}

/// Airbyte's rule: the first property that is `const` (or a one-value `enum`) in every variant.
fn infer_tag(variants: &[ObjectVariant]) -> Option<String> {
    let (first, _) = variants.first()?;
    let props = first.get("properties")?.as_object()?;
    props
        .keys()
        .find(|k| variants.iter().all(|(v, _)| tag_const(v, k).is_some()))
        .cloned()
}

fn tag_const<'a>(variant: &'a Map<String, Value>, tag: &str) -> Option<&'a Value> {
    let p = variant.get("properties")?.get(tag)?;
    p.get("const")
        .or_else(|| match p.get("enum")?.as_array()?.as_slice() {
            [one] => Some(one),
            _ => None,
        })
}

fn tag_value_of(variant: &Map<String, Value>, tag: &str) -> Option<Value> {
    tag_const(variant, tag)
        .or_else(|| variant.get("properties")?.get(tag)?.get("default"))
        .cloned()
}

fn number(obj: &Map<String, Value>, keys: &[&str]) -> Option<Number> {
    keys.iter().find_map(|k| obj.get(*k)?.as_number().cloned())
}

fn annotations(key: &str, obj: &Map<String, Value>) -> Annotations {
    let flag = |k: &str| obj.get(k).and_then(Value::as_bool).unwrap_or(false);
    let string = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_string);
    let uint = |k: &str| obj.get(k).and_then(Value::as_u64);
    let examples: Vec<Value> = match obj.get("examples").or_else(|| obj.get("example")) {
        Some(Value::Array(a)) => a.clone(),
        Some(v) => vec![v.clone()],
        None => vec![],
    };
    Annotations {
        order: obj.get("order").and_then(|o| {
            o.as_i64()
                .or_else(|| o.as_f64().map(|f| f as i64))
                .or_else(|| o.as_str()?.trim().parse().ok())
        }),
        advanced: flag("advanced"),
        collapsed: false,
        secret: flag("secret") || flag("airbyte_secret"),
        multiline: flag("multiline"),
        hidden: flag("x-hidden-field") || flag("airbyte_hidden") || key == "_meta",
        read_only: flag("readOnly"),
        group: string("group"),
        groups: obj
            .get("groups")
            .and_then(Value::as_array)
            .map(|g| {
                g.iter()
                    .filter_map(|g| {
                        Some((
                            g.get("id")?.as_str()?.to_string(),
                            g.get("title").and_then(Value::as_str).map(str::to_string),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default(),
        always_show: flag("always_show"),
        pattern: string("pattern"),
        pattern_descriptor: string("pattern_descriptor"),
        format: string("format"),
        minimum: number(obj, &["minimum", "min"]),
        maximum: number(obj, &["maximum", "max"]),
        exclusive_minimum: number(obj, &["exclusiveMinimum"]),
        exclusive_maximum: number(obj, &["exclusiveMaximum"]),
        min_length: uint("minLength"),
        max_length: uint("maxLength"),
        min_items: uint("minItems"),
        max_items: uint("maxItems"),
        placeholder: examples.first().map(display_value),
        examples,
        default: obj.get("default").cloned(),
        oauth2_provider: string("x-oauth2-provider"),
        iam_auth: flag("x-iam-auth"),
        collection_name: flag("x-collection-name"),
        schema_name: flag("x-schema-name"),
        delta_updates: flag("x-delta-updates"),
    }
}
