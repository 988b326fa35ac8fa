//! `flowspec check`: validation of a loaded catalog against flowspec's own model of Flow's
//! catalog format (flow-format.md §1), with every problem located at the node it is about.
//!
//! - `model`: the hand-written model, one [`model::Shape`] per Flow model type (the types in
//!   `model/mod.rs`, the table of Flow's format in `model/catalog_format.rs`).
//! - `walk`: checks one file's tree against the model and collects references (the words of
//!   its messages in `walk/words.rs`).
//! - `refs`: checks across files (duplicate names, references to undefined entities).
//! - `suggest`: "did you mean" suggestions.
//! - `build`, `tasks`, `ingest`: what Flow's build rejects beyond structure (schemas, keys,
//!   projections, name prefixes, transforms, materialization fields, test documents), with
//!   schemas read through `catalog::shape`.

mod build;
mod ingest;
mod model;
mod refs;
mod suggest;
mod tasks;
mod walk;

use serde::Serialize;

use super::{shape, Catalog, Diagnostic, FileRole};

/// Options for [`check`].
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckOptions {
    /// Treat references to collections that are not defined locally as errors.
    pub strict: bool,
}

/// What kind of problem a diagnostic reports. Tools and tests use it to tell problems that
/// Flow's published JSON schema can express ([`Code::is_structural`]) from the ones only a
/// whole-catalog view (or Flow's build) finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    /// Found while loading: syntax errors, unreadable or missing files, files that are not
    /// regular files or are too large, alias bombs.
    Load,
    /// An import or reference that reaches a file outside the catalog folder (the root file's
    /// folder and below). Flow loads it, so flowspec does too, but a catalog from elsewhere can
    /// point at any file on the machine.
    Outside,
    /// A key Flow does not accept here (Flow denies unknown fields).
    UnknownKey,
    /// An old spelling or form Flow still reads but its schema rejects (`flowSink`, legacy tests).
    Alias,
    /// A value of the wrong kind (a number where a string belongs, ...).
    Type,
    /// A required key is missing.
    Required,
    /// A catalog name breaks Flow's naming rules.
    Name,
    /// A JSON pointer, field name, token or path breaks its pattern.
    Pattern,
    /// A duration not in Flow's `^\d+(s|m|h|d)$` form.
    Duration,
    /// A timestamp that is not RFC 3339.
    Timestamp,
    /// A value outside its allowed set or range.
    Value,
    /// A collection without exactly one schema form (`schema`, or `writeSchema`+`readSchema`).
    SchemaForm,
    /// A key Flow silently ignores (inside connector, local and dekaf endpoints).
    IgnoredKey,
    /// Flow rejects it when building, though its schema allows it (an empty `key`, an empty
    /// `command`, numbers beyond 32 bits).
    Semantic,
    /// A connector image without a tag.
    Image,
    /// The same catalog name defined twice.
    Duplicate,
    /// A reference to a name that is not defined in the loaded catalog.
    Undefined,
    /// A reference to a name defined as another kind of entity.
    WrongKind,
    /// A config holds a secret in plaintext (Flow's plaintext check; see `crate::sops`).
    PlaintextSecret,
    // The codes below are the names of Flow's own build errors (estuary/flow
    // `crates/validation/src/errors.rs`), spelled as Flow spells them.
    /// A schema keyword Flow cannot build (`type: numbr`, `required: id`).
    #[serde(rename = "SchemaBuild")]
    SchemaBuild,
    /// A `$ref` whose fragment names nothing in its document.
    #[serde(rename = "SchemaIndex")]
    SchemaIndex,
    /// A collection's `schema: file.yaml#fragment` whose fragment names nothing.
    #[serde(rename = "NoSuchSchema")]
    NoSuchSchema,
    /// A collection schema that does not have exactly `type: object` (`schema: true`).
    #[serde(rename = "CollectionSchemaNotObject")]
    CollectionSchemaNotObject,
    /// A key, projection or shuffle key location the schema does not mention.
    #[serde(rename = "PtrIsImplicit")]
    PtrIsImplicit,
    /// A key, projection or shuffle key location the schema forbids.
    #[serde(rename = "PtrCannotExist")]
    PtrCannotExist,
    /// A key location the schema allows but does not require (older Flow rejected it; a
    /// warning).
    #[serde(rename = "KeyMayNotExist")]
    KeyMayNotExist,
    /// A key, partition or shuffle key location whose types are not keyable.
    #[serde(rename = "KeyWrongType")]
    KeyWrongType,
    /// A catalog name that is a prefix of another, or a transform name used twice.
    #[serde(rename = "NameCollision")]
    NameCollision,
    /// A field (in `fields` or a partition selector) that no projection provides.
    #[serde(rename = "NoSuchProjection")]
    NoSuchProjection,
    /// A partition selector naming a field that is not a partition.
    #[serde(rename = "ProjectionNotPartitioned")]
    ProjectionNotPartitioned,
    /// An explicit projection that takes another location's canonical field name.
    #[serde(rename = "ProjectionRemapsCanonicalField")]
    ProjectionRemapsCanonicalField,
    /// A `groupBy` field whose types are not keyable.
    #[serde(rename = "GroupByWrongType")]
    GroupByWrongType,
    /// A test's ingested document that its collection's schema rejects.
    #[serde(rename = "IngestDocInvalid")]
    IngestDocInvalid,
}

