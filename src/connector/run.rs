//! Running one operation against a connector, whatever carries it: builds the [`Invocation`]
//! for the protocol the connector speaks, hands it to a transport (a local command or a Docker
//! image), and turns the [`Exit`] into a typed [`Reply`] or a [`ConnectorError`] a person can
//! act on. Nothing here knows about terminals or the catalog.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::value::RawValue;
use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::codec::{self, Codec};
use super::protocol::{
    self as p, ConnectorType, DiscoverRequest, Operation, Reply, SpecRequest, TaskType,
    ValidateBinding, ValidateRequest,
};
use super::transport::{ConnectorError, Exit, Invocation, LogLevel, RunEvent};
use super::{airbyte, local, sops};
use crate::secrets::Secret;

/// Default time a Spec may take (Flow's connector timeouts are configurable; these are the
/// issue's defaults).
pub const SPEC_TIMEOUT: Duration = Duration::from_secs(2 * 60);
/// Default time a Discover or Validate may take.
pub const DISCOVER_VALIDATE_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// The language a connector speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// Newline-delimited proto3-JSON (`FLOW_RUNTIME_CODEC=json`, local without `protobuf`).
    FlowJson,
    /// Length-prefixed protobuf (images without the codec label, local with `protobuf: true`).
    FlowProto,
    /// An Airbyte source (`spec`/`discover`/`check` subcommands), adapted as airbyte-to-flow does.
    Airbyte,
}

impl Protocol {
    pub fn label(self) -> &'static str {
        match self {
            Protocol::FlowJson => "flow-json",
            Protocol::FlowProto => "flow-proto",
            Protocol::Airbyte => "airbyte",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Protocol::FlowJson, Protocol::FlowProto, Protocol::Airbyte]
            .into_iter()
            .find(|p| p.label() == s)
    }

    /// What Flow uses for a `local` endpoint: JSON unless `protobuf: true`.
    pub fn for_local(protobuf: bool) -> Self {
        if protobuf {
            Protocol::FlowProto
        } else {
            Protocol::FlowJson
        }
    }

    /// Reads an image's protocol from its labels (and env) as Flow's runtime does: the JSON
    /// codec only with `FLOW_RUNTIME_CODEC=json`, protobuf otherwise; an image carrying only
    /// Airbyte's own markers is a raw Airbyte connector.
    pub fn from_labels(labels: &BTreeMap<String, String>) -> Self {
        Protocol::from_image(labels, &[])
    }

    /// [`Protocol::from_labels`] with the image's environment, which also marks Airbyte images.
    pub fn from_image(labels: &BTreeMap<String, String>, env: &[String]) -> Self {
        match super::docker::ImageProtocol::detect(labels, env) {
            super::docker::ImageProtocol::FlowJson => Protocol::FlowJson,
            super::docker::ImageProtocol::FlowProto => Protocol::FlowProto,
            super::docker::ImageProtocol::Airbyte => Protocol::Airbyte,
        }
    }

    fn codec(self) -> Codec {
        match self {
            Protocol::FlowProto => Codec::Proto,
            Protocol::FlowJson | Protocol::Airbyte => Codec::Json,
        }
    }
}

/// The task type of an image: its `FLOW_RUNTIME_PROTOCOL` label, else Flow's fallback on the
/// name (`ghcr.io/estuary/materialize-*` materializes, everything else captures).
pub fn task_type_of_image(image: &str, labels: &BTreeMap<String, String>) -> TaskType {
    match labels.get("FLOW_RUNTIME_PROTOCOL").map(String::as_str) {
        Some("materialize") => TaskType::Materialize,
        Some("capture") => TaskType::Capture,
        _ if image.starts_with("ghcr.io/estuary/materialize-") => TaskType::Materialize,
        _ => TaskType::Capture,
    }
}

pub use super::docker::{DockerOptions, PullPolicy};

/// What carries the bytes to the connector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// A `local` endpoint: `command` run without a shell, with `env` added.
    Local {
        command: Vec<String>,
        env: Vec<(String, String)>,
    },
    /// A connector image.
    Docker {
        image: String,
        options: DockerOptions,
    },
}

impl Transport {
    /// What Flow sends as `connectorType`.
    pub fn connector_type(&self) -> ConnectorType {
        match self {
            Transport::Local { .. } => ConnectorType::Local,
            Transport::Docker { .. } => ConnectorType::Image,
        }
    }
}

/// One operation to run.
#[derive(Debug)]
pub struct Call {
    pub task: TaskType,
    pub op: Operation,
    /// The inner endpoint config, decrypted (see [`prepare_config`]); redacted in `Debug`.
    pub config: Secret<Box<RawValue>>,
    /// Validate only: the task name and its enabled bindings.
    pub name: String,
    pub bindings: Vec<ValidateBinding>,
}

