//! Loading a catalog: the root file, its imports (transitively, relative to the importing file),
//! and every file a spec points at by a relative string (configs, resources, schemas, fixtures).
//! Every file is read through [`super::read`], which refuses devices, FIFOs and huge files.
//!
//! Loading never panics and never gives up at the first bad file: each problem becomes a located
//! diagnostic, and whatever could be loaded is indexed so the user can still browse it.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use super::diag::Diagnostic;
use super::index::{self, Entity};
use super::read::{self, ReadError};
use super::{shape, Catalog, FileRole, RefSite, SourceFile};
use crate::yaml::{self, Node, Value};
use url::Url;

/// Progress reports for a loading screen: files done and bytes read so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub files: usize,
    pub bytes: u64,
}

/// The root could not be loaded at all: there is nothing to show.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct LoadError(pub String);

/// Does `name` look like a Flow catalog file?
pub fn is_catalog_file_name(name: &str) -> bool {
    name == "flow.yaml"
        || name == "flow.yml"
        || name == "flow.json"
        || name.ends_with(".flow.yaml")
        || name.ends_with(".flow.yml")
        || name.ends_with(".flow.json")
}

/// Finds the catalog file for a path given on the command line: the file itself, or inside a
/// directory its `flow.yaml` (`flow.yml`, `flow.json`), else its only `*.flow.yaml` (Estuary's
/// connector repositories name theirs `test.flow.yaml`). Several candidates are listed in the
/// error, for the user to pick one.
pub fn resolve_root(path: &Path) -> Result<PathBuf, LoadError> {
    if !path.is_dir() {
        return Ok(absolute(path));
    }
    for candidate in ["flow.yaml", "flow.yml", "flow.json"] {
        let p = path.join(candidate);
        if p.is_file() {
            return Ok(absolute(&p));
        }
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| LoadError(format!("{}: {}", path.display(), io_message(&e))))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(is_catalog_file_name)
                && p.is_file()
        })
        .collect();
    found.sort();
    match found.as_slice() {
        [one] => Ok(absolute(one)),
        [] => Err(LoadError(format!(
            "{}: no flow.yaml or flow.json in this directory (nor a *.flow.yaml)",
            path.display()
        ))),
        many => {
            const SHOWN: usize = 10;
            let names: Vec<String> = many
                .iter()
                .take(SHOWN)
                .filter_map(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .collect();
            let more = match many.len().saturating_sub(SHOWN) {
                0 => String::new(),
                n => format!(" and {n} more"),
            };
            Err(LoadError(format!(
                "{}: no flow.yaml, and {} catalogs to choose from: {}{more}; pass one of them",
                path.display(),
                many.len(),
                names.join(", ")
            )))
        }
    }
}

/// Makes a path absolute and removes `.`/`..` lexically (symlinks are left alone, so a symlink
/// loop is reported by the read, not by path handling).
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| PathBuf::from("/"))
            .join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Loads the catalog rooted at `root`, calling `progress` after every file.
///
/// A root that is not UTF-8 still loads, as an empty catalog whose one problem points at the
/// first bad byte, so that `check` reports it like every other problem.
pub fn load(root: &Path, progress: &mut dyn FnMut(Progress)) -> Result<Catalog, LoadError> {
    let root = resolve_root(root)?;
    let root_dir = root
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("/"));
    let mut loader = Loader {
        files: Vec::new(),
        by_key: HashMap::new(),
        problems: Vec::new(),
        progress: Progress::default(),
        report: progress,
        folder: std::fs::canonicalize(&root_dir).unwrap_or_else(|_| root_dir.clone()),
    };
    match read::text(&root) {
        Ok(text) => loader.walk(root.clone(), text),
        Err(e @ ReadError::NotUtf8 { line, col }) => {
            loader
                .problems
                .push(Diagnostic::error(&root, line, col, e.to_string()))
        }
        Err(e) => return Err(LoadError(format!("{}: {e}", root.display()))),
    }
    Ok(Catalog {
        root,
        root_dir,
        files: loader.files,
        load_problems: loader.problems,
    })
}

