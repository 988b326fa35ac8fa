//! `flowspec encrypt FILE (--task NAME [PATH] | --schema FILE.json) [--age RECIPIENT]...
//! [--field POINTER]... [--dry-run]`: encrypts a config file in place with sops, the way the
//! editor does — every location the connector's schema marks secret (plus each `--field`)
//! renamed `k_sops` and encrypted, everything else readable, comments kept on plaintext lines
//! where sops keeps them. Keys: `--age`, else a matching `.sops.yaml` rule, else the `sops:`
//! section of flowspec's settings. An already encrypted file is refused.
//!
//! Exit status: 0 encrypted (or nothing to encrypt, or `--dry-run`), 1 sops failed or refused,
//! 2 the command line or a file is wrong. The file is unchanged unless it succeeded.

use std::path::{Path, PathBuf};

use clap::Args as ClapArgs;
use serde_json::Value;

use super::runner::{self, Failure, RunArgs, EXIT_USAGE};
use crate::connector::cache::SpecCache;
use crate::connector::ops;
use crate::connector::protocol::Operation;
use crate::connector::target::{resolve_task, Target, TaskRef};
use crate::save::{self, PlannedWrite, Protected};
use crate::secrets::Secret;
use crate::sops::document::{self, Job, KeySources, Outcome};
use crate::sops::keys::{self, KeyGroup, KeyOrigin, Keys};
use crate::sops::{plaintext, Format, SopsOptions};
use crate::text::escape_control;
use crate::{errln, outln};

/// Exit status when sops failed or the file was refused.
pub const EXIT_REFUSED: i32 = 1;

#[derive(Debug, Clone, ClapArgs)]
pub struct Args {
    /// The config file to encrypt in place (YAML or JSON).
    pub file: PathBuf,
    /// With --task: the catalog (default flow.yaml).
    pub path: Option<PathBuf>,
    /// The capture or materialization whose connector's spec says which fields are secret.
    #[arg(long, conflicts_with = "schema", required_unless_present = "schema")]
    pub task: Option<String>,
    /// A JSON Schema file, or a spec response holding one, saying which fields are secret.
    #[arg(long)]
    pub schema: Option<PathBuf>,
    /// Encrypt for this age recipient (repeatable) instead of the keys `.sops.yaml` or the
    /// settings name.
    #[arg(long = "age", value_name = "RECIPIENT")]
    pub age: Vec<String>,
    /// Also encrypt the value at this JSON pointer (repeatable), e.g. `/tunnel/user`.
    #[arg(long = "field", value_name = "POINTER")]
    pub fields: Vec<String>,
    /// Say what would be encrypted, and with which keys, without running sops or writing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub run: RunArgs,
}

/// Runs `encrypt`; returns the exit status.
pub fn run(args: Args) -> i32 {
    match encrypt(&args) {
        Ok(()) => 0,
        Err((code, message)) => {
            errln!("error: {}", escape_control(&message));
            code
        }
    }
}

type Fail = (i32, String);

fn usage(m: impl Into<String>) -> Fail {
    (EXIT_USAGE, m.into())
}

