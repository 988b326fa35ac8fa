//! The Docker transport against a real engine (started with `scripts/docker-up` when none
//! answers) and locally built connector images (`tests/support/images.rs`).
//!
//! The tests run one at a time (a shared lock) so that each can end by checking that no
//! container created by this process is left, which is the property under test; the check is
//! restricted to this process's PID label so a concurrent flowspec elsewhere cannot fail it.

#[path = "support/images.rs"]
mod images;
#[path = "support/registry.rs"]
mod registry;

use std::time::{Duration, Instant};

use flowspec::connector::docker::{
    connect, connect_to, inspect_image, invoke_docker, list_managed_containers, prepare_image,
    remove_managed_containers, DockerHost, DockerOptions, ImageProtocol, PullPolicy, FILES_MOUNT,
    LABEL_MANAGED, LABEL_PID,
};
use flowspec::connector::{ConnectorError, Exit, Invocation, LogLevel, PullProgress, RunEvent};
use registry::Registry;
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Engine up, then this test's turn.
async fn setup() -> tokio::sync::MutexGuard<'static, ()> {
    tokio::task::spawn_blocking(images::ensure_engine)
        .await
        .unwrap();
    SERIAL.lock().await
}

fn invocation(stdin: &[u8], timeout: Duration) -> Invocation {
    Invocation {
        args: vec![],
        stdin: stdin.to_vec(),
        files: vec![],
        env: vec![],
        timeout,
        max_output: 64 << 20,
    }
}

fn offline() -> DockerOptions {
    DockerOptions {
        network: Some("none".into()),
        pull: PullPolicy::Never,
        ..DockerOptions::default()
    }
}

const SPEC_REQUEST: &[u8] = b"{\"spec\":{\"connectorType\":\"IMAGE\",\"config\":{}}}\n";

/// Runs once, returning the outcome and every event streamed meanwhile.
async fn run(
    image: &str,
    inv: Invocation,
    opts: &DockerOptions,
) -> (Result<Exit, ConnectorError>, Vec<RunEvent>) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let result = invoke_docker(image, inv, tx, CancellationToken::new(), opts).await;
    let mut events = Vec::new();
    while let Ok(e) = rx.try_recv() {
        events.push(e);
    }
    (result, events)
}

/// No container this process created is left, running or stopped.
async fn assert_no_leftovers() {
    let docker = connect().await.expect("engine");
    let left = list_managed_containers(&docker, Some(std::process::id()))
        .await
        .unwrap();
    assert!(left.is_empty(), "containers left behind: {left:?}");
}

fn log_fields(exit: &Exit, message: &str) -> Value {
    exit.logs
        .iter()
        .find(|l| l.message == message)
        .and_then(|l| l.fields.clone())
        .unwrap_or_else(|| panic!("no log line {message:?} in {:?}", exit.logs))
}

#[tokio::test]
async fn spec_round_trip_over_network_none() {
    let _turn = setup().await;
    let image = images::image(&images::SPEC_JSON);
    let mut inv = invocation(SPEC_REQUEST, Duration::from_secs(30));
    inv.args = vec!["--flag".into(), "value".into()];
    inv.env = vec![("GREETING".into(), "hello".into())];

    let (result, events) = run(&image, inv, &offline()).await;
    let exit = result.expect("spec runs");

    assert_eq!(exit.code, Some(0));
    let response: Value = serde_json::from_slice(&exit.stdout).expect("one JSON response");
    assert_eq!(response["spec"]["protocol"], 3032023);
    assert_eq!(response["spec"]["configSchema"]["type"], "object");

    let seen = log_fields(&exit, "read request");
    assert_eq!(seen["bytes"], SPEC_REQUEST.len());
    assert_eq!(seen["args"], "--flag value");
    assert_eq!(seen["greeting"], "hello");
    assert_eq!(seen["net"], "lo", "--network none leaves only loopback");
    assert_eq!(
        seen["memory"],
        (1u64 << 30).to_string(),
        "1 GiB limit like Flow"
    );

    assert!(events
        .iter()
        .any(|e| matches!(e, RunEvent::Phase(p) if p.starts_with("starting"))));
    assert!(events
        .iter()
        .any(|e| matches!(e, RunEvent::Log(l) if l.message == "read request")));
    assert!(
        !events.iter().any(|e| matches!(e, RunEvent::Pull(_))),
        "nothing pulled"
    );
    assert_no_leftovers().await;
}

