//! Writing a discovery into the catalog: the capture's bindings edited in place (existing ones
//! never moved or rewritten; gone ones removed with their lines), collections created where
//! [`super::layout`] puts them and updated where they are (only the key, `reset` and the
//! connector schema change; a schema in its own file is edited there), new files for new
//! prefixes and for values over 512 bytes, and the imports that reach the new files.
//!
//! Nothing is written to disk here: the catalog's files get edited texts and the new files
//! are added to it, unsaved, so `save` shows the diff of each and writes them all (or none).
//! The work happens on a copy; on error the catalog is unchanged.

use std::collections::{BTreeMap, HashMap, HashSet};

use new_files::NewFiles;
use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use super::collections::{self, Located, Place};
use super::layout::{relative, FileRef, Layout, INDIRECT_THRESHOLD};
use super::names::{base_name, name_prefix};
use super::plan::{self, Plan};
use super::schema::{merge_schemas, SchemaChange, Schemas};
use super::{edits, CaptureLocation, Discovery};
use crate::catalog::{Catalog, EntityKind, FileRole, SourceFile};
use crate::yaml::{patch::Edit, Node, PathSeg};

/// What a write did: the plan it carried out and the files it created.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    pub plan: Plan,
    pub created: Vec<PathBuf>,
}

/// One change to a loaded file.
#[derive(Debug, Clone)]
enum Op {
    Edit(Edit),
    /// Change the value at `at` from `old` to `new` touching only what differs.
    Change {
        at: Vec<PathSeg>,
        old: Value,
        new: Value,
    },
}

/// A file to create.
#[derive(Debug, Clone)]
enum NewFile {
    Catalog {
        import: Vec<String>,
        captures: Map<String, Value>,
        collections: Map<String, Value>,
    },
    Value {
        role: FileRole,
        value: Value,
    },
    /// Rendered already (a new collection's schema, rendered where it was worked out).
    Text {
        role: FileRole,
        text: String,
    },
}

/// A value bound for a spec: small ones go inline, larger ones (over
/// [`INDIRECT_THRESHOLD`] bytes of JSON) to a sibling file, rendered already.
#[derive(Debug)]
enum Prepared {
    Inline(Value),
    File(String),
}

