//! Secret byte strings that do not leak into logs, and secrets given on the command line.

use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{Ordering, compiler_fence};

use base64::Engine as _;

use super::error::CryptoError;

/// Key bytes. `Debug` prints only the length, and the bytes are overwritten with zeros when
/// the value is dropped, so a key does not linger in freed memory or end up in a log line.
#[derive(Clone, Default)]
pub struct SecretBytes(Vec<u8>);

impl SecretBytes {
    /// Takes ownership of `bytes`.
    pub fn new(bytes: Vec<u8>) -> Self {
        SecretBytes(bytes)
    }

    /// Copies `bytes`.
    pub fn from_slice(bytes: &[u8]) -> Self {
        SecretBytes(bytes.to_vec())
    }

    /// The key bytes. The name makes every use visible in review.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Number of bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True for an empty secret.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Mutable access for code in this module tree that decrypts straight into a secret.
    pub(crate) fn bytes_mut(&mut self) -> &mut [u8] {
        &mut self.0
    }

    /// Shortens the secret; the cut bytes stay in the allocation and are zeroed on drop.
    pub(crate) fn truncate(&mut self, len: usize) {
        self.0.truncate(len);
    }

    /// Constant-time equality (lengths are compared first; the length is not secret).
    pub fn ct_eq(&self, other: &[u8]) -> bool {
        self.0.len() == other.len() && openssl::memcmp::eq(&self.0, other)
    }
}

impl From<Vec<u8>> for SecretBytes {
    fn from(bytes: Vec<u8>) -> Self {
        SecretBytes(bytes)
    }
}

impl PartialEq for SecretBytes {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(&other.0)
    }
}

impl Eq for SecretBytes {}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes([redacted; {} bytes])", self.0.len())
    }
}

impl Drop for SecretBytes {
    fn drop(&mut self) {
        // Volatile writes so the compiler cannot drop the "dead" stores; the fence keeps them
        // before the deallocation. Spare capacity never held more than what `truncate`
        // left behind, so zero the whole allocation.
        let len = self.0.capacity();
        let ptr = self.0.as_mut_ptr();
        for i in 0..len {
            // SAFETY: `ptr` is valid for writes of `capacity` bytes of the live allocation;
            // u8 has no invalid bit patterns and no drop glue.
            unsafe { std::ptr::write_volatile(ptr.add(i), 0) };
        }
        compiler_fence(Ordering::SeqCst);
    }
}

/// Where a command-line secret came from, for reports (never the value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// `hex:...`
    Hex,
    /// `base64:...`
    Base64,
    /// `file:PATH`, the raw bytes of the file.
    File(PathBuf),
    /// Anything else: the UTF-8 bytes of the text.
    Text,
}

impl fmt::Display for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretSource::Hex => f.write_str("hex value"),
            SecretSource::Base64 => f.write_str("base64 value"),
            SecretSource::File(path) => write!(f, "file {}", path.display()),
            SecretSource::Text => f.write_str("text value"),
        }
    }
}

/// A symmetric secret given on the command line (`--hmac-secret V`, `--aes-key V`):
/// `hex:...`, `base64:...`, `file:PATH`, or any other text taken as its UTF-8 bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretSpec {
    pub source: SecretSource,
    pub bytes: SecretBytes,
}

impl SecretSpec {
    /// Parses `spec`, reading the file for `file:`. Errors never echo the value. An empty
    /// secret is refused: it is always a mistake on a command line.
    pub fn parse(spec: &str) -> Result<SecretSpec, CryptoError> {
        let (source, bytes) = if let Some(rest) = spec.strip_prefix("hex:") {
            let clean: String = rest.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            let bytes = hex::decode(&clean).map_err(|e| CryptoError::BadSecretSpec {
                kind: "hex",
                reason: hex_reason(&e),
            })?;
            (SecretSource::Hex, bytes)
        } else if let Some(rest) = spec.strip_prefix("base64:") {
            let clean: String = rest.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(clean.as_bytes())
                .map_err(|e| CryptoError::BadSecretSpec {
                    kind: "base64",
                    reason: base64_reason(&e),
                })?;
            (SecretSource::Base64, bytes)
        } else if let Some(path) = spec.strip_prefix("file:") {
            let path = PathBuf::from(path);
            let bytes =
                super::keys::read_key_file(&path).map_err(|e| CryptoError::BadSecretSpec {
                    kind: "file",
                    reason: format!("cannot read {}: {e}", path.display()),
                })?;
            (SecretSource::File(path), bytes)
        } else {
            (SecretSource::Text, spec.as_bytes().to_vec())
        };
        let bytes = SecretBytes::new(bytes);
        if bytes.is_empty() {
            return Err(CryptoError::BadSecretSpec {
                kind: source_kind(&source),
                reason: "the secret is empty".to_string(),
            });
        }
        Ok(SecretSpec { source, bytes })
    }
}

