//! The tmux harness of the end-to-end tests: the real binary in a real terminal emulator, keys
//! in, screen out, and the terminal checked to be sane after every way of exiting. Every test
//! runs its own tmux server and names its own processes, so tests never see each other's.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// How long any wait on the terminal, a file or a process may take before the test fails.
/// Every wait polls for its event and returns as soon as it happens, so this only bounds a
/// hang: generous, so that a loaded two-core machine running several suites never reaches it.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// One tmux server (own socket) running one shell command.
pub struct Tmux {
    pub socket: String,
    pub dir: tempfile::TempDir,
}

impl Tmux {
    pub fn start(width: u16, height: u16, command: &str, env: &[(&str, &str)]) -> Tmux {
        assert!(
            Command::new("tmux").arg("-V").output().is_ok(),
            "tmux is required for the end-to-end tests (apt-get install tmux; .ci/run installs it)"
        );
        let dir = tempfile::tempdir().unwrap();
        let socket = format!(
            "flowspec-e2e-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let mut cmd = Command::new("tmux");
        cmd.args(["-L", &socket, "-f", "/dev/null", "new-session", "-d"])
            .args(["-x", &width.to_string(), "-y", &height.to_string()])
            .env("HOME", dir.path())
            .env("XDG_STATE_HOME", dir.path().join("state"))
            .env_remove("NO_COLOR")
            .env("TERM", "xterm-256color");
        for (k, v) in env {
            cmd.arg("-e").arg(format!("{k}={v}"));
        }
        cmd.arg(command);
        let status = cmd.status().unwrap();
        assert!(status.success(), "tmux new-session failed");
        Tmux { socket, dir }
    }

    pub fn keys(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["-L", &self.socket, "send-keys"])
            .args(keys)
            .status()
            .unwrap();
        assert!(status.success());
    }

    pub fn literal(&self, text: &str) {
        let status = Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-l", text])
            .status()
            .unwrap();
        assert!(status.success());
    }

    pub fn screen_with(&self, escapes: bool) -> String {
        let mut args = vec!["-L", &self.socket, "capture-pane", "-p"];
        if escapes {
            args.push("-e");
        }
        let out = Command::new("tmux").args(&args).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        self.screen_with(false)
    }

    /// The bottom line of the screen: flowspec's footer (key hints, or the status message).
    pub fn footer(&self) -> String {
        let screen = self.screen();
        screen
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or_default()
            .to_string()
    }

    /// Waits until the screen no longer contains `text` (a message dismissed, an overlay
    /// closed) before the next key, so that keys meant for what comes next are not taken by
    /// what is leaving, and an Esc is never read together with the next key as Alt-key.
    pub fn wait_gone(&self, text: &str) {
        self.wait_until(&format!("{text:?} to go away"), || {
            !self.screen().contains(text)
        });
    }

