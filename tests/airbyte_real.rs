//! Real Airbyte sources from PyPI, run through flowspec's Airbyte adapter: their spec,
//! discover and check translated into Flow's Spec, Discovered and Validated.
//!
//! Each connector gets a virtualenv under `target/airbyte-venvs/` (created once, reused after;
//! `pip install` takes 15-65 s). These need `python3` with `venv` and access to PyPI; if the
//! install fails the tests fail, saying why.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

#[path = "support/airbyte_venv.rs"]
mod airbyte_venv;
use airbyte_venv::{connector, faker};

const EXE: &str = env!("CARGO_BIN_EXE_flowspec");

fn hardcoded_records() -> PathBuf {
    connector(
        "airbyte-source-hardcoded-records",
        "0.0.48",
        "source-hardcoded-records",
    )
}

fn flowspec(args: &[&str]) -> Output {
    Command::new(EXE).args(args).output().unwrap()
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

/// The SPEC message the connector itself prints.
fn airbyte_spec(bin: &Path) -> Value {
    let out = Command::new(bin).arg("spec").output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|m| m["type"] == "SPEC")
        .expect("a SPEC message")["spec"]
        .clone()
}

fn local_spec(bin: &Path) -> Value {
    let bin = bin.to_str().unwrap();
    let out = flowspec(&[
        "spec",
        "--local",
        "--protocol",
        "airbyte",
        "--json",
        "--timeout",
        "2m",
        "--",
        bin,
    ]);
    serde_json::from_str(&ok(&out)).unwrap()
}

/// Asserts `spec` is the Flow translation of the connector's own Airbyte spec.
fn assert_flow_spec(spec: &Value, airbyte: &Value) {
    assert_eq!(spec["protocol"], 3032023);
    assert_eq!(spec["configSchema"], airbyte["connectionSpecification"]);
    assert_eq!(spec["documentationUrl"], airbyte["documentationUrl"]);
    assert_eq!(
        spec["resourcePathPointers"],
        json!(["/namespace", "/stream"])
    );
    let resource = &spec["resourceConfigSchema"];
    assert_eq!(resource["required"], json!(["stream", "syncMode"]));
    assert_eq!(
        resource["properties"]["syncMode"]["enum"],
        json!(["incremental", "full_refresh"])
    );
}

/// A catalog with one capture running `bin` locally with `config`.
fn catalog(dir: &Path, bin: &Path, config: &str) -> PathBuf {
    let root = dir.join("flow.yaml");
    std::fs::write(
        &root,
        format!(
            r#"captures:
  acmeCo/airbyte/source:
    endpoint:
      local:
        command: [{bin:?}]
        config: source.config.yaml
    bindings:
      - resource: {{stream: users, syncMode: incremental, cursorField: [updated_at]}}
        target: acmeCo/airbyte/users
      - resource: {{stream: products, syncMode: full_refresh}}
        target: acmeCo/airbyte/products
collections:
  acmeCo/airbyte/users:
    key: [/id]
    schema: {{type: object, properties: {{id: {{type: integer}}}}, required: [id]}}
  acmeCo/airbyte/products:
    key: [/id]
    schema: {{type: object, properties: {{id: {{type: integer}}}}, required: [id]}}
"#
        ),
    )
    .unwrap();
    std::fs::write(dir.join("source.config.yaml"), config).unwrap();
    root
}

