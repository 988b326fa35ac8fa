//! The catalog domain: loading, indexing, validating and editing Flow catalog files.
//! No terminal code lives here, so the CLI, the TUI and tests share one model.

pub mod check;
pub mod diag;
mod edit;
pub mod index;
pub mod load;
pub mod names;
pub mod read;
pub mod shape;

use std::path::{Path, PathBuf};

pub use diag::{Diagnostic, Severity};
pub use index::{Binding, Endpoint, Entity, EntityKind, Location, SchemaForm};
pub use load::{load, LoadError, Progress};

use crate::yaml::{self, patch};

/// Why a file was loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileRole {
    Catalog,
    Config,
    Resource,
    Schema,
    Documents,
    /// SQL, TypeScript or Python source of a derivation (migrations, lambdas, modules).
    Module,
}

impl FileRole {
    pub fn label(self) -> &'static str {
        match self {
            FileRole::Catalog => "catalog",
            FileRole::Config => "config",
            FileRole::Resource => "resource",
            FileRole::Schema => "schema",
            FileRole::Documents => "documents",
            FileRole::Module => "module",
        }
    }
}

/// One file of the catalog with the text it had on disk and, once edited, its new text. Its
/// `Debug` leaves both texts out (configs hold secrets).
#[derive(Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub role: FileRole,
    /// Exactly what was read from disk: the save engine refuses to write if the disk changed.
    pub disk: String,
    /// The edited text; `None` while unedited (saves a copy of every file).
    pub edited: Option<String>,
    /// The entities defined here (catalog files only); set through
    /// [`SourceFile::set_entities`], which keeps `kinds` in step.
    entities: Vec<Entity>,
    /// How many of `entities` are of each kind: the header shows the catalog's counts on
    /// every frame, and walking 50,000 entities per frame was a fifth of drawing one.
    kinds: [usize; 4],
    /// The file and line that imported or referenced this file.
    pub imported_by: Option<(PathBuf, u32)>,
    /// Every import or reference that names this file, in load order.
    pub referenced_at: Vec<RefSite>,
    /// The path with `..` and symlinks resolved: what identifies the file, and what decides
    /// [`SourceFile::outside`].
    pub real_path: PathBuf,
    /// True when the file lies outside the catalog folder (the root file's folder and below),
    /// after resolving `..` and symlinks. Such a file is still loaded, as Flow would, but a
    /// catalog from elsewhere can point anywhere (`../../.ssh/id_rsa`), so `check` warns at
    /// each reference, the TUI marks it, and nothing is sent to a connector from it unasked.
    pub outside: bool,
    /// The file's parsed document, kept after an edit for the next one (see `edit`).
    doc: edit::DocCache,
}

/// A place that names another file: an import, or a config, resource, schema or documents
/// reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefSite {
    /// The file the reference is written in.
    pub file: PathBuf,
    pub line: u32,
    pub col: u32,
    /// The reference as written (a relative or absolute path or `file://` URL, maybe with a
    /// `#fragment`).
    pub reference: String,
}

impl RefSite {
    /// The reference `reference` written at `node` of `file`.
    pub fn new(file: &Path, node: &yaml::Node, reference: &str) -> Self {
        RefSite {
            file: file.to_path_buf(),
            line: node.pos.line,
            col: node.pos.col,
            reference: reference.to_string(),
        }
    }
}

impl std::fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceFile")
            .field("path", &self.path)
            .field("role", &self.role)
            .field("disk", &crate::secrets::REDACTED)
            .field(
                "edited",
                &self.edited.as_ref().map(|_| crate::secrets::REDACTED),
            )
            .field("entities", &self.entities)
            .field("imported_by", &self.imported_by)
            .finish_non_exhaustive()
    }
}

impl SourceFile {
    /// The entities defined here (catalog files only), in file order.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// Replaces the file's entities (after a parse or an edit).
    pub fn set_entities(&mut self, entities: Vec<Entity>) {
        self.entities = entities;
        self.recount();
    }

    /// Changes the entities in place with `f`, then recounts them.
    pub(crate) fn update_entities<R>(&mut self, f: impl FnOnce(&mut Vec<Entity>) -> R) -> R {
        let r = f(&mut self.entities);
        self.recount();
        r
    }

