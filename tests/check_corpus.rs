//! The `check` corpus: `tests/fixtures/check/bad/*.flow.{yaml,json}` each hold one bad construct
//! and an `NAME.expected` file with the exact located messages; `good/*` are valid catalogs
//! that must produce no errors (and no warnings, unless their `.expected` lists them).
//!
//! Expected lines are `LINE:COL: severity: message` for the root file, and
//! `PATH:LINE:COL: severity: message` (PATH relative to the corpus directory) for other files.
//! Absolute paths inside messages are written as `$DIR`. Run with `FLOWSPEC_UPDATE_EXPECTED=1`
//! to rewrite the `.expected` files (then review the diff).

use std::fs;
use std::path::{Path, PathBuf};

use flowspec::catalog::check::{check, CheckOptions};
use flowspec::catalog::{self, Diagnostic, Severity};

fn corpus(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/check")
        .join(kind)
}

/// The catalog files directly in `dir` (helpers live in `dir/parts/` and are only imported).
fn roots(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".flow.yaml") || name.ends_with(".flow.json")
        })
        .collect();
    out.sort();
    out
}

fn expected_path(root: &Path) -> PathBuf {
    let name = root.file_name().unwrap().to_string_lossy();
    let stem = name
        .trim_end_matches(".flow.yaml")
        .trim_end_matches(".flow.json");
    root.with_file_name(format!("{stem}.expected"))
}

fn run(root: &Path, opts: CheckOptions) -> Vec<Diagnostic> {
    let cat = catalog::load(root, &mut |_| {})
        .unwrap_or_else(|e| panic!("{}: could not load: {e}", root.display()));
    check(&cat, opts)
}

fn render(dir: &Path, root: &Path, diags: &[Diagnostic]) -> String {
    let dir_text = dir.to_string_lossy();
    diags
        .iter()
        .map(|d| {
            let file = if d.file == root {
                String::new()
            } else {
                format!("{}:", d.file.strip_prefix(dir).unwrap_or(&d.file).display())
            };
            let message = d.message.replace(dir_text.as_ref(), "$DIR");
            format!("{file}{}:{}: {}: {message}\n", d.line, d.col, d.severity)
        })
        .collect()
}

