//! The rule for tests that read `../shared` (`tests/support/shared.rs`): outside CI a missing
//! file is a note and the test checks nothing more; under CI it is a failure. Proven on the
//! real thing: this test binary runs one of its own tests again in a child process with the
//! shared data pointed at a directory that does not exist, with and without `CI`.

#[path = "support/shared.rs"]
mod shared;

use std::process::{Command, Output};

/// What a corpus test does first. Run normally it passes whether or not `../shared` is here
/// (it only looks); the test below reruns it with the data missing.
#[test]
fn a_corpus_test_looks_up_the_shared_schemas() {
    if let Some(dir) = shared::path("schemas", "the guard's probe") {
        assert!(dir.is_dir(), "{}", dir.display());
    }
}

/// Reruns [`a_corpus_test_looks_up_the_shared_schemas`] alone with `../shared` replaced by a
/// directory that does not exist and `CI` as given (`None`: unset).
fn rerun_without_shared(ci: Option<&str>) -> Output {
    let missing = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--exact",
        "a_corpus_test_looks_up_the_shared_schemas",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(shared::DIR_ENV, missing.path().join("no-such-dir"))
    .env_remove("CI");
    if let Some(v) = ci {
        cmd.env("CI", v);
    }
    cmd.output().unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn missing_shared_data_fails_under_ci() {
    for ci in ["1", "true"] {
        let out = rerun_without_shared(Some(ci));
        let text = text(&out);
        assert!(!out.status.success(), "CI={ci} passed:\n{text}");
        assert!(
            text.contains("no-such-dir/schemas is missing and CI is set"),
            "CI={ci}:\n{text}"
        );
        assert!(text.contains("1 failed"), "CI={ci}:\n{text}");
    }
}

#[test]
fn missing_shared_data_is_a_note_outside_ci() {
    for ci in [None, Some(""), Some("0"), Some("false")] {
        let out = rerun_without_shared(ci);
        let text = text(&out);
        assert!(out.status.success(), "CI={ci:?} failed:\n{text}");
        assert!(
            text.contains("no-such-dir/schemas is absent; the guard's probe not checked"),
            "CI={ci:?}:\n{text}"
        );
        assert!(text.contains("1 passed"), "CI={ci:?}:\n{text}");
    }
}

#[test]
fn present_shared_data_is_found_with_or_without_ci() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("schemas")).unwrap();
    for ci in [false, true] {
        assert_eq!(
            shared::locate(dir.path(), "schemas", "x", ci),
            Some(dir.path().join("schemas"))
        );
    }
    assert_eq!(shared::locate(dir.path(), "nope.json", "x", false), None);
    let caught = std::panic::catch_unwind(|| shared::locate(dir.path(), "nope.json", "x", true));
    assert!(caught.is_err());
}
