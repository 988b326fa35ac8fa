//! Which connector commands the user has allowed to run for which catalog.
//!
//! A catalog arrives by `git pull`: its `endpoint.local.command` or `connector.image` is whatever
//! its author wrote. flowspec never runs one before the user has seen exactly what will run and
//! said yes; the answer is remembered per catalog folder and per command in flowspec's own state
//! (`$XDG_STATE_HOME/flowspec/trust.json`), never in the catalog. Only fingerprints (SHA-256 of
//! the description) are stored, so the state file does not collect command lines or paths.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::catalog::Catalog;
use crate::connector::task::{ConfigSource, Task, TaskEndpoint};
use crate::text::{escape_control, shell_words};

/// What running a task's connector will do, as the confirmation shows it. Two plans with the
/// same fingerprint run the same thing with the same inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunPlan {
    /// The catalog folder the answer is remembered for, with symlinks and `..` resolved (as
    /// the loader found it), so that two ways to the same folder share their answers.
    pub folder: PathBuf,
    /// `Local command` or `Docker image`.
    pub kind: &'static str,
    /// The full command line (shell-quoted) or the image reference.
    pub program: String,
    /// `KEY=VALUE` environment entries a local command gets from the catalog.
    pub env: Vec<String>,
    /// Where the config it receives comes from, for people.
    pub config: String,
    /// True when that config file lies outside the catalog folder.
    pub config_outside: bool,
    /// The network it will have.
    pub network: String,
}

impl RunPlan {
    /// The plan for running `task` of `catalog`. Pure: whether a config file lies outside the
    /// catalog folder was worked out when the catalog was loaded.
    pub fn for_task(task: &Task, catalog: &Catalog, network: Option<&str>) -> RunPlan {
        let folder = catalog.root_dir.as_path();
        let (kind, program, env, network) = match &task.endpoint {
            TaskEndpoint::Local { command, env, .. } => (
                "Local command",
                shell_words(command),
                env.iter().map(|(k, v)| format!("{k}={v}")).collect(),
                "none of its own: it runs as you, with your files and network".into(),
            ),
            TaskEndpoint::Image { image } => (
                "Docker image",
                image.clone(),
                Vec::new(),
                match network {
                    Some(n) => format!("Docker network `{n}`"),
                    None => "the Docker engine's default".into(),
                },
            ),
        };
        // A file the catalog did not load cannot be sent (the task would not resolve); count
        // it as outside rather than guess.
        let outside = |path: &Path| {
            catalog
                .files
                .iter()
                .find(|f| f.path == path)
                .is_none_or(|f| f.outside)
        };
        let (config, config_outside) = match &task.config_source {
            ConfigSource::None => ("none".into(), false),
            ConfigSource::Inline(file) => {
                (format!("inline in {}", shown(file, folder)), outside(file))
            }
            ConfigSource::File(file) => (shown(file, folder), outside(file)),
        };
        // The root file's real path was resolved when it was loaded: no disk access here (the
        // TUI builds plans inside its `update`).
        let real_folder = catalog
            .files
            .first()
            .and_then(|root| root.real_path.parent())
            .unwrap_or(folder);
        RunPlan {
            folder: real_folder.to_path_buf(),
            kind,
            program,
            env,
            config,
            config_outside,
            network,
        }
    }

    /// A stable digest of everything that decides what runs: a changed command, environment,
    /// config location or network asks again.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        for part in [self.kind, &self.program, &self.config, &self.network] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        for e in &self.env {
            h.update(e.as_bytes());
            h.update([0]);
        }
        h.finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    }

    /// The lines a confirmation shows, control characters escaped.
    pub fn describe(&self) -> Vec<(String, String)> {
        let mut lines = vec![(
            self.kind.to_string(),
            escape_control(&self.program).into_owned(),
        )];
        if !self.env.is_empty() {
            lines.push((
                "Environment".into(),
                escape_control(&self.env.join(" ")).into_owned(),
            ));
        }
        let mut config = escape_control(&self.config).into_owned();
        if self.config_outside {
            config.push_str("  ⚠ outside the catalog folder");
        }
        lines.push(("Config".into(), config));
        lines.push(("Network".into(), self.network.clone()));
        lines
    }
}

