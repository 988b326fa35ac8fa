//! Running the `sops` binary: finding it, knowing its version, feeding it a document over
//! stdin (never argv, environment or a file), and turning its failures into [`SopsError`]s
//! that say what went wrong and what to do. sops never prints plaintext on failure, and
//! nothing here logs what goes in or comes out.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use crate::secrets::Secret;

/// The oldest sops that can encrypt from stdin (`sops encrypt --filename-override`, 3.10.0):
/// older ones would need the plaintext in a file.
pub const MIN_ENCRYPT: Version = Version(3, 10, 0);

/// Environment variables sops reads as key flags (`--age` is `$SOPS_AGE_RECIPIENTS`, ...).
/// They are removed from every sops flowspec runs, so the keys used are exactly the ones
/// flowspec chose and showed (a stray variable would silently replace a `.sops.yaml` rule's).
pub const KEY_VARIABLES: &[&str] = &[
    "SOPS_AGE_RECIPIENTS",
    "SOPS_KMS_ARN",
    "SOPS_GCP_KMS_IDS",
    "SOPS_AZURE_KEYVAULT_URLS",
    "SOPS_VAULT_URIS",
    "SOPS_PGP_FP",
    "SOPS_HUAWEICLOUD_KMS_IDS",
    "SOPS_CONFIG",
];

/// How to run sops. Defaults: `$FLOWSPEC_SOPS` or `sops` on `PATH`, inherited environment
/// (which carries `SOPS_AGE_KEY_FILE`, cloud credentials and so on).
#[derive(Debug, Clone, Default)]
pub struct SopsOptions {
    pub binary: Option<PathBuf>,
    /// Extra environment for the sops process.
    pub env: Vec<(String, String)>,
}

impl SopsOptions {
    /// The binary to run.
    pub fn binary(&self) -> PathBuf {
        self.binary
            .clone()
            .or_else(|| std::env::var_os("FLOWSPEC_SOPS").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("sops"))
    }
}

/// A sops version, `major.minor.patch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(pub u32, pub u32, pub u32);

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

impl Version {
    /// The version in `sops --version` output (`sops 3.11.0 (latest)`).
    pub fn parse(output: &str) -> Option<Version> {
        let word = output
            .split_whitespace()
            .map(|w| w.trim_start_matches('v'))
            .find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))?;
        let mut parts = word
            .split(|c: char| !c.is_ascii_digit())
            .map(|p| p.parse::<u32>().ok());
        Some(Version(
            parts.next()??,
            parts.next()??,
            parts.next().flatten().unwrap_or(0),
        ))
    }
}

/// Why sops could not do what was asked. Each names the cause and the way out; none quotes
/// a value of the document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SopsError {
    #[error("cannot run `{binary}` ({reason}); install sops 3.10 or newer, or set FLOWSPEC_SOPS to its path")]
    Missing { binary: String, reason: String },
    #[error("`{binary}` is sops {found}; encrypting without a plaintext file needs sops {MIN_ENCRYPT} or newer (it reads the document from stdin): upgrade it, or set FLOWSPEC_SOPS to a newer one")]
    TooOld { binary: String, found: String },
    #[error("no key here can decrypt it: {detail} (set SOPS_AGE_KEY_FILE to the age key it was encrypted for, or provide the KMS/PGP credentials)")]
    NoKey { detail: String },
    #[error("the key here is not one it was encrypted for: {detail} (use the age key or KMS access of one of its recipients)")]
    WrongKey { detail: String },
    #[error("MAC mismatch: a value was changed without sops after it was encrypted, so sops refuses to trust it")]
    MacMismatch,
    #[error("a ciphertext value is damaged and does not decrypt ({detail})")]
    Tampered { detail: String },
    #[error("the document is not sops-encrypted")]
    NotEncrypted,
    #[error("the document is already sops-encrypted (it has a top-level `sops` key); edit it instead of encrypting it again")]
    AlreadyEncrypted,
    #[error("no sops key is configured: {detail}")]
    NoKeys { detail: String },
    #[error("sops exited with status {code}: {message}")]
    Failed { code: String, message: String },
    #[error("sops wrote something flowspec cannot use: {0}; nothing was written")]
    Verify(String),
    #[error("{0}")]
    Io(String),
}

