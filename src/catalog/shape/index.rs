//! Where `$ref`s lead: every schema document of a catalog by URL, with the `$id`s and
//! `$anchor`s inside them, as Flow's schema index (estuary/flow `crates/json/src/schema/index.rs`)
//! does for the documents its loader fetched. Nothing here reads a file: documents are the
//! parsed texts of files the catalog loader already read.

use std::collections::HashMap;

use url::Url;

use crate::yaml::{Node, Value};

/// Schema documents and the resources inside them, by absolute URL.
#[derive(Debug, Default)]
pub struct Index<'n> {
    /// Resources by URL without fragment: document roots and subschemas with an `$id`.
    resources: HashMap<String, &'n Node>,
    /// Named anchors by URL with fragment: `$anchor: Integer` and the older `$id: '#Integer'`.
    anchors: HashMap<String, &'n Node>,
    /// Anchors of each inline schema by (its root's address, name): inline schemas of one
    /// catalog file share its URL, and Flow builds each on its own, so two may use one name.
    scoped: HashMap<(usize, String), &'n Node>,
}

/// Where a `$ref` (or a collection's `schema: file.yaml#fragment`) leads.
#[derive(Debug)]
pub enum Resolved<'n> {
    /// The schema, and the base URL for references inside it.
    Found(&'n Node, Url),
    /// A URL Flow resolves without files (`flow://inferred-schema`, `flow://write-schema`) or
    /// fetches from the network: unknown offline.
    External,
    /// The document is not in the catalog (the loader reports why: missing, unreadable).
    NoDocument(Url),
    /// The document is there but the fragment names nothing in it.
    NoFragment(Url),
    /// Not a URL at all.
    Invalid(String),
}

impl<'n> Index<'n> {
    /// Adds a schema document (a whole file) at `url`, with the resources inside it.
    pub fn add_document(&mut self, url: &Url, root: &'n Node) {
        self.resources.insert(without_fragment(url), root);
        self.add_nested(url, root);
    }

    /// Adds the `$id`s and `$anchor`s inside an inline schema of the catalog file at `url`;
    /// the inline schema itself is not a resource of its own.
    pub fn add_nested(&mut self, url: &Url, root: &'n Node) {
        let scope = root as *const Node as usize;
        // `walk_bases` gives a mapping with an `$id` the base that `$id` sets.
        walk_bases(root, url, |node, base| {
            if let Some(id) = node.get("$id").and_then(Node::as_str) {
                match id.strip_prefix('#') {
                    Some(name) => {
                        self.anchors.insert(anchor_url(base, name), node);
                        self.scoped.insert((scope, name.to_string()), node);
                    }
                    // An `$id` that is not a URL set no base: it names nothing.
                    None if base.join(id).is_ok() => {
                        self.resources.insert(without_fragment(base), node);
                    }
                    None => {}
                }
            }
            if let Some(name) = node.get("$anchor").and_then(Node::as_str) {
                self.anchors.insert(anchor_url(base, name), node);
                self.scoped.insert((scope, name.to_string()), node);
            }
        });
    }

    /// Resolves `reference` written in a schema whose base URL is `base`. `inline` is the
    /// inline schema being read, if any: a `#/...` fragment of the catalog file's own URL is
    /// looked up in it first (as in a standalone schema), then in the file.
    pub fn resolve(&self, base: &Url, reference: &str, inline: Option<&'n Node>) -> Resolved<'n> {
        let url = match base.join(reference) {
            Ok(url) => url,
            Err(e) => return Resolved::Invalid(e.to_string()),
        };
        if url.scheme() != "file" {
            return Resolved::External;
        }
        let doc = without_fragment(&url);
        let fragment = url.fragment().unwrap_or("");
        let inline = inline.filter(|_| doc == without_fragment(base));
        let mut roots: Vec<&'n Node> = Vec::new();
        if let Some(inline) = inline {
            roots.push(inline);
        }
        if let Some(root) = self.resources.get(&doc) {
            roots.push(root);
        }
        if roots.is_empty() {
            return Resolved::NoDocument(url);
        }
        let base = Url::parse(&doc).unwrap_or_else(|_| url.clone());
        if fragment.is_empty() {
            return Resolved::Found(roots[0], base);
        }
        if fragment.starts_with('/') {
            let decoded = percent_decode(fragment);
            for root in roots {
                if let Some(node) = follow_pointer(root, &decoded) {
                    return Resolved::Found(node, base);
                }
            }
            return Resolved::NoFragment(url);
        }
        let own = inline.and_then(|root| {
            self.scoped
                .get(&(root as *const Node as usize, fragment.to_string()))
        });
        if let Some(node) = own {
            return Resolved::Found(node, base);
        }
        match self.anchors.get(&anchor_url(&base, fragment)) {
            Some(node) => Resolved::Found(node, base),
            None => Resolved::NoFragment(url),
        }
    }
}

/// Every `$ref` of a schema document (or inline schema) at `url`, each with its node and the
/// base URL it resolves against (`$id`s on the way change the base, as they do for Flow), in
/// written order.
pub fn all_refs<'n>(root: &'n Node, url: &Url) -> Vec<(&'n Node, Url)> {
    let mut out = Vec::new();
    walk_bases(root, url, |node, base| {
        if let Some(r) = node.get_entry("$ref").filter(|(_, v)| v.as_str().is_some()) {
            out.push((&r.1, base.clone()));
        }
    });
    out
}

