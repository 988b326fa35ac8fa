//! The README's canonical flow, run as written: the keys after "Try:" in README.md's "Try it"
//! section are read from the README itself and typed into the real binary on a fresh demo
//! (tmux), and the outcome the same sentence describes is checked on disk. Change the keys or
//! the description in the README and this test runs the new text, so the two cannot drift
//! apart.

#[path = "support/tmux.rs"]
mod tmux;

use std::path::Path;

use tmux::*;

/// One key of the README's flow: `text` in backticks is typed as is; a bare word names a key.
#[derive(Debug, Clone, PartialEq)]
enum Key {
    Text(String),
    /// A tmux key name (`Enter`, `Space`, `C-s`).
    Named(String),
}

impl Key {
    fn send(&self, t: &Tmux) {
        match self {
            Key::Text(text) => t.literal(text),
            Key::Named(name) => t.keys(&[name]),
        }
    }
}

/// The tmux name of a key as the README writes it (`Enter`, `Ctrl-S`, `Esc`, `↓`).
fn named(word: &str) -> Option<String> {
    let name = match word {
        "Enter" | "Space" | "Tab" | "Home" | "End" => word.to_string(),
        "Esc" => "Escape".into(),
        "Backspace" => "BSpace".into(),
        "PgUp" => "PageUp".into(),
        "PgDn" => "PageDown".into(),
        "↑" => "Up".into(),
        "↓" => "Down".into(),
        "←" => "Left".into(),
        "→" => "Right".into(),
        _ => {
            let c = word.strip_prefix("Ctrl-")?;
            let mut chars = c.chars();
            let (Some(letter), None) = (chars.next(), chars.next()) else {
                return None;
            };
            format!("C-{}", letter.to_ascii_lowercase())
        }
    };
    Some(name)
}

/// Splits `` `/` `demo` Enter Ctrl-S `y` `` into keys; a word that is not a key is an error,
/// so prose slipping into the key list fails loudly.
fn parse_keys(text: &str) -> Vec<Key> {
    let mut keys = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('`') {
            let end = after.find('`').expect("a closing backtick");
            keys.push(Key::Text(after[..end].to_string()));
            rest = after[end + 1..].trim_start();
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let word = &rest[..end];
            let name = named(word).unwrap_or_else(|| {
                panic!("README: {word:?} in the canonical flow is not a key flowspec knows")
            });
            keys.push(Key::Named(name));
            rest = rest[end..].trim_start();
        }
    }
    keys
}

/// The canonical flow of README.md: its keys and the sentence that says what they do.
fn readme_flow() -> (Vec<Key>, String) {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .split("\n## ")
        .find(|s| s.starts_with("Try it"))
        .expect("README has a \"Try it\" section");
    let paragraph = section
        .split("\n\n")
        .find(|p| p.contains("Try: "))
        .expect("the \"Try it\" section has a \"Try: KEYS — OUTCOME\" paragraph")
        .replace('\n', " ");
    let flow = &paragraph[paragraph.find("Try: ").unwrap() + "Try: ".len()..];
    let (keys, outcome) = flow
        .split_once(" — ")
        .expect("the keys are followed by \" — \" and what they do");
    (parse_keys(keys), outcome.to_string())
}

#[test]
fn the_readme_keys_parse_as_keys() {
    assert_eq!(
        parse_keys("`/` `demo` Enter Enter Space Ctrl-S `y`"),
        vec![
            Key::Text("/".into()),
            Key::Text("demo".into()),
            Key::Named("Enter".into()),
            Key::Named("Enter".into()),
            Key::Named("Space".into()),
            Key::Named("C-s".into()),
            Key::Text("y".into()),
        ]
    );
    let caught = std::panic::catch_unwind(|| parse_keys("`/` then Enter"));
    assert!(caught.is_err(), "prose among the keys is refused");
}

/// Lines removed from and added to `before` to make `after`.
fn changed_lines(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
    let d = similar::TextDiff::from_lines(before, after);
    let (mut removed, mut added) = (vec![], vec![]);
    for c in d.iter_all_changes() {
        match c.tag() {
            similar::ChangeTag::Delete => removed.push(c.value().to_string()),
            similar::ChangeTag::Insert => added.push(c.value().to_string()),
            similar::ChangeTag::Equal => {}
        }
    }
    (removed, added)
}

#[test]
fn the_readme_canonical_flow_does_what_the_readme_says() {
    let (keys, outcome) = readme_flow();
    // What the README promises, which is what is checked below.
    for claim in [
        "the demo capture `acmeCo/shop/source-demo`",
        "disables its first binding (`orders`)",
        "exactly one line is added to `flow.yaml`",
    ] {
        assert!(
            outcome.contains(claim),
            "the README's outcome no longer says {claim:?}: {outcome:?}; update this test with it"
        );
    }

    let work = tempfile::tempdir().unwrap();
    // `flowspec demo` as the README runs it, into a fresh directory.
    let dir = work.path().join("flowspec-demo");
    let report = work.path().join("report");
    let cmd = run_args_and_report(
        &format!("demo {}", dir.display()),
        &report,
        &unique("readme"),
        "",
    );
    let t = Tmux::start(80, 24, &cmd, &[]);
    t.wait_for("✓ valid");
    let catalog = dir.join("flow.yaml");
    let before = std::fs::read_to_string(&catalog).unwrap();

    // A person's pace: each key is typed once the screen has shown the previous one.
    for key in &keys {
        let shown = t.screen();
        key.send(&t);
        t.wait_until(&format!("the screen to answer {key:?}"), || {
            t.screen() != shown
        });
    }
    t.wait_until("flow.yaml to be written", || {
        std::fs::read_to_string(&catalog).is_ok_and(|now| now != before)
    });
    let after = std::fs::read_to_string(&catalog).unwrap();
    let (removed, added) = changed_lines(&before, &after);
    assert!(removed.is_empty(), "lines removed: {removed:?}");
    assert_eq!(added, vec!["        disable: true\n"], "{after}");
    // The line belongs to the first binding (orders) of acmeCo/shop/source-demo.
    let capture = after
        .find("  acmeCo/shop/source-demo:\n")
        .expect("the demo capture");
    let first_binding = "      - resource: { stream: orders, namespace: shop }\n        target: acmeCo/shop/orders\n        disable: true\n";
    let at = after.find(first_binding).unwrap_or_else(|| {
        panic!("the line disables something else than the demo capture's first binding:\n{after}")
    });
    assert!(at > capture, "{after}");
    assert!(
        after[capture..at].matches("- resource:").count() == 0,
        "it is the capture's first binding:\n{after}"
    );
    // No other file of the demo changed.
    for (name, text) in flowspec::demo::FILES {
        if *name != "flow.yaml" {
            assert_eq!(&std::fs::read_to_string(dir.join(name)).unwrap(), text);
        }
    }

    t.keys(&["q"]);
    let text = t.wait_file(&report);
    assert_eq!(exit_status(&text), 0, "{text}");
    assert_terminal_restored(&t, &report);
}
