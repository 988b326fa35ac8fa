//! `apply_change`: a config value edited as a whole (by a form) is written back as the smallest
//! format-preserving patch. Each case pins the exact output and how many lines the change may
//! touch; a property test checks random configs in YAML and JSON.

use flowspec::yaml::patch::{apply_change, PatchError};
use flowspec::yaml::{parse, PathSeg};
use proptest::prelude::*;
use serde_json::{json, Value as Json};

fn key(k: &str) -> PathSeg {
    PathSeg::key(k)
}

/// Lines removed and added by going from `a` to `b`.
fn diff_lines(a: &str, b: &str) -> (Vec<String>, Vec<String>) {
    let d = similar::TextDiff::from_lines(a, b);
    let mut removed = vec![];
    let mut added = vec![];
    for c in d.iter_all_changes() {
        match c.tag() {
            similar::ChangeTag::Delete => removed.push(c.value().to_string()),
            similar::ChangeTag::Insert => added.push(c.value().to_string()),
            similar::ChangeTag::Equal => {}
        }
    }
    (removed, added)
}

#[path = "patch_change/cases.rs"]
mod cases;

use cases::cases;

#[test]
fn changes_touch_only_the_changed_lines() {
    for case in cases() {
        let old = parse(case.text).unwrap().at(&case.at).unwrap().to_json();
        let old = if old.is_null() && case.at.is_empty() {
            json!({})
        } else {
            old
        };
        let out = apply_change(case.text, &case.at, &old, &case.new)
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert_eq!(out, case.want, "{}", case.name);
        assert_eq!(
            parse(&out).unwrap().at(&case.at).unwrap().to_json(),
            case.new,
            "{}",
            case.name
        );
        let (removed, added) = diff_lines(case.text, &out);
        assert_eq!(
            (removed.len(), added.len()),
            (case.removed, case.added),
            "{}: -{removed:?} +{added:?}",
            case.name
        );
    }
}

const JSON_FILE: &str = "{\n  \"address\": \"db:5432\",\n  \"credentials\": {\n    \"auth_type\": \"password\",\n    \"password\": \"x\"\n  },\n  \"tables\": [\"a\", \"b\"],\n  \"slot\": \"s\"\n}\n";

#[test]
fn json_files_stay_valid_json() {
    let old: Json = serde_json::from_str(JSON_FILE).unwrap();
    let new = json!({
        "address": "db2:5432",
        "credentials": {"auth_type": "key", "private_key": "a\nb"},
        "tables": ["a", "b", "c"],
        "ssh": {"host": "h", "port": 22}
    });
    let out = apply_change(JSON_FILE, &[], &old, &new).unwrap();
    let back: Json = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}\n{out}"));
    assert_eq!(back, new);
    assert_eq!(
        out,
        "{\n  \"address\": \"db2:5432\",\n  \"credentials\": {\n    \"auth_type\": \"key\",\n    \"private_key\": \"a\\nb\"\n  },\n  \"tables\": [\"a\", \"b\", \"c\"],\n  \"ssh\": {\"host\": \"h\", \"port\": 22}\n}\n"
    );
    // And back: scalars and collections return to the old values, still JSON.
    let again = apply_change(&out, &[], &new, &old).unwrap();
    assert_eq!(serde_json::from_str::<Json>(&again).unwrap(), old);
}

#[test]
fn a_stale_old_value_is_refused() {
    let err = apply_change("a: 1\n", &[], &json!({"a": 2}), &json!({"a": 3})).unwrap_err();
    assert!(matches!(err, PatchError::Verify(_)), "{err:?}");
}

// ---- property test ----

/// Renders a value as simple block YAML, the way a person (or another tool) might write it:
/// sequences indented under their key, or (`compact`) at the key's own column.
fn to_yaml(v: &Json, compact: bool) -> String {
    to_yaml_commented(v, compact, false)
}