impl Call {
    pub fn spec(task: TaskType, config: impl Into<Secret<Box<RawValue>>>) -> Self {
        Call {
            task,
            op: Operation::Spec,
            config: config.into(),
            name: String::new(),
            bindings: Vec::new(),
        }
    }

    pub fn discover(config: impl Into<Secret<Box<RawValue>>>) -> Self {
        Call {
            op: Operation::Discover,
            ..Call::spec(TaskType::Capture, config)
        }
    }

    pub fn validate(
        task: TaskType,
        name: String,
        config: impl Into<Secret<Box<RawValue>>>,
        bindings: Vec<ValidateBinding>,
    ) -> Self {
        Call {
            task,
            op: Operation::Validate,
            config: config.into(),
            name,
            bindings,
        }
    }
}

/// Limits and settings of one run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub timeout: Duration,
    /// Largest stdout accepted (and largest single message).
    pub max_output: usize,
    /// `LOG_LEVEL` given to the connector.
    pub log_level: String,
}

impl RunOptions {
    /// The defaults for `op`: 2 minutes for spec, 10 for discover and validate, 64 MiB output.
    pub fn for_operation(op: Operation) -> Self {
        RunOptions {
            timeout: match op {
                Operation::Spec => SPEC_TIMEOUT,
                _ => DISCOVER_VALIDATE_TIMEOUT,
            },
            max_output: codec::DEFAULT_MAX_MESSAGE,
            log_level: "info".into(),
        }
    }
}

/// The config a connector receives: sops-decrypted (a no-op for plain configs) and embedded
/// as raw JSON with its key order kept.
pub fn prepare_config(config: Value) -> Result<Secret<Box<RawValue>>, ConnectorError> {
    let plain = sops::decrypt_if_encrypted(config)?;
    Ok(Secret::new(p::raw_value(plain.expose())))
}

/// Builds the invocation for `call` in `protocol`. `env` is the endpoint's extra environment.
pub fn build_invocation(
    protocol: Protocol,
    connector_type: ConnectorType,
    call: &Call,
    env: &[(String, String)],
    opts: &RunOptions,
) -> Result<Invocation, ConnectorError> {
    let mut env = env.to_vec();
    env.retain(|(k, _)| k != "LOG_LEVEL");
    env.push(("LOG_LEVEL".into(), opts.log_level.clone()));
    let (args, stdin, files) = match protocol {
        Protocol::Airbyte => {
            if call.task != TaskType::Capture {
                return Err(ConnectorError::Start {
                    what: "an Airbyte connector".into(),
                    reason: "only Airbyte sources (captures) are supported".into(),
                });
            }
            let (args, files) = airbyte::invocation(call.op, call.config.expose());
            (args, Vec::new(), files)
        }
        Protocol::FlowJson | Protocol::FlowProto => {
            let request = request(connector_type, call)?;
            let stdin = p::encode_request(protocol.codec(), call.task, &request)?;
            (Vec::new(), stdin, Vec::new())
        }
    };
    Ok(Invocation {
        args,
        stdin,
        files,
        env,
        timeout: opts.timeout,
        max_output: opts.max_output,
    })
}

fn request(connector_type: ConnectorType, call: &Call) -> Result<p::Request, ConnectorError> {
    let config = call.config.expose().clone();
    Ok(match call.op {
        Operation::Spec => p::Request {
            spec: Some(SpecRequest {
                connector_type,
                config,
            }),
            ..Default::default()
        },
        Operation::Discover => {
            if call.task != TaskType::Capture {
                return Err(ConnectorError::Start {
                    what: "discover".into(),
                    reason: "only captures discover; materializations have no Discover".into(),
                });
            }
            p::Request {
                discover: Some(DiscoverRequest {
                    connector_type,
                    config,
                }),
                ..Default::default()
            }
        }
        Operation::Validate => p::Request {
            validate: Some(ValidateRequest {
                name: call.name.clone(),
                connector_type,
                config,
                bindings: call.bindings.clone(),
                last_version: String::new(),
            }),
            ..Default::default()
        },
    })
}