fn discover(root: &Path) -> Vec<Value> {
    let out = flowspec(&[
        "discover",
        "--task",
        "acmeCo/airbyte/source",
        "--protocol",
        "airbyte",
        "--emit-raw",
        "--quiet",
        "--timeout",
        "2m",
        root.to_str().unwrap(),
    ]);
    ok(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn no_airbyte_keywords(v: &Value) -> bool {
    match v {
        Value::Object(m) => !m.contains_key("airbyte_type") && m.values().all(no_airbyte_keywords),
        Value::Array(a) => a.iter().all(no_airbyte_keywords),
        _ => true,
    }
}

#[test]
fn source_faker_spec_is_a_flow_spec() {
    let bin = faker();
    assert_flow_spec(&local_spec(&bin), &airbyte_spec(&bin));
}

#[test]
fn source_faker_discover_and_check_through_a_catalog() {
    let bin = faker();
    let dir = tempfile::tempdir().unwrap();
    let root = catalog(dir.path(), &bin, "# faker settings\ncount: 10\nseed: 1\n");

    let bindings = discover(&root);
    let by_name = |n: &str| {
        bindings
            .iter()
            .find(|b| b["recommendedName"] == n)
            .unwrap_or_else(|| panic!("no {n} in {bindings:?}"))
    };
    for name in ["users", "products", "purchases"] {
        let b = by_name(name);
        assert_eq!(b["key"], json!(["/id"]), "{name}");
        assert_eq!(b["resourceConfig"]["stream"], name);
        assert_eq!(b["resourceConfig"]["syncMode"], "incremental");
        assert_eq!(b["resourceConfig"]["cursorField"], json!(["updated_at"]));
        let schema = &b["documentSchema"];
        assert_eq!(schema["properties"]["id"]["type"], "integer");
        assert!(schema["required"]
            .as_array()
            .unwrap()
            .contains(&json!("id")));
        assert!(no_airbyte_keywords(schema), "{schema}");
    }

    let out = flowspec(&[
        "validate",
        "--task",
        "acmeCo/airbyte/source",
        "--protocol",
        "airbyte",
        "--json",
        "--quiet",
        root.to_str().unwrap(),
    ]);
    let validated: Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(
        validated["bindings"],
        json!([{"resourcePath": ["users"]}, {"resourcePath": ["products"]}])
    );

    // A failed check exits 0 in Airbyte; flowspec still reports it as the error.
    std::fs::write(dir.path().join("source.config.yaml"), "count: many\n").unwrap();
    let out = flowspec(&[
        "validate",
        "--task",
        "acmeCo/airbyte/source",
        "--protocol",
        "airbyte",
        root.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error: the connector reported an error: Config validation error: 'many' is not of type 'integer'"),
        "{err}"
    );

    // A crash is a TRACE of type ERROR and a non-zero exit.
    std::fs::write(dir.path().join("source.config.yaml"), "{}\n").unwrap();
    let out = flowspec(&[
        "validate",
        "--task",
        "acmeCo/airbyte/source",
        "--protocol",
        "airbyte",
        root.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "error: the connector exited with status 1: Something went wrong in the connector"
        ),
        "{err}"
    );
}

#[test]
fn source_hardcoded_records_spec_and_discover() {
    let bin = hardcoded_records();
    assert_flow_spec(&local_spec(&bin), &airbyte_spec(&bin));

    let dir = tempfile::tempdir().unwrap();
    let root = catalog(dir.path(), &bin, "count: 5\n");
    let bindings = discover(&root);
    assert!(bindings.len() >= 2, "{bindings:?}");
    for b in &bindings {
        assert!(b["recommendedName"].as_str().is_some_and(|n| !n.is_empty()));
        assert!(b["documentSchema"].is_object(), "{b}");
        assert!(b["key"].is_null() || b["key"].is_array());
        // Full-refresh streams without a cursor get an empty one, as airbyte-to-flow does.
        assert!(b["resourceConfig"]["cursorField"].is_array());
        assert!(no_airbyte_keywords(&b["documentSchema"]));
    }
    let products = bindings
        .iter()
        .find(|b| b["recommendedName"] == "products")
        .expect("a products stream");
    assert_eq!(products["resourceConfig"]["syncMode"], "full_refresh");
}

/// A local command marked as Airbyte in flowspec's own settings (never in the catalog) is
/// spoken to as Airbyte without any flag, by the headless commands and the TUI alike.
#[test]
fn settings_mark_local_commands_as_airbyte() {
    let bin = faker();
    let dir = tempfile::tempdir().unwrap();
    let config_home = dir.path().join("config");
    std::fs::create_dir_all(config_home.join("flowspec")).unwrap();
    std::fs::write(
        config_home.join("flowspec/settings.yaml"),
        "airbyte_commands: [source-faker]\n",
    )
    .unwrap();
    let root = catalog(dir.path(), &bin, "count: 10\nseed: 1\n");
    let run = |args: &[&str], settings: bool| {
        let mut cmd = std::process::Command::new(EXE);
        cmd.args(args)
            .env("XDG_CACHE_HOME", dir.path().join("cache"));
        if settings {
            cmd.env("XDG_CONFIG_HOME", &config_home);
        } else {
            cmd.env("XDG_CONFIG_HOME", dir.path().join("no-settings"));
        }
        cmd.output().unwrap()
    };
    let task = [
        "spec",
        "--json",
        "--task",
        "acmeCo/airbyte/source",
        root.to_str().unwrap(),
    ];
    let spec: Value = serde_json::from_str(&ok(&run(&task, true))).unwrap();
    assert_flow_spec(&spec, &airbyte_spec(&bin));
    // Without the setting the same command is spoken to as Flow JSON, which it is not.
    let out = run(&task, false);
    assert!(
        !out.status.success(),
        "a Flow spec request to an Airbyte source fails"
    );
}
