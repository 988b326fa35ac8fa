//! Secret masking through every diff flowspec shows: a table of (schema, old text, new value)
//! run through the global save plan (`save::plan_masked`, what Ctrl-S shows), the config
//! form's save (update level: the form opened on the task, its value changed, Ctrl-S) and the
//! "changed on disk" conflict diff — each asserted on the diff text and on the rendered
//! screen. Every secret value in the table contains the marker `zq%`, and nothing else does,
//! so "no `zq%`" means "no secret, in any quoting or escaping".

mod common;

use std::path::{Path, PathBuf};

use common::*;
use flowspec::catalog::{self, Catalog};
use flowspec::save;
use flowspec::secrets::mask::{MASK, MASK_CHANGED};
use flowspec::secrets::Schemas;
use flowspec::tui::app::{App, Effect, Msg};
use flowspec::tui::jobs::{JobEvent, JobOutput};
use flowspec::tui::overlay::Overlay;
use flowspec::tui::theme::Theme;
use flowspec::yaml::{self, PathSeg};
use serde_json::{json, Value};

/// In every secret of the table and nowhere else (`%` keeps it out of random temp paths).
const MARK: &str = "zq%";
const TASK: &str = "acme/src";

/// Where the config under test is written.
#[derive(Clone, Copy)]
enum Place {
    /// Inline in `flow.yaml` as the endpoint config.
    Endpoint,
    /// In a file next to `flow.yaml`, referenced by path from the endpoint.
    File(&'static str),
    /// Inline as the first binding's resource config.
    Resource,
}

struct Case {
    name: &'static str,
    schema: Value,
    place: Place,
    /// The config as written: block YAML (indented here by the test), a flow mapping, or a
    /// file's whole text.
    old: &'static str,
    new: Value,
    /// Whether some secret present before has a different value after.
    changed: bool,
}

fn secret() -> Value {
    json!({"type": "string", "secret": true})
}

fn obj(props: Value) -> Value {
    json!({"type": "object", "properties": props})
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "single-quoted with a doubled quote",
            schema: obj(json!({"host": {"type": "string"}, "password": secret()})),
            place: Place::Endpoint,
            old: "host: h\npassword: 'zq%''old''pw'\n",
            new: json!({"host": "h", "password": "zq%NEW'pw"}),
            changed: true,
        },
        Case {
            name: "double-quoted with escapes",
            schema: obj(json!({"host": {"type": "string"}, "password": secret()})),
            place: Place::Endpoint,
            old: "host: h\npassword: \"zq%\\\"o\\u0041ld\\n\"\n",
            new: json!({"host": "h2", "password": "zq%\"new\\"}),
            changed: true,
        },
        Case {
            name: "plain",
            schema: obj(json!({"host": {"type": "string"}, "password": secret()})),
            place: Place::Endpoint,
            old: "host: h\npassword: zq%old plain\n",
            new: json!({"host": "h", "password": "zq%new"}),
            changed: true,
        },
        Case {
            name: "literal block to a new multi-line value",
            schema: obj(json!({"user": {"type": "string"},
                               "private_key": {"type": "string", "secret": true, "multiline": true}})),
            place: Place::Endpoint,
            old: "user: u\nprivate_key: |\n  -----BEGIN zq%-----\n  zq%abc\n  -----END zq%-----\n",
            new: json!({"user": "u",
                        "private_key": "-----BEGIN zq%-----\nzq%xyz\n-----END zq%-----\n"}),
            changed: true,
        },
        Case {
            name: "folded block",
            schema: obj(json!({"user": {"type": "string"}, "token": secret()})),
            place: Place::Endpoint,
            old: "user: u\ntoken: >-\n  zq%folded\n  zq%more\n",
            new: json!({"user": "v", "token": "zq%folded zq%more"}),
            changed: false,
        },
        Case {
            name: "flow mapping",
            schema: obj(json!({"host": {"type": "string"}, "password": secret()})),
            place: Place::Endpoint,
            old: "{host: h, password: 'zq%flow'}",
            new: json!({"host": "h", "password": "zq%flow2"}),
            changed: true,
        },
        Case {
            name: "JSON file with escapes",
            schema: obj(json!({"host": {"type": "string"}, "password": secret()})),
            place: Place::File("src.config.json"),
            old: "{\"host\": \"h\", \"password\": \"zq%\\u00e9\\n\\\"x\"}\n",
            new: json!({"host": "h", "password": "zq%\u{e9}2"}),
            changed: true,
        },
        Case {
            name: "YAML file referenced by path",
            schema: obj(json!({"host": {"type": "string"}, "password": secret()})),
            place: Place::File("src.config.yaml"),
            old: "host: h\npassword: 'zq%''file'\n",
            new: json!({"host": "h", "password": "zq%file2"}),
            changed: true,
        },
        Case {
            name: "array items",
            schema: obj(json!({"apiKeys": {"type": "array", "items": obj(json!({
                "name": {"type": "string"}, "key": secret()}))}})),
            place: Place::Endpoint,
            old: "apiKeys:\n  - name: a\n    key: zq%k1\n  - {name: b, key: \"zq%k2\"}\n",
            new: json!({"apiKeys": [{"name": "a", "key": "zq%k1"}, {"name": "b", "key": "zq%k2b"},
                                    {"name": "c", "key": "zq%k3"}]}),
            changed: true,
        },
        Case {
            name: "map values (additionalProperties)",
            schema: obj(json!({"headers": {"type": "object", "additionalProperties": secret()}})),
            place: Place::Endpoint,
            old: "headers:\n  Authorization: 'Bearer zq%a'\n  X-Key: zq%b\n",
            new: json!({"headers": {"Authorization": "Bearer zq%a", "X-Key": "zq%b2", "X-New": "zq%c"}}),
            changed: true,
        },
        Case {
            name: "map values (patternProperties)",
            schema: obj(json!({"vars": {"type": "object", "properties": {"region": {"type": "string"}},
                                        "patternProperties": {"^tok_": secret()}}})),
            place: Place::Endpoint,
            old: "vars:\n  region: eu\n  tok_a: zq%a\n",
            new: json!({"vars": {"region": "us", "tok_a": "zq%a", "tok_b": "zq%b"}}),
            changed: false,
        },
        Case {
            name: "oneOf: switching branches",
            schema: obj(json!({"creds": {"type": "object", "oneOf": [
                obj(json!({"type": {"const": "pw"}, "password": secret()})),
                obj(json!({"type": {"const": "key"}, "key": secret()}))
            ]}})),
            place: Place::Endpoint,
            old: "creds:\n  type: pw\n  password: zq%pw\n",
            new: json!({"creds": {"type": "key", "key": "zq%key"}}),
            changed: false,
        },
        Case {
            name: "anyOf nullable secret",
            schema: obj(json!({"host": {"type": "string"},
                               "token": {"anyOf": [secret(), {"type": "null"}]}})),
            place: Place::Endpoint,
            old: "host: h\ntoken: 'zq%tok'\n",
            new: json!({"host": "h", "token": "zq%tok2"}),
            changed: true,
        },
        Case {
            name: "allOf and $ref",
            schema: json!({"type": "object", "properties": {
                "auth": {"allOf": [{"$ref": "#/$defs/auth"}]}},
                "$defs": {"auth": obj(json!({"user": {"type": "string"}, "secret": secret()}))}}),
            place: Place::Endpoint,
            old: "auth: {user: u, secret: \"zq%s\"}\n",
            new: json!({"auth": {"user": "u", "secret": "zq%s2"}}),
            changed: true,
        },
        Case {
            name: "if/then/else",
            schema: obj(json!({"mode": {"type": "string"}, "conn": {
                "type": "object",
                "if": obj(json!({"kind": {"const": "a"}})),
                "then": obj(json!({"a_token": secret()})),
                "else": obj(json!({"b_token": secret()}))}})),
            place: Place::Endpoint,
            old: "mode: x\nconn:\n  kind: b\n  b_token: zq%b\n",
            new: json!({"mode": "y", "conn": {"kind": "a", "a_token": "zq%a"}}),
            changed: false,
        },
        Case {
            name: "recursive $ref",
            schema: json!({"type": "object", "properties": {"tree": {"$ref": "#/$defs/node"}},
                "$defs": {"node": obj(json!({"key": secret(), "child": {"$ref": "#/$defs/node"}}))}}),
            place: Place::Endpoint,
            old: "tree:\n  key: zq%0\n  child:\n    child: {key: zq%2}\n",
            new: json!({"tree": {"key": "zq%0", "child": {"key": "zq%1", "child": {"key": "zq%2b"}}}}),
            changed: true,
        },
        Case {
            name: "secret parent object",
            schema: obj(json!({"project": {"type": "string"},
                               "service_account": {"type": "object", "secret": true}})),
            place: Place::Endpoint,
            old: "project: p\nservice_account:\n  type: zq%sa\n  private_key: |\n    zq%key\n  nested: {a: zq%n}\n",
            new: json!({"project": "p", "service_account": {"type": "zq%sa", "private_key": "zq%key2\n"}}),
            changed: true,
        },
        Case {
            name: "secret parent array",
            schema: obj(json!({"project": {"type": "string"},
                               "keys": {"type": "array", "items": {"type": "string"}, "airbyte_secret": true}})),
            place: Place::Endpoint,
            old: "project: p\nkeys:\n  - zq%1\n  - 'zq%2'\n",
            new: json!({"project": "q", "keys": ["zq%1", "zq%3"]}),
            changed: true,
        },
        Case {
            name: "binding resource config",
            schema: obj(json!({"stream": {"type": "string"}, "token": secret()})),
            place: Place::Resource,
            old: "{stream: s, token: 'zq%''res'}",
            new: json!({"stream": "s", "token": "zq%res2"}),
            changed: true,
        },
    ]
}

