//! Issue 9 end to end, through the real binary: the Discovered bindings screen in tmux on the
//! demo capture (its connector discovers `bindings: N` streams), and `flowspec discover
//! --write` headless. Files on disk are checked after each write: exactly the chosen bindings
//! and collections, `check` clean, Flow's catalog JSON Schema accepting every catalog file, and
//! a second discovery writing nothing.

#[path = "support/tmux.rs"]
mod tmux;

#[path = "support/catalog_schema.rs"]
mod catalog_schema;

#[path = "support/images.rs"]
mod images;

#[path = "support/airbyte_venv.rs"]
mod airbyte_venv;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tmux::*;

const CAPTURE: &str = "acmeCo/shop/source-demo";

/// The demo catalog in `dir`, its connector discovering `n` streams (orders, customers,
/// refunds, then generated tables); with `auto`, the capture has `autoDiscover`.
fn demo_discovering(dir: &Path, n: usize, auto: bool) -> PathBuf {
    let catalog = demo(dir);
    let config = dir.join("source-demo.config.yaml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&format!("bindings: {n}\n"));
    std::fs::write(&config, text).unwrap();
    if auto {
        let text = std::fs::read_to_string(&catalog).unwrap();
        let text = text.replacen(
            "    interval: 10m\n",
            "    interval: 10m\n    autoDiscover:\n      addNewBindings: true\n",
            1,
        );
        std::fs::write(&catalog, text).unwrap();
    }
    catalog
}

/// Every file in `dir` (recursively), by path relative to it, with its text.
fn snapshot(dir: &Path) -> Vec<(PathBuf, String)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else if let Ok(text) = std::fs::read_to_string(&p) {
                out.push((p.strip_prefix(root).unwrap().to_path_buf(), text));
            }
        }
    }
    let mut out = vec![];
    walk(dir, dir, &mut out);
    out.retain(|(p, _)| {
        let s = p.to_string_lossy();
        !s.starts_with("state") && !s.starts_with("cache") && !s.starts_with("report")
    });
    out.sort();
    out
}

/// `flowspec check` is clean and Flow's JSON Schema accepts every catalog file.
fn assert_valid(dir: &Path, catalog: &Path) {
    let out = Command::new(bin())
        .arg("check")
        .arg(catalog)
        .output()
        .unwrap();
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    // The demo ships its password in plaintext (it runs without sops), and once a discover
    // has cached the connector's spec, check knows it is a secret: that warning, and no other.
    let demo_secret = |l: &str| {
        l.contains("source-demo.config.yaml:")
            && l.ends_with("warning: plaintext secret at /auth/password")
    };
    let findings: Vec<&str> = all
        .lines()
        .filter(|l| l.contains(": error: ") || l.contains(": warning: "))
        .filter(|l| !demo_secret(l))
        .collect();
    assert!(findings.is_empty(), "{all}");
    assert!(all.contains("0 errors, "), "{all}");
    catalog_schema::assert_accepts_every_flow_yaml(dir);
}

