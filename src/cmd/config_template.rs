//! `flowspec config template (--schema FILE | --image IMAGE) [--resource]`: prints a YAML stub
//! of a connector's endpoint (or resource) config: defaults filled in, a commented placeholder
//! for each required field without one. The schema comes from a file or from an image's spec
//! (through the spec cache, like `flowspec spec`).

use std::path::{Path, PathBuf};

use clap::Args as ClapArgs;
use serde_json::Value;

use super::runner::{self, Failure, RunArgs, EXIT_USAGE};
use crate::connector::cache::SpecCache;
use crate::connector::ops;
use crate::connector::protocol::{Operation, SpecResponse};
use crate::connector::target::Target;
use crate::{errln, out};

#[derive(Debug, Clone, ClapArgs)]
// `config edit` flattens these flags into its own `Args`: one clap group name only.
#[group(skip)]
pub struct Args {
    /// A JSON Schema file, or a spec response holding one (`configSchema`,
    /// `resourceConfigSchema`, Airbyte `connectionSpecification`).
    #[arg(long, conflicts_with = "image", required_unless_present = "image")]
    pub schema: Option<PathBuf>,
    /// A connector image (NAME:TAG) to ask for its spec (cached like `flowspec spec`).
    #[arg(long)]
    pub image: Option<String>,
    /// The resource (binding) config instead of the endpoint config.
    #[arg(long)]
    pub resource: bool,
    #[command(flatten)]
    pub run: RunArgs,
}

/// Runs `config template`; returns the exit status.
pub fn run(args: Args) -> i32 {
    match config_schema(&args) {
        Ok(schema) => {
            let form = crate::form::build(&schema);
            out!("{}", crate::form::template(&form));
            0
        }
        Err(code) => code,
    }
}

/// The endpoint (or, with `--resource`, resource) config schema named by `--schema` or
/// `--image`; on failure the error is printed and the exit status returned.
pub fn config_schema(args: &Args) -> Result<Value, i32> {
    let doc = match (&args.schema, &args.image) {
        (Some(path), _) => schema_file(path).map_err(|e| {
            errln!("{e}");
            EXIT_USAGE
        })?,
        (None, Some(image)) => match runner::runtime().block_on(image_spec(image, &args.run)) {
            Ok(spec) => serde_json::to_value(&spec).unwrap_or(Value::Null),
            Err(f) => return Err(runner::finish(Err(f))),
        },
        (None, None) => {
            errln!("error: give --schema FILE.json or --image IMAGE:TAG");
            return Err(EXIT_USAGE);
        }
    };
    // A connector's raw answer wraps the spec: `{"spec": {...}}`.
    let doc = match doc.get("spec") {
        Some(inner) if inner.get("configSchema").is_some() => inner.clone(),
        _ => doc,
    };
    Ok(if args.resource {
        ["resourceConfigSchema", "resource_config_schema_json"]
            .iter()
            .find_map(|k| doc.get(*k))
            .unwrap_or(&doc)
            .clone()
    } else {
        crate::form::config_schema_of(&doc).clone()
    })
}

/// The document in a `--schema` file, read like every file flowspec reads (bounded, regular
/// files only); a file that is not YAML or JSON is an error located in it.
pub fn schema_file(path: &Path) -> Result<Value, String> {
    use crate::catalog::read::{self, ReadError};
    let shown = path.display();
    let text = read::text(path).map_err(|e| match e {
        ReadError::NotUtf8 { line, col } => format!("{shown}:{line}:{col}: error: {e}"),
        e => format!("error: cannot read the schema {shown}: {e}"),
    })?;
    let root = crate::yaml::parse(&text).map_err(|e| {
        format!(
            "{shown}:{}:{}: error: the schema is not YAML or JSON: {}",
            e.line, e.col, e.message
        )
    })?;
    Ok(root.to_json())
}

/// An image's spec, from the cache when it has one (unless `--no-cache`).
async fn image_spec(image: &str, args: &RunArgs) -> Result<SpecResponse, Failure> {
    let target = Target::image(image, None, args.docker())?.with_protocol(args.protocol());
    let prepared = runner::prepare(&target).await?;
    let cache = SpecCache::user();
    let console = runner::Console::start(args.quiet);
    let result = ops::spec(
        &prepared,
        (!args.no_cache).then_some(&cache),
        &args.options(Operation::Spec),
        console.tx.clone(),
        console.cancel.clone(),
    )
    .await;
    console.finish().await;
    Ok(result?.0)
}
