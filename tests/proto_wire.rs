//! flowspec's protobuf `Discovered` and `Validated` messages (`src/connector/proto.rs`) against
//! bytes from an independent encoder: `tests/support/connectors/proto_ops.c` writes its
//! responses field by field from the numbers in estuary/flow's `capture.proto` and
//! `materialize.proto` (cited there), and reads flowspec's requests the same way. Each test runs
//! the real `flowspec discover` / `flowspec validate` on a catalog whose tasks use that
//! connector, as a local command and as a Docker image, and checks every decoded field.

#[path = "support/images.rs"]
mod images;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

const EXE: &str = env!("CARGO_BIN_EXE_flowspec");
const CAPTURE: &str = "acme/wire/source";
const MATERIALIZATION: &str = "acme/wire/sink";

/// How the catalog's tasks reach the connector.
enum Endpoint {
    /// The compiled program as a `local` command with `protobuf: true`.
    Local(PathBuf),
    /// The test images (protobuf by their labels).
    Images {
        capture: String,
        materialize: String,
    },
}

impl Endpoint {
    fn yaml(&self, task: &str) -> String {
        match self {
            Endpoint::Local(bin) => format!(
                "local:\n        command: [{}, {task}]\n        protobuf: true\n        config: {{host: db.internal}}",
                serde_json::to_string(&bin.display().to_string()).unwrap()
            ),
            Endpoint::Images {
                capture,
                materialize,
            } => format!(
                "connector:\n        image: {}\n        config: {{host: db.internal}}",
                if task == "capture" {
                    capture
                } else {
                    materialize
                }
            ),
        }
    }
}

/// A catalog with one capture (two enabled bindings, one disabled) and one materialization
/// (two bindings) on the hand-encoding connector.
fn catalog(dir: &Path, endpoint: &Endpoint) -> PathBuf {
    let text = format!(
        r#"captures:
  {CAPTURE}:
    endpoint:
      {capture}
    bindings:
      - resource: {{stream: orders, namespace: shop}}
        target: acme/wire/orders
      - resource: {{stream: refunds}}
        target: acme/wire/refunds
      - resource: {{stream: skipped}}
        target: acme/wire/skipped
        disable: true
materializations:
  {MATERIALIZATION}:
    endpoint:
      {materialize}
    bindings:
      - source: acme/wire/orders
        resource: {{table: orders}}
      - source: acme/wire/refunds
        resource: {{table: refunds, schema: finance}}
collections:
  acme/wire/orders:
    key: [/id]
    schema: {{type: object, properties: {{id: {{type: integer}}}}, required: [id]}}
  acme/wire/refunds:
    key: [/order_id, /refund_id]
    schema:
      type: object
      properties: {{order_id: {{type: integer}}, refund_id: {{type: integer}}}}
      required: [order_id, refund_id]
  acme/wire/skipped:
    key: [/id]
    schema: {{type: object, properties: {{id: {{type: integer}}}}, required: [id]}}
"#,
        capture = endpoint.yaml("capture"),
        materialize = endpoint.yaml("materialize"),
    );
    let path = dir.join("flow.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

/// A catalog on the connector, and what every run adds to the command line.
struct Setup {
    dir: tempfile::TempDir,
    catalog: PathBuf,
    extra: &'static [&'static str],
}

impl Setup {
    fn new(endpoint: &Endpoint, extra: &'static [&'static str]) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let catalog = catalog(dir.path(), endpoint);
        Setup {
            dir,
            catalog,
            extra,
        }
    }

    /// Runs `flowspec ARGS --task TASK CATALOG` with flowspec's own state in the temporary
    /// directory; returns stdout.
    fn flowspec(&self, args: &[&str], task: &str) -> String {
        let dir = self.dir.path();
        let out = Command::new(EXE)
            .args(args)
            .args(["--task", task, "--quiet"])
            .args(self.extra)
            .arg(&self.catalog)
            .env("XDG_STATE_HOME", dir.join("state"))
            .env("XDG_CACHE_HOME", dir.join("cache"))
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "flowspec {args:?} --task {task}: {:?}\nstdout: {}\nstderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// Every field of both discovered bindings, exactly: unknown fields skipped, the absent
/// `disable` false, repeated strings in order, a two-byte length prefix, UTF-8 text.
fn check_discovered(s: &Setup) {
    let raw = s.flowspec(&["discover", "--emit-raw"], CAPTURE);
    let bindings: Vec<Value> = raw.lines().map(json).collect();
    assert_eq!(
        bindings,
        vec![
            json!({
                "recommendedName": "orders",
                "resourceConfig": {"namespace": "shop", "stream": "orders"},
                "documentSchema": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "note": {
                            "type": "string",
                            "description": "A free-text note the shop keeps with each order, long enough to need a two-byte length."
                        }
                    },
                    "required": ["id"]
                },
                "key": ["/id"],
                "resourcePath": ["shop", "orders"]
            }),
            json!({
                "recommendedName": "réfunds ✓",
                "resourceConfig": {"stream": "refunds"},
                "documentSchema": {"type": "object"},
                "key": ["/order_id", "/refund_id"],
                "disable": true,
                "resourcePath": ["refunds"]
            }),
        ]
    );
    // The table view reads the same decoded values.
    let table = s.flowspec(&["discover"], CAPTURE);
    assert!(
        table.contains("réfunds ✓ (disabled)  /order_id /refund_id"),
        "{table}"
    );
}