struct Loader<'a> {
    files: Vec<SourceFile>,
    /// Canonical identity of each loaded file -> index, so diamonds and cycles load once.
    by_key: HashMap<PathBuf, usize>,
    problems: Vec<Diagnostic>,
    progress: Progress,
    report: &'a mut dyn FnMut(Progress),
    /// The catalog folder (the root file's), canonical: files elsewhere are `outside`.
    folder: PathBuf,
}

/// An import still to be loaded: where it points and where it was written.
struct Pending {
    target: PathBuf,
    site: RefSite,
}

impl Loader<'_> {
    fn identity(path: &Path) -> PathBuf {
        std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
    }

    fn tick(&mut self, bytes: usize) {
        self.progress.files += 1;
        self.progress.bytes += bytes as u64;
        (self.report)(self.progress);
    }

    /// Adds a file read from `path` (whose identity, its canonical path, is `key`).
    fn add_file(&mut self, path: PathBuf, key: PathBuf, role: FileRole, text: String) -> usize {
        let id = self.files.len();
        self.tick(text.len());
        let mut file = SourceFile::new(path, role, text);
        file.outside = !key.starts_with(&self.folder);
        file.real_path = key.clone();
        self.by_key.insert(key, id);
        self.files.push(file);
        id
    }

    /// Records that `site` names the already loaded file `id`.
    fn referenced(&mut self, id: usize, site: RefSite) {
        let file = &mut self.files[id];
        file.imported_by
            .get_or_insert((site.file.clone(), site.line));
        file.referenced_at.push(site);
    }

    /// Loads the root and, depth first in the order they are written, every import, with an
    /// explicit stack: no chain of imports, however long, can overflow the call stack. A file
    /// reached twice (a diamond, or a cycle, which Flow allows) is loaded once.
    fn walk(&mut self, root: PathBuf, text: String) {
        let key = Self::identity(&root);
        let mut stack = Vec::new();
        let id = self.add_file(root, key, FileRole::Catalog, text);
        self.index_catalog(id, &mut stack);
        while let Some(Pending { target, site }) = stack.pop() {
            let key = Self::identity(&target);
            if let Some(&existing) = self.by_key.get(&key) {
                self.referenced(existing, site);
                continue;
            }
            match read::text(&target) {
                Ok(text) => {
                    let id = self.add_file(target, key, FileRole::Catalog, text);
                    self.referenced(id, site);
                    self.index_catalog(id, &mut stack);
                }
                Err(e) => self.problems.push(Diagnostic::error(
                    &site.file,
                    site.line,
                    site.col,
                    format!(
                        "cannot import `{}` ({}): {e}",
                        site.reference,
                        target.display()
                    ),
                )),
            }
        }
    }

    /// Parses catalog file `id`, indexes its entities, loads the files it references, and
    /// pushes its imports on `stack` (last first, so they are loaded in written order).
    fn index_catalog(&mut self, id: usize, stack: &mut Vec<Pending>) {
        let path = self.files[id].path.clone();
        let root = match yaml::parse(&self.files[id].disk) {
            Ok(root) => root,
            Err(e) => {
                let problem = Diagnostic::error(&path, e.line, e.col, e.message);
                return self.problems.push(problem);
            }
        };
        if !matches!(root.value, Value::Map(_) | Value::Null) {
            return self.problems.push(Diagnostic::error(
                &path,
                root.pos.line,
                root.pos.col,
                format!("a catalog must be a mapping, found {}", root.type_name()),
            ));
        }
        self.files[id].set_entities(index::extract(id, &root));
        self.load_references(&path, &root);
        let imports = root.get("import").map(Node::items).unwrap_or_default();
        for item in imports.iter().rev() {
            let Some(reference) = item.as_str() else {
                continue; // The validator reports the wrong type.
            };
            if let Some(target) = self.resolve(&path, item, reference) {
                let site = RefSite::new(&path, item, reference);
                stack.push(Pending { target, site });
            }
        }
    }

    /// Resolves a reference relative to the file containing it. Remote URLs are not fetched.
    fn resolve(&mut self, containing: &Path, node: &Node, reference: &str) -> Option<PathBuf> {
        let reference = reference.split('#').next().unwrap_or(reference);
        if reference.starts_with("http://") || reference.starts_with("https://") {
            self.problems.push(Diagnostic::warning(
                containing,
                node.pos.line,
                node.pos.col,
                format!("`{reference}` is remote; flowspec works offline and does not fetch it"),
            ));
            return None;
        }
        let local = reference.strip_prefix("file://").unwrap_or(reference);
        if local.is_empty() {
            return None;
        }
        let base = containing.parent().unwrap_or(Path::new("/"));
        Some(absolute(
            &base.join(crate::syntax::percent::decode_path(local)),
        ))
    }

    /// Loads the files that string-valued configs, resources, schemas, modules and fixtures
    /// point at, and what the `$ref`s of its inline schemas and of those schemas lead to.
    fn load_references(&mut self, path: &Path, root: &Node) {
        let text = self
            .files
            .iter()
            .rev()
            .find(|f| f.path == path)
            .map(|f| f.disk.as_str());
        let mut pending = inline_schema_refs(path, root, text.unwrap_or_default());
        for (role, node, optional) in references(root) {
            let Some(reference) = node.as_str() else {
                continue;
            };
            if role != FileRole::Schema && reference.chars().any(char::is_whitespace) {
                continue; // Inline string, not a reference.
            }
            if role != FileRole::Schema && reference.contains('#') {
                self.problems.push(Diagnostic::error(
                    path,
                    node.pos.line,
                    node.pos.col,
                    format!("`{reference}`: resources cannot have fragments"),
                ));
                continue;
            }
            let Some(target) = self.resolve(path, node, reference) else {
                continue;
            };
            let key = Self::identity(&target);
            let site = RefSite::new(path, node, reference);
            if let Some(&existing) = self.by_key.get(&key) {
                self.referenced(existing, site);
                continue;
            }
            match read::text(&target) {
                Ok(text) => {
                    let refs = self.checked_content(&target, role, &text);
                    let id = self.add_file(target, key, role, text);
                    self.referenced(id, site);
                    pending.extend(refs);
                }
                Err(_) if optional => {}
                Err(m) => self.problems.push(Diagnostic::error(
                    path,
                    node.pos.line,
                    node.pos.col,
                    format!(
                        "{} file `{reference}` ({}): {m}",
                        role.label(),
                        target.display()
                    ),
                )),
            }
        }
        self.load_schema_refs(pending);
    }

    /// Checks a referenced file's content (see [`content_problem`]); for a schema, returns the
    /// `$ref`s that lead to other files.
    fn checked_content(&mut self, path: &Path, role: FileRole, text: &str) -> Vec<SchemaRef> {
        let (problem, root) = content_problem(path, role, text);
        self.problems.extend(problem);
        match (root, Url::from_file_path(path)) {
            (Some(root), Ok(url)) => schema_refs(path, &root, &url),
            _ => Vec::new(),
        }
    }

    /// Loads the files that `$ref`s name, and then what their own `$ref`s name, with a work
    /// list (no recursion). Flow fetches every one of them when it builds the catalog.
    fn load_schema_refs(&mut self, mut pending: Vec<SchemaRef>) {
        while let Some(SchemaRef { site, url }) = pending.pop() {
            if url.scheme() != "file" {
                self.problems.push(Diagnostic::warning(
                    &site.file,
                    site.line,
                    site.col,
                    format!(
                        "`{}` is remote; flowspec works offline and does not fetch it",
                        site.reference
                    ),
                ));
                continue;
            }
            let Ok(target) = url.to_file_path() else {
                continue;
            };
            let target = absolute(&target);
            let key = Self::identity(&target);
            if let Some(&existing) = self.by_key.get(&key) {
                self.referenced(existing, site);
                continue;
            }
            match read::text(&target) {
                Ok(text) => {
                    let refs = self.checked_content(&target, FileRole::Schema, &text);
                    let id = self.add_file(target, key, FileRole::Schema, text);
                    self.referenced(id, site);
                    pending.extend(refs);
                }
                Err(m) => self.problems.push(Diagnostic::error(
                    &site.file,
                    site.line,
                    site.col,
                    format!(
                        "schema file `{}` ({}): {m}",
                        site.reference,
                        target.display()
                    ),
                )),
            }
        }
    }
}

