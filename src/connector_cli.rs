//! The headless connector commands `spec`, `discover` and `validate`: results on stdout,
//! connector logs and errors on stderr, a non-zero exit status on failure. They drive the
//! same `connector` domain code as the TUI. What a connector, a catalog or a schema says is
//! escaped before it is printed (`text::escape_control`; JSON keeps valid escapes).

use std::io::Write;
use std::path::Path;

use serde_json::Value;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio_util::sync::CancellationToken;

use crate::catalog::{self, EntityKind};
use crate::cli::{
    ConnectorCommand, DiscoverArgs, ProtocolArg, PullArg, RunArgs, SpecArgs, TaskKindArg,
    TemplateArgs, ValidateArgs,
};
use crate::connector::cache::SpecCache;
use crate::connector::ops;
use crate::connector::protocol::{Operation, Reply, TaskType};
use crate::connector::run::{
    self, Call, DockerOptions, Protocol, PullPolicy, RunOptions, Transport,
};
use crate::connector::task::{self, TaskError};
use crate::connector::{demo, ConnectorError, LogLevel, RunEvent};
use crate::text::{escape_control, escape_json_controls};
use crate::{errln, out};

/// Exit status when the connector failed.
pub const EXIT_CONNECTOR: i32 = 1;
/// Exit status when the command line or the catalog is wrong (nothing was run).
pub const EXIT_USAGE: i32 = 2;
/// Exit status after Ctrl-C.
pub const EXIT_CANCELLED: i32 = 130;

/// A failure of a connector command, with the exit status it maps to.
enum Failure {
    Usage(String),
    Connector(ConnectorError),
}

impl From<TaskError> for Failure {
    fn from(e: TaskError) -> Self {
        Failure::Usage(e.0)
    }
}

impl From<ConnectorError> for Failure {
    fn from(e: ConnectorError) -> Self {
        Failure::Connector(e)
    }
}

fn finish(r: Result<(), Failure>) -> i32 {
    match r {
        Ok(()) => 0,
        Err(Failure::Usage(m)) => {
            errln!("error: {m}");
            EXIT_USAGE
        }
        Err(Failure::Connector(ConnectorError::Cancelled)) => {
            errln!("cancelled; the connector was stopped");
            EXIT_CANCELLED
        }
        Err(Failure::Connector(e)) => {
            errln!("error: {e}");
            EXIT_CONNECTOR
        }
    }
}

/// `flowspec connector ...`: the built-in demo connectors.
pub fn run_connector(cmd: ConnectorCommand) -> i32 {
    match cmd {
        ConnectorCommand::DemoCapture { protobuf } => demo::main(TaskType::Capture, protobuf),
        ConnectorCommand::DemoMaterialize { protobuf } => {
            demo::main(TaskType::Materialize, protobuf)
        }
    }
}

fn protocol_arg(p: ProtocolArg) -> Protocol {
    match p {
        ProtocolArg::FlowJson => Protocol::FlowJson,
        ProtocolArg::FlowProto => Protocol::FlowProto,
        ProtocolArg::Airbyte => Protocol::Airbyte,
    }
}

fn docker_options(args: &RunArgs) -> DockerOptions {
    DockerOptions {
        network: args.network.clone(),
        pull: match args.pull {
            PullArg::Missing => PullPolicy::Missing,
            PullArg::Always => PullPolicy::Always,
            PullArg::Never => PullPolicy::Never,
        },
        ..DockerOptions::default()
    }
}

fn run_options(args: &RunArgs, op: Operation) -> RunOptions {
    let mut opts = RunOptions::for_operation(op);
    if let Some(t) = args.timeout {
        opts.timeout = t;
    }
    opts
}

/// What to run and how, resolved from the command line and catalog.
struct Target {
    label: String,
    transport: Transport,
    protocol: Protocol,
    task: TaskType,
    /// The image's digest, once inspected (keys the spec cache).
    digest: Option<String>,
}

