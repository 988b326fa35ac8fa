//! The Airbyte adapter: runs an Airbyte source's `spec`, `discover --config FILE` and
//! `check --config FILE` and translates its messages into Flow's Spec, Discovered and
//! Validated replies the way Estuary's airbyte-to-flow does
//! (`estuary/airbyte:airbyte-to-flow/src/interceptors/airbyte_source_interceptor.rs`,
//! `libs/airbyte_catalog.rs`, `interceptors/fix_document_schema.rs`), so a catalog built
//! against a raw Airbyte source matches the one its Estuary image would give.
//!
//! Airbyte writes everything to stdout, one JSON message per line: `LOG` and non-error
//! `TRACE` messages become log lines, a `TRACE` of type `ERROR` becomes the error, and a failed
//! `check` exits 0 with `connectionStatus.status: FAILED`, which is reported as an error too.
//! The config reaches the connector only as a 0600 file in a private directory.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};

use super::codec;
use super::local::FILES_PLACEHOLDER;
use super::protocol::{
    self as p, Discovered, DiscoveredBinding, Operation, Reply, SpecResponse, Validated,
    ValidatedBinding,
};
use super::transport::{ConnectorError, Exit, LogLevel, LogLine};

/// Name of the config file in the private files directory.
pub const CONFIG_FILE: &str = "config.json";

/// Airbyte resources are identified by namespace and stream.
pub const RESOURCE_PATH_POINTERS: [&str; 2] = ["/namespace", "/stream"];

/// The resource config schema airbyte-to-flow publishes: schemars' draft-07 rendering of its
/// `ResourceSpec {stream, namespace?, syncMode, cursorField?}` (camelCase).
pub fn resource_config_schema() -> Value {
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "ResourceSpec",
        "type": "object",
        "required": ["stream", "syncMode"],
        "properties": {
            "cursorField": {"type": ["array", "null"], "items": {"type": "string"}},
            "namespace": {"type": ["string", "null"]},
            "stream": {"type": "string"},
            "syncMode": {"type": "string", "enum": ["incremental", "full_refresh"]}
        }
    })
}

/// The Airbyte command line and files answering `op`, with the endpoint `config`.
pub fn invocation(op: Operation, config: &RawValue) -> (Vec<String>, Vec<(String, Vec<u8>)>) {
    let file = format!("{FILES_PLACEHOLDER}/{CONFIG_FILE}");
    let with_config = |cmd: &str| {
        (
            vec![cmd.to_string(), "--config".to_string(), file.clone()],
            vec![(CONFIG_FILE.to_string(), config.get().as_bytes().to_vec())],
        )
    };
    match op {
        Operation::Spec => (vec!["spec".to_string()], vec![]),
        Operation::Discover => with_config("discover"),
        Operation::Validate => with_config("check"),
    }
}

#[derive(Deserialize)]
struct Message {
    #[serde(rename = "type")]
    kind: String,
    log: Option<Log>,
    trace: Option<Trace>,
    spec: Option<Spec>,
    catalog: Option<Catalog>,
    #[serde(rename = "connectionStatus")]
    connection_status: Option<ConnectionStatus>,
}

#[derive(Deserialize)]
struct Log {
    level: String,
    #[serde(default)]
    message: String,
}

#[derive(Deserialize)]
struct Trace {
    #[serde(rename = "type")]
    kind: String,
    error: Option<TraceError>,
}

