//! What flowspec writes reads back the same in a YAML 1.1 reader: PyYAML, the reader behind
//! many CI tools, takes `2020-01-01` for a date, `on` for `true`, `0755` for 493 and `1:20` for
//! 80 where flowspec (YAML 1.2, like Flow) reads strings. Every scalar flowspec emits (in
//! patches, in new values, in `config template`) must be quoted so that both agree.
//!
//! PyYAML runs for real: scripts/test installs it from PyPI into `target/tools/pyyaml` (a
//! virtualenv of its own), and this test installs it there itself when it is missing, so it
//! also runs on its own. `FLOWSPEC_PYYAML` may name another Python that has `yaml`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use flowspec::yaml::patch::{apply, Edit};
use flowspec::yaml::{emit, PathSeg};
use serde_json::{json, Value};

/// A Python that can `import yaml`: `FLOWSPEC_PYYAML`, or the virtualenv in target/tools.
fn python() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        if let Some(p) = std::env::var_os("FLOWSPEC_PYYAML") {
            return PathBuf::from(p);
        }
        let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tools");
        let python = tools.join("pyyaml/bin/python3");
        let works = |p: &Path| {
            Command::new(p)
                .args(["-c", "import yaml"])
                .output()
                .is_ok_and(|o| o.status.success())
        };
        if !works(&python) {
            install(&tools);
        }
        python
    })
}