impl Code {
    /// True for problems of a single file's structure that Flow's JSON schema also reports
    /// (so a file is schema-valid exactly when it has none of them).
    pub fn is_structural(self) -> bool {
        matches!(
            self,
            Code::UnknownKey
                | Code::Alias
                | Code::Type
                | Code::Required
                | Code::Name
                | Code::Pattern
                | Code::Duration
                | Code::Timestamp
                | Code::Value
                | Code::SchemaForm
        )
    }
}

/// A diagnostic with its [`Code`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: Code,
    #[serde(flatten)]
    pub diagnostic: Diagnostic,
}

/// Validates every file of the catalog; returns problems sorted by file and position.
pub fn check(catalog: &Catalog, opts: CheckOptions) -> Vec<Diagnostic> {
    findings(catalog, opts)
        .into_iter()
        .map(|f| f.diagnostic)
        .collect()
}

/// Like [`check`], keeping each problem's [`Code`].
pub fn findings(catalog: &Catalog, opts: CheckOptions) -> Vec<Finding> {
    let mut out: Vec<Finding> = catalog
        .load_problems
        .iter()
        .map(|d| Finding {
            code: Code::Load,
            diagnostic: d.clone(),
        })
        .collect();
    let mut references = Vec::new();
    // Every catalog and schema file is parsed once, here.
    let parsed = shape::collection::parse_files(catalog);
    let walked = crate::par::par_map(&catalog.files, |i, file| {
        let root = parsed[i]
            .as_ref()
            .filter(|_| file.role == FileRole::Catalog)?;
        Some(walk::file(&file.path, root))
    });
    for (i, (file, walked)) in catalog.files.iter().zip(walked).enumerate() {
        if file.role != FileRole::Catalog {
            continue;
        }
        match walked {
            Some((found, refs)) => {
                out.extend(found);
                references.extend(refs);
            }
            // Usually already a load problem (then removed as a duplicate below); reported
            // here too for files edited since loading.
            None => {
                if let Err(e) = catalog.parse_file(i) {
                    out.push(Finding {
                        code: Code::Load,
                        diagnostic: Diagnostic::error(&file.path, e.line, e.col, e.message),
                    });
                }
            }
        }
    }
    out.extend(refs::check(catalog, &references, opts));
    out.extend(outside(catalog));
    out.extend(flow_build(catalog, &parsed));
    sort_and_dedup(&mut out);
    out
}

