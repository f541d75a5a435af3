//! X.509 certificates and the identifiers WS-Security messages use to point at them:
//! ThumbprintSHA1, SubjectKeyIdentifier and issuer name + serial number.

use std::fmt;

use openssl::asn1::Asn1Time;
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::pkey::{Id, PKey, Public};
use openssl::x509::{X509, X509Ref};

use super::der;
use super::dn::{NormalizedName, display_name};
use super::error::CryptoError;

/// Where a SubjectKeyIdentifier value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkiSource {
    /// The certificate's subjectKeyIdentifier extension.
    Extension,
    /// SHA-1 over the subjectPublicKey bits, the value WSS4J, .NET and others use for
    /// certificates without the extension (X.509 v1); RFC 5280 4.2.1.2 method (1).
    ComputedFromKey,
}

/// A certificate plus a label saying where it came from (the file path), for reports.
#[derive(Clone)]
pub struct Certificate {
    x509: X509,
    label: String,
}

impl Certificate {
    pub fn new(x509: X509, label: impl Into<String>) -> Self {
        Certificate {
            x509,
            label: label.into(),
        }
    }

    /// Parses a DER certificate (e.g. a BinarySecurityToken's content).
    pub fn from_der(der: &[u8], label: impl Into<String>) -> Result<Self, CryptoError> {
        let label = label.into();
        let x509 = X509::from_der(der).map_err(|e| CryptoError::KeyLoad {
            source_name: label.clone(),
            reason: format!(
                "not a DER certificate ({})",
                super::keys::openssl_reason(&e)
            ),
        })?;
        Ok(Certificate { x509, label })
    }

    pub fn x509(&self) -> &X509Ref {
        &self.x509
    }

    /// Where it came from (file path, or e.g. "BinarySecurityToken #X509Token").
    pub fn label(&self) -> &str {
        &self.label
    }

    pub fn to_der(&self) -> Result<Vec<u8>, CryptoError> {
        Ok(self.x509.to_der()?)
    }

    /// ThumbprintSHA1: SHA-1 of the DER certificate.
    pub fn thumbprint_sha1(&self) -> Result<Vec<u8>, CryptoError> {
        Ok(self.x509.digest(MessageDigest::sha1())?.to_vec())
    }

    /// The SubjectKeyIdentifier WS-Security would use: the extension when present, else
    /// SHA-1 over the subjectPublicKey bits.
    pub fn subject_key_identifier(&self) -> Result<(Vec<u8>, SkiSource), CryptoError> {
        if let Some(ski) = self.x509.subject_key_id() {
            return Ok((ski.as_slice().to_vec(), SkiSource::Extension));
        }
        Ok((self.computed_key_identifier()?, SkiSource::ComputedFromKey))
    }

    /// SHA-1 over the subjectPublicKey BIT STRING contents (without the unused-bits octet).
    pub fn computed_key_identifier(&self) -> Result<Vec<u8>, CryptoError> {
        let spki = self.x509.public_key()?.public_key_to_der()?;
        key_identifier_from_spki(&spki)
    }

    /// Subject name for display (RFC 2253 order).
    pub fn subject(&self) -> String {
        display_name(self.x509.subject_name())
    }

    /// The short name a report calls the certificate's holder by: `CN=bob` when the subject
    /// has a common name, else the whole subject, else (an empty subject) where it came
    /// from. Escaped for one line: the subject comes from the outside world.
    pub fn short_name(&self) -> String {
        let common_name = self
            .x509
            .subject_name()
            .entries_by_nid(openssl::nid::Nid::COMMONNAME)
            .next()
            .and_then(|e| e.data().to_string().ok());
        let name = match common_name {
            Some(cn) if !cn.trim().is_empty() => format!("CN={cn}"),
            _ => match self.subject() {
                subject if subject.is_empty() => self.label.clone(),
                subject => subject,
            },
        };
        crate::safe_text::one_line(&name).into_owned()
    }

    /// Issuer name for display (RFC 2253 order).
    pub fn issuer(&self) -> String {
        display_name(self.x509.issuer_name())
    }

    /// Serial number in decimal, as `ds:X509SerialNumber` writes it.
    pub fn serial_decimal(&self) -> Result<String, CryptoError> {
        Ok(self.x509.serial_number().to_bn()?.to_dec_str()?.to_string())
    }

    /// True when `issuer` (a message's X509IssuerName) names this certificate's issuer.
    pub fn issuer_matches(&self, issuer: &str) -> bool {
        NormalizedName::parse(issuer).matches(&NormalizedName::from_x509(self.x509.issuer_name()))
    }

    /// True when `serial` (decimal, as in X509SerialNumber) is this certificate's serial.
    pub fn serial_matches(&self, serial: &str) -> bool {
        let serial = serial.trim();
        if serial.is_empty() || serial.contains('\0') {
            return false;
        }
        let (Ok(wanted), Ok(own)) = (
            BigNum::from_dec_str(serial),
            self.x509.serial_number().to_bn(),
        ) else {
            return false;
        };
        wanted == own
    }

    /// Start of validity, as OpenSSL prints it ("Jun 23 10:00:00 2008 GMT").
    pub fn not_before(&self) -> String {
        self.x509.not_before().to_string()
    }

    /// End of validity.
    pub fn not_after(&self) -> String {
        self.x509.not_after().to_string()
    }

    /// Whether the current time is inside the validity period (`None` if unknown).
    pub fn is_valid_now(&self) -> Option<bool> {
        let now = Asn1Time::days_from_now(0).ok()?;
        Some(self.x509.not_before() <= now && now <= self.x509.not_after())
    }

    /// X.509 version as written in certificates (1 or 3).
    pub fn version(&self) -> i32 {
        self.x509.version() + 1
    }

    pub fn public_key(&self) -> Result<PKey<Public>, CryptoError> {
        Ok(self.x509.public_key()?)
    }

    /// RSA modulus size in bits, `None` for non-RSA keys.
    pub fn rsa_modulus_bits(&self) -> Option<u32> {
        let key = self.x509.public_key().ok()?;
        (key.id() == Id::RSA).then(|| key.bits())
    }
}

/// SHA-1 over the subjectPublicKey bits of a DER SubjectPublicKeyInfo.
pub(crate) fn key_identifier_from_spki(spki: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let bits = der::spki_public_key_bits(spki).ok_or_else(|| CryptoError::InvalidParameter {
        what: "public key",
        reason: "unexpected SubjectPublicKeyInfo encoding".to_string(),
    })?;
    Ok(openssl::hash::hash(MessageDigest::sha1(), bits)?.to_vec())
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("label", &self.label)
            .field("subject", &self.subject())
            .field("serial", &self.serial_decimal().unwrap_or_default())
            .finish()
    }
}
