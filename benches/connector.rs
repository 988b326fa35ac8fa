//! Discover of 100,000 bindings from the demo connector: how long decoding the response takes
//! (target < 2 s) and the peak memory decoding allocates relative to the response size
//! (target < 4x), in Flow JSON and in protobuf.
//!
//! Run with `cargo bench --bench connector`. Memory is measured with a counting global
//! allocator: the peak of live bytes allocated while decoding, above what was live before.
//! Exits 1 when a target is missed.

#[path = "support/heap.rs"]
mod heap;
#[path = "support/target.rs"]
mod target;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use flowspec::connector::codec::{self, Codec};
use flowspec::connector::local::invoke_local;
use flowspec::connector::protocol::ConnectorType;
use flowspec::connector::protocol::{self as p, Operation, Reply, TaskType};
use flowspec::connector::run::{build_invocation, Call, Protocol, RunOptions};
use tokio_util::sync::CancellationToken;

const BINDINGS: usize = 100_000;
const CONFIG: &str = r#"{"address":"bench.example.internal:5432","database":"shop","user":"bench","auth":{"type":"password","password":"bench"}}"#;

/// Runs the demo capture's discover and returns its raw stdout and the wall time.
fn run_demo(rt: &tokio::runtime::Runtime, protocol: Protocol) -> (Vec<u8>, Duration) {
    let exe = env!("CARGO_BIN_EXE_flowspec").to_string();
    let mut command = vec![exe, "connector".into(), "demo-capture".into()];
    if protocol == Protocol::FlowProto {
        command.push("--protobuf".into());
    }
    let call = Call::discover(p::raw(CONFIG));
    let env = vec![(
        flowspec::connector::demo::BINDINGS_ENV.to_string(),
        BINDINGS.to_string(),
    )];
    let opts = RunOptions::for_operation(Operation::Discover);
    let inv = build_invocation(protocol, ConnectorType::Local, &call, &env, &opts).unwrap();
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let start = Instant::now();
    let exit = rt
        .block_on(invoke_local(&command, inv, tx, CancellationToken::new()))
        .expect("the demo connector runs");
    assert_eq!(exit.code, Some(0), "{:?}", exit.logs);
    (exit.stdout, start.elapsed())
}

struct Measured {
    time: Duration,
    peak: usize,
    bindings: usize,
}

fn decode(codec: Codec, stdout: &[u8]) -> Measured {
    let ((reply, time), peak) = heap::peak_during(|| {
        let start = Instant::now();
        let reply = p::decode_response(
            codec,
            TaskType::Capture,
            Operation::Discover,
            stdout,
            codec::DEFAULT_MAX_MESSAGE,
        )
        .expect("a valid response");
        (reply, start.elapsed())
    });
    let Reply::Discovered(d) = &reply else {
        panic!("not a discover reply")
    };
    let bindings = d.bindings.len();
    drop(reply);
    Measured {
        time,
        peak,
        bindings,
    }
}

fn mib(n: usize) -> f64 {
    n as f64 / (1024.0 * 1024.0)
}

fn main() -> ExitCode {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut targets = target::Targets::new();
    println!("discover of {BINDINGS} bindings from the demo connector");
    for (name, protocol, codec) in [
        ("Flow JSON", Protocol::FlowJson, Codec::Json),
        ("protobuf", Protocol::FlowProto, Codec::Proto),
    ] {
        let (stdout, round_trip) = run_demo(&rt, protocol);
        // Best of three decodes for time; the peak is the same each time.
        let runs: Vec<Measured> = (0..3).map(|_| decode(codec, &stdout)).collect();
        let best = runs.iter().min_by_key(|m| m.time).unwrap();
        assert_eq!(best.bindings, BINDINGS);
        println!(
            "  {name}: response {:.1} MiB, connector round trip {:.0} ms, peak decode memory {:.1} MiB",
            mib(stdout.len()),
            round_trip.as_secs_f64() * 1e3,
            mib(best.peak),
        );
        targets.time_below(
            &format!("  {name}: decode"),
            best.time,
            Duration::from_secs(2),
        );
        targets.below(
            &format!("  {name}: peak decode memory / response size"),
            best.peak as f64 / stdout.len() as f64,
            4.0,
            "x",
        );
    }
    spec_cache_hit(&rt, &mut targets);
    targets.finish()
}

/// A spec cache hit through `ops::spec` (what the TUI and `flowspec spec` do): the cache key
/// from the program's path and mtime, the read and the decode. Nothing runs.
fn spec_cache_hit(rt: &tokio::runtime::Runtime, targets: &mut target::Targets) {
    use flowspec::connector::cache::SpecCache;
    use flowspec::connector::ops::{self, Prepared};
    use flowspec::connector::run::Transport;

    let dir = tempfile::tempdir().expect("temp dir");
    let cache = SpecCache::at(dir.path().join("specs"));
    let prepared = Prepared {
        transport: Transport::Local {
            command: vec![
                env!("CARGO_BIN_EXE_flowspec").to_string(),
                "connector".into(),
                "demo-capture".into(),
            ],
            env: vec![],
        },
        protocol: Protocol::FlowJson,
        task: TaskType::Capture,
        digest: None,
    };
    let opts = RunOptions::for_operation(Operation::Spec);
    let ask = || {
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        rt.block_on(ops::spec(
            &prepared,
            Some(&cache),
            &opts,
            tx,
            CancellationToken::new(),
        ))
        .expect("spec")
    };
    let (_, cached) = ask();
    assert!(!cached, "the first spec runs the connector");
    let mut times: Vec<Duration> = (0..50)
        .map(|_| {
            let start = Instant::now();
            let (_, cached) = ask();
            assert!(cached);
            start.elapsed()
        })
        .collect();
    times.sort();
    let median = times[times.len() / 2];
    targets.time_at_most(
        "spec cache hit (median of 50)",
        median,
        Duration::from_millis(5),
    );
}
