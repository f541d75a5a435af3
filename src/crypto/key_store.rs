//! The keys an auditor supplies, and choosing the right one for a key reference.
//!
//! Keys are chosen by what the message says (thumbprint, SubjectKeyIdentifier, issuer and
//! serial, KeyName, RSAKeyValue, embedded certificate), never by trying every private key:
//! RSA PKCS#1 v1.5 decryption with the wrong key can "succeed" with garbage, which would
//! silently give a wrong key. Every match says in words which key was used and why.

use std::fmt;
use std::path::Path;

use base64::Engine as _;
use openssl::pkey::{PKey, Public};

use super::certificate::{Certificate, SkiSource};
use super::chain::TrustAnchors;
use super::dn::NormalizedName;
use super::error::CryptoError;
use super::keys::{KeyMaterial, PrivateKey, PublicKey, load_certificate_file, load_key_file};
use super::secret::SecretBytes;

/// What a message says about the key it used, free of XML.
#[derive(Clone, PartialEq, Eq)]
pub enum KeySelector {
    /// `ThumbprintSHA1` KeyIdentifier: SHA-1 of the DER certificate.
    ThumbprintSha1(Vec<u8>),
    /// `X509SubjectKeyIdentifier` KeyIdentifier or `ds:X509SKI`.
    SubjectKeyIdentifier(Vec<u8>),
    /// `ds:X509IssuerSerial`; the serial is decimal as in `ds:X509SerialNumber`.
    IssuerSerial { issuer: String, serial: String },
    /// `ds:KeyName`.
    KeyName(String),
    /// `ds:RSAKeyValue` (big-endian modulus and exponent).
    RsaKeyValue { modulus: Vec<u8>, exponent: Vec<u8> },
    /// An embedded certificate (BinarySecurityToken, `ds:X509Certificate`), DER.
    Certificate(Vec<u8>),
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

impl fmt::Display for KeySelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySelector::ThumbprintSha1(v) => write!(f, "certificate thumbprint {}", b64(v)),
            KeySelector::SubjectKeyIdentifier(v) => {
                write!(f, "subject key identifier {}", b64(v))
            }
            KeySelector::IssuerSerial { issuer, serial } => {
                write!(f, "issuer \"{issuer}\" serial {serial}")
            }
            KeySelector::KeyName(name) => write!(f, "key name \"{name}\""),
            KeySelector::RsaKeyValue { modulus, .. } => write!(
                f,
                "RSA public key ({} bit modulus)",
                strip_leading_zeros(modulus).len() * 8
            ),
            KeySelector::Certificate(der) => match Certificate::from_der(der, "embedded") {
                Ok(cert) => write!(f, "embedded certificate of {}", cert.subject()),
                Err(_) => f.write_str("embedded certificate (unparsable)"),
            },
        }
    }
}

impl fmt::Debug for KeySelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeySelector({self})")
    }
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[first..]
}

/// A private key and, when known, its certificate.
#[derive(Debug, Clone)]
pub struct PrivateKeyEntry {
    pub key: PrivateKey,
    pub certificate: Option<Certificate>,
}

impl PrivateKeyEntry {
    /// "key.pem" or "cert.pem paired with key.pem".
    pub fn describe(&self) -> String {
        match &self.certificate {
            Some(cert) if cert.label() == self.key.label() => self.key.label().to_string(),
            Some(cert) => format!("{} paired with {}", cert.label(), self.key.label()),
            None => self.key.label().to_string(),
        }
    }
}

/// What a symmetric key is for, to choose between the unnamed defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymmetricPurpose {
    /// HMAC signatures (`--hmac-secret`).
    Hmac,
    /// Encryption or key wrapping (`--aes-key`).
    Encryption,
}

/// A supplied symmetric key.
#[derive(Debug, Clone)]
pub struct SymmetricKey {
    /// The KeyName it answers to; `None` for the unnamed defaults.
    pub name: Option<String>,
    /// Where it came from ("--aes-key (hex value)").
    pub label: String,
    pub secret: SecretBytes,
}

/// A chosen key and the reason, in words, for choosing it.
#[derive(Debug, Clone)]
pub struct KeyMatch<T> {
    pub key: T,
    pub reason: String,
    /// True when nothing in the message could be checked against the key: it was used
    /// because it was the user's evident choice, not because it matched.
    pub assumed: bool,
}

