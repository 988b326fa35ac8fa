//! Issue 11 end to end, exactly as a new user would go: in an empty folder, `flowspec new
//! capture` in tmux, the demo capture connector as a local command, a name, its form filled
//! (its password encrypted with the real sops for a fresh age key), discover, every binding
//! kept, the review, `y`; then `flowspec check` is clean, Flow's catalog JSON Schema accepts
//! every file, and `flowspec new materialization` with the demo materialize connector picks
//! those collections and writes a materialization whose bindings read them. The same capture
//! flow with a Docker image speaking Flow's protobuf, and with a real Airbyte source from PyPI
//! run as a local command.

#[path = "support/tmux.rs"]
mod tmux;

#[path = "support/catalog_schema.rs"]
mod catalog_schema;

#[path = "support/sops.rs"]
mod sops;

#[path = "support/images.rs"]
mod images;

#[path = "support/airbyte_venv.rs"]
mod airbyte_venv;

use std::path::{Path, PathBuf};
use std::process::Command;

use tmux::*;

/// The password typed into the form: it must reach no file in clear.
const CANARY: &str = "hunter2-canary";

/// What the wizard runs in: sops, the fresh key to decrypt with, and flowspec's own cache,
/// state and settings inside the test's folder.
fn env(work: &Path, key: &Path) -> Vec<(String, String)> {
    vec![
        ("FLOWSPEC_SOPS".into(), sops::sops().display().to_string()),
        ("SOPS_AGE_KEY_FILE".into(), key.display().to_string()),
        (
            "XDG_CACHE_HOME".into(),
            work.join("cache").display().to_string(),
        ),
        (
            "XDG_CONFIG_HOME".into(),
            work.join("config").display().to_string(),
        ),
    ]
}

fn start(work: &Path, dir: &Path, args: &str, key: &Path, marker: &str) -> (Tmux, PathBuf) {
    let report = work.join(format!("report-{marker}"));
    let cmd = run_args_and_report(
        args,
        &report,
        &unique(marker),
        &format!("cd {} &&", dir.display()),
    );
    let env = env(work, key);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    (Tmux::start(100, 30, &cmd, &env), report)
}

/// Types into the focused form field: Enter starts editing, the text, Enter keeps it.
fn fill(t: &Tmux, text: &str) {
    t.keys(&["Enter"]);
    t.wait_for("Enter keep");
    t.literal(text);
    t.keys(&["Enter"]);
    t.wait_gone("Enter keep");
}

/// `flowspec check` in `dir`: clean (no error, no warning).
fn assert_check_clean(dir: &Path) {
    let out = Command::new(bin())
        .arg("check")
        .current_dir(dir)
        .env("XDG_CACHE_HOME", dir.join("../cache"))
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{all}");
    assert!(all.contains("0 errors, 0 warnings"), "{all}");
}

/// Step 1 with a local command: the origin choice to "local command", the command typed,
/// Enter fetches the spec and the name step follows.
fn local_connector(t: &Tmux, connector: &str, steps: usize) {
    t.wait_for(&format!("step 1 of {steps}: Connector"));
    t.keys(&["Up"]);
    t.wait_for("▸ Connector");
    t.keys(&["Right"]);
    t.wait_for("local command");
    t.keys(&["Down"]);
    t.wait_for("▸ Command");
    t.literal(&format!("{} connector {connector}", bin()));
    t.keys(&["Enter"]);
    t.wait_for(&format!("step 2 of {steps}: Name"));
}

fn new_capture(work: &Path, dir: &Path, key: &Path) {
    let (t, report) = start(work, dir, "new capture", key, "wizard-capture");
    local_connector(&t, "demo-capture", 5);
    // The catalog is empty: no prefix to default to. Typed, then the name.
    t.literal("acmeCo/");
    t.keys(&["Down"]);
    t.literal("shop");
    t.wait_for("acmeCo/shop/demo-capture");
    t.wait_for("✓ a valid name, not used in this catalog");
    t.keys(&["Enter"]);
    t.wait_for("Step 3 of 5 · Endpoint config of acmeCo/shop/demo-capture");
    fill(&t, "db.internal:5432");
    for _ in 0..4 {
        t.keys(&["Down"]);
    }
    t.wait_for("reveal");
    fill(&t, CANARY);
    t.keys(&["C-s"]);
    let screen = t.wait_for("Discovered bindings · acmeCo/shop/demo-capture");
    assert!(!screen.contains(CANARY), "{screen}");
    t.wait_for("3 new (3 to add)");
    t.keys(&["C-s"]);
    t.wait_for("step 5 of 5: Review");
    t.wait_for("3 of 3 discovered");
    t.wait_for("encrypted with sops: /auth/password");
    t.keys(&["Enter"]);
    let diff = t.wait_for("Create: write 4 files?");
    assert!(!diff.contains(CANARY), "{diff}");
    assert!(
        !dir.join("flow.yaml").exists(),
        "nothing is written before y"
    );
    t.keys(&["y"]);
    t.wait_for("Saved flow.yaml");
    // The new capture is selected.
    t.wait_for_all(&["Defined in  acmeCo/shop/flow.yaml", "Capture"]);
    t.keys(&["q"]);
    let r = t.wait_file(&report);
    assert_eq!(exit_status(&r), 0, "{r}");
    assert_terminal_restored(&t, &report);
}

