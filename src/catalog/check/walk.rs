//! Walks one parsed catalog file against the model, reporting each problem at its node, and
//! collects the references to other entities for the cross-file checks.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use super::model::{self, Custom, Entries, Object, Pattern, Rule, Shape, Variants};
use super::suggest;
use super::{Code, Finding};
use crate::catalog::{names, Diagnostic, EntityKind};
use crate::yaml::{Node, Pos, Value};

/// A name of another entity, found in a file, to be resolved against the whole catalog.
#[derive(Debug, Clone)]
pub struct Reference {
    pub name: String,
    pub kind: EntityKind,
    pub file: PathBuf,
    pub line: u32,
    pub col: u32,
    /// Inside a disabled binding or transform: Flow does not resolve it.
    pub disabled: bool,
}

/// Checks one catalog file's tree; returns its problems and the references it makes.
pub fn file(path: &Path, root: &Node) -> (Vec<Finding>, Vec<Reference>) {
    let mut w = Walker {
        file: path,
        findings: Vec::new(),
        refs: Vec::new(),
        disabled: false,
    };
    match root.value {
        // An empty file is an empty catalog.
        Value::Null => {}
        Value::Map(_) => w.object(root, &model::CATALOG, &Place::top(root.pos)),
        _ => w.report(
            Code::Type,
            root.pos,
            format!("a catalog must be a mapping, found {}", root.type_name()),
        ),
    }
    (w.findings, w.refs)
}

/// How to talk about the value being checked, and where to point when something is missing.
#[derive(Debug, Clone)]
struct Place {
    /// Its name as the subject of a sentence: "`interval`", "binding 2 of capture `acme/x`".
    name: String,
    /// Its name as the container of other values: "`shards` of capture `acme/x`".
    desc: String,
    /// The object that holds it ("capture `acme/x`" for its `bindings`); `None` at the top.
    owner: Option<String>,
    /// Where to report missing keys: the key that holds this value, or the value itself.
    anchor: Pos,
    /// The catalog itself.
    top: bool,
}

impl Place {
    fn top(pos: Pos) -> Self {
        Place {
            name: "the catalog".into(),
            desc: "the catalog".into(),
            owner: None,
            anchor: pos,
            top: true,
        }
    }

    fn new(name: String, desc: String, owner: Option<String>, anchor: Pos) -> Self {
        Place {
            name,
            desc,
            owner,
            anchor,
            top: false,
        }
    }

    /// The value of key `key` of this object: "`shards` of capture `x`".
    fn field(&self, key: &str, key_node: &Node) -> Place {
        let name = format!("`{key}`");
        let (desc, owner) = if self.top {
            (name.clone(), None)
        } else {
            (format!("{name} of {}", self.desc), Some(self.desc.clone()))
        };
        Place::new(name, desc, owner, key_node.pos)
    }

    /// The value of entry `key` of a free-keyed mapping: "capture `x`" in `captures`,
    /// "projection `id` of collection `x`" in `projections`.
    fn entry(&self, label: Option<&str>, key: &str, key_node: &Node) -> Place {
        let name = match (label, &self.owner) {
            (Some(label), Some(owner)) => format!("{label} `{key}` of {owner}"),
            (Some(label), None) => format!("{label} `{key}`"),
            (None, _) => format!("`{key}` in {}", self.desc),
        };
        Place::new(name.clone(), name, Some(self.desc.clone()), key_node.pos)
    }

    /// Item `i` of this list: "binding 2 of capture `x`", or "item 2 of `key`".
    fn item(&self, i: usize, label: Option<&str>, node: &Node) -> Place {
        let n = i + 1;
        let (name, desc) = match (label, &self.owner) {
            (Some(label), Some(owner)) => {
                let s = format!("{label} {n} of {owner}");
                (s.clone(), s)
            }
            (Some(label), None) => (format!("{label} {n}"), format!("{label} {n}")),
            (None, _) => (
                format!("item {n} of {}", self.name),
                format!("item {n} of {}", self.desc),
            ),
        };
        Place::new(name, desc, Some(self.desc.clone()), node.pos)
    }

    /// The variant `key` of a one-key mapping: "`connector` in `endpoint` of capture `x`".
    fn variant(&self, key: &str, key_node: &Node) -> Place {
        let name = format!("`{key}`");
        let desc = format!("{name} in {}", self.desc);
        Place::new(name, desc, Some(self.desc.clone()), key_node.pos)
    }

    /// A mapping key itself, for messages about keys ("the projection name is `/x`...").
    fn key(what: &str, key_node: &Node) -> Place {
        let name = format!("the {what} name");
        Place::new(name.clone(), name, None, key_node.pos)
    }
}

struct Walker<'a> {
    file: &'a Path,
    findings: Vec<Finding>,
    refs: Vec<Reference>,
    disabled: bool,
}

