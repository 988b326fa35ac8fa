//! Writing back a whole changed value (a config object edited in a form) as the smallest set of
//! format-preserving edits.
//!
//! A form produces a new JSON value for a config object; rewriting the object wholesale would
//! lose the author's comments, key order, quoting and layout. Instead the old and new values are
//! compared key by key and only what differs becomes an [`Edit`], so every untouched line of the
//! file stays byte-identical and each edit is verified like any other patch.

use serde_json::Value as Json;

use super::document::Document;
use super::patch::{Edit, PatchError, Removals};
use super::render;
use super::tree::{self, PathSeg, Value};

/// Changes the value at `at` (empty = the whole document) from `old` to `new`, touching only the
/// parts that differ: unchanged keys keep their bytes, changed scalars are replaced in place
/// (comments after them stay), removed keys lose their lines, new keys are appended to their
/// mapping in the order of `new`. Objects are recursed into, as are arrays of equal length;
/// arrays whose length changed are replaced as a whole.
///
/// A null value (`config:` with nothing, an empty document) counts as `{}`; a value missing from
/// its parent mapping is added when `old` is null. Comments on removed lines go with them. When a
/// layout is too unusual for fine edits, each changed key of the value is replaced whole.
///
/// Fails with [`PatchError::Verify`] when the document does not hold `old` at `at` (the text
/// changed under the form), or when the patched text would not read back as exactly `new`.
pub fn apply_change(
    text: &str,
    at: &[PathSeg],
    old: &Json,
    new: &Json,
) -> Result<String, PatchError> {
    let mut doc = Document::parse(text.to_string())?;
    change(&mut doc, at, old, new)?;
    Ok(doc.into_text())
}

/// [`apply_change`] on a kept document: all or nothing (on error `doc` is unchanged).
pub(crate) fn change(
    doc: &mut Document,
    at: &[PathSeg],
    old: &Json,
    new: &Json,
) -> Result<(), PatchError> {
    let here = tree::pointer(at);
    let Some(node) = doc.root().at(at) else {
        // Not written yet (a binding without `resource:`): a null `old` means "absent", and the
        // value is added to its parent mapping.
        return match (at.split_last(), old) {
            (Some((PathSeg::Key(key), parent)), Json::Null) => {
                let edit = Edit::Set {
                    map: parent.to_vec(),
                    key: key.clone(),
                    value: new.clone(),
                };
                finish(doc, at, new, &[edit])
            }
            _ => Err(PatchError::Missing(here)),
        };
    };
    if node.shared || aliased_anchor(doc.text(), node).is_some() {
        // Its text is used elsewhere too (`&cfg` with a `*cfg` further on): editing it here
        // would silently change the other users.
        return Err(PatchError::Shared(here));
    }
    let current = node.to_json();
    // A null value (`config:` with nothing, or an empty document, which is what a new external
    // config file starts as) holds `{}` too, since forms treat both alike.
    let null = node.value == Value::Null;
    let old_matches = current == *old || (null && *old == Json::Object(Default::default()));
    if !old_matches {
        return Err(PatchError::Verify(here));
    }
    if current == *new || (null && *new == Json::Object(Default::default())) {
        return Ok(());
    }
    let start = if null { &Json::Null } else { old };
    if at.is_empty()
        && !matches!((start, new), (Json::Object(_), Json::Object(n)) if !n.is_empty())
        && !(null && new.is_object())
    {
        // The document itself changes kind or is emptied: it has no key to write after.
        return finish_document(doc, new);
    }
    let mut edits = Vec::new();
    diff(at.to_vec(), start, new, &mut edits)?;
    match finish(doc, at, new, &edits) {
        Err(PatchError::Layout(where_)) => {
            // Some part is laid out in a way the fine-grained edits cannot handle: replace each
            // changed key of the value whole instead, which needs far less of the layout.
            let coarse = coarse_diff(at, start, new);
            match coarse {
                Some(coarse) if coarse != edits => finish(doc, at, new, &coarse),
                _ => Err(PatchError::Layout(where_)),
            }
        }
        other => other,
    }
}

/// The name of the anchor on `node` (`&name` just before its text, or where its span starts)
/// when an alias `*name` to it appears in `text`.
fn aliased_anchor(text: &str, node: &tree::Node) -> Option<String> {
    let own = text[node.pos.start..].split_whitespace().next();
    let before = text[..node.pos.start].split_whitespace().next_back();
    let anchor = [own, before]
        .into_iter()
        .flatten()
        .find_map(|t| t.strip_prefix('&'))?;
    let alias = format!("*{anchor}");
    text.match_indices(&alias)
        .any(|(i, _)| {
            let end = i + alias.len();
            text[end..]
                .chars()
                .next()
                .is_none_or(|c| c.is_whitespace() || ",]}".contains(c))
        })
        .then(|| anchor.to_string())
}