impl Prepared {
    /// `value` prepared for a spec in a file of JSON (`json`) or YAML.
    fn new(path: &Path, value: Value, json: bool) -> Result<Self, String> {
        if !json_longer_than(&value, INDIRECT_THRESHOLD) {
            return Ok(Prepared::Inline(value));
        }
        edits::document(json, &value)
            .map(Prepared::File)
            .map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// A new collection's schemas, prepared on every core (see [`write`]).
#[derive(Debug)]
enum NewSchemas {
    Schema(Prepared),
    Split { write: Prepared, read: Prepared },
}

/// Whether `value` takes more than `limit` bytes as compact JSON; stops counting there.
fn json_longer_than(value: &Value, limit: usize) -> bool {
    struct Count(usize, usize);
    impl std::io::Write for Count {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0 += b.len();
            if self.0 > self.1 {
                return Err(std::io::Error::other("long enough"));
            }
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0, limit);
    serde_json::to_writer(&mut count, value).is_err() || count.0 > limit
}

/// Writes `d` (as the user left it) into `catalog`. `exists` says whether a path is on disk:
/// a file the catalog did not load is never overwritten. Returns what was planned and created;
/// an empty plan changes nothing.
pub fn write(
    catalog: &mut Catalog,
    d: &Discovery,
    exists: &dyn Fn(&Path) -> bool,
) -> Result<Written, String> {
    let plan = plan::plan(d)?;
    if plan.is_empty() {
        return Ok(Written::default());
    }
    let (ops, new) = {
        let mut w = Writer {
            catalog,
            d,
            layout: Layout::new(catalog, exists),
            ops: BTreeMap::new(),
            new: NewFiles::default(),
            roots: HashMap::new(),
            imports: HashSet::new(),
        };
        w.bindings(&plan)?;
        // A new collection's schema depends on its row alone: worked out and rendered on
        // every core first (a discovery can create thousands, and each parsed schema is
        // dropped as soon as its text exists), then placed in order.
        let json: Vec<bool> = plan
            .collections
            .iter()
            .map(|c| {
                c.create && {
                    let file = w.layout.spec_file(EntityKind::Collection, &c.name);
                    super::layout::is_json(&w.path_of(&file))
                }
            })
            .collect();
        let schemas = crate::par::par_map(&plan.collections, |i, c| {
            c.create
                .then(|| new_collection_schemas(&d.rows[c.row], &c.name, json[i]))
        });
        for (c, schema) in plan.collections.iter().zip(schemas) {
            match schema {
                Some(schema) => w.create_collection(c.row, &c.name, schema?)?,
                None => w.update_collection(c.row, &c.name)?,
            }
        }
        (w.ops, w.new)
    };
    let mut work = catalog.clone();
    let first = work.files.len();
    let new: Vec<(usize, (PathBuf, NewFile))> = new.into_sorted().into_iter().enumerate().collect();
    // The edits of loaded files and the rendering of new ones (each independent of the others;
    // a catalog file is read back too) run side by side: a discovery of thousands of
    // collections brings one large edit and one large new file.
    let (applied, rendered) = std::thread::scope(|s| {
        let rendering = s.spawn(|| {
            crate::par::par_map_owned(new, |(i, (path, file))| render_file(first + i, path, file))
        });
        let applied = ops
            .into_iter()
            .try_for_each(|(file, ops)| apply_ops(&mut work, file, ops));
        let rendered = rendering
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (applied, rendered)
    });
    applied?;
    let mut created = Vec::with_capacity(rendered.len());
    for rendered in rendered {
        let (path, file) = rendered?;
        work.files.push(file);
        created.push(path);
    }
    *catalog = work;
    Ok(Written { plan, created })
}

/// The schemas of a new collection for discovered row `r` (the connector schema in Flow's
/// form), prepared for a spec in a JSON (`json`) or YAML file.
fn new_collection_schemas(r: &super::Row, name: &str, json: bool) -> Result<NewSchemas, String> {
    // The common case, a schema for a file of its own in YAML, straight from the JSON text.
    let direct = if json { None } else { r.schema.as_deref() };
    if let Some((text, len)) = direct.and_then(|raw| super::schema::fresh_document(raw.get())) {
        if len > INDIRECT_THRESHOLD {
            if cfg!(debug_assertions) {
                // Every test that writes a discovery checks the shortcut against the long way.
                let long_way = new_collection_schemas_parsed(r, name, json)?;
                assert!(
                    matches!(&long_way, NewSchemas::Schema(Prepared::File(t)) if *t == text),
                    "{name}: the schema written from its JSON text differs from the one rendered from its value"
                );
            }
            return Ok(NewSchemas::Schema(Prepared::File(text)));
        }
    }
    new_collection_schemas_parsed(r, name, json)
}

/// [`new_collection_schemas`] from the parsed schema.
fn new_collection_schemas_parsed(
    r: &super::Row,
    name: &str,
    json: bool,
) -> Result<NewSchemas, String> {
    let change = merge_schemas(&Schemas::default(), r.schema_json(), r.policy)
        .map_err(|e| format!("{name}: {e}"))?;
    let prepare = |v| Prepared::new(Path::new(name), v, json);
    match change {
        SchemaChange::Schema(s) => Ok(NewSchemas::Schema(prepare(s)?)),
        SchemaChange::Split { write, read } => Ok(NewSchemas::Split {
            write: prepare(write)?,
            read: prepare(read)?,
        }),
        other => Err(format!(
            "{name}: unexpected schema change for a new collection: {other:?}"
        )),
    }
}

struct Writer<'c> {
    catalog: &'c Catalog,
    d: &'c Discovery,
    layout: Layout<'c>,
    ops: BTreeMap<usize, Vec<Op>>,
    new: NewFiles<NewFile>,
    /// Parsed loaded files (to see which sections exist).
    roots: HashMap<usize, Option<Node>>,
    /// Imports added so far: (importer, imported).
    imports: HashSet<(FileRef, PathBuf)>,
}

impl Writer<'_> {
    fn op(&mut self, file: usize, op: Op) {
        self.ops.entry(file).or_default().push(op);
    }