impl Walker<'_> {
    fn report(&mut self, code: Code, pos: Pos, message: String) {
        self.findings.push(Finding {
            code,
            diagnostic: Diagnostic::error(self.file, pos.line, pos.col, message),
        });
    }

    fn warn(&mut self, code: Code, pos: Pos, message: String) {
        self.findings.push(Finding {
            code,
            diagnostic: Diagnostic::warning(self.file, pos.line, pos.col, message),
        });
    }

    fn wrong_type(&mut self, node: &Node, shape: &Shape, place: &Place) {
        self.wrong_kind(node, &expect(shape), place);
    }

    fn wrong_kind(&mut self, node: &Node, expected: &str, place: &Place) {
        let found = match &node.value {
            Value::Null => "an empty value (null)".to_string(),
            // YAML 1.1 booleans are plain strings in YAML 1.2, which Flow (serde_yaml) reads.
            Value::Str(s)
                if expected.contains("`true`")
                    && node.style == crate::yaml::Style::Plain
                    && matches!(
                        s.to_ascii_lowercase().as_str(),
                        "yes" | "no" | "on" | "off" | "y" | "n"
                    ) =>
            {
                let b = matches!(s.to_ascii_lowercase().as_str(), "yes" | "on" | "y");
                format!("the string `{s}` (write `{b}`)")
            }
            _ => node.type_name().to_string(),
        };
        self.report(
            Code::Type,
            node.pos,
            format!("{} must be {expected}, found {found}", place.name),
        );
    }

    fn value(&mut self, node: &Node, shape: &Shape, place: &Place) {
        match shape {
            Shape::Any => {}
            Shape::Null | Shape::Bool | Shape::Str => {
                if !fits(shape, node) {
                    self.wrong_type(node, shape, place);
                }
            }
            Shape::Text(pattern) => match node.as_str() {
                Some(s) => self.pattern(node, *pattern, s, place),
                None => self.wrong_type(node, shape, place),
            },
            Shape::Ref(kind) => match node.as_str() {
                Some(s) => {
                    if let Some(problem) = names::catalog_name_problem(s) {
                        self.report(Code::Name, node.pos, problem);
                    } else {
                        self.refs.push(Reference {
                            name: s.to_string(),
                            kind: *kind,
                            file: self.file.to_path_buf(),
                            line: node.pos.line,
                            col: node.pos.col,
                            disabled: self.disabled,
                        });
                    }
                }
                None => self.wrong_type(node, shape, place),
            },
            Shape::Duration => match &node.value {
                Value::Null => {}
                Value::Str(s) => self.duration(node, s, place),
                _ => self.wrong_type(node, shape, place),
            },
            Shape::DateTime => match &node.value {
                Value::Null => {}
                Value::Str(s) if is_timestamp(s) => {}
                Value::Str(s) => self.report(
                    Code::Timestamp,
                    node.pos,
                    format!(
                        "{} is `{s}`, which is not a timestamp; write an RFC 3339 date and time \
                         such as `2024-01-31T00:00:00Z`",
                        place.name
                    ),
                ),
                _ => self.wrong_type(node, shape, place),
            },
            Shape::UInt {
                min,
                max,
                schema_max,
            } => self.uint(node, shape, (*min, *max, *schema_max), place),
            Shape::Enum { values, legacy } => self.enumeration(node, shape, values, legacy, place),
            Shape::List(inner) | Shape::NonEmptyList(inner) => {
                let Value::Seq(items) = &node.value else {
                    return self.wrong_type(node, shape, place);
                };
                if items.is_empty() && matches!(shape, Shape::NonEmptyList(_)) {
                    self.report(
                        Code::Semantic,
                        node.pos,
                        format!("{} must not be empty", place.name),
                    );
                }
                let label = item_label(inner);
                for (i, item) in items.iter().enumerate() {
                    self.value(item, inner, &place.item(i, label, item));
                }
            }
            Shape::Map(entries) => self.map(node, shape, entries, place),
            Shape::Object(obj) => self.object(node, obj, place),
            Shape::Variant(v) => self.variant(node, v, place),
            Shape::Either(alts) => match alts.iter().find(|alt| fits(alt, node)) {
                Some(alt) => self.value(node, alt, place),
                None => self.wrong_type(node, shape, place),
            },
            Shape::Custom(Custom::TargetNamingStrategy) => self.target_naming(node, place),
            Shape::Custom(Custom::LegacyTestSteps) => {
                if !node.is_seq() {
                    return self.wrong_type(node, shape, place);
                }
                self.warn(
                    Code::Alias,
                    node.pos,
                    format!(
                        "{} is written in the old form, a bare list of steps; Flow still reads it, \
                         but its schema wants `steps:` with the list under it",
                        place.name
                    ),
                );
                let steps = Shape::List(&model::TEST_STEP);
                self.value(node, &steps, place);
            }
        }
    }

    fn pattern(&mut self, node: &Node, pattern: Pattern, s: &str, place: &Place) {
        let (code, why) = match pattern {
            Pattern::CatalogName => match names::catalog_name_problem(s) {
                Some(problem) => return self.report(Code::Name, node.pos, problem),
                None => return,
            },
            Pattern::Pointer if !names::is_json_pointer(s) => (Code::Pattern, pointer_problem(s)),
            Pattern::Field if !names::is_field(s) => (Code::Pattern, field_problem(s)),
            Pattern::Token if !names::is_token(s) => (
                Code::Pattern,
                "it may only contain letters, numbers, `-`, `_` and `.`".to_string(),
            ),
            Pattern::RelativeUrl if s.is_empty() || s.contains(' ') => (
                Code::Pattern,
                "a path or URL must not be empty or contain spaces".to_string(),
            ),
            Pattern::Image => match crate::syntax::image::ImageRef::parse(s) {
                Ok(_) => return,
                Err(crate::syntax::image::ImageRefError::NoTag) => (
                    Code::Image,
                    format!(
                        "an image needs a tag or digest, such as `{}:v1`",
                        s.trim_end_matches(':')
                    ),
                ),
                Err(e) => (Code::Image, e.to_string()),
            },
            _ => return,
        };
        let what = match pattern {
            Pattern::CatalogName => "a valid catalog name",
            Pattern::Pointer => "a valid JSON pointer",
            Pattern::Field => "a valid field name",
            Pattern::Token => "a valid name",
            Pattern::RelativeUrl => "a valid path or URL",
            Pattern::Image => "a usable connector image",
        };
        self.report(
            code,
            node.pos,
            format!("{} is `{s}`, which is not {what}: {why}", place.name),
        );
    }

    fn duration(&mut self, node: &Node, s: &str, place: &Place) {
        use crate::syntax::duration::{parse_flow, FlowDurationError};
        match parse_flow(s) {
            Ok(_) => {}
            Err(FlowDurationError::TooLong) => self.report(
                Code::Semantic,
                node.pos,
                format!(
                    "{} is `{s}`, which is longer than Flow can count ({} seconds)",
                    place.name,
                    u64::MAX
                ),
            ),
            Err(FlowDurationError::NotFlowForm(advice)) => self.report(
                Code::Duration,
                node.pos,
                format!(
                    "{} is `{s}`, which is not a duration Flow accepts (one number and one unit); {advice}",
                    place.name
                ),
            ),
        }
    }

    fn uint(&mut self, node: &Node, shape: &Shape, bounds: (u64, u64, bool), place: &Place) {
        let (min, max, schema_max) = bounds;
        let n: i128 = match node.value {
            Value::Int(i) => i as i128,
            // JSON Schema counts 3.0 as an integer; Flow's deserializer agrees for whole numbers.
            Value::Float(f) if f.fract() == 0.0 && f.is_finite() => f as i128,
            _ => return self.wrong_type(node, shape, place),
        };
        if n < min as i128 {
            let range = if schema_max {
                format!("between {min} and {max}")
            } else {
                format!("{min} or more")
            };
            self.report(
                Code::Value,
                node.pos,
                format!("{} must be {range}, found {n}", place.name),
            );
        } else if n > max as i128 {
            let code = if schema_max {
                Code::Value
            } else {
                Code::Semantic
            };
            let range = if schema_max {
                format!("between {min} and {max}")
            } else {
                format!("at most {max}")
            };
            self.report(
                code,
                node.pos,
                format!("{} must be {range}, found {n}", place.name),
            );
        }
    }

    fn enumeration(
        &mut self,
        node: &Node,
        shape: &Shape,
        values: &[&'static str],
        legacy: &[(&'static str, &'static str)],
        place: &Place,
    ) {
        let Some(s) = node.as_str() else {
            return self.wrong_type(node, shape, place);
        };
        if values.contains(&s) {
            return;
        }
        if let Some(current) = model::alias_of(legacy, s) {
            return self.warn(
                Code::Alias,
                node.pos,
                format!(
                    "{} is `{s}`, the old spelling of `{current}`; Flow still reads it, but write `{current}`",
                    place.name
                ),
            );
        }
        let hint = match suggest::nearest(s, values) {
            Some(near) => format!("; did you mean `{near}`?"),
            None => String::new(),
        };
        self.report(
            Code::Value,
            node.pos,
            format!(
                "{} is `{s}`, which is not one of {}{hint}",
                place.name,
                suggest::list(values)
            ),
        );
    }

    fn map(&mut self, node: &Node, shape: &Shape, entries: &Entries, place: &Place) {
        let Value::Map(items) = &node.value else {
            return self.wrong_type(node, shape, place);
        };
        for (k, v) in items {
            let key = k.key_string();
            if let Some(pattern) = entries.keys {
                let what = entries.label.unwrap_or("key");
                self.pattern(k, pattern, &key, &Place::key(what, k));
            }
            self.value(v, &entries.values, &place.entry(entries.label, &key, k));
        }
    }

    fn object(&mut self, node: &Node, obj: &Object, place: &Place) {
        let Value::Map(entries) = &node.value else {
            return self.wrong_kind(node, "a mapping", place);
        };
        let outer_disabled = self.disabled;
        if obj.field("disable").is_some() && obj.item.is_some() {
            self.disabled |= node.get("disable").and_then(Node::as_bool) == Some(true);
        }
        let allowed = obj.keys();
        // Required keys that an unknown key was probably meant to be: not reported twice.
        let mut suggested: Vec<&str> = Vec::new();
        for (k, v) in entries {
            let key = k.key_string();
            if let Some(shape) = obj.field(&key) {
                self.value(v, shape, &place.field(&key, k));
            } else if let Some(current) = model::alias_of(obj.aliases, &key) {
                if node.get(current).is_some() {
                    self.report(
                        Code::UnknownKey,
                        k.pos,
                        format!(
                            "{} has both `{key}` and `{current}`; `{key}` is an old spelling of \
                             `{current}`, keep only `{current}`",
                            place.desc
                        ),
                    );
                } else {
                    self.warn(
                        Code::Alias,
                        k.pos,
                        format!(
                            "`{key}` is an old spelling of `{current}`; Flow still reads it, but \
                             its schema does not, so write `{current}`"
                        ),
                    );
                }
                if let Some(shape) = obj.field(current) {
                    self.value(v, shape, &place.field(&key, k));
                }
            } else if let Some(hint) = model::hint_for(obj.hints, &key) {
                self.report(
                    Code::UnknownKey,
                    k.pos,
                    format!("{}: {hint}", unknown_key(&key, place)),
                );
            } else if obj.closed {
                let near = suggest::nearest(&key, &allowed);
                if let Some(near) = near {
                    suggested.push(near);
                }
                self.report(
                    Code::UnknownKey,
                    k.pos,
                    unknown_key_with_help(&key, place, near, &allowed),
                );
            } else {
                self.warn(
                    Code::IgnoredKey,
                    k.pos,
                    format!(
                        "{}; Flow ignores it (known keys: {})",
                        unknown_key(&key, place),
                        suggest::list(&allowed)
                    ),
                );
            }
        }
        for &req in obj.required {
            let given = node.get(req).is_some()
                || obj
                    .aliases
                    .iter()
                    .any(|(a, c)| *c == req && node.get(a).is_some());
            if !given && !suggested.contains(&req) {
                self.report(
                    Code::Required,
                    place.anchor,
                    format!("{} is missing `{req}`, which is required", place.desc),
                );
            }
        }
        if obj.rule == Some(Rule::CollectionSchemas) {
            self.collection_schemas(node, place);
        }
        self.disabled = outer_disabled;
    }

    fn variant(&mut self, node: &Node, v: &Variants, place: &Place) {
        let Value::Map(entries) = &node.value else {
            let expected = format!("a mapping with one of {}", suggest::list(&v.keys()));
            return self.wrong_kind(node, &expected, place);
        };
        let allowed = v.keys();
        let mut chosen: Vec<String> = Vec::new();
        let mut reported = false;
        for (k, value) in entries {
            let key = k.key_string();
            let (shape, current) = if let Some(shape) = v.option(&key) {
                (shape, key.clone())
            } else if let Some(current) = model::alias_of(v.aliases, &key) {
                self.warn(
                    Code::Alias,
                    k.pos,
                    format!(
                        "`{key}` is an old spelling of `{current}`; Flow still reads it, but its \
                         schema does not, so write `{current}`"
                    ),
                );
                (
                    v.option(current).unwrap_or(&Shape::Any),
                    current.to_string(),
                )
            } else {
                reported = true;
                let message = match model::hint_for(v.hints, &key) {
                    Some(hint) => format!("{}: {hint}", unknown_key(&key, place)),
                    None => unknown_key_with_help(
                        &key,
                        place,
                        suggest::nearest(&key, &allowed),
                        &allowed,
                    ),
                };
                self.report(Code::UnknownKey, k.pos, message);
                continue;
            };
            if let Some(first) = chosen.first() {
                self.report(
                    Code::Type,
                    k.pos,
                    format!(
                        "{} has both `{first}` and `{current}`; a {} takes exactly one of {}",
                        place.desc,
                        v.what,
                        suggest::list(&allowed)
                    ),
                );
            }
            chosen.push(current);
            self.value(value, shape, &place.variant(&key, k));
        }
        if chosen.is_empty() && !reported {
            self.report(
                Code::Required,
                place.anchor,
                format!(
                    "{} needs one of {} (a {} takes exactly one)",
                    place.desc,
                    suggest::list(&allowed),
                    v.what
                ),
            );
        }
    }

    fn collection_schemas(&mut self, node: &Node, place: &Place) {
        let schema = node.get_entry("schema");
        let write = node.get_entry("writeSchema");
        let read = node.get_entry("readSchema");
        let message = match (schema, write, read) {
            (Some(_), Some((k, _)), _) | (Some(_), None, Some((k, _))) => Some((
                k.pos,
                format!(
                    "{} has both `schema` and `{}`; use `schema` alone, or `writeSchema` together \
                     with `readSchema`",
                    place.desc,
                    k.key_string()
                ),
            )),
            (None, Some((k, _)), None) => Some((
                k.pos,
                format!(
                    "{} has `writeSchema` but no `readSchema`; give both, or use `schema` alone",
                    place.desc
                ),
            )),
            (None, None, Some((k, _))) => Some((
                k.pos,
                format!(
                    "{} has `readSchema` but no `writeSchema`; give both, or use `schema` alone",
                    place.desc
                ),
            )),
            (None, None, None) => Some((
                place.anchor,
                format!(
                    "{} has no schema; add `schema`, or both `writeSchema` and `readSchema`",
                    place.desc
                ),
            )),
            _ => None,
        };
        if let Some((pos, message)) = message {
            self.report(Code::SchemaForm, pos, message);
        }
    }

    fn target_naming(&mut self, node: &Node, place: &Place) {
        let Value::Map(entries) = &node.value else {
            return self.wrong_kind(node, "a mapping", place);
        };
        let names: Vec<&str> = model::TARGET_NAMING_STRATEGIES
            .iter()
            .map(|(n, _, _)| *n)
            .collect();
        let Some((sk, sv)) = node.get_entry("strategy") else {
            return self.report(
                Code::Required,
                place.anchor,
                format!(
                    "{} is missing `strategy`, which is required (one of {})",
                    place.desc,
                    suggest::list(&names)
                ),
            );
        };
        let strategy_shape = Shape::Enum {
            values: &["matchSourceStructure", "singleSchema", "prefixTableNames"],
            legacy: &[],
        };
        self.value(sv, &strategy_shape, &place.field("strategy", sk));
        let Some((_, required, optional)) = model::TARGET_NAMING_STRATEGIES
            .iter()
            .find(|(n, _, _)| Some(*n) == sv.as_str())
        else {
            return;
        };
        for &req in *required {
            if node.get(req).is_none() {
                self.report(
                    Code::Required,
                    place.anchor,
                    format!(
                        "{} is missing `{req}`, which the `{}` strategy requires",
                        place.desc,
                        sv.as_str().unwrap_or_default()
                    ),
                );
            }
        }
        for (k, v) in entries {
            let key = k.key_string();
            let place_k = place.field(&key, k);
            match key.as_str() {
                "strategy" => {}
                "schema" if required.contains(&"schema") => self.value(v, &Shape::Str, &place_k),
                "skipCommonDefaults" if optional.contains(&"skipCommonDefaults") => {
                    self.value(v, &Shape::Bool, &place_k)
                }
                _ => self.warn(
                    Code::IgnoredKey,
                    k.pos,
                    format!(
                        "{}; the `{}` strategy does not use it, so Flow ignores it",
                        unknown_key(&key, place),
                        sv.as_str().unwrap_or_default()
                    ),
                ),
            }
        }
    }
}

