//! `cargo bench --bench catalog`: scale numbers on a synthetic catalog (`flowspec::synth`),
//! each printed next to its target with ok or FAIL (the shared `support/target.rs`); exits
//! with status 1 when a target is missed.
//!
//! Sections are small functions taking the shared [`Bench`] context; add new ones (render,
//! filter, ...) to `main`. Times are medians of several runs. Memory is counted by a global
//! allocator wrapper, so it measures exactly what flowspec allocates.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use flowspec::synth::{self, Synth, SynthSpec};

#[path = "support/heap.rs"]
mod heap;
#[path = "support/target.rs"]
mod target;

/// Shared state of one bench run: the generated catalog and the result lines.
struct Bench {
    _dir: tempfile::TempDir,
    synth: Synth,
    /// Every file's text, read once (for baselines that should not pay for I/O).
    texts: Vec<String>,
    runs: usize,
    targets: target::Targets,
}

impl Bench {
    fn new(spec: &SynthSpec) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let synth = synth::write(dir.path(), spec).expect("write synthetic catalog");
        let texts = synth
            .files
            .iter()
            .map(|p| std::fs::read_to_string(p).expect("read back"))
            .collect();
        let runs = std::env::var("FLOWSPEC_BENCH_RUNS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(7);
        Bench {
            _dir: dir,
            synth,
            texts,
            runs,
            targets: target::Targets::new(),
        }
    }

    fn root(&self) -> PathBuf {
        self.synth.root.clone()
    }

    /// Prints an informational line.
    fn info(&self, name: &str, value: String) {
        println!("{name}: {value}");
    }

    /// Prints a measured value (in `unit`) next to its target (`value <= max`); a miss makes
    /// the bench exit with status 1.
    fn check(&mut self, name: &str, value: f64, max: f64, unit: &str) {
        self.targets.at_most(name, value, max, unit);
    }
}

/// The median wall time of `runs` calls of `f` (after one warm-up call).
fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    f();
    let mut times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// Size of the catalog and a sanity check that it loads cleanly.
fn section_catalog(b: &mut Bench, spec: &SynthSpec) {
    b.info(
        "catalog",
        format!(
            "{:.2} MB in {} files ({} tasks, {} bindings, {} collections)",
            b.synth.bytes as f64 / 1e6,
            b.synth.files.len(),
            spec.captures + spec.materializations,
            spec.bindings(),
            spec.collections
        ),
    );
    let cat = flowspec::catalog::load(&b.root(), &mut |_| {}).expect("load");
    assert!(cat.load_problems.is_empty(), "{:?}", cat.load_problems);
    assert_eq!(cat.files.len(), spec.files);
    let bindings: usize = cat.entities().map(|(_, e)| e.bindings.len()).sum();
    assert_eq!(bindings, spec.bindings());
}

/// Load + index against a bare serde_yaml parse of the same bytes (already in memory).
fn load_vs_serde_yaml(b: &mut Bench, label: &str, root: &Path, texts: &[String]) {
    let load = median(b.runs, || {
        let cat = flowspec::catalog::load(root, &mut |_| {}).expect("load");
        std::hint::black_box(&cat);
    });
    let bare = median(b.runs, || {
        for t in texts {
            let v: serde_yaml::Value = serde_yaml::from_str(t).expect("serde_yaml");
            std::hint::black_box(&v);
        }
    });
    b.info(&format!("load + index{label} (median)"), ms(load));
    b.info(&format!("serde_yaml::Value{label} (median)"), ms(bare));
    let ratio = load.as_secs_f64() / bare.as_secs_f64();
    b.check(&format!("load / serde_yaml{label}"), ratio, 1.5, "x");
}

fn section_load_time(b: &mut Bench) {
    let (root, texts) = (b.root(), std::mem::take(&mut b.texts));
    load_vs_serde_yaml(b, "", &root, &texts);
    b.texts = texts;
}

/// The same catalog in one file (`flowctl --flat` layout): 20,000 collections in one mapping
/// must not make anything quadratic.
fn section_flat_load_time(b: &mut Bench, spec: &SynthSpec) {
    let dir = tempfile::tempdir().expect("temp dir");
    let flat =
        synth::write(dir.path(), &SynthSpec { files: 1, ..*spec }).expect("write flat catalog");
    let text = std::fs::read_to_string(&flat.root).expect("read back");
    load_vs_serde_yaml(b, " (1 file)", &flat.root, &[text]);
}

/// Peak heap while loading, relative to the catalog's size.
fn section_load_memory(b: &mut Bench) {
    let root = b.root();
    let mut peaks: Vec<usize> = (0..b.runs.clamp(1, 3))
        .map(|_| {
            let (cat, peak) =
                heap::peak_during(|| flowspec::catalog::load(&root, &mut |_| {}).expect("load"));
            drop(cat);
            peak
        })
        .collect();
    peaks.sort();
    let peak = peaks[peaks.len() / 2];
    let ratio = peak as f64 / b.synth.bytes as f64;
    b.info(
        "peak heap during load",
        format!("{:.1} MB", peak as f64 / 1e6),
    );
    b.check("peak heap / catalog bytes", ratio, 4.0, "x");
}

