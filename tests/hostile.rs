//! Hostile inputs, met as a user meets them: the real binary (`check` and `list`) on catalogs
//! built to exhaust memory (alias bombs in every position), overflow the stack (deep nesting,
//! 10,000-file import chains), hang or swallow keystrokes (FIFOs, `/dev/zero`, `/dev/urandom`,
//! `/dev/tty`), or read outside the catalog folder. Each run has a 1 GiB address-space limit
//! (`setrlimit` in the child), may use at most 10 s of CPU time, must stay under 500 MB
//! resident, and must end with the expected located problem. A run that blocks (a FIFO, a
//! device) uses no CPU, so it is caught by a wall-clock bound instead: killed after 60 s, which
//! only a hang reaches (wall time on a loaded two-core machine is no measure of the work done).
//! The big fixtures are generated here.

mod common;

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use flowspec::tui::app::{Effect, Msg};
use flowspec::tui::shared::Phase;
use flowspec::tui::theme::Theme;

/// CPU time (user + system) one run may use.
const TIME_LIMIT: Duration = Duration::from_secs(10);
/// Wall-clock time after which a run is taken for a hang and killed.
const HANG_LIMIT: Duration = Duration::from_secs(60);
const ADDRESS_SPACE: u64 = 1 << 30;
const MAX_RSS_KB: i64 = 500 * 1024;

/// What a finished run of the binary left behind.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `flowspec ARGS` in `cwd` under the limits; panics when it is killed for time or ends
/// by a signal, or when it used too much memory.
// The child is reaped by `wait4`, which also reports its peak memory.
#[allow(clippy::zombie_processes)]
fn flowspec(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let state = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_flowspec"));
    cmd.args(args)
        .current_dir(cwd)
        .env("XDG_STATE_HOME", state.path())
        .env("XDG_CACHE_HOME", state.path())
        .env("XDG_CONFIG_HOME", state.path())
        .env_remove(flowspec::catalog::read::MAX_SIZE_ENV)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: ADDRESS_SPACE,
                rlim_max: ADDRESS_SPACE,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("the binary starts");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let pid = child.id() as libc::pid_t;
    let start = Instant::now();
    let (status, usage) = loop {
        let mut status = 0;
        // SAFETY: plain out-parameters for wait4.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break (status, usage);
        }
        if start.elapsed() > HANG_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`flowspec {}` ran past {HANG_LIMIT:?}: killed",
                args.join(" ")
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let (stdout, stderr) = (out.join().unwrap(), err.join().unwrap());
    let seconds = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    let cpu = seconds(usage.ru_utime) + seconds(usage.ru_stime);
    // Shown with --nocapture: how far each case stays from its limits.
    eprintln!(
        "flowspec {}: {:?} CPU, {:?} wall, {} MB",
        args.join(" "),
        cpu,
        start.elapsed(),
        usage.ru_maxrss / 1024
    );
    assert!(
        libc::WIFEXITED(status),
        "`flowspec {}` died by signal {}: {stderr}",
        args.join(" "),
        libc::WTERMSIG(status)
    );
    assert!(
        cpu < TIME_LIMIT,
        "`flowspec {}` used {cpu:?} of CPU (limit {TIME_LIMIT:?})",
        args.join(" ")
    );
    assert!(
        usage.ru_maxrss < MAX_RSS_KB,
        "`flowspec {}` used {} MB",
        args.join(" "),
        usage.ru_maxrss / 1024
    );
    Run {
        code: libc::WEXITSTATUS(status),
        stdout,
        stderr,
    }
}

/// The "billion laughs": `levels` levels of ten aliases of the level before, each line
/// indented by `indent`. Ten levels stand for 10^10 nodes in under a kilobyte.
fn laughs(indent: &str, levels: usize) -> String {
    let mut text = format!("{indent}l0: &l0 [{}]\n", ["lol"; 10].join(", "));
    for i in 1..levels {
        let items = vec![format!("*l{}", i - 1); 10].join(", ");
        text.push_str(&format!("{indent}l{i}: &l{i} [{items}]\n"));
    }
    text
}

/// The 1-based line and column of the `n`th (1-based) `needle` on the first line of `text`
/// that contains `line_has`: where a test expects a problem, found without the parser.
fn nth(text: &str, line_has: &str, needle: &str, n: usize) -> (usize, usize) {
    let (i, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(line_has))
        .unwrap_or_else(|| panic!("no line with {line_has}"));
    let col = line
        .match_indices(needle)
        .nth(n - 1)
        .unwrap_or_else(|| panic!("no {n}th {needle} in {line}"))
        .0;
    (i + 1, col + 1)
}

