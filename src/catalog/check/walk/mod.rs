//! Walks one parsed catalog file against the model, reporting each problem at its node, and
//! collects the references to other entities for the cross-file checks.

use std::path::{Path, PathBuf};

mod words;

use words::{
    expect, field_problem, fits, is_timestamp, item_label, pointer_problem, unknown_key,
    unknown_key_with_help,
};

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
            Value::Int(i) => i,
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

#[cfg(test)]
mod tests;
