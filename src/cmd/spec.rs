//! `flowspec spec`: asks a connector for its spec — the JSON schemas of its endpoint and
//! resource configs, its documentation URL, resource path pointers — and summarises it, or
//! prints the response with `--json`. The connector is an image, a task of a catalog, or a
//! local command; answers come from the spec cache when it can (`--no-cache` asks again).

use clap::Args as ClapArgs;
use serde_json::Value;

use super::output::{pretty, print_lines};
use super::runner::{self, Failure, RunArgs, TaskKindArg};
use crate::connector::cache::SpecCache;
use crate::connector::ops;
use crate::connector::protocol::{Operation, Reply, SpecResponse, PROTOCOL_VERSION};
use crate::connector::run::{Protocol, Transport};
use crate::connector::target::{resolve_task, Target, TaskRef};
use crate::outln;
use crate::text::{escape_control, escape_json_controls};

#[derive(Debug, Clone, ClapArgs)]
pub struct Args {
    /// A connector image (NAME:TAG), or with --task the catalog (default flow.yaml).
    pub target: Option<String>,
    /// The capture or materialization whose connector to ask.
    #[arg(long, conflicts_with = "local")]
    pub task: Option<String>,
    /// Run the command given after `--` as a local connector.
    #[arg(long)]
    pub local: bool,
    /// Whether an image or local command is a capture or a materialization (default: the
    /// image's label or name, or capture).
    #[arg(long, value_enum)]
    pub kind: Option<TaskKindArg>,
    /// Print the spec response as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub run: RunArgs,
    /// With --local: the connector command and its arguments.
    #[arg(last = true)]
    pub command: Vec<String>,
}

/// Runs `spec`; returns the exit status.
pub fn run(args: Args) -> i32 {
    runner::finish(runner::runtime().block_on(spec(args)))
}

/// What the command line names, as a [`Target`]; nothing runs yet.
fn target(args: &Args) -> Result<Target, Failure> {
    let kind = args.kind.map(Into::into);
    let target = if args.local {
        if args.command.is_empty() {
            return Err(Failure::Usage(
                "--local needs the connector command after `--`, e.g. `flowspec spec --local -- ./my-connector`".into(),
            ));
        }
        Target::local(args.command.clone(), kind)?
    } else if let Some(name) = &args.task {
        let path = args.target.as_deref().unwrap_or("flow.yaml");
        let cat = runner::load_catalog(std::path::Path::new(path))?;
        let job = resolve_task(&cat, TaskRef::Name(Some(name)), Operation::Spec)?;
        Target::task(&job.task, args.run.docker())
    } else {
        let Some(image) = &args.target else {
            return Err(Failure::Usage(
                "name an image (`flowspec spec IMAGE:TAG`), a task (`--task NAME [PATH]`) or a local command (`--local -- CMD`)".into(),
            ));
        };
        if !args.command.is_empty() {
            return Err(Failure::Usage("a command after `--` needs --local".into()));
        }
        Target::image(image, kind, args.run.docker())?
    };
    Ok(target.with_protocol(args.run.protocol()))
}

async fn spec(args: Args) -> Result<(), Failure> {
    let target = target(&args)?;
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
    let (spec, cached) = result?;
    if cached {
        tracing::info!(target = %target.label, "spec cache hit");
    }
    if args.json {
        let json = pretty(&Reply::Spec(spec).to_json());
        outln!("{}", escape_json_controls(&json));
        return Ok(());
    }
    outln!(
        "{}  ({} {}, {})",
        escape_control(&target.label),
        prepared.task.label(),
        match prepared.transport {
            Transport::Local { .. } => "local",
            Transport::Docker { .. } => "image",
        },
        prepared.protocol.label()
    );
    print_lines(&summary(&spec, prepared.protocol));
    Ok(())
}