    /// Waits until the screen contains `text`; panics with the screen after [`DEADLINE`].
    pub fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            if start.elapsed() > DEADLINE {
                panic!("timed out waiting for {text:?}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the screen contains every one of `texts` at once. A redraw reaches the pty
    /// in several writes and a capture can land between them, so a test that checks several
    /// parts of a screen waits for all of them rather than asserting on the first capture that
    /// shows one.
    pub fn wait_for_all(&self, texts: &[&str]) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if texts.iter().all(|text| s.contains(text)) {
                return s;
            }
            if start.elapsed() > DEADLINE {
                let missing: Vec<_> = texts.iter().filter(|t| !s.contains(*t)).collect();
                panic!("timed out waiting for {missing:?}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the report at `path` is complete (ends with `END`); panics after
    /// [`DEADLINE`].
    pub fn wait_file(&self, path: &Path) -> String {
        let start = Instant::now();
        loop {
            if let Ok(s) = std::fs::read_to_string(path) {
                if s.contains("\nEND") || s.ends_with("END\n") {
                    return s;
                }
            }
            if start.elapsed() > DEADLINE {
                panic!(
                    "timed out waiting for {}; screen:\n{}",
                    path.display(),
                    self.screen()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Tmux {
    /// A tmux format expanded for the pane: `#{alternate_on}`, `#{cursor_flag}`.
    pub fn format(&self, format: &str) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "display-message", "-p", format])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Waits until `done` holds; panics naming `what`, with the screen, after [`DEADLINE`].
    pub fn wait_until(&self, what: &str, mut done: impl FnMut() -> bool) {
        let start = Instant::now();
        while !done() {
            if start.elapsed() > DEADLINE {
                panic!("timed out waiting for {what}; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Pastes `text` as a terminal would (bracketed if the program asked for it).
    pub fn paste(&self, text: &str) {
        for args in [vec!["set-buffer", "--", text], vec!["paste-buffer", "-p"]] {
            let status = Command::new("tmux")
                .args(["-L", &self.socket])
                .args(&args)
                .status()
                .unwrap();
            assert!(status.success());
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

/// A name no other test in this run uses (process-wide counter plus pid).
pub fn unique(what: &str) -> String {
    format!(
        "{what}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_flowspec")
}

/// Writes the demo catalog into a fresh directory.
pub fn demo(dir: &Path) -> PathBuf {
    let out = Command::new(bin())
        .args(["demo", "--no-open"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir.join("flow.yaml")
}

/// A shell command that runs flowspec on `catalog`, then records the exit status and the
/// terminal settings into `report` (ending with END), then copies one line typed (or pasted)
/// into `report.paste`.
pub fn run_and_report(catalog: &Path, report: &Path, marker: &str, extra: &str) -> String {
    run_args_and_report(&catalog.display().to_string(), report, marker, extra)
}

/// Like [`run_and_report`] for any flowspec arguments (`config edit FILE --schema S`).
pub fn run_args_and_report(args: &str, report: &Path, marker: &str, extra: &str) -> String {
    // The marker names the shell ($0) so a test can tell its processes apart.
    format!(
        "sh -c 'echo $$ > {r}.pid; {} {} {} ; echo \"exit=$?\" > {r}; stty -a >> {r}; echo END >> {r}; head -n 1 > {r}.paste; sleep 30' flowspec-e2e-marker-{marker}",
        extra,
        bin(),
        args,
        r = report.display(),
    )
}

pub fn assert_sane_terminal(report: &str) {
    assert!(
        report.contains(" icanon"),
        "canonical mode restored:\n{report}"
    );
    assert!(report.contains(" echo"), "echo restored:\n{report}");
    assert!(
        !report.contains("-icanon") && !report.contains(" -echo "),
        "{report}"
    );
}

/// Everything flowspec turned on is off again: canonical mode and echo (from the report),
/// the main screen and a visible cursor (from tmux), and bracketed paste (a paste reaches the
/// shell's `head` without bracket codes). The report comes from [`run_args_and_report`].
pub fn assert_terminal_restored(t: &Tmux, report_path: &Path) {
    let report = t.wait_file(report_path);
    assert_sane_terminal(&report);
    assert_eq!(t.format("#{alternate_on}"), "0", "alternate screen left on");
    assert_eq!(t.format("#{cursor_flag}"), "1", "cursor left hidden");
    t.paste("paste-probe");
    t.keys(&["Enter"]);
    let pasted = PathBuf::from(format!("{}.paste", report_path.display()));
    t.wait_until("the pasted line", || {
        std::fs::read_to_string(&pasted).is_ok_and(|s| s.ends_with('\n'))
    });
    assert_eq!(
        std::fs::read_to_string(&pasted).unwrap(),
        "paste-probe\n",
        "bracketed paste left on"
    );
}

/// The exit status in a report (`exit=N`).
pub fn exit_status(report: &str) -> i32 {
    report
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("exit="))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no exit status in {report}"))
}

/// The pid of flowspec started by [`run_args_and_report`]: the only child of the shell that
/// wrote its own pid next to the report. Waits for both (bounded by [`DEADLINE`]).
pub fn flowspec_pid(report: &Path) -> String {
    let pidfile = PathBuf::from(format!("{}.pid", report.display()));
    let start = Instant::now();
    loop {
        let shell = std::fs::read_to_string(&pidfile)
            .unwrap_or_default()
            .trim()
            .to_string();
        if !shell.is_empty() {
            let out = Command::new("pgrep").args(["-P", &shell]).output().unwrap();
            let children = String::from_utf8_lossy(&out.stdout).into_owned();
            if let Some(pid) = children.lines().next() {
                return pid.trim().to_string();
            }
        }
        assert!(
            start.elapsed() < DEADLINE,
            "no child of the shell {shell:?} ({})",
            pidfile.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Is any process running whose command line contains `marker` as a whole word? Markers are
/// unique per test (see [`unique`]), and the match ends at the marker's end (`x-1-1` does not
/// match `x-1-12`), so this never sees another test's processes.
pub fn running(marker: &str) -> bool {
    assert!(
        marker
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        "{marker:?}: markers are plain words, used as a regular expression"
    );
    Command::new("pgrep")
        .args(["-f", &format!("{marker}( |$)")])
        .output()
        .map(|o| !o.stdout.is_empty())
        .unwrap_or(false)
}

/// Waits until no process carries `marker` (see [`running`]); panics naming `why` after
/// [`DEADLINE`]. A killed process disappears asynchronously, so this waits rather than looks
/// once.
pub fn wait_not_running(marker: &str, why: &str) {
    let start = Instant::now();
    while running(marker) {
        assert!(start.elapsed() < DEADLINE, "{why}: {marker} still runs");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Sends `signal` (a name: `TERM`) to `pid`.
pub fn kill(signal: &str, pid: &str) {
    let status = Command::new("kill")
        .args([&format!("-{signal}"), pid])
        .status()
        .unwrap();
    assert!(status.success(), "kill -{signal} {pid}");
}
