//! Loading key material from files: private keys (PEM or DER; PKCS#1, PKCS#8, encrypted
//! PKCS#8), certificates (PEM, possibly several, or DER), bare public keys, and PKCS#12
//! bundles (including legacy RC2/3DES `.pfx`). Every item keeps a label, the path it came
//! from, so reports can say which key was used.

use std::cell::Cell;
use std::fmt;
use std::path::Path;

use openssl::error::ErrorStack;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{PKey, PKeyRef, Private, Public};
use openssl::x509::X509;

use super::certificate::{Certificate, key_identifier_from_spki};
use super::der;
use super::error::CryptoError;
use super::provider::{ensure_legacy_provider, legacy_provider_loaded};
use super::signature::key_type_name;

/// A short reason from an OpenSSL error stack ("bad decrypt", "mac verify failure"), without
/// the file/line noise of its `Display`.
pub(crate) fn openssl_reason(err: &ErrorStack) -> String {
    let mut reasons: Vec<String> = Vec::new();
    for e in err.errors() {
        let text = match (e.reason(), e.data()) {
            (Some(r), Some(d)) if !d.is_empty() => format!("{r} ({d})"),
            (Some(r), _) => r.to_string(),
            (None, _) => continue,
        };
        if !reasons.contains(&text) {
            reasons.push(text);
        }
    }
    match (reasons.is_empty(), err.errors().first()) {
        (false, _) => reasons.join("; "),
        (true, Some(first)) => format!("OpenSSL error code {:#x}", first.code()),
        (true, None) => "unknown OpenSSL error".to_string(),
    }
}

fn has_reason(err: &ErrorStack, reason: &str) -> bool {
    err.errors().iter().any(|e| e.reason() == Some(reason))
}

/// A private key and where it came from.
#[derive(Clone)]
pub struct PrivateKey {
    pkey: PKey<Private>,
    label: String,
}

impl PrivateKey {
    pub fn new(pkey: PKey<Private>, label: impl Into<String>) -> Self {
        PrivateKey {
            pkey,
            label: label.into(),
        }
    }

    pub fn pkey(&self) -> &PKeyRef<Private> {
        &self.pkey
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    /// "RSA", "EC", ...
    pub fn key_type(&self) -> String {
        key_type_name(self.pkey.id())
    }

    /// Key size in bits (the RSA modulus size for RSA keys).
    pub fn bits(&self) -> u32 {
        self.pkey.bits()
    }

    /// DER SubjectPublicKeyInfo of the public half.
    pub fn public_key_der(&self) -> Result<Vec<u8>, CryptoError> {
        Ok(self.pkey.public_key_to_der()?)
    }

    /// SHA-1 over the public key bits (what a v1 certificate's SubjectKeyIdentifier would be).
    pub fn computed_key_identifier(&self) -> Result<Vec<u8>, CryptoError> {
        key_identifier_from_spki(&self.public_key_der()?)
    }

    /// True when `other` is the public half of this key.
    pub fn matches_public<T: openssl::pkey::HasPublic>(&self, other: &PKeyRef<T>) -> bool {
        self.pkey.public_eq(other)
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the key itself.
        write!(
            f,
            "PrivateKey {{ label: {:?}, type: {}, bits: {} }}",
            self.label,
            self.key_type(),
            self.bits()
        )
    }
}

/// A bare public key (a `PUBLIC KEY` PEM block) and where it came from.
#[derive(Clone)]
pub struct PublicKey {
    pkey: PKey<Public>,
    label: String,
}

impl PublicKey {
    pub fn new(pkey: PKey<Public>, label: impl Into<String>) -> Self {
        PublicKey {
            pkey,
            label: label.into(),
        }
    }

    pub fn pkey(&self) -> &PKeyRef<Public> {
        &self.pkey
    }

    pub fn label(&self) -> &str {
        &self.label
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PublicKey {{ label: {:?}, type: {}, bits: {} }}",
            self.label,
            key_type_name(self.pkey.id()),
            self.pkey.bits()
        )
    }
}

