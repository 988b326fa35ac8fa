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

use std::collections::BTreeMap;

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::codec;
use super::protocol::{self as p, ConnectorType, TaskType};

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

pub mod flow {
    //! Messages of `go/protocols/flow/flow.proto`.
    use std::collections::BTreeMap;

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct CollectionSpec {
        #[prost(string, tag = "1")]
        pub name: String,
        #[prost(string, repeated, tag = "3")]
        pub key: Vec<String>,
        #[prost(string, tag = "4")]
        pub uuid_ptr: String,
        #[prost(string, repeated, tag = "5")]
        pub partition_fields: Vec<String>,
        #[prost(message, repeated, tag = "6")]
        pub projections: Vec<Projection>,
        #[prost(string, tag = "7")]
        pub ack_template_json: String,
        #[prost(string, tag = "8")]
        pub write_schema_json: String,
        #[prost(string, tag = "11")]
        pub read_schema_json: String,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Projection {
        #[prost(string, tag = "1")]
        pub ptr: String,
        #[prost(string, tag = "2")]
        pub field: String,
        #[prost(bool, tag = "3")]
        pub explicit: bool,
        #[prost(bool, tag = "4")]
        pub is_partition_key: bool,
        #[prost(bool, tag = "5")]
        pub is_primary_key: bool,
        #[prost(message, optional, tag = "6")]
        pub inference: Option<Inference>,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Inference {
        #[prost(string, repeated, tag = "1")]
        pub types: Vec<String>,
        /// `Inference.Exists`: INVALID=0, MUST=1, MAY=2, IMPLICIT=3, CANNOT=4.
        #[prost(int32, tag = "8")]
        pub exists: i32,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct OAuth2 {
        #[prost(string, tag = "1")]
        pub provider: String,
        #[prost(string, tag = "2")]
        pub auth_url_template: String,
        #[prost(string, tag = "3")]
        pub access_token_url_template: String,
        #[prost(string, tag = "4")]
        pub access_token_body: String,
        #[prost(btree_map = "string, string", tag = "5")]
        pub access_token_headers_json_map: BTreeMap<String, String>,
        #[prost(btree_map = "string, string", tag = "6")]
        pub access_token_response_json_map: BTreeMap<String, String>,
        #[prost(string, tag = "7")]
        pub refresh_token_url_template: String,
        #[prost(string, tag = "8")]
        pub refresh_token_body: String,
        #[prost(btree_map = "string, string", tag = "9")]
        pub refresh_token_headers_json_map: BTreeMap<String, String>,
        #[prost(btree_map = "string, string", tag = "10")]
        pub refresh_token_response_json_map: BTreeMap<String, String>,
        #[prost(string, tag = "11")]
        pub access_token_method: String,
        #[prost(string, tag = "12")]
        pub refresh_token_method: String,
    }
}

pub mod capture {
    //! Messages of `go/protocols/capture/capture.proto`.

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(message, optional, tag = "1")]
        pub spec: Option<request::Spec>,
        #[prost(message, optional, tag = "2")]
        pub discover: Option<request::Discover>,
        #[prost(message, optional, tag = "3")]
        pub validate: Option<request::Validate>,
    }

    pub mod request {
        #[derive(Clone, PartialEq, prost::Message)]
        pub struct Spec {
            #[prost(int32, tag = "1")]
            pub connector_type: i32,
            #[prost(string, tag = "2")]
            pub config_json: String,
        }

        #[derive(Clone, PartialEq, prost::Message)]
        pub struct Discover {
            #[prost(int32, tag = "1")]
            pub connector_type: i32,
            #[prost(string, tag = "2")]
            pub config_json: String,
        }

        #[derive(Clone, PartialEq, prost::Message)]
        pub struct Validate {
            #[prost(string, tag = "1")]
            pub name: String,
            #[prost(int32, tag = "2")]
            pub connector_type: i32,
            #[prost(string, tag = "3")]
            pub config_json: String,
            #[prost(message, repeated, tag = "4")]
            pub bindings: Vec<validate::Binding>,
            #[prost(string, tag = "6")]
            pub last_version: String,
        }

        pub mod validate {
            #[derive(Clone, PartialEq, prost::Message)]
            pub struct Binding {
                #[prost(string, tag = "1")]
                pub resource_config_json: String,
                #[prost(message, optional, tag = "2")]
                pub collection: Option<crate::connector::proto::flow::CollectionSpec>,
                #[prost(uint32, tag = "3")]
                pub backfill: u32,
            }
        }
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, optional, tag = "1")]
        pub spec: Option<response::Spec>,
        #[prost(message, optional, tag = "2")]
        pub discovered: Option<response::Discovered>,
        #[prost(message, optional, tag = "3")]
        pub validated: Option<response::Validated>,
    }

    pub mod response {
        #[derive(Clone, PartialEq, prost::Message)]
        pub struct Spec {
            #[prost(uint32, tag = "1")]
            pub protocol: u32,
            #[prost(string, tag = "2")]
            pub config_schema_json: String,
            #[prost(string, tag = "3")]
            pub resource_config_schema_json: String,
            #[prost(string, tag = "4")]
            pub documentation_url: String,
            #[prost(message, optional, tag = "5")]
            pub oauth2: Option<crate::connector::proto::flow::OAuth2>,
            #[prost(string, repeated, tag = "6")]
            pub resource_path_pointers: Vec<String>,
        }

        #[derive(Clone, PartialEq, prost::Message)]
        pub struct Discovered {
            #[prost(message, repeated, tag = "1")]
            pub bindings: Vec<discovered::Binding>,
        }

        pub mod discovered {
            #[derive(Clone, PartialEq, prost::Message)]
            pub struct Binding {
                #[prost(string, tag = "1")]
                pub recommended_name: String,
                #[prost(string, tag = "2")]
                pub resource_config_json: String,
                #[prost(string, tag = "3")]
                pub document_schema_json: String,
                #[prost(string, repeated, tag = "4")]
                pub key: Vec<String>,
                #[prost(bool, tag = "5")]
                pub disable: bool,
                #[prost(string, repeated, tag = "6")]
                pub resource_path: Vec<String>,
            }
        }

        #[derive(Clone, PartialEq, prost::Message)]
        pub struct Validated {
            #[prost(message, repeated, tag = "1")]
            pub bindings: Vec<validated::Binding>,
        }

        pub mod validated {
            #[derive(Clone, PartialEq, prost::Message)]
            pub struct Binding {
                #[prost(string, repeated, tag = "1")]
                pub resource_path: Vec<String>,
            }
        }
    }
}

