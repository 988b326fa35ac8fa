//! sops end to end: the real binary in tmux, the real sops and age. A canary secret typed
//! (pasted) into the demo materialization's form is encrypted on Ctrl-S with the key of a
//! `.sops.yaml`, the inline config moving to `to-warehouse.config.yaml`; `sops --decrypt`
//! gives back exactly what was typed, every encrypted key carries the suffix, and the canary
//! is nowhere else: not in the log folder, the tmux scrollback, `/tmp`, the cache folder or
//! the `ps` output sampled during the run. Then `e` decrypts the file for the form, a
//! non-secret and the secret are changed, and the save re-encrypts both.

#[path = "support/sops.rs"]
mod sops;
#[path = "support/tmux.rs"]
mod tmux;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde_json::{json, Value};
use tmux::*;

const CANARY: &str = "zq-canary-9d41-typed";
const SECOND: &str = "zq-canary-5c07-changed";

/// Pastes `text` into the pane through a tmux buffer loaded from stdin, so the secret is in
/// no command line (`send-keys -l TEXT` would put it into `ps`).
fn paste_secret(t: &Tmux, text: &str) {
    let mut child = Command::new("tmux")
        .args(["-L", &t.socket, "load-buffer", "-"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    let status = Command::new("tmux")
        .args(["-L", &t.socket, "paste-buffer", "-p", "-d"])
        .status()
        .unwrap();
    assert!(status.success());
}

/// The whole tmux history of the pane, not only what is on screen.
fn scrollback(t: &Tmux) -> String {
    let out = Command::new("tmux")
        .args(["-L", &t.socket, "capture-pane", "-p", "-S", "-", "-E", "-"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Samples `ps` (every process's arguments and environment) until stopped.
struct PsSampler {
    stop: Arc<AtomicBool>,
    handle: std::thread::JoinHandle<Vec<String>>,
}

impl PsSampler {
    fn start() -> PsSampler {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            let mut samples = Vec::new();
            while !flag.load(Ordering::SeqCst) {
                if let Ok(out) = Command::new("ps")
                    .args(["axeww", "-o", "pid,args"])
                    .output()
                {
                    samples.push(String::from_utf8_lossy(&out.stdout).into_owned());
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            samples
        });
        PsSampler { stop, handle }
    }

    fn finish(self) -> Vec<String> {
        self.stop.store(true, Ordering::SeqCst);
        self.handle.join().unwrap()
    }
}

/// Every key of `doc` whose value is sops ciphertext, with its path.
fn encrypted_keys(doc: &Value, at: &str, out: &mut Vec<String>) {
    match doc {
        Value::Object(m) => {
            for (k, v) in m {
                if k == "sops" && at.is_empty() {
                    continue;
                }
                if v.as_str().is_some_and(|s| s.starts_with("ENC[")) {
                    out.push(format!("{at}/{k}"));
                }
                encrypted_keys(v, &format!("{at}/{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                encrypted_keys(v, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Asserts no file below `dir` holds either canary.
fn clean(what: &str, dir: &Path) {
    for c in [CANARY, SECOND] {
        let found = sops::files_containing(dir, c);
        assert!(found.is_empty(), "{what} holds a secret: {found:?}");
    }
}

#[test]
fn a_typed_secret_is_encrypted_from_the_form_and_edited_again_and_leaks_nowhere() {
    let work = tempfile::tempdir().unwrap();
    let catalog = demo(&work.path().join("demo"));
    let root = catalog.parent().unwrap().to_path_buf();
    let keys = work.path().join("keys");
    std::fs::create_dir(&keys).unwrap();
    let (key, recipient) = sops::age_key(&keys, "key.txt");
    sops::sops_yaml(&root, &[&recipient]);
    let report = work.path().join("report");
    let cache = work.path().join("cache");
    let cmd = run_args_and_report(
        &format!("--trust {}", catalog.display()),
        &report,
        &unique("sops"),
        &format!(
            "FLOWSPEC_SOPS={} SOPS_AGE_KEY_FILE={} XDG_CACHE_HOME={} XDG_CONFIG_HOME={}",
            sops::sops().display(),
            key.display(),
            cache.display(),
            work.path().join("config").display(),
        ),
    );
    let ps = PsSampler::start();
    let t = Tmux::start(100, 30, &cmd, &[]);
    t.wait_for("✓ valid");
    t.keys(&["/"]);
    t.literal("to-warehouse");
    t.keys(&["Enter", "Enter"]);
    t.wait_for("Bindings (2");
    t.keys(&["e"]);
    t.wait_for("Endpoint config of acmeCo/shop/to-warehouse");
    // Address, Database, User, then Password: encrypted on save.
    t.keys(&["Down", "Down", "Down"]);
    t.wait_for("encrypted with sops on save");
    t.wait_until("the Password row marked [sops]", || {
        t.screen()
            .lines()
            .any(|l| l.contains("Password") && l.contains("[sops]"))
    });
    paste_secret(&t, CANARY);
    t.keys(&["Enter"]);
    t.wait_for("••••");
    t.keys(&["C-s"]);
    t.wait_for("Save 2 files?");
    // flow.yaml now references the new file (its diff, shortened ciphertext and all, is
    // checked in tests/tui_sops.rs).
    t.wait_for("config: to-warehouse.config.yaml");
    t.keys(&["y"]);
    t.wait_for("Saved");

    let file = root.join("to-warehouse.config.yaml");
    let written = std::fs::read_to_string(&file).unwrap();
    let doc: Value = serde_yaml::from_str(&written).unwrap();
    let mut enc = Vec::new();
    encrypted_keys(&doc, "", &mut enc);
    assert_eq!(enc, ["/password_sops"], "{written}");
    assert!(enc.iter().all(|k| k.ends_with("_sops")));
    assert_eq!(
        sops::decrypted(&file, &key),
        json!({"address": "warehouse.example.internal:5432", "database": "analytics",
               "password_sops": CANARY})
    );
    let flow = std::fs::read_to_string(&catalog).unwrap();
    assert!(flow.contains("config: to-warehouse.config.yaml"), "{flow}");

    // Edit it again: `e` decrypts in memory; the database and the password change.
    t.keys(&["e"]);
    t.wait_for("Endpoint config of acmeCo/shop/to-warehouse");
    t.wait_until("the Password row masked and marked [sops]", || {
        t.screen()
            .lines()
            .any(|l| l.contains("Password") && l.contains("••••") && l.contains("[sops]"))
    });
    t.keys(&["Down"]);
    t.literal("2");
    t.keys(&["Enter"]);
    t.wait_for("analytics2");
    t.keys(&["Down", "Down", "Delete"]);
    paste_secret(&t, SECOND);
    t.keys(&["Enter", "C-s"]);
    t.wait_for("Save 1 file?");
    t.wait_for("re-encrypted");
    t.wait_for("(changed)");
    t.keys(&["y"]);
    t.wait_for("Saved to-warehouse.config.yaml");
    let history = scrollback(&t);
    t.keys(&["q"]);
    assert_sane_terminal(&t.wait_file(&report));
    let samples = ps.finish();

    assert_eq!(
        sops::decrypted(&file, &key),
        json!({"address": "warehouse.example.internal:5432", "database": "analytics2",
               "password_sops": SECOND})
    );
    // The canaries are nowhere but inside the ciphertext.
    assert!(samples.len() > 5, "ps was sampled during the run");
    for c in [CANARY, SECOND] {
        assert!(!history.contains(c), "tmux scrollback:\n{history}");
        assert!(!scrollback(&t).contains(c));
        assert!(samples.iter().all(|s| !s.contains(c)), "ps output");
    }
    clean("the log folder", &t.dir.path().join("state"));
    clean("the cache folder", &cache);
    clean("the work folder", work.path());
    clean("/tmp", Path::new("/tmp"));
    if let Some(tmp) = std::env::var_os("TMPDIR") {
        clean("$TMPDIR", Path::new(&tmp));
    }
    let log = std::fs::read_to_string(t.dir.path().join("state/flowspec/flowspec.log"))
        .expect("the log was written");
    assert!(log.contains("sops encrypt"), "{log}");
}