/// A binary by path and modification time.
type Stamp = (PathBuf, Option<std::time::SystemTime>);

/// The version of the sops at `binary` (`--version --disable-version-check`, which stays
/// off the network), asked once per binary and modification time in this process.
pub fn version(binary: &Path) -> Result<Version, SopsError> {
    static SEEN: Mutex<Option<HashMap<Stamp, Version>>> = Mutex::new(None);
    let stamp = resolve(binary)
        .and_then(|p| std::fs::metadata(p).ok())
        .and_then(|m| m.modified().ok());
    let key = (binary.to_path_buf(), stamp);
    if let Some(v) = SEEN
        .lock()
        .ok()
        .and_then(|s| s.as_ref().and_then(|m| m.get(&key).copied()))
    {
        return Ok(v);
    }
    let out = Command::new(binary)
        .args(["--version", "--disable-version-check"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| missing(binary, &e))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let v = Version::parse(&text).ok_or_else(|| SopsError::Failed {
        code: out.status.code().map_or("?".into(), |c| c.to_string()),
        message: format!("`{} --version` printed no version", binary.display()),
    })?;
    if let Ok(mut s) = SEEN.lock() {
        s.get_or_insert_with(HashMap::new).insert(key, v);
    }
    Ok(v)
}

/// Fails unless the sops at `binary` can encrypt from stdin.
pub fn require_encrypt(binary: &Path) -> Result<Version, SopsError> {
    let v = version(binary)?;
    if v < MIN_ENCRYPT {
        return Err(SopsError::TooOld {
            binary: binary.display().to_string(),
            found: v.to_string(),
        });
    }
    Ok(v)
}

/// Where `binary` is: as given when it has a `/`, else the first match on `PATH`.
fn resolve(binary: &Path) -> Option<PathBuf> {
    if binary.components().count() > 1 {
        return Some(binary.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(binary))
        .find(|p| p.is_file())
}

fn missing(binary: &Path, e: &std::io::Error) -> SopsError {
    SopsError::Missing {
        binary: binary.display().to_string(),
        reason: crate::catalog::load::io_message(e),
    }
}

/// Runs sops with `args`, `input` on stdin, the key variables removed and `opts.env` added;
/// returns its stdout, or its failure explained. The working directory is `/`: nothing sops
/// finds by walking up from it (a `.sops.yaml`) can apply, and callers pass `--config`.
pub fn run(
    opts: &SopsOptions,
    args: &[String],
    input: &[u8],
) -> Result<Secret<Vec<u8>>, SopsError> {
    let binary = opts.binary();
    let mut cmd = Command::new(&binary);
    cmd.args(args)
        .current_dir("/")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for v in KEY_VARIABLES {
        cmd.env_remove(v);
    }
    cmd.envs(opts.env.iter().map(|(k, v)| (k, v)));
    let mut child = cmd.spawn().map_err(|e| missing(&binary, &e))?;
    let mut stdin = child.stdin.take().expect("piped");
    // Written from a thread so a sops that fails early cannot deadlock us on a full pipe.
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child
        .wait_with_output()
        .map_err(|e| SopsError::Io(e.to_string()))?;
    let _ = writer.join();
    if !out.status.success() {
        return Err(classify(
            out.status.code(),
            &String::from_utf8_lossy(&out.stderr),
        ));
    }
    Ok(Secret::new(out.stdout))
}

/// sops's failure as a [`SopsError`], from its exit code and what it printed.
pub fn classify(code: Option<i32>, stderr: &str) -> SopsError {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let last = lines.last().copied().unwrap_or("").to_string();
    let has = |s: &str| stderr.contains(s);
    // The reason sops gives for a key, joined from its wrapped `| ...` lines.
    let reason = || {
        let joined: Vec<&str> = lines
            .iter()
            .filter_map(|l| l.strip_prefix("- |").or_else(|| l.strip_prefix('|')))
            .map(str::trim)
            .collect();
        let text = joined.join(" ");
        let text = text
            .split(". Did not find keys")
            .next()
            .unwrap_or("")
            .trim();
        if text.is_empty() {
            "sops could not get the data key".to_string()
        } else {
            text.to_string()
        }
    };
    match code {
        Some(128) if has("did not match") || has("incorrect identity") => {
            SopsError::WrongKey { detail: reason() }
        }
        Some(128) => SopsError::NoKey { detail: reason() },
        Some(51) => SopsError::MacMismatch,
        Some(25) => SopsError::Tampered { detail: last },
        Some(203) => SopsError::AlreadyEncrypted,
        Some(1) if has("metadata not found") => SopsError::NotEncrypted,
        Some(1) if has("no keys provided") || has("no matching creation rules") => {
            SopsError::NoKeys { detail: last }
        }
        _ if has("Could not decrypt value") || has("message authentication failed") => {
            SopsError::Tampered { detail: last }
        }
        _ => SopsError::Failed {
            code: code.map_or("unknown".into(), |c| c.to_string()),
            message: last,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_order() {
        assert_eq!(
            Version::parse("sops 3.11.0 (latest)\n"),
            Some(Version(3, 11, 0))
        );
        assert_eq!(Version::parse("sops 3.7.3"), Some(Version(3, 7, 3)));
        assert_eq!(Version::parse("sops v3.9"), Some(Version(3, 9, 0)));
        assert_eq!(Version::parse("nothing here"), None);
        assert!(Version(3, 9, 4) < MIN_ENCRYPT && MIN_ENCRYPT <= Version(3, 11, 0));
    }

    #[test]
    fn failures_are_told_apart() {
        let no_key = "Failed to get the data key required to decrypt the SOPS file.\n\nGroup 0: FAILED\n  age1x: FAILED\n    - | failed to load age identities. Errors while loading age\n      | identities: failed to open SOPS_AGE_KEY_FILE file: open\n      | /nonexistent: no such file or directory. Did not find keys\n      | in locations 'SOPS_AGE_SSH_PRIVATE_KEY_FILE'\n";
        let e = classify(Some(128), no_key);
        assert!(
            matches!(&e, SopsError::NoKey { detail } if detail.contains("failed to open SOPS_AGE_KEY_FILE")),
            "{e}"
        );
        let wrong = "Group 0: FAILED\n  age1x: FAILED\n    - | failed to create reader for decrypting sops data key with\n      | age: identity did not match any of the recipients\n";
        assert!(matches!(
            classify(Some(128), wrong),
            SopsError::WrongKey { .. }
        ));
        assert_eq!(
            classify(Some(51), "MAC mismatch. File has A, computed B"),
            SopsError::MacMismatch
        );
        assert!(matches!(
            classify(Some(25), "Error decrypting tree: Could not decrypt value"),
            SopsError::Tampered { .. }
        ));
        assert_eq!(
            classify(Some(203), "contains a top-level entry called 'sops'"),
            SopsError::AlreadyEncrypted
        );
        assert_eq!(
            classify(Some(1), "sops metadata not found"),
            SopsError::NotEncrypted
        );
        assert!(matches!(classify(Some(1), "config file not found, or has no creation rules, and no keys provided through command line options"), SopsError::NoKeys { .. }));
        assert!(
            matches!(classify(Some(2), "boom"), SopsError::Failed { code, message } if code == "2" && message == "boom")
        );
    }

    #[test]
    fn a_missing_binary_says_how_to_get_one() {
        let opts = SopsOptions {
            binary: Some("/nonexistent/sops".into()),
            env: vec![],
        };
        let e = run(&opts, &[], b"{}").unwrap_err();
        let m = e.to_string();
        assert!(
            m.contains("cannot run `/nonexistent/sops`") && m.contains("FLOWSPEC_SOPS"),
            "{m}"
        );
        assert!(matches!(
            version(Path::new("/nonexistent/sops")),
            Err(SopsError::Missing { .. })
        ));
    }
}
