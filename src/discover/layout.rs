//! Where new specs and their large values go, as flowctl lays them out.
//!
//! A new spec goes to a catalog file that already defines specs of its kind under the same
//! name prefix (the one defining the most; the first loaded on a tie), else to flowctl's
//! canonical place: `<prefix>/flow.yaml` below the root file's folder (`flow.json` when the
//! root is JSON), imported from the root through one `flow.yaml` per prefix level, each import
//! relative to the file that writes it (estuary/flow `crates/sources/src/merge.rs`,
//! `canonical_layout_replace` and `add_imports`). A spec that exists is never moved.
//!
//! A value over 512 bytes of JSON goes to a sibling file of the catalog file, named after the
//! last component of the spec's name: `{base}.schema.yaml`, `{base}.write.schema.yaml`,
//! `{base}.read.schema.yaml`, `{base}.resource.{i}.config.yaml`, `{base}.config.yaml` (`.json`
//! beside a JSON catalog file), as `indirect_large_files` does (estuary/flow
//! `crates/sources/src/indirect.rs`). Where that name is taken (a prefix file can hold
//! collections of several prefixes), `{base}.2.schema.yaml` and so on.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use super::names::name_prefix;
use crate::catalog::{Catalog, EntityKind, FileRole};

/// Values larger than this many bytes of JSON go to their own file.
pub const INDIRECT_THRESHOLD: usize = 512;

/// A catalog file a spec is written to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileRef {
    /// A loaded file (its index).
    Loaded(usize),
    /// A file to create.
    New(PathBuf),
}

/// Decides where things go, remembering the files it has handed out.
pub struct Layout<'c> {
    catalog: &'c Catalog,
    exists: &'c dyn Fn(&Path) -> bool,
    /// The loaded catalog file defining the most specs of a kind under a prefix.
    by_prefix: HashMap<(EntityKind, String), usize>,
    /// Paths handed out for new files (foldhash: thousands, all made here).
    taken: foldhash::HashSet<PathBuf>,
    json_root: bool,
}

impl<'c> Layout<'c> {
    /// The layout of `catalog`; `exists` says whether a path is on disk (a file the catalog
    /// did not load must not be overwritten).
    pub fn new(catalog: &'c Catalog, exists: &'c dyn Fn(&Path) -> bool) -> Self {
        let mut counts: HashMap<(EntityKind, String), Vec<(usize, usize)>> = HashMap::new();
        for (i, f) in catalog.files.iter().enumerate() {
            if f.role != FileRole::Catalog || f.outside {
                continue;
            }
            for e in f.entities() {
                let per_file = counts
                    .entry((e.kind, name_prefix(&e.name).to_string()))
                    .or_default();
                match per_file.iter_mut().find(|(file, _)| *file == i) {
                    Some((_, n)) => *n += 1,
                    None => per_file.push((i, 1)),
                }
            }
        }
        let by_prefix = counts
            .into_iter()
            .map(|(k, files)| {
                // Most specs first; on a tie the first loaded (files are in load order).
                let best = files
                    .iter()
                    .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                    .expect("at least one")
                    .0;
                (k, best)
            })
            .collect();
        Layout {
            catalog,
            exists,
            by_prefix,
            taken: Default::default(),
            json_root: is_json(&catalog.root),
        }
    }

    /// The catalog file a new spec of `kind` named `name` goes to.
    pub fn spec_file(&self, kind: EntityKind, name: &str) -> FileRef {
        if let Some(&i) = self.by_prefix.get(&(kind, name_prefix(name).to_string())) {
            return FileRef::Loaded(i);
        }
        let path = self.canonical(name_prefix(name));
        match self.loaded(&path) {
            Some(i) => FileRef::Loaded(i),
            None => FileRef::New(path),
        }
    }

    /// `<root folder>/<prefix>flow.<ext>`: flowctl's file for specs under `prefix`.
    fn canonical(&self, prefix: &str) -> PathBuf {
        if prefix.is_empty() {
            return self.catalog.root.clone();
        }
        let ext = if self.json_root { "json" } else { "yaml" };
        self.catalog.root_dir.join(format!("{prefix}flow.{ext}"))
    }

    /// The loaded file at `path`, if any.
    pub fn loaded(&self, path: &Path) -> Option<usize> {
        self.catalog
            .files
            .iter()
            .position(|f| f.path == path || f.real_path == path)
    }

    /// The imports a new catalog file at `path` (for specs under `prefix`) needs so that the
    /// root reaches it: `(importer, imported)` pairs, from `path` upwards through the canonical
    /// files of the shorter prefixes until a loaded one (the root at the latest).
    pub fn import_chain(&self, prefix: &str) -> Vec<(FileRef, PathBuf)> {
        let mut chain = Vec::new();
        let mut child = self.canonical(prefix);
        let mut p = prefix.trim_end_matches('/');
        loop {
            let parent_prefix = match p.rfind('/') {
                Some(i) => &p[..=i],
                None => "",
            };
            let parent = self.canonical(parent_prefix);
            match self.loaded(&parent) {
                Some(i) => {
                    chain.push((FileRef::Loaded(i), child));
                    return chain;
                }
                None => chain.push((FileRef::New(parent.clone()), child)),
            }
            child = parent;
            p = parent_prefix.trim_end_matches('/');
        }
    }

