//! Loader and index tests: how imports and file references are resolved, which problems are
//! reported where, and what the entity index holds. Fixtures live in `tests/fixtures/load/`;
//! cases that git cannot store (bad bytes, modes, symlink loops) are built in temp dirs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use flowspec::catalog::{
    self, Binding, Catalog, Endpoint, Entity, EntityKind, FileRole, Location, SchemaForm, Severity,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/load")
        .join(name)
}

fn load(path: &Path) -> Catalog {
    catalog::load(path, &mut |_| {}).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file as `display path -> role`.
fn files(cat: &Catalog) -> BTreeMap<String, FileRole> {
    cat.files
        .iter()
        .map(|f| (cat.display_path(&f.path).into_owned(), f.role))
        .collect()
}

fn rel(cat: &Catalog, p: &Path) -> String {
    cat.display_path(p).into_owned()
}

fn entity<'a>(cat: &'a Catalog, name: &str) -> &'a Entity {
    cat.find(name, None)
        .unwrap_or_else(|| panic!("no entity {name}"))
        .1
}

fn entity_file(cat: &Catalog, name: &str) -> String {
    let (id, _) = cat.find(name, None).unwrap();
    rel(cat, &cat.files[id.file].path)
}

/// Problems as `file:line:col: message` relative to the root directory, for readable asserts.
fn problems(cat: &Catalog) -> Vec<String> {
    cat.load_problems
        .iter()
        .map(|d| d.display_relative(&cat.root_dir))
        .collect()
}

fn assert_no_problems(cat: &Catalog) {
    assert!(cat.load_problems.is_empty(), "{:#?}", problems(cat));
}

#[test]
fn imports_resolve_relative_to_the_importing_file_and_diamonds_load_once() {
    let cat = load(&fixture("tree/flow.yaml"));
    assert_no_problems(&cat);
    let catalogs: Vec<String> = cat
        .files
        .iter()
        .filter(|f| f.role == FileRole::Catalog)
        .map(|f| rel(&cat, &f.path))
        .collect();
    // Depth first, in import order; shared/common.flow.yaml is imported twice but loaded once.
    assert_eq!(
        catalogs,
        [
            "flow.yaml",
            "acmeCo/flow.yaml",
            "acmeCo/anvils/flow.yaml",
            "shared/common.flow.yaml",
            "marketing/marketing.flow.yaml",
        ]
    );
    let paths: Vec<&PathBuf> = cat.files.iter().map(|f| &f.path).collect();
    let mut unique = paths.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), paths.len(), "a file was loaded twice");

    let by = |name: &str| {
        let f = cat
            .files
            .iter()
            .find(|f| rel(&cat, &f.path) == name)
            .unwrap();
        f.imported_by
            .as_ref()
            .map(|(p, line)| (rel(&cat, p), *line))
    };
    assert_eq!(by("flow.yaml"), None);
    assert_eq!(by("acmeCo/flow.yaml"), Some(("flow.yaml".into(), 3)));
    assert_eq!(
        by("acmeCo/anvils/flow.yaml"),
        Some(("acmeCo/flow.yaml".into(), 3))
    );
    // The first importer wins (acmeCo/flow.yaml is loaded before the root's second import).
    assert_eq!(
        by("shared/common.flow.yaml"),
        Some(("acmeCo/flow.yaml".into(), 4))
    );
    assert_eq!(
        by("marketing/marketing.flow.yaml"),
        Some(("flow.yaml".into(), 5))
    );
    assert_eq!(cat.root, fixture("tree/flow.yaml"));
    assert_eq!(cat.root_dir, fixture("tree"));
}

