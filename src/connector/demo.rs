//! flowspec's built-in demo connectors (`flowspec connector demo-capture|demo-materialize`),
//! so the demo catalog, the tests and the benchmark have real connectors to run without Docker.
//!
//! Each reads ONE request from stdin (Flow JSON, or length-prefixed protobuf with
//! `--protobuf`), answers on stdout in the same codec and exits 0. Errors are a JSON error log
//! line on stderr and exit status 1, as Flow connectors report them. The Spec exercises what
//! real connectors' forms use: secrets (one multiline), a discriminated `oneOf`, an `advanced`
//! section, an `enum`, integer bounds, an array of strings, `order`, defaults,
//! `x-collection-name` resources and `resourcePathPointers`.

use std::io::{Read, Write};

use serde_json::{json, Value};

use super::codec;
use super::proto;
use super::protocol::{
    self as p, Constraint, Discovered, DiscoveredBinding, Operation, Request, Response,
    SpecResponse, TaskType, Validated, ValidatedBinding,
};

/// Environment variable overriding the number of discovered bindings (for performance tests).
pub const BINDINGS_ENV: &str = "FLOWSPEC_DEMO_BINDINGS";
/// Most bindings the demo discovers.
pub const MAX_BINDINGS: usize = 100_000;

const DOCS: &str = "https://docs.estuary.dev/concepts/connectors/";

/// The capture's endpoint config schema.
pub fn capture_config_schema() -> Value {
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Demo shop source",
        "description": "flowspec's built-in demo capture: a pretend shop database.",
        "type": "object",
        "required": ["address", "database", "user", "auth"],
        "properties": {
            "address": {
                "title": "Address",
                "description": "Host and port of the shop database.",
                "type": "string",
                "pattern": "^[^\\s:]+:[0-9]+$",
                "examples": ["db.example.internal:5432"],
                "order": 0
            },
            "database": {"title": "Database", "type": "string", "default": "shop", "order": 1},
            "user": {"title": "User", "type": "string", "default": "flow_capture", "order": 2},
            "auth": {
                "title": "Authentication",
                "description": "How the connector signs in.",
                "type": "object",
                "order": 3,
                "discriminator": {"propertyName": "type"},
                "oneOf": [
                    {
                        "title": "Password",
                        "type": "object",
                        "required": ["type", "password"],
                        "properties": {
                            "type": {"type": "string", "const": "password", "default": "password", "order": 0},
                            "password": {"title": "Password", "type": "string", "secret": true, "order": 1}
                        }
                    },
                    {
                        "title": "Private key",
                        "type": "object",
                        "required": ["type", "private_key"],
                        "properties": {
                            "type": {"type": "string", "const": "private_key", "default": "private_key", "order": 0},
                            "private_key": {
                                "title": "Private key",
                                "description": "PEM-encoded private key.",
                                "type": "string",
                                "secret": true,
                                "multiline": true,
                                "order": 1
                            }
                        }
                    }
                ]
            },
            "region": {
                "title": "Region",
                "type": "string",
                "enum": ["us-east", "eu-west", "ap-south"],
                "default": "us-east",
                "order": 4
            },
            "stores": {
                "title": "Stores",
                "description": "How many stores the shop has.",
                "type": "integer",
                "minimum": 1,
                "maximum": 50,
                "default": 3,
                "order": 5
            },
            "bindings": {
                "title": "Discovered bindings",
                "description": "How many bindings Discover returns: orders, customers and refunds come first, then generated tables.",
                "type": "integer",
                "minimum": 0,
                "maximum": MAX_BINDINGS,
                "default": 3,
                "order": 6
            },
            "notes": {
                "title": "Notes",
                "description": "Free text kept with the capture (several lines; Ctrl-E edits it in $EDITOR).",
                "type": "string",
                "multiline": true,
                "order": 7
            },
            "advanced": {
                "title": "Advanced",
                "type": "object",
                "advanced": true,
                "order": 8,
                "properties": {
                    "tables": {
                        "title": "Extra tables",
                        "description": "More table names to discover.",
                        "type": "array",
                        "items": {"type": "string"},
                        "default": [],
                        "order": 0
                    },
                    "batch_size": {
                        "title": "Batch size",
                        "type": "integer",
                        "minimum": 1,
                        "maximum": 10000,
                        "default": 500,
                        "order": 1
                    }
                }
            },
            "fail": {
                "title": "Fail",
                "description": "Make every operation fail, to see how connector errors are shown.",
                "type": "boolean",
                "default": false,
                "order": 8
            }
        }
    })
}

