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
//! - [`target`] is the one way from what a person names — a catalog task, an image, a local
//!   command — to what runs ([`target::Target`], [`target::resolve_task`]), and [`ops`] the
//!   typed operations on it ([`ops::spec`] through the spec cache, [`ops::discover`],
//!   [`ops::validate`]). The CLI (`crate::cmd`) and the editor's jobs both use these two.
//!
//! Typical use (what `flowspec discover` does):
//! ```no_run
//! # async fn f(cat: &flowspec::catalog::Catalog) -> Result<(), Box<dyn std::error::Error>> {
//! use flowspec::connector::target::{resolve_task, Target, TaskRef};
//! use flowspec::connector::{ops, protocol::Operation, run};
//! let job = resolve_task(cat, TaskRef::Name(Some("acmeCo/shop/source-demo")), Operation::Discover)?;
//! let (events, _rx) = tokio::sync::mpsc::unbounded_channel();
//! let cancel = tokio_util::sync::CancellationToken::new();
//! let prepared = Target::task(&job.task, run::DockerOptions::default())
//!     .prepare(&events, &cancel)
//!     .await?;
//! let opts = run::RunOptions::for_operation(Operation::Discover);
//! let discovered = ops::discover(&prepared, &job.task, &opts, events, cancel).await?;
//! # let _ = discovered; Ok(()) }
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
