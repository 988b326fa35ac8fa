//! The temporary files a save writes before renaming them over their targets, and the clean-up
//! of the ones a crashed flowspec left behind.
//!
//! A temporary file is named `.flowspec-PID-RANDOM.tmp` and holds an exclusive `flock` for as
//! long as its writer has it open. A leftover is removed only when both say its writer is gone:
//! the pid is not a live process, and the lock can be taken. The pid covers the instant between
//! creating the file and locking it; the lock covers a reused pid and writers in another pid
//! namespace (a container sharing the folder).

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Every temporary file flowspec writes starts with this.
pub const PREFIX: &str = ".flowspec-";
/// And ends with this.
pub const SUFFIX: &str = ".tmp";

/// Creates a locked temporary file in `dir` (mode 0600, removed when dropped unless persisted).
pub fn create(dir: &Path) -> io::Result<tempfile::NamedTempFile> {
    let tmp = tempfile::Builder::new()
        .prefix(&format!("{PREFIX}{}-", std::process::id()))
        .suffix(SUFFIX)
        .tempfile_in(dir)?;
    lock(tmp.as_file())?;
    Ok(tmp)
}

/// Creates an unnamed file in `dir` (`O_TMPFILE`, mode 0600 like a named one), or `None`
/// where the file system or kernel cannot (the caller then uses [`create`]).
pub fn create_unnamed(dir: &Path) -> Option<File> {
    #[cfg(target_os = "linux")]
    {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .mode(0o600)
            .custom_flags(libc::O_TMPFILE)
            .open(dir)
            .ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = dir;
        None
    }
}

/// Gives the unnamed `file` the name `target`; fails with `AlreadyExists` when something has
/// that name already. `AT_EMPTY_PATH` needs a capability on some kernels; linking through
/// `/proc/self/fd` does not.
#[cfg(not(target_os = "linux"))]
pub fn link(_file: &File, _target: &Path) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into()) // Never reached: no unnamed files here.
}

/// See the other `link`.
#[cfg(target_os = "linux")]
pub fn link(file: &File, target: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let to = CString::new(target.as_os_str().as_bytes())?;
    // SAFETY: valid NUL-terminated paths and a descriptor `file` keeps open.
    let linked = unsafe {
        libc::linkat(
            file.as_raw_fd(),
            c"".as_ptr(),
            libc::AT_FDCWD,
            to.as_ptr(),
            libc::AT_EMPTY_PATH,
        )
    };
    if linked == 0 {
        return Ok(());
    }
    let e = io::Error::last_os_error();
    if !matches!(e.raw_os_error(), Some(libc::ENOENT | libc::EPERM)) {
        return Err(e);
    }
    link_through_proc(file, &to)
}

/// [`link`] by the descriptor's name in `/proc/self/fd`.
#[cfg(target_os = "linux")]
fn link_through_proc(file: &File, to: &std::ffi::CStr) -> io::Result<()> {
    let from = std::ffi::CString::new(format!("/proc/self/fd/{}", file.as_raw_fd()))?;
    // SAFETY: valid NUL-terminated paths; the descriptor stays open for the call.
    let linked = unsafe {
        libc::linkat(
            libc::AT_FDCWD,
            from.as_ptr(),
            libc::AT_FDCWD,
            to.as_ptr(),
            libc::AT_SYMLINK_FOLLOW,
        )
    };
    if linked == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// How many unnamed files a save of `wanted` new files may hold open at once: each needs a
/// descriptor until it is linked. The soft limit is raised towards the hard one when `wanted`
/// does not fit (as Go programs do at start), and some descriptors are always left free;
/// new files beyond the budget are written as named temporary files instead.
pub fn unnamed_budget(wanted: usize) -> usize {
    const SPARE: u64 = 256;
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct it is given.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return 0;
    }
    let open = std::fs::read_dir("/proc/self/fd").map_or(SPARE, |d| d.count() as u64);
    let needed = open + SPARE + wanted as u64;
    if limit.rlim_cur < needed && limit.rlim_cur < limit.rlim_max {
        let raised = libc::rlimit {
            rlim_cur: needed.min(limit.rlim_max),
            rlim_max: limit.rlim_max,
        };
        // SAFETY: setrlimit reads the struct; raising the soft limit up to the hard one is
        // always allowed.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            limit.rlim_cur = raised.rlim_cur;
        }
    }
    let free = limit.rlim_cur.saturating_sub(open + SPARE);
    usize::try_from(free).unwrap_or(usize::MAX).min(wanted)
}

/// The pid in a temporary file's name, when the name is one of ours.
pub fn writer_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let (pid, random) = rest.split_once('-')?;
    if random.is_empty() || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// Removes the temporary files in `dir` whose writer is gone (see the module doc), and returns
/// how many it removed. Failures are logged and skipped: clean-up never stops a save.
pub fn remove_stale(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let own = std::process::id();
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(writer_pid) else {
            continue;
        };
        if pid == own || process_alive(pid) {
            continue;
        }
        let path = entry.path();
        match remove_if_unlocked(&path) {
            Ok(true) => {
                tracing::info!(path = %path.display(), pid, "removed a stale temporary file");
                removed += 1;
            }
            Ok(false) => {}
            Err(e) => tracing::warn!(path = %path.display(), error = %e, "stale temporary file"),
        }
    }
    removed
}