/// Where the ten-level laughs are refused: with each level ten times the last, the copies
/// cross 100,000 nodes at the seventh `*l3` of level 4.
fn laughs_site(text: &str) -> (usize, usize) {
    nth(text, "l4: &l4", "*l3", 7)
}

fn write(dir: &Path, rel: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

const CAPTURE: &str =
    "captures:\n  acme/cap:\n    endpoint: {connector: {image: 'a/b:v1', config: CONFIG}}\n    bindings: []\n";
const COLLECTION: &str = "collections:\n  acme/col:\n    key: [/id]\n    schema: SCHEMA\n";

/// Environment variables for a run.
type Env = Vec<(&'static str, String)>;

/// One hostile catalog: how to build it, and the problem `check` and `list` must report.
struct Case {
    name: &'static str,
    /// Writes the catalog into the directory; returns the root (relative to it) and any
    /// environment the run needs.
    build: fn(&Path) -> (String, Env),
    /// The problem: `FILE:LINE:COL: severity: ` and a phrase of the message (empty: none).
    expect: fn(&Path) -> (String, &'static str),
    /// Exit status of `check` (and of `list` for load errors, which `list` reports too).
    check_code: i32,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "alias bomb in the root catalog",
            build: |d| {
                let text = format!(
                    "collections:\n  acme/x:\n    key: [/id]\n    schema:\n      $defs:\n{}",
                    laughs("        ", 10)
                );
                write(d, "flow.yaml", text);
                ("flow.yaml".into(), vec![])
            },
            expect: |d| {
                let (l, c) = laughs_site(&std::fs::read_to_string(d.join("flow.yaml")).unwrap());
                (
                    format!("flow.yaml:{l}:{c}: error: "),
                    "alias `*l3` copies too much",
                )
            },
            check_code: 2,
        },
        Case {
            name: "alias bomb in an imported catalog",
            build: |d| {
                write(d, "flow.yaml", "import:\n  - parts/bomb.flow.yaml\n");
                write(d, "parts/bomb.flow.yaml", laughs("", 10));
                ("flow.yaml".into(), vec![])
            },
            expect: |d| {
                let (l, c) =
                    laughs_site(&std::fs::read_to_string(d.join("parts/bomb.flow.yaml")).unwrap());
                (
                    format!("parts/bomb.flow.yaml:{l}:{c}: error: "),
                    "alias `*l3` copies too much",
                )
            },
            check_code: 2,
        },
        Case {
            name: "alias bomb in a config file",
            build: |d| {
                write(
                    d,
                    "flow.yaml",
                    CAPTURE.replace("CONFIG", "bomb.config.yaml"),
                );
                write(d, "bomb.config.yaml", laughs("", 10));
                ("flow.yaml".into(), vec![])
            },
            expect: |d| {
                let (l, c) =
                    laughs_site(&std::fs::read_to_string(d.join("bomb.config.yaml")).unwrap());
                (
                    format!("bomb.config.yaml:{l}:{c}: error: "),
                    "alias `*l3` copies too much",
                )
            },
            check_code: 2,
        },
        Case {
            name: "alias bomb in a schema file",
            build: |d| {
                write(
                    d,
                    "flow.yaml",
                    COLLECTION.replace("SCHEMA", "bomb.schema.json"),
                );
                write(d, "bomb.schema.json", laughs("", 10));
                ("flow.yaml".into(), vec![])
            },
            expect: |d| {
                let (l, c) =
                    laughs_site(&std::fs::read_to_string(d.join("bomb.schema.json")).unwrap());
                (
                    format!("bomb.schema.json:{l}:{c}: error: "),
                    "not a YAML or JSON schema: alias `*l3` copies too much",
                )
            },
            check_code: 2,
        },
        Case {
            name: "alias bomb through merge keys",
            build: |d| {
                let mut text = String::from("m0: &m0 {a0: lol, a1: lol, a2: lol, a3: lol, a4: lol, a5: lol, a6: lol, a7: lol, a8: lol, a9: lol}\n");
                for i in 1..10 {
                    let keys: Vec<String> = (0..10).map(|k| format!("k{k}: *m{}", i - 1)).collect();
                    text.push_str(&format!(
                        "m{i}: &m{i} {{<<: *m{}, {}}}\n",
                        i - 1,
                        keys.join(", ")
                    ));
                }
                write(d, "flow.yaml", text);
                ("flow.yaml".into(), vec![])
            },
            // Sizes grow elevenfold (21, 243, 2685, 29547 nodes): the copies cross 100,000 at
            // level 4's second alias, the one after its merge key.
            expect: |d| {
                let (l, c) = nth(
                    &std::fs::read_to_string(d.join("flow.yaml")).unwrap(),
                    "m4: &m4",
                    "*m3",
                    2,
                );
                (
                    format!("flow.yaml:{l}:{c}: error: "),
                    "alias `*m3` copies too much",
                )
            },
            check_code: 2,
        },
        Case {
            name: "flow collections nested 100,000 deep",
            build: |d| {
                write(
                    d,
                    "flow.yaml",
                    COLLECTION.replace("SCHEMA", &"[".repeat(100_000)),
                );
                ("flow.yaml".into(), vec![])
            },
            expect: |_| {
                (
                    "flow.yaml:4:268: error: ".into(),
                    "nested more than 255 levels deep",
                )
            },
            check_code: 2,
        },
        Case {
            name: "block sequences nested 100,000 deep",
            build: |d| {
                write(
                    d,
                    "flow.yaml",
                    format!("tests:\n  acme/t:\n    {}x\n", "- ".repeat(100_000)),
                );
                ("flow.yaml".into(), vec![])
            },
            // Two mappings hold the sequences: the 255th opens the 257th level.
            expect: |_| {
                let col = 4 + 2 * 254 + 1;
                (
                    format!("flow.yaml:3:{col}: error: "),
                    "nested more than 256 levels deep",
                )
            },
            check_code: 2,
        },
        Case {
            name: "an import chain of 10,000 files",
            build: |d| {
                write(d, "flow.yaml", "import: [chain/f1.flow.yaml]\n");
                for i in 1..10_000 {
                    let text = if i == 9_999 {
                        "collections:\n  acme/last: {key: [/id], schema: {type: object, properties: {id: {type: string}}, required: [id]}}\n".to_string()
                    } else {
                        format!("import: [f{}.flow.yaml]\n", i + 1)
                    };
                    write(d, &format!("chain/f{i}.flow.yaml"), text);
                }
                ("flow.yaml".into(), vec![])
            },
            expect: |_| (String::new(), ""),
            check_code: 0,
        },
        Case {
            name: "an import that is a FIFO",
            build: |d| {
                write(d, "flow.yaml", "import:\n  - pipe.flow.yaml\n");
                mkfifo(&d.join("pipe.flow.yaml"));
                ("flow.yaml".into(), vec![])
            },
            expect: |_| {
                (
                    "flow.yaml:2:5: error: ".into(),
                    "not a regular file: it is a FIFO (named pipe)",
                )
            },
            check_code: 2,
        },
        Case {
            name: "an import of /dev/zero",
            build: |d| {
                write(d, "flow.yaml", "import:\n  - /dev/zero\n");
                ("flow.yaml".into(), vec![])
            },
            expect: |_| {
                ("flow.yaml:2:5: error: ".into(), "cannot import `/dev/zero` (/dev/zero): not a regular file: it is a character device")
            },
            check_code: 2,
        },
        Case {
            name: "a config of /dev/urandom",
            build: |d| {
                write(d, "flow.yaml", CAPTURE.replace("CONFIG", "/dev/urandom"));
                ("flow.yaml".into(), vec![])
            },
            expect: |_| {
                ("flow.yaml:3:53: error: ".into(), "config file `/dev/urandom` (/dev/urandom): not a regular file: it is a character device")
            },
            check_code: 2,
        },
        Case {
            name: "a schema of /dev/tty (a symlink to it, even)",
            build: |d| {
                write(
                    d,
                    "flow.yaml",
                    COLLECTION.replace("SCHEMA", "tty.schema.yaml"),
                );
                std::os::unix::fs::symlink("/dev/tty", d.join("tty.schema.yaml")).unwrap();
                ("flow.yaml".into(), vec![])
            },
            expect: |_| {
                (
                    "flow.yaml:4:13: error: ".into(),
                    "not a regular file: it is a character device",
                )
            },
            check_code: 2,
        },
        Case {
            name: "a resource that is a directory",
            build: |d| {
                write(d, "flow.yaml", "captures:\n  acme/cap:\n    endpoint: {connector: {image: 'a/b:v1', config: {}}}\n    bindings:\n      - {resource: dir, target: acme/c}\n");
                std::fs::create_dir(d.join("dir")).unwrap();
                ("flow.yaml".into(), vec![])
            },
            expect: |_| {
                (
                    "flow.yaml:5:20: error: ".into(),
                    "not a regular file: it is a directory",
                )
            },
            check_code: 2,
        },
        Case {
            name: "an import over the size cap",
            build: |d| {
                write(d, "flow.yaml", "import:\n  - big.flow.yaml\n");
                write(d, "big.flow.yaml", format!("# {}\n", "x".repeat(4096)));
                (
                    "flow.yaml".into(),
                    vec![("FLOWSPEC_MAX_FILE_SIZE", "1K".into())],
                )
            },
            expect: |_| {
                ("flow.yaml:2:5: error: ".into(), "the file is larger than 1 KiB, the most flowspec reads from one file (set FLOWSPEC_MAX_FILE_SIZE to change it)")
            },
            check_code: 2,
        },
        Case {
            name: "imports and a config outside the catalog folder",
            build: |d| {
                write(
                    d,
                    "far.flow.yaml",
                    "collections:\n  acme/far: {key: [/id], schema: {type: object, properties: {id: {type: string}}, required: [id]}}\n",
                );
                write(d, "far.config.yaml", "a: 1\n");
                write(d, "also.flow.yaml", "collections: {}\n");
                let root = format!(
                    "import:\n  - ../../../far.flow.yaml\n  - {}\n{}",
                    d.join("also.flow.yaml").display(),
                    CAPTURE.replace("CONFIG", "../../../far.config.yaml")
                );
                write(d, "a/b/cat/flow.yaml", root);
                ("a/b/cat/flow.yaml".into(), vec![])
            },
            expect: |_| {
                (
                    "a/b/cat/flow.yaml:2:5: warning: ".into(),
                    "`../../../far.flow.yaml` is outside the catalog folder (",
                )
            },
            check_code: 0,
        },
        Case {
            name: "a root that is not UTF-8",
            build: |d| {
                write(d, "flow.yaml", b"collections: {}\n# caf\xe9\n");
                ("flow.yaml".into(), vec![])
            },
            expect: |_| {
                (
                    "flow.yaml:2:6: error: ".into(),
                    "not valid UTF-8 (first bad byte at line 2, column 6)",
                )
            },
            check_code: 2,
        },
        Case {
            name: "a config that is not UTF-8",
            build: |d| {
                write(d, "flow.yaml", CAPTURE.replace("CONFIG", "c.yaml"));
                write(d, "c.yaml", b"a: \xff\n");
                ("flow.yaml".into(), vec![])
            },
            expect: |_| {
                (
                    "flow.yaml:3:53: error: ".into(),
                    "not valid UTF-8 (first bad byte at line 1, column 4)",
                )
            },
            check_code: 2,
        },
    ]
}

/// True when some line of `text` starts with `prefix` and contains `phrase`.
fn has_line(text: &str, prefix: &str, phrase: &str) -> bool {
    text.lines()
        .any(|l| l.starts_with(prefix) && l.contains(phrase))
}

#[test]
fn hostile_catalogs_end_in_located_problems_within_time_and_memory() {
    for case in cases() {
        let dir = tempfile::tempdir().unwrap();
        let (root, env) = (case.build)(dir.path());
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (prefix, phrase) = (case.expect)(dir.path());
        let name = case.name;

        let check = flowspec(dir.path(), &["check", &root], &env);
        assert_eq!(
            check.code, case.check_code,
            "{name}: check\n{}{}",
            check.stdout, check.stderr
        );
        assert!(
            if prefix.is_empty() {
                check.stdout.is_empty()
            } else {
                has_line(&check.stdout, &prefix, phrase)
            },
            "{name}: check printed no `{prefix}…{phrase}…` line:\n{}{}",
            check.stdout,
            check.stderr
        );

        if name.contains("10,000") {
            // Every file loaded, and the last one's collection is listed (below).
            assert_eq!(
                check.stderr.trim_end(),
                "0 errors, 0 warnings in 10000 files"
            );
        }

        // `list` reports load problems (relative to the catalog folder) and fails with them.
        let list = flowspec(dir.path(), &["list", &root], &env);
        let load_error = case.check_code == 2;
        assert_eq!(
            list.code,
            if load_error { 2 } else { 0 },
            "{name}: list\n{}",
            list.stderr
        );
        if name.contains("10,000") {
            assert!(
                list.stdout.starts_with("collection      acme/last"),
                "{}",
                list.stdout
            );
        }
        if load_error {
            let folder = Path::new(&root).parent().unwrap().display().to_string();
            let prefix = prefix
                .strip_prefix(&format!("{folder}/"))
                .unwrap_or(&prefix);
            assert!(
                has_line(&list.stderr, prefix, phrase),
                "{name}: list printed no `{prefix}…{phrase}…` line:\n{}",
                list.stderr
            );
        }
    }
}

#[test]
fn outside_warnings_have_their_json_code() {
    let cases = cases();
    let dir = tempfile::tempdir().unwrap();
    let outside = cases.iter().find(|c| c.name.contains("outside")).unwrap();
    let (root, _) = (outside.build)(dir.path());
    let run = flowspec(dir.path(), &["check", "--format", "json", &root], &[]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    let codes: Vec<(u64, &str)> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["line"].as_u64().unwrap(), p["code"].as_str().unwrap()))
        .collect();
    assert_eq!(codes, [(2, "outside"), (3, "outside"), (6, "outside")]);
    assert_eq!(doc["warnings"], 3);
}

