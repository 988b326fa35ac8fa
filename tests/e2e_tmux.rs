//! End-to-end tests of the real binary in a real terminal emulator (tmux): keys in, screen out,
//! files on disk checked, and the terminal checked to be sane after every way of exiting.
//! Signals and suspension have their own file, `e2e_signals.rs`.

#[path = "support/tmux.rs"]
mod tmux;

use std::process::Command;

use tmux::*;

fn diff_lines(a: &str, b: &str) -> (Vec<String>, Vec<String>) {
    let d = similar::TextDiff::from_lines(a, b);
    let (mut removed, mut added) = (vec![], vec![]);
    for c in d.iter_all_changes() {
        match c.tag() {
            similar::ChangeTag::Delete => removed.push(c.value().to_string()),
            similar::ChangeTag::Insert => added.push(c.value().to_string()),
            similar::ChangeTag::Equal => {}
        }
    }
    (removed, added)
}

/// Ctrl-L twice on the focused schema secret: written in plaintext (the first asks).
fn keep_plaintext(t: &Tmux) {
    t.keys(&["C-l"]);
    t.wait_for("Ctrl-L again");
    t.keys(&["C-l"]);
    t.wait_for("[plain]");
}

#[test]
fn canonical_flow_filter_open_toggle_save_quit() {
    let work = tempfile::tempdir().unwrap();
    let catalog = demo(work.path());
    let before = std::fs::read_to_string(&catalog).unwrap();
    let report = work.path().join("report");
    let t = Tmux::start(
        80,
        24,
        &run_and_report(&catalog, &report, &unique("flow"), ""),
        &[],
    );
    t.wait_for("✓ valid");
    t.keys(&["/"]);
    t.literal("shop/source");
    t.wait_for("Entities 1/7");
    t.keys(&["Enter"]);
    t.keys(&["Enter"]);
    t.wait_for("Bindings (3, 1 disabled)");
    t.keys(&["Space"]);
    t.wait_for("Bindings (3, 2 disabled)");
    t.keys(&["C-s"]);
    t.wait_for_all(&["Save 1 file?", "+        disable: true"]);
    t.keys(&["y"]);
    t.wait_for("Saved flow.yaml");
    let after = std::fs::read_to_string(&catalog).unwrap();
    let (removed, added) = diff_lines(&before, &after);
    assert!(removed.is_empty(), "{removed:?}");
    assert_eq!(added, vec!["        disable: true\n"]);
    // It is the first binding's line: right after that binding's target.
    assert!(after.contains(
        "        target: acmeCo/shop/orders\n        disable: true\n      - resource: { stream: customers"
    ));
    t.keys(&["q"]);
    let text = t.wait_file(&report);
    assert!(text.starts_with("exit=0"), "{text}");
    assert_terminal_restored(&t, &report);
}

#[test]
fn quit_with_unsaved_changes_asks_and_leaves_files_alone() {
    let work = tempfile::tempdir().unwrap();
    let catalog = demo(work.path());
    let before = std::fs::read_to_string(&catalog).unwrap();
    let report = work.path().join("report");
    let t = Tmux::start(
        80,
        24,
        &run_and_report(&catalog, &report, &unique("quit"), ""),
        &[],
    );
    t.wait_for("✓ valid");
    t.keys(&["Enter", "Space"]);
    t.wait_for("unsaved");
    t.keys(&["q"]);
    t.wait_for("Quit and lose them?");
    t.keys(&["n"]);
    t.wait_gone("Quit and lose them?");
    t.keys(&["C-c"]);
    t.wait_for("Quit and lose them?");
    t.keys(&["y"]);
    let report = t.wait_file(&report);
    assert!(report.starts_with("exit=0"));
    assert_sane_terminal(&report);
    assert_eq!(std::fs::read_to_string(&catalog).unwrap(), before);
}

