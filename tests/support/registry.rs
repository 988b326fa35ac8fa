//! A minimal Docker registry (distribution API v2, read-only) on 127.0.0.1, so that pulls and
//! their progress can be tested on a machine that reaches no real registry. The engine treats
//! registries on 127.0.0.0/8 as insecure by default and talks plain HTTP to them.
//!
//! It serves one image: the connector layer of a test [`Spec`] plus padding layers, with blob
//! downloads throttled so a pull lasts long enough to report progress or be cancelled.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::images::{rootfs_tar, Spec};

const MANIFEST_TYPE: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// Bytes written between two throttling pauses.
const CHUNK: usize = 64 << 10;

struct State {
    repo: String,
    tag: String,
    manifest: Vec<u8>,
    manifest_digest: String,
    blobs: HashMap<String, Vec<u8>>,
    chunk_delay: Duration,
    /// Blob downloads the client abandoned (the connection closed before the last byte).
    aborted: AtomicUsize,
    served: AtomicUsize,
}

/// A running registry holding one image.
pub struct Registry {
    state: Arc<State>,
    /// `127.0.0.1:PORT/REPO:TAG`.
    pub reference: String,
    /// `127.0.0.1:PORT/REPO@sha256:…`.
    pub pinned: String,
    /// The image's layer blob sizes, in manifest order.
    pub layer_sizes: Vec<u64>,
}

fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{:x}", Sha256::digest(bytes))
}

/// Deterministic incompressible filler.
fn filler(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn tar_of_file(work: &Path, name: &str, contents: &[u8]) -> Vec<u8> {
    let dir = work.join(format!("layer-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), contents).unwrap();
    let tar = work.join(format!("{name}.tar"));
    let ok = Command::new("tar")
        .arg("-C")
        .arg(&dir)
        .arg("-cf")
        .arg(&tar)
        .arg(name)
        .status()
        .unwrap()
        .success();
    assert!(ok, "tar {name}");
    std::fs::read(tar).unwrap()
}

impl Registry {
    /// Serves `REPO:TAG` built from `spec` (entrypoint `/connector`, `labels`) plus one padding
    /// layer per entry of `padding` (bytes), pausing `chunk_delay` every 64 KiB of a blob.
    pub fn start(
        repo: &str,
        tag: &str,
        spec: &Spec,
        labels: &[(&str, &str)],
        padding: &[usize],
        chunk_delay: Duration,
    ) -> Registry {
        let work = tempfile::tempdir().unwrap();
        let mut layers = vec![std::fs::read(rootfs_tar(spec, work.path())).unwrap()];
        for (i, len) in padding.iter().enumerate() {
            let name = format!("padding-{i}.bin");
            layers.push(tar_of_file(work.path(), &name, &filler(*len, i as u64 + 7)));
        }
        // Uncompressed layers: their digest is also their diff id.
        let layer_digests: Vec<String> = layers.iter().map(|l| sha256(l)).collect();
        let labels: serde_json::Map<String, serde_json::Value> = labels
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)))
            .collect();
        let config = serde_json::to_vec(&serde_json::json!({
            "architecture": "amd64",
            "os": "linux",
            "config": {"Entrypoint": ["/connector"], "Labels": labels},
            "rootfs": {"type": "layers", "diff_ids": layer_digests},
        }))
        .unwrap();
        let config_digest = sha256(&config);
        let manifest = serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2,
            "mediaType": MANIFEST_TYPE,
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": config.len(),
                "digest": config_digest,
            },
            "layers": layers.iter().zip(&layer_digests).map(|(l, d)| serde_json::json!({
                "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                "size": l.len(),
                "digest": d,
            })).collect::<Vec<_>>(),
        }))
        .unwrap();
        let manifest_digest = sha256(&manifest);
        let layer_sizes = layers.iter().map(|l| l.len() as u64).collect();
        let mut blobs: HashMap<String, Vec<u8>> = layer_digests.into_iter().zip(layers).collect();
        blobs.insert(config_digest, config);

        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let host = listener.local_addr().unwrap().to_string();
        let state = Arc::new(State {
            repo: repo.to_string(),
            tag: tag.to_string(),
            manifest,
            manifest_digest: manifest_digest.clone(),
            blobs,
            chunk_delay,
            aborted: AtomicUsize::new(0),
            served: AtomicUsize::new(0),
        });
        let serving = Arc::clone(&state);
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let state = Arc::clone(&serving);
                std::thread::spawn(move || serve(conn, &state));
            }
        });
        Registry {
            state,
            reference: format!("{host}/{repo}:{tag}"),
            pinned: format!("{host}/{repo}@{manifest_digest}"),
            layer_sizes,
        }
    }

    pub fn manifest_digest(&self) -> &str {
        &self.state.manifest_digest
    }

    /// Blob downloads cut off by the client.
    pub fn aborted_downloads(&self) -> usize {
        self.state.aborted.load(Ordering::SeqCst)
    }

    /// Blob downloads completed.
    pub fn served_downloads(&self) -> usize {
        self.state.served.load(Ordering::SeqCst)
    }
}