#[tokio::test]
async fn large_request_is_delivered_whole() {
    let _turn = setup().await;
    let image = images::image(&images::SPEC_JSON);
    // Far beyond any pipe buffer: stdin is written while output is read.
    let request = vec![b' '; 8 << 20];
    let (result, _) = run(
        &image,
        invocation(&request, Duration::from_secs(60)),
        &offline(),
    )
    .await;
    let exit = result.unwrap();
    assert_eq!(exit.code, Some(0));
    assert_eq!(log_fields(&exit, "read request")["bytes"], request.len());
    assert_no_leftovers().await;
}

#[tokio::test]
async fn host_network_and_engine_default_network() {
    let _turn = setup().await;
    let image = images::image(&images::SPEC_JSON);
    let host = DockerOptions {
        network: Some("host".into()),
        ..offline()
    };
    let (result, _) = run(
        &image,
        invocation(SPEC_REQUEST, Duration::from_secs(30)),
        &host,
    )
    .await;
    let exit = result.unwrap();
    let net = log_fields(&exit, "read request")["net"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        net.split(',').any(|n| n == "lo") && net != "lo",
        "host interfaces: {net}"
    );

    // The engine default (no --network): still starts on an engine run with --bridge=none.
    let default = DockerOptions {
        network: None,
        ..offline()
    };
    let (result, _) = run(
        &image,
        invocation(SPEC_REQUEST, Duration::from_secs(30)),
        &default,
    )
    .await;
    assert_eq!(result.unwrap().code, Some(0));
    assert_no_leftovers().await;
}

