//! `flowspec check` as a user runs it: the built binary, its exit status and its output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn corpus(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/check")
        .join(kind)
}

/// Runs `flowspec check ARGS` in `cwd`, with logs kept out of the user's state directory.
fn check(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let state = tempfile::tempdir().unwrap();
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_flowspec"))
        .arg("check")
        .args(args)
        .current_dir(cwd)
        .env("XDG_STATE_HOME", state.path())
        .env("XDG_CACHE_HOME", state.path())
        .output()
        .expect("the binary runs");
    (
        status.code().expect("exited normally"),
        String::from_utf8(stdout).unwrap(),
        String::from_utf8(stderr).unwrap(),
    )
}

/// `FILE:LINE:COL: severity: message`, split into its parts.
fn parse_line(line: &str) -> Option<(&str, u32, u32, &str, &str)> {
    let mut parts = line.splitn(4, ':');
    let file = parts.next()?;
    let line_no = parts.next()?.parse().ok()?;
    let col = parts.next()?.parse().ok()?;
    let rest = parts.next()?.strip_prefix(' ')?;
    let (severity, message) = rest.split_once(": ")?;
    matches!(severity, "error" | "warning").then_some((file, line_no, col, severity, message))
}

#[test]
fn a_clean_catalog_exits_0_and_prints_nothing() {
    let (code, out, err) = check(&corpus("good"), &["full.flow.yaml"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out, "");
    assert!(err.starts_with("0 errors, 0 warnings in "), "{err}");
}

#[test]
fn errors_exit_1_with_exact_located_lines() {
    let (code, out, _) = check(&corpus("bad"), &["typo-key.flow.yaml"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "typo-key.flow.yaml:6:5: error: unknown key `bindigs` in capture `acmeCo/source`; did you mean `bindings`?\n"
    );
    let (code, out, err) = check(&corpus("bad"), &["shards-and-journals.flow.yaml"]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 6, "{out}");
    for line in lines {
        let (file, l, c, severity, message) = parse_line(line)
            .unwrap_or_else(|| panic!("not FILE:LINE:COL: severity: message: {line}"));
        assert_eq!(file, "shards-and-journals.flow.yaml");
        assert!(l > 0 && c > 0 && severity == "error" && !message.is_empty());
    }
    assert!(err.starts_with("6 errors, 0 warnings"), "{err}");
}

#[test]
fn problems_in_imported_files_name_that_file() {
    let (code, out, _) = check(&corpus("bad"), &["duplicate.flow.yaml"]);
    assert_eq!(code, 1);
    let (file, line, col, severity, message) = parse_line(out.trim_end()).unwrap();
    assert_eq!(
        (file, line, col, severity),
        ("parts/duplicate-other.flow.yaml", 2, 3, "error")
    );
    assert!(message.contains("duplicate.flow.yaml:5"), "{message}");
}

#[test]
fn unloadable_catalogs_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = check(dir.path(), &["nothing-here.flow.yaml"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("file not found"), "{err}");
    // A directory without a catalog.
    let (code, _, err) = check(dir.path(), &["."]);
    assert_eq!(code, 2);
    assert!(err.contains("no flow.yaml"), "{err}");
    // A syntax error is located, and the status still says "could not load".
    let (code, out, _) = check(&corpus("bad"), &["malformed.flow.yaml"]);
    assert_eq!(code, 2);
    let (file, line, _, severity, _) = parse_line(out.trim_end()).unwrap();
    assert_eq!((file, line, severity), ("malformed.flow.yaml", 4, "error"));
    // So is an import that cannot be read.
    let (code, out, _) = check(&corpus("bad"), &["missing-import.flow.yaml"]);
    assert_eq!(code, 2);
    assert!(
        out.starts_with("missing-import.flow.yaml:2:5: error: cannot import"),
        "{out}"
    );
}

#[test]
fn a_directory_argument_finds_its_flow_yaml() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("flow.yaml"),
        "collections:\n  acmeCo/x:\n    key: [/id]\n    schema: {type: object, properties: {id: {type: string}}, required: [id]}\n",
    )
    .unwrap();
    let (code, out, err) = check(dir.path(), &["."]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
}

#[test]
fn strict_turns_undefined_collections_into_errors() {
    let bad = corpus("bad");
    let (code, out, err) = check(&bad, &["undefined-target.flow.yaml"]);
    assert_eq!(code, 0, "warnings alone do not fail: {out}");
    assert_eq!(
        out,
        "undefined-target.flow.yaml:7:17: warning: collection `acmeCo/elsewhere/orders` is not defined in this catalog; it may exist remotely\n"
    );
    assert!(err.starts_with("0 errors, 1 warning in 1 file"), "{err}");
    let (code, out, _) = check(&bad, &["--strict", "undefined-target.flow.yaml"]);
    assert_eq!(code, 1);
    let (_, line, col, severity, message) = parse_line(out.trim_end()).unwrap();
    assert_eq!((line, col, severity), (7, 17, "error"));
    assert!(message.starts_with("collection `acmeCo/elsewhere/orders` is not defined"));
}

#[test]
fn json_format_parses_and_counts() {
    let (code, out, _) = check(
        &corpus("bad"),
        &["--format", "json", "shards-and-journals.flow.yaml"],
    );
    assert_eq!(code, 1);
    let doc: Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(doc["errors"], 6);
    assert_eq!(doc["warnings"], 0);
    let problems = doc["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 6);
    let first = &problems[0];
    assert_eq!(first["file"], "shards-and-journals.flow.yaml");
    assert_eq!(
        (first["line"].as_u64(), first["col"].as_u64()),
        (Some(6), Some(28))
    );
    assert_eq!(first["severity"], "error");
    assert!(first["message"].as_str().unwrap().contains("`length`"));

    let (code, out, _) = check(&corpus("good"), &["--format", "json", "catalog.flow.json"]);
    assert_eq!(code, 0);
    let doc: Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(doc["problems"], serde_json::json!([]));
    assert_eq!(doc["errors"], 0);
}

#[test]
fn warnings_of_accepted_aliases_do_not_fail() {
    let (code, out, _) = check(&corpus("good"), &["aliases.flow.yaml"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(out.lines().all(|l| parse_line(l).unwrap().3 == "warning"));
}

#[test]
fn list_exits_2_with_the_problem_on_stderr_when_the_catalog_cannot_be_loaded() {
    let list = |cwd: &Path, args: &[&str]| {
        let state = tempfile::tempdir().unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_flowspec"))
            .arg("list")
            .args(args)
            .current_dir(cwd)
            .env("XDG_STATE_HOME", state.path())
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let bad = corpus("bad");
    for args in [
        &["malformed.flow.yaml"][..],
        &["--json", "malformed.flow.yaml"],
    ] {
        let (code, _, err) = list(&bad, args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.starts_with("malformed.flow.yaml:4:"), "{err}");
    }
    // What did load is still listed.
    let (code, out, err) = list(&bad, &["missing-config.flow.yaml"]);
    assert_eq!(code, 2);
    assert!(err.contains("file not found"), "{err}");
    assert!(out.starts_with("capture "), "{out}");
    let (code, out, _) = list(&corpus("good"), &["--json", "full.flow.yaml"]);
    assert_eq!(code, 0);
    assert!(out.starts_with('['));
}

/// Runs `flowspec ARGS` in `cwd`; logs and caches kept out of the user's directories.
fn flowspec(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let state = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_flowspec"))
        .args(args)
        .current_dir(cwd)
        .env("XDG_STATE_HOME", state.path())
        .env("XDG_CACHE_HOME", state.path())
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_directory_with_one_flow_yaml_by_another_name_is_checked_and_listed() {
    // Estuary's connector repositories name their catalog `test.flow.yaml`.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("test.flow.yaml"),
        "collections:\n  acmeCo/x:\n    key: [/id]\n    schema: {type: object, properties: {id: {type: string}}, required: [id]}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("config.yaml"), "a: 1\n").unwrap();
    let (code, out, err) = check(dir.path(), &["."]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(err.contains("in 1 file"), "{err}");
    let (code, out, err) = flowspec(dir.path(), &["list", "."]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("collection "), "{out}");
    assert!(out.contains("test.flow.yaml:2"), "{out}");
}

#[test]
fn a_directory_with_several_candidates_lists_them_and_loads_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["b.flow.yaml", "a.flow.yaml"] {
        std::fs::write(dir.path().join(f), "{}\n").unwrap();
    }
    for cmd in ["check", "list"] {
        let (code, out, err) = flowspec(dir.path(), &[cmd, "."]);
        assert_eq!((code, out.as_str()), (2, ""), "{cmd}: {err}");
        assert!(
            err.contains("2 catalogs to choose from: a.flow.yaml, b.flow.yaml; pass one of them"),
            "{cmd}: {err}"
        );
    }
}

#[test]
fn list_json_gives_each_resource_as_an_object() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("flow.yaml"),
        r#"collections:
  acmeCo/a: {key: [/id], schema: true}
captures:
  acmeCo/src:
    endpoint: {connector: {image: "ghcr.io/estuary/source-x:v1", config: {}}}
    bindings:
      - resource: {stream: orders, namespace: public, cursor: [a, b]}
        target: acmeCo/a
      - resource: res.yaml
        target: acmeCo/a
      - resource: {table: t, api_token: hunter2}
        target: acmeCo/a
"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("res.yaml"), "stream: refunds\nmode: full\n").unwrap();
    let (code, out, err) = flowspec(dir.path(), &["list", "--json", "--kind", "capture"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        !out.contains("hunter2"),
        "a secret-looking value is masked: {out}"
    );
    let list: Value = serde_json::from_str(&out).unwrap();
    let bindings = list[0]["bindings"].as_array().unwrap();
    assert_eq!(
        bindings[0]["resource"],
        serde_json::json!({"stream": "orders", "namespace": "public", "cursor": ["a", "b"]})
    );
    assert_eq!(bindings[0].get("resourceFile"), None);
    assert_eq!(
        bindings[1]["resource"],
        serde_json::json!({"stream": "refunds", "mode": "full"})
    );
    assert_eq!(bindings[1]["resourceFile"], "res.yaml");
    assert_eq!(bindings[2]["resource"]["table"], "t");
    assert_ne!(bindings[2]["resource"]["api_token"], "hunter2");
    assert_eq!(bindings[0]["collection"], "acmeCo/a");
    assert_eq!(bindings[1]["line"], 9);
}

#[test]
fn list_text_columns_line_up_with_wide_and_escaped_names() {
    use unicode_width::UnicodeWidthStr;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("flow.yaml"),
        "collections:\n  acmeCo/日本語/注文: {key: [/id], schema: true}\n  \"acmeCo/\\e[2Jx\": {key: [/id], schema: true}\n  acmeCo/a-much-longer-collection-name/than-the-others: {key: [/id], schema: true}\n  a: {key: [/id], schema: true}\n",
    )
    .unwrap();
    let (code, out, err) = flowspec(dir.path(), &["list"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(out.contains("acmeCo/\\u{1b}[2Jx"), "{out}");
    // Each column starts at the same terminal cell on every line.
    let cell =
        |line: &str, needle: &str| UnicodeWidthStr::width(&line[..line.find(needle).unwrap()]);
    let files: Vec<usize> = lines.iter().map(|l| cell(l, "flow.yaml:")).collect();
    let keys: Vec<usize> = lines.iter().map(|l| cell(l, "key [")).collect();
    assert!(files.iter().all(|&c| c == files[0]), "{files:?}\n{out}");
    assert!(keys.iter().all(|&c| c == keys[0]), "{keys:?}\n{out}");
    assert_eq!(
        files[0],
        16 + "acmeCo/a-much-longer-collection-name/than-the-others".len() + 2
    );
}

/// The problems of `flowspec check --format json FILE` in the bad corpus, as
/// `(line, severity, code)`.
fn codes(file: &str) -> Vec<(u64, String, String)> {
    let (_, out, _) = check(&corpus("bad"), &["--format", "json", file]);
    let doc: Value = serde_json::from_str(&out).expect("valid JSON");
    doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["line"].as_u64().unwrap(),
                p["severity"].as_str().unwrap().to_string(),
                p["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn flow_build_problems_carry_flow_error_names() {
    let e = |line: u64, code: &str| (line, "error".to_string(), code.to_string());
    let w = |line: u64, code: &str| (line, "warning".to_string(), code.to_string());
    assert_eq!(
        codes("keys-the-schema-cannot-satisfy.flow.yaml"),
        [
            e(4, "PtrIsImplicit"),
            e(7, "KeyWrongType"),
            w(10, "KeyMayNotExist"),
            e(13, "KeyWrongType"),
            w(13, "KeyMayNotExist"),
            e(25, "PtrCannotExist"),
        ]
    );
    assert_eq!(
        codes("schema-does-not-compile.flow.yaml"),
        [
            e(4, "load"),
            e(9, "SchemaBuild"),
            e(13, "CollectionSchemaNotObject"),
            e(20, "CollectionSchemaNotObject"),
        ]
    );
    assert_eq!(
        codes("missing-schema-refs.flow.yaml"),
        [e(9, "load"), e(10, "SchemaIndex"), e(14, "NoSuchSchema")]
    );
    assert_eq!(codes("name-prefix.flow.yaml"), [e(3, "NameCollision")]);
    assert_eq!(
        codes("partitions-and-shuffles.flow.yaml"),
        [
            e(9, "KeyWrongType"),
            w(10, "KeyMayNotExist"),
            e(20, "NoSuchProjection"),
            e(20, "ProjectionNotPartitioned"),
            e(21, "PtrIsImplicit"),
            e(23, "NameCollision"),
            e(25, "KeyWrongType"),
        ]
    );
    assert_eq!(
        codes("materialization-fields.flow.yaml"),
        [
            e(14, "NoSuchProjection"),
            e(14, "GroupByWrongType"),
            e(15, "NoSuchProjection"),
            w(16, "NoSuchProjection"),
        ]
    );
    assert_eq!(
        codes("ingest-invalid.flow.yaml"),
        [
            e(20, "IngestDocInvalid"),
            e(21, "IngestDocInvalid"),
            e(2, "IngestDocInvalid"),
        ]
    );
}