pub mod materialize {
    //! Messages of `go/protocols/materialize/materialize.proto`.

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Request {
        #[prost(message, optional, tag = "1")]
        pub spec: Option<request::Spec>,
        #[prost(message, optional, tag = "2")]
        pub validate: Option<request::Validate>,
    }

    pub mod request {
        use std::collections::BTreeMap;

        #[derive(Clone, PartialEq, prost::Message)]
        pub struct Spec {
            #[prost(int32, tag = "1")]
            pub connector_type: i32,
            #[prost(string, tag = "2")]
            pub config_json: String,
        }

        #[derive(Clone, PartialEq, prost::Message)]
        pub struct Validate {
            #[prost(string, tag = "1")]
            pub name: String,
            #[prost(int32, tag = "2")]
            pub connector_type: i32,
            #[prost(string, tag = "3")]
            pub config_json: String,
            #[prost(message, repeated, tag = "4")]
            pub bindings: Vec<validate::Binding>,
            #[prost(string, tag = "6")]
            pub last_version: String,
        }

        pub mod validate {
            use super::BTreeMap;

            #[derive(Clone, PartialEq, prost::Message)]
            pub struct Binding {
                #[prost(string, tag = "1")]
                pub resource_config_json: String,
                #[prost(message, optional, tag = "2")]
                pub collection: Option<crate::connector::proto::flow::CollectionSpec>,
                #[prost(btree_map = "string, string", tag = "3")]
                pub field_config_json_map: BTreeMap<String, String>,
                #[prost(uint32, tag = "4")]
                pub backfill: u32,
                #[prost(string, repeated, tag = "5")]
                pub group_by: Vec<String>,
            }
        }
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Response {
        #[prost(message, optional, tag = "1")]
        pub spec: Option<response::Spec>,
        #[prost(message, optional, tag = "2")]
        pub validated: Option<response::Validated>,
    }