/// Applies `edits` (dropping comments on removed lines) and checks the value at `at` is `new`.
fn finish(
    doc: &mut Document,
    at: &[PathSeg],
    new: &Json,
    edits: &[Edit],
) -> Result<(), PatchError> {
    doc.edit_then(edits, Removals::WithComments, &|root| {
        if root.at(at).map(|n| n.to_json()).as_ref() == Some(new) {
            Ok(())
        } else {
            Err(PatchError::Verify(tree::pointer(at)))
        }
    })
    .map(|_| ())
}

/// Rewrites the whole document's value (comments before it stay): block YAML, or JSON for a
/// JSON document. Used when the document is emptied (`{}`) or changes kind.
fn finish_document(doc: &mut Document, new: &Json) -> Result<(), PatchError> {
    let layout = || PatchError::Layout(String::new());
    let (text, root) = (doc.text(), doc.root());
    if root.value == Value::Null || root.shared {
        return Err(layout());
    }
    let json = root.flow && super::patch::json_document(root);
    let rendered = if json || new.as_object().is_some_and(|o| o.is_empty()) {
        render::flow(new, json).ok_or_else(layout)?
    } else {
        render::block(new, super::patch::text::newline(text))
    };
    let end = super::patch::text::content_end(text, root);
    let end = text[end..]
        .find(['\r', '\n'])
        .map_or(text.len(), |i| end + i);
    let mut out = text.to_string();
    out.replace_range(root.pos.start..end, &rendered);
    let after = Document::parse(out)?;
    if after.root().to_json() != *new {
        return Err(PatchError::Verify(String::new()));
    }
    *doc = after;
    Ok(())
}

/// The edits that set every changed key of an object whole (for when the fine-grained ones
/// cannot be laid out); `None` when `old` and `new` are not both objects.
fn coarse_diff(at: &[PathSeg], old: &Json, new: &Json) -> Option<Vec<Edit>> {
    let n = new.as_object()?;
    let empty = serde_json::Map::new();
    let o = match old {
        Json::Null if at.is_empty() => &empty,
        other => other.as_object()?,
    };
    if n.is_empty() {
        return None;
    }
    let mut edits: Vec<Edit> = n
        .iter()
        .filter(|(k, v)| o.get(*k) != Some(*v))
        .map(|(k, v)| Edit::Set {
            map: at.to_vec(),
            key: k.clone(),
            value: v.clone(),
        })
        .collect();
    edits.extend(
        o.keys()
            .filter(|k| !n.contains_key(*k))
            .map(|k| Edit::Remove {
                map: at.to_vec(),
                key: k.clone(),
            }),
    );
    Some(edits)
}

/// Appends the edits that turn `old` at `path` into `new`.
fn diff(path: Vec<PathSeg>, old: &Json, new: &Json, out: &mut Vec<Edit>) -> Result<(), PatchError> {
    if old == new {
        return Ok(());
    }
    match (old, new) {
        // A mapping that loses all its keys is written as `{}` (a block mapping cannot be
        // empty), and an empty one being filled in is written anew (as block YAML where its
        // surroundings are); anything else is edited key by key. The whole document is always
        // edited key by key: it has no key to write a new value after.
        (Json::Object(o), Json::Object(n))
            if (!n.is_empty() && !o.is_empty()) || (path.is_empty() && !n.is_empty()) =>
        {
            diff_objects(&path, o, n, out)
        }
        // The empty document: its first keys.
        (Json::Null, Json::Object(n)) if path.is_empty() => {
            for (k, nv) in n {
                out.push(Edit::Set {
                    map: vec![],
                    key: k.clone(),
                    value: nv.clone(),
                });
            }
            Ok(())
        }
        // Grown or shrunk (but not emptied or filled from empty): items are appended at the
        // end or removed where they were, so the other items keep their lines.
        (Json::Array(o), Json::Array(n))
            if o.len() == n.len() || (!o.is_empty() && !n.is_empty()) =>
        {
            diff_arrays(&path, o, n, out)
        }
        _ => {
            let mut parent = path.clone();
            match parent.pop() {
                Some(PathSeg::Key(key)) => out.push(Edit::Set {
                    map: parent,
                    key,
                    value: new.clone(),
                }),
                Some(PathSeg::Index(index)) => out.push(Edit::SetItem {
                    seq: parent,
                    index,
                    value: new.clone(),
                }),
                None => return Err(PatchError::Layout(tree::pointer(&path))),
            }
            Ok(())
        }
    }
}

