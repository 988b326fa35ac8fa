//! flowspec: a terminal editor for Estuary Flow catalog specifications.
//!
//! Domain code (`yaml`, `catalog`, `save`) knows nothing about terminals; `tui` renders it.

pub mod catalog;
pub mod cli;
pub mod cmd;
pub mod connector;
pub mod console;
pub mod create;
pub mod demo;
pub mod discover;
pub mod form;
pub mod logging;
pub mod par;
pub mod save;
pub mod secrets;
pub mod settings;
pub mod sops;
pub mod syntax;
pub mod synth;
pub mod text;
pub mod trust;
pub mod tui;
pub mod yaml;
