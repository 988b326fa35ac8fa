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
    fn pointers_and_fields() {
        assert!(
            is_json_pointer("")
                && is_json_pointer("/a/b~1c")
                && !is_json_pointer("/")
                && !is_json_pointer("a")
        );
        assert!(is_field("a b/c") && !is_field("/a"));
    }
}
