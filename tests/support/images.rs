//! Test connector images built on this machine, since nothing can be pulled: a root filesystem
//! in a temporary directory holding one small C program (static, or dynamic plus the libraries
//! `ldd` lists and the loader), imported with `docker import` and labelled like real connector
//! images. Each image is built at most once per process, and not at all when the engine already
//! has it built from the same source (a hash label records which).
//!
//! Shared by `tests/docker_runtime.rs` and `benches/docker.rs` through `#[path]`.
#![allow(dead_code)]

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, OnceLock};

/// How the connector program is linked into the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Link {
    Static,
    /// Dynamically linked against glibc: the image also gets what `ldd` lists.
    Dynamic,
}

/// One test image.
pub struct Spec {
    pub name: &'static str,
    pub source: &'static str,
    pub link: Link,
    /// `docker import --change` instructions besides the entrypoint.
    pub changes: &'static [&'static str],
}

pub const SPEC_JSON: Spec = Spec {
    name: "spec-json",
    source: include_str!("connectors/spec_json.c"),
    link: Link::Static,
    changes: &[
        "LABEL FLOW_RUNTIME_PROTOCOL=capture",
        "LABEL FLOW_RUNTIME_CODEC=json",
    ],
};
pub const FAIL: Spec = Spec {
    name: "fail",
    source: include_str!("connectors/fail.c"),
    link: Link::Static,
    changes: &["LABEL FLOW_RUNTIME_CODEC=json"],
};
pub const HANG: Spec = Spec {
    name: "hang",
    source: include_str!("connectors/hang.c"),
    link: Link::Static,
    changes: &["LABEL FLOW_RUNTIME_CODEC=json"],
};
pub const SILENT: Spec = Spec {
    name: "silent",
    source: include_str!("connectors/silent.c"),
    link: Link::Static,
    changes: &["LABEL FLOW_RUNTIME_CODEC=json"],
};
pub const FLOOD: Spec = Spec {
    name: "flood",
    source: include_str!("connectors/flood.c"),
    link: Link::Static,
    changes: &["LABEL FLOW_RUNTIME_CODEC=json"],
};
pub const PULLISH: Spec = Spec {
    name: "pullish",
    source: include_str!("connectors/pullish.c"),
    link: Link::Static,
    changes: &["LABEL FLOW_RUNTIME_CODEC=json"],
};
/// Protobuf codec: only the protocol label, like Estuary's Go connectors.
pub const PROTO: Spec = Spec {
    name: "proto",
    source: include_str!("connectors/proto.c"),
    link: Link::Static,
    changes: &["LABEL FLOW_RUNTIME_PROTOCOL=capture"],
};
/// Discover and Validate answered with hand-encoded protobuf (`tests/proto_wire.rs`); a capture.
pub const PROTO_OPS: Spec = Spec {
    name: "proto-ops",
    source: include_str!("connectors/proto_ops.c"),
    link: Link::Static,
    changes: &["LABEL FLOW_RUNTIME_PROTOCOL=capture"],
};
/// The same program as a materialization (it reads its task from the environment).
pub const PROTO_OPS_MATERIALIZE: Spec = Spec {
    name: "proto-ops-materialize",
    source: include_str!("connectors/proto_ops.c"),
    link: Link::Static,
    changes: &[
        "LABEL FLOW_RUNTIME_PROTOCOL=materialize",
        "ENV FLOWSPEC_TEST_TASK=materialize",
    ],
};
/// A raw Airbyte connector (no Flow labels), dynamically linked.
pub const AIRBYTE: Spec = Spec {
    name: "airbyte",
    source: include_str!("connectors/airbyte.c"),
    link: Link::Dynamic,
    changes: &[
        "LABEL io.airbyte.name=flowspec-test/airbyte",
        "LABEL io.airbyte.version=0.1.0",
        "ENV AIRBYTE_ENTRYPOINT=/connector",
    ],
};
pub const OOM: Spec = Spec {
    name: "oom",
    source: include_str!("connectors/oom.c"),
    link: Link::Static,
    changes: &["LABEL FLOW_RUNTIME_CODEC=json"],
};

/// The label recording which source and recipe an image was built from.
const HASH_LABEL: &str = "dev.flowspec.test-hash";

fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

