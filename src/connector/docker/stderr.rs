//! A connector's stderr as log lines. Docker hands stderr over in arbitrary chunks (one `write`
//! of the connector may arrive split, several may arrive together), so the bytes are re-split on
//! newlines before each line is parsed.

use crate::connector::LogLine;

/// A line longer than this without a newline is emitted as it stands, so a connector writing
/// binary junk to stderr cannot make us buffer without bound.
const MAX_LINE: usize = 1 << 20;

/// Parses one stderr line: the same parser the local transport uses.
pub use crate::connector::logs::parse_line as parse_log_line;

/// Re-assembles lines from stderr chunks.
#[derive(Debug, Default)]
pub(crate) struct LineSplitter {
    partial: Vec<u8>,
}

impl LineSplitter {
    /// Feeds a chunk; calls `emit` for every complete, non-blank line.
    pub(crate) fn push(&mut self, chunk: &[u8], emit: &mut impl FnMut(LogLine)) {
        let mut rest = chunk;
        while let Some(pos) = rest.iter().position(|b| *b == b'\n') {
            self.partial.extend_from_slice(&rest[..pos]);
            self.flush(emit);
            rest = &rest[pos + 1..];
        }
        self.partial.extend_from_slice(rest);
        if self.partial.len() >= MAX_LINE {
            self.flush(emit);
        }
    }

    /// Emits what is left after the stream ended (a last line without a newline).
    pub(crate) fn finish(&mut self, emit: &mut impl FnMut(LogLine)) {
        self.flush(emit);
    }

    fn flush(&mut self, emit: &mut impl FnMut(LogLine)) {
        let bytes = std::mem::take(&mut self.partial);
        let text = String::from_utf8_lossy(&bytes);
        // connector-init's readiness signal is a lone space; blank lines carry nothing.
        if !text.trim().is_empty() {
            emit(parse_log_line(&text));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connector::LogLevel;
    use serde_json::json;

    #[test]
    fn parses_logrus_and_ops_log_styles() {
        let l = parse_log_line(r#"{"level":"error","msg":"boom","host":"db"}"#);
        assert_eq!(l.level, LogLevel::Error);
        assert_eq!(l.message, "boom");
        assert_eq!(l.fields, Some(json!({"host":"db"})));

        let l = parse_log_line(
            r#"{"ts":"2024-01-01T00:00:00Z","level":"WARN","message":"slow","fields":{"ms":12}}"#,
        );
        assert_eq!(l.level, LogLevel::Warn);
        assert_eq!(l.message, "slow");
        assert_eq!(l.fields, Some(json!({"ts":"2024-01-01T00:00:00Z","ms":12})));

        let l = parse_log_line(r#"{"level":"info","msg":"plain"}"#);
        assert_eq!(l.fields, None);
    }

    #[test]
    fn keeps_unstructured_text_as_info() {
        let l = parse_log_line("Traceback (most recent call last):\r");
        assert_eq!(l.level, LogLevel::Info);
        assert_eq!(l.message, "Traceback (most recent call last):");
        assert_eq!(parse_log_line("[1,2]").message, "[1,2]");
        assert_eq!(
            parse_log_line(r#"{"level":5}"#).fields,
            Some(json!({"level":5}))
        );
    }

    #[test]
    fn splitter_reassembles_chunks_and_skips_blank_lines() {
        let mut s = LineSplitter::default();
        let mut got = Vec::new();
        let mut emit = |l: LogLine| got.push(l.message);
        s.push(b" \n{\"level\":\"info\",\"msg\":\"he", &mut emit);
        s.push(b"llo\"}\nsecond\nthi", &mut emit);
        s.push(b"rd", &mut emit);
        s.finish(&mut emit);
        assert_eq!(got, ["hello", "second", "third"]);
    }

    #[test]
    fn splitter_bounds_a_line_without_newline() {
        let mut s = LineSplitter::default();
        let mut lens = Vec::new();
        let chunk = vec![b'x'; MAX_LINE / 2 + 1];
        let mut emit = |l: LogLine| lens.push(l.message.len());
        s.push(&chunk, &mut emit);
        s.push(&chunk, &mut emit);
        // One line was emitted once the buffer passed MAX_LINE; the parser keeps its first
        // 16 KiB, like the local transport.
        assert_eq!(lens, [crate::connector::logs::MAX_LINE]);
    }
}
