//! Terminal escape injection through the headless commands: names, messages, paths and
//! connector output carrying ESC/OSC/CSI sequences, C1 controls and bidi overrides reach
//! stdout and stderr only escaped (`\u{1b}`), and JSON output stays valid JSON with the same
//! values. The fixture `tests/fixtures/escapes/flow.yaml` says what each sequence would do.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/escapes/flow.yaml")
}

/// Runs flowspec with `args`; logs and caches kept out of the user's directories.
fn flowspec(args: &[&str]) -> (i32, String, String) {
    let state = tempfile::tempdir().unwrap();
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_flowspec"))
        .args(args)
        .current_dir(fixture().parent().unwrap())
        .env("XDG_STATE_HOME", state.path())
        .env("XDG_CACHE_HOME", state.path())
        .output()
        .unwrap();
    (
        status.code().expect("exited normally"),
        String::from_utf8(stdout).unwrap(),
        String::from_utf8(stderr).unwrap(),
    )
}

/// The characters a terminal would act on, other than the newline ending each line.
fn raw_controls(s: &str) -> Vec<char> {
    s.chars()
        .filter(|&c| c != '\n' && flowspec::text::is_unsafe(c))
        .collect()
}

fn assert_clean(what: &str, s: &str) {
    let raw = raw_controls(s);
    assert!(raw.is_empty(), "{what} carries raw {raw:?}:\n{s}");
}

#[test]
fn check_text_shows_every_sequence_escaped() {
    let (code, out, err) = flowspec(&["check", "flow.yaml"]);
    // 2: a file it names (the schema) could not be loaded.
    assert_eq!(code, 2, "{out}{err}");
    assert_clean("stdout", &out);
    assert_clean("stderr", &err);
    for shown in [
        "acmeCo/\\u{1b}]0;pwned\\u{7}/orders",
        "acmeCo/\\u{1b}[2J\\u{1b}[H0 errors, 0 warnings",
        "acmeCo/\\u{202e}gnp.exe/source",
        "missing\\u{1b}[31m.schema.yaml",
    ] {
        assert!(out.contains(shown), "{shown} not in:\n{out}");
    }
    // One problem per line: nothing in the data starts a line of its own.
    for line in out.lines() {
        assert!(line.starts_with("flow.yaml:"), "{line}");
    }
    assert!(err.starts_with("5 errors, 0 warnings"), "{err}");
}

#[test]
fn check_json_is_valid_and_keeps_the_values() {
    let (code, out, err) = flowspec(&["check", "--format", "json", "flow.yaml"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(!out.contains('\x1b'), "a raw ESC in {out}");
    assert_clean("stdout", &out);
    let doc: Value = serde_json::from_str(&out).unwrap();
    let messages: Vec<&str> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["message"].as_str().unwrap())
        .collect();
    // The values are the catalog's own text: escaping happened in the JSON syntax only.
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`acmeCo/\u{202e}gnp.exe/source`")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`acmeCo/\x1b[2J\x1b[H0 errors, 0 warnings`")),
        "{messages:?}"
    );
}

#[test]
fn list_text_shows_names_paths_and_endpoints_escaped() {
    let (code, out, err) = flowspec(&["list", "flow.yaml"]);
    // The fixture names a schema file that does not exist: `list` still lists every entity
    // and says so with status 2 (a file of the catalog could not be loaded).
    assert_eq!(code, 2, "{err}");
    assert_clean("stdout", &out);
    assert_clean("stderr", &err);
    for shown in [
        "acmeCo/\\u{1b}]0;pwned\\u{7}/orders",
        "acmeCo/\\u{1b}[2J\\u{1b}[H0 errors, 0 warnings",
        "acmeCo/\\u{202e}gnp.exe/source",
        "ghcr.io/estuary/source-\\u{9b}31mpostgres:v1",
        "schema: missing\\u{1b}[31m.schema.yaml",
    ] {
        assert!(out.contains(shown), "{shown} not in:\n{out}");
    }
    assert_eq!(out.lines().count(), 3, "one line per entity:\n{out}");
}

#[test]
fn list_json_is_valid_and_keeps_the_raw_names() {
    let (code, out, err) = flowspec(&["list", "--json", "flow.yaml"]);
    assert_eq!(code, 2, "{err}");
    assert!(!out.contains('\x1b'), "a raw ESC in {out}");
    assert_clean("stdout", &out);
    let list: Value = serde_json::from_str(&out).unwrap();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"acmeCo/\u{202e}gnp.exe/source"),
        "{names:?}"
    );
    assert!(
        names.contains(&"acmeCo/\x1b[2J\x1b[H0 errors, 0 warnings"),
        "{names:?}"
    );
    let image = list[0]["endpoint"]["image"].as_str().unwrap();
    assert_eq!(image, "ghcr.io/estuary/source-\u{9b}31mpostgres:v1");
}

