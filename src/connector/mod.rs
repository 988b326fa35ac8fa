//! Running connectors (issue 3): the same images and local commands Flow runs, spoken to in the
//! protocol each one speaks (Flow JSON, Flow protobuf or Airbyte), for spec, discover and
//! validate. Domain code: no terminal here; the TUI and the CLI both drive it.
//!
//! Layers, bottom up:
//! - [`transport`]: the process boundary ([`Invocation`] in, [`Exit`] out, [`RunEvent`]s while
//!   it runs); [`local`] implements it for `local` endpoints, the Docker transport for images.
//! - [`codec`] frames messages (JSON lines, u32-LE length-prefixed protobuf) and bounds reads;
//!   [`protocol`] holds the proto3-JSON messages and the response rules; [`proto`] the
//!   protobuf messages; [`airbyte`] adapts Airbyte sources; [`logs`] parses stderr.
//! - [`run`] ties them together: [`run::run`] runs one [`run::Call`] over a
//!   [`run::Transport`] in a [`run::Protocol`] and returns a typed [`protocol::Reply`].
//! - [`task`] turns a catalog task into what `run` needs (endpoint, resolved config, Validate
//!   bindings); [`demo`] is flowspec's own demo connector.
//!
//! Typical use (what `flowspec discover` does):
//! ```no_run
//! # async fn f(cat: &flowspec::catalog::Catalog) -> Result<(), Box<dyn std::error::Error>> {
//! use flowspec::connector::{protocol::Operation, run, task};
//! let (id, _) = task::find_task(cat, Some("acmeCo/shop/source-demo"), None)?;
//! let t = task::load_task(cat, id)?;
//! let transport = t.transport(run::DockerOptions::default());
//! let protocol = t.local_protocol().unwrap_or(run::Protocol::FlowProto);
//! let call = run::Call::discover(run::prepare_config(t.config.clone())?);
//! let (events, _rx) = tokio::sync::mpsc::unbounded_channel();
//! let reply = run::run(
//!     &transport,
//!     protocol,
//!     &call,
//!     &run::RunOptions::for_operation(Operation::Discover),
//!     events,
//!     tokio_util::sync::CancellationToken::new(),
//! )
//! .await?;
//! # let _ = reply; Ok(()) }
//! ```

pub mod airbyte;
pub mod cache;
pub mod codec;
pub mod demo;
pub mod docker;
pub mod local;
pub mod logs;
pub mod ops;
pub mod proto;
pub mod protocol;
pub mod run;
pub mod sops;
pub mod target;
pub mod task;
pub mod transport;

pub use protocol::{Operation, Reply, TaskType};
pub use run::{Call, DockerOptions, Protocol, PullPolicy, RunOptions, Transport};
pub use transport::{ConnectorError, Exit, Invocation, LogLevel, LogLine, PullProgress, RunEvent};