fn encrypt(args: &Args) -> Result<(), Fail> {
    let file = crate::catalog::load::absolute(&args.file);
    let shown = args.file.display().to_string();
    let text = crate::catalog::read::text(&file).map_err(|e| usage(format!("{shown}: {e}")))?;
    let root = crate::yaml::parse(&text).map_err(|e| {
        usage(format!(
            "{shown}:{}:{}: not YAML or JSON: {}",
            e.line, e.col, e.message
        ))
    })?;
    let config = root.to_json();
    if !config.is_object() {
        return Err(usage(format!(
            "{shown}: a config is a mapping of keys to values"
        )));
    }
    if crate::sops::is_encrypted(&config) {
        return Err((
            EXIT_REFUSED,
            format!("{shown} is already sops-encrypted (it has a top-level `sops` key); edit it in flowspec (`e` on its task) or with `sops {shown}`, which keep it encrypted"),
        ));
    }
    let schema = schema(args)?;
    let mut chosen = plaintext::plaintext_secrets(crate::form::config_schema_of(&schema), &config);
    for f in &args.fields {
        if config.pointer(f).is_none() {
            return Err(usage(format!("--field {f}: {shown} has no value there (a JSON pointer such as /credentials/password)")));
        }
        chosen.push(f.clone());
    }
    let chosen = crate::sops::mark::encryptable(&config, chosen);
    if chosen.is_empty() {
        outln!("{}: nothing to encrypt (no secret field holds a value; add --field POINTER to choose one)", escape_control(&shown));
        return Ok(());
    }
    let sources = KeySources::load().map_err(usage)?;
    let given = (!args.age.is_empty()).then(|| Keys::Group {
        group: KeyGroup::age(args.age.iter().cloned()),
        origin: KeyOrigin::CommandLine,
    });
    let fields = chosen.join(", ");
    if args.dry_run {
        let keys = match &given {
            Some(k) => Some(k.clone()),
            None => {
                keys::find(&file, &sources.settings).map_err(|e| (EXIT_REFUSED, e.to_string()))?
            }
        };
        let keys = keys.map_or_else(|| "no key configured yet".to_string(), |k| k.describe());
        outln!(
            "{}: would encrypt {fields} for {}",
            escape_control(&shown),
            escape_control(&keys)
        );
        return Ok(());
    }
    let job = Job {
        config: Secret::new(config),
        chosen: chosen.clone(),
        target: file.clone(),
        text: (Format::of_path(&file) == Format::Yaml).then(|| Secret::new(text.clone())),
        keys: given,
    };
    let (encrypted, keys) = match document::encrypt(&job, &sources, &SopsOptions::default()) {
        Ok(Outcome::Encrypted { text, keys }) => (text, keys),
        Ok(Outcome::NeedKeys(found)) => {
            let list: Vec<String> = found
                .iter()
                .map(|c| format!("{} ({})", c.recipient, c.source))
                .collect();
            return Err((
                EXIT_REFUSED,
                format!(
                    "no sops key is configured for {shown}: pass --age RECIPIENT (found here: {}), add a .sops.yaml creation rule, or list keys under `sops:` in flowspec's settings; nothing was written",
                    list.join(", ")
                ),
            ));
        }
        Err(e) => return Err((EXIT_REFUSED, format!("{shown}: {e}; nothing was written"))),
    };
    write(&file, &shown, &text, &encrypted)?;
    outln!(
        "encrypted {fields} in {} for {}",
        escape_control(&shown),
        escape_control(&keys.describe())
    );
    Ok(())
}

/// Replaces the file, if it still holds `old`, keeping its mode (see [`save::write_planned`]).
fn write(file: &Path, shown: &str, old: &str, new: &str) -> Result<(), Fail> {
    let w = PlannedWrite {
        file: 0,
        path: file.to_path_buf(),
        display: shown.to_string(),
        expected: old.to_string(),
        new_text: new.into(),
        diff: String::new(),
    };
    let outcome = save::write_planned(&[w], Protected::Refuse);
    match outcome.failed {
        Some(f) => Err((EXIT_REFUSED, format!("{}; nothing was written", f.error))),
        None => Ok(()),
    }
}

/// The connector's config schema: from `--schema`, or the task's spec (cached, or asked).
fn schema(args: &Args) -> Result<Value, Fail> {
    if let Some(path) = &args.schema {
        return super::config_template::schema_file(path).map_err(usage);
    }
    let name = args.task.as_deref().unwrap_or_default();
    let path = args
        .path
        .clone()
        .unwrap_or_else(|| PathBuf::from("flow.yaml"));
    let result: Result<Value, Failure> = runner::runtime().block_on(async {
        let cat = runner::load_catalog(&path)?;
        let job = resolve_task(&cat, TaskRef::Name(Some(name)), Operation::Spec)?;
        let target = Target::task(&job.task, args.run.docker()).with_protocol(args.run.protocol());
        let prepared = runner::prepare(&target).await?;
        let cache = SpecCache::user();
        let console = runner::Console::start(args.run.quiet);
        let result = ops::spec(
            &prepared,
            (!args.run.no_cache).then_some(&cache),
            &args.run.options(Operation::Spec),
            console.tx.clone(),
            console.cancel.clone(),
        )
        .await;
        console.finish().await;
        Ok(serde_json::to_value(&result?.0).unwrap_or(Value::Null))
    });
    match result {
        Ok(v) => Ok(v),
        Err(f) => Err((
            runner::finish(Err(f)),
            "the connector's spec is needed to know which fields are secret".into(),
        )),
    }
}
