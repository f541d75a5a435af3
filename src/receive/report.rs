//! What processing one message reports: findings, tokens, encrypted parts, work done.

use super::*;
use crate::crypto::StatedAlgorithm;

/// Settings for processing.
#[derive(Debug, Clone, Default)]
pub struct ProcessOptions {
    /// The receiver's clock for Timestamp checks; `None` (auditing old captures) reports the
    /// times without judging freshness.
    pub now: Option<UtcDateTime>,
    /// How far off a time may be from `now` before it is judged expired or premature.
    pub clock_skew: ClockSkew,
    /// Label for DerivedKeyTokens that carry none, when a stack derived with a custom label.
    pub dk_label: Option<String>,
    pub id_attributes: IdAttributes,
    /// The messages travelled over authenticated TLS (WCF's TransportWithMessageCredential):
    /// an RSTR no signature covers is then a note, not an error.
    pub transport_secured: bool,
    /// The SOAP role this receiver plays (`--actor`): only the Security header addressed to it
    /// is processed. `None` processes every header a receiver may be addressed by.
    pub actor: Option<String>,
    /// The receiver's certificate (`--receiver-cert`): an EncryptedKey of the Security header
    /// transported to another one is `key-for-other-certificate`.
    pub receiver_certificate: Option<Certificate>,
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// Something an auditor should know: what fails and what is risky.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// Serialized as its catalogue string (`signature-wrapping`).
    pub code: FindingCode,
    pub message: String,
    pub line: Option<u32>,
    /// 1-based, in characters; with `span` when the finding is about a node.
    pub column: Option<u32>,
    /// Bytes of the received envelope text (UTF-8) the finding is about; `None` when it is
    /// about no node. See [`crate::receive::finding_location`].
    pub span: Option<Span>,
}

impl Finding {
    /// A finding of `code`, with the severity the catalogue gives it.
    pub fn new(code: FindingCode, message: impl Into<String>, line: Option<u32>) -> Finding {
        Finding {
            severity: code.severity(),
            code,
            message: message.into(),
            line,
            column: None,
            span: None,
        }
    }
}

/// A token as listed in a report.
#[derive(Debug, Clone, Serialize)]
pub struct TokenReport {
    pub kind: String,
    pub id: Option<String>,
    pub line: u32,
    pub detail: String,
    /// Name of the key it carries, when known.
    pub key: Option<String>,
}

/// One encrypted part and how it turned out.
#[derive(Debug, Clone, Serialize)]
pub struct EncryptionReport {
    pub id: Option<String>,
    pub line: u32,
    /// What the EncryptedData stood for (`soap:Body content`, `ds:Signature`).
    pub target: String,
    #[serde(rename = "type")]
    pub data_type: String,
    /// Serialized as the URI the message stated.
    pub algorithm: StatedAlgorithm,
    /// Name of the data key, when found.
    pub key: Option<String>,
    pub key_chain: Vec<String>,
    pub plaintext_length: Option<usize>,
    pub ok: bool,
    pub error: Option<String>,
}

/// Everything the receiver found in one message.
#[derive(Debug)]
pub struct ProcessedMessage {
    /// The message after decryption (plaintext spliced in).
    pub document: Document,
    pub soap_version: Option<String>,
    pub tokens: Vec<TokenReport>,
    /// Keys established while processing this message.
    pub keys: Vec<KeyId>,
    pub signatures: Vec<SignatureReport>,
    pub encryptions: Vec<EncryptionReport>,
    pub findings: Vec<Finding>,
    /// One summary per WS-Trust message (prints as `RSTR: SecurityContextToken urn:..., proof
    /// ComputedKey`).
    pub trust: Vec<super::trust_summary::TrustSummary>,
    /// Spans of `document` holding decrypted plaintext.
    pub decrypted: Vec<Span>,
    /// Maps spans of `document` back to the received text (findings point there).
    pub received: ReceivedMap,
    /// P_SHA-1 output computed for this message's key derivations (bounded, see
    /// [`crate::wss::derivation_budget`]).
    pub derived_stream_bytes: u64,
    /// Canonical bytes produced to verify this message's signatures (bounded, see
    /// [`crate::dsig::work_budget`]).
    pub canonical_work_bytes: u64,
    /// How much work the header walk took (bounded-work tests assert on it).
    pub work: ProcessingWork,
    /// Every wsse:Security header, under its actor/role, processed or not.
    pub security_headers: Vec<crate::receive::actors::SecurityHeaderReport>,
}

/// Counters of the receiver's work on one message, linear in its size by construction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProcessingWork {
    /// Times the Security header was read to register its new tokens (once per version of
    /// the document: one, plus one per decryption that changed it, plus the closing pass).
    pub header_registrations: usize,
    /// Header items looked at across those readings.
    pub items_fingerprinted: usize,
    /// Id indexes built: one per version of the document that something looked an id up in.
    pub id_index_builds: usize,
    /// Versions of the document made by splicing plaintext in (each one parsed whole).
    pub document_versions: usize,
}
