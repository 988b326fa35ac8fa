//! Loading a catalog: the root file, its imports (recursively, relative to the importing file),
//! and every file a spec points at by a relative string (configs, resources, schemas, fixtures).
//!
//! Loading never panics and never gives up at the first bad file: each problem becomes a located
//! diagnostic, and whatever could be loaded is indexed so the user can still browse it.

use std::collections::HashMap;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::diag::Diagnostic;
use super::index::{self, Entity};
use super::{Catalog, FileRole, SourceFile};
use crate::yaml::{self, Node, Value};

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

/// Finds the catalog file for a path given on the command line: the file itself, or
/// `flow.yaml`/`flow.json` inside a directory.
pub fn resolve_root(path: &Path) -> Result<PathBuf, LoadError> {
    if path.is_dir() {
        for candidate in ["flow.yaml", "flow.yml", "flow.json"] {
            let p = path.join(candidate);
            if p.is_file() {
                return Ok(absolute(&p));
            }
        }
        return Err(LoadError(format!(
            "{}: no flow.yaml or flow.json in this directory",
            path.display()
        )));
    }
    Ok(absolute(path))
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
pub fn load(root: &Path, progress: &mut dyn FnMut(Progress)) -> Result<Catalog, LoadError> {
    let root = resolve_root(root)?;
    let mut loader = Loader {
        files: Vec::new(),
        by_key: HashMap::new(),
        problems: Vec::new(),
        progress: Progress::default(),
        report: progress,
        stack: Vec::new(),
    };
    let text = read_text(&root).map_err(|m| LoadError(format!("{}: {m}", root.display())))?;
    loader.load_catalog(root.clone(), text);
    let root_dir = root
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("/"));
    Ok(Catalog {
        root,
        root_dir,
        files: loader.files,
        load_problems: loader.problems,
    })
}