/// The protocol of a transport: the flag, else the endpoint's, else the image's labels. Images
/// are pulled here (per `--pull`, progress on stderr, Ctrl-C cancels) and inspected once, so
/// the run that follows does not pull again; their digest comes back for the spec cache.
async fn resolve_protocol(
    transport: &mut Transport,
    flag: Option<ProtocolArg>,
    local_default: Option<Protocol>,
    kind: Option<TaskType>,
) -> Result<(Protocol, Option<TaskType>, Option<String>), ConnectorError> {
    let console = Console::start(false);
    let local = matches!(transport, Transport::Local { .. });
    let prepared = ops::prepare(
        transport.clone(),
        flag.map(protocol_arg),
        local_default,
        kind,
        &console.tx,
        &console.cancel,
    )
    .await;
    console.finish().await;
    let prepared = prepared?;
    *transport = prepared.transport;
    let task = if local { kind } else { Some(prepared.task) };
    Ok((prepared.protocol, task, prepared.digest))
}

/// While a connector works: its events printed on stderr, and Ctrl-C cancelling it (which
/// kills the connector and removes its container).
struct Console {
    tx: tokio::sync::mpsc::UnboundedSender<RunEvent>,
    cancel: CancellationToken,
    printer: tokio::task::JoinHandle<()>,
    signal: tokio::task::JoinHandle<()>,
}

impl Console {
    fn start(quiet: bool) -> Self {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let printer = tokio::spawn(print_events(rx, quiet));
        let cancel = CancellationToken::new();
        let on_signal = cancel.clone();
        let signal = tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_signal.cancel();
            }
        });
        Console {
            tx,
            cancel,
            printer,
            signal,
        }
    }

    /// Stops listening for Ctrl-C and waits until every event has been printed.
    async fn finish(self) {
        self.signal.abort();
        drop(self.tx);
        let _ = self.printer.await;
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts")
}

/// Prints connector log lines on stderr while it runs.
async fn print_events(mut rx: UnboundedReceiver<RunEvent>, quiet: bool) {
    while let Some(event) = rx.recv().await {
        if quiet {
            continue;
        }
        if let RunEvent::Pull(p) = &event {
            errln!(
                "pulling: {}/{} layers, {:.1}/{:.1} MB {}",
                p.layers_done,
                p.layers,
                p.current as f64 / 1e6,
                p.total as f64 / 1e6,
                escape_control(&p.status)
            );
            continue;
        }
        if let RunEvent::Log(l) = event {
            if l.level >= LogLevel::Info {
                let level = match l.level {
                    LogLevel::Error => "error",
                    LogLevel::Warn => "warn",
                    _ => "info",
                };
                errln!("connector {level}: {}", escape_control(&l.message));
            }
        }
    }
}

/// Runs `call` with logs printed and Ctrl-C cancelling (which kills the connector).
async fn execute(
    target: &Target,
    call: &Call,
    opts: &RunOptions,
    quiet: bool,
) -> Result<Reply, ConnectorError> {
    let console = Console::start(quiet);
    let reply = run::run(
        &target.transport,
        target.protocol,
        call,
        opts,
        console.tx.clone(),
        console.cancel.clone(),
    )
    .await;
    console.finish().await;
    reply
}

fn load_catalog(path: &Path) -> Result<catalog::Catalog, Failure> {
    catalog::load(path, &mut |_| {}).map_err(|e| Failure::Usage(e.to_string()))
}

/// A catalog task's target, config and (for validate) bindings.
async fn catalog_target(
    cat: &catalog::Catalog,
    name: Option<&str>,
    want: Option<EntityKind>,
    args: &RunArgs,
) -> Result<(Target, task::Task), Failure> {
    let (id, _) = task::find_task(cat, name, want)?;
    let t = task::load_task(cat, id)?;
    let mut transport = t.transport(docker_options(args));
    let (protocol, _, digest) = resolve_protocol(
        &mut transport,
        args.protocol,
        t.local_protocol(),
        Some(t.task),
    )
    .await?;
    Ok((
        Target {
            label: t.name.clone(),
            transport,
            protocol,
            task: t.task,
            digest,
        },
        t,
    ))
}

