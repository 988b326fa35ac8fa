//! `Debug` never prints a secret: the redacting type itself, and every form, app and job
//! structure that holds typed or decrypted secret text, followed through the real flow (a
//! canary typed into the form, saved, then a connector job started on the task).

mod common;

use common::*;
use flowspec::connector::protocol::ConnectorType;
use flowspec::connector::run::{build_invocation, prepare_config};
use flowspec::connector::{Call, Operation, Protocol, RunOptions};
use flowspec::secrets::Secret;
use flowspec::tui::app::{Effect, Msg};
use flowspec::tui::jobs::{JobEvent, JobOutput};
use flowspec::tui::overlay::Overlay;
use flowspec::tui::theme::Theme;
use serde_json::json;

const CANARY: &str = "zq%CANARY-7731";

fn assert_clean(what: &str, debug: String) {
    assert!(
        !debug.contains(CANARY),
        "{what} prints the secret:\n{debug}"
    );
}

#[test]
fn the_redacting_type_prints_a_fixed_mask() {
    let s: Secret = CANARY.into();
    assert_clean("Secret", format!("{s:?} {s} {s:#?}"));
    assert_eq!(format!("{s:?}"), "Secret(••••)");
    let nested = vec![Some(Secret::new(json!({"password": CANARY})))];
    assert_clean("a Secret inside collections", format!("{nested:?}"));
    assert_eq!(
        s.expose(),
        CANARY,
        "the value is still there for its one user"
    );
}

#[test]
fn decrypted_configs_calls_and_invocations_never_debug_the_config() {
    let config = prepare_config(json!({"host": "h", "password": CANARY})).unwrap();
    assert_clean("the prepared config", format!("{config:?}"));
    let call = Call::discover(config);
    assert_clean("a Call", format!("{call:?}"));
    let env = [("API_TOKEN".to_string(), CANARY.to_string())];
    for protocol in [Protocol::FlowJson, Protocol::FlowProto, Protocol::Airbyte] {
        let inv = build_invocation(
            protocol,
            ConnectorType::Image,
            &call,
            &env,
            &RunOptions::for_operation(Operation::Discover),
        )
        .unwrap();
        let carried = String::from_utf8_lossy(&inv.stdin).contains(CANARY)
            || inv
                .files
                .iter()
                .any(|(_, b)| String::from_utf8_lossy(b).contains(CANARY));
        assert!(
            carried,
            "{protocol:?}: the connector still receives the config"
        );
        assert_clean("an Invocation", format!("{inv:?}"));
    }
}

#[test]
fn form_app_and_job_structures_never_debug_a_typed_secret() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("flow.yaml");
    std::fs::write(
        &root,
        "captures:\n  acme/src:\n    endpoint:\n      connector:\n        image: x/y:v1\n        config: {address: a}\n    bindings:\n      - resource: {stream: s}\n        target: acme/c\n",
    )
    .unwrap();
    let mut a = trusted_app(&root, Theme::color());
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
            config_title: "C".into(),
            resource_title: "R".into(),
            cached: false,
            config_schema: json!({"type": "object", "properties": {
                "address": {"type": "string", "order": 0},
                "password": {"type": "string", "secret": true, "order": 1}
            }}),
            resource_schema: json!({"type": "object"}),
        })),
    ));
    press(&mut a, &["down", "enter"]);
    type_text(&mut a, CANARY);
    assert_clean("the form while typing", format!("{:?}", a.form()));
    let paste = Msg::Paste(CANARY.into());
    assert_clean("a paste message", format!("{paste:?}"));
    press(&mut a, &["enter"]);
    assert_clean("the form after typing", format!("{:?}", a.form()));
    // Encrypting: the request for sops holds the plaintext, never in its Debug.
    let effects = press(&mut a, &["ctrl-s"]);
    assert_clean("the encrypt effect", format!("{effects:?}"));
    let [Effect::Encrypt(req)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_clean(
        "the overlays while sops runs",
        format!("{:?}", a.shared.overlays),
    );
    let failed = Msg::Encrypted(req.clone(), Err("sops failed".into()));
    assert_clean("the encrypted message", format!("{failed:?}"));
    a.update(failed);
    press(&mut a, &["down"]); // dismisses the error (the key does nothing else)
                              // Written in plaintext (confirmed): the catalog edit holds the secret.
    let effects = press(&mut a, &["ctrl-l", "ctrl-l", "ctrl-s"]);
    assert_clean("the save effects", format!("{effects:?}"));
    assert!(
        matches!(a.overlay(), Some(Overlay::Diff { .. })),
        "{:?}",
        a.shared.status
    );
    assert_clean("the diff overlay", format!("{:?}", a.shared.overlays));
    assert_clean("the catalog", format!("{:?}", a.shared.catalog));
    assert!(
        a.shared.catalog.as_ref().unwrap().files[0]
            .text()
            .contains(CANARY),
        "the edit itself holds the secret"
    );
    let effects = press(&mut a, &["y"]);
    let [Effect::Save { writes, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_clean("the save effect", format!("{effects:?}"));
    // The save meets a file changed on disk: its text (the secret too) stays out of Debug.
    a.update(Msg::SaveConflict {
        file: writes[0].file,
        display: writes[0].display.clone(),
        disk: format!("# elsewhere\n{}", writes[0].new_text),
    });
    press(&mut a, &["d"]);
    assert!(matches!(
        a.overlay(),
        Some(Overlay::Conflict { diff: Some(_), .. })
    ));
    assert_clean("the conflict overlay", format!("{:?}", a.shared.overlays));
    press(&mut a, &["esc"]);
    // A connector job on the task carries the config with the typed secret.
    let effects = press(&mut a, &["d"]);
    let [Effect::Connector(_, spec)] = effects.as_slice() else {
        panic!("{effects:?} {:?}", a.shared.status)
    };
    assert!(spec.task.config.to_string().contains(CANARY));
    assert_clean("the job spec", format!("{spec:?}"));
    assert_clean("the task", format!("{:?}", spec.task));
    assert_clean("the job effect", format!("{effects:?}"));
}