#[derive(Deserialize)]
struct TraceError {
    #[serde(default)]
    message: String,
    internal_message: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Spec {
    connection_specification: Value,
    documentation_url: Option<String>,
}

#[derive(Deserialize)]
struct Catalog {
    #[serde(default)]
    streams: Vec<Stream>,
}

#[derive(Deserialize)]
struct Stream {
    name: String,
    json_schema: Value,
    supported_sync_modes: Option<Vec<String>>,
    default_cursor_field: Option<Vec<String>>,
    source_defined_primary_key: Option<Vec<Vec<String>>>,
    namespace: Option<String>,
}

#[derive(Deserialize)]
struct ConnectionStatus {
    status: String,
    message: Option<String>,
}

/// The parsed stdout of one Airbyte command.
struct Output {
    logs: Vec<LogLine>,
    error: Option<String>,
    specs: Vec<Spec>,
    catalogs: Vec<Catalog>,
    statuses: Vec<ConnectionStatus>,
}

fn parse_output(stdout: &[u8]) -> Output {
    let mut out = Output {
        logs: Vec::new(),
        error: None,
        specs: Vec::new(),
        catalogs: Vec::new(),
        statuses: Vec::new(),
    };
    for line in stdout.split(|b| *b == b'\n') {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let Ok(msg) = serde_json::from_slice::<Message>(line) else {
            // Print statements and other noise: keep them as text.
            out.logs
                .push(super::logs::parse_line(&String::from_utf8_lossy(line)));
            continue;
        };
        match msg.kind.as_str() {
            "LOG" => {
                if let Some(l) = msg.log {
                    out.logs.push(LogLine {
                        level: super::logs::parse_level(&l.level),
                        message: l.message,
                        fields: None,
                    });
                }
            }
            "TRACE" => match msg.trace {
                Some(Trace {
                    kind,
                    error: Some(e),
                }) if kind == "ERROR" => {
                    let message = match e.internal_message {
                        Some(i) if !i.is_empty() && i != e.message => {
                            format!("{} ({i})", e.message)
                        }
                        _ => e.message,
                    };
                    out.logs.push(LogLine {
                        level: LogLevel::Error,
                        message: message.clone(),
                        fields: None,
                    });
                    out.error = Some(message);
                }
                Some(t) => out.logs.push(LogLine {
                    level: LogLevel::Debug,
                    message: format!("trace: {}", t.kind),
                    fields: None,
                }),
                None => {}
            },
            "SPEC" => out.specs.extend(msg.spec),
            "CATALOG" => out.catalogs.extend(msg.catalog),
            "CONNECTION_STATUS" => out.statuses.extend(msg.connection_status),
            // RECORD and STATE do not answer spec/discover/check.
            _ => {}
        }
    }
    out
}

/// Translates a finished Airbyte command into the reply to `op`. `resources` are the
/// resource configs of a Validate request. Also returns the log lines found on stdout.
pub fn translate(
    op: Operation,
    exit: &Exit,
    resources: &[&RawValue],
) -> (Result<Reply, ConnectorError>, Vec<LogLine>) {
    let out = parse_output(&exit.stdout);
    let logs = out.logs.clone();
    (reply(op, exit, out, resources), logs)
}

fn reply(
    op: Operation,
    exit: &Exit,
    out: Output,
    resources: &[&RawValue],
) -> Result<Reply, ConnectorError> {
    if exit.code != Some(0) {
        let message = out
            .error
            .or_else(|| {
                out.logs
                    .iter()
                    .rev()
                    .find(|l| l.level >= LogLevel::Error)
                    .map(|l| l.message.clone())
            })
            .or_else(|| exit.last_error().map(str::to_string))
            .unwrap_or_else(|| "no error message".into());
        return Err(match exit.code {
            Some(code) => ConnectorError::Exited { code, message },
            None => ConnectorError::Exited {
                code: -1,
                message: format!("killed by a signal; {message}"),
            },
        });
    }
    if let Some(e) = out.error {
        return Err(ConnectorError::Reported(e));
    }
    let exactly_one = |what: &str, n: usize| -> Result<(), ConnectorError> {
        match n {
            1 => Ok(()),
            n => Err(ConnectorError::Protocol {
                message: format!(
                    "expected exactly one Airbyte {what} message in answer to {}, got {n}",
                    op.label()
                ),
                excerpt: codec::excerpt(&exit.stdout),
            }),
        }
    };
    match op {
        Operation::Spec => {
            exactly_one("SPEC", out.specs.len())?;
            let spec = out.specs.into_iter().next().expect("one spec");
            Ok(Reply::Spec(translate_spec(spec)))
        }
        Operation::Discover => {
            exactly_one("CATALOG", out.catalogs.len())?;
            let catalog = out.catalogs.into_iter().next().expect("one catalog");
            let bindings = catalog
                .streams
                .into_iter()
                .map(translate_stream)
                .collect::<Result<_, _>>()?;
            Ok(Reply::Discovered(Discovered { bindings }))
        }
        Operation::Validate => {
            exactly_one("CONNECTION_STATUS", out.statuses.len())?;
            let status = out.statuses.into_iter().next().expect("one status");
            if status.status != "SUCCEEDED" {
                return Err(ConnectorError::Reported(status.message.unwrap_or_else(
                    || format!("the connection check returned {}", status.status),
                )));
            }
            let mut bindings = Vec::new();
            for (i, r) in resources.iter().enumerate() {
                bindings.push(ValidatedBinding {
                    resource_path: resource_path(r)
                        .map_err(|e| ConnectorError::Reported(format!("binding {}: {e}", i + 1)))?,
                    ..Default::default()
                });
            }
            Ok(Reply::Validated(Validated { bindings }))
        }
    }
}

fn translate_spec(spec: Spec) -> SpecResponse {
    let mut config_schema = spec.connection_specification;
    strip_nonstandard_attributes(&mut config_schema);
    SpecResponse {
        protocol: p::PROTOCOL_VERSION,
        config_schema: p::raw_value(&config_schema),
        resource_config_schema: p::raw_value(&resource_config_schema()),
        documentation_url: spec.documentation_url.unwrap_or_default(),
        // airbyte-to-flow maps `authSpecification` (deprecated by Airbyte) or a patch file to
        // `oauth2`; flowspec runs OAuth nowhere, so it is left out.
        oauth2: None,
        resource_path_pointers: RESOURCE_PATH_POINTERS.map(String::from).to_vec(),
    }
}

/// Stream names have no constraints: keep `[\p{Alnum}-._]` of each `/`-separated chunk,
/// dropping empty chunks.
pub fn recommended_name(stream: &str) -> String {
    stream
        .split('/')
        .map(|chunk| {
            chunk
                .chars()
                .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_'))
                .collect::<String>()
        })
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

fn pointer(tokens: &[String]) -> String {
    tokens
        .iter()
        .map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1")))
        .collect()
}

fn translate_stream(stream: Stream) -> Result<DiscoveredBinding, ConnectorError> {
    let incremental = stream
        .supported_sync_modes
        .as_ref()
        .is_some_and(|m| m.iter().any(|m| m == "incremental"));
    let key: Vec<String> = stream
        .source_defined_primary_key
        .unwrap_or_default()
        .iter()
        .map(|k| pointer(k))
        .collect();
    // Airbyte cursor fields are property names, not pointers; default to the key's.
    let cursor_field = match stream.default_cursor_field {
        Some(cf) if !cf.is_empty() => cf,
        _ => key.iter().map(|k| k[1..].to_string()).collect(),
    };
    let mut resource = Map::new();
    resource.insert("stream".into(), Value::String(stream.name.clone()));
    if let Some(ns) = &stream.namespace {
        resource.insert("namespace".into(), Value::String(ns.clone()));
    }
    let mode = if incremental {
        "incremental"
    } else {
        "full_refresh"
    };
    resource.insert("syncMode".into(), json!(mode));
    resource.insert("cursorField".into(), json!(cursor_field));

    let mut schema = stream.json_schema;
    strip_nonstandard_attributes(&mut schema);
    remove_enums(&mut schema);
    require_keys(&mut schema, &key);
    Ok(DiscoveredBinding {
        recommended_name: recommended_name(&stream.name),
        resource_config: p::raw_value(&Value::Object(resource)),
        document_schema: p::raw_value(&schema),
        key,
        disable: false,
        resource_path: Vec::new(),
        is_fallback_key: false,
    })
}

/// `[namespace?, stream]` of an Airbyte resource config.
fn resource_path(resource: &RawValue) -> Result<Vec<String>, String> {
    let v: Value = serde_json::from_str(resource.get()).map_err(|e| e.to_string())?;
    let stream = v
        .get("stream")
        .and_then(Value::as_str)
        .ok_or("the resource has no `stream` (Airbyte resources are {stream, namespace?, syncMode, cursorField?})")?;
    let mut path = Vec::new();
    if let Some(ns) = v.get("namespace").and_then(Value::as_str) {
        path.push(ns.to_string());
    }
    path.push(stream.to_string());
    Ok(path)
}

/// Visits a schema and the schemas under its `properties` and `items`, as airbyte-to-flow's
/// `traverse_jsonschema` does.
fn visit_schemas(schema: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    let Value::Object(map) = schema else { return };
    f(map);
    if let Some(Value::Object(props)) = map.get_mut("properties") {
        for v in props.values_mut() {
            visit_schemas(v, f);
        }
    }
    if let Some(items) = map.get_mut("items") {
        visit_schemas(items, f);
    }
}

/// Formats Flow's schema validation knows; airbyte-to-flow drops the others.
const KNOWN_FORMATS: &[&str] = &[
    "date",
    "date-time",
    "time",
    "duration",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uri-template",
    "uuid",
    "json-pointer",
    "relative-json-pointer",
    "regex",
    "integer",
    "number",
    "macaddr",
    "macaddr8",
];

/// Removes Airbyte-internal keywords (`airbyte_hidden`, `group`, `airbyte_type`, ...), maps
/// `int32`/`int64` formats to `integer` and drops formats Flow does not know.
/// `airbyte_secret` stays: Flow honours it like `secret`.
pub fn strip_nonstandard_attributes(schema: &mut Value) {
    visit_schemas(schema, &mut |map| {
        for k in [
            "airbyte_hidden",
            "always_show",
            "group",
            "groups",
            "pattern_descriptor",
            "airbyte_type",
            "name",
            "xml",
        ] {
            map.shift_remove(k);
        }
        if let Some(Value::String(f)) = map.get("format") {
            if f == "int32" || f == "int64" {
                map.insert("format".into(), json!("integer"));
            } else if !KNOWN_FORMATS.contains(&f.as_str()) {
                map.shift_remove("format");
            }
        }
    });
}

/// Drops `enum`s from discovered document schemas (SaaS enums grow and would break captures),
/// putting a `type` in their place when there was none.
pub fn remove_enums(schema: &mut Value) {
    visit_schemas(schema, &mut |map| {
        let Some(values) = map.shift_remove("enum") else {
            return;
        };
        if map.contains_key("type") {
            return;
        }
        let Some(values) = values.as_array() else {
            return;
        };
        let types: std::collections::BTreeSet<&str> = values.iter().map(type_of).collect();
        let ty = match types.len() {
            0 => return,
            1 => json!(types.into_iter().next()),
            _ => json!(types.into_iter().collect::<Vec<_>>()),
        };
        map.insert("type".into(), ty);
    });
}

fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn drop_null_type(map: &mut Map<String, Value>, collapse: bool) {
    if let Some(Value::Array(types)) = map.get_mut("type") {
        types.retain(|t| t != "null");
        if collapse && types.len() == 1 {
            let only = types[0].clone();
            map.insert("type".into(), only);
        }
    }
}

/// Makes every key location required and non-null along its path, so documents without a
/// key are rejected at capture time rather than breaking the collection. Schemas using
/// `allOf`/`anyOf`/`not` or keys through arrays are left alone, as airbyte-to-flow does.
pub fn require_keys(schema: &mut Value, keys: &[String]) {
    for key in keys {
        let tokens: Vec<String> = key
            .split('/')
            .skip(1)
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect();
        let mut node = &mut *schema;
        for token in tokens {
            let Value::Object(map) = node else { break };
            if ["allOf", "anyOf", "not"]
                .iter()
                .any(|k| map.contains_key(*k))
            {
                break;
            }
            let required = map.entry("required").or_insert_with(|| json!([]));
            if let Value::Array(req) = required {
                if !req.iter().any(|r| r == token.as_str()) {
                    req.push(json!(token));
                }
            }
            drop_null_type(map, false);
            let Some(prop) = map
                .get_mut("properties")
                .and_then(|p| p.get_mut(token.as_str()))
            else {
                break;
            };
            if let Value::Object(pm) = prop {
                drop_null_type(pm, true);
            }
            node = prop;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exit(code: i64, stdout: &str) -> Exit {
        Exit {
            stdout: stdout.as_bytes().to_vec(),
            code: Some(code),
            logs: vec![],
        }
    }

    #[test]
    fn spec_translation() {
        let out = r#"{"type":"LOG","log":{"level":"INFO","message":"starting"}}
{"type":"SPEC","spec":{"connectionSpecification":{"type":"object","required":[],"properties":{"token":{"type":"string","airbyte_secret":true,"group":"auth","order":0},"count":{"type":"integer","format":"int64"}}},"documentationUrl":"https://docs.airbyte.com/x","supportsDBT":false}}"#;
        let (r, logs) = translate(Operation::Spec, &exit(0, out), &[]);
        let Reply::Spec(s) = r.unwrap() else { panic!() };
        assert_eq!(s.protocol, 3032023);
        assert_eq!(
            s.config_schema.get(),
            r#"{"type":"object","required":[],"properties":{"token":{"type":"string","airbyte_secret":true,"order":0},"count":{"type":"integer","format":"integer"}}}"#
        );
        assert_eq!(s.documentation_url, "https://docs.airbyte.com/x");
        assert_eq!(s.resource_path_pointers, vec!["/namespace", "/stream"]);
        let rs: Value = serde_json::from_str(s.resource_config_schema.get()).unwrap();
        assert_eq!(rs["required"], json!(["stream", "syncMode"]));
        assert_eq!(logs[0].message, "starting");
    }

    #[test]
    fn discover_translation() {
        let out = r#"{"type":"CATALOG","catalog":{"streams":[
{"name":"users","json_schema":{"type":"object","properties":{"id":{"type":["null","integer"]},"kind":{"enum":["a","b"]},"ts":{"type":"string","format":"date-time","airbyte_type":"timestamp_with_timezone"}}},"supported_sync_modes":["full_refresh","incremental"],"default_cursor_field":["ts"],"source_defined_primary_key":[["id"]]},
{"name":"/&we!rd/ na/me//","namespace":"public","json_schema":{"type":"object"},"supported_sync_modes":["full_refresh"]}]}}"#
            .replace('\n', "");
        let (r, _) = translate(Operation::Discover, &exit(0, &out), &[]);
        let Reply::Discovered(d) = r.unwrap() else {
            panic!()
        };
        let users = &d.bindings[0];
        assert_eq!(users.recommended_name, "users");
        assert_eq!(users.key, vec!["/id"]);
        assert_eq!(
            users.resource_config.get(),
            r#"{"stream":"users","syncMode":"incremental","cursorField":["ts"]}"#
        );
        assert_eq!(
            serde_json::from_str::<Value>(users.document_schema.get()).unwrap(),
            json!({"type":"object","properties":{"id":{"type":"integer"},"kind":{"type":"string"},
                   "ts":{"type":"string","format":"date-time"}},"required":["id"]})
        );
        let weird = &d.bindings[1];
        assert_eq!(weird.recommended_name, "werd/na/me");
        assert!(weird.key.is_empty());
        assert_eq!(
            weird.resource_config.get(),
            r#"{"stream":"/&we!rd/ na/me//","namespace":"public","syncMode":"full_refresh","cursorField":[]}"#
        );
    }

    #[test]
    fn recommended_names_like_airbyte_to_flow() {
        assert_eq!(recommended_name("Hello-World"), "Hello-World");
        assert_eq!(
            recommended_name("/&foo!/B ar// b+i-n.g /"),
            "foo/Bar/bi-n.g"
        );
        assert_eq!(pointer(&["a/b".into(), "c~".into()]), "/a~1b/c~0");
    }

    #[test]
    fn check_results() {
        let ok = r#"{"type":"CONNECTION_STATUS","connectionStatus":{"status":"SUCCEEDED"}}"#;
        let a = p::raw(r#"{"stream":"users","namespace":"public","syncMode":"incremental"}"#);
        let b = p::raw(r#"{"stream":"orders","syncMode":"full_refresh"}"#);
        let (r, _) = translate(Operation::Validate, &exit(0, ok), &[&a, &b]);
        let Reply::Validated(v) = r.unwrap() else {
            panic!()
        };
        assert_eq!(v.bindings[0].resource_path, vec!["public", "users"]);
        assert_eq!(v.bindings[1].resource_path, vec!["orders"]);

        // A failed check exits 0: the status says so.
        let failed = r#"{"type":"CONNECTION_STATUS","connectionStatus":{"status":"FAILED","message":"Config validation error: 'x' is not of type 'integer'"}}"#;
        let (r, _) = translate(Operation::Validate, &exit(0, failed), &[]);
        assert!(matches!(r, Err(ConnectorError::Reported(m)) if m.contains("'x' is not of type")));

        let c = p::raw(r#"{"table":"x"}"#);
        let (r, _) = translate(Operation::Validate, &exit(0, ok), &[&c]);
        assert!(
            matches!(r, Err(ConnectorError::Reported(m)) if m.starts_with("binding 1: the resource has no `stream`"))
        );
    }

    #[test]
    fn trace_errors_and_missing_messages() {
        let trace = r#"{"type":"LOG","log":{"level":"FATAL","message":"'count'\nTraceback ..."}}
{"type":"TRACE","trace":{"type":"ERROR","emitted_at":1,"error":{"message":"Something went wrong in the connector.","internal_message":"'count'","failure_type":"system_error"}}}"#;
        let (r, logs) = translate(Operation::Validate, &exit(1, trace), &[]);
        match r {
            Err(ConnectorError::Exited { code: 1, message }) => {
                assert_eq!(message, "Something went wrong in the connector. ('count')")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(logs[0].level, LogLevel::Error);
        // The same trace with exit 0 is still an error.
        let (r, _) = translate(Operation::Discover, &exit(0, trace), &[]);
        assert!(matches!(r, Err(ConnectorError::Reported(_))));
        // No answer at all.
        let (r, _) = translate(Operation::Spec, &exit(0, "hello\n"), &[]);
        match r {
            Err(ConnectorError::Protocol { message, excerpt }) => {
                assert!(message.contains("got 0"), "{message}");
                assert_eq!(excerpt, "hello\\n");
            }
            other => panic!("{other:?}"),
        }
        // A crash without Airbyte messages falls back to stderr.
        let mut e = exit(2, "");
        e.logs
            .push(crate::connector::logs::parse_line("ModuleNotFoundError: x"));
        let (r, _) = translate(Operation::Spec, &e, &[]);
        assert!(
            matches!(r, Err(ConnectorError::Exited { code: 2, message }) if message == "ModuleNotFoundError: x")
        );
    }

    #[test]
    fn invocation_uses_a_config_file() {
        let cfg = p::raw(r#"{"count":5}"#);
        let (args, files) = invocation(Operation::Discover, &cfg);
        assert_eq!(args, vec!["discover", "--config", "{files}/config.json"]);
        assert_eq!(
            files,
            vec![("config.json".to_string(), b"{\"count\":5}".to_vec())]
        );
        assert_eq!(
            invocation(Operation::Spec, &cfg),
            (vec!["spec".to_string()], vec![])
        );
        assert_eq!(invocation(Operation::Validate, &cfg).0[0], "check");
    }
}
