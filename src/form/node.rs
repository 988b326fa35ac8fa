//! The form tree: what a form screen draws for one JSON Schema, independent of any terminal.
//!
//! A [`FormNode`] is one field (or the root). Its [`Kind`] says which widget fits; its
//! [`Annotations`] carry everything the connector told us about how to show it.

use serde_json::{Number, Value};

/// One field of a form: the property `key` in its parent (empty at the root and for array
/// items), its labels, annotations and shape.
#[derive(Debug, Clone, PartialEq)]
pub struct FormNode {
    /// Property name in the parent object ("" for the root, array items and map values).
    pub key: String,
    /// `title`, falling back to the key, so there is always something to show.
    pub label: String,
    /// `description` as plain text (HTML stripped, Markdown links spelled out).
    pub description: Option<String>,
    /// Whether the parent's `required` lists this key.
    pub required: bool,
    /// Whether `null` is an allowed value (`type: [X, "null"]`, `anyOf/oneOf [X, {type: null}]`).
    pub nullable: bool,
    /// How the connector wants the field shown.
    pub ann: Annotations,
    /// The widget family.
    pub kind: Kind,
}

/// The shape of a field, i.e. which widget draws it.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// An object with named fields, already sorted: `order` first, then schema order.
    Group { fields: Vec<FormNode> },
    /// An object whose keys are free (`additionalProperties: {schema}` and no `properties`).
    Map { value: Box<FormNode> },
    /// A `oneOf`/`anyOf` of objects: pick a variant, then fill its fields.
    Union(Union),
    /// A single choice among fixed values (`enum`, or `oneOf` of `{title, const}`).
    Choice { options: Vec<Choice> },
    /// An array of fixed values: check any number of them.
    MultiSelect { options: Vec<Choice> },
    /// An array of anything else (scalars or objects); `item` describes one element.
    List { item: Box<FormNode> },
    /// A text, number or boolean input.
    Scalar(ScalarType),
    /// A fixed value (`const`, or a one-value `enum`): shown read-only, always written.
    Const(Value),
    /// A schema the form cannot model (no type, or several types): edited as raw JSON.
    Any,
    /// A `$ref` cycle: the form stops here rather than recursing forever.
    Recursive(String),
}

/// The scalar types a text input can parse into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarType {
    String,
    /// Whole numbers; parse as i64 (values above i32 occur, e.g. byte limits).
    Integer,
    Number,
    Boolean,
}

/// A discriminated (or inferred) union of object variants.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    /// The property whose value names the variant: `discriminator.propertyName`, else the
    /// property that is `const` in every variant. `None` when neither exists.
    pub tag: Option<String>,
    /// Whether the schema declared the tag (`discriminator`) rather than us inferring it.
    pub declared: bool,
    pub variants: Vec<Variant>,
}

/// One variant of a [`Union`].
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Tab/selector label: the variant's `title`, else its tag value, else "Option N".
    pub label: String,
    pub description: Option<String>,
    /// The tag value identifying this variant (its `const`, else `default`, else the
    /// discriminator `mapping` key pointing at it).
    pub tag_value: Option<Value>,
    /// The variant's own fields (a [`Kind::Group`]; the tag field is marked hidden).
    pub node: FormNode,
}

/// One option of a [`Kind::Choice`] or [`Kind::MultiSelect`].
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// The raw value written to the config (may be `null` or hold control characters).
    pub value: Value,
    /// What to show: the `title` if any, else the value with control characters escaped.
    pub label: String,
    pub description: Option<String>,
}

/// Annotations on a field. Defaults are "nothing special".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Annotations {
    /// `order`: fields with one come first, ascending.
    pub order: Option<i64>,
    /// `advanced: true`.
    pub advanced: bool,
    /// Start collapsed: `advanced` and no required field inside.
    pub collapsed: bool,
    /// `secret` / `airbyte_secret`: mask input, never echo.
    pub secret: bool,
    /// `multiline`: a text area rather than a line input.
    pub multiline: bool,
    /// `x-hidden-field`, `airbyte_hidden`, `_meta`, or a union's tag: not drawn, still written.
    pub hidden: bool,
    /// `readOnly`: shown, not editable.
    pub read_only: bool,
    /// Airbyte `group` (top-level card id).
    pub group: Option<String>,
    /// Airbyte `groups` on the root: `(id, title)` in display order.
    pub groups: Vec<(String, Option<String>)>,
    /// Airbyte `always_show`: keep out of the collapsed optional section.
    pub always_show: bool,
    /// `pattern` (ECMAScript-flavoured regex).
    pub pattern: Option<String>,
    /// Airbyte `pattern_descriptor`: human wording of `pattern`, used in errors.
    pub pattern_descriptor: Option<String>,
    /// `format` (date-time, date, duration, regex, uri, …).
    pub format: Option<String>,
    pub minimum: Option<Number>,
    pub maximum: Option<Number>,
    pub exclusive_minimum: Option<Number>,
    pub exclusive_maximum: Option<Number>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    /// `examples` as given (they may be mistyped, e.g. strings for integers).
    pub examples: Vec<Value>,
    /// Placeholder text for an empty input: the first example, as text.
    pub placeholder: Option<String>,
    /// `default`.
    pub default: Option<Value>,
    /// `x-oauth2-provider`: the credentials come from an OAuth flow; a terminal enters them
    /// by hand.
    pub oauth2_provider: Option<String>,
    /// `x-iam-auth`: the union offers cloud IAM role auth.
    pub iam_auth: bool,
    /// `x-collection-name`: filled with the bound collection's last path segment.
    pub collection_name: bool,
    /// `x-schema-name`: filled with the collection's second-to-last segment.
    pub schema_name: bool,
    /// `x-delta-updates`: set when the source capture uses delta updates.
    pub delta_updates: bool,
}

impl FormNode {
    /// The fields of a group, or of nothing.
    pub fn fields(&self) -> &[FormNode] {
        match &self.kind {
            Kind::Group { fields } => fields,
            _ => &[],
        }
    }

    /// The field named `key` of a group.
    pub fn field(&self, key: &str) -> Option<&FormNode> {
        self.fields().iter().find(|f| f.key == key)
    }

    /// Every node below and including this one, depth first (all union variants included).
    pub fn walk(&self, f: &mut dyn FnMut(&FormNode)) {
        f(self);
        match &self.kind {
            Kind::Group { fields } => fields.iter().for_each(|c| c.walk(f)),
            Kind::Map { value } => value.walk(f),
            Kind::List { item } => item.walk(f),
            Kind::Union(u) => u.variants.iter().for_each(|v| v.node.walk(f)),
            _ => {}
        }
    }
}

impl Union {
    /// The variant whose tag value equals `value`.
    pub fn variant_for_tag(&self, value: &Value) -> Option<usize> {
        self.variants
            .iter()
            .position(|v| v.tag_value.as_ref() == Some(value))
    }
}