fn docker_answers() -> bool {
    Command::new("timeout")
        .args(["10", "docker", "info"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Makes sure an engine answers, starting one with `scripts/docker-up` if needed. Panics with
/// what to do when that fails: these tests need a real engine.
pub fn ensure_engine() {
    static READY: OnceLock<Result<(), String>> = OnceLock::new();
    let ready = READY.get_or_init(|| {
        if docker_answers() {
            return Ok(());
        }
        let out = run(Command::new("bash").arg(repo_root().join("scripts/docker-up")));
        if out.status.success() && docker_answers() {
            Ok(())
        } else {
            Err(format!(
                "no Docker engine answers and scripts/docker-up failed ({}):\n{}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    });
    if let Err(e) = ready {
        panic!("these tests need a running Docker engine: {e}");
    }
}

/// `flowspec-test/NAME:v1`, built if the engine lacks it or has an older build.
pub fn image(spec: &Spec) -> String {
    static BUILT: OnceLock<Mutex<HashMap<&'static str, String>>> = OnceLock::new();
    let mut built = BUILT
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if let Some(tag) = built.get(spec.name) {
        return tag.clone();
    }
    ensure_engine();
    let tag = format!("flowspec-test/{}:v1", spec.name);
    let hash = recipe_hash(spec);
    let existing = run(Command::new("docker").args([
        "image",
        "inspect",
        "--format",
        &format!("{{{{index .Config.Labels \"{HASH_LABEL}\"}}}}"),
        &tag,
    ]));
    if !(existing.status.success() && String::from_utf8_lossy(&existing.stdout).trim() == hash) {
        build(spec, &tag, &hash);
    }
    built.insert(spec.name, tag.clone());
    tag
}

fn recipe_hash(spec: &Spec) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (spec.source, spec.link, spec.changes).hash(&mut h);
    format!("{:016x}", h.finish())
}

fn build(spec: &Spec, tag: &str, hash: &str) {
    let work = tempfile::tempdir().expect("temp dir");
    let tar = rootfs_tar(spec, work.path());

    let mut import = Command::new("docker");
    import.arg("import");
    import.args(["--change", r#"ENTRYPOINT ["/connector"]"#]);
    import.args(["--change", &format!("LABEL {HASH_LABEL}={hash}")]);
    for change in spec.changes {
        import.args(["--change", change]);
    }
    let out = run(import.arg(&tar).arg(tag));
    assert!(
        out.status.success(),
        "docker import {tag}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Compiles the connector into `WORK/NAME` (also used to run it as a local command).
pub fn compile(spec: &Spec, work: &Path) -> PathBuf {
    let src = work.join(format!("{}.c", spec.name));
    std::fs::write(&src, spec.source).unwrap();
    let bin = work.join(spec.name);
    let mut gcc = Command::new("gcc");
    if spec.link == Link::Static {
        gcc.arg("-static");
    }
    let out = run(gcc.args(["-O2", "-o"]).arg(&bin).arg(&src));
    assert!(
        out.status.success(),
        "gcc failed for {}: {}",
        spec.name,
        String::from_utf8_lossy(&out.stderr)
    );
    bin
}

/// Compiles the connector and packs its root filesystem (the program at `/connector`, an empty
/// `/tmp`, and for dynamic programs the libraries and loader) into `WORK/rootfs.tar`.
pub fn rootfs_tar(spec: &Spec, work: &Path) -> PathBuf {
    let bin = compile(spec, work);

    let rootfs = work.join("rootfs");
    std::fs::create_dir_all(rootfs.join("tmp")).unwrap();
    std::fs::copy(&bin, rootfs.join("connector")).unwrap();
    if spec.link == Link::Dynamic {
        for lib in shared_libraries(&bin) {
            let dest = rootfs.join(lib.strip_prefix("/").unwrap());
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            // Follows symlinks: the image gets the library itself under the name ld looks up.
            std::fs::copy(&lib, &dest).unwrap_or_else(|e| panic!("copying {}: {e}", lib.display()));
        }
    }

    let tar = work.join("rootfs.tar");
    let out = run(Command::new("tar")
        .arg("-C")
        .arg(&rootfs)
        .arg("-cf")
        .arg(&tar)
        .arg("."));
    assert!(
        out.status.success(),
        "tar: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    tar
}

/// The absolute paths `ldd` prints: `libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)` and
/// the loader `/lib64/ld-linux-x86-64.so.2 (0x…)`; the vDSO has no file and is skipped.
fn shared_libraries(bin: &Path) -> Vec<PathBuf> {
    let out = run(Command::new("ldd").arg(bin));
    assert!(
        out.status.success(),
        "ldd: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let path = match line.split_once("=>") {
                Some((_, rhs)) => rhs.split_whitespace().next()?,
                None => line.split_whitespace().next()?,
            };
            path.starts_with('/').then(|| PathBuf::from(path))
        })
        .collect()
}