#[test]
fn string_references_resolve_against_the_containing_file() {
    let cat = load(&fixture("tree/flow.yaml"));
    assert_no_problems(&cat);
    let f = files(&cat);
    let expect = [
        ("acmeCo/source-postgres.config.yaml", FileRole::Config),
        (
            "acmeCo/source-postgres.resource.1.config.yaml",
            FileRole::Resource,
        ),
        ("acmeCo/anvils/schemas/orders.schema.yaml", FileRole::Schema),
        // `#/$defs/product` is dropped to find the document.
        ("shared/schemas/defs.schema.yaml", FileRole::Schema),
        (
            "acmeCo/anvils/schemas/inventory.write.schema.yaml",
            FileRole::Schema,
        ),
        (
            "acmeCo/anvils/schemas/inventory.read.schema.json",
            FileRole::Schema,
        ),
        ("acmeCo/anvils/to-local.config.yaml", FileRole::Config),
        (
            "acmeCo/anvils/to-local.resource.0.config.yaml",
            FileRole::Resource,
        ),
        ("acmeCo/anvils/fixtures/orders.json", FileRole::Documents),
        // Referenced twice (once through a merge key) but loaded once.
        ("marketing/campaigns.schema.yaml", FileRole::Schema),
    ];
    for (path, role) in expect {
        assert_eq!(f.get(path), Some(&role), "{path} in {f:#?}");
    }
    // 5 catalogs + 10 referenced files; the disabled materialization binding's missing
    // resource is neither loaded nor reported.
    assert_eq!(f.len(), 15, "{f:#?}");
    assert!(!f.keys().any(|k| k.contains("does-not-exist")));

    let refd = |name: &str| {
        let file = cat
            .files
            .iter()
            .find(|f| rel(&cat, &f.path) == name)
            .unwrap();
        let (p, line) = file.imported_by.clone().unwrap();
        (rel(&cat, &p), line)
    };
    assert_eq!(
        refd("acmeCo/source-postgres.config.yaml"),
        ("acmeCo/flow.yaml".into(), 11)
    );
    assert_eq!(
        refd("shared/schemas/defs.schema.yaml"),
        ("acmeCo/anvils/flow.yaml".into(), 8)
    );
    assert_eq!(
        refd("acmeCo/anvils/fixtures/orders.json"),
        ("acmeCo/anvils/flow.yaml".into(), 34)
    );
    // The text is kept exactly as read.
    let config = cat
        .files
        .iter()
        .find(|f| f.role == FileRole::Config && f.path.ends_with("to-local.config.yaml"))
        .unwrap();
    assert_eq!(config.disk, "path: /tmp/out\n");
    assert!(!config.is_dirty());
}

#[test]
fn index_holds_kinds_names_files_lines_endpoints_and_bindings() {
    let cat = load(&fixture("tree/flow.yaml"));
    assert_no_problems(&cat);
    assert_eq!(cat.counts(), [2, 6, 2, 1]);

    let pg = entity(&cat, "acmeCo/pg/source-postgres");
    assert_eq!(pg.kind, EntityKind::Capture);
    assert_eq!(
        entity_file(&cat, "acmeCo/pg/source-postgres"),
        "acmeCo/flow.yaml"
    );
    assert_eq!((pg.line, pg.col), (7, 3));
    assert!(pg.disabled, "shards.disable");
    assert_eq!(
        pg.endpoint,
        Some(Endpoint::Connector {
            image: "ghcr.io/estuary/source-postgres:v1".into(),
            config: Location::File("source-postgres.config.yaml".into()),
        })
    );
    assert_eq!(
        pg.bindings,
        vec![
            Binding {
                resource: "namespace=public stream=orders".into(),
                collection: Some("acmeCo/anvils/orders".into()),
                disable: false,
                backfill: 2,
                line: 13,
            },
            Binding {
                resource: "→ source-postgres.resource.1.config.yaml".into(),
                collection: Some("acmeCo/anvils/products".into()),
                disable: true,
                backfill: 0,
                line: 16,
            },
        ]
    );

    let hello = entity(&cat, "acmeCo/root/hello");
    assert_eq!(entity_file(&cat, "acmeCo/root/hello"), "flow.yaml");
    assert!(!hello.disabled);
    assert_eq!(
        hello.endpoint,
        Some(Endpoint::Connector {
            image: "ghcr.io/estuary/source-hello-world:v1".into(),
            config: Location::Inline,
        })
    );
    assert_eq!(
        hello.bindings[0].resource,
        "name=greetings prefix=Hello #{}"
    );

    let local = entity(&cat, "acmeCo/anvils/to-local");
    assert_eq!(local.kind, EntityKind::Materialization);
    assert_eq!((local.line, local.col), (16, 3));
    assert_eq!(
        local.endpoint,
        Some(Endpoint::Local {
            command: vec!["./materialize".into(), "--verbose".into()],
            config: Location::File("to-local.config.yaml".into()),
            protobuf: true,
        })
    );
    assert_eq!(local.bindings.len(), 2);
    assert_eq!(
        local.bindings[1].collection.as_deref(),
        Some("acmeCo/anvils/products"),
        "a source given as {{name: ...}}"
    );
    assert!(local.bindings[1].disable);
    assert_eq!(local.bindings[1].line, 25);

    let orders = entity(&cat, "acmeCo/anvils/orders");
    assert_eq!(orders.kind, EntityKind::Collection);
    assert_eq!(orders.key, ["/id"]);
    assert_eq!(
        orders.schema,
        Some(SchemaForm::Single {
            schema: Location::File("schemas/orders.schema.yaml".into())
        })
    );
    let products = entity(&cat, "acmeCo/anvils/products");
    assert_eq!(products.key, ["/sku", "/region"]);
    assert_eq!(
        products.schema,
        Some(SchemaForm::Single {
            schema: Location::File("../../shared/schemas/defs.schema.yaml#/$defs/product".into())
        })
    );
    assert_eq!(
        entity(&cat, "acmeCo/anvils/inventory").schema,
        Some(SchemaForm::WriteRead {
            write: Location::File("schemas/inventory.write.schema.yaml".into()),
            read: Location::File("schemas/inventory.read.schema.json".into()),
        })
    );
    assert_eq!(
        entity(&cat, "acmeCo/common/greetings").schema,
        Some(SchemaForm::Single {
            schema: Location::Inline
        })
    );
    assert!(!orders.derived && !orders.disabled);

    let test = entity(&cat, "acmeCo/anvils/test-orders");
    assert_eq!(test.kind, EntityKind::Test);
    assert_eq!(test.line, 30);
}