/// The capture's resource config schema.
pub fn capture_resource_schema() -> Value {
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Demo stream",
        "type": "object",
        "required": ["stream"],
        "properties": {
            "stream": {"title": "Stream", "type": "string", "x-collection-name": true, "order": 0},
            "namespace": {"title": "Namespace", "type": "string", "default": "shop", "order": 1},
            "mode": {
                "title": "Mode",
                "type": "string",
                "enum": ["incremental", "snapshot"],
                "default": "incremental",
                "order": 2
            }
        }
    })
}

/// The materialization's endpoint config schema.
pub fn materialize_config_schema() -> Value {
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Demo warehouse",
        "description": "flowspec's built-in demo materialization: a pretend SQL warehouse.",
        "type": "object",
        "required": ["address", "database"],
        "properties": {
            "address": {
                "title": "Address",
                "type": "string",
                "examples": ["warehouse.example.internal:5432"],
                "order": 0
            },
            "database": {"title": "Database", "type": "string", "order": 1},
            "user": {"title": "User", "type": "string", "default": "flow_materialize", "order": 2},
            "password": {"title": "Password", "type": "string", "secret": true, "order": 3},
            "schema": {
                "title": "Schema",
                "description": "Schema for tables whose resource names none.",
                "type": "string",
                "default": "public",
                "order": 4
            },
            "hard_delete": {"title": "Hard delete", "type": "boolean", "default": false, "order": 5},
            "advanced": {
                "title": "Advanced",
                "type": "object",
                "advanced": true,
                "order": 6,
                "properties": {
                    "ssl_mode": {
                        "title": "SSL mode",
                        "type": "string",
                        "enum": ["disable", "require", "verify-full"],
                        "default": "require"
                    },
                    "batch_bytes": {
                        "title": "Batch bytes",
                        "type": "integer",
                        "minimum": 1024,
                        "maximum": 67108864,
                        "default": 1048576
                    },
                    "feature_flags": {
                        "title": "Feature flags",
                        "type": "array",
                        "items": {"type": "string"}
                    }
                }
            },
            "fail": {"title": "Fail", "type": "boolean", "default": false, "order": 7}
        }
    })
}

/// The materialization's resource config schema.
pub fn materialize_resource_schema() -> Value {
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Demo table",
        "type": "object",
        "required": ["table"],
        "properties": {
            "table": {"title": "Table", "type": "string", "x-collection-name": true, "order": 0},
            "schema": {"title": "Schema", "type": "string", "x-schema-name": true, "order": 1},
            "delta_updates": {
                "title": "Delta updates",
                "type": "boolean",
                "default": false,
                "x-delta-updates": true,
                "order": 2
            }
        }
    })
}

fn spec(task: TaskType) -> SpecResponse {
    let (config, resource, pointers) = match task {
        TaskType::Capture => (
            capture_config_schema(),
            capture_resource_schema(),
            vec!["/namespace".to_string(), "/stream".to_string()],
        ),
        // Materializations identify resources by annotations, not pointers.
        TaskType::Materialize => (
            materialize_config_schema(),
            materialize_resource_schema(),
            Vec::new(),
        ),
    };
    SpecResponse {
        protocol: p::PROTOCOL_VERSION,
        config_schema: p::raw_value(&config),
        resource_config_schema: p::raw_value(&resource),
        documentation_url: DOCS.into(),
        oauth2: None,
        resource_path_pointers: pointers,
    }
}