#[tokio::test]
async fn labels_digest_and_protocol_detection() {
    let _turn = setup().await;
    let json_image = images::image(&images::SPEC_JSON);
    let proto_image = images::image(&images::PROTO);
    let airbyte_image = images::image(&images::AIRBYTE);

    let info = inspect_image(&json_image).await.unwrap();
    assert_eq!(info.protocol, ImageProtocol::FlowJson);
    assert_eq!(info.runtime_protocol.as_deref(), Some("capture"));
    assert_eq!(info.labels["FLOW_RUNTIME_CODEC"], "json");
    assert!(info.digest.starts_with("sha256:"), "{}", info.digest);
    assert_eq!(info.entrypoint, ["/connector"]);

    let proto = inspect_image(&proto_image).await.unwrap();
    assert_eq!(proto.protocol, ImageProtocol::FlowProto);
    assert_ne!(proto.digest, info.digest);

    let airbyte = inspect_image(&airbyte_image).await.unwrap();
    assert_eq!(airbyte.protocol, ImageProtocol::Airbyte);
    assert_eq!(airbyte.labels["io.airbyte.version"], "0.1.0");
    assert!(airbyte
        .env
        .iter()
        .any(|e| e == "AIRBYTE_ENTRYPOINT=/connector"));

    // prepare_image with a present image inspects without pulling.
    let (tx, mut rx) = mpsc::unbounded_channel();
    let prepared = prepare_image(
        &json_image,
        PullPolicy::Missing,
        &tx,
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(prepared.digest, info.digest);
    assert!(rx.try_recv().is_err(), "no pull events for a present image");
    assert_no_leftovers().await;
}

#[tokio::test]
async fn protobuf_payload_round_trip() {
    let _turn = setup().await;
    let image = images::image(&images::PROTO);
    // A length-prefixed request: Request{spec: {connector_type: 7}}.
    let request = [4u8, 0, 0, 0, 0x0a, 0x02, 0x08, 0x07];
    let (result, _) = run(
        &image,
        invocation(&request, Duration::from_secs(30)),
        &offline(),
    )
    .await;
    let exit = result.unwrap();
    assert_eq!(exit.code, Some(0));
    let out = &exit.stdout;
    let len = u32::from_le_bytes(out[..4].try_into().unwrap()) as usize;
    assert_eq!(len, out.len() - 4, "one framed message");
    // Response.spec (field 1), then Spec.protocol (field 1, varint) = 3032023.
    assert_eq!(out[4], 0x0a);
    assert_eq!(&out[6..11], &[0x08, 0xd7, 0x87, 0xb9, 0x01]);
    assert_no_leftovers().await;
}

#[tokio::test]
async fn nonzero_exit_keeps_last_error_log() {
    let _turn = setup().await;
    let image = images::image(&images::FAIL);
    let (result, events) = run(
        &image,
        invocation(SPEC_REQUEST, Duration::from_secs(30)),
        &offline(),
    )
    .await;
    let exit = result.expect("a failing connector is not a transport error");
    assert_eq!(exit.code, Some(3));
    assert!(exit.stdout.is_empty());
    assert_eq!(exit.last_error(), Some("config invalid: missing host"));
    assert_eq!(exit.logs.len(), 3);
    assert_eq!(exit.logs[1].level, LogLevel::Error);
    assert_eq!(exit.logs[1].fields, Some(json!({"field": "host"})));
    let streamed = events
        .iter()
        .filter(|e| matches!(e, RunEvent::Log(_)))
        .count();
    assert_eq!(streamed, 3, "every log line is streamed as it comes");
    assert_no_leftovers().await;
}

#[tokio::test]
async fn no_response_is_empty_stdout() {
    let _turn = setup().await;
    let image = images::image(&images::SILENT);
    let (result, _) = run(
        &image,
        invocation(SPEC_REQUEST, Duration::from_secs(30)),
        &offline(),
    )
    .await;
    let exit = result.unwrap();
    assert_eq!(exit.code, Some(0));
    assert!(exit.stdout.is_empty());
    assert!(exit.logs.is_empty());
    assert_no_leftovers().await;
}

#[tokio::test]
async fn oversized_output_is_bounded() {
    let _turn = setup().await;
    let image = images::image(&images::FLOOD);
    let started = Instant::now();
    let (result, _) = run(&image, invocation(b"", Duration::from_secs(60)), &offline()).await;
    match result {
        Err(ConnectorError::OutputTooLarge { limit }) => assert_eq!(limit, 64 << 20),
        other => panic!("expected OutputTooLarge, got {other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    assert_no_leftovers().await;
}

#[tokio::test]
async fn hung_connector_times_out_and_is_removed() {
    let _turn = setup().await;
    let image = images::image(&images::HANG);
    let started = Instant::now();
    let (result, _) = run(
        &image,
        invocation(SPEC_REQUEST, Duration::from_secs(2)),
        &offline(),
    )
    .await;
    assert!(
        matches!(result, Err(ConnectorError::Timeout(t)) if t == Duration::from_secs(2)),
        "{result:?}"
    );
    let took = started.elapsed();
    // At least the timeout; the upper bound only catches a timeout that never fires (removing
    // the container can take seconds on a loaded machine).
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(60),
        "{took:?}"
    );
    assert_no_leftovers().await;
}

#[tokio::test]
async fn cancel_mid_run_removes_container() {
    let _turn = setup().await;
    let image = images::image(&images::HANG);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let cancel = CancellationToken::new();
    let canceller = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            // Cancel once the connector is running and we are waiting for its answer.
            while let Some(e) = rx.recv().await {
                if matches!(&e, RunEvent::Phase(p) if p == "waiting for response") {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    cancel.cancel();
                    return true;
                }
            }
            false
        })
    };
    let started = Instant::now();
    let result = invoke_docker(
        &image,
        invocation(SPEC_REQUEST, Duration::from_secs(120)),
        tx,
        cancel,
        &offline(),
    )
    .await;
    assert!(
        matches!(result, Err(ConnectorError::Cancelled)),
        "{result:?}"
    );
    assert!(canceller.await.unwrap(), "cancelled mid-run");
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_no_leftovers().await;
}

