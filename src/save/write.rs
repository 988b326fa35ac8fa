//! The atomic writer: a file is replaced by writing a temporary file next to it (in the
//! directory of the symlink's final target, so the rename stays on one filesystem and the link
//! stays a link), syncing it, giving it the old file's mode, owner and group, renaming it over
//! the target and syncing the directory. Readers see the old or the new file, never a torn one,
//! and a crash leaves the old file intact (and a temporary file the next save removes).
//!
//! A file that does not exist yet is written, where the file system allows, as an unnamed file
//! (`O_TMPFILE`) and linked in under its name once synced: readers see no file or the whole
//! one, a crash leaves nothing behind, and a file another program created meanwhile makes the
//! link fail (`EEXIST`) instead of being replaced. It also saves the temporary name's create,
//! lock and rename, which is most of the cost when a discovery writes thousands of new files.

use std::ffi::CString;
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::temp;
use crate::catalog::load::io_message;

/// More links than this in a chain is treated as a loop, as the kernel does (`ELOOP`).
const MAX_LINKS: usize = 40;

/// Follows `path` through any chain of symlinks to the file a write must replace. A path that
/// does not exist is its own target (a new file); a link to nothing or a loop is an error, since
/// writing there would either create a file the user did not name or never end.
pub fn resolve_target(path: &Path) -> io::Result<PathBuf> {
    resolve_existing(path).map(|(target, _)| target)
}

/// [`resolve_target`], also saying whether the target exists (found on the way, so a save of
/// thousands of new files need not look each one up again).
pub(super) fn resolve_existing(path: &Path) -> io::Result<(PathBuf, bool)> {
    let mut current = path.to_path_buf();
    let mut chain: Vec<PathBuf> = Vec::new();
    loop {
        let meta = match std::fs::symlink_metadata(&current) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound && chain.is_empty() => {
                return Ok((current, false))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(io::Error::other(format!(
                    "is a symlink to {}, which does not exist (a dangling link)",
                    current.display()
                )));
            }
            Err(e) => return Err(e),
        };
        if !meta.file_type().is_symlink() {
            return Ok((current, true));
        }
        if chain.contains(&current) || chain.len() >= MAX_LINKS {
            return Err(io::Error::other(format!(
                "is a symlink loop ({} links followed, back at {})",
                chain.len(),
                current.display()
            )));
        }
        let link = std::fs::read_link(&current)?;
        let next = match current.parent() {
            Some(dir) if link.is_relative() => dir.join(link),
            _ => link,
        };
        chain.push(std::mem::replace(&mut current, next));
    }
}

/// The directory a file lives in (`.` for a bare name).
pub(super) fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Would replacing `target` override a write protection? Root may write anything, so for root
/// only the mode bits tell (no write bit for anyone, e.g. 0444); for others `access(W_OK)`,
/// which also covers ACLs and read-only mounts. A file that does not exist is not protected.
pub fn is_write_protected(target: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(target) else {
        return false;
    };
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        return meta.mode() & 0o222 == 0;
    }
    let Ok(c) = CString::new(target.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: a valid NUL-terminated path; AT_EACCESS checks with the effective ids.
    unsafe { libc::faccessat(libc::AT_FDCWD, c.as_ptr(), libc::W_OK, libc::AT_EACCESS) != 0 }
}

/// A temporary file holding a file's new text, with the old file's metadata, ready to be
/// renamed over its target. Dropping it removes the temporary file.
#[derive(Debug)]
pub struct Staged {
    tmp: Temp,
    target: PathBuf,
}

/// The temporary file: kept open (and locked, see `temp`) while few files are staged; closed
/// when many are, so a save of thousands of new files does not run out of descriptors (its
/// name still says which process wrote it).
#[derive(Debug)]
enum Temp {
    Open(tempfile::NamedTempFile),
    Closed(tempfile::TempPath),
    /// An unnamed file for a target that does not exist yet (see the module doc); it must
    /// stay open until linked.
    Unnamed(std::fs::File),
}

/// Which temporary file [`stage_unsynced`] may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TempKind {
    /// A named temporary file, renamed over the target.
    Named,
    /// An unnamed file when the target does not exist and the file system supports it (it
    /// holds a descriptor until linked), else a named one.
    UnnamedWhenNew,
}

impl Staged {
    /// The file the rename will replace.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The temporary file's name; `None` for an unnamed one.
    #[cfg(test)]
    pub fn temp_path(&self) -> Option<&Path> {
        match &self.tmp {
            Temp::Open(t) => Some(t.path()),
            Temp::Closed(p) => Some(p),
            Temp::Unnamed(_) => None,
        }
    }