/// A `$ref` to another file: where it is written and the URL it resolves to.
struct SchemaRef {
    site: RefSite,
    url: Url,
}

/// The `$ref`s of the schema document `root` of file `path` (at `url`) that lead elsewhere.
fn schema_refs(path: &Path, root: &Node, url: &Url) -> Vec<SchemaRef> {
    shape::external_refs(root, url)
        .into_iter()
        .map(|(node, url)| SchemaRef {
            site: RefSite::new(path, node, node.as_str().unwrap_or_default()),
            url,
        })
        .collect()
}

/// The `$ref`s to other files in the inline schemas of catalog file `path`.
fn inline_schema_refs(path: &Path, root: &Node, text: &str) -> Vec<SchemaRef> {
    let Ok(url) = Url::from_file_path(path) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (_, coll) in root
        .get("collections")
        .map(Node::entries)
        .unwrap_or_default()
    {
        for key in ["schema", "writeSchema", "readSchema"] {
            let s = coll.get(key).filter(|s| s.is_map());
            // Most inline schemas have no `$ref`: skip their walk.
            if let Some(s) = s.filter(|s| shape::collection::may_contain(text, s, &["$ref"])) {
                out.extend(schema_refs(path, s, &url));
            }
        }
    }
    // Loaded in written order (the work list pops from the end).
    out.reverse();
    out
}

