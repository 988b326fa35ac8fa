//! Connector stderr lines → [`LogLine`]s.
//!
//! Flow connectors log one JSON object per line on stderr, either `{"level","msg",...}`
//! (Go's logrus/zerolog, Python's structlog) or Flow's ops::Log `{ts, level, message, fields}`.
//! Anything else (a Python traceback, a shell's complaint) is kept as plain text, so a person
//! still sees it and the last line can still serve as the error message.

use serde_json::{Map, Value};

use super::transport::{LogLevel, LogLine};

/// Longest message kept from one line; a connector that dumps megabytes on one line must not
/// make flowspec keep megabytes per line.
pub const MAX_LINE: usize = 16 * 1024;

/// Parses one stderr line (without its newline). Never fails.
pub fn parse_line(line: &str) -> LogLine {
    let line = line.trim_end_matches(['\r', '\n']);
    let trimmed = line.trim_start();
    if trimmed.starts_with('{') {
        if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(trimmed) {
            return from_object(map);
        }
    }
    LogLine {
        level: LogLevel::Info,
        message: truncate(line).to_string(),
        fields: None,
    }
}

/// Maps level names used by Go, Python, Rust and Airbyte loggers; unknown names are info.
pub fn parse_level(name: &str) -> LogLevel {
    match name.to_ascii_lowercase().as_str() {
        "trace" => LogLevel::Trace,
        "debug" => LogLevel::Debug,
        "warn" | "warning" => LogLevel::Warn,
        "error" | "err" | "fatal" | "panic" | "critical" | "crit" => LogLevel::Error,
        _ => LogLevel::Info,
    }
}

fn from_object(mut map: Map<String, Value>) -> LogLine {
    let level = match map.shift_remove("level") {
        Some(Value::String(s)) => parse_level(&s),
        Some(other) => {
            // Not a level we understand: keep it rather than lose it.
            map.insert("level".into(), other);
            LogLevel::Info
        }
        None => LogLevel::Info,
    };
    let message = match map
        .shift_remove("msg")
        .or_else(|| map.shift_remove("message"))
    {
        Some(Value::String(s)) => s,
        Some(other) => other.to_string(),
        None => String::new(),
    };
    // ops::Log nests its structured data under `fields`; lift it so both styles look alike.
    if let Some(Value::Object(nested)) = map.get("fields").cloned() {
        map.shift_remove("fields");
        for (k, v) in nested {
            map.entry(k).or_insert(v);
        }
    }
    LogLine {
        level,
        message: truncate(&message).to_string(),
        fields: if map.is_empty() {
            None
        } else {
            Some(Value::Object(map))
        },
    }
}

/// Cuts at a character boundary at most [`MAX_LINE`] bytes in.
fn truncate(s: &str) -> &str {
    if s.len() <= MAX_LINE {
        return s;
    }
    let mut end = MAX_LINE;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_lines_with_msg_or_message_and_fields() {
        let l =
            parse_line(r#"{"level":"error","msg":"connection refused","host":"db","port":5432}"#);
        assert_eq!(l.level, LogLevel::Error);
        assert_eq!(l.message, "connection refused");
        assert_eq!(l.fields, Some(json!({"host": "db", "port": 5432})));

        let l = parse_line(
            r#"{"ts":"2024-01-01T00:00:00Z","level":"warn","message":"slow","fields":{"ms":900}}"#,
        );
        assert_eq!(l.level, LogLevel::Warn);
        assert_eq!(l.message, "slow");
        // ops::Log's nested `fields` are lifted so both log styles look alike.
        assert_eq!(
            l.fields,
            Some(json!({"ts": "2024-01-01T00:00:00Z", "ms": 900}))
        );

        let l = parse_line(r#"{"level":"INFO","msg":"hi"}"#);
        assert_eq!((l.level, l.fields), (LogLevel::Info, None));
        assert_eq!(
            parse_line(r#"{"level":"FATAL","msg":"x"}"#).level,
            LogLevel::Error
        );
    }

    #[test]
    fn plain_text_and_broken_json_are_info_text() {
        let l = parse_line("Traceback (most recent call last):\r\n");
        assert_eq!(l.level, LogLevel::Info);
        assert_eq!(l.message, "Traceback (most recent call last):");
        assert_eq!(l.fields, None);
        let l = parse_line(r#"{"level":"error","msg":"#);
        assert_eq!(l.message, r#"{"level":"error","msg":"#);
        // A JSON value that is not an object is text too.
        assert_eq!(parse_line("[1,2]").message, "[1,2]");
    }

    #[test]
    fn huge_lines_are_cut_at_a_char_boundary() {
        let long = "é".repeat(MAX_LINE);
        let l = parse_line(&long);
        assert!(l.message.len() <= MAX_LINE && l.message.len() > MAX_LINE - 2);
    }
}
