//! Building a [`Node`] tree from saphyr-parser events, with byte offsets for every node.
//!
//! The text is untrusted: a few hundred bytes of nested aliases can stand for billions of
//! nodes, and a few kilobytes of brackets for a tree deep enough to overflow any recursive
//! walk. So the builder counts what aliases copy and how deep the tree goes, and refuses a
//! document past [`MAX_DEPTH`] or past its copy budget with an error located at the alias.

use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser, Span};

use super::tree::{resolve_scalar, Node, ParseError, Pos, Style, Value};

/// Maps saphyr's character offsets to byte offsets. ASCII-only text (the common case) maps 1:1.
struct Offsets<'a> {
    text: &'a str,
    ascii: bool,
    /// For non-ASCII text: byte offset of every char index that is a multiple of `STRIDE`.
    checkpoints: Vec<usize>,
}

const STRIDE: usize = 64;

impl<'a> Offsets<'a> {
    fn new(text: &'a str) -> Self {
        let ascii = text.is_ascii();
        let checkpoints = if ascii {
            Vec::new()
        } else {
            text.char_indices()
                .step_by(STRIDE)
                .map(|(b, _)| b)
                .chain(std::iter::once(text.len()))
                .collect()
        };
        Offsets {
            text,
            ascii,
            checkpoints,
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.text.len());
        }
        let cp = char_index / STRIDE;
        let Some(&base) = self.checkpoints.get(cp) else {
            return self.text.len();
        };
        let rest = char_index % STRIDE;
        self.text[base..]
            .char_indices()
            .nth(rest)
            .map(|(b, _)| base + b)
            .unwrap_or(self.text.len())
    }
}

/// The deepest nesting of collections a document may have. Flow reads catalogs with serde,
/// whose recursion limit is 128, so no catalog Flow accepts comes near it; the bound keeps every
/// recursive walk of a tree (conversion to JSON, clone, drop, `check`, the patcher) far from
/// the end of even a 2 MiB thread stack.
pub const MAX_DEPTH: usize = 256;

/// Aliases (and anchors, whose value is kept as a copy) may copy this many times the nodes the
/// document spells out...
const COPY_FACTOR: usize = 10;
/// ...and at least this many nodes, whatever the document's size...
const COPY_FLOOR: usize = 100_000;
/// ...and never more than this many, which keeps the tree of any document within a few
/// hundred megabytes.
const COPY_CAP: usize = 1_000_000;

/// The most nodes a document may write out. A node takes 64 bytes in the tree, so `[1,1,1,...]`
/// would cost 32 times its size; this bounds one tree to a few hundred megabytes. Real catalogs
/// are far smaller: 20,000 collections and 2,000 tasks in one 10 MB file are 1.1 million nodes.
pub const MAX_NODES: usize = 4_000_000;

/// Parses the first document of `text`. An empty (or comment-only) text yields a null node.
///
/// Refuses (with an error located at the culprit) a document nested deeper than
/// [`MAX_DEPTH`], or whose aliases would copy more nodes than ten times the nodes written so
/// far (at least 100,000, at most 1,000,000): a few hundred bytes of nested aliases would
/// otherwise expand to billions of nodes. Also refuses a document of more than [`MAX_NODES`]
/// nodes.
pub fn parse(text: &str) -> Result<Node, ParseError> {
    parse_limited(text, MAX_NODES).map(|(node, _)| node)
}

/// What a parse saw besides the tree: how many nodes the text writes out, and whether it uses
/// the constructs that make one part of a document depend on another (anchors, aliases and
/// merge keys), which rule out re-parsing a part of it on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// Nodes written in the text (aliases count one each; what they copy does not count).
    pub nodes: usize,
    /// True when the text has an anchor, an alias or a merge key (`<<`).
    pub linked: bool,
}

