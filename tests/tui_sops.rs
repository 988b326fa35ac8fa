//! The editor's sops flows with the real `sops` binary and real age keys, driven as the
//! runtime drives them: keys in, each `Encrypt`/`Decrypt`/`WriteSopsRule`/`Save` effect run
//! by the runtime's own functions, its message back into the app. Encrypting a form's secret
//! (keys from `.sops.yaml`, or chosen in the key prompt and written into `.sops.yaml`), an
//! inline config moving to `{name}.config.yaml`; editing an encrypted config (one and two
//! recipients); and the faults, each with its message, the files byte-identical and no
//! plaintext anywhere.

mod common;
#[path = "support/sops.rs"]
mod sops;

use std::path::{Path, PathBuf};

use common::*;
use flowspec::secrets::Secret;
use flowspec::sops::document::{KeySources, Outcome};
use flowspec::sops::keys::Places;
use flowspec::sops::{KeyGroup, KeyOrigin, Keys, SopsOptions};
use flowspec::tui::app::{App, Effect, Msg};
use flowspec::tui::jobs::{JobEvent, JobOutput};
use flowspec::tui::overlay::Overlay;
use flowspec::tui::runtime;
use flowspec::tui::screens::form::locks::Lock;
use flowspec::tui::shared::Tone;
use flowspec::tui::theme::Theme;
use serde_json::{json, Value};

const CANARY: &str = "canary-5b1e-typed-secret";
const NEW_SECRET: &str = "canary-77aa-new-secret";

fn schema() -> Value {
    json!({"type": "object", "required": ["address", "password"], "properties": {
        "address": {"type": "string", "title": "Address", "order": 0},
        "password": {"type": "string", "title": "Password", "secret": true, "order": 1},
        "port": {"type": "integer", "title": "Port", "order": 2}
    }})
}

/// The sops of the tests, with `key` (if any) as the only age identity: no key of the
/// caller's home or environment is found.
fn opts(key: Option<&Path>) -> SopsOptions {
    let nowhere = "/nonexistent-flowspec-test-home".to_string();
    let key_file = key.map_or(format!("{nowhere}/keys.txt"), |k| k.display().to_string());
    SopsOptions {
        binary: Some(sops::sops()),
        env: vec![
            ("SOPS_AGE_KEY_FILE".into(), key_file),
            ("HOME".into(), nowhere.clone()),
            ("XDG_CONFIG_HOME".into(), nowhere),
        ],
    }
}

/// A catalog with one capture whose endpoint config is `config` (inline YAML, or a file name).
fn catalog(dir: &Path, config: &str) -> PathBuf {
    let flow = dir.join("flow.yaml");
    std::fs::write(
        &flow,
        format!(
            "captures:\n  acme/db/source-pg:\n    endpoint:\n      local:\n        command: [\"true\"]\n        config:{config}\n    bindings: []\n"
        ),
    )
    .unwrap();
    flow
}

/// `e` on the capture, the spec answered; returns the effects after the spec.
fn press_e(a: &mut App) -> Vec<Effect> {
    press(a, &["enter"]);
    let effects = press(a, &["e"]);
    let [Effect::Connector(id, _)] = effects.as_slice() else {
        panic!("the form needs the spec first: {effects:?}")
    };
    a.update(Msg::Job(
        *id,
        JobEvent::Done(Ok(JobOutput::Spec {
            protocol: "flow-json".into(),
            documentation_url: String::new(),
            config_title: "PG".into(),
            resource_title: "T".into(),
            cached: false,
            config_schema: schema(),
            resource_schema: json!({"type": "object"}),
        })),
    ))
}

/// Moves the form's focus to the field at `pointer`.
fn focus(a: &mut App, pointer: &str) {
    for _ in 0..20 {
        if a.form().unwrap().focused().and_then(|r| r.pointer()) == Some(pointer) {
            return;
        }
        press(a, &["down"]);
    }
    panic!("no row {pointer}");
}

