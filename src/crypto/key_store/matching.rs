//! Whether a supplied key or certificate is the one a selector designates, and why in words;
//! exactly one match or a refusal, never a guess.

use std::path::Path;

use super::super::certificate::{Certificate, SkiSource};
use super::super::dn::NormalizedName;
use super::super::error::CryptoError;

use super::selector::KeySelector;
use super::{KeyMatch, PrivateKeyEntry, PublicKeySource};

pub(super) fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[first..]
}

/// Exactly one private key, or none, or ambiguity.
pub(super) fn single<'a>(
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
                .map(|(e, _)| e.describe_with_file())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// Exactly one distinct public key, or none, or ambiguity (the same key reached through a
/// certificate and a private key counts once).
pub(super) fn single_public<'a>(
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
pub(super) fn match_certificate(cert: &Certificate, selector: &KeySelector) -> Option<String> {
    match selector {
        KeySelector::ThumbprintSha1(value) => (cert.thumbprint_sha1().ok()? == *value)
            .then(|| format!("{selector} matches {}", cert.short_name())),
        KeySelector::SubjectKeyIdentifier(value) => {
            let (ski, source) = cert.subject_key_identifier().ok()?;
            if ski == *value {
                return Some(match source {
                    SkiSource::Extension => format!(
                        "{selector} matches the SubjectKeyIdentifier extension of {}",
                        cert.short_name()
                    ),
                    SkiSource::ComputedFromKey => format!(
                        "{selector} matches SHA-1 of the public key bits of {} (X.509 v{} certificate without a SubjectKeyIdentifier extension)",
                        cert.short_name(),
                        cert.version()
                    ),
                });
            }
            // Some stacks send the computed value even when the extension exists.
            (source == SkiSource::Extension && cert.computed_key_identifier().ok()? == *value).then(
                || {
                    format!(
                        "{selector} matches SHA-1 of the public key bits of {}",
                        cert.short_name()
                    )
                },
            )
        }
        KeySelector::IssuerSerial { issuer, serial } => (cert.serial_matches(serial)
            && cert.issuer_matches(issuer))
        .then(|| format!("{selector} matches {}", cert.short_name())),
        KeySelector::KeyName(name) => {
            let wanted = name.trim();
            let by_subject = !wanted.is_empty()
                && (NormalizedName::parse(wanted)
                    .matches(&NormalizedName::from_x509(cert.x509().subject_name()))
                    || common_name(cert).is_some_and(|cn| cn.eq_ignore_ascii_case(wanted)));
            if by_subject {
                Some(format!(
                    "{selector} matches the subject of {}",
                    cert.short_name()
                ))
            } else {
                name_matches_label(wanted, cert.label())
                    .then(|| format!("{selector} matches the file name {}", cert.label()))
            }
        }
        KeySelector::RsaKeyValue { .. } => {
            let public = cert.public_key().ok()?;
            rsa_value_matches(&public, selector)
                .then(|| format!("{selector} is the key of {}", cert.short_name()))
        }
        KeySelector::Certificate(der) => {
            if cert.to_der().ok()? == *der {
                return Some(format!("the embedded certificate is {}", cert.short_name()));
            }
            let embedded = Certificate::from_der(der, "embedded")
                .ok()?
                .public_key()
                .ok()?;
            let own = cert.public_key().ok()?;
            embedded.public_eq(&own).then(|| {
                format!(
                    "the embedded certificate's public key is that of {}",
                    cert.short_name()
                )
            })
        }
    }
}

pub(super) fn common_name(cert: &Certificate) -> Option<String> {
    cert.x509()
        .subject_name()
        .entries_by_nid(openssl::nid::Nid::COMMONNAME)
        .next()
        .and_then(|e| e.data().to_string().ok())
}

/// `rampart2008-service` matches `keys/rampart2008-service.key.pem`.
pub(super) fn name_matches_label(wanted: &str, label: &str) -> bool {
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

pub(super) fn rsa_value_matches<T: openssl::pkey::HasPublic>(
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

pub(super) fn match_private(entry: &PrivateKeyEntry, selector: &KeySelector) -> Option<String> {
    if let Some(cert) = &entry.certificate
        && let Some(why) = match_certificate(cert, selector)
    {
        return Some(why);
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

pub fn match_public(source: &PublicKeySource<'_>, selector: &KeySelector) -> Option<String> {
    match source {
        PublicKeySource::Certificate(cert) => match_certificate(cert, selector),
        PublicKeySource::PrivateKey(entry) => match_private(entry, selector),
        PublicKeySource::PublicKey(key) => {
            match selector {
                KeySelector::KeyName(name) => name_matches_label(name.trim(), key.label())
                    .then(|| format!("{selector} matches the file name {}", key.label())),
                KeySelector::RsaKeyValue { .. } => rsa_value_matches(key.pkey(), selector)
                    .then(|| format!("{selector} is {}", key.label())),
                KeySelector::SubjectKeyIdentifier(value) => {
                    let spki = key.pkey().public_key_to_der().ok()?;
                    (super::super::certificate::key_identifier_from_spki(&spki).ok()? == *value)
                        .then(|| {
                            format!(
                                "{selector} matches SHA-1 of the public key bits of {}",
                                key.label()
                            )
                        })
                }
                KeySelector::Certificate(der) => {
                    let embedded = Certificate::from_der(der, "embedded").ok()?;
                    embedded.public_key().ok()?.public_eq(key.pkey()).then(|| {
                        format!("the embedded certificate's public key is {}", key.label())
                    })
                }
                KeySelector::ThumbprintSha1(_) | KeySelector::IssuerSerial { .. } => None,
            }
        }
    }
}
