//! Position-aware YAML: a parsed tree that knows where each node sits in the text, and a
//! patcher that edits the text in place so that untouched bytes never change.
//!
//! - `build` parses text into a [`Node`] tree (with limits for untrusted input), `tree` holds
//!   the tree types;
//! - [`emit`] writes scalars so that every YAML reader (1.1 and 1.2) reads them back the same;
//!   `render` writes whole values with it, in block or flow style;
//! - [`patch`] plans format-preserving edits, [`Document`] applies them to a kept tree
//!   (re-parsing only what changed), `change` turns an old and a new value into edits.

mod build;
mod change;
mod document;
pub mod emit;
pub mod patch;
pub(crate) mod render;
pub(crate) mod transcode;
pub mod tree;

pub use build::{parse_with_stats, Stats};
pub use document::Document;
pub use tree::{parse, pointer, Node, ParseError, PathSeg, Pos, Style, Value};