#[test]
fn panic_restores_the_terminal_and_reports() {
    let work = tempfile::tempdir().unwrap();
    let catalog = demo(work.path());
    let report = work.path().join("report");
    let t = Tmux::start(
        80,
        24,
        &run_and_report(
            &catalog,
            &report,
            &unique("panic"),
            "RUST_BACKTRACE=0 FLOWSPEC_TEST_PANIC=1",
        ),
        &[],
    );
    let text = t.wait_file(&report);
    assert!(!text.starts_with("exit=0"), "{text}");
    assert_terminal_restored(&t, &report);
    let screen = t.wait_for("test panic requested");
    assert!(!screen.contains("Entities ("), "{screen}");
}

#[test]
fn too_small_terminal_says_so() {
    let work = tempfile::tempdir().unwrap();
    let catalog = demo(work.path());
    let report = work.path().join("report");
    let t = Tmux::start(
        60,
        20,
        &run_and_report(&catalog, &report, &unique("small"), ""),
        &[],
    );
    t.wait_for("Terminal too small");
    t.wait_for("needs at least 80x24");
    t.keys(&["q"]);
    assert_sane_terminal(&t.wait_file(&report));
}

#[test]
fn no_color_is_monochrome_with_visible_selection() {
    let work = tempfile::tempdir().unwrap();
    let catalog = demo(work.path());
    let report = work.path().join("report");
    let t = Tmux::start(
        80,
        24,
        &run_and_report(&catalog, &report, &unique("nocolor"), "NO_COLOR=1"),
        &[],
    );
    t.wait_for("✓ valid");
    let screen = t.screen_with(true);
    // Reverse video (SGR 7) marks the selection; no foreground/background colour is used.
    let sgr = regex::Regex::new(r"\x1b\[([0-9;]*)m").unwrap();
    let params: Vec<u32> = sgr
        .captures_iter(&screen)
        .flat_map(|c| {
            c[1].split(';')
                .filter_map(|p| p.parse::<u32>().ok())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(params.contains(&7), "no reverse video in {screen:?}");
    let colours: Vec<u32> = params
        .iter()
        .copied()
        .filter(|p| (30..=49).contains(p) && *p != 39 && *p != 49 || (90..=107).contains(p))
        .collect();
    assert!(
        colours.is_empty(),
        "colour parameters {colours:?} in {screen:?}"
    );
    t.keys(&["q"]);
    assert_sane_terminal(&t.wait_file(&report));
}

#[test]
fn logs_go_to_a_file_not_the_terminal() {
    let work = tempfile::tempdir().unwrap();
    let catalog = demo(work.path());
    let report = work.path().join("report");
    let t = Tmux::start(
        80,
        24,
        &run_and_report(&catalog, &report, &unique("logs"), "FLOWSPEC_LOG=debug"),
        &[],
    );
    t.wait_for("✓ valid");
    t.keys(&["q"]);
    t.wait_file(&report);
    let log = t.dir.path().join("state/flowspec/flowspec.log");
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        text.contains("exited"),
        "log file {}: {text}",
        log.display()
    );
    assert!(!t.screen().contains("INFO"), "{}", t.screen());
}

#[test]
fn connector_spec_and_discover_run_in_the_background() {
    let work = tempfile::tempdir().unwrap();
    let catalog = demo(work.path());
    let report = work.path().join("report");
    let cmd = run_and_report(
        &catalog,
        &report,
        &unique("conn"),
        &format!("XDG_CACHE_HOME={}", work.path().join("cache").display()),
    );
    let t = Tmux::start(100, 30, &cmd, &[]);
    t.wait_for("✓ valid");
    t.keys(&["/"]);
    t.literal("source-demo");
    t.keys(&["Enter"]);
    t.keys(&["Enter"]);
    t.wait_for("Bindings (3");
    t.keys(&["s"]);
    // The first run of the demo's connector asks; `y` runs it and remembers.
    t.wait_for("Run a connector?");
    t.keys(&["y"]);
    t.wait_for("Protocol    flow-json");
    t.wait_for("Spec: config \"Demo shop source\"");
    t.keys(&["d"]);
    // The answer opens the Discovered bindings screen (issue 9); Esc shows the run's log.
    t.wait_for_all(&[
        "Discovered 3 bindings: orders, customers, refunds",
        "Discovered bindings · acmeCo/shop/source-demo",
    ]);
    t.keys(&["Escape"]);
    t.wait_for("demo-capture: answered discover");
    t.keys(&["q"]);
    assert_sane_terminal(&t.wait_file(&report));
}

#[test]
fn a_hung_connector_is_cancelled_with_esc_and_its_process_dies() {
    let work = tempfile::tempdir().unwrap();
    let marker = unique("hang");
    // The hung process carries a marker of its own in its command line (`$0` of the shell
    // waiting on `sleep`), so only this test's connector is looked for.
    let hung = unique("hung-connector");
    let script = work.path().join("hang.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\necho '{{\"level\":\"info\",\"msg\":\"thinking hard\"}}' >&2\nexec sh -c 'sleep 300; exit 1' {hung}\n"),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let catalog = work.path().join("flow.yaml");
    std::fs::write(
        &catalog,
        format!(
            "captures:\n  acme/hang:\n    endpoint:\n      local:\n        command: [{}]\n        config: {{}}\n    bindings: []\n",
            script.display()
        ),
    )
    .unwrap();
    let report = work.path().join("report");
    let t = Tmux::start(
        100,
        30,
        &run_args_and_report(
            &format!("--trust {}", catalog.display()),
            &report,
            &marker,
            "",
        ),
        &[],
    );
    t.wait_for("acme/hang");
    t.keys(&["Enter"]);
    t.keys(&["d"]);
    t.wait_for("thinking hard");
    t.wait_for("Esc cancels");
    // The log line is written just before the script execs into the marked shell.
    t.wait_until("the connector to run", || running(&hung));
    t.keys(&["Escape"]);
    t.wait_for("discover failed: cancelled");
    wait_not_running(&hung, "cancel kills the connector's process group");
    // The key that dismisses the message, alone: an Esc and the next key read at once would
    // be Alt-key.
    t.keys(&["Escape"]);
    t.wait_until("the footer's message to be dismissed", || {
        !t.footer().contains("discover failed")
    });
    // Quitting while a connector runs stops it too.
    t.keys(&["d"]);
    t.wait_for("Esc cancels");
    t.wait_until("the connector to run again", || running(&hung));
    t.keys(&["q"]);
    assert_sane_terminal(&t.wait_file(&report));
    wait_not_running(&hung, "quitting kills the running connector");
}

#[test]
fn config_form_union_switch_secret_paste_and_editor_then_save() {
    let work = tempfile::tempdir().unwrap();
    let catalog = demo(work.path());
    let editor = work.path().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf 'first line of notes\\nsecond line\\n' > \"$1\"\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let report = work.path().join("report");
    let cmd = run_args_and_report(
        &format!("--trust {}", catalog.display()),
        &report,
        &unique("form"),
        &format!(
            "XDG_CACHE_HOME={} EDITOR={}",
            work.path().join("cache").display(),
            editor.display()
        ),
    );
    let t = Tmux::start(100, 30, &cmd, &[]);
    t.wait_for("✓ valid");
    t.keys(&["/"]);
    t.literal("source-demo");
    t.keys(&["Enter"]);
    t.keys(&["Enter"]);
    t.wait_for("Bindings (3");
    t.keys(&["e"]);
    t.wait_for("Endpoint config of acmeCo/shop/source-demo");
    // Database: type onto the end of the value.
    t.keys(&["Down"]);
    t.literal("2");
    t.keys(&["Enter"]);
    t.wait_for("shop2");
    // The authentication union: the first switch asks, the second switches.
    t.keys(&["Down", "Down"]);
    t.keys(&["Right"]);
    t.wait_for("press again to switch");
    t.keys(&["Right"]);
    t.wait_for("‹ Private key ›");
    // The private key (a multi-line secret): a bracketed paste, masked on screen.
    t.keys(&["Down"]);
    let key = "-----BEGIN KEY-----\nabc123\n-----END KEY-----";
    let status = Command::new("tmux")
        .args(["-L", &t.socket, "set-buffer", "--", key])
        .status()
        .unwrap();
    assert!(status.success());
    let status = Command::new("tmux")
        .args(["-L", &t.socket, "paste-buffer", "-p"])
        .status()
        .unwrap();
    assert!(status.success());
    t.keys(&["Enter"]);
    let screen = t.wait_for("••••");
    assert!(
        !screen.contains("abc123"),
        "the secret stays masked:\n{screen}"
    );
    // This test is about the plaintext diff and file: the key stays in plaintext (sops:
    // tests/e2e_sops.rs).
    keep_plaintext(&t);
    // Notes, a multi-line text: Ctrl-E hands it to $EDITOR (the script writes two lines).
    for _ in 0..4 {
        t.keys(&["Down"]);
    }
    t.keys(&["C-e"]);
    t.wait_for("first line of notes⏎second line");
    t.keys(&["C-s"]);
    let diff = t.wait_for("Save 1 file?");
    assert!(
        !diff.contains("abc123"),
        "secrets are masked in the diff:\n{diff}"
    );
    t.keys(&["y"]);
    t.wait_for("Saved source-demo.config.yaml");
    t.keys(&["q"]);
    assert_sane_terminal(&t.wait_file(&report));

    // The written config is what the connector's schema wants, by an independent validator.
    let text = std::fs::read_to_string(work.path().join("source-demo.config.yaml")).unwrap();
    let config: serde_json::Value = serde_yaml::from_str(&text).unwrap();
    let schema = flowspec::connector::demo::capture_config_schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&config)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}\n{text}");
    assert_eq!(config["database"], "shop2");
    assert_eq!(config["auth"]["private_key"], key);
    assert!(config["auth"].get("password").is_none(), "{text}");
    assert_eq!(config["notes"], "first line of notes\nsecond line");
    assert!(
        text.starts_with("# Endpoint configuration of the demo connector.\n"),
        "comments kept:\n{text}"
    );
}

