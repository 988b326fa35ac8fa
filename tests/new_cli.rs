//! Issue 11's headless `flowspec new capture|materialization`, through the real binary with
//! real components: the demo connectors as local commands, the real sops and age (a secret of
//! the demo capture's config encrypted by a `.sops.yaml` rule; no key → refused), a protobuf
//! connector image in the Docker engine (`--network none`) and a real Airbyte source from PyPI.
//! In each case, files on disk are checked after the write: `flowspec check` clean and Flow's
//! catalog JSON Schema accepting every catalog file; without `--yes`, and on every refusal,
//! nothing is written.

#[path = "support/sops.rs"]
mod sops;

#[path = "support/catalog_schema.rs"]
mod catalog_schema;

#[path = "support/images.rs"]
mod images;

#[path = "support/airbyte_venv.rs"]
mod airbyte_venv;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const CAPTURE: &str = "acmeCo/shop/source-demo";
const CANARY: &str = "zq-canary-4e1b-new-cli";

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_flowspec")
}

/// The binary in `dir`, with flowspec's and sops's places inside `dir` (no key of this
/// machine's user is found), stdin closed.
fn flowspec(dir: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env("HOME", dir.join("home"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("FLOWSPEC_SOPS", sops::sops())
        .env_remove("SOPS_AGE_KEY_FILE")
        .env_remove("SOPS_AGE_KEY")
        .env_remove("SOPS_AGE_RECIPIENTS")
        .stdin(Stdio::null())
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

/// Every file below `dir` but flowspec's own state and cache, with its text.
fn snapshot(dir: &Path) -> Vec<(PathBuf, String)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else if let Ok(text) = std::fs::read_to_string(&p) {
                out.push((p.strip_prefix(root).unwrap().to_path_buf(), text));
            }
        }
    }
    let mut out = vec![];
    walk(dir, dir, &mut out);
    out.retain(|(p, _)| !p.starts_with("state") && !p.starts_with("cache"));
    out.sort();
    out
}

/// `flowspec check` is clean and Flow's JSON Schema accepts every catalog file.
fn assert_valid(dir: &Path) {
    let out = flowspec(dir, &["check"]);
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("0 errors, 0 warnings"), "{all}");
    if let Some(checked) = catalog_schema::assert_accepts_every_flow_yaml(dir) {
        assert!(checked > 0);
    }
}

/// An empty folder with an age key and a `.sops.yaml` for it, and the demo capture's config
/// (with the canary as its password) in `cfg.yaml`; returns the key file.
fn empty_folder_with_sops(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir.join("keys")).unwrap();
    let (key, recipient) = sops::age_key(&dir.join("keys"), "age.txt");
    sops::sops_yaml(dir, &[&recipient]);
    std::fs::write(
        dir.join("cfg.yaml"),
        format!("address: db.example:5432\nauth:\n  type: password\n  password: {CANARY}\n"),
    )
    .unwrap();
    key
}

fn new_demo_capture(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "new",
        "capture",
        "--name",
        CAPTURE,
        "--config",
        "cfg.yaml",
        "--all-bindings",
    ];
    args.extend(extra);
    args.extend(["--local", "--", bin(), "connector", "demo-capture"]);
    flowspec(dir, &args)
}

/// The headless path: in an empty folder, the diff first (nothing written), then the
/// capture written with `--yes` (its secret encrypted with the real sops), then a
/// materialization of two of its collections and one linked to the capture; each time
/// `check` is clean and Flow's schema accepts the files.
#[test]
fn a_capture_then_materializations_in_an_empty_folder() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    let key = empty_folder_with_sops(dir);
    let before = snapshot(dir);
    let out = new_demo_capture(dir, &[]);
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("+++ b/acmeCo/shop/flow.yaml"), "{all}");
    assert!(all.contains("+    password_sops: ENC[…]"), "{all}");
    assert!(all.contains("Nothing was written: add --yes"), "{all}");
    assert!(
        !all.contains(CANARY),
        "the secret reached the terminal:\n{all}"
    );
    assert_eq!(snapshot(dir), before, "without --yes nothing is written");

    let out = new_demo_capture(dir, &["--yes"]);
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(!all.contains(CANARY), "{all}");
    assert_capture_written(dir, &key);
    assert_valid(dir);
    materialize_the_capture_s_collections(dir);
}