/// Compares every root of `kind` with its `.expected` file; returns the mismatches.
fn compare(kind: &str, opts: CheckOptions, require_expected: bool) -> Vec<String> {
    let dir = corpus(kind);
    let update = std::env::var_os("FLOWSPEC_UPDATE_EXPECTED").is_some();
    let mut failures = Vec::new();
    for root in roots(&dir) {
        let got = render(&dir, &root, &run(&root, opts));
        let path = expected_path(&root);
        if update && (require_expected || !got.is_empty()) {
            fs::write(&path, &got).unwrap();
            continue;
        }
        let want = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(_) if !require_expected => String::new(),
            Err(e) => {
                failures.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        if got != want {
            failures.push(format!(
                "{}\n--- expected\n{want}--- got\n{got}",
                root.display()
            ));
        }
    }
    failures
}

#[test]
fn bad_corpus_produces_exactly_the_expected_messages() {
    let failures = compare("bad", CheckOptions::default(), true);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_bad_fixture_reports_something_except_the_empty_file() {
    let dir = corpus("bad");
    let roots = roots(&dir);
    assert!(roots.len() >= 30, "only {} bad fixtures", roots.len());
    for root in roots {
        let diags = run(&root, CheckOptions::default());
        let empty = root.file_name().unwrap() == "empty.flow.yaml";
        assert_eq!(diags.is_empty(), empty, "{}: {diags:#?}", root.display());
    }
}

#[test]
fn good_corpus_has_no_errors() {
    let failures = compare("good", CheckOptions::default(), false);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let dir = corpus("good");
    let roots = roots(&dir);
    assert!(roots.len() >= 4);
    for root in roots {
        // Every reference in the good corpus resolves, so strict mode finds nothing more.
        let errors: Vec<_> = run(&root, CheckOptions { strict: true })
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", root.display());
    }
}

#[test]
fn good_corpus_loads_every_referenced_file() {
    let cat = catalog::load(&corpus("good").join("full.flow.yaml"), &mut |_| {}).unwrap();
    let names: Vec<String> = cat
        .files
        .iter()
        .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for expected in [
        "collections.flow.yaml",
        "source-postgres.config.yaml",
        "customers.resource.config.yaml",
        "orders.schema.yaml",
        "customers.write.schema.yaml",
        "orders.expected.yaml",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    assert_eq!(cat.entities().count(), 6);
}

#[test]
fn non_utf8_import_is_reported_at_the_import() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("flow.yaml");
    fs::write(&root, "import:\n  - latin1.flow.yaml\n").unwrap();
    fs::write(
        dir.path().join("latin1.flow.yaml"),
        b"collections:\n  acmeCo/caf\xe9: {key: [/id], schema: true}\n",
    )
    .unwrap();
    let diags = run(&root, CheckOptions::default());
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!((d.file.as_path(), d.line, d.col), (root.as_path(), 2, 5));
    assert_eq!(d.severity, Severity::Error);
    assert!(
        d.message.starts_with("cannot import `latin1.flow.yaml` (")
            && d.message
                .ends_with("): not valid UTF-8 (first bad byte at line 2, column 13)"),
        "{}",
        d.message
    );
}

#[test]
fn non_utf8_root_is_reported_at_its_first_bad_byte() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("flow.yaml");
    fs::write(&root, b"collections: {}\n# caf\xe9\n").unwrap();
    let diags = run(&root, CheckOptions::default());
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!((d.file.as_path(), d.line, d.col), (root.as_path(), 2, 6));
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(
        d.message,
        "not valid UTF-8 (first bad byte at line 2, column 6)"
    );
}

#[cfg(unix)]
#[test]
fn symlink_loop_is_reported_at_the_import() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("flow.yaml");
    fs::write(&root, "import:\n  - loop.flow.yaml\n").unwrap();
    std::os::unix::fs::symlink("loop.flow.yaml", dir.path().join("loop.flow.yaml")).unwrap();
    let diags = run(&root, CheckOptions::default());
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!((d.line, d.col, d.severity), (2, 5, Severity::Error));
    assert!(d.message.contains("symbolic links"), "{}", d.message);
}

#[test]
fn duplicate_in_imported_file_names_the_first_definition() {
    let root = corpus("bad").join("duplicate.flow.yaml");
    let diags = run(&root, CheckOptions::default());
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert!(diags[0].file.ends_with("parts/duplicate-other.flow.yaml"));
    assert!(
        diags[0]
            .message
            .contains("already defined as a collection at duplicate.flow.yaml:5"),
        "{}",
        diags[0].message
    );
}

/// Every catalog file under `dir`, helpers included.
fn all_catalog_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            all_catalog_files(&p, out);
        } else if catalog::load::is_catalog_file_name(&p.file_name().unwrap().to_string_lossy()) {
            out.push(p);
        }
    }
}

/// Checks `text` as the only file of an in-memory catalog.
fn check_text(text: &str) -> Vec<Diagnostic> {
    let path = PathBuf::from("/mutant/flow.yaml");
    let mut file = catalog::SourceFile::new(path.clone(), catalog::FileRole::Catalog, text.into());
    file.set_entities(catalog::load::reindex(0, text).unwrap_or_default());
    let cat = catalog::Catalog {
        root: path,
        root_dir: PathBuf::from("/mutant"),
        files: vec![file],
        load_problems: Vec::new(),
    };
    check(&cat, CheckOptions { strict: true })
}

