//! A processed conversation in the walkthroughs' vocabulary: one [`Step`] per captured
//! message, holding the received bytes, every key established so far, the signature and
//! encryption layers as they turned out, and the checks. The panes that draw a walkthrough
//! draw a capture the same way, and the receiver's verdicts read the same in both.

use crate::dsig::SignatureReport;
use crate::exchange::{
    Check, DecryptedPart, EncryptionLayer, Envelope, KeyLedger, Layer, LayerStatus, ProcessedView,
    ReferenceStatus, SignatureLayer, Snapshot, SpecRef, Step,
};
use crate::receive::finding_code::FindingCode;
use crate::receive::{EncryptionReport, Finding, ProcessedMessage, Severity};
use crate::xml::whitespace::WhitespaceMode;

use super::conversation::{ConversationResult, SignatureVerdict};
use super::message::CapturedMessage;

/// Who knows the keys of an audited conversation: the auditor, who supplied or recovered them.
pub const AUDITOR: &str = "auditor";

/// Maps a receiver's key name to the ledger's (a walkthrough's ledger names keys its own
/// way; a capture's ledger uses the receiver's names, see [`same_name`]).
pub type KeyNamer<'a> = &'a dyn Fn(&str) -> String;

/// The receiver's names are the ledger's.
pub fn same_name(name: &str) -> String {
    name.to_string()
}

/// The check a receiver's signature report amounts to.
pub fn signature_check(s: &SignatureReport) -> Check {
    signature_check_naming(s, &same_name)
}

/// [`signature_check`], naming a secret key as the ledger does.
pub fn signature_check_naming(s: &SignatureReport, name_of: KeyNamer<'_>) -> Check {
    let name = format!("signature {}", s.id.as_deref().unwrap_or(""));
    // A secret (HMAC) key is a ledger key; a certificate is not.
    let ledger_key = s
        .key
        .as_ref()
        .filter(|_| s.signature_method.contains("hmac"))
        .map(|k| name_of(&k.name));
    let check = if s.valid {
        let covered: Vec<&str> = s
            .references
            .iter()
            .filter_map(|r| r.uri.as_deref())
            .collect();
        let key = match (&s.key, &ledger_key) {
            (Some(k), Some(ledger)) if *ledger != k.name => format!("key {ledger}"),
            (Some(k), _) => k.description.clone(),
            (None, _) => String::new(),
        };
        Check::pass(
            name.trim_end(),
            format!("verifies over {} with {key}", covered.join(", ")),
        )
    } else {
        Check::fail(
            name.trim_end(),
            s.error.clone().unwrap_or_else(|| "invalid".into()),
        )
    };
    check.about_key(ledger_key)
}

/// The check an encrypted part amounts to.
pub fn encryption_check(e: &EncryptionReport) -> Check {
    encryption_check_naming(e, &same_name)
}

/// [`encryption_check`], naming the key as the ledger does.
pub fn encryption_check_naming(e: &EncryptionReport, name_of: KeyNamer<'_>) -> Check {
    let name = format!("decrypt {}", e.id.as_deref().unwrap_or(""));
    let key = e.key.as_deref().map(name_of);
    if e.ok {
        Check::pass(
            name.trim_end(),
            format!(
                "{} opened with key {}",
                e.target,
                key.as_deref().unwrap_or("?")
            ),
        )
        .about_key(key)
    } else {
        Check::fail(
            name.trim_end(),
            e.error.clone().unwrap_or_else(|| "failed".into()),
        )
    }
}

/// The findings that are failed checks: errors, and the coverage warnings a receiver must
/// treat as failures. Signature and decryption failures are left out: their own checks say it.
pub fn finding_checks(findings: &[Finding]) -> Vec<Check> {
    findings
        .iter()
        .filter(|f| {
            f.severity == Severity::Error
                || matches!(
                    f.code,
                    FindingCode::BodyNotSigned
                        | FindingCode::TimestampNotSigned
                        | FindingCode::SignatureWrapping
                )
        })
        .filter(|f| {
            !matches!(
                f.code,
                FindingCode::SignatureInvalid | FindingCode::DecryptionFailed
            )
        })
        .map(|f| Check::fail(f.code.code(), f.message.clone()))
        .collect()
}