/// Validates `value` against `schema`; the message lists each problem with its location.
fn check(what: &str, schema: &Value, value: &Value) -> Result<(), String> {
    let validator = jsonschema::validator_for(schema).map_err(|e| e.to_string())?;
    let problems: Vec<String> = validator
        .iter_errors(value)
        .take(5)
        .map(|e| {
            let at = e.instance_path().to_string();
            if at.is_empty() {
                e.to_string()
            } else {
                format!("{at}: {e}")
            }
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("invalid {what}: {}", problems.join("; ")))
    }
}

fn parse_config(task: TaskType, raw: &serde_json::value::RawValue) -> Result<Value, String> {
    let config: Value = serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
    let schema = match task {
        TaskType::Capture => capture_config_schema(),
        TaskType::Materialize => materialize_config_schema(),
    };
    check("endpoint config", &schema, &config)?;
    if config.get("fail").and_then(Value::as_bool) == Some(true) {
        return Err("the demo connector was asked to fail (`fail: true` in its config)".into());
    }
    Ok(config)
}

/// A document schema and key for generated table `i`, varied like a real database's.
fn generated_table(i: usize) -> (Value, Vec<String>) {
    match i % 4 {
        0 => (
            json!({"type": "object", "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "updated_at": {"type": "string", "format": "date-time"},
                "active": {"type": "boolean"}
            }, "required": ["id"]}),
            vec!["/id".into()],
        ),
        1 => (
            json!({"type": "object", "properties": {
                "account_id": {"type": "string", "format": "uuid"},
                "seq": {"type": "integer"},
                "amount": {"type": "number"},
                "currency": {"type": "string", "maxLength": 3},
                "memo": {"type": ["string", "null"]}
            }, "required": ["account_id", "seq"]}),
            vec!["/account_id".into(), "/seq".into()],
        ),
        2 => (
            json!({"type": "object", "properties": {
                "sku": {"type": "string"},
                "warehouse": {"type": "string"},
                "quantity": {"type": "integer", "minimum": 0},
                "dimensions": {"type": "object", "properties": {
                    "width": {"type": "number"}, "height": {"type": "number"}
                }}
            }, "required": ["sku", "warehouse"]}),
            vec!["/sku".into(), "/warehouse".into()],
        ),
        _ => (
            json!({"type": "object", "properties": {
                "event_id": {"type": "string"},
                "at": {"type": "string", "format": "date-time"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "payload": {"type": "object"}
            }, "required": ["event_id"], "x-infer-schema": true}),
            vec!["/event_id".into()],
        ),
    }
}

fn shop_tables() -> [(&'static str, Value, Vec<String>); 3] {
    [
        (
            "orders",
            json!({"type": "object", "properties": {
                "id": {"type": "integer"},
                "customer_id": {"type": "integer"},
                "total": {"type": "number"},
                "placed_at": {"type": "string", "format": "date-time"}
            }, "required": ["id", "customer_id"]}),
            vec!["/id".into()],
        ),
        (
            "customers",
            json!({"type": "object", "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "email": {"type": "string", "format": "email"}
            }, "required": ["id"]}),
            vec!["/id".into()],
        ),
        (
            "refunds",
            json!({"type": "object", "properties": {
                "order_id": {"type": "integer"},
                "refund_id": {"type": "integer"},
                "amount": {"type": "number"}
            }, "required": ["order_id", "refund_id"]}),
            vec!["/order_id".into(), "/refund_id".into()],
        ),
    ]
}

fn binding(namespace: &str, stream: &str, schema: &Value, key: Vec<String>) -> DiscoveredBinding {
    DiscoveredBinding {
        recommended_name: stream.to_string(),
        resource_config: p::raw_value(
            &json!({"stream": stream, "namespace": namespace, "mode": "incremental"}),
        ),
        document_schema: p::raw_value(schema),
        key,
        disable: false,
        resource_path: Vec::new(),
        is_fallback_key: false,
    }
}

