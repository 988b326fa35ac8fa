//! Flow's connector protocol messages for Spec, Discover and Validate, in the proto3-JSON
//! mapping Flow connectors speak (camelCase names, defaults omitted), plus the rules every
//! response must follow.
//!
//! JSON payloads (`config`, `resourceConfig`, `documentSchema`, schemas) are embedded JSON
//! values, not strings, and are kept as [`RawValue`]s: they are passed through untouched (key
//! order and all) and a discover response with 100,000 bindings decodes without building a
//! `serde_json::Value` tree per schema.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;

use super::codec::{self, Codec};
use super::proto;
use super::transport::ConnectorError;

/// The only protocol version Flow accepts in Spec responses.
pub const PROTOCOL_VERSION: u32 = 3032023;

/// Captures read from an endpoint; materializations write to one. Their messages differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskType {
    Capture,
    Materialize,
}

impl TaskType {
    pub fn label(self) -> &'static str {
        match self {
            TaskType::Capture => "capture",
            TaskType::Materialize => "materialization",
        }
    }
}

/// The unary RPCs flowspec runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    Spec,
    Discover,
    Validate,
}

impl Operation {
    pub fn label(self) -> &'static str {
        match self {
            Operation::Spec => "spec",
            Operation::Discover => "discover",
            Operation::Validate => "validate",
        }
    }

    /// The response field that answers this operation.
    pub fn response_field(self) -> &'static str {
        match self {
            Operation::Spec => "spec",
            Operation::Discover => "discovered",
            Operation::Validate => "validated",
        }
    }
}

/// `CaptureSpec.ConnectorType` / `MaterializationSpec.ConnectorType`: the same names, but
/// different protobuf numbers per task type (see [`ConnectorType::number`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ConnectorType {
    Image,
    Local,
    /// `INVALID` and any type flowspec does not run (`DEKAF`, `SQLITE`).
    #[serde(other)]
    Invalid,
}

impl ConnectorType {
    /// The protobuf enum number: captures IMAGE=7, LOCAL=8; materializations IMAGE=8, LOCAL=9.
    pub fn number(self, task: TaskType) -> i32 {
        match (self, task) {
            (ConnectorType::Invalid, _) => 0,
            (ConnectorType::Image, TaskType::Capture) => proto::CAPTURE_IMAGE,
            (ConnectorType::Local, TaskType::Capture) => proto::CAPTURE_LOCAL,
            (ConnectorType::Image, TaskType::Materialize) => proto::MATERIALIZE_IMAGE,
            (ConnectorType::Local, TaskType::Materialize) => proto::MATERIALIZE_LOCAL,
        }
    }