/// [`parse`], also returning the document's [`Stats`].
pub fn parse_with_stats(text: &str) -> Result<(Node, Stats), ParseError> {
    parse_limited(text, MAX_NODES)
}

/// [`parse`] with a chosen node limit (smaller ones for tests).
pub(super) fn parse_limited(text: &str, max_nodes: usize) -> Result<(Node, Stats), ParseError> {
    let offsets = Offsets::new(text);
    let mut builder = Builder {
        offsets: &offsets,
        text,
        anchors: HashMap::new(),
        stack: Vec::new(),
        root: None,
        written: 0,
        max_nodes,
        copied: 0,
        linked: false,
    };
    let mut parser = Parser::new_from_str(text);
    let mut documents = 0;
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| builder.scan_error(&e))?;
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(ParseError {
                        line: span.start.line() as u32,
                        col: span.start.col() as u32 + 1,
                        message: "a catalog file holds exactly one YAML document, found a second"
                            .into(),
                    });
                }
            }
            Event::StreamEnd => break,
            other => builder.event(other, span)?,
        }
    }
    let stats = Stats {
        nodes: builder.written,
        linked: builder.linked,
    };
    let root = builder.root.unwrap_or(Node {
        value: Value::Null,
        pos: Pos {
            start: 0,
            end: 0,
            line: 1,
            col: 1,
        },
        style: Style::Plain,
        flow: false,
        shared: false,
    });
    Ok((root, stats))
}

/// A collection being built.
struct Frame {
    node: Node,
    /// The anchor id on it (0 for none).
    anchor: usize,
    /// Where its start event's span began: at its anchor, when it has one.
    anchor_at: usize,
    /// Nodes in it so far, itself and copies included.
    size: usize,
    /// Levels of collections in it so far, itself included.
    height: usize,
    kind: FrameKind,
}

enum FrameKind {
    Seq,
    Map {
        pending_key: Option<Node>,
        /// Entries merged in through `<<`, applied when the mapping ends (explicit keys win).
        merged: Vec<(Node, Node)>,
        /// The keys of `merged`, so that merging stays linear.
        merged_keys: HashSet<String>,
        /// The keys seen so far, once the mapping is large enough that scanning the entries
        /// for duplicates would make big catalogs (20,000 collections in one file) quadratic.
        seen: Option<HashSet<String>>,
    },
}

/// An anchored node kept for its aliases, with its size and height (see [`Frame`]).
struct Anchored {
    node: Node,
    size: usize,
    height: usize,
}

/// Mappings with more entries than this check duplicate keys through a hash set.
const SCAN_LIMIT: usize = 16;

struct Builder<'a> {
    offsets: &'a Offsets<'a>,
    text: &'a str,
    anchors: HashMap<usize, Anchored>,
    stack: Vec<Frame>,
    root: Option<Node>,
    /// Nodes written in the text (one per scalar or collection event).
    written: usize,
    /// The most nodes the text may write ([`MAX_NODES`]).
    max_nodes: usize,
    /// Nodes copied by aliases and anchors.
    copied: usize,
    /// True once an anchor, an alias or a merge key was seen.
    linked: bool,
}