/// `text` indented by `n` spaces on every non-empty line.
fn indent(text: &str, n: usize) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{}{l}", " ".repeat(n))
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `key: value` at `n` spaces: a flow mapping on the line, block YAML below it.
fn field(key: &str, value: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    if value.starts_with('{') {
        format!("{pad}{key}: {}\n", value.trim_end())
    } else {
        format!("{pad}{key}:\n{}\n", indent(value, n + 2))
    }
}

/// Writes the case's catalog into `dir`; returns the root file.
fn write_catalog(dir: &Path, case: &Case) -> PathBuf {
    let config = match case.place {
        Place::Endpoint => field("config", case.old, 8),
        Place::File(name) => {
            std::fs::write(dir.join(name), case.old).unwrap();
            format!("        config: {name}\n")
        }
        Place::Resource => "        config: {host: h}\n".to_string(),
    };
    let resource = match case.place {
        Place::Resource => field("resource", case.old, 8),
        _ => "        resource: {stream: s}\n".to_string(),
    };
    let flow = format!(
        "captures:\n  {TASK}:\n    endpoint:\n      connector:\n        image: ghcr.io/acme/source-x:v1\n{config}    bindings:\n      -\n{resource}        target: acme/c\n"
    );
    let path = dir.join("flow.yaml");
    std::fs::write(&path, flow).unwrap();
    path
}

