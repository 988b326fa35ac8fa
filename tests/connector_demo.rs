//! The demo connectors end to end through the real binary: `flowspec spec|discover|validate`
//! on the demo catalog, in Flow JSON and in protobuf, plus the protobuf bytes on the wire.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use prost::Message;
use serde_json::Value;

const EXE: &str = env!("CARGO_BIN_EXE_flowspec");

fn demo(protobuf: bool) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let (root, _) = flowspec::demo::write(dir.path(), EXE).unwrap();
    if protobuf {
        let text = std::fs::read_to_string(&root).unwrap();
        let text = text
            .replace(
                "connector, demo-capture]",
                "connector, demo-capture, --protobuf]\n        protobuf: true",
            )
            .replace(
                "connector, demo-materialize]",
                "connector, demo-materialize, --protobuf]\n        protobuf: true",
            );
        std::fs::write(&root, text).unwrap();
    }
    (dir, root)
}

fn flowspec(args: &[&str], root: &Path) -> Output {
    let mut cmd = Command::new(EXE);
    cmd.args(args)
        .arg(root)
        .env_remove("FLOWSPEC_DEMO_BINDINGS");
    cmd.output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

const CAPTURE: &str = "acmeCo/shop/source-demo";
const MATERIALIZATION: &str = "acmeCo/shop/to-warehouse";

/// Everything the three operations print for the demo catalog.
fn run_all(root: &Path) -> (Value, Vec<Value>, Value, Value) {
    let spec = json(&ok(&flowspec(&["spec", "--task", CAPTURE, "--json"], root)));
    let raw = ok(&flowspec(
        &["discover", "--task", CAPTURE, "--emit-raw"],
        root,
    ));
    let bindings: Vec<Value> = raw.lines().map(json).collect();
    let cap = json(&ok(&flowspec(
        &["validate", "--task", CAPTURE, "--json"],
        root,
    )));
    let mat = json(&ok(&flowspec(
        &["validate", "--task", MATERIALIZATION, "--json"],
        root,
    )));
    (spec, bindings, cap, mat)
}

#[test]
fn demo_catalog_in_flow_json() {
    let (_dir, root) = demo(false);
    let (spec, bindings, cap, mat) = run_all(&root);

    assert_eq!(spec["protocol"], 3032023);
    assert_eq!(spec["configSchema"]["title"], "Demo shop source");
    assert_eq!(
        spec["configSchema"]["properties"]["auth"]["discriminator"]["propertyName"],
        "type"
    );
    assert_eq!(
        spec["resourcePathPointers"],
        serde_json::json!(["/namespace", "/stream"])
    );
    assert_eq!(
        spec["resourceConfigSchema"]["properties"]["stream"]["x-collection-name"],
        true
    );

    let names: Vec<&str> = bindings
        .iter()
        .map(|b| b["recommendedName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["orders", "customers", "refunds"]);
    assert_eq!(
        bindings[2]["key"],
        serde_json::json!(["/order_id", "/refund_id"])
    );
    assert_eq!(bindings[0]["resourceConfig"]["namespace"], "shop");
    assert_eq!(bindings[0]["documentSchema"]["type"], "object");

    // Enabled capture bindings only (refunds is disabled), echoed as resource paths.
    assert_eq!(
        cap["bindings"],
        serde_json::json!([{"resourcePath": ["shop", "orders"]}, {"resourcePath": ["shop", "customers"]}])
    );
    let b = &mat["bindings"][0];
    assert_eq!(b["resourcePath"], serde_json::json!(["public", "orders"]));
    assert_eq!(b["constraints"]["id"]["type"], "LOCATION_REQUIRED");
    assert_eq!(
        b["constraints"]["flow_document"]["type"],
        "LOCATION_REQUIRED"
    );
    assert_eq!(b["constraints"]["total"]["type"], "FIELD_OPTIONAL");

    // The readable forms.
    let table = ok(&flowspec(&["discover", "--task", CAPTURE], &root));
    assert!(table.starts_with("NAME"), "{table}");
    assert!(table.contains("refunds    /order_id /refund_id"), "{table}");
    let text = ok(&flowspec(&["spec", "--task", CAPTURE], &root));
    assert!(
        text.contains("resource path   /namespace /stream"),
        "{text}"
    );
    assert!(text.contains("auth"), "{text}");
}

#[test]
fn demo_catalog_in_protobuf_gives_the_same_answers() {
    let (_d1, json_root) = demo(false);
    let (_d2, proto_root) = demo(true);
    assert!(std::fs::read_to_string(&proto_root)
        .unwrap()
        .contains("protobuf: true"));
    assert_eq!(run_all(&json_root), run_all(&proto_root));
}

fn demo_connector(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(EXE)
        .arg("connector")
        .args(args)
        .env_remove("FLOWSPEC_DEMO_BINDINGS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn protobuf_bytes_on_the_wire() {
    // Request { spec (field 1, len 6) { connector_type (1) = LOCAL 8, config_json (2) = "{}" } }
    let body = [0x0a, 0x06, 0x08, 0x08, 0x12, 0x02, b'{', b'}'];
    let mut stdin = (body.len() as u32).to_le_bytes().to_vec();
    stdin.extend_from_slice(&body);
    let out = demo_connector(&["demo-capture", "--protobuf"], &stdin);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let len = u32::from_le_bytes(out.stdout[..4].try_into().unwrap()) as usize;
    assert_eq!(len, out.stdout.len() - 4, "exactly one framed response");
    let msg = &out.stdout[4..];
    // Response.spec is field 1 (length-delimited); its length is a varint.
    assert_eq!(msg[0], 0x0a);
    let mut i = 1;
    while msg[i] & 0x80 != 0 {
        i += 1;
    }
    let spec = &msg[i + 1..];
    // Spec.protocol (field 1, varint) = 3032023, then config_schema_json (field 2, bytes).
    assert_eq!(&spec[..6], &[0x08, 0xd7, 0x87, 0xb9, 0x01, 0x12]);

    let decoded = flowspec::connector::proto::capture::Response::decode(msg).unwrap();
    let spec = decoded.spec.unwrap();
    assert_eq!(spec.protocol, 3032023);
    assert_eq!(spec.resource_path_pointers, vec!["/namespace", "/stream"]);
    let schema: Value = serde_json::from_str(&spec.config_schema_json).unwrap();
    assert_eq!(schema["properties"]["stores"]["maximum"], 50);

    // Materialization Spec uses its own enum numbers (LOCAL = 9) and answers in kind.
    let body = [0x0a, 0x06, 0x08, 0x09, 0x12, 0x02, b'{', b'}'];
    let mut stdin = (body.len() as u32).to_le_bytes().to_vec();
    stdin.extend_from_slice(&body);
    let out = demo_connector(&["demo-materialize", "--protobuf"], &stdin);
    let decoded =
        flowspec::connector::proto::materialize::Response::decode(&out.stdout[4..]).unwrap();
    assert_eq!(decoded.spec.unwrap().protocol, 3032023);
}

#[test]
fn connector_failures_reach_the_user() {
    let (_dir, root) = demo(false);
    let config = root.parent().unwrap().join("source-demo.config.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}fail: true\n")).unwrap();
    let out = flowspec(&["discover", "--task", CAPTURE], &root);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "error: the connector exited with status 1: the demo connector was asked to fail"
        ),
        "{err}"
    );
    assert!(out.stdout.is_empty());

    // An invalid config is reported with its location.
    std::fs::write(&config, text.replace("stores: 3", "stores: 99")).unwrap();
    let out = flowspec(&["validate", "--task", CAPTURE], &root);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("/stores: 99 is greater than the maximum of 50"),
        "{err}"
    );

    // The wrong codec: a JSON connector fed protobuf says so and fails.
    std::fs::write(&config, &text).unwrap();
    let out = flowspec(
        &["discover", "--task", CAPTURE, "--protocol", "flow-proto"],
        &root,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("invalid JSON request"), "{err}");

    // A task that does not exist is a usage error (2), and nothing runs.
    let out = flowspec(&["validate", "--task", "acmeCo/nope"], &root);
    assert_eq!(out.status.code(), Some(2));

    // Two requests at once are refused.
    let two = b"{\"spec\":{\"connectorType\":\"LOCAL\",\"config\":{}}}\n{\"spec\":{\"connectorType\":\"LOCAL\",\"config\":{}}}\n";
    let out = demo_connector(&["demo-capture"], two);
    assert_eq!(out.status.code(), Some(1));
    let log = json(String::from_utf8_lossy(&out.stderr).lines().next().unwrap());
    assert_eq!(log["level"], "error");
    assert_eq!(log["msg"], "expected exactly one request on stdin, got 2");
}

