//! The one way flowspec reads a file that a catalog names or a user points it at.
//!
//! A catalog is untrusted input: an import or a config reference may name `/dev/zero`,
//! `/dev/urandom`, `/dev/tty`, a FIFO or a file of many gigabytes. Read naively, such a path
//! exhausts memory, hangs forever, or (a terminal) swallows the keys the user types. So every
//! read here:
//! - refuses anything but a regular file: checked with `stat` before opening (opening some
//!   devices has side effects of its own) and again with `fstat` on the opened descriptor (the
//!   path may have been swapped in between);
//! - opens with `O_NONBLOCK | O_NOCTTY | O_CLOEXEC`, so that nothing that slips through can
//!   block the open, become the controlling terminal, or leak into a connector process;
//! - stops at a size cap ([`DEFAULT_MAX_BYTES`], or [`MAX_SIZE_ENV`] when set).

use std::fs::{FileType, Metadata, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// The size cap when [`MAX_SIZE_ENV`] is not set: far above any real catalog file, far below
/// what would hurt the machine.
pub const DEFAULT_MAX_BYTES: u64 = 64 << 20;

/// The environment variable that sets the size cap: bytes, or a number with `K`, `M` or `G`
/// (binary multiples: `512K`, `128M`, `1G`).
pub const MAX_SIZE_ENV: &str = "FLOWSPEC_MAX_FILE_SIZE";

/// Why a file could not be read, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// There is no such file (callers that create missing files tell this case apart).
    #[error("file not found")]
    NotFound,
    /// Any other failure of the operating system (permission denied, a symlink loop, ...).
    #[error("{0}")]
    Io(String),
    /// A directory, FIFO, socket or device: never read.
    #[error("not a regular file: it is {0}")]
    NotRegular(&'static str),
    /// The file is larger than the cap.
    #[error(
        "the file is larger than {}, the most flowspec reads from one file (set {MAX_SIZE_ENV} to change it)",
        show_size(*.limit)
    )]
    TooLarge { limit: u64 },
    /// Bytes that are not UTF-8, located at the first bad one (1-based line and column).
    #[error("not valid UTF-8 (first bad byte at line {line}, column {col})")]
    NotUtf8 { line: u32, col: u32 },
    /// [`MAX_SIZE_ENV`] holds something that is not a size.
    #[error("{MAX_SIZE_ENV}=`{0}` is not a size; write a number of bytes, or one with K, M or G such as 64M")]
    BadLimit(String),
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::NotFound => ReadError::NotFound,
            _ => ReadError::Io(io_message(&e)),
        }
    }
}

/// Human text for an I/O error, without Rust's `(os error N)` noise.
pub fn io_message(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "file not found".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::IsADirectory => "is a directory, not a file".into(),
        _ if e.raw_os_error() == Some(libc::ELOOP) => {
            "too many levels of symbolic links (a symlink loop?)".into()
        }
        _ if e.raw_os_error() == Some(libc::EISDIR) => "is a directory, not a file".into(),
        _ => {
            let s = e.to_string();
            s.split(" (os error").next().unwrap_or(&s).to_string()
        }
    }
}

/// The size cap in force: [`MAX_SIZE_ENV`] when set, else [`DEFAULT_MAX_BYTES`].
pub fn max_bytes() -> Result<u64, ReadError> {
    match std::env::var(MAX_SIZE_ENV) {
        Ok(v) if !v.trim().is_empty() => parse_size(&v).ok_or(ReadError::BadLimit(v)),
        _ => Ok(DEFAULT_MAX_BYTES),
    }
}

/// `1048576`, `512K`, `64M`, `1G` (also `64MiB`, `64mb`): a number of bytes.
fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits.parse().ok()?;
    let unit = unit.trim().to_ascii_lowercase();
    let shift = match unit.trim_end_matches("ib").trim_end_matches('b') {
        "" => 0,
        "k" => 10,
        "m" => 20,
        "g" => 30,
        _ => return None,
    };
    n.checked_mul(1 << shift)
}