#[tokio::test]
async fn dropping_the_run_still_removes_its_container() {
    let _turn = setup().await;
    let image = images::image(&images::HANG);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let opts = offline();
    let run = invoke_docker(
        &image,
        invocation(SPEC_REQUEST, Duration::from_secs(120)),
        tx,
        CancellationToken::new(),
        &opts,
    );
    let docker = connect().await.unwrap();
    // Dropped once its container runs and it waits for the answer (an event, not a guess at
    // how long starting takes).
    let started = async {
        while let Some(e) = rx.recv().await {
            if matches!(&e, RunEvent::Phase(p) if p == "waiting for response") {
                let running = list_managed_containers(&docker, Some(std::process::id()))
                    .await
                    .unwrap();
                assert_eq!(running.len(), 1, "its container runs: {running:?}");
                return;
            }
        }
        panic!("the run's events ended before it waited for a response");
    };
    tokio::select! {
        r = run => panic!("the hung connector's run ended: {r:?}"),
        () = started => {}
    }
    // The future is dropped at the end of the select; removal was spawned then. The bound
    // only catches a removal that never happens.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = list_managed_containers(&docker, Some(std::process::id()))
            .await
            .unwrap();
        if left.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "still there: {left:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn memory_limit_kill_is_explained() {
    let _turn = setup().await;
    let image = images::image(&images::OOM);
    let small = DockerOptions {
        memory_bytes: 32 << 20,
        ..offline()
    };
    let (result, _) = run(&image, invocation(b"", Duration::from_secs(60)), &small).await;
    let exit = result.unwrap();
    assert_eq!(exit.code, Some(137));
    assert_eq!(
        exit.last_error(),
        Some("the connector ran out of memory (limit 32 MiB) and was killed")
    );
    assert_no_leftovers().await;
}

#[tokio::test]
async fn pull_never_with_missing_image_is_image_missing() {
    let _turn = setup().await;
    let (result, events) = run(
        "flowspec-test/absent:v1",
        invocation(SPEC_REQUEST, Duration::from_secs(30)),
        &offline(),
    )
    .await;
    match result {
        Err(e @ ConnectorError::ImageMissing { .. }) => {
            assert!(e.to_string().contains("flowspec-test/absent:v1"), "{e}");
            assert!(e.to_string().contains("--pull never"), "{e}");
        }
        other => panic!("expected ImageMissing, got {other:?}"),
    }
    assert!(events.is_empty(), "{events:?}");
    assert!(matches!(
        inspect_image("flowspec-test/absent:v1").await,
        Err(ConnectorError::ImageMissing { .. })
    ));
    assert_no_leftovers().await;
}

#[tokio::test]
async fn pulling_a_nonexistent_image_fails_quickly() {
    let _turn = setup().await;
    let missing = DockerOptions {
        pull: PullPolicy::Missing,
        ..offline()
    };
    // A registry on a closed local port (deterministic), then Docker Hub (no network here:
    // must fail, not hang; PULL_STALL_TIMEOUT bounds the worst case).
    for (image, bound) in [
        (
            "127.0.0.1:9/flowspec-test/absent:v1",
            Duration::from_secs(10),
        ),
        ("flowspec-test/absent-nowhere:v1", Duration::from_secs(90)),
    ] {
        let started = Instant::now();
        let (result, events) = tokio::time::timeout(
            bound,
            run(
                image,
                invocation(SPEC_REQUEST, Duration::from_secs(30)),
                &missing,
            ),
        )
        .await
        .unwrap_or_else(|_| panic!("pulling {image} hung"));
        match result {
            Err(ConnectorError::PullFailed { image: i, reason }) => {
                assert_eq!(i, image);
                assert!(!reason.is_empty());
                eprintln!("{image}: {reason} ({:?})", started.elapsed());
            }
            other => panic!("expected PullFailed for {image}, got {other:?}"),
        }
        assert!(events
            .iter()
            .any(|e| matches!(e, RunEvent::Phase(p) if p.starts_with("pulling"))));
    }
    assert_no_leftovers().await;
}

#[tokio::test]
async fn image_without_tag_is_no_tag() {
    // Refused before any engine is contacted.
    let (result, events) = run(
        "flowspec-test/spec-json",
        invocation(SPEC_REQUEST, Duration::from_secs(5)),
        &DockerOptions::default(),
    )
    .await;
    match result {
        Err(e @ ConnectorError::NoTag(_)) => assert!(e.to_string().contains("NAME:TAG"), "{e}"),
        other => panic!("expected NoTag, got {other:?}"),
    }
    assert!(events.is_empty());
    assert!(matches!(
        inspect_image("ghcr.io/estuary/source-postgres").await,
        Err(ConnectorError::NoTag(_))
    ));
}

#[tokio::test]
async fn unreachable_engine_address_is_engine_unavailable() {
    for url in ["unix:///nonexistent.sock", "tcp://127.0.0.1:9", "ftp://x"] {
        let host = DockerHost {
            url: url.into(),
            from_env: true,
        };
        let started = Instant::now();
        match connect_to(&host).await {
            Err(e @ ConnectorError::EngineUnavailable { .. }) => {
                let text = e.to_string();
                eprintln!("{text}");
                assert!(text.contains(url) && text.contains("DOCKER_HOST"), "{text}");
            }
            other => panic!(
                "expected EngineUnavailable for {url}, got {:?}",
                other.err()
            ),
        }
        assert!(started.elapsed() < Duration::from_secs(11));
    }
}