#[test]
fn merge_keys_in_a_catalog_are_resolved() {
    let cat = load(&fixture("tree/flow.yaml"));
    assert_no_problems(&cat);
    let v2 = entity(&cat, "acmeCo/marketing/campaigns-v2");
    assert_eq!(
        v2.key,
        ["/id", "/version"],
        "explicit keys win over merged ones"
    );
    assert_eq!(
        v2.schema,
        Some(SchemaForm::Single {
            schema: Location::File("campaigns.schema.yaml".into())
        }),
        "the schema comes through `<<`"
    );
    let sheets = entity(&cat, "acmeCo/marketing/to-sheets");
    assert_eq!(sheets.bindings.len(), 2);
    assert_eq!(
        sheets.bindings[1].collection.as_deref(),
        Some("acmeCo/marketing/campaigns-v2")
    );
    assert_eq!(sheets.bindings[1].resource, "sheet=campaigns-v2");
    assert_eq!(sheets.bindings[1].backfill, 1);
    assert_eq!(sheets.bindings[0].backfill, 0);
}

#[test]
fn import_cycles_load_each_file_once_as_flow_does() {
    let cat = load(&fixture("cycle/flow.yaml"));
    assert_no_problems(&cat);
    let names: Vec<String> = cat.files.iter().map(|f| rel(&cat, &f.path)).collect();
    assert_eq!(
        names,
        ["flow.yaml", "a.flow.yaml", "b.flow.yaml", "c.flow.yaml"]
    );
    assert!(cat.find("acmeCo/a", None).is_some());
    assert!(cat.find("acmeCo/c", None).is_some());
    // `a` is named twice: by the root, and by `c`, which closes the cycle.
    let sites: Vec<(String, u32, u32, &str)> = cat.files[1]
        .referenced_at
        .iter()
        .map(|s| (rel(&cat, &s.file), s.line, s.col, s.reference.as_str()))
        .collect();
    assert_eq!(
        sites,
        [
            ("flow.yaml".into(), 2, 5, "a.flow.yaml"),
            ("c.flow.yaml".into(), 5, 5, "./a.flow.yaml")
        ]
    );
    let check = flowspec::catalog::check::check(&cat, Default::default());
    assert!(check.is_empty(), "{check:#?}");
}

