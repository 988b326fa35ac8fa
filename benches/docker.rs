//! Spec round trip through flowspec's Docker transport (bollard) against the docker CLI
//! (`docker run -i --rm --network none IMAGE`) for the same image and request: the transport
//! should cost no more than shelling out (ratio ≤ 1.0).
//!
//! `cargo bench --bench docker`; `FLOWSPEC_BENCH_RUNS=N` sets the runs per side (default 20).
//! Starts an engine with `scripts/docker-up` when none answers, and builds the test image.

#[path = "../tests/support/images.rs"]
mod images;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use flowspec::connector::docker::{invoke_docker, DockerOptions, PullPolicy};
use flowspec::connector::Invocation;
use tokio_util::sync::CancellationToken;

const REQUEST: &[u8] = b"{\"spec\":{\"connectorType\":\"IMAGE\",\"config\":{}}}\n";

fn check_response(stdout: &[u8]) {
    let v: serde_json::Value = serde_json::from_slice(stdout).expect("a JSON spec response");
    assert_eq!(v["spec"]["protocol"], 3032023);
}

fn via_bollard(rt: &tokio::runtime::Runtime, image: &str) -> Duration {
    let opts = DockerOptions {
        network: Some("none".into()),
        // Like the CLI's default `--pull missing`: one inspect, no pull.
        pull: PullPolicy::Missing,
        ..DockerOptions::default()
    };
    let inv = Invocation {
        args: vec![],
        stdin: REQUEST.to_vec(),
        files: vec![],
        env: vec![],
        timeout: Duration::from_secs(60),
        max_output: 64 << 20,
    };
    let started = Instant::now();
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let exit = rt
        .block_on(invoke_docker(
            image,
            inv,
            tx,
            CancellationToken::new(),
            &opts,
        ))
        .expect("bollard run");
    let took = started.elapsed();
    assert_eq!(exit.code, Some(0));
    check_response(&exit.stdout);
    took
}

fn via_cli(image: &str) -> Duration {
    let started = Instant::now();
    let mut child = Command::new("docker")
        .args(["run", "-i", "--rm", "--network", "none", image])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("docker CLI");
    child.stdin.take().unwrap().write_all(REQUEST).unwrap();
    let out = child.wait_with_output().unwrap();
    let took = started.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    check_response(&out.stdout);
    took
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let runs: usize = std::env::var("FLOWSPEC_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20)
        .max(1);
    images::ensure_engine();
    let image = images::image(&images::SPEC_JSON);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    // Warm both paths (page cache, the engine's image metadata) before measuring.
    for _ in 0..2 {
        via_bollard(&rt, &image);
        via_cli(&image);
    }
    // Interleaved so that drift in machine load affects both sides alike.
    let (mut bollard, mut cli) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        bollard.push(via_bollard(&rt, &image));
        cli.push(via_cli(&image));
    }
    let (b, c) = (median(&mut bollard), median(&mut cli));
    println!("docker spec round trip, {image}, {runs} runs each (median; min..max)");
    println!(
        "  bollard (invoke_docker):          {:7.1} ms  ({:.1}..{:.1})",
        ms(b),
        ms(bollard[0]),
        ms(*bollard.last().unwrap())
    );
    println!(
        "  docker run -i --rm --network none: {:7.1} ms  ({:.1}..{:.1})",
        ms(c),
        ms(cli[0]),
        ms(*cli.last().unwrap())
    );
    let ratio = b.as_secs_f64() / c.as_secs_f64();
    println!(
        "  ratio bollard/cli: {ratio:.2} (target <= 1.0: {})",
        if ratio <= 1.0 { "met" } else { "NOT met" }
    );
}
