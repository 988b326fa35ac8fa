//! A fuzz test of the loader, `check` and the patcher. proptest takes real catalogs (every YAML
//! and JSON fixture under `tests/fixtures`, and the demo) and mutates them the way broken and
//! hostile files look: bytes and lines deleted, duplicated, swapped or re-indented, and
//! aliases, anchors, merge keys, brackets, tags, document markers and control bytes inserted.
//! Then:
//! - loading (from disk, as `flowspec` does) and checking never panic, and every problem they
//!   report is located (line and column from 1);
//! - an edit (set a key of any mapping, push to or replace an item of any sequence, or a
//!   form's whole-value change) either fails with an error or gives a text that parses and
//!   holds exactly the intended value.
//!
//! The default run is short (64 cases per property) to keep the suite fast; run longer with
//! `PROPTEST_CASES=5000 cargo test --test fuzz_loader`.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value as Json;

use flowspec::catalog::{self, check};
use flowspec::yaml::{self, patch, Node, PathSeg, Value};

/// Every YAML and JSON file under `tests/fixtures`, and the demo's files.
static CORPUS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut files = Vec::new();
    collect(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
        &mut files,
    );
    files.sort();
    let mut texts: Vec<String> = files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    texts.extend(flowspec::demo::FILES.iter().map(|(_, t)| t.to_string()));
    assert!(texts.len() > 50, "only {} corpus files", texts.len());
    texts
});

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if path.is_dir() {
            collect(&path, out);
        } else if matches!(ext, "yaml" | "yml" | "json") {
            out.push(path);
        }
    }
}

/// What hostile and broken files are made of.
const TOKENS: &[&str] = &[
    "*a",
    "&a ",
    "*a ",
    "&b [",
    "<<: *a",
    "<<: ",
    "[",
    "]",
    "{",
    "}",
    ",",
    ": ",
    "- ",
    "? ",
    "|",
    ">-",
    "'",
    "\"",
    "#",
    "!!str ",
    "!!binary ",
    "!tag ",
    "%YAML 1.2\n",
    "---\n",
    "...\n",
    "\t",
    "\0",
    "\x1b]0;x\x07",
    "\u{feff}",
    "\r",
    "\u{85}",
    "\\",
    "~",
    "0x",
    "1e999",
    "-.inf",
    "\u{2028}",
    "é",
    "*",
    "&",
];