fn discover(config: &Value) -> Result<Discovered, String> {
    let mut count = config.get("bindings").and_then(Value::as_u64).unwrap_or(3) as usize;
    if let Ok(v) = std::env::var(BINDINGS_ENV) {
        count = v
            .trim()
            .parse()
            .map_err(|_| format!("{BINDINGS_ENV}={v:?} is not a number"))?;
    }
    let count = count.min(MAX_BINDINGS);
    let mut bindings = Vec::with_capacity(count);
    for (stream, schema, key) in shop_tables().into_iter().take(count) {
        bindings.push(binding("shop", stream, &schema, key));
    }
    const NAMESPACES: [&str; 4] = ["shop", "archive", "ledger", "analytics"];
    for i in 3..count {
        let (schema, key) = generated_table(i);
        let stream = format!("table_{i:06}");
        bindings.push(binding(NAMESPACES[i % 4], &stream, &schema, key));
    }
    let extra = config
        .pointer("/advanced/tables")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for t in extra.iter().filter_map(Value::as_str) {
        let (schema, key) = generated_table(0);
        bindings.push(binding("shop", t, &schema, key));
    }
    Ok(Discovered { bindings })
}

fn validate(task: TaskType, req: &p::ValidateRequest, config: &Value) -> Result<Validated, String> {
    let resource_schema = match task {
        TaskType::Capture => capture_resource_schema(),
        TaskType::Materialize => materialize_resource_schema(),
    };
    let mut out = Validated::default();
    for (i, b) in req.bindings.iter().enumerate() {
        let resource: Value =
            serde_json::from_str(b.resource_config.get()).map_err(|e| e.to_string())?;
        check(
            &format!("resource of binding {} ({})", i + 1, b.collection.name),
            &resource_schema,
            &resource,
        )?;
        let text = |k: &str| resource.get(k).and_then(Value::as_str).map(str::to_string);
        out.bindings.push(match task {
            TaskType::Capture => ValidatedBinding {
                resource_path: [text("namespace"), text("stream")]
                    .into_iter()
                    .flatten()
                    .collect(),
                ..Default::default()
            },
            TaskType::Materialize => {
                let schema = text("schema").unwrap_or_else(|| {
                    config
                        .get("schema")
                        .and_then(Value::as_str)
                        .unwrap_or("public")
                        .to_string()
                });
                let delta = resource.get("delta_updates").and_then(Value::as_bool) == Some(true);
                ValidatedBinding {
                    resource_path: vec![schema, text("table").unwrap_or_default()],
                    constraints: constraints(&b.collection, delta),
                    delta_updates: delta,
                }
            }
        });
    }
    Ok(out)
}

/// What a SQL warehouse typically answers: keys and (unless delta updates) the document are
/// required, everything else optional.
fn constraints(
    collection: &p::CollectionSpec,
    delta: bool,
) -> std::collections::BTreeMap<String, Constraint> {
    collection
        .projections
        .iter()
        .map(|pr| {
            let (kind, reason) = if pr.is_primary_key {
                (
                    "LOCATION_REQUIRED",
                    "collection keys are the table's primary key",
                )
            } else if pr.ptr.is_empty() && !delta {
                (
                    "LOCATION_REQUIRED",
                    "the whole document is stored for loads",
                )
            } else if pr
                .inference
                .types
                .iter()
                .any(|t| t == "object" || t == "array")
            {
                ("FIELD_OPTIONAL", "stored as a JSON column")
            } else {
                ("FIELD_OPTIONAL", "may be materialized as a column")
            };
            (
                pr.field.clone(),
                Constraint {
                    kind: kind.into(),
                    reason: reason.into(),
                    folded_field: String::new(),
                },
            )
        })
        .collect()
}