#[test]
fn config_edit_standalone_edits_a_file_in_place() {
    let work = tempfile::tempdir().unwrap();
    let spec = work.path().join("spec.json");
    std::fs::write(
        &spec,
        serde_json::json!({"configSchema": flowspec::connector::demo::capture_config_schema()})
            .to_string(),
    )
    .unwrap();
    let file = work.path().join("source.config.yaml");
    std::fs::write(
        &file,
        "# keep me\naddress: db:5432 # where\nauth:\n  type: password\n  password: pw\n",
    )
    .unwrap();
    let report = work.path().join("report");
    let cmd = run_args_and_report(
        &format!("config edit {} --schema {}", file.display(), spec.display()),
        &report,
        &unique("edit"),
        "",
    );
    let t = Tmux::start(100, 30, &cmd, &[]);
    t.wait_for("Address*");
    t.keys(&["Down"]);
    t.literal("x");
    t.keys(&["Enter"]);
    t.wait_for("shopx");
    // The password on file stays in plaintext (else the save encrypts it: e2e_sops.rs).
    t.keys(&["Down", "Down", "Down"]);
    keep_plaintext(&t);
    t.keys(&["C-s"]);
    t.wait_for("Save 1 file?");
    t.keys(&["y"]);
    t.wait_for("Saved source.config.yaml");
    t.keys(&["Escape"]);
    let report = t.wait_file(&report);
    assert!(report.starts_with("exit=0"), "{report}");
    assert_sane_terminal(&report);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.starts_with(
            "# keep me\naddress: db:5432 # where\nauth:\n  type: password\n  password: pw\n"
        ),
        "untouched lines stay byte-identical:\n{text}"
    );
    let config: serde_json::Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(config["database"], "shopx");
}

