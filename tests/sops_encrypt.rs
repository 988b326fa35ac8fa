//! `flowspec encrypt` with the real sops and real age keys: which fields it encrypts, with
//! which keys (`.sops.yaml` found from the file, `--age`, flowspec's settings), what the file
//! looks like afterwards (Flow's `_sops` shape, comments kept), and the faults that must leave
//! the file byte-identical (no key, sops missing or too old, an already encrypted file).

#[path = "support/sops.rs"]
mod sops;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{json, Value};
use sops::*;

const CANARY: &str = "canary-7f3a9c-secret";

fn schema(dir: &Path) -> std::path::PathBuf {
    let p = dir.join("spec.json");
    std::fs::write(
        &p,
        json!({"configSchema": {"type": "object", "properties": {
            "host": {"type": "string"},
            "password": {"type": "string", "secret": true},
            "tunnel": {"type": "object", "properties": {
                "private_key": {"type": "string", "airbyte_secret": true},
                "user": {"type": "string"}
            }}
        }}})
        .to_string(),
    )
    .unwrap();
    p
}

const CONFIG: &str = "# the database\nhost: db.internal # where\npassword: canary-7f3a9c-secret # typed by hand\ntunnel:\n  private_key: k3y\n  user: me\nport: 5432\n";

/// Runs `flowspec encrypt ARGS` from `/` (so nothing is found by walking up from the working
/// directory), with its own home, settings and cache, and no age variables of the caller.
fn encrypt(home: &Path, args: &[&str], sops_bin: Option<&Path>) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flowspec"))
        .arg("encrypt")
        .args(args)
        .current_dir("/")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env_remove("SOPS_AGE_KEY_FILE")
        .env_remove("SOPS_AGE_RECIPIENTS")
        .env_remove("SOPS_AGE_KEY")
        .env(
            "FLOWSPEC_SOPS",
            sops_bin.map_or_else(sops, Path::to_path_buf),
        )
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

#[test]
fn a_sops_yaml_rule_found_from_the_file_encrypts_the_schema_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let (key, r) = age_key(dir.path(), "key.txt");
    sops_yaml(dir.path(), &[&r]);
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let file = dir.path().join("sub/pg.config.yaml");
    std::fs::write(&file, CONFIG).unwrap();
    let s = schema(dir.path());
    let out = encrypt(
        dir.path(),
        &[file.to_str().unwrap(), "--schema", s.to_str().unwrap()],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("encrypted /password, /tunnel/private_key"),
        "{}",
        text(&out)
    );
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(
        !written.contains(CANARY) && !written.contains("k3y"),
        "{written}"
    );
    assert!(
        written.starts_with("# the database\n"),
        "comments stay:\n{written}"
    );
    assert!(
        written.contains("host: db.internal") && written.contains("user: me"),
        "{written}"
    );
    // Flow's shape: the suffix on every encrypted key, metadata at the top level.
    let doc: Value = serde_yaml::from_str(&written).unwrap();
    assert!(doc["password_sops"].as_str().unwrap().starts_with("ENC["));
    assert!(doc["tunnel"]["private_key_sops"]
        .as_str()
        .unwrap()
        .starts_with("ENC["));
    assert_eq!(doc["sops"]["encrypted_suffix"], "_sops");
    assert_eq!(doc["sops"]["age"][0]["recipient"], r.as_str());
    let plain = decrypted(&file, &key);
    assert_eq!(
        plain,
        json!({"host": "db.internal", "password_sops": CANARY,
               "tunnel": {"private_key_sops": "k3y", "user": "me"}, "port": 5432})
    );
    // Encrypting again is refused, and changes nothing.
    let out = encrypt(
        dir.path(),
        &[file.to_str().unwrap(), "--schema", s.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("already sops-encrypted"),
        "{}",
        text(&out)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), written);
}

