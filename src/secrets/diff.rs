//! Diffs that never show a secret: both versions of a file are masked by position
//! ([`super::mask`]) at every secret location of every config they hold ([`super::sites`]),
//! then diffed. A secret whose value changed is masked differently in the newer version, so
//! the line still shows as changed.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::Value;

use super::mask::{anchor_source, apply, node_span, Span};
use super::sites::{sites, Schemas};
use crate::catalog::Catalog;
use crate::form::pointer::segments;
use crate::yaml::{self, Node, PathSeg};

/// What replaces a version of a file that does not parse: its secrets cannot be located, so
/// none of it is shown.
pub const UNPARSEABLE: &str =
    "(this version does not parse as YAML: not shown, since its secrets cannot be located)\n";

/// A unified diff of `old` → `new`, two versions of file `file` of `catalog` shown as
/// `display`, with every secret masked in both.
pub fn masked_diff(
    catalog: &Catalog,
    file: usize,
    display: &str,
    old: &str,
    new: &str,
    schemas: &Schemas,
) -> String {
    let (old, new) = mask_versions(catalog, file, old, new, schemas);
    crate::save::unified_diff(display, &old, &new)
}

/// `old` and `new` with their secrets masked: every secret in `old` becomes
/// [`super::mask::MASK`]; in `new` too, or [`super::mask::MASK_CHANGED`] where `old` held a
/// different value at the same location.
pub fn mask_versions<'t>(
    catalog: &Catalog,
    file: usize,
    old: &'t str,
    new: &'t str,
    schemas: &Schemas,
) -> (Cow<'t, str>, Cow<'t, str>) {
    if schemas.holds_no_config(catalog, file) {
        // A schema or documents file: thousands of them come with one discovery, and their
        // megabytes are not copied.
        return (Cow::Borrowed(old), Cow::Borrowed(new));
    }
    let old_root = yaml::parse(old).ok();
    // The tree the catalog keeps of the new text, when it has one (after an edit, or for a
    // new catalog file): a large file is not parsed again.
    let parsed_new;
    let new_root = match catalog.files.get(file).and_then(|f| f.kept_tree(new)) {
        Some(root) => Some(root),
        None => {
            parsed_new = yaml::parse(new).ok();
            parsed_new.as_ref()
        }
    };
    let old_secrets = old_root
        .as_ref()
        .map(|r| secret_nodes(catalog, file, r, schemas))
        .unwrap_or_default();
    let before: HashMap<&str, Value> = old_secrets
        .iter()
        .map(|(p, n)| (p.as_str(), n.to_json()))
        .collect();
    let old_masked = match &old_root {
        Some(root) => masked(old, &spans(old, root, &old_secrets, |_, _| false)),
        None => Cow::Borrowed(UNPARSEABLE),
    };
    let new_masked = match new_root {
        Some(root) => {
            let found = secret_nodes(catalog, file, root, schemas);
            let changed = |p: &str, n: &Node| before.get(p).is_some_and(|v| *v != n.to_json());
            masked(new, &spans(new, root, &found, changed))
        }
        None => Cow::Borrowed(UNPARSEABLE),
    };
    (old_masked, new_masked)
}

/// `text` with `spans` masked; `text` itself when there is nothing to mask.
fn masked<'t>(text: &'t str, spans: &[Span]) -> Cow<'t, str> {
    if spans.is_empty() {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(apply(text, spans))
    }
}

/// Every secret node of a parsed file, with its JSON pointer in the document.
pub fn secret_nodes<'n>(
    catalog: &Catalog,
    file: usize,
    root: &'n Node,
    schemas: &Schemas,
) -> Vec<(String, &'n Node)> {
    let mut out = Vec::new();
    for site in sites(catalog, file, root, schemas) {
        let Some(config) = root.at(&site.at) else {
            continue;
        };
        let base = yaml::pointer(&site.at);
        for p in site.rule.locate(&config.to_json()) {
            if let Some(n) = node_at(config, &p) {
                out.push((format!("{base}{p}"), n));
            }
        }
    }
    out
}

/// The spans to mask for `found` in `text`: each node's own text and, for an alias, the
/// text of the anchor it repeats.
fn spans(
    text: &str,
    root: &Node,
    found: &[(String, &Node)],
    changed: impl Fn(&str, &Node) -> bool,
) -> Vec<Span> {
    let mut out = Vec::new();
    for (p, n) in found {
        let changed = changed(p, n);
        out.push(node_span(text, n, changed));
        if n.shared && text.get(n.pos.start..).is_some_and(|t| t.starts_with('*')) {
            if let Some(source) = anchor_source(text, root, n) {
                out.push(node_span(text, source, changed));
            }
        }
    }
    out
}

/// The node at JSON pointer `pointer` below `node` (keys compared by their string form, as
/// in the JSON the pointer was found in).
pub fn node_at<'n>(node: &'n Node, pointer: &str) -> Option<&'n Node> {
    let mut cur = node;
    for seg in segments(pointer) {
        cur = if cur.is_seq() {
            cur.at(&[PathSeg::Index(seg.parse().ok()?)])?
        } else {
            cur.entries()
                .iter()
                .find(|(k, _)| k.key_cow() == seg.as_str())
                .map(|(_, v)| v)?
        };
    }
    Some(cur)
}