/// Is `pid` a live process? Pids that are not positive `pid_t`s (which `kill` would read as a
/// process group or "every process") are never asked about, and count as gone.
pub fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 only checks that the process exists and may be signalled.
    if unsafe { libc::kill(pid, 0) } == 0 {
        return true;
    }
    io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Removes `path` if it is a regular file nobody holds the lock of. Opened without following
/// a symlink and without blocking (a FIFO given such a name must not hang the save).
fn remove_if_unlocked(path: &Path) -> io::Result<bool> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)?;
    if !file.metadata()?.is_file() {
        return Ok(false);
    }
    match lock(&file) {
        Ok(()) => {
            std::fs::remove_file(path)?;
            Ok(true)
        }
        Err(e) if e.raw_os_error() == Some(libc::EWOULDBLOCK) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Takes the exclusive lock without waiting; released when the file is closed.
fn lock(file: &File) -> io::Result<()> {
    // SAFETY: flock on a descriptor the `File` owns for the duration of the call.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::{Command, Stdio};

    /// The pid of a process that has exited (and been reaped).
    fn dead_pid() -> u32 {
        let mut child = Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn names_carry_the_writer_pid() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = create(dir.path()).unwrap();
        let name = tmp
            .path()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert_eq!(writer_pid(&name), Some(std::process::id()), "{name}");
        assert_eq!(writer_pid(".flowspec-12-ab3.tmp"), Some(12));
        for other in [
            ".flowspec-abc123.tmp", // the old, pid-less name: never touched
            ".flowspec--x.tmp",
            ".flowspec-12-.tmp",
            ".flowspec-1x-ab.tmp",
            "flowspec-12-ab.tmp",
            ".flowspec-12-ab.yaml",
        ] {
            assert_eq!(writer_pid(other), None, "{other}");
        }
    }

    #[test]
    fn an_unnamed_file_gets_its_name_by_either_link_and_never_replaces_one() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for (name, through_proc) in [("a.yaml", false), ("b.yaml", true)] {
            let mut file = create_unnamed(d).expect("O_TMPFILE on the test's file system");
            std::io::Write::write_all(&mut file, name.as_bytes()).unwrap();
            assert_eq!(names(d), Vec::<String>::new(), "no name before the link");
            let target = d.join(name);
            if through_proc {
                let to = std::ffi::CString::new(target.to_str().unwrap()).unwrap();
                link_through_proc(&file, &to).unwrap();
            } else {
                link(&file, &target).unwrap();
            }
            assert_eq!(std::fs::read_to_string(&target).unwrap(), name);
            std::fs::remove_file(&target).unwrap();
        }
        std::fs::write(d.join("taken"), "theirs").unwrap();
        let file = create_unnamed(d).unwrap();
        let e = link(&file, &d.join("taken")).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(d.join("taken")).unwrap(), "theirs");
    }

    #[test]
    fn the_unnamed_budget_stays_under_the_descriptor_limit() {
        assert_eq!(unnamed_budget(10), 10);
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        let huge = unnamed_budget(usize::MAX / 2);
        // SAFETY: getrlimit writes into the struct it is given.
        assert_eq!(
            unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) },
            0
        );
        assert!(
            (huge as u64) < limit.rlim_cur,
            "{huge} of {}",
            limit.rlim_cur
        );
    }

    #[test]
    fn only_pids_of_live_processes_count_as_alive() {
        assert!(process_alive(std::process::id()));
        assert!(!process_alive(dead_pid()));
        // Never a process group or "all processes".
        assert!(!process_alive(0));
        assert!(!process_alive(u32::MAX));
    }

    #[test]
    fn stale_files_of_dead_writers_go_and_everything_else_stays() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let dead = dead_pid();
        let mut live = Command::new("sleep")
            .arg("30")
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        std::fs::write(d.join(format!(".flowspec-{dead}-aaaaaa.tmp")), "old").unwrap();
        std::fs::write(d.join(format!(".flowspec-{}-bbbbbb.tmp", live.id())), "").unwrap();
        // Ours: another thread of this process may be writing it.
        std::fs::write(
            d.join(format!(".flowspec-{}-cccccc.tmp", std::process::id())),
            "",
        )
        .unwrap();
        // A dead pid, but the file is locked: a writer in another pid namespace.
        let locked_path = d.join(format!(".flowspec-{dead}-dddddd.tmp"));
        std::fs::write(&locked_path, "").unwrap();
        let held = File::open(&locked_path).unwrap();
        lock(&held).unwrap();
        std::fs::write(d.join(".flowspec-abcdef.tmp"), "").unwrap();
        std::fs::write(d.join("flow.yaml"), "").unwrap();
        let kept_before = names(d).len() - 1;

        assert_eq!(remove_stale(d), 1);
        let after = names(d);
        assert_eq!(after.len(), kept_before);
        assert!(!after.contains(&format!(".flowspec-{dead}-aaaaaa.tmp")));
        // Once the lock is gone, the file is stale too.
        drop(held);
        assert_eq!(remove_stale(d), 1);
        assert!(!locked_path.exists());
        live.kill().unwrap();
        live.wait().unwrap();
    }

    #[test]
    fn a_fifo_or_a_symlink_named_like_a_temp_file_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let dead = dead_pid();
        let fifo = d.join(format!(".flowspec-{dead}-ffffff.tmp"));
        let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(status.success());
        let victim = d.join("victim");
        std::fs::write(&victim, "keep").unwrap();
        let link = d.join(format!(".flowspec-{dead}-llllll.tmp"));
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        assert_eq!(remove_stale(d), 0);
        assert!(fifo.exists() && link.symlink_metadata().is_ok());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    }
}