/// Everything found in one file.
#[derive(Debug, Clone, Default)]
pub struct KeyMaterial {
    pub private_keys: Vec<PrivateKey>,
    /// Certificates in file order; for PKCS#12 the key's own certificate comes first.
    pub certificates: Vec<Certificate>,
    pub public_keys: Vec<PublicKey>,
}

impl KeyMaterial {
    pub fn is_empty(&self) -> bool {
        self.private_keys.is_empty() && self.certificates.is_empty() && self.public_keys.is_empty()
    }
}

/// Loads whatever key material `path` holds (format detected from the content).
/// `password` opens encrypted private keys and PKCS#12 bundles.
pub fn load_key_file(path: &Path, password: Option<&str>) -> Result<KeyMaterial, CryptoError> {
    let source_name = path.display().to_string();
    let bytes = read_key_file(path).map_err(|reason| CryptoError::KeyLoad {
        source_name: source_name.clone(),
        reason,
    })?;
    load_key_bytes(&bytes, &source_name, password)
}

/// Largest key, certificate or secret file read: far above any real bundle, and a bound on
/// what `--key /dev/zero` can take.
pub const MAX_KEY_FILE_BYTES: u64 = 16 << 20;

/// Reads a key or secret file, at most [`MAX_KEY_FILE_BYTES`] (devices and FIFOs included).
pub(crate) fn read_key_file(path: &Path) -> Result<Vec<u8>, String> {
    let mut file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    crate::bounded_read::read_limited(&mut file, MAX_KEY_FILE_BYTES).map_err(|e| match e {
        crate::bounded_read::BoundedReadError::Io(e) => e.to_string(),
        _ => format!("larger than {MAX_KEY_FILE_BYTES} bytes, not a key file"),
    })
}

/// Loads the certificates of `path` (PEM with one or more certificates, or DER); a file with
/// no certificate is an error.
pub fn load_certificate_file(path: &Path) -> Result<Vec<Certificate>, CryptoError> {
    let source_name = path.display().to_string();
    let material = load_key_file(path, None)?;
    if material.certificates.is_empty() {
        return Err(CryptoError::KeyLoad {
            source_name,
            reason: "no certificate found".to_string(),
        });
    }
    Ok(material.certificates)
}

/// [`load_key_file`] on bytes already read; `source_name` labels the items.
pub fn load_key_bytes(
    bytes: &[u8],
    source_name: &str,
    password: Option<&str>,
) -> Result<KeyMaterial, CryptoError> {
    if let Some(password) = password
        && password.contains('\0')
    {
        return Err(CryptoError::KeyLoad {
            source_name: source_name.to_string(),
            reason: "the password contains a NUL character".to_string(),
        });
    }
    let material = if find_subslice(bytes, b"-----BEGIN ").is_some() {
        load_pem(bytes, source_name, password)?
    } else {
        load_der(bytes, source_name, password)?
    };
    if material.is_empty() {
        return Err(CryptoError::KeyLoad {
            source_name: source_name.to_string(),
            reason: "no private key, certificate or public key found".to_string(),
        });
    }
    Ok(material)
}

fn find_subslice(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// One `-----BEGIN X-----` ... `-----END X-----` block, with its label.
struct PemBlock<'a> {
    label: String,
    text: &'a [u8],
}

fn pem_blocks(bytes: &[u8]) -> Vec<PemBlock<'_>> {
    let mut blocks = Vec::new();
    let mut rest_start = 0;
    while let Some(rel) = find_subslice(&bytes[rest_start..], b"-----BEGIN ") {
        let start = rest_start + rel;
        let label_start = start + b"-----BEGIN ".len();
        let Some(label_len) = find_subslice(&bytes[label_start..], b"-----") else {
            break;
        };
        let label =
            String::from_utf8_lossy(&bytes[label_start..label_start + label_len]).into_owned();
        let end_marker = format!("-----END {label}-----");
        let search_from = label_start + label_len;
        let Some(end_rel) = find_subslice(&bytes[search_from..], end_marker.as_bytes()) else {
            break;
        };
        let end = search_from + end_rel + end_marker.len();
        blocks.push(PemBlock {
            label,
            text: &bytes[start..end],
        });
        rest_start = end;
    }
    blocks
}