#[test]
fn local_spec_and_binding_count_override() {
    let out = Command::new(EXE)
        .args([
            "spec",
            "--local",
            "--kind",
            "materialization",
            "--json",
            "--",
        ])
        .args([EXE, "connector", "demo-materialize"])
        .output()
        .unwrap();
    let spec = json(&ok(&out));
    assert_eq!(spec["configSchema"]["title"], "Demo warehouse");
    assert_eq!(
        spec["resourceConfigSchema"]["properties"]["table"]["x-collection-name"],
        true
    );

    let (_dir, root) = demo(false);
    let out = Command::new(EXE)
        .args(["discover", "--task", CAPTURE, "--emit-raw", "--quiet"])
        .arg(&root)
        .env("FLOWSPEC_DEMO_BINDINGS", "1000")
        .output()
        .unwrap();
    let text = ok(&out);
    assert_eq!(text.lines().count(), 1000);
    assert!(String::from_utf8_lossy(&out.stderr).contains("1000 bindings discovered"));
}

#[test]
fn spec_explains_the_protocol_number() {
    let (_dir, root) = demo(false);
    let text = ok(&flowspec(&["spec", "--task", CAPTURE], &root));
    assert!(
        text.contains(
            "protocol        Flow connector protocol 3032023 (the version Flow requires), as JSON lines"
        ),
        "{text}"
    );
    let (_dir, root) = demo(true);
    let text = ok(&flowspec(
        &["spec", "--task", MATERIALIZATION, "--timeout", "1h30m"],
        &root,
    ));
    assert!(
        text.contains("(the version Flow requires), as length-prefixed protobuf"),
        "{text}"
    );
}