/// [`diff`] of two objects, key by key: changed keys recursed into, new keys added, removed
/// keys removed last (so a mapping never runs empty in between).
fn diff_objects(
    path: &[PathSeg],
    o: &serde_json::Map<String, Json>,
    n: &serde_json::Map<String, Json>,
    out: &mut Vec<Edit>,
) -> Result<(), PatchError> {
    let mut removed = Vec::new();
    for (k, ov) in o {
        match n.get(k) {
            Some(nv) => diff(child(path, PathSeg::Key(k.clone())), ov, nv, out)?,
            None => removed.push(k.clone()),
        }
    }
    for (k, nv) in n {
        if !o.contains_key(k) {
            out.push(Edit::Set {
                map: path.to_vec(),
                key: k.clone(),
                value: nv.clone(),
            });
        }
    }
    for k in removed {
        out.push(Edit::Remove {
            map: path.to_vec(),
            key: k,
        });
    }
    Ok(())
}

/// [`diff`] of two arrays: item by item where they are as long; a shorter one that is the old
/// one with items taken out loses those; otherwise the common prefix is edited and items are
/// pushed or removed at the end.
fn diff_arrays(
    path: &[PathSeg],
    o: &[Json],
    n: &[Json],
    out: &mut Vec<Edit>,
) -> Result<(), PatchError> {
    if n.len() < o.len() {
        if let Some(gone) = removed_items(o, n) {
            for index in gone.into_iter().rev() {
                out.push(Edit::RemoveItem {
                    seq: path.to_vec(),
                    index,
                });
            }
            return Ok(());
        }
    }
    let common = o.len().min(n.len());
    for (i, (ov, nv)) in o.iter().zip(n).enumerate().take(common) {
        diff(child(path, PathSeg::Index(i)), ov, nv, out)?;
    }
    for value in &n[common..] {
        out.push(Edit::Push {
            seq: path.to_vec(),
            value: value.clone(),
        });
    }
    for index in (common..o.len()).rev() {
        out.push(Edit::RemoveItem {
            seq: path.to_vec(),
            index,
        });
    }
    Ok(())
}

/// The indices of `old` to remove so that it becomes `new`, when `new` is `old` with some items
/// taken out (matched greedily from the front).
fn removed_items(old: &[Json], new: &[Json]) -> Option<Vec<usize>> {
    let mut gone = Vec::new();
    let mut next = new.iter().peekable();
    for (i, item) in old.iter().enumerate() {
        if next.peek() == Some(&item) {
            next.next();
        } else {
            gone.push(i);
        }
    }
    next.peek().is_none().then_some(gone)
}

