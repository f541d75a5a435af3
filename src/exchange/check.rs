//! The checks a receiver (or a walkthrough's party) made, each with a typed kind: what it is
//! about, how serious a failure is, and whether a failure blocks accepting the message.

use serde::Serialize;

use super::span::TextSpan;
use crate::receive::Severity;
use crate::receive::finding_code::FindingCode;

/// The checks a delegation target makes on top of the processor (see
/// [`crate::delegation::target_checks`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DelegationCheck {
    /// The request carries a delegation token at all.
    Token,
    /// The token's own signature verifies with a secret shared with the delegator.
    Signature,
    /// The endorsing certificate is the delegate the token names.
    NamedDelegate,
    /// The token is for this target.
    Audience,
    /// The token has not expired.
    Expiry,
    /// The signed `wsa:Action` is a granted right.
    Right,
}

/// What a check is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum CheckKind {
    /// A `ds:Signature` the receiver verified.
    Signature,
    /// An `xenc:EncryptedData` the receiver decrypted.
    Decryption,
    /// A processor finding that counts as a failed check.
    Finding { code: FindingCode },
    /// The message's Timestamp is fresh and signed.
    Timestamp,
    /// A delegation target's check.
    Delegation { check: DelegationCheck },
    /// A property a walkthrough's party checks itself (who knows a key, what a response
    /// answers): named by the walkthrough.
    Property,
}

impl CheckKind {
    /// How serious a failure of this kind is.
    pub fn severity(self) -> Severity {
        match self {
            CheckKind::Finding { code } => code.severity(),
            _ => Severity::Error,
        }
    }

    /// Whether a failure means the message must not be accepted. Findings block when they
    /// are errors or the coverage warnings a receiver must treat as failures.
    pub fn blocks_acceptance(self) -> bool {
        match self {
            CheckKind::Finding { code } => {
                code.severity() == Severity::Error || code.is_coverage_failure()
            }
            _ => true,
        }
    }
}

/// Something a receiver verified, and the verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub kind: CheckKind,
    pub name: String,
    pub ok: bool,
    pub reason: String,
    /// The bytes the check is about (in the envelope, or the processed view).
    pub spans: Vec<TextSpan>,
    /// Index into the step's layers of the layer the check is about.
    pub layer: Option<usize>,
    /// The ledger name of the key the check is about (a decryption's or HMAC signature's).
    pub key: Option<String>,
}

impl Check {
    /// A walkthrough's own check of a property (see [`CheckKind::Property`]).
    pub fn pass(name: impl Into<String>, reason: impl Into<String>) -> Check {
        Check::of(CheckKind::Property, name, true, reason)
    }

    /// A walkthrough's own failed check of a property.
    pub fn fail(name: impl Into<String>, reason: impl Into<String>) -> Check {
        Check::of(CheckKind::Property, name, false, reason)
    }

    /// A check of `kind` with its verdict.
    pub fn of(
        kind: CheckKind,
        name: impl Into<String>,
        ok: bool,
        reason: impl Into<String>,
    ) -> Check {
        Check {
            kind,
            name: name.into(),
            ok,
            reason: reason.into(),
            spans: Vec::new(),
            layer: None,
            key: None,
        }
    }

    /// The same check, about the ledger key `key`.
    pub fn about_key(mut self, key: Option<String>) -> Check {
        self.key = key;
        self
    }

    /// Whether `other` is the same check with the same verdict, wherever each points.
    pub fn same_verdict(&self, other: &Check) -> bool {
        self.kind == other.kind
            && self.key == other.key
            && self.name == other.name
            && self.ok == other.ok
            && self.reason == other.reason
    }

    /// The same check, about these bytes.
    pub fn about(mut self, spans: Vec<TextSpan>) -> Check {
        self.spans = spans;
        self
    }
}

/// A check as JSON: its kind with severity and whether a failure blocks acceptance.
#[derive(Debug, Clone, Serialize)]
pub struct CheckJson<'a> {
    pub kind: CheckKind,
    pub severity: Severity,
    pub blocks_acceptance: bool,
    pub name: &'a str,
    pub ok: bool,
    pub reason: &'a str,
    pub spans: &'a [TextSpan],
    pub layer: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<&'a str>,
}

impl Check {
    pub fn to_json(&self) -> CheckJson<'_> {
        CheckJson {
            kind: self.kind,
            severity: self.kind.severity(),
            blocks_acceptance: self.kind.blocks_acceptance(),
            name: &self.name,
            ok: self.ok,
            reason: &self.reason,
            spans: &self.spans,
            layer: self.layer,
            key: self.key.as_deref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_block_by_severity_or_coverage_and_others_always() {
        let info = CheckKind::Finding {
            code: FindingCode::KeyFromMessage,
        };
        assert_eq!(info.severity(), FindingCode::KeyFromMessage.severity());
        assert!(
            CheckKind::Finding {
                code: FindingCode::BodyNotSigned
            }
            .blocks_acceptance()
        );
        assert!(CheckKind::Signature.blocks_acceptance());
        let json = serde_json::to_value(
            Check::of(
                CheckKind::Delegation {
                    check: DelegationCheck::NamedDelegate,
                },
                "named delegate",
                true,
                "ok",
            )
            .to_json(),
        )
        .unwrap();
        assert_eq!(json["kind"]["type"], "delegation");
        assert_eq!(json["kind"]["check"], "named-delegate");
        assert_eq!(json["layer"], serde_json::Value::Null);
    }
}