#[test]
fn a_file_importing_itself_loads_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("flow.yaml"), "import: [flow.yaml]\n").unwrap();
    let cat = load(dir.path());
    assert_no_problems(&cat);
    assert_eq!(cat.files.len(), 1);
}

#[test]
fn missing_import_is_reported_at_the_import_line() {
    let cat = load(&fixture("missing_import/flow.yaml"));
    assert_eq!(cat.load_problems.len(), 1, "{:#?}", problems(&cat));
    let p = &cat.load_problems[0];
    assert_eq!(rel(&cat, &p.file), "flow.yaml");
    assert_eq!((p.line, p.col, p.severity), (3, 5, Severity::Error));
    assert!(p.message.contains("cannot import `sub/absent.flow.yaml`"));
    assert!(p.message.contains("file not found"), "{}", p.message);
    assert!(p.message.contains(
        &fixture("missing_import/sub/absent.flow.yaml")
            .display()
            .to_string()
    ));
    assert!(cat.find("acmeCo/present", None).is_some());
}

#[test]
fn missing_referenced_files_are_reported_where_they_are_referenced() {
    let cat = load(&fixture("missing_ref/flow.yaml"));
    let got: Vec<(u32, u32, &str)> = cat
        .load_problems
        .iter()
        .map(|d| (d.line, d.col, d.message.as_str()))
        .collect();
    assert_eq!(got.len(), 5, "{:#?}", problems(&cat));
    assert!(cat
        .load_problems
        .iter()
        .all(|d| d.severity == Severity::Error && d.file == fixture("missing_ref/flow.yaml")));
    let has = |line: u32, needle: &str| {
        assert!(
            got.iter().any(|(l, _, m)| *l == line && m.contains(needle)),
            "no problem at line {line} containing {needle:?} in {got:#?}"
        )
    };
    has(6, "config file `nowhere.config.yaml`");
    has(8, "resource file `missing.resource.yaml`");
    has(10, "resources cannot have fragments");
    has(15, "schema file `schemas/absent.schema.yaml#/$defs/c`");
    has(20, "documents file `absent-docs.yaml`");
    assert!(got
        .iter()
        .all(|(l, _, m)| *l == 10 || m.contains("file not found")));
    // Everything that exists is still indexed.
    assert_eq!(cat.counts(), [1, 1, 0, 1]);
}

#[test]
fn json_catalogs_load_and_index() {
    let cat = load(&fixture("json/flow.json"));
    assert_no_problems(&cat);
    let f = files(&cat);
    assert_eq!(f.get("flow.json"), Some(&FileRole::Catalog));
    assert_eq!(f.get("sub/more.flow.json"), Some(&FileRole::Catalog));
    assert_eq!(f.get("source.config.json"), Some(&FileRole::Config));
    assert_eq!(f.get("a.schema.json"), Some(&FileRole::Schema), "{f:#?}");
    assert_eq!(f.len(), 4);
    let cap = entity(&cat, "acmeCo/json/source");
    assert_eq!((cap.line, cap.col), (4, 5));
    let disabled: Vec<bool> = cap.bindings.iter().map(|b| b.disable).collect();
    assert_eq!(disabled, [false, true, false]);
    assert_eq!(cap.bindings[1].line, 13);
    assert_eq!(entity_file(&cat, "acmeCo/json/c"), "sub/more.flow.json");
    assert_eq!(
        entity(&cat, "acmeCo/json/c").schema,
        Some(SchemaForm::Single {
            schema: Location::Inline
        }),
        "an inline schema"
    );
}

#[test]
fn a_directory_resolves_to_its_catalog_file() {
    let cat = load(&fixture("tree"));
    assert_eq!(cat.root, fixture("tree/flow.yaml"));
    assert_no_problems(&cat);
    let cat = load(&fixture("json"));
    assert_eq!(cat.root, fixture("json/flow.json"));
    // A relative path is made absolute.
    let cat = load(Path::new("tests/fixtures/load/json"));
    assert_eq!(cat.root, fixture("json/flow.json"));

    let empty = tempfile::tempdir().unwrap();
    let err = catalog::load(empty.path(), &mut |_| {}).unwrap_err();
    assert!(err.0.contains("no flow.yaml or flow.json"), "{err}");
    let err = catalog::load(&empty.path().join("nope.flow.yaml"), &mut |_| {}).unwrap_err();
    assert!(err.0.contains("file not found"), "{err}");
}