/// An app showing the synthetic catalog, as the TUI has it after loading.
fn loaded_app(b: &Bench) -> flowspec::tui::app::App {
    use flowspec::tui::app::{App, Msg};
    let cat = flowspec::catalog::load(&b.root(), &mut |_| {}).expect("load");
    let mut app = App::new(b.root(), false, flowspec::tui::theme::Theme::color());
    app.update(Msg::Resize(200, 60));
    app.update(Msg::Loaded(Ok(Box::new(cat))));
    app.update(Msg::Checked(Vec::new()));
    app
}

fn key(c: char) -> flowspec::tui::app::Msg {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let code = match c {
        '\n' => KeyCode::Enter,
        '\x08' => KeyCode::Backspace,
        '\t' => KeyCode::Tab,
        '\x1b' => KeyCode::Esc,
        c => KeyCode::Char(c),
    };
    flowspec::tui::app::Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// One frame at 200x60: the list with a task selected, the detail pane with its bindings table,
/// and a collection's detail (which looks up the tasks that bind it).
fn section_render(b: &mut Bench) {
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;
    let mut app = loaded_app(b);
    let mut term = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    let mut frame = |app: &flowspec::tui::app::App| {
        term.draw(|f| flowspec::tui::ui::render(app, f))
            .expect("draw");
    };
    let list = median(b.runs * 3, || frame(&app));
    b.check(
        "render 200x60, list + task detail",
        list.as_secs_f64() * 1e3,
        2.0,
        "ms",
    );
    app.update(key('\t'));
    let detail = median(b.runs * 3, || frame(&app));
    b.check(
        "render 200x60, bindings focused",
        detail.as_secs_f64() * 1e3,
        2.0,
        "ms",
    );
    app.update(key('\x1b'));
    // Collections come after the 2,000 tasks in the kind grouping.
    for _ in 0..2_005 {
        app.update(flowspec::tui::app::Msg::Key(
            ratatui::crossterm::event::KeyEvent::new(
                ratatui::crossterm::event::KeyCode::Down,
                ratatui::crossterm::event::KeyModifiers::NONE,
            ),
        ));
    }
    let coll = median(b.runs * 3, || frame(&app));
    b.check(
        "render 200x60, collection detail",
        coll.as_secs_f64() * 1e3,
        2.0,
        "ms",
    );
}

/// Filter keystrokes: each typed character re-filters 22,000 entities (narrowing), and a
/// backspace widens the filter again (a full pass). The slowest keystroke is what counts.
fn section_filter(b: &mut Bench) {
    let mut worst = Duration::ZERO;
    let mut total = Duration::ZERO;
    let mut count = 0;
    for _ in 0..b.runs {
        let mut app = loaded_app(b);
        app.update(key('/'));
        for c in "table_0042".chars().chain(['\x08', '\x08', '\x08']) {
            let t = Instant::now();
            app.update(key(c));
            let d = t.elapsed();
            worst = worst.max(d);
            total += d;
            count += 1;
        }
        let first = app.selected().expect("a match is selected");
        std::hint::black_box(first);
    }
    b.info("filter keystroke (mean)", ms(total / count.max(1) as u32));
    b.check(
        "filter keystroke (slowest)",
        worst.as_secs_f64() * 1e3,
        10.0,
        "ms",
    );
}

/// One binding toggle (patch, verify, re-index), in the 200-file layout and in the one-file
/// layout of 10 MB, where a toggle re-parses only the binding's lines (the file's tree is kept
/// from the first edit on; the first toggle parses the file once to keep it).
fn section_toggle(b: &mut Bench, flat: &Path) {
    let time_toggle = |root: &Path| {
        let mut cat = flowspec::catalog::load(root, &mut |_| {}).expect("load");
        let (id, _) = cat
            .entities()
            .find(|(_, e)| !e.bindings.is_empty())
            .expect("a task");
        let t = Instant::now();
        cat.toggle_binding(id, 0).expect("toggle");
        let first = t.elapsed();
        let steady = median(b.runs.min(5), || {
            cat.toggle_binding(id, 0).expect("toggle");
        });
        let cpu = median_of(
            (0..b.runs.min(5))
                .map(|_| {
                    let t = thread_cpu();
                    cat.toggle_binding(id, 0).expect("toggle");
                    thread_cpu() - t
                })
                .collect(),
        );
        (first, steady, cpu)
    };
    let (_, split, _) = time_toggle(&b.root());
    let (first, one, cpu) = time_toggle(flat);
    b.info("binding toggle, 200 files (median)", ms(split));
    b.info("first toggle in 1 file of 10 MB (parses it)", ms(first));
    // On a shared machine wall time includes waiting for a core; the CPU time says how much of
    // it was the toggle's own work.
    b.info("binding toggle, 1 file of 10 MB (median CPU time)", ms(cpu));
    b.check(
        "binding toggle, 1 file of 10 MB (median)",
        one.as_secs_f64() * 1e3,
        50.0,
        "ms",
    );
}

/// The edits a merge of discovered bindings makes to a flat catalog: on each of the 2,000 tasks
/// two bindings disabled, one removed and one added, and 2,000 new collections: 10,000 edits.
/// A removed binding goes with the comments on its lines (`Removals::WithComments`), as a merge
/// that drops a binding means (some synthetic bindings carry `# paused during migration`).
fn merge_edits(cat: &flowspec::catalog::Catalog) -> Vec<flowspec::yaml::patch::Edit> {
    use flowspec::yaml::{patch::Edit, PathSeg};
    use serde_json::json;
    let mut edits = Vec::new();
    for (_, e) in cat.entities().filter(|(_, e)| e.bindings.len() >= 8) {
        let mut bindings = e.path();
        bindings.push(PathSeg::key("bindings"));
        for i in [0, 4] {
            edits.push(Edit::Set {
                map: e.binding_path(i),
                key: "disable".into(),
                value: json!(true),
            });
        }
        edits.push(Edit::RemoveItem {
            seq: bindings.clone(),
            index: 7,
        });
        edits.push(Edit::Push {
            seq: bindings,
            value: json!({"resource": {"stream": format!("{}_new", e.name)}, "target": "acmeCo/new"}),
        });
    }
    for i in 0..10_000 - edits.len().min(10_000) {
        edits.push(Edit::Set {
            map: vec![PathSeg::key("collections")],
            key: format!("acmeCo/discovered/table_{i:05}"),
            value: json!({"key": ["/id"], "schema": {"type": "object", "properties": {"id": {"type": "integer"}}}}),
        });
    }
    edits
}

/// A batch of 10,000 edits to the 10 MB file against one full parse of it. The batch plans
/// every edit against the kept tree, parses the result once and verifies every edit; a file
/// whose tree is not kept yet is parsed first (reported apart).
fn section_batch(b: &mut Bench, flat: &Path) {
    use flowspec::yaml::patch::Removals;
    let loaded = flowspec::catalog::load(flat, &mut |_| {}).expect("load");
    let text = loaded.files[0].text().to_string();
    let edits = merge_edits(&loaded);
    assert_eq!(edits.len(), 10_000);
    let parse = median(b.runs.min(5), || {
        std::hint::black_box(flowspec::yaml::parse(&text).expect("parse"));
    });
    let runs: Vec<Duration> = (0..b.runs.min(5))
        .map(|_| {
            // A clone starts without the kept tree: keep it (untimed), as after an edit.
            let mut cat = loaded.clone();
            cat.keep_document(0).expect("parse");
            let t = Instant::now();
            cat.edit_batch(0, &edits, Removals::WithComments)
                .expect("batch");
            t.elapsed()
        })
        .collect();
    let batch = median_of(runs);
    let cold = {
        let mut cat = loaded.clone();
        let t = Instant::now();
        cat.edit_batch(0, &edits, Removals::WithComments)
            .expect("batch");
        t.elapsed()
    };
    b.info("full parse of the 10 MB file (median)", ms(parse));
    b.info("batch of 10,000 edits (median)", ms(batch));
    b.info("the same, tree not kept yet (parses first)", ms(cold));
    let ratio = batch.as_secs_f64() / parse.as_secs_f64();
    b.check("batch of 10,000 edits / full parse", ratio, 2.0, "x");
}

/// The CPU time this thread has used so far (for telling work from waiting on a busy machine).
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn median_of(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() -> std::process::ExitCode {
    let spec = SynthSpec::BENCH;
    let t = Instant::now();
    let mut b = Bench::new(&spec);
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        // Times are wall times: a loaded machine makes them longer.
        b.info(
            "load average (1, 5, 15 min)",
            load.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    b.info("generate", ms(t.elapsed()));
    // `cargo bench` passes `--bench`; other arguments name the sections to run (all when none).
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let run = |name: &str| only.is_empty() || only.iter().any(|o| name.contains(o.as_str()));
    if run("catalog") {
        section_catalog(&mut b, &spec);
    }
    if run("load") {
        section_load_time(&mut b);
        section_flat_load_time(&mut b, &spec);
        section_load_memory(&mut b);
    }
    if run("render") {
        section_render(&mut b);
    }
    if run("filter") {
        section_filter(&mut b);
    }
    if run("toggle") || run("batch") {
        let dir = tempfile::tempdir().expect("temp dir");
        let flat =
            synth::write(dir.path(), &SynthSpec { files: 1, ..spec }).expect("write flat catalog");
        if run("toggle") {
            section_toggle(&mut b, &flat.root);
        }
        if run("batch") {
            section_batch(&mut b, &flat.root);
        }
    }
    b.targets.finish()
}