impl Builder<'_> {
    fn pos(&self, span: Span) -> Pos {
        Pos {
            start: self.offsets.byte(span.start.index()),
            end: self.offsets.byte(span.end.index()),
            line: span.start.line() as u32,
            col: span.start.col() as u32 + 1,
        }
    }

    /// Whether a collection whose start event has `pos` is a flow one, and where its text
    /// starts. A block collection's start event has an empty span (which, for `key:\n- [x]`,
    /// sits on the first item's bracket) unless an anchor or tag precedes it; a flow one runs
    /// past its bracket, from its anchor or tag if it has one (`&a { x: 1 }`). The node then
    /// starts at the bracket, so that edits of it keep the anchor.
    fn collection_start(&self, pos: Pos, open: u8) -> (bool, Pos) {
        // The span may run on over spaces up to the first entry.
        let head = self.text[pos.start..pos.end.min(self.text.len())].trim_end();
        let flow = head.as_bytes().last() == Some(&open);
        if !flow || head.len() == 1 {
            return (flow, pos);
        }
        let bracket = pos.start + head.len() - 1;
        let skipped = &self.text[pos.start..bracket];
        let mut moved = pos;
        moved.start = bracket;
        match skipped.rfind('\n') {
            Some(nl) => {
                moved.line += skipped.matches('\n').count() as u32;
                moved.col = skipped[nl + 1..].chars().count() as u32 + 1;
            }
            None => moved.col += skipped.chars().count() as u32,
        }
        (flow, moved)
    }

    /// How many copied nodes the document may hold, given what it has written so far.
    fn copy_limit(&self) -> usize {
        (COPY_FACTOR.saturating_mul(self.written)).clamp(COPY_FLOOR, COPY_CAP)
    }

    /// Counts `size` more copied nodes, refusing past the limit with `what` (the alias or
    /// anchor making the copy) named at `pos`.
    fn copy(&mut self, size: usize, pos: Pos, what: &str) -> Result<(), ParseError> {
        self.copied = self.copied.saturating_add(size);
        let limit = self.copy_limit();
        if self.copied <= limit {
            return Ok(());
        }
        Err(err_at(
            pos,
            &format!(
                "{what} copies too much: the document's aliases would copy more than {limit} \
                 nodes (ten times the nodes it writes out, at least {COPY_FLOOR}); \
                 is it an alias bomb?"
            ),
        ))
    }

    /// The error for a syntax error saphyr reports at its marker. Inside a flow collection
    /// (`{`, `[`) the marker is where parsing stopped, often lines after the construct that
    /// is broken, so the error is located at the innermost open flow collection and says
    /// where parsing stopped: "6:5: unclosed flow mapping (opened here); parsing stopped at
    /// 7:13: ...".
    fn scan_error(&self, e: &saphyr_parser::ScanError) -> ParseError {
        let (line, col) = (e.marker().line() as u32, e.marker().col() as u32 + 1);
        if e.info() == "recursion limit exceeded" {
            // saphyr counts `[`/`{` levels in a byte. Nothing is broken where a collection
            // opens: the limit is hit where the nesting goes too deep, so that is the place.
            return ParseError {
                line,
                col,
                message: "flow collections (`[`, `{`) are nested more than 255 levels deep, \
                          more than flowspec reads"
                    .to_string(),
            };
        }
        let info = e.info().to_string();
        let open = self.stack.iter().rev().map(|f| &f.node).find(|n| n.flow);
        let Some(open) = open.filter(|n| (n.pos.line, n.pos.col) != (line, col)) else {
            return ParseError {
                line,
                col,
                message: info,
            };
        };
        let kind = if open.is_map() {
            "flow mapping"
        } else {
            "flow sequence"
        };
        let what = if closes(self.text, open.pos.start) {
            format!("in the {kind} opened here")
        } else {
            format!("unclosed {kind} (opened here)")
        };
        ParseError {
            line: open.pos.line,
            col: open.pos.col,
            message: format!("{what}; parsing stopped at {line}:{col}: {info}"),
        }
    }

    /// Counts one more node written at `pos`, refusing past the node limit.
    fn write(&mut self, pos: Pos) -> Result<(), ParseError> {
        self.written += 1;
        if self.written <= self.max_nodes {
            return Ok(());
        }
        Err(err_at(
            pos,
            &format!(
                "the document has more than {} nodes, more than flowspec reads from one file",
                self.max_nodes
            ),
        ))
    }

    /// Starts a collection, refusing one nested deeper than [`MAX_DEPTH`].
    fn open(
        &mut self,
        pos: Pos,
        anchor: usize,
        open: u8,
        kind: FrameKind,
    ) -> Result<(), ParseError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(err_at(pos, &too_deep()));
        }
        self.write(pos)?;
        let anchor_at = pos.start;
        let (flow, pos) = self.collection_start(pos, open);
        let value = match kind {
            FrameKind::Seq => Value::Seq(Vec::new()),
            FrameKind::Map { .. } => Value::Map(Vec::new()),
        };
        self.stack.push(Frame {
            node: Node {
                value,
                pos,
                style: Style::Plain,
                flow,
                shared: false,
            },
            anchor,
            anchor_at,
            size: 1,
            height: 1,
            kind,
        });
        Ok(())
    }

    /// Keeps a copy of an anchored node for its aliases (a copy that counts against the limit).
    fn anchor(
        &mut self,
        id: usize,
        node: &Node,
        size: usize,
        height: usize,
        at: usize,
    ) -> Result<(), ParseError> {
        if id == 0 {
            return Ok(());
        }
        self.linked = true;
        let name = named(self.text, at, b'&').unwrap_or("an anchor");
        self.copy(size, node.pos, &format!("anchor `{name}`"))?;
        let anchored = Anchored {
            node: node.clone(),
            size,
            height,
        };
        self.anchors.insert(id, anchored);
        Ok(())
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), ParseError> {
        let pos = self.pos(span);
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                self.write(pos)?;
                let (value, style) = resolve_scalar(text, style, tag.as_deref());
                let mut pos = pos;
                pos.end = pos.end.max(pos.start).min(self.text.len());
                // saphyr's spans for quoted scalars run on over trailing spaces and even a
                // comment (`"x"  # note`); re-measure them to the closing quote, so an edit of
                // the value never swallows what follows it.
                if let Some(end) = quoted_end(self.text, pos.start, style) {
                    pos.end = end;
                }
                let node = Node {
                    value,
                    pos,
                    style,
                    flow: false,
                    shared: false,
                };
                if anchor > 0 {
                    self.anchor(anchor, &node, 1, 0, span_anchor(self.text, pos.start))?;
                }
                self.push_value(node, 1, 0)
            }
            Event::Alias(id) => self.alias(id, pos),
            Event::SequenceStart(anchor, _) => self.open(pos, anchor, b'[', FrameKind::Seq),
            Event::MappingStart(anchor, _) => self.open(
                pos,
                anchor,
                b'{',
                FrameKind::Map {
                    pending_key: None,
                    merged: Vec::new(),
                    merged_keys: HashSet::new(),
                    seen: None,
                },
            ),
            Event::SequenceEnd | Event::MappingEnd => self.close(pos),
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd => Ok(()),
        }
    }

    /// A copy of the anchored node, if it fits the depth and copy limits.
    fn alias(&mut self, id: usize, pos: Pos) -> Result<(), ParseError> {
        self.linked = true;
        let Some(target) = self.anchors.get(&id) else {
            return Err(err_at(pos, "alias refers to an unknown anchor"));
        };
        let (size, height) = (target.size, target.height);
        let name = named(self.text, pos.start, b'*').unwrap_or("an alias");
        if self.stack.len() + height > MAX_DEPTH {
            return Err(err_at(pos, &format!("alias `{name}`: {}", too_deep())));
        }
        self.copy(size, pos, &format!("alias `{name}`"))?;
        let mut node = self.anchors[&id].node.clone();
        mark_shared(&mut node);
        // The copy's children point at the anchor's text, but the node itself is the
        // `*name` written here: edits next to it must be placed here.
        node.pos = pos;
        node.pos.end = alias_end(self.text, pos.start).unwrap_or(pos.end);
        self.push_value(node, size, height)
    }

    /// Ends the innermost collection and hands it to its parent.
    fn close(&mut self, pos: Pos) -> Result<(), ParseError> {
        let Some(frame) = self.stack.pop() else {
            return Err(err_at(pos, "unbalanced collection end"));
        };
        let Frame {
            mut node,
            anchor,
            anchor_at,
            size,
            height,
            kind,
        } = frame;
        match (&mut node.value, kind) {
            (Value::Seq(items), FrameKind::Seq) => {
                node.pos.end = if node.flow {
                    flow_end(self.text, pos, b']').max(node.pos.start)
                } else {
                    items.last().map(|n| n.pos.end).unwrap_or(node.pos.start)
                };
            }
            (Value::Map(entries), FrameKind::Map { merged, seen, .. }) => {
                node.pos.end = if node.flow {
                    flow_end(self.text, pos, b'}').max(node.pos.start)
                } else {
                    entries
                        .last()
                        .map(|(_, v)| v.pos.end)
                        .unwrap_or(node.pos.start)
                };
                // Most mappings have no `<<`: no key set to build then.
                if !merged.is_empty() {
                    merge_entries(entries, merged, seen);
                }
            }
            _ => return Err(err_at(pos, "unbalanced collection end")),
        }
        self.anchor(anchor, &node, size, height, anchor_at)?;
        self.push_value(node, size, height)
    }

    /// Adds a finished node (of `size` nodes and `height` levels) to the collection being
    /// built, or makes it the root.
    fn push_value(&mut self, node: Node, size: usize, height: usize) -> Result<(), ParseError> {
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        frame.size = frame.size.saturating_add(size);
        frame.height = frame.height.max(height + 1);
        let map = &mut frame.node;
        match &mut frame.kind {
            FrameKind::Seq => {
                if let Value::Seq(items) = &mut map.value {
                    items.push(node);
                }
                Ok(())
            }
            FrameKind::Map {
                pending_key,
                merged,
                merged_keys,
                seen,
            } => match pending_key.take() {
                None => {
                    *pending_key = Some(node);
                    Ok(())
                }
                Some(key) => {
                    if key.style == Style::Plain && key.as_str() == Some("<<") {
                        self.linked = true;
                        return merge_into(merged, merged_keys, key, node);
                    }
                    let Value::Map(entries) = &mut map.value else {
                        return Ok(());
                    };
                    let name = key.key_cow();
                    let duplicate = match seen {
                        Some(seen) => !seen.insert(name.to_string()),
                        None => {
                            let dup = entries.iter().any(|(k, _)| k.key_cow() == name);
                            if !dup && entries.len() >= SCAN_LIMIT {
                                let mut set: HashSet<String> =
                                    entries.iter().map(|(k, _)| k.key_string()).collect();
                                set.insert(name.to_string());
                                *seen = Some(set);
                            }
                            dup
                        }
                    };
                    if duplicate {
                        return Err(err_at(
                            key.pos,
                            &format!("duplicate key `{name}` in the same mapping"),
                        ));
                    }
                    entries.push((key, node));
                    Ok(())
                }
            },
        }
    }
}