/// [`to_yaml`], optionally with a comment after every scalar (comments must survive edits).
/// Multi-line strings are literal blocks where flowspec's emitter writes them so.
fn to_yaml_commented(v: &Json, compact: bool, comments: bool) -> String {
    fn literal(v: &Json, indent: usize) -> Option<flowspec::yaml::emit::Literal> {
        v.as_str()
            .and_then(|s| flowspec::yaml::emit::literal(s, indent))
    }
    fn scalar(v: &Json) -> Option<String> {
        match v {
            Json::Object(o) if o.is_empty() => Some("{}".into()),
            Json::Array(a) if a.is_empty() => Some("[]".into()),
            other => flowspec::yaml::patch::render_scalar(other),
        }
    }
    /// Lines of a non-empty collection at `indent`.
    fn go(v: &Json, indent: usize, compact: bool, c: &str, out: &mut Vec<String>) {
        let pad = " ".repeat(indent);
        match v {
            Json::Object(o) => {
                for (k, v) in o {
                    let k = scalar(&Json::String(k.clone())).unwrap();
                    if let Some(lit) = literal(v, indent + 2) {
                        out.push(format!("{pad}{k}: {}{c}", lit.header));
                        out.extend(lit.lines);
                        continue;
                    }
                    match scalar(v) {
                        Some(s) => out.push(format!("{pad}{k}: {s}{c}")),
                        None => {
                            out.push(format!("{pad}{k}:"));
                            let inner = if compact && v.is_array() {
                                indent
                            } else {
                                indent + 2
                            };
                            go(v, inner, compact, c, out);
                        }
                    }
                }
            }
            Json::Array(a) => {
                for item in a {
                    if let Some(lit) = literal(item, indent + 2) {
                        out.push(format!("{pad}- {}{c}", lit.header));
                        out.extend(lit.lines);
                        continue;
                    }
                    match scalar(item) {
                        Some(s) => out.push(format!("{pad}- {s}{c}")),
                        None => {
                            let mut sub = Vec::new();
                            go(item, indent + 2, compact, c, &mut sub);
                            sub[0] = format!("{pad}- {}", &sub[0][indent + 2..]);
                            out.extend(sub);
                        }
                    }
                }
            }
            _ => unreachable!(),
        }
    }
    let mut out = Vec::new();
    go(
        v,
        0,
        compact,
        if comments { "  # note" } else { "" },
        &mut out,
    );
    out.join("\n") + "\n"
}

/// Renders a value in YAML flow style with plain scalars where possible: `{a: [x, 1]}`.
fn to_flow(v: &Json) -> String {
    match v {
        Json::Object(o) => {
            let entries: Vec<String> = o
                .iter()
                .map(|(k, v)| format!("{}: {}", to_flow(&Json::String(k.clone())), to_flow(v)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        Json::Array(a) => {
            let items: Vec<String> = a.iter().map(to_flow).collect();
            format!("[{}]", items.join(", "))
        }
        scalar => flowspec::yaml::patch::render_scalar(scalar).unwrap(),
    }
}

/// The index of the pretty JSON text in [`texts`].
const JSON_TEXT: usize = 4;
/// The index in `texts` of the text written all in flow style.
const FLOW_TEXT: usize = 3;

/// The texts a config may be found in: block YAML (two layouts, with and without comments),
/// YAML flow style and pretty JSON.
fn texts(v: &Json) -> Vec<String> {
    vec![
        to_yaml(v, false),
        to_yaml(v, true),
        to_yaml_commented(v, false, true),
        to_flow(v) + "\n",
        serde_json::to_string_pretty(v).unwrap() + "\n",
    ]
}

fn scalar_strategy() -> impl Strategy<Value = Json> {
    prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        (-1000i64..1000).prop_map(Json::from),
        prop::sample::select(vec![
            "x",
            "plain text",
            "a: b",
            "#hash",
            "x # y",
            " lead",
            "trail ",
            "'q'",
            "\"dq\"",
            "true",
            "12",
            "-",
            "- a",
            "ünï ✓",
            "multi\nline\n",
            "",
            "{[,]}",
            "@at",
            "~",
        ])
        .prop_map(Json::from),
    ]
}

fn value_strategy() -> impl Strategy<Value = Json> {
    let key = prop::sample::select(vec!["a", "b", "c", "d", "e key", "f"]);
    scalar_strategy().prop_recursive(3, 24, 4, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
            prop::collection::vec((key.clone(), inner), 0..5).prop_map(|kv| Json::Object(
                kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
            )),
        ]
    })
}

fn object_strategy() -> impl Strategy<Value = Json> {
    prop::collection::vec(
        (
            prop::sample::select(vec!["a", "b", "c", "d"]),
            value_strategy(),
        ),
        // Empty configs too: a new external config file starts empty, a form may clear one.
        0..5,
    )
    .prop_map(|kv| Json::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
}

/// `new` with `old`'s structure but random scalars at some leaves.
fn mutate_scalars(old: &Json, picks: &mut impl Iterator<Item = Option<Json>>) -> Json {
    match old {
        Json::Object(o) => Json::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), mutate_scalars(v, picks)))
                .collect(),
        ),
        Json::Array(a) => Json::Array(a.iter().map(|v| mutate_scalars(v, picks)).collect()),
        scalar => picks.next().flatten().unwrap_or_else(|| scalar.clone()),
    }
}