/// `flowspec spec`.
pub fn run_spec(args: SpecArgs) -> i32 {
    finish(runtime().block_on(spec(args)))
}

async fn spec(args: SpecArgs) -> Result<(), Failure> {
    let kind = args.kind.map(|k| match k {
        TaskKindArg::Capture => TaskType::Capture,
        TaskKindArg::Materialization => TaskType::Materialize,
    });
    let target = if args.local {
        if args.command.is_empty() {
            return Err(Failure::Usage(
                "--local needs the connector command after `--`, e.g. `flowspec spec --local -- ./my-connector`".into(),
            ));
        }
        let mut transport = Transport::Local {
            command: args.command.clone(),
            env: Vec::new(),
        };
        let (protocol, _, _) =
            resolve_protocol(&mut transport, args.run.protocol, None, kind).await?;
        Target {
            label: format!("local: {}", args.command.join(" ")),
            transport,
            protocol,
            task: kind.unwrap_or(TaskType::Capture),
            digest: None,
        }
    } else if let Some(name) = &args.task {
        let path = args.target.clone().unwrap_or_else(|| "flow.yaml".into());
        let cat = load_catalog(Path::new(&path))?;
        catalog_target(&cat, Some(name), None, &args.run).await?.0
    } else {
        let Some(image) = args.target.clone() else {
            return Err(Failure::Usage(
                "name an image (`flowspec spec IMAGE:TAG`), a task (`--task NAME [PATH]`) or a local command (`--local -- CMD`)".into(),
            ));
        };
        if !args.command.is_empty() {
            return Err(Failure::Usage("a command after `--` needs --local".into()));
        }
        if !image.contains(':') && !image.contains("@sha256:") {
            return Err(ConnectorError::NoTag(image).into());
        }
        let mut transport = Transport::Docker {
            image: image.clone(),
            options: docker_options(&args.run),
        };
        let (protocol, task, digest) =
            resolve_protocol(&mut transport, args.run.protocol, None, kind).await?;
        Target {
            label: image.clone(),
            task: task.unwrap_or_else(|| run::task_type_of_image(&image, &Default::default())),
            transport,
            protocol,
            digest,
        }
    };
    let opts = run_options(&args.run, Operation::Spec);
    let cache = SpecCache::user();
    let prepared = ops::Prepared {
        transport: target.transport.clone(),
        protocol: target.protocol,
        task: target.task,
        digest: target.digest.clone(),
    };
    let console = Console::start(args.run.quiet);
    let result = ops::spec(
        &prepared,
        (!args.run.no_cache).then_some(&cache),
        &opts,
        console.tx.clone(),
        console.cancel.clone(),
    )
    .await;
    console.finish().await;
    let (spec, cached) = result?;
    if cached {
        tracing::info!(target = %target.label, "spec cache hit");
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        let json = pretty(&Reply::Spec(spec).to_json());
        let _ = writeln!(out, "{}", escape_json_controls(&json));
        return Ok(());
    }
    let _ = writeln!(
        out,
        "{}  ({} {}, {})",
        escape_control(&target.label),
        target.task.label(),
        match target.transport {
            Transport::Local { .. } => "local",
            Transport::Docker { .. } => "image",
        },
        target.protocol.label()
    );
    let _ = writeln!(out, "protocol        {}", spec.protocol);
    if !spec.documentation_url.is_empty() {
        let _ = writeln!(
            out,
            "documentation   {}",
            escape_control(&spec.documentation_url)
        );
    }
    if !spec.resource_path_pointers.is_empty() {
        let _ = writeln!(
            out,
            "resource path   {}",
            escape_control(&spec.resource_path_pointers.join(" "))
        );
    }
    if spec.oauth2.is_some() {
        let _ = writeln!(out, "oauth2          yes");
    }
    for (title, raw) in [
        ("endpoint config", &spec.config_schema),
        ("resource config", &spec.resource_config_schema),
    ] {
        let schema: Value = serde_json::from_str(raw.get()).unwrap_or(Value::Null);
        let _ = writeln!(out, "\n{title}:");
        for line in describe_fields(&schema) {
            let _ = writeln!(out, "  {}", escape_control(&line));
        }
    }
    Ok(())
}