/// Runs the ignored test `name` in a child process of this test binary with `DOCKER_HOST`
/// set: the variable is process-wide, so setting it here would race the other tests.
fn run_child(name: &str, docker_host: &str) {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", name, "--ignored", "--nocapture"])
        .env("DOCKER_HOST", docker_host)
        .env("FLOWSPEC_ENGINE_CHILD", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "child {name} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn in_child() -> bool {
    std::env::var_os("FLOWSPEC_ENGINE_CHILD").is_some()
}

#[test]
fn unreachable_docker_host_is_engine_unavailable() {
    run_child("engine_unavailable_child", "unix:///nonexistent.sock");
}

#[tokio::test]
#[ignore = "run by unreachable_docker_host_is_engine_unavailable with DOCKER_HOST set"]
async fn engine_unavailable_child() {
    if !in_child() {
        return;
    }
    let (result, _) = run(
        "flowspec-test/spec-json:v1",
        invocation(SPEC_REQUEST, Duration::from_secs(5)),
        &DockerOptions::default(),
    )
    .await;
    let e = result.unwrap_err();
    assert!(
        matches!(e, ConnectorError::EngineUnavailable { .. }),
        "{e:?}"
    );
    let text = e.to_string();
    assert!(
        text.contains("unix:///nonexistent.sock (from DOCKER_HOST)"),
        "{text}"
    );
    assert!(text.contains("start one"), "{text}");
    assert!(matches!(
        inspect_image("flowspec-test/spec-json:v1").await,
        Err(ConnectorError::EngineUnavailable { .. })
    ));
    assert!(matches!(
        remove_managed_containers().await,
        Err(ConnectorError::EngineUnavailable { .. })
    ));
}

/// Forwards TCP connections on 127.0.0.1 to the engine's unix socket, each direction closing
/// its write side when the other ends, so that `tcp://` can be tested without reconfiguring
/// the engine.
fn tcp_to_unix_proxy(socket: std::path::PathBuf) -> std::net::SocketAddr {
    use std::net::{Shutdown, TcpListener};
    use std::os::unix::net::UnixStream;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let Ok(unix) = UnixStream::connect(&socket) else {
                continue;
            };
            let (mut tcp_r, mut unix_w) = (tcp.try_clone().unwrap(), unix.try_clone().unwrap());
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut tcp_r, &mut unix_w);
                let _ = unix_w.shutdown(Shutdown::Write);
            });
            let (mut unix_r, mut tcp_w) = (unix, tcp);
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut unix_r, &mut tcp_w);
                let _ = tcp_w.shutdown(Shutdown::Write);
            });
        }
    });
    addr
}

#[tokio::test]
async fn tcp_docker_host_runs_connectors() {
    let _turn = setup().await;
    images::image(&images::SPEC_JSON);
    let socket = match std::env::var("DOCKER_HOST") {
        Ok(h) if h.starts_with("unix://") => h.trim_start_matches("unix://").to_string(),
        _ => "/var/run/docker.sock".to_string(),
    };
    let addr = tcp_to_unix_proxy(socket.into());
    tokio::task::spawn_blocking(move || run_child("tcp_child", &format!("tcp://{addr}")))
        .await
        .unwrap();
    assert_no_leftovers().await;
}

#[tokio::test]
#[ignore = "run by tcp_docker_host_runs_connectors with DOCKER_HOST=tcp://…"]
async fn tcp_child() {
    if !in_child() {
        return;
    }
    let (result, _) = run(
        "flowspec-test/spec-json:v1",
        invocation(SPEC_REQUEST, Duration::from_secs(30)),
        &offline(),
    )
    .await;
    let exit = result.expect("spec over tcp://");
    assert_eq!(exit.code, Some(0));
    let response: Value = serde_json::from_slice(&exit.stdout).unwrap();
    assert_eq!(response["spec"]["protocol"], 3032023);
    assert_eq!(
        log_fields(&exit, "read request")["bytes"],
        SPEC_REQUEST.len()
    );
    assert_no_leftovers().await;
}

