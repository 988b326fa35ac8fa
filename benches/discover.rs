//! `cargo bench --bench discover`: issue 9's targets for discovered bindings, each printed next
//! to its target; a miss exits non-zero (`support/target.rs`).
//!
//! - Merge: 100,000 discovered bindings into a capture with 50,000 existing ones (a catalog
//!   on disk, loaded): parsing the discover response and merging it into the capture's
//!   bindings and collections ≤ 300 ms, peak heap meanwhile ≤ 3x the response's bytes.
//!   Reading those bindings and collections out of the catalog's files first (a YAML parse
//!   of the 50,000-binding file) is printed beside it, with the whole `from_catalog`.
//! - The Discovered bindings screen at 200x60 with those 100,000 rows: a frame ≤ 2 ms, a
//!   filter keystroke ≤ 10 ms (the worst of typing, narrowing and Backspace), Space ≤ 1 ms
//!   (keystrokes through `App::update`, the frame measured on its own).
//! - Writing 10,000 new collections with ~1 KiB schemas (the discovery written into the
//!   catalog, planned and saved atomically) ≤ 2x serializing the same documents with
//!   serde_json and writing them with std::fs. Runs are interleaved, keep their files until
//!   all are timed, and each starts after a `sync` (see `bench_write` and `settle`). The
//!   temporary folders are where `TMPDIR` says: the file system matters (ext4 without a
//!   journal here).
//!
//! Times are medians (`FLOWSPEC_BENCH_RUNS`, default 7). Memory is counted by a global
//! allocator wrapper.

#[path = "support/heap.rs"]
mod heap;
#[path = "support/target.rs"]
mod target;

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use flowspec::catalog::{self, Catalog, EntityKind};
use flowspec::connector::protocol::Discovered;
use flowspec::discover::{CaptureTarget, Collections, Discovery};
use flowspec::tui::app::{App, Msg};
use flowspec::tui::screens::discovered::DiscoveredScreen;
use flowspec::tui::screens::Screen;
use flowspec::tui::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use serde_json::{json, Value};

fn runs() -> usize {
    std::env::var("FLOWSPEC_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(7)
}

/// The median of `times`.
fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

const CAPTURE: &str = "acmeCo/bench/source-postgres";

/// A catalog whose capture has `existing` bindings (streams `s0000000`…), each with its
/// collection in Flow's managed schema form.
fn catalog_with(dir: &Path, existing: usize) -> PathBuf {
    let mut text = String::with_capacity(existing * 300);
    text.push_str(&format!(
        "captures:\n  {CAPTURE}:\n    endpoint:\n      connector:\n        image: ghcr.io/estuary/source-postgres:v1\n        config: {{host: db.internal}}\n    bindings:\n"
    ));
    if existing == 0 {
        text.truncate(text.len() - 1);
        text.push_str(" []\n");
    }
    for i in 0..existing {
        let _ = writeln!(
            text,
            "      - resource: {{namespace: public, stream: s{i:07}}}\n        target: acmeCo/bench/s{i:07}"
        );
    }
    if existing > 0 {
        text.push_str("collections:\n");
    }
    for i in 0..existing {
        let _ = writeln!(
            text,
            "  acmeCo/bench/s{i:07}:\n    key: [/id]\n    schema:\n      $defs:\n        flow://connector-schema:\n          {{$id: flow://connector-schema, type: object, properties: {{id: {{type: integer}}}}, required: [id]}}\n      $ref: flow://connector-schema"
        );
    }
    let root = dir.join("flow.yaml");
    std::fs::write(&root, text).unwrap();
    root
}

/// A schema of about `bytes` bytes of JSON.
fn schema(bytes: usize) -> Value {
    let mut props = serde_json::Map::new();
    props.insert("id".into(), json!({"type": "integer"}));
    let mut i = 0;
    while serde_json::to_string(&props).unwrap().len() < bytes {
        props.insert(
            format!("column_{i:03}"),
            json!({"type": ["string", "null"], "maxLength": 64}),
        );
        i += 1;
    }
    json!({"type": "object", "properties": props, "required": ["id"]})
}

/// A discover response of `n` bindings (streams `s0000000`…) with schemas of ~`bytes` bytes.
fn response(n: usize, bytes: usize) -> String {
    let schema = serde_json::to_string(&schema(bytes)).unwrap();
    let mut out = String::with_capacity(n * (bytes + 200));
    out.push_str("{\"bindings\":[");
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            "{{\"recommendedName\":\"s{i:07}\",\"resourceConfig\":{{\"namespace\":\"public\",\"stream\":\"s{i:07}\"}},\"documentSchema\":{schema},\"key\":[\"/id\"]}}"
        );
    }
    out.push_str("]}");
    out
}

