//! Flow's naming rules (flow-format.md §1.2), with Unicode-aware classes as Flow uses.

use std::sync::LazyLock;

use regex::Regex;

static CATALOG_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\p{Letter}\p{Number}\-_\.]+(/[\p{Letter}\p{Number}\-_\.]+)*$").unwrap()
});
static TOKEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\p{Letter}\p{Number}\-_\.]+$").unwrap());
static JSON_POINTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(/([^/~]|(~[01]))+)*$").unwrap());
static FIELD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([^/~]|(~[01]))+(/([^/~]|(~[01]))+)*$").unwrap());
// ASCII digits only, as in the JSON schema's ECMA-262 `\d` (Rust's `\d` is Unicode).
static DURATION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[0-9]+(s|m|h|d)$").unwrap());

/// Why a catalog name is invalid, or `None` when it is fine. Explains the rule in words.
pub fn catalog_name_problem(name: &str) -> Option<String> {
    if CATALOG_NAME.is_match(name) {
        return None;
    }
    let why = if name.is_empty() {
        "it is empty".to_string()
    } else if name.starts_with('/') || name.ends_with('/') {
        "it starts or ends with `/`".to_string()
    } else if name.contains("//") {
        "it contains `//`".to_string()
    } else if let Some(c) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/')))
    {
        format!("it contains {c:?}")
    } else {
        "it does not match Flow's naming rules".to_string()
    };
    Some(format!(
        "invalid catalog name `{name}`: {why} (names are letters, numbers, `-`, `_`, `.` in `/`-separated parts)"
    ))
}

/// A single path component such as a transform name.
pub fn is_token(s: &str) -> bool {
    TOKEN.is_match(s)
}

/// A JSON pointer as Flow accepts it (`""` is the root; `/` alone is not valid).
pub fn is_json_pointer(s: &str) -> bool {
    JSON_POINTER.is_match(s)
}

/// A projection field name.
pub fn is_field(s: &str) -> bool {
    FIELD.is_match(s)
}

/// A duration in the only form Flow's schema accepts: one number (ASCII digits) and one unit.
pub fn is_duration(s: &str) -> bool {
    DURATION.is_match(s)
}

/// The length in seconds of a duration [`is_duration`] accepts, or `None` when it does not
/// fit the 64-bit count of seconds Flow parses it into (Flow then refuses the catalog).
pub fn duration_seconds(s: &str) -> Option<u64> {
    if !is_duration(s) {
        return None;
    }
    let (digits, unit) = s.split_at(s.len() - 1);
    let unit = match unit {
        "d" => 86_400,
        "h" => 3_600,
        "m" => 60,
        _ => 1,
    };
    digits.parse::<u64>().ok()?.checked_mul(unit)
}

/// True when an image reference carries a tag or digest (`name:tag`, `name@sha256:...`).
pub fn image_has_tag(image: &str) -> bool {
    if image.contains("@sha256:") {
        return true;
    }
    // A `:` after the last `/` is a tag; one before it is a registry port.
    let last = image.rsplit('/').next().unwrap_or(image);
    matches!(last.split_once(':'), Some((n, t)) if !n.is_empty() && !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(catalog_name_problem("acmeCo/orders").is_none());
        assert!(catalog_name_problem("ñandú/日本/x-1_2.3").is_none());
        assert!(catalog_name_problem("acme//x").unwrap().contains("`//`"));
        assert!(catalog_name_problem("/acme").is_some());
        assert!(catalog_name_problem("acme/has space")
            .unwrap()
            .contains("' '"));
    }

    #[test]
    fn durations_pointers_images() {
        assert!(
            is_duration("5m") && is_duration("90s") && !is_duration("1h 30m") && !is_duration("5")
        );
        // Digits are ASCII digits (`\d` in Flow's schema is ECMA-262's).
        assert!(!is_duration("\u{0665}m") && !is_duration("５m"));
        assert_eq!(duration_seconds("90m"), Some(5_400));
        assert_eq!(duration_seconds("18446744073709551615s"), Some(u64::MAX));
        assert_eq!(duration_seconds("18446744073709551616s"), None);
        assert_eq!(duration_seconds("307445734561825861m"), None);
        assert_eq!(duration_seconds("1h 30m"), None);
        assert!(
            is_json_pointer("")
                && is_json_pointer("/a/b~1c")
                && !is_json_pointer("/")
                && !is_json_pointer("a")
        );
        assert!(is_field("a b/c") && !is_field("/a"));
        assert!(image_has_tag("ghcr.io/estuary/source-postgres:v1"));
        assert!(image_has_tag("localhost:5000/x@sha256:abc"));
        assert!(!image_has_tag("localhost:5000/source-x"));
        assert!(!image_has_tag("ghcr.io/estuary/source-postgres"));
    }
}