/// Where a verification key comes from.
#[derive(Debug, Clone, Copy)]
pub enum PublicKeySource<'a> {
    Certificate(&'a Certificate),
    PrivateKey(&'a PrivateKeyEntry),
    PublicKey(&'a PublicKey),
}

impl PublicKeySource<'_> {
    pub fn public_key(&self) -> Result<PKey<Public>, CryptoError> {
        match self {
            PublicKeySource::Certificate(cert) => cert.public_key(),
            PublicKeySource::PrivateKey(entry) => {
                Ok(PKey::public_key_from_der(&entry.key.public_key_der()?)?)
            }
            PublicKeySource::PublicKey(key) => Ok(key.pkey().to_owned()),
        }
    }

    pub fn label(&self) -> String {
        match self {
            PublicKeySource::Certificate(cert) => cert.label().to_string(),
            PublicKeySource::PrivateKey(entry) => entry.describe(),
            PublicKeySource::PublicKey(key) => key.label().to_string(),
        }
    }

    pub fn certificate(&self) -> Option<&Certificate> {
        match self {
            PublicKeySource::Certificate(cert) => Some(cert),
            PublicKeySource::PrivateKey(entry) => entry.certificate.as_ref(),
            PublicKeySource::PublicKey(_) => None,
        }
    }
}

/// All supplied keys.
#[derive(Debug, Default, Clone)]
pub struct KeyStore {
    private_keys: Vec<PrivateKeyEntry>,
    certificates: Vec<Certificate>,
    public_keys: Vec<PublicKey>,
    named_secrets: Vec<SymmetricKey>,
    default_hmac: Option<SymmetricKey>,
    default_encryption: Option<SymmetricKey>,
    trust: TrustAnchors,
}

impl KeyStore {
    pub fn new() -> Self {
        KeyStore::default()
    }

    /// `--key PATH [--password P]`: a private key file or PKCS#12 bundle (with whatever
    /// certificates it holds).
    pub fn add_key_file(&mut self, path: &Path, password: Option<&str>) -> Result<(), CryptoError> {
        let material = load_key_file(path, password)?;
        self.add_material(material);
        Ok(())
    }

    /// `--cert PATH`: certificates, paired with a supplied private key when the public
    /// keys are equal, otherwise kept as verification keys.
    pub fn add_cert_file(&mut self, path: &Path) -> Result<(), CryptoError> {
        for cert in load_certificate_file(path)? {
            self.add_certificate(cert);
        }
        Ok(())
    }

    /// Adds everything in `material` (keys first, so its certificates pair with them).
    pub fn add_material(&mut self, material: KeyMaterial) {
        for key in material.private_keys {
            self.add_private_key(key);
        }
        for cert in material.certificates {
            self.add_certificate(cert);
        }
        for key in material.public_keys {
            self.add_public_key(key);
        }
    }

    /// Adds a private key; a lone certificate with the same public key is paired with it.
    /// The same key supplied twice is kept once.
    pub fn add_private_key(&mut self, key: PrivateKey) {
        if self
            .private_keys
            .iter()
            .any(|e| e.key.matches_public(key.pkey()))
        {
            return;
        }
        let paired = self.certificates.iter().position(|cert| {
            cert.public_key()
                .map(|p| key.matches_public(&p))
                .unwrap_or(false)
        });
        let certificate = paired.map(|i| self.certificates.remove(i));
        self.private_keys.push(PrivateKeyEntry { key, certificate });
    }

    /// Adds a certificate: paired with the private key it belongs to, else kept alone.
    pub fn add_certificate(&mut self, cert: Certificate) {
        let Ok(public) = cert.public_key() else {
            self.certificates.push(cert);
            return;
        };
        if let Some(entry) = self
            .private_keys
            .iter_mut()
            .find(|e| e.key.matches_public(&public))
        {
            if entry.certificate.is_none() {
                entry.certificate = Some(cert);
            }
            return;
        }
        // The same certificate supplied twice is kept once.
        if let Ok(der) = cert.to_der()
            && self
                .certificates
                .iter()
                .any(|c| c.to_der().is_ok_and(|other| other == der))
        {
            return;
        }
        self.certificates.push(cert);
    }

    pub fn add_public_key(&mut self, key: PublicKey) {
        self.public_keys.push(key);
    }

    /// A symmetric key that answers to `ds:KeyName` `name`.
    pub fn add_named_secret(&mut self, name: &str, secret: SecretBytes, label: &str) {
        self.named_secrets.push(SymmetricKey {
            name: Some(name.to_string()),
            label: label.to_string(),
            secret,
        });
    }

    /// The HMAC secret given without a name (`--hmac-secret V`).
    pub fn set_default_hmac_secret(&mut self, secret: SecretBytes, label: &str) {
        self.default_hmac = Some(SymmetricKey {
            name: None,
            label: label.to_string(),
            secret,
        });
    }

    /// The encryption key given without a name (`--aes-key V`).
    pub fn set_default_encryption_key(&mut self, secret: SecretBytes, label: &str) {
        self.default_encryption = Some(SymmetricKey {
            name: None,
            label: label.to_string(),
            secret,
        });
    }

    /// Whether the user named who may sign: a certificate, a private key with its
    /// certificate, or a trust anchor (`--ca`). Then a key a message carries is no identity
    /// unless it is one of them or chains to an anchor.
    pub fn supplies_certificates(&self) -> bool {
        !self.certificates.is_empty()
            || self.private_keys.iter().any(|e| e.certificate.is_some())
            || !self.trust.is_empty()
    }

    /// `--ca PATH`: trust anchors for the chains of certificates a message carries.
    pub fn add_ca_file(&mut self, path: &Path) -> Result<(), CryptoError> {
        for cert in load_certificate_file(path)? {
            self.trust.add(cert);
        }
        Ok(())
    }

    pub fn trust(&self) -> &TrustAnchors {
        &self.trust
    }

    pub fn trust_mut(&mut self) -> &mut TrustAnchors {
        &mut self.trust
    }

    pub fn private_keys(&self) -> &[PrivateKeyEntry] {
        &self.private_keys
    }

    /// Certificates not paired with a private key.
    pub fn certificates(&self) -> &[Certificate] {
        &self.certificates
    }

    pub fn public_keys(&self) -> &[PublicKey] {
        &self.public_keys
    }

    pub fn named_secrets(&self) -> &[SymmetricKey] {
        &self.named_secrets
    }

    /// The private key a message designates. With no selector at all, the only private key
    /// supplied is used; with selectors, only a key they designate.
    pub fn find_private_key(
        &self,
        selectors: &[KeySelector],
    ) -> Result<KeyMatch<&PrivateKeyEntry>, CryptoError> {
        self.find_private_key_among(selectors, &[])
    }

    /// [`KeyStore::find_private_key`], also knowing the certificates the message `carried`:
    /// when the selectors name one of those (or a supplied certificate) whose key was not
    /// supplied, no other key is assumed in its place.
    pub fn find_private_key_among(
        &self,
        selectors: &[KeySelector],
        carried: &[Certificate],
    ) -> Result<KeyMatch<&PrivateKeyEntry>, CryptoError> {
        if selectors.is_empty() {
            return match self.private_keys.as_slice() {
                [only] => Ok(KeyMatch {
                    key: only,
                    reason: format!("{}: the only private key supplied", only.describe()),
                    assumed: false,
                }),
                [] => Err(CryptoError::NoMatchingKey {
                    selector: "the message names no key and no private key was supplied"
                        .to_string(),
                }),
                many => Err(CryptoError::NoMatchingKey {
                    selector: format!(
                        "the message names no key and {} private keys were supplied ({})",
                        many.len(),
                        self.describe_private_keys()
                    ),
                }),
            };
        }
        for selector in selectors {
            let matches: Vec<(&PrivateKeyEntry, String)> = self
                .private_keys
                .iter()
                .filter_map(|entry| match_private(entry, selector).map(|why| (entry, why)))
                .collect();
            if let Some(found) = single(selector, matches)? {
                return Ok(found);
            }
        }
        if let Some((named, selector)) =
            super::named_certificate::designated(selectors, self.certificates.iter().chain(carried))
        {
            // The named certificate may be the one of a key supplied without it.
            if let Ok(public) = named.public_key()
                && let Some(entry) = self
                    .private_keys
                    .iter()
                    .find(|e| e.key.matches_public(&public))
            {
                return Ok(KeyMatch {
                    key: entry,
                    reason: format!(
                        "{}: its public key is the one of {}, the certificate the message names (by {selector})",
                        entry.describe(),
                        named.subject()
                    ),
                    assumed: false,
                });
            }
            return Err(CryptoError::NoMatchingKey {
                selector: super::named_certificate::refusal(
                    named,
                    &selector,
                    &self.describe_private_keys(),
                ),
            });
        }
        // A thumbprint or an issuer/serial can only be checked against a certificate. When
        // the message names its key only that way and exactly one private key came without
        // its certificate, that key is the user's evident choice: use it, and say that it was
        // assumed rather than matched (a wrong assumption fails later, visibly).
        let needs_certificate = selectors.iter().all(|s| {
            matches!(
                s,
                KeySelector::ThumbprintSha1(_) | KeySelector::IssuerSerial { .. }
            )
        });
        let uncertified: Vec<&PrivateKeyEntry> = self
            .private_keys
            .iter()
            .filter(|e| e.certificate.is_none())
            .collect();
        if needs_certificate && let [only] = uncertified.as_slice() {
            return Ok(KeyMatch {
                key: only,
                reason: format!(
                    "{}: assumed, not matched: the message names its key by {} and this private key was \
                     supplied without its certificate (add it with --cert to have it checked)",
                    only.describe(),
                    describe_selectors(selectors)
                ),
                assumed: true,
            });
        }
        Err(CryptoError::NoMatchingKey {
            selector: format!(
                "no private key for {} (supplied: {})",
                describe_selectors(selectors),
                self.describe_private_keys()
            ),
        })
    }

    /// The verification key a message designates, from certificates, private keys' public
    /// halves and bare public keys. A certificate embedded in the message that the user did
    /// not supply is not found here: trusting it is the caller's decision, not a key lookup.
    pub fn find_public_key(
        &self,
        selectors: &[KeySelector],
    ) -> Result<KeyMatch<PublicKeySource<'_>>, CryptoError> {
        let sources: Vec<PublicKeySource<'_>> = self
            .certificates
            .iter()
            .map(PublicKeySource::Certificate)
            .chain(self.private_keys.iter().map(PublicKeySource::PrivateKey))
            .chain(self.public_keys.iter().map(PublicKeySource::PublicKey))
            .collect();
        if selectors.is_empty() {
            return match sources.as_slice() {
                [only] => Ok(KeyMatch {
                    key: *only,
                    reason: format!("{}: the only public key supplied", only.label()),
                    assumed: false,
                }),
                _ => Err(CryptoError::NoMatchingKey {
                    selector: format!(
                        "the message names no key and {} public keys were supplied",
                        sources.len()
                    ),
                }),
            };
        }
        for selector in selectors {
            let matches: Vec<(PublicKeySource<'_>, String)> = sources
                .iter()
                .filter_map(|source| match_public(source, selector).map(|why| (*source, why)))
                .collect();
            if let Some(found) = single_public(selector, matches)? {
                return Ok(found);
            }
        }
        let labels: Vec<String> = sources.iter().map(PublicKeySource::label).collect();
        Err(CryptoError::NoMatchingKey {
            selector: format!(
                "no public key for {} (supplied: {})",
                describe_selectors(selectors),
                if labels.is_empty() {
                    "none".to_string()
                } else {
                    labels.join(", ")
                }
            ),
        })
    }

    /// The symmetric key for a `ds:KeyName` (or none), for HMAC or encryption. A KeyName
    /// that names no supplied secret falls back to the unnamed default for the purpose,
    /// and the reason says so.
    pub fn find_symmetric(
        &self,
        selectors: &[KeySelector],
        purpose: SymmetricPurpose,
    ) -> Result<KeyMatch<&SymmetricKey>, CryptoError> {
        let names: Vec<&str> = selectors
            .iter()
            .filter_map(|s| match s {
                KeySelector::KeyName(n) => Some(n.as_str()),
                _ => None,
            })
            .collect();
        for name in &names {
            let wanted = name.trim();
            if let Some(key) = self
                .named_secrets
                .iter()
                .find(|k| k.name.as_deref() == Some(wanted))
            {
                return Ok(KeyMatch {
                    key,
                    reason: format!("key name \"{wanted}\" is the secret {}", key.label),
                    assumed: false,
                });
            }
        }
        let default = match purpose {
            SymmetricPurpose::Hmac => self.default_hmac.as_ref(),
            SymmetricPurpose::Encryption => self.default_encryption.as_ref(),
        };
        let why_default = if names.is_empty() {
            "the message names no key".to_string()
        } else {
            format!("no supplied secret is named \"{}\"", names.join("\", \""))
        };
        if let Some(key) = default {
            return Ok(KeyMatch {
                key,
                reason: format!("{why_default}; using the default {}", key.label),
                assumed: false,
            });
        }
        if names.is_empty()
            && let [only] = self.named_secrets.as_slice()
        {
            return Ok(KeyMatch {
                key: only,
                reason: format!(
                    "{why_default}; using {}, the only secret supplied",
                    only.label
                ),
                assumed: false,
            });
        }
        Err(CryptoError::NoMatchingKey {
            selector: format!(
                "{why_default} and no default {} was supplied",
                match purpose {
                    SymmetricPurpose::Hmac => "HMAC secret",
                    SymmetricPurpose::Encryption => "encryption key",
                }
            ),
        })
    }

    fn describe_private_keys(&self) -> String {
        if self.private_keys.is_empty() {
            return "no private keys".to_string();
        }
        self.private_keys
            .iter()
            .map(PrivateKeyEntry::describe)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn describe_selectors(selectors: &[KeySelector]) -> String {
    selectors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" or ")
}

/// Exactly one private key, or none, or ambiguity.
fn single<'a>(
    selector: &KeySelector,
    matches: Vec<(&'a PrivateKeyEntry, String)>,
) -> Result<Option<KeyMatch<&'a PrivateKeyEntry>>, CryptoError> {
    match matches.as_slice() {
        [] => Ok(None),
        [(key, reason)] => Ok(Some(KeyMatch {
            key,
            reason: reason.clone(),
            assumed: false,
        })),
        _ => Err(CryptoError::AmbiguousKey {
            selector: selector.to_string(),
            candidates: matches
                .iter()
                .map(|(e, _)| e.describe())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// Exactly one distinct public key, or none, or ambiguity (the same key reached through a
/// certificate and a private key counts once).
fn single_public<'a>(
    selector: &KeySelector,
    matches: Vec<(PublicKeySource<'a>, String)>,
) -> Result<Option<KeyMatch<PublicKeySource<'a>>>, CryptoError> {
    let Some((first, reason)) = matches.first().cloned() else {
        return Ok(None);
    };
    let first_key = first.public_key()?;
    for (other, _) in &matches[1..] {
        if !other.public_key()?.public_eq(&first_key) {
            return Err(CryptoError::AmbiguousKey {
                selector: selector.to_string(),
                candidates: matches
                    .iter()
                    .map(|(s, _)| s.label())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    Ok(Some(KeyMatch {
        key: first,
        reason,
        assumed: false,
    }))
}

/// Why `cert` is what `selector` designates, or `None`.
fn match_certificate(cert: &Certificate, selector: &KeySelector) -> Option<String> {
    match selector {
        KeySelector::ThumbprintSha1(value) => (cert.thumbprint_sha1().ok()? == *value)
            .then(|| format!("{selector} matches {}", cert.label())),
        KeySelector::SubjectKeyIdentifier(value) => {
            let (ski, source) = cert.subject_key_identifier().ok()?;
            if ski == *value {
                return Some(match source {
                    SkiSource::Extension => format!(
                        "{selector} matches the SubjectKeyIdentifier extension of {}",
                        cert.label()
                    ),
                    SkiSource::ComputedFromKey => format!(
                        "{selector} matches SHA-1 of the public key bits of {} (X.509 v{} certificate without a SubjectKeyIdentifier extension)",
                        cert.label(),
                        cert.version()
                    ),
                });
            }
            // Some stacks send the computed value even when the extension exists.
            (source == SkiSource::Extension && cert.computed_key_identifier().ok()? == *value).then(
                || {
                    format!(
                        "{selector} matches SHA-1 of the public key bits of {}",
                        cert.label()
                    )
                },
            )
        }
        KeySelector::IssuerSerial { issuer, serial } => (cert.serial_matches(serial)
            && cert.issuer_matches(issuer))
        .then(|| format!("{selector} matches {}", cert.label())),
        KeySelector::KeyName(name) => {
            let wanted = name.trim();
            let by_subject = !wanted.is_empty()
                && (NormalizedName::parse(wanted)
                    .matches(&NormalizedName::from_x509(cert.x509().subject_name()))
                    || common_name(cert).is_some_and(|cn| cn.eq_ignore_ascii_case(wanted)));
            if by_subject {
                Some(format!(
                    "{selector} matches the subject of {}",
                    cert.label()
                ))
            } else {
                name_matches_label(wanted, cert.label())
                    .then(|| format!("{selector} matches the file name {}", cert.label()))
            }
        }
        KeySelector::RsaKeyValue { .. } => {
            let public = cert.public_key().ok()?;
            rsa_value_matches(&public, selector)
                .then(|| format!("{selector} is the key of {}", cert.label()))
        }
        KeySelector::Certificate(der) => {
            if cert.to_der().ok()? == *der {
                return Some(format!("the embedded certificate is {}", cert.label()));
            }
            let embedded = Certificate::from_der(der, "embedded")
                .ok()?
                .public_key()
                .ok()?;
            let own = cert.public_key().ok()?;
            embedded.public_eq(&own).then(|| {
                format!(
                    "the embedded certificate's public key is that of {}",
                    cert.label()
                )
            })
        }
    }
}

fn common_name(cert: &Certificate) -> Option<String> {
    cert.x509()
        .subject_name()
        .entries_by_nid(openssl::nid::Nid::COMMONNAME)
        .next()
        .and_then(|e| e.data().to_string().ok())
}

/// `rampart2008-service` matches `keys/rampart2008-service.key.pem`.
fn name_matches_label(wanted: &str, label: &str) -> bool {
    if wanted.is_empty() {
        return false;
    }
    let file = Path::new(label)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut stem = file.as_str();
    for suffix in [
        ".pem", ".der", ".crt", ".cer", ".p12", ".pfx", ".key", ".cert", ".pub",
    ] {
        stem = stem.strip_suffix(suffix).unwrap_or(stem);
        stem = stem.strip_suffix(suffix).unwrap_or(stem);
    }
    stem == wanted || file == wanted
}

fn rsa_value_matches<T: openssl::pkey::HasPublic>(
    key: &openssl::pkey::PKeyRef<T>,
    selector: &KeySelector,
) -> bool {
    let KeySelector::RsaKeyValue { modulus, exponent } = selector else {
        return false;
    };
    let Ok(rsa) = key.rsa() else {
        return false;
    };
    strip_leading_zeros(modulus) == rsa.n().to_vec().as_slice()
        && strip_leading_zeros(exponent) == rsa.e().to_vec().as_slice()
}

fn match_private(entry: &PrivateKeyEntry, selector: &KeySelector) -> Option<String> {
    let paired = |why: String| -> String {
        match &entry.certificate {
            Some(cert) if cert.label() != entry.key.label() => {
                format!("{why}, paired with {}", entry.key.label())
            }
            _ => why,
        }
    };
    if let Some(cert) = &entry.certificate
        && let Some(why) = match_certificate(cert, selector)
    {
        return Some(paired(why));
    }
    // What the key alone can answer (no certificate, or the certificate did not match).
    let key = &entry.key;
    match selector {
        KeySelector::SubjectKeyIdentifier(value) => (key.computed_key_identifier().ok()? == *value)
            .then(|| {
                format!(
                    "{selector} matches SHA-1 of the public key bits of {}",
                    key.label()
                )
            }),
        KeySelector::KeyName(name) => name_matches_label(name.trim(), key.label())
            .then(|| format!("{selector} matches the file name {}", key.label())),
        KeySelector::RsaKeyValue { .. } => rsa_value_matches(key.pkey(), selector)
            .then(|| format!("{selector} is the public half of {}", key.label())),
        KeySelector::Certificate(der) => {
            let embedded = Certificate::from_der(der, "embedded")
                .ok()?
                .public_key()
                .ok()?;
            key.matches_public(&embedded).then(|| {
                format!(
                    "the embedded certificate's public key is that of {}",
                    key.label()
                )
            })
        }
        KeySelector::ThumbprintSha1(_) | KeySelector::IssuerSerial { .. } => None,
    }
}

pub(super) fn match_public(source: &PublicKeySource<'_>, selector: &KeySelector) -> Option<String> {
    match source {
        PublicKeySource::Certificate(cert) => match_certificate(cert, selector),
        PublicKeySource::PrivateKey(entry) => match_private(entry, selector),
        PublicKeySource::PublicKey(key) => match selector {
            KeySelector::KeyName(name) => name_matches_label(name.trim(), key.label())
                .then(|| format!("{selector} matches the file name {}", key.label())),
            KeySelector::RsaKeyValue { .. } => rsa_value_matches(key.pkey(), selector)
                .then(|| format!("{selector} is {}", key.label())),
            KeySelector::SubjectKeyIdentifier(value) => {
                let spki = key.pkey().public_key_to_der().ok()?;
                (super::certificate::key_identifier_from_spki(&spki).ok()? == *value).then(|| {
                    format!(
                        "{selector} matches SHA-1 of the public key bits of {}",
                        key.label()
                    )
                })
            }
            KeySelector::Certificate(der) => {
                let embedded = Certificate::from_der(der, "embedded").ok()?;
                embedded
                    .public_key()
                    .ok()?
                    .public_eq(key.pkey())
                    .then(|| format!("the embedded certificate's public key is {}", key.label()))
            }
            KeySelector::ThumbprintSha1(_) | KeySelector::IssuerSerial { .. } => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::test_keys::{rsa_2048, rsa_2048_other};
    use openssl::asn1::Asn1Time;
    use openssl::bn::BigNum;
    use openssl::hash::MessageDigest;
    use openssl::pkey::Private;
    use openssl::x509::{X509, X509Name};

    fn self_signed(key: &PKey<Private>, cn: &str, serial: u32, label: &str) -> Certificate {
        let mut name = X509Name::builder().unwrap();
        name.append_entry_by_text("C", "LK").unwrap();
        name.append_entry_by_text("O", "Apache").unwrap();
        name.append_entry_by_text("CN", cn).unwrap();
        let name = name.build();
        let mut b = X509::builder().unwrap();
        b.set_version(2).unwrap();
        b.set_serial_number(&BigNum::from_u32(serial).unwrap().to_asn1_integer().unwrap())
            .unwrap();
        b.set_subject_name(&name).unwrap();
        b.set_issuer_name(&name).unwrap();
        b.set_pubkey(key).unwrap();
        b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
            .unwrap();
        b.set_not_after(&Asn1Time::days_from_now(30).unwrap())
            .unwrap();
        b.sign(key, MessageDigest::sha256()).unwrap();
        Certificate::new(b.build(), label)
    }

    fn store_with_two_keys() -> (KeyStore, Certificate, Certificate) {
        let cert_a = self_signed(rsa_2048(), "Service A", 1001, "keys/a.cert.pem");
        let cert_b = self_signed(rsa_2048_other(), "Service B", 1002, "keys/b.cert.pem");
        let mut store = KeyStore::new();
        // Certificate before key for A, key before certificate for B: both must pair.
        store.add_certificate(cert_a.clone());
        store.add_private_key(PrivateKey::new(rsa_2048().clone(), "keys/a.key.pem"));
        store.add_private_key(PrivateKey::new(rsa_2048_other().clone(), "keys/b.key.pem"));
        store.add_certificate(cert_b.clone());
        (store, cert_a, cert_b)
    }

    #[test]
    fn pairs_certificates_with_their_keys() {
        let (store, _, _) = store_with_two_keys();
        assert_eq!(store.private_keys().len(), 2);
        assert!(store.certificates().is_empty());
        assert!(store.private_keys().iter().all(|e| e.certificate.is_some()));
    }

    #[test]
    fn finds_by_each_selector_and_says_why() {
        let (store, cert_a, cert_b) = store_with_two_keys();
        let found = store
            .find_private_key(&[KeySelector::ThumbprintSha1(
                cert_b.thumbprint_sha1().unwrap(),
            )])
            .unwrap();
        assert_eq!(found.key.key.label(), "keys/b.key.pem");
        assert!(
            found.reason.contains("certificate thumbprint")
                && found.reason.contains("keys/b.cert.pem")
                && found.reason.contains("paired with keys/b.key.pem"),
            "{}",
            found.reason
        );
        let (ski, _) = cert_a.subject_key_identifier().unwrap();
        let selectors = [
            KeySelector::SubjectKeyIdentifier(ski),
            KeySelector::IssuerSerial {
                issuer: "CN=Service A, O=Apache, C=LK".to_string(),
                serial: "1001".to_string(),
            },
            KeySelector::KeyName("a".to_string()),
            KeySelector::KeyName("Service A".to_string()),
            KeySelector::Certificate(cert_a.to_der().unwrap()),
            KeySelector::RsaKeyValue {
                modulus: [vec![0], rsa_2048().rsa().unwrap().n().to_vec()].concat(),
                exponent: rsa_2048().rsa().unwrap().e().to_vec(),
            },
        ];
        for selector in selectors {
            let found = store
                .find_private_key(std::slice::from_ref(&selector))
                .unwrap();
            assert_eq!(found.key.key.label(), "keys/a.key.pem", "{selector}");
            let public = store
                .find_public_key(std::slice::from_ref(&selector))
                .unwrap();
            assert!(public.key.public_key().unwrap().public_eq(rsa_2048()));
        }
    }

    #[test]
    fn wrong_serial_or_unknown_key_is_no_match_not_a_guess() {
        let (store, _, _) = store_with_two_keys();
        let err = store
            .find_private_key(&[
                KeySelector::IssuerSerial {
                    issuer: "CN=Service A,O=Apache,C=LK".to_string(),
                    serial: "1002".to_string(),
                },
                KeySelector::ThumbprintSha1(vec![1; 20]),
            ])
            .unwrap_err();
        match err {
            CryptoError::NoMatchingKey { selector } => {
                assert!(selector.contains("serial 1002"), "{selector}");
                assert!(selector.contains("AQEBAQEB"), "{selector}");
                assert!(selector.contains("keys/a.cert.pem paired with keys/a.key.pem"));
            }
            other => panic!("{other:?}"),
        }
        // No selector with two keys: refuse to guess.
        assert!(matches!(
            store.find_private_key(&[]),
            Err(CryptoError::NoMatchingKey { .. })
        ));
    }

    #[test]
    fn only_key_without_selector() {
        let mut store = KeyStore::new();
        store.add_private_key(PrivateKey::new(rsa_2048().clone(), "k.pem"));
        // The same key again is not a second key.
        store.add_private_key(PrivateKey::new(rsa_2048().clone(), "k-copy.pem"));
        let found = store.find_private_key(&[]).unwrap();
        assert!(found.reason.contains("the only private key supplied"));
        // A key without certificate answers SKI from its key bits.
        let ski = found.key.key.computed_key_identifier().unwrap();
        assert!(
            store
                .find_private_key(&[KeySelector::SubjectKeyIdentifier(ski)])
                .is_ok()
        );
        // A thumbprint needs the certificate: the only uncertified key is assumed, and the
        // reason says so.
        let assumed = store
            .find_private_key(&[KeySelector::ThumbprintSha1(vec![0; 20])])
            .unwrap();
        assert!(
            assumed.reason.contains("assumed, not matched"),
            "{}",
            assumed.reason
        );
        // With a second uncertified key nothing is assumed.
        store.add_private_key(PrivateKey::new(rsa_2048_other().clone(), "other.pem"));
        assert!(
            store
                .find_private_key(&[KeySelector::ThumbprintSha1(vec![0; 20])])
                .is_err()
        );
    }

    #[test]
    fn ambiguous_names_are_refused() {
        let mut store = KeyStore::new();
        store.add_certificate(self_signed(rsa_2048(), "Same", 1, "x.pem"));
        store.add_certificate(self_signed(rsa_2048_other(), "Same", 2, "y.pem"));
        assert!(matches!(
            store.find_public_key(&[KeySelector::KeyName("Same".to_string())]),
            Err(CryptoError::AmbiguousKey { .. })
        ));
        // The serial disambiguates.
        let found = store
            .find_public_key(&[KeySelector::IssuerSerial {
                issuer: "CN=Same,O=Apache,C=LK".to_string(),
                serial: "2".to_string(),
            }])
            .unwrap();
        assert_eq!(found.key.label(), "y.pem");
    }

    #[test]
    fn symmetric_keys_by_name_and_defaults() {
        let mut store = KeyStore::new();
        assert!(matches!(
            store.find_symmetric(&[], SymmetricPurpose::Hmac),
            Err(CryptoError::NoMatchingKey { .. })
        ));
        store.add_named_secret(
            "job",
            SecretBytes::from_slice(b"abcdefghijklmnop"),
            "--aes-key job",
        );
        let only = store
            .find_symmetric(&[], SymmetricPurpose::Encryption)
            .unwrap();
        assert!(only.reason.contains("the only secret supplied"));
        store.set_default_hmac_secret(
            SecretBytes::from_slice(b"secret"),
            "--hmac-secret (text value)",
        );
        let by_name = store
            .find_symmetric(
                &[KeySelector::KeyName("job".to_string())],
                SymmetricPurpose::Encryption,
            )
            .unwrap();
        assert_eq!(by_name.key.secret.expose(), b"abcdefghijklmnop");
        let fallback = store
            .find_symmetric(
                &[KeySelector::KeyName("jeb".to_string())],
                SymmetricPurpose::Hmac,
            )
            .unwrap();
        assert_eq!(fallback.key.secret.expose(), b"secret");
        assert!(
            fallback
                .reason
                .contains("no supplied secret is named \"jeb\"")
        );
        assert!(matches!(
            store.find_symmetric(
                &[KeySelector::KeyName("jeb".to_string())],
                SymmetricPurpose::Encryption
            ),
            Err(CryptoError::NoMatchingKey { .. })
        ));
        // Secrets never show in Debug output.
        assert!(!format!("{store:?}").contains("abcdefghijklmnop"));
    }
}
