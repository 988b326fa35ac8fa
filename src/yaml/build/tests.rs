//! Tests of the builder's limits: alias copies, nesting depth, node count.

use super::*;

/// `levels` levels of `width` aliases each, the first level `width` scalars: the classic
/// "billion laughs" (10 levels of 10 stand for 10^10 nodes in a few hundred bytes).
pub(crate) fn laughs(levels: usize, width: usize) -> String {
    let mut text = format!("l0: &l0 [{}]\n", vec!["lol"; width].join(", "));
    for i in 1..levels {
        let items = vec![format!("*l{}", i - 1); width].join(", ");
        text.push_str(&format!("l{i}: &l{i} [{items}]\n"));
    }
    text
}

#[test]
fn alias_bombs_are_refused_at_the_alias_that_crosses_the_limit() {
    let text = laughs(9, 10);
    let err = parse(&text).unwrap_err();
    // Level 4 copies 10^5 nodes in all: its seventh alias crosses 100,000 copies.
    assert_eq!((err.line, err.col), (5, 40), "{err}");
    assert_eq!(&text.lines().nth(4).unwrap()[39..42], "*l3");
    assert!(
        err.message.starts_with(
            "alias `*l3` copies too much: the document's aliases would copy more than 100000 nodes"
        ),
        "{err}"
    );
    // Modest sharing is fine.
    let ok = parse(&laughs(4, 10)).unwrap();
    assert_eq!(ok.get("l3").unwrap().items().len(), 10);
}

#[test]
fn merge_keys_and_nested_anchors_cannot_multiply_either() {
    let mut text = String::from("m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8}\n");
    for i in 1..12 {
        let keys: Vec<String> = (0..8).map(|k| format!("k{k}: *m{}", i - 1)).collect();
        text.push_str(&format!(
            "m{i}: &m{i} {{<<: *m{}, {}}}\n",
            i - 1,
            keys.join(", ")
        ));
    }
    let err = parse(&text).unwrap_err();
    assert!(err.message.contains("alias `*m"), "{err}");
    // Each anchor keeps a copy of its value: wrapping one big value in many anchors is
    // a bomb too, stopped at an anchor.
    let mut text = laughs(4, 10);
    text.push_str("w: ");
    for i in 0..200 {
        text.push_str(&format!("&w{i} ["));
    }
    text.push_str("*l3");
    text.push_str(&"]".repeat(200));
    text.push('\n');
    let err = parse(&text).unwrap_err();
    assert!(err.message.starts_with("anchor `&w"), "{err}");
    assert_eq!(err.line, 5);
}

#[test]
fn documents_of_too_many_nodes_are_refused_at_the_first_one_too_many() {
    let text = format!("x: [{}]\n", vec!["1"; 600].join(","));
    assert!(parse_limited(&text, 603).is_ok());
    let err = parse_limited(&text, 602).unwrap_err();
    // The root, `x`, the sequence, then 599 items fit: the 600th, at column 1203, does not.
    assert_eq!((err.line, err.col), (1, 1203), "{err}");
    assert_eq!(
        err.message,
        "the document has more than 602 nodes, more than flowspec reads from one file"
    );
}

#[test]
fn anchors_are_named_after_any_whitespace() {
    assert_eq!(span_anchor("a:\u{2028}&x 1", 8), 5);
    assert_eq!(span_anchor("a: \u{2028}1", 6), 6);
    assert_eq!(span_anchor("&x 1", 3), 0);
    assert_eq!(named("k: &x 1", 3, b'&'), Some("&x"));
}

#[test]
fn nesting_is_bounded_with_a_located_error() {
    let err = parse(&"[".repeat(100_000)).unwrap_err();
    assert_eq!((err.line, err.col), (1, 256), "{err}");
    assert!(err.message.contains("nested more than 255 levels"), "{err}");
    let block = |levels: usize| -> String {
        (0..levels)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect()
    };
    let err = parse(&block(1_000)).unwrap_err();
    let next = MAX_DEPTH as u32 + 1;
    assert_eq!((err.line, err.col), (next, next), "{err}");
    assert!(
        err.message.contains("nested more than 256 levels deep"),
        "{err}"
    );
    // Exactly at the limit is fine.
    assert!(parse(&block(MAX_DEPTH)).is_ok());
    // Aliases cannot stack depth: each copy lands at most MAX_DEPTH levels down.
    let half = MAX_DEPTH / 2 + 1;
    let text = format!(
        "a: &a {}{}\nb: {}*a{}\n",
        "[".repeat(half),
        "]".repeat(half),
        "[".repeat(half),
        "]".repeat(half)
    );
    let err = parse(&text).unwrap_err();
    assert_eq!((err.line, err.col), (2, half as u32 + 4));
    assert!(
        err.message
            .starts_with("alias `*a`: collections are nested"),
        "{err}"
    );
}