/// What Flow's build would reject beyond structure: each collection's schema is inferred once
/// and every rule asks that model.
fn flow_build(catalog: &Catalog, parsed: &[Option<crate::yaml::Node>]) -> Vec<Finding> {
    let index = shape::collection::index(catalog, parsed);
    let mut inferrer = shape::Inferrer::new(&index);
    let models = shape::collection::models(catalog, parsed, &mut inferrer);
    let mut emit = build::Emit {
        catalog,
        out: Vec::new(),
    };
    build::check(&mut emit, parsed, &index, &models);
    tasks::check(&mut emit, parsed, &models);
    ingest::check(&mut emit, parsed, &models);
    emit.out
}

/// A warning at every import or reference of a file outside the catalog folder.
fn outside(catalog: &Catalog) -> Vec<Finding> {
    let folder = catalog.root_dir.display();
    let mut out = Vec::new();
    for file in catalog.files.iter().filter(|f| f.outside) {
        for site in &file.referenced_at {
            out.push(Finding {
                code: Code::Outside,
                diagnostic: Diagnostic::warning(
                    &site.file,
                    site.line,
                    site.col,
                    format!(
                        "`{}` is outside the catalog folder ({folder}): it is {}",
                        site.reference,
                        file.real_path.display()
                    ),
                ),
            });
        }
    }
    out
}

/// Sorts by file, line and column; drops repeated diagnostics, keeping a structural code
/// over a load code when both describe the same problem.
fn sort_and_dedup(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        let (da, db) = (&a.diagnostic, &b.diagnostic);
        (&da.file, da.line, da.col, da.severity, &da.message)
            .cmp(&(&db.file, db.line, db.col, db.severity, &db.message))
            .then_with(|| b.code.is_structural().cmp(&a.code.is_structural()))
    });
    findings.dedup_by(|later, earlier| later.diagnostic == earlier.diagnostic);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Severity, SourceFile};
    use std::path::PathBuf;

    fn catalog(files: &[(&str, &str)]) -> Catalog {
        let mut cat = Catalog {
            root: PathBuf::from("/c/flow.yaml"),
            root_dir: PathBuf::from("/c"),
            files: Vec::new(),
            load_problems: Vec::new(),
        };
        for (i, (name, text)) in files.iter().enumerate() {
            let mut f = SourceFile::new(
                PathBuf::from(format!("/c/{name}")),
                FileRole::Catalog,
                text.to_string(),
            );
            f.set_entities(crate::catalog::load::reindex(i, text).unwrap_or_default());
            cat.files.push(f);
        }
        cat
    }

    #[test]
    fn results_are_sorted_and_deduplicated() {
        let mut cat = catalog(&[
            ("b.flow.yaml", "zzz: 1\naaa: 2\n"),
            ("a.flow.yaml", "x: 1\n"),
        ]);
        let dup = Diagnostic::error(&cat.files[0].path, 1, 1, "unknown top-level key `zzz` (allowed keys: `$schema`, `import`, `captures`, `collections`, `materializations` or `tests`)");
        cat.load_problems.push(dup);
        let out = findings(&cat, CheckOptions::default());
        let at: Vec<_> = out
            .iter()
            .map(|f| {
                (
                    f.diagnostic
                        .file
                        .file_name()
                        .unwrap()
                        .to_string_lossy()
                        .to_string(),
                    f.diagnostic.line,
                )
            })
            .collect();
        assert_eq!(
            at,
            vec![
                ("a.flow.yaml".into(), 1),
                ("b.flow.yaml".into(), 1),
                ("b.flow.yaml".into(), 2)
            ]
        );
        // The copy that was also a load problem keeps its structural code.
        assert_eq!(out[1].code, Code::UnknownKey);
    }

    #[test]
    fn edited_files_that_no_longer_parse_are_reported() {
        let cat = catalog(&[("flow.yaml", "a: [1\n")]);
        let out = check(&cat, CheckOptions::default());
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Error);
    }

    #[test]
    fn structural_codes() {
        assert!(Code::UnknownKey.is_structural() && Code::Alias.is_structural());
        assert!(!Code::Duplicate.is_structural() && !Code::Image.is_structural());
        assert!(!Code::Load.is_structural() && !Code::Semantic.is_structural());
    }
}