/// Turns a finished run into the reply to `call`. A non-zero exit is
/// [`ConnectorError::Exited`] with the connector's last error log line. Airbyte's stdout log
/// lines are returned so the caller can show them with the stderr ones.
pub fn decode_exit(
    protocol: Protocol,
    call: &Call,
    exit: &Exit,
    opts: &RunOptions,
) -> (Result<Reply, ConnectorError>, Vec<super::LogLine>) {
    if protocol == Protocol::Airbyte {
        let resources: Vec<&RawValue> = call.bindings.iter().map(|b| &*b.resource_config).collect();
        return airbyte::translate(call.op, exit, &resources);
    }
    if exit.code != Some(0) {
        let message = exit
            .last_error()
            .unwrap_or("it wrote no log line explaining why")
            .to_string();
        return (
            Err(match exit.code {
                Some(code) => ConnectorError::Exited { code, message },
                None => ConnectorError::Exited {
                    code: -1,
                    message: format!("killed by a signal; {message}"),
                },
            }),
            Vec::new(),
        );
    }
    let reply = p::decode_response(
        protocol.codec(),
        call.task,
        call.op,
        &exit.stdout,
        opts.max_output,
    )
    .and_then(|reply| {
        if let Reply::Validated(v) = &reply {
            p::check_validated(v, call.bindings.len())?;
        }
        Ok(reply)
    })
    .map_err(|e| with_last_error(e, exit));
    (reply, Vec::new())
}

/// A missing response usually comes with an explanation on stderr: add it.
fn with_last_error(e: ConnectorError, exit: &Exit) -> ConnectorError {
    match e {
        ConnectorError::Protocol { message, excerpt } if excerpt.is_empty() => {
            match exit.logs.iter().rev().find(|l| l.level >= LogLevel::Warn) {
                Some(l) => ConnectorError::Protocol {
                    message: format!("{message}; its last warning: {}", l.message),
                    excerpt,
                },
                None => ConnectorError::Protocol { message, excerpt },
            }
        }
        other => other,
    }
}

/// Runs `call` through `transport` in `protocol`: the whole round trip. Logs are streamed on
/// `events` (Airbyte's stdout logs once the command has finished); `cancel` stops the run.
pub async fn run(
    transport: &Transport,
    protocol: Protocol,
    call: &Call,
    opts: &RunOptions,
    events: UnboundedSender<RunEvent>,
    cancel: CancellationToken,
) -> Result<Reply, ConnectorError> {
    let env = match transport {
        Transport::Local { env, .. } => env.clone(),
        Transport::Docker { .. } => vec![("LOG_FORMAT".to_string(), "json".to_string())],
    };
    let inv = build_invocation(protocol, transport.connector_type(), call, &env, opts)?;
    let exit = match transport {
        Transport::Local { command, .. } => {
            local::invoke_local(command, inv, events.clone(), cancel).await?
        }
        Transport::Docker { image, options } => {
            invoke_docker(image, inv, events.clone(), cancel, options).await?
        }
    };
    let (reply, logs) = decode_exit(protocol, call, &exit, opts);
    for l in logs {
        let _ = events.send(RunEvent::Log(l));
    }
    reply
}

/// What flowspec needs to know about an image before talking to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageFacts {
    pub protocol: Protocol,
    pub task: TaskType,
    /// The image id, which keys the spec cache.
    pub digest: String,
    /// Everything the inspection said, for the run that follows.
    pub info: super::docker::ImageInfo,
}

/// Pulls `image` as `options.pull` says (progress on `events`, cancellable) and reads what it
/// speaks, which task type it is and its digest.
pub async fn image_facts(
    image: &str,
    options: &DockerOptions,
    events: &UnboundedSender<RunEvent>,
    cancel: &CancellationToken,
) -> Result<ImageFacts, ConnectorError> {
    let info = super::docker::prepare_image(image, options.pull, events, cancel).await?;
    Ok(ImageFacts {
        protocol: Protocol::from_image(&info.labels, &info.env),
        task: task_type_of_image(image, &info.labels),
        digest: info.digest.clone(),
        info,
    })
}