/// The value of a whole document; an empty one holds `{}` (what a new config file starts as).
fn read(text: &str) -> Json {
    match parse(text).unwrap().to_json() {
        Json::Null => json!({}),
        other => other,
    }
}

/// True when some scalar changes from one written plain (or as a literal block) to a string
/// that needs quotes: the patch keeps the quotes on the way back (it keeps double-quoted values
/// double-quoted).
fn plain_to_quoted(old: &Json, new: &Json, flow: bool) -> bool {
    match (old, new) {
        (Json::Object(o), Json::Object(n)) => {
            o.iter().any(|(k, v)| plain_to_quoted(v, &n[k], flow))
        }
        (Json::Array(o), Json::Array(n)) => {
            o.iter().zip(n).any(|(a, b)| plain_to_quoted(a, b, flow))
        }
        (Json::String(_), Json::String(_)) | (Json::String(_), _) | (_, Json::String(_)) => {
            // Written double-quoted (a multi-line string written as a literal block is not, but
            // flow style has no blocks: there it is double-quoted too).
            let quoted = |v: &Json| {
                let block = !flow
                    && v.as_str()
                        .is_some_and(|s| flowspec::yaml::emit::literal(s, 2).is_some());
                !block
                    && flowspec::yaml::patch::render_scalar(v)
                        .map(|s| s.starts_with('"'))
                        .unwrap_or(false)
            };
            old != new && old.is_string() && !quoted(old) && new.is_string() && quoted(new)
        }
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_change_reads_back_as_new(old in object_strategy(), new in object_strategy()) {
        for (i, text) in texts(&old).into_iter().enumerate() {
            prop_assert_eq!(read(&text), old.clone(), "{}", text);
            let out = apply_change(&text, &[], &old, &new)
                .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            prop_assert_eq!(read(&out), new.clone(), "{}", out);
            if i == JSON_TEXT {
                let j: Json = serde_json::from_str(&out)
                    .map_err(|e| TestCaseError::fail(format!("{e}\n{out}")))?;
                prop_assert_eq!(j, new.clone());
            }
        }
    }

    #[test]
    fn scalar_changes_go_back_byte_for_byte(
        old in object_strategy(),
        picks in prop::collection::vec(prop::option::of(scalar_strategy()), 0..30),
    ) {
        let new = mutate_scalars(&old, &mut picks.into_iter().chain(std::iter::repeat(None)));
        prop_assume!(!plain_to_quoted(&old, &new, false));
        for (i, text) in texts(&old).into_iter().enumerate() {
            if i == FLOW_TEXT && plain_to_quoted(&old, &new, true) {
                continue;
            }
            let out = apply_change(&text, &[], &old, &new)
                .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            prop_assert_eq!(read(&out), new.clone());
            let (removed, _) = diff_lines(&text, &out);
            prop_assert!(removed.len() <= 30);
            let back = apply_change(&out, &[], &new, &old)
                .map_err(|e| TestCaseError::fail(format!("{e}\n{out}")))?;
            prop_assert_eq!(back, text);
        }
    }

    #[test]
    fn configs_inside_a_catalog_change_alone(old in object_strategy(), new in object_strategy()) {
        let catalog = |config: &Json| json!({
            "captures": {"acme/src": {
                "endpoint": {"connector": {"image": "x:v1", "config": config}},
                "bindings": [{"resource": {"stream": "a"}, "target": "acme/a"}]
            }},
            "collections": {"acme/a": {"key": ["/id"]}}
        });
        let at = vec![key("captures"), key("acme/src"), key("endpoint"), key("connector"), key("config")];
        let mut all = texts(&catalog(&old));
        let flow_config = to_yaml(&catalog(&json!("CONFIG")), false)
            .replace("CONFIG", &to_flow(&old));
        prop_assert_eq!(parse(&flow_config).unwrap().to_json(), catalog(&old));
        all.push(flow_config);
        for text in all {
            let out = apply_change(&text, &at, &old, &new)
                .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            prop_assert_eq!(read(&out), catalog(&new), "{}", out);
            // Nothing outside the config's lines changed (when it has lines of its own).
            let (removed, _) = diff_lines(&text, &out);
            let removed = if text.lines().count() > 1 { removed } else { vec![] };
            for line in removed {
                prop_assert!(!line.contains("acme/a") && !line.contains("x:v1"), "{}", line);
            }
        }
    }
}

// ---- real layouts ----

/// Every file under `tests/fixtures` that parses as a YAML/JSON document.
fn fixture_documents() -> Vec<(std::path::PathBuf, String)> {
    let mut out = Vec::new();
    let mut todo = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")];
    while let Some(dir) = todo.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else if matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("yaml" | "yml" | "json")
            ) {
                if let Ok(text) = std::fs::read_to_string(&p) {
                    if parse(&text).is_ok() {
                        out.push((p, text));
                    }
                }
            }
        }
    }
    out.sort();
    out
}