/// Installs PyYAML into `tools/pyyaml`, as scripts/test does (built aside and renamed into
/// place, so that a concurrent run never sees half an install).
fn install(tools: &Path) {
    let staging = tools.join(format!("pyyaml.{}", std::process::id()));
    let run = |cmd: &mut Command| {
        let out = cmd.output().expect("run python3 (is it installed?)");
        assert!(
            out.status.success(),
            "installing PyYAML failed (scripts/test installs it: python3 -m venv and pip \
             install pyyaml): {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    std::fs::create_dir_all(tools).unwrap();
    run(Command::new("python3").arg("-m").arg("venv").arg(&staging));
    run(Command::new(staging.join("bin/pip")).args([
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "pyyaml",
    ]));
    let target = tools.join("pyyaml");
    // A broken install (pip interrupted) makes way; when another run installed it meanwhile,
    // the rename fails and its install is used.
    let _ = std::fs::remove_dir_all(&target);
    if std::fs::rename(&staging, &target).is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
}

/// The document `text` as PyYAML's `safe_load` reads it, as JSON; a value JSON has no type
/// for (a date, a timestamp) comes back as `{"non-json": "<its Python repr>"}`.
fn pyyaml(text: &str) -> Value {
    const SCRIPT: &str = r#"
import json, sys, yaml
doc = yaml.safe_load(sys.stdin.buffer.read().decode("utf-8"))
print(json.dumps(doc, default=lambda o: {"non-json": repr(o)}))
"#;
    let mut child = Command::new(python())
        .arg("-c")
        .arg(SCRIPT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run PyYAML's python");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "PyYAML could not read:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Strings that YAML 1.1 readers would take for something else, and some that need escapes.
const TRICKY: &[&str] = &[
    "2020-01-01",
    "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10 -5",
    "yes",
    "No",
    "ON",
    "off",
    "y",
    "N",
    "true",
    "False",
    "null",
    "Null",
    "~",
    "",
    "0755",
    "0o17",
    "0b1010",
    "0x1F",
    "1:20",
    "190:20:30.15",
    "1_000",
    "685_230.15",
    "+12",
    ".inf",
    "-.Inf",
    ".NaN",
    "1.",
    ".5",
    "1e3",
    "<<",
    "=",
    "a: b",
    "#x",
    "x #y",
    "- a",
    "-",
    "---",
    "...",
    "@at",
    "`tick",
    "%pct",
    "!tag",
    "&a",
    "*a",
    "{[,]}",
    "?q",
    " lead",
    "trail ",
    "tab\there",
    "cr\rlf",
    "bell\u{7}",
    "del\u{7f}",
    "nel\u{85}",
    "ls\u{2028}ps\u{2029}",
    "\u{feff}bom",
    "ünï ✓ 😀",
    "plain",
    "acme/a-b_c.d",
    "ghcr.io/estuary/source-postgres:v1",
    "db.internal:5432",
    "multi\nline\n",
    "no final\nbreak",
    "  indented\nfirst",
    "\nleading blank",
    "trailing space \nline",
    "two breaks\n\n",
    "tab\tin\nblock\n",
    "# hash\n- dash\nkey: v\n",
];

#[test]
fn every_emitted_scalar_reads_back_the_same_in_pyyaml() {
    let mut values: Vec<Value> = TRICKY.iter().map(|s| json!(s)).collect();
    values.extend([
        json!(1.5),
        json!(1e300),
        json!(-2.5e-7),
        json!(3.0),
        json!(42),
        json!(true),
        json!(null),
    ]);
    // Every value under a key, as a sequence item, in a flow collection, and every string as
    // a key too, written by the emitter.
    let mut doc = serde_json::Map::new();
    for (i, v) in values.iter().enumerate() {
        doc.insert(format!("k{i}"), v.clone());
    }
    doc.insert("items".into(), Value::Array(values.clone()));
    let keys: serde_json::Map<String, Value> = TRICKY
        .iter()
        .enumerate()
        .map(|(i, s)| (s.to_string(), json!(i)))
        .collect();
    doc.insert("keys".into(), Value::Object(keys.clone()));
    let doc = Value::Object(doc);
    let block = apply(
        "# written by flowspec\n",
        &[set(vec![], "doc", doc.clone())],
    )
    .unwrap();
    assert_eq!(pyyaml(&block)["doc"], doc, "{block}");
    let flow = apply("doc: {}\n", &[set(vec![], "doc", doc.clone())]).unwrap();
    assert!(
        flow.starts_with("doc:\n"),
        "an empty flow mapping is filled in as a block: {flow}"
    );
    let in_flow = apply(
        "doc: {x: 1}\n",
        &[set(vec![key("doc")], "v", Value::Array(values.clone()))],
    )
    .unwrap();
    assert_eq!(
        pyyaml(&in_flow)["doc"]["v"],
        Value::Array(values.clone()),
        "{in_flow}"
    );
    // The same text reads the same in flowspec's own reader and in serde_yaml (YAML 1.2).
    assert_eq!(flowspec::yaml::parse(&block).unwrap().to_json()["doc"], doc);
    let serde: Value = serde_yaml::from_str(&block).unwrap();
    assert_eq!(serde["doc"], doc);
    // The ones YAML 1.1 types are quoted, the ordinary ones are not.
    for s in ["2020-01-01", "on", "0755", "1:20", "1_000"] {
        assert!(emit::scalar(&json!(s)).unwrap().starts_with('"'), "{s}");
    }
    for s in ["plain", "db.internal:5432"] {
        assert_eq!(emit::scalar(&json!(s)).unwrap(), s);
    }
}

#[test]
fn values_replaced_in_place_read_back_the_same_in_pyyaml() {
    let text = "a: x # keep\nb: 'y'\nc: \"z\"\nl:\n  - 1\n  - w\n";
    for s in TRICKY {
        let v = json!(s);
        let out = apply(
            text,
            &[
                set(vec![], "a", v.clone()),
                set(vec![], "b", v.clone()),
                set(vec![], "c", v.clone()),
                Edit::SetItem {
                    seq: vec![key("l")],
                    index: 1,
                    value: v.clone(),
                },
            ],
        )
        .unwrap();
        let read = pyyaml(&out);
        for k in ["a", "b", "c"] {
            assert_eq!(read[k], v, "{s:?} as {k}:\n{out}");
        }
        assert_eq!(read["l"][1], v, "{s:?} as an item:\n{out}");
    }
}

#[test]
fn config_templates_read_back_the_same_in_pyyaml() {
    // A connector schema with defaults that YAML 1.1 would retype (Airbyte's Shopify source
    // defaults `start_date` to 2020-01-01).
    let schema = json!({
        "type": "object",
        "required": ["start_date", "shop"],
        "properties": {
            "shop": {"type": "string", "title": "Shop"},
            "start_date": {"type": "string", "format": "date", "default": "2020-01-01"},
            "mode": {"type": "string", "enum": ["yes", "no"], "default": "no"},
            "umask": {"type": "string", "default": "0755"},
            "window": {"type": "string", "default": "1:20"},
            "note": {"type": "string", "default": "line 1\nline 2\n"},
            "on": {"type": "boolean", "default": true},
            "tags": {"type": "array", "items": {"type": "string"}, "default": ["~", "2021-06-30"]}
        }
    });
    let form = flowspec::form::build(&schema);
    let text = flowspec::form::template(&form);
    let read = pyyaml(&text);
    let expected = json!({
        "start_date": "2020-01-01",
        "mode": "no",
        "umask": "0755",
        "window": "1:20",
        "note": "line 1\nline 2\n",
        "on": true,
        "tags": ["~", "2021-06-30"]
    });
    for (k, v) in expected.as_object().unwrap() {
        assert_eq!(&read[k], v, "{k}:\n{text}");
    }
    assert!(text.contains("start_date: \"2020-01-01\""), "{text}");
    assert!(text.contains("note: |\n  line 1\n  line 2\n"), "{text}");
}

fn key(k: &str) -> PathSeg {
    PathSeg::key(k)
}

fn set(map: Vec<PathSeg>, k: &str, value: Value) -> Edit {
    Edit::Set {
        map,
        key: k.into(),
        value,
    }
}
