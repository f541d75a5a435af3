//! A processed conversation in the walkthroughs' vocabulary: one [`Step`] per captured
//! message, holding the received bytes, every key established so far, the signature and
//! encryption layers as they turned out, and the checks. The panes that draw a walkthrough
//! draw a capture the same way, and the receiver's verdicts read the same in both.

use crate::exchange::receipt::{
    self, encryption_check, finding_checks, processed_view, same_name, signature_check,
};
use crate::exchange::step_spans::locate_spans;
use crate::exchange::{
    Check, Envelope, KeyLedger, Layer, LayerStatus, SharedText, Snapshot, SpecRef, Step,
};
use crate::receive::store::TokenStore;
use crate::xml::whitespace::WhitespaceMode;

use super::conversation::{ConversationResult, MessageResult, SignatureVerdict};
use super::message::CapturedMessage;
use super::parties;

/// Who knows the keys of an audited conversation: the auditor, who supplied or recovered them.
pub const AUDITOR: &str = "auditor";

/// A signature that verified only after undoing re-indentation is a failed check: the captured
/// bytes do not verify.
fn verdict_check(v: &SignatureVerdict) -> Check {
    let check = signature_check(&v.report, &same_name);
    if check.ok && v.whitespace_mode != WhitespaceMode::AsIs {
        return Check {
            ok: false,
            reason: format!(
                "verifies only after undoing re-indentation ({})",
                v.whitespace_mode.name()
            ),
            ..check
        };
    }
    check
}

fn status_of(check: &Check) -> LayerStatus {
    if check.ok {
        LayerStatus::Verified
    } else {
        LayerStatus::Failed(check.reason.clone())
    }
}

/// A captured signature's layer: the receiver's report, judged as [`verdict_check`] does.
fn signature_layer(v: &SignatureVerdict) -> Layer {
    let mut layer = receipt::signature_layer(&v.report);
    layer.status = status_of(&verdict_check(v));
    Layer::Signature(layer)
}

/// The message as received, decoded to UTF-8 as the receiver read it (from UTF-16 or
/// Latin-1 where it arrived so), never re-serialized. A UTF-8 capture's step holds the captured
/// buffer itself, not a copy.
pub(crate) fn received_text(m: &MessageResult, captured: &CapturedMessage) -> SharedText {
    let decoded = match &m.processed {
        Some(p) => p
            .received
            .received_text()
            .unwrap_or_else(|| p.document.text()),
        None => return captured_text(captured),
    };
    match captured.soap.shared_text() {
        Some(shared) if std::ptr::eq(decoded, shared.as_str()) || *decoded == *shared => {
            SharedText::from(shared)
        }
        _ => SharedText::from(decoded),
    }
}

/// The captured bytes as text: shared when they are UTF-8, decoded lossily otherwise (the
/// receiver reports why they do not parse).
pub fn captured_text(captured: &CapturedMessage) -> SharedText {
    match captured.soap.shared_text() {
        Some(shared) => SharedText::from(shared),
        None => SharedText::from(String::from_utf8_lossy(&captured.soap).into_owned()),
    }
}

/// One step per message of `result` (which processed `messages`, in the same order).
pub fn conversation_steps(messages: &[CapturedMessage], result: &ConversationResult) -> Vec<Step> {
    let mut builder = StepBuilder::default();
    result
        .messages
        .iter()
        .zip(messages)
        .map(|(m, captured)| builder.step(m, captured, &result.store))
        .collect()
}

/// Turns processed messages into Steps one at a time, in order (as they are processed, for a
/// viewer that shows each at once): it carries the ledger from one message to the next.
#[derive(Debug, Clone, Default)]
pub struct StepBuilder {
    ledger: KeyLedger,
    made: usize,
}