fn shown(path: &Path, folder: &Path) -> String {
    path.strip_prefix(folder)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The remembered answers: catalog folder → fingerprints of the plans allowed to run there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustStore {
    #[serde(default)]
    folders: BTreeMap<String, BTreeSet<String>>,
}

impl TrustStore {
    /// Where the answers live: beside the log, in flowspec's state folder.
    pub fn path() -> PathBuf {
        crate::logging::state_dir().join("trust.json")
    }

    /// Reads the store; a missing or unreadable file means nothing is trusted yet (the worst
    /// case is asking again).
    pub fn load_from(path: &Path) -> TrustStore {
        match crate::catalog::read::bytes_limited(path, 16 << 20) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!("ignoring {}: {e}", path.display());
                TrustStore::default()
            }),
            Err(_) => TrustStore::default(),
        }
    }

    /// True when the user allowed `plan` for its catalog folder.
    pub fn allows(&self, plan: &RunPlan) -> bool {
        self.folders
            .get(&folder_key(&plan.folder))
            .is_some_and(|s| s.contains(&plan.fingerprint()))
    }

    /// Records that the user allowed `plan`.
    pub fn allow(&mut self, plan: &RunPlan) {
        self.folders
            .entry(folder_key(&plan.folder))
            .or_default()
            .insert(plan.fingerprint());
    }

    /// Adds the answers recorded in `path` since this store was read and writes the union back
    /// atomically (0600): two flowspec sessions do not erase each other's answers.
    pub fn save_to(&self, path: &Path) -> std::io::Result<()> {
        let mut merged = TrustStore::load_from(path);
        for (folder, prints) in &self.folders {
            merged
                .folders
                .entry(folder.clone())
                .or_default()
                .extend(prints.iter().cloned());
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let text = serde_json::to_vec_pretty(&merged).map_err(std::io::Error::other)?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".trust-")
            .tempfile_in(dir)?;
        std::io::Write::write_all(&mut tmp, &text)?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }
}

/// The key of a plan's folder in the store. Pure: [`RunPlan::for_task`] already resolved it.
fn folder_key(folder: &Path) -> String {
    folder.to_string_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(program: &str, folder: &Path) -> RunPlan {
        RunPlan {
            folder: folder.to_path_buf(),
            kind: "Local command",
            program: program.into(),
            env: vec![],
            config: "flow.yaml".into(),
            config_outside: false,
            network: "host".into(),
        }
    }

    #[test]
    fn answers_are_per_folder_and_per_command_and_survive_a_reload() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        let file = dir.path().join("state/trust.json");
        let mut store = TrustStore::load_from(&file);
        assert!(!store.allows(&plan("x", &a)));
        store.allow(&plan("x", &a));
        store.save_to(&file).unwrap();
        let again = TrustStore::load_from(&file);
        assert!(again.allows(&plan("x", &a)));
        assert!(!again.allows(&plan("x", &b)), "another folder asks");
        assert!(
            !again.allows(&plan("x --changed", &a)),
            "a changed command asks"
        );
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(!text.contains("--changed") && !text.contains("\"x\""));
    }

    #[test]
    fn concurrent_sessions_keep_each_others_answers() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("trust.json");
        let mut one = TrustStore::load_from(&file);
        let mut two = TrustStore::load_from(&file);
        one.allow(&plan("one", dir.path()));
        one.save_to(&file).unwrap();
        two.allow(&plan("two", dir.path()));
        two.save_to(&file).unwrap();
        let all = TrustStore::load_from(&file);
        assert!(all.allows(&plan("one", dir.path())));
        assert!(all.allows(&plan("two", dir.path())));
    }

    #[test]
    fn env_and_network_change_the_fingerprint() {
        let dir = Path::new("/tmp");
        let base = plan("x", dir);
        let mut env = base.clone();
        env.env.push("LD_PRELOAD=/tmp/evil.so".into());
        let mut net = base.clone();
        net.network = "none".into();
        assert_ne!(base.fingerprint(), env.fingerprint());
        assert_ne!(base.fingerprint(), net.fingerprint());
    }
}
