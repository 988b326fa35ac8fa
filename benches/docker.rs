//! `flowspec spec IMAGE` against the docker CLI for the same image and request.
//!
//! Both sides are whole commands started the same way, so the comparison is fair: the real
//! `flowspec spec --no-cache --json --network none IMAGE` (process start, engine connection,
//! the image inspect that reads its labels and digest, then create, attach, start, wait and
//! remove through bollard, and the decoded answer printed) against
//! `docker run -i --rm --network none IMAGE` with the spec request on stdin. Target: the
//! command costs no more than shelling out to docker (ratio ≤ 1.0). The transport alone
//! (`invoke_docker` in this process) and the image inspect alone are printed too, to show
//! where the time goes.
//!
//! `cargo bench --bench docker`; `FLOWSPEC_BENCH_RUNS=N` sets the runs per side (default 20).
//! Starts an engine with `scripts/docker-up` when none answers, and builds the test image.
//! Exits 1 when the target is missed.

#[path = "../tests/support/images.rs"]
mod images;
#[path = "support/target.rs"]
mod target;

use std::io::Write;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use flowspec::connector::docker::{inspect_image, invoke_docker, DockerOptions, PullPolicy};
use flowspec::connector::Invocation;
use tokio_util::sync::CancellationToken;

const REQUEST: &[u8] = b"{\"spec\":{\"connectorType\":\"IMAGE\",\"config\":{}}}\n";

/// `flowspec spec` prints the spec response; the docker CLI prints the connector's
/// `{"spec": ...}` envelope.
fn check_protocol(v: &serde_json::Value) {
    let spec = v.get("spec").unwrap_or(v);
    assert_eq!(spec["protocol"], 3032023, "{v}");
}

/// The whole `flowspec spec` command, with flowspec's state, cache and settings in `home`.
fn via_flowspec(image: &str, home: &Path) -> Duration {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_flowspec"))
        .args([
            "spec",
            "--no-cache",
            "--json",
            "--quiet",
            "--network",
            "none",
        ])
        .arg(image)
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .stdin(Stdio::null())
        .output()
        .expect("flowspec runs");
    let took = started.elapsed();
    assert!(
        out.status.success(),
        "flowspec spec {image}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    check_protocol(&serde_json::from_slice(&out.stdout).expect("a JSON spec"));
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
    check_protocol(&serde_json::from_slice(&out.stdout).expect("a JSON spec response"));
    took
}

/// The transport alone, in this process: one connection, one inspect, the container's life.
fn via_transport(rt: &tokio::runtime::Runtime, image: &str) -> Duration {
    let opts = DockerOptions {
        network: Some("none".into()),
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
    check_protocol(&serde_json::from_slice(&exit.stdout).expect("a JSON spec response"));
    took
}

/// One image inspect (with its engine connection), as `flowspec spec` does before running.
fn inspect_only(rt: &tokio::runtime::Runtime, image: &str) -> Duration {
    let started = Instant::now();
    rt.block_on(inspect_image(image))
        .expect("the image is there");
    started.elapsed()
}

/// Median, min and max of a sample.
fn stats(v: &mut [Duration]) -> (Duration, Duration, Duration) {
    v.sort();
    let n = v.len();
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    };
    (median, v[0], v[n - 1])
}

fn line(what: &str, sample: &mut [Duration]) -> Duration {
    let (median, min, max) = stats(sample);
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "  {what:<56} {:7.1} ms  ({:.1}..{:.1})",
        ms(median),
        ms(min),
        ms(max)
    );
    median
}

fn main() -> ExitCode {
    let runs: usize = std::env::var("FLOWSPEC_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20)
        .max(1);
    images::ensure_engine();
    let image = images::image(&images::SPEC_JSON);
    let home = tempfile::tempdir().expect("temp dir");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    // Warm every path (page cache, the engine's image metadata) before measuring.
    for _ in 0..2 {
        via_flowspec(&image, home.path());
        via_cli(&image);
        via_transport(&rt, &image);
    }
    // Interleaved so that drift in machine load affects every side alike.
    let (mut command, mut cli, mut transport, mut inspect) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        command.push(via_flowspec(&image, home.path()));
        cli.push(via_cli(&image));
        transport.push(via_transport(&rt, &image));
        inspect.push(inspect_only(&rt, &image));
    }
    println!("docker spec round trip, {image}, {runs} runs each (median; min..max)");
    let ours = line(
        "flowspec spec --no-cache --network none IMAGE",
        &mut command,
    );
    let theirs = line("docker run -i --rm --network none IMAGE", &mut cli);
    line(
        "for reference: the transport in process (invoke_docker)",
        &mut transport,
    );
    line(
        "for reference: one image inspect (inspect_image)",
        &mut inspect,
    );

    let mut targets = target::Targets::new();
    targets.at_most(
        "flowspec spec / docker run (medians)",
        ours.as_secs_f64() / theirs.as_secs_f64(),
        1.0,
        "x",
    );
    targets.finish()
}