/// `/`, Esc (clears the filter), `/` again: a fresh filter. Esc goes alone, as a key followed
/// at once by another reads as Alt-that-key.
fn clear_filter(t: &Tmux) {
    t.keys(&["/"]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    t.keys(&["Escape"]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    t.keys(&["/"]);
}

fn flowspec(dir: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Issue 9's end-to-end item: `d`, wait for the screen, deselect one new row, rename one
/// target, Ctrl-S, `y`; the files hold exactly the chosen bindings and collections, `check`
/// is clean, and the same discovery again shows every row `existing` and writes nothing.
#[test]
fn discover_choose_rename_apply_then_rediscover_writes_nothing() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let catalog = demo_discovering(dir, 6, true);
    let before = std::fs::read_to_string(&catalog).unwrap();
    let report = dir.join("report");
    let cmd = run_args_and_report(
        &format!("--trust {}", catalog.display()),
        &report,
        &unique("discover"),
        &format!(
            "XDG_CACHE_HOME={} XDG_STATE_HOME={}",
            dir.join("cache").display(),
            dir.join("state").display()
        ),
    );
    let t = Tmux::start(120, 40, &cmd, &[]);
    t.wait_for("✓ valid");
    t.keys(&["/"]);
    t.literal("source-demo");
    t.keys(&["Enter", "Enter"]);
    t.wait_for("Bindings (3");
    t.keys(&["d"]);
    t.wait_for_all(&[
        "Discovered bindings · acmeCo/shop/source-demo",
        "3 new (3 to add) · 3 existing · 0 gone",
    ]);
    // Deselect table_000003.
    t.keys(&["/"]);
    t.literal("table_000003");
    t.keys(&["Enter"]);
    t.wait_for("1 of 6 shown");
    t.keys(&["Space"]);
    t.wait_for("3 new (2 to add)");
    // Rename table_000004's target.
    clear_filter(&t);
    t.literal("table_000004");
    t.keys(&["Enter"]);
    t.wait_for("1 of 6 shown");
    t.keys(&["n"]);
    t.wait_for("Target: acmeCo/shop/table_000004");
    for _ in 0.."table_000004".len() {
        t.keys(&["BSpace"]);
    }
    t.literal("bad name");
    t.wait_for("✗ invalid catalog name");
    for _ in 0.."bad name".len() {
        t.keys(&["BSpace"]);
    }
    t.literal("shipments_v2");
    t.wait_for("✓ a valid collection name");
    t.keys(&["Enter"]);
    t.wait_for("acmeCo/shop/shipments_v2");
    t.keys(&["C-s"]);
    // flow.yaml, collections.flow.yaml and table_000003's read schema (x-infer-schema).
    t.wait_for_all(&["Apply the discovery: write 3 files?", "--- a/flow.yaml"]);
    t.keys(&["y"]);
    t.wait_for("Saved flow.yaml, collections.flow.yaml");

    let after = std::fs::read_to_string(&catalog).unwrap();
    // Nothing that was there changed: only lines were added, after the existing bindings.
    let d = similar::TextDiff::from_lines(&before, &after);
    assert!(
        d.iter_all_changes()
            .all(|c| c.tag() != similar::ChangeTag::Delete),
        "{}",
        d.unified_diff()
    );
    assert!(after.contains("        disable: true # not needed until the refunds report ships\n"));
    for (stream, target, disabled) in [
        ("table_000003", "acmeCo/shop/table_000003", true),
        ("table_000004", "acmeCo/shop/shipments_v2", false),
        ("table_000005", "acmeCo/shop/table_000005", false),
    ] {
        let at = after
            .find(&format!("stream: {stream}"))
            .unwrap_or_else(|| panic!("{stream} bound:\n{after}"));
        let rest = &after[at..];
        let end = rest.find("\n      - ").unwrap_or(rest.len());
        let binding = &rest[..end];
        assert!(binding.contains(&format!("target: {target}")), "{binding}");
        assert_eq!(binding.contains("disable: true"), disabled, "{binding}");
    }
    assert!(!after.contains("acmeCo/shop/table_000004"), "renamed");
    let collections = std::fs::read_to_string(dir.join("collections.flow.yaml")).unwrap();
    for name in [
        "acmeCo/shop/table_000003:",
        "acmeCo/shop/shipments_v2:",
        "acmeCo/shop/table_000005:",
    ] {
        assert!(collections.contains(name), "{name}\n{collections}");
    }
    assert!(collections.contains("flow://connector-schema"));
    assert_valid(dir, &catalog);
    let written = snapshot(dir);

    // The same discovery again: every row existing, nothing to write.
    // The catalog was read again, the capture still selected.
    t.wait_for("Bindings (6, 2 disabled)");
    t.keys(&["d"]);
    t.wait_for("0 new (0 to add) · 6 existing · 0 gone (0 to remove)");
    t.keys(&["C-s"]);
    t.wait_for("Nothing to write");
    t.keys(&["Escape"]);
    t.wait_for("Entities");
    t.keys(&["q"]);
    let report_text = t.wait_file(&report);
    assert!(report_text.starts_with("exit=0"), "{report_text}");
    assert_terminal_restored(&t, &report);
    assert_eq!(snapshot(dir), written, "the second discovery wrote nothing");
}

/// Leaving with choices asks first, and leaving writes nothing.
#[test]
fn esc_with_choices_asks_and_leaves_the_files_alone() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let catalog = demo_discovering(dir, 4, false);
    let before = snapshot(dir);
    let report = dir.join("report");
    let cmd = run_args_and_report(
        &format!("--trust {}", catalog.display()),
        &report,
        &unique("discover-esc"),
        &format!(
            "XDG_CACHE_HOME={} XDG_STATE_HOME={}",
            dir.join("cache").display(),
            dir.join("state").display()
        ),
    );
    let t = Tmux::start(80, 24, &cmd, &[]);
    t.wait_for("✓ valid");
    t.keys(&["/"]);
    t.literal("source-demo");
    t.keys(&["Enter", "Enter", "d"]);
    t.wait_for("Discovered bindings");
    t.keys(&["G", "Space", "Escape"]);
    t.wait_for("Leave, dropping the choices made on this screen?");
    t.keys(&["n"]);
    t.wait_gone("Leave, dropping");
    t.keys(&["Escape"]);
    t.wait_for("Leave, dropping");
    t.keys(&["y"]);
    t.wait_for("Entities");
    t.keys(&["q"]);
    let report_text = t.wait_file(&report);
    assert!(report_text.starts_with("exit=0"), "{report_text}");
    assert_eq!(snapshot(dir), before);
}

/// Headless: `--dry-run` prints the diff and writes nothing; `--write` without `--yes` on a
/// non-terminal refuses (exit 1, files untouched); `--write --yes` writes; a second one has
/// nothing to do; `--deselect` and `--keep-gone` choose as Space would.
#[test]
fn headless_write_is_the_screen_without_a_screen() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    demo_discovering(dir, 5, false);
    let pristine = snapshot(dir);
    let dry = flowspec(dir, &["discover", "--task", CAPTURE, "--dry-run"]);
    assert!(dry.status.success(), "{}", text(&dry));
    let out = text(&dry);
    assert!(
        out.contains("+        target: acmeCo/shop/table_000003"),
        "{out}"
    );
    assert_eq!(snapshot(dir), pristine, "--dry-run writes nothing");
    let refused = flowspec(dir, &["discover", "--task", CAPTURE, "--write"]);
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    assert_eq!(snapshot(dir), pristine, "refused: files untouched");
    let wrote = flowspec(
        dir,
        &[
            "discover",
            "--task",
            CAPTURE,
            "--write",
            "--yes",
            "--deselect",
            "*table_000004",
        ],
    );
    assert!(wrote.status.success(), "{}", text(&wrote));
    let flow = std::fs::read_to_string(dir.join("flow.yaml")).unwrap();
    assert!(flow.contains("target: acmeCo/shop/table_000003"), "{flow}");
    assert!(!flow.contains("table_000004"), "deselected: {flow}");
    assert_valid(dir, &dir.join("flow.yaml"));
    let written = snapshot(dir);
    let again = flowspec(dir, &["discover", "--task", CAPTURE, "--write", "--yes"]);
    assert!(again.status.success(), "{}", text(&again));
    // table_000004 is new again (it was left out, and the capture has no autoDiscover).
    assert!(text(&again).contains("table_000004"), "{}", text(&again));
    let third = flowspec(dir, &["discover", "--task", CAPTURE, "--write", "--yes"]);
    assert!(third.status.success(), "{}", text(&third));
    let after_second = snapshot(dir);
    assert_ne!(after_second, written);
    let fourth = flowspec(dir, &["discover", "--task", CAPTURE, "--dry-run"]);
    assert!(
        !text(&fourth).contains("+++"),
        "idempotent: no diff\n{}",
        text(&fourth)
    );
    assert_eq!(snapshot(dir), after_second);

    // Fewer streams: the generated tables are gone; --keep-gone keeps them, else removed.
    let config = dir.join("source-demo.config.yaml");
    let c = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, c.replace("bindings: 5\n", "bindings: 3\n")).unwrap();
    let fewer = snapshot(dir);
    let keep = flowspec(
        dir,
        &[
            "discover",
            "--task",
            CAPTURE,
            "--write",
            "--yes",
            "--keep-gone",
        ],
    );
    assert!(keep.status.success(), "{}", text(&keep));
    assert_eq!(snapshot(dir), fewer, "--keep-gone: nothing removed");
    let remove = flowspec(dir, &["discover", "--task", CAPTURE, "--write", "--yes"]);
    assert!(remove.status.success(), "{}", text(&remove));
    let flow = std::fs::read_to_string(dir.join("flow.yaml")).unwrap();
    assert!(
        !flow.contains("table_00000"),
        "gone bindings removed:\n{flow}"
    );
    assert!(flow.contains("# not needed until the refunds report ships"));
    assert_valid(dir, &dir.join("flow.yaml"));
}

