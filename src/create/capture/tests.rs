use std::path::Path;

use serde_json::json;

use super::*;
use crate::catalog::check::CheckOptions;
use crate::connector::run::Protocol;
use crate::create::{config_text, new_catalog, Connector};

/// Two discovered shop tables, as the demo capture answers (resource path pointers
/// `/namespace`, `/stream`).
pub(crate) fn discovered() -> Vec<DiscoveredBinding> {
    serde_json::from_value(json!([
        {"recommendedName": "orders", "resourceConfig": {"namespace": "shop", "stream": "orders"},
         "documentSchema": {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]},
         "key": ["/id"]},
        {"recommendedName": "customers", "resourceConfig": {"namespace": "shop", "stream": "customers"},
         "documentSchema": {"type": "object", "properties": {"cid": {"type": "string"}}, "required": ["cid"]},
         "key": ["/cid"]}
    ]))
    .unwrap()
}

pub(crate) fn pointers() -> Vec<String> {
    vec!["/namespace".into(), "/stream".into()]
}

fn new_capture(name: &str) -> NewCapture {
    NewCapture {
        name: name.into(),
        connector: Connector::Local {
            command: vec!["/bin/source-demo".into()],
            protocol: Protocol::FlowJson,
        },
        config_text: Secret::new(config_text(&json!({"address": "db:5432"}))),
        interval: None,
        auto_discover: Some(AutoDiscover::NEW_CAPTURE),
    }
}

/// Saves every dirty file of `catalog` and loads the catalog again from disk.
pub(crate) fn save_and_reload(catalog: &Catalog) -> Catalog {
    let writes = crate::save::plan(catalog);
    let outcome = crate::save::write_planned(&writes, crate::save::Protected::Refuse);
    assert!(outcome.is_complete(), "{}", outcome.summary());
    let cat = crate::catalog::load(&catalog.root, &mut |_| {}).unwrap();
    assert!(cat.load_problems.is_empty(), "{:?}", cat.load_problems);
    cat
}

fn text(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap()
}

#[test]
fn a_new_capture_in_an_empty_folder_is_written_in_flowctl_s_layout() {
    let dir = tempfile::tempdir().unwrap();
    let mut cat = new_catalog(&dir.path().join("flow.yaml"));
    let new = new_capture("acmeCo/shop/source-demo");
    let on_disk = |p: &Path| p.exists();
    let p = crate::create::paths::paths(&cat, Kind::Capture, &new.name, &on_disk);
    let d = discovery(&new, &p.config_ref(), discovered(), pointers(), &cat).unwrap();
    assert_eq!(d.counts().adding, 2);
    let files = write(&mut cat, &new, &d, &on_disk).unwrap();
    assert_eq!(files.created[0], p.config);
    assert_eq!(files.airbyte_command, None);
    let cat = save_and_reload(&cat);
    let findings = crate::catalog::check::check(&cat, CheckOptions::default());
    assert!(findings.is_empty(), "{findings:?}");
    assert_eq!(
        text(dir.path(), "flow.yaml"),
        "import:\n  - acmeCo/flow.yaml\n"
    );
    assert_eq!(
        text(dir.path(), "acmeCo/flow.yaml"),
        "import:\n  - shop/flow.yaml\n"
    );
    let spec = text(dir.path(), "acmeCo/shop/flow.yaml");
    assert!(
        spec.starts_with(
            "captures:\n  acmeCo/shop/source-demo:\n    autoDiscover:\n      addNewBindings: true\n      evolveIncompatibleCollections: true\n    endpoint:\n      local:\n        command:\n          - /bin/source-demo\n        config: source-demo.config.yaml\n    bindings:\n"
        ),
        "{spec}"
    );
    assert!(spec.contains("target: acmeCo/shop/orders"), "{spec}");
    assert!(spec.contains("acmeCo/shop/customers:"), "{spec}");
    assert_eq!(
        text(dir.path(), "acmeCo/shop/source-demo.config.yaml"),
        "address: db:5432\n"
    );
}

