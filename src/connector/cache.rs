//! The spec cache: a connector's Spec response depends only on the connector, so it is kept per
//! image digest (or per local command path and modification time) under the user's cache
//! directory. A hit runs nothing — no engine, no process — which keeps opening forms instant.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde_json::Value;

/// What a cached spec belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CacheKey {
    /// An image by content digest (a tag can move; a digest cannot).
    Image {
        digest: String,
        /// `capture` or `materialize`: one image can serve both.
        task: String,
    },
    /// An image by the reference a catalog names it with (a tag can move): the spec last
    /// seen for it, for `check`, which must not contact the engine to learn the digest.
    ImageRef { image: String, task: String },
    /// A local command: its program's path and mtime change when it is rebuilt.
    Local {
        program: PathBuf,
        mtime_ns: u128,
        args: Vec<String>,
        protocol: String,
        task: String,
    },
}

impl CacheKey {
    /// The key for a local command, reading the program's modification time. `None` when the
    /// program cannot be found (then nothing is cached).
    pub fn local(command: &[String], protocol: &str, task: &str) -> Option<CacheKey> {
        let program = resolve_program(command.first()?)?;
        let mtime_ns = std::fs::metadata(&program)
            .ok()?
            .modified()
            .ok()?
            .duration_since(UNIX_EPOCH)
            .ok()?
            .as_nanos();
        Some(CacheKey::Local {
            program,
            mtime_ns,
            args: command[1..].to_vec(),
            protocol: protocol.to_string(),
            task: task.to_string(),
        })
    }

    /// A stable description of the key, stored with the entry to rule out hash collisions.
    fn describe(&self) -> String {
        match self {
            CacheKey::Image { digest, task } => format!("image {digest} {task}"),
            CacheKey::ImageRef { image, task } => format!("image-ref {image} {task}"),
            CacheKey::Local {
                program,
                mtime_ns,
                args,
                protocol,
                task,
            } => format!(
                "local {} {mtime_ns} {} {protocol} {task}",
                program.display(),
                serde_json::to_string(args).unwrap_or_default()
            ),
        }
    }

    fn file_name(&self) -> String {
        let mut h = DefaultHasher::new();
        self.describe().hash(&mut h);
        format!("{:016x}.json", h.finish())
    }
}

/// Finds a command's program the way `execvp` does: as given if it has a `/`, else on `PATH`.
fn resolve_program(program: &str) -> Option<PathBuf> {
    if program.contains('/') {
        return std::fs::canonicalize(program).ok();
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
        .and_then(|p| std::fs::canonicalize(p).ok())
}

/// The on-disk cache.
#[derive(Debug, Clone)]
pub struct SpecCache {
    dir: PathBuf,
}

impl SpecCache {
    /// The cache under the user's cache directory (`~/.cache/flowspec/specs`).
    pub fn user() -> Self {
        SpecCache::at(
            dirs::cache_dir()
                .unwrap_or_else(std::env::temp_dir)
                .join("flowspec")
                .join("specs"),
        )
    }

    pub fn at(dir: impl Into<PathBuf>) -> Self {
        SpecCache { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The cached spec response for `key`, if any. Corrupt entries count as misses.
    pub fn get(&self, key: &CacheKey) -> Option<Value> {
        let bytes = crate::catalog::read::bytes(&self.dir.join(key.file_name())).ok()?;
        let mut entry: Value = serde_json::from_slice(&bytes).ok()?;
        if entry.get("key")?.as_str()? != key.describe() {
            return None;
        }
        Some(entry.get_mut("spec")?.take())
    }

    /// The image references whose specs are cached (by the reference a catalog or a command
    /// named, with `capture` or `materialize`), sorted: what the setup wizard's connector
    /// step completes from besides the bundled list. Unreadable entries are skipped.
    pub fn image_refs(&self) -> Vec<(String, String)> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut out: Vec<(String, String)> = entries
            .flatten()
            .filter_map(|e| {
                let bytes = crate::catalog::read::bytes(&e.path()).ok()?;
                let entry: Value = serde_json::from_slice(&bytes).ok()?;
                let key = entry.get("key")?.as_str()?.strip_prefix("image-ref ")?;
                let (image, task) = key.rsplit_once(' ')?;
                Some((image.to_string(), task.to_string()))
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Stores a spec response. Failures are logged, not fatal: the cache is an optimisation.
    pub fn put(&self, key: &CacheKey, spec: &Value) {
        let entry = serde_json::json!({"key": key.describe(), "spec": spec});
        let result = std::fs::create_dir_all(&self.dir).and_then(|_| {
            crate::save::write_atomic(
                &self.dir.join(key.file_name()),
                entry.to_string().as_bytes(),
            )
        });
        if let Err(e) = result {
            tracing::warn!(error = %e, "could not write the spec cache");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trip_and_miss_on_other_keys() {
        let dir = tempfile::tempdir().unwrap();
        let cache = SpecCache::at(dir.path().join("specs"));
        let k = CacheKey::Image {
            digest: "sha256:abc".into(),
            task: "capture".into(),
        };
        assert_eq!(cache.get(&k), None);
        cache.put(&k, &json!({"protocol": 3032023}));
        assert_eq!(cache.get(&k), Some(json!({"protocol": 3032023})));
        let other = CacheKey::Image {
            digest: "sha256:abc".into(),
            task: "materialize".into(),
        };
        assert_eq!(cache.get(&other), None);
    }

    #[test]
    fn cached_image_references_are_listed() {
        let dir = tempfile::tempdir().unwrap();
        let cache = SpecCache::at(dir.path());
        assert!(cache.image_refs().is_empty());
        let spec = serde_json::json!({"configSchema": {}});
        for (image, task) in [("b/src:v1", "capture"), ("a/mat:v2", "materialize")] {
            let key = CacheKey::ImageRef {
                image: image.into(),
                task: task.into(),
            };
            cache.put(&key, &spec);
        }
        let by_digest = CacheKey::Image {
            digest: "sha256:x".into(),
            task: "capture".into(),
        };
        cache.put(&by_digest, &spec);
        std::fs::write(dir.path().join("junk.json"), "not json").unwrap();
        assert_eq!(
            cache.image_refs(),
            vec![
                ("a/mat:v2".to_string(), "materialize".to_string()),
                ("b/src:v1".to_string(), "capture".to_string())
            ]
        );
    }

    #[test]
    fn a_rebuilt_local_program_misses() {
        let dir = tempfile::tempdir().unwrap();
        let prog = dir.path().join("conn");
        std::fs::write(&prog, "#!/bin/sh\n").unwrap();
        let cmd = vec![prog.display().to_string(), "--x".into()];
        let k1 = CacheKey::local(&cmd, "flow-json", "capture").unwrap();
        let cache = SpecCache::at(dir.path().join("c"));
        cache.put(&k1, &json!(1));
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
        std::fs::File::options()
            .write(true)
            .open(&prog)
            .unwrap()
            .set_modified(later)
            .unwrap();
        let k2 = CacheKey::local(&cmd, "flow-json", "capture").unwrap();
        assert_ne!(k1, k2);
        assert_eq!(cache.get(&k2), None);
        assert!(CacheKey::local(&["no-such-program-xyz".into()], "p", "t").is_none());
    }
}