#[test]
fn importing_a_directory_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/flow.yaml"), "collections: {}\n").unwrap();
    std::fs::write(dir.path().join("flow.yaml"), "import:\n  - sub\n").unwrap();
    let cat = load(dir.path());
    assert_eq!(cat.load_problems.len(), 1);
    assert_eq!(cat.load_problems[0].line, 2);
    assert!(
        cat.load_problems[0].message.contains("is a directory"),
        "{}",
        cat.load_problems[0].message
    );
}

/// A temp catalog whose root imports `name` with `bytes` as its content.
fn importing(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("flow.yaml"),
        format!("# root\nimport:\n  - {name}\n"),
    )
    .unwrap();
    let target = dir.path().join(name);
    std::fs::write(&target, bytes).unwrap();
    (dir, target)
}

#[test]
fn non_utf8_files_are_reported_with_the_bad_byte() {
    let (dir, _) = importing("bad.flow.yaml", b"collections:\n  acme/x: \xff\xfe\n");
    let cat = load(dir.path());
    assert_eq!(
        problems(&cat),
        [
            "flow.yaml:3:5: error: cannot import `bad.flow.yaml` (".to_string()
                + &dir.path().join("bad.flow.yaml").display().to_string()
                + "): not valid UTF-8 (first bad byte at line 2, column 11)"
        ]
    );
    // As the root, it is the one problem of an empty catalog, located at the bad byte.
    let cat = load(&dir.path().join("bad.flow.yaml"));
    assert!(cat.files.is_empty());
    assert_eq!(
        problems(&cat),
        ["bad.flow.yaml:2:11: error: not valid UTF-8 (first bad byte at line 2, column 11)"]
    );
    // A non-UTF-8 config file is reported at its reference.
    std::fs::write(
        dir.path().join("flow.yaml"),
        "captures:\n  a/b:\n    endpoint: {connector: {image: 'x:v1', config: c.yaml}}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("c.yaml"), b"\x80").unwrap();
    let cat = load(dir.path());
    assert_eq!(cat.load_problems.len(), 1);
    assert_eq!(cat.load_problems[0].line, 3);
    assert!(cat.load_problems[0]
        .message
        .contains("not valid UTF-8 (first bad byte at line 1, column 1)"));
}

#[test]
fn unreadable_files_are_reported_or_read_when_privileged() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, target) = importing(
        "locked.flow.yaml",
        b"collections:\n  acme/locked: {key: [/id], schema: {}}\n",
    );
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root (and CAP_DAC_OVERRIDE) reads through mode 000: find out which case this is.
    let readable = std::fs::read(&target).is_ok();
    let cat = load(dir.path());
    if readable {
        assert_no_problems(&cat);
        assert!(cat.find("acme/locked", None).is_some());
    } else {
        assert_eq!(cat.load_problems.len(), 1, "{:#?}", problems(&cat));
        let p = &cat.load_problems[0];
        assert_eq!((p.line, p.col), (3, 5));
        assert!(p.message.ends_with("permission denied"), "{}", p.message);
        assert!(cat.find("acme/locked", None).is_none());
    }
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[test]
fn symlink_loops_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("flow.yaml"),
        "import:\n  - loop.flow.yaml\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("loop2.flow.yaml", dir.path().join("loop.flow.yaml")).unwrap();
    std::os::unix::fs::symlink("loop.flow.yaml", dir.path().join("loop2.flow.yaml")).unwrap();
    let cat = load(dir.path());
    assert_eq!(cat.load_problems.len(), 1, "{:#?}", problems(&cat));
    let p = &cat.load_problems[0];
    assert_eq!((p.line, p.col), (2, 5));
    assert!(p.message.contains("symlink loop"), "{}", p.message);
}