struct Loader<'a> {
    files: Vec<SourceFile>,
    /// Canonical identity of each loaded file -> index, so diamonds load once.
    by_key: HashMap<PathBuf, usize>,
    problems: Vec<Diagnostic>,
    progress: Progress,
    report: &'a mut dyn FnMut(Progress),
    /// Files currently being loaded (for cycle detection), as (identity, display path).
    stack: Vec<(PathBuf, PathBuf)>,
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

    fn load_catalog(&mut self, path: PathBuf, text: String) {
        let key = Self::identity(&path);
        self.stack.push((key.clone(), path.clone()));
        let id = self.files.len();
        self.by_key.insert(key, id);
        self.tick(text.len());
        let parsed = yaml::parse(&text);
        self.files
            .push(SourceFile::new(path.clone(), FileRole::Catalog, text));
        match parsed {
            Err(e) => self
                .problems
                .push(Diagnostic::error(&path, e.line, e.col, e.message)),
            Ok(root) => {
                if !matches!(root.value, Value::Map(_) | Value::Null) {
                    self.problems.push(Diagnostic::error(
                        &path,
                        root.pos.line,
                        root.pos.col,
                        format!("a catalog must be a mapping, found {}", root.type_name()),
                    ));
                } else {
                    self.files[id].entities = index::extract(id, &root);
                    self.load_references(&path, &root);
                    self.load_imports(&path, &root);
                }
            }
        }
        self.stack.pop();
    }

    fn load_imports(&mut self, path: &Path, root: &Node) {
        let Some(imports) = root.get("import") else {
            return;
        };
        for item in imports.items() {
            let Some(reference) = item.as_str() else {
                continue; // The validator reports the wrong type.
            };
            let Some(target) = self.resolve(path, item, reference) else {
                continue;
            };
            let key = Self::identity(&target);
            if let Some(pos) = self.stack.iter().position(|(k, _)| *k == key) {
                let chain: Vec<String> = self.stack[pos..]
                    .iter()
                    .map(|(_, p)| display_name(p))
                    .chain(std::iter::once(display_name(&target)))
                    .collect();
                self.problems.push(Diagnostic::error(
                    path,
                    item.pos.line,
                    item.pos.col,
                    format!("import cycle: {}", chain.join(" → ")),
                ));
                continue;
            }
            if let Some(&existing) = self.by_key.get(&key) {
                self.files[existing]
                    .imported_by
                    .get_or_insert((path.into(), item.pos.line));
                continue;
            }
            match read_text(&target) {
                Ok(text) => {
                    self.load_catalog(target.clone(), text);
                    if let Some(&id) = self.by_key.get(&key) {
                        self.files[id].imported_by = Some((path.into(), item.pos.line));
                    }
                }
                Err(m) => self.problems.push(Diagnostic::error(
                    path,
                    item.pos.line,
                    item.pos.col,
                    format!("cannot import `{reference}` ({}): {m}", target.display()),
                )),
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
        Some(absolute(&base.join(percent_decode(local).as_ref())))
    }

    /// Loads the files that string-valued configs, resources, schemas and fixtures point at.
    fn load_references(&mut self, path: &Path, root: &Node) {
        let mut refs: Vec<(FileRole, &Node, bool)> = Vec::new();
        for section in ["captures", "materializations"] {
            for (_, task) in root.get(section).map(Node::entries).unwrap_or_default() {
                if let Some(ep) = task.get("endpoint") {
                    for kind in ["connector", "local"] {
                        if let Some(c) = ep.get(kind).and_then(|c| c.get("config")) {
                            refs.push((FileRole::Config, c, false));
                        }
                    }
                }
                for b in task.get("bindings").map(Node::items).unwrap_or_default() {
                    let disabled = b.get("disable").and_then(Node::as_bool).unwrap_or(false);
                    if let Some(r) = b.get("resource") {
                        // Flow does not load resources of disabled materialization bindings.
                        refs.push((
                            FileRole::Resource,
                            r,
                            disabled && section == "materializations",
                        ));
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
                if let Some(s) = coll.get(key) {
                    if s.as_str().is_some() {
                        refs.push((FileRole::Schema, s, false));
                    }
                }
            }
            if let Some(using) = coll.get("derive").and_then(|d| d.get("using")) {
                for kind in ["connector", "local"] {
                    if let Some(c) = using.get(kind).and_then(|c| c.get("config")) {
                        refs.push((FileRole::Config, c, false));
                    }
                }
            }
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
        for (role, node, optional) in refs {
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
            if self.by_key.contains_key(&key) {
                continue;
            }
            match read_text(&target) {
                Ok(text) => {
                    self.tick(text.len());
                    if is_structured(&target) {
                        if let Err(e) = yaml::parse(&text) {
                            self.problems
                                .push(Diagnostic::error(&target, e.line, e.col, e.message));
                        }
                    }
                    let id = self.files.len();
                    self.by_key.insert(key, id);
                    let mut file = SourceFile::new(target, role, text);
                    file.imported_by = Some((path.into(), node.pos.line));
                    self.files.push(file);
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
    }
}

/// Flow references are URLs: a file named `my file.yaml` is written `my%20file.yaml`, and Flow
/// decodes it before reading. Invalid escapes are kept literally, as URL parsers do.
fn percent_decode(reference: &str) -> std::borrow::Cow<'_, str> {
    if !reference.contains('%') {
        return reference.into();
    }
    let bytes = reference.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    match String::from_utf8(out) {
        Ok(s) => s.into(),
        Err(_) => reference.into(),
    }
}

fn display_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// YAML and JSON files are parsed; anything else (SQL, TypeScript) is plain text.
pub fn is_structured(path: &Path) -> bool {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    matches!(ext.as_str(), "yaml" | "yml" | "json")
}

/// Reads a file as UTF-8, explaining failures in words (not found, symlink loop, not UTF-8, ...).
pub fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| io_message(&e))?;
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|b| **b == b'\n').count() + 1;
        let col = good.len()
            - good
                .iter()
                .rposition(|b| *b == b'\n')
                .map(|i| i + 1)
                .unwrap_or(0)
            + 1;
        format!("not valid UTF-8 (first bad byte at line {line}, column {col})")
    })
}

/// Human text for an I/O error, without Rust's `(os error N)` noise.
pub fn io_message(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "file not found".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::IsADirectory => "is a directory, not a file".into(),
        _ if e.raw_os_error() == Some(40) => {
            "too many levels of symbolic links (a symlink loop?)".into()
        }
        _ if e.raw_os_error() == Some(21) => "is a directory, not a file".into(),
        _ => {
            let s = e.to_string();
            s.split(" (os error").next().unwrap_or(&s).to_string()
        }
    }
}

/// Re-extracts the entities of a catalog file from its current text.
pub fn reindex(file: usize, text: &str) -> Result<Vec<Entity>, yaml::ParseError> {
    let root = yaml::parse(text)?;
    Ok(index::extract(file, &root))
}
