//! A connector's stderr as log lines. Docker hands stderr over in arbitrary chunks (one `write`
//! of the connector may arrive split, several may arrive together), so the bytes are re-split on
//! newlines before each line is parsed.

use serde_json::{Map, Value};

use crate::connector::{LogLevel, LogLine};

/// A line longer than this without a newline is emitted as it stands, so a connector writing
/// binary junk to stderr cannot make us buffer without bound.
const MAX_LINE: usize = 1 << 20;

/// Parses one stderr line. Flow connectors log one JSON object per line, either
/// `{"level":"info","msg":"..."}` (Go's logrus and most Python CDKs) or ops::Log's
/// `{"ts":..,"level":..,"message":..,"fields":{..}}`; every other key is kept in `fields`.
/// Anything that is not a JSON object is kept verbatim as an info line, since Flow tolerates
/// unstructured text too.
pub fn parse_log_line(line: &str) -> LogLine {
    let line = line.trim_end_matches(['\r', '\n']);
    if let Ok(Value::Object(mut obj)) = serde_json::from_str::<Value>(line) {
        let level = match obj.remove("level") {
            Some(Value::String(s)) => parse_level(&s),
            Some(other) => {
                // Not a level we understand: keep it rather than lose it.
                obj.insert("level".into(), other);
                LogLevel::Info
            }
            None => LogLevel::Info,
        };
        let message = match obj.remove("msg").or_else(|| obj.remove("message")) {
            Some(Value::String(s)) => s,
            Some(other) => other.to_string(),
            None => String::new(),
        };
        let fields = flatten_fields(obj);
        return LogLine {
            level,
            message,
            fields,
        };
    }
    LogLine {
        level: LogLevel::Info,
        message: line.to_string(),
        fields: None,
    }
}

fn parse_level(s: &str) -> LogLevel {
    match s.to_ascii_lowercase().as_str() {
        "trace" => LogLevel::Trace,
        "debug" => LogLevel::Debug,
        "warn" | "warning" => LogLevel::Warn,
        "error" | "fatal" | "panic" | "critical" => LogLevel::Error,
        _ => LogLevel::Info,
    }
}

/// ops::Log nests its structured data under `fields`; lift it so both log styles look alike.
fn flatten_fields(mut obj: Map<String, Value>) -> Option<Value> {
    if let Some(Value::Object(nested)) = obj.get("fields").cloned() {
        obj.remove("fields");
        for (k, v) in nested {
            obj.entry(k).or_insert(v);
        }
    }
    (!obj.is_empty()).then_some(Value::Object(obj))
}

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
        assert_eq!(lens, [MAX_LINE + 2]);
    }
}
