//! `flowspec list [PATH] [--kind KIND]... [--json]`: the entities a catalog defines, with their
//! file and line. Text is aligned in columns (measured in terminal cells); `--json` is an array
//! of objects in which each binding's resource is the resource config itself, read from its
//! file when it has one (values under secret-looking keys masked). Nothing the catalog names
//! is run.
//!
//! Exit status: 0 listed, 2 the catalog (or a file of it) could not be loaded: what did load is
//! listed, and the problems are printed on stderr.

use std::collections::HashMap;
use std::path::PathBuf;

use clap::{Args as ClapArgs, ValueEnum};
use serde_json::{json, Value};

use super::check::{load_or_exit, EXIT_LOAD};
use super::output::{pad, plural, print_json, print_lines, width};
use crate::catalog::{Catalog, Entity, EntityKind, Severity};
use crate::errln;
use crate::text::escape_control;

#[derive(Debug, Clone, ClapArgs)]
pub struct Args {
    /// A flow.yaml/flow.json, or a directory holding one (or a single *.flow.yaml).
    #[arg(default_value = "flow.yaml")]
    pub path: PathBuf,
    /// Only these kinds (capture, collection, materialization, test); repeatable.
    #[arg(long, value_enum)]
    pub kind: Vec<KindArg>,
    /// A JSON array with one object per entity.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Capture,
    Collection,
    Materialization,
    Test,
}

impl From<KindArg> for EntityKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Capture => EntityKind::Capture,
            KindArg::Collection => EntityKind::Collection,
            KindArg::Materialization => EntityKind::Materialization,
            KindArg::Test => EntityKind::Test,
        }
    }
}

/// Runs `list`; returns the exit status.
pub fn run(args: Args) -> i32 {
    let cat = match load_or_exit(&args.path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    for p in &cat.load_problems {
        errln!("{}", escape_control(&p.display_relative(&cat.root_dir)));
    }
    let kinds: Vec<EntityKind> = args.kind.into_iter().map(Into::into).collect();
    let mut entities: Vec<&Entity> = cat
        .entities()
        .map(|(_, e)| e)
        .filter(|e| kinds.is_empty() || kinds.contains(&e.kind))
        .collect();
    entities.sort_by(|a, b| (a.kind, &a.name).cmp(&(b.kind, &b.name)));
    if args.json {
        print_json(&Value::Array(json_entities(&cat, &entities)));
    } else {
        print_lines(&text_lines(&cat, &entities));
    }
    // What loaded is still listed, but a script must not take a partial list for the catalog.
    let unloadable = cat
        .load_problems
        .iter()
        .any(|p| p.severity == Severity::Error);
    if unloadable {
        EXIT_LOAD
    } else {
        0
    }
}

/// One line per entity: kind, name, `FILE:LINE` and a summary, each column aligned.
fn text_lines(cat: &Catalog, entities: &[&Entity]) -> Vec<String> {
    let rows: Vec<[String; 4]> = entities
        .iter()
        .map(|e| {
            [
                e.kind.label().to_string(),
                escape_control(&e.name).into_owned(),
                escape_control(&format!(
                    "{}:{}",
                    cat.display_path(&cat.files[e.file].path),
                    e.line
                ))
                .into_owned(),
                escape_control(&detail(e)).into_owned(),
            ]
        })
        .collect();
    let column = |i: usize| rows.iter().map(|r| width(&r[i])).max().unwrap_or(0);
    let (name, location) = (column(1), column(2));
    rows.iter()
        .map(|[kind, n, loc, detail]| {
            // The kind column is as wide as the widest kind, so lists line up across runs.
            let line = format!(
                "{} {}  {}  {detail}",
                pad(kind, EntityKind::Materialization.label().len()),
                pad(n, name),
                pad(loc, location)
            );
            line.trim_end().to_string()
        })
        .collect()
}

/// The summary column: a task's endpoint and bindings, a collection's key and schema.
fn detail(e: &Entity) -> String {
    match e.kind {
        EntityKind::Capture | EntityKind::Materialization => {
            let disabled = e.bindings.iter().filter(|b| b.disable).count();
            format!(
                "{}; {} binding{}{}{}",
                e.endpoint.as_ref().map(|p| p.summary()).unwrap_or_default(),
                e.bindings.len(),
                plural(e.bindings.len()),
                if disabled > 0 {
                    format!(" ({disabled} disabled)")
                } else {
                    String::new()
                },
                if e.disabled { "; task disabled" } else { "" }
            )
        }
        EntityKind::Collection => format!(
            "key [{}]; {}{}",
            e.key.join(", "),
            e.schema.as_ref().map(|s| s.summary()).unwrap_or_default(),
            if e.derived { "; derived" } else { "" }
        ),
        EntityKind::Test => String::new(),
    }
}

/// The entities as JSON objects: the index's fields, the file relative to the catalog's
/// folder, and each binding's resource config as an object.
fn json_entities(cat: &Catalog, entities: &[&Entity]) -> Vec<Value> {
    let mut parsed: HashMap<usize, Option<crate::yaml::Node>> = HashMap::new();
    entities
        .iter()
        .map(|e| {
            let mut v = serde_json::to_value(e).unwrap_or_default();
            v["file"] = json!(cat.display_path(&cat.files[e.file].path));
            let root = parsed
                .entry(e.file)
                .or_insert_with(|| cat.parse_file(e.file).ok());
            if let (Some(root), Some(Value::Array(bindings))) = (root, v.get_mut("bindings")) {
                for (i, b) in bindings.iter_mut().enumerate() {
                    let (resource, file) = resource(cat, e, root, i);
                    b["resource"] = resource;
                    if let Some(file) = file {
                        b["resourceFile"] = json!(file);
                    }
                }
            }
            v
        })
        .collect()
}

/// Binding `i`'s resource config (read from its file when it names one; `null` when that file
/// was not loaded), with values under secret-looking keys masked, and the file it names.
fn resource(
    cat: &Catalog,
    e: &Entity,
    root: &crate::yaml::Node,
    i: usize,
) -> (Value, Option<String>) {
    let Some(node) = root.at(&e.binding_path(i)).and_then(|b| b.get("resource")) else {
        return (Value::Null, None);
    };
    let file = match crate::catalog::index::location(node) {
        crate::catalog::Location::File(f) => Some(f),
        crate::catalog::Location::Inline => None,
    };
    let value = crate::connector::task::resolve_value(cat, e.file, node).unwrap_or(Value::Null);
    (masked(value), file)
}

/// `value` with everything under a key that names a secret (`password`, `token`, …) replaced
/// by a mask: a listing is not a way to reveal one.
fn masked(mut value: Value) -> Value {
    for pointer in crate::secrets::names::locate_by_name(&value) {
        if let Some(slot) = value.pointer_mut(&pointer) {
            *slot = Value::String(crate::secrets::HIDDEN.into());
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_looking_resource_values_are_masked() {
        let v = masked(json!({"table": "t", "auth": {"api_token": "s3cret"}, "password": null}));
        assert_eq!(
            v,
            json!({"table": "t", "auth": {"api_token": crate::secrets::HIDDEN}, "password": null})
        );
    }
}
