//! Flow's protobuf messages for Spec, Discover and Validate, written by hand with
//! `prost::Message` (no protoc, no build script), and their mapping to the proto3-JSON types
//! of [`super::protocol`]. Go connectors (source-postgres and most of estuary/connectors) speak
//! only this codec.
//!
//! Field numbers and types are those of the public definitions in estuary/flow:
//! - `go/protocols/capture/capture.proto` @ 5c84138e0e91ab7e2fff274a438d76808643aaa4
//! - `go/protocols/materialize/materialize.proto` @ 8173932f107ae8a00ebbeff55276720d640c9d83
//! - `go/protocols/flow/flow.proto` @ f0c0b01672fbe9a5154ae82a1b090ca1c72cb1bd
//!
//! plus `LOCAL` connector types from `crates/proto-flow/src/flow.rs` @ 031689b (capture
//! IMAGE=7, LOCAL=8; materialization IMAGE=8, LOCAL=9). Only the fields flowspec reads or
//! writes are declared; prost skips the others when decoding. Fields that hold JSON
//! (`config_json`, `resource_config_json`, `document_schema_json`, ...) are proto `string`s
//! whose content is JSON text.

//!
//! The module is split by concern: [`messages`] declares the prost messages, `encode` maps
//! protocol types to them, `decode` maps them back.

mod decode;
mod encode;
mod messages;

pub use decode::{decode_request, decode_response};
pub use encode::{encode_request, encode_response};
pub use messages::{capture, flow, materialize};

/// `flow.CaptureSpec.ConnectorType.IMAGE`.
pub const CAPTURE_IMAGE: i32 = 7;
/// `flow.CaptureSpec.ConnectorType.LOCAL`.
pub const CAPTURE_LOCAL: i32 = 8;
/// `flow.MaterializationSpec.ConnectorType.IMAGE`.
pub const MATERIALIZE_IMAGE: i32 = 8;
/// `flow.MaterializationSpec.ConnectorType.LOCAL`.
pub const MATERIALIZE_LOCAL: i32 = 9;

/// `materialize.Response.Validated.Constraint.Type`, by number.
const CONSTRAINT_TYPES: [&str; 8] = [
    "INVALID",
    "FIELD_REQUIRED",
    "LOCATION_REQUIRED",
    "LOCATION_RECOMMENDED",
    "FIELD_OPTIONAL",
    "FIELD_FORBIDDEN",
    "INCOMPATIBLE",
    "UNSATISFIABLE",
];

/// `flow.Inference.Exists`, by number.
const EXISTS: [&str; 5] = ["INVALID", "MUST", "MAY", "IMPLICIT", "CANNOT"];

/// The name of a constraint type number; unknown numbers stay recognisable.
pub fn constraint_name(n: i32) -> String {
    usize::try_from(n)
        .ok()
        .and_then(|i| CONSTRAINT_TYPES.get(i))
        .map(|s| s.to_string())
        .unwrap_or_else(|| format!("UNKNOWN_{n}"))
}

fn constraint_number(name: &str) -> i32 {
    CONSTRAINT_TYPES
        .iter()
        .position(|n| *n == name)
        .unwrap_or(0) as i32
}

#[cfg(test)]
mod tests;
