//! Protocol types (proto3-JSON shapes of [`crate::connector::protocol`]) to protobuf messages.

use std::collections::BTreeMap;

use serde_json::value::RawValue;
use serde_json::Value;

use super::super::codec;
use super::super::protocol::{self as p, TaskType};
use super::{capture, constraint_number, flow, materialize, EXISTS};

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