/// Paths of the config-like objects in a catalog: inline endpoint configs and binding resources.
fn config_paths(root: &flowspec::yaml::Node) -> Vec<Vec<PathSeg>> {
    let mut out = Vec::new();
    for kind in ["captures", "materializations"] {
        let Some(tasks) = root.get(kind) else {
            continue;
        };
        for (name, task) in tasks.entries() {
            let base = vec![key(kind), key(&name.key_string())];
            let config = [key("endpoint"), key("connector"), key("config")];
            if task.at(&config).is_some_and(|c| c.is_map()) {
                out.push([base.clone(), config.to_vec()].concat());
            }
            if let Some(bindings) = task.get("bindings") {
                for (i, b) in bindings.items().iter().enumerate() {
                    if b.get("resource").is_some_and(|r| r.is_map()) {
                        let mut p = base.clone();
                        p.extend([key("bindings"), PathSeg::Index(i), key("resource")]);
                        out.push(p);
                    }
                }
            }
        }
    }
    out
}

#[test]
fn fixture_configs_take_changes_and_give_back_their_bytes() {
    let (mut tried, mut refused) = (0, 0);
    for (path, text) in fixture_documents() {
        let root = parse(&text).unwrap();
        for at in config_paths(&root) {
            let node = root.at(&at).unwrap();
            // Anchored or merged configs are refused, by design.
            if node.shared || node.entries().iter().any(|(k, _)| k.shared) {
                continue;
            }
            let old = node.to_json();
            let mut new = old.clone();
            new["flowspec_test"] = json!({"a": [1, "x: y"], "b": {}});
            // A scalar changed in place, too.
            let scalar = old
                .as_object()
                .unwrap()
                .iter()
                .find(|(_, v)| v.is_string() && !v.as_str().unwrap().contains('\n'))
                .map(|(k, _)| k.clone());
            if let Some(k) = &scalar {
                new[k] = json!("changed");
            }
            let where_ = format!("{} {}", path.display(), flowspec::yaml::pointer(&at));
            let out = match apply_change(&text, &at, &old, &new) {
                Ok(out) => out,
                // An anchored config used elsewhere (`&cfg` ... `*cfg`) must not change.
                Err(PatchError::Shared(_)) if text.contains('&') => {
                    refused += 1;
                    continue;
                }
                Err(e) => panic!("{where_}: {e}"),
            };
            let after = parse(&out).unwrap();
            assert_eq!(after.at(&at).unwrap().to_json(), new, "{where_}");
            // Nothing else in the document changed.
            let mut expected = root.to_json();
            *pointer_mut(&mut expected, &at) = new.clone();
            assert_eq!(after.to_json(), expected, "{where_}");
            let back = apply_change(&out, &at, &new, &old)
                .unwrap_or_else(|e| panic!("{where_} (back): {e}\n{out}"));
            if !scalar_was_quoted_plain(&text, node, scalar.as_deref()) {
                assert_eq!(back, text, "{where_}");
            }
            tried += 1;
        }
    }
    assert!(tried >= 5, "only {tried} configs found in the fixtures");
    assert!(refused <= 4, "{refused} configs refused");
}

fn pointer_mut<'j>(v: &'j mut Json, at: &[PathSeg]) -> &'j mut Json {
    at.iter().fold(v, |v, seg| match seg {
        PathSeg::Key(k) => &mut v[k.as_str()],
        PathSeg::Index(i) => &mut v[*i],
    })
}

/// True when the changed scalar was written plain but `changed` would keep the old quoting
/// rules from giving the same bytes back (single-quoted values come back double-quoted...).
fn scalar_was_quoted_plain(text: &str, node: &flowspec::yaml::Node, key: Option<&str>) -> bool {
    let Some(v) = key.and_then(|k| node.get(k)) else {
        return false;
    };
    let written = &text[v.pos.start..v.pos.end];
    let canonical = flowspec::yaml::patch::render_scalar(&v.to_json()).unwrap();
    written != canonical && written != serde_json::to_string(&v.to_json()).unwrap()
}