/// The receiver's processed view of `p`, when it decrypted anything. Each plaintext span is
/// matched to the report of the part it came from (the opened parts spliced in as XML, in
/// order, whose plaintext is exactly that long); when they cannot all be matched that way the
/// parts carry no id rather than a guessed one.
pub fn processed_view(p: &ProcessedMessage) -> Option<ProcessedView> {
    if p.decrypted.is_empty() {
        return None;
    }
    let spliced: Vec<&EncryptionReport> = p
        .encryptions
        .iter()
        .filter(|e| e.ok && e.target != "octets")
        .collect();
    let matched = spliced.len() == p.decrypted.len()
        && spliced
            .iter()
            .zip(&p.decrypted)
            .all(|(e, s)| e.plaintext_length == Some(s.len()));
    let parts = p
        .decrypted
        .iter()
        .enumerate()
        .map(|(i, span)| DecryptedPart {
            id: if matched { spliced[i].id.clone() } else { None },
            span: *span,
        })
        .collect();
    Some(ProcessedView {
        text: p.document.text().to_string(),
        parts,
    })
}

/// A signature that verified only after undoing re-indentation is a failed check: the captured
/// bytes do not verify.
fn verdict_check(v: &SignatureVerdict) -> Check {
    let check = signature_check(&v.report);
    if check.ok && v.whitespace_mode != WhitespaceMode::AsIs {
        return Check::fail(
            check.name,
            format!(
                "verifies only after undoing re-indentation ({})",
                v.whitespace_mode.name()
            ),
        );
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

fn short_algorithm(uri: &str) -> String {
    uri.rsplit(['#', '/']).next().unwrap_or(uri).to_string()
}

fn signature_layer(v: &SignatureVerdict) -> Layer {
    let s = &v.report;
    Layer::Signature(SignatureLayer {
        id: s.id.clone().unwrap_or_else(|| s.path.clone()),
        method: short_algorithm(&s.signature_method),
        key: s.key.as_ref().map(|k| k.name.clone()).unwrap_or_default(),
        references: s
            .references
            .iter()
            .map(|r| ReferenceStatus {
                uri: r.uri.clone().unwrap_or_default(),
                target: r.target.clone().unwrap_or_default(),
                status: if r.valid {
                    LayerStatus::Verified
                } else {
                    LayerStatus::Failed(r.error.clone().unwrap_or_else(|| "invalid".into()))
                },
            })
            .collect(),
        status: status_of(&verdict_check(v)),
    })
}

fn encryption_layer(e: &EncryptionReport) -> Layer {
    Layer::Encryption(EncryptionLayer {
        encrypted_key: None,
        encrypted_data: e.id.iter().cloned().collect(),
        algorithm: short_algorithm(&e.algorithm),
        key_transport: None,
        key: e.key.clone().unwrap_or_default(),
        target: e.target.clone(),
        status: status_of(&encryption_check(e)),
    })
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
        layers.extend(m.encryptions().iter().map(encryption_layer));
        let mut checks: Vec<Check> = m.signatures.iter().map(verdict_check).collect();
        checks.extend(m.encryptions().iter().map(encryption_check));
        checks.extend(finding_checks(&m.findings));
        let text = String::from_utf8(captured.soap.clone())
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
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
                narrative.push_str(line);
                narrative.push('.');
            }
        }
        steps.push(Step {
            actor: AUDITOR.to_string(),
            title: format!("Message {}: {}", m.index + 1, m.file),
            narrative,
            spec: SpecRef::new("WS-Security 1.1", "5 Security Header (processing in order)"),
            snapshot: Snapshot {
                envelope: Some(Envelope {
                    from: String::new(),
                    to: String::new(),
                    text,
                    changed: Vec::new(),
                }),
                processed: m.processed.as_ref().and_then(processed_view),
                ledger: ledger.clone(),
                layers,
                checks,
            },
        });
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
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
