//! Terminal escape injection through the TUI: the escapes fixture rendered on a TestBackend
//! shows every control sequence escaped (`\u{1b}`) in the list, the detail pane, the problem
//! list, the save diff, a connector's log and results, and a form built from its schema — and
//! no cell holds a character a terminal would act on (ratatui drops C0 controls silently but
//! passes bidi overrides through).

mod common;

use common::*;
use flowspec::connector::{LogLevel, LogLine, RunEvent};
use flowspec::tui::app::{App, Effect, Msg};
use flowspec::tui::jobs::{JobEvent, JobOutput};
use flowspec::tui::theme::Theme;

fn app() -> App {
    loaded_app(&fixture("escapes/flow.yaml"), Theme::color())
}

/// Renders wide enough that nothing is cut, and checks no cell carries a raw control.
fn clean_screen(a: &mut App) -> String {
    let s = screen(a, 220, 50);
    let raw: Vec<char> = s
        .chars()
        .filter(|&c| c != '\n' && flowspec::text::is_unsafe(c))
        .collect();
    assert!(raw.is_empty(), "raw {raw:?} on screen:\n{s}");
    s
}

fn assert_shows(screen: &str, shown: &[&str]) {
    for s in shown {
        assert!(screen.contains(s), "{s} not shown:\n{screen}");
    }
}

#[test]
fn list_and_detail_show_names_and_values_escaped() {
    let mut a = app();
    let s = clean_screen(&mut a);
    assert_shows(
        &s,
        &[
            // The list.
            "acmeCo/\\u{1b}]0;pwned\\u{7}/orders",
            "acmeCo/\\u{1b}[2J\\u{1b}[H0 errors, 0 warnings",
            // The detail pane of the selected capture: name, image, binding.
            "acmeCo/\\u{202e}gnp.exe/source",
            "ghcr.io/estuary/source-\\u{9b}31mpostgres:v1",
            "stream=orders\\u{2066}\\u{1b}[1m",
        ],
    );
}

#[test]
fn the_problem_list_shows_messages_escaped() {
    let mut a = app();
    press(&mut a, &["p"]);
    let s = clean_screen(&mut a);
    assert_shows(
        &s,
        &[
            "invalid catalog name `acmeCo/\\u{202e}gnp.exe/source`",
            "schema file `missing\\u{1b}[31m.schema.yaml`",
        ],
    );
}

#[test]
fn the_save_diff_shows_raw_bytes_of_the_file_escaped() {
    let mut a = app();
    // Disable the capture's binding: the diff's context holds the comment with raw bytes.
    press(&mut a, &["enter", "space", "ctrl-s"]);
    let s = clean_screen(&mut a);
    assert_shows(
        &s,
        &[
            "+        disable: true",
            "# A comment with raw bytes: \\u{1b}]0;comment-pwned\\u{7}",
            "a bidi override \\u{202e} here.",
            "note: \"raw \\u{2067}isolate\\u{2069}\"",
        ],
    );
}

#[test]
fn connector_logs_results_and_its_form_are_escaped() {
    let mut a = app();
    press(&mut a, &["enter"]);
    // The first run asks, naming what would run: escaped too.
    assert!(press(&mut a, &["s"]).is_empty());
    let s = clean_screen(&mut a);
    assert_shows(
        &s,
        &[
            "Run a connector?",
            "ghcr.io/estuary/source-\\u{9b}31mpostgres:v1",
        ],
    );
    let effects = press(&mut a, &["y"]);
    let [Effect::RememberTrust(_), Effect::Connector(id, _)] = effects.as_slice() else {
        panic!("expected a connector run, got {effects:?}");
    };
    let id = *id;
    a.update(Msg::Job(
        id,
        JobEvent::Run(RunEvent::Log(LogLine {
            level: LogLevel::Info,
            message: "hello \x1b]0;pwned\x07 \u{9b}2J".into(),
            fields: None,
        })),
    ));
    let s = clean_screen(&mut a);
    assert_shows(&s, &["hello \\u{1b}]0;pwned\\u{7} \\u{9b}2J"]);

    let schema = serde_json::json!({
        "type": "object",
        "properties": {
            "password": {
                "type": "string",
                "title": "Pass\u{202e}word",
                "description": "Shown \x1b[2J below",
            },
            "mode": {"type": "string", "title": "Mode", "default": "\x1b[31mred"},
        }
    });
    a.update(Msg::Job(
        id,
        JobEvent::Done(Ok(JobOutput::Spec {
            protocol: "flow-json".into(),
            documentation_url: "https://example.com/\x1b]8;;http://evil\x07docs".into(),
            config_title: "Config \x1b[1m".into(),
            resource_title: "Resource".into(),
            cached: false,
            config_schema: schema,
            resource_schema: serde_json::json!({"type": "object"}),
        })),
    ));
    let s = clean_screen(&mut a);
    assert_shows(
        &s,
        &[
            "https://example.com/\\u{1b}]8;;http://evil\\u{7}docs",
            "Config \\u{1b}[1m",
        ],
    );

    // The form: labels, the value from the file and the description.
    press(&mut a, &["e"]);
    assert!(a.form().is_some(), "the form opened");
    let s = clean_screen(&mut a);
    assert_shows(
        &s,
        &[
            "Pass\\u{202e}word",
            "\\u{1b}[8mhidden",
            "Shown \\u{1b}[2J below",
            "acmeCo/\\u{202e}gnp.exe/source",
        ],
    );
}
