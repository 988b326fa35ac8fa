//! Everything before the diff: the catalog opened (or started), the name checked, the
//! connector prepared and asked for its spec, the config read, checked against the spec and
//! encrypted, the connection tested (discover for a capture, validate for a materialization),
//! and the new task written into the catalog in memory. Nothing is written to disk here.

use std::path::Path;

use serde_json::Value;

use super::{CaptureArgs, Common, Fail, MaterializationArgs};
use crate::catalog::{Catalog, EntityId};
use crate::cmd::output::plural;
use crate::cmd::runner::{self, Console};
use crate::connector::cache::SpecCache;
use crate::connector::ops::{self, Prepared};
use crate::connector::protocol::{self as p, Operation, SpecResponse, ValidateBinding};
use crate::connector::run::Transport;
use crate::connector::target::Target;
use crate::connector::task::{collection_spec, ConfigSource, Task, TaskEndpoint};
use crate::create::materialization::{self, NewMaterialization, Sources, TargetNaming};
use crate::create::{self, capture, names, paths, Connector, Files, Kind};
use crate::discover::AutoDiscover;
use crate::errln;
use crate::secrets::Secret;
use crate::sops::document::{self, Job, KeySources, Outcome};
use crate::sops::SopsOptions;
use crate::text::escape_control;

/// A task written into the catalog in memory, ready to be shown and saved.
pub(super) struct Ready {
    pub catalog: Catalog,
    pub kind: Kind,
    pub name: String,
    pub files: Files,
    pub spec: SpecResponse,
    /// The config file when it was encrypted (its diff shows ciphertext shortened).
    pub encrypted: Option<std::path::PathBuf>,
}

/// What every create starts with.
struct Base {
    catalog: Catalog,
    name: String,
    connector: Connector,
    prepared: Prepared,
    spec: SpecResponse,
    /// The plaintext config as it is sent to the connector.
    config: Value,
    paths: paths::Paths,
    config_text: Secret<String>,
    encrypted: bool,
}

fn on_disk(p: &Path) -> bool {
    p.exists()
}

/// The headless capture: spec, config, discover, bindings kept, written in memory.
pub(super) async fn capture(args: &CaptureArgs) -> Result<Ready, Fail> {
    let base = base(Kind::Capture, &args.path, &args.common, &args.command).await?;
    let console = Console::start(args.common.run.quiet);
    let task = task(&base, Kind::Capture);
    let result = ops::discover(
        &base.prepared,
        &task,
        &args.common.run.options(Operation::Discover),
        console.tx.clone(),
        console.cancel.clone(),
    )
    .await;
    console.finish().await;
    let discovered = result?;
    let n = discovered.bindings.len();
    errln!("{n} binding{} discovered", plural(n));
    let new = capture::NewCapture {
        name: base.name.clone(),
        connector: base.connector.clone(),
        config_text: base.config_text.clone(),
        interval: None,
        auto_discover: Some(AutoDiscover::NEW_CAPTURE),
    };
    let mut d = capture::discovery(
        &new,
        &base.paths.config_ref(),
        discovered.bindings,
        base.spec.resource_path_pointers.clone(),
        &base.catalog,
    )
    .map_err(Fail::Refused)?;
    if args.all_bindings {
        d.rows.iter_mut().for_each(|r| r.selected = true);
    }
    let mut catalog = base.catalog;
    let files = capture::write(&mut catalog, &new, &d, &on_disk).map_err(Fail::Refused)?;
    Ok(Ready {
        catalog,
        kind: Kind::Capture,
        name: base.name,
        files,
        spec: base.spec,
        encrypted: base.encrypted.then_some(base.paths.config),
    })
}