/// One request per connection (`Connection: close`), which Go's HTTP client handles fine.
fn serve(conn: TcpStream, state: &State) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => return,
            Ok(_) if header.trim().is_empty() => break,
            Ok(_) => {}
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let head = method == "HEAD";
    let mut conn = conn;

    if path == "/v2/" || path == "/v2" {
        respond(&mut conn, 200, "application/json", &[], b"{}", head);
        return;
    }
    let prefix = format!("/v2/{}/", state.repo);
    let Some(rest) = path.strip_prefix(&prefix) else {
        return not_found(&mut conn, "NAME_UNKNOWN", head);
    };
    if let Some(reference) = rest.strip_prefix("manifests/") {
        if reference == state.tag || reference == state.manifest_digest {
            let digest = [("Docker-Content-Digest", state.manifest_digest.as_str())];
            respond(
                &mut conn,
                200,
                MANIFEST_TYPE,
                &digest,
                &state.manifest,
                head,
            );
        } else {
            not_found(&mut conn, "MANIFEST_UNKNOWN", head);
        }
    } else if let Some(digest) = rest.strip_prefix("blobs/") {
        match state.blobs.get(digest) {
            Some(blob) => {
                let header = [("Docker-Content-Digest", digest)];
                if respond_slowly(&mut conn, blob, &header, head, state.chunk_delay) {
                    state.served.fetch_add(1, Ordering::SeqCst);
                } else {
                    state.aborted.fetch_add(1, Ordering::SeqCst);
                }
            }
            None => not_found(&mut conn, "BLOB_UNKNOWN", head),
        }
    } else {
        not_found(&mut conn, "UNSUPPORTED", head);
    }
}

fn headers(status: u16, content_type: &str, extra: &[(&str, &str)], len: usize) -> String {
    let reason = if status == 200 { "OK" } else { "Not Found" };
    let mut h = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {len}\r\n\
         Docker-Distribution-API-Version: registry/2.0\r\nConnection: close\r\n"
    );
    for (k, v) in extra {
        h.push_str(&format!("{k}: {v}\r\n"));
    }
    h.push_str("\r\n");
    h
}

fn respond(
    conn: &mut TcpStream,
    status: u16,
    content_type: &str,
    extra: &[(&str, &str)],
    body: &[u8],
    head: bool,
) {
    let _ = conn.write_all(headers(status, content_type, extra, body.len()).as_bytes());
    if !head {
        let _ = conn.write_all(body);
    }
}

/// True when the whole body went out.
fn respond_slowly(
    conn: &mut TcpStream,
    body: &[u8],
    extra: &[(&str, &str)],
    head: bool,
    delay: Duration,
) -> bool {
    let h = headers(200, "application/octet-stream", extra, body.len());
    if conn.write_all(h.as_bytes()).is_err() {
        return false;
    }
    if head {
        return true;
    }
    for chunk in body.chunks(CHUNK) {
        if conn.write_all(chunk).and_then(|_| conn.flush()).is_err() {
            return false;
        }
        if !delay.is_zero() {
            std::thread::sleep(delay);
        }
    }
    true
}

fn not_found(conn: &mut TcpStream, code: &str, head: bool) {
    let body = format!(r#"{{"errors":[{{"code":"{code}","message":"{code}"}}]}}"#);
    respond(conn, 404, "application/json", &[], body.as_bytes(), head);
}
