//! Where a new task goes: its spec in the catalog file flowctl's layout picks
//! (`discover::layout`: a file already holding specs of its kind under its prefix, else
//! `<prefix>/flow.yaml` imported from the root), its endpoint config in
//! `{last name component}.config.yaml` beside that file. The config's path is known before the
//! task is written because sops picks its keys (`.sops.yaml` rules) by that path.

use std::path::{Path, PathBuf};

use super::Kind;
use crate::catalog::Catalog;
use crate::discover::layout::{relative, FileRef, Layout};
use crate::discover::names::base_name;

/// The files of a new task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// The catalog file the spec is written in (loaded already, or new).
    pub spec_file: PathBuf,
    /// The endpoint config file (new): `{base}.config.yaml`, or `{base}.2.config.yaml` and so
    /// on when that name is taken (`.json` beside a JSON catalog file).
    pub config: PathBuf,
}

impl Paths {
    /// The config's path as the spec writes it: relative to the spec file's folder.
    pub fn config_ref(&self) -> String {
        relative(
            self.spec_file.parent().unwrap_or(Path::new("/")),
            &self.config,
        )
    }
}

/// Where a new task of `kind` named `name` goes. `exists` says whether a path is on disk: a
/// file the catalog did not load is never taken for the config.
pub fn paths(catalog: &Catalog, kind: Kind, name: &str, exists: &dyn Fn(&Path) -> bool) -> Paths {
    let mut layout = Layout::new(catalog, exists);
    let spec_file = match layout.spec_file(kind.entity_kind(), name) {
        FileRef::Loaded(i) => catalog.files[i].path.clone(),
        FileRef::New(p) => p,
    };
    let config = layout.sibling(&spec_file, base_name(name), "config");
    Paths { spec_file, config }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog(files: &[(&str, &str)]) -> (tempfile::TempDir, Catalog) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let cat = crate::catalog::load(&dir.path().join("flow.yaml"), &mut |_| {}).unwrap();
        (dir, cat)
    }

    #[test]
    fn a_new_prefix_gets_flowctl_s_file_and_the_config_beside_it() {
        let (d, cat) = catalog(&[("flow.yaml", "{}\n")]);
        let on_disk = |p: &Path| p.exists();
        let p = paths(&cat, Kind::Capture, "acmeCo/shop/source-demo", &on_disk);
        assert_eq!(p.spec_file, d.path().join("acmeCo/shop/flow.yaml"));
        assert_eq!(
            p.config,
            d.path().join("acmeCo/shop/source-demo.config.yaml")
        );
        assert_eq!(p.config_ref(), "source-demo.config.yaml");
    }

    #[test]
    fn a_file_holding_the_prefix_receives_it_and_taken_names_are_skipped() {
        let (d, cat) = catalog(&[
            ("flow.yaml", "import: [mats.yaml]\n"),
            (
                "mats.yaml",
                "materializations:\n  acme/db/one:\n    endpoint: {local: {command: [x], config: {}}}\n    bindings: []\n",
            ),
            ("db.config.yaml", "{}\n"),
        ]);
        let on_disk = |p: &Path| p.exists();
        let p = paths(&cat, Kind::Materialization, "acme/db/two", &on_disk);
        assert_eq!(p.spec_file, d.path().join("mats.yaml"));
        assert_eq!(p.config, d.path().join("two.config.yaml"));
        // A capture of the same prefix has no file yet: flowctl's canonical one.
        let c = paths(&cat, Kind::Capture, "acme/db", &on_disk);
        assert_eq!(c.spec_file, d.path().join("acme/flow.yaml"));
        // `db.config.yaml` is on disk (not loaded): the next name.
        let root = paths(&cat, Kind::Capture, "acme/x/db", &|p: &Path| {
            p.ends_with("acme/x/db.config.yaml")
        });
        assert_eq!(root.config, d.path().join("acme/x/db.2.config.yaml"));
    }
}