/// The headless materialization: spec, config, bindings prefilled, validate, written in
/// memory.
pub(super) async fn materialization(args: &MaterializationArgs) -> Result<Ready, Fail> {
    let sources =
        match &args.link_capture {
            Some(c) => Sources::Capture(c.clone()),
            None if args.source.is_empty() => return Err(Fail::Usage(
                "name what to materialize: --source COLLECTION (repeatable) or --link-capture NAME"
                    .into(),
            )),
            None => Sources::Collections(args.source.clone()),
        };
    // The sources are checked before anything runs.
    let early = create::open_or_start(&args.path).map_err(Fail::Usage)?;
    let names = match &sources {
        Sources::Collections(c) => c.clone(),
        Sources::Capture(c) => materialization::linked_sources(&early, c).map_err(Fail::Usage)?,
    };
    materialization::check_sources(&early, &names).map_err(Fail::Usage)?;
    let base = base(
        Kind::Materialization,
        &args.path,
        &args.common,
        &args.command,
    )
    .await?;
    let resource_schema: Value =
        serde_json::from_str(base.spec.resource_config_schema.get()).unwrap_or(Value::Null);
    let ann = materialization::annotations(&resource_schema);
    let new = NewMaterialization {
        name: base.name.clone(),
        connector: base.connector.clone(),
        config_text: base.config_text.clone(),
        sources,
        // The web app's default choice.
        naming: ann
            .has_schema_name()
            .then_some(TargetNaming::MatchSourceStructure),
        delta_updates: false,
        fields_recommended: None,
    };
    let preview = materialization::preview(&base.catalog, &new, &ann);
    if !preview.collisions.is_empty() {
        return Err(Fail::Refused(format!(
            "two bindings would write one table: {}",
            preview.collisions.join("; ")
        )));
    }
    validate(&base, &preview.bindings, &args.common).await?;
    let mut catalog = base.catalog;
    let files =
        materialization::write(&mut catalog, &new, &ann, &on_disk).map_err(Fail::Refused)?;
    Ok(Ready {
        catalog,
        kind: Kind::Materialization,
        name: base.name,
        files,
        spec: base.spec,
        encrypted: base.encrypted.then_some(base.paths.config),
    })
}

/// The materialization's connection test: the connector's validate on the new bindings.
async fn validate(base: &Base, bindings: &[(String, Value)], common: &Common) -> Result<(), Fail> {
    let mut request = Vec::new();
    for (source, resource) in bindings {
        request.push(ValidateBinding {
            resource_config: p::raw_value(resource),
            collection: collection_spec(&base.catalog, source).map_err(|e| Fail::Usage(e.0))?,
            backfill: 0,
            field_config: Default::default(),
            group_by: Vec::new(),
        });
    }
    let console = Console::start(common.run.quiet);
    let result = ops::validate(
        &base.prepared,
        &task(base, Kind::Materialization),
        &request,
        &common.run.options(Operation::Validate),
        console.tx.clone(),
        console.cancel.clone(),
    )
    .await;
    console.finish().await;
    let n = result?.bindings.len();
    errln!("the connector validated {n} binding{}", plural(n));
    Ok(())
}

/// Opens the catalog, checks the name, prepares the connector, gets its spec, reads and checks
/// the config and encrypts it.
async fn base(kind: Kind, path: &Path, common: &Common, command: &[String]) -> Result<Base, Fail> {
    let catalog = create::open_or_start(path).map_err(Fail::Usage)?;
    let name = common.name.clone().unwrap_or_default();
    names::validate(&catalog, &name).map_err(Fail::Usage)?;
    let config = read_config(common.config.as_deref())?;
    let target = match &common.image {
        Some(image) => Target::image(image, Some(kind.task_type()), common.run.docker())
            .map_err(|e| Fail::Usage(e.to_string()))?,
        None => {
            Target::local(command.to_vec(), Some(kind.task_type())).map_err(|e| Fail::Usage(e.0))?
        }
    }
    .with_protocol(common.run.protocol());
    let prepared = runner::prepare(&target).await?;
    let connector = match &prepared.transport {
        Transport::Docker { image, .. } => Connector::Image(image.clone()),
        Transport::Local { command, .. } => Connector::Local {
            command: command.clone(),
            protocol: prepared.protocol,
        },
    };
    let console = Console::start(common.run.quiet);
    let cache = SpecCache::user();
    let result = ops::spec(
        &prepared,
        (!common.run.no_cache).then_some(&cache),
        &common.run.options(Operation::Spec),
        console.tx.clone(),
        console.cancel.clone(),
    )
    .await;
    console.finish().await;
    let (spec, _) = result?;
    let schema: Value = serde_json::from_str(spec.config_schema.get()).unwrap_or(Value::Null);
    let schema = crate::form::config_schema_of(&schema).clone();
    let config = checked_config(&schema, config, common.config.as_deref())?;
    let paths = paths::paths(&catalog, kind, &name, &on_disk);
    let (config_text, encrypted) = encrypt(&schema, &config, &paths.config)?;
    Ok(Base {
        catalog,
        name,
        connector,
        prepared,
        spec,
        config,
        paths,
        config_text,
        encrypted,
    })
}