/// The file and path of the case's config in `cat`.
fn target(cat: &Catalog, case: &Case) -> (usize, Vec<PathSeg>) {
    let base = |rest: &[PathSeg]| {
        let mut at = vec![PathSeg::key("captures"), PathSeg::key(TASK)];
        at.extend_from_slice(rest);
        at
    };
    match case.place {
        Place::Endpoint => (
            0,
            base(&[
                PathSeg::key("endpoint"),
                PathSeg::key("connector"),
                PathSeg::key("config"),
            ]),
        ),
        Place::File(name) => (
            cat.files
                .iter()
                .position(|f| f.path.ends_with(name))
                .unwrap(),
            Vec::new(),
        ),
        Place::Resource => (
            0,
            base(&[
                PathSeg::key("bindings"),
                PathSeg::Index(0),
                PathSeg::key("resource"),
            ]),
        ),
    }
}

fn assert_hidden(case: &Case, what: &str, text: &str) {
    assert!(
        !text.contains(MARK),
        "{}: {what} shows a secret:\n{text}",
        case.name
    );
}

/// What the table asserts of every diff: no secret, a mask, and a changed mask when a
/// secret's value changed.
fn check_diff(case: &Case, what: &str, diff: &str) {
    assert_hidden(case, what, diff);
    assert!(
        diff.contains(MASK),
        "{}: {what} has no mask:\n{diff}",
        case.name
    );
    if case.changed {
        assert!(
            diff.contains(MASK_CHANGED),
            "{}: {what} does not show the secret changed:\n{diff}",
            case.name
        );
    }
}

#[test]
fn the_global_save_plan_masks_every_case() {
    for case in cases() {
        let dir = tempfile::tempdir().unwrap();
        let root = write_catalog(dir.path(), &case);
        let mut cat = catalog::load(&root, &mut |_| {}).expect(case.name);
        let (file, at) = target(&cat, &case);
        let old = yaml::parse(cat.files[file].text())
            .unwrap()
            .at(&at)
            .unwrap()
            .to_json();
        cat.edit_value(file, &at, &old, &case.new)
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let mut schemas = Schemas::none();
        match case.place {
            Place::Resource => schemas.add_task(TASK, None, Some(&case.schema)),
            _ => schemas.add_task(TASK, Some(&case.schema), None),
        }
        let writes = save::plan_masked(&cat, &schemas);
        assert_eq!(writes.len(), 1, "{}", case.name);
        check_diff(&case, "the save plan", &writes[0].diff);
        assert!(
            writes[0].new_text.contains(MARK),
            "{}: the file itself keeps the secret",
            case.name
        );
    }
}