#[test]
fn config_edit_through_a_symlink_to_a_read_only_file_asks_and_keeps_link_mode_and_owner() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let work = tempfile::tempdir().unwrap();
    let spec = work.path().join("spec.json");
    std::fs::write(
        &spec,
        serde_json::json!({"configSchema": flowspec::connector::demo::capture_config_schema()})
            .to_string(),
    )
    .unwrap();
    std::fs::create_dir(work.path().join("real")).unwrap();
    let target = work.path().join("real/source.config.yaml");
    std::fs::write(
        &target,
        "address: db:5432\nauth:\n  type: password\n  password: pw\n",
    )
    .unwrap();
    // SAFETY: geteuid has no preconditions.
    let as_root = unsafe { libc::geteuid() } == 0;
    if as_root {
        std::os::unix::fs::chown(&target, Some(4321), Some(8765)).unwrap();
    }
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o444)).unwrap();
    let owner = std::fs::metadata(&target)
        .map(|m| (m.uid(), m.gid()))
        .unwrap();
    let link = work.path().join("source.config.yaml");
    std::os::unix::fs::symlink("real/source.config.yaml", &link).unwrap();
    let report = work.path().join("report");
    let cmd = run_args_and_report(
        &format!("config edit {} --schema {}", link.display(), spec.display()),
        &report,
        &unique("edit"),
        "",
    );
    let t = Tmux::start(100, 30, &cmd, &[]);
    t.wait_for("Address*");
    t.keys(&["Down"]);
    t.literal("x");
    t.keys(&["Enter"]);
    t.wait_for("shopx");
    t.keys(&["Down", "Down", "Down"]);
    keep_plaintext(&t);
    t.keys(&["C-s"]);
    t.wait_for("Save 1 file?");
    t.keys(&["y"]);
    t.wait_for("source.config.yaml is read-only");
    t.keys(&["n"]);
    t.wait_for("your edits are kept");
    assert!(!std::fs::read_to_string(&target)
        .unwrap()
        .contains("database"));
    t.keys(&["C-s"]);
    t.wait_for("Save 1 file?");
    t.keys(&["y"]);
    t.wait_for("source.config.yaml is read-only");
    t.keys(&["y"]);
    t.wait_for("Saved source.config.yaml");
    t.keys(&["Escape"]);
    let report = t.wait_file(&report);
    assert!(report.starts_with("exit=0"), "{report}");
    let meta = std::fs::symlink_metadata(&link).unwrap();
    assert!(meta.file_type().is_symlink(), "the link stays a link");
    let config: serde_json::Value =
        serde_yaml::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    assert_eq!(config["database"], "shopx");
    let meta = std::fs::metadata(&target).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o444);
    assert_eq!((meta.uid(), meta.gid()), owner);
    let names: Vec<_> = std::fs::read_dir(work.path().join("real"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "no temporary file left: {names:?}");
}

