//! `flowspec config template --schema FILE` end to end.

use std::process::Command;

use serde_json::{json, Value};

fn template(doc: &Value, extra: &[&str]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schema.json");
    std::fs::write(&path, doc.to_string()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_flowspec"))
        .args(["config", "template", "--schema"])
        .arg(&path)
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn template_from_a_bare_schema_and_from_spec_responses() {
    let schema = flowspec::connector::demo::capture_config_schema();
    let (code, bare, err) = template(&schema, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        bare.contains("# address:  # required: Address (text)"),
        "{bare}"
    );
    assert!(bare.contains("region: us-east"), "{bare}");
    let parsed: Value = serde_yaml::from_str(&bare).unwrap();
    assert_eq!(parsed["auth"], json!({"type": "password"}));

    let spec = json!({"configSchema": schema, "resourceConfigSchema": {
        "type": "object", "required": ["stream"],
        "properties": {"stream": {"type": "string", "title": "Stream"}, "mode": {"type": "string", "default": "full"}}
    }});
    let (_, from_spec, _) = template(&spec, &[]);
    assert_eq!(from_spec, bare);
    let (_, resource, _) = template(&spec, &["--resource"]);
    assert_eq!(
        resource,
        "# stream:  # required: Stream (text)\nmode: full\n"
    );
    let airbyte = json!({"connectionSpecification": {"type": "object", "properties": {"a": {"type": "integer", "default": 1}}}});
    assert_eq!(template(&airbyte, &[]).1, "a: 1\n");
}

#[test]
fn unreadable_schema_is_a_usage_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_flowspec"))
        .args([
            "config",
            "template",
            "--schema",
            "/definitely/not/here.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read the schema"));
}