#[test]
fn age_flags_settings_and_fields_choose_keys_and_locations() {
    let dir = tempfile::tempdir().unwrap();
    let (k1, r1) = age_key(dir.path(), "one.txt");
    let (k2, r2) = age_key(dir.path(), "two.txt");
    let s = schema(dir.path());
    let file = dir.path().join("a.config.json");
    std::fs::write(
        &file,
        json!({"host": "h", "password": CANARY, "tunnel": {"user": "u"}}).to_string(),
    )
    .unwrap();
    let out = encrypt(
        dir.path(),
        &[
            file.to_str().unwrap(),
            "--schema",
            s.to_str().unwrap(),
            "--age",
            &r1,
            "--age",
            &r2,
            "--field",
            "/tunnel/user",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    let written = std::fs::read_to_string(&file).unwrap();
    let doc: Value = serde_json::from_str(&written).expect("a .json file stays JSON");
    assert_eq!(doc["host"], "h");
    for key in [&k1, &k2] {
        let plain = decrypted(&file, key);
        assert_eq!(plain["password_sops"], CANARY);
        assert_eq!(plain["tunnel"]["user_sops"], "u");
    }
    // Keys from flowspec's settings, with no .sops.yaml anywhere.
    let settings = dir.path().join("config/flowspec");
    std::fs::create_dir_all(&settings).unwrap();
    std::fs::write(
        settings.join("settings.yaml"),
        format!("sops:\n  age: [{r2}]\n"),
    )
    .unwrap();
    let file = dir.path().join("b.config.yaml");
    std::fs::write(&file, "password: x\nhost: h\n").unwrap();
    let out = encrypt(
        dir.path(),
        &[file.to_str().unwrap(), "--schema", s.to_str().unwrap()],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("flowspec settings"), "{}", text(&out));
    assert_eq!(decrypted(&file, &k2)["password_sops"], "x");
    assert!(
        !decrypt(&file, &k1).status.success(),
        "only the settings' recipient"
    );
}

#[test]
fn dry_run_and_bad_fields_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_, r) = age_key(dir.path(), "key.txt");
    let s = schema(dir.path());
    let file = dir.path().join("a.config.yaml");
    std::fs::write(&file, CONFIG).unwrap();
    let out = encrypt(
        dir.path(),
        &[
            file.to_str().unwrap(),
            "--schema",
            s.to_str().unwrap(),
            "--age",
            &r,
            "--dry-run",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("would encrypt /password, /tunnel/private_key for age "),
        "{}",
        text(&out)
    );
    let out = encrypt(
        dir.path(),
        &[
            file.to_str().unwrap(),
            "--schema",
            s.to_str().unwrap(),
            "--age",
            &r,
            "--field",
            "/nope",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), CONFIG);
    assert!(!text(&out).contains(CANARY));
}

#[test]
fn faults_leave_the_file_byte_identical_and_no_plaintext_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let (_, r) = age_key(dir.path(), "key.txt");
    let s = schema(dir.path());
    let file = dir.path().join("a.config.yaml");
    std::fs::write(&file, CONFIG).unwrap();
    let args = [file.to_str().unwrap(), "--schema", s.to_str().unwrap()];
    // No key anywhere: how to set one up.
    let out = encrypt(dir.path(), &args, None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("no sops key is configured") && text(&out).contains("age-keygen"),
        "{}",
        text(&out)
    );
    // sops missing, and too old.
    let with_age = [args[0], args[1], args[2], "--age", &r];
    let out = encrypt(dir.path(), &with_age, Some(Path::new("/nonexistent/sops")));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("cannot run `/nonexistent/sops`"),
        "{}",
        text(&out)
    );
    let old = old_sops(dir.path());
    let out = encrypt(dir.path(), &with_age, Some(&old));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("is sops 3.7.3") && text(&out).contains("3.10.0 or newer"),
        "{}",
        text(&out)
    );
    // A bad recipient: sops's own error.
    let out = encrypt(
        dir.path(),
        &[args[0], args[1], args[2], "--age", "age1bogus"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(!text(&out).contains(CANARY));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), CONFIG);
    assert_eq!(files_containing(dir.path(), CANARY), vec![file.clone()]);
}