#[test]
fn config_edit_creates_a_new_file_that_validates() {
    let work = tempfile::tempdir().unwrap();
    let spec = work.path().join("spec.json");
    let schema = flowspec::connector::demo::capture_config_schema();
    std::fs::write(
        &spec,
        serde_json::json!({ "configSchema": schema }).to_string(),
    )
    .unwrap();
    let file = work.path().join("new.config.yaml");
    let report = work.path().join("report");
    let cmd = run_args_and_report(
        &format!("config edit {} --schema {}", file.display(), spec.display()),
        &report,
        &unique("edit"),
        "",
    );
    let t = Tmux::start(100, 30, &cmd, &[]);
    t.wait_for("Address*");
    t.literal("db.internal:5432");
    t.keys(&["Enter"]);
    // Straight to saving: the required password is missing, so the form jumps to it.
    t.keys(&["C-s"]);
    t.wait_for("problem");
    t.literal("pw-1");
    t.keys(&["Enter"]);
    keep_plaintext(&t);
    t.keys(&["C-s"]);
    let diff = t.wait_for("Save 1 file?");
    assert!(!diff.contains("pw-1"), "{diff}");
    t.keys(&["y"]);
    t.wait_for("Saved new.config.yaml");
    t.keys(&["Escape"]);
    let report = t.wait_file(&report);
    assert!(report.starts_with("exit=0"), "{report}");
    let text = std::fs::read_to_string(&file).unwrap();
    let config: serde_json::Value = serde_yaml::from_str(&text).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&config)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}\n{text}");
    assert_eq!(config["auth"]["password"], "pw-1");
    assert!(
        !text.trim_start().starts_with('{'),
        "a YAML file is written as block YAML:\n{text}"
    );
}

