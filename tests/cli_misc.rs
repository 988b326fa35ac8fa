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