/// Answers one request.
pub fn answer(task: TaskType, request: &Request) -> Result<(Operation, Response), String> {
    if request.spec.is_some() {
        return Ok((
            Operation::Spec,
            Response {
                spec: Some(spec(task)),
                ..Default::default()
            },
        ));
    }
    if let Some(d) = &request.discover {
        if task == TaskType::Materialize {
            return Err("materializations have no discover".into());
        }
        let config = parse_config(task, &d.config)?;
        return Ok((
            Operation::Discover,
            Response {
                discovered: Some(discover(&config)?),
                ..Default::default()
            },
        ));
    }
    if let Some(v) = &request.validate {
        let config = parse_config(task, &v.config)?;
        return Ok((
            Operation::Validate,
            Response {
                validated: Some(validate(task, v, &config)?),
                ..Default::default()
            },
        ));
    }
    Err("the request has no spec, discover or validate".into())
}

fn read_request(task: TaskType, protobuf: bool, input: &[u8]) -> Result<Request, String> {
    let codec = if protobuf {
        codec::Codec::Proto
    } else {
        codec::Codec::Json
    };
    let messages =
        codec::messages(codec, input, codec::DEFAULT_MAX_MESSAGE).map_err(|e| e.to_string())?;
    let [msg] = messages.as_slice() else {
        return Err(format!(
            "expected exactly one request on stdin, got {}",
            messages.len()
        ));
    };
    if protobuf {
        proto::decode_request(task, msg).map_err(|e| format!("invalid protobuf request: {e}"))
    } else {
        serde_json::from_slice(msg).map_err(|e| format!("invalid JSON request: {e}"))
    }
}

