//! `flowspec demo`: a small catalog that shows every part of the editor without Docker or sops.

use std::path::{Path, PathBuf};

/// The demo's files, relative to the demo directory. `FLOWSPEC_EXE` is replaced by the path of
/// the running flowspec so the `local` demo connectors work from wherever it is installed.
pub const FILES: &[(&str, &str)] = &[
    ("flow.yaml", include_str!("../assets/demo/flow.yaml")),
    (
        "collections.flow.yaml",
        include_str!("../assets/demo/collections.flow.yaml"),
    ),
    (
        "schemas/orders.schema.yaml",
        include_str!("../assets/demo/schemas/orders.schema.yaml"),
    ),
    (
        "source-demo.config.yaml",
        include_str!("../assets/demo/source-demo.config.yaml"),
    ),
    (
        "source-postgres.config.yaml",
        include_str!("../assets/demo/source-postgres.config.yaml"),
    ),
];

/// Writes the demo into `dir` unless it already holds a `flow.yaml` (an earlier demo the user
/// may have edited is never overwritten). Returns the catalog path and whether it was created.
pub fn write(dir: &Path, exe: &str) -> std::io::Result<(PathBuf, bool)> {
    let root = dir.join("flow.yaml");
    if root.exists() {
        return Ok((root, false));
    }
    let exe = crate::yaml::patch::render_scalar(&serde_json::Value::String(exe.to_string()))
        .unwrap_or_else(|| exe.to_string());
    for (name, text) in FILES {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text.replace("FLOWSPEC_EXE", &exe))?;
    }
    Ok((root, true))
}

/// The path of the running executable, for `local` demo endpoints.
pub fn current_exe() -> String {
    std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "flowspec".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{self, EntityKind};

    #[test]
    fn demo_loads_and_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let (root, created) = write(dir.path(), "/opt/flow spec/bin/flowspec").unwrap();
        assert!(created);
        let cat = catalog::load(&root, &mut |_| {}).unwrap();
        assert!(cat.load_problems.is_empty(), "{:?}", cat.load_problems);
        assert_eq!(cat.counts(), [2, 4, 1, 0]);
        let (_, cap) = cat
            .find("acmeCo/shop/source-demo", Some(EntityKind::Capture))
            .unwrap();
        match cap.endpoint.as_ref().unwrap() {
            catalog::Endpoint::Local { command, .. } => {
                assert_eq!(command[0], "/opt/flow spec/bin/flowspec")
            }
            other => panic!("{other:?}"),
        }
        std::fs::write(&root, "captures: {}\n").unwrap();
        let (_, created) = write(dir.path(), "x").unwrap();
        assert!(!created);
        assert_eq!(std::fs::read_to_string(&root).unwrap(), "captures: {}\n");
    }
}
