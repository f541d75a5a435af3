//! One moment of an exchange: the envelope as it stands, the ledger, the layers, the checks.

use serde::Serialize;

use super::ledger::{KeyJson, KeyLedger};
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
    pub text: String,
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

#[derive(Debug, Clone, Serialize)]
pub struct ReferenceStatus {
    pub uri: String,
    /// What the reference covers (`soap:Body`, `wsu:Timestamp`, `xenc:EncryptedKey`).
    pub target: String,
    pub status: LayerStatus,
}

#[derive(Debug, Clone, Serialize)]
pub struct SignatureLayer {
    pub id: String,
    pub method: String,
    /// Name of the key in the ledger (or of the certificate for RSA).
    pub key: String,
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
            references: references
                .iter()
                .map(|(uri, target)| ReferenceStatus {
                    uri: uri.to_string(),
                    target: target.to_string(),
                    status: LayerStatus::Created,
                })
                .collect(),
            status: LayerStatus::Created,
        })
    }
}

/// Something a receiver verified, and the verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: String,
    pub ok: bool,
    pub reason: String,
    /// The ledger name of the key the check is about (a decryption's or HMAC signature's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

impl Check {
    pub fn pass(name: impl Into<String>, reason: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            ok: true,
            reason: reason.into(),
            key: None,
        }
    }

    pub fn fail(name: impl Into<String>, reason: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            ok: false,
            reason: reason.into(),
            key: None,
        }
    }

    /// The same check, about the ledger key `key`.
    pub fn about_key(mut self, key: Option<String>) -> Check {
        self.key = key;
        self
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
    pub text: String,
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
    pub keys: Vec<KeyJson>,
    pub layers: &'a [Layer],
    pub checks: &'a [Check],
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
            keys: self
                .snapshot
                .ledger
                .keys()
                .iter()
                .map(|k| k.to_json(reveal))
                .collect(),
            layers: &self.snapshot.layers,
            checks: &self.snapshot.checks,
        }
    }
}
