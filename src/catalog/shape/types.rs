//! Sets of JSON types, as Flow's `json::schema::types::Set` (estuary/flow
//! `crates/json/src/schema/types.rs`): integers and fractional numbers are separate members, so
//! `number` is both and `integer` is a subset of it.

use std::fmt;

use crate::yaml::{Node, Value};

/// A set of JSON types.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Types(u8);

impl Types {
    pub const INVALID: Types = Types(0);
    pub const ARRAY: Types = Types(1);
    pub const BOOLEAN: Types = Types(1 << 1);
    pub const FRACTIONAL: Types = Types(1 << 2);
    pub const INTEGER: Types = Types(1 << 3);
    pub const NULL: Types = Types(1 << 4);
    pub const OBJECT: Types = Types(1 << 5);
    pub const STRING: Types = Types(1 << 6);
    /// `number`: integers and fractional numbers.
    pub const NUMBER: Types = Types(Self::FRACTIONAL.0 | Self::INTEGER.0);
    pub const ANY: Types = Types(0x7f);

    /// The set named by a `type` keyword's string (`fractional` is Flow's own name).
    pub fn for_name(name: &str) -> Option<Types> {
        Some(match name {
            "array" => Self::ARRAY,
            "boolean" => Self::BOOLEAN,
            "fractional" => Self::FRACTIONAL,
            "integer" => Self::INTEGER,
            "null" => Self::NULL,
            "number" => Self::NUMBER,
            "object" => Self::OBJECT,
            "string" => Self::STRING,
            _ => return None,
        })
    }

    /// The type of a YAML value read as JSON; whole numbers are integers, as JSON Schema says.
    pub fn of_node(node: &Node) -> Types {
        match &node.value {
            Value::Null => Self::NULL,
            Value::Bool(_) => Self::BOOLEAN,
            Value::Int(_) => Self::INTEGER,
            Value::Float(f) if f.fract() == 0.0 => Self::INTEGER,
            Value::Float(_) => Self::FRACTIONAL,
            Value::Str(_) => Self::STRING,
            Value::Seq(_) => Self::ARRAY,
            Value::Map(_) => Self::OBJECT,
        }
    }

    /// The type of a JSON value (see [`Types::of_node`]).
    pub fn of_json(value: &serde_json::Value) -> Types {
        use serde_json::Value as J;
        match value {
            J::Null => Self::NULL,
            J::Bool(_) => Self::BOOLEAN,
            J::Number(n) if n.as_f64().is_some_and(|f| f.fract() != 0.0) => Self::FRACTIONAL,
            J::Number(_) => Self::INTEGER,
            J::String(_) => Self::STRING,
            J::Array(_) => Self::ARRAY,
            J::Object(_) => Self::OBJECT,
        }
    }

    pub fn union(self, other: Types) -> Types {
        Types(self.0 | other.0)
    }

    pub fn intersect(self, other: Types) -> Types {
        Types(self.0 & other.0)
    }

    pub fn minus(self, other: Types) -> Types {
        Types(self.0 & !other.0)
    }

    pub fn overlaps(self, other: Types) -> bool {
        self.0 & other.0 != 0
    }

    /// True when the set is exactly `other` (Flow compares `type_ == types::OBJECT`).
    pub fn is(self, other: Types) -> bool {
        self == other
    }

    /// Can a location of these types be (part of) a collection key, a partition or a shuffle
    /// key? Flow's `KeyWrongType` says keys "may only be null-able integers, strings, or
    /// booleans" (estuary/flow `crates/validation/src/errors.rs`). One version of Flow's
    /// `Set::is_keyable_type` also lists `number`, but shuffle keys map numbers to
    /// `InvalidShuffleType` (`crates/validation/src/schema.rs`, `shuffle_key_types`) and issue
    /// 12 records Flow's build rejecting a `number` key, so numbers are not keyable here.
    pub fn is_keyable(self) -> bool {
        let t = self.minus(Self::NULL);
        t == Self::BOOLEAN || t == Self::INTEGER || t == Self::STRING
    }

    /// The type names in Flow's order; `number` stands for integers and fractions together.
    pub fn names(self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.overlaps(Self::ARRAY) {
            out.push("array");
        }
        if self.overlaps(Self::BOOLEAN) {
            out.push("boolean");
        }
        if self.intersect(Self::NUMBER) == Self::FRACTIONAL {
            out.push("fractional");
        }
        if self.intersect(Self::NUMBER) == Self::INTEGER {
            out.push("integer");
        }
        if self.overlaps(Self::NULL) {
            out.push("null");
        }
        if self.intersect(Self::NUMBER) == Self::NUMBER {
            out.push("number");
        }
        if self.overlaps(Self::OBJECT) {
            out.push("object");
        }
        if self.overlaps(Self::STRING) {
            out.push("string");
        }
        out
    }
}

impl fmt::Display for Types {
    /// `integer, null`; `any` for every type; `nothing` for none.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Self::ANY {
            return f.write_str("any");
        }
        if *self == Self::INVALID {
            return f.write_str("nothing");
        }
        f.write_str(&self.names().join(", "))
    }
}

impl fmt::Debug for Types {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Types({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_keyability() {
        assert_eq!(Types::NUMBER.union(Types::NULL).to_string(), "null, number");
        assert_eq!(Types::INTEGER.to_string(), "integer");
        assert_eq!(Types::ANY.to_string(), "any");
        assert!(Types::STRING.union(Types::NULL).is_keyable());
        assert!(Types::INTEGER.is_keyable() && Types::BOOLEAN.is_keyable());
        assert!(!Types::NUMBER.is_keyable() && !Types::FRACTIONAL.is_keyable());
        assert!(!Types::NULL.is_keyable() && !Types::INVALID.is_keyable());
        assert!(!Types::STRING.union(Types::INTEGER).is_keyable());
        assert!(!Types::OBJECT.is_keyable());
        assert_eq!(Types::for_name("number"), Some(Types::NUMBER));
        assert_eq!(Types::for_name("numbr"), None);
    }
}
