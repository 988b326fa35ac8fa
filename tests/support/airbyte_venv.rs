//! Real Airbyte sources from PyPI, each installed once into its own virtualenv under
//! `target/airbyte-venvs/` (`pip install` takes 15-65 s; reused after). Needs `python3` with
//! `venv` and access to PyPI; a failed install fails the test, saying why.
//!
//! Shared by `tests/airbyte_real.rs` and `tests/e2e_discover.rs` through `#[path]`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// Serializes virtualenv creation between the tests of this binary.
static SETUP: Mutex<()> = Mutex::new(());

fn venvs_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is <target>/tmp")
        .join("airbyte-venvs")
}

/// The console script of `package` (pinned to `version`) in its own virtualenv.
pub fn connector(package: &str, version: &str, script: &str) -> PathBuf {
    let _guard = SETUP.lock().unwrap_or_else(|e| e.into_inner());
    let dir = venvs_dir().join(format!("{package}-{version}"));
    let bin = dir.join("bin").join(script);
    let marker = dir.join(".flowspec-installed");
    if marker.exists() && bin.exists() {
        return bin;
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(venvs_dir()).unwrap();
    let run = |cmd: &mut Command, what: &str| {
        let out = cmd
            .output()
            .unwrap_or_else(|e| panic!("{what}: cannot run it ({e}); is python3 installed?"));
        assert!(
            out.status.success(),
            "{what} failed ({}):\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(
        Command::new("python3").args(["-m", "venv"]).arg(&dir),
        &format!("python3 -m venv {}", dir.display()),
    );
    run(
        Command::new(dir.join("bin/pip")).args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            &format!("{package}=={version}"),
        ]),
        &format!("pip install {package}=={version} (needs PyPI)"),
    );
    assert!(bin.exists(), "{package} installed no {script} script");
    std::fs::write(&marker, "").unwrap();
    bin
}

/// airbyte-source-faker: users, products and purchases.
pub fn faker() -> PathBuf {
    connector("airbyte-source-faker", "7.2.1", "source-faker")
}
