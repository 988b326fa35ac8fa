//! Saving edited files safely: a unified diff first, a check that nobody else changed the file
//! since it was loaded, then an atomic replace (temp file in the same directory, fsync, rename)
//! that keeps the file's permissions.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::catalog::load::io_message;
use crate::catalog::Catalog;
use crate::secrets::{self, Schemas};

/// One file that a save will rewrite. Its `Debug` shows the (masked) diff, not the texts.
#[derive(Clone, PartialEq, Eq)]
pub struct PlannedWrite {
    pub file: usize,
    pub path: PathBuf,
    /// The path as shown to the user (relative to the catalog root).
    pub display: String,
    /// What the file held when loaded; the write is refused if the disk no longer matches.
    pub expected: String,
    pub new_text: String,
    /// A unified diff of the change.
    pub diff: String,
}

impl std::fmt::Debug for PlannedWrite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlannedWrite")
            .field("file", &self.file)
            .field("path", &self.path)
            .field("display", &self.display)
            .field("expected", &secrets::REDACTED)
            .field("new_text", &secrets::REDACTED)
            .field("diff", &self.diff)
            .finish_non_exhaustive()
    }
}

/// Why a save did not happen. Nothing is written when any file fails its pre-check.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SaveError {
    #[error("{0} was changed on disk since flowspec loaded it; reload it or compare first")]
    Conflict(String),
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error("read-only mode: nothing is written")]
    ReadOnly,
}

/// Lists every file with unsaved edits, with its diff (secrets masked by the key-name rule,
/// as no connector schema is known here; see [`plan_masked`]).
pub fn plan(catalog: &Catalog) -> Vec<PlannedWrite> {
    plan_masked(catalog, &Schemas::none())
}

/// [`plan`], with the secrets of each config located by its connector's schema where
/// `schemas` knows it: every diff masks both the old and the new value of every secret.
pub fn plan_masked(catalog: &Catalog, schemas: &Schemas) -> Vec<PlannedWrite> {
    catalog
        .files
        .iter()
        .enumerate()
        .filter(|(_, f)| f.is_dirty())
        .map(|(i, f)| {
            let display = catalog.display_path(&f.path).into_owned();
            PlannedWrite {
                file: i,
                path: f.path.clone(),
                diff: secrets::masked_diff(catalog, i, &display, &f.disk, f.text(), schemas),
                display,
                expected: f.disk.clone(),
                new_text: f.text().to_string(),
            }
        })
        .collect()
}

/// A unified diff with three lines of context, headed `a/PATH` and `b/PATH`.
pub fn unified_diff(display: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{display}"), &format!("b/{display}"))
        .to_string()
}

/// Checks that no planned file changed on disk since it was loaded.
pub fn check_conflicts(writes: &[PlannedWrite]) -> Result<(), SaveError> {
    for w in writes {
        let on_disk = match std::fs::read(&w.path) {
            // A file that did not exist when loaded (a new config) may still not exist.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && w.expected.is_empty() => {
                Vec::new()
            }
            other => other.map_err(|e| SaveError::Io {
                path: w.display.clone(),
                message: io_message(&e),
            })?,
        };
        if on_disk != w.expected.as_bytes() {
            return Err(SaveError::Conflict(w.display.clone()));
        }
    }
    Ok(())
}

/// Writes every planned file after checking all of them for conflicts. Returns what each
/// written file now holds, for the caller to record as the new disk state.
pub fn write_planned(writes: &[PlannedWrite]) -> Result<Vec<(usize, String)>, SaveError> {
    check_conflicts(writes)?;
    let mut done = Vec::with_capacity(writes.len());
    for w in writes {
        write_atomic(&w.path, w.new_text.as_bytes()).map_err(|e| SaveError::Io {
            path: w.display.clone(),
            message: io_message(&e),
        })?;
        done.push((w.file, w.new_text.clone()));
    }
    Ok(done)
}

/// Writes every planned file (see [`write_planned`]) and marks them saved in `catalog`.
pub fn execute(catalog: &mut Catalog, writes: &[PlannedWrite]) -> Result<(), SaveError> {
    for (file, text) in write_planned(writes)? {
        if let Some(f) = catalog.files.get_mut(file) {
            if f.edited.as_deref() == Some(text.as_str()) {
                f.edited = None;
            }
            f.disk = text;
        }
    }
    Ok(())
}

/// Replaces `path` with `bytes` atomically: other readers see the old or the new file, never
/// a torn one, and a crash leaves the old file intact.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(path).ok().map(|m| m.permissions());
    let mut tmp = tempfile::Builder::new()
        .prefix(".flowspec-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    if let Some(p) = permissions {
        std::fs::set_permissions(tmp.path(), p)?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn atomic_write_keeps_mode_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("flow.yaml");
        std::fs::write(&p, "a: 1\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&p, b"a: 2\n").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "a: 2\n");
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1);
    }
}
