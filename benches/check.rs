//! `cargo bench --bench check`: how long `flowspec check` takes on the synthetic catalog
//! (`flowspec::synth`, 2,000 tasks and 20,000 collections in 200 files), against a bare
//! `serde_yaml` parse of the same bytes already in memory. Target (issue 12): load + check in
//! at most 3x the bare parse, and the synthetic catalog checks clean (no error, no warning).
//! Targets are printed and judged by `support/target.rs`: a missed one exits non-zero.
//!
//! `FLOWSPEC_BENCH_RUNS` sets how many timed runs each median takes (default 5).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use flowspec::catalog::check::{check, CheckOptions};
use flowspec::catalog::{shape, Severity};
use flowspec::synth::{self, SynthSpec};

#[path = "support/target.rs"]
mod target;

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

fn main() -> ExitCode {
    let mut targets = target::Targets::new();
    let runs = std::env::var("FLOWSPEC_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let spec = SynthSpec::BENCH;
    let dir = tempfile::tempdir().expect("temp dir");
    let synth = synth::write(dir.path(), &spec).expect("write synthetic catalog");
    let texts: Vec<String> = synth
        .files
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("read back"))
        .collect();
    println!(
        "{:<40} {:.2} MB in {} files ({} tasks, {} collections)",
        "catalog",
        synth.bytes as f64 / 1e6,
        synth.files.len(),
        spec.captures + spec.materializations,
        spec.collections
    );

    // What check reports, once: the synthetic catalog is meant to be valid, so any finding is a
    // false positive of check or a mistake of the generator.
    let cat = flowspec::catalog::load(&synth.root, &mut |_| {}).expect("load");
    let problems = check(&cat, CheckOptions::default());
    let errors = problems
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    println!(
        "{:<40} {errors} errors, {} warnings",
        "problems found",
        problems.len() - errors
    );

    // Where check's time goes: parsing every catalog and schema file, then indexing the
    // schemas and inferring every collection's schema once.
    let parse = median(runs, || {
        std::hint::black_box(shape::collection::parse_files(&cat));
    });
    let parsed = shape::collection::parse_files(&cat);
    let infer = median(runs, || {
        let index = shape::collection::index(&cat, &parsed);
        let mut inferrer = shape::Inferrer::new(&index);
        std::hint::black_box(shape::collection::models(&cat, &parsed, &mut inferrer));
    });
    let check_only = median(runs, || {
        std::hint::black_box(check(&cat, CheckOptions::default()));
    });
    let load_and_check = median(runs, || {
        let cat = flowspec::catalog::load(&synth.root, &mut |_| {}).expect("load");
        std::hint::black_box(check(&cat, CheckOptions::default()));
    });
    let bare = median(runs, || {
        for t in &texts {
            let v: serde_yaml::Value = serde_yaml::from_str(t).expect("serde_yaml");
            std::hint::black_box(&v);
        }
    });
    println!(
        "{:<40} {}",
        "check of a loaded catalog (median)",
        ms(check_only)
    );
    println!("{:<40} {}", "  of which: parse files (median)", ms(parse));
    println!("{:<40} {}", "  of which: index + infer (median)", ms(infer));
    println!("{:<40} {}", "load + check (median)", ms(load_and_check));
    println!("{:<40} {}", "serde_yaml::Value (median)", ms(bare));
    let ratio = load_and_check.as_secs_f64() / bare.as_secs_f64();
    targets.at_most(
        "problems on the synthetic catalog",
        problems.len() as f64,
        0.0,
        "",
    );
    targets.at_most("load + check / serde_yaml", ratio, 3.0, "x");
    targets.finish()
}
