//! Checks that need the whole catalog: one namespace of names across files and kinds, and
//! references (binding targets and sources, test collections, source captures) that resolve.

use std::collections::HashMap;

use super::walk::Reference;
use super::{CheckOptions, Code, Finding};
use crate::catalog::{Catalog, Diagnostic, Entity};

/// Reports duplicate definitions (at the later one, in load order) and references to
/// entities that are not defined here (warnings, or errors with `strict`) or are of
/// another kind (errors).
pub fn check(catalog: &Catalog, references: &[Reference], opts: CheckOptions) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut defined: HashMap<&str, &Entity> = HashMap::new();
    for (_, entity) in catalog.entities() {
        match defined.get(entity.name.as_str()) {
            Some(first) => out.push(Finding {
                code: Code::Duplicate,
                diagnostic: Diagnostic::error(
                    &catalog.files[entity.file].path,
                    entity.line,
                    entity.col,
                    format!(
                        "`{}` is defined twice: it is already defined as a {} at {}:{} \
                         (captures, collections, materializations and tests share one set of names)",
                        entity.name,
                        first.kind.label(),
                        catalog.display_path(&catalog.files[first.file].path),
                        first.line
                    ),
                ),
            }),
            None => {
                defined.insert(&entity.name, entity);
            }
        }
    }
    for r in references.iter().filter(|r| !r.disabled) {
        let wanted = r.kind.label();
        match defined.get(r.name.as_str()) {
            Some(e) if e.kind == r.kind => {}
            Some(e) => out.push(Finding {
                code: Code::WrongKind,
                diagnostic: Diagnostic::error(
                    &r.file,
                    r.line,
                    r.col,
                    format!(
                        "`{}` is a {}, not a {wanted} (defined at {}:{})",
                        r.name,
                        e.kind.label(),
                        catalog.display_path(&catalog.files[e.file].path),
                        e.line
                    ),
                ),
            }),
            None if opts.strict => out.push(Finding {
                code: Code::Undefined,
                diagnostic: Diagnostic::error(
                    &r.file,
                    r.line,
                    r.col,
                    format!(
                        "{wanted} `{}` is not defined in this catalog (strict mode requires \
                         every referenced {wanted} to be defined locally)",
                        r.name
                    ),
                ),
            }),
            None => out.push(Finding {
                code: Code::Undefined,
                diagnostic: Diagnostic::warning(
                    &r.file,
                    r.line,
                    r.col,
                    format!(
                        "{wanted} `{}` is not defined in this catalog; it may exist remotely",
                        r.name
                    ),
                ),
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{EntityKind, FileRole, Severity, SourceFile};
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
            f.set_entities(crate::catalog::load::reindex(i, text).unwrap());
            cat.files.push(f);
        }
        cat
    }

    fn reference(name: &str, kind: EntityKind, disabled: bool) -> Reference {
        Reference {
            name: name.into(),
            kind,
            file: PathBuf::from("/c/flow.yaml"),
            line: 9,
            col: 3,
            disabled,
        }
    }

    #[test]
    fn duplicates_across_files_and_kinds() {
        let cat = catalog(&[
            ("flow.yaml", "collections:\n  acme/x: {}\n"),
            (
                "sub/more.flow.yaml",
                "\ncaptures:\n  acme/x: {}\ntests:\n  acme/y: []\n",
            ),
        ]);
        let out = check(&cat, &[], CheckOptions::default());
        assert_eq!(out.len(), 1);
        let d = &out[0].diagnostic;
        assert_eq!(
            (d.file.to_str().unwrap(), d.line, d.col),
            ("/c/sub/more.flow.yaml", 3, 3)
        );
        assert!(
            d.message.starts_with(
                "`acme/x` is defined twice: it is already defined as a collection at flow.yaml:2"
            ),
            "{}",
            d.message
        );
    }

    #[test]
    fn undefined_references_warn_or_fail_in_strict_mode() {
        let cat = catalog(&[(
            "flow.yaml",
            "collections:\n  acme/c: {}\ncaptures:\n  acme/cap: {}\n",
        )]);
        let refs = [
            reference("acme/c", EntityKind::Collection, false),
            reference("acme/missing", EntityKind::Collection, false),
            reference("acme/off", EntityKind::Collection, true),
            reference("acme/cap", EntityKind::Collection, false),
        ];
        let out = check(&cat, &refs, CheckOptions::default());
        let got: Vec<_> = out
            .iter()
            .map(|f| (f.code, f.diagnostic.severity, f.diagnostic.message.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    Code::Undefined,
                    Severity::Warning,
                    "collection `acme/missing` is not defined in this catalog; it may exist remotely"
                ),
                (
                    Code::WrongKind,
                    Severity::Error,
                    "`acme/cap` is a capture, not a collection (defined at flow.yaml:4)"
                ),
            ]
        );
        let strict = check(&cat, &refs, CheckOptions { strict: true });
        assert_eq!(strict[0].diagnostic.severity, Severity::Error);
        assert!(strict[0].diagnostic.message.contains("strict mode"));
    }
}
