//! Connector forms: building the form tree of the largest corpus schema (source-s3, the
//! flow-parser with ~70 union variants; target ≤ 2 ms) and re-validating after one
//! keystroke in a typical schema (source-postgres, and the demo; target ≤ 1 ms).
//!
//! Run with `cargo bench --bench form`. The corpus is read in place from `../shared/schemas`;
//! without it only the demo schema is measured (under CI a missing corpus is a failure:
//! `tests/support/shared.rs`). Exits 1 when a target is missed.

#[path = "../tests/support/shared.rs"]
mod shared;
#[path = "support/target.rs"]
mod target;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use flowspec::form;
use serde_json::{json, Value};

/// Median of `runs` timings of `f`.
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    for _ in 0..runs.min(20) {
        f();
    }
    let mut t: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    t.sort();
    t[t.len() / 2]
}

/// A schema of the shared corpus; `None` (with a note) when it is absent outside CI.
fn corpus(name: &str) -> Option<Value> {
    let text = shared::read(
        &format!("schemas/{name}"),
        &format!("measurements on {name}"),
    )?;
    Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}")))
}

fn keystroke(t: &mut target::Targets, name: &str, schema: &Value, field: &str, text: &str) {
    let f = form::build(schema);
    let start = Instant::now();
    let _ = f.validator();
    println!(
        "{:<58} {:>9.1} µs  (once per schema)",
        format!("{name}: compile validator"),
        start.elapsed().as_secs_f64() * 1e6
    );
    let mut state = f.load(&json!({}));
    let mut typed = String::new();
    let mut chars = text.chars().cycle();
    let d = median(2000, || {
        typed.push(chars.next().unwrap_or('x'));
        if typed.len() > 40 {
            typed.clear();
        }
        state.set(field, Value::String(typed.clone())).unwrap();
        std::hint::black_box(state.errors());
    });
    t.time_at_most(
        &format!("{name}: set {field} + defaults + validate"),
        d,
        Duration::from_millis(1),
    );
}

fn main() -> ExitCode {
    let mut t = target::Targets::new();
    let demo = flowspec::connector::demo::capture_config_schema();
    if let Some(s3) = corpus("source-s3.config.schema.json") {
        let d = median(500, || {
            std::hint::black_box(form::build(&s3));
        });
        t.time_at_most("source-s3 config: form build", d, Duration::from_millis(2));
        let f = form::build(&s3);
        let (mut variants, mut options, mut nodes) = (0, 0, 0);
        f.root().walk(&mut |n| {
            nodes += 1;
            match &n.kind {
                form::Kind::Union(u) => variants += u.variants.len(),
                form::Kind::Choice { options: o } => options += o.len(),
                _ => {}
            }
        });
        println!("  ({nodes} nodes, {variants} object-union variants, {options} choice options)");
        let d = median(200, || {
            std::hint::black_box(form::template(&f));
        });
        t.time_at_most("source-s3 config: template", d, Duration::from_millis(2));
    }
    if let Some(iceberg) = corpus("materialize-iceberg.config.schema.json") {
        let d = median(500, || {
            std::hint::black_box(form::build(&iceberg));
        });
        t.time_at_most(
            "materialize-iceberg config (14 KB): form build",
            d,
            Duration::from_millis(2),
        );
    }
    keystroke(
        &mut t,
        "demo capture",
        &demo,
        "/address",
        "db.example.internal:5432",
    );
    if let Some(pg) = corpus("source-postgres.config.schema.json") {
        keystroke(
            &mut t,
            "source-postgres",
            &pg,
            "/address",
            "db.example.com:5432",
        );
    }
    keystroke_to_frame(&mut t, "demo capture", &demo);
    if let Some(pg) = corpus("source-postgres.config.schema.json") {
        keystroke_to_frame(&mut t, "source-postgres", &pg);
    }
    t.finish()
}

/// What a user feels: one key typed into the focused field of the form screen, through the
/// app's `update`, then a whole frame rendered at 200x60.
fn keystroke_to_frame(t: &mut target::Targets, name: &str, schema: &Value) {
    use flowspec::tui::app::{App, Msg};
    use ratatui::backend::TestBackend;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::Terminal;
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("c.yaml");
    std::fs::write(&file, "address: db:5432\n").expect("write");
    let cat = flowspec::catalog::Catalog::single_file(&file).expect("load");
    let mut app = App::standalone(cat, schema, false, flowspec::tui::theme::Theme::color());
    app.update(Msg::Resize(200, 60));
    let mut term = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    let mut i = 0u32;
    let d = median(300, || {
        // Alternate typing and deleting so the field stays the same length.
        let code = if i % 2 == 0 {
            KeyCode::Char('x')
        } else {
            KeyCode::Backspace
        };
        i += 1;
        app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        term.draw(|f| flowspec::tui::ui::render(&app, f))
            .expect("draw");
    });
    t.time_at_most(
        &format!("{name}: keystroke to rendered frame at 200x60"),
        d,
        Duration::from_millis(2),
    );
}