#[test]
fn a_root_that_is_not_a_regular_file_or_too_large_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("flow.yaml"));
    for cmd in ["check", "list"] {
        let run = flowspec(dir.path(), &[cmd, "flow.yaml"], &[]);
        assert_eq!(run.code, 2, "{cmd}");
        assert!(
            run.stderr.starts_with("error: ")
                && run
                    .stderr
                    .contains("flow.yaml: not a regular file: it is a FIFO"),
            "{cmd}: {}",
            run.stderr
        );
    }
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "flow.yaml", "x".repeat(2048));
    let run = flowspec(dir.path(), &["check"], &[("FLOWSPEC_MAX_FILE_SIZE", "1K")]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("flow.yaml: the file is larger than 1 KiB"),
        "{}",
        run.stderr
    );
    let run = flowspec(
        dir.path(),
        &["check"],
        &[("FLOWSPEC_MAX_FILE_SIZE", "lots")],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("FLOWSPEC_MAX_FILE_SIZE=`lots` is not a size"),
        "{}",
        run.stderr
    );
}

/// Loads `root` as the TUI does: on a thread with the 2 MiB stack of tokio's blocking pool.
fn load_like_the_tui(root: PathBuf) -> Msg {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let result = flowspec::catalog::load(&root, &mut |_| {});
            Msg::Loaded(result.map(Box::new).map_err(|e| e.to_string()))
        })
        .unwrap()
        .join()
        .expect("loading does not overflow the stack")
}