/// The demo capture's files in flowctl's layout, its secret encrypted for `key` and nowhere
/// in clear but the input.
fn assert_capture_written(dir: &Path, key: &Path) {
    assert_eq!(
        std::fs::read_to_string(dir.join("flow.yaml")).unwrap(),
        "import:\n  - acmeCo/flow.yaml\n"
    );
    let spec = std::fs::read_to_string(dir.join("acmeCo/shop/flow.yaml")).unwrap();
    assert!(
        spec.contains("    autoDiscover:\n      addNewBindings: true\n      evolveIncompatibleCollections: true\n"),
        "{spec}"
    );
    assert!(
        spec.contains("        config: source-demo.config.yaml\n"),
        "{spec}"
    );
    for t in ["orders", "customers", "refunds"] {
        assert!(
            spec.contains(&format!("target: acmeCo/shop/{t}\n")),
            "{spec}"
        );
        assert!(spec.contains(&format!("  acmeCo/shop/{t}:\n")), "{spec}");
    }
    let config = dir.join("acmeCo/shop/source-demo.config.yaml");
    let decrypted = sops::decrypted(&config, key);
    // Flow's convention: the key keeps its `_sops` suffix in the decrypted document.
    assert_eq!(decrypted["auth"]["password_sops"], CANARY);
    assert_eq!(decrypted["address"], "db.example:5432");
    // The canary is nowhere but the plaintext input.
    let holders: Vec<PathBuf> = sops::files_containing(dir, CANARY)
        .into_iter()
        .filter(|p| !p.ends_with("cfg.yaml"))
        .collect();
    assert!(holders.is_empty(), "{holders:?}");
}

/// Two materializations of the capture: one of two picked collections, one linked to it.
fn materialize_the_capture_s_collections(dir: &Path) {
    std::fs::write(
        dir.join("wh.yaml"),
        "address: wh:5432\ndatabase: analytics\n",
    )
    .unwrap();
    let materialize = |name: &str, sources: &[&str]| {
        let mut args = vec![
            "new",
            "materialization",
            "--name",
            name,
            "--config",
            "wh.yaml",
        ];
        args.extend(sources);
        args.extend([
            "--yes",
            "--local",
            "--",
            bin(),
            "connector",
            "demo-materialize",
        ]);
        flowspec(dir, &args)
    };
    let out = materialize(
        "acmeCo/warehouse/materialize-demo",
        &[
            "--source",
            "acmeCo/shop/orders",
            "--source",
            "acmeCo/shop/refunds",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("the connector validated 2 bindings"));
    let m = std::fs::read_to_string(dir.join("acmeCo/warehouse/flow.yaml")).unwrap();
    assert!(
        m.contains("      - resource:\n          table: orders\n          schema: shop\n        source: acmeCo/shop/orders\n"),
        "{m}"
    );
    assert!(
        m.contains("source: acmeCo/shop/refunds\n") && !m.contains("customers"),
        "{m}"
    );
    assert!(dir
        .join("acmeCo/warehouse/materialize-demo.config.yaml")
        .exists());
    assert_valid(dir);

    let out = materialize(
        "acmeCo/linked/materialize-demo",
        &["--link-capture", CAPTURE],
    );
    assert!(out.status.success(), "{}", text(&out));
    let m = std::fs::read_to_string(dir.join("acmeCo/linked/flow.yaml")).unwrap();
    assert!(
        m.contains(&format!("    source:\n      capture: {CAPTURE}\n")),
        "{m}"
    );
    for t in ["orders", "customers", "refunds"] {
        assert!(m.contains(&format!("source: acmeCo/shop/{t}\n")), "{m}");
    }
    assert_valid(dir);
    let imports = std::fs::read_to_string(dir.join("acmeCo/flow.yaml")).unwrap();
    assert_eq!(
        imports,
        "import:\n  - shop/flow.yaml\n  - warehouse/flow.yaml\n  - linked/flow.yaml\n"
    );
}

/// A taken name, a config the connector's schema rejects, a source that is not a collection:
/// each a clear error (exit 2), and nothing written.
#[test]
fn refusals_write_nothing() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    empty_folder_with_sops(dir);
    let out = new_demo_capture(dir, &["--yes"]);
    assert!(out.status.success(), "{}", text(&out));
    std::fs::write(dir.join("bad.yaml"), "address: no-port-here\nstores: 99\n").unwrap();
    let before = snapshot(dir);

    let out = new_demo_capture(dir, &["--yes"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains(&format!("`{CAPTURE}` is already a capture of this catalog")),
        "{}",
        text(&out)
    );

    let out = flowspec(
        dir,
        &[
            "new",
            "capture",
            "--name",
            "acmeCo/other/source-demo",
            "--config",
            "bad.yaml",
            "--yes",
            "--local",
            "--",
            bin(),
            "connector",
            "demo-capture",
        ],
    );
    let all = text(&out);
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(
        all.contains("bad.yaml does not fit the connector's config schema"),
        "{all}"
    );
    assert!(
        all.contains("/address:") && all.contains("/stores:"),
        "{all}"
    );
    assert!(all.contains("/auth"), "the missing password: {all}");

    let out = flowspec(
        dir,
        &[
            "new",
            "materialization",
            "--name",
            "acmeCo/wh/m",
            "--source",
            "acmeCo/shop/ordrs",
            "--yes",
            "--local",
            "--",
            bin(),
            "connector",
            "demo-materialize",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("no collection `acmeCo/shop/ordrs`"),
        "{}",
        text(&out)
    );
    assert_eq!(snapshot(dir), before, "nothing was written");
}

/// A secret and no sops key (no `.sops.yaml`, none in flowspec's settings or the usual
/// places): a clear error, and nothing written.
#[test]
fn a_secret_without_a_key_is_refused() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    empty_folder_with_sops(dir);
    std::fs::remove_file(dir.join(".sops.yaml")).unwrap();
    let before = snapshot(dir);
    let out = flowspec(
        dir,
        &[
            "new",
            "capture",
            "--name",
            "acmeCo/nokey/source-demo",
            "--config",
            "cfg.yaml",
            "--yes",
            "--local",
            "--",
            bin(),
            "connector",
            "demo-capture",
        ],
    );
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("no sops key is configured"), "{all}");
    assert!(all.contains("nothing was written"), "{all}");
    assert!(!all.contains(CANARY), "{all}");
    assert_eq!(snapshot(dir), before, "nothing was written");
}

