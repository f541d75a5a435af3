//! One moment of an exchange: the envelope as it stands, the ledger, the layers, the checks.

use serde::Serialize;

use super::check::{Check, CheckJson};
use super::ledger::{KeyJson, KeyLedger};
use super::shared_text::SharedText;
use super::span::TextSpan;
use crate::dsig::KeyOrigin;
use crate::xml::Span;

/// A pointer into a specification: which document, which section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpecRef {
    pub document: String,
    pub section: String,
}

impl SpecRef {
    pub fn new(document: &str, section: &str) -> SpecRef {
        SpecRef {
            document: document.to_string(),
            section: section.to_string(),
        }
    }
}

/// The message at this moment: its exact text and what this step changed in it.
#[derive(Debug, Clone, Serialize)]
pub struct Envelope {
    /// Who sends it and to whom (`alice -> bob`); empty while it is being built.
    pub from: String,
    pub to: String,
    /// Shared with every other step that shows the same message (see [`SharedText`]).
    pub text: SharedText,
    /// Byte spans of `text` this step added or changed.
    pub changed: Vec<Span>,
}

/// How a layer stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", content = "reason", rename_all = "kebab-case")]
pub enum LayerStatus {
    /// Made by the sender; nobody has checked it yet.
    Created,
    /// The receiver checked it and it holds.
    Verified,
    /// The receiver checked it and it does not hold, with the reason.
    Failed(String),
}

/// One reference of a signature: what it covers and, once a receiver checked it, the
/// receiver's intermediates (its canonical bytes are recomputed on demand, see
/// [`super::recompute`]).
#[derive(Debug, Clone, Serialize)]
pub struct ReferenceStatus {
    pub uri: String,
    /// What the reference covers (`soap:Body`, `wsu:Timestamp`, `xenc:EncryptedKey`).
    pub target: String,
    /// The element the URI names in this step's text; `None` with `target_span_reason`.
    pub target_span: Option<TextSpan>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_span_reason: Option<String>,
    pub transforms: Vec<String>,
    pub digest_method: Option<String>,
    pub stated_digest: Option<String>,
    pub computed_digest: Option<String>,
    /// Length of the canonical bytes the receiver digested.
    pub canonical_length: Option<usize>,
    pub status: LayerStatus,
}

impl ReferenceStatus {
    /// A reference a sender just made: nobody has computed anything over it yet.
    pub fn created(uri: &str, target: &str) -> ReferenceStatus {
        ReferenceStatus {
            uri: uri.to_string(),
            target: target.to_string(),
            target_span: None,
            target_span_reason: None,
            transforms: Vec::new(),
            digest_method: None,
            stated_digest: None,
            computed_digest: None,
            canonical_length: None,
            status: LayerStatus::Created,
        }
    }
}

/// How the receiver chose a signature's key: the key it used (by the receiver's name for it:
/// a token id, a certificate or file name), where it came from, and which KeyInfo/STR form
/// pointed at it, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyChoice {
    pub name: String,
    pub origin: KeyOrigin,
    pub how: String,
    /// False when the key came from the message and proves integrity only.
    pub proves_identity: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SignatureLayer {
    pub id: String,
    pub method: String,
    /// Name of the key in the ledger (or of the certificate for RSA).
    pub key: String,
    /// The `ds:Signature` element in this step's text.
    pub span: Option<TextSpan>,
    /// The canonical SignedInfo the receiver verified the SignatureValue over.
    pub canonical_signed_info: Option<String>,
    /// How the receiver found the key.
    pub key_choice: Option<KeyChoice>,
    pub references: Vec<ReferenceStatus>,
    pub status: LayerStatus,
}

#[derive(Debug, Clone, Serialize)]
pub struct EncryptionLayer {
    pub encrypted_key: Option<String>,
    pub encrypted_data: Vec<String>,
    pub algorithm: String,
    pub key_transport: Option<String>,
    /// Name of the data key in the ledger.
    pub key: String,
    /// What was encrypted (`soap:Body content`, `ds:Signature`).
    pub target: String,
    /// One span per EncryptedKey and EncryptedData found in this step's text.
    pub spans: Vec<TextSpan>,
    pub status: LayerStatus,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Layer {
    Signature(SignatureLayer),
    Encryption(EncryptionLayer),
}

impl Layer {
    /// A signature a sender just made over `references` (URI, what it covers).
    pub fn signature_created(
        id: &str,
        method: &str,
        key: &str,
        references: &[(&str, &str)],
    ) -> Layer {
        Layer::Signature(SignatureLayer {
            id: id.to_string(),
            method: method.to_string(),
            key: key.to_string(),
            span: None,
            canonical_signed_info: None,
            key_choice: None,
            references: references
                .iter()
                .map(|(uri, target)| ReferenceStatus::created(uri, target))
                .collect(),
            status: LayerStatus::Created,
        })
    }
}

/// One decrypted part in the processed view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecryptedPart {
    /// The EncryptedData's Id, when the part could be matched to its report.
    pub id: Option<String>,
    /// The plaintext's bytes in the processed text.
    pub span: Span,
}

/// The receiver's processed view of a received message: each EncryptedData it opened
/// replaced by the plaintext. Its spans point into `text`, not into the envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcessedView {
    pub text: SharedText,
    pub parts: Vec<DecryptedPart>,
}

/// Everything the panes draw at one moment.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub envelope: Option<Envelope>,
    /// The receiver's processed view, at a step where a receiver decrypted something.
    pub processed: Option<ProcessedView>,
    pub ledger: KeyLedger,
    pub layers: Vec<Layer>,
    pub checks: Vec<Check>,
}

/// One step of a walkthrough.
#[derive(Debug, Clone)]
pub struct Step {
    pub actor: String,
    pub title: String,
    /// What happens and why, in plain words, with the property it gives.
    pub narrative: String,
    pub spec: SpecRef,
    pub snapshot: Snapshot,
}

/// A step as JSON (`wskex walk --format json`).
#[derive(Debug, Clone, Serialize)]
pub struct StepJson<'a> {
    pub index: usize,
    pub actor: &'a str,
    pub title: &'a str,
    pub narrative: &'a str,
    pub spec: &'a SpecRef,
    pub envelope: Option<&'a str>,
    pub envelope_from: Option<&'a str>,
    pub envelope_to: Option<&'a str>,
    pub changed: Vec<Span>,
    /// The receiver's processed view, when it decrypted anything; spans with
    /// `"view": "processed"` point into its `text`.
    pub processed: Option<&'a ProcessedView>,
    pub keys: Vec<KeyJson>,
    pub layers: &'a [Layer],
    pub checks: Vec<CheckJson<'a>>,
}

impl Step {
    pub fn to_json(&self, index: usize, reveal: bool) -> StepJson<'_> {
        let envelope = self.snapshot.envelope.as_ref();
        StepJson {
            index,
            actor: &self.actor,
            title: &self.title,
            narrative: &self.narrative,
            spec: &self.spec,
            envelope: envelope.map(|e| e.text.as_str()),
            envelope_from: envelope.map(|e| e.from.as_str()).filter(|s| !s.is_empty()),
            envelope_to: envelope.map(|e| e.to.as_str()).filter(|s| !s.is_empty()),
            changed: envelope.map(|e| e.changed.clone()).unwrap_or_default(),
            processed: self.snapshot.processed.as_ref(),
            keys: self
                .snapshot
                .ledger
                .keys()
                .iter()
                .map(|k| k.to_json(reveal))
                .collect(),
            layers: &self.snapshot.layers,
            checks: self.snapshot.checks.iter().map(Check::to_json).collect(),
        }
    }
}