/// The `--config` file's value (bounded read; YAML or JSON; a mapping, in plaintext), or `{}`.
fn read_config(file: Option<&Path>) -> Result<Value, Fail> {
    let Some(file) = file else {
        return Ok(Value::Object(Default::default()));
    };
    let shown = file.display().to_string();
    let text =
        crate::catalog::read::text(file).map_err(|e| Fail::Usage(format!("{shown}: {e}")))?;
    let config = crate::yaml::parse(&text)
        .map_err(|e| {
            Fail::Usage(format!(
                "{shown}:{}:{}: not YAML or JSON: {}",
                e.line, e.col, e.message
            ))
        })?
        .to_json();
    if !config.is_object() {
        return Err(Fail::Usage(format!(
            "{shown}: a config is a mapping of keys to values"
        )));
    }
    if crate::sops::is_encrypted(&config) {
        return Err(Fail::Usage(format!(
            "{shown} is sops-encrypted; give the plaintext config (flowspec encrypts its secrets)"
        )));
    }
    Ok(config)
}

/// The config as the form would save it (what the user set, plus the defaults validity needs),
/// or every problem the connector's schema finds in it.
fn checked_config(schema: &Value, config: Value, file: Option<&Path>) -> Result<Value, Fail> {
    let state = crate::form::build(schema).load(&config);
    if state.errors().is_empty() {
        return Ok(state.written().clone());
    }
    let shown = file.map_or_else(
        || "the empty config".to_string(),
        |f| f.display().to_string(),
    );
    let problems: Vec<String> = state
        .errors()
        .iter()
        .map(|e| {
            let at = if e.pointer.is_empty() {
                "/"
            } else {
                &e.pointer
            };
            format!("  {}: {}", escape_control(at), escape_control(&e.message))
        })
        .collect();
    Err(Fail::Usage(format!(
        "{shown} does not fit the connector's config schema:\n{}",
        problems.join("\n")
    )))
}

/// The config file's text: sops-encrypted when the schema marks fields secret (the keys of a
/// `.sops.yaml` rule for `target`, else flowspec's settings; none → refused), else plain YAML.
fn encrypt(schema: &Value, config: &Value, target: &Path) -> Result<(Secret<String>, bool), Fail> {
    let secret = crate::sops::plaintext::plaintext_secrets(schema, config);
    let chosen = crate::sops::mark::encryptable(config, secret);
    if chosen.is_empty() {
        return Ok((Secret::new(create::config_text(config)), false));
    }
    let job = Job {
        config: Secret::new(config.clone()),
        chosen: chosen.clone(),
        target: target.to_path_buf(),
        text: None,
        keys: None,
    };
    let sources = KeySources::load().map_err(Fail::Usage)?;
    match document::encrypt(&job, &sources, &SopsOptions::default()) {
        Ok(Outcome::Encrypted { text, keys }) => {
            errln!(
                "encrypted {} for {}",
                chosen.join(", "),
                escape_control(&keys.describe())
            );
            Ok((Secret::new(text), true))
        }
        Ok(Outcome::NeedKeys(found)) => {
            let list: Vec<String> = found
                .iter()
                .map(|c| format!("{} ({})", c.recipient, c.source))
                .collect();
            Err(Fail::Refused(format!(
                "the config holds secrets ({}) and no sops key is configured for {}: add a .sops.yaml creation rule, or list keys under `sops:` in flowspec's settings (age recipients found here: {})",
                chosen.join(", "),
                target.display(),
                list.join(", ")
            )))
        }
        Err(e) => Err(Fail::Refused(format!("encrypting the config: {e}"))),
    }
}

/// The new task as the connector operations take it: its name, endpoint and plaintext config
/// (a new task has no catalog entry yet: `id` is a placeholder the operations do not read).
fn task(base: &Base, kind: Kind) -> Task {
    let endpoint = match &base.connector {
        Connector::Image(image) => TaskEndpoint::Image {
            image: image.clone(),
        },
        Connector::Local { command, protocol } => TaskEndpoint::Local {
            command: command.clone(),
            env: Vec::new(),
            protobuf: *protocol == crate::connector::run::Protocol::FlowProto,
        },
    };
    Task {
        name: base.name.clone(),
        id: EntityId { file: 0, index: 0 },
        task: kind.task_type(),
        endpoint,
        config: base.config.clone(),
        config_source: ConfigSource::None,
    }
}