#[test]
fn wrong_targets_are_usage_errors_and_nothing_runs() {
    let (_dir, root) = demo(false);
    // Only captures discover.
    let out = flowspec(&["discover", "--task", MATERIALIZATION], &root);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no capture named `acmeCo/shop/to-warehouse`"),
        "{err}"
    );
    // A binding that cannot be sent is found before the connector is asked anything: the
    // demo materialization would answer, so an answer would show as exit 0 or 1.
    let text = std::fs::read_to_string(&root).unwrap();
    let broken = text.replace(
        "      - source: acmeCo/shop/orders\n",
        "      - source: acmeCo/shop/nowhere\n        resource: { table: nowhere }\n      - source: acmeCo/shop/orders\n",
    );
    assert_ne!(
        broken, text,
        "the demo's materialization binds acmeCo/shop/orders"
    );
    std::fs::write(&root, broken).unwrap();
    let out = flowspec(&["validate", "--task", MATERIALIZATION], &root);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("collection `acmeCo/shop/nowhere` is not defined in the loaded catalog"),
        "{err}"
    );
    assert!(!err.contains("connector"), "nothing ran: {err}");
}

#[test]
fn an_image_without_a_tag_is_refused_before_any_engine_is_contacted() {
    for image in ["localhost:5000/source-x", "ghcr.io/estuary/source-x"] {
        let out = Command::new(EXE)
            .args(["spec", image])
            .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("image reference {image} has no tag")),
            "{err}"
        );
        assert!(!err.contains("cannot reach a Docker engine"), "{err}");
    }
}