    fn edit(&mut self, file: usize, e: Edit) {
        self.op(file, Op::Edit(e));
    }

    fn root(&mut self, file: usize) -> Option<&Node> {
        let catalog = self.catalog;
        self.roots
            .entry(file)
            .or_insert_with(|| catalog.parse_file(file).ok())
            .as_ref()
    }

    fn path_of(&self, f: &FileRef) -> PathBuf {
        match f {
            FileRef::Loaded(i) => self.catalog.files[*i].path.clone(),
            FileRef::New(p) => p.clone(),
        }
    }

    /// `value`, or (over 512 bytes of JSON) a reference to a new sibling file holding it.
    fn indirect(
        &mut self,
        flow_file: &Path,
        base: &str,
        suffix: &str,
        value: Value,
        role: FileRole,
    ) -> Value {
        if !json_longer_than(&value, INDIRECT_THRESHOLD) {
            return value;
        }
        self.sibling(flow_file, base, suffix, NewFile::Value { role, value })
    }

    /// [`Writer::indirect`] for a value prepared (and maybe rendered) already.
    fn place(
        &mut self,
        flow_file: &Path,
        base: &str,
        suffix: &str,
        prepared: Prepared,
        role: FileRole,
    ) -> Value {
        match prepared {
            Prepared::Inline(value) => value,
            Prepared::File(text) => {
                self.sibling(flow_file, base, suffix, NewFile::Text { role, text })
            }
        }
    }

    /// A reference to new sibling file `file` of `flow_file`, named for `base` and `suffix`.
    fn sibling(&mut self, flow_file: &Path, base: &str, suffix: &str, file: NewFile) -> Value {
        let path = self.layout.sibling(flow_file, base, suffix);
        let reference = relative(flow_file.parent().unwrap_or(Path::new("/")), &path);
        self.new.insert(path, file);
        Value::String(reference)
    }

    /// The capture's bindings: removals (last first) and additions after the kept ones, or the
    /// whole list when none is kept.
    fn bindings(&mut self, plan: &Plan) -> Result<(), String> {
        let d = self.d;
        let kept = d.capture.bindings.len() - plan.removed.len();
        let base = base_name(&d.capture.name).to_string();
        let file = match &d.capture.location {
            CaptureLocation::Defined(id) => FileRef::Loaded(id.file),
            CaptureLocation::New { .. } => {
                self.layout.spec_file(EntityKind::Capture, &d.capture.name)
            }
        };
        let flow_path = self.path_of(&file);
        let mut added = Vec::with_capacity(plan.added.len());
        for (k, a) in plan.added.iter().enumerate() {
            let suffix = format!("resource.{}.config", kept + k);
            let resource = self.indirect(
                &flow_path,
                &base,
                &suffix,
                d.resource(a.row),
                FileRole::Resource,
            );
            let mut b = Map::new();
            b.insert("resource".into(), resource);
            if a.disable {
                b.insert("disable".into(), Value::Bool(true));
            }
            b.insert("target".into(), Value::String(a.target.clone()));
            added.push(Value::Object(b));
        }
        match &d.capture.location {
            CaptureLocation::Defined(id) => {
                let entity = self.catalog.entity(*id).ok_or("the capture vanished")?;
                let cap = entity.path();
                let mut seq = cap.clone();
                seq.push(PathSeg::key("bindings"));
                if kept == 0 {
                    let value = Value::Array(added);
                    self.edit(
                        id.file,
                        Edit::Set {
                            map: cap,
                            key: "bindings".into(),
                            value,
                        },
                    );
                    return Ok(());
                }
                for &index in plan.removed.iter().rev() {
                    self.edit(
                        id.file,
                        Edit::RemoveItem {
                            seq: seq.clone(),
                            index,
                        },
                    );
                }
                for value in added {
                    self.edit(
                        id.file,
                        Edit::Push {
                            seq: seq.clone(),
                            value,
                        },
                    );
                }
                Ok(())
            }
            CaptureLocation::New { spec } => {
                let mut def = spec.clone();
                self.indirect_config(&mut def, &flow_path, &base);
                def.insert("bindings".into(), Value::Array(added));
                self.put_spec(
                    file,
                    EntityKind::Capture,
                    &d.capture.name,
                    Value::Object(def),
                )
            }
        }
    }

