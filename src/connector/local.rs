//! The local transport: runs a `local` endpoint's command as Flow's runtime does
//! (`crates/runtime/src/local_connector.rs`): no shell, the caller's working directory, the
//! inherited environment plus the endpoint's `env`, and `LOG_LEVEL` set.
//!
//! The child gets its own process group so that a timeout or a cancel kills everything it
//! started (a Python connector's workers, a shell script's `sleep`), not just the direct child.
//! Files an invocation needs (Airbyte's `--config FILE`) are written 0600 into a private 0700
//! temporary directory that is removed when the run ends, so secrets never appear in argv,
//! the environment or logs.

use std::collections::VecDeque;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWriteExt, BufReader};
use tokio::process::Command;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::codec;
use super::logs;
use super::transport::{ConnectorError, Exit, Invocation, LogLine, RunEvent};

/// The placeholder in [`Invocation::args`] replaced by the private files directory.
pub const FILES_PLACEHOLDER: &str = "{files}";

/// stderr lines kept per run (the newest win); every line is still streamed as an event.
pub const MAX_KEPT_LOG_LINES: usize = 10_000;

/// Bytes of one stderr line buffered before the rest of it is dropped.
const MAX_LINE_BYTES: usize = 64 * 1024;

/// How long to wait for a killed process group to be reaped.
const REAP_GRACE: Duration = Duration::from_secs(5);

/// Runs `command` once with `inv`. A non-zero exit is not an error here: the [`Exit`] carries
/// the code and the parsed stderr, and the caller decides (see `run.rs`).
pub async fn invoke_local(
    command: &[String],
    inv: Invocation,
    events: UnboundedSender<RunEvent>,
    cancel: CancellationToken,
) -> Result<Exit, ConnectorError> {
    let Some(program) = command.first() else {
        return Err(ConnectorError::Start {
            what: "the local connector".into(),
            reason: "its `command` is empty".into(),
        });
    };
    if cancel.is_cancelled() {
        return Err(ConnectorError::Cancelled);
    }

    // Kept alive until the function returns, then removed with its contents.
    let files_dir =
        if !inv.files.is_empty() || inv.args.iter().any(|a| a.contains(FILES_PLACEHOLDER)) {
            Some(write_private_files(&inv.files)?)
        } else {
            None
        };
    let files_path = files_dir
        .as_ref()
        .map(|d| d.path().display().to_string())
        .unwrap_or_default();

    let mut cmd = Command::new(program);
    cmd.args(&command[1..])
        .args(
            inv.args
                .iter()
                .map(|a| a.replace(FILES_PLACEHOLDER, &files_path)),
        )
        .envs(inv.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    if !inv.env.iter().any(|(k, _)| k == "LOG_LEVEL") {
        cmd.env("LOG_LEVEL", "info");
    }

    let _ = events.send(RunEvent::Phase(format!("starting {program}")));
    let mut child = cmd.spawn().map_err(|e| ConnectorError::Start {
        what: format!("`{program}`"),
        reason: crate::catalog::load::io_message(&e),
    })?;
    let pgid = child.id().map(|id| id as libc::pid_t);
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    let _ = events.send(RunEvent::Phase("waiting for response".into()));

    let request = inv.stdin;
    let write_stdin = async move {
        // A connector may exit without reading its request (a failing spec, a bad flag):
        // a broken pipe here is not the interesting error, its exit status and logs are.
        let _ = stdin.write_all(&request).await;
        let _ = stdin.shutdown().await;
        drop(stdin);
    };
    let read_stdout = async {
        let r = codec::read_bounded(stdout, inv.max_output).await;
        if r.is_err() {
            // Stop a connector that keeps writing past the limit right away.
            kill_group(pgid);
        }
        r
    };
    let read_stderr = read_logs(stderr, &events);

    let outcome = {
        let run = async {
            let (stdout, logs, status) = tokio::join!(read_stdout, read_stderr, async {
                write_stdin.await;
                child.wait().await
            });
            (stdout, logs, status)
        };
        tokio::select! {
            done = run => Ok(done),
            _ = tokio::time::sleep(inv.timeout) => Err(ConnectorError::Timeout(inv.timeout)),
            _ = cancel.cancelled() => Err(ConnectorError::Cancelled),
        }
    };
    // Always: after a timeout or cancel this stops the connector, and after a normal exit it
    // stops anything the connector left running in the background.
    kill_group(pgid);
    let _ = tokio::time::timeout(REAP_GRACE, child.wait()).await;
    drop(files_dir);

    let (stdout, logs, status) = outcome?;
    let status = status.map_err(|e| ConnectorError::Io(format!("waiting for {program}: {e}")))?;
    Ok(Exit {
        stdout: stdout?,
        code: status.code().map(i64::from),
        logs,
    })
}

/// Sends SIGKILL to the whole process group (no-op once it is gone).
fn kill_group(pgid: Option<libc::pid_t>) {
    if let Some(pgid) = pgid.filter(|p| *p > 1) {
        // SAFETY: killpg has no memory-safety preconditions; ESRCH (no such group) is fine.
        unsafe {
            libc::killpg(pgid, libc::SIGKILL);
        }
    }
}

/// Creates the private directory (0700) and writes each file (0600, created fresh).
fn write_private_files(files: &[(String, Vec<u8>)]) -> Result<tempfile::TempDir, ConnectorError> {
    let io = |what: &str, e: std::io::Error| ConnectorError::Io(format!("{what}: {e}"));
    let dir = tempfile::Builder::new()
        .prefix("flowspec-connector-")
        .tempdir()
        .map_err(|e| io("cannot create a private temporary directory", e))?;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))
        .map_err(|e| io("cannot restrict the temporary directory", e))?;
    for (name, content) in files {
        let plain = Path::new(name)
            .file_name()
            .is_some_and(|f| f == std::ffi::OsStr::new(name));
        if !plain {
            return Err(ConnectorError::Io(format!(
                "connector file name `{name}` must be a plain file name"
            )));
        }
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(dir.path().join(name))
            .map_err(|e| io(&format!("cannot create {name}"), e))?;
        f.write_all(content)
            .map_err(|e| io(&format!("cannot write {name}"), e))?;
    }
    Ok(dir)
}

