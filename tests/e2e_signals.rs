//! End-to-end tests of signals and job control, with the real binary in tmux: every catchable
//! terminating signal restores the terminal and exits with 128+n, running connectors die with
//! the editor, Ctrl-Z and SIGTSTP suspend until `fg`, and a hangup logs no panic.

#[path = "support/tmux.rs"]
mod tmux;

use std::path::{Path, PathBuf};

use tmux::*;

/// Starts flowspec on the demo catalog, waits until it is ready, sends `signal`, and checks
/// the exit status and every terminal mode.
fn signal_restores_terminal(signal: &str, number: i32) {
    let work = tempfile::tempdir().unwrap();
    let catalog = demo(work.path());
    let report = work.path().join("report");
    let marker = unique(&format!("sig{signal}"));
    let t = Tmux::start(80, 24, &run_and_report(&catalog, &report, &marker, ""), &[]);
    t.wait_for("✓ valid");
    assert_eq!(t.format("#{alternate_on}"), "1");
    kill(signal, &flowspec_pid(&report));
    let text = t.wait_file(&report);
    assert_eq!(exit_status(&text), 128 + number, "SIG{signal}: {text}");
    assert_terminal_restored(&t, &report);
    let screen = t.screen();
    assert!(!screen.contains("Entities ("), "{screen}");
}

#[test]
fn sigterm_restores_the_terminal_and_exits_143() {
    signal_restores_terminal("TERM", 15);
}

#[test]
fn sighup_restores_the_terminal_and_exits_129() {
    signal_restores_terminal("HUP", 1);
}

#[test]
fn sigint_restores_the_terminal_and_exits_130() {
    signal_restores_terminal("INT", 2);
}

#[test]
fn sigquit_restores_the_terminal_and_exits_131() {
    signal_restores_terminal("QUIT", 3);
}

#[test]
fn sigusr1_restores_the_terminal_and_exits_138() {
    signal_restores_terminal("USR1", 10);
}

#[test]
fn sigusr2_restores_the_terminal_and_exits_140() {
    signal_restores_terminal("USR2", 12);
}

#[test]
fn sigalrm_restores_the_terminal_and_exits_142() {
    signal_restores_terminal("ALRM", 14);
}

#[test]
fn sigpipe_restores_the_terminal_and_exits_141() {
    signal_restores_terminal("PIPE", 13);
}

