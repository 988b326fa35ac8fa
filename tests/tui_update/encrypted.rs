//! A sops-encrypted config: `e` decrypts it (in the background) before the form opens; a
//! failed decryption says why and opens nothing; `--read-only` shows it without decrypting,
//! its fields in the shape its connector gets once decrypted. (Decrypting and re-encrypting
//! with the real sops: tests/tui_sops.rs.)

use super::*;
use flowspec::tui::jobs::{JobEvent, JobOutput};
use flowspec::tui::screens::form::ReadOnly;
use serde_json::json;

const ENCRYPTED: &str = "address: db:5432\npassword_sops: ENC[AES256_GCM,data:abc,iv:x,tag:y,type:str]\nsops:\n  mac: ENC[AES256_GCM,data:m,iv:x,tag:y,type:str]\n  encrypted_suffix: _sops\n  version: 3.8.1\n";

/// A catalog whose capture's config is the encrypted file; `e` pressed and the spec given.
fn press_e(read_only: bool) -> (tempfile::TempDir, flowspec::tui::app::App, Vec<Effect>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("flow.yaml"),
        "captures:\n  acme/src:\n    endpoint:\n      local:\n        command: [true]\n        config: enc.config.yaml\n    bindings: []\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("enc.config.yaml"), ENCRYPTED).unwrap();
    let mut a = loaded_app_with(&dir.path().join("flow.yaml"), read_only, Theme::color())
        .with_trust(Default::default(), true);
    press(&mut a, &["enter"]);
    let effects = press(&mut a, &["e"]);
    let [Effect::Connector(id, _)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let effects = a.update(Msg::Job(
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
    (dir, a, effects)
}

#[test]
fn e_decrypts_first_and_a_failure_says_why_and_opens_no_form() {
    let (_dir, mut a, effects) = press_e(false);
    let [Effect::Decrypt(req)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert!(a.form().is_none(), "no form before the plaintext is there");
    assert_eq!(
        req.document,
        serde_yaml::from_str::<serde_json::Value>(ENCRYPTED).unwrap()
    );
    let req = req.clone();
    a.update(Msg::Decrypted(
        req,
        Err("MAC mismatch: the file was changed after it was encrypted".into()),
    ));
    assert!(a.form().is_none());
    let status = a.shared.status.clone().unwrap();
    assert_eq!(status.tone, Tone::Error);
    assert!(
        status
            .text
            .contains("Cannot edit the encrypted config: MAC mismatch"),
        "{}",
        status.text
    );
    assert!(!a.is_dirty());
}

#[test]
fn read_only_shows_password_sops_as_password_encrypted_without_decrypting() {
    let (_dir, mut a, effects) = press_e(true);
    assert!(effects.is_empty(), "{effects:?}");
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
