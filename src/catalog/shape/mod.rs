//! Flow's shape inference, for the questions `check` and the collection view ask of a
//! collection's schema: can a location exist, must it exist, which types can it hold, and
//! which projections (fields) does the collection have.
//!
//! - `types`: sets of JSON types.
//! - `merge`: [`Shape`] with union and intersection.
//! - `index`: schema documents by URL, for `$ref`s within and across files.
//! - `infer`: a shape from a schema.
//! - `locate`: existence and types at a JSON pointer; every named location.
//! - `projection`: the projections Flow derives.
//! - `collection`: the models of a loaded catalog's collections.
//! - `schema_check`: keyword mistakes that stop Flow from building a schema.
//!
//! Domain code: no terminal here, and no file is read (schemas come from the loaded catalog).

pub mod collection;
pub mod index;
pub mod infer;
pub mod locate;
pub mod merge;
pub mod projection;
pub mod schema_check;
pub mod types;

pub use collection::{projections_of, projections_with_sources, CollectionModel, NoModel};
pub use index::{all_refs, external_refs, Index, Resolved};
pub use infer::Inferrer;
pub use locate::Exists;
pub use merge::Shape;
pub use projection::{derive, projections, Explicit, Projection, Remap};
pub use types::Types;

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// The shape of a schema written in YAML, standing alone at `file:///t/schema.yaml`.
    pub fn shape_of(text: &str) -> Shape {
        let node = crate::yaml::parse(text).unwrap();
        let url = url::Url::parse("file:///t/schema.yaml").unwrap();
        let mut index = Index::default();
        index.add_document(&url, &node);
        Inferrer::new(&index).infer(&node, &url, None)
    }
}
