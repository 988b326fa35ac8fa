//! Image references and what an image says about itself (digest, labels, protocol).

use std::collections::BTreeMap;

use bollard::errors::Error as BollardError;
use bollard::Docker;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::engine::{api_error, connect_to, DockerHost};
use super::pull::pull;
use super::PullPolicy;
use crate::connector::{ConnectorError, RunEvent};

pub use crate::syntax::image::ImageRef;

/// Parses `image` for the engine: a reference without a tag or digest, or one Docker could not
/// pull exactly, is refused before anything is contacted.
pub fn parse_reference(image: &str) -> Result<ImageRef, ConnectorError> {
    use crate::syntax::image::ImageRefError;
    ImageRef::parse(image).map_err(|e| match e {
        ImageRefError::NoTag | ImageRefError::Empty => ConnectorError::NoTag(image.to_string()),
        e => ConnectorError::BadImage {
            image: image.to_string(),
            reason: e.to_string(),
        },
    })
}

/// How to speak to an image, from its labels (reference `flow-format.md` §2.5, §2.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageProtocol {
    /// `FLOW_RUNTIME_CODEC=json`: newline-delimited JSON requests and responses.
    FlowJson,
    /// Flow connector without the JSON codec label: u32-LE length-prefixed protobuf.
    FlowProto,
    /// A raw Airbyte image: `spec` / `check --config F` / `discover --config F` as arguments.
    Airbyte,
}

impl ImageProtocol {
    /// Flow's labels win: Estuary's rebuilt Airbyte images keep `io.airbyte.*` labels but wrap
    /// the connector in airbyte-to-flow and label `FLOW_RUNTIME_CODEC=json`, so they speak Flow
    /// JSON. Only an image with no Flow label and an Airbyte marker (`io.airbyte.name`,
    /// `io.airbyte.version`, or the `AIRBYTE_ENTRYPOINT` env every Airbyte base image sets) is
    /// a raw Airbyte connector. No label at all means protobuf, as in Flow's runtime.
    pub fn detect(labels: &BTreeMap<String, String>, env: &[String]) -> Self {
        if labels.get("FLOW_RUNTIME_CODEC").map(String::as_str) == Some("json") {
            return ImageProtocol::FlowJson;
        }
        let flow_labelled = labels
            .keys()
            .any(|k| k.starts_with("FLOW_RUNTIME_") || k == "CONNECTOR_PROTOCOL");
        let airbyte = labels.contains_key("io.airbyte.name")
            || labels.contains_key("io.airbyte.version")
            || env
                .iter()
                .any(|e| e.split_once('=').map(|(k, _)| k) == Some("AIRBYTE_ENTRYPOINT"));
        if airbyte && !flow_labelled {
            ImageProtocol::Airbyte
        } else {
            ImageProtocol::FlowProto
        }
    }
}

/// What `docker image inspect` tells flowspec about an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageInfo {
    /// The reference as written.
    pub reference: String,
    /// The content-addressed image id (`sha256:…`). It changes whenever the image does and
    /// exists for locally built images too (unlike registry digests), so the spec cache keys
    /// on it.
    pub digest: String,
    /// Registry digests (`name@sha256:…`); empty for images built or imported locally.
    pub repo_digests: Vec<String>,
    pub labels: BTreeMap<String, String>,
    /// `KEY=VALUE` entries of the image config.
    pub env: Vec<String>,
    pub entrypoint: Vec<String>,
    pub cmd: Vec<String>,
    /// The user the entrypoint runs as (`""` means root).
    pub user: String,
    /// `FLOW_RUNTIME_PROTOCOL` (`capture`, `materialize`, `derive`) when labelled.
    pub runtime_protocol: Option<String>,
    pub protocol: ImageProtocol,
}

impl ImageInfo {
    fn from_inspect(reference: &str, i: bollard::models::ImageInspect) -> Self {
        let config = i.config.unwrap_or_default();
        let labels: BTreeMap<String, String> =
            config.labels.unwrap_or_default().into_iter().collect();
        let env = config.env.unwrap_or_default();
        ImageInfo {
            reference: reference.to_string(),
            digest: i.id.unwrap_or_default(),
            repo_digests: i.repo_digests.unwrap_or_default(),
            runtime_protocol: labels.get("FLOW_RUNTIME_PROTOCOL").cloned(),
            protocol: ImageProtocol::detect(&labels, &env),
            labels,
            env,
            entrypoint: config.entrypoint.unwrap_or_default(),
            cmd: config.cmd.unwrap_or_default(),
            user: config.user.unwrap_or_default(),
        }
    }
}

/// Inspects a local image. A missing image is [`ConnectorError::ImageMissing`]; nothing is
/// pulled (see [`prepare_image`]).
pub async fn inspect_image(image: &str) -> Result<ImageInfo, ConnectorError> {
    let image_ref = parse_reference(image)?;
    let host = DockerHost::from_env();
    let docker = connect_to(&host).await?;
    inspect_local(&docker, &host, &image_ref, image)
        .await?
        .ok_or_else(|| ConnectorError::ImageMissing {
            image: image.to_string(),
        })
}