fn files_dirs() -> std::collections::BTreeSet<std::path::PathBuf> {
    std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("flowspec-files-")
        })
        .map(|e| e.path())
        .collect()
}

#[tokio::test]
async fn airbyte_files_are_private_readable_and_removed() {
    let _turn = setup().await;
    let image = images::image(&images::AIRBYTE);
    let before = files_dirs();
    let mut inv = invocation(b"", Duration::from_secs(30));
    inv.args = vec![
        "check".into(),
        "--config".into(),
        "{files}/config.json".into(),
    ];
    inv.files = vec![("config.json".into(), br#"{"api_key":"s3cret"}"#.to_vec())];

    let (result, _) = run(&image, inv, &offline()).await;
    let exit = result.unwrap();
    assert_eq!(exit.code, Some(0), "{:?}", exit.logs);
    let status: Value = serde_json::from_slice(&exit.stdout).unwrap();
    assert_eq!(status["connectionStatus"]["status"], "SUCCEEDED");
    assert_eq!(status["mode"], "600");
    assert_eq!(
        status["writable"], false,
        "mounted read-only at {FILES_MOUNT}"
    );
    assert_eq!(status["config"], json!({"api_key": "s3cret"}));

    let after = files_dirs();
    assert!(
        after.is_subset(&before),
        "left behind: {:?}",
        after.difference(&before)
    );
    assert_no_leftovers().await;
}

#[tokio::test]
async fn pull_like_output_is_logs_not_progress() {
    let _turn = setup().await;
    let image = images::image(&images::PULLISH);
    let (result, events) = run(
        &image,
        invocation(SPEC_REQUEST, Duration::from_secs(30)),
        &offline(),
    )
    .await;
    let exit = result.unwrap();
    assert!(
        !events.iter().any(|e| matches!(e, RunEvent::Pull(_))),
        "{events:?}"
    );
    let messages: Vec<&str> = exit.logs.iter().map(|l| l.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "",
            "Status: Downloaded newer image for flowspec-test/pullish:v1",
            "plain text without a newline at the end"
        ]
    );
    assert_eq!(
        exit.logs[0].fields.as_ref().unwrap()["status"],
        "Downloading"
    );
    let response: Value = serde_json::from_slice(&exit.stdout).unwrap();
    assert_eq!(response["spec"]["protocol"], 3032023);
    assert_no_leftovers().await;
}

#[tokio::test]
async fn remove_managed_containers_removes_leftovers() {
    let _turn = setup().await;
    let image = images::image(&images::SILENT);
    // A leftover as a crashed flowspec would leave it: created, labelled, never removed.
    let docker = connect().await.unwrap();
    let labels = std::collections::HashMap::from([
        (LABEL_MANAGED.to_string(), "true".to_string()),
        (LABEL_PID.to_string(), std::process::id().to_string()),
    ]);
    docker
        .create_container(
            None,
            bollard::models::ContainerCreateBody {
                image: Some(image),
                labels: Some(labels),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mine = list_managed_containers(&docker, Some(std::process::id()))
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert!(remove_managed_containers().await.unwrap() >= 1);
    assert_no_leftovers().await;
}

const JSON_LABELS: &[(&str, &str)] = &[
    ("FLOW_RUNTIME_PROTOCOL", "capture"),
    ("FLOW_RUNTIME_CODEC", "json"),
];

async fn start_registry(padding: &'static [usize], chunk_delay: Duration) -> Registry {
    tokio::task::spawn_blocking(move || {
        Registry::start(
            "flowspec-test/pulled",
            "v1",
            &images::SPEC_JSON,
            JSON_LABELS,
            padding,
            chunk_delay,
        )
    })
    .await
    .unwrap()
}

/// Pulled images carry the registry's random port: remove them so runs do not pile them up.
async fn remove_image(reference: &str) {
    let docker = connect().await.unwrap();
    let options = bollard::query_parameters::RemoveImageOptionsBuilder::default()
        .force(true)
        .build();
    let _ = docker.remove_image(reference, Some(options), None).await;
}

fn pull_events(events: &[RunEvent]) -> Vec<PullProgress> {
    events
        .iter()
        .filter_map(|e| match e {
            RunEvent::Pull(p) => Some(p.clone()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn pull_missing_streams_aggregated_progress_then_runs() {
    let _turn = setup().await;
    // About 80 throttled 64 KiB chunks of padding: a pull of a second or two.
    let reg = start_registry(&[3 << 20, 2 << 20], Duration::from_millis(15)).await;
    let opts = DockerOptions {
        pull: PullPolicy::Missing,
        ..offline()
    };
    let started = Instant::now();
    let (result, events) = run(
        &reg.reference,
        invocation(SPEC_REQUEST, Duration::from_secs(30)),
        &opts,
    )
    .await;
    let took = started.elapsed();
    let exit = result.expect("pulled and ran");
    assert_eq!(exit.code, Some(0));
    let response: Value = serde_json::from_slice(&exit.stdout).unwrap();
    assert_eq!(response["spec"]["protocol"], 3032023);

    let pulls = pull_events(&events);
    eprintln!(
        "{} progress events in {took:?}; last {:?}",
        pulls.len(),
        pulls.last()
    );
    let last = pulls.last().expect("progress events");
    assert_eq!((last.layers_done, last.layers), (3, 3), "{last:?}");
    assert_eq!(last.current, last.total);
    let padding: u64 = reg.layer_sizes[1..].iter().sum();
    let all: u64 = reg.layer_sizes.iter().sum();
    assert!(
        last.total >= padding && last.total <= all,
        "{last:?} vs {:?}",
        reg.layer_sizes
    );
    assert!(
        pulls.iter().any(|p| p.current > 0 && p.current < p.total),
        "intermediate progress: {pulls:?}"
    );
    assert!(pulls
        .windows(2)
        .all(|w| w[0].layers_done <= w[1].layers_done));
    let per_second = pulls.len() as f64 / took.as_secs_f64();
    assert!(
        pulls.len() <= 3 || per_second <= 12.0,
        "{per_second:.1} events/s"
    );
    let phases: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            RunEvent::Phase(p) => Some(p.as_str()),
            _ => None,
        })
        .collect();
    assert!(
        phases[0].starts_with("pulling") && phases[1].starts_with("starting"),
        "{phases:?}"
    );

    // A registry image records where it came from.
    let info = inspect_image(&reg.reference).await.unwrap();
    assert_eq!(info.protocol, ImageProtocol::FlowJson);
    assert!(
        info.repo_digests.iter().any(|d| d == &reg.pinned),
        "{:?}",
        info.repo_digests
    );

    // --pull always asks the registry again even though the image is present.
    let always = DockerOptions {
        pull: PullPolicy::Always,
        ..offline()
    };
    let (result, events) = run(
        &reg.reference,
        invocation(SPEC_REQUEST, Duration::from_secs(30)),
        &always,
    )
    .await;
    assert_eq!(result.unwrap().code, Some(0));
    assert!(events
        .iter()
        .any(|e| matches!(e, RunEvent::Phase(p) if p.starts_with("pulling"))));
    assert!(!pull_events(&events).is_empty());

    remove_image(&reg.reference).await;
    assert_no_leftovers().await;
}

#[tokio::test]
async fn pull_by_digest_and_unknown_tag() {
    let _turn = setup().await;
    let reg = start_registry(&[], Duration::ZERO).await;
    let (tx, _rx) = mpsc::unbounded_channel();
    let info = prepare_image(
        &reg.pinned,
        PullPolicy::Missing,
        &tx,
        &CancellationToken::new(),
    )
    .await
    .expect("pull by digest");
    assert!(info.repo_digests.iter().any(|d| d == &reg.pinned));
    assert_eq!(info.protocol, ImageProtocol::FlowJson);

    let unknown = reg.reference.replace(":v1", ":nope");
    match prepare_image(
        &unknown,
        PullPolicy::Missing,
        &tx,
        &CancellationToken::new(),
    )
    .await
    {
        Err(ConnectorError::PullFailed { reason, .. }) => {
            eprintln!("{reason}");
            assert!(
                reason.contains("not found") || reason.contains("unknown"),
                "{reason}"
            );
        }
        other => panic!("expected PullFailed, got {other:?}"),
    }
    remove_image(&reg.pinned).await;
}

#[tokio::test]
async fn cancel_during_pull_abandons_it() {
    let _turn = setup().await;
    // 128 chunks at 50 ms: a pull of about 6 s unless cancelled.
    let reg = start_registry(&[8 << 20], Duration::from_millis(50)).await;
    let opts = DockerOptions {
        pull: PullPolicy::Missing,
        ..offline()
    };
    let (tx, mut rx) = mpsc::unbounded_channel();
    let cancel = CancellationToken::new();
    let canceller = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            while let Some(e) = rx.recv().await {
                if matches!(&e, RunEvent::Pull(p) if p.current > 0) {
                    cancel.cancel();
                    return Some(Instant::now());
                }
            }
            None
        })
    };
    let result = invoke_docker(
        &reg.reference,
        invocation(SPEC_REQUEST, Duration::from_secs(60)),
        tx,
        cancel,
        &opts,
    )
    .await;
    let returned = Instant::now();
    assert!(
        matches!(result, Err(ConnectorError::Cancelled)),
        "{result:?}"
    );
    let cancelled_at = canceller.await.unwrap().expect("cancelled after progress");
    // Well before the ~6 s the pull would still take; abandoning it is proven below.
    assert!(
        returned - cancelled_at < Duration::from_secs(5),
        "{:?}",
        returned - cancelled_at
    );

    // The engine stops downloading once our connection closes.
    let deadline = Instant::now() + Duration::from_secs(20);
    while reg.aborted_downloads() == 0 {
        assert!(Instant::now() < deadline, "the engine kept pulling");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(matches!(
        inspect_image(&reg.reference).await,
        Err(ConnectorError::ImageMissing { .. })
    ));
    assert_no_leftovers().await;
}

/// The whole path a user takes: `flowspec spec IMAGE` detects the codec from the image's
/// labels, runs it through the engine, caches the spec by the image's digest, and the second
/// call answers from the cache without starting a container.
#[tokio::test]
async fn cli_spec_of_an_image_detects_runs_and_caches() {
    let _turn = setup().await;
    let image = tokio::task::spawn_blocking(|| images::image(&images::SPEC_JSON))
        .await
        .unwrap();
    let cache = tempfile::tempdir().unwrap();
    let spec = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_flowspec"))
            .env("XDG_CACHE_HOME", cache.path())
            .args(["spec", "--json", "--pull", "never", "--network", "none"])
            .args(extra)
            .arg(&image)
            .output()
            .unwrap()
    };
    let first = spec(&[]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let out: Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(out["protocol"], 3032023);
    let cached = std::fs::read_dir(cache.path().join("flowspec/specs"))
        .unwrap()
        .count();
    // Once by the image's digest (what the next run looks up) and once by the reference the
    // catalog names it with (what `check` reads, without contacting the engine).
    assert_eq!(cached, 2, "the spec is cached under the user's cache dir");
    assert!(
        String::from_utf8_lossy(&first.stderr).contains("connector "),
        "the first run shows the connector's log: {}",
        String::from_utf8_lossy(&first.stderr)
    );
    let second = spec(&[]);
    assert!(second.status.success());
    assert_eq!(first.stdout, second.stdout);
    assert!(
        !String::from_utf8_lossy(&second.stderr).contains("connector "),
        "no connector ran: {}",
        String::from_utf8_lossy(&second.stderr)
    );
    // The readable form says what it ran and what the protocol number means.
    let text = std::process::Command::new(env!("CARGO_BIN_EXE_flowspec"))
        .env("XDG_CACHE_HOME", cache.path())
        .args(["spec", "--pull", "never", "--network", "none"])
        .arg(&image)
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.starts_with(&format!("{image}  (capture image, flow-json)\n")),
        "{text}"
    );
    assert!(
        text.contains("protocol        Flow connector protocol 3032023 (the version Flow requires), as JSON lines"),
        "{text}"
    );
    // `config template --image` goes the same way (and hits the same cache).
    let template = std::process::Command::new(env!("CARGO_BIN_EXE_flowspec"))
        .env("XDG_CACHE_HOME", cache.path())
        .args([
            "config",
            "template",
            "--pull",
            "never",
            "--network",
            "none",
            "--image",
        ])
        .arg(&image)
        .output()
        .unwrap();
    assert!(
        template.status.success(),
        "{}",
        String::from_utf8_lossy(&template.stderr)
    );
    assert!(
        !String::from_utf8_lossy(&template.stderr).contains("connector "),
        "answered from the spec cache"
    );
    assert_no_leftovers().await;
}
