//! A collection's projections as Flow derives them (estuary/flow
//! `crates/validation/src/collection.rs`, `walk_collection_projections`): the explicit
//! `projections` first, then `flow_document` for the root and `flow_published_at` unless
//! given explicitly, the collection key's canonical fields, and a canonical field for every
//! location the schema names (its pointer without the leading `/`). When two share a field
//! name the first wins, so an explicit projection shadows a canonical one.

use super::locate::Exists;
use super::merge::Shape;
use super::types::Types;

/// The field name Flow gives the whole document.
pub const FLOW_DOCUMENT: &str = "flow_document";
/// The field Flow adds for the publication time, read from the document UUID.
pub const FLOW_PUBLISHED_AT: &str = "flow_published_at";
const UUID_PTR: &str = "/_meta/uuid";
const UUID_DATE_TIME_PTR: &str = "/_meta/uuid/date-time";

/// One field of a collection: a name for a location of its documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Projection {
    pub field: String,
    /// The JSON pointer it reads (`""` is the whole document).
    pub ptr: String,
    /// Written in the collection's `projections` (not derived).
    pub explicit: bool,
    /// A logical partition (`{location, partition: true}`).
    pub partition: bool,
    /// Part of the collection key.
    pub key: bool,
    pub types: Types,
    pub exists: Exists,
}

impl Projection {
    /// Could it be a key, a partition or a `groupBy` field: it must exist and hold a
    /// keyable scalar ([`Types::is_keyable`]).
    pub fn keyable(&self) -> bool {
        self.exists == Exists::Must && self.types.is_keyable()
    }
}

/// An explicit projection as written: `field: /ptr` or `field: {location, partition}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explicit {
    pub field: String,
    pub ptr: String,
    pub partition: bool,
}

/// An explicit projection that gives a location's canonical field name to another location,
/// which Flow rejects (`ProjectionRemapsCanonicalField`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remap {
    pub field: String,
    /// The location whose canonical field it is.
    pub canonical_ptr: String,
    /// The location the explicit projection gives it to.
    pub wrong_ptr: String,
}

/// Every projection of a collection with schema `shape`, key `key` and explicit projections
/// `explicit`, sorted by field.
pub fn projections(shape: &Shape, key: &[String], explicit: &[Explicit]) -> Vec<Projection> {
    derive(shape, key, explicit).0
}

/// [`projections`], and the explicit projections that remap a canonical field.
pub fn derive(
    shape: &Shape,
    key: &[String],
    explicit: &[Explicit],
) -> (Vec<Projection>, Vec<Remap>) {
    let located = |field: &str, ptr: &str, explicit: bool, partition: bool| {
        let (s, exists) = shape.locate(ptr);
        Projection {
            field: field.to_string(),
            ptr: ptr.to_string(),
            explicit,
            partition,
            key: key.iter().any(|k| k == ptr),
            types: s.types,
            exists,
        }
    };
    let published_at = |field: &str, explicit: bool| Projection {
        field: field.to_string(),
        ptr: UUID_PTR.to_string(),
        explicit,
        partition: false,
        key: false,
        types: Types::STRING,
        exists: Exists::Must,
    };
    let mut out: Vec<Projection> = Vec::new();
    let (mut saw_root, mut saw_uuid_time) = (false, false);
    for e in explicit {
        if e.ptr.is_empty() {
            saw_root = true;
        } else if e.ptr == UUID_DATE_TIME_PTR && !e.partition {
            saw_uuid_time = true;
            out.push(published_at(&e.field, true));
            continue;
        }
        out.push(located(&e.field, &e.ptr, true, e.partition));
    }
    if !saw_root {
        out.push(located(FLOW_DOCUMENT, "", false, false));
    }
    if !saw_uuid_time {
        out.push(published_at(FLOW_PUBLISHED_AT, false));
    }
    for ptr in key {
        out.push(located(ptr.get(1..).unwrap_or(""), ptr, false, false));
    }
    for (ptr, s, exists) in shape.locations() {
        // Flow skips the root, `flow_document` and properties with an empty name.
        if ptr.is_empty() || &ptr[1..] == FLOW_DOCUMENT || ptr.ends_with('/') {
            continue;
        }
        out.push(Projection {
            field: ptr[1..].to_string(),
            key: key.contains(&ptr),
            ptr,
            explicit: false,
            partition: false,
            types: s.types,
            exists,
        });
    }
    out.sort_by(|a, b| a.field.cmp(&b.field));
    let mut remaps = Vec::new();
    for pair in out.windows(2) {
        let (first, next) = (&pair[0], &pair[1]);
        if first.field == next.field && first.ptr != next.ptr && first.explicit && !next.explicit {
            remaps.push(Remap {
                field: first.field.clone(),
                canonical_ptr: next.ptr.clone(),
                wrong_ptr: first.ptr.clone(),
            });
        }
    }
    out.dedup_by(|later, first| later.field == first.field);
    (out, remaps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::shape::testing::shape_of;

    #[test]
    fn canonical_and_explicit_projections() {
        let shape = shape_of(
            "type: object\nproperties:\n  id: {type: integer}\n  a/b: {type: string}\n  nested:\n    type: object\n    properties: {x: {type: [number, 'null']}}\n    required: [x]\n  flow_document: {type: string}\nrequired: [id, nested]\npatternProperties: {'^z': {type: string}}\n",
        );
        let explicit = [
            Explicit {
                field: "the_id".into(),
                ptr: "/id".into(),
                partition: true,
            },
            Explicit {
                field: "nested/x".into(),
                ptr: "/id".into(),
                partition: false,
            },
        ];
        let (p, remaps) = derive(&shape, &["/id".to_string()], &explicit);
        assert_eq!(
            remaps,
            vec![Remap {
                field: "nested/x".into(),
                canonical_ptr: "/nested/x".into(),
                wrong_ptr: "/id".into()
            }]
        );
        let rows: Vec<_> = p
            .iter()
            .map(|p| (p.field.as_str(), p.ptr.as_str(), p.keyable()))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("a~1b", "/a~1b", false),
                ("flow_document", "", false),
                ("flow_published_at", "/_meta/uuid", true),
                ("id", "/id", true),
                ("nested", "/nested", false),
                // The explicit projection shadows the canonical field (and is reported).
                ("nested/x", "/id", true),
                ("the_id", "/id", true),
            ]
        );
        assert!(p.iter().find(|p| p.field == "the_id").unwrap().partition);
        assert!(p.iter().find(|p| p.field == "id").unwrap().key);
    }
}