fn load(root: &Path) -> Catalog {
    let cat = catalog::load(root, &mut |_| {}).expect("the bench catalog loads");
    assert!(cat.load_problems.is_empty(), "{:?}", cat.load_problems);
    cat
}

fn merge(cat: &Catalog, response: &str) -> Discovery {
    let (id, _) = cat.find(CAPTURE, Some(EntityKind::Capture)).unwrap();
    let d: Discovered = serde_json::from_str(response).expect("the response parses");
    Discovery::from_catalog(
        cat,
        id,
        d.bindings,
        vec!["/namespace".into(), "/stream".into()],
    )
    .expect("the discovery merges")
}

/// The capture and its collections as read from the catalog (what the merge starts from).
fn read_capture(cat: &Catalog) -> (CaptureTarget, Collections) {
    let (id, _) = cat.find(CAPTURE, Some(EntityKind::Capture)).unwrap();
    let (capture, root) =
        flowspec::discover::capture::from_catalog_parsed(cat, id).expect("the capture reads");
    let names: HashSet<&str> = cat
        .entities()
        .filter(|(_, e)| e.kind == EntityKind::Collection)
        .map(|(_, e)| e.name.as_str())
        .collect();
    let collections =
        flowspec::discover::collections::summaries_reusing(cat, &names, Some((id.file, root)));
    (capture, collections)
}

/// Parses the discover response and merges it into the capture read before (`capture` and
/// `collections` are this merge's own copies, made before it is timed).
fn merge_read(capture: CaptureTarget, collections: Collections, response: &str) -> Discovery {
    let d: Discovered = serde_json::from_str(response).expect("the response parses");
    Discovery::new(
        capture,
        d.bindings,
        vec!["/namespace".into(), "/stream".into()],
        move |_| collections,
    )
    .expect("the discovery merges")
}

