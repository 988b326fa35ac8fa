use super::*;
use crate::yaml::render::{entry_text, tests::value};
use serde_json::json;

fn raw(text: &str) -> Box<RawValue> {
    RawValue::from_string(text.to_string()).unwrap()
}

/// The entry as `Block::entry` writes it, with the JSON length it counted.
fn transcoded(key: &str, text: &str, indent: usize) -> Result<(String, usize), Refused> {
    let mut b = Block::default();
    b.entry(key, &raw(text), indent)?;
    Ok((b.text, b.json_len))
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
    /// Any JSON text, compact or pretty, gives exactly the entry `render` writes for its
    /// parsed value, and its compact JSON length.
    #[test]
    fn transcoded_json_is_what_render_writes_for_the_parsed_value(v in value(), indent in 0usize..6) {
        let expected = format!("{}\n", entry_text("k", &v, indent, "\n"));
        let compact = serde_json::to_string(&v).unwrap();
        for text in [compact.clone(), serde_json::to_string_pretty(&v).unwrap()] {
            proptest::prop_assert_eq!(
                transcoded("k", &text, indent),
                Ok((expected.clone(), compact.len())),
                "{}", text
            );
        }
    }
}

#[test]
fn escapes_and_special_scalars_come_out_as_render_writes_them() {
    let text = r#"{"a\"b": "x\u00e9\n", "n": [1.5e300, -0, 18446744073709551615, null, true],
                  "e": {}, "l": [], "m": [[], [{}], [[1]]], "s": "multi\nline\n", "t": "on"}"#;
    let v: Json = serde_json::from_str(text).unwrap();
    let (out, len) = transcoded("k", text, 0).unwrap();
    assert_eq!(out, format!("{}\n", entry_text("k", &v, 0, "\n")));
    assert_eq!(len, serde_json::to_string(&v).unwrap().len());
}

#[test]
fn an_object_with_a_key_twice_is_refused_at_any_depth() {
    for text in [
        r#"{"a": 1, "a": 2}"#,
        r#"[{"x": {"b": 1, "c": 2, "b": 3}}]"#,
    ] {
        let err = transcoded("k", text, 0).unwrap_err();
        assert!(err.0.contains("comes twice"), "{err:?}");
    }
    assert!(object_entries(r#"{"a": 1, "b": {"c": 1}, "a": 2}"#, 0).is_err());
}

#[test]
fn object_entries_are_the_top_level_entries_each_transcoded() {
    let text = r#"{"b": [1, 2], "a\"q": {"c": "d"}}"#;
    let entries = object_entries(text, 2).unwrap();
    let got: Vec<(&str, &str, usize)> = entries
        .iter()
        .map(|(k, b)| (k.as_ref(), b.text.as_str(), b.json_len))
        .collect();
    assert_eq!(
        got,
        [
            ("b", "  b:\n    - 1\n    - 2\n", 5),
            ("a\"q", "  a\"q:\n    c: d\n", 9)
        ]
    );
    assert!(object_entries("[1]", 0).is_err());
    assert!(object_entries(r#"{"a": 1} x"#, 0).is_err());
    assert!(object_entries("{", 0).is_err());
}

#[test]
fn json_string_lengths_count_serde_json_escapes() {
    for s in [
        "",
        "plain",
        "q\"b\\s",
        "\n\t\r\u{8}\u{c}",
        "\u{1}\u{1f}",
        "ünï ✓",
        "\u{7f}",
    ] {
        assert_eq!(
            json_str_len(s),
            serde_json::to_string(&json!(s)).unwrap().len(),
            "{s:?}"
        );
    }
}