#[derive(Debug, Clone)]
enum Mutation {
    DeleteBytes(Index, usize),
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    Indent(Index, i8),
    Insert(Index, &'static str),
    InsertLine(Index, &'static str),
    Truncate(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let token = prop::sample::select(TOKENS);
    prop_oneof![
        (any::<Index>(), 1usize..24).prop_map(|(i, n)| Mutation::DeleteBytes(i, n)),
        any::<Index>().prop_map(Mutation::DeleteLine),
        any::<Index>().prop_map(Mutation::DuplicateLine),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<Index>(), -4i8..5).prop_map(|(i, d)| Mutation::Indent(i, d)),
        (any::<Index>(), token.clone()).prop_map(|(i, t)| Mutation::Insert(i, t)),
        (any::<Index>(), token).prop_map(|(i, t)| Mutation::InsertLine(i, t)),
        any::<Index>().prop_map(Mutation::Truncate),
    ]
}

/// Applies `mutations` to `text`; the result may no longer be UTF-8.
fn mutate(text: &str, mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    for m in mutations {
        let mut lines: Vec<Vec<u8>> = bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
        let n = lines.len();
        match m {
            Mutation::DeleteBytes(at, len) if !bytes.is_empty() => {
                let start = at.index(bytes.len());
                let end = (start + len).min(bytes.len());
                bytes.drain(start..end);
                continue;
            }
            Mutation::Insert(at, token) => {
                let at = at.index(bytes.len() + 1);
                bytes.splice(at..at, token.bytes());
                continue;
            }
            Mutation::Truncate(at) => {
                bytes.truncate(at.index(bytes.len() + 1));
                continue;
            }
            Mutation::DeleteBytes(..) => continue,
            Mutation::DeleteLine(i) => {
                lines.remove(i.index(n));
            }
            Mutation::DuplicateLine(i) => {
                let i = i.index(n);
                lines.insert(i, lines[i].clone());
            }
            Mutation::SwapLines(a, b) => lines.swap(a.index(n), b.index(n)),
            Mutation::Indent(i, delta) => {
                let line = &mut lines[i.index(n)];
                if *delta >= 0 {
                    line.splice(0..0, std::iter::repeat_n(b' ', *delta as usize));
                } else {
                    let spaces = line.iter().take_while(|b| **b == b' ').count();
                    line.drain(..spaces.min(delta.unsigned_abs() as usize));
                }
            }
            Mutation::InsertLine(i, token) => {
                let i = i.index(n + 1);
                lines.insert(i, token.as_bytes().to_vec());
            }
        }
        bytes = lines.join(&b'\n');
    }
    bytes
}

/// Paths of every mapping (`maps`) and sequence (`seqs`) written in the document itself (not
/// copied by an alias), found without recursion.
fn containers(root: &Node) -> (Vec<Vec<PathSeg>>, Vec<Vec<PathSeg>>) {
    let (mut maps, mut seqs) = (Vec::new(), Vec::new());
    let mut todo = vec![(root, Vec::new())];
    while let Some((node, path)) = todo.pop() {
        if node.shared {
            continue;
        }
        match &node.value {
            Value::Map(entries) => {
                for (k, v) in entries {
                    if let Some(k) = k.as_str() {
                        let mut p = path.clone();
                        p.push(PathSeg::key(k));
                        todo.push((v, p));
                    }
                }
                maps.push(path);
            }
            Value::Seq(items) => {
                for (i, v) in items.iter().enumerate() {
                    let mut p = path.clone();
                    p.push(PathSeg::Index(i));
                    todo.push((v, p));
                }
                seqs.push(path);
            }
            _ => {}
        }
    }
    (maps, seqs)
}

/// JSON values as forms and connectors produce them, strings included that need quoting.
fn json_value() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<i64>().prop_map(Json::from),
        (-1e12f64..1e12).prop_map(Json::from),
        "[a-z0-9 :#*&!|>'\"\\-\\[\\]{},\t\n\u{1b}é~]{0,12}".prop_map(Json::String),
        prop::sample::select(&["true", "null", "1", "0x10", "*a", "&a", "<<", "- x", ""][..])
            .prop_map(|s| Json::String(s.to_string())),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
            prop::collection::vec(("[a-z_ :#]{1,6}", inner), 0..4)
                .prop_map(|kv| Json::Object(kv.into_iter().collect())),
        ]
    })
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// The text of a mutated corpus file, as UTF-8 (invalid bytes replaced).
fn mutated(file: &Index, mutations: &[Mutation]) -> String {
    let base = &CORPUS[file.index(CORPUS.len())];
    String::from_utf8_lossy(&mutate(base, mutations)).into_owned()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn loading_and_checking_mutated_catalogs_never_panic_and_locate_every_problem(
        file in any::<Index>(),
        mutations in prop::collection::vec(mutation(), 1..8),
        json in any::<bool>(),
    ) {
        let bytes = mutate(&CORPUS[file.index(CORPUS.len())], &mutations);
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join(if json { "flow.json" } else { "flow.yaml" });
        std::fs::write(&root, &bytes).unwrap();
        let Ok(cat) = catalog::load(&root, &mut |_| {}) else {
            return Ok(()); // A whole-file problem (none is expected for a regular file).
        };
        let found = check::findings(&cat, check::CheckOptions { strict: true });
        for f in &found {
            let d = &f.diagnostic;
            prop_assert!(d.line >= 1 && d.col >= 1, "unlocated: {d}");
        }
        for d in &cat.load_problems {
            prop_assert!(d.line >= 1 && d.col >= 1, "unlocated: {d}");
        }
    }

    #[test]
    fn setting_a_key_of_any_mapping_fails_cleanly_or_reads_back(
        file in any::<Index>(),
        mutations in prop::collection::vec(mutation(), 0..4),
        which in any::<Index>(),
        existing in any::<Option<Index>>(),
        value in json_value(),
    ) {
        let text = mutated(&file, &mutations);
        let Ok(root) = yaml::parse(&text) else { return Ok(()) };
        let (maps, _) = containers(&root);
        if maps.is_empty() {
            return Ok(());
        }
        let map = maps[which.index(maps.len())].clone();
        let entries = root.at(&map).unwrap().entries();
        let key = match existing {
            Some(i) if !entries.is_empty() => {
                entries[i.index(entries.len())].0.key_string()
            }
            _ => "fuzzKey".to_string(),
        };
        let edit = patch::Edit::Set { map: map.clone(), key: key.clone(), value: value.clone() };
        if let Ok(out) = patch::apply(&text, &[edit]) {
            let after = yaml::parse(&out)
                .map_err(|e| TestCaseError::fail(format!("patched text does not parse: {e}\n{out}")))?;
            // The key as the patch and a JSON reader see it: by its string form, so that a
            // mapping's null key is `null` (`: value` in the text) and `1:` is "1".
            let got = after
                .at(&map)
                .and_then(|m| m.entries().iter().find(|(k, _)| k.key_string() == key))
                .map(|(_, v)| v.to_json());
            prop_assert_eq!(got, Some(value), "{}", out);
        }
    }

    #[test]
    fn sequence_edits_fail_cleanly_or_read_back(
        file in any::<Index>(),
        mutations in prop::collection::vec(mutation(), 0..4),
        which in any::<Index>(),
        item in any::<Index>(),
        op in 0u8..3,
        value in json_value(),
    ) {
        let text = mutated(&file, &mutations);
        let Ok(root) = yaml::parse(&text) else { return Ok(()) };
        let (_, seqs) = containers(&root);
        if seqs.is_empty() {
            return Ok(());
        }
        let seq = seqs[which.index(seqs.len())].clone();
        let mut items: Vec<Json> = root.at(&seq).unwrap().items().iter().map(Node::to_json).collect();
        let edit = match op {
            0 => {
                items.push(value.clone());
                patch::Edit::Push { seq: seq.clone(), value }
            }
            _ if items.is_empty() => return Ok(()),
            1 => {
                let i = item.index(items.len());
                items[i] = value.clone();
                patch::Edit::SetItem { seq: seq.clone(), index: i, value }
            }
            _ => {
                let i = item.index(items.len());
                items.remove(i);
                patch::Edit::RemoveItem { seq: seq.clone(), index: i }
            }
        };
        if let Ok(out) = patch::apply(&text, &[edit]) {
            let after = yaml::parse(&out)
                .map_err(|e| TestCaseError::fail(format!("patched text does not parse: {e}\n{out}")))?;
            let got = after.at(&seq).map(Node::to_json);
            prop_assert_eq!(got, Some(Json::Array(items)), "{}", out);
        }
    }

    #[test]
    fn whole_value_changes_fail_cleanly_or_read_back(
        file in any::<Index>(),
        mutations in prop::collection::vec(mutation(), 0..4),
        which in any::<Index>(),
        key in "[a-z]{1,4}",
        value in json_value(),
    ) {
        let text = mutated(&file, &mutations);
        let Ok(root) = yaml::parse(&text) else { return Ok(()) };
        let (maps, _) = containers(&root);
        if maps.is_empty() {
            return Ok(());
        }
        let at = maps[which.index(maps.len())].clone();
        let old = root.at(&at).unwrap().to_json();
        let mut new = old.clone();
        new.as_object_mut().unwrap().insert(key, value);
        if let Ok(out) = patch::apply_change(&text, &at, &old, &new) {
            let after = yaml::parse(&out)
                .map_err(|e| TestCaseError::fail(format!("patched text does not parse: {e}\n{out}")))?;
            prop_assert_eq!(after.at(&at).map(Node::to_json), Some(new), "{}", out);
        }
    }
}