    /// A path for a value of spec `base` moved out of catalog file `flow_file`:
    /// `{base}.{suffix}.{yaml|json}` beside it, or with `.2`, `.3`… before the suffix when that
    /// name is loaded, on disk, or handed out already.
    pub fn sibling(&mut self, flow_file: &Path, base: &str, suffix: &str) -> PathBuf {
        let dir = flow_file.parent().unwrap_or(Path::new("/"));
        let ext = if is_json(flow_file) { "json" } else { "yaml" };
        let mut n = 1;
        loop {
            let name = if n == 1 {
                format!("{base}.{suffix}.{ext}")
            } else {
                format!("{base}.{n}.{suffix}.{ext}")
            };
            let path = dir.join(name);
            if self.claim(&path) {
                return path;
            }
            n += 1;
        }
    }

    /// Takes `path` for a new file unless it is loaded, on disk or taken; true when taken now.
    pub fn claim(&mut self, path: &Path) -> bool {
        if self.taken.contains(path) || self.loaded(path).is_some() || (self.exists)(path) {
            return false;
        }
        self.taken.insert(path.to_path_buf());
        true
    }
}

/// Is this a JSON file (flowctl writes its siblings as JSON then)?
pub fn is_json(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// `to` relative to the folder `from_dir`, with `..` where it must climb: how an import or a
/// reference is written in a file in `from_dir`.
pub fn relative(from_dir: &Path, to: &Path) -> String {
    // A file in the folder itself (every sibling file): its name.
    if to.parent() == Some(from_dir) {
        if let Some(name) = to.file_name() {
            return name.to_string_lossy().into_owned();
        }
    }
    let from: Vec<Component> = from_dir.components().collect();
    let to_c: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to_c).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(
        to_c[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
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
        assert!(cat.load_problems.is_empty(), "{:?}", cat.load_problems);
        (dir, cat)
    }

    #[test]
    fn a_file_with_the_prefix_receives_new_specs_else_the_canonical_file() {
        let (_d, cat) = catalog(&[
            ("flow.yaml", "import: [a.flow.yaml, b.flow.yaml]\n"),
            ("a.flow.yaml", "collections:\n  acme/shop/x: {key: [/id], schema: {}}\n"),
            (
                "b.flow.yaml",
                "collections:\n  acme/shop/y: {key: [/id], schema: {}}\n  acme/shop/z: {key: [/id], schema: {}}\n  acme/other/q: {key: [/id], schema: {}}\n",
            ),
        ]);
        let no_disk = |_: &Path| false;
        let l = Layout::new(&cat, &no_disk);
        let b = cat
            .files
            .iter()
            .position(|f| f.path.ends_with("b.flow.yaml"))
            .unwrap();
        assert_eq!(
            l.spec_file(EntityKind::Collection, "acme/shop/new"),
            FileRef::Loaded(b)
        );
        assert_eq!(
            l.spec_file(EntityKind::Collection, "acme/new/thing"),
            FileRef::New(cat.root_dir.join("acme/new/flow.yaml"))
        );
        // Captures under acme/shop/ have no file yet.
        assert_eq!(
            l.spec_file(EntityKind::Capture, "acme/shop/src"),
            FileRef::New(cat.root_dir.join("acme/shop/flow.yaml"))
        );
        // A name without a prefix goes to the root.
        assert_eq!(
            l.spec_file(EntityKind::Collection, "plain"),
            FileRef::Loaded(0)
        );
        // From acme/new/flow.yaml up: acme/flow.yaml imports it, the root imports that.
        assert_eq!(
            l.import_chain("acme/new/"),
            vec![
                (
                    FileRef::New(cat.root_dir.join("acme/flow.yaml")),
                    cat.root_dir.join("acme/new/flow.yaml")
                ),
                (FileRef::Loaded(0), cat.root_dir.join("acme/flow.yaml")),
            ]
        );
    }

    #[test]
    fn siblings_are_named_like_flowctl_and_never_collide() {
        let (d, cat) = catalog(&[
            ("flow.yaml", "collections: {}\n"),
            ("orders.schema.yaml", "{}\n"),
        ]);
        let on_disk = |p: &Path| p.exists();
        let mut l = Layout::new(&cat, &on_disk);
        let root = d.path().join("flow.yaml");
        // orders.schema.yaml is on disk (not loaded): the next name.
        assert_eq!(
            l.sibling(&root, "orders", "schema"),
            d.path().join("orders.2.schema.yaml")
        );
        assert_eq!(
            l.sibling(&root, "orders", "schema"),
            d.path().join("orders.3.schema.yaml")
        );
        assert_eq!(
            l.sibling(&root, "refunds", "resource.4.config"),
            d.path().join("refunds.resource.4.config.yaml")
        );
        assert_eq!(
            l.sibling(&d.path().join("x/flow.json"), "a", "write.schema"),
            d.path().join("x/a.write.schema.json")
        );
    }

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative(Path::new("/a/b"), Path::new("/a/b/c/flow.yaml")),
            "c/flow.yaml"
        );
        assert_eq!(
            relative(Path::new("/a/b"), Path::new("/a/x.yaml")),
            "../x.yaml"
        );
        assert_eq!(relative(Path::new("/a"), Path::new("/a/x.yaml")), "x.yaml");
        assert_eq!(
            relative(Path::new("/a/"), Path::new("/a/./x.yaml")),
            "x.yaml"
        );
        assert_eq!(relative(Path::new(""), Path::new("x.yaml")), "x.yaml");
        assert_eq!(relative(Path::new("/a/b"), Path::new("/a/b")), "");
    }
}