/// Round trip: a user's edit to an existing binding's resource, a comment on a binding and a
/// renamed target survive a re-discovery byte for byte.
#[test]
fn user_edits_comments_and_renames_survive_a_rediscovery() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let catalog = demo_discovering(dir, 4, false);
    let wrote = flowspec(dir, &["discover", "--task", CAPTURE, "--write", "--yes"]);
    assert!(wrote.status.success(), "{}", text(&wrote));
    let flow = std::fs::read_to_string(&catalog).unwrap();
    // The user edits the new binding: a changed mode, a comment, a renamed target (and its
    // collection with it).
    let edited = flow
        .replace(
            "          mode: incremental\n        target: acmeCo/shop/table_000003\n",
            "          mode: snapshot # full refresh: the table has no cursor\n        # Renamed by hand.\n        target: acmeCo/shop/events_renamed\n",
        );
    assert_ne!(edited, flow, "{flow}");
    std::fs::write(&catalog, &edited).unwrap();
    let cols = dir.join("collections.flow.yaml");
    let c = std::fs::read_to_string(&cols).unwrap();
    std::fs::write(
        &cols,
        c.replace("acmeCo/shop/table_000003:", "acmeCo/shop/events_renamed:"),
    )
    .unwrap();
    let before = snapshot(dir);
    let again = flowspec(dir, &["discover", "--task", CAPTURE, "--write", "--yes"]);
    assert!(again.status.success(), "{}", text(&again));
    assert_eq!(
        std::fs::read_to_string(&catalog).unwrap(),
        edited,
        "byte for byte"
    );
    assert_eq!(snapshot(dir), before, "nothing else changed either");
    assert_valid(dir, &catalog);
}

