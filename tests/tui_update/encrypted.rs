//! A sops-encrypted config shows its fields in the shape its connector gets once decrypted.

use super::*;
use flowspec::tui::jobs::{JobEvent, JobOutput};
use flowspec::tui::screens::form::ReadOnly;
use serde_json::json;

#[test]
fn password_sops_fills_password_shown_encrypted_and_the_form_stays_read_only() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("flow.yaml"),
        "captures:\n  acme/src:\n    endpoint:\n      local:\n        command: [true]\n        config: enc.config.yaml\n    bindings: []\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("enc.config.yaml"),
        "address: db:5432\npassword_sops: ENC[AES256_GCM,data:abc,iv:x,tag:y,type:str]\nsops:\n  mac: ENC[AES256_GCM,data:m,iv:x,tag:y,type:str]\n  encrypted_suffix: _sops\n  version: 3.8.1\n",
    )
    .unwrap();
    let mut a = trusted_app(&dir.path().join("flow.yaml"), Theme::color());
    press(&mut a, &["enter"]);
    let effects = press(&mut a, &["e"]);
    let [Effect::Connector(id, _)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    a.update(Msg::Job(
        *id,
        JobEvent::Done(Ok(JobOutput::Spec {
            protocol: "flow-json".into(),
            documentation_url: String::new(),
            config_title: "PG".into(),
            resource_title: "T".into(),
            cached: false,
            config_schema: json!({"type": "object", "required": ["address", "password"],
            "properties": {
                "address": {"type": "string", "title": "Address", "order": 0},
                "password": {"type": "string", "title": "Password", "secret": true, "order": 1}
            }}),
            resource_schema: json!({"type": "object"}),
        })),
    ));
    let form = a.form().expect("the form opened");
    assert_eq!(form.read_only, Some(ReadOnly::Encrypted));
    assert!(form.errors().is_empty(), "{:?}", form.errors());
    assert!(form.is_encrypted("/password"));
    let shown = screen(&mut a, 80, 24);
    let line = shown.lines().find(|l| l.contains("Password*")).unwrap();
    assert!(line.contains("encrypted"), "{shown}");
    assert!(
        !shown.contains("is required") && !shown.contains("ENC["),
        "{shown}"
    );
    assert!(shown.contains("✓ valid"), "{shown}");
    type_text(&mut a, "x");
    press(&mut a, &["ctrl-s"]);
    assert!(!a.form().unwrap().changed() && a.shared.overlays.is_empty());
    assert!(!a.is_dirty());
}