    /// True when the target is a new file written unnamed: [`Staged::rename`] links it in,
    /// and fails if the target exists by then.
    pub fn is_unnamed(&self) -> bool {
        matches!(self.tmp, Temp::Unnamed(_))
    }

    /// Closes a named temporary file (it stays on disk until renamed or dropped); an unnamed
    /// one must stay open and is kept as it is.
    pub fn close(self) -> Staged {
        let tmp = match self.tmp {
            Temp::Open(t) => Temp::Closed(t.into_temp_path()),
            other => other,
        };
        Staged { tmp, ..self }
    }

    /// Runs `f` on the temporary file, opening it again when it was closed.
    fn with_file<R>(&self, f: impl FnOnce(&std::fs::File) -> io::Result<R>) -> io::Result<R> {
        match &self.tmp {
            Temp::Open(t) => f(t.as_file()),
            Temp::Unnamed(file) => f(file),
            Temp::Closed(p) => f(&std::fs::File::open(p)?),
        }
    }

    /// Flushes the temporary file's content to disk.
    pub fn sync(&self) -> io::Result<()> {
        self.with_file(|f| f.sync_all())
    }

    /// The device and inode of the temporary file: after a link, they tell whether the
    /// target's name still leads to our file.
    pub fn identity(&self) -> io::Result<(u64, u64)> {
        self.with_file(|f| f.metadata().map(|m| (m.dev(), m.ino())))
    }

    /// Links an unnamed file in under its target's name, as [`Staged::rename`] does, but
    /// keeps it open: should the save be undone, [`Staged::identity`] then tells whether the
    /// name still leads to it, with no look at the thousands of files that are never undone.
    /// Returns the directory; an error for a file that is not unnamed.
    pub fn link(&self) -> io::Result<PathBuf> {
        match &self.tmp {
            Temp::Unnamed(f) => link_in(f, &self.target).map(|()| dir_of(&self.target).into()),
            _ => Err(io::Error::other("not an unnamed file")),
        }
    }

    /// Renames the temporary file over the target and syncs the directory.
    pub fn commit(self) -> io::Result<()> {
        let dir = self.rename()?;
        sync_dir(&dir);
        Ok(())
    }

    /// Renames the temporary file over the target (links an unnamed one in: an error of kind
    /// `AlreadyExists` when the target exists by then); returns the directory, which the
    /// caller syncs (once for many files).
    pub fn rename(self) -> io::Result<PathBuf> {
        let dir = dir_of(&self.target).to_path_buf();
        let renamed = match self.tmp {
            Temp::Open(t) => t.persist(&self.target).map(|_| ()).map_err(|e| e.error),
            Temp::Closed(p) => p.persist(&self.target).map_err(|e| e.error),
            Temp::Unnamed(f) => return link_in(&f, &self.target).map(|()| dir),
        };
        renamed.map_err(|e| io::Error::other(format!("cannot rename: {}", io_message(&e))))?;
        Ok(dir)
    }
}

/// Links the unnamed `file` in as `target`; an error of kind `AlreadyExists` when the target
/// exists by then.
fn link_in(file: &std::fs::File, target: &Path) -> io::Result<()> {
    temp::link(file, target).map_err(|e| match e.kind() {
        io::ErrorKind::AlreadyExists => e,
        _ => io::Error::other(format!("cannot create: {}", io_message(&e))),
    })
}

/// Syncs a directory after renames in it. The renames are done; a failed sync only weakens
/// durability after a crash, so it is logged.
pub fn sync_dir(dir: &Path) {
    match std::fs::File::open(dir).and_then(|d| d.sync_all()) {
        Ok(()) => {}
        Err(e) => tracing::warn!(dir = %dir.display(), error = %e, "directory sync failed"),
    }
}

/// Writes `bytes` to a temporary file beside `target` (already resolved by
/// [`resolve_target`]), after removing stale temporary files there, gives it the mode, owner
/// and group `target` has now, and syncs it. A new file keeps the temporary file's 0600: a
/// config created by a save may hold secrets.
pub fn stage(target: &Path, bytes: &[u8]) -> io::Result<Staged> {
    let staged = stage_unsynced(target, bytes, true, TempKind::Named, true)?;
    staged.sync()?;
    Ok(staged)
}