/// The string-valued configs, resources, schemas and fixtures of a catalog file, each with the
/// role of the file it names and whether Flow skips it when missing (resources of disabled
/// materialization bindings, which Flow does not load).
fn references(root: &Node) -> Vec<(FileRole, &Node, bool)> {
    let mut refs: Vec<(FileRole, &Node, bool)> = Vec::new();
    for section in ["captures", "materializations"] {
        for (_, task) in root.get(section).map(Node::entries).unwrap_or_default() {
            configs(&mut refs, task.get("endpoint"));
            for b in task.get("bindings").map(Node::items).unwrap_or_default() {
                let disabled = b.get("disable").and_then(Node::as_bool).unwrap_or(false);
                if let Some(r) = b.get("resource") {
                    let optional = disabled && section == "materializations";
                    refs.push((FileRole::Resource, r, optional));
                }
            }
        }
    }
    for (_, coll) in root
        .get("collections")
        .map(Node::entries)
        .unwrap_or_default()
    {
        for key in ["schema", "writeSchema", "readSchema"] {
            if let Some(s) = coll.get(key).filter(|s| s.as_str().is_some()) {
                refs.push((FileRole::Schema, s, false));
            }
        }
        let derive = coll.get("derive");
        configs(&mut refs, derive.and_then(|d| d.get("using")));
        modules(&mut refs, derive);
    }
    for (_, test) in root.get("tests").map(Node::entries).unwrap_or_default() {
        let steps = test.get("steps").unwrap_or(test);
        for step in steps.items() {
            for kind in ["ingest", "verify"] {
                if let Some(d) = step.get(kind).and_then(|s| s.get("documents")) {
                    refs.push((FileRole::Documents, d, false));
                }
            }
        }
    }
    refs
}

/// The SQL, TypeScript and Python files of a derivation: sqlite `migrations`, a typescript or
/// python `module`, and each transform's `lambda` and `shuffle.lambda`. A string without
/// whitespace is a file (flow-format.md §1.8); SQL written inline always has some.
fn modules<'a>(refs: &mut Vec<(FileRole, &'a Node, bool)>, derive: Option<&'a Node>) {
    let Some(derive) = derive else { return };
    let using = derive.get("using");
    if let Some(migrations) = using
        .and_then(|u| u.get("sqlite"))
        .and_then(|s| s.get("migrations"))
    {
        refs.extend(
            migrations
                .items()
                .iter()
                .map(|m| (FileRole::Module, m, false)),
        );
    }
    for lang in ["typescript", "python"] {
        if let Some(m) = using
            .and_then(|u| u.get(lang))
            .and_then(|l| l.get("module"))
        {
            refs.push((FileRole::Module, m, false));
        }
    }
    for t in derive
        .get("transforms")
        .map(Node::items)
        .unwrap_or_default()
    {
        let shuffle = t.get("shuffle").and_then(|s| s.get("lambda"));
        for lambda in [t.get("lambda"), shuffle].into_iter().flatten() {
            refs.push((FileRole::Module, lambda, false));
        }
    }
}