/// The same through a Docker image speaking Flow's protobuf (`proto_ops.c`: hand-encoded Spec
/// and Discovered): `orders` is bound (kept byte for byte, comment included), `legacy` is
/// bound and no longer discovered (removed with its comment), and `réfunds ✓` is new with the
/// connector's disable hint (so deselected): Space selects it, `n` renames its target.
#[test]
fn a_protobuf_image_discovery_chosen_renamed_and_written() {
    images::ensure_engine();
    let image = images::image(&images::PROTO_OPS);
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let catalog = dir.join("flow.yaml");
    let kept = "    bindings:\n      # Orders from the shop database.\n      - resource: {stream: orders, namespace: shop}\n        target: acme/wire/orders\n";
    std::fs::write(
        &catalog,
        format!(
            "captures:\n  acme/wire/source:\n    endpoint:\n      connector:\n        image: {image}\n        config: {{host: db.internal}}\n{kept}      # Dropped upstream last spring.\n      - resource: {{stream: legacy, namespace: shop}}\n        target: acme/wire/legacy\ncollections:\n  acme/wire/orders:\n    key: [/id]\n    schema: {{type: object, properties: {{id: {{type: integer}}}}, required: [id]}}\n  acme/wire/legacy:\n    key: [/id]\n    schema: {{type: object, properties: {{id: {{type: integer}}}}, required: [id]}}\n"
        ),
    )
    .unwrap();
    let report = dir.join("report");
    let cmd = run_args_and_report(
        &format!("--trust {}", catalog.display()),
        &report,
        &unique("discover-proto"),
        &format!(
            "XDG_CACHE_HOME={} XDG_STATE_HOME={}",
            dir.join("cache").display(),
            dir.join("state").display()
        ),
    );
    let t = Tmux::start(120, 40, &cmd, &[]);
    t.wait_for("✓ valid");
    t.keys(&["/"]);
    t.literal("wire/source");
    t.keys(&["Enter", "Enter"]);
    t.wait_for("Bindings (2");
    t.keys(&["d"]);
    t.wait_for_all(&[
        "Discovered bindings · acme/wire/source",
        "1 new (0 to add) · 1 existing · 1 gone (1 to remove)",
        "Will be removed (no longer discovered): acme/wire/legacy",
    ]);
    t.keys(&["/"]);
    t.literal("refunds");
    t.keys(&["Enter"]);
    t.wait_for("1 of 3 shown");
    t.keys(&["Space"]);
    t.wait_for("1 new (1 to add)");
    t.keys(&["n"]);
    t.wait_for("Target: acme/wire/");
    for _ in 0..40 {
        t.keys(&["BSpace"]);
    }
    t.literal("acme/wire/refunds_v2");
    t.wait_for("✓ a valid collection name");
    t.keys(&["Enter"]);
    t.wait_for("acme/wire/refunds_v2");
    t.keys(&["C-s"]);
    t.wait_for("Apply the discovery: write 1 file?");
    t.keys(&["y"]);
    t.wait_for("Saved flow.yaml");
    let after = std::fs::read_to_string(&catalog).unwrap();
    assert!(after.contains(kept), "orders kept byte for byte:\n{after}");
    assert!(
        !after.contains("stream: legacy") && !after.contains("Dropped upstream"),
        "the gone binding went with its comment:\n{after}"
    );
    assert!(after.contains("target: acme/wire/refunds_v2"), "{after}");
    assert!(after.contains("stream: refunds"), "{after}");
    assert!(
        !after.contains("disable: true"),
        "selected: enabled\n{after}"
    );
    assert!(after.contains("  acme/wire/refunds_v2:"), "{after}");
    assert!(after.contains("/refund_id"), "the discovered key\n{after}");
    assert!(after.contains("flow://connector-schema"), "{after}");
    assert_valid(dir, &catalog);
    let written = snapshot(dir);

    t.wait_for("Bindings (2");
    t.keys(&["d"]);
    t.wait_for("0 new (0 to add) · 2 existing · 0 gone (0 to remove)");
    t.keys(&["C-s"]);
    t.wait_for("Nothing to write");
    t.keys(&["Escape"]);
    t.wait_for("Entities");
    t.keys(&["q"]);
    let report_text = t.wait_file(&report);
    assert!(report_text.starts_with("exit=0"), "{report_text}");
    assert_eq!(snapshot(dir), written, "the second discovery wrote nothing");
}

