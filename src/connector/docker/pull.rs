//! Pulling an image with progress a progress bar can show (reference `architecture.md` §5).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use bollard::errors::Error as BollardError;
use bollard::models::CreateImageInfo;
use bollard::query_parameters::CreateImageOptionsBuilder;
use bollard::Docker;
use futures::StreamExt;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::engine::{error_chain, is_transport_error, server_message, DockerHost};
use super::image::ImageRef;
use crate::connector::{ConnectorError, PullProgress, RunEvent};

/// At most one progress event per this interval (about 10 a second): the engine reports every
/// few kilobytes per layer, far more than a terminal over SSH should redraw.
pub const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

/// A pull during which the engine says nothing for this long is given up. Downloads report
/// progress continuously, so silence this long means the registry or the network is stuck;
/// without the bound an unreachable registry that drops packets would hang the run.
pub const PULL_STALL_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Layer {
    current: u64,
    total: u64,
    done: bool,
}

/// Folds the engine's per-layer pull messages into one [`PullProgress`].
#[derive(Debug, Default)]
pub struct PullTracker {
    layers: BTreeMap<String, Layer>,
    status: String,
}

impl PullTracker {
    /// One message of the pull stream: `id` is a layer id except on the "Pulling from NAME"
    /// line (where it is the tag) and absent on summary lines ("Digest: …", "Status: …").
    pub fn update(
        &mut self,
        id: Option<&str>,
        status: &str,
        current: Option<i64>,
        total: Option<i64>,
    ) {
        self.status = status.to_string();
        let Some(id) = id else { return };
        if status.starts_with("Pulling from") || status.starts_with("Pulling repository") {
            return;
        }
        let layer = self.layers.entry(id.to_string()).or_default();
        let to_u64 = |v: Option<i64>| v.and_then(|v| u64::try_from(v).ok());
        match status {
            // Extraction reports bytes too, but of the unpacked size: keep the download numbers,
            // which is what the totals promised.
            "Downloading" => {
                if let Some(t) = to_u64(total).filter(|t| *t > 0) {
                    layer.total = t;
                }
                if let Some(c) = to_u64(current) {
                    layer.current = c;
                }
            }
            "Verifying Checksum" | "Download complete" => layer.current = layer.total,
            "Pull complete" | "Already exists" => {
                layer.current = layer.total;
                layer.done = true;
            }
            _ => {}
        }
    }

    /// The same message as bollard delivers it.
    pub fn update_info(&mut self, info: &CreateImageInfo) {
        let detail = info.progress_detail.as_ref();
        self.update(
            info.id.as_deref(),
            info.status.as_deref().unwrap_or_default(),
            detail.and_then(|d| d.current),
            detail.and_then(|d| d.total),
        );
    }

    /// Sums over layers; bytes only count layers whose size is known, since totals arrive
    /// lazily as downloads begin.
    pub fn progress(&self) -> PullProgress {
        PullProgress {
            layers_done: self.layers.values().filter(|l| l.done).count(),
            layers: self.layers.len(),
            current: self.layers.values().map(|l| l.current).sum(),
            total: self.layers.values().map(|l| l.total).sum(),
            status: self.status.clone(),
        }
    }
}

