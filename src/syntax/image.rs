//! Connector image references, `[REGISTRY[:PORT]/]REPOSITORY[:TAG][@ALGORITHM:HEX]`, as Docker
//! reads them. A colon before the last `/` belongs to a registry port (`localhost:5000/img` has
//! no tag); a digest pins the image whatever the tag says. `check` uses this to tell a catalog
//! author that an image cannot run; the Docker runner uses it to decide what to pull.

/// A parsed image reference that names a tag, a digest or both. References with neither are
/// refused: Docker would silently use `:latest` to run, and pull *every* tag of the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// Registry and repository, e.g. `ghcr.io/estuary/source-postgres`.
    pub name: String,
    pub tag: Option<String>,
    /// `sha256:…` when pinned.
    pub digest: Option<String>,
}

/// Why an image reference cannot be run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageRefError {
    #[error("it is empty")]
    Empty,
    #[error("it contains a space")]
    Whitespace,
    #[error("it has no repository name")]
    NoName,
    #[error("it has no tag or digest")]
    NoTag,
    #[error("`{0}` is not a tag (letters, digits, `_`, `.` and `-`, up to 128, not starting with `.` or `-`)")]
    BadTag(String),
    #[error("`{0}` is not a digest (ALGORITHM:HEX, such as sha256: and 64 hex digits)")]
    BadDigest(String),
}

impl ImageRef {
    /// Splits `NAME[:TAG][@DIGEST]`, refusing references that Docker could not pull exactly.
    pub fn parse(image: &str) -> Result<Self, ImageRefError> {
        if image.is_empty() {
            return Err(ImageRefError::Empty);
        }
        if image.chars().any(char::is_whitespace) {
            return Err(ImageRefError::Whitespace);
        }
        let (rest, digest) = match image.split_once('@') {
            Some((rest, digest)) if is_digest(digest) => (rest, Some(digest.to_string())),
            Some((_, digest)) => return Err(ImageRefError::BadDigest(digest.to_string())),
            None => (image, None),
        };
        let slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[slash..].rfind(':') {
            Some(i) => (&rest[..slash + i], Some(&rest[slash + i + 1..])),
            None => (rest, None),
        };
        if name.is_empty() || name.ends_with('/') {
            return Err(ImageRefError::NoName);
        }
        match tag {
            Some("") | None if digest.is_none() => return Err(ImageRefError::NoTag),
            Some(t) if !is_tag(t) => return Err(ImageRefError::BadTag(t.to_string())),
            _ => {}
        }
        Ok(ImageRef {
            name: name.to_string(),
            tag: tag.map(str::to_string),
            digest,
        })
    }

    /// What to pull: the digest when pinned (it wins over the tag, as in Docker), else the tag.
    pub fn pull_tag(&self) -> &str {
        self.digest
            .as_deref()
            .or(self.tag.as_deref())
            .expect("parse guarantees a tag or digest")
    }

    /// The reference Docker resolves locally: `name@digest` when pinned, else `name:tag`.
    pub fn local_reference(&self) -> String {
        match (&self.digest, &self.tag) {
            (Some(d), _) => format!("{}@{d}", self.name),
            (None, Some(t)) => format!("{}:{t}", self.name),
            (None, None) => unreachable!("parse guarantees a tag or digest"),
        }
    }
}

/// Docker's tag grammar: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
fn is_tag(t: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    t.len() <= 128
        && t.chars().next().is_some_and(word)
        && t.chars().all(|c| word(c) || c == '.' || c == '-')
}

/// A digest: an algorithm (`sha256`, `sha512`, `multihash+base58`: letters and digits joined by
/// `+._-`) and hex digits. Docker wants at least 32 of them, but Flow accepts any, and the
/// engine names a short one itself when it is asked to pull it.
fn is_digest(d: &str) -> bool {
    let Some((algorithm, hex)) = d.split_once(':') else {
        return false;
    };
    let algorithm_ok = algorithm.split(['+', '.', '_', '-']).all(|part| {
        part.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && part.chars().all(|c| c.is_ascii_alphanumeric())
    });
    algorithm_ok && !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn tags_digests_and_registry_ports() {
        let r = ImageRef::parse("ghcr.io/estuary/source-postgres:v1").unwrap();
        assert_eq!(r.name, "ghcr.io/estuary/source-postgres");
        assert_eq!(r.pull_tag(), "v1");
        assert_eq!(r.local_reference(), "ghcr.io/estuary/source-postgres:v1");

        let r = ImageRef::parse("localhost:5000/x:dev").unwrap();
        assert_eq!(
            (r.name.as_str(), r.tag.as_deref()),
            ("localhost:5000/x", Some("dev"))
        );

        let r = ImageRef::parse(&format!("x/y:v2@{SHA}")).unwrap();
        assert_eq!(r.pull_tag(), SHA);
        assert_eq!(r.local_reference(), format!("x/y@{SHA}"));
        assert_eq!(r.tag.as_deref(), Some("v2"));

        assert_eq!(
            ImageRef::parse(&format!("x:@{SHA}")),
            Err(ImageRefError::BadTag(String::new()))
        );
        let r = ImageRef::parse(&format!("localhost:5000/y@{SHA}")).unwrap();
        assert_eq!((r.name.as_str(), r.tag), ("localhost:5000/y", None));
        assert!(ImageRef::parse("source-x:v1").is_ok());
        assert!(ImageRef::parse("[::1]:5000/x:v1_2.3-rc").is_ok());
    }

    #[test]
    fn references_that_cannot_be_pulled_exactly_are_refused() {
        use ImageRefError::*;
        for (bad, why) in [
            ("ghcr.io/estuary/source-postgres", NoTag),
            ("localhost:5000/x", NoTag),
            ("localhost:5000/x/", NoName),
            ("x:", NoTag),
            ("x:-v1", BadTag("-v1".into())),
            ("x:v/1", NoTag),
            (":v1", NoName),
            ("x@", BadDigest(String::new())),
            ("x@sha256:", BadDigest("sha256:".into())),
            ("x@sha256:xyz", BadDigest("sha256:xyz".into())),
            ("x@:abc", BadDigest(":abc".into())),
            ("x:v1@latest", BadDigest("latest".into())),
            ("", Empty),
            ("a b:c", Whitespace),
        ] {
            assert_eq!(ImageRef::parse(bad), Err(why), "{bad:?}");
        }
        assert!(ImageRef::parse(&format!("x:{}", "a".repeat(129))).is_err());
    }
}