/// Runs the one `Encrypt` effect as the runtime does, with `sources`; the message goes back.
fn run_encrypt(a: &mut App, effects: &[Effect], sources: &KeySources, opts: &SopsOptions) {
    let enc = effects
        .iter()
        .find_map(|e| match e {
            Effect::Encrypt(r) => Some(r.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no encryption: {effects:?} {:?}", a.shared.status));
    let result = runtime::encrypt(&enc, sources, opts);
    let next = a.update(Msg::Encrypted(enc, result));
    assert!(next.is_empty(), "{next:?}");
}

/// Runs the one `Decrypt` effect as the runtime does.
fn run_decrypt(a: &mut App, effects: &[Effect], opts: &SopsOptions) {
    let [Effect::Decrypt(req)] = effects else {
        panic!("expected a decryption: {effects:?} {:?}", a.shared.status)
    };
    let result = runtime::decrypt(req, opts);
    a.update(Msg::Decrypted(req.clone(), result));
}

/// `y` on the save diff and the save run as the runtime does.
fn confirm_save(a: &mut App) {
    let effects = press(a, &["y"]);
    let [Effect::Save { writes, protected }] = effects.as_slice() else {
        panic!("expected a save: {effects:?} {:?}", a.shared.status)
    };
    let msg = runtime::save_message(writes, *protected);
    a.update(msg);
    assert!(!a.is_dirty(), "{:?}", a.shared.status);
}

/// Every diff of the save diff overlay, joined.
fn diffs(a: &App) -> String {
    let Some(Overlay::Diff { writes, .. }) = a.overlay() else {
        panic!("no diff: {:?} {:?}", a.shared.overlays, a.shared.status)
    };
    writes.iter().map(|w| w.diff.clone()).collect()
}

/// Asserts `text` holds neither secret of these tests.
fn no_secret(what: &str, text: &str) {
    for s in [CANARY, NEW_SECRET] {
        assert!(!text.contains(s), "{what} shows a secret:\n{text}");
    }
}

/// Types `text` into the (empty) field at `pointer`, replacing what it held.
fn retype(a: &mut App, pointer: &str, text: &str) {
    focus(a, pointer);
    press(a, &["delete"]);
    type_text(a, text);
    press(a, &["enter"]);
}

#[test]
fn a_typed_secret_is_encrypted_with_the_sops_yaml_key_and_the_inline_config_moves_out() {
    let dir = tempfile::tempdir().unwrap();
    let (key, recipient) = sops::age_key(dir.path(), "key.txt");
    sops::sops_yaml(dir.path(), &[&recipient]);
    let flow = catalog(dir.path(), "\n          address: db:5432 # primary\n");
    let mut a = trusted_app(&flow, Theme::color());
    let effects = press_e(&mut a);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(a.form().unwrap().lock("/password"), Lock::Encrypt);
    assert_eq!(
        a.form().unwrap().lock("/address"),
        Lock::Plain { secret: false }
    );
    focus(&mut a, "/password");
    let shown = screen(&mut a, 120, 40);
    let line = shown.lines().find(|l| l.contains("Password")).unwrap();
    assert!(line.contains("[sops]"), "{shown}");
    assert!(
        shown.contains("encrypted with sops on save (Ctrl-L: plaintext)"),
        "{shown}"
    );
    let hints = flowspec::tui::keymap::hints(&a.contexts());
    assert!(
        hints
            .iter()
            .any(|h| h.keys == "Ctrl-L" && h.label == "lock"),
        "the footer names the lock key"
    );
    retype(&mut a, "/password", CANARY);
    no_secret("the form", &screen(&mut a, 120, 40));

    let effects = press(&mut a, &["ctrl-s"]);
    let [Effect::Encrypt(req)] = effects.as_slice() else {
        panic!("{effects:?} {:?}", a.shared.status)
    };
    no_secret("the request's Debug", &format!("{req:?}"));
    assert_eq!(req.job.chosen, ["/password"]);
    assert_eq!(req.moved_to.as_deref(), Some("source-pg.config.yaml"));
    assert_eq!(req.job.target, dir.path().join("source-pg.config.yaml"));
    run_encrypt(&mut a, &effects, &KeySources::default(), &opts(None));
    let all = diffs(&a);
    no_secret("the save diff", &all);
    assert!(all.contains("source-pg.config.yaml"), "{all}");
    assert!(
        all.contains("+password_sops: ENC[…"),
        "ciphertext shortened:\n{all}"
    );
    assert!(
        all.contains("+        config: source-pg.config.yaml"),
        "the spec references the new file:\n{all}"
    );
    assert!(
        std::fs::symlink_metadata(dir.path().join("source-pg.config.yaml")).is_err(),
        "nothing is written before the diff is confirmed"
    );
    confirm_save(&mut a);

    let written = std::fs::read_to_string(dir.path().join("source-pg.config.yaml")).unwrap();
    no_secret("the encrypted file", &written);
    let doc: Value = serde_yaml::from_str(&written).unwrap();
    assert_eq!(doc["address"], "db:5432", "non-secrets stay readable");
    assert!(doc["password_sops"].as_str().unwrap().starts_with("ENC["));
    assert_eq!(doc["sops"]["encrypted_suffix"], "_sops");
    assert_eq!(
        sops::decrypted(&dir.path().join("source-pg.config.yaml"), &key),
        json!({"address": "db:5432", "password_sops": CANARY})
    );
    let flow_text = std::fs::read_to_string(&flow).unwrap();
    assert!(
        flow_text.contains("config: source-pg.config.yaml"),
        "{flow_text}"
    );
    let reloaded = flowspec::catalog::load(&flow, &mut |_| {}).expect("the catalog loads");
    assert!(reloaded
        .files
        .iter()
        .any(|f| f.path.ends_with("source-pg.config.yaml")));
    assert!(sops::files_containing(dir.path(), CANARY).is_empty());
}

#[test]
fn with_no_rule_the_key_prompt_offers_the_age_key_found_and_writes_sops_yaml_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let (key, recipient) = sops::age_key(keys.path(), "keys.txt");
    std::fs::write(dir.path().join("pg.config.yaml"), "address: db:5432\n").unwrap();
    let flow = catalog(dir.path(), " pg.config.yaml");
    let mut a = trusted_app(&flow, Theme::color());
    press_e(&mut a);
    retype(&mut a, "/password", CANARY);
    let effects = press(&mut a, &["ctrl-s"]);
    let sources = KeySources {
        settings: KeyGroup::default(),
        places: Places {
            key_file: Some(key.clone()),
            ..Places::default()
        },
    };
    run_encrypt(&mut a, &effects, &sources, &opts(None));
    let Some(Overlay::Keys(prompt)) = a.overlay() else {
        panic!("{:?} {:?}", a.shared.overlays, a.shared.status)
    };
    assert_eq!(prompt.candidates.len(), 1);
    assert_eq!(prompt.candidates[0].recipient, recipient);
    let shown = screen(&mut a, 120, 40);
    assert!(shown.contains("SOPS_AGE_KEY_FILE"), "{shown}");
    press(&mut a, &["enter"]);
    assert!(screen(&mut a, 120, 40).contains(".sops.yaml"));
    let effects = press(&mut a, &["y"]);
    let [Effect::WriteSopsRule {
        dir: rule_dir,
        file,
        recipient: r,
    }, Effect::Encrypt(req)] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(rule_dir, dir.path());
    assert_eq!(r, &recipient);
    assert!(matches!(
        &req.job.keys,
        Some(Keys::Group {
            origin: KeyOrigin::Chosen,
            ..
        })
    ));
    let written = flowspec::sops::keys::write_rule(rule_dir, file, r);
    a.update(Msg::RuleWritten(written));
    run_encrypt(&mut a, &effects, &sources, &opts(None));
    no_secret("the save diff", &diffs(&a));
    confirm_save(&mut a);
    assert_eq!(
        sops::decrypted(&dir.path().join("pg.config.yaml"), &key),
        json!({"address": "db:5432", "password_sops": CANARY})
    );
    // The rule written matches the file: the next encryption finds it without asking.
    let found =
        flowspec::sops::keys::find(&dir.path().join("pg.config.yaml"), &KeyGroup::default())
            .unwrap()
            .expect("the .sops.yaml rule matches");
    assert!(format!("{found:?}").contains(&recipient), "{found:?}");
    assert!(sops::files_containing(dir.path(), CANARY).is_empty());
}

#[test]
fn with_no_key_at_all_it_says_how_to_set_one_up_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let flow = catalog(dir.path(), "\n          address: db:5432\n");
    let before = std::fs::read(&flow).unwrap();
    let mut a = trusted_app(&flow, Theme::color());
    press_e(&mut a);
    retype(&mut a, "/password", CANARY);
    let effects = press(&mut a, &["ctrl-s"]);
    run_encrypt(&mut a, &effects, &KeySources::default(), &opts(None));
    let status = a.shared.status.clone().unwrap();
    assert_eq!(status.tone, Tone::Error);
    assert!(
        status.text.contains("no sops key is configured") && status.text.contains("age-keygen"),
        "{}",
        status.text
    );
    no_secret("the message", &status.text);
    assert!(a.overlay().is_none());
    let form = a.form().expect("the form stays open with the edits");
    assert!(form.changed());
    assert_eq!(std::fs::read(&flow).unwrap(), before);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn sops_missing_or_too_old_is_said_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (_key, recipient) = sops::age_key(dir.path(), "key.txt");
    sops::sops_yaml(dir.path(), &[&recipient]);
    let flow = catalog(dir.path(), "\n          address: db:5432\n");
    let before = std::fs::read(&flow).unwrap();
    let old = sops::old_sops(dir.path());
    for (binary, expect) in [
        (dir.path().join("no-such-sops"), "cannot run"),
        (old, "needs sops 3.10.0 or newer"),
    ] {
        let mut a = trusted_app(&flow, Theme::color());
        press_e(&mut a);
        retype(&mut a, "/password", CANARY);
        let effects = press(&mut a, &["ctrl-s"]);
        let o = SopsOptions {
            binary: Some(binary),
            env: vec![],
        };
        run_encrypt(&mut a, &effects, &KeySources::default(), &o);
        let status = a.shared.status.clone().unwrap();
        assert_eq!(status.tone, Tone::Error);
        assert!(status.text.contains(expect), "{}", status.text);
        assert!(a.form().is_some_and(|f| f.changed()));
        assert_eq!(std::fs::read(&flow).unwrap(), before);
        assert!(sops::files_containing(dir.path(), CANARY).is_empty());
    }
}

/// An encrypted `pg.config.yaml` (address and password `CANARY`) for `recipients`, and the
/// catalog naming it.
fn encrypted_catalog(dir: &Path, recipients: &[&str]) -> PathBuf {
    let target = dir.join("pg.config.yaml");
    let job = flowspec::sops::document::Job {
        config: Secret::new(json!({"address": "db:5432", "password": CANARY, "port": 5432})),
        chosen: vec!["/password".into()],
        target: target.clone(),
        text: None,
        keys: Some(Keys::Group {
            group: KeyGroup::age(recipients.iter().map(|r| r.to_string())),
            origin: KeyOrigin::Chosen,
        }),
    };
    let Outcome::Encrypted { text, .. } =
        flowspec::sops::document::encrypt(&job, &KeySources::default(), &opts(None)).unwrap()
    else {
        panic!("keys were given")
    };
    std::fs::write(&target, text).unwrap();
    catalog(dir, " pg.config.yaml")
}

/// Edits an encrypted config (address and password changed), saves, and checks that each
/// key decrypts both changes and everything else is equal.
fn edit_encrypted(recipients: usize) {
    let dir = tempfile::tempdir().unwrap();
    let mut keys = Vec::new();
    for i in 0..recipients {
        keys.push(sops::age_key(dir.path(), &format!("key{i}.txt")));
    }
    let rs: Vec<&str> = keys.iter().map(|(_, r)| r.as_str()).collect();
    let flow = encrypted_catalog(dir.path(), &rs);
    let mut a = trusted_app(&flow, Theme::color());
    let effects = press_e(&mut a);
    assert!(a.form().is_none(), "decrypted first");
    run_decrypt(&mut a, &effects, &opts(Some(&keys[0].0)));
    let form = a.form().expect("the form opened on the plaintext");
    assert_eq!(form.read_only, None);
    assert_eq!(form.state.get("/password"), Some(&json!(CANARY)));
    assert_eq!(form.lock("/password"), Lock::Encrypt);
    assert!(!form.changed());
    let shown = screen(&mut a, 120, 40);
    no_secret("the form", &shown);
    let line = shown.lines().find(|l| l.contains("Password")).unwrap();
    assert!(line.contains("••••") && line.contains("[sops]"), "{shown}");

    focus(&mut a, "/address");
    type_text(&mut a, "-new");
    press(&mut a, &["enter"]);
    retype(&mut a, "/password", NEW_SECRET);
    let effects = press(&mut a, &["ctrl-s"]);
    let [Effect::Encrypt(req)] = effects.as_slice() else {
        panic!("{effects:?} {:?}", a.shared.status)
    };
    let Some(Keys::Group { group, origin }) = &req.job.keys else {
        panic!("{:?}", req.job.keys)
    };
    assert_eq!(*origin, KeyOrigin::Document, "the keys it had");
    assert_eq!(group.age.len(), rs.len());
    for r in &rs {
        assert!(group.age.iter().any(|a| a == r), "{group:?}");
    }
    run_encrypt(&mut a, &effects, &KeySources::default(), &opts(None));
    let all = diffs(&a);
    no_secret("the save diff", &all);
    assert!(all.contains("re-encrypted"), "{all}");
    assert!(all.contains("+address: db:5432-new"), "{all}");
    assert!(all.contains("(changed)"), "{all}");
    assert!(!all.contains("ENC[AES"), "no wall of ciphertext:\n{all}");
    confirm_save(&mut a);
    for (key, _) in &keys {
        assert_eq!(
            sops::decrypted(&dir.path().join("pg.config.yaml"), key),
            json!({"address": "db:5432-new", "password_sops": NEW_SECRET, "port": 5432})
        );
    }
    assert!(sops::files_containing(dir.path(), NEW_SECRET).is_empty());
    assert!(sops::files_containing(dir.path(), CANARY).is_empty());
}

#[test]
fn editing_an_encrypted_config_re_encrypts_both_changes_with_its_key() {
    edit_encrypted(1);
}

#[test]
fn editing_a_config_encrypted_for_two_recipients_keeps_both() {
    edit_encrypted(2);
}

#[test]
fn a_config_that_does_not_decrypt_says_why_opens_no_form_and_stays_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let (_right, recipient) = sops::age_key(dir.path(), "right.txt");
    let (wrong, _) = sops::age_key(dir.path(), "wrong.txt");
    let flow = encrypted_catalog(dir.path(), &[&recipient]);
    let file = dir.path().join("pg.config.yaml");
    let good = std::fs::read_to_string(&file).unwrap();
    // The MAC no longer matches: a plaintext value changed without sops.
    let tampered = good.replace("address: db:5432", "address: evil:5432");
    assert_ne!(tampered, good);
    let (right, _) = (dir.path().join("right.txt"), ());
    let cases: Vec<(&str, String, SopsOptions)> = vec![
        ("no key", good.clone(), opts(None)),
        ("wrong key", good.clone(), opts(Some(&wrong))),
        ("MAC mismatch", tampered, opts(Some(&right))),
        (
            "sops missing",
            good.clone(),
            SopsOptions {
                binary: Some(dir.path().join("no-such-sops")),
                env: vec![],
            },
        ),
    ];
    for (what, text, o) in cases {
        std::fs::write(&file, &text).unwrap();
        let mut a = trusted_app(&flow, Theme::color());
        let effects = press_e(&mut a);
        run_decrypt(&mut a, &effects, &o);
        assert!(a.form().is_none(), "{what}: no form opens");
        let status = a.shared.status.clone().unwrap();
        assert_eq!(status.tone, Tone::Error, "{what}");
        let expect = match what {
            "no key" => "no key here can decrypt it",
            "wrong key" => "not one it was encrypted for",
            "MAC mismatch" => "MAC mismatch",
            _ => "cannot run",
        };
        assert!(
            status.text.contains("Cannot edit the encrypted config")
                && status.text.contains(expect),
            "{what}: {}",
            status.text
        );
        assert!(!a.is_dirty());
        assert_eq!(std::fs::read_to_string(&file).unwrap(), text, "{what}");
        assert!(
            sops::files_containing(dir.path(), CANARY).is_empty(),
            "{what}"
        );
    }
}