    pub mod response {
        use std::collections::BTreeMap;

        #[derive(Clone, PartialEq, prost::Message)]
        pub struct Spec {
            #[prost(uint32, tag = "1")]
            pub protocol: u32,
            #[prost(string, tag = "2")]
            pub config_schema_json: String,
            #[prost(string, tag = "3")]
            pub resource_config_schema_json: String,
            #[prost(string, tag = "4")]
            pub documentation_url: String,
            #[prost(message, optional, tag = "5")]
            pub oauth2: Option<crate::connector::proto::flow::OAuth2>,
            /// `reserved 6` in the current definition; older materializations sent
            /// `resource_path_pointers` here, so it is still read.
            #[prost(string, repeated, tag = "6")]
            pub resource_path_pointers: Vec<String>,
        }

        #[derive(Clone, PartialEq, prost::Message)]
        pub struct Validated {
            #[prost(message, repeated, tag = "1")]
            pub bindings: Vec<validated::Binding>,
        }

        pub mod validated {
            use super::BTreeMap;

            #[derive(Clone, PartialEq, prost::Message)]
            pub struct Constraint {
                #[prost(int32, tag = "2")]
                pub r#type: i32,
                #[prost(string, tag = "3")]
                pub reason: String,
                #[prost(string, tag = "4")]
                pub folded_field: String,
            }