fn unknown_key(key: &str, place: &Place) -> String {
    if place.top {
        format!("unknown top-level key `{key}`")
    } else {
        format!("unknown key `{key}` in {}", place.desc)
    }
}

fn unknown_key_with_help(key: &str, place: &Place, near: Option<&str>, allowed: &[&str]) -> String {
    match near {
        Some(near) => format!("{}; did you mean `{near}`?", unknown_key(key, place)),
        None => format!(
            "{} (allowed keys: {})",
            unknown_key(key, place),
            suggest::list(allowed)
        ),
    }
}

/// How one list item is called, when the model gives it a name.
fn item_label(shape: &Shape) -> Option<&'static str> {
    match shape {
        Shape::Object(o) => o.item,
        Shape::Variant(v) => v.item,
        _ => None,
    }
}

/// Does the value have the right kind (string, list, mapping...) for this shape? Used to pick
/// among alternatives, like JSON Schema's `anyOf` does.
fn fits(shape: &Shape, node: &Node) -> bool {
    match shape {
        Shape::Any => true,
        Shape::Null => matches!(node.value, Value::Null),
        Shape::Bool => matches!(node.value, Value::Bool(_)),
        Shape::Str | Shape::Text(_) | Shape::Ref(_) | Shape::Enum { .. } => {
            matches!(node.value, Value::Str(_))
        }
        Shape::Duration | Shape::DateTime => matches!(node.value, Value::Str(_) | Value::Null),
        Shape::UInt { .. } => match node.value {
            Value::Int(_) => true,
            Value::Float(f) => f.fract() == 0.0 && f.is_finite(),
            _ => false,
        },
        Shape::List(_) | Shape::NonEmptyList(_) | Shape::Custom(Custom::LegacyTestSteps) => {
            node.is_seq()
        }
        Shape::Map(_)
        | Shape::Object(_)
        | Shape::Variant(_)
        | Shape::Custom(Custom::TargetNamingStrategy) => node.is_map(),
        Shape::Either(alts) => alts.iter().any(|a| fits(a, node)),
    }
}