    pub fn from_number(task: TaskType, n: i32) -> Self {
        [ConnectorType::Image, ConnectorType::Local]
            .into_iter()
            .find(|c| c.number(task) == n)
            .unwrap_or(ConnectorType::Invalid)
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A request envelope: exactly one field is set.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<SpecRequest>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discover: Option<DiscoverRequest>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validate: Option<ValidateRequest>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpecRequest {
    pub connector_type: ConnectorType,
    pub config: Box<RawValue>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DiscoverRequest {
    pub connector_type: ConnectorType,
    pub config: Box<RawValue>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidateRequest {
    pub name: String,
    pub connector_type: ConnectorType,
    pub config: Box<RawValue>,
    #[serde(default)]
    pub bindings: Vec<ValidateBinding>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub last_version: String,
}

/// One binding of a Validate request. `fieldConfig` and `groupBy` exist for materializations
/// only and are omitted when empty.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidateBinding {
    pub resource_config: Box<RawValue>,
    pub collection: CollectionSpec,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub backfill: u32,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub field_config: BTreeMap<String, Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group_by: Vec<String>,
}

/// The parts of Flow's built `CollectionSpec` a connector's Validate looks at.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CollectionSpec {
    pub name: String,
    pub write_schema: Box<RawValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_schema: Option<Box<RawValue>>,
    #[serde(default)]
    pub key: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uuid_ptr: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partition_fields: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub projections: Vec<Projection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ack_template: Option<Box<RawValue>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Projection {
    /// JSON pointer; `""` (the document root) is omitted, as proto3-JSON does.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ptr: String,
    pub field: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub explicit: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_partition_key: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_primary_key: bool,
    #[serde(default)]
    pub inference: Inference,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Inference {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<String>,
    /// `MUST`, `MAY`, `IMPLICIT` or `CANNOT`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub exists: String,
}

/// A response envelope. Fields flowspec does not ask for (`applied`, `opened`, `$internal`,
/// ...) are ignored here and reported as "no `spec` response" by [`decode_response`].
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Response {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<SpecResponse>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discovered: Option<Discovered>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validated: Option<Validated>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpecResponse {
    #[serde(default)]
    pub protocol: u32,
    pub config_schema: Box<RawValue>,
    pub resource_config_schema: Box<RawValue>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub documentation_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth2: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_path_pointers: Vec<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Discovered {
    #[serde(default)]
    pub bindings: Vec<DiscoveredBinding>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DiscoveredBinding {
    pub recommended_name: String,
    pub resource_config: Box<RawValue>,
    pub document_schema: Box<RawValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub disable: bool,
    /// Deprecated: Flow derives paths from `resourcePathPointers` instead.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_path: Vec<String>,
    /// The key is a fallback the connector chose for lack of a real one (Flow then keeps the
    /// collection's key). Read from Flow JSON; not decoded from protobuf.
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_fallback_key: bool,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Validated {
    #[serde(default)]
    pub bindings: Vec<ValidatedBinding>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidatedBinding {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_path: Vec<String>,
    /// Materializations only: constraints keyed by field name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub constraints: BTreeMap<String, Constraint>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub delta_updates: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Constraint {
    /// The enum name (`FIELD_REQUIRED`, `LOCATION_REQUIRED`, `FIELD_OPTIONAL`, ...). Unknown
    /// names are kept as they came, since newer protocols add values.
    #[serde(rename = "type", deserialize_with = "constraint_type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub folded_field: String,
}

/// proto3-JSON allows an enum as its name or its number.
fn constraint_type<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum NameOrNumber {
        Name(String),
        Number(i32),
    }
    Ok(match NameOrNumber::deserialize(d)? {
        NameOrNumber::Name(n) => n,
        NameOrNumber::Number(n) => proto::constraint_name(n),
    })
}

/// A typed answer to one operation.
#[derive(Debug)]
pub enum Reply {
    Spec(SpecResponse),
    Discovered(Discovered),
    Validated(Validated),
}

impl Reply {
    /// The answer as the proto3-JSON response message Flow would print.
    pub fn to_json(&self) -> String {
        let r = match self {
            Reply::Spec(s) => serde_json::to_string(s),
            Reply::Discovered(d) => serde_json::to_string(d),
            Reply::Validated(v) => serde_json::to_string(v),
        };
        r.expect("protocol types always serialize")
    }
}

fn protocol_error(message: impl Into<String>, bytes: &[u8]) -> ConnectorError {
    ConnectorError::Protocol {
        message: message.into(),
        excerpt: codec::excerpt(bytes),
    }
}

/// Decodes a connector's whole stdout into the reply to `op`, enforcing Flow's rules: exactly
/// one message, the field that answers `op`, and protocol 3032023 in Spec responses. Every
/// violation is a [`ConnectorError::Protocol`] quoting a bounded excerpt of what arrived.
pub fn decode_response(
    codec: Codec,
    task: TaskType,
    op: Operation,
    stdout: &[u8],
    max_message: usize,
) -> Result<Reply, ConnectorError> {
    let messages = codec::messages(codec, stdout, max_message)?;
    let msg = match messages.as_slice() {
        [] => {
            return Err(protocol_error(
                format!(
                    "the connector exited without a response to {} (expected exactly one)",
                    op.label()
                ),
                stdout,
            ))
        }
        [one] => *one,
        [_, second, ..] => {
            return Err(protocol_error(
                format!(
                    "expected exactly one response to {}, got {}; the second one",
                    op.label(),
                    messages.len()
                ),
                second,
            ))
        }
    };
    let response = match codec {
        Codec::Json => serde_json::from_slice::<Response>(msg)
            .map_err(|e| protocol_error(format!("invalid JSON response: {e}"), msg))?,
        Codec::Proto => proto::decode_response(task, msg)
            .map_err(|e| protocol_error(format!("invalid protobuf response: {e}"), msg))?,
    };
    let missing = || {
        protocol_error(
            format!(
                "expected a `{}` response to {}, but the message has none",
                op.response_field(),
                op.label()
            ),
            msg,
        )
    };
    match op {
        Operation::Spec => {
            let spec = response.spec.ok_or_else(missing)?;
            if spec.protocol != PROTOCOL_VERSION {
                return Err(protocol_error(
                    format!(
                        "the connector speaks protocol {}, but Flow requires {PROTOCOL_VERSION}",
                        spec.protocol
                    ),
                    msg,
                ));
            }
            Ok(Reply::Spec(spec))
        }
        Operation::Discover => {
            if task == TaskType::Materialize {
                return Err(protocol_error("materializations have no discover", b""));
            }
            Ok(Reply::Discovered(response.discovered.ok_or_else(missing)?))
        }
        Operation::Validate => Ok(Reply::Validated(response.validated.ok_or_else(missing)?)),
    }
}

/// Checks that a Validated reply answers every requested binding, in order, as Flow requires.
pub fn check_validated(validated: &Validated, requested: usize) -> Result<(), ConnectorError> {
    if validated.bindings.len() != requested {
        return Err(ConnectorError::Protocol {
            message: format!(
                "the connector validated {} binding(s) but {requested} were requested",
                validated.bindings.len()
            ),
            excerpt: String::new(),
        });
    }
    Ok(())
}

/// Encodes a request in `codec`, for `task`.
pub fn encode_request(
    codec: Codec,
    task: TaskType,
    request: &Request,
) -> Result<Vec<u8>, ConnectorError> {
    match codec {
        Codec::Json => codec::frame_json(request),
        Codec::Proto => Ok(proto::encode_request(task, request)),
    }
}

/// Parses JSON text into a [`RawValue`], for building requests.
pub fn raw(json: &str) -> Box<RawValue> {
    RawValue::from_string(json.to_string())
        .unwrap_or_else(|_| RawValue::from_string("null".to_string()).expect("null is JSON"))
}

/// A [`RawValue`] holding the serialization of a `serde_json::Value`.
pub fn raw_value(value: &serde_json::Value) -> Box<RawValue> {
    serde_json::value::to_raw_value(value).expect("a Value always serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(codec: Codec, op: Operation, out: &[u8]) -> Result<Reply, ConnectorError> {
        decode_response(codec, TaskType::Capture, op, out, 1 << 20)
    }

    const SPEC: &str = r#"{"spec":{"protocol":3032023,"configSchema":{"type":"object","properties":{"b":{},"a":{}}},"resourceConfigSchema":{"type":"object"},"documentationUrl":"https://example.com","resourcePathPointers":["/stream"]}}"#;

    #[test]
    fn requests_use_camel_case_and_embed_raw_json() {
        let req = Request {
            validate: Some(ValidateRequest {
                name: "acmeCo/cap".into(),
                connector_type: ConnectorType::Local,
                config: raw(r#"{"z":1,"a":{"y":2}}"#),
                bindings: vec![ValidateBinding {
                    resource_config: raw(r#"{"stream":"s"}"#),
                    collection: CollectionSpec {
                        name: "acmeCo/c".into(),
                        write_schema: raw(r#"{"type":"object"}"#),
                        read_schema: None,
                        key: vec!["/id".into()],
                        uuid_ptr: "/_meta/uuid".into(),
                        partition_fields: vec![],
                        projections: vec![Projection {
                            ptr: "/id".into(),
                            field: "id".into(),
                            is_primary_key: true,
                            inference: Inference {
                                types: vec!["integer".into()],
                                exists: "MUST".into(),
                            },
                            ..Default::default()
                        }],
                        ack_template: None,
                    },
                    backfill: 0,
                    field_config: BTreeMap::new(),
                    group_by: vec![],
                }],
                last_version: String::new(),
            }),
            ..Default::default()
        };
        let line = String::from_utf8(encode_request(Codec::Json, TaskType::Capture, &req).unwrap())
            .unwrap();
        assert_eq!(
            line,
            r#"{"validate":{"name":"acmeCo/cap","connectorType":"LOCAL","config":{"z":1,"a":{"y":2}},"bindings":[{"resourceConfig":{"stream":"s"},"collection":{"name":"acmeCo/c","writeSchema":{"type":"object"},"key":["/id"],"uuidPtr":"/_meta/uuid","projections":[{"ptr":"/id","field":"id","isPrimaryKey":true,"inference":{"types":["integer"],"exists":"MUST"}}]}}]}}"#
                .to_string()
                + "\n"
        );
        let back: Request = serde_json::from_str(&line).unwrap();
        assert_eq!(
            back.validate.unwrap().config.get(),
            r#"{"z":1,"a":{"y":2}}"#
        );
    }

    #[test]
    fn spec_response_decodes_with_order_kept() {
        let Reply::Spec(s) = decode(Codec::Json, Operation::Spec, SPEC.as_bytes()).unwrap() else {
            panic!()
        };
        assert_eq!(
            s.config_schema.get(),
            r#"{"type":"object","properties":{"b":{},"a":{}}}"#
        );
        assert_eq!(s.resource_path_pointers, vec!["/stream"]);
        assert_eq!(s.documentation_url, "https://example.com");
    }

    #[test]
    fn faults_are_protocol_errors_with_bounded_excerpts() {
        let msg = |r: Result<Reply, ConnectorError>| match r {
            Err(ConnectorError::Protocol { message, excerpt }) => {
                assert!(excerpt.chars().count() <= codec::EXCERPT_CHARS);
                format!("{message} | {excerpt}")
            }
            other => panic!("{other:?}"),
        };
        // No response.
        let m = msg(decode(Codec::Json, Operation::Spec, b"\n"));
        assert!(m.contains("without a response"), "{m}");
        // Two responses: the second is quoted.
        let two = format!("{SPEC}\n{{\"spec\":\"again\"}}\n");
        let m = msg(decode(Codec::Json, Operation::Spec, two.as_bytes()));
        assert!(
            m.contains("got 2") && m.ends_with(r#"{"spec":"again"}"#),
            "{m}"
        );
        // Invalid JSON.
        let m = msg(decode(
            Codec::Json,
            Operation::Spec,
            b"Starting connector...",
        ));
        assert!(
            m.contains("invalid JSON") && m.ends_with("Starting connector..."),
            "{m}"
        );
        // Wrong protocol number.
        let old = SPEC.replace("3032023", "3032022");
        let m = msg(decode(Codec::Json, Operation::Spec, old.as_bytes()));
        assert!(
            m.contains("protocol 3032022") && m.contains("requires 3032023"),
            "{m}"
        );
        // Missing protocol entirely is 0.
        let none = SPEC.replace("\"protocol\":3032023,", "");
        assert!(msg(decode(Codec::Json, Operation::Spec, none.as_bytes())).contains("protocol 0"));
        // The wrong response field.
        let m = msg(decode(Codec::Json, Operation::Discover, SPEC.as_bytes()));
        assert!(m.contains("expected a `discovered` response"), "{m}");
        // A long garbage line is quoted in at most 200 characters.
        let junk = "x".repeat(5000);
        let m = msg(decode(Codec::Json, Operation::Spec, junk.as_bytes()));
        assert!(m.len() < 400, "{m}");
        // Invalid protobuf.
        let m = msg(decode(
            Codec::Proto,
            Operation::Spec,
            &[3, 0, 0, 0, 0xff, 0xff, 0xff],
        ));
        assert!(m.contains("invalid protobuf"), "{m}");
        // Over the limit.
        let big = format!("{{\"spec\":\"{}\"}}", "y".repeat(2 << 20));
        assert!(matches!(
            decode(Codec::Json, Operation::Spec, big.as_bytes()),
            Err(ConnectorError::OutputTooLarge { .. })
        ));
    }

    #[test]
    fn discovered_and_validated_decode() {
        let out = br#"{"discovered":{"bindings":[{"recommendedName":"orders","resourceConfig":{"stream":"orders"},"documentSchema":{"type":"object"},"key":["/id"]}]}}"#;
        let Reply::Discovered(d) = decode(Codec::Json, Operation::Discover, out).unwrap() else {
            panic!()
        };
        assert_eq!(d.bindings[0].recommended_name, "orders");
        assert_eq!(d.bindings[0].document_schema.get(), r#"{"type":"object"}"#);
        assert!(!d.bindings[0].disable);

        let out = br#"{"validated":{"bindings":[{"resourcePath":["t"],"constraints":{"id":{"type":"LOCATION_REQUIRED","reason":"key"},"x":{"type":4},"y":{"type":"SOMETHING_NEW"}},"deltaUpdates":true}]}}"#;
        let r = decode_response(
            Codec::Json,
            TaskType::Materialize,
            Operation::Validate,
            out,
            1 << 20,
        );
        let Reply::Validated(v) = r.unwrap() else {
            panic!()
        };
        let c = &v.bindings[0].constraints;
        assert_eq!(c["id"].kind, "LOCATION_REQUIRED");
        assert_eq!(c["x"].kind, "FIELD_OPTIONAL");
        assert_eq!(c["y"].kind, "SOMETHING_NEW");
        assert!(v.bindings[0].delta_updates);
        assert!(check_validated(&v, 1).is_ok());
        assert!(check_validated(&v, 2)
            .unwrap_err()
            .to_string()
            .contains("1 binding(s) but 2"));
    }

    #[test]
    fn connector_type_numbers_differ_per_task() {
        assert_eq!(ConnectorType::Image.number(TaskType::Capture), 7);
        assert_eq!(ConnectorType::Local.number(TaskType::Capture), 8);
        assert_eq!(ConnectorType::Image.number(TaskType::Materialize), 8);
        assert_eq!(ConnectorType::Local.number(TaskType::Materialize), 9);
        assert_eq!(
            ConnectorType::from_number(TaskType::Materialize, 8),
            ConnectorType::Image
        );
        assert_eq!(
            ConnectorType::from_number(TaskType::Capture, 99),
            ConnectorType::Invalid
        );
        let t: ConnectorType = serde_json::from_str("\"DEKAF\"").unwrap();
        assert_eq!(t, ConnectorType::Invalid);
    }
}