fn load_pem(
    bytes: &[u8],
    source_name: &str,
    password: Option<&str>,
) -> Result<KeyMaterial, CryptoError> {
    let mut material = KeyMaterial::default();
    let blocks = pem_blocks(bytes);
    if blocks.is_empty() {
        return Err(CryptoError::KeyLoad {
            source_name: source_name.to_string(),
            reason: "unterminated PEM block".to_string(),
        });
    }
    for block in blocks {
        let load_error = |e: &ErrorStack| CryptoError::KeyLoad {
            source_name: source_name.to_string(),
            reason: format!("bad {} PEM block: {}", block.label, openssl_reason(e)),
        };
        match block.label.as_str() {
            "CERTIFICATE" | "X509 CERTIFICATE" => {
                let x509 = X509::from_pem(block.text).map_err(|e| load_error(&e))?;
                material
                    .certificates
                    .push(Certificate::new(x509, source_name));
            }
            "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY" | "ENCRYPTED PRIVATE KEY" => {
                let pkey = with_password(source_name, password, |callback| {
                    PKey::private_key_from_pem_callback(block.text, callback)
                })?;
                material
                    .private_keys
                    .push(PrivateKey::new(pkey, source_name));
            }
            "PUBLIC KEY" => {
                let pkey = PKey::public_key_from_pem(block.text).map_err(|e| load_error(&e))?;
                material.public_keys.push(PublicKey::new(pkey, source_name));
            }
            "RSA PUBLIC KEY" => {
                let rsa = openssl::rsa::Rsa::public_key_from_pem_pkcs1(block.text)
                    .map_err(|e| load_error(&e))?;
                let pkey = PKey::from_rsa(rsa).map_err(|e| load_error(&e))?;
                material.public_keys.push(PublicKey::new(pkey, source_name));
            }
            "PKCS12" => {
                return Err(CryptoError::KeyLoad {
                    source_name: source_name.to_string(),
                    reason: "PEM-armoured PKCS#12 is not supported; give the binary .p12/.pfx"
                        .to_string(),
                });
            }
            // Parameters and other blocks carry no key to use; skip them.
            _ => {}
        }
    }
    Ok(material)
}

/// Runs an OpenSSL loader with a password callback and turns its failure into
/// `PasswordRequired` / `WrongPassword` when a password was asked for.
fn with_password<F>(
    source_name: &str,
    password: Option<&str>,
    load: F,
) -> Result<PKey<Private>, CryptoError>
where
    F: FnOnce(
        &mut dyn FnMut(&mut [u8]) -> Result<usize, ErrorStack>,
    ) -> Result<PKey<Private>, ErrorStack>,
{
    let asked = Cell::new(false);
    let mut callback = |buf: &mut [u8]| -> Result<usize, ErrorStack> {
        asked.set(true);
        match password {
            Some(p) if p.len() <= buf.len() => {
                buf[..p.len()].copy_from_slice(p.as_bytes());
                Ok(p.len())
            }
            // No password (or one longer than OpenSSL's buffer): refuse to decrypt.
            _ => Err(ErrorStack::get()),
        }
    };
    match load(&mut callback) {
        Ok(pkey) => Ok(pkey),
        Err(_) if asked.get() && password.is_none() => Err(CryptoError::PasswordRequired {
            source_name: source_name.to_string(),
        }),
        Err(_) if asked.get() => Err(CryptoError::WrongPassword {
            source_name: source_name.to_string(),
        }),
        Err(e) => Err(CryptoError::KeyLoad {
            source_name: source_name.to_string(),
            reason: openssl_reason(&e),
        }),
    }
}