/// `flowspec config template`: the YAML stub of a config, from a schema file or an image's
/// (cached) spec.
pub fn run_config_template(args: TemplateArgs) -> i32 {
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
pub fn config_schema(args: &TemplateArgs) -> Result<Value, i32> {
    let doc = match (&args.schema, &args.image) {
        (Some(path), _) => match schema_file(path) {
            Ok(v) => v,
            Err(e) => {
                errln!("{e}");
                return Err(EXIT_USAGE);
            }
        },
        (None, Some(image)) => match runtime().block_on(image_spec(image, &args.run)) {
            Ok(spec) => serde_json::to_value(&spec).unwrap_or(Value::Null),
            Err(f) => return Err(finish(Err(f))),
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
fn schema_file(path: &std::path::Path) -> Result<Value, String> {
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

async fn image_spec(
    image: &str,
    run_args: &RunArgs,
) -> Result<crate::connector::protocol::SpecResponse, Failure> {
    if !image.contains(':') && !image.contains("@sha256:") {
        return Err(ConnectorError::NoTag(image.to_string()).into());
    }
    let mut transport = Transport::Docker {
        image: image.to_string(),
        options: docker_options(run_args),
    };
    let (protocol, task, digest) =
        resolve_protocol(&mut transport, run_args.protocol, None, None).await?;
    let prepared = ops::Prepared {
        task: task.unwrap_or_else(|| run::task_type_of_image(image, &Default::default())),
        transport,
        protocol,
        digest,
    };
    let cache = SpecCache::user();
    let console = Console::start(run_args.quiet);
    let result = ops::spec(
        &prepared,
        (!run_args.no_cache).then_some(&cache),
        &run_options(run_args, Operation::Spec),
        console.tx.clone(),
        console.cancel.clone(),
    )
    .await;
    console.finish().await;
    Ok(result?.0)
}

fn pretty(json: &str) -> String {
    serde_json::from_str::<Value>(json)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| json.to_string())
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

/// `flowspec discover`.
pub fn run_discover(args: DiscoverArgs) -> i32 {
    finish(runtime().block_on(discover(args)))
}

async fn discover(args: DiscoverArgs) -> Result<(), Failure> {
    let cat = load_catalog(&args.path)?;
    let (target, t) = catalog_target(
        &cat,
        args.task.as_deref(),
        Some(EntityKind::Capture),
        &args.run,
    )
    .await?;
    let call = Call::discover(run::prepare_config(t.config)?);
    let opts = run_options(&args.run, Operation::Discover);
    let Reply::Discovered(d) = execute(&target, &call, &opts, args.run.quiet).await? else {
        unreachable!("a discover call answers with discovered bindings");
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.emit_raw {
        for b in &d.bindings {
            let json = serde_json::to_string(b).expect("serializes");
            let _ = writeln!(out, "{}", escape_json_controls(&json));
        }
    } else {
        let rows: Vec<[String; 3]> = d
            .bindings
            .iter()
            .map(|b| {
                let name = if b.disable {
                    format!("{} (disabled)", b.recommended_name)
                } else {
                    b.recommended_name.clone()
                };
                [name, b.key.join(" "), b.resource_config.get().to_string()]
            })
            .collect();
        write_table(&mut out, ["NAME", "KEY", "RESOURCE"], &rows);
    }
    let _ = out.flush();
    errln!(
        "{} binding{} discovered by {}",
        d.bindings.len(),
        if d.bindings.len() == 1 { "" } else { "s" },
        escape_control(&target.label)
    );
    Ok(())
}

/// Writes aligned columns. Every cell is data (names, keys, JSON from a connector): each is
/// escaped, and the columns are sized by what is shown.
fn write_table<const N: usize>(out: &mut impl Write, header: [&str; N], rows: &[[String; N]]) {
    let rows: Vec<[String; N]> = rows
        .iter()
        .map(|r| r.clone().map(|c| escape_control(&c).into_owned()))
        .collect();
    let rows = rows.as_slice();
    let mut widths = header.map(str::len);
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count()).min(60);
        }
    }
    let line = |out: &mut dyn Write, cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == N {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:w$}  ", w = widths[i]));
            }
        }
        let _ = writeln!(out, "{}", s.trim_end());
    };
    line(out, header.to_vec());
    for r in rows {
        line(out, r.iter().map(String::as_str).collect());
    }
}

