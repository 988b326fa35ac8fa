//! Framing of Flow connector messages on stdin/stdout, as Flow's connector-init does it:
//! JSON is one message per line; protobuf is each message prefixed by its length as a
//! little-endian u32. Reads are bounded so a misbehaving connector cannot exhaust memory.

use serde::Serialize;
use tokio::io::{AsyncRead, AsyncReadExt};

use super::transport::ConnectorError;

/// Flow's own limit on one connector message (connector-init rejects larger ones).
pub const DEFAULT_MAX_MESSAGE: usize = 64 << 20;

/// Longest excerpt of unexpected output quoted in a protocol error.
pub const EXCERPT_CHARS: usize = 200;

/// How messages are framed and encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    /// Newline-delimited proto3-JSON (image label `FLOW_RUNTIME_CODEC=json`, local endpoints
    /// without `protobuf: true`).
    Json,
    /// u32 little-endian length-prefixed protobuf (the default for images).
    Proto,
}

/// One JSON message followed by a newline.
pub fn frame_json(value: &impl Serialize) -> Result<Vec<u8>, ConnectorError> {
    let mut out = serde_json::to_vec(value)
        .map_err(|e| ConnectorError::Io(format!("cannot encode the request: {e}")))?;
    out.push(b'\n');
    Ok(out)
}

/// One protobuf message with its u32 little-endian length prefix.
pub fn frame_proto(msg: &impl prost::Message) -> Vec<u8> {
    let len = msg.encoded_len();
    let mut out = Vec::with_capacity(4 + len);
    out.extend_from_slice(&(len as u32).to_le_bytes());
    msg.encode(&mut out)
        .expect("a Vec grows to fit any message");
    out
}

/// Splits a complete output into its messages.
pub fn messages(codec: Codec, buf: &[u8], max: usize) -> Result<Vec<&[u8]>, ConnectorError> {
    match codec {
        Codec::Json => json_messages(buf, max),
        Codec::Proto => proto_messages(buf, max),
    }
}

/// Non-blank lines of newline-delimited JSON; the last line need not end with a newline.
pub fn json_messages(buf: &[u8], max: usize) -> Result<Vec<&[u8]>, ConnectorError> {
    let mut out = Vec::new();
    for line in buf.split(|b| *b == b'\n') {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if line.len() > max {
            return Err(ConnectorError::OutputTooLarge { limit: max });
        }
        out.push(line);
    }
    Ok(out)
}

/// Length-prefixed protobuf frames. A truncated frame is a protocol error; a frame whose
/// declared length is over `max` is refused before anything is allocated for it.
pub fn proto_messages(mut buf: &[u8], max: usize) -> Result<Vec<&[u8]>, ConnectorError> {
    let mut out = Vec::new();
    while !buf.is_empty() {
        if buf.len() < 4 {
            return Err(ConnectorError::Protocol {
                message: format!(
                    "truncated protobuf frame: {} byte(s) where a 4-byte length prefix was expected",
                    buf.len()
                ),
                excerpt: excerpt(buf),
            });
        }
        let len = u32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]) as usize;
        let rest = &buf[4..];
        if looks_like_json(buf) && (len > max || rest.len() < len) {
            return Err(ConnectorError::Protocol {
                message: "expected length-prefixed protobuf, but the output looks like JSON \
                          (set `protobuf: false`, or use --protocol flow-json)"
                    .into(),
                excerpt: excerpt(buf),
            });
        }
        if len > max {
            return Err(ConnectorError::OutputTooLarge { limit: max });
        }
        if rest.len() < len {
            return Err(ConnectorError::Protocol {
                message: format!(
                    "truncated protobuf frame: the prefix announces {len} bytes but only {} arrived",
                    rest.len()
                ),
                excerpt: excerpt(buf),
            });
        }
        out.push(&rest[..len]);
        buf = &rest[len..];
    }
    Ok(out)
}

fn looks_like_json(buf: &[u8]) -> bool {
    buf.first() == Some(&b'{')
        && buf
            .get(1)
            .is_some_and(|b| *b == b'"' || b.is_ascii_whitespace())
}