fn bench_merge(t: &mut target::Targets) -> (Catalog, Discovery) {
    let dir = tempfile::tempdir().unwrap();
    let cat = load(&catalog_with(dir.path(), 50_000));
    let response = response(100_000, 120);
    // Reading the capture's bindings and collections from the catalog's files (parsing a
    // 50,000-binding, 50,000-collection file): shown, not the merge's target.
    let start = Instant::now();
    let (capture, collections) = read_capture(&cat);
    let read = start.elapsed();
    let whole = {
        let start = Instant::now();
        drop(merge(&cat, &response));
        start.elapsed()
    };
    println!(
        "reading the capture and its collections from the catalog: {:.0} ms; from_catalog (read + parse + merge): {:.0} ms",
        read.as_secs_f64() * 1e3,
        whole.as_secs_f64() * 1e3
    );
    let times: Vec<Duration> = (0..runs())
        .map(|_| {
            let (c, cols) = (capture.clone(), collections.clone());
            let start = Instant::now();
            let d = merge_read(c, cols, &response);
            let took = start.elapsed();
            drop(d);
            took
        })
        .collect();
    let parse = median(
        (0..runs())
            .map(|_| {
                let start = Instant::now();
                let d: Discovered = serde_json::from_str(&response).expect("the response parses");
                let took = start.elapsed();
                drop(d);
                took
            })
            .collect(),
    );
    println!(
        "  of which parsing the response with serde_json: {:.0} ms",
        parse.as_secs_f64() * 1e3
    );
    let (c, cols) = (capture.clone(), collections.clone());
    let (d, peak) = heap::peak_during(|| merge_read(c, cols, &response));
    let c = d.counts();
    assert_eq!((c.new, c.existing, c.gone), (50_000, 50_000, 0));
    println!(
        "merge: 100,000 discovered into 50,000 existing; response {:.1} MB, peak {:.1} MB",
        response.len() as f64 / 1e6,
        peak as f64 / 1e6
    );
    t.time_at_most(
        "merge 100k discovered into 50k existing (response parsed + merged)",
        median(times),
        Duration::from_millis(300),
    );
    t.at_most(
        "merge peak heap / discover response bytes",
        peak as f64 / response.len() as f64,
        3.0,
        "x",
    );
    (cat, d)
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn bench_screen(t: &mut target::Targets, cat: Catalog, d: Discovery) {
    assert_eq!(d.rows.len(), 100_000);
    let mut app = App::new(PathBuf::from("flow.yaml"), false, Theme::color());
    app.update(Msg::Loaded(Ok(Box::new(cat))));
    app.screens
        .push(Screen::Discovered(Box::new(DiscoveredScreen::new(d, None))));
    app.update(Msg::Resize(200, 60));
    let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let mut frame = |app: &App| {
        let start = Instant::now();
        term.draw(|f| flowspec::tui::ui::render(app, f)).unwrap();
        start.elapsed()
    };
    let n = runs() * 10;
    frame(&app);
    // Frames in the middle of the rows, moving one row between frames.
    for _ in 0..50_000 / 100 {
        app.update(key(KeyCode::PageDown));
    }
    let frames: Vec<Duration> = (0..n)
        .map(|_| {
            app.update(key(KeyCode::Down));
            frame(&app)
        })
        .collect();
    t.time_at_most(
        "frame at 200x60, 100k rows",
        median(frames),
        Duration::from_millis(2),
    );

    let time = |app: &mut App, msg: Msg| {
        let start = Instant::now();
        app.update(msg);
        start.elapsed()
    };
    let mut worst = Duration::ZERO;
    let typed: Vec<Duration> = (0..runs())
        .map(|_| {
            app.update(key(KeyCode::Char('/')));
            let mut per_run = Duration::ZERO;
            for c in ['s', '0', '4', '2'] {
                per_run = per_run.max(time(&mut app, key(KeyCode::Char(c))));
            }
            per_run = per_run.max(time(&mut app, key(KeyCode::Backspace)));
            per_run = per_run.max(time(&mut app, key(KeyCode::Backspace)));
            worst = worst.max(per_run);
            app.update(key(KeyCode::Esc));
            per_run
        })
        .collect();
    println!(
        "filter keystroke: the worst of any run {:.2} ms",
        worst.as_secs_f64() * 1e3
    );
    t.time_at_most(
        "filter keystroke, 100k rows (worst key, median run)",
        median(typed),
        Duration::from_millis(10),
    );
    // Space on new rows (the last rows are new ones).
    app.update(key(KeyCode::End));
    let spaces: Vec<Duration> = (0..n)
        .map(|_| time(&mut app, key(KeyCode::Char(' '))))
        .collect();
    t.time_at_most("Space, 100k rows", median(spaces), Duration::from_millis(1));
}

/// The discovery of `n` new bindings with ~1 KiB schemas written into an empty capture and
/// saved; returns the time taken and the number of files written.
fn write_discovery(
    n: usize,
    response: &str,
    dirs: &mut Vec<tempfile::TempDir>,
) -> (Duration, usize) {
    let dir = tempfile::tempdir().unwrap();
    let cat = load(&catalog_with(dir.path(), 0));
    let d = merge(&cat, response);
    let mut cat = cat;
    settle();
    let start = Instant::now();
    let on_disk = |p: &Path| p.exists();
    flowspec::discover::write::write(&mut cat, &d, &on_disk).expect("written");
    let edited = start.elapsed();
    let writes = flowspec::save::plan(&cat);
    let planned = start.elapsed();
    let outcome = flowspec::save::write_planned(&writes, flowspec::save::Protected::Refuse);
    let took = start.elapsed();
    println!(
        "  write: edits {:.0} ms, save plan {:.0} ms, atomic save {:.0} ms",
        edited.as_secs_f64() * 1e3,
        (planned - edited).as_secs_f64() * 1e3,
        (took - planned).as_secs_f64() * 1e3
    );
    assert!(outcome.is_complete(), "{:?}", outcome.failed);
    assert_eq!(outcome.written.len(), writes.len());
    let _ = n;
    let written = writes.len();
    dirs.push(dir);
    (took, written)
}

/// Writes back whatever earlier runs left dirty, before a run is timed: the save's `syncfs`
/// would otherwise flush the files of the run before it too (the baseline's included).
fn settle() {
    let start = Instant::now();
    // SAFETY: sync takes no arguments and cannot fail.
    unsafe { libc::sync() };
    println!(
        "  (sync before the run: {:.0} ms)",
        start.elapsed().as_secs_f64() * 1e3
    );
}

/// The baseline: the same documents (each collection's schema in its own file, the catalog
/// with the capture's bindings and the collections in one) serialized with serde_json and
/// written with std::fs.
fn write_baseline(n: usize, schema: &Value, dirs: &mut Vec<tempfile::TempDir>) -> Duration {
    let dir = tempfile::tempdir().unwrap();
    settle();
    let start = Instant::now();
    let base = dir.path().join("acmeCo/bench");
    std::fs::create_dir_all(&base).unwrap();
    let mut bindings = Vec::with_capacity(n);
    let mut collections = serde_json::Map::new();
    for i in 0..n {
        let name = format!("s{i:07}");
        let wrapped = json!({
            "$defs": {"flow://connector-schema": schema},
            "$ref": "flow://connector-schema"
        });
        std::fs::write(
            base.join(format!("{name}.schema.json")),
            serde_json::to_string_pretty(&wrapped).unwrap(),
        )
        .unwrap();
        bindings.push(json!({"resource": {"namespace": "public", "stream": name},
                             "target": format!("acmeCo/bench/{name}")}));
        collections.insert(
            format!("acmeCo/bench/{name}"),
            json!({"key": ["/id"], "schema": format!("{name}.schema.json")}),
        );
    }
    let doc = json!({"captures": {CAPTURE: {"bindings": bindings}}, "collections": collections});
    std::fs::write(
        dir.path().join("flow.json"),
        serde_json::to_string_pretty(&doc).unwrap(),
    )
    .unwrap();
    let took = start.elapsed();
    dirs.push(dir);
    took
}

fn bench_write(t: &mut target::Targets) {
    let n = 10_000;
    let response = response(n, 1024);
    let schema = schema(1024);
    let mut files = 0;
    // Interleaved, so that both see the file system in the same state. Every run's files stay
    // until all are timed: ext4 without a journal (as here) does not reuse an inode for 30 s
    // after its file is deleted, and each create then scans past the recently deleted ones,
    // so deleting 10,000 files makes the next 10,000 creates several times slower, by an
    // amount that varies from run to run (it was inflating the baseline, and the ratio with
    // it, by up to 5x).
    let (mut ours, mut base) = (Vec::new(), Vec::new());
    let mut dirs = Vec::new();
    for _ in 0..runs().min(5) {
        let (took, written) = write_discovery(n, &response, &mut dirs);
        files = written;
        ours.push(took);
        base.push(write_baseline(n, &schema, &mut dirs));
        println!(
            "  run: ours {:.0} ms, serde_json + std::fs {:.0} ms",
            took.as_secs_f64() * 1e3,
            base.last().unwrap().as_secs_f64() * 1e3
        );
    }
    let (ours, base) = (median(ours), median(base));
    println!(
        "write 10k collections: {files} files in {:.0} ms; serde_json + std::fs {:.0} ms",
        ours.as_secs_f64() * 1e3,
        base.as_secs_f64() * 1e3
    );
    t.at_most(
        "write 10k new collections / serde_json + std::fs",
        ours.as_secs_f64() / base.as_secs_f64(),
        2.0,
        "x",
    );
}

fn main() -> ExitCode {
    let mut t = target::Targets::new();
    // `cargo bench` passes `--bench`; other arguments name the parts to run (all when none).
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let run = |name: &str| only.is_empty() || only.iter().any(|o| name.contains(o.as_str()));
    if run("merge") || run("screen") {
        let (cat, d) = bench_merge(&mut t);
        if run("screen") {
            bench_screen(&mut t, cat, d);
        }
    }
    if run("write") {
        bench_write(&mut t);
    }
    t.finish()
}
