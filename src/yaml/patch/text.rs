//! Line arithmetic on the source text shared by every kind of edit: where lines start and end,
//! what follows a node on its line, and where a node's text really ends.

use super::super::tree::Node;

/// The offset where the line containing `at` starts.
pub(crate) fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0)
}

/// The offset of the line break ending the line that contains `at` (or the text's end); a
/// `\r` before the `\n` is not part of the line.
pub(crate) fn line_end_excl(text: &str, at: usize) -> usize {
    let end = text[at..].find('\n').map(|i| at + i).unwrap_or(text.len());
    if end > at && text.as_bytes()[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// Offset just past the newline ending the line that contains `at` (or the text's end).
pub(crate) fn line_end_incl(text: &str, at: usize) -> usize {
    text[at..]
        .find('\n')
        .map(|i| at + i + 1)
        .unwrap_or(text.len())
}

/// The line break the text uses: the one ending its first line (`\n` when it has none). Only
/// the first is looked at: a 10 MB file is edited thousands of times in a batch.
pub(crate) fn newline(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// True when only spaces or a comment follow `at` on its line.
pub(crate) fn rest_of_line_is_blank(text: &str, at: usize) -> bool {
    let end = line_end_incl(text, at);
    let rest = text[at..end].trim();
    rest.is_empty() || rest.starts_with('#')
}

/// True when only spaces follow `at` on its line (no comment either).
pub(crate) fn rest_of_line_is_empty(text: &str, at: usize) -> bool {
    text[at..line_end_incl(text, at)].trim().is_empty()
}

/// `text` when it is blank or a comment (with its leading spaces), for keeping it on a
/// rewritten line; `None` when something else follows.
pub(crate) fn comment_part(text: &str) -> Option<&str> {
    let t = text.trim();
    if t.is_empty() {
        Some("")
    } else if t.starts_with('#') && text.starts_with([' ', '\t']) {
        Some(text.trim_end())
    } else {
        None
    }
}

/// The offset of the `-` that introduces a block sequence item starting at `item_start`, when
/// only spaces separate them.
pub(crate) fn dash_of(text: &str, item_start: usize) -> Option<usize> {
    let before = text[..item_start].trim_end_matches(' ');
    before.ends_with('-').then(|| before.len() - 1)
}

/// The offset where a block node's text really ends: saphyr's span of a literal/folded
/// scalar (and so of a block collection ending with one) runs on over its trailing line
/// breaks and the next line's indentation; other nodes end at their last character.
pub(crate) fn content_end(text: &str, node: &Node) -> usize {
    let start = node.pos.start.min(text.len());
    let mut end = node.pos.end.clamp(start, text.len());
    let bytes = text.as_bytes();
    if let Some(nl) = text[start..end].rfind('\n') {
        if bytes[start + nl + 1..end]
            .iter()
            .all(|b| matches!(b, b' ' | b'\t'))
        {
            end = start + nl + 1;
        }
    }
    while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    end
}

/// True when the text before `at` on its line is only spaces (`at` starts its line's content).
pub(crate) fn starts_line(text: &str, at: usize) -> bool {
    text[line_start(text, at)..at].bytes().all(|b| b == b' ')
}
