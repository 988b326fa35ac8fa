//! Running connector images on a Docker engine through its HTTP API (bollard), the way Flow's
//! runtime does minus `flow-connector-init`: the image's own entrypoint reads one framed request
//! on stdin and writes its response on stdout (reference `flow-format.md` §2.5).
//!
//! Talking to the API instead of shelling out to the `docker` CLI gives us typed errors
//! (a missing image, an unreachable engine, a denied pull), live pull progress, and lets us
//! remove every container we create on every path (error, timeout, cancel), which `docker run
//! --rm` cannot promise when the client itself is killed.
//!
//! Layout: [`engine`] connects (honouring `DOCKER_HOST`) and cleans up, [`image`] parses
//! references and inspects images (digest, labels, protocol), [`pull`] applies the pull policy
//! with aggregated progress, [`run`] executes one invocation, [`stderr`] turns the log stream
//! into [`LogLine`](super::LogLine)s.

pub mod engine;
pub mod image;
pub mod pull;
pub mod run;
pub mod stderr;

pub use engine::{
    connect, connect_to, list_managed_containers, remove_managed_containers, DockerHost,
    LABEL_IMAGE, LABEL_MANAGED, LABEL_PID, LABEL_RUN,
};
pub use image::{
    inspect_image, parse_reference, prepare_image, ImageInfo, ImageProtocol, ImageRef,
};
pub use pull::PullTracker;
pub use run::{invoke_docker, FILES_MOUNT};
pub use stderr::parse_log_line;

/// When to pull an image before running it (`--pull` in the CLI, like `docker run --pull`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PullPolicy {
    /// Pull only when the image is not present locally (Docker's default).
    #[default]
    Missing,
    /// Always pull, so a moving tag such as `:dev` or `:v1` is refreshed.
    Always,
    /// Never pull: a missing image is an error (offline work, air-gapped machines).
    Never,
}

impl PullPolicy {
    /// Parses `missing`, `always` or `never` (the CLI's `--pull`).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "missing" => Some(PullPolicy::Missing),
            "always" => Some(PullPolicy::Always),
            "never" => Some(PullPolicy::Never),
            _ => None,
        }
    }
}

/// How containers are run. The defaults match what Flow's runtime gives a connector for
/// spec/discover/validate: the engine's default network and a 1 GiB memory limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerOptions {
    /// Docker network mode (`none`, `host`, a network name). `None` leaves the engine default;
    /// `none` keeps connectors that need no network (spec) away from it.
    pub network: Option<String>,
    pub pull: PullPolicy,
    /// Container memory limit in bytes (Flow passes `--memory=1g`).
    pub memory_bytes: u64,
    /// The image as the preparation step pulled and inspected it: the run starts from this
    /// rather than inspecting the same image a second time (a round trip to the engine on
    /// every connector call).
    pub inspected: Option<Box<ImageInfo>>,
}

impl Default for DockerOptions {
    fn default() -> Self {
        DockerOptions {
            network: None,
            pull: PullPolicy::Missing,
            memory_bytes: 1 << 30,
            inspected: None,
        }
    }
}
