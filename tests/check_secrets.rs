//! The plaintext-secret check of `flowspec check`: `--secrets` alone (by schema or key names,
//! exit 1 on any), warnings in plain `check` when the schema is known (`--schema`, or the spec
//! cache a `flowspec spec` filled), and the README's git pre-commit hook run as written in a
//! real repository.

#[path = "support/sops.rs"]
mod sops;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::json;

fn flowspec(cwd: &Path, home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flowspec"))
        .args(args)
        .current_dir(cwd)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const FLOW: &str = "captures:\n  acme/pg:\n    endpoint:\n      connector:\n        image: ghcr.io/x/source-pg:v1\n        config:\n          host: h\n          secret_thing: s3cret\n          credentials:\n            password: hunter2\n    bindings: []\n  acme/file:\n    endpoint:\n      connector:\n        image: ghcr.io/x/source-pg:v1\n        config: file.config.yaml\n    bindings: []\n";
const FILE_CONFIG: &str = "host: h\napi_key: k\npassword_sops: ENC[AES256_GCM,data:eA==,iv:x,tag:y,type:str]\nsops:\n  mac: ENC[AES256_GCM,data:m,iv:x,tag:y,type:str]\n  encrypted_suffix: _sops\n";

fn catalog(dir: &Path) {
    std::fs::write(dir.join("flow.yaml"), FLOW).unwrap();
    std::fs::write(dir.join("file.config.yaml"), FILE_CONFIG).unwrap();
    std::fs::write(
        dir.join("spec.json"),
        json!({"configSchema": {"properties": {
            "secret_thing": {"type": "string", "airbyte_secret": true},
            "credentials": {"oneOf": [{"properties": {"password": {"secret": true}}}]},
            "api_key": {"type": "string"},
            "password": {"secret": true}
        }}})
        .to_string(),
    )
    .unwrap();
}

#[test]
fn secrets_flag_reports_each_plaintext_secret_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    catalog(dir.path());
    // No schema known: by key names. The encrypted `password_sops` is not reported.
    let out = flowspec(dir.path(), dir.path(), &["check", "--secrets"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "file.config.yaml:2:10: warning: plaintext secret at /api_key\nflow.yaml:8:25: warning: plaintext secret at /secret_thing\nflow.yaml:9:11: warning: plaintext secret at /credentials\n"
    );
    // With the schema: exactly what it marks (api_key is not secret by it).
    let out = flowspec(
        dir.path(),
        dir.path(),
        &["check", "--secrets", "--schema", "spec.json"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "flow.yaml:8:25: warning: plaintext secret at /secret_thing\nflow.yaml:10:23: warning: plaintext secret at /credentials/password\n"
    );
    let out = flowspec(
        dir.path(),
        dir.path(),
        &[
            "check",
            "--secrets",
            "--format",
            "json",
            "--schema",
            "acme/pg=spec.json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["problems"][0]["code"], "plaintext-secret");
    // Nothing in clear: exit 0.
    std::fs::write(dir.path().join("flow.yaml"), FLOW.replace("          secret_thing: s3cret\n          credentials:\n            password: hunter2\n", "")).unwrap();
    std::fs::write(
        dir.path().join("file.config.yaml"),
        FILE_CONFIG.replace("api_key: k\n", ""),
    )
    .unwrap();
    let out = flowspec(dir.path(), dir.path(), &["check", "--secrets"]);
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), ""));
}

#[test]
fn plain_check_warns_only_where_the_schema_is_known() {
    let dir = tempfile::tempdir().unwrap();
    catalog(dir.path());
    let out = flowspec(dir.path(), dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        !stdout(&out).contains("plaintext secret"),
        "{}",
        stdout(&out)
    );
    let out = flowspec(
        dir.path(),
        dir.path(),
        &["check", "--schema", "acme/pg=spec.json"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "warnings do not fail plain check"
    );
    assert!(
        stdout(&out)
            .contains("flow.yaml:10:23: warning: plaintext secret at /credentials/password"),
        "{}",
        stdout(&out)
    );
    assert!(
        !stdout(&out).contains("file.config.yaml"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn plain_check_uses_the_spec_cache_without_running_anything() {
    let work = tempfile::tempdir().unwrap();
    let home = work.path().join("home");
    let demo = work.path().join("demo");
    let out = flowspec(
        work.path(),
        &home,
        &["demo", "--no-open", demo.to_str().unwrap()],
    );
    assert!(out.status.success());
    let text = std::fs::read_to_string(demo.join("flow.yaml")).unwrap();
    std::fs::write(
        demo.join("flow.yaml"),
        text.replace(
            "database: analytics\n",
            "database: analytics\n          password: pw\n",
        ),
    )
    .unwrap();
    let out = flowspec(&demo, &home, &["check"]);
    assert!(
        !stdout(&out).contains("plaintext"),
        "nothing cached yet: {}",
        stdout(&out)
    );
    let out = flowspec(
        &demo,
        &home,
        &["spec", "--task", "acmeCo/shop/to-warehouse"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = flowspec(&demo, &home, &["check"]);
    assert!(
        stdout(&out).contains("flow.yaml:48:21: warning: plaintext secret at /password"),
        "{}",
        stdout(&out)
    );
}

/// The hook in README.md's "Secrets and sops" section, as written: a commit holding a
/// plaintext secret is refused, and goes through once the config is encrypted.
#[test]
fn the_readme_pre_commit_hook_refuses_plaintext_secrets() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let at = readme
        .find("pre-commit hook. Save this as")
        .expect("the hook in README");
    let block = &readme[at..];
    let start = block.find("```sh\n").unwrap() + 6;
    let hook = &block[start..start + block[start..].find("```").unwrap()];
    assert!(hook.contains("flowspec check --secrets"), "{hook}");
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_flowspec"), bin.join("flowspec")).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let git = |args: &[&str]| {
        Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.com",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(&repo)
            .env("PATH", &path)
            .env("HOME", dir.path())
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .env("XDG_STATE_HOME", dir.path().join("state"))
            .env("XDG_CACHE_HOME", dir.path().join("cache"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap()
    };
    assert!(git(&["init", "-q"]).status.success());
    let hook_path = repo.join(".git/hooks/pre-commit");
    std::fs::write(&hook_path, hook).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&hook_path, std::fs::Permissions::from_mode(0o755)).unwrap();
    catalog(&repo);
    assert!(git(&["add", "-A"]).status.success());
    let out = git(&["commit", "-qm", "plaintext"]);
    assert!(!out.status.success(), "the hook refuses");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("plaintext secret at /credentials"),
        "{out:?}"
    );
    // Encrypted with the real sops, the commit goes through.
    let (_, r) = sops::age_key(dir.path(), "key.txt");
    std::fs::write(repo.join("flow.yaml"), FLOW.replace("        config:\n          host: h\n          secret_thing: s3cret\n          credentials:\n            password: hunter2\n", "        config: pg.config.yaml\n")).unwrap();
    std::fs::write(
        repo.join("pg.config.yaml"),
        "host: h\nsecret_thing: s3cret\ncredentials:\n  password: hunter2\n",
    )
    .unwrap();
    std::fs::write(repo.join("file.config.yaml"), "host: h\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_flowspec"))
        .args([
            "encrypt",
            "pg.config.yaml",
            "--schema",
            "spec.json",
            "--age",
            &r,
            "--field",
            "/credentials",
        ])
        .current_dir(&repo)
        .env("HOME", dir.path())
        .env("FLOWSPEC_SOPS", sops::sops())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(git(&["add", "-A"]).status.success());
    let out = git(&["commit", "-qm", "encrypted"]);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