/// Calls `f` with every mapping of a schema tree, in written order (depth first), and the
/// base URL in force there: an `$id` on a mapping applies to the mapping itself and below.
/// Bases are shared, so no URL is copied per node.
fn walk_bases<'n>(root: &'n Node, url: &Url, mut f: impl FnMut(&'n Node, &Url)) {
    let mut bases: Vec<Url> = vec![url.clone()];
    let mut stack: Vec<(&'n Node, usize)> = vec![(root, 0)];
    while let Some((node, b)) = stack.pop() {
        match &node.value {
            Value::Map(entries) => {
                let mut b = b;
                if let Some(id) = node.get("$id").and_then(Node::as_str) {
                    if let (false, Ok(joined)) = (id.starts_with('#'), bases[b].join(id)) {
                        bases.push(joined);
                        b = bases.len() - 1;
                    }
                }
                f(node, &bases[b]);
                for (_, v) in entries.iter().rev() {
                    if matches!(v.value, Value::Map(_) | Value::Seq(_)) {
                        stack.push((v, b));
                    }
                }
            }
            Value::Seq(items) => {
                for v in items.iter().rev() {
                    stack.push((v, b));
                }
            }
            _ => {}
        }
    }
}

/// The `$ref`s of a schema document (or inline schema) at `url` that lead to other documents,
/// each with its node and the absolute URL it resolves to. References within the same
/// document and `flow://` URLs (which Flow resolves without files) are left out. This is what
/// the catalog loader fetches.
pub fn external_refs<'n>(root: &'n Node, url: &Url) -> Vec<(&'n Node, Url)> {
    // Resources the document defines itself (a bundled schema's `$defs` carry the `$id`s of
    // the files they came from) are not fetched.
    let mut own = std::collections::HashSet::from([without_fragment(url)]);
    walk_bases(root, url, |node, base| {
        if node.get("$id").is_some() {
            own.insert(without_fragment(base));
        }
    });
    all_refs(root, url)
        .into_iter()
        .filter_map(|(node, base)| {
            let target = base.join(node.as_str()?).ok()?;
            let elsewhere = !own.contains(&without_fragment(&target));
            (elsewhere && target.scheme() != "flow").then_some((node, target))
        })
        .collect()
}

/// `url` as a string without its fragment.
pub fn without_fragment(url: &Url) -> String {
    let mut u = url.clone();
    u.set_fragment(None);
    u.to_string()
}

fn anchor_url(base: &Url, name: &str) -> String {
    format!("{}#{name}", without_fragment(base))
}

/// Follows a JSON pointer (`/properties/id`) through a YAML tree.
pub fn follow_pointer<'n>(root: &'n Node, pointer: &str) -> Option<&'n Node> {
    let mut node = root;
    for token in pointer.split('/').skip(1) {
        let token = unescape_token(token);
        node = match &node.value {
            Value::Map(_) => node.get(&token)?,
            Value::Seq(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

/// `~1` is `/` and `~0` is `~` in a pointer token.
pub fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Decodes `%XX` escapes in a URL fragment; invalid escapes stay as written.
fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse;

    #[test]
    fn resolves_pointers_ids_and_anchors() {
        let doc = parse(
            "$defs:\n  a: {type: string}\n  b: {$anchor: Bee, type: integer}\n  c: {$id: 'other.yaml', type: boolean}\n  d: {$id: '#Dee', type: 'null'}\n",
        )
        .unwrap();
        let url = Url::parse("file:///c/s.yaml").unwrap();
        let mut index = Index::default();
        index.add_document(&url, &doc);
        let found = |r: &str| match index.resolve(&url, r, None) {
            Resolved::Found(n, _) => n.get("type").and_then(Node::as_str).map(str::to_string),
            other => Some(format!("{other:?}")),
        };
        assert_eq!(found("#/$defs/a").as_deref(), Some("string"));
        assert_eq!(found("s.yaml#Bee").as_deref(), Some("integer"));
        assert_eq!(found("other.yaml").as_deref(), Some("boolean"));
        assert_eq!(found("#Dee").as_deref(), Some("null"));
        assert!(found("#Nope").unwrap().starts_with("NoFragment"));
        assert!(found("#/$defs/zz").unwrap().starts_with("NoFragment"));
        assert!(found("missing.yaml").unwrap().starts_with("NoDocument"));
        assert!(found("flow://inferred-schema")
            .unwrap()
            .starts_with("External"));
        assert_eq!(percent_decode("/a%20b/%zz"), "/a b/%zz");
        let refs = parse(
            "properties:\n  a: {$ref: 'x.yaml#/$defs/a'}\n  b: {$ref: '#/$defs/b'}\n  c: {$ref: 'flow://write-schema'}\n  d: {$id: 'sub/d.yaml', $ref: 'e.yaml'}\n  f: {$ref: 'file:///elsewhere/bundled.yaml#/x'}\n$defs:\n  bundled: {$id: 'file:///elsewhere/bundled.yaml', x: {type: string}}\n",
        )
        .unwrap();
        let got: Vec<String> = external_refs(&refs, &url)
            .into_iter()
            .map(|(_, u)| u.to_string())
            .collect();
        assert_eq!(
            got,
            vec!["file:///c/x.yaml#/$defs/a", "file:///c/sub/e.yaml"]
        );
    }
}
