//! Running connectors (issue 3): the same images and local commands Flow runs, spoken to in the
//! protocol each one speaks (Flow JSON, Flow protobuf or Airbyte), for spec, discover and
//! validate. Domain code: no terminal here; the TUI and the CLI both drive it.

pub mod airbyte;
pub mod codec;
pub mod demo;
pub mod local;
pub mod logs;
pub mod proto;
pub mod protocol;
pub mod run;
pub mod sops;
pub mod task;
pub mod transport;

pub use transport::{ConnectorError, Exit, Invocation, LogLevel, LogLine, PullProgress, RunEvent};