/// Opens the case's form (`e`, or `r` for a resource), answering the spec job.
fn open_form(a: &mut App, case: &Case) {
    press(a, &["enter"]);
    let key = if matches!(case.place, Place::Resource) {
        "r"
    } else {
        "e"
    };
    let effects = press(a, &[key]);
    let [Effect::Connector(id, _)] = effects.as_slice() else {
        panic!("{}: expected the spec job, got {effects:?}", case.name)
    };
    let (config_schema, resource_schema) = match case.place {
        Place::Resource => (json!({"type": "object"}), case.schema.clone()),
        _ => (case.schema.clone(), json!({"type": "object"})),
    };
    a.update(Msg::Job(
        *id,
        JobEvent::Done(Ok(JobOutput::Spec {
            protocol: "flow-json".into(),
            documentation_url: String::new(),
            config_title: "Config".into(),
            resource_title: "Resource".into(),
            cached: false,
            config_schema,
            resource_schema,
        })),
    ));
    assert!(a.form().is_some(), "{}: the form opened", case.name);
}

fn screens(a: &mut App) -> String {
    format!("{}{}", screen(a, 80, 24), screen(a, 120, 40))
}

#[test]
fn the_form_save_and_the_conflict_diff_mask_every_case() {
    for case in cases() {
        let dir = tempfile::tempdir().unwrap();
        let root = write_catalog(dir.path(), &case);
        let mut a = trusted_app(&root, Theme::color());
        open_form(&mut a, &case);
        assert_hidden(&case, "the form", &screens(&mut a));
        {
            let form = a.form_mut().unwrap();
            form.state = form.state.form().load(&case.new);
            // Every field written in plaintext (as Ctrl-L twice on each secret): the diff of
            // a plaintext save is what this test is about.
            form.locks.plain.insert(String::new());
            form.rebuild();
        }
        assert_hidden(&case, "the form with new values", &screens(&mut a));
        press(&mut a, &["ctrl-s"]);
        let Some(Overlay::Diff { writes, .. }) = a.overlay().cloned() else {
            panic!(
                "{}: no diff: {:?} {:?}",
                case.name, a.shared.overlays, a.shared.status
            )
        };
        check_diff(&case, "the form's save diff", &writes[0].diff);
        assert_hidden(&case, "the rendered save diff", &screens(&mut a));
        assert_hidden(&case, "the status line", &format!("{:?}", a.shared.status));
        // Not now; then the global Ctrl-S shows the same edit, masked by the fetched spec.
        press(&mut a, &["esc"]);
        assert!(
            a.shared.overlays.is_empty() && a.is_dirty(),
            "{}",
            case.name
        );
        press(&mut a, &["ctrl-s"]);
        let Some(Overlay::Diff { writes, .. }) = a.overlay().cloned() else {
            panic!(
                "{}: no global diff: {:?} {:?}",
                case.name, a.shared.overlays, a.shared.status
            )
        };
        check_diff(&case, "the global save diff", &writes[0].diff);
        assert_hidden(&case, "the rendered global save diff", &screens(&mut a));
        // Saving finds the file changed on disk; the diff against it hides both sides.
        let effects = press(&mut a, &["y"]);
        assert!(
            matches!(effects.as_slice(), [Effect::Save { .. }]),
            "{}",
            case.name
        );
        let disk = format!(
            "# edited elsewhere\n{}",
            std::fs::read_to_string(&writes[0].path).unwrap()
        );
        a.update(Msg::SaveConflict {
            file: writes[0].file,
            display: writes[0].display.clone(),
            disk,
        });
        press(&mut a, &["d"]);
        let Some(Overlay::Conflict { diff: Some(d), .. }) = a.overlay().cloned() else {
            panic!("{}: no conflict diff: {:?}", case.name, a.shared.overlays)
        };
        check_diff(&case, "the conflict diff", &d);
        assert!(d.contains("-# edited elsewhere"), "{}: {d}", case.name);
        assert_hidden(&case, "the rendered conflict diff", &screens(&mut a));
    }
}

