//! What a message says about a key (thumbprint, SKI, issuer and serial, KeyName, RSA value,
//! embedded certificate), free of XML, and how a report names it.

use std::fmt;

use base64::Engine as _;

use super::super::certificate::Certificate;
use super::matching::strip_leading_zeros;

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

pub(super) fn b64(bytes: &[u8]) -> String {
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

pub(super) fn describe_selectors(selectors: &[KeySelector]) -> String {
    selectors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" or ")
}