/// A catalog is untrusted input: opening, browsing, `check` and `list` run nothing it names, and
/// every connector key asks first (a marker file the command would create proves it).
#[test]
fn an_untrusted_catalog_runs_nothing_until_the_user_says_yes() {
    let work = tempfile::tempdir().unwrap();
    let marker = work.path().join("ran");
    let catalog = work.path().join("flow.yaml");
    std::fs::write(
        &catalog,
        format!(
            "captures:\n  acme/evil:\n    endpoint:\n      local:\n        command: [sh, -c, 'echo x >> {m}; exit 1']\n        config: {{}}\n    bindings:\n      - resource: {{stream: a}}\n        target: acme/a\ncollections:\n  acme/a:\n    key: [/id]\n    schema: {{type: object, properties: {{id: {{type: string}}}}, required: [id]}}\n",
            m = marker.display()
        ),
    )
    .unwrap();
    for args in [vec!["check"], vec!["list"], vec!["list", "--json"]] {
        let out = Command::new(bin())
            .args(&args)
            .arg(&catalog)
            .output()
            .unwrap();
        assert!(out.status.code().is_some(), "{args:?}");
    }
    assert!(!marker.exists(), "check and list ran the catalog's command");
    let report = work.path().join("report");
    let t = Tmux::start(
        100,
        30,
        &run_and_report(&catalog, &report, &unique("trust"), ""),
        &[],
    );
    t.wait_for("acme/evil");
    // Browse everything: the list, the detail pane, help, problems.
    t.keys(&["Enter"]);
    t.wait_for("Bindings (1)");
    t.keys(&["j", "k", "g", "G", "?"]);
    t.wait_for("Help — Esc closes");
    t.keys(&["Escape"]);
    t.wait_for("Protocol    not asked yet");
    for key in ["e", "r", "s", "d", "v"] {
        t.keys(&[key]);
        // The question shows the exact command.
        t.wait_for_all(&[
            "Run a connector?",
            &format!("sh -c 'echo x >> {}; exit 1'", marker.display()),
        ]);
        t.keys(&["n"]);
        t.wait_for("Nothing was run");
    }
    assert!(!marker.exists(), "a connector ran without a yes");
    t.keys(&["s"]);
    t.wait_for("Run a connector?");
    t.keys(&["y"]);
    t.wait_until("yes to run it", || marker.exists());
    t.wait_for("spec failed");
    // Remembered: the same command runs without asking again.
    t.keys(&["j"]); // dismisses the error (Esc and a key at once would read as Alt-key)
    t.keys(&["d"]);
    t.wait_until("the second run, without asking", || {
        std::fs::read_to_string(&marker).is_ok_and(|s| s.lines().count() == 2)
    });
    assert!(!t.screen().contains("Run a connector?"));
    t.wait_for("discover failed");
    t.keys(&["j"]);
    t.keys(&["q"]);
    assert_sane_terminal(&t.wait_file(&report));
}

#[test]
fn a_catalog_naming_dev_tty_a_fifo_and_a_long_import_chain_loads_and_q_quits() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("cat");
    std::fs::create_dir_all(dir.join("chain")).unwrap();
    // Reading /dev/tty would swallow the keys typed below; reading the FIFO would hang the
    // load; a recursive import walk would overflow the loading thread's stack on the chain.
    std::fs::write(
        dir.join("flow.yaml"),
        "import:\n  - /dev/tty\n  - pipe.flow.yaml\n  - chain/f1.flow.yaml\n",
    )
    .unwrap();
    let pipe = std::ffi::CString::new(dir.join("pipe.flow.yaml").to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(pipe.as_ptr(), 0o600) }, 0);
    for i in 1..3_000 {
        std::fs::write(
            dir.join(format!("chain/f{i}.flow.yaml")),
            format!("import: [f{}.flow.yaml]\n", i + 1),
        )
        .unwrap();
    }
    std::fs::write(
        dir.join("chain/f3000.flow.yaml"),
        "collections:\n  acme/last: {key: [/id], schema: {type: object, properties: {id: {type: string}}, required: [id]}}\n",
    )
    .unwrap();
    let report = work.path().join("report");
    let t = Tmux::start(
        100,
        30,
        &run_and_report(&dir, &report, &unique("hostile"), ""),
        &[],
    );
    t.wait_for("acme/last");
    t.wait_for("✗ 2 errors");
    t.keys(&["p"]);
    // The messages wrap in the overlay: look for their ends.
    t.wait_for_all(&["FIFO (named pipe)", "character device"]);
    t.keys(&["q"]);
    t.keys(&["q"]);
    let report = t.wait_file(&report);
    assert!(report.starts_with("exit=0"), "{report}");
    assert_sane_terminal(&report);
}