#[test]
fn the_deepest_document_is_safe_for_every_recursive_walk_on_a_small_stack() {
    // A 2 MiB stack, as tokio's blocking threads (which load catalogs for the TUI) have.
    let text: String = (0..MAX_DEPTH)
        .map(|i| {
            format!(
                "{}{}\n",
                " ".repeat(i),
                if i + 1 == MAX_DEPTH { "x: 1" } else { "a:" }
            )
        })
        .collect();
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let root = parse(&text).unwrap();
            let json = root.to_json();
            let copy = root.clone();
            assert_eq!(copy, root);
            assert!(format!("{root:?}").len() > text.len());
            let path: Vec<_> = (0..MAX_DEPTH - 1)
                .map(|_| crate::yaml::PathSeg::key("a"))
                .collect();
            let edit = crate::yaml::patch::Edit::Set {
                map: path,
                key: "x".into(),
                value: serde_json::json!(2),
            };
            let out = crate::yaml::patch::apply(&text, &[edit]).unwrap();
            assert!(out.contains("x: 2"));
            drop((root, copy, json));
        })
        .unwrap();
    handle.join().expect("no stack overflow");
}

#[test]
fn an_unclosed_flow_collection_is_reported_where_it_opens() {
    // The `{` on line 6 is never closed; saphyr notices two lines later.
    let text = "a: 1\nb:\n  c: 2\nd: 3\ne: 4\nf: {x: 1,\n  y: 2\ng: 5\n";
    let err = parse(text).unwrap_err();
    assert_eq!((err.line, err.col), (6, 4), "{err}");
    assert!(
        err.message
            .starts_with("unclosed flow mapping (opened here); parsing stopped at 8:"),
        "{err}"
    );
    assert!(
        err.message.contains("did not find expected ',' or '}'"),
        "{err}"
    );
    // A sequence, nested in a closed mapping: the innermost open collection is the culprit.
    let err = parse("a: {b: [1, {c: 2}\nd: 1\n").unwrap_err();
    assert_eq!((err.line, err.col), (1, 8), "{err}");
    assert!(
        err.message
            .starts_with("unclosed flow sequence (opened here); parsing stopped at 2:"),
        "{err}"
    );
}

#[test]
fn an_error_inside_a_closed_flow_collection_names_it_without_calling_it_unclosed() {
    let err = parse("k: [a, b: c: d]\n").unwrap_err();
    assert_eq!((err.line, err.col), (1, 4), "{err}");
    assert!(
        err.message
            .starts_with("in the flow sequence opened here; parsing stopped at 1:"),
        "{err}"
    );
    // Brackets inside quotes and comments do not count as closing it.
    let err = parse("k: {a: \"}\", # }\n  b: c: d\n").unwrap_err();
    assert_eq!((err.line, err.col), (1, 4), "{err}");
    assert!(err.message.starts_with("unclosed flow mapping"), "{err}");
}

#[test]
fn errors_outside_flow_collections_stay_where_parsing_stopped() {
    let err = parse("a:\n  b: 1\n c: 2\n").unwrap_err();
    assert_eq!((err.line, err.col), (3, 2), "{err}");
    assert!(!err.message.contains("opened here"), "{err}");
}

#[test]
fn flow_nesting_past_the_limit_is_reported_where_it_goes_too_deep() {
    let text = format!("a: {}1{}\n", "[".repeat(300), "]".repeat(300));
    let err = parse(&text).unwrap_err();
    assert_eq!(err.line, 1, "{err}");
    assert!(
        err.col > 200,
        "located where the nesting goes too deep: {err}"
    );
    assert!(err.message.contains("nested more than 255 levels"), "{err}");
    assert!(!err.message.contains("unclosed"), "{err}");
}
