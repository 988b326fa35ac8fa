//! flowspec's own settings, kept outside the catalog so nothing flowspec-specific ever reaches
//! what `flowctl` reads: `$XDG_CONFIG_HOME/flowspec/settings.yaml` (`~/.config/...`).
//!
//! ```yaml
//! # Local commands that speak the Airbyte protocol (matched by path or file name).
//! airbyte_commands:
//!   - source-faker
//!   - /opt/venvs/hardcoded/bin/source-hardcoded-records
//! # Keys that encrypt config secrets when no `.sops.yaml` rule matches the file.
//! sops:
//!   age: [age1...]
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The settings file's contents. Unknown keys are errors, so a typo is not silently ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Local connector programs that speak Airbyte rather than Flow's protocol.
    #[serde(default)]
    pub airbyte_commands: Vec<String>,
    /// The keys secrets are encrypted with when no `.sops.yaml` creation rule matches the
    /// config file (`age`, `kms`, `gcp_kms`, `azure_kv`, `pgp`, `hc_vault` lists).
    #[serde(default)]
    pub sops: crate::sops::KeyGroup,
}

impl Settings {
    /// Where the settings live.
    pub fn path() -> PathBuf {
        dirs::config_dir()
            .unwrap_or_else(|| PathBuf::from("."))
            .join("flowspec")
            .join("settings.yaml")
    }

    /// Reads the settings (through the bounded reader, like every file flowspec reads); a
    /// missing file means defaults, a broken one is an error naming it.
    pub fn load() -> Result<Settings, String> {
        Settings::load_from(&Settings::path())
    }

    pub fn load_from(path: &Path) -> Result<Settings, String> {
        use crate::catalog::read::{self, ReadError};
        match read::text(path) {
            Err(ReadError::NotFound) => Ok(Settings::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
            Ok(text) if text.trim().is_empty() => Ok(Settings::default()),
            Ok(text) => serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", path.display())),
        }
    }

    /// Marks `command` (a local connector program) as speaking Airbyte in the settings file
    /// at `path`, which a Flow catalog cannot say: appended to `airbyte_commands`, the rest of
    /// the file kept byte for byte, written atomically (the file and its folder created when
    /// missing). Returns false when it was marked already.
    pub fn record_airbyte_command(path: &Path, command: &str) -> Result<bool, String> {
        use crate::yaml::{patch::Edit, PathSeg};
        let current = Settings::load_from(path)?;
        if current.is_airbyte(&[command.to_string()]) {
            return Ok(false);
        }
        let mut file = crate::catalog::Catalog::single_file(path).map_err(|e| e.to_string())?;
        let root = file.parse_file(0).map_err(|e| e.message)?;
        let value = serde_json::Value::String(command.to_string());
        let has_items = root
            .get("airbyte_commands")
            .is_some_and(|n| !n.items().is_empty());
        let edit = if has_items {
            Edit::Push {
                seq: vec![PathSeg::key("airbyte_commands")],
                value,
            }
        } else {
            Edit::Set {
                map: vec![],
                key: "airbyte_commands".into(),
                value: serde_json::json!([value]),
            }
        };
        file.edit_file(0, &[edit]).map_err(|e| e.to_string())?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let writes = crate::save::plan(&file);
        crate::save::execute(&mut file, &writes).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(true)
    }

    /// Is this local command (its argv) one the user marked as an Airbyte connector?
    pub fn is_airbyte(&self, command: &[String]) -> bool {
        let Some(program) = command.first() else {
            return false;
        };
        let name = Path::new(program)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.airbyte_commands
            .iter()
            .any(|c| c == program || (!c.contains('/') && *c == name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_by_path_or_file_name() {
        let s: Settings =
            serde_yaml::from_str("airbyte_commands: [source-faker, /opt/x/bin/source-y]").unwrap();
        assert!(s.is_airbyte(&["/venv/bin/source-faker".into()]));
        assert!(s.is_airbyte(&["source-faker".into(), "--flag".into()]));
        assert!(s.is_airbyte(&["/opt/x/bin/source-y".into()]));
        assert!(!s.is_airbyte(&["/other/source-y".into()]));
        assert!(!s.is_airbyte(&[]));
    }

    #[test]
    fn an_airbyte_command_is_recorded_keeping_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("flowspec/settings.yaml");
        assert!(Settings::record_airbyte_command(&p, "/venv/bin/source-faker").unwrap());
        assert!(!Settings::record_airbyte_command(&p, "/venv/bin/source-faker").unwrap());
        let s = Settings::load_from(&p).unwrap();
        assert!(s.is_airbyte(&["/venv/bin/source-faker".into()]));
        std::fs::write(
            &p,
            "# mine\nsops:\n  age: [age1abc]\nairbyte_commands:\n  - a\n",
        )
        .unwrap();
        Settings::record_airbyte_command(&p, "b").unwrap();
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "# mine\nsops:\n  age: [age1abc]\nairbyte_commands:\n  - a\n  - b\n"
        );
    }

    #[test]
    fn missing_empty_and_broken_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("settings.yaml");
        assert_eq!(Settings::load_from(&p).unwrap(), Settings::default());
        std::fs::write(&p, "\n").unwrap();
        assert_eq!(Settings::load_from(&p).unwrap(), Settings::default());
        std::fs::write(&p, "sops:\n  age: [age1abc]\n  kms: [arn:aws:kms:x]\n").unwrap();
        let s = Settings::load_from(&p).unwrap();
        assert_eq!(s.sops.age, ["age1abc"]);
        assert_eq!(s.sops.kms, ["arn:aws:kms:x"]);
        std::fs::write(&p, "sops:\n  agee: [x]\n").unwrap();
        assert!(Settings::load_from(&p).unwrap_err().contains("agee"));
        std::fs::write(&p, "airbyte_command: [x]\n").unwrap();
        let e = Settings::load_from(&p).unwrap_err();
        assert!(
            e.contains("settings.yaml") && e.contains("airbyte_command"),
            "{e}"
        );
    }
}