#[test]
fn a_file_reached_through_a_symlink_is_loaded_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("real")).unwrap();
    std::fs::write(
        dir.path().join("real/c.flow.yaml"),
        "collections:\n  acme/c: {key: [/id], schema: {}}\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("real", dir.path().join("link")).unwrap();
    std::fs::write(
        dir.path().join("flow.yaml"),
        "import:\n  - real/c.flow.yaml\n  - link/c.flow.yaml\n",
    )
    .unwrap();
    let cat = load(dir.path());
    assert_no_problems(&cat);
    assert_eq!(cat.files.len(), 2);
    assert_eq!(cat.counts(), [0, 1, 0, 0]);
}

#[test]
fn empty_and_comment_only_files_load_as_empty_catalogs() {
    let (dir, _) = importing("empty.flow.yaml", b"");
    std::fs::write(
        dir.path().join("flow.yaml"),
        "import:\n  - empty.flow.yaml\n  - comments.flow.yaml\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("comments.flow.yaml"), "# nothing yet\n\n").unwrap();
    let cat = load(dir.path());
    assert_no_problems(&cat);
    assert_eq!(cat.files.len(), 3);
    assert_eq!(cat.counts(), [0, 0, 0, 0]);
    let cat = load(&dir.path().join("empty.flow.yaml"));
    assert_no_problems(&cat);
    assert_eq!(cat.files.len(), 1);
}

#[test]
fn parse_errors_and_non_mapping_catalogs_are_located() {
    let (dir, _) = importing("broken.flow.yaml", b"collections:\n  a: [1, 2\n");
    std::fs::write(dir.path().join("list.flow.yaml"), "- a\n- b\n").unwrap();
    std::fs::write(
        dir.path().join("flow.yaml"),
        "import:\n  - broken.flow.yaml\n  - list.flow.yaml\n",
    )
    .unwrap();
    let cat = load(dir.path());
    let p = problems(&cat);
    assert_eq!(p.len(), 2, "{p:#?}");
    assert!(p[0].starts_with("broken.flow.yaml:"), "{p:#?}");
    assert_eq!(
        p[1],
        "list.flow.yaml:1:1: error: a catalog must be a mapping, found a list"
    );
}

#[test]
fn progress_counts_every_file_and_byte() {
    let mut last = catalog::Progress::default();
    let mut calls = 0;
    let cat = catalog::load(&fixture("tree/flow.yaml"), &mut |p| {
        calls += 1;
        last = p;
    })
    .unwrap();
    assert_eq!(calls, cat.files.len());
    assert_eq!(last.files, cat.files.len());
    let bytes: usize = cat.files.iter().map(|f| f.disk.len()).sum();
    assert_eq!(last.bytes, bytes as u64);
}

#[test]
fn references_are_urls_and_percent_escapes_are_decoded() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("my file.flow.yaml"),
        "collections:\n  acme/spaced: {key: [/id], schema: ñ%.schema.yaml}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("ñ%.schema.yaml"), "type: object\n").unwrap();
    std::fs::write(
        dir.path().join("flow.yaml"),
        "import:\n  - my%20file.flow.yaml#ignored\n  - file://".to_string()
            + &dir.path().join("my%20file.flow.yaml").display().to_string()
            + "\n",
    )
    .unwrap();
    let cat = load(dir.path());
    // The second import is the same file by absolute `file://` URL: loaded once.
    assert_no_problems(&cat);
    assert_eq!(cat.files.len(), 3, "{:#?}", files(&cat));
    assert_eq!(
        files(&cat).get("my file.flow.yaml"),
        Some(&FileRole::Catalog)
    );
    // `%.s` is not an escape and stays literal.
    assert_eq!(files(&cat).get("ñ%.schema.yaml"), Some(&FileRole::Schema));
}

#[test]
fn remote_references_are_warnings_not_fetched() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("flow.yaml"),
        "import:\n  - https://example.com/flow.yaml\n",
    )
    .unwrap();
    let cat = load(dir.path());
    assert_eq!(cat.load_problems.len(), 1);
    assert_eq!(cat.load_problems[0].severity, Severity::Warning);
    assert_eq!(cat.load_problems[0].line, 2);
}

