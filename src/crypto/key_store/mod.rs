//! The keys an auditor supplies, and choosing the right one for a key reference.
//!
//! Keys are chosen by what the message says (thumbprint, SubjectKeyIdentifier, issuer and
//! serial, KeyName, RSAKeyValue, embedded certificate), never by trying every private key:
//! RSA PKCS#1 v1.5 decryption with the wrong key can "succeed" with garbage, which would
//! silently give a wrong key. Every match says in words which key was used and why.

mod matching;
mod selector;
#[cfg(test)]
mod tests;

use std::path::Path;

use openssl::pkey::{PKey, Public};

use super::certificate::Certificate;
use super::chain::TrustAnchors;
use super::error::CryptoError;
use super::keys::{KeyMaterial, PrivateKey, PublicKey, load_certificate_file, load_key_file};
use super::secret::SecretBytes;

pub use matching::match_public;
use matching::{match_private, single, single_public};
pub use selector::KeySelector;
use selector::describe_selectors;

/// A private key and, when known, its certificate.
#[derive(Debug, Clone)]
pub struct PrivateKeyEntry {
    pub key: PrivateKey,
    pub certificate: Option<Certificate>,
}

impl PrivateKeyEntry {
    /// The key by its holder, as formulas and key choices name it: its certificate's
    /// subject (`CN=bob`), or the key file when no certificate came with it.
    pub fn describe(&self) -> String {
        match &self.certificate {
            Some(cert) => cert.short_name(),
            None => self.key.label().to_string(),
        }
    }

    /// The key by its holder and its file (`CN=bob (keys/bob.key.pem)`), for refusals and
    /// ambiguities, where the user has to know which supplied file is meant.
    pub fn describe_with_file(&self) -> String {
        match &self.certificate {
            Some(cert) => format!("{} ({})", cert.short_name(), self.key.label()),
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

    /// The key by its holder (`CN=alice`), or its file when no certificate names a holder.
    pub fn name(&self) -> String {
        match self {
            PublicKeySource::Certificate(cert) => cert.short_name(),
            PublicKeySource::PrivateKey(entry) => entry.describe(),
            PublicKeySource::PublicKey(key) => key.label().to_string(),
        }
    }

    /// Where the key came from (the supplied file), for refusals and ambiguities.
    pub fn label(&self) -> String {
        match self {
            PublicKeySource::Certificate(cert) => cert.label().to_string(),
            PublicKeySource::PrivateKey(entry) => entry.describe_with_file(),
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
                    reason: format!("{}: the only public key supplied", only.name()),
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
            .map(PrivateKeyEntry::describe_with_file)
            .collect::<Vec<_>>()
            .join(", ")
    }
}