/// Runs an image through the Docker transport.
async fn invoke_docker(
    image: &str,
    inv: Invocation,
    events: UnboundedSender<RunEvent>,
    cancel: CancellationToken,
    opts: &DockerOptions,
) -> Result<Exit, ConnectorError> {
    super::docker::invoke_docker(image, inv, events, cancel, opts).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connector::logs::parse_line;
    use std::os::unix::fs::PermissionsExt;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn protocol_and_task_from_labels() {
        let json = labels(&[
            ("FLOW_RUNTIME_CODEC", "json"),
            ("FLOW_RUNTIME_PROTOCOL", "capture"),
        ]);
        assert_eq!(Protocol::from_labels(&json), Protocol::FlowJson);
        let go = labels(&[("FLOW_RUNTIME_PROTOCOL", "materialize")]);
        assert_eq!(Protocol::from_labels(&go), Protocol::FlowProto);
        assert_eq!(task_type_of_image("x:v1", &go), TaskType::Materialize);
        let ab = labels(&[("io.airbyte.name", "airbyte/source-faker")]);
        assert_eq!(Protocol::from_labels(&ab), Protocol::Airbyte);
        assert_eq!(Protocol::from_labels(&labels(&[])), Protocol::FlowProto);
        assert_eq!(
            task_type_of_image("ghcr.io/estuary/materialize-postgres:v1", &labels(&[])),
            TaskType::Materialize
        );
        assert_eq!(
            task_type_of_image("ghcr.io/estuary/source-postgres:v1", &labels(&[])),
            TaskType::Capture
        );
        assert_eq!(Protocol::parse("airbyte"), Some(Protocol::Airbyte));
        assert_eq!(Protocol::for_local(true), Protocol::FlowProto);
    }

    #[test]
    fn invocations_per_protocol() {
        let opts = RunOptions::for_operation(Operation::Discover);
        assert_eq!(opts.timeout, Duration::from_secs(600));
        assert_eq!(
            RunOptions::for_operation(Operation::Spec).timeout,
            Duration::from_secs(120)
        );
        let call = Call::discover(p::raw(r#"{"b":1,"a":2}"#));
        let env = vec![
            ("LOG_LEVEL".to_string(), "x".to_string()),
            ("K".into(), "v".into()),
        ];
        let inv =
            build_invocation(Protocol::FlowJson, ConnectorType::Local, &call, &env, &opts).unwrap();
        assert_eq!(
            inv.stdin,
            b"{\"discover\":{\"connectorType\":\"LOCAL\",\"config\":{\"b\":1,\"a\":2}}}\n"
        );
        assert!(inv.args.is_empty() && inv.files.is_empty());
        assert_eq!(
            inv.env,
            vec![
                ("K".to_string(), "v".to_string()),
                ("LOG_LEVEL".into(), "info".into())
            ]
        );
        let inv =
            build_invocation(Protocol::FlowProto, ConnectorType::Image, &call, &[], &opts).unwrap();
        assert_eq!(&inv.stdin[4..8], &[0x12, 0x11, 0x08, 7]);
        let inv =
            build_invocation(Protocol::Airbyte, ConnectorType::Local, &call, &[], &opts).unwrap();
        assert!(inv.stdin.is_empty());
        assert_eq!(inv.args[0], "discover");
        // The config reaches Airbyte only as a file.
        assert!(!inv.args.iter().any(|a| a.contains("\"b\"")));
        assert_eq!(inv.files[0].1, br#"{"b":1,"a":2}"#);
        let mat = Call::spec(TaskType::Materialize, p::raw("{}"));
        assert!(
            build_invocation(Protocol::Airbyte, ConnectorType::Local, &mat, &[], &opts).is_err()
        );
    }

    #[test]
    fn non_zero_exit_is_exited_with_the_last_error_line() {
        let call = Call::spec(TaskType::Capture, p::raw("{}"));
        let opts = RunOptions::for_operation(Operation::Spec);
        let exit = Exit {
            stdout: vec![],
            code: Some(1),
            logs: vec![
                parse_line(r#"{"level":"error","msg":"first"}"#),
                parse_line(r#"{"level":"error","msg":"config: missing address"}"#),
                parse_line("exiting"),
            ],
        };
        match decode_exit(Protocol::FlowJson, &call, &exit, &opts).0 {
            Err(ConnectorError::Exited { code: 1, message }) => {
                assert_eq!(message, "config: missing address")
            }
            other => panic!("{other:?}"),
        }
        // Exit 0 without a response mentions the last warning.
        let exit = Exit {
            stdout: vec![],
            code: Some(0),
            logs: vec![parse_line(r#"{"level":"warn","msg":"nothing to do"}"#)],
        };
        let e = decode_exit(Protocol::FlowJson, &call, &exit, &opts)
            .0
            .unwrap_err();
        assert!(
            e.to_string().contains("without a response") && e.to_string().contains("nothing to do"),
            "{e}"
        );
    }

    #[tokio::test]
    async fn run_round_trip_through_a_local_script() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("conn.sh");
        std::fs::write(
            &path,
            "#!/bin/sh\nread req\ncase \"$req\" in *'\"spec\"'*) ;; *) exit 4;; esac\n\
             echo '{\"level\":\"info\",\"msg\":\"answering spec\"}' >&2\n\
             echo '{\"spec\":{\"protocol\":3032023,\"configSchema\":{\"type\":\"object\"},\"resourceConfigSchema\":{\"type\":\"object\"}}}'\n",
        )
        .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        let transport = Transport::Local {
            command: vec![path.display().to_string()],
            env: vec![],
        };
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let reply = run(
            &transport,
            Protocol::FlowJson,
            &Call::spec(TaskType::Capture, p::raw("{}")),
            &RunOptions::for_operation(Operation::Spec),
            tx,
            CancellationToken::new(),
        )
        .await
        .unwrap();
        assert!(matches!(reply, Reply::Spec(s) if s.config_schema.get() == r#"{"type":"object"}"#));
        let mut saw_log = false;
        while let Ok(e) = rx.try_recv() {
            saw_log |= matches!(e, RunEvent::Log(l) if l.message == "answering spec");
        }
        assert!(saw_log);

        // An image without a tag never reaches the engine.
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        let docker = Transport::Docker {
            image: "ghcr.io/estuary/source-x".into(),
            options: DockerOptions::default(),
        };
        let e = run(
            &docker,
            Protocol::FlowProto,
            &Call::spec(TaskType::Capture, p::raw("{}")),
            &RunOptions::for_operation(Operation::Spec),
            tx,
            CancellationToken::new(),
        )
        .await
        .unwrap_err();
        assert!(matches!(e, ConnectorError::NoTag(_)), "{e}");
    }

    /// Each fault of the issue, produced by a real process and seen through `run`.
    #[tokio::test]
    async fn faults_through_real_processes() {
        let dir = tempfile::tempdir().unwrap();
        const SPEC: &str =
            r#"{"spec":{"protocol":3032023,"configSchema":{},"resourceConfigSchema":{}}}"#;
        let cases: Vec<(&str, String, usize, &str)> = vec![
            ("no-response", "cat >/dev/null".into(), 1 << 20, "without a response"),
            (
                "two",
                format!("echo '{SPEC}'; echo '{SPEC}'"),
                1 << 20,
                "expected exactly one response to spec, got 2",
            ),
            ("invalid-json", "echo 'ready!'".into(), 1 << 20, "invalid JSON response"),
            (
                "old-protocol",
                format!("echo '{}'", SPEC.replace("3032023", "3032022")),
                1 << 20,
                "speaks protocol 3032022, but Flow requires 3032023",
            ),
            (
                "too-large",
                "head -c 300000 /dev/zero | tr '\\0' x".into(),
                100_000,
                "larger than 100000 bytes",
            ),
            (
                "exit",
                r#"echo '{"level":"error","msg":"cannot reach db:5432"}' >&2; echo bye >&2; exit 2"#
                    .into(),
                1 << 20,
                "exited with status 2: cannot reach db:5432",
            ),
        ];
        for (name, body, max_output, expected) in cases {
            let path = dir.path().join(name);
            std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
            let transport = Transport::Local {
                command: vec![path.display().to_string()],
                env: vec![],
            };
            let mut opts = RunOptions::for_operation(Operation::Spec);
            opts.max_output = max_output;
            let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
            let e = run(
                &transport,
                Protocol::FlowJson,
                &Call::spec(TaskType::Capture, p::raw("{}")),
                &opts,
                tx,
                CancellationToken::new(),
            )
            .await
            .unwrap_err()
            .to_string();
            assert!(e.contains(expected), "{name}: {e}");
            assert!(e.len() < 600, "{name}: the error quotes too much: {e}");
        }
        // Invalid protobuf.
        let path = dir.path().join("bad-proto");
        std::fs::write(
            &path,
            "#!/bin/sh\nprintf '\\003\\000\\000\\000\\377\\377\\377'\n",
        )
        .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        let e = run(
            &Transport::Local {
                command: vec![path.display().to_string()],
                env: vec![],
            },
            Protocol::FlowProto,
            &Call::spec(TaskType::Capture, p::raw("{}")),
            &RunOptions::for_operation(Operation::Spec),
            tx,
            CancellationToken::new(),
        )
        .await
        .unwrap_err()
        .to_string();
        assert!(e.contains("invalid protobuf response"), "{e}");
        assert!(e.ends_with("received: \u{fffd}\u{fffd}\u{fffd}"), "{e}");
    }

    #[test]
    fn encrypted_configs_are_not_sent() {
        let cfg = serde_json::json!({"password_sops": "ENC[x]", "sops": {"mac": "m"}});
        assert!(matches!(prepare_config(cfg), Err(ConnectorError::Sops(_))));
        let cfg = serde_json::json!({"z": 1, "a": 2});
        assert_eq!(
            prepare_config(cfg).unwrap().expose().get(),
            r#"{"z":1,"a":2}"#
        );
    }
}