/// The `config` of a `connector` or `local` under `holder` (an endpoint or a derivation's
/// `using`).
fn configs<'a>(refs: &mut Vec<(FileRole, &'a Node, bool)>, holder: Option<&'a Node>) {
    for kind in ["connector", "local"] {
        if let Some(c) = holder
            .and_then(|h| h.get(kind))
            .and_then(|c| c.get("config"))
        {
            refs.push((FileRole::Config, c, false));
        }
    }
}

/// A problem with a referenced file's content, located in that file. YAML and JSON files must
/// parse; a schema is always YAML or JSON (Flow parses it whatever its name) and must be a
/// mapping or a boolean. A schema's parsed root is returned too, for its `$ref`s.
fn content_problem(path: &Path, role: FileRole, text: &str) -> (Option<Diagnostic>, Option<Node>) {
    if role == FileRole::Module || (role != FileRole::Schema && !is_structured(path)) {
        return (None, None);
    }
    let root = match yaml::parse(text) {
        Ok(root) => root,
        Err(e) => {
            let what = if role == FileRole::Schema {
                "not a YAML or JSON schema: "
            } else {
                ""
            };
            let problem = Diagnostic::error(path, e.line, e.col, format!("{what}{}", e.message));
            return (Some(problem), None);
        }
    };
    let schema_like = matches!(root.value, Value::Map(_) | Value::Bool(_));
    if role != FileRole::Schema {
        return (None, None);
    }
    let problem = (!schema_like).then(|| {
        Diagnostic::error(
            path,
            root.pos.line,
            root.pos.col,
            format!(
                "a schema file must hold a JSON schema (a mapping, or true or false), found {}",
                root.type_name()
            ),
        )
    });
    (problem, Some(root))
}

/// YAML and JSON files are parsed; anything else (SQL, TypeScript) is plain text.
pub fn is_structured(path: &Path) -> bool {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    matches!(ext.as_str(), "yaml" | "yml" | "json")
}

/// Reads a file as UTF-8 through the bounded reader ([`read::text`]), explaining failures in
/// words (not found, not a regular file, too large, not UTF-8, ...).
pub fn read_text(path: &Path) -> Result<String, String> {
    read::text(path).map_err(|e| e.to_string())
}

pub use super::read::io_message;

/// Re-extracts the entities of a catalog file from its current text.
pub fn reindex(file: usize, text: &str) -> Result<Vec<Entity>, yaml::ParseError> {
    let root = yaml::parse(text)?;
    Ok(index::extract(file, &root))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_with(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for f in files {
            std::fs::write(dir.path().join(f), "{}\n").unwrap();
        }
        dir
    }

    #[test]
    fn a_directory_resolves_to_its_flow_yaml_first() {
        let dir = dir_with(&["flow.yaml", "test.flow.yaml"]);
        assert_eq!(
            resolve_root(dir.path()).unwrap(),
            absolute(&dir.path().join("flow.yaml"))
        );
        let dir = dir_with(&["flow.json", "a.flow.yaml"]);
        assert!(resolve_root(dir.path()).unwrap().ends_with("flow.json"));
    }

    #[test]
    fn a_single_flow_yaml_by_another_name_is_the_root() {
        let dir = dir_with(&["test.flow.yaml", "notes.yaml", "config.yaml"]);
        std::fs::create_dir(dir.path().join("sub.flow.yaml")).unwrap();
        assert!(resolve_root(dir.path())
            .unwrap()
            .ends_with("test.flow.yaml"));
    }

    #[test]
    fn several_candidates_or_none_are_explained() {
        let dir = dir_with(&["b.flow.yaml", "a.flow.json", "x.yaml"]);
        let e = resolve_root(dir.path()).unwrap_err().0;
        assert!(
            e.ends_with("no flow.yaml, and 2 catalogs to choose from: a.flow.json, b.flow.yaml; pass one of them"),
            "{e}"
        );
        let names: Vec<String> = (0..12).map(|i| format!("c{i:02}.flow.yaml")).collect();
        let dir = dir_with(&names.iter().map(String::as_str).collect::<Vec<_>>());
        let e = resolve_root(dir.path()).unwrap_err().0;
        assert!(e.contains("c09.flow.yaml and 2 more; pass one"), "{e}");
        let dir = dir_with(&["x.yaml"]);
        let e = resolve_root(dir.path()).unwrap_err().0;
        assert!(
            e.contains("no flow.yaml or flow.json in this directory"),
            "{e}"
        );
    }
}