/// The same with a real Airbyte source from PyPI (airbyte-source-faker, marked Airbyte in
/// flowspec's settings): its streams become bindings. `users` is bound already under a
/// renamed target with a user's edit (`full_refresh`) and a comment: kept byte for byte;
/// `retired` is no longer discovered: removed; `products` and `purchases` are added with
/// collections in Flow's managed form.
#[test]
fn a_real_airbyte_source_s_streams_become_bindings() {
    let bin = airbyte_venv::faker();
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let settings = dir.join("config/flowspec/settings.yaml");
    std::fs::create_dir_all(settings.parent().unwrap()).unwrap();
    std::fs::write(&settings, "airbyte_commands: [source-faker]\n").unwrap();
    std::fs::write(dir.join("source.config.yaml"), "count: 10\nseed: 1\n").unwrap();
    let catalog = dir.join("flow.yaml");
    let users = "      # Users, refreshed in full: the cursor is unreliable.\n      - resource: {stream: users, syncMode: full_refresh}\n        target: acmeCo/airbyte/people\n";
    std::fs::write(
        &catalog,
        format!(
            "captures:\n  acmeCo/airbyte/source:\n    endpoint:\n      local:\n        command: [{bin:?}]\n        config: source.config.yaml\n    bindings:\n{users}      - resource: {{stream: retired, syncMode: full_refresh}}\n        target: acmeCo/airbyte/retired\ncollections:\n  acmeCo/airbyte/people:\n    key: [/id]\n    schema: {{type: object, properties: {{id: {{type: integer}}}}, required: [id]}}\n  acmeCo/airbyte/retired:\n    key: [/id]\n    schema: {{type: object, properties: {{id: {{type: integer}}}}, required: [id]}}\n"
        ),
    )
    .unwrap();
    let report = dir.join("report");
    let cmd = run_args_and_report(
        &format!("--trust {}", catalog.display()),
        &report,
        &unique("discover-airbyte"),
        &format!(
            "XDG_CACHE_HOME={} XDG_STATE_HOME={} XDG_CONFIG_HOME={}",
            dir.join("cache").display(),
            dir.join("state").display(),
            dir.join("config").display()
        ),
    );
    let t = Tmux::start(120, 40, &cmd, &[]);
    t.wait_for("✓ valid");
    t.keys(&["/"]);
    t.literal("airbyte/source");
    t.keys(&["Enter", "Enter"]);
    t.wait_for("Bindings (2");
    t.keys(&["d"]);
    t.wait_for_all(&[
        "Discovered bindings · acmeCo/airbyte/source",
        "2 new (2 to add) · 1 existing · 1 gone (1 to remove)",
        "acmeCo/airbyte/people",
    ]);
    t.keys(&["C-s"]);
    t.wait_for("Apply the discovery: write");
    t.keys(&["y"]);
    t.wait_for("Saved flow.yaml");
    let after = std::fs::read_to_string(&catalog).unwrap();
    assert!(after.contains(users), "users kept byte for byte:\n{after}");
    assert!(!after.contains("stream: retired"), "{after}");
    for stream in ["products", "purchases"] {
        assert!(after.contains(&format!("stream: {stream}")), "{after}");
        assert!(
            after.contains(&format!("  acmeCo/airbyte/{stream}:")),
            "its collection:\n{after}"
        );
    }
    assert_valid(dir, &catalog);
    let written = snapshot(dir);

    t.wait_for("Bindings (3");
    t.keys(&["d"]);
    t.wait_for("0 new (0 to add) · 3 existing · 0 gone (0 to remove)");
    t.keys(&["C-s"]);
    t.wait_for("Nothing to write");
    t.keys(&["Escape"]);
    t.wait_for("Entities");
    t.keys(&["q"]);
    let report_text = t.wait_file(&report);
    assert!(report_text.starts_with("exit=0"), "{report_text}");
    assert_eq!(snapshot(dir), written, "the second discovery wrote nothing");
}
