//! The one YAML scalar emitter: how flowspec writes a string, number, boolean or null so that
//! every reader gets the same value back.
//!
//! flowspec reads YAML 1.2 (like Flow), but the files it writes are also read by YAML 1.1 tools
//! (PyYAML, older yq, CI linters), which take `2020-01-01` for a date, `on` for `true`, `0755`
//! for 493 and `1:20` for 80. So a string is written plain only when neither a YAML 1.2 nor a
//! YAML 1.1 reader would take it for anything but that string; otherwise it is double-quoted
//! with escapes that are valid JSON and valid YAML alike (so the same text serves JSON
//! documents). A multi-line string under a key or a dash is written as a `|` / `|-` literal
//! block when that reads back exactly.
//!
//! Patches (`super::patch`), rendered collections (`super::render`) and `config template` all
//! write scalars through this module.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value as Json;

use super::tree::{self, Value};

/// A scalar's text on one line: plain when that is unambiguous, double-quoted otherwise.
/// `None` for arrays and objects.
pub fn scalar(value: &Json) -> Option<String> {
    let mut text = String::new();
    push_scalar(&mut text, value).then_some(text)
}

/// A mapping key: plain when unambiguous, double-quoted otherwise (never a block scalar).
pub fn key(k: &str) -> String {
    let mut text = String::with_capacity(k.len());
    push_key(&mut text, k);
    text
}

/// [`key`], appended to `out`.
pub(crate) fn push_key(out: &mut String, k: &str) {
    push_string(out, k);
}

/// A string as [`scalar`] writes it, appended to `out`.
pub(crate) fn push_string(out: &mut String, s: &str) {
    if plain_ok(s) {
        out.push_str(s);
    } else {
        push_double_quoted(out, s);
    }
}

/// [`scalar`], appended to `out`; false (and nothing written) for arrays and objects.
pub(crate) fn push_scalar(out: &mut String, value: &Json) -> bool {
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(true) => out.push_str("true"),
        Json::Bool(false) => out.push_str("false"),
        Json::Number(n) => out.push_str(&number(n)),
        Json::String(s) => push_string(out, s),
        Json::Array(_) | Json::Object(_) => return false,
    }
    true
}

/// A JSON scalar as JSON text, which is also valid YAML (numbers as [`number`] writes them,
/// strings as [`double_quoted`]). `None` for arrays and objects.
pub fn json_scalar(value: &Json) -> Option<String> {
    match value {
        Json::String(s) => Some(double_quoted(s)),
        other => scalar(other),
    }
}

/// A number as text that YAML 1.1 readers also take for a number of the same value: a float
/// keeps a `.` before its exponent and signs the exponent (`1.0e+300`, not `1e300`, which
/// PyYAML reads as a string). Valid JSON too.
pub fn number(n: &serde_json::Number) -> String {
    let text = n.to_string();
    if !n.is_f64() {
        return text;
    }
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (text.as_str(), None),
    };
    let mut out = mantissa.to_string();
    if !mantissa.contains('.') {
        out.push_str(".0");
    }
    if let Some(e) = exponent {
        out.push('e');
        if !e.starts_with(['-', '+']) {
            out.push('+');
        }
        out.push_str(e);
    }
    out
}

/// A double-quoted string that JSON, YAML 1.2 and YAML 1.1 read back as `s`: `"` and `\`
/// escaped, and every character that is not printable in YAML (controls, DEL, C1 controls,
/// the line and paragraph separators that YAML 1.1 takes for line breaks, the byte order mark
/// and the non-characters U+FFFE/U+FFFF) written as a JSON escape.
pub fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_double_quoted(&mut out, s);
    out
}

/// [`double_quoted`], appended to `out`.
pub(crate) fn push_double_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if needs_escape(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// True for characters a YAML reader does not accept raw in a scalar, or reads as a line
/// break (YAML 1.1: U+0085, U+2028, U+2029).
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        )
}

/// True when `s` can be written as a plain scalar that every reader takes for this string, in
/// block and in flow context alike.
pub fn plain_ok(s: &str) -> bool {
    simple_plain(s).unwrap_or_else(|| plain_ok_slow(s))
}

/// [`plain_ok`] for the common cases, without its patterns; `None` for the others. Plain: a
/// name or a path (`id`, `$ref`, `flow://connector-schema`, `/id`, `column_001`) that starts
/// with a letter, `_`, `$` or `/` (so no YAML 1.1 or 1.2 reader takes it for a number, a date
/// or an indicator), holds only letters, digits and `_ . / $ - :` (no space, so no `: ` or
/// ` #`), does not end in `:`, and is not one of the words YAML 1.1 reads as a boolean or
/// null. Not plain: those words (`null`, `yes`, `On`…: thousands of `type: [string, "null"]`
/// come with a discovery). Each answer is the one [`plain_ok_slow`] gives (a test checks).
fn simple_plain(s: &str) -> Option<bool> {
    let b = s.as_bytes();
    let &first = b.first()?;
    if !(first.is_ascii_alphabetic() || matches!(first, b'_' | b'$' | b'/')) || s.ends_with(':') {
        return None;
    }
    if !b
        .iter()
        .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'/' | b'$' | b'-' | b':'))
    {
        return None;
    }
    const WORDS: [&str; 9] = ["y", "yes", "n", "no", "true", "false", "on", "off", "null"];
    Some(!WORDS.iter().any(|w| w.eq_ignore_ascii_case(s)))
}