fn log(level: &str, msg: &str, fields: Value) {
    let mut line = json!({"level": level, "msg": msg});
    if let (Value::Object(l), Value::Object(f)) = (&mut line, fields) {
        l.extend(f);
    }
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// The demo connector's main: returns the process exit status.
pub fn main(task: TaskType, protobuf: bool) -> i32 {
    let name = match task {
        TaskType::Capture => "demo-capture",
        TaskType::Materialize => "demo-materialize",
    };
    let mut input = Vec::new();
    let read = std::io::stdin()
        .lock()
        .take(codec::DEFAULT_MAX_MESSAGE as u64 + 5)
        .read_to_end(&mut input);
    let result = read
        .map_err(|e| format!("cannot read stdin: {e}"))
        .and_then(|_| read_request(task, protobuf, &input))
        .and_then(|req| answer(task, &req));
    let (op, response) = match result {
        Ok(r) => r,
        Err(e) => {
            log("error", &e, json!({"connector": name}));
            return 1;
        }
    };
    log(
        "info",
        &format!("{name}: answered {}", op.label()),
        json!({
            "bindings": response.discovered.as_ref().map(|d| d.bindings.len())
                .or(response.validated.as_ref().map(|v| v.bindings.len())),
            "codec": if protobuf { "protobuf" } else { "json" },
        }),
    );
    let bytes = if protobuf {
        proto::encode_response(task, &response)
    } else {
        match codec::frame_json(&response) {
            Ok(b) => b,
            Err(e) => {
                log("error", &e.to_string(), json!({}));
                return 1;
            }
        }
    };
    let mut out = std::io::stdout().lock();
    if out.write_all(&bytes).and_then(|_| out.flush()).is_err() {
        return 1;
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(json: &str) -> Request {
        serde_json::from_str(json).unwrap()
    }

    const CONFIG: &str = r#"{"address":"db:5432","database":"shop","user":"u","auth":{"type":"password","password":"pw"}}"#;

    #[test]
    fn spec_schemas_are_valid_and_carry_the_annotations() {
        for task in [TaskType::Capture, TaskType::Materialize] {
            let s = spec(task);
            for raw in [&s.config_schema, &s.resource_config_schema] {
                let v: Value = serde_json::from_str(raw.get()).unwrap();
                jsonschema::validator_for(&v).expect("a valid JSON schema");
            }
        }
        let c = capture_config_schema().to_string();
        for needle in [
            r#""secret":true"#,
            r#""multiline":true"#,
            r#""discriminator":{"propertyName":"type"}"#,
            r#""advanced":true"#,
            r#""enum":["us-east""#,
            r#""minimum":1,"maximum":50"#,
            r#""items":{"type":"string"}"#,
            r#""order":0"#,
        ] {
            assert!(c.contains(needle), "{needle}");
        }
        assert!(capture_resource_schema()
            .to_string()
            .contains(r#""x-collection-name":true"#));
        assert_eq!(
            spec(TaskType::Capture).resource_path_pointers,
            vec!["/namespace", "/stream"]
        );
    }

    #[test]
    fn discover_counts_and_shop_tables() {
        let cfg = format!("{},\"bindings\":7}}", &CONFIG[..CONFIG.len() - 1]);
        let (_, r) = answer(
            TaskType::Capture,
            &request(&format!(
                r#"{{"discover":{{"connectorType":"LOCAL","config":{cfg}}}}}"#
            )),
        )
        .unwrap();
        let d = r.discovered.unwrap();
        assert_eq!(d.bindings.len(), 7);
        assert_eq!(d.bindings[0].recommended_name, "orders");
        assert_eq!(d.bindings[2].key, vec!["/order_id", "/refund_id"]);
        assert_eq!(d.bindings[5].recommended_name, "table_000005");
    }

    #[test]
    fn invalid_config_and_fail_are_errors() {
        let bad = r#"{"discover":{"connectorType":"LOCAL","config":{"address":"db","stores":0}}}"#;
        let e = answer(TaskType::Capture, &request(bad)).unwrap_err();
        assert!(e.starts_with("invalid endpoint config:"), "{e}");
        assert!(e.contains("/stores"), "{e}");
        let fail = CONFIG.replacen('{', r#"{"fail":true,"#, 1);
        let e = answer(
            TaskType::Capture,
            &request(&format!(
                r#"{{"discover":{{"connectorType":"LOCAL","config":{fail}}}}}"#
            )),
        )
        .unwrap_err();
        assert!(e.contains("asked to fail"), "{e}");
    }

    #[test]
    fn demo_catalog_configs_validate_against_the_demo_specs() {
        let file = |name: &str| {
            crate::demo::FILES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, t)| crate::yaml::parse(t).unwrap())
                .unwrap()
        };
        let capture = file("source-demo.config.yaml").to_json();
        check("capture config", &capture_config_schema(), &capture).unwrap();
        let flow = file("flow.yaml");
        let mat = flow
            .get("materializations")
            .and_then(|m| m.get("acmeCo/shop/to-warehouse"))
            .and_then(|m| m.get("endpoint"))
            .and_then(|e| e.get("local"))
            .and_then(|l| l.get("config"))
            .unwrap()
            .to_json();
        check("materialization config", &materialize_config_schema(), &mat).unwrap();
        for b in flow
            .at(&[
                crate::yaml::PathSeg::key("captures"),
                crate::yaml::PathSeg::key("acmeCo/shop/source-demo"),
                crate::yaml::PathSeg::key("bindings"),
            ])
            .unwrap()
            .items()
        {
            let r = b.get("resource").unwrap().to_json();
            check("capture resource", &capture_resource_schema(), &r).unwrap();
        }
    }

    #[test]
    fn materialize_validate_constraints() {
        let req = r#"{"validate":{"name":"acme/m","connectorType":"LOCAL","config":{"address":"w:1","database":"d","schema":"analytics"},
          "bindings":[{"resourceConfig":{"table":"orders"},"collection":{"name":"acme/orders","writeSchema":{},"key":["/id"],
          "projections":[{"ptr":"/id","field":"id","isPrimaryKey":true,"inference":{"types":["integer"]}},{"field":"flow_document","inference":{"types":["object"]}},{"ptr":"/x","field":"x","inference":{"types":["string"]}}]}}]}}"#;
        let (_, r) = answer(TaskType::Materialize, &request(req)).unwrap();
        let b = &r.validated.unwrap().bindings[0];
        assert_eq!(b.resource_path, vec!["analytics", "orders"]);
        assert_eq!(b.constraints["id"].kind, "LOCATION_REQUIRED");
        assert_eq!(b.constraints["flow_document"].kind, "LOCATION_REQUIRED");
        assert_eq!(b.constraints["x"].kind, "FIELD_OPTIONAL");
    }
}