/// The readable form of a spec: protocol, documentation, resource path, OAuth, and the
/// fields of both config schemas. Every string from the connector is escaped.
fn summary(spec: &SpecResponse, wire: Protocol) -> Vec<String> {
    let mut lines = vec![format!(
        "protocol        {}",
        protocol_meaning(spec.protocol, wire)
    )];
    if !spec.documentation_url.is_empty() {
        lines.push(format!(
            "documentation   {}",
            escape_control(&spec.documentation_url)
        ));
    }
    if !spec.resource_path_pointers.is_empty() {
        lines.push(format!(
            "resource path   {}",
            escape_control(&spec.resource_path_pointers.join(" "))
        ));
    }
    if spec.oauth2.is_some() {
        lines.push("oauth2          yes".into());
    }
    for (title, raw) in [
        ("endpoint config", &spec.config_schema),
        ("resource config", &spec.resource_config_schema),
    ] {
        let schema: Value = serde_json::from_str(raw.get()).unwrap_or(Value::Null);
        lines.push(String::new());
        lines.push(format!("{title}:"));
        for line in describe_fields(&schema) {
            lines.push(format!("  {}", escape_control(&line)));
        }
    }
    lines
}

/// What the spec's `protocol` number means, and how the connector is spoken to: a person
/// reading `3032023` alone learns nothing.
fn protocol_meaning(number: u32, wire: Protocol) -> String {
    let version = if number == PROTOCOL_VERSION {
        format!("Flow connector protocol {number} (the version Flow requires)")
    } else {
        format!("protocol {number}, which Flow does not accept (it requires {PROTOCOL_VERSION})")
    };
    match wire {
        Protocol::FlowJson => format!("{version}, as JSON lines"),
        Protocol::FlowProto => format!("{version}, as length-prefixed protobuf"),
        Protocol::Airbyte => {
            format!("Airbyte protocol, translated to {version} as Estuary's airbyte-to-flow does")
        }
    }
}

/// One line per top-level property, in `order` then declaration order, with the annotations
/// a form would use.
fn describe_fields(schema: &Value) -> Vec<String> {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return vec!["(no properties)".into()];
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut fields: Vec<(&String, &Value)> = props.iter().collect();
    fields.sort_by_key(|(_, v)| v.get("order").and_then(Value::as_i64).unwrap_or(i64::MAX));
    let width = fields.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    fields
        .into_iter()
        .map(|(name, v)| {
            let ty = match v.get("type") {
                Some(Value::String(t)) => t.clone(),
                Some(Value::Array(ts)) => ts
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("|"),
                _ if v.get("oneOf").is_some() => "oneOf".into(),
                _ => "any".into(),
            };
            let mut flags = Vec::new();
            if required.contains(&name.as_str()) {
                flags.push("required".to_string());
            }
            for flag in ["secret", "airbyte_secret", "multiline", "advanced"] {
                if v.get(flag).and_then(Value::as_bool) == Some(true) {
                    flags.push(flag.replace("airbyte_", ""));
                }
            }
            for (k, _) in v.as_object().into_iter().flatten() {
                if k.starts_with("x-") {
                    flags.push(k.clone());
                }
            }
            if let Some(d) = v.get("default") {
                flags.push(format!("default {d}"));
            }
            let title = v.get("title").and_then(Value::as_str).unwrap_or_default();
            format!("{name:width$}  {ty:8}  {title}  {}", flags.join(", "))
                .trim_end()
                .to_string()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connector::demo;

    #[test]
    fn field_descriptions_follow_order_and_show_annotations() {
        let lines = describe_fields(&demo::capture_config_schema());
        assert!(lines[0].starts_with("address "), "{lines:?}");
        let auth = lines.iter().find(|l| l.starts_with("auth")).unwrap();
        assert!(
            auth.contains("object") && auth.contains("required"),
            "{auth}"
        );
        let fail = lines.last().unwrap();
        assert!(fail.contains("default false"), "{fail}");
        let r = describe_fields(&demo::capture_resource_schema());
        assert!(r[0].contains("x-collection-name"), "{r:?}");
    }

    #[test]
    fn the_protocol_number_is_explained() {
        assert_eq!(
            protocol_meaning(3032023, Protocol::FlowProto),
            "Flow connector protocol 3032023 (the version Flow requires), as length-prefixed protobuf"
        );
        assert!(protocol_meaning(3032023, Protocol::FlowJson).ends_with("as JSON lines"));
        assert!(protocol_meaning(3032023, Protocol::Airbyte).starts_with("Airbyte protocol"));
        assert!(protocol_meaning(1, Protocol::FlowJson)
            .starts_with("protocol 1, which Flow does not accept (it requires 3032023)"));
    }
}