/// [`stage`] without the sync (see [`sync_all`]); `clean` removes stale temporary files in
/// the folder first (once per folder is enough); `kind` says whether a new file may be
/// written unnamed; `may_exist` is false when the caller just found that `target` does not
/// exist (if it appears meanwhile, linking the unnamed file fails with `AlreadyExists`, or the
/// named one's check before its rename sees it).
pub fn stage_unsynced(
    target: &Path,
    bytes: &[u8],
    clean: bool,
    kind: TempKind,
    may_exist: bool,
) -> io::Result<Staged> {
    let old = match may_exist.then(|| std::fs::metadata(target)) {
        None => None,
        Some(Ok(m)) if !m.is_file() => return Err(io::Error::other("not a regular file")),
        Some(Ok(m)) => Some(m),
        Some(Err(e)) if e.kind() == io::ErrorKind::NotFound => None,
        Some(Err(e)) => return Err(e),
    };
    let dir = dir_of(target);
    if clean {
        temp::remove_stale(dir);
    }
    if old.is_none() && kind == TempKind::UnnamedWhenNew {
        if let Some(mut file) = temp::create_unnamed(dir) {
            file.write_all(bytes)?;
            return Ok(Staged {
                tmp: Temp::Unnamed(file),
                target: target.to_path_buf(),
            });
        }
    }
    let mut tmp = temp::create(dir).map_err(|e| {
        let why = match e.kind() {
            io::ErrorKind::NotFound => "the folder does not exist".to_string(),
            _ => io_message(&e),
        };
        io::Error::other(format!(
            "cannot create a temporary file in {}: {why}",
            dir.display()
        ))
    })?;
    tmp.write_all(bytes)?;
    if let Some(old) = &old {
        keep_metadata(tmp.as_file(), old)?;
    }
    Ok(Staged {
        tmp: Temp::Open(tmp),
        target: target.to_path_buf(),
    })
}

/// Syncs every staged file: with many, one `syncfs` per file system (see [`SYNCFS_FROM`]),
/// else several at a time (a file system commits concurrent syncs together). Returns
/// the index of a file that failed, with why.
pub fn sync_all(staged: &[Staged]) -> Result<(), (usize, io::Error)> {
    const THREADS: usize = 32;
    #[cfg(target_os = "linux")]
    if staged.len() >= SYNCFS_FROM {
        if let Some(done) = syncfs_all(staged) {
            return done;
        }
    }
    if staged.len() <= 2 {
        return staged
            .iter()
            .enumerate()
            .try_for_each(|(i, s)| s.sync().map_err(|e| (i, e)));
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failed = std::sync::Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..THREADS.min(staged.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(s) = staged.get(i) else { break };
                if let Err(e) = s.sync() {
                    failed.lock().expect("not poisoned").get_or_insert((i, e));
                    break;
                }
            });
        }
    });
    match failed.into_inner().expect("not poisoned") {
        Some(f) => Err(f),
        None => Ok(()),
    }
}

/// From this many staged files on, one `syncfs` per file system they are on replaces a sync
/// per file: a discovery writes thousands of new files, and a sync each (even many at a time)
/// costs several times writing them. It flushes more than our files, which is harmless.
#[cfg(target_os = "linux")]
const SYNCFS_FROM: usize = 64;

/// Syncs the file systems of every staged file, one `syncfs` each (Linux reports a failed
/// write-back of any file there through it). A temporary file is always in its target's
/// folder, so the folders tell the file systems: thousands of files share a few, and a look at
/// each file would cost more than the sync. `None` when a folder cannot be looked at: then the
/// files are synced one by one.
#[cfg(target_os = "linux")]
fn syncfs_all(staged: &[Staged]) -> Option<Result<(), (usize, io::Error)>> {
    // (device, a staged file on it, its folder)
    let mut devices: Vec<(u64, usize, &Path)> = Vec::new();
    let mut last: Option<&Path> = None;
    for (i, s) in staged.iter().enumerate() {
        let dir = dir_of(&s.target);
        if last == Some(dir) {
            continue;
        }
        last = Some(dir);
        let dev = std::fs::metadata(dir).ok()?.dev();
        if !devices.iter().any(|(d, _, _)| *d == dev) {
            devices.push((dev, i, dir));
        }
    }
    for (_, i, dir) in devices {
        if let Err(e) = syncfs_of(dir) {
            return Some(Err((i, e)));
        }
    }
    Some(Ok(()))
}

/// Writes back the whole file system folder `dir` is on, and waits for it.
#[cfg(target_os = "linux")]
pub(super) fn syncfs_of(dir: &Path) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let d = std::fs::File::open(dir)?;
    // SAFETY: syncfs only reads the descriptor, which `d` keeps open.
    if unsafe { libc::syncfs(d.as_raw_fd()) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Gives `file` the owner, group and mode of `old`. The owner first, since changing it clears
/// the set-id bits. Only root may give a file away; others keep what they can (the group, when
/// they belong to it) and the file becomes theirs, as with any editor.
fn keep_metadata(file: &std::fs::File, old: &std::fs::Metadata) -> io::Result<()> {
    let now = file.metadata()?;
    if (now.uid(), now.gid()) != (old.uid(), old.gid()) {
        if let Err(e) = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid())) {
            // SAFETY: geteuid has no preconditions.
            if unsafe { libc::geteuid() } == 0 {
                return Err(e);
            }
            let _ = std::os::unix::fs::fchown(file, None, Some(old.gid()));
            tracing::warn!(error = %e, "the saved file's owner could not be kept");
        }
    }
    file.set_permissions(std::fs::Permissions::from_mode(old.mode() & 0o7777))
}

