//! The bundled list of Estuary's public connector images (`assets/connectors.tsv`, flowspec's
//! own file: image, title, kind) and the image completion of the connector step. A person
//! setting up a task should not have to remember `ghcr.io/estuary/source-postgres:v1`.

use std::sync::LazyLock;

use super::Kind;

/// One connector image of the bundled list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownConnector {
    /// The image reference with its tag (`ghcr.io/estuary/source-postgres:v1`).
    pub image: &'static str,
    /// What people call it (`PostgreSQL`), shown beside the image.
    pub title: &'static str,
    pub kind: Kind,
}

const ASSET: &str = include_str!("../../assets/connectors.tsv");

static KNOWN: LazyLock<Vec<KnownConnector>> = LazyLock::new(|| parse(ASSET));

/// Lines `image<TAB>title<TAB>kind`; `#` comments and blank lines skipped. A malformed line is
/// skipped too (the asset's test holds every line to the format).
fn parse(text: &'static str) -> Vec<KnownConnector> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut cols = l.split('\t');
            let (image, title, kind) = (cols.next()?, cols.next()?, cols.next()?);
            let kind = match kind.trim() {
                "capture" => Kind::Capture,
                "materialization" => Kind::Materialization,
                _ => return None,
            };
            Some(KnownConnector { image, title, kind })
        })
        .collect()
}

/// Every connector of the bundled list, parsed once.
pub fn known() -> &'static [KnownConnector] {
    &KNOWN
}

/// The bundled entry of `image`, for its title.
pub fn find(image: &str) -> Option<&'static KnownConnector> {
    known().iter().find(|k| k.image == image)
}

/// The kind an image's name says it is: `source-*` captures, `materialize-*` materializes;
/// `None` when the name says neither.
pub fn kind_of_image(image: &str) -> Option<Kind> {
    let base = super::Connector::Image(image.to_string()).base_name();
    if base.starts_with("source-") {
        Some(Kind::Capture)
    } else if base.starts_with("materialize-") {
        Some(Kind::Materialization)
    } else {
        None
    }
}

/// Tab completion of an image reference: the bundled images of `kind` and the spec cache's
/// image references (`cached`; those whose name says the other kind are left out) that start
/// with `typed` or contain it (ignoring case). Those starting with it come first; each group
/// sorted, no duplicates.
pub fn complete(typed: &str, kind: Kind, cached: &[String]) -> Vec<String> {
    let needle = typed.to_lowercase();
    let mut prefixed = Vec::new();
    let mut containing = Vec::new();
    let candidates = known()
        .iter()
        .filter(|k| k.kind == kind)
        .map(|k| k.image.to_string())
        .chain(
            cached
                .iter()
                .filter(|c| kind_of_image(c).is_none_or(|k| k == kind))
                .cloned(),
        );
    for c in candidates {
        let lower = c.to_lowercase();
        if lower.starts_with(&needle) {
            prefixed.push(c);
        } else if lower.contains(&needle) {
            containing.push(c);
        }
    }
    for group in [&mut prefixed, &mut containing] {
        // By repository, then tag: `source-postgres:v1` before `source-postgres-batch:v1`.
        group.sort_by(|a, b| split_tag(a).cmp(&split_tag(b)));
        group.dedup();
    }
    containing.retain(|c| !prefixed.contains(c));
    prefixed.extend(containing);
    prefixed
}

/// An image reference as (repository, tag): the tag is after the last `:` that follows the
/// last `/` (a registry's port is not a tag).
fn split_tag(image: &str) -> (&str, &str) {
    let slash = image.rfind('/').map_or(0, |i| i + 1);
    match image[slash..].rfind(':') {
        Some(i) => (&image[..slash + i], &image[slash + i + 1..]),
        None => (image, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_comes_before_the_longer_names_it_begins() {
        let got = complete("ghcr.io/estuary/source-postgres", Kind::Capture, &[]);
        assert_eq!(
            got.first().map(String::as_str),
            Some("ghcr.io/estuary/source-postgres:v1")
        );
        assert_eq!(split_tag("localhost:5000/img"), ("localhost:5000/img", ""));
        assert_eq!(
            split_tag("localhost:5000/img:v2"),
            ("localhost:5000/img", "v2")
        );
    }

    #[test]
    fn the_asset_parses_completely_with_tagged_estuary_images() {
        let lines = ASSET
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .count();
        assert_eq!(known().len(), lines, "a malformed line in the asset");
        assert!(known().len() > 100);
        for k in known() {
            let r = crate::syntax::image::ImageRef::parse(k.image).unwrap();
            assert!(r.name.starts_with("ghcr.io/estuary/"), "{}", k.image);
            assert_eq!(r.tag.as_deref(), Some("v1"));
            assert_eq!(kind_of_image(k.image), Some(k.kind), "{}", k.image);
            assert!(!k.title.is_empty());
        }
        assert_eq!(
            find("ghcr.io/estuary/source-postgres:v1").map(|k| k.title),
            Some("PostgreSQL")
        );
    }

    #[test]
    fn completion_filters_by_kind_and_text_prefix_matches_first() {
        let cached = vec![
            "ghcr.io/estuary/source-postgres:dev".to_string(),
            "example.com/my-connector:1".to_string(),
            "ghcr.io/estuary/materialize-postgres:v1".to_string(),
            "ghcr.io/estuary/source-postgres:v1".to_string(),
        ];
        let got = complete("postgres", Kind::Capture, &cached);
        assert_eq!(
            got,
            vec![
                "ghcr.io/estuary/source-postgres:dev",
                "ghcr.io/estuary/source-postgres:v1",
                "ghcr.io/estuary/source-postgres-batch:v1",
            ]
        );
        let got = complete(
            "ghcr.io/estuary/materialize-post",
            Kind::Materialization,
            &[],
        );
        assert_eq!(got, vec!["ghcr.io/estuary/materialize-postgres:v1"]);
        // A cached image whose name says neither kind is offered for both.
        assert!(complete("EXAMPLE", Kind::Materialization, &cached)
            .contains(&"example.com/my-connector:1".to_string()));
        // Prefix matches before substring matches.
        let all = complete("ghcr.io/estuary/source-s", Kind::Capture, &[]);
        assert!(all
            .iter()
            .all(|i| i.starts_with("ghcr.io/estuary/source-s")));
        let mixed = complete("s3", Kind::Materialization, &["s3-thing:1".into()]);
        assert_eq!(mixed[0], "s3-thing:1");
        assert!(mixed.len() > 1);
        assert!(complete("", Kind::Capture, &[]).len() > 50);
    }
}
