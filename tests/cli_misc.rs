//! The binary's behaviour outside the editor: start-up errors and the demo command.

use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_flowspec"))
}

#[test]
fn a_missing_catalog_is_reported_without_starting_the_editor() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin().current_dir(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no catalog at flow.yaml"), "{err}");
    assert!(err.contains("flowspec demo"), "{err}");
    assert!(out.stdout.is_empty(), "nothing but the error is printed");
}

#[test]
fn the_editor_needs_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("flow.yaml"), "captures: {}\n").unwrap();
    let out = bin().current_dir(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs a terminal"), "{err}");
}

#[test]
fn demo_writes_a_valid_catalog_and_never_overwrites_it() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("d");
    let out = bin()
        .args(["demo", "--no-open"])
        .arg(&target)
        .output()
        .unwrap();
    assert!(out.status.success());
    for f in [
        "flow.yaml",
        "collections.flow.yaml",
        "schemas/orders.schema.yaml",
    ] {
        assert!(target.join(f).is_file(), "{f}");
    }
    let check = bin().arg("check").arg(&target).output().unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    std::fs::write(target.join("flow.yaml"), "# mine\n").unwrap();
    let again = bin()
        .args(["demo", "--no-open"])
        .arg(&target)
        .output()
        .unwrap();
    assert!(again.status.success());
    assert_eq!(
        std::fs::read_to_string(target.join("flow.yaml")).unwrap(),
        "# mine\n"
    );
}

#[test]
fn the_editor_on_a_folder_opens_its_only_flow_yaml_or_lists_the_candidates() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("test.flow.yaml"), "captures: {}\n").unwrap();
    // It gets as far as wanting a terminal: the catalog was found.
    let out = bin().arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a terminal"));
    std::fs::write(dir.path().join("other.flow.yaml"), "captures: {}\n").unwrap();
    let out = bin().arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("2 catalogs to choose from: other.flow.yaml, test.flow.yaml"),
        "{err}"
    );
}

#[test]
fn read_only_and_trust_are_refused_where_they_mean_nothing() {
    for args in [
        &["check", "--read-only"][..],
        &["list", "--trust"],
        &["spec", "--read-only", "x:v1"],
        &["validate", "--trust"],
        &["config", "template", "--schema", "s.json", "--read-only"],
    ] {
        let out = bin().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("unexpected argument"), "{args:?}: {err}");
    }
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .args(["demo", "--no-open", "--read-only", "--trust"])
        .arg(dir.path().join("d"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn completion_scripts_for_bash_zsh_and_fish() {
    for shell in ["bash", "zsh", "fish"] {
        let out = bin().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(
            script.contains("discover") && script.contains("completions"),
            "{shell}"
        );
    }
    // Bash really completes with it: subcommands, then a subcommand's flags.
    let complete = |line: &str| {
        let words: Vec<&str> = line.split(' ').collect();
        let script = format!(
            "source <({exe} completions bash)\nCOMP_WORDS=({words})\nCOMP_CWORD={cword}\nCOMP_LINE='{line}'\nCOMP_POINT={point}\n_flowspec flowspec '{cur}' '{prev}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
            exe = env!("CARGO_BIN_EXE_flowspec"),
            words = words.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(" "),
            cword = words.len() - 1,
            point = line.len(),
            cur = words[words.len() - 1],
            prev = words[words.len() - 2],
        );
        let out = Command::new("bash").arg("-c").arg(script).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let words = complete("flowspec ch");
    assert_eq!(words.trim(), "check", "{words}");
    let words = complete("flowspec check --");
    assert!(words.lines().any(|w| w == "--strict"), "{words}");
    assert!(!words.lines().any(|w| w == "--read-only"), "{words}");
    let words = complete("flowspec completions ");
    let shells: Vec<&str> = words.lines().filter(|w| !w.starts_with('-')).collect();
    assert_eq!(shells, ["bash", "zsh", "fish"]);
}
