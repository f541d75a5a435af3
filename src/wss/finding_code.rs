//! The receiver's verdicts on hostile input, named once: each code with its string (what
//! reports, JSON and tests carry) and its severity (what decides the exit code).
//!
//! Older findings still pass their code as a string to [`Finding::new`]; new ones are added
//! here, so a code is spelled in one place and its severity cannot drift between call sites.

use super::processor::{Finding, Severity};

/// A finding about what the signatures authenticate and what the receiver acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingCode {
    /// A validly signed Body, Timestamp, WS-Addressing header or token is not the one the
    /// receiver acts on: the signed copy was moved and another put in its place.
    SignatureWrapping,
    /// An id carried by several elements: references to it are refused.
    DuplicateId,
    /// `--now` was given but the Timestamp the receiver reads is not signed: its freshness is
    /// not judged (it proves nothing).
    TimestampNotJudged,
    /// A key later messages rely on (a security context, a proof key, an issued token's key)
    /// arrived covered by no valid signature.
    UnsignedKeyTransfer,
    /// The same, when the user says the channel was authenticated TLS (`--transport-secured`).
    KeyTransferOverTransport,
    /// An EncryptedKey no valid signature covers: confidentiality without origin.
    UnsignedEncryptedKey,
    /// A signature verified only with a key the message carries, while the user supplied the
    /// certificates that identify the expected signers.
    IdentityNotProven,
    /// The same with no certificate supplied: integrity, not identity.
    KeyFromMessage,
    /// An RSTR's `wst:Lifetime` ended before the receiver's clock (less the clock skew).
    LifetimeExpired,
    /// An RSTR's `wst:Lifetime` starts after the receiver's clock (plus the clock skew).
    LifetimeNotYetValid,
    /// A SAML assertion's `Conditions NotOnOrAfter` passed (less the clock skew).
    AssertionExpired,
    /// A SAML assertion's `Conditions NotBefore` is still ahead (plus the clock skew).
    AssertionNotYetValid,
    /// A private key was used on an assumption: the message names its key by nothing that
    /// could be checked against the supplied key (a thumbprint without the certificate).
    KeyAssumed,
}

impl FindingCode {
    /// The code as reports and JSON carry it.
    pub fn code(self) -> &'static str {
        match self {
            FindingCode::SignatureWrapping => "signature-wrapping",
            FindingCode::DuplicateId => "duplicate-id",
            FindingCode::TimestampNotJudged => "timestamp-not-judged",
            FindingCode::UnsignedKeyTransfer => "unsigned-key-transfer",
            FindingCode::KeyTransferOverTransport => "key-transfer-over-transport",
            FindingCode::UnsignedEncryptedKey => "unsigned-encrypted-key",
            FindingCode::IdentityNotProven => "identity-not-proven",
            FindingCode::KeyFromMessage => "key-from-message",
            FindingCode::LifetimeExpired => "lifetime-expired",
            FindingCode::LifetimeNotYetValid => "lifetime-not-yet-valid",
            FindingCode::AssertionExpired => "saml-assertion-expired",
            FindingCode::AssertionNotYetValid => "saml-assertion-not-yet-valid",
            FindingCode::KeyAssumed => "key-assumed",
        }
    }

    /// How serious it is: errors make the run exit 1.
    pub fn severity(self) -> Severity {
        match self {
            FindingCode::SignatureWrapping
            | FindingCode::DuplicateId
            | FindingCode::TimestampNotJudged
            | FindingCode::UnsignedKeyTransfer
            | FindingCode::IdentityNotProven
            | FindingCode::LifetimeExpired
            | FindingCode::LifetimeNotYetValid
            | FindingCode::AssertionExpired
            | FindingCode::AssertionNotYetValid => Severity::Error,
            FindingCode::UnsignedEncryptedKey | FindingCode::KeyAssumed => Severity::Warning,
            FindingCode::KeyTransferOverTransport | FindingCode::KeyFromMessage => Severity::Info,
        }
    }

    /// A finding of this code.
    pub fn finding(self, message: impl Into<String>, line: Option<u32>) -> Finding {
        Finding::new(self.severity(), self.code(), message, line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_distinct_kebab_case() {
        let all = [
            FindingCode::SignatureWrapping,
            FindingCode::DuplicateId,
            FindingCode::TimestampNotJudged,
            FindingCode::UnsignedKeyTransfer,
            FindingCode::KeyTransferOverTransport,
            FindingCode::UnsignedEncryptedKey,
            FindingCode::IdentityNotProven,
            FindingCode::KeyFromMessage,
            FindingCode::LifetimeExpired,
            FindingCode::LifetimeNotYetValid,
            FindingCode::AssertionExpired,
            FindingCode::AssertionNotYetValid,
            FindingCode::KeyAssumed,
        ];
        let mut codes: Vec<&str> = all.iter().map(|c| c.code()).collect();
        assert!(
            codes
                .iter()
                .all(|c| c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-'))
        );
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }
}