/// The catalog with its capture's spec known (the form opened and closed), then the password
/// set in plaintext by an edit that is no form's (as a discovered binding or an external
/// tool's edit would be), and Ctrl-S pressed in the browser.
fn plaintext_edit(dir: &Path) -> App {
    use flowspec::yaml::{patch::Edit, PathSeg};
    let flow = catalog(dir, "\n          address: db:5432\n");
    let mut a = trusted_app(&flow, Theme::color());
    press_e(&mut a);
    press(&mut a, &["esc"]);
    assert!(a.form().is_none());
    let cat = a.shared.catalog.as_mut().unwrap();
    cat.edit_file(
        0,
        &[Edit::Set {
            map: [
                "captures",
                "acme/db/source-pg",
                "endpoint",
                "local",
                "config",
            ]
            .map(PathSeg::key)
            .to_vec(),
            key: "password".into(),
            value: json!(CANARY),
        }],
    )
    .unwrap();
    let effects = press(&mut a, &["ctrl-s"]);
    assert!(effects.is_empty(), "{effects:?}");
    a
}

#[test]
fn the_guard_stops_a_plaintext_secret_cancel_keeps_it_unsaved_and_encrypt_encrypts() {
    let dir = tempfile::tempdir().unwrap();
    let (key, recipient) = sops::age_key(dir.path(), "key.txt");
    sops::sops_yaml(dir.path(), &[&recipient]);
    let mut a = plaintext_edit(dir.path());
    let Some(Overlay::Guard { exposed }) = a.overlay() else {
        panic!("{:?} {:?}", a.shared.overlays, a.shared.status)
    };
    assert_eq!(exposed[0].pointers, ["/password"]);
    let shown = screen(&mut a, 80, 24);
    assert!(shown.contains("Secrets in plaintext"), "{shown}");
    assert!(shown.contains("flow.yaml: /password"), "{shown}");
    no_secret("the guard", &shown);
    press(&mut a, &["n"]);
    assert!(
        a.overlay().is_none() && a.is_dirty(),
        "cancelled, edit kept"
    );

    press(&mut a, &["ctrl-s"]);
    assert!(matches!(a.overlay(), Some(Overlay::Guard { .. })));
    let effects = press(&mut a, &["enter"]);
    let [Effect::Encrypt(req)] = effects.as_slice() else {
        panic!("{effects:?} {:?}", a.shared.status)
    };
    assert_eq!(req.job.chosen, ["/password"]);
    assert_eq!(req.moved_to.as_deref(), Some("source-pg.config.yaml"));
    run_encrypt(&mut a, &effects, &KeySources::default(), &opts(None));
    no_secret("the save diff", &diffs(&a));
    confirm_save(&mut a);
    assert_eq!(
        sops::decrypted(&dir.path().join("source-pg.config.yaml"), &key),
        json!({"address": "db:5432", "password_sops": CANARY})
    );
    assert!(sops::files_containing(dir.path(), CANARY).is_empty());
}