/// Pulls `image_ref` (always naming its tag or digest), streaming throttled progress. Cancelling
/// drops the stream, which closes the connection and makes the engine abandon the pull.
pub(crate) async fn pull(
    docker: &Docker,
    host: &DockerHost,
    image_ref: &ImageRef,
    image: &str,
    events: &UnboundedSender<RunEvent>,
    cancel: &CancellationToken,
) -> Result<(), ConnectorError> {
    let _ = events.send(RunEvent::Phase(format!("pulling {image}")));
    let options = CreateImageOptionsBuilder::default()
        .from_image(&image_ref.name)
        .tag(image_ref.pull_tag())
        .build();
    let mut stream = docker.create_image(Some(options), None, None);
    let failed = |reason: String| ConnectorError::PullFailed {
        image: image.to_string(),
        reason,
    };

    let mut tracker = PullTracker::default();
    let mut last_sent: Option<Instant> = None;
    let mut unsent = false;
    loop {
        let item = tokio::select! {
            biased;
            _ = cancel.cancelled() => return Err(ConnectorError::Cancelled),
            item = tokio::time::timeout(PULL_STALL_TIMEOUT, stream.next()) => item,
        };
        let item = match item {
            Err(_) => {
                return Err(failed(format!(
                    "the engine reported no progress for {}s (is the registry reachable?)",
                    PULL_STALL_TIMEOUT.as_secs()
                )))
            }
            Ok(None) => break,
            Ok(Some(Ok(info))) => info,
            Ok(Some(Err(e))) if is_transport_error(&e) => {
                return Err(host.unavailable(format!("pulling {image}: {}", error_chain(&e))))
            }
            Ok(Some(Err(e))) => return Err(failed(explain_pull_error(&e))),
        };
        tracker.update_info(&item);
        unsent = true;
        if last_sent.is_none_or(|t| t.elapsed() >= PROGRESS_INTERVAL) {
            let _ = events.send(RunEvent::Pull(tracker.progress()));
            last_sent = Some(Instant::now());
            unsent = false;
        }
    }
    if unsent {
        let _ = events.send(RunEvent::Pull(tracker.progress()));
    }
    Ok(())
}

/// The engine's message plus what to do about the usual causes.
fn explain_pull_error(e: &BollardError) -> String {
    let message = server_message(e);
    let lower = message.to_ascii_lowercase();
    let hint = if lower.contains("denied")
        || lower.contains("unauthorized")
        || lower.contains("authentication required")
    {
        "; the image may not exist, or the registry needs credentials (`docker login`)"
    } else if lower.contains("not found") || lower.contains("manifest unknown") {
        "; check the image name and tag"
    } else if lower.contains("no such host")
        || lower.contains("connection refused")
        || lower.contains("i/o timeout")
        || lower.contains("network is unreachable")
    {
        "; the registry is unreachable from the Docker engine"
    } else {
        ""
    };
    format!("{message}{hint}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregates_layers() {
        let mut t = PullTracker::default();
        t.update(Some("v1"), "Pulling from estuary/x", None, None);
        t.update(Some("a"), "Pulling fs layer", None, None);
        t.update(Some("b"), "Already exists", None, None);
        t.update(Some("c"), "Waiting", None, None);
        t.update(Some("a"), "Downloading", Some(100), Some(1000));
        t.update(Some("c"), "Downloading", Some(5), Some(50));
        let p = t.progress();
        assert_eq!(
            (p.layers_done, p.layers, p.current, p.total),
            (1, 3, 105, 1050)
        );
        assert_eq!(p.status, "Downloading");

        t.update(Some("a"), "Download complete", None, None);
        t.update(Some("a"), "Extracting", Some(7), Some(4000));
        t.update(Some("a"), "Pull complete", None, None);
        t.update(Some("c"), "Pull complete", None, None);
        t.update(None, "Digest: sha256:abc", None, None);
        let p = t.progress();
        assert_eq!(
            (p.layers_done, p.layers, p.current, p.total),
            (3, 3, 1050, 1050)
        );
        assert_eq!(p.status, "Digest: sha256:abc");
    }

    #[test]
    fn explains_denied_and_unreachable() {
        let e = BollardError::DockerResponseServerError {
            status_code: 404,
            message: "pull access denied for x, repository does not exist".into(),
        };
        assert!(explain_pull_error(&e).contains("docker login"));
        let e = BollardError::DockerStreamError {
            error: "dial tcp: lookup registry-1.docker.io: no such host".into(),
        };
        assert!(explain_pull_error(&e).contains("unreachable"));
    }
}