/// A catalog with one capture whose local connector runs `script`.
fn local_capture(dir: &Path, script: &str, config: &str) -> PathBuf {
    let path = dir.join("connector.sh");
    std::fs::write(&path, format!("#!/bin/sh\n{script}")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    let catalog = dir.join("flow.yaml");
    std::fs::write(
        &catalog,
        format!(
            "captures:\n  acme/probe:\n    endpoint:\n      local:\n        command: [{}]\n        config: {config}\n    bindings: []\n",
            path.display()
        ),
    )
    .unwrap();
    catalog
}

#[test]
fn a_signal_stops_the_running_connector_too() {
    let work = tempfile::tempdir().unwrap();
    let hung = unique("hung-connector");
    let catalog = local_capture(
        work.path(),
        &format!(
            "echo '{{\"level\":\"info\",\"msg\":\"thinking hard\"}}' >&2\nexec sh -c 'sleep 300; exit 1' {hung}\n"
        ),
        "{}",
    );
    let report = work.path().join("report");
    let t = Tmux::start(
        100,
        30,
        &run_args_and_report(
            &format!("--trust {}", catalog.display()),
            &report,
            &unique("sigjob"),
            "",
        ),
        &[],
    );
    t.wait_for("acme/probe");
    t.keys(&["Enter", "d"]);
    t.wait_for("thinking hard");
    // The log line is written just before the script execs into the marked shell.
    t.wait_until("the connector to run", || running(&hung));
    kill("TERM", &flowspec_pid(&report));
    let text = t.wait_file(&report);
    assert_eq!(exit_status(&text), 143, "{text}");
    // Killed by flowspec on its way out; the kernel removes it a moment later.
    wait_not_running(
        &hung,
        "the connector's process group is killed with the editor",
    );
    assert_terminal_restored(&t, &report);
}

#[test]
fn a_connector_closing_its_input_does_not_end_the_editor() {
    // The request (with this config) is larger than a pipe's buffer, so flowspec is still
    // writing it when the connector closes its input: the write fails with EPIPE and the
    // kernel sends flowspec a SIGPIPE, which must not be taken for `kill -PIPE`.
    let work = tempfile::tempdir().unwrap();
    let big = "x".repeat(256 * 1024);
    let catalog = local_capture(
        work.path(),
        "exec 0<&-\nsleep 1\nexit 3\n",
        &format!("{{blob: {big}}}"),
    );
    let report = work.path().join("report");
    let t = Tmux::start(
        160,
        30,
        &run_args_and_report(
            &format!("--trust {}", catalog.display()),
            &report,
            &unique("epipe"),
            "",
        ),
        &[],
    );
    t.wait_for("acme/probe");
    t.keys(&["Enter", "d"]);
    t.wait_for("discover failed");
    // Still running and answering keys (the first one dismisses the error message).
    t.wait_for("any key to dismiss");
    t.keys(&["Escape"]);
    t.wait_until("the error to be dismissed", || {
        !t.screen().contains("any key to dismiss")
    });
    t.keys(&["?"]);
    t.wait_for("Help — Esc closes");
    t.keys(&["q"]);
    t.wait_until("help to close", || {
        !t.screen().contains("Help — Esc closes")
    });
    t.keys(&["q"]);
    let text = t.wait_file(&report);
    assert_eq!(exit_status(&text), 0, "{text}");
    assert_terminal_restored(&t, &report);
}

/// An interactive bash in tmux, so there is job control. Every prompt it shows appends a line
/// to a file, so a test waits for the shell to be ready for a command (typing earlier could
/// feed a command meant for the shell to whatever reads the terminal then).
struct Shell {
    t: Tmux,
    prompts: PathBuf,
    seen: usize,
}

impl Shell {
    fn start(dir: &Path) -> Shell {
        let t = Tmux::start(100, 30, "bash --norc --noprofile -i", &[]);
        t.wait_until("the shell", || !t.screen().trim().is_empty());
        let prompts = dir.join("prompts");
        t.literal(&format!("PROMPT_COMMAND='echo >> {}'", prompts.display()));
        t.keys(&["Enter"]);
        Shell {
            t,
            prompts,
            seen: 0,
        }
    }

    /// Waits for the next prompt, then types `command`.
    fn run(&mut self, command: &str) {
        let count = || {
            std::fs::read_to_string(&self.prompts)
                .map(|s| s.lines().count())
                .unwrap_or(0)
        };
        self.t
            .wait_until("the shell's prompt", || count() > self.seen);
        self.seen = count();
        self.t.literal(command);
        self.t.keys(&["Enter"]);
    }

    /// Starts flowspec on `catalog` as a job of its own and waits until it is ready.
    fn flowspec(&mut self, catalog: &Path, report: &Path) {
        self.run(&format!("echo $$ > {}.pid", report.display()));
        self.run(&format!("{} {}", bin(), catalog.display()));
        self.t.wait_for("✓ valid");
    }

    /// Brings flowspec back with `fg`; once it exits, the report is written as
    /// [`run_and_report`] does.
    fn fg_then_report(&mut self, report: &Path) {
        self.run(&format!(
            "fg; echo \"exit=$?\" > {r}; stty -a >> {r}; echo END >> {r}; head -n 1 > {r}.paste",
            r = report.display()
        ));
    }
}

/// Suspends flowspec with `how`, checks the shell has a sane terminal meanwhile, resumes with
/// `fg`, and checks the screen is drawn again in full and keys work.
fn suspend_and_resume(how: impl FnOnce(&Shell, &Path)) {
    let work = tempfile::tempdir().unwrap();
    let catalog = demo(work.path());
    let report = work.path().join("report");
    let mut sh = Shell::start(work.path());
    sh.flowspec(&catalog, &report);
    how(&sh, &report);
    let stty = work.path().join("stopped");
    sh.run(&format!(
        "stty -a > {s}; echo END >> {s}",
        s = stty.display()
    ));
    assert_sane_terminal(&sh.t.wait_file(&stty));
    assert_eq!(sh.t.format("#{alternate_on}"), "0", "the shell's screen");
    assert_eq!(
        sh.t.format("#{cursor_flag}"),
        "1",
        "cursor shown while suspended"
    );
    assert!(sh.t.screen().contains("Stopped"), "{}", sh.t.screen());

    sh.fg_then_report(&report);
    // A full redraw: the alternate screen starts blank, so every part of the screen must come
    // back, not just what changed.
    let t = &sh.t;
    t.wait_until("the editor to take the terminal back", || {
        t.format("#{alternate_on}") == "1"
    });
    let screen = t.wait_for_all(&[
        "✓ valid",
        "flowspec │",
        "Entities (7)",
        "Captures (2)",
        "? help",
    ]);
    assert!(!screen.contains("Local cmd"), "{screen}");
    // Keys work again: j moves the selection to the local demo capture.
    t.keys(&["j"]);
    t.wait_for("Local cmd");
    t.keys(&["q"]);
    let text = t.wait_file(&report);
    assert_eq!(exit_status(&text), 0, "{text}");
    assert_terminal_restored(t, &report);
}

#[test]
fn ctrl_z_suspends_and_fg_redraws_and_keys_work() {
    suspend_and_resume(|sh, _| sh.t.keys(&["C-z"]));
}

#[test]
fn sigtstp_suspends_and_fg_redraws_and_keys_work() {
    suspend_and_resume(|_, report| kill("TSTP", &flowspec_pid(report)));
}

#[test]
fn after_an_uncatchable_sigstop_fg_takes_the_terminal_back() {
    // SIGSTOP cannot be caught: the terminal stays as flowspec left it and the shell writes
    // over it. On SIGCONT flowspec sets its modes again and redraws.
    let work = tempfile::tempdir().unwrap();
    let catalog = demo(work.path());
    let report = work.path().join("report");
    let mut sh = Shell::start(work.path());
    sh.flowspec(&catalog, &report);
    kill("STOP", &flowspec_pid(&report));
    sh.t.wait_for("Stopped");
    sh.fg_then_report(&report);
    let t = &sh.t;
    t.wait_until("the shell's lines to be drawn over", || {
        let s = t.screen();
        s.contains("Entities (7)") && !s.contains("Stopped")
    });
    t.keys(&["j"]);
    t.wait_for("Local cmd");
    t.keys(&["q"]);
    let text = t.wait_file(&report);
    assert_eq!(exit_status(&text), 0, "{text}");
    assert_terminal_restored(t, &report);
}

#[test]
fn a_hangup_exits_by_the_signal_and_logs_no_panic() {
    let work = tempfile::tempdir().unwrap();
    let catalog = demo(work.path());
    let report = work.path().join("report");
    let t = Tmux::start(
        80,
        24,
        &run_and_report(&catalog, &report, &unique("hangup"), ""),
        &[],
    );
    t.wait_for("✓ valid");
    let pid = flowspec_pid(&report);
    // Closing the terminal: the pane's pty goes away with the server.
    let status = std::process::Command::new("tmux")
        .args(["-L", &t.socket, "kill-server"])
        .status()
        .unwrap();
    assert!(status.success());
    t.wait_until("flowspec to exit", || {
        !Path::new(&format!("/proc/{pid}")).exists()
    });
    let log = t.dir.path().join("state/flowspec/flowspec.log");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.contains("panic"), "{text}");
    assert!(text.contains("code=129"), "exited by SIGHUP:\n{text}");
}
