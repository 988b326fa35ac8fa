//! A kept document must be exactly what parsing its text gives, whichever way an edit was
//! applied (re-parsing a region, the whole text, or a batch), and a batch must give the text
//! that one-by-one edits give. Property tests over documents in many layouts check both.

use proptest::prelude::*;
use serde_json::{json, Value as Json};

use super::super::build;
use super::super::emit;
use super::*;

/// How a generated document is laid out.
#[derive(Debug, Clone)]
struct Layout {
    /// Columns per level (2 or 4).
    step: usize,
    /// Sequences at their key's column (`key:\n- a`).
    compact: bool,
    /// A comment after every scalar.
    comments: bool,
    /// A comment line before every entry, at its column or at column 0.
    comment_lines: Option<bool>,
    blank_lines: bool,
    /// Small collections of scalars in flow style.
    flow: bool,
    crlf: bool,
    /// No line break after the last line.
    unterminated: bool,
}

fn scalar_text(v: &Json) -> Option<String> {
    match v {
        Json::Object(o) if o.is_empty() => Some("{}".into()),
        Json::Array(a) if a.is_empty() => Some("[]".into()),
        other => emit::scalar(other),
    }
}

fn flow_text(v: &Json) -> String {
    match v {
        Json::Object(o) => format!(
            "{{{}}}",
            o.iter()
                .map(|(k, v)| format!("{}: {}", emit::key(k), flow_text(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Json::Array(a) => format!(
            "[{}]",
            a.iter().map(flow_text).collect::<Vec<_>>().join(", ")
        ),
        other => emit::scalar(other).unwrap(),
    }
}

/// True for a small collection of single-line scalars (written in flow style when the layout
/// says so).
fn small(v: &Json) -> bool {
    let single =
        |v: &Json| !v.is_array() && !v.is_object() && !v.as_str().is_some_and(|s| s.contains('\n'));
    match v {
        Json::Object(o) => !o.is_empty() && o.len() <= 2 && o.values().all(single),
        Json::Array(a) => !a.is_empty() && a.len() <= 2 && a.iter().all(single),
        _ => false,
    }
}

/// The lines of `head` followed by `v` (a key's `k:` or an item's `-`), at `indent`.
fn value_lines(
    head: &str,
    v: &Json,
    indent: usize,
    seq_indent: usize,
    l: &Layout,
    out: &mut Vec<String>,
) {
    let c = if l.comments { "  # note" } else { "" };
    let pad = " ".repeat(indent);
    if let Some(lit) = v.as_str().and_then(|s| emit::literal(s, indent + 2)) {
        out.push(format!("{pad}{head} {}{c}", lit.header));
        out.extend(lit.lines);
    } else if let Some(s) = scalar_text(v) {
        out.push(format!("{pad}{head} {s}{c}"));
    } else if l.flow && small(v) {
        out.push(format!("{pad}{head} {}{c}", flow_text(v)));
    } else {
        out.push(format!("{pad}{head}"));
        lines(v, seq_indent, l, out);
    }
}

fn lines(v: &Json, indent: usize, l: &Layout, out: &mut Vec<String>) {
    let pad = " ".repeat(indent);
    match v {
        Json::Object(o) => {
            for (k, v) in o {
                if l.blank_lines {
                    out.push(String::new());
                }
                match l.comment_lines {
                    Some(true) => out.push("# a comment at column 0".into()),
                    Some(false) => out.push(format!("{pad}# about {k}")),
                    None => {}
                }
                let seq_indent = if l.compact && v.is_array() {
                    indent
                } else {
                    indent + l.step
                };
                value_lines(&format!("{}:", emit::key(k)), v, indent, seq_indent, l, out);
            }
        }
        Json::Array(a) => {
            for item in a {
                if item.is_object()
                    && !(l.flow && small(item))
                    && !item.as_object().unwrap().is_empty()
                {
                    let mut sub = Vec::new();
                    lines(item, indent + 2, l, &mut sub);
                    // The first key goes on the dash line (comment lines before it stay above,
                    // at the dash's column: deeper, they would be part of a literal block
                    // ending the item before).
                    let first = sub.iter().position(|s| {
                        let t = s.trim_start();
                        !t.is_empty() && !t.starts_with('#')
                    });
                    if let Some(i) = first {
                        let dashed = format!("{pad}- {}", &sub[i][indent + 2..]);
                        out.extend(sub[..i].iter().map(|l| {
                            let t = l.trim_start();
                            if t.is_empty() || l.starts_with('#') {
                                l.clone()
                            } else {
                                format!("{pad}{t}")
                            }
                        }));
                        out.push(dashed);
                        out.extend(sub[i + 1..].iter().cloned());
                    }
                } else {
                    value_lines("-", item, indent, indent + 2, l, out);
                }
            }
        }
        _ => unreachable!(),
    }
}

fn write(v: &Json, l: &Layout) -> String {
    let mut out = Vec::new();
    lines(v, 0, l, &mut out);
    let nl = if l.crlf { "\r\n" } else { "\n" };
    let mut text = out.join(nl);
    if !l.unterminated {
        text.push_str(nl);
    }
    text
}

fn layout() -> impl Strategy<Value = Layout> {
    (
        prop_oneof![Just(2usize), Just(4)],
        any::<bool>(),
        any::<bool>(),
        prop::option::of(any::<bool>()),
        any::<bool>(),
        any::<bool>(),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.3),
    )
        .prop_map(
            |(step, compact, comments, comment_lines, blank_lines, flow, crlf, unterminated)| {
                Layout {
                    step,
                    compact,
                    comments,
                    comment_lines,
                    blank_lines,
                    flow,
                    crlf,
                    unterminated,
                }
            },
        )
}

fn scalar() -> impl Strategy<Value = Json> {
    prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        (-50i64..50).prop_map(Json::from),
        prop::sample::select(vec![
            "x",
            "a b",
            "a: b",
            "2020-01-01",
            "on",
            "x # y",
            "multi\nline\n",
            "two\nlines",
            "trail \nx",
            "",
            "-",
            "~",
            "{[,]}",
        ])
        .prop_map(Json::from),
    ]
}

fn value() -> impl Strategy<Value = Json> {
    let key = prop::sample::select(vec!["a", "b", "c", "d", "e f", "g"]);
    scalar().prop_recursive(3, 20, 4, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
            prop::collection::vec((key.clone(), inner), 0..4).prop_map(|kv| {
                Json::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    })
}

fn document() -> impl Strategy<Value = Json> {
    prop::collection::vec(
        (
            prop::sample::select(vec!["k", "l", "m", "n1", "o"]),
            value(),
        ),
        1..5,
    )
    .prop_map(|kv| Json::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
}

/// An edit to be aimed at some collection of a document.
#[derive(Debug, Clone)]
struct Seed {
    container: usize,
    op: u8,
    pick: usize,
    value: Json,
}

fn seed() -> impl Strategy<Value = Seed> {
    (any::<usize>(), any::<u8>(), any::<usize>(), value()).prop_map(
        |(container, op, pick, value)| Seed {
            container,
            op,
            pick,
            value,
        },
    )
}

/// Every collection in `v` with its path.
fn containers(v: &Json, path: &mut Vec<PathSeg>, out: &mut Vec<(Vec<PathSeg>, Json)>) {
    match v {
        Json::Object(o) => {
            out.push((path.clone(), v.clone()));
            for (k, v) in o {
                path.push(PathSeg::key(k.clone()));
                containers(v, path, out);
                path.pop();
            }
        }
        Json::Array(a) => {
            out.push((path.clone(), v.clone()));
            for (i, v) in a.iter().enumerate() {
                path.push(PathSeg::Index(i));
                containers(v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The edit `seed` stands for in a document holding `v`.
fn aim(v: &Json, seed: &Seed) -> Edit {
    let mut all = Vec::new();
    containers(v, &mut Vec::new(), &mut all);
    let (path, node) = all[seed.container % all.len()].clone();
    let value = seed.value.clone();
    match node {
        Json::Object(o) => {
            let keys: Vec<&String> = o.keys().collect();
            let existing = (!keys.is_empty()).then(|| keys[seed.pick % keys.len()].clone());
            match (seed.op % 3, existing) {
                (0, Some(key)) => Edit::Set {
                    map: path,
                    key,
                    value,
                },
                (1, Some(key)) => Edit::Remove { map: path, key },
                _ => Edit::Set {
                    map: path,
                    key: ["new", "on", "z z", "2020-01-01"][seed.pick % 4].to_string(),
                    value,
                },
            }
        }
        Json::Array(a) => match (seed.op % 3, a.len()) {
            (_, 0) | (0, _) => Edit::Push { seq: path, value },
            (1, n) => Edit::SetItem {
                seq: path,
                index: seed.pick % n,
                value,
            },
            (_, n) => Edit::RemoveItem {
                seq: path,
                index: seed.pick % n,
            },
        },
        _ => unreachable!(),
    }
}

/// Asserts that `doc`'s tree and node count are what parsing its text gives.
fn assert_exact(doc: &Document) -> Result<(), TestCaseError> {
    let (root, stats) = build::parse_with_stats(&doc.text).unwrap();
    prop_assert_eq!(&doc.root, &root, "{:?}", doc.text);
    prop_assert_eq!(doc.stats, stats);
    Ok(())
}

fn full_only(text: &str) -> Document {
    let mut doc = Document::parse(text.to_string()).unwrap();
    doc.local = false;
    doc
}

fn same_outcome<T: PartialEq>(a: &Result<T, &PatchError>, b: &Result<T, &PatchError>) -> bool {
    match (a, b) {
        (Ok(x), Ok(y)) => x == y,
        (Err(x), Err(y)) => std::mem::discriminant(*x) == std::mem::discriminant(*y),
        _ => false,
    }
}

/// One case of [`region_edits_equal_full_parses`]; returns how many edits changed the text.
fn region_case(
    v: &Json,
    l: &Layout,
    seeds: &[Seed],
    removals: Removals,
) -> Result<usize, TestCaseError> {
    let text = write(v, l);
    let mut local = Document::parse(text.clone()).unwrap();
    prop_assert_eq!(&local.root.to_json(), v, "{}", text);
    let mut full = full_only(&text);
    let mut changed = 0;
    for seed in seeds {
        let edit = aim(&local.root.to_json(), seed);
        let before = local.clone();
        let a = local.apply_one(&edit, removals);
        let b = full.apply_one(&edit, removals);
        prop_assert!(
            same_outcome(
                &a.as_ref().map(|u| u.is_some()),
                &b.as_ref().map(|u| u.is_some())
            ),
            "{:?}: {:?} vs {:?}\n{}",
            edit,
            a,
            b,
            before.text
        );
        prop_assert_eq!(&local.text, &full.text);
        assert_exact(&local)?;
        if let Ok(Some(undo)) = a {
            changed += 1;
            let mut back = local.clone();
            back.undo(undo);
            prop_assert_eq!(&back.text, &before.text);
            prop_assert_eq!(&back.root, &before.root);
            prop_assert_eq!(back.stats, before.stats);
        }
    }
    Ok(changed)
}

/// Edits applied by re-parsing a region give the text and the exact tree (positions included)
/// that re-parsing everything gives, edit after edit; undo restores both. Most edits of these
/// documents take the region path (checked, so the property does test it).
#[test]
fn region_edits_equal_full_parses() {
    let cases = (
        document(),
        layout(),
        prop::collection::vec(seed(), 1..6),
        prop_oneof![Just(Removals::Strict), Just(Removals::WithComments)],
    );
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(512));
    let changed = std::cell::Cell::new(0);
    let before = region::LOCAL.with(|n| n.get());
    runner
        .run(&cases, |(v, l, seeds, removals)| {
            changed.set(changed.get() + region_case(&v, &l, &seeds, removals)?);
            Ok(())
        })
        .unwrap();
    let local = region::LOCAL.with(|n| n.get()) - before;
    assert!(
        local * 2 > changed.get(),
        "only {local} of {} edits re-parsed a region",
        changed.get()
    );
}

/// One case of [`batches_equal_one_by_one`]: whether one by one and the batch applied the
/// edits. The edits are aimed at the document as each one leaves it (`evolving`, so later
/// edits often work on what earlier ones wrote), or all at the document as it is.
fn batch_case(
    v: &Json,
    l: &Layout,
    seeds: &[Seed],
    removals: Removals,
    evolving: bool,
) -> Result<(bool, bool), TestCaseError> {
    let text = write(v, l);
    let mut aimed = Document::parse(text.clone()).unwrap();
    let mut edits = Vec::new();
    for seed in seeds {
        let edit = aim(&aimed.root.to_json(), seed);
        if evolving {
            let _ = aimed.apply_one(&edit, removals);
        }
        edits.push(edit);
    }
    let mut one_by_one = Document::parse(text.clone()).unwrap();
    let mut batch = Document::parse(text.clone()).unwrap();
    let a = one_by_one.edit(&edits, removals);
    let b = batch.edit_batch(&edits, removals);
    match &b {
        Ok(_) => {
            prop_assert!(
                a.is_ok(),
                "batch took what one by one refused: {:?}\n{:?}\n{}",
                a,
                edits,
                text
            );
            prop_assert_eq!(&batch.text, &one_by_one.text, "{:?}\n{}", edits, text);
            assert_exact(&batch)?;
        }
        Err(PatchError::Overlap(_)) => prop_assert_eq!(&batch.text, &text),
        Err(e) => {
            prop_assert!(
                a.is_err(),
                "batch refused ({}) what one by one took: {:?}\n{}",
                e,
                edits,
                text
            );
            prop_assert_eq!(&batch.text, &text);
        }
    }
    Ok((a.is_ok(), b.is_ok()))
}

/// Runs [`batch_case`] on 512 random cases; returns how many one by one and the batch applied.
fn batch_cases(evolving: bool) -> (usize, usize) {
    let cases = (
        document(),
        layout(),
        prop::collection::vec(seed(), 2..8),
        prop_oneof![Just(Removals::Strict), Just(Removals::WithComments)],
    );
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(512));
    let counts = std::cell::Cell::new((0, 0));
    runner
        .run(&cases, |(v, l, seeds, removals)| {
            let (a, b) = batch_case(&v, &l, &seeds, removals, evolving)?;
            let (x, y) = counts.get();
            counts.set((x + usize::from(a), y + usize::from(b)));
            Ok(())
        })
        .unwrap();
    counts.get()
}

/// A batch gives the text that applying its edits one by one gives, or refuses; it refuses
/// only what one by one fails at too, or with `Overlap`: here with edits that often work on
/// what earlier ones of the batch wrote.
#[test]
fn batches_equal_one_by_one() {
    batch_cases(true);
}

/// The same with edits aimed at the document as it is, as a merge writes them. These small
/// documents are full of empty flow collections (`[]`, `{}`), where two new items cannot be
/// planned together, and the edits often meet; still a good share must go through, so the
/// property tests the batch path (realistic batches: `a_catalog_sized_batch_...`).
#[test]
fn independent_batches_equal_one_by_one() {
    let (one_by_one, batch) = batch_cases(false);
    assert!(
        batch * 5 > one_by_one,
        "the batch applied {batch} of the {one_by_one} that one by one applied"
    );
}

#[test]
fn a_toggle_in_a_large_file_reparses_its_binding_only() {
    let mut text = String::from("captures:\n");
    for t in 0..50 {
        text.push_str(&format!("  acme/t{t}:\n    bindings:\n"));
        for b in 0..20 {
            text.push_str(&format!(
                "      - resource: {{stream: s{b}}}\n        target: acme/c{b}\n"
            ));
        }
    }
    let mut doc = Document::parse(text.clone()).unwrap();
    let before = region::LOCAL.with(|n| n.get());
    let map = vec![
        PathSeg::key("captures"),
        PathSeg::key("acme/t7"),
        PathSeg::key("bindings"),
        PathSeg::Index(3),
    ];
    let set = Edit::Set {
        map: map.clone(),
        key: "disable".into(),
        value: json!(true),
    };
    assert!(doc
        .edit(std::slice::from_ref(&set), Removals::Strict)
        .unwrap());
    assert_eq!(region::LOCAL.with(|n| n.get()), before + 1);
    assert_eq!(doc.root, build::parse(&doc.text).unwrap());
    assert!(doc.remove_restorably(&map, "disable", json!(true)).unwrap());
    assert_eq!(doc.text, text);
    assert_eq!(doc.root, build::parse(&text).unwrap());
}

#[test]
fn a_literal_block_ending_the_region_is_parsed_in_full() {
    // The literal's span runs on into the next line's indentation, which a region lacks.
    let text = "m:\n  a: 1\n  k: x\nn: 1\n";
    let mut doc = Document::parse(text.to_string()).unwrap();
    let before = region::LOCAL.with(|n| n.get());
    let edit = Edit::Set {
        map: vec![PathSeg::key("m")],
        key: "k".into(),
        value: json!("line 1\nline 2\n"),
    };
    doc.edit(&[edit], Removals::Strict).unwrap();
    assert_eq!(
        doc.text,
        "m:\n  a: 1\n  k: |\n    line 1\n    line 2\nn: 1\n"
    );
    assert_eq!(region::LOCAL.with(|n| n.get()), before);
    assert_eq!(doc.root, build::parse(&doc.text).unwrap());
}

#[test]
fn documents_with_anchors_are_always_parsed_in_full() {
    let text = "base: &b {x: 1}\nm:\n  a: 1\n  b: *b\n";
    let mut doc = Document::parse(text.to_string()).unwrap();
    assert!(!doc.local);
    let before = region::LOCAL.with(|n| n.get());
    let edit = Edit::Set {
        map: vec![PathSeg::key("m")],
        key: "a".into(),
        value: json!(2),
    };
    doc.edit(&[edit], Removals::Strict).unwrap();
    assert_eq!(region::LOCAL.with(|n| n.get()), before);
    assert_eq!(doc.text, "base: &b {x: 1}\nm:\n  a: 2\n  b: *b\n");
}

#[test]
fn a_failed_edit_leaves_the_document_as_it_was() {
    let text = "l:\n  - a: 1 # keep\n  - b: 2\n";
    let mut doc = Document::parse(text.to_string()).unwrap();
    let edits = [
        Edit::Set {
            map: vec![PathSeg::key("l"), PathSeg::Index(1)],
            key: "c".into(),
            value: json!(3),
        },
        // A comment on the line: a strict removal refuses.
        Edit::Remove {
            map: vec![PathSeg::key("l"), PathSeg::Index(0)],
            key: "a".into(),
        },
    ];
    assert!(doc.edit(&edits, Removals::Strict).is_err());
    assert_eq!(doc.text, text);
    assert_eq!(doc.root, build::parse(text).unwrap());
}

#[test]
fn batches_translate_indices_after_removals() {
    let text = "l:\n  - a\n  - b\n  - c\n  - d\nm:\n  x: 1\n";
    let l = || vec![PathSeg::key("l")];
    let edits = [
        Edit::RemoveItem { seq: l(), index: 1 },
        // `c` is item 1 now.
        Edit::SetItem {
            seq: l(),
            index: 1,
            value: json!("C"),
        },
        Edit::RemoveItem { seq: l(), index: 2 },
        Edit::Push {
            seq: l(),
            value: json!("e"),
        },
        Edit::Set {
            map: vec![PathSeg::key("m")],
            key: "y".into(),
            value: json!(2),
        },
    ];
    let mut batch = Document::parse(text.to_string()).unwrap();
    assert!(batch.edit_batch(&edits, Removals::Strict).unwrap());
    assert_eq!(
        batch.text,
        "l:\n  - a\n  - C\n  - e\nm:\n  x: 1\n  \"y\": 2\n"
    );
    let mut one = Document::parse(text.to_string()).unwrap();
    one.edit(&edits, Removals::Strict).unwrap();
    assert_eq!(one.text, batch.text);
    // An item the batch pushed cannot be edited in the same batch.
    let err = batch
        .edit_batch(
            &[
                Edit::Push {
                    seq: l(),
                    value: json!("f"),
                },
                Edit::SetItem {
                    seq: l(),
                    index: 3,
                    value: json!("F"),
                },
            ],
            Removals::Strict,
        )
        .unwrap_err();
    assert!(matches!(err, PatchError::Overlap(_)), "{err:?}");
}

#[test]
fn a_catalog_sized_batch_equals_one_by_one() {
    // Tasks with bindings and collections, like a flat catalog: a merge toggles bindings,
    // removes gone ones, adds new ones and new collections, all in one batch.
    let mut text = String::from("# flat\ncaptures:\n");
    for t in 0..20 {
        text.push_str(&format!(
            "  acme/t{t}:\n    endpoint: {{connector: {{image: x:v1}}}}\n    bindings:\n"
        ));
        for b in 0..10 {
            text.push_str(&format!(
                "      - resource:\n          stream: s{b}\n        target: acme/c{t}_{b}\n"
            ));
        }
    }
    text.push_str("collections:\n");
    for c in 0..50 {
        text.push_str(&format!(
            "  acme/c{c}:\n    key: [/id]\n    schema: {{type: object}}\n"
        ));
    }
    let task = |t: usize| vec![PathSeg::key("captures"), PathSeg::key(format!("acme/t{t}"))];
    let bindings = |t: usize| [task(t), vec![PathSeg::key("bindings")]].concat();
    let mut edits = Vec::new();
    for t in 0..20 {
        for b in (0..10).step_by(3) {
            edits.push(Edit::Set {
                map: [bindings(t), vec![PathSeg::Index(b)]].concat(),
                key: "disable".into(),
                value: json!(true),
            });
        }
        // Gone: the second binding (indices are as one by one sees them: after the removal
        // of 1, the old 5 is 4).
        edits.push(Edit::RemoveItem {
            seq: bindings(t),
            index: 1,
        });
        edits.push(Edit::RemoveItem {
            seq: bindings(t),
            index: 4,
        });
        edits.push(Edit::Push {
            seq: bindings(t),
            value: json!({"resource": {"stream": "new"}, "target": format!("acme/new{t}")}),
        });
    }
    for n in 0..20 {
        edits.push(Edit::Set {
            map: vec![PathSeg::key("collections")],
            key: format!("acme/new{n}"),
            value: json!({"key": ["/id"], "schema": {"type": "object", "x-note": "2020-01-01"}}),
        });
    }
    let mut batch = Document::parse(text.clone()).unwrap();
    batch.edit_batch(&edits, Removals::Strict).unwrap();
    let mut one = Document::parse(text.clone()).unwrap();
    one.edit(&edits, Removals::Strict).unwrap();
    assert_eq!(batch.text, one.text);
    assert_eq!(batch.root, build::parse(&batch.text).unwrap());
    assert!(batch.text.contains("  acme/new19:\n    key:\n      - /id\n    schema:\n      type: object\n      x-note: \"2020-01-01\"\n"));
}
