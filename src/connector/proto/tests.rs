//! Byte-level tests of the protobuf mapping.

use super::*;
use crate::connector::protocol::{self as p, ConnectorType, TaskType};
use prost::Message;
use std::collections::BTreeMap;

/// Field key byte: (field number << 3) | wire type (0 varint, 2 length-delimited).
fn key(field: u8, wire: u8) -> u8 {
    (field << 3) | wire
}

#[test]
fn spec_request_bytes_match_hand_computed_encoding() {
    let req = p::Request {
        spec: Some(p::SpecRequest {
            connector_type: ConnectorType::Image,
            config: p::raw("{}"),
        }),
        ..Default::default()
    };
    let framed = encode_request(TaskType::Capture, &req);
    // Request.spec (1, len 6) { connector_type (1, varint) = IMAGE 7, config_json (2, len 2) "{}" }
    let body = [key(1, 2), 6, key(1, 0), 7, key(2, 2), 2, b'{', b'}'];
    let mut expected = (body.len() as u32).to_le_bytes().to_vec();
    expected.extend_from_slice(&body);
    assert_eq!(framed, expected);
    assert_eq!(body, [0x0a, 0x06, 0x08, 0x07, 0x12, 0x02, 0x7b, 0x7d]);

    // Materialization: IMAGE is 8, LOCAL is 9, and Validate is field 2 (capture: 3).
    let framed = encode_request(TaskType::Materialize, &req);
    assert_eq!(
        &framed[4..],
        [key(1, 2), 6, key(1, 0), 8, key(2, 2), 2, b'{', b'}']
    );
    let discover = p::Request {
        discover: Some(p::DiscoverRequest {
            connector_type: ConnectorType::Local,
            config: p::raw("{}"),
        }),
        ..Default::default()
    };
    let framed = encode_request(TaskType::Capture, &discover);
    assert_eq!(
        &framed[4..],
        [key(2, 2), 6, key(1, 0), 8, key(2, 2), 2, b'{', b'}']
    );
}

#[test]
fn validate_request_field_numbers() {
    let req = p::Request {
        validate: Some(p::ValidateRequest {
            name: "a".into(),
            connector_type: ConnectorType::Local,
            config: p::raw("{}"),
            bindings: vec![p::ValidateBinding {
                resource_config: p::raw("1"),
                collection: p::CollectionSpec {
                    name: "c".into(),
                    write_schema: p::raw("true"),
                    read_schema: None,
                    key: vec!["/k".into()],
                    uuid_ptr: String::new(),
                    partition_fields: vec![],
                    projections: vec![],
                    ack_template: None,
                },
                backfill: 2,
                field_config: BTreeMap::new(),
                group_by: vec![],
            }],
            last_version: String::new(),
        }),
        ..Default::default()
    };
    let framed = encode_request(TaskType::Capture, &req);
    // CollectionSpec { name (1) "c", key (3) "/k", write_schema_json (8) "true" }
    let coll = [
        key(1, 2),
        1,
        b'c',
        key(3, 2),
        2,
        b'/',
        b'k',
        key(8, 2),
        4,
        b't',
        b'r',
        b'u',
        b'e',
    ];
    // Validate.Binding { resource_config_json (1) "1", collection (2), backfill (3) = 2 }
    let mut binding = vec![key(1, 2), 1, b'1', key(2, 2), coll.len() as u8];
    binding.extend_from_slice(&coll);
    binding.extend_from_slice(&[key(3, 0), 2]);
    // Validate { name (1) "a", connector_type (2) LOCAL 8, config_json (3) "{}", bindings (4) }
    let mut validate = vec![key(1, 2), 1, b'a', key(2, 0), 8, key(3, 2), 2, b'{', b'}'];
    validate.extend_from_slice(&[key(4, 2), binding.len() as u8]);
    validate.extend_from_slice(&binding);
    // Request.validate is field 3 for captures.
    let mut body = vec![key(3, 2), validate.len() as u8];
    body.extend_from_slice(&validate);
    assert_eq!(&framed[4..], &body[..]);
    // And the demo side decodes it back.
    let back = decode_request(TaskType::Capture, &framed[4..]).unwrap();
    let v = back.validate.unwrap();
    assert_eq!(v.connector_type, ConnectorType::Local);
    assert_eq!(v.bindings[0].backfill, 2);
    assert_eq!(v.bindings[0].collection.write_schema.get(), "true");
}

#[test]
fn responses_round_trip_through_protobuf() {
    let spec = capture::Response {
        spec: Some(capture::response::Spec {
            protocol: 3032023,
            config_schema_json: r#"{"type":"object"}"#.into(),
            resource_config_schema_json: r#"{"type":"object"}"#.into(),
            documentation_url: "https://x".into(),
            oauth2: Some(flow::OAuth2 {
                provider: "google".into(),
                access_token_headers_json_map: [("a".to_string(), "\"b\"".to_string())]
                    .into_iter()
                    .collect(),
                ..Default::default()
            }),
            resource_path_pointers: vec!["/stream".into()],
        }),
        ..Default::default()
    };
    let bytes = spec.encode_to_vec();
    // Response.spec is field 1; Spec.protocol is field 1 (varint 3032023).
    assert_eq!(&bytes[2..6], &[key(1, 0), 0xd7, 0x87, 0xb9]);
    let r = decode_response(TaskType::Capture, &bytes).unwrap();
    let s = r.spec.unwrap();
    assert_eq!(s.protocol, 3032023);
    assert_eq!(
        s.oauth2.unwrap().get(),
        r#"{"provider":"google","accessTokenHeaders":{"a":"b"}}"#
    );
    // And back again.
    let again = encode_response(
        TaskType::Capture,
        &decode_response(TaskType::Capture, &bytes).unwrap(),
    );
    assert_eq!(&again[4..], &bytes[..]);

    let validated = materialize::Response {
        validated: Some(materialize::response::Validated {
            bindings: vec![materialize::response::validated::Binding {
                constraints: [(
                    "id".to_string(),
                    materialize::response::validated::Constraint {
                        r#type: 2,
                        reason: "key".into(),
                        folded_field: String::new(),
                    },
                )]
                .into_iter()
                .collect(),
                resource_path: vec!["t".into()],
                delta_updates: true,
            }],
        }),
        ..Default::default()
    };
    let r = decode_response(TaskType::Materialize, &validated.encode_to_vec()).unwrap();
    let b = &r.validated.as_ref().unwrap().bindings[0];
    assert_eq!(b.constraints["id"].kind, "LOCATION_REQUIRED");
    assert_eq!(
        &encode_response(TaskType::Materialize, &r)[4..],
        &validated.encode_to_vec()[..]
    );

    // JSON fields that are not JSON are errors naming the field.
    let bad = capture::Response {
        discovered: Some(capture::response::Discovered {
            bindings: vec![capture::response::discovered::Binding {
                recommended_name: "x".into(),
                resource_config_json: "{".into(),
                document_schema_json: "{}".into(),
                ..Default::default()
            }],
        }),
        ..Default::default()
    };
    let e = decode_response(TaskType::Capture, &bad.encode_to_vec()).unwrap_err();
    assert!(e.contains("resourceConfig"), "{e}");
}

#[test]
fn constraint_names() {
    assert_eq!(constraint_name(1), "FIELD_REQUIRED");
    assert_eq!(constraint_name(7), "UNSATISFIABLE");
    assert_eq!(constraint_name(42), "UNKNOWN_42");
    assert_eq!(constraint_number("FIELD_OPTIONAL"), 4);
}