    /// A new capture's endpoint config over 512 bytes goes to `{base}.config.yaml`.
    fn indirect_config(&mut self, def: &mut Map<String, Value>, flow_path: &Path, base: &str) {
        for kind in ["connector", "local"] {
            let config = def
                .get_mut("endpoint")
                .and_then(|e| e.get_mut(kind))
                .and_then(|c| c.get_mut("config"));
            if let Some(config) = config {
                let value = std::mem::take(config);
                let moved = self.indirect(flow_path, base, "config", value, FileRole::Config);
                if let Some(c) = def
                    .get_mut("endpoint")
                    .and_then(|e| e.get_mut(kind))
                    .and_then(|c| c.get_mut("config"))
                {
                    *c = moved;
                }
            }
        }
    }

    /// Adds spec `name` (of `kind`, defined as `def`) to `file`: an entry of its section, or
    /// the section itself when the file has none (or an empty one); a new file with the
    /// imports that reach it.
    fn put_spec(
        &mut self,
        file: FileRef,
        kind: EntityKind,
        name: &str,
        def: Value,
    ) -> Result<(), String> {
        let section = kind.section();
        match file {
            FileRef::Loaded(i) => {
                let has_entries = self
                    .root(i)
                    .and_then(|r| r.get(section))
                    .is_some_and(|s| !s.entries().is_empty());
                let pending = self.ops.get(&i).is_some_and(|ops| {
                    ops.iter().any(|op| matches!(op, Op::Edit(Edit::Set { map, key, .. }) if map.is_empty() && key == section))
                });
                if has_entries {
                    self.edit(
                        i,
                        Edit::Set {
                            map: vec![PathSeg::key(section)],
                            key: name.into(),
                            value: def,
                        },
                    );
                } else if pending {
                    // The section is being written by this write already: add to it.
                    let ops = self.ops.get_mut(&i).expect("pending");
                    for op in ops.iter_mut() {
                        if let Op::Edit(Edit::Set {
                            map,
                            key,
                            value: Value::Object(m),
                        }) = op
                        {
                            if map.is_empty() && key == section {
                                m.insert(name.into(), def.clone());
                            }
                        }
                    }
                } else {
                    let value = json!({ name: def });
                    self.edit(
                        i,
                        Edit::Set {
                            map: vec![],
                            key: section.into(),
                            value,
                        },
                    );
                }
            }
            FileRef::New(path) => {
                if !self.new.contains_key(&path) {
                    if !self.layout.claim(&path) {
                        return Err(format!(
                            "{} exists but is not part of the catalog; import it, or move it away",
                            self.catalog.display_path(&path)
                        ));
                    }
                    self.new.insert(
                        path.clone(),
                        NewFile::Catalog {
                            import: vec![],
                            captures: Map::new(),
                            collections: Map::new(),
                        },
                    );
                    self.reach(name_prefix(name))?;
                }
                let Some(NewFile::Catalog {
                    captures,
                    collections,
                    ..
                }) = self.new.get_mut(&path)
                else {
                    return Err(format!("{} is not a catalog file", path.display()));
                };
                let map = if kind == EntityKind::Capture {
                    captures
                } else {
                    collections
                };
                map.insert(name.into(), def);
            }
        }
        Ok(())
    }

    /// Imports the new canonical file of `prefix` from the root, through the canonical files
    /// of the shorter prefixes (created as needed).
    fn reach(&mut self, prefix: &str) -> Result<(), String> {
        for (importer, imported) in self.layout.import_chain(prefix) {
            if !self.imports.insert((importer.clone(), imported.clone())) {
                continue;
            }
            let dir = self.path_of(&importer);
            let reference = relative(dir.parent().unwrap_or(Path::new("/")), &imported);
            match importer {
                FileRef::Loaded(i) => self.import_into(i, reference),
                FileRef::New(path) => {
                    if !self.new.contains_key(&path) {
                        if !self.layout.claim(&path) {
                            return Err(format!(
                                "{} exists but is not part of the catalog; import it, or move it away",
                                self.catalog.display_path(&path)
                            ));
                        }
                        self.new.insert(
                            path.clone(),
                            NewFile::Catalog {
                                import: vec![],
                                captures: Map::new(),
                                collections: Map::new(),
                            },
                        );
                    }
                    if let Some(NewFile::Catalog { import, .. }) = self.new.get_mut(&path) {
                        import.push(reference);
                    }
                }
            }
        }
        Ok(())
    }