/// Reads stderr line by line: every line is parsed, streamed as [`RunEvent::Log`] and kept
/// (the newest [`MAX_KEPT_LOG_LINES`]). Overlong lines are cut, not buffered whole.
pub async fn read_logs<R: AsyncRead + Unpin>(
    stderr: R,
    events: &UnboundedSender<RunEvent>,
) -> Vec<LogLine> {
    let mut reader = BufReader::new(stderr);
    let mut kept = VecDeque::new();
    let mut line = Vec::new();
    let mut emit = |line: &mut Vec<u8>| {
        if !line.iter().all(u8::is_ascii_whitespace) {
            let parsed = logs::parse_line(&String::from_utf8_lossy(line));
            let _ = events.send(RunEvent::Log(parsed.clone()));
            if kept.len() == MAX_KEPT_LOG_LINES {
                kept.pop_front();
            }
            kept.push_back(parsed);
        }
        line.clear();
    };
    while let Ok(buf) = reader.fill_buf().await {
        if buf.is_empty() {
            emit(&mut line);
            break;
        }
        let (chunk, used, complete) = match buf.iter().position(|b| *b == b'\n') {
            Some(i) => (&buf[..i], i + 1, true),
            None => (buf, buf.len(), false),
        };
        let room = MAX_LINE_BYTES.saturating_sub(line.len());
        line.extend_from_slice(&chunk[..chunk.len().min(room)]);
        reader.consume(used);
        if complete {
            emit(&mut line);
        }
    }
    kept.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connector::transport::LogLevel;
    use std::path::PathBuf;
    use std::time::Instant;

    fn script(dir: &Path, name: &str, body: &str) -> String {
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path.display().to_string()
    }

    fn inv(stdin: &[u8], timeout_ms: u64) -> Invocation {
        Invocation {
            args: vec![],
            stdin: stdin.to_vec(),
            files: vec![],
            env: vec![],
            timeout: Duration::from_millis(timeout_ms),
            max_output: 1 << 20,
        }
    }

    async fn run(
        command: &[String],
        inv: Invocation,
    ) -> (Result<Exit, ConnectorError>, Vec<RunEvent>) {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let r = invoke_local(command, inv, tx, CancellationToken::new()).await;
        let mut events = Vec::new();
        while let Ok(e) = rx.try_recv() {
            events.push(e);
        }
        (r, events)
    }

    /// `kill -0` fails once a process is gone; a zombie waiting for init to reap it is dead too.
    fn alive(pid: &str) -> bool {
        let ok = std::process::Command::new("sh")
            .args(["-c", &format!("kill -0 {pid} 2>/dev/null")])
            .status()
            .unwrap()
            .success();
        let zombie = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| {
                s.rsplit(')')
                    .next()
                    .unwrap_or("")
                    .trim_start()
                    .starts_with('Z')
            })
            .unwrap_or(false);
        ok && !zombie
    }

    fn wait_dead(pids: &[String]) {
        let start = Instant::now();
        while pids.iter().any(|p| alive(p)) {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "still alive after kill: {pids:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    #[tokio::test]
    async fn stdin_stdout_env_and_logs() {
        let dir = tempfile::tempdir().unwrap();
        let s = script(
            dir.path(),
            "echo.sh",
            r#"echo "{\"level\":\"debug\",\"msg\":\"env $GREETING $LOG_LEVEL\"}" >&2
echo "plain text line" >&2
cat"#,
        );
        let mut i = inv(b"{\"spec\":{}}\n", 10_000);
        i.env.push(("GREETING".into(), "hello".into()));
        let (r, events) = run(&[s], i).await;
        let exit = r.unwrap();
        assert_eq!(exit.code, Some(0));
        assert_eq!(exit.stdout, b"{\"spec\":{}}\n");
        assert_eq!(exit.logs.len(), 2);
        assert_eq!(exit.logs[0].level, LogLevel::Debug);
        assert_eq!(exit.logs[0].message, "env hello info");
        assert_eq!(exit.logs[1].message, "plain text line");
        let streamed: Vec<_> = events
            .iter()
            .filter_map(|e| match e {
                RunEvent::Log(l) => Some(l.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(streamed, exit.logs);
    }

    #[tokio::test]
    async fn arguments_are_passed_without_a_shell() {
        let dir = tempfile::tempdir().unwrap();
        let s = script(
            dir.path(),
            "args.sh",
            r#"for a in "$@"; do echo "[$a]"; done"#,
        );
        let (r, _) = run(
            &[s, "a b".into(), "$HOME".into(), "*".into()],
            inv(b"", 10_000),
        )
        .await;
        assert_eq!(
            String::from_utf8(r.unwrap().stdout).unwrap(),
            "[a b]\n[$HOME]\n[*]\n"
        );
    }

    #[tokio::test]
    async fn non_zero_exit_keeps_code_and_last_error_log() {
        let dir = tempfile::tempdir().unwrap();
        let s = script(
            dir.path(),
            "fail.sh",
            r#"echo '{"level":"info","msg":"connecting"}' >&2
echo '{"level":"error","msg":"password authentication failed for user \"flow\""}' >&2
echo '{"level":"info","msg":"shutting down"}' >&2
exit 3"#,
        );
        let (r, _) = run(&[s], inv(b"", 10_000)).await;
        let exit = r.unwrap();
        assert_eq!(exit.code, Some(3));
        assert_eq!(
            exit.last_error(),
            Some("password authentication failed for user \"flow\"")
        );
    }

    #[tokio::test]
    async fn files_are_private_and_removed_afterwards() {
        let dir = tempfile::tempdir().unwrap();
        let s = script(
            dir.path(),
            "files.sh",
            r#"[ "$1" = "--config" ] || exit 9
stat -c '%a' "$(dirname "$2")" "$2"
dirname "$2"
cat "$2""#,
        );
        let mut i = inv(b"", 10_000);
        i.args = vec!["--config".into(), "{files}/config.json".into()];
        i.files = vec![("config.json".into(), b"{\"secret\":\"s3cr3t\"}".to_vec())];
        let (r, events) = run(&[s], i).await;
        let exit = r.unwrap();
        let out = String::from_utf8(exit.stdout).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(&lines[..2], ["700", "600"], "{out}");
        assert!(!PathBuf::from(lines[2]).exists(), "temp dir left behind");
        assert_eq!(lines[3], "{\"secret\":\"s3cr3t\"}");
        // The secret never shows up in what flowspec reports.
        assert!(!format!("{events:?}").contains("s3cr3t"));

        let mut bad = inv(b"", 1000);
        bad.files = vec![("../escape".into(), vec![])];
        let (r, _) = run(&["true".into()], bad).await;
        assert!(matches!(r, Err(ConnectorError::Io(m)) if m.contains("plain file name")));
    }

    #[tokio::test]
    async fn hung_connector_times_out_and_its_process_group_dies() {
        let dir = tempfile::tempdir().unwrap();
        let pids = dir.path().join("pids");
        let s = script(
            dir.path(),
            "hang.sh",
            &format!(
                "sleep 1000 &\necho $! > {p}\necho $$ >> {p}\necho '{{\"level\":\"info\",\"msg\":\"working\"}}' >&2\nwait",
                p = pids.display()
            ),
        );
        let start = Instant::now();
        // Long enough for the script to have started its child and written both pids even on
        // a loaded machine (with 700 ms the timeout could fire first, leaving no pid file).
        let (r, _) = run(&[s], inv(b"", 3000)).await;
        assert!(matches!(r, Err(ConnectorError::Timeout(d)) if d == Duration::from_secs(3)));
        assert!(start.elapsed() < Duration::from_secs(30));
        let pids: Vec<String> = std::fs::read_to_string(&pids)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        assert_eq!(pids.len(), 2);
        wait_dead(&pids);
    }

    #[tokio::test]
    async fn cancel_mid_run_kills_the_process_group() {
        let dir = tempfile::tempdir().unwrap();
        let pids = dir.path().join("pids");
        let s = script(
            dir.path(),
            "hang.sh",
            &format!(
                "sleep 1000 &\necho $! > {p}\necho $$ >> {p}\nwait",
                p = pids.display()
            ),
        );
        let cancel = CancellationToken::new();
        let c2 = cancel.clone();
        let pids2 = pids.clone();
        tokio::spawn(async move {
            // Cancel once the connector is surely running.
            while !std::fs::read_to_string(&pids2).is_ok_and(|s| s.lines().count() == 2) {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            c2.cancel();
        });
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        let start = Instant::now();
        let r = invoke_local(&[s], inv(b"", 60_000), tx, cancel).await;
        assert!(matches!(r, Err(ConnectorError::Cancelled)), "{r:?}");
        assert!(start.elapsed() < Duration::from_secs(10));
        let pids: Vec<String> = std::fs::read_to_string(&pids)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        wait_dead(&pids);

        // Cancelled before the start: nothing runs.
        let cancel = CancellationToken::new();
        cancel.cancel();
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        let r = invoke_local(&["true".into()], inv(b"", 1000), tx, cancel).await;
        assert!(matches!(r, Err(ConnectorError::Cancelled)));
    }

    #[tokio::test]
    async fn endless_output_stops_at_the_limit() {
        let start = Instant::now();
        let mut i = inv(b"", 30_000);
        i.max_output = 100_000;
        let (r, _) = run(&["yes".into()], i).await;
        assert!(matches!(
            r,
            Err(ConnectorError::OutputTooLarge { limit: 100_000 })
        ));
        assert!(start.elapsed() < Duration::from_secs(10));
    }

    #[tokio::test]
    async fn missing_program_and_unread_stdin() {
        let (r, _) = run(&["/nonexistent/connector".into()], inv(b"", 1000)).await;
        let e = r.unwrap_err();
        assert!(
            matches!(&e, ConnectorError::Start { reason, .. } if reason == "file not found"),
            "{e}"
        );
        // A connector that never reads a large request still reports its exit.
        let (r, _) = run(&["false".into()], inv(&vec![b'x'; 4 << 20], 10_000)).await;
        assert_eq!(r.unwrap().code, Some(1));
    }

    #[tokio::test]
    async fn long_stderr_lines_are_cut_and_many_lines_capped() {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut input = vec![b'a'; 200_000];
        input.push(b'\n');
        for i in 0..(MAX_KEPT_LOG_LINES + 5) {
            input.extend_from_slice(format!("line {i}\n").as_bytes());
        }
        let logs = read_logs(&input[..], &tx).await;
        assert_eq!(logs.len(), MAX_KEPT_LOG_LINES);
        assert_eq!(
            logs.last().unwrap().message,
            format!("line {}", MAX_KEPT_LOG_LINES + 4)
        );
        let first = match rx.try_recv().unwrap() {
            RunEvent::Log(l) => l,
            other => panic!("{other:?}"),
        };
        assert_eq!(first.message.len(), logs::MAX_LINE);
    }
}
