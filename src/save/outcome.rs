//! What a save did: which files were written and, when one failed, which were not and why.
//! A save of several files writes all of them or, when one fails, says exactly where it
//! stopped, so the caller can keep the unwritten edits and record the written files.

use super::SaveError;

/// One file the save wrote. Its `Debug` leaves the text out: it can hold secrets.
#[derive(Clone, PartialEq, Eq)]
pub struct Written {
    /// The file's index in the catalog.
    pub file: usize,
    /// The path as shown to the user.
    pub display: String,
    /// What the file holds now: its new loaded text, shared with the plan (a discovery
    /// writes thousands of files, megabytes in all).
    pub text: std::sync::Arc<str>,
}

impl std::fmt::Debug for Written {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Written")
            .field("file", &self.file)
            .field("display", &self.display)
            .field("text", &crate::secrets::REDACTED)
            .finish()
    }
}

/// Why the save stopped, and the files it did not write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failed {
    pub error: SaveError,
    /// Every planned file that was not written (shown names, in plan order).
    pub not_written: Vec<String>,
}

/// The result of a save.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SaveOutcome {
    pub written: Vec<Written>,
    /// `None` when every planned file was written.
    pub failed: Option<Failed>,
}

impl SaveOutcome {
    /// A save that wrote nothing: every planned file is unwritten.
    pub fn nothing_written(error: SaveError, planned: Vec<String>) -> Self {
        SaveOutcome {
            written: Vec::new(),
            failed: Some(Failed {
                error,
                not_written: planned,
            }),
        }
    }

    /// True when every planned file was written.
    pub fn is_complete(&self) -> bool {
        self.failed.is_none()
    }

    /// One line for the user: what was saved, what was not and why, and that the unsaved
    /// edits are kept. For example
    /// `Saved a.yaml; NOT saved b.yaml: permission denied — your edits to it are kept`.
    pub fn summary(&self) -> String {
        let saved = self
            .written
            .iter()
            .map(|w| w.display.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let Some(failed) = &self.failed else {
            return format!("Saved {saved}");
        };
        let mut out = String::new();
        if !self.written.is_empty() {
            out.push_str(&format!("Saved {saved}; "));
        }
        let names = &failed.not_written;
        let about_one = names.len() == 1 && failed.error.file() == Some(names[0].as_str());
        if about_one {
            out.push_str(&format!(
                "NOT saved {}: {} — your edits to it are kept",
                names[0],
                failed.error.reason()
            ));
        } else {
            out.push_str(&format!(
                "NOT saved {} ({}) — your edits to {} are kept",
                names.join(", "),
                failed.error,
                if names.len() == 1 { "it" } else { "them" }
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(display: &str) -> Written {
        Written {
            file: 0,
            display: display.into(),
            text: "".into(),
        }
    }

    #[test]
    fn a_written_file_debug_prints_without_its_text() {
        let w = Written {
            text: "password: s3cr3t-canary\n".into(),
            ..written("flow.yaml")
        };
        let shown = format!("{w:?}");
        assert!(
            shown.contains("flow.yaml") && !shown.contains("s3cr3t"),
            "{shown}"
        );
    }

    fn denied(path: &str) -> SaveError {
        SaveError::Io {
            path: path.into(),
            message: "permission denied".into(),
        }
    }

    #[test]
    fn summaries_name_what_was_and_was_not_saved() {
        let all = SaveOutcome {
            written: vec![written("a.yaml"), written("b.yaml")],
            failed: None,
        };
        assert_eq!(all.summary(), "Saved a.yaml, b.yaml");
        let partial = SaveOutcome {
            written: vec![written("a.yaml")],
            failed: Some(Failed {
                error: denied("b.yaml"),
                not_written: vec!["b.yaml".into()],
            }),
        };
        assert_eq!(
            partial.summary(),
            "Saved a.yaml; NOT saved b.yaml: permission denied — your edits to it are kept"
        );
        let none =
            SaveOutcome::nothing_written(denied("b.yaml"), vec!["a.yaml".into(), "b.yaml".into()]);
        assert_eq!(
            none.summary(),
            "NOT saved a.yaml, b.yaml (b.yaml: permission denied) — your edits to them are kept"
        );
        let protected = SaveOutcome::nothing_written(
            SaveError::WriteProtected(vec!["a.yaml".into()]),
            vec!["a.yaml".into()],
        );
        assert_eq!(
            protected.summary(),
            "NOT saved a.yaml: read-only (no write permission) — your edits to it are kept"
        );
    }
}
