//! Encrypting a 50-field config (10 of them secrets) through flowspec — keys found from a
//! `.sops.yaml`, fields marked `_sops`, sops run with the plaintext on stdin, its output
//! checked — against running the same `sops encrypt` command (same arguments, same stdin)
//! directly. Target: flowspec takes at most 1.2x the direct run (median of interleaved runs,
//! so load from elsewhere on the machine hits both alike).
//!
//! Run with `cargo bench --bench sops`; needs the real sops (`$FLOWSPEC_SOPS`, the one
//! `scripts/test` installs in target/tools, or `sops` on PATH) and `age-keygen`. Exits 1 when
//! the target is missed.

#[path = "../tests/support/sops.rs"]
mod sops;
#[path = "support/target.rs"]
mod target;

use std::io::Write;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use flowspec::secrets::Secret;
use flowspec::sops::document::{self, Job, KeySources, Outcome};
use flowspec::sops::encrypt::{self, Request};
use flowspec::sops::{keys, mark, Format, KeyGroup, SopsOptions, SUFFIX};
use serde_json::{json, Map, Value};

const FIELDS: usize = 50;
const SECRETS: usize = 10;
const RUNS: usize = 21;

/// 50 fields: strings, numbers and booleans at the top, a nested section, 10 secrets.
fn config() -> (Value, Vec<String>) {
    let mut top = Map::new();
    let mut nested = Map::new();
    let mut chosen = Vec::new();
    for i in 0..FIELDS {
        let (map, at) = if i % 5 == 4 {
            (&mut nested, "/section")
        } else {
            (&mut top, "")
        };
        let (name, value) = if i < SECRETS {
            chosen.push(format!("{at}/secret_{i}"));
            (
                format!("secret_{i}"),
                json!(format!("s3cr3t-value-{i}-abcdefghijklmnop")),
            )
        } else {
            match i % 3 {
                0 => (format!("host_{i}"), json!(format!("db-{i}.internal:5432"))),
                1 => (format!("port_{i}"), json!(5000 + i)),
                _ => (format!("flag_{i}"), json!(i % 2 == 0)),
            }
        };
        map.insert(name, value);
    }
    top.insert("section".into(), Value::Object(nested));
    (Value::Object(top), chosen)
}

/// Median of `t`.
fn median(mut t: Vec<Duration>) -> Duration {
    t.sort();
    t[t.len() / 2]
}

/// The same sops command flowspec runs, run directly: same arguments, same stdin.
fn direct(binary: &Path, args: &[String], stdin: &[u8]) -> Duration {
    let start = Instant::now();
    let mut child = Command::new(binary)
        .args(args)
        .current_dir("/")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sops runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    let took = start.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    took
}

fn main() -> ExitCode {
    let mut targets = target::Targets::new();
    let dir = tempfile::tempdir().unwrap();
    let (_key, recipient) = sops::age_key(dir.path(), "key.txt");
    sops::sops_yaml(dir.path(), &[&recipient]);
    let target_file = dir.path().join("bench.config.yaml");
    let (config, chosen) = config();
    let opts = SopsOptions {
        binary: Some(sops::sops()),
        env: vec![],
    };
    let job = Job {
        config: Secret::new(config.clone()),
        chosen: chosen.clone(),
        target: target_file.clone(),
        text: None,
        keys: None,
    };
    let sources = KeySources::default();
    let through_flowspec = || {
        let start = Instant::now();
        let out = document::encrypt(&job, &sources, &opts).expect("flowspec encrypts");
        let took = start.elapsed();
        assert!(matches!(out, Outcome::Encrypted { .. }));
        took
    };

    // The direct command: what flowspec passes sops for this job.
    let keys = keys::find(&target_file, &KeyGroup::default())
        .unwrap()
        .expect("the .sops.yaml rule matches");
    let marked = mark::mark(&config, &chosen, SUFFIX).unwrap();
    let plaintext = Secret::new(serde_json::to_string(&marked).unwrap());
    let args = encrypt::args(&Request {
        plaintext: &plaintext,
        input: Format::Json,
        expected: &marked,
        target: &target_file,
        keys: &keys,
    });
    let binary = opts.binary();

    let first = through_flowspec();
    println!(
        "{:<58} {:>9.1} ms  (first call: asks sops --version once per process)",
        "flowspec, first encryption",
        first.as_secs_f64() * 1e3
    );
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for _ in 0..3 {
        direct(&binary, &args, plaintext.expose().as_bytes());
    }
    for _ in 0..RUNS {
        ours.push(through_flowspec());
        theirs.push(direct(&binary, &args, plaintext.expose().as_bytes()));
    }
    let (ours, theirs) = (median(ours), median(theirs));
    println!(
        "{:<58} {:>9.1} ms",
        format!("flowspec encrypt, {FIELDS} fields ({SECRETS} secret), median"),
        ours.as_secs_f64() * 1e3
    );
    println!(
        "{:<58} {:>9.1} ms",
        "sops encrypt directly, same command, median",
        theirs.as_secs_f64() * 1e3
    );
    targets.at_most(
        "flowspec / direct sops",
        ours.as_secs_f64() / theirs.as_secs_f64(),
        1.2,
        "x",
    );
    targets.finish()
}
