//! Percent-decoding. Flow's references are URLs: a file named `my file.yaml` is written
//! `my%20file.yaml` and a `$ref` fragment `#/$defs/a%20b`; Flow decodes them before use. An
//! invalid escape (`%zz`, a lone `%`) is kept literally, as URL parsers do.

use std::borrow::Cow;

/// The bytes `s` stands for, escapes decoded. A file name need not be UTF-8.
pub fn decode_bytes(s: &str) -> Cow<'_, [u8]> {
    if !s.contains('%') {
        return Cow::Borrowed(s.as_bytes());
    }
    let bytes = s.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    Cow::Owned(out)
}

/// The text `s` stands for, escapes decoded; `s` itself when the decoded bytes are not UTF-8
/// (no name in a UTF-8 document can then match it).
pub fn decode(s: &str) -> Cow<'_, str> {
    match decode_bytes(s) {
        Cow::Borrowed(_) => Cow::Borrowed(s),
        Cow::Owned(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Cow::Owned(text),
            Err(_) => Cow::Borrowed(s),
        },
    }
}

/// A path from a decoded reference; non-UTF-8 bytes are kept as the file system's bytes.
pub fn decode_path(s: &str) -> std::path::PathBuf {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::OsStr::from_bytes(&decode_bytes(s)).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_decoded() {
        assert_eq!(decode("my%20file.yaml"), "my file.yaml");
        assert_eq!(decode("a%2Fb%2fc"), "a/b/c");
        assert_eq!(decode("%C3%BC.yaml"), "ü.yaml");
        assert_eq!(decode("%41"), "A");
        assert!(matches!(decode("plain.yaml"), Cow::Borrowed("plain.yaml")));
    }

    #[test]
    fn invalid_escapes_stay_literal() {
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%4"), "%4");
        assert_eq!(decode("a%zzb"), "a%zzb");
        assert_eq!(decode("%%41"), "%A");
        assert_eq!(decode("%e2%82"), "%e2%82", "not UTF-8: kept as written");
    }

    #[test]
    fn paths_keep_non_utf8_bytes() {
        use std::os::unix::ffi::OsStrExt;
        let p = decode_path("caf%E9.yaml");
        assert_eq!(p.as_os_str().as_bytes(), b"caf\xe9.yaml");
        assert_eq!(
            decode_path("a%20b/c.yaml"),
            std::path::Path::new("a b/c.yaml")
        );
    }
}