#[test]
fn the_user_s_choices_interval_and_a_taken_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("flow.yaml"),
        "collections:\n  acmeCo/taken: {key: [/id], schema: {type: object, properties: {id: {type: integer}}, required: [id]}}\n",
    )
    .unwrap();
    let mut cat = crate::catalog::load(&dir.path().join("flow.yaml"), &mut |_| {}).unwrap();
    let on_disk = |p: &Path| p.exists();
    let mut new = new_capture("acmeCo/source-demo");
    new.interval = Some("10m".into());
    new.auto_discover = None;
    let p = crate::create::paths::paths(&cat, Kind::Capture, &new.name, &on_disk);
    let mut d = discovery(&new, &p.config_ref(), discovered(), pointers(), &cat).unwrap();
    let customers = d.rows.iter().position(|r| r.target == "acmeCo/customers");
    d.toggle(customers.unwrap()).unwrap(); // leave out customers
    write(&mut cat, &new, &d, &on_disk).unwrap();
    let cat = save_and_reload(&cat);
    assert!(crate::catalog::check::check(&cat, CheckOptions::default()).is_empty());
    // The root holds acmeCo/ collections: the new one joins them; no file holds an acmeCo/
    // capture: the capture gets flowctl's file, imported from the root.
    let root = text(dir.path(), "flow.yaml");
    assert!(
        root.contains("  acmeCo/orders:\n") && !root.contains("customers"),
        "{root}"
    );
    assert!(root.contains("import:\n  - acmeCo/flow.yaml\n"), "{root}");
    let spec = text(dir.path(), "acmeCo/flow.yaml");
    assert!(spec.contains("    interval: 10m\n"), "{spec}");
    assert!(!spec.contains("autoDiscover"), "{spec}");
    assert!(dir.path().join("acmeCo/source-demo.config.yaml").exists());

    let mut again = cat.clone();
    let taken = new_capture("acmeCo/taken");
    let d = discovery(&taken, "x.config.yaml", discovered(), pointers(), &cat).unwrap();
    let e = write(&mut again, &taken, &d, &on_disk).unwrap_err();
    assert!(e.contains("already a collection"), "{e}");
    let mut none = discovery(
        &new_capture("acmeCo/other"),
        "c",
        discovered(),
        pointers(),
        &cat,
    )
    .unwrap();
    none.toggle(0).unwrap();
    none.toggle(1).unwrap();
    let e = write(&mut again, &new_capture("acmeCo/other"), &none, &on_disk).unwrap_err();
    assert!(e.contains("no binding is selected"), "{e}");
    let mut slow = new_capture("acmeCo/slow");
    slow.interval = Some("1h 30m".into());
    let d = discovery(&slow, "c", discovered(), pointers(), &cat).unwrap();
    let e = write(&mut again, &slow, &d, &on_disk).unwrap_err();
    assert!(e.contains("write it as `90m`"), "{e}");
    // A discovered binding named like the capture itself.
    let own = new_capture("acmeCo/x/orders");
    let d = discovery(&own, "c", discovered(), pointers(), &cat).unwrap();
    let e = write(&mut again, &own, &d, &on_disk).unwrap_err();
    assert!(e.contains("collides with the capture's name"), "{e}");
    assert!(!again.is_dirty(), "a refused write changes nothing");
}

#[test]
fn an_airbyte_command_is_reported_for_the_settings() {
    let dir = tempfile::tempdir().unwrap();
    let mut cat = new_catalog(&dir.path().join("flow.yaml"));
    let mut new = new_capture("acme/source-faker");
    new.connector = Connector::Local {
        command: vec!["/venv/bin/source-faker".into()],
        protocol: Protocol::Airbyte,
    };
    let d = discovery(
        &new,
        "source-faker.config.yaml",
        discovered(),
        pointers(),
        &cat,
    )
    .unwrap();
    let files = write(&mut cat, &new, &d, &|p: &Path| p.exists()).unwrap();
    assert_eq!(
        files.airbyte_command.as_deref(),
        Some("/venv/bin/source-faker")
    );
}

#[test]
fn a_stray_config_file_chosen_before_the_disk_was_asked_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut cat = new_catalog(&dir.path().join("flow.yaml"));
    let new = new_capture("acmeCo/shop/source-demo");
    // As the wizard does: the config's path picked without asking the disk.
    let p = crate::create::paths::paths(&cat, Kind::Capture, &new.name, &|_| false);
    let d = discovery(&new, &p.config_ref(), discovered(), pointers(), &cat).unwrap();
    std::fs::create_dir_all(dir.path().join("acmeCo/shop")).unwrap();
    std::fs::write(
        dir.path().join("acmeCo/shop/source-demo.config.yaml"),
        "mine: 1\n",
    )
    .unwrap();
    let before = cat.files.len();
    let e = write(&mut cat, &new, &d, &|p: &Path| p.exists()).unwrap_err();
    assert!(
        e.contains("`source-demo.config.yaml` is on disk already"),
        "{e}"
    );
    assert_eq!(cat.files.len(), before, "the catalog is unchanged");
    assert_eq!(
        text(dir.path(), "acmeCo/shop/source-demo.config.yaml"),
        "mine: 1\n"
    );
}
