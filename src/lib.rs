//! flowspec: a terminal editor for Estuary Flow catalog specifications.

pub mod yaml;