/// What a shape expects, for "must be X, found Y" messages.
fn expect(shape: &Shape) -> String {
    match shape {
        Shape::Any => "any value".into(),
        Shape::Null => "empty (null)".into(),
        Shape::Bool => "`true` or `false`".into(),
        Shape::Str => "a string".into(),
        Shape::Text(Pattern::CatalogName) => "a name like `acmeCo/orders`".into(),
        Shape::Text(Pattern::Pointer) => "a JSON pointer like `/id`".into(),
        Shape::Text(Pattern::Field) => "a field name".into(),
        Shape::Text(Pattern::Token) => "a name of letters, numbers, `-`, `_` and `.`".into(),
        Shape::Text(Pattern::RelativeUrl) => "a relative path or URL".into(),
        Shape::Text(Pattern::Image) => "an image like `ghcr.io/estuary/source-x:v1`".into(),
        Shape::Ref(kind) => format!("a {} name like `acmeCo/orders`", kind.label()),
        Shape::Duration => "a string like `5m`".into(),
        Shape::DateTime => "a timestamp like `2024-01-31T00:00:00Z`".into(),
        Shape::UInt { .. } => "a whole number".into(),
        Shape::Enum { values, .. } => format!("one of {}", suggest::list(values)),
        Shape::List(Shape::Text(Pattern::Pointer))
        | Shape::NonEmptyList(Shape::Text(Pattern::Pointer)) => {
            "a list of JSON pointers like `[/id]`".into()
        }
        Shape::List(_) | Shape::NonEmptyList(_) | Shape::Custom(Custom::LegacyTestSteps) => {
            "a list".into()
        }
        Shape::Map(_) | Shape::Object(_) | Shape::Custom(Custom::TargetNamingStrategy) => {
            "a mapping".into()
        }
        Shape::Variant(v) => format!("a mapping with one of {}", suggest::list(&v.keys())),
        Shape::Either(alts) => {
            let parts: Vec<String> = alts.iter().map(expect).collect();
            parts.join(", or ")
        }
    }
}

