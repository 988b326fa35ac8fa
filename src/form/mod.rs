//! Connector config forms: a JSON Schema becomes a [`FormNode`] tree ([`build`]), a config
//! is edited through a [`FormState`] ([`Form::load`]) that fills defaults, switches union
//! variants and validates on every change, and [`template`] prints a YAML stub.
//!
//! Pure domain code: no terminal, no I/O. The TUI form screen draws these types.

mod defaults;
pub mod encrypted;
mod input;
mod model;
mod node;
pub mod pointer;
pub(crate) mod resolve;
mod sample;
mod schema;
pub mod template;
pub mod text;
mod validate;

use std::sync::{Arc, OnceLock};

use serde_json::Value;

pub use input::parse_input;
pub use model::{EditError, FormState};
pub use node::{Annotations, Choice, FormNode, Kind, ScalarType, Union, Variant};
pub use template::{fill_for_validation, template};
pub use validate::FieldError;

/// A connector config form: the schema, its form tree and (compiled on first use) its
/// validator. Cheap to clone; share one per schema.
#[derive(Clone)]
pub struct Form {
    inner: Arc<Inner>,
}

struct Inner {
    schema: Value,
    root: FormNode,
    validator: OnceLock<Result<jsonschema::Validator, String>>,
}

impl std::fmt::Debug for Form {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Form")
            .field("root", &self.inner.root)
            .finish()
    }
}

/// Builds the form for `schema`. Never fails: what cannot be modelled becomes [`Kind::Any`].
pub fn build(schema: &Value) -> Form {
    Form {
        inner: Arc::new(Inner {
            root: schema::build_tree(schema),
            schema: schema.clone(),
            validator: OnceLock::new(),
        }),
    }
}

/// The config schema inside `doc`: a bare schema, or a spec response holding it under
/// `configSchema` (Flow) or `connectionSpecification` (Airbyte).
pub fn config_schema_of(doc: &Value) -> &Value {
    [
        "configSchema",
        "config_schema_json",
        "connectionSpecification",
    ]
    .iter()
    .find_map(|k| doc.get(*k))
    .unwrap_or(doc)
}

impl Form {
    /// The root node (key "").
    pub fn root(&self) -> &FormNode {
        &self.inner.root
    }

    /// The schema the form was built from.
    pub fn schema(&self) -> &Value {
        &self.inner.schema
    }

    /// Starts editing `config`: defaults are filled, union variants chosen from tag values,
    /// errors computed.
    pub fn load(&self, config: &Value) -> FormState {
        let config = if config.is_null() {
            Value::Object(Default::default())
        } else {
            config.clone()
        };
        FormState::new(self.clone(), &config)
    }

    /// The compiled validator, or why the schema cannot be compiled.
    pub fn validator(&self) -> Result<&jsonschema::Validator, &str> {
        self.inner
            .validator
            .get_or_init(|| validate::compile(&self.inner.schema))
            .as_ref()
            .map_err(String::as_str)
    }
}

#[cfg(test)]
mod tests;