#[test]
fn the_guard_writes_plaintext_only_when_told_and_then_does_not_ask_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = plaintext_edit(dir.path());
    assert!(matches!(a.overlay(), Some(Overlay::Guard { .. })));
    press(&mut a, &["p"]);
    let all = diffs(&a);
    assert!(all.contains("+          password: ••••••••"), "{all}");
    no_secret("the save diff", &all);
    press(&mut a, &["esc"]);
    // Asked once: the next Ctrl-S goes straight to the diff.
    press(&mut a, &["ctrl-s"]);
    diffs(&a);
    confirm_save(&mut a);
    let text = std::fs::read_to_string(dir.path().join("flow.yaml")).unwrap();
    assert!(text.contains(&format!("password: {CANARY}")), "{text}");
}

#[test]
fn config_edit_on_an_encrypted_file_decrypts_first_and_saves_it_re_encrypted_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let (key, recipient) = sops::age_key(dir.path(), "key.txt");
    encrypted_catalog(dir.path(), &[&recipient]);
    let file = dir.path().join("pg.config.yaml");
    let cat = flowspec::catalog::Catalog::single_file(&file).unwrap();
    let mut a = App::standalone(cat, &schema(), false, Theme::color());
    let effects = a.init();
    run_decrypt(&mut a, &effects, &opts(Some(&key)));
    let form = a.form().expect("the form");
    assert_eq!(form.read_only, None, "{:?}", a.shared.status);
    assert_eq!(form.state.get("/password"), Some(&json!(CANARY)));
    focus(&mut a, "/address");
    type_text(&mut a, "0");
    press(&mut a, &["enter"]);
    let effects = press(&mut a, &["ctrl-s"]);
    run_encrypt(&mut a, &effects, &KeySources::default(), &opts(None));
    let all = diffs(&a);
    assert!(
        all.contains("re-encrypted") && all.contains("+address: db:54320"),
        "{all}"
    );
    no_secret("the save diff", &all);
    confirm_save(&mut a);
    assert_eq!(
        sops::decrypted(&file, &key),
        json!({"address": "db:54320", "password_sops": CANARY, "port": 5432})
    );
    // The form stays open on the file as saved: unchanged, still decrypted.
    let form = a.form().expect("config edit keeps the form");
    assert!(!form.changed());
    assert_eq!(form.state.get("/password"), Some(&json!(CANARY)));
    assert!(sops::files_containing(dir.path(), CANARY).is_empty());
}

