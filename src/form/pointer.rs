//! JSON Pointers (RFC 6901) name fields: `""` is the root, `/auth/password` a nested field,
//! `/stores/0/name` an array item's field. They match the validator's instance paths.

/// The unescaped segments of `pointer` (`~1` → `/`, `~0` → `~`).
pub fn segments(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer
        .strip_prefix('/')
        .unwrap_or(pointer)
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// `parent` extended by one segment, escaped.
pub fn join(parent: &str, seg: &str) -> String {
    format!("{parent}/{}", seg.replace('~', "~0").replace('/', "~1"))
}

/// The pointer made of `segs`.
pub fn from_segments<S: AsRef<str>>(segs: &[S]) -> String {
    segs.iter().fold(String::new(), |p, s| join(&p, s.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_round_trip_escapes() {
        let segs = segments("/a~1b/c~0d/0");
        assert_eq!(segs, vec!["a/b", "c~d", "0"]);
        assert_eq!(from_segments(&segs), "/a~1b/c~0d/0");
        assert!(segments("").is_empty());
    }
}