/// The same capture from a connector image speaking Flow's protobuf, in the Docker engine with
/// no network: `--all-bindings` enables the binding the connector suggested leaving out.
#[test]
fn a_capture_from_a_protobuf_image() {
    images::ensure_engine();
    let image = images::image(&images::PROTO_OPS);
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    std::fs::write(dir.join("host.yaml"), "host: db.internal\n").unwrap();
    // Without --all-bindings, as Flow adds them: the hinted binding disabled (diff only).
    let out = flowspec(
        dir,
        &[
            "new",
            "capture",
            "--name",
            "acme/wire/source-proto",
            "--config",
            "host.yaml",
            "--image",
            &image,
            "--network",
            "none",
        ],
    );
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("+        disable: true\n"), "{all}");
    assert!(!dir.join("acme").exists(), "nothing written without --yes");
    // Into a folder that does not exist yet: it gets a new root flow.yaml.
    let out = flowspec(
        dir,
        &[
            "new",
            "capture",
            "project",
            "--name",
            "acme/wire/source-proto",
            "--config",
            "host.yaml",
            "--all-bindings",
            "--yes",
            "--image",
            &image,
            "--network",
            "none",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let project = dir.join("project");
    let spec = std::fs::read_to_string(project.join("acme/wire/flow.yaml")).unwrap();
    assert!(
        spec.contains(&format!(
            "      connector:\n        image: {image}\n        config: source-proto.config.yaml\n"
        )),
        "{spec}"
    );
    assert!(spec.contains("target: acme/wire/orders\n"), "{spec}");
    assert!(spec.contains("stream: refunds"), "{spec}");
    assert!(!spec.contains("disable: true"), "{spec}");
    assert_eq!(
        std::fs::read_to_string(project.join("acme/wire/source-proto.config.yaml")).unwrap(),
        "host: db.internal\n"
    );
    assert_eq!(
        std::fs::read_to_string(project.join("flow.yaml")).unwrap(),
        "import:\n  - acme/flow.yaml\n"
    );
    assert_valid(&project);
}

/// The same capture from a real Airbyte source (airbyte-source-faker from PyPI) as a local
/// command: its streams become bindings, and the command is marked Airbyte in flowspec's
/// settings, which a Flow catalog cannot say.
#[test]
fn a_capture_from_a_real_airbyte_source() {
    let faker = airbyte_venv::faker();
    let faker = faker.to_str().unwrap();
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    std::fs::write(dir.join("faker.yaml"), "count: 10\nseed: 1\n").unwrap();
    let out = flowspec(
        dir,
        &[
            "new",
            "capture",
            "--name",
            "acmeCo/airbyte/source-faker",
            "--config",
            "faker.yaml",
            "--yes",
            "--protocol",
            "airbyte",
            "--local",
            "--",
            faker,
        ],
    );
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("recorded in flowspec's settings"), "{all}");
    let spec = std::fs::read_to_string(dir.join("acmeCo/airbyte/flow.yaml")).unwrap();
    for stream in ["users", "products", "purchases"] {
        assert!(spec.contains(&format!("stream: {stream}")), "{spec}");
        assert!(
            spec.contains(&format!("  acmeCo/airbyte/{stream}:")),
            "{spec}"
        );
    }
    assert!(!spec.contains("protobuf"), "{spec}");
    let settings = std::fs::read_to_string(dir.join("config/flowspec/settings.yaml")).unwrap();
    assert_eq!(settings, format!("airbyte_commands:\n  - {faker}\n"));
    assert_valid(dir);
}