/// `flowspec validate`.
pub fn run_validate(args: ValidateArgs) -> i32 {
    finish(runtime().block_on(validate(args)))
}

async fn validate(args: ValidateArgs) -> Result<(), Failure> {
    let cat = load_catalog(&args.path)?;
    let (target, t) = catalog_target(&cat, args.task.as_deref(), None, &args.run).await?;
    let bindings = task::validate_bindings(&cat, &t)?;
    let collections: Vec<String> = bindings.iter().map(|b| b.collection.name.clone()).collect();
    let call = Call::validate(
        t.task,
        t.name.clone(),
        run::prepare_config(t.config)?,
        bindings,
    );
    let opts = run_options(&args.run, Operation::Validate);
    let reply = execute(&target, &call, &opts, args.run.quiet).await?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let json = pretty(&reply.to_json());
        let _ = writeln!(out, "{}", escape_json_controls(&json));
    } else {
        let Reply::Validated(v) = &reply else {
            unreachable!("a validate call answers with validated bindings");
        };
        let rows: Vec<[String; 4]> = v
            .bindings
            .iter()
            .zip(&collections)
            .enumerate()
            .map(|(i, (b, c))| {
                let required = b
                    .constraints
                    .values()
                    .filter(|c| c.kind.ends_with("_REQUIRED"))
                    .count();
                let constraints = if b.constraints.is_empty() {
                    String::new()
                } else {
                    format!(
                        "{} fields: {required} required, {} optional{}",
                        b.constraints.len(),
                        b.constraints.len() - required,
                        if b.delta_updates {
                            ", delta updates"
                        } else {
                            ""
                        }
                    )
                };
                [
                    (i + 1).to_string(),
                    c.clone(),
                    b.resource_path.join("/"),
                    constraints,
                ]
            })
            .collect();
        write_table(
            &mut out,
            ["#", "COLLECTION", "RESOURCE PATH", "CONSTRAINTS"],
            &rows,
        );
    }
    errln!(
        "{} validated {} binding{}",
        escape_control(&target.label),
        collections.len(),
        if collections.len() == 1 { "" } else { "s" }
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn tables_align() {
        let mut out = Vec::new();
        write_table(
            &mut out,
            ["A", "BB", "C"],
            &[["xyz".into(), "1".into(), "last".into()]],
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "A    BB  C\nxyz  1   last\n"
        );
    }

    #[test]
    fn table_cells_are_escaped_and_sized_as_shown() {
        let mut out = Vec::new();
        write_table(
            &mut out,
            ["NAME", "KEY"],
            &[["a\x1b[2Jb".into(), "/id\u{202e}\n".into()]],
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "NAME         KEY\na\\u{1b}[2Jb  /id\\u{202e}\\u{a}\n"
        );
    }
}