fn new_materialization(work: &Path, dir: &Path, key: &Path) {
    let (t, report) = start(work, dir, "new materialization", key, "wizard-mat");
    local_connector(&t, "demo-materialize", 6);
    // The prefix defaults to the catalog's tenant.
    t.wait_for("Prefix       acmeCo/");
    t.keys(&["Down"]);
    t.literal("warehouse");
    t.wait_for("acmeCo/warehouse/demo-materialize");
    t.keys(&["Enter"]);
    t.wait_for("Endpoint config of acmeCo/warehouse/demo-materialize");
    fill(&t, "wh.internal:5432");
    t.keys(&["Down"]);
    fill(&t, "analytics");
    t.keys(&["C-s"]);
    t.wait_for("Pick source collections · acmeCo/warehouse/demo-materialize");
    t.keys(&["a"]);
    t.wait_for("3 picked of 3");
    t.keys(&["Enter"]);
    // The demo names schemas (x-schema-name): the naming is asked once.
    t.wait_for("match the source structure");
    t.keys(&["Enter"]);
    t.wait_for("step 5 of 6: Fields");
    t.keys(&["Enter"]);
    t.wait_for("step 6 of 6: Review");
    t.wait_for("3 collection(s)");
    t.keys(&["Enter"]);
    t.wait_for("Create: write");
    t.keys(&["y"]);
    t.wait_for("Saved");
    t.wait_for("Defined in  acmeCo/warehouse/flow.yaml");
    t.keys(&["q"]);
    let r = t.wait_file(&report);
    assert_eq!(exit_status(&r), 0, "{r}");
}

#[test]
fn a_new_user_creates_a_capture_then_a_materialization_of_its_collections() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("pipeline");
    std::fs::create_dir(&dir).unwrap();
    let (key, recipient) = sops::age_key(work.path(), "age.key");
    sops::sops_yaml(&dir, &[&recipient]);

    new_capture(work.path(), &dir, &key);
    let root = std::fs::read_to_string(dir.join("flow.yaml")).unwrap();
    assert_eq!(root, "import:\n  - acmeCo/flow.yaml\n");
    let spec = std::fs::read_to_string(dir.join("acmeCo/shop/flow.yaml")).unwrap();
    for want in [
        "acmeCo/shop/demo-capture:",
        "addNewBindings: true",
        "evolveIncompatibleCollections: true",
        "config: demo-capture.config.yaml",
        "target: acmeCo/shop/orders",
        "target: acmeCo/shop/customers",
        "target: acmeCo/shop/refunds",
    ] {
        assert!(spec.contains(want), "{want} in\n{spec}");
    }
    let config = sops::decrypted(&dir.join("acmeCo/shop/demo-capture.config.yaml"), &key);
    assert_eq!(config["auth"]["password_sops"], CANARY);
    assert_eq!(config["address"], "db.internal:5432");
    assert!(
        sops::files_containing(work.path(), CANARY).is_empty(),
        "the password reached a file in clear"
    );
    assert_check_clean(&dir);
    catalog_schema::assert_accepts_every_flow_yaml(&dir);

    new_materialization(work.path(), &dir, &key);
    let m = std::fs::read_to_string(dir.join("acmeCo/warehouse/flow.yaml")).unwrap();
    for source in ["customers", "orders", "refunds"] {
        assert!(
            m.contains(&format!("source: acmeCo/shop/{source}")),
            "{source} in\n{m}"
        );
    }
    assert!(m.contains("strategy: matchSourceStructure"), "{m}");
    let acme = std::fs::read_to_string(dir.join("acmeCo/flow.yaml")).unwrap();
    assert!(acme.contains("warehouse/flow.yaml"), "{acme}");
    assert_check_clean(&dir);
    catalog_schema::assert_accepts_every_flow_yaml(&dir);
}