/// Replaces `path` (through any symlinks) with `bytes` atomically, keeping its mode, owner and
/// group. No conflict or permission check: for flowspec's own files (the spec cache).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let target = resolve_target(path)?;
    stage(&target, bytes)?.commit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn atomic_write_keeps_mode_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("flow.yaml");
        std::fs::write(&p, "a: 1\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&p, b"a: 2\n").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "a: 2\n");
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode, 0o640);
        assert_eq!(entries(dir.path()), ["flow.yaml"]);
    }

    #[test]
    fn owner_and_group_are_kept_by_root_and_taken_by_others() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("flow.yaml");
        std::fs::write(&p, "a").unwrap();
        // SAFETY: geteuid has no preconditions.
        let root = unsafe { libc::geteuid() } == 0;
        if root {
            std::os::unix::fs::chown(&p, Some(4321), Some(8765)).unwrap();
        }
        let before = std::fs::metadata(&p).unwrap();
        write_atomic(&p, b"b").unwrap();
        let after = std::fs::metadata(&p).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "b");
        // Root gives the new file the old owner; anyone else owned the file already.
        assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
        if root {
            assert_eq!((after.uid(), after.gid()), (4321, 8765));
        }
    }

    #[test]
    fn set_id_bits_survive_the_owner_change() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("tool");
        std::fs::write(&p, "a").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o2750)).unwrap();
        write_atomic(&p, b"b").unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode, 0o2750);
    }

    #[test]
    fn a_symlink_chain_resolves_to_its_final_file() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("real")).unwrap();
        std::fs::write(d.join("real/flow.yaml"), "a").unwrap();
        symlink("real/flow.yaml", d.join("middle.yaml")).unwrap();
        symlink(d.join("middle.yaml"), d.join("flow.yaml")).unwrap();
        assert_eq!(
            resolve_target(&d.join("flow.yaml")).unwrap(),
            d.join("real/flow.yaml")
        );
        // A path that does not exist yet is a new file, written where it is named.
        assert_eq!(
            resolve_target(&d.join("new.yaml")).unwrap(),
            d.join("new.yaml")
        );
    }

    #[test]
    fn dangling_links_and_loops_are_errors_that_say_so() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        symlink("gone.yaml", d.join("dangling.yaml")).unwrap();
        let e = resolve_target(&d.join("dangling.yaml")).unwrap_err();
        assert!(
            e.to_string().contains("gone.yaml, which does not exist"),
            "{e}"
        );
        symlink("b.yaml", d.join("a.yaml")).unwrap();
        symlink("a.yaml", d.join("b.yaml")).unwrap();
        let e = resolve_target(&d.join("a.yaml")).unwrap_err();
        assert!(e.to_string().contains("symlink loop"), "{e}");
        symlink("self.yaml", d.join("self.yaml")).unwrap();
        let e = resolve_target(&d.join("self.yaml")).unwrap_err();
        assert!(e.to_string().contains("symlink loop"), "{e}");
    }

    #[test]
    fn a_directory_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let e = write_atomic(&dir.path().join("sub"), b"x").unwrap_err();
        assert_eq!(e.to_string(), "not a regular file");
        assert!(dir.path().join("sub").is_dir());
    }

    #[test]
    fn write_protection_is_the_mode_for_root_and_access_for_others() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("flow.yaml");
        std::fs::write(&p, "a").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(!is_write_protected(&p));
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o444)).unwrap();
        assert!(is_write_protected(&p));
        assert!(!is_write_protected(&dir.path().join("new.yaml")));
    }

    #[test]
    fn a_failed_stage_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("gone/flow.yaml");
        let e = stage(&missing, b"x").unwrap_err();
        assert!(e.to_string().contains("the folder does not exist"), "{e}");
        let p = dir.path().join("flow.yaml");
        std::fs::write(&p, "a").unwrap();
        let staged = stage(&p, b"b").unwrap();
        assert!(staged.temp_path().unwrap().exists());
        let tmp = staged.temp_path().unwrap().to_path_buf();
        drop(staged);
        assert!(!tmp.exists());
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "a");
    }
}
