//! The spec cache through the real binary: a hit runs nothing; `--no-cache` and a rebuilt
//! connector bypass it.

use std::path::Path;
use std::process::Command;

/// A local connector that counts its runs in `runs` and answers any request with a spec.
fn counting_connector(dir: &Path) -> std::path::PathBuf {
    let script = dir.join("conn.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\ncat >/dev/null\necho run >> {}\necho '{{\"spec\":{{\"protocol\":3032023,\"configSchema\":{{\"type\":\"object\"}},\"resourceConfigSchema\":{{\"type\":\"object\"}}}}}}'\n",
            dir.join("runs").display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

fn spec(cache: &Path, script: &Path, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_flowspec"))
        .env("XDG_CACHE_HOME", cache)
        .args(["spec", "--json"])
        .args(extra)
        .args(["--local", "--"])
        .arg(script)
        .output()
        .unwrap()
}

fn runs(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("runs"))
        .map(|s| s.lines().count())
        .unwrap_or(0)
}

#[test]
fn a_cache_hit_runs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let script = counting_connector(dir.path());
    let first = spec(&cache, &script, &[]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert_eq!(runs(dir.path()), 1);
    let second = spec(&cache, &script, &[]);
    assert!(second.status.success());
    assert_eq!(runs(dir.path()), 1, "the second spec came from the cache");
    assert_eq!(first.stdout, second.stdout, "and says the same");
    spec(&cache, &script, &["--no-cache"]);
    assert_eq!(runs(dir.path()), 2, "--no-cache asks the connector");
    // Rebuilding the connector (a new mtime) misses the cache.
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(10);
    std::fs::File::options()
        .write(true)
        .open(&script)
        .unwrap()
        .set_modified(later)
        .unwrap();
    spec(&cache, &script, &[]);
    assert_eq!(runs(dir.path()), 3);
}
