//! A processed conversation in the walkthroughs' vocabulary: one [`Step`] per captured
//! message, holding the received bytes, every key established so far, the signature and
//! encryption layers as they turned out, and the checks. The panes that draw a walkthrough
//! draw a capture the same way, and the receiver's verdicts read the same in both.

use crate::exchange::receipt::{
    self, encryption_check, finding_checks, processed_view, same_name, signature_check,
};
use crate::exchange::step_spans::locate_spans;
use crate::exchange::{Check, Envelope, KeyLedger, Layer, LayerStatus, Snapshot, SpecRef, Step};
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
/// Latin-1 where it arrived so), never re-serialized.
fn received_text(m: &MessageResult, captured: &CapturedMessage) -> String {
    match &m.processed {
        Some(p) => p
            .received
            .received_text()
            .unwrap_or_else(|| p.document.text())
            .to_string(),
        None => String::from_utf8_lossy(&captured.soap).into_owned(),
    }
}

/// One step per message of `result` (which processed `messages`, in the same order).
pub fn conversation_steps(messages: &[CapturedMessage], result: &ConversationResult) -> Vec<Step> {
    let mut ledger = KeyLedger::default();
    let mut steps = Vec::with_capacity(result.messages.len());
    for (m, captured) in result.messages.iter().zip(messages) {
        // Keys established by this message join the ledger, as the auditor's.
        for id in m.keys() {
            let record = result.store.keyring.get(*id);
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
        let mut layers: Vec<Layer> = m.signatures.iter().map(signature_layer).collect();
        let encryptions = m.encryptions();
        layers.extend(
            encryptions
                .iter()
                .map(|e| Layer::Encryption(receipt::encryption_layer(e, &result.store.keyring))),
        );
        // Layers and checks come in the same order: check i is about layer i.
        let mut checks: Vec<Check> = m.signatures.iter().map(verdict_check).collect();
        checks.extend(encryptions.iter().map(|e| encryption_check(e, &same_name)));
        for (i, check) in checks.iter_mut().enumerate() {
            check.layer = Some(i);
        }
        checks.extend(finding_checks(&m.findings));
        let text = received_text(m, captured);
        let signer = parties::signer_name(m.signatures.iter().map(|v| &v.report));
        let (from, to) =
            parties::message_parties(captured, m.processed.as_ref().map(|p| &p.document), signer);
        // The endpoints of the message that carried a key hold it (one made it, the other
        // processed it), as does the auditor who recovered it.
        for id in m.keys() {
            let name = &result.store.keyring.get(*id).name;
            ledger.learns(&from, name);
            ledger.learns(&to, name);
        }
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
        let mut snapshot = Snapshot {
            envelope: Some(Envelope {
                from,
                to,
                text,
                changed: Vec::new(),
            }),
            processed: m.processed.as_ref().and_then(processed_view),
            ledger: ledger.clone(),
            layers,
            checks,
        };
        locate_spans(&mut snapshot, steps.len() + 1);
        for key in snapshot.ledger.keys() {
            if let Some(step) = key.token_step {
                ledger.note_token_step(&key.name, step);
            }
        }
        steps.push(Step {
            actor: AUDITOR.to_string(),
            title: format!("Message {}: {}", m.index + 1, m.file),
            narrative,
            spec: SpecRef::new("WS-Security 1.1", "5 Security Header (processing in order)"),
            snapshot,
        });
    }
    steps
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