/// Explains why a string is not a JSON pointer.
fn pointer_problem(s: &str) -> String {
    if !s.starts_with('/') {
        format!("a pointer starts with `/`, as in `/{s}`")
    } else if s == "/" || s.contains("//") || s.ends_with('/') {
        "it has an empty part (`/` alone, `//` or a trailing `/`)".into()
    } else {
        "a `~` must be written `~0`, and a `/` inside a property name `~1`".into()
    }
}

/// Explains why a string is not a projection field name.
fn field_problem(s: &str) -> String {
    if s.is_empty() {
        "it is empty".into()
    } else if s.starts_with('/') {
        "a field name must not start with `/` (that would be a JSON pointer)".into()
    } else if s.contains("//") || s.ends_with('/') {
        "it has an empty part (`//` or a trailing `/`)".into()
    } else {
        "a `~` must be written `~0`, and a `/` that is not a separator `~1`".into()
    }
}

/// An RFC 3339 date-time (`2024-01-31T00:00:00Z`, `...T10:00:00.5+02:00`).
fn is_timestamp(s: &str) -> bool {
    static RFC3339: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$",
        )
        .unwrap()
    });
    let Some(c) = RFC3339.captures(s) else {
        return false;
    };
    let n = |i: usize| {
        c.get(i)
            .map_or(0, |m| m.as_str().parse::<u32>().unwrap_or(99))
    };
    let (year, month, day) = (n(1), n(2), n(3));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day) && n(4) < 24 && n(5) < 60 && n(6) < 60 && n(10) < 24 && n(11) < 60
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse;

    fn run(text: &str) -> Vec<(Code, String)> {
        let root = parse(text).unwrap();
        let (findings, _) = file(Path::new("f.flow.yaml"), &root);
        findings
            .into_iter()
            .map(|f| {
                let d = f.diagnostic;
                (
                    f.code,
                    format!("{}:{}: {}: {}", d.line, d.col, d.severity, d.message),
                )
            })
            .collect()
    }

    fn messages(text: &str) -> Vec<String> {
        run(text).into_iter().map(|(_, m)| m).collect()
    }

    const CAPTURE: &str = "captures:\n  acme/x:\n    endpoint: {connector: {image: 'a/b:v1', config: {}}}\n    bindings: []\n";

    #[test]
    fn valid_minimal_entities_pass() {
        assert_eq!(messages(CAPTURE), Vec::<String>::new());
        assert!(messages("").is_empty());
        let text = "collections:\n  acme/c: {key: [/id], schema: {type: object}}\n\
            materializations:\n  acme/m:\n    endpoint: {dekaf: {variant: foo, config: {}}}\n    bindings:\n      - source: {name: acme/c, notBefore: '2024-01-31T00:00:00Z'}\n        resource: {topic: c}\n        fields: {recommended: 2}\n\
            tests:\n  acme/t: {steps: [{ingest: {collection: acme/c, documents: []}}]}\n";
        assert_eq!(messages(text), Vec::<String>::new());
    }

    #[test]
    fn unknown_keys_name_the_key_and_help() {
        let m = messages("captures:\n  acme/x:\n    endpoint: {connector: {image: 'a/b:v1', config: {}}}\n    bindigs: []\n");
        assert_eq!(
            m,
            vec!["4:5: error: unknown key `bindigs` in capture `acme/x`; did you mean `bindings`?"]
        );
        let m = messages("foo: 1\n");
        assert!(
            m[0].starts_with("1:1: error: unknown top-level key `foo` (allowed keys: `$schema`"),
            "{m:?}"
        );
    }

    #[test]
    fn old_keys_get_specific_hints() {
        let m = messages("storageMappings: {}\n");
        assert!(
            m[0].contains("unknown top-level key `storageMappings`: storage mappings no longer"),
            "{m:?}"
        );
        let m = messages(
            "collections:\n  acme/c:\n    key: [/id]\n    schema: true\n    derivation: {}\n",
        );
        assert!(m[0].contains("old name of `derive`"), "{m:?}");
        let m = messages(
            "captures:\n  acme/x:\n    endpoint: {airbyteSource: {image: x}}\n    bindings: []\n",
        );
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(m[0].contains("`airbyteSource` endpoints no longer exist"));
    }

    #[test]
    fn aliases_are_accepted_with_a_warning() {
        let text = "materializations:\n  acme/m:\n    sourceCapture: acme/x\n    endpoint: {flowSink: {image: 'a/b:v1', config: {}}}\n    bindings:\n      - source: acme/c\n        resource: {}\n        fields: {recommended: true, include: {a: {}}}\n";
        let r = run(text);
        assert_eq!(r.len(), 3, "{r:?}");
        assert!(r
            .iter()
            .all(|(c, m)| *c == Code::Alias && m.contains("warning: `")));
        let r = messages(
            "materializations:\n  acme/m:\n    sourceCapture: acme/x\n    source: acme/x\n    endpoint: {connector: {image: 'a/b:v1', config: {}}}\n    bindings: []\n",
        );
        assert!(
            r[0].contains("has both `sourceCapture` and `source`"),
            "{r:?}"
        );
    }

    #[test]
    fn wrong_types_point_at_the_value() {
        let m = messages(&format!("{CAPTURE}    interval: 5\n"));
        assert_eq!(
            m,
            vec!["5:15: error: `interval` must be a string like `5m`, found an integer"]
        );
        let m = messages("captures:\n  acme/x:\n    endpoint: {connector: {image: 'a/b:v1', config: {}}}\n    bindings: {a: 1}\n");
        assert_eq!(
            m,
            vec!["4:15: error: `bindings` must be a list, found a mapping"]
        );
        let m = messages("collections:\n  acme/c: {key: /id, schema: true}\n");
        assert_eq!(
            m,
            vec!["2:17: error: `key` must be a list of JSON pointers like `[/id]`, found a string"]
        );
        let m = messages("captures:\n  acme/x:\n");
        assert_eq!(
            m,
            vec!["2:9: error: capture `acme/x` must be a mapping, found an empty value (null)"]
        );
    }

    #[test]
    fn durations_and_suggestions() {
        let m = messages(&format!("{CAPTURE}    interval: 1h 30m\n"));
        assert!(
            m[0].contains("is `1h 30m`, which is not a duration"),
            "{m:?}"
        );
        assert!(m[0].ends_with("write it as `90m`"), "{m:?}");
        let m = messages(&format!("{CAPTURE}    interval: 5 fortnights\n"));
        assert!(
            m[0].ends_with("the unit is `s`, `m`, `h` or `d`, as in `90m`"),
            "{m:?}"
        );
        let m = messages("captures:\n  acme/x:\n    endpoint: {connector: {image: 'a/b:v1', config: {}}}\n    bindings: []\n    shards: {maxTxnDuration: '30'}\n");
        assert!(m[0].contains("add a unit, such as `30s`"), "{m:?}");
        let m = messages(&format!("{CAPTURE}    interval: null\n"));
        assert!(m.is_empty(), "{m:?}");
        let m = run(&format!("{CAPTURE}    interval: 99999999999999999999m\n"));
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(m[0].0, Code::Semantic);
        assert!(m[0].1.contains("longer than Flow can count"), "{m:?}");
        let m = run(&format!("{CAPTURE}    interval: \"\u{0665}m\"\n"));
        assert_eq!(m[0].0, Code::Duration, "{m:?}");
        assert!(
            m[0].1.ends_with("write the number with the digits 0 to 9"),
            "{m:?}"
        );
    }

    #[test]
    fn names_and_pointers() {
        let m = messages("collections:\n  acme/has space: {key: [/id], schema: true}\n  /acme/x: {key: [id, /a//b, /a~2], schema: true}\n");
        assert_eq!(m.len(), 5, "{m:?}");
        assert!(m[0].starts_with("2:3: error: invalid catalog name `acme/has space`"));
        assert!(m[1].starts_with("3:3: error: invalid catalog name `/acme/x`"));
        assert!(
            m[2].contains("item 1 of `key` is `id`, which is not a valid JSON pointer: a pointer starts with `/`, as in `/id`"),
            "{m:?}"
        );
        assert!(m[3].contains("empty part"));
        assert!(m[4].contains("`~0`"));
        let m = messages("collections:\n  acme/c:\n    key: [/id]\n    schema: true\n    projections: {/bad: /id, good: {location: 'x'}}\n");
        assert_eq!(m.len(), 2, "{m:?}");
        assert!(m[0].contains("the projection name is `/bad`"), "{m:?}");
        assert!(m[1].contains("`location` is `x`"), "{m:?}");
    }

    #[test]
    fn collection_schema_forms_and_key() {
        let base = "collections:\n  acme/c:\n    key: [/id]\n";
        let m = messages(&format!(
            "{base}    schema: true\n    writeSchema: true\n    readSchema: true\n"
        ));
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(
            m[0].starts_with("5:5: error: collection `acme/c` has both `schema` and `writeSchema`")
        );
        let m = messages(&format!("{base}    writeSchema: true\n"));
        assert!(m[0]
            .starts_with("4:5: error: collection `acme/c` has `writeSchema` but no `readSchema`"));
        let m = messages(&format!("{base}    readSchema: true\n"));
        assert!(m[0].contains("has `readSchema` but no `writeSchema`"));
        let m = messages(&format!("{base}    projections: {{}}\n"));
        assert!(m[0].starts_with("2:3: error: collection `acme/c` has no schema"));
        let r = run("collections:\n  acme/c:\n    schema: true\n");
        assert_eq!(r[0].0, Code::Required);
        assert!(r[0]
            .1
            .starts_with("2:3: error: collection `acme/c` is missing `key`"));
        let r = run("collections:\n  acme/c: {key: [], schema: true}\n");
        assert_eq!(r[0].0, Code::Semantic);
        assert!(r[0].1.contains("`key` must not be empty"));
    }

    #[test]
    fn images_fields_and_local_commands() {
        let r = run("captures:\n  acme/x:\n    endpoint: {connector: {image: ghcr.io/estuary/source-x, config: {}}}\n    bindings: []\n");
        assert_eq!(r[0].0, Code::Image);
        assert!(r[0]
            .1
            .contains("needs a tag or digest, such as `ghcr.io/estuary/source-x:v1`"));
        // A registry port is not a tag; a malformed digest is named.
        let r = run("captures:\n  acme/x:\n    endpoint: {connector: {image: 'localhost:5000/source-x', config: {}}}\n    bindings: []\n");
        assert_eq!(r[0].0, Code::Image);
        assert!(
            r[0].1.contains("such as `localhost:5000/source-x:v1`"),
            "{r:?}"
        );
        let r = run("captures:\n  acme/x:\n    endpoint: {connector: {image: 'a/b@sha256:xyz', config: {}}}\n    bindings: []\n");
        assert_eq!(r[0].0, Code::Image);
        assert!(r[0].1.contains("`sha256:xyz` is not a digest"), "{r:?}");
        let m = messages("materializations:\n  acme/m:\n    endpoint: {connector: {image: 'a/b:v1', config: {}}}\n    bindings:\n      - {source: acme/c, resource: {}, fields: {exclude: [a]}}\n");
        assert_eq!(
            m,
            vec!["5:40: error: `fields` of binding 1 of materialization `acme/m` is missing `recommended`, which is required"]
        );
        let m = messages("materializations:\n  acme/m:\n    endpoint: {connector: {image: 'a/b:v1', config: {}}}\n    bindings:\n      - {source: acme/c, resource: {}, fields: {recommended: -1}}\n");
        assert!(
            m[0].contains("`recommended` must be 0 or more, found -1"),
            "{m:?}"
        );
        let m = messages("materializations:\n  acme/m:\n    endpoint: {connector: {image: 'a/b:v1', config: {}}}\n    bindings:\n      - {source: acme/c, resource: {}, fields: {recommended: yes}}\n");
        assert!(
            m[0].contains(
                "`recommended` must be `true` or `false`, or a whole number, found the string `yes` (write `true`)"
            ),
            "{m:?}"
        );
        let m = messages("captures:\n  acme/x:\n    endpoint: {local: {command: [], config: {}}}\n    bindings: []\n");
        assert!(m[0].contains("`command` must not be empty"), "{m:?}");
        let m = messages("captures:\n  acme/x:\n    endpoint: {local: {command: [a, 1], config: {}}}\n    bindings: []\n");
        assert!(
            m[0].contains("item 2 of `command` must be a string, found an integer"),
            "{m:?}"
        );
        let m = messages("captures:\n  acme/x:\n    endpoint: {dekaf: {variant: x, config: {}}}\n    bindings: []\n");
        assert!(
            m[0].contains("`dekaf` endpoints are only for materializations"),
            "{m:?}"
        );
    }

    #[test]
    fn endpoints_need_exactly_one_variant_and_connectors_ignore_extras() {
        let m = messages("captures:\n  acme/x:\n    endpoint: {}\n    bindings: []\n");
        assert!(
            m[0].contains("`endpoint` of capture `acme/x` needs one of `connector` or `local`"),
            "{m:?}"
        );
        let m = messages("captures:\n  acme/x:\n    endpoint: {connector: {image: 'a:1', config: {}}, local: {command: [x], config: {}}}\n    bindings: []\n");
        assert!(m[0].contains("has both `connector` and `local`"), "{m:?}");
        let r = run("captures:\n  acme/x:\n    endpoint: {connector: {image: 'a:1', config: {}, extra: 1}}\n    bindings: []\n");
        assert_eq!(r[0].0, Code::IgnoredKey);
        assert!(r[0].1.contains("warning: unknown key `extra` in `connector` in `endpoint` of capture `acme/x`; Flow ignores it"), "{r:?}");
    }

    #[test]
    fn bindings_are_named_by_position_and_refs_are_collected() {
        let text = "captures:\n  acme/x:\n    endpoint: {connector: {image: 'a:1', config: {}}}\n    bindings:\n      - {resource: {}, target: acme/a}\n      - {resource: {}, tagret: acme/b}\n      - {resource: {}, target: acme/c, disable: true}\n";
        let root = parse(text).unwrap();
        let (findings, refs) = file(Path::new("f"), &root);
        let m: Vec<_> = findings
            .iter()
            .map(|f| f.diagnostic.message.clone())
            .collect();
        assert_eq!(
            m,
            vec!["unknown key `tagret` in binding 2 of capture `acme/x`; did you mean `target`?"]
        );
        let names: Vec<_> = refs.iter().map(|r| (r.name.as_str(), r.disabled)).collect();
        assert_eq!(names, vec![("acme/a", false), ("acme/c", true)]);
    }

    #[test]
    fn tests_legacy_form_and_steps() {
        let r = run("tests:\n  acme/t:\n    - ingest: {collection: acme/c, documents: []}\n    - verify: {collection: {name: acme/c}, documents: x.yaml}\n");
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].0, Code::Alias);
        let m = messages("tests:\n  acme/t:\n    steps:\n      - ingest: {collection: acme/c}\n      - check: {}\n");
        assert_eq!(m.len(), 2, "{m:?}");
        assert!(
            m[0].contains("`ingest` in step 1 of test `acme/t` is missing `documents`"),
            "{m:?}"
        );
        assert!(
            m[1].contains("unknown key `check` in step 2 of test `acme/t`"),
            "{m:?}"
        );
    }

    #[test]
    fn derivations_check_using_and_transforms_but_not_lambdas() {
        let text = "collections:\n  acme/d:\n    key: [/id]\n    schema: true\n    derive:\n      using: {sqlite: {migrations: [m.sql]}}\n      transforms:\n        - name: from-c\n          source: acme/c\n          shuffle: any\n          lambda: {anything: [goes, {here: 1}]}\n        - name: bad name\n          source: acme/c\n          shuffle: {key: [/id], lambda: x}\n          readDelay: 1 h\n";
        let m = messages(text);
        assert_eq!(m.len(), 3, "{m:?}");
        assert!(
            m[0].contains("`name` is `bad name`, which is not a valid name"),
            "{m:?}"
        );
        assert!(m[1].contains("has both `key` and `lambda`"), "{m:?}");
        assert!(m[2].contains("write it as `1h`"), "{m:?}");
        let m = messages("collections:\n  acme/d:\n    key: [/id]\n    schema: true\n    derive: {using: {rust: {}}, transforms: []}\n");
        assert!(m[0].contains("unknown key `rust`"), "{m:?}");
    }

    #[test]
    fn target_naming_and_enums() {
        let base = "materializations:\n  acme/m:\n    endpoint: {connector: {image: 'a:1', config: {}}}\n    bindings: []\n";
        assert!(messages(&format!(
            "{base}    targetNaming: {{strategy: singleSchema, schema: s}}\n"
        ))
        .is_empty());
        let m = messages(&format!(
            "{base}    targetNaming: {{strategy: singleSchema}}\n"
        ));
        assert!(
            m[0].contains("missing `schema`, which the `singleSchema` strategy requires"),
            "{m:?}"
        );
        let m = messages(&format!("{base}    onIncompatibleSchemaChange: abrt\n"));
        assert!(m[0].ends_with("did you mean `abort`?"), "{m:?}");
        let r = run(&format!(
            "{base}    source: {{capture: acme/x, targetNaming: leaveEmpty}}\n"
        ));
        assert_eq!(r[0].0, Code::Alias, "{r:?}");
    }

    #[test]
    fn numbers_and_timestamps() {
        let base = "collections:\n  acme/c:\n    key: [/id]\n    schema: true\n";
        let m = messages(&format!(
            "{base}    journals: {{fragments: {{length: 10}}}}\n"
        ));
        assert!(
            m[0].contains("`length` must be between 32 and 4096, found 10"),
            "{m:?}"
        );
        let r = run(&format!(
            "{CAPTURE}    shards: {{hotStandbys: 5000000000}}\n"
        ));
        assert_eq!(r[0].0, Code::Semantic, "{r:?}");
        assert!(is_timestamp("2024-02-29T23:59:59.123+02:00"));
        assert!(!is_timestamp("2023-02-29T00:00:00Z"));
        assert!(!is_timestamp("yesterday"));
        assert!(!is_timestamp("2024-01-31"));
    }

    #[test]
    fn non_mapping_roots_and_odd_keys_do_not_panic() {
        assert_eq!(
            messages("- a\n- b\n"),
            vec!["1:1: error: a catalog must be a mapping, found a list"]
        );
        let m = messages("captures:\n  1: 2\n  [a]: {}\ncollections: [1]\n");
        assert!(m.len() >= 3, "{m:?}");
    }
}