    /// Adds `reference` to the imports of loaded file `i`.
    fn import_into(&mut self, i: usize, reference: String) {
        let has_items = self
            .root(i)
            .and_then(|r| r.get("import"))
            .is_some_and(|n| !n.items().is_empty());
        let value = Value::String(reference);
        if has_items {
            self.edit(
                i,
                Edit::Push {
                    seq: vec![PathSeg::key("import")],
                    value,
                },
            );
        } else {
            let pending = self.ops.get_mut(&i).and_then(|ops| {
                ops.iter_mut().find_map(|op| match op {
                    Op::Edit(Edit::Set {
                        map,
                        key,
                        value: Value::Array(a),
                    }) if map.is_empty() && key == "import" => Some(a),
                    _ => None,
                })
            });
            match pending {
                Some(list) => list.push(value),
                None => self.edit(
                    i,
                    Edit::Set {
                        map: vec![],
                        key: "import".into(),
                        value: json!([value]),
                    },
                ),
            }
        }
    }

    /// A collection the catalog does not define: key and schemas (see
    /// [`new_collection_schema`]) from the discovery, in Flow's form, where the layout puts it.
    fn create_collection(
        &mut self,
        row: usize,
        name: &str,
        schemas: NewSchemas,
    ) -> Result<(), String> {
        let r = &self.d.rows[row];
        let file = self.layout.spec_file(EntityKind::Collection, name);
        let flow_path = self.path_of(&file);
        let base = base_name(name).to_string();
        let mut def = Map::new();
        match schemas {
            NewSchemas::Schema(s) => {
                def.insert(
                    "schema".into(),
                    self.place(&flow_path, &base, "schema", s, FileRole::Schema),
                );
            }
            NewSchemas::Split { write, read } => {
                def.insert(
                    "writeSchema".into(),
                    self.place(&flow_path, &base, "write.schema", write, FileRole::Schema),
                );
                def.insert(
                    "readSchema".into(),
                    self.place(&flow_path, &base, "read.schema", read, FileRole::Schema),
                );
            }
        }
        def.insert("key".into(), json!(r.key));
        self.put_spec(file, EntityKind::Collection, name, Value::Object(def))
    }

    /// A collection the catalog defines: the discovered key replaces a different one (with
    /// `reset: true` when the capture evolves incompatible collections), and the connector
    /// schema goes in where the write schema lives.
    fn update_collection(&mut self, row: usize, name: &str) -> Result<(), String> {
        let r = &self.d.rows[row];
        let view = collections::view(self.catalog, name)?
            .ok_or_else(|| format!("collection `{name}` is not in the catalog"))?;
        let file = view.id.file;
        if !r.fallback_key && !r.key.is_empty() && r.key != view.key {
            self.edit(
                file,
                Edit::Set {
                    map: view.path.clone(),
                    key: "key".into(),
                    value: json!(r.key),
                },
            );
            if self.d.capture.reset_on_key_change() {
                self.edit(
                    file,
                    Edit::Set {
                        map: view.path.clone(),
                        key: "reset".into(),
                        value: Value::Bool(true),
                    },
                );
            }
        }
        let change = merge_schemas(&view.schemas(), r.schema_json(), r.policy)
            .map_err(|e| format!("{name}: {e}"))?;
        let base = base_name(name).to_string();
        let flow_path = self.catalog.files[file].path.clone();
        match change {
            SchemaChange::Unchanged | SchemaChange::NotManaged => {}
            SchemaChange::Schema(v) => {
                self.replace_schema(&view, "schema", view.schema.as_ref(), v, &base)
            }
            SchemaChange::Write(v) => {
                self.replace_schema(&view, "writeSchema", view.write.as_ref(), v, &base)
            }
            SchemaChange::Split { write, read } => {
                let moved = match view.schema.as_ref() {
                    Some(Located {
                        place:
                            Place::File {
                                file: sf,
                                reference,
                            },
                        value,
                    }) => {
                        self.op(
                            *sf,
                            Op::Change {
                                at: vec![],
                                old: value.clone(),
                                new: write,
                            },
                        );
                        Value::String(reference.clone())
                    }
                    _ => self.indirect(&flow_path, &base, "write.schema", write, FileRole::Schema),
                };
                let at = view.path.clone();
                self.edit(
                    file,
                    Edit::Remove {
                        map: at.clone(),
                        key: "schema".into(),
                    },
                );
                self.edit(
                    file,
                    Edit::Set {
                        map: at.clone(),
                        key: "writeSchema".into(),
                        value: moved,
                    },
                );
                let read = self.indirect(&flow_path, &base, "read.schema", read, FileRole::Schema);
                self.edit(
                    file,
                    Edit::Set {
                        map: at,
                        key: "readSchema".into(),
                        value: read,
                    },
                );
            }
        }
        Ok(())
    }