/// A local flow-json connector whose spec and log line carry escape sequences.
fn hostile_connector(dir: &Path) -> PathBuf {
    let script = dir.join("connector.sh");
    std::fs::write(
        &script,
        concat!(
            "#!/bin/sh\nread -r request\n",
            r#"printf '%s\n' '{"level":"info","msg":"hello \u001b]0;pwned\u0007 \u009b2J"}' >&2"#,
            "\n",
            r#"printf '%s\n' '{"spec":{"protocol":3032023,"configSchema":{"type":"object","properties":{"host\u001b[2J":{"type":"string","title":"Host \u202eevil","default":"\u001b[31m"}}},"resourceConfigSchema":{"type":"object","properties":{}},"documentationUrl":"https://example.com/\u001b]8;;http://evil\u0007docs","resourcePathPointers":["/\u001b[1mstream"]}}'"#,
            "\n"
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

#[test]
fn spec_output_and_connector_logs_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let script = hostile_connector(dir.path());
    let script = script.to_str().unwrap();
    let (code, out, err) = flowspec(&["spec", "--no-cache", "--local", "--", script]);
    assert_eq!(code, 0, "{err}");
    assert_clean("stdout", &out);
    assert_clean("stderr", &err);
    assert!(
        err.contains("connector info: hello \\u{1b}]0;pwned\\u{7} \\u{9b}2J"),
        "{err}"
    );
    for shown in [
        "documentation   https://example.com/\\u{1b}]8;;http://evil\\u{7}docs",
        "resource path   /\\u{1b}[1mstream",
        "host\\u{1b}[2J",
        "Host \\u{202e}evil",
    ] {
        assert!(out.contains(shown), "{shown} not in:\n{out}");
    }

    let (code, out, _) = flowspec(&["spec", "--no-cache", "--json", "--local", "--", script]);
    assert_eq!(code, 0);
    assert_clean("stdout", &out);
    let spec: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        spec["configSchema"]["properties"]["host\x1b[2J"]["title"],
        "Host \u{202e}evil"
    );
}

#[test]
fn config_template_and_schema_errors_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("schema.json");
    std::fs::write(
        &schema,
        r#"{"type":"object","required":["host\u001b[2J"],"properties":{"host\u001b[2J":{"type":"string","title":"Host \u202eevil","default":"\u001b[31mred"}}}"#,
    )
    .unwrap();
    let (code, out, err) = flowspec(&["config", "template", "--schema", schema.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_clean("stdout", &out);
    assert!(out.contains("host"), "{out}");

    let missing = dir.path().join("no\x1b]0;pwned\x07.json");
    let (code, out, err) = flowspec(&["config", "template", "--schema", missing.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert_clean("stderr", &err);
    assert!(err.contains("no\\u{1b}]0;pwned\\u{7}.json"), "{err}");
}

/// Runs flowspec with stdout or stderr a pipe whose reading end is already closed.
fn closed_pipe(args: &[&str], close_stdout: bool) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_flowspec"))
        .args(args)
        .current_dir(fixture().parent().unwrap())
        .env("XDG_STATE_HOME", tempfile::tempdir().unwrap().path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut text = String::new();
    use std::io::Read;
    if close_stdout {
        drop(child.stdout.take());
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
    } else {
        drop(child.stderr.take());
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
    }
    (child.wait().unwrap().code(), text)
}

#[test]
fn output_into_a_closed_pipe_is_not_a_panic() {
    // `print!`/`eprintln!` panic when their stream is a pipe nobody reads (`| head`).
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("schema.json");
    std::fs::write(
        &schema,
        r#"{"type":"object","properties":{"a":{"type":"string"}}}"#,
    )
    .unwrap();
    let (code, err) = closed_pipe(
        &["config", "template", "--schema", schema.to_str().unwrap()],
        true,
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(code, Some(0), "{err}");
    let (code, out) = closed_pipe(&["check", "flow.yaml"], false);
    assert_eq!(code, Some(2), "a panic exits 101: {out}");
    assert!(out.starts_with("flow.yaml:8:3: error:"), "{out}");
}