#[test]
fn the_tui_stays_usable_after_loading_hostile_catalogs() {
    for case in cases() {
        let dir = tempfile::tempdir().unwrap();
        let (root, env) = (case.build)(dir.path());
        if !env.is_empty() {
            continue; // The size cap is set per process; the binary tests cover it.
        }
        let root = dir.path().join(root);
        let mut app = flowspec::tui::app::App::new(root.clone(), false, Theme::color());
        let effects = app.update(load_like_the_tui(root));
        assert!(matches!(app.shared.phase, Phase::Ready), "{}", case.name);
        for e in effects {
            if let Effect::Check(cat) = e {
                let problems = flowspec::catalog::check::check(&cat, Default::default());
                assert_eq!(
                    problems.is_empty(),
                    case.check_code == 0 && !case.name.contains("outside"),
                    "{}",
                    case.name
                );
                app.update(Msg::Checked(problems));
            }
        }
        common::screen(&mut app, 80, 24);
        common::press(&mut app, &["p"]);
        common::screen(&mut app, 80, 24);
        let quit = common::press(&mut app, &["esc", "q"]);
        assert!(
            matches!(quit.as_slice(), [Effect::Quit]),
            "{}: {quit:?}",
            case.name
        );
    }
    // A root that cannot be loaded at all leaves the failure screen, which `q` quits.
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("flow.yaml"));
    let root = dir.path().join("flow.yaml");
    let mut app = flowspec::tui::app::App::new(root.clone(), false, Theme::color());
    app.update(load_like_the_tui(root));
    assert!(matches!(&app.shared.phase, Phase::Failed(e) if e.contains("not a regular file")));
    assert!(common::screen(&mut app, 80, 24).contains("not a regular file"));
    // Other keys do nothing there (and nothing breaks); `q` quits.
    assert!(common::press(&mut app, &["j", "enter", "e", "s"]).is_empty());
    assert!(matches!(
        common::press(&mut app, &["q"]).as_slice(),
        [Effect::Quit]
    ));
}
