//! Saving edited files safely: a unified diff first ([`plan`]), then [`write_planned`]: a
//! check that nobody else changed the files since they were loaded, a question before a
//! write-protected file is replaced, every new text staged in a temporary file, the check again,
//! and only then the renames. Symlinks are written through; mode, owner and group are kept.

mod commit;
mod outcome;
mod temp;
mod write;
mod writeback;

use std::path::PathBuf;

use crate::catalog::Catalog;
use crate::secrets::{self, Schemas};

pub use commit::{write_planned, write_planned_with, Protected, SavePoint};
pub use outcome::{Failed, SaveOutcome, Written};
pub use write::{is_write_protected, resolve_target, write_atomic};

/// One file that a save will rewrite. Its `Debug` shows the (masked) diff, not the texts.
#[derive(Clone, PartialEq, Eq)]
pub struct PlannedWrite {
    pub file: usize,
    pub path: PathBuf,
    /// The path as shown to the user (relative to the catalog root).
    pub display: String,
    /// What the file held when loaded; the write is refused if the disk no longer matches.
    pub expected: String,
    /// The text to write; shared with [`Written::text`] once written.
    pub new_text: std::sync::Arc<str>,
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

/// Why a file was not saved.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum SaveError {
    /// The file on disk is no longer what flowspec loaded. Nothing is written then.
    #[error("{0} was changed on disk since flowspec loaded it; reload it or compare first")]
    Conflict(String),
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    /// These files have no write permission; the user must confirm replacing them.
    #[error("{} read-only (no write permission)", read_only_names(.0))]
    WriteProtected(Vec<String>),
}

impl SaveError {
    /// The file the error is about, when it is about one.
    pub fn file(&self) -> Option<&str> {
        match self {
            SaveError::Conflict(f) => Some(f),
            SaveError::Io { path, .. } => Some(path),
            SaveError::WriteProtected(files) if files.len() == 1 => Some(&files[0]),
            SaveError::WriteProtected(_) => None,
        }
    }

    /// The error without its file name, for a message that names the file already.
    pub fn reason(&self) -> String {
        match self {
            SaveError::Conflict(_) => "changed on disk since flowspec loaded it".into(),
            SaveError::Io { message, .. } => message.clone(),
            SaveError::WriteProtected(files) if files.len() == 1 => {
                "read-only (no write permission)".into()
            }
            SaveError::WriteProtected(_) => self.to_string(),
        }
    }
}

fn read_only_names(files: &[String]) -> String {
    match files {
        [one] => format!("{one} is"),
        many => format!("{} are", many.join(", ")),
    }
}

/// Lists every file with unsaved edits, with its diff (secrets masked by the key-name rule,
/// as no connector schema is known here; see [`plan_masked`]).
pub fn plan(catalog: &Catalog) -> Vec<PlannedWrite> {
    plan_masked(catalog, &Schemas::none())
}

/// [`plan`], with the secrets of each config located by its connector's schema where
/// `schemas` knows it: every diff masks both the old and the new value of every secret.
pub fn plan_masked(catalog: &Catalog, schemas: &Schemas) -> Vec<PlannedWrite> {
    let dirty: Vec<usize> = (0..catalog.files.len())
        .filter(|&i| catalog.files[i].is_dirty())
        .collect();
    // Each diff is independent of the others, and a discovery can create thousands of files.
    crate::par::par_map(&dirty, |_, &i| {
        let f = &catalog.files[i];
        let display = catalog.display_path(&f.path).into_owned();
        PlannedWrite {
            file: i,
            path: f.path.clone(),
            diff: secrets::masked_diff(catalog, i, &display, &f.disk, f.text(), schemas),
            display,
            expected: f.disk.clone(),
            new_text: f.text().into(),
        }
    })
}

/// A unified diff with three lines of context, headed `a/PATH` and `b/PATH`.
pub fn unified_diff(display: &str, old: &str, new: &str) -> String {
    if old.is_empty() && !new.is_empty() {
        return creation_diff(display, new);
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{display}"), &format!("b/{display}"))
        .to_string()
}

/// [`unified_diff`] of a new file: every line added. The same text `similar` writes, without
/// its diffing (a discovery can create thousands of files). Lines are found with a plain
/// scan: they are short, and a search per line costs more to start than to run.
fn creation_diff(display: &str, new: &str) -> String {
    let breaks = new.bytes().filter(|&b| b == b'\n').count();
    let unterminated = !new.is_empty() && !new.ends_with('\n');
    let lines = breaks + usize::from(unterminated);
    let mut out = String::with_capacity(new.len() + lines + 2 * display.len() + 64);
    let range = if lines == 1 {
        "1".to_string()
    } else {
        format!("1,{lines}")
    };
    out.push_str(&format!(
        "--- a/{display}\n+++ b/{display}\n@@ -0,0 +{range} @@\n"
    ));
    let mut rest = new;
    while !rest.is_empty() {
        let end = rest
            .bytes()
            .position(|b| b == b'\n')
            .map_or(rest.len(), |i| i + 1);
        out.push('+');
        out.push_str(&rest[..end]);
        rest = &rest[end..];
    }
    if unterminated {
        out.push_str("\n\\ No newline at end of file\n");
    }
    out
}

/// Writes every planned file (see [`write_planned`]; write-protected files are refused) and
/// records the written ones in `catalog` as its new disk state, even when a later one failed.
pub fn execute(catalog: &mut Catalog, writes: &[PlannedWrite]) -> Result<(), SaveError> {
    let outcome = write_planned(writes, Protected::Refuse);
    record_written(catalog, &outcome.written);
    match outcome.failed {
        Some(f) => Err(f.error),
        None => Ok(()),
    }
}

/// Makes each written file's new text its loaded (disk) text, so the next save compares
/// against what flowspec itself wrote; its edit is done unless it changed again meanwhile.
pub fn record_written(catalog: &mut Catalog, written: &[Written]) {
    for w in written {
        if let Some(f) = catalog.files.get_mut(w.file) {
            f.disk = match f.edited.take() {
                // The edited text becomes the disk text: no copy of a large file.
                Some(edited) if *edited == *w.text => edited,
                edited => {
                    f.edited = edited;
                    w.text.to_string()
                }
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_diff_of_a_new_file_is_what_similar_writes() {
        for new in [
            "a: 1\n",
            "a: 1",
            "a: 1\nb:\n  - 2\n",
            "a: 1\nb: 2",
            "\n",
            "\n\nx\n",
            "a: 1\r\nb: 2\r\n",
            "",
            "é: ü\n\u{2028}x\n",
        ] {
            let expected = similar::TextDiff::from_lines("", new)
                .unified_diff()
                .context_radius(3)
                .header("a/x/flow.yaml", "b/x/flow.yaml")
                .to_string();
            assert_eq!(unified_diff("x/flow.yaml", "", new), expected, "{new:?}");
        }
    }
}