fn too_deep() -> String {
    format!("collections are nested more than {MAX_DEPTH} levels deep, more than flowspec reads")
}

/// Where the anchor of a node starting at `start` is written: `start` itself for collections
/// (their span starts at the anchor), and for scalars, the `&name ` just before them.
fn span_anchor(text: &str, start: usize) -> usize {
    let before = text[..start].trim_end_matches([' ', '\t']);
    let word = before
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace() || matches!(c, '[' | '{' | ',' | ':'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    if before[word..].starts_with('&') {
        word
    } else {
        start
    }
}

/// The `&name` or `*name` (per `sigil`) written at `at`, if there is one.
fn named(text: &str, at: usize, sigil: u8) -> Option<&str> {
    if text.as_bytes().get(at) != Some(&sigil) {
        return None;
    }
    Some(&text[at..name_end(text, at)])
}

/// Appends the entries merged in through `<<` whose keys the mapping does not set itself
/// (`seen`: its keys, when it is large enough to have collected them).
fn merge_entries(
    entries: &mut Vec<(Node, Node)>,
    merged: Vec<(Node, Node)>,
    seen: Option<HashSet<String>>,
) {
    let own = seen.unwrap_or_else(|| entries.iter().map(|(k, _)| k.key_string()).collect());
    for (mut k, mut v) in merged {
        if !own.contains(k.key_cow().as_ref()) {
            // The key too: patches tell merged entries from own ones by it.
            mark_shared(&mut k);
            mark_shared(&mut v);
            entries.push((k, v));
        }
    }
}

fn merge_into(
    merged: &mut Vec<(Node, Node)>,
    merged_keys: &mut HashSet<String>,
    key: Node,
    value: Node,
) -> Result<(), ParseError> {
    let sources: Vec<Node> = match value.value {
        Value::Map(_) => vec![value],
        Value::Seq(items) => items,
        _ => {
            return Err(err_at(
                key.pos,
                "a merge key `<<` takes a mapping or a list of mappings",
            ))
        }
    };
    for source in sources {
        let Value::Map(entries) = source.value else {
            return Err(err_at(
                source.pos,
                "a merge key `<<` takes a mapping or a list of mappings",
            ));
        };
        for (k, v) in entries {
            // Earlier sources win over later ones, as in the YAML merge-key spec.
            if merged_keys.insert(k.key_string()) {
                merged.push((k, v));
            }
        }
    }
    Ok(())
}

/// The offset just past the closing bracket of a flow collection, given the span of its end
/// event: saphyr's span may stop before a trailing comma or spaces (`{a: 1, }`) or run into
/// them, so the bracket is searched for from the span's start.
fn flow_end(text: &str, end_event: Pos, close: u8) -> usize {
    let bytes = text.as_bytes();
    let mut i = end_event.start;
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' | b'\r' | b'\n' | b',' => i += 1,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b if b == close => return i + 1,
            _ => break,
        }
    }
    end_event.end
}