fn load_der(
    bytes: &[u8],
    source_name: &str,
    password: Option<&str>,
) -> Result<KeyMaterial, CryptoError> {
    let mut material = KeyMaterial::default();
    if der::looks_like_pkcs12(bytes)
        && let Ok(pkcs12) = Pkcs12::from_der(bytes)
    {
        return load_pkcs12(&pkcs12, source_name, password);
    }
    if der::looks_like_encrypted_pkcs8(bytes) {
        let pkey = with_password(source_name, password, |callback| {
            PKey::private_key_from_pkcs8_callback(bytes, callback)
        })?;
        material
            .private_keys
            .push(PrivateKey::new(pkey, source_name));
        return Ok(material);
    }
    if let Ok(x509) = X509::from_der(bytes) {
        material
            .certificates
            .push(Certificate::new(x509, source_name));
        return Ok(material);
    }
    if let Ok(pkey) = PKey::private_key_from_der(bytes) {
        material
            .private_keys
            .push(PrivateKey::new(pkey, source_name));
        return Ok(material);
    }
    if let Ok(pkey) = PKey::public_key_from_der(bytes) {
        material.public_keys.push(PublicKey::new(pkey, source_name));
        return Ok(material);
    }
    Err(CryptoError::KeyLoad {
        source_name: source_name.to_string(),
        reason: "not a PEM or DER private key, certificate, public key or PKCS#12 bundle"
            .to_string(),
    })
}

fn load_pkcs12(
    pkcs12: &Pkcs12,
    source_name: &str,
    password: Option<&str>,
) -> Result<KeyMaterial, CryptoError> {
    let pass = password.unwrap_or("");
    let mut parsed = pkcs12.parse2(pass);
    if let Err(e) = &parsed {
        if has_reason(e, "mac verify failure") {
            return Err(match password {
                None => CryptoError::PasswordRequired {
                    source_name: source_name.to_string(),
                },
                Some(_) => CryptoError::WrongPassword {
                    source_name: source_name.to_string(),
                },
            });
        }
        // The password is right (the MAC verified) but a cipher is missing: legacy RC2/3DES
        // bundles need the legacy provider. Load it now, only because this file needs it.
        if !legacy_provider_loaded() {
            ensure_legacy_provider().map_err(|reason| CryptoError::LegacyProviderUnavailable {
                source_name: source_name.to_string(),
                reason,
            })?;
            parsed = pkcs12.parse2(pass);
        }
    }
    let parsed = parsed.map_err(|e| CryptoError::KeyLoad {
        source_name: source_name.to_string(),
        reason: format!("PKCS#12: {}", openssl_reason(&e)),
    })?;
    let mut material = KeyMaterial::default();
    if let Some(pkey) = parsed.pkey {
        material
            .private_keys
            .push(PrivateKey::new(pkey, source_name));
    }
    if let Some(cert) = parsed.cert {
        material
            .certificates
            .push(Certificate::new(cert, source_name));
    }
    if let Some(chain) = parsed.ca {
        for cert in chain {
            material
                .certificates
                .push(Certificate::new(cert, format!("{source_name} (chain)")));
        }
    }
    Ok(material)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = load_key_bytes(&bytes, "fuzz", Some("pw"));
            let _ = load_key_bytes(&bytes, "fuzz", None);
            let mut pem = b"-----BEGIN CERTIFICATE-----\n".to_vec();
            pem.extend_from_slice(&bytes);
            let _ = load_key_bytes(&pem, "fuzz", None);
        }
    }

    #[test]
    fn pem_blocks_are_split_by_label() {
        let text = b"junk\n-----BEGIN A-----\nx\n-----END A-----\n-----BEGIN B-----\ny\n-----END B-----\n-----BEGIN C-----\n";
        let blocks = pem_blocks(text);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].label, "A");
        assert_eq!(blocks[1].label, "B");
    }
}
