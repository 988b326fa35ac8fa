//! flowspec's own, hand-written model of a Flow catalog file (flow-format.md §1).
//!
//! The model is a table of [`Shape`]s, one per Flow model type, so that the whole of Flow's
//! catalog format can be read in one place and compared with Flow's sources. The walker in
//! `walk` interprets it; nothing here knows about diagnostics.

use crate::catalog::EntityKind;

/// A string rule from Flow's naming rules (§1.2), or another check on a string's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// `acmeCo/orders`: names of captures, collections, materializations, tests.
    CatalogName,
    /// `/id`: a JSON pointer (`""` is the document root).
    Pointer,
    /// A projection (field) name: anything without a leading `/`, `~` escaped.
    Field,
    /// One path component, such as a transform name or a shard flag.
    Token,
    /// A relative or absolute URL: anything without a space.
    RelativeUrl,
    /// A connector image, which must carry a tag or digest.
    Image,
}

/// What a value must look like.
#[derive(Debug)]
pub enum Shape {
    /// Anything at all: configs, resources, schemas, documents and lambdas are opaque.
    Any,
    /// Only `null` (used as an alternative in [`Shape::Either`]).
    Null,
    Bool,
    /// Any string.
    Str,
    /// A string following a [`Pattern`].
    Text(Pattern),
    /// The name of another entity of this kind, which should be defined somewhere.
    Ref(EntityKind),
    /// A duration in Flow's single-unit form (`5m`); `null` means the default.
    Duration,
    /// An RFC 3339 timestamp; `null` means none.
    DateTime,
    /// A whole number from `min` to `max`. `schema_max` says whether Flow's JSON schema
    /// states the maximum too; otherwise it comes only from Flow's Rust types (`u32`).
    UInt {
        min: u64,
        max: u64,
        schema_max: bool,
    },
    /// One of a fixed set of strings; `legacy` spellings are accepted with a warning.
    Enum {
        values: &'static [&'static str],
        legacy: &'static [(&'static str, &'static str)],
    },
    List(&'static Shape),
    /// A list that Flow rejects when empty, although its schema allows `[]`.
    NonEmptyList(&'static Shape),
    /// A mapping with free keys (checked against `keys` when given) and values of one shape.
    Map(&'static Entries),
    /// A mapping with a fixed set of keys.
    Object(&'static Object),
    /// A mapping with exactly one key naming a variant (endpoints, `using`, test steps).
    Variant(&'static Variants),
    /// The first alternative whose kind (string, list, mapping, ...) fits the value.
    Either(&'static [Shape]),
    /// A rule that does not fit the table.
    Custom(Custom),
}

/// The free-keyed mappings: the top-level sections, projections, flags, headers.
#[derive(Debug)]
pub struct Entries {
    /// The rule every key must follow, if any.
    pub keys: Option<Pattern>,
    /// How one entry is called in messages (`capture`, `projection`).
    pub label: Option<&'static str>,
    pub values: Shape,
}

/// A Rust struct of Flow's model: known keys, required keys, aliases and hints.
#[derive(Debug)]
pub struct Object {
    /// How one item is called when the object sits in a list (`binding`, `transform`).
    pub item: Option<&'static str>,
    /// Every key Flow knows here, with the shape of its value.
    pub fields: &'static [(&'static str, Shape)],
    pub required: &'static [&'static str],
    /// True where Flow has `deny_unknown_fields`; false where it silently ignores other keys.
    pub closed: bool,
    /// Old spellings Flow still reads: `(alias, current key)`.
    pub aliases: &'static [(&'static str, &'static str)],
    /// Keys that are not valid but deserve a specific explanation: `(key, why)`.
    pub hints: &'static [(&'static str, &'static str)],
    /// A rule across several keys, checked after the keys themselves.
    pub rule: Option<Rule>,
}

/// A mapping with exactly one key, which selects the variant.
#[derive(Debug)]
pub struct Variants {
    /// What one variant is (`endpoint`, `derivation type`, `test step`).
    pub what: &'static str,
    /// How one item is called when the variants sit in a list (`step`).
    pub item: Option<&'static str>,
    pub options: &'static [(&'static str, Shape)],
    pub aliases: &'static [(&'static str, &'static str)],
    pub hints: &'static [(&'static str, &'static str)],
}