#[test]
fn mutated_corpus_files_never_panic() {
    const VALUES: &[&str] = &[
        "",
        "[",
        "{}",
        "[]",
        "1",
        "-1",
        "1.5",
        "true",
        "~",
        "'a b'",
        "{a: 1}",
        "[1, {b: 2}]",
        "*nope",
        "!!binary aGk=",
    ];
    let mut files = Vec::new();
    all_catalog_files(&corpus("good"), &mut files);
    all_catalog_files(&corpus("bad"), &mut files);
    let mut runs = 0;
    for file in files {
        let Ok(text) = fs::read_to_string(&file) else {
            continue;
        };
        let lines: Vec<&str> = text.lines().collect();
        for i in 0..lines.len() {
            // Truncated here, without this line, and with this line's value replaced.
            let _ = check_text(&lines[..i].join("\n"));
            let mut without = lines.clone();
            without.remove(i);
            let _ = check_text(&without.join("\n"));
            if let Some((key, _)) = lines[i].split_once(": ") {
                for value in VALUES {
                    let mut changed = lines.clone();
                    let line = format!("{key}: {value}");
                    changed[i] = &line;
                    let _ = check_text(&changed.join("\n"));
                    runs += 1;
                }
            }
        }
    }
    assert!(runs > 1000, "only {runs} mutants");
}

/// Every finding of `check` on the catalog at `root`, as `FILE:LINE:COL: severity: message`.
fn findings(root: &Path) -> Vec<String> {
    run(root, CheckOptions::default())
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{}: {:?}: {}",
                d.file.display(),
                d.line,
                d.col,
                d.severity,
                d.message
            )
        })
        .collect()
}

/// The catalogs this repository ships or uses as valid ones check clean: no error and no
/// warning. Any finding here is a false positive of check (or a fixture Flow would reject).
/// Of the roundtrip fixtures only `comments` is a whole catalog; the others are fragments that
/// test formatting (bindings to collections they do not define, a binding with no resource).
#[test]
fn the_repository_s_valid_catalogs_check_clean() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut roots: Vec<PathBuf> = [
        "assets/demo",
        "tests/fixtures/ui",
        "tests/fixtures/load/json",
        "tests/fixtures/load/tree",
        "tests/fixtures/load/cycle",
        "tests/fixtures/roundtrip/comments",
    ]
    .iter()
    .map(|p| repo.join(p))
    .collect();
    // The demo as `flowspec demo` writes it (with its local command filled in).
    let demo = tempfile::tempdir().unwrap();
    let (demo_root, created) = flowspec::demo::write(demo.path(), "/usr/bin/flowspec").unwrap();
    assert!(created);
    roots.push(demo_root);
    // The synthetic catalog of the benches, at test size.
    let synth_dir = tempfile::tempdir().unwrap();
    let synth = flowspec::synth::write(synth_dir.path(), &flowspec::synth::SynthSpec::SMALL)
        .expect("write synthetic catalog");
    roots.push(synth.root);
    for root in roots {
        let found = findings(&root);
        assert!(
            found.is_empty(),
            "{}:\n{}",
            root.display(),
            found.join("\n")
        );
    }
}

/// Real connector schemas (`../shared/schemas/*.schema.json`, read in place) are schemas Flow
/// builds: check's keyword rules find no error in any of them, and inferring their shape and
/// locations terminates.
#[test]
fn real_connector_schemas_build_without_errors() {
    #[path = "support/shared.rs"]
    mod shared;
    use flowspec::catalog::shape::{schema_check, Index, Inferrer};

    let Some(dir) = shared::path("schemas", "check's schema rules on real connector schemas")
    else {
        return;
    };
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".schema.json"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 100,
        "{} schemas in {}",
        paths.len(),
        dir.display()
    );
    let mut failures = Vec::new();
    for path in &paths {
        let text = fs::read_to_string(path).unwrap();
        let node =
            flowspec::yaml::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for p in schema_check::check(&node).into_iter().filter(|p| p.certain) {
            failures.push(format!(
                "{}:{}:{}: {}",
                path.display(),
                p.pos.line,
                p.pos.col,
                p.message
            ));
        }
        let url = url::Url::from_file_path(path).unwrap();
        let mut index = Index::default();
        index.add_document(&url, &node);
        let shape = Inferrer::new(&index).infer(&node, &url, None);
        std::hint::black_box(shape.locations());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