/// Without the connector's spec (nothing fetched this session) the global Ctrl-S diff masks
/// by the name rule, in an inline config and in a config file.
#[test]
fn without_a_fetched_spec_the_name_rule_masks_the_global_diff() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("src.config.yaml"),
        "host: h\napi_key: 'zq%''file'\n",
    )
    .unwrap();
    let flow = "captures:\n  acme/a:\n    bindings:\n      - resource: {stream: s}\n        target: acme/c\n    endpoint: {connector: {image: x/y:v1, config: {host: h, password: \"zq%\\u0041\"}}}\n  acme/b:\n    endpoint:\n      connector:\n        image: x/y:v1\n        config: src.config.yaml\n    bindings: []\n";
    let root = dir.path().join("flow.yaml");
    std::fs::write(&root, flow).unwrap();
    let mut a = trusted_app(&root, Theme::color());
    // Disable the binding: the diff's context shows the config line above it.
    press(&mut a, &["enter", "space"]);
    let cat = a.shared.catalog.as_mut().unwrap();
    let file = cat
        .files
        .iter()
        .position(|f| f.path.ends_with("src.config.yaml"))
        .unwrap();
    cat.edit_value(
        file,
        &[],
        &json!({"host": "h", "api_key": "zq%'file"}),
        &json!({"host": "h2", "api_key": "zq%new"}),
    )
    .unwrap();
    press(&mut a, &["ctrl-s"]);
    let Some(Overlay::Diff { writes, .. }) = a.overlay().cloned() else {
        panic!("{:?} {:?}", a.shared.overlays, a.shared.status)
    };
    assert_eq!(writes.len(), 2);
    let all: String = writes.iter().map(|w| w.diff.as_str()).collect();
    assert!(all.contains("+        disable: true"), "{all}");
    assert!(all.contains(&format!("password: {MASK}}}}}}}")), "{all}");
    assert!(all.contains(&format!("+api_key: {MASK_CHANGED}")), "{all}");
    assert!(!all.contains(MARK), "{all}");
    let shown = screens(&mut a);
    assert!(!shown.contains(MARK), "{shown}");
}

/// The canonical flow, typed: the form on a config whose old secret is single-quoted, a
/// canary typed into the secret field key by key, Ctrl-S: neither the canary nor the old
/// secret appears in the diff or on the screen at any step.
#[test]
fn a_typed_secret_and_the_old_one_never_reach_the_screen() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("src.config.yaml"),
        "address: db:5432\npassword: 'zq%''OLD''pw'\n",
    )
    .unwrap();
    let flow = "captures:\n  acme/src:\n    endpoint:\n      connector:\n        image: x/y:v1\n        config: src.config.yaml\n    bindings:\n      - resource: {stream: s}\n        target: acme/c\n";
    let root = dir.path().join("flow.yaml");
    std::fs::write(&root, flow).unwrap();
    let case = Case {
        name: "typed",
        schema: obj(json!({
            "address": {"type": "string", "title": "Address", "order": 0},
            "password": {"type": "string", "title": "Password", "secret": true, "order": 1}
        })),
        place: Place::File("src.config.yaml"),
        old: "",
        new: Value::Null,
        changed: true,
    };
    let mut a = trusted_app(&root, Theme::color());
    open_form(&mut a, &case);
    press(&mut a, &["down"]);
    assert_eq!(
        a.form().unwrap().focused().unwrap().pointer().unwrap(),
        "/password"
    );
    press(&mut a, &["enter"]);
    // Clear the old value, then type the canary.
    for _ in 0..20 {
        press(&mut a, &["backspace"]);
    }
    type_text(&mut a, "zq%CANARY");
    assert_hidden(&case, "the form while typing", &screens(&mut a));
    press(&mut a, &["enter"]);
    assert_hidden(&case, "the form after typing", &screens(&mut a));
    // Written in plaintext (confirmed): the diff of a plaintext save is what is tested here.
    press(&mut a, &["ctrl-l", "ctrl-l", "ctrl-s"]);
    let Some(Overlay::Diff { writes, .. }) = a.overlay().cloned() else {
        panic!("{:?} {:?}", a.shared.overlays, a.shared.status)
    };
    check_diff(&case, "the save diff", &writes[0].diff);
    assert!(writes[0].new_text.contains("zq%CANARY"));
    assert_hidden(&case, "the rendered save diff", &screens(&mut a));
}