/// `64 MiB` for whole mebibytes, otherwise the number of bytes.
fn show_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// Reads a file's bytes under the size cap in force.
pub fn bytes(path: &Path) -> Result<Vec<u8>, ReadError> {
    bytes_limited(path, max_bytes()?)
}

/// Reads a file's text (UTF-8) under the size cap in force.
pub fn text(path: &Path) -> Result<String, ReadError> {
    utf8(bytes(path)?)
}

/// Reads a file's bytes, refusing anything but a regular file of at most `limit` bytes.
pub fn bytes_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    regular(&std::fs::metadata(path)?)?;
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC)
        .open(path)?;
    let meta = file.metadata()?;
    regular(&meta)?;
    if meta.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    let mut out = Vec::with_capacity(meta.len() as usize);
    // The file may grow after the fstat: read one byte past the cap to notice.
    file.take(limit.saturating_add(1)).read_to_end(&mut out)?;
    if out.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(out)
}

fn regular(meta: &Metadata) -> Result<(), ReadError> {
    if meta.file_type().is_file() {
        Ok(())
    } else {
        Err(ReadError::NotRegular(kind(meta.file_type())))
    }
}

fn kind(t: FileType) -> &'static str {
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "an unknown kind of file"
    }
}

/// Checks that `bytes` are UTF-8; the error locates the first bad byte.
pub fn utf8(bytes: Vec<u8>) -> Result<String, ReadError> {
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = good.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        // The column counts characters, as editors do.
        let col = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
        ReadError::NotUtf8 {
            line: line as u32,
            col: col as u32,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_read_up_to_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.yaml");
        std::fs::write(&p, "a: 1\n").unwrap();
        assert_eq!(bytes_limited(&p, 5).unwrap(), b"a: 1\n");
        assert_eq!(bytes_limited(&p, 4), Err(ReadError::TooLarge { limit: 4 }));
        assert_eq!(
            bytes_limited(&dir.path().join("nope"), 10),
            Err(ReadError::NotFound)
        );
    }

    #[test]
    fn everything_but_regular_files_is_refused_without_reading() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let sock = dir.path().join("sock");
        let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
        let cases = [
            (fifo.as_path(), "a FIFO (named pipe)"),
            (dir.path(), "a directory"),
            (sock.as_path(), "a socket"),
            (Path::new("/dev/zero"), "a character device"),
            (Path::new("/dev/urandom"), "a character device"),
            (Path::new("/dev/null"), "a character device"),
        ];
        for (path, what) in cases {
            assert_eq!(
                bytes_limited(path, 1 << 20),
                Err(ReadError::NotRegular(what)),
                "{}",
                path.display()
            );
        }
        // A symlink to a device is the device.
        let link = dir.path().join("link.yaml");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        assert_eq!(
            bytes_limited(&link, 10),
            Err(ReadError::NotRegular("a character device"))
        );
    }

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("1048576"), Some(1 << 20));
        assert_eq!(parse_size("512K"), Some(512 << 10));
        assert_eq!(parse_size("64M"), Some(64 << 20));
        assert_eq!(parse_size("64MiB"), Some(64 << 20));
        assert_eq!(parse_size(" 1g "), Some(1 << 30));
        assert_eq!(parse_size("12kb"), Some(12 << 10));
        assert_eq!(parse_size("lots"), None);
        assert_eq!(parse_size("5T"), None);
        assert_eq!(parse_size("99999999999999999999G"), None);
        assert_eq!(parse_size("17179869184G"), None);
        assert_eq!(show_size(DEFAULT_MAX_BYTES), "64 MiB");
        assert_eq!(show_size(1000), "1000 bytes");
    }

    #[test]
    fn utf8_errors_locate_the_first_bad_byte_in_characters() {
        assert_eq!(utf8(b"ok\n".to_vec()).unwrap(), "ok\n");
        assert_eq!(
            utf8(b"a: 1\nb: \xc3\xa9\xff\n".to_vec()),
            Err(ReadError::NotUtf8 { line: 2, col: 5 })
        );
        assert_eq!(
            utf8(b"\xff".to_vec()),
            Err(ReadError::NotUtf8 { line: 1, col: 1 })
        );
    }
}