/// [`plain_ok`] by its full rules.
fn plain_ok_slow(s: &str) -> bool {
    if s.is_empty() || s.trim() != s || s.chars().any(|c| c == '\t' || needs_escape(c)) {
        return false;
    }
    if tree::resolve_plain(s) != Value::Str(s.to_string()) || yaml11_non_string(s) {
        return false;
    }
    let first = s.chars().next().unwrap_or(' ');
    if "-?:,[]{}#&*!|>'\"%@`".contains(first)
        && !(first == '-' && s.len() > 1 && !s[1..].starts_with(' '))
    {
        return false;
    }
    if s.starts_with("---") || s.starts_with("...") {
        // A document marker when it starts a line (a key, or a sequence item at column 0).
        return false;
    }
    // ` -` at the end: in flow context (`[a -]`) some readers (saphyr) take the dash for the
    // start of another scalar and fail.
    !(s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.ends_with(" -")
        || s.chars().any(|c| matches!(c, '{' | '}' | '[' | ']' | ',')))
}

/// True when a YAML 1.1 reader (PyYAML's resolvers, which follow the YAML 1.1 type
/// repository; older yq) takes the plain scalar `s` for something other than a string: a
/// boolean (`yes/no/on/off/y/n` in any case), null, an integer (binary, octal `0755`, hex,
/// sexagesimal `1:20`, underscores), a float (`1_000.5`, `.inf`, `.nan`), a timestamp, or the
/// merge (`<<`) and value (`=`) keys.
pub fn yaml11_non_string(s: &str) -> bool {
    static PATTERNS: LazyLock<Regex> = LazyLock::new(|| {
        let alternatives = [
            // Booleans and null, in any case (YAML 1.1 lists three spellings each; some
            // readers accept more).
            r"(?i:y|yes|n|no|true|false|on|off|null|~)",
            // Integers: binary, octal, decimal, hex, sexagesimal; underscores anywhere.
            r"[-+]?0b[0-1_]+",
            r"[-+]?0[0-7_]+",
            r"[-+]?0o[0-7_]+",
            r"[-+]?(?:0|[1-9][0-9_]*)",
            r"[-+]?0x[0-9a-fA-F_]+",
            r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+",
            // Floats (PyYAML's pattern, and the sexagesimal form).
            r"[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?",
            r"[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?",
            r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*",
            r"[-+]?\.(?i:inf|nan)",
            // Timestamps: a date, or a date and time (`T`, `t` or spaces between).
            r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?",
            // Merge and value keys.
            r"<<|=",
        ];
        Regex::new(&format!("^(?:{})$", alternatives.join("|"))).expect("valid pattern")
    });
    PATTERNS.is_match(s)
}

/// A multi-line string written as a literal block: the header (`|` or `|-`) that goes after
/// `key:` or `- `, and the content lines at `indent` (empty lines left empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Literal {
    pub header: &'static str,
    pub lines: Vec<String>,
}