    fn recount(&mut self) {
        self.kinds = [0; 4];
        for e in &self.entities {
            self.kinds[e.kind as usize] += 1;
        }
    }

    pub fn new(path: PathBuf, role: FileRole, disk: String) -> Self {
        SourceFile {
            role,
            disk,
            edited: None,
            entities: Vec::new(),
            kinds: [0; 4],
            imported_by: None,
            referenced_at: Vec::new(),
            real_path: path.clone(),
            outside: false,
            doc: edit::DocCache::default(),
            path,
        }
    }

    /// The current text, edited or not.
    pub fn text(&self) -> &str {
        self.edited.as_deref().unwrap_or(&self.disk)
    }

    /// True when the current text differs from what is on disk.
    pub fn is_dirty(&self) -> bool {
        self.edited.as_deref().is_some_and(|e| e != self.disk)
    }
}

/// Addresses one entity: the file that defines it and its position in that file's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityId {
    pub file: usize,
    pub index: usize,
}

/// A loaded catalog: every file and the entity index.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// The root catalog file.
    pub root: PathBuf,
    /// Its directory, which relative paths in output are shown against.
    pub root_dir: PathBuf,
    pub files: Vec<SourceFile>,
    /// Files that could not be read, parsed or imported.
    pub load_problems: Vec<Diagnostic>,
}

/// An edit could not be made; the catalog is unchanged.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("no such entity or binding")]
    NotFound,
    #[error(transparent)]
    Patch(#[from] patch::PatchError),
}

impl Catalog {
    /// A "catalog" of one config file, for `flowspec config edit`: the file as it is on disk,
    /// or empty when it does not exist yet (saving creates it).
    pub fn single_file(path: &Path) -> Result<Catalog, LoadError> {
        let path = load::absolute(path);
        let text = match read::text(&path) {
            Ok(text) => text,
            Err(read::ReadError::NotFound) => String::new(),
            Err(e) => return Err(LoadError(format!("{}: {e}", path.display()))),
        };
        if let Err(e) = yaml::parse(&text) {
            return Err(LoadError(format!(
                "{}:{}:{}: {}",
                path.display(),
                e.line,
                e.col,
                e.message
            )));
        }
        let root_dir = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("/"));
        Ok(Catalog {
            files: vec![SourceFile::new(path.clone(), FileRole::Config, text)],
            root: path,
            root_dir,
            load_problems: Vec::new(),
        })
    }

    /// Every entity with its id, in load order.
    pub fn entities(&self) -> impl Iterator<Item = (EntityId, &Entity)> {
        self.files.iter().enumerate().flat_map(|(f, file)| {
            file.entities
                .iter()
                .enumerate()
                .map(move |(i, e)| (EntityId { file: f, index: i }, e))
        })
    }

    pub fn entity(&self, id: EntityId) -> Option<&Entity> {
        self.files.get(id.file)?.entities.get(id.index)
    }

    /// Finds an entity by name (and kind, when given).
    pub fn find(&self, name: &str, kind: Option<EntityKind>) -> Option<(EntityId, &Entity)> {
        self.entities()
            .find(|(_, e)| e.name == name && kind.is_none_or(|k| k == e.kind))
    }

    /// The loaded file that `reference` (as written in file `from`) names, if it was loaded.
    pub fn referenced_file(&self, from: usize, reference: &str) -> Option<&SourceFile> {
        let from = &self.files.get(from)?.path;
        self.files.iter().find(|f| {
            f.referenced_at
                .iter()
                .any(|s| s.file == *from && s.reference == reference)
        })
    }

    /// Counts entities per kind, for headers.
    pub fn counts(&self) -> [usize; 4] {
        let mut c = [0; 4];
        for f in &self.files {
            for (total, n) in c.iter_mut().zip(f.kinds) {
                *total += n;
            }
        }
        c
    }

    /// A path for display: relative to the root directory when below it.
    pub fn display_path<'a>(&self, path: &'a Path) -> std::borrow::Cow<'a, str> {
        match path.strip_prefix(&self.root_dir) {
            Ok(rel) => rel.to_string_lossy(),
            Err(_) => path.to_string_lossy(),
        }
    }

    /// True when any file has unsaved edits.
    pub fn is_dirty(&self) -> bool {
        self.files.iter().any(SourceFile::is_dirty)
    }
}
