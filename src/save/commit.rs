//! A save of one or more files, in two phases so that it writes all of them or none in every
//! case but a failing rename:
//!
//! 1. check that each file still holds what was loaded, resolve symlinks, refuse (unless told
//!    otherwise) to replace a write-protected file, create the folders a new file needs, and
//!    stage every new text in a temporary file beside its target, then sync them all (many at
//!    a time; with thousands, their write-back starts while the later ones are staged, see
//!    [`super::writeback`]) — any failure here writes nothing (and removes the folders it
//!    created);
//! 2. check the disk again (another program may have written while the temporary files were
//!    being written), link in the new files written unnamed (see [`super::write`]; if one
//!    fails, the ones linked before it are removed again and nothing is written), then rename
//!    each other temporary file over its target; each folder is synced once at the end.
//!
//! Only a rename can fail after another file was written; the outcome then says exactly which
//! files were written and which were not. (A write that lands between the second check and the
//! rename, a window of microseconds, cannot be seen without a lock other programs do not take.)

use std::path::{Path, PathBuf};

use std::os::unix::fs::MetadataExt;

use super::temp;
use super::write::{self, Staged, TempKind};
use super::writeback::EarlyWriteback;
use super::{PlannedWrite, SaveError, SaveOutcome, Written};
use crate::catalog::load::io_message;
use crate::catalog::read::ReadError;

/// What to do with a file that has no write permission (see [`write::is_write_protected`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protected {
    /// Write nothing and report [`SaveError::WriteProtected`], so the user can be asked.
    Refuse,
    /// The user confirmed: replace it, keeping its read-only mode.
    Overwrite,
}