/// The screen with the temporary folder's name replaced by one of the same length, so the
/// layout is what the user sees and the snapshot is stable.
fn stable_screen(a: &mut App, dir: &Path, w: u16, h: u16) -> String {
    let d = dir.display().to_string();
    let fixed: String = d
        .chars()
        .enumerate()
        .map(|(i, c)| if i >= 5 && c != '/' { 'X' } else { c })
        .collect();
    screen(a, w, h).replace(&d, &fixed)
}

#[test]
fn snapshots_of_the_guard_the_key_prompt_and_the_lock_markers() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = plaintext_edit(dir.path());
    insta::assert_snapshot!("guard_80x24", stable_screen(&mut a, dir.path(), 80, 24));
    insta::assert_snapshot!("guard_120x40", stable_screen(&mut a, dir.path(), 120, 40));
    press(&mut a, &["n"]);

    // A key file as age-keygen writes it (the recipient fixed for the snapshot).
    let recipient = format!("age1{}", "q".repeat(58));
    let key_file = dir.path().join("keys.txt");
    std::fs::write(
        &key_file,
        format!("# created: 2026-01-01T00:00:00Z\n# public key: {recipient}\nAGE-SECRET-KEY-1NOTAREALKEY\n"),
    )
    .unwrap();
    press(&mut a, &["ctrl-s"]);
    let effects = press(&mut a, &["enter"]);
    let sources = KeySources {
        settings: KeyGroup::default(),
        places: Places {
            key_file: Some(key_file),
            ..Places::default()
        },
    };
    run_encrypt(&mut a, &effects, &sources, &opts(None));
    assert!(matches!(a.overlay(), Some(Overlay::Keys(_))));
    insta::assert_snapshot!(
        "key_prompt_80x24",
        stable_screen(&mut a, dir.path(), 80, 24)
    );
    press(&mut a, &["enter"]);
    insta::assert_snapshot!(
        "key_rule_120x40",
        stable_screen(&mut a, dir.path(), 120, 40)
    );
    // `n`: this save only — no rule is written.
    let effects = press(&mut a, &["n"]);
    assert!(
        matches!(effects.as_slice(), [Effect::Encrypt(_)]),
        "{effects:?}"
    );
    assert!(!dir.path().join(".sops.yaml").exists());

    // The markers: a non-secret marked to encrypt, a secret left in plaintext.
    let dir = tempfile::tempdir().unwrap();
    let flow = catalog(
        dir.path(),
        "\n          address: db:5432\n          password: pw\n",
    );
    let mut a = trusted_app(&flow, Theme::color());
    press_e(&mut a);
    press(&mut a, &["ctrl-l"]);
    assert_eq!(a.form().unwrap().lock("/address"), Lock::Encrypt);
    focus(&mut a, "/password");
    press(&mut a, &["ctrl-l"]);
    insta::assert_snapshot!(
        "lock_confirm_80x24",
        stable_screen(&mut a, dir.path(), 80, 24)
    );
    press(&mut a, &["ctrl-l"]);
    assert_eq!(
        a.form().unwrap().lock("/password"),
        Lock::Plain { secret: true }
    );
    insta::assert_snapshot!("locks_120x40", stable_screen(&mut a, dir.path(), 120, 40));
    let effects = press(&mut a, &["ctrl-s"]);
    let [Effect::Encrypt(req)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(req.job.chosen, ["/address"], "only what the locks say");
}