/// `s` as a literal block scalar whose content sits at column `indent` (which must be deeper
/// than the key or dash it follows), when that reads back as exactly `s` in every reader:
/// `s` has a line break; no line ends in a space; the first line is not empty and does not
/// start with a space (both would need an indentation indicator, which not every tool gets
/// right); no tab, carriage return or other character that needs an escape. `s` ending in one
/// line break is written `|`, without one `|-`. A string ending in several line breaks would
/// need `|+`, which also swallows any blank lines that follow it in the file, so it stays
/// double-quoted.
pub fn literal(s: &str, indent: usize) -> Option<Literal> {
    if !s.contains('\n') || s.ends_with("\n\n") || s.starts_with(['\n', ' ']) {
        return None;
    }
    if s.chars()
        .any(|c| c != '\n' && (c == '\t' || needs_escape(c)))
    {
        return None;
    }
    let (header, body) = match s.strip_suffix('\n') {
        Some(body) => ("|", body),
        None => ("|-", s),
    };
    if body.split('\n').any(|l| l.ends_with(' ')) {
        return None;
    }
    let pad = " ".repeat(indent);
    let lines = body
        .split('\n')
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect();
    Some(Literal { header, lines })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    proptest::proptest! {
        /// The shortcut never writes plain what the full rules would quote.
        #[test]
        fn the_simple_plain_shortcut_agrees_with_the_full_rules(s in "[a-zA-Z0-9_./$:# -]{0,12}") {
            if let Some(plain) = simple_plain(&s) {
                proptest::prop_assert_eq!(plain, plain_ok_slow(&s), "{:?}", s);
            }
        }
    }

    #[test]
    fn the_simple_plain_shortcut_knows_the_yaml_11_words() {
        for s in [
            "y", "Yes", "NO", "on", "Off", "TRUE", "false", "Null", "null",
        ] {
            assert_eq!(simple_plain(s), Some(false), "{s}");
            assert!(!plain_ok_slow(s), "{s}");
        }
        for s in ["a:", "1a", ".a", "-a", "~", "a b"] {
            assert_eq!(simple_plain(s), None, "{s}");
            assert_eq!(plain_ok(s), plain_ok_slow(s), "{s}");
        }
        for s in [
            "id",
            "$ref",
            "flow://connector-schema",
            "/id",
            "column_001",
            "a-b.c",
        ] {
            assert!(simple_plain(s) == Some(true) && plain_ok_slow(s), "{s}");
        }
    }

    /// The value of `k` in a document written as `k: {text}`, read by flowspec's parser.
    fn read(text: &str) -> Json {
        tree::parse(&format!("k: {text}\n"))
            .unwrap()
            .get("k")
            .unwrap()
            .to_json()
    }

    #[test]
    fn strings_that_yaml_1_1_types_are_quoted() {
        for s in [
            "2020-01-01",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10 -5",
            "2002-12-14",
            "yes",
            "No",
            "ON",
            "oFf",
            "y",
            "N",
            "0755",
            "0o17",
            "0b1010",
            "0x_1F",
            "1:20",
            "190:20:30.15",
            "~",
            "Null",
            ".inf",
            "-.INF",
            ".NaN",
            "1_000",
            "685_230.15",
            "+12",
            "1.",
            "<<",
            "=",
        ] {
            let written = scalar(&json!(s)).unwrap();
            assert!(written.starts_with('"'), "{s:?} written as {written}");
            assert_eq!(read(&written), json!(s), "{s:?}");
        }
    }

    #[test]
    fn ordinary_strings_stay_plain() {
        for s in [
            "plain",
            "acme/a-b_c.d",
            "ghcr.io/estuary/source-postgres:v1",
            "db.internal:5432",
            "10.0.0.1",
            "v1.2.3",
            "5m",
            "-x",
            "a#b",
            "ünï ✓",
            "2020-01-01x",
            "yesterday",
            "0:30x",
        ] {
            assert_eq!(scalar(&json!(s)).unwrap(), s, "{s:?}");
        }
    }

    #[test]
    fn double_quotes_escape_what_no_reader_takes_raw() {
        let s = "a\"b\\c\n\t\r\u{7}\u{7f}\u{85}\u{2028}\u{feff}é";
        let q = double_quoted(s);
        assert_eq!(
            q,
            "\"a\\\"b\\\\c\\n\\t\\r\\u0007\\u007f\\u0085\\u2028\\ufeffé\""
        );
        assert_eq!(serde_json::from_str::<String>(&q).unwrap(), s);
        assert_eq!(read(&q), json!(s));
    }

    #[test]
    fn floats_keep_a_point_and_a_signed_exponent() {
        for (v, want) in [
            (json!(1.5), "1.5"),
            (json!(1e300), "1.0e+300"),
            (json!(-2.5e-7), "-2.5e-7"),
            (json!(3.0), "3.0"),
            (json!(42), "42"),
        ] {
            let written = scalar(&v).unwrap();
            assert_eq!(written, want);
            assert_eq!(read(&written), v);
            assert_eq!(serde_json::from_str::<Json>(&written).unwrap(), v);
        }
    }

    #[test]
    fn multi_line_strings_become_literal_blocks_only_when_exact() {
        let lit = literal("line 1\n  line 2\n\nlast\n", 4).unwrap();
        assert_eq!(lit.header, "|");
        assert_eq!(lit.lines, ["    line 1", "      line 2", "", "    last"]);
        assert_eq!(literal("a\nb", 2).unwrap().header, "|-");
        for s in [
            "one line",
            "trailing \nspace",
            "\nleading blank",
            " leading space\nx",
            "tab\there\n",
            "cr\r\nlf",
            "two breaks\n\n",
            "bell\u{7}\n",
        ] {
            assert_eq!(literal(s, 2), None, "{s:?}");
        }
        for s in ["a\nb", "a\nb\n", "# not a comment\n  x\n", "k: v\n- item\n"] {
            let lit = literal(s, 2).unwrap();
            let text = format!("k: {}\n{}\nnext: 1\n", lit.header, lit.lines.join("\n"));
            let root = tree::parse(&text).unwrap();
            assert_eq!(root.get("k").unwrap().as_str(), Some(s), "{text}");
        }
    }

    #[test]
    fn keys_are_quoted_like_values() {
        assert_eq!(key("on"), "\"on\"");
        assert_eq!(key("a b"), "a b");
        assert_eq!(key("---"), "\"---\"");
        assert_eq!(key("x: y"), "\"x: y\"");
    }
}