/// Name step with the catalog empty: the prefix typed, then the name; Enter opens the form.
fn name(t: &Tmux, prefix: &str, name: &str, full: &str, steps: usize) {
    t.literal(prefix);
    t.keys(&["Down"]);
    t.literal(name);
    t.wait_for(full);
    t.keys(&["Enter"]);
    t.wait_for(&format!("Step 3 of {steps} · Endpoint config of {full}"));
}

/// From the Discovered screen: keep the choices, review, write; the new capture is shown.
fn keep_review_write(t: &Tmux, full: &str, report: &Path) {
    t.keys(&["C-s"]);
    t.wait_for("step 5 of 5: Review");
    t.keys(&["Enter"]);
    t.wait_for("Create: write");
    t.keys(&["y"]);
    t.wait_for("Saved flow.yaml");
    t.wait_for("Capture ─");
    t.wait_for_all(&[full, "Defined in"]);
    t.keys(&["q"]);
    let r = t.wait_file(report);
    assert_eq!(exit_status(&r), 0, "{r}");
}

/// The capture flow with a Docker image speaking Flow's protobuf (`proto_ops.c`): the image
/// typed, its spec fetched through the engine, the form's one field, discover in a container
/// (no network), `réfunds ✓` left out by the connector's hint, the rest written.
#[test]
fn a_capture_from_a_docker_image() {
    images::ensure_engine();
    let image = images::image(&images::PROTO_OPS);
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("pipeline");
    std::fs::create_dir(&dir).unwrap();
    let (key, _) = sops::age_key(work.path(), "age.key");
    let (t, report) = start(work.path(), &dir, "new capture", &key, "wizard-docker");
    t.wait_for("step 1 of 5: Connector");
    t.literal(&image);
    t.keys(&["Enter"]);
    t.wait_for("step 2 of 5: Name");
    name(&t, "acme/", "wire", "acme/wire/proto-ops", 5);
    fill(&t, "db.internal");
    t.keys(&["C-s"]);
    t.wait_for("Discovered bindings · acme/wire/proto-ops");
    t.wait_for("2 new (1 to add)");
    keep_review_write(&t, "acme/wire/proto-ops", &report);
    let spec = std::fs::read_to_string(dir.join("acme/wire/flow.yaml")).unwrap();
    assert!(spec.contains(&format!("image: {image}")), "{spec}");
    assert!(spec.contains("target: acme/wire/orders"), "{spec}");
    let config = std::fs::read_to_string(dir.join("acme/wire/proto-ops.config.yaml")).unwrap();
    assert_eq!(config, "host: db.internal\n");
    assert_check_clean(&dir);
    catalog_schema::assert_accepts_every_flow_yaml(&dir);
}

/// The capture flow with a real Airbyte source from PyPI (airbyte-source-faker) as a local
/// command, the protocol chosen as Airbyte: its streams discovered, all kept, and the command
/// recorded as Airbyte in flowspec's settings (a catalog cannot say it).
#[test]
fn a_capture_from_an_airbyte_source_run_as_a_local_command() {
    let faker = airbyte_venv::faker();
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("pipeline");
    std::fs::create_dir(&dir).unwrap();
    let (key, _) = sops::age_key(work.path(), "age.key");
    let (t, report) = start(work.path(), &dir, "new capture", &key, "wizard-airbyte");
    t.wait_for("step 1 of 5: Connector");
    t.keys(&["Up"]);
    t.wait_for("▸ Connector");
    t.keys(&["Right"]);
    t.wait_for("local command");
    t.keys(&["Down"]);
    t.literal(&faker.display().to_string());
    t.keys(&["Down"]);
    t.wait_for("▸ Protocol");
    t.keys(&["Right"]);
    t.wait_for("Flow protobuf");
    t.keys(&["Right"]);
    t.wait_for("Airbyte");
    t.keys(&["Enter"]);
    t.wait_for("step 2 of 5: Name");
    name(&t, "acmeCo/", "fake", "acmeCo/fake/source-faker", 5);
    t.keys(&["C-s"]);
    t.wait_for_all(&[
        "Discovered bindings · acmeCo/fake/source-faker",
        "acmeCo/fake/users",
    ]);
    keep_review_write(&t, "acmeCo/fake/source-faker", &report);
    let spec = std::fs::read_to_string(dir.join("acmeCo/fake/flow.yaml")).unwrap();
    for stream in ["users", "products", "purchases"] {
        assert!(
            spec.contains(&format!("target: acmeCo/fake/{stream}")),
            "{spec}"
        );
    }
    let settings =
        std::fs::read_to_string(work.path().join("config/flowspec/settings.yaml")).unwrap();
    assert!(
        settings.contains(&faker.display().to_string()),
        "{settings}"
    );
    assert_check_clean(&dir);
    catalog_schema::assert_accepts_every_flow_yaml(&dir);
}