#[test]
fn ctrl_k_re_encrypts_an_encrypted_config_with_the_sops_yaml_keys_instead_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let (old_key, old) = sops::age_key(dir.path(), "old.txt");
    let (new_key, new) = sops::age_key(dir.path(), "new.txt");
    let flow = encrypted_catalog(dir.path(), &[&old]);
    sops::sops_yaml(dir.path(), &[&new]);
    let mut a = trusted_app(&flow, Theme::color());
    let effects = press_e(&mut a);
    run_decrypt(&mut a, &effects, &opts(Some(&old_key)));
    assert!(a.form().is_some(), "{:?}", a.shared.status);
    press(&mut a, &["ctrl-k"]);
    assert!(a.form().unwrap().origin.as_ref().unwrap().rekey);
    // No value changed: the new keys alone are reason to save.
    let effects = press(&mut a, &["ctrl-s"]);
    let [Effect::Encrypt(req)] = effects.as_slice() else {
        panic!("{effects:?} {:?}", a.shared.status)
    };
    assert_eq!(req.job.keys, None, "looked up as for a new encryption");
    run_encrypt(&mut a, &effects, &KeySources::default(), &opts(None));
    let all = diffs(&a);
    assert!(all.contains("re-encrypted"), "{all}");
    confirm_save(&mut a);
    let file = dir.path().join("pg.config.yaml");
    assert_eq!(
        sops::decrypted(&file, &new_key),
        json!({"address": "db:5432", "password_sops": CANARY, "port": 5432})
    );
    assert!(
        !sops::decrypt(&file, &old_key).status.success(),
        "the old key no longer decrypts it"
    );
    // Without an encrypted config there is nothing to rekey.
    let dir = tempfile::tempdir().unwrap();
    let mut a = trusted_app(
        &catalog(dir.path(), "\n          address: db:5432\n"),
        Theme::color(),
    );
    press_e(&mut a);
    press(&mut a, &["ctrl-k"]);
    let status = a.shared.status.clone().unwrap();
    assert!(
        status.text.contains("Only an encrypted config"),
        "{}",
        status.text
    );
}

