//! Opening the form on a task's endpoint config or on one binding's resource config: where the
//! config lives (inline, or in its own file), what it holds, and the fill-ins Flow's UI makes.

use super::editor::{EditTarget, FormEditor};
use super::{Closing, FormScreen};
use crate::catalog::{Catalog, Endpoint, EntityId, Location};
use crate::secrets::Secret;
use crate::tui::encryption::DecryptRequest;
use crate::tui::shared::Shared;
use crate::yaml::PathSeg;

/// How a form opens: at once, or after its sops-encrypted config is decrypted.
#[derive(Debug)]
pub enum Opening {
    Form(Box<FormScreen>),
    Decrypt(DecryptRequest),
}

/// The form on task `id`'s endpoint config (`binding: None`) or on a binding's resource
/// config, with the schema the connector's spec gave; `None` while no spec is known. An
/// encrypted config is decrypted first (unless nothing can be changed: `--read-only` shows
/// it as it is).
pub fn open_for_task(
    sh: &Shared,
    id: EntityId,
    binding: Option<usize>,
) -> Option<Result<Opening, String>> {
    let plain = open_with(sh, id, binding, None)?;
    Some(plain.map(|form| {
        let original = &form.editor.target.original;
        if crate::sops::is_encrypted(original) && !sh.read_only {
            Opening::Decrypt(DecryptRequest {
                task: Some((id, binding)),
                document: original.clone(),
            })
        } else {
            Opening::Form(Box::new(form))
        }
    }))
}

/// The form on an encrypted config, opened on its decrypted content `plain` (see
/// [`FormEditor::open_decrypted`]). Refused when the config changed since it was decrypted.
pub fn open_decrypted(
    sh: &Shared,
    id: EntityId,
    binding: Option<usize>,
    document: &serde_json::Value,
    plain: Secret<serde_json::Value>,
) -> Option<Result<FormScreen, String>> {
    let form = open_with(sh, id, binding, Some(plain))?;
    Some(form.and_then(|f| {
        if &f.editor.target.original == document {
            Ok(f)
        } else {
            Err("The config changed while it was being decrypted; press the key again".into())
        }
    }))
}

fn open_with(
    sh: &Shared,
    id: EntityId,
    binding: Option<usize>,
    plain: Option<Secret<serde_json::Value>>,
) -> Option<Result<FormScreen, String>> {
    let cat = sh.catalog.as_ref()?;
    let e = cat.entity(id)?;
    let info = sh.connectors.get(&e.name)?;
    let schema = if binding.is_some() {
        info.resource_schema.as_ref()
    } else {
        info.config_schema.as_ref()
    }?;
    let collection = binding
        .and_then(|i| e.bindings.get(i))
        .and_then(|b| b.collection.clone());
    // A materialization's `source: {capture, deltaUpdates}` sets `x-delta-updates` fields.
    let delta_updates = cat.parse_file(id.file).ok().and_then(|root| {
        root.at(&e.path())?
            .get("source")?
            .get("deltaUpdates")?
            .as_bool()
    });
    Some(config_target(cat, id, binding).map(|target| {
        let mut form = match plain {
            Some(p) => FormEditor::open_decrypted(schema, target, p),
            None => FormEditor::open(schema, target),
        };
        if sh.read_only {
            form = form.read_only();
        }
        if let Some(c) = collection {
            form.prefill_from_collection(&c, delta_updates);
        }
        FormScreen::new(form, Closing::Back)
    }))
}

/// Where the endpoint config (or binding `binding`'s resource config) of task `id` lives, and
/// what it holds now.
fn config_target(
    cat: &Catalog,
    id: EntityId,
    binding: Option<usize>,
) -> Result<EditTarget, String> {
    let e = cat.entity(id).ok_or("no such task")?;
    let (mut at, location, title) = match binding {
        None => {
            let (kind, config) = match &e.endpoint {
                Some(Endpoint::Connector { config, .. }) => ("connector", config),
                Some(Endpoint::Local { config, .. }) => ("local", config),
                _ => return Err(format!("{} has no connector or local endpoint", e.name)),
            };
            let mut at = e.path();
            at.push(PathSeg::key("endpoint"));
            at.push(PathSeg::key(kind));
            at.push(PathSeg::key("config"));
            (at, config.clone(), format!("Endpoint config of {}", e.name))
        }
        Some(i) => {
            let b = e.bindings.get(i).ok_or("no binding selected")?;
            let mut at = e.binding_path(i);
            at.push(PathSeg::key("resource"));
            let root = cat.parse_file(id.file).map_err(|e| e.to_string())?;
            let location = root
                .at(&at)
                .map(crate::catalog::index::location)
                .unwrap_or(Location::Inline);
            let title = format!(
                "Resource config of binding {} ({})",
                i + 1,
                b.collection.clone().unwrap_or_default()
            );
            (at, location, title)
        }
    };
    let mut file = id.file;
    if let Location::File(rel) = &location {
        // The loader recorded which file each reference loaded: no path work (or disk) here.
        let target = cat
            .referenced_file(id.file, rel)
            .ok_or_else(|| format!("{rel} was not loaded (is it missing?)"))?;
        file = cat
            .files
            .iter()
            .position(|f| std::ptr::eq(f, target))
            .ok_or_else(|| format!("{rel} was not loaded (is it missing?)"))?;
        at = Vec::new();
    }
    let root = cat.parse_file(file).map_err(|e| e.to_string())?;
    let original = root
        .at(&at)
        .map(|n| n.to_json())
        .unwrap_or(serde_json::Value::Null);
    Ok(EditTarget {
        file,
        at,
        original,
        title,
    })
}
