//! Position-aware YAML: a parsed tree that knows where each node sits in the text, and a
//! patcher that edits the text in place so that untouched bytes never change.

mod build;
mod change;
pub mod patch;
pub mod tree;

pub use tree::{parse, pointer, Node, ParseError, PathSeg, Pos, Style, Value};