/// Cross-key rules of one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// `schema`, or both `writeSchema` and `readSchema` (the schema's `oneOf`).
    CollectionSchemas,
}

/// Shapes with their own code in the walker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Custom {
    /// A materialization's `targetNaming`: `{strategy: ...}` with per-strategy keys.
    TargetNamingStrategy,
    /// A test written as a bare list of steps (the legacy form).
    LegacyTestSteps,
}

impl Object {
    /// The shape of key `key`, when it is one of this object's keys.
    pub fn field(&self, key: &str) -> Option<&'static Shape> {
        let fields: &'static [(&'static str, Shape)] = self.fields;
        fields.iter().find(|(k, _)| *k == key).map(|(_, s)| s)
    }

    /// The known keys, in model order, for "allowed keys" messages and suggestions.
    pub fn keys(&self) -> Vec<&'static str> {
        self.fields.iter().map(|(k, _)| *k).collect()
    }
}

impl Variants {
    /// The shape of variant `key`, when it is one of the options.
    pub fn option(&self, key: &str) -> Option<&'static Shape> {
        let options: &'static [(&'static str, Shape)] = self.options;
        options.iter().find(|(k, _)| *k == key).map(|(_, s)| s)
    }

    /// The variant names, for messages and suggestions.
    pub fn keys(&self) -> Vec<&'static str> {
        self.options.iter().map(|(k, _)| *k).collect()
    }
}

/// Finds an alias's current key.
pub fn alias_of(aliases: &[(&'static str, &'static str)], key: &str) -> Option<&'static str> {
    aliases.iter().find(|(a, _)| *a == key).map(|(_, c)| *c)
}

/// Finds the explanation for a key that needs one.
pub fn hint_for(hints: &[(&'static str, &'static str)], key: &str) -> Option<&'static str> {
    hints.iter().find(|(k, _)| *k == key).map(|(_, h)| *h)
}

mod catalog_format;

pub use catalog_format::{CATALOG, TARGET_NAMING_STRATEGIES, TEST_STEP};

#[cfg(test)]
mod tests {
    use super::*;

    /// Walks the model and returns every object, so tests can check invariants of the table.
    fn objects(shape: &'static Shape, out: &mut Vec<&'static Object>) {
        match shape {
            Shape::List(s) | Shape::NonEmptyList(s) => objects(s, out),
            Shape::Map(e) => objects(&e.values, out),
            Shape::Object(o) if !out.iter().any(|x| std::ptr::eq(*x, *o)) => {
                out.push(o);
                for (_, s) in o.fields {
                    objects(s, out);
                }
            }
            Shape::Variant(v) => v.options.iter().for_each(|(_, s)| objects(s, out)),
            Shape::Either(alts) => alts.iter().for_each(|s| objects(s, out)),
            _ => {}
        }
    }

    #[test]
    fn model_is_consistent() {
        static ROOT: Shape = Shape::Object(&CATALOG);
        let mut all = Vec::new();
        objects(&ROOT, &mut all);
        assert!(all.len() > 20, "walked {} objects", all.len());
        for o in all {
            for r in o.required {
                assert!(o.field(r).is_some(), "required `{r}` is not a field");
            }
            for (alias, canon) in o.aliases {
                assert!(
                    o.field(canon).is_some(),
                    "alias `{alias}` of unknown `{canon}`"
                );
                assert!(o.field(alias).is_none());
            }
            for (h, _) in o.hints {
                assert!(o.field(h).is_none(), "hint for a valid key `{h}`");
            }
        }
    }
}