/// The connector echoes each requested binding's collection name and resource config (read
/// with its own decoder) as the resource path; for the materialization it adds constraints of
/// every common type, `delta_updates` on the first binding and a `ser_policy` to skip.
fn check_validated(s: &Setup) {
    let echoed = |v: &Value| -> Vec<(String, Value)> {
        v["bindings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                let path = b["resourcePath"].as_array().unwrap();
                assert_eq!(path.len(), 2, "{b}");
                (
                    path[0].as_str().unwrap().to_string(),
                    json(path[1].as_str().unwrap()),
                )
            })
            .collect()
    };

    let cap = json(&s.flowspec(&["validate", "--json"], CAPTURE));
    // Enabled bindings only, in order, and nothing but resource paths.
    assert_eq!(
        echoed(&cap),
        vec![
            (
                "acme/wire/orders".to_string(),
                json!({"stream": "orders", "namespace": "shop"})
            ),
            (
                "acme/wire/refunds".to_string(),
                json!({"stream": "refunds"})
            ),
        ]
    );
    for b in cap["bindings"].as_array().unwrap() {
        assert_eq!(b.as_object().unwrap().len(), 1, "{b}");
    }

    let mat = json(&s.flowspec(&["validate", "--json"], MATERIALIZATION));
    assert_eq!(
        echoed(&mat),
        vec![
            ("acme/wire/orders".to_string(), json!({"table": "orders"})),
            (
                "acme/wire/refunds".to_string(),
                json!({"table": "refunds", "schema": "finance"})
            ),
        ]
    );
    let constraints = json!({
        "id": {"type": "LOCATION_REQUIRED", "reason": "the document key"},
        "flow_document": {"type": "FIELD_REQUIRED", "reason": "the whole document"},
        "total": {"type": "FIELD_OPTIONAL", "foldedField": "TOTAL"},
        "raw": {"type": "FIELD_FORBIDDEN", "reason": "null is not stored"},
        "legacy": {"type": "INCOMPATIBLE", "reason": "backfill to change its type"},
    });
    let bindings = mat["bindings"].as_array().unwrap();
    assert_eq!(bindings[0]["constraints"], constraints);
    assert_eq!(bindings[1]["constraints"], constraints);
    assert_eq!(bindings[0]["deltaUpdates"], true);
    assert!(bindings[1].get("deltaUpdates").is_none(), "{}", bindings[1]);

    // The table view: 5 constraints, 2 of them required.
    let table = s.flowspec(&["validate"], MATERIALIZATION);
    assert!(
        table.contains("5 fields: 2 required, 3 optional, delta updates"),
        "{table}"
    );
}

#[test]
fn hand_encoded_responses_of_a_local_connector() {
    let build = tempfile::tempdir().unwrap();
    let bin = images::compile(&images::PROTO_OPS, build.path());
    let s = Setup::new(&Endpoint::Local(bin), &[]);
    check_discovered(&s);
    check_validated(&s);
}

#[test]
fn hand_encoded_responses_of_an_image() {
    images::ensure_engine();
    let endpoint = Endpoint::Images {
        capture: images::image(&images::PROTO_OPS),
        materialize: images::image(&images::PROTO_OPS_MATERIALIZE),
    };
    let s = Setup::new(&endpoint, &["--network", "none", "--pull", "never"]);
    check_discovered(&s);
    check_validated(&s);
}