fn source_kind(source: &SecretSource) -> &'static str {
    match source {
        SecretSource::Hex => "hex",
        SecretSource::Base64 => "base64",
        SecretSource::File(_) => "file",
        SecretSource::Text => "text",
    }
}

/// Describes a hex error by position only (the `hex` crate's message would quote the
/// offending character, which is part of the secret).
fn hex_reason(err: &hex::FromHexError) -> String {
    match err {
        hex::FromHexError::InvalidHexCharacter { index, .. } => {
            format!("not a hex digit at position {index}")
        }
        hex::FromHexError::OddLength => "odd number of hex digits".to_string(),
        hex::FromHexError::InvalidStringLength => "invalid length".to_string(),
    }
}

/// Describes a base64 error by position only, for the same reason.
fn base64_reason(err: &base64::DecodeError) -> String {
    match err {
        base64::DecodeError::InvalidByte(index, _) => {
            format!("invalid base64 character at position {index}")
        }
        base64::DecodeError::InvalidLength(len) => format!("invalid length {len}"),
        base64::DecodeError::InvalidLastSymbol { offset, .. } => {
            format!("invalid last symbol at position {offset}")
        }
        base64::DecodeError::InvalidPadding => "invalid padding".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = SecretBytes::from_slice(b"topsecret");
        assert_eq!(format!("{s:?}"), "SecretBytes([redacted; 9 bytes])");
        let spec = SecretSpec::parse("topsecret").unwrap();
        assert!(!format!("{spec:?}").contains("topsecret"));
    }

    #[test]
    fn parses_each_form() {
        assert_eq!(
            SecretSpec::parse("hex:00ff").unwrap().bytes.expose(),
            &[0, 255]
        );
        assert_eq!(
            SecretSpec::parse("hex:00 FF").unwrap().bytes.expose(),
            &[0, 255]
        );
        assert_eq!(
            SecretSpec::parse("base64:AP8=").unwrap().bytes.expose(),
            &[0, 255]
        );
        let text = SecretSpec::parse("secret").unwrap();
        assert_eq!(text.source, SecretSource::Text);
        assert_eq!(text.bytes.expose(), b"secret");
        // A colon alone does not make a prefix.
        assert_eq!(SecretSpec::parse("a:b").unwrap().bytes.expose(), b"a:b");
    }

    #[test]
    fn reads_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.bin");
        std::fs::write(&path, [1u8, 2, 3, 0]).unwrap();
        let spec = SecretSpec::parse(&format!("file:{}", path.display())).unwrap();
        assert_eq!(spec.bytes.expose(), &[1, 2, 3, 0]);
        assert_eq!(spec.source, SecretSource::File(path));
    }

    #[test]
    fn errors_do_not_echo_the_value() {
        for bad in [
            "hex:zzQWERTYzz",
            "hex:abc",
            "base64:QWE!RTY",
            "base64:QWERTYx",
        ] {
            let err = SecretSpec::parse(bad).unwrap_err();
            let text = format!("{err} {err:?}");
            assert!(matches!(err, CryptoError::BadSecretSpec { .. }), "{bad}");
            assert!(!text.contains("QWE") && !text.contains('!'), "{text}");
        }
        assert!(matches!(
            SecretSpec::parse("hex:"),
            Err(CryptoError::BadSecretSpec { kind: "hex", .. })
        ));
        assert!(matches!(
            SecretSpec::parse("file:/nonexistent/wskex/key"),
            Err(CryptoError::BadSecretSpec { kind: "file", .. })
        ));
    }

    #[test]
    fn equality_is_by_value() {
        assert_eq!(
            SecretBytes::from_slice(b"ab"),
            SecretBytes::from_slice(b"ab")
        );
        assert_ne!(
            SecretBytes::from_slice(b"ab"),
            SecretBytes::from_slice(b"abc")
        );
        assert!(SecretBytes::from_slice(b"ab").ct_eq(b"ab"));
    }
}