impl StepBuilder {
    /// The Step of `m` (the next message, `captured` as received), with the keys `store` holds.
    pub fn step(
        &mut self,
        m: &MessageResult,
        captured: &CapturedMessage,
        store: &TokenStore,
    ) -> Step {
        let ledger = &mut self.ledger;
        // Keys established by this message join the ledger, as the auditor's.
        for id in m.keys() {
            let record = store.keyring.get(*id);
            let algorithm = record.usage.first().map_or("key", String::as_str);
            ledger.add(
                &record.name,
                record.bytes.clone(),
                algorithm,
                record.provenance.clone(),
                AUDITOR,
            );
            if let Some(token) = &record.token {
                ledger.set_token(&record.name, token);
            }
        }
        let signer = parties::signer_name(m.signatures.iter().map(|v| &v.report));
        let (from, to) =
            parties::message_parties(captured, m.processed.as_ref().map(|p| &p.document), signer);
        // The endpoints of the message that carried a key hold it (one made it, the other
        // processed it), as does the auditor who recovered it.
        for id in m.keys() {
            let name = &store.keyring.get(*id).name;
            ledger.learns(&from, name);
            ledger.learns(&to, name);
        }
        let (layers, checks) = layers_and_checks(m, store);
        let mut snapshot = Snapshot {
            envelope: Some(Envelope {
                from,
                to,
                text: received_text(m, captured),
                changed: Vec::new(),
            }),
            processed: m.processed.as_ref().and_then(processed_view),
            ledger: ledger.clone(),
            layers,
            checks,
        };
        self.made += 1;
        locate_spans(&mut snapshot, self.made);
        for key in snapshot.ledger.keys() {
            if let Some(step) = key.token_step {
                ledger.note_token_step(&key.name, step);
            }
        }
        Step {
            actor: AUDITOR.to_string(),
            title: format!("Message {}: {}", m.index + 1, m.file),
            narrative: narrative(m),
            spec: SpecRef::new("WS-Security 1.1", "5 Security Header (processing in order)"),
            snapshot,
        }
    }
}

/// The message's signature and encryption layers, and its checks: check i is about layer i,
/// then the findings.
fn layers_and_checks(m: &MessageResult, store: &TokenStore) -> (Vec<Layer>, Vec<Check>) {
    let mut layers: Vec<Layer> = m.signatures.iter().map(signature_layer).collect();
    let encryptions = m.encryptions();
    layers.extend(
        encryptions
            .iter()
            .map(|e| Layer::Encryption(receipt::encryption_layer(e, &store.keyring))),
    );
    let mut checks: Vec<Check> = m.signatures.iter().map(verdict_check).collect();
    checks.extend(encryptions.iter().map(|e| encryption_check(e, &same_name)));
    for (i, check) in checks.iter_mut().enumerate() {
        check.layer = Some(i);
    }
    checks.extend(finding_checks(&m.findings));
    (layers, checks)
}

fn narrative(m: &MessageResult) -> String {
    let mut narrative = format!(
        "{} ({}): {} tokens, {} signatures, {} encrypted parts.",
        m.file,
        m.soap_version().unwrap_or("not SOAP"),
        m.tokens().len(),
        m.signatures.len(),
        m.encryptions().len()
    );
    if let Some(p) = &m.processed {
        for line in &p.trust {
            narrative.push(' ');
            narrative.push_str(&line.to_string());
            narrative.push('.');
        }
    }
    narrative
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsig::SignatureReport;
    use crate::xml::Document;

    fn verdict(valid: bool, mode: WhitespaceMode) -> SignatureVerdict {
        let doc = Document::parse_str("<ds:Signature xmlns:ds=\"urn:ds\" Id=\"S\"/>", "t").unwrap();
        let mut report = SignatureReport::malformed(doc.root_element(), "invalid");
        report.valid = valid;
        report.error = (!valid).then(|| "digest mismatch".to_string());
        SignatureVerdict {
            report,
            whitespace_mode: mode,
            repaired_references: Vec::new(),
            key_source: None,
        }
    }

    #[test]
    fn a_captured_step_holds_the_captured_buffer_itself() {
        let bytes = std::fs::read("samples/direct/default/01-alice-bob.xml").unwrap();
        let messages = crate::audit::load_bytes(bytes, "01-alice-bob.xml").unwrap();
        let result = crate::audit::conversation::inspect_conversation(
            &messages,
            &crate::crypto::KeyStore::new(),
            Vec::new(),
            &crate::receive::ProcessOptions::default(),
        );
        let steps = conversation_steps(&messages, &result);
        let text = &steps[0].snapshot.envelope.as_ref().unwrap().text;
        let captured = messages[0].soap.shared_text().unwrap();
        assert!(std::sync::Arc::ptr_eq(text.as_arc(), &captured));
        assert!(captured_text(&messages[0]).ptr_eq(text));
    }

    #[test]
    fn a_signature_valid_only_after_repair_is_a_failed_check_and_layer() {
        let as_is = verdict_check(&verdict(true, WhitespaceMode::AsIs));
        assert!(as_is.ok, "{as_is:?}");
        let repaired = verdict_check(&verdict(true, WhitespaceMode::DeIndented));
        assert!(!repaired.ok);
        assert!(repaired.reason.contains("re-indentation"), "{repaired:?}");
        let Layer::Signature(layer) = signature_layer(&verdict(true, WhitespaceMode::DeIndented))
        else {
            panic!("not a signature layer")
        };
        assert!(matches!(layer.status, LayerStatus::Failed(_)));
        assert!(!verdict_check(&verdict(false, WhitespaceMode::AsIs)).ok);
    }
}