/// Applies the pull policy (streaming [`RunEvent::Pull`] progress), then inspects: what the
/// orchestration calls first to learn the protocol and digest before encoding a request.
/// Passing the same [`PullPolicy`] to `invoke_docker` afterwards costs one more inspect, except
/// with [`PullPolicy::Always`], which would pull twice: pass [`PullPolicy::Missing`] there.
pub async fn prepare_image(
    image: &str,
    policy: PullPolicy,
    events: &UnboundedSender<RunEvent>,
    cancel: &CancellationToken,
) -> Result<ImageInfo, ConnectorError> {
    let image_ref = parse_reference(image)?;
    let host = DockerHost::from_env();
    let docker = tokio::select! {
        biased;
        _ = cancel.cancelled() => return Err(ConnectorError::Cancelled),
        d = connect_to(&host) => d?,
    };
    ensure_image(&docker, &host, &image_ref, image, policy, events, cancel).await
}

/// `Ok(None)` when the engine does not have the image.
pub(crate) async fn inspect_local(
    docker: &Docker,
    host: &DockerHost,
    image_ref: &ImageRef,
    image: &str,
) -> Result<Option<ImageInfo>, ConnectorError> {
    match docker.inspect_image(&image_ref.local_reference()).await {
        Ok(i) => Ok(Some(ImageInfo::from_inspect(image, i))),
        Err(BollardError::DockerResponseServerError {
            status_code: 404, ..
        }) => Ok(None),
        Err(e) => Err(api_error(host, &format!("inspecting {image}"), e)),
    }
}

/// The pull policy, then the inspection of the image that will run.
pub(crate) async fn ensure_image(
    docker: &Docker,
    host: &DockerHost,
    image_ref: &ImageRef,
    image: &str,
    policy: PullPolicy,
    events: &UnboundedSender<RunEvent>,
    cancel: &CancellationToken,
) -> Result<ImageInfo, ConnectorError> {
    if policy != PullPolicy::Always {
        if let Some(info) = inspect_local(docker, host, image_ref, image).await? {
            return Ok(info);
        }
        if policy == PullPolicy::Never {
            return Err(ConnectorError::ImageMissing {
                image: image.to_string(),
            });
        }
    }
    pull(docker, host, image_ref, image, events, cancel).await?;
    inspect_local(docker, host, image_ref, image)
        .await?
        .ok_or_else(|| ConnectorError::PullFailed {
            image: image.to_string(),
            reason: "the engine reported success but does not have the image".into(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_map_to_connector_errors() {
        for bad in [
            "ghcr.io/estuary/source-postgres",
            "localhost:5000/x",
            "x:",
            "",
        ] {
            assert!(
                matches!(parse_reference(bad), Err(ConnectorError::NoTag(_))),
                "{bad:?} has no tag"
            );
        }
        for bad in ["x@", "x@sha256:xyz", "a b:c", "x:-v"] {
            let e = parse_reference(bad).unwrap_err();
            assert!(matches!(e, ConnectorError::BadImage { .. }), "{bad:?}: {e}");
        }
        assert_eq!(
            parse_reference("localhost:5000/x:dev").unwrap().pull_tag(),
            "dev"
        );
    }

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn detects_protocol_from_labels_and_env() {
        use ImageProtocol::*;
        let d = ImageProtocol::detect;
        assert_eq!(d(&labels(&[("FLOW_RUNTIME_CODEC", "json")]), &[]), FlowJson);
        assert_eq!(
            d(&labels(&[("FLOW_RUNTIME_PROTOCOL", "capture")]), &[]),
            FlowProto
        );
        assert_eq!(d(&labels(&[]), &[]), FlowProto);
        assert_eq!(d(&labels(&[("io.airbyte.name", "source-x")]), &[]), Airbyte);
        assert_eq!(
            d(&labels(&[]), &["AIRBYTE_ENTRYPOINT=python /main.py".into()]),
            Airbyte
        );
        // Estuary's airbyte-to-flow rebuilds speak Flow JSON despite their Airbyte heritage.
        let wrapped = labels(&[
            ("io.airbyte.version", "0.1"),
            ("FLOW_RUNTIME_PROTOCOL", "capture"),
            ("FLOW_RUNTIME_CODEC", "json"),
        ]);
        assert_eq!(d(&wrapped, &["AIRBYTE_ENTRYPOINT=x".into()]), FlowJson);
        let flow_proto = labels(&[
            ("io.airbyte.version", "0.1"),
            ("CONNECTOR_PROTOCOL", "flow-capture"),
        ]);
        assert_eq!(d(&flow_proto, &[]), FlowProto);
    }
}