/// The offset just past an alias `*name` starting at `start`.
fn alias_end(text: &str, start: usize) -> Option<usize> {
    (text.as_bytes().get(start) == Some(&b'*')).then(|| name_end(text, start))
}

/// The offset just past the anchor or alias name whose sigil (`&` or `*`) is at `start`.
fn name_end(text: &str, start: usize) -> usize {
    let len = text.as_bytes()[start + 1..]
        .iter()
        .take_while(|b| {
            !matches!(
                b,
                b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[' | b']' | b'{' | b'}'
            )
        })
        .count();
    start + 1 + len
}

/// The offset just past the closing quote of a quoted scalar starting at `start`.
fn quoted_end(text: &str, start: usize, style: Style) -> Option<usize> {
    let bytes = text.as_bytes();
    let quote = match style {
        Style::DoubleQuoted => b'"',
        Style::SingleQuoted => b'\'',
        _ => return None,
    };
    if bytes.get(start) != Some(&quote) {
        return None;
    }
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// True when the flow collection whose bracket is at `open` is closed somewhere in `text`:
/// its brackets balance, skipping quoted scalars and comments.
fn closes(text: &str, open: usize) -> bool {
    let bytes = text.as_bytes();
    let stop = bytes.len();
    let (mut depth, mut i) = (0usize, open);
    while i < stop {
        match bytes[i] {
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return true;
                }
            }
            b'"' => {
                i += 1;
                while i < stop && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'\'' => {
                i += 1;
                while i < stop && bytes[i] != b'\'' {
                    i += 1;
                }
            }
            b'#' if i > 0 && matches!(bytes[i - 1], b' ' | b'\t' | b'\n') => {
                while i < stop && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
}

fn mark_shared(node: &mut Node) {
    node.shared = true;
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(mark_shared),
        Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            mark_shared(k);
            mark_shared(v);
        }),
        _ => {}
    }
}

fn err_at(pos: Pos, message: &str) -> ParseError {
    ParseError {
        line: pos.line,
        col: pos.col,
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests;