/// Points during a save where another program could act. [`write_planned_with`] calls a hook at
/// each, so tests can do exactly that at exactly that moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SavePoint<'a> {
    /// Every file was checked; this one (the resolved target) is about to be staged.
    BeforeStage(&'a Path),
    /// Every temporary file is written and synced; the disk has not been checked again yet.
    Staged,
    /// The disk was checked again; this file (the resolved target) is about to be replaced.
    BeforeRename(&'a Path),
}

/// Checks that `path` (the planned file or its resolved target) holds `w.expected`.
fn check_unchanged(w: &PlannedWrite, path: &Path) -> Result<(), SaveError> {
    // Through the bounded reader: a file swapped for a FIFO or a device since loading must not
    // hang the save, and reading one byte past the expected text is enough to tell a change.
    let limit = w.expected.len() as u64 + 1;
    let on_disk = match crate::catalog::read::bytes_limited(path, limit) {
        Ok(bytes) => bytes,
        // A file that did not exist when loaded (a new config) may still not exist.
        Err(ReadError::NotFound) if w.expected.is_empty() => Vec::new(),
        Err(ReadError::NotFound) => {
            return Err(SaveError::Io {
                path: w.display.clone(),
                message: "was deleted or moved since flowspec loaded it".into(),
            })
        }
        Err(ReadError::TooLarge { .. }) => return Err(SaveError::Conflict(w.display.clone())),
        Err(e) => {
            return Err(SaveError::Io {
                path: w.display.clone(),
                message: e.to_string(),
            })
        }
    };
    if on_disk != w.expected.as_bytes() {
        return Err(SaveError::Conflict(w.display.clone()));
    }
    Ok(())
}

fn io_error(w: &PlannedWrite, e: &std::io::Error) -> SaveError {
    SaveError::Io {
        path: w.display.clone(),
        message: io_message(e),
    }
}

/// Writes every planned file (see the module doc). A conflict or a write-protected file
/// (with [`Protected::Refuse`]) always means nothing was written.
pub fn write_planned(writes: &[PlannedWrite], protected: Protected) -> SaveOutcome {
    write_planned_with(writes, protected, &mut |_| {})
}

/// [`write_planned`], calling `hook` at each [`SavePoint`].
pub fn write_planned_with(
    writes: &[PlannedWrite],
    protected: Protected,
    hook: &mut dyn FnMut(SavePoint<'_>),
) -> SaveOutcome {
    let nothing = |error| {
        let names = writes.iter().map(|w| w.display.clone()).collect();
        SaveOutcome::nothing_written(error, names)
    };
    // Folders a new file needs are created for it, and removed again if nothing is written.
    let mut folders = NewFolders::default();
    let staged = match stage_all(writes, protected, hook, &mut folders) {
        Ok(s) => s,
        Err(e) => return nothing(e),
    };
    hook(SavePoint::Staged);
    // A file staged unnamed did not exist when staged; linking it in fails if it does now.
    if let Err(e) = writes
        .iter()
        .zip(&staged)
        .filter(|(_, s)| !s.is_unnamed())
        .try_for_each(|(w, s)| check_unchanged(w, s.target()))
    {
        return nothing(e); // Dropping `staged` removes the temporary files.
    }
    let (unnamed, named): (Vec<_>, Vec<_>) =
        writes.iter().zip(staged).partition(|(_, s)| s.is_unnamed());
    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut outcome = SaveOutcome::default();
    if let Err(e) = link_all(unnamed, hook, &mut dirs, &mut outcome) {
        return nothing(e);
    }
    folders.keep();
    let mut named = named.into_iter();
    while let Some((w, s)) = named.next() {
        hook(SavePoint::BeforeRename(s.target()));
        match s.rename() {
            Ok(dir) => note_dir(&mut dirs, dir),
            Err(e) => {
                let not_written = std::iter::once(w)
                    .chain(named.map(|(w, _)| w))
                    .map(|w| w.display.clone())
                    .collect();
                outcome.failed = Some(super::Failed {
                    error: io_error(w, &e),
                    not_written,
                });
                break;
            }
        }
        outcome.written.push(written(w));
    }
    dirs.iter().for_each(|d| write::sync_dir(d));
    // New files were linked first; the outcome lists them in the plan's (and the diff's) order.
    let order: std::collections::HashMap<usize, usize> = writes
        .iter()
        .enumerate()
        .map(|(i, w)| (w.file, i))
        .collect();
    outcome
        .written
        .sort_by_key(|w| order.get(&w.file).copied().unwrap_or(usize::MAX));
    outcome
}

/// Adds `dir` to the folders synced once at the end.
fn note_dir(dirs: &mut Vec<PathBuf>, dir: PathBuf) {
    if !dirs.contains(&dir) {
        dirs.push(dir);
    }
}

fn written(w: &PlannedWrite) -> Written {
    Written {
        file: w.file,
        display: w.display.clone(),
        text: w.new_text.clone(),
    }
}

/// Links in every new file written unnamed. All or none: when one fails (another program
/// created a file by that name since the check: a conflict), the ones linked before it are
/// removed again, each only if its name still leads to the file this save wrote.
fn link_all(
    unnamed: Vec<(&PlannedWrite, Staged)>,
    hook: &mut dyn FnMut(SavePoint<'_>),
    dirs: &mut Vec<PathBuf>,
    outcome: &mut SaveOutcome,
) -> Result<(), SaveError> {
    // Kept open until all are linked: undoing the save asks each whether its name still
    // leads to it.
    let mut linked: Vec<Staged> = Vec::with_capacity(unnamed.len());
    for (w, s) in unnamed {
        hook(SavePoint::BeforeRename(s.target()));
        let error = match s.link() {
            Ok(dir) => {
                note_dir(dirs, dir);
                linked.push(s);
                outcome.written.push(written(w));
                continue;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                SaveError::Conflict(w.display.clone())
            }
            Err(e) => io_error(w, &e),
        };
        for s in linked {
            let path = s.target();
            let ours = std::fs::symlink_metadata(path)
                .is_ok_and(|m| s.identity().is_ok_and(|id| id == (m.dev(), m.ino())));
            if ours {
                let _ = std::fs::remove_file(path);
            }
        }
        outcome.written.clear();
        return Err(error);
    }
    Ok(())
}

/// More staged files than this are closed once written (and synced by name), so a save of
/// thousands of new files stays far from the descriptor limit.
const KEEP_OPEN: usize = 64;

/// Phase 1: checks every file, stages its new text and syncs them all; the first failure
/// stops it.
fn stage_all(
    writes: &[PlannedWrite],
    protected: Protected,
    hook: &mut dyn FnMut(SavePoint<'_>),
    folders: &mut NewFolders,
) -> Result<Vec<Staged>, SaveError> {
    let targets: Vec<(PathBuf, bool)> = writes
        .iter()
        .map(|w| write::resolve_existing(&w.path).map_err(|e| io_error(w, &e)))
        .collect::<Result<_, _>>()?;
    // A new file whose target still does not exist has nothing to compare (see
    // `check_unchanged`); thousands come with a discovery.
    writes
        .iter()
        .zip(&targets)
        .filter(|(w, (_, exists))| *exists || !w.expected.is_empty())
        .try_for_each(|(w, _)| check_unchanged(w, &w.path))?;
    if protected == Protected::Refuse {
        let names: Vec<String> = writes
            .iter()
            .zip(&targets)
            .filter(|(_, (t, exists))| *exists && write::is_write_protected(t))
            .map(|(w, _)| w.display.clone())
            .collect();
        if !names.is_empty() {
            return Err(SaveError::WriteProtected(names));
        }
    }
    let close = writes.len() > KEEP_OPEN;
    let new_files = writes.iter().filter(|w| w.expected.is_empty()).count();
    let mut unnamed_left = if new_files > 0 {
        temp::unnamed_budget(new_files)
    } else {
        0
    };
    let mut cleaned: std::collections::HashSet<PathBuf> = Default::default();
    let mut staged = Vec::with_capacity(writes.len());
    let mut writeback = EarlyWriteback::start(writes.len());
    for (w, (t, exists)) in writes.iter().zip(&targets) {
        hook(SavePoint::BeforeStage(t));
        if w.expected.is_empty() {
            folders.create_for(t).map_err(|e| io_error(w, &e))?;
        }
        let dir = t.parent().map(Path::to_path_buf).unwrap_or_default();
        let clean = cleaned.insert(dir);
        let kind = if unnamed_left > 0 {
            TempKind::UnnamedWhenNew
        } else {
            TempKind::Named
        };
        let s = write::stage_unsynced(t, w.new_text.as_bytes(), clean, kind, *exists)
            .map_err(|e| io_error(w, &e))?;
        if s.is_unnamed() {
            unnamed_left -= 1;
        }
        staged.push(if close { s.close() } else { s });
        writeback.staged(t);
    }
    writeback.finish();
    write::sync_all(&staged).map_err(|(i, e)| io_error(&writes[i], &e))?;
    Ok(staged)
}

/// The folders a save created for new files, deepest last; removed again (when still empty)
/// unless [`NewFolders::keep`] was called.
#[derive(Default)]
struct NewFolders {
    created: Vec<PathBuf>,
    keep: bool,
    /// Folders seen to exist (or created) already: thousands of new files share a few.
    known: std::collections::HashSet<PathBuf>,
}

impl NewFolders {
    /// Creates the missing folders above `file`.
    fn create_for(&mut self, file: &Path) -> std::io::Result<()> {
        let Some(dir) = file.parent() else {
            return Ok(());
        };
        if self.known.contains(dir) {
            return Ok(());
        }
        let missing: Vec<PathBuf> = dir
            .ancestors()
            .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
            .map(Path::to_path_buf)
            .collect();
        for d in missing.into_iter().rev() {
            std::fs::create_dir(&d)?;
            self.created.push(d);
        }
        self.known.insert(dir.to_path_buf());
        Ok(())
    }

    fn keep(&mut self) {
        self.keep = true;
    }
}

impl Drop for NewFolders {
    fn drop(&mut self) {
        if !self.keep {
            for d in self.created.iter().rev() {
                let _ = std::fs::remove_dir(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::save::Failed;
    use std::os::unix::fs::PermissionsExt;

    fn planned(dir: &Path, file: usize, name: &str, old: &str, new: &str) -> PlannedWrite {
        let path = dir.join(name);
        std::fs::write(&path, old).unwrap();
        PlannedWrite {
            file,
            path,
            display: name.into(),
            expected: old.into(),
            new_text: new.into(),
            diff: String::new(),
        }
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_write_by_another_program_while_staging_stops_every_rename() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let writes = [
            planned(d, 0, "a.yaml", "a: 1\n", "a: 2\n"),
            planned(d, 1, "b.yaml", "b: 1\n", "b: 2\n"),
        ];
        let outcome = write_planned_with(&writes, Protected::Refuse, &mut |p| {
            if p == SavePoint::Staged {
                std::fs::write(d.join("b.yaml"), "b: theirs\n").unwrap();
            }
        });
        assert_eq!(
            outcome,
            SaveOutcome::nothing_written(
                SaveError::Conflict("b.yaml".into()),
                vec!["a.yaml".into(), "b.yaml".into()]
            )
        );
        assert_eq!(std::fs::read_to_string(d.join("a.yaml")).unwrap(), "a: 1\n");
        assert_eq!(
            std::fs::read_to_string(d.join("b.yaml")).unwrap(),
            "b: theirs\n"
        );
        assert_eq!(entries(d), ["a.yaml", "b.yaml"], "no temporary file left");
    }

    #[test]
    fn with_many_files_one_that_cannot_be_staged_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("sub")).unwrap();
        let n = KEEP_OPEN * 2;
        let mut writes: Vec<PlannedWrite> = (0..n)
            .map(|i| planned(d, i, &format!("f{i:03}.yaml"), "a: 1\n", "a: 2\n"))
            .collect();
        writes.push(planned(d, n, "sub/b.yaml", "b: 1\n", "b: 2\n"));
        let b = d.join("sub/b.yaml");
        let outcome = write_planned_with(&writes, Protected::Refuse, &mut |p| {
            if p == SavePoint::BeforeStage(&b) {
                std::fs::remove_dir_all(d.join("sub")).unwrap();
            }
        });
        assert!(outcome.written.is_empty(), "{outcome:?}");
        let failed = outcome.failed.unwrap();
        assert_eq!(failed.not_written.len(), n + 1);
        assert_eq!(failed.error.file(), Some("sub/b.yaml"));
        let left = entries(d);
        assert_eq!(left.len(), n, "no temporary file left: {left:?}");
        assert!(left
            .iter()
            .all(|f| { std::fs::read_to_string(d.join(f)).unwrap() == "a: 1\n" }));
        // The same save succeeds once the folder is back.
        std::fs::create_dir(d.join("sub")).unwrap();
        std::fs::write(&b, "b: 1\n").unwrap();
        let outcome = write_planned(&writes, Protected::Refuse);
        assert!(outcome.is_complete(), "{outcome:?}");
        assert_eq!(
            std::fs::read_to_string(d.join("f000.yaml")).unwrap(),
            "a: 2\n"
        );
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "b: 2\n");
    }

    #[test]
    fn a_file_that_cannot_be_staged_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("sub")).unwrap();
        let writes = [
            planned(d, 0, "a.yaml", "a: 1\n", "a: 2\n"),
            planned(d, 1, "sub/b.yaml", "b: 1\n", "b: 2\n"),
        ];
        let b = d.join("sub/b.yaml");
        // After the checks, b.yaml's folder goes: its temporary file cannot be created.
        let outcome = write_planned_with(&writes, Protected::Refuse, &mut |p| {
            if p == SavePoint::BeforeStage(&b) {
                std::fs::remove_dir_all(d.join("sub")).unwrap();
            }
        });
        assert!(outcome.written.is_empty(), "{outcome:?}");
        let failed = outcome.failed.unwrap();
        assert_eq!(failed.not_written, ["a.yaml", "sub/b.yaml"]);
        assert_eq!(failed.error.file(), Some("sub/b.yaml"));
        assert!(
            failed
                .error
                .reason()
                .ends_with(": the folder does not exist"),
            "{}",
            failed.error
        );
        assert_eq!(std::fs::read_to_string(d.join("a.yaml")).unwrap(), "a: 1\n");
        assert_eq!(
            entries(d),
            ["a.yaml"],
            "a.yaml's temporary file is gone too"
        );
    }

    #[test]
    fn a_failing_rename_reports_exactly_what_was_written() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let writes = [
            planned(d, 0, "a.yaml", "a: 1\n", "a: 2\n"),
            planned(d, 1, "b.yaml", "b: 1\n", "b: 2\n"),
            planned(d, 2, "c.yaml", "c: 1\n", "c: 2\n"),
        ];
        let b = d.join("b.yaml");
        let outcome = write_planned_with(&writes, Protected::Refuse, &mut |p| {
            // After the last check, b.yaml becomes a folder: its rename must fail.
            if p == SavePoint::BeforeRename(&b) {
                std::fs::remove_file(&b).unwrap();
                std::fs::create_dir_all(b.join("inside")).unwrap();
            }
        });
        assert_eq!(outcome.written.len(), 1);
        assert_eq!(outcome.written[0].display, "a.yaml");
        assert_eq!(&*outcome.written[0].text, "a: 2\n");
        let Some(Failed { error, not_written }) = &outcome.failed else {
            panic!("{outcome:?}")
        };
        assert_eq!(not_written, &["b.yaml", "c.yaml"]);
        assert_eq!(error.file(), Some("b.yaml"));
        assert!(error.reason().starts_with("cannot rename"), "{error}");
        assert_eq!(std::fs::read_to_string(d.join("a.yaml")).unwrap(), "a: 2\n");
        assert_eq!(std::fs::read_to_string(d.join("c.yaml")).unwrap(), "c: 1\n");
        assert_eq!(entries(d), ["a.yaml", "b.yaml", "c.yaml"]);
    }

    #[test]
    fn write_protected_files_are_refused_until_confirmed_and_stay_read_only() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let writes = [
            planned(d, 0, "a.yaml", "a: 1\n", "a: 2\n"),
            planned(d, 1, "b.yaml", "b: 1\n", "b: 2\n"),
        ];
        let b = d.join("b.yaml");
        std::fs::set_permissions(&b, std::fs::Permissions::from_mode(0o444)).unwrap();
        let outcome = write_planned(&writes, Protected::Refuse);
        assert_eq!(
            outcome.failed.map(|f| f.error),
            Some(SaveError::WriteProtected(vec!["b.yaml".into()]))
        );
        assert!(outcome.written.is_empty());
        assert_eq!(std::fs::read_to_string(d.join("a.yaml")).unwrap(), "a: 1\n");
        let outcome = write_planned(&writes, Protected::Overwrite);
        assert!(outcome.is_complete(), "{outcome:?}");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "b: 2\n");
        let mode = std::fs::metadata(&b).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode, 0o444);
    }

    #[test]
    fn new_files_get_their_folders_and_a_failed_save_takes_them_away() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let new = |file: usize, name: &str, text: &str| new_file(d, file, name, text);
        // Someone else creates a file where a new one goes while the save stages: nothing is
        // written, and the folders it created are gone again.
        let writes = [
            new(0, "a/b/flow.yaml", "x: 1\n"),
            new(1, "taken.yaml", "mine\n"),
        ];
        let outcome = write_planned_with(&writes, Protected::Refuse, &mut |p| {
            if p == SavePoint::Staged {
                assert!(d.join("a/b").is_dir());
                std::fs::write(d.join("taken.yaml"), "theirs\n").unwrap();
            }
        });
        assert!(outcome.written.is_empty(), "{outcome:?}");
        assert_eq!(entries(d), ["taken.yaml"]);
        std::fs::remove_file(d.join("taken.yaml")).unwrap();
        // Without it, the folders are created and every file written.
        let writes = [
            new(0, "a/b/flow.yaml", "x: 1\n"),
            new(1, "a/c.yaml", "y: 2\n"),
        ];
        assert!(write_planned(&writes, Protected::Refuse).is_complete());
        assert_eq!(
            std::fs::read_to_string(d.join("a/b/flow.yaml")).unwrap(),
            "x: 1\n"
        );
        assert_eq!(
            std::fs::read_to_string(d.join("a/c.yaml")).unwrap(),
            "y: 2\n"
        );
    }

    fn new_file(d: &Path, file: usize, name: &str, text: &str) -> PlannedWrite {
        PlannedWrite {
            file,
            path: d.join(name),
            display: name.into(),
            expected: String::new(),
            new_text: text.into(),
            diff: String::new(),
        }
    }

    #[test]
    fn new_files_are_staged_without_a_name_and_linked_in_whole() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("old.yaml"), "a: 1\n").unwrap();
        let writes = [
            new_file(d, 0, "n1.yaml", "x: 1\n"),
            planned(d, 1, "old.yaml", "a: 1\n", "a: 2\n"),
            new_file(d, 2, "n2.yaml", "y: 2\n"),
        ];
        let outcome = write_planned_with(&writes, Protected::Refuse, &mut |p| {
            if p == SavePoint::Staged {
                // Only the existing file has a temporary name; the new ones have none yet.
                let names = entries(d);
                assert_eq!(names.len(), 2, "{names:?}");
                assert!(
                    names.iter().any(|n| n.starts_with(temp::PREFIX)),
                    "{names:?}"
                );
                assert!(!d.join("n1.yaml").exists());
            }
        });
        assert!(outcome.is_complete(), "{outcome:?}");
        let order: Vec<&str> = outcome.written.iter().map(|w| w.display.as_str()).collect();
        assert_eq!(
            order,
            ["n1.yaml", "old.yaml", "n2.yaml"],
            "in the plan's order"
        );
        assert_eq!(entries(d), ["n1.yaml", "n2.yaml", "old.yaml"]);
        assert_eq!(
            std::fs::read_to_string(d.join("n2.yaml")).unwrap(),
            "y: 2\n"
        );
        assert_eq!(
            std::fs::read_to_string(d.join("old.yaml")).unwrap(),
            "a: 2\n"
        );
        // New files may hold secrets: readable by their owner only, as before.
        let mode = std::fs::metadata(d.join("n1.yaml"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn a_new_file_that_another_program_created_before_or_while_staging_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("old.yaml"), "a: 1\n").unwrap();
        let writes = [
            planned(d, 0, "old.yaml", "a: 1\n", "a: 2\n"),
            new_file(d, 1, "n1.yaml", "x: 1\n"),
            new_file(d, 2, "n2.yaml", "y: 2\n"),
        ];
        let conflict = |name: &str| {
            let names = writes.iter().map(|w| w.display.clone()).collect();
            SaveOutcome::nothing_written(SaveError::Conflict(name.into()), names)
        };
        // Before the save: seen when it looks at its targets.
        std::fs::write(d.join("n2.yaml"), "theirs\n").unwrap();
        assert_eq!(
            write_planned(&writes, Protected::Refuse),
            conflict("n2.yaml")
        );
        std::fs::remove_file(d.join("n2.yaml")).unwrap();
        // While staging, after the save found it missing: linking it in fails.
        let n1 = d.join("n1.yaml");
        let outcome = write_planned_with(&writes, Protected::Refuse, &mut |p| {
            if p == SavePoint::BeforeStage(&n1) {
                std::fs::write(&n1, "theirs\n").unwrap();
            }
        });
        assert_eq!(outcome, conflict("n1.yaml"));
        assert_eq!(std::fs::read_to_string(&n1).unwrap(), "theirs\n");
        assert_eq!(
            entries(d),
            ["n1.yaml", "old.yaml"],
            "nothing else written or left"
        );
        assert_eq!(
            std::fs::read_to_string(d.join("old.yaml")).unwrap(),
            "a: 1\n"
        );
    }

    #[test]
    fn a_new_file_created_by_another_program_just_before_its_link_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("old.yaml"), "a: 1\n").unwrap();
        let writes = [
            new_file(d, 0, "sub/n1.yaml", "x: 1\n"),
            planned(d, 1, "old.yaml", "a: 1\n", "a: 2\n"),
            new_file(d, 2, "sub/n2.yaml", "y: 2\n"),
        ];
        let n2 = d.join("sub/n2.yaml");
        let outcome = write_planned_with(&writes, Protected::Refuse, &mut |p| {
            // After the last check and after n1.yaml is linked: too late for the check.
            if p == SavePoint::BeforeRename(&n2) {
                assert!(d.join("sub/n1.yaml").exists());
                std::fs::write(&n2, "theirs\n").unwrap();
            }
        });
        assert_eq!(
            outcome,
            SaveOutcome::nothing_written(
                SaveError::Conflict("sub/n2.yaml".into()),
                vec![
                    "sub/n1.yaml".into(),
                    "old.yaml".into(),
                    "sub/n2.yaml".into()
                ]
            )
        );
        // n1.yaml is taken away again, theirs stays, the old file is as it was.
        assert_eq!(entries(&d.join("sub")), ["n2.yaml"]);
        assert_eq!(std::fs::read_to_string(&n2).unwrap(), "theirs\n");
        assert_eq!(
            std::fs::read_to_string(d.join("old.yaml")).unwrap(),
            "a: 1\n"
        );
        assert_eq!(entries(d), ["old.yaml", "sub"], "no temporary file left");
    }

    #[test]
    fn thousands_of_new_files_are_written_with_no_temporary_file_left() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let writes: Vec<PlannedWrite> = (0..2000)
            .map(|i| new_file(d, i, &format!("s/{i}.yaml"), &format!("n: {i}\n")))
            .collect();
        let outcome = write_planned(&writes, Protected::Refuse);
        assert!(outcome.is_complete(), "{:?}", outcome.failed);
        assert_eq!(outcome.written.len(), 2000);
        assert_eq!(std::fs::read_dir(d.join("s")).unwrap().count(), 2000);
        assert_eq!(
            std::fs::read_to_string(d.join("s/1999.yaml")).unwrap(),
            "n: 1999\n"
        );
    }
}