    /// Puts `new` where schema field `field` of the collection lives: its own file, inline,
    /// or (not written yet) a new entry.
    fn replace_schema(
        &mut self,
        view: &collections::CollectionView,
        field: &str,
        current: Option<&Located>,
        new: Value,
        base: &str,
    ) {
        let file = view.id.file;
        match current {
            Some(Located {
                place: Place::File { file: sf, .. },
                value,
            }) => {
                self.op(
                    *sf,
                    Op::Change {
                        at: vec![],
                        old: value.clone(),
                        new,
                    },
                );
            }
            Some(Located {
                place: Place::Inline,
                value,
            }) => {
                let mut at = view.path.clone();
                at.push(PathSeg::key(field));
                self.op(
                    file,
                    Op::Change {
                        at,
                        old: value.clone(),
                        new,
                    },
                );
            }
            None => {
                let flow_path = self.catalog.files[file].path.clone();
                let suffix = if field == "writeSchema" {
                    "write.schema"
                } else {
                    "schema"
                };
                let value = self.indirect(&flow_path, base, suffix, new, FileRole::Schema);
                self.edit(
                    file,
                    Edit::Set {
                        map: view.path.clone(),
                        key: field.into(),
                        value,
                    },
                );
            }
        }
    }
}

/// Applies a loaded file's operations in order (runs of edits together).
fn apply_ops(catalog: &mut Catalog, file: usize, ops: Vec<Op>) -> Result<(), String> {
    let mut run: Vec<Edit> = Vec::new();
    for op in ops {
        match op {
            Op::Edit(e) => run.push(e),
            Op::Change { at, old, new } => {
                edits::apply(catalog, file, &std::mem::take(&mut run))?;
                edits::change(catalog, file, &at, &old, &new)?;
            }
        }
    }
    edits::apply(catalog, file, &run)
}

/// The new file that will be file `index` of the catalog, unsaved (its disk text is empty: it
/// does not exist yet), with its path.
fn render_file(
    index: usize,
    path: PathBuf,
    file: NewFile,
) -> Result<(PathBuf, SourceFile), String> {
    let (role, value) = match file {
        NewFile::Catalog {
            import,
            captures,
            collections,
        } => {
            let mut doc = Map::new();
            if !import.is_empty() {
                doc.insert("import".into(), json!(import));
            }
            if !captures.is_empty() {
                doc.insert("captures".into(), Value::Object(captures));
            }
            if !collections.is_empty() {
                doc.insert("collections".into(), Value::Object(collections));
            }
            (FileRole::Catalog, Value::Object(doc))
        }
        NewFile::Value { role, value } => (role, value),
        NewFile::Text { role, text } => {
            let file = edits::rendered_file(&path, role, text);
            return Ok((path, file));
        }
    };
    let file = edits::new_file(index, &path, role, &value)?;
    Ok((path, file))
}

mod new_files;
#[cfg(test)]
mod tests;