            #[derive(Clone, PartialEq, prost::Message)]
            pub struct Binding {
                #[prost(btree_map = "string, message", tag = "1")]
                pub constraints: BTreeMap<String, Constraint>,
                #[prost(string, repeated, tag = "2")]
                pub resource_path: Vec<String>,
                #[prost(bool, tag = "3")]
                pub delta_updates: bool,
            }
        }
    }
}

// ---- protocol types → protobuf -------------------------------------------------------------

fn collection_to_proto(c: &p::CollectionSpec) -> flow::CollectionSpec {
    flow::CollectionSpec {
        name: c.name.clone(),
        key: c.key.clone(),
        uuid_ptr: c.uuid_ptr.clone(),
        partition_fields: c.partition_fields.clone(),
        projections: c
            .projections
            .iter()
            .map(|pr| flow::Projection {
                ptr: pr.ptr.clone(),
                field: pr.field.clone(),
                explicit: pr.explicit,
                is_partition_key: pr.is_partition_key,
                is_primary_key: pr.is_primary_key,
                inference: Some(flow::Inference {
                    types: pr.inference.types.clone(),
                    exists: EXISTS
                        .iter()
                        .position(|e| *e == pr.inference.exists)
                        .unwrap_or(0) as i32,
                }),
            })
            .collect(),
        ack_template_json: c
            .ack_template
            .as_ref()
            .map(|r| r.get().to_string())
            .unwrap_or_default(),
        write_schema_json: c.write_schema.get().to_string(),
        read_schema_json: c
            .read_schema
            .as_ref()
            .map(|r| r.get().to_string())
            .unwrap_or_default(),
    }
}

/// Encodes a request for `task`, framed with its length prefix. A `discover` request for a
/// materialization has no protobuf form and is dropped (materializations have no Discover).
pub fn encode_request(task: TaskType, r: &p::Request) -> Vec<u8> {
    match task {
        TaskType::Capture => {
            use capture::request as q;
            codec::frame_proto(&capture::Request {
                spec: r.spec.as_ref().map(|s| q::Spec {
                    connector_type: s.connector_type.number(task),
                    config_json: s.config.get().to_string(),
                }),
                discover: r.discover.as_ref().map(|d| q::Discover {
                    connector_type: d.connector_type.number(task),
                    config_json: d.config.get().to_string(),
                }),
                validate: r.validate.as_ref().map(|v| q::Validate {
                    name: v.name.clone(),
                    connector_type: v.connector_type.number(task),
                    config_json: v.config.get().to_string(),
                    bindings: v
                        .bindings
                        .iter()
                        .map(|b| q::validate::Binding {
                            resource_config_json: b.resource_config.get().to_string(),
                            collection: Some(collection_to_proto(&b.collection)),
                            backfill: b.backfill,
                        })
                        .collect(),
                    last_version: v.last_version.clone(),
                }),
            })
        }
        TaskType::Materialize => {
            use materialize::request as q;
            codec::frame_proto(&materialize::Request {
                spec: r.spec.as_ref().map(|s| q::Spec {
                    connector_type: s.connector_type.number(task),
                    config_json: s.config.get().to_string(),
                }),
                validate: r.validate.as_ref().map(|v| q::Validate {
                    name: v.name.clone(),
                    connector_type: v.connector_type.number(task),
                    config_json: v.config.get().to_string(),
                    bindings: v
                        .bindings
                        .iter()
                        .map(|b| q::validate::Binding {
                            resource_config_json: b.resource_config.get().to_string(),
                            collection: Some(collection_to_proto(&b.collection)),
                            field_config_json_map: b
                                .field_config
                                .iter()
                                .map(|(k, v)| (k.clone(), v.get().to_string()))
                                .collect(),
                            backfill: b.backfill,
                            group_by: b.group_by.clone(),
                        })
                        .collect(),
                    last_version: v.last_version.clone(),
                }),
            })
        }
    }
}

fn oauth2_to_proto(raw: &RawValue) -> flow::OAuth2 {
    let v: Value = serde_json::from_str(raw.get()).unwrap_or(Value::Null);
    let s = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let m = |k: &str| -> BTreeMap<String, String> {
        v.get(k)
            .and_then(Value::as_object)
            .map(|o| o.iter().map(|(k, v)| (k.clone(), v.to_string())).collect())
            .unwrap_or_default()
    };
    flow::OAuth2 {
        provider: s("provider"),
        auth_url_template: s("authUrlTemplate"),
        access_token_url_template: s("accessTokenUrlTemplate"),
        access_token_body: s("accessTokenBody"),
        access_token_headers_json_map: m("accessTokenHeaders"),
        access_token_response_json_map: m("accessTokenResponseMap"),
        refresh_token_url_template: s("refreshTokenUrlTemplate"),
        refresh_token_body: s("refreshTokenBody"),
        refresh_token_headers_json_map: m("refreshTokenHeaders"),
        refresh_token_response_json_map: m("refreshTokenResponseMap"),
        access_token_method: s("accessTokenMethod"),
        refresh_token_method: s("refreshTokenMethod"),
    }
}

/// Encodes a response for `task`, framed (what a protobuf connector writes to stdout).
pub fn encode_response(task: TaskType, r: &p::Response) -> Vec<u8> {
    let json = |r: &RawValue| r.get().to_string();
    match task {
        TaskType::Capture => {
            use capture::response as s;
            codec::frame_proto(&capture::Response {
                spec: r.spec.as_ref().map(|sp| s::Spec {
                    protocol: sp.protocol,
                    config_schema_json: json(&sp.config_schema),
                    resource_config_schema_json: json(&sp.resource_config_schema),
                    documentation_url: sp.documentation_url.clone(),
                    oauth2: sp.oauth2.as_deref().map(oauth2_to_proto),
                    resource_path_pointers: sp.resource_path_pointers.clone(),
                }),
                discovered: r.discovered.as_ref().map(|d| s::Discovered {
                    bindings: d
                        .bindings
                        .iter()
                        .map(|b| s::discovered::Binding {
                            recommended_name: b.recommended_name.clone(),
                            resource_config_json: json(&b.resource_config),
                            document_schema_json: json(&b.document_schema),
                            key: b.key.clone(),
                            disable: b.disable,
                            resource_path: b.resource_path.clone(),
                        })
                        .collect(),
                }),
                validated: r.validated.as_ref().map(|v| s::Validated {
                    bindings: v
                        .bindings
                        .iter()
                        .map(|b| s::validated::Binding {
                            resource_path: b.resource_path.clone(),
                        })
                        .collect(),
                }),
            })
        }
        TaskType::Materialize => {
            use materialize::response as s;
            codec::frame_proto(&materialize::Response {
                spec: r.spec.as_ref().map(|sp| s::Spec {
                    protocol: sp.protocol,
                    config_schema_json: json(&sp.config_schema),
                    resource_config_schema_json: json(&sp.resource_config_schema),
                    documentation_url: sp.documentation_url.clone(),
                    oauth2: sp.oauth2.as_deref().map(oauth2_to_proto),
                    resource_path_pointers: sp.resource_path_pointers.clone(),
                }),
                validated: r.validated.as_ref().map(|v| s::Validated {
                    bindings: v
                        .bindings
                        .iter()
                        .map(|b| s::validated::Binding {
                            constraints: b
                                .constraints
                                .iter()
                                .map(|(k, c)| {
                                    (
                                        k.clone(),
                                        s::validated::Constraint {
                                            r#type: constraint_number(&c.kind),
                                            reason: c.reason.clone(),
                                            folded_field: c.folded_field.clone(),
                                        },
                                    )
                                })
                                .collect(),
                            resource_path: b.resource_path.clone(),
                            delta_updates: b.delta_updates,
                        })
                        .collect(),
                }),
            })
        }
    }
}

// ---- protobuf → protocol types -------------------------------------------------------------

/// JSON text of a required field: empty or invalid text is an error naming the field.
fn required_json(field: &str, text: String) -> Result<Box<RawValue>, String> {
    if text.is_empty() {
        return Err(format!("`{field}` is empty"));
    }
    RawValue::from_string(text).map_err(|e| format!("`{field}` is not valid JSON: {e}"))
}

fn optional_json(field: &str, text: String) -> Result<Option<Box<RawValue>>, String> {
    if text.is_empty() {
        Ok(None)
    } else {
        required_json(field, text).map(Some)
    }
}

/// A request's config: absent means an empty object.
fn config_json(text: String) -> Result<Box<RawValue>, String> {
    if text.is_empty() {
        Ok(p::raw("{}"))
    } else {
        required_json("config", text)
    }
}

fn oauth2_from_proto(o: flow::OAuth2) -> Result<Box<RawValue>, String> {
    let mut m = Map::new();
    let mut s = |k: &str, v: String| {
        if !v.is_empty() {
            m.insert(k.into(), Value::String(v));
        }
    };
    s("provider", o.provider);
    s("authUrlTemplate", o.auth_url_template);
    s("accessTokenUrlTemplate", o.access_token_url_template);
    s("accessTokenMethod", o.access_token_method);
    s("accessTokenBody", o.access_token_body);
    s("refreshTokenUrlTemplate", o.refresh_token_url_template);
    s("refreshTokenMethod", o.refresh_token_method);
    s("refreshTokenBody", o.refresh_token_body);
    let maps = [
        ("accessTokenHeaders", o.access_token_headers_json_map),
        ("accessTokenResponseMap", o.access_token_response_json_map),
        ("refreshTokenHeaders", o.refresh_token_headers_json_map),
        ("refreshTokenResponseMap", o.refresh_token_response_json_map),
    ];
    for (name, map) in maps {
        if map.is_empty() {
            continue;
        }
        let mut obj = Map::new();
        for (k, v) in map {
            let v: Value = serde_json::from_str(&v)
                .map_err(|e| format!("`oauth2.{name}.{k}` is not valid JSON: {e}"))?;
            obj.insert(k, v);
        }
        m.insert(name.into(), Value::Object(obj));
    }
    Ok(p::raw_value(&Value::Object(m)))
}

fn spec_from_parts(
    protocol: u32,
    config_schema_json: String,
    resource_config_schema_json: String,
    documentation_url: String,
    oauth2: Option<flow::OAuth2>,
    resource_path_pointers: Vec<String>,
) -> Result<p::SpecResponse, String> {
    Ok(p::SpecResponse {
        protocol,
        config_schema: required_json("configSchema", config_schema_json)?,
        resource_config_schema: required_json("resourceConfigSchema", resource_config_schema_json)?,
        documentation_url,
        oauth2: oauth2.map(oauth2_from_proto).transpose()?,
        resource_path_pointers,
    })
}

/// Decodes one (unframed) response message of `task`.
pub fn decode_response(task: TaskType, msg: &[u8]) -> Result<p::Response, String> {
    use prost::Message;
    match task {
        TaskType::Capture => {
            let r = capture::Response::decode(msg).map_err(|e| e.to_string())?;
            Ok(p::Response {
                spec: r
                    .spec
                    .map(|s| {
                        spec_from_parts(
                            s.protocol,
                            s.config_schema_json,
                            s.resource_config_schema_json,
                            s.documentation_url,
                            s.oauth2,
                            s.resource_path_pointers,
                        )
                    })
                    .transpose()?,
                discovered: r
                    .discovered
                    .map(|d| {
                        let mut bindings = Vec::with_capacity(d.bindings.len());
                        for b in d.bindings {
                            bindings.push(p::DiscoveredBinding {
                                resource_config: required_json(
                                    "resourceConfig",
                                    b.resource_config_json,
                                )?,
                                document_schema: required_json(
                                    "documentSchema",
                                    b.document_schema_json,
                                )?,
                                recommended_name: b.recommended_name,
                                key: b.key,
                                disable: b.disable,
                                resource_path: b.resource_path,
                                is_fallback_key: false,
                            });
                        }
                        Ok::<_, String>(p::Discovered { bindings })
                    })
                    .transpose()?,
                validated: r.validated.map(|v| p::Validated {
                    bindings: v
                        .bindings
                        .into_iter()
                        .map(|b| p::ValidatedBinding {
                            resource_path: b.resource_path,
                            ..Default::default()
                        })
                        .collect(),
                }),
            })
        }
        TaskType::Materialize => {
            let r = materialize::Response::decode(msg).map_err(|e| e.to_string())?;
            Ok(p::Response {
                spec: r
                    .spec
                    .map(|s| {
                        spec_from_parts(
                            s.protocol,
                            s.config_schema_json,
                            s.resource_config_schema_json,
                            s.documentation_url,
                            s.oauth2,
                            s.resource_path_pointers,
                        )
                    })
                    .transpose()?,
                discovered: None,
                validated: r.validated.map(|v| p::Validated {
                    bindings: v
                        .bindings
                        .into_iter()
                        .map(|b| p::ValidatedBinding {
                            resource_path: b.resource_path,
                            delta_updates: b.delta_updates,
                            constraints: b
                                .constraints
                                .into_iter()
                                .map(|(k, c)| {
                                    (
                                        k,
                                        p::Constraint {
                                            kind: constraint_name(c.r#type),
                                            reason: c.reason,
                                            folded_field: c.folded_field,
                                        },
                                    )
                                })
                                .collect(),
                        })
                        .collect(),
                }),
            })
        }
    }
}

fn collection_from_proto(c: flow::CollectionSpec) -> Result<p::CollectionSpec, String> {
    Ok(p::CollectionSpec {
        write_schema: required_json("writeSchema", c.write_schema_json)?,
        read_schema: optional_json("readSchema", c.read_schema_json)?,
        ack_template: optional_json("ackTemplate", c.ack_template_json)?,
        name: c.name,
        key: c.key,
        uuid_ptr: c.uuid_ptr,
        partition_fields: c.partition_fields,
        projections: c
            .projections
            .into_iter()
            .map(|pr| {
                let inference = pr.inference.unwrap_or_default();
                p::Projection {
                    ptr: pr.ptr,
                    field: pr.field,
                    explicit: pr.explicit,
                    is_partition_key: pr.is_partition_key,
                    is_primary_key: pr.is_primary_key,
                    inference: p::Inference {
                        types: inference.types,
                        exists: usize::try_from(inference.exists)
                            .ok()
                            .and_then(|i| EXISTS.get(i))
                            .map(|s| s.to_string())
                            .unwrap_or_default(),
                    },
                }
            })
            .collect(),
    })
}

/// Decodes one (unframed) request message of `task` (what a protobuf connector reads).
pub fn decode_request(task: TaskType, msg: &[u8]) -> Result<p::Request, String> {
    use prost::Message;
    let ct = |n: i32| ConnectorType::from_number(task, n);
    let collection = |c: Option<flow::CollectionSpec>| {
        collection_from_proto(c.ok_or_else(|| "a binding has no collection".to_string())?)
    };
    match task {
        TaskType::Capture => {
            let r = capture::Request::decode(msg).map_err(|e| e.to_string())?;
            Ok(p::Request {
                spec: r
                    .spec
                    .map(|s| {
                        Ok::<_, String>(p::SpecRequest {
                            connector_type: ct(s.connector_type),
                            config: config_json(s.config_json)?,
                        })
                    })
                    .transpose()?,
                discover: r
                    .discover
                    .map(|d| {
                        Ok::<_, String>(p::DiscoverRequest {
                            connector_type: ct(d.connector_type),
                            config: config_json(d.config_json)?,
                        })
                    })
                    .transpose()?,
                validate: r
                    .validate
                    .map(|v| {
                        let mut bindings = Vec::new();
                        for b in v.bindings {
                            bindings.push(p::ValidateBinding {
                                resource_config: required_json(
                                    "resourceConfig",
                                    b.resource_config_json,
                                )?,
                                collection: collection(b.collection)?,
                                backfill: b.backfill,
                                field_config: BTreeMap::new(),
                                group_by: Vec::new(),
                            });
                        }
                        Ok::<_, String>(p::ValidateRequest {
                            name: v.name,
                            connector_type: ct(v.connector_type),
                            config: config_json(v.config_json)?,
                            bindings,
                            last_version: v.last_version,
                        })
                    })
                    .transpose()?,
            })
        }
        TaskType::Materialize => {
            let r = materialize::Request::decode(msg).map_err(|e| e.to_string())?;
            Ok(p::Request {
                spec: r
                    .spec
                    .map(|s| {
                        Ok::<_, String>(p::SpecRequest {
                            connector_type: ct(s.connector_type),
                            config: config_json(s.config_json)?,
                        })
                    })
                    .transpose()?,
                discover: None,
                validate: r
                    .validate
                    .map(|v| {
                        let mut bindings = Vec::new();
                        for b in v.bindings {
                            let mut field_config = BTreeMap::new();
                            for (k, v) in b.field_config_json_map {
                                field_config.insert(k, required_json("fieldConfig", v)?);
                            }
                            bindings.push(p::ValidateBinding {
                                resource_config: required_json(
                                    "resourceConfig",
                                    b.resource_config_json,
                                )?,
                                collection: collection(b.collection)?,
                                backfill: b.backfill,
                                field_config,
                                group_by: b.group_by,
                            });
                        }
                        Ok::<_, String>(p::ValidateRequest {
                            name: v.name,
                            connector_type: ct(v.connector_type),
                            config: config_json(v.config_json)?,
                            bindings,
                            last_version: v.last_version,
                        })
                    })
                    .transpose()?,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message;

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
}
