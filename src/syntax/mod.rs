//! Small value syntaxes that several parts of flowspec read, each parsed in exactly one place
//! so that `check`, the connector runner and the command line agree on what a value means:
//!
//! - [`duration`]: Flow's catalog durations (`interval: 5m`) and `--timeout 30s`;
//! - [`percent`]: percent-decoding of the URLs that catalogs use as file references and `$ref`
//!   fragments (`my%20file.yaml`, `#/$defs/a%20b`);
//! - [`image`]: connector image references (`ghcr.io/x/y:v1`, `localhost:5000/y@sha256:…`).
//!
//! Domain code: pure functions, no I/O, no terminal.

pub mod duration;
pub mod image;
pub mod percent;