/// Issue 8, item 8: Ctrl-R reads the catalog from disk again; with unsaved edits it asks first.
#[test]
fn ctrl_r_reloads_a_catalog_changed_on_disk_and_asks_before_dropping_edits() {
    let work = tempfile::tempdir().unwrap();
    let catalog = demo(work.path());
    let report = work.path().join("report");
    let t = Tmux::start(
        80,
        24,
        &run_and_report(&catalog, &report, &unique("reload"), ""),
        &[],
    );
    t.wait_for("✓ valid");
    // Another program adds a collection.
    let mut text = std::fs::read_to_string(&catalog).unwrap();
    text.push_str("\ncollections:\n  acmeCo/shop/reloaded: {key: [/id], schema: {type: object, properties: {id: {type: string}}, required: [id]}}\n");
    std::fs::write(&catalog, &text).unwrap();
    assert!(!t.screen().contains("acmeCo/shop/reloaded"));
    t.keys(&["C-r"]);
    t.wait_for("acmeCo/shop/reloaded");
    // An unsaved toggle: the reload asks, `n` keeps it, `y` drops it.
    t.keys(&["Enter", "Space"]);
    t.wait_for("unsaved");
    t.keys(&["C-r"]);
    t.wait_for("Reload from disk and lose them?");
    t.keys(&["n"]);
    t.wait_until("the question closed, the edit kept", || {
        let s = t.screen();
        !s.contains("Reload from disk and lose them?") && s.contains("unsaved")
    });
    t.keys(&["C-r"]);
    t.wait_for("Reload from disk and lose them?");
    t.keys(&["y"]);
    t.wait_until("the edit dropped", || {
        let s = t.screen();
        s.contains("✓ valid") && !s.contains("unsaved")
    });
    t.keys(&["q"]);
    let report = t.wait_file(&report);
    assert!(report.starts_with("exit=0"), "{report}");
    assert_eq!(std::fs::read_to_string(&catalog).unwrap(), text);
}

/// Issue 8, item 1, as the issue tells it: typing only a password into the demo
/// materialization's form writes that one line, not the defaults it shows.
#[test]
fn typing_only_a_password_into_the_demo_materialization_writes_only_it() {
    let work = tempfile::tempdir().unwrap();
    let catalog = demo(work.path());
    let before = std::fs::read_to_string(&catalog).unwrap();
    let report = work.path().join("report");
    let cmd = run_args_and_report(
        &format!("--trust {}", catalog.display()),
        &report,
        &unique("password"),
        &format!("XDG_CACHE_HOME={}", work.path().join("cache").display()),
    );
    let t = Tmux::start(100, 30, &cmd, &[]);
    t.wait_for("✓ valid");
    t.keys(&["/"]);
    t.literal("to-warehouse");
    t.keys(&["Enter", "Enter"]);
    t.wait_for("Bindings (2");
    t.keys(&["e"]);
    t.wait_for_all(&[
        "Endpoint config of acmeCo/shop/to-warehouse",
        "flow_materialize  (default)",
    ]);
    // Address, Database, User, then Password.
    t.keys(&["Down", "Down", "Down"]);
    t.literal("s3cret-pw");
    t.keys(&["Enter"]);
    // Left in plaintext on purpose (encrypting it: e2e_sops.rs).
    keep_plaintext(&t);
    t.keys(&["C-s"]);
    let diff = t.wait_for_all(&["Save 1 file?", "(+1 −0)"]);
    assert!(!diff.contains("s3cret-pw"), "masked:\n{diff}");
    t.keys(&["y"]);
    t.wait_for("Saved flow.yaml");
    t.keys(&["q"]);
    assert_sane_terminal(&t.wait_file(&report));
    let after = std::fs::read_to_string(&catalog).unwrap();
    let (removed, added) = diff_lines(&before, &after);
    assert!(removed.is_empty(), "{removed:?}");
    assert_eq!(added.len(), 1, "{added:?}");
    assert!(added[0].trim() == "password: s3cret-pw", "{added:?}");
}
