//! Protobuf messages back to protocol types.

use std::collections::BTreeMap;

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::super::protocol::{self as p, ConnectorType, TaskType};
use super::{capture, constraint_name, flow, materialize, EXISTS};

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