/// Reads a stream to its end, failing with `OutputTooLarge` once it passes `limit` bytes
/// (at most `limit + 1` bytes are ever buffered).
pub async fn read_bounded<R: AsyncRead + Unpin>(
    reader: R,
    limit: usize,
) -> Result<Vec<u8>, ConnectorError> {
    let mut buf = Vec::new();
    reader
        .take(limit as u64 + 1)
        .read_to_end(&mut buf)
        .await
        .map_err(|e| ConnectorError::Io(format!("reading the connector's output: {e}")))?;
    if buf.len() > limit {
        return Err(ConnectorError::OutputTooLarge { limit });
    }
    Ok(buf)
}

/// A printable excerpt of at most [`EXCERPT_CHARS`] characters: invalid UTF-8 and control
/// characters are escaped so binary output cannot garble a terminal.
pub fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(EXCERPT_CHARS * 4)]);
    let mut out = String::new();
    let mut count = 0;
    for c in text.chars() {
        let piece: String = if c.is_control() {
            c.escape_default().collect()
        } else {
            c.to_string()
        };
        let n = piece.chars().count();
        if count + n > EXCERPT_CHARS - 1 {
            out.push('…');
            return out;
        }
        count += n;
        out.push_str(&piece);
    }
    if bytes.len() > EXCERPT_CHARS * 4 && !out.ends_with('…') {
        // Only reachable when the first bytes were mostly invalid UTF-8.
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_skip_blanks_and_need_no_final_newline() {
        let buf = b"\n{\"a\":1}\n  \n{\"b\":2}";
        let m = json_messages(buf, 100).unwrap();
        assert_eq!(m, vec![&b"{\"a\":1}"[..], &b"{\"b\":2}"[..]]);
        assert!(json_messages(b"\n\n", 100).unwrap().is_empty());
        assert!(matches!(
            json_messages(b"{\"a\":\"0123456789\"}", 5),
            Err(ConnectorError::OutputTooLarge { limit: 5 })
        ));
        assert_eq!(
            frame_json(&serde_json::json!({"x": 1})).unwrap(),
            b"{\"x\":1}\n"
        );
    }

    #[test]
    fn proto_frames_round_trip_and_faults() {
        let mut buf = Vec::new();
        buf.extend_from_slice(&3u32.to_le_bytes());
        buf.extend_from_slice(b"abc");
        buf.extend_from_slice(&0u32.to_le_bytes());
        let m = proto_messages(&buf, 10).unwrap();
        assert_eq!(m, vec![&b"abc"[..], &b""[..]]);

        // Truncated prefix, truncated body, over the limit.
        assert!(matches!(
            proto_messages(&[1, 0], 10),
            Err(ConnectorError::Protocol { .. })
        ));
        let err = proto_messages(b"{\"spec\":{}}\n", DEFAULT_MAX_MESSAGE).unwrap_err();
        assert!(err.to_string().contains("looks like JSON"), "{err}");
        assert!(err.to_string().contains("received: {\"spec"), "{err}");
        let err = proto_messages(&[9, 0, 0, 0, 1, 2], 10).unwrap_err();
        assert!(
            err.to_string().contains("announces 9 bytes but only 2"),
            "{err}"
        );
        let mut big = (11u32).to_le_bytes().to_vec();
        big.extend_from_slice(&[0; 11]);
        assert!(matches!(
            proto_messages(&big, 10),
            Err(ConnectorError::OutputTooLarge { limit: 10 })
        ));
        // A huge announced length is refused without reading or allocating it.
        assert!(matches!(
            proto_messages(&u32::MAX.to_le_bytes(), DEFAULT_MAX_MESSAGE),
            Err(ConnectorError::OutputTooLarge { .. })
        ));
    }

    #[tokio::test]
    async fn reads_are_bounded() {
        let data = vec![b'x'; 1000];
        assert_eq!(read_bounded(&data[..], 1000).await.unwrap().len(), 1000);
        assert!(matches!(
            read_bounded(&data[..], 999).await,
            Err(ConnectorError::OutputTooLarge { limit: 999 })
        ));
    }

    #[test]
    fn excerpts_are_bounded_and_printable() {
        assert_eq!(excerpt(b"hello"), "hello");
        let long = "x".repeat(1000);
        let e = excerpt(long.as_bytes());
        assert_eq!(e.chars().count(), EXCERPT_CHARS);
        assert!(e.ends_with('…'));
        let e = excerpt(&[0, 1, 0xff, b'a', b'\n']);
        assert_eq!(e, "\\u{0}\\u{1}\u{fffd}a\\n");
        let binary: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
        assert!(excerpt(&binary).chars().count() <= EXCERPT_CHARS);
    }
}
