//! Names as Flow's control plane makes them for discovered bindings: the normalized
//! recommended name, the default target `<capture prefix>/<name>`, and the base name sibling
//! files are called after.
//!
//! Follows estuary/flow `crates/control-plane-api/src/discovers/specs.rs`
//! (`normalize_recommended_name`, `update_capture_bindings`) and `crates/models/src/collate.rs`
//! (`normalize`).

use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

/// Flow's catalog-name pattern without its anchors: what `find_iter` keeps of a name.
static NAME_PART: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\p{Letter}\p{Number}\-_\.]+(/[\p{Letter}\p{Number}\-_\.]+)*").unwrap()
});

/// The recommended name as Flow writes it into a target: every run of valid name characters
/// (a `/`-separated catalog name) kept, each Unicode-normalized (NFD then NFKC, no case
/// folding), joined with `_`. `some greetings!` becomes `some_greetings`.
pub fn normalize_recommended_name(name: &str) -> String {
    if is_plain_name(name) {
        // Already one run of valid ASCII name characters: nothing to drop or normalize.
        return name.to_string();
    }
    let parts: Vec<String> = NAME_PART
        .find_iter(name)
        .map(|m| m.as_str().nfd().nfkc().collect())
        .collect();
    parts.join("_")
}

/// ASCII letters, digits, `-`, `_` and `.` in non-empty `/`-separated parts: a name that
/// [`normalize_recommended_name`] keeps as it is (the common case, checked without the regex).
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('/').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        })
}

/// The part of a capture's name its discovered collections go under: everything before the
/// last `/` (`acmeCo/shop/source-demo` → `acmeCo/shop`). Flow names always have a tenant
/// prefix; a name without one has nowhere to put collections.
pub fn capture_prefix(capture: &str) -> Result<&str, String> {
    match capture.rsplit_once('/') {
        Some((prefix, _)) if !prefix.is_empty() => Ok(prefix),
        _ => Err(format!(
            "capture `{capture}` has no prefix (like `acmeCo/`) to put its collections under"
        )),
    }
}

/// The target Flow gives a newly discovered binding: `<capture prefix>/<normalized name>`.
pub fn default_target(prefix: &str, normalized: &str) -> String {
    format!("{prefix}/{normalized}")
}

/// The last `/`-separated component of a catalog name, which flowctl names sibling files
/// after (`acmeCo/shop/orders` → `orders`).
pub fn base_name(name: &str) -> &str {
    name.rsplit_once('/').map_or(name, |(_, base)| base)
}

/// A name's prefix with its trailing `/` (`acmeCo/shop/orders` → `acmeCo/shop/`), or `""`.
pub fn name_prefix(name: &str) -> &str {
    name.rfind('/').map_or("", |i| &name[..=i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recommended_names_normalize_as_flow_does() {
        // The table of Flow's `test_recommended_name_normalization`, and its response test.
        for (name, expect) in [
            ("Foo", "Foo"),
            ("foo/bar", "foo/bar"),
            ("Faſt/Carſ", "Fast/Cars"),
            ("/", ""),
            ("/foo/bar//baz/", "foo/bar_baz"),
            ("#੫൬    , bar-_!", "੫൬_bar-_"),
            ("One! two/_three", "One_two/_three"),
            ("some greetings!", "some_greetings"),
            ("spiﬃest", "spiffiest"),
        ] {
            assert_eq!(normalize_recommended_name(name), expect, "{name:?}");
        }
    }

    #[test]
    fn the_plain_name_shortcut_agrees_with_the_regex() {
        let slow = |name: &str| -> String {
            let parts: Vec<String> = NAME_PART
                .find_iter(name)
                .map(|m| m.as_str().nfd().nfkc().collect())
                .collect();
            parts.join("_")
        };
        for name in [
            "Foo", "a.b-c_d", "foo/bar", "foo//bar", "/foo", "foo/", "", "a b", "é", "x/y/z",
            "s0000001", "..", "a/./b",
        ] {
            assert_eq!(normalize_recommended_name(name), slow(name), "{name:?}");
        }
    }

    #[test]
    fn prefixes_targets_and_bases() {
        assert_eq!(capture_prefix("acmeCo/shop/source-demo"), Ok("acmeCo/shop"));
        assert_eq!(capture_prefix("acmeCo/cap"), Ok("acmeCo"));
        assert!(capture_prefix("cap").unwrap_err().contains("no prefix"));
        assert_eq!(default_target("acmeCo", "orders"), "acmeCo/orders");
        assert_eq!(base_name("acmeCo/shop/orders"), "orders");
        assert_eq!(base_name("orders"), "orders");
        assert_eq!(name_prefix("acmeCo/shop/orders"), "acmeCo/shop/");
        assert_eq!(name_prefix("orders"), "");
    }
}