#[test]
fn a_binding_s_resource_secret_moves_to_its_resource_config_file_encrypted() {
    let dir = tempfile::tempdir().unwrap();
    let (key, recipient) = sops::age_key(dir.path(), "key.txt");
    sops::sops_yaml(dir.path(), &[&recipient]);
    let flow = dir.path().join("flow.yaml");
    std::fs::write(
        &flow,
        "captures:\n  acme/db/source-pg:\n    endpoint:\n      local:\n        command: [\"true\"]\n        config: {address: db}\n    bindings:\n      - resource: {stream: orders}\n        target: acme/db/orders\n",
    )
    .unwrap();
    let mut a = trusted_app(&flow, Theme::color());
    press(&mut a, &["enter"]);
    let effects = press(&mut a, &["r"]);
    let [Effect::Connector(id, _)] = effects.as_slice() else {
        panic!("{effects:?} {:?}", a.shared.status)
    };
    a.update(Msg::Job(
        *id,
        JobEvent::Done(Ok(JobOutput::Spec {
            protocol: "flow-json".into(),
            documentation_url: String::new(),
            config_title: "PG".into(),
            resource_title: "T".into(),
            cached: false,
            config_schema: json!({"type": "object"}),
            resource_schema: json!({"type": "object", "properties": {
                "stream": {"type": "string", "order": 0},
                "api_token": {"type": "string", "secret": true, "order": 1}
            }}),
        })),
    ));
    assert!(a.form().is_some(), "{:?}", a.shared.status);
    retype(&mut a, "/api_token", CANARY);
    let effects = press(&mut a, &["ctrl-s"]);
    let [Effect::Encrypt(req)] = effects.as_slice() else {
        panic!("{effects:?} {:?}", a.shared.status)
    };
    assert_eq!(
        req.moved_to.as_deref(),
        Some("source-pg.resource.0.config.yaml")
    );
    run_encrypt(&mut a, &effects, &KeySources::default(), &opts(None));
    no_secret("the save diff", &diffs(&a));
    confirm_save(&mut a);
    let file = dir.path().join("source-pg.resource.0.config.yaml");
    assert_eq!(
        sops::decrypted(&file, &key),
        json!({"stream": "orders", "api_token_sops": CANARY})
    );
    let text = std::fs::read_to_string(&flow).unwrap();
    assert!(
        text.contains("resource: source-pg.resource.0.config.yaml"),
        "{text}"
    );
    assert!(sops::files_containing(dir.path(), CANARY).is_empty());
}