#[test]
fn files_outside_the_catalog_folder_load_flagged_and_check_warns_at_each_reference() {
    use flowspec::catalog::check::{findings, Code};
    let dir = tempfile::tempdir().unwrap();
    let cat_dir = dir.path().join("cat");
    let other = dir.path().join("other");
    std::fs::create_dir_all(cat_dir.join("sub")).unwrap();
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(
        other.join("x.flow.yaml"),
        "collections:\n  acme/x: {key: [/id], schema: true}\n",
    )
    .unwrap();
    std::fs::write(other.join("c.yaml"), "token: abc\n").unwrap();
    std::fs::write(cat_dir.join("sub/in.flow.yaml"), "collections: {}\n").unwrap();
    // A symlink inside the folder that leads out of it is outside too.
    std::os::unix::fs::symlink(other.join("c.yaml"), cat_dir.join("link.yaml")).unwrap();
    let absolute = other.join("x.flow.yaml");
    std::fs::write(
        cat_dir.join("flow.yaml"),
        format!(
            "import:\n  - ../other/x.flow.yaml\n  - {}\n  - sub/in.flow.yaml\ncaptures:\n  acme/cap:\n    endpoint: {{connector: {{image: 'a/b:v1', config: link.yaml}}}}\n    bindings: []\n",
            absolute.display()
        ),
    )
    .unwrap();
    let cat = load(&cat_dir);
    assert_no_problems(&cat);
    let flags: BTreeMap<String, bool> = cat
        .files
        .iter()
        .map(|f| (rel(&cat, &f.path), f.outside))
        .collect();
    let want: BTreeMap<String, bool> = [
        ("flow.yaml".to_string(), false),
        ("sub/in.flow.yaml".to_string(), false),
        ("link.yaml".to_string(), true),
        (other.join("x.flow.yaml").display().to_string(), true),
    ]
    .into_iter()
    .collect();
    assert_eq!(flags, want);
    let config = cat
        .files
        .iter()
        .find(|f| f.role == FileRole::Config)
        .unwrap();
    assert_eq!(
        config.real_path,
        std::fs::canonicalize(other.join("c.yaml")).unwrap()
    );
    assert!(cat
        .referenced_file(0, "link.yaml")
        .is_some_and(|f| f.outside));
    // One warning per reference: the relative import, the absolute one, and the config.
    let warnings: Vec<(u32, u32, String)> = findings(&cat, Default::default())
        .into_iter()
        .filter(|f| f.code == Code::Outside)
        .map(|f| (f.diagnostic.line, f.diagnostic.col, f.diagnostic.message))
        .collect();
    let real_other = std::fs::canonicalize(&other).unwrap();
    let folder = cat_dir.display();
    assert_eq!(
        warnings,
        [
            (
                2,
                5,
                format!(
                    "`../other/x.flow.yaml` is outside the catalog folder ({folder}): it is {}",
                    real_other.join("x.flow.yaml").display()
                )
            ),
            (
                3,
                5,
                format!(
                    "`{}` is outside the catalog folder ({folder}): it is {}",
                    absolute.display(),
                    real_other.join("x.flow.yaml").display()
                )
            ),
            (
                7,
                53,
                format!(
                    "`link.yaml` is outside the catalog folder ({folder}): it is {}",
                    real_other.join("c.yaml").display()
                )
            ),
        ]
    );
}

#[test]
fn schema_files_must_hold_yaml_or_json_schemas() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("flow.yaml"),
        "collections:\n  acme/a: {key: [/id], schema: a.txt}\n  acme/b: {key: [/id], schema: b.schema.yaml}\n  acme/c: {key: [/id], schema: c.schema.json}\n",
    )
    .unwrap();
    // Flow parses a schema as YAML whatever its name: `a.txt` is not YAML.
    std::fs::write(dir.path().join("a.txt"), "type: object\n  bad: [\n").unwrap();
    std::fs::write(dir.path().join("b.schema.yaml"), "just some words\n").unwrap();
    std::fs::write(dir.path().join("c.schema.json"), "true\n").unwrap();
    let cat = load(dir.path());
    let got = problems(&cat);
    assert_eq!(got.len(), 2, "{got:#?}");
    assert!(
        got[0].starts_with("a.txt:2:") && got[0].contains(": error: not a YAML or JSON schema: "),
        "{got:#?}"
    );
    assert_eq!(
        got[1],
        "b.schema.yaml:1:1: error: a schema file must hold a JSON schema (a mapping, or true or false), found a string"
    );
}