fn child(path: &[PathSeg], seg: PathSeg) -> Vec<PathSeg> {
    let mut p = path.to_vec();
    p.push(seg);
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(k: &str) -> PathSeg {
        PathSeg::key(k)
    }

    /// Applies old -> new at `at` (old read from the text) and returns the new text.
    fn change(text: &str, at: &[PathSeg], new: Json) -> String {
        let old = tree::parse(text).unwrap().at(at).unwrap().to_json();
        let out = apply_change(text, at, &old, &new).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(tree::parse(&out).unwrap().at(at).unwrap().to_json(), new);
        out
    }

    const CFG: &str = "endpoint:\n  connector:\n    image: x:v1\n    config:\n      host: db # the host\n      auth:\n        type: password\n        password: x\n      port: 5432\nother: 1\n";

    fn cfg_path() -> Vec<PathSeg> {
        vec![key("endpoint"), key("connector"), key("config")]
    }

    fn cfg() -> Json {
        tree::parse(CFG).unwrap().at(&cfg_path()).unwrap().to_json()
    }

    #[test]
    fn a_changed_scalar_deep_inside_keeps_everything_else() {
        let mut new = cfg();
        new["auth"]["password"] = json!("s3cr#t: 'x' \"y\"");
        new["host"] = json!("db2");
        assert_eq!(
            change(CFG, &cfg_path(), new),
            "endpoint:\n  connector:\n    image: x:v1\n    config:\n      host: db2 # the host\n      auth:\n        type: password\n        password: \"s3cr#t: 'x' \\\"y\\\"\"\n      port: 5432\nother: 1\n"
        );
    }

    #[test]
    fn switching_a_one_of_variant_replaces_the_object() {
        let mut new = cfg();
        new["auth"] =
            json!({"type": "key", "private_key": "-----BEGIN KEY-----\nabc\n-----END KEY-----\n"});
        assert_eq!(
            change(CFG, &cfg_path(), new),
            "endpoint:\n  connector:\n    image: x:v1\n    config:\n      host: db # the host\n      auth:\n        type: key\n        private_key: |\n          -----BEGIN KEY-----\n          abc\n          -----END KEY-----\n      port: 5432\nother: 1\n"
        );
    }

    #[test]
    fn nested_objects_are_added_and_removed_by_lines() {
        let mut new = cfg();
        new.as_object_mut().unwrap().remove("auth");
        new["tls"] =
            json!({"mode": "verify", "ca": {"file": "a.pem"}, "hosts": ["a", "b"], "x": []});
        assert_eq!(
            change(CFG, &cfg_path(), new),
            "endpoint:\n  connector:\n    image: x:v1\n    config:\n      host: db # the host\n      port: 5432\n      tls:\n        mode: verify\n        ca:\n          file: a.pem\n        hosts:\n          - a\n          - b\n        x: []\nother: 1\n"
        );
    }

    #[test]
    fn an_empty_value_becomes_a_block_mapping() {
        let text = "config:   # fill me\nnext: 1\n";
        assert_eq!(
            change(
                text,
                &[],
                json!({"config": {"a": 1, "b": {"c": "d"}}, "next": 1})
            ),
            "config:   # fill me\n  a: 1\n  b:\n    c: d\nnext: 1\n"
        );
        assert_eq!(
            change(text, &[key("config")], json!({"a": 1})),
            "config:   # fill me\n  a: 1\nnext: 1\n"
        );
    }

    #[test]
    fn empty_documents_get_their_first_keys() {
        let new = json!({"a": 1, "b": {"c": [1, {"d": 2, "e": 3}]}});
        for (text, want) in [
            ("", "a: 1\nb:\n  c:\n    - 1\n    - d: 2\n      e: 3\n"),
            (
                "# config\n",
                "# config\na: 1\nb:\n  c:\n    - 1\n    - d: 2\n      e: 3\n",
            ),
            (
                "{}\n",
                "{\"a\": 1, \"b\": {\"c\": [1, {\"d\": 2, \"e\": 3}]}}\n",
            ),
        ] {
            let out = apply_change(text, &[], &json!({}), &new).unwrap();
            assert_eq!(out, want);
            assert_eq!(tree::parse(&out).unwrap().to_json(), new);
        }
    }

    #[test]
    fn the_first_key_of_a_sequence_item_is_removed_onto_the_dash() {
        let text = "l:\n  - a:\n      x: 1\n    b: 2\n    c: 3\n";
        assert_eq!(
            change(
                text,
                &[key("l"), PathSeg::Index(0)],
                json!({"b": 2, "c": 3})
            ),
            "l:\n  - b: 2\n    c: 3\n"
        );
    }

    #[test]
    fn sequence_items_are_replaced_in_place() {
        let text = "l:\n  - a # first\n  - {x: 1}\n  - k: 1\n    j: 2\n";
        assert_eq!(
            change(text, &[key("l")], json!(["b", {"x": 2}, {"k": 1, "j": 3}])),
            "l:\n  - b # first\n  - {x: 2}\n  - k: 1\n    j: 3\n"
        );
        assert_eq!(
            change(text, &[key("l")], json!([{"p": 1, "q": 2}, [1], "z"])),
            "l:\n  - p: 1 # first\n    q: 2\n  - [1]\n  - z\n"
        );
    }

    #[test]
    fn sequences_grow_and_shrink_in_place() {
        let text = "l:\n- a # keep\n- b\n- c\nf: [1, 2, 3]\n";
        assert_eq!(
            change(
                text,
                &[],
                json!({"l": ["a", "b", "c", {"x": 1, "y": [2]}], "f": [1, 2, 3, 4]})
            ),
            "l:\n- a # keep\n- b\n- c\n- x: 1\n  \"y\":\n    - 2\nf: [1, 2, 3, 4]\n"
        );
        assert_eq!(
            change(text, &[], json!({"l": ["a", "c"], "f": [1, 3]})),
            "l:\n- a # keep\n- c\nf: [1, 3]\n"
        );
        // Not a subsequence: the common prefix is edited and the tail removed.
        assert_eq!(
            change(text, &[], json!({"l": ["z", "y"], "f": [3]})),
            "l:\n- z # keep\n- \"y\"\nf: [3]\n"
        );
        // Emptied and filled from empty: written anew.
        assert_eq!(
            change(text, &[], json!({"l": [], "f": []})),
            "l: []\nf: []\n"
        );
        assert_eq!(
            change("l: []\nm: {}\n", &[], json!({"l": ["a"], "m": {"k": "v"}})),
            "l:\n  - a\nm:\n  k: v\n"
        );
    }

    #[test]
    fn a_missing_value_is_created_in_its_parent() {
        let text = "bindings:\n  - target: a\n";
        let at = [key("bindings"), PathSeg::Index(0), key("resource")];
        let out = apply_change(text, &at, &Json::Null, &json!({"stream": "s"})).unwrap();
        assert_eq!(
            out,
            "bindings:\n  - target: a\n    resource:\n      stream: s\n"
        );
        let err = apply_change(text, &at, &json!({}), &json!({"stream": "s"})).unwrap_err();
        assert!(matches!(err, PatchError::Missing(_)), "{err:?}");
    }

    #[test]
    fn layouts_too_odd_for_fine_edits_fall_back_to_whole_keys() {
        // An explicit `? key` cannot be removed by lines; the whole `l` is rewritten instead.
        let text = "a: 1\nl:\n  - ? x\n    : 1\n    y: 2\n";
        let fine = [Edit::Remove {
            map: vec![key("l"), PathSeg::Index(0)],
            key: "x".into(),
        }];
        let mut doc = Document::parse(text.to_string()).unwrap();
        let err = doc.edit(&fine, Removals::WithComments).unwrap_err();
        assert!(matches!(err, PatchError::Layout(_)), "{err:?}");
        let out = change(text, &[], json!({"a": 1, "l": [{"y": 2}]}));
        assert_eq!(out, "a: 1\nl:\n  - \"y\": 2\n");
    }

    #[test]
    fn the_whole_document_can_be_emptied_or_replaced() {
        let text = "# managed by flowspec\na: 1\nb:\n  c: 2\n";
        assert_eq!(
            apply_change(text, &[], &json!({"a": 1, "b": {"c": 2}}), &json!({})).unwrap(),
            "# managed by flowspec\n{}\n"
        );
        assert_eq!(
            apply_change(
                text,
                &[],
                &json!({"a": 1, "b": {"c": 2}}),
                &json!([1, {"x": "y"}])
            )
            .unwrap(),
            "# managed by flowspec\n- 1\n- x: \"y\"\n"
        );
        let json_text = "{\"a\": 1}";
        assert_eq!(
            apply_change(json_text, &[], &json!({"a": 1}), &json!({})).unwrap(),
            "{}"
        );
        // And a `{}` document is filled in again (as JSON).
        assert_eq!(
            apply_change("{}\n", &[], &json!({}), &json!({"a": [1]})).unwrap(),
            "{\"a\": [1]}\n"
        );
    }

    #[test]
    fn a_null_value_counts_as_an_empty_object() {
        let text = "config:\nx: 1\n";
        assert_eq!(
            apply_change(text, &[key("config")], &json!({}), &json!({})).unwrap(),
            text
        );
        assert_eq!(apply_change("", &[], &Json::Null, &json!({})).unwrap(), "");
        assert_eq!(
            apply_change(text, &[key("config")], &json!({}), &json!({"a": 1})).unwrap(),
            "config:\n  a: 1\nx: 1\n"
        );
    }

    #[test]
    fn aliased_values_are_refused_up_front() {
        let text = "a: &cfg {x: 1}\nb: *cfg\nc: &one {y: 1}\n";
        let err = apply_change(text, &[key("a")], &json!({"x": 1}), &json!({"x": 2})).unwrap_err();
        assert!(matches!(err, PatchError::Shared(_)), "{err:?}");
        let err = apply_change(text, &[key("b")], &json!({"x": 1}), &json!({"x": 2})).unwrap_err();
        assert!(matches!(err, PatchError::Shared(_)), "{err:?}");
        // An anchor nobody refers to is no reason to refuse.
        assert_eq!(
            apply_change(text, &[key("c")], &json!({"y": 1}), &json!({"y": 2})).unwrap(),
            "a: &cfg {x: 1}\nb: *cfg\nc: &one {y: 2}\n"
        );
    }

    #[test]
    fn a_stale_old_value_is_refused() {
        let err = apply_change("a: 1\n", &[], &json!({"a": 2}), &json!({"a": 3})).unwrap_err();
        assert!(matches!(err, PatchError::Verify(_)), "{err:?}");
    }
}
