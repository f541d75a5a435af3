//! The one conversion from what a receiver reported ([`ProcessedMessage`]) to the Snapshot's
//! vocabulary: layers with their statuses and the receiver's intermediates, typed checks that
//! name their layer and bytes, and the processed view. Walkthrough receivers (which update the
//! layers their senders made) and captures (whose layers come from the reports) both use it.

use crate::crypto::{Algorithm, SignatureAlgorithm, StatedAlgorithm};
use crate::dsig::SignatureReport;
use crate::dsig::verify::ReferenceReport;
use crate::ns;
use crate::receive::finding_code::FindingCode;
use crate::receive::keys::{Keyring, Provenance};
use crate::receive::{EncryptionReport, Finding, ProcessedMessage, Severity};

use super::check::{Check, CheckKind};
use super::snapshot::{
    DecryptedPart, EncryptionLayer, KeyChoice, Layer, LayerStatus, ProcessedView, ReferenceStatus,
    SignatureLayer,
};
use super::span::TextSpan;

pub use super::key_naming::{KeyNamer, ledger_namer, same_name};

/// The check a receiver's signature report amounts to, naming a secret (HMAC) key as the
/// ledger does (`name_of`); a certificate is no ledger key.
pub fn signature_check(s: &SignatureReport, name_of: KeyNamer<'_>) -> Check {
    let name = format!("signature {}", s.id.as_deref().unwrap_or(""));
    let name = name.trim_end();
    let ledger_key = s
        .key
        .as_ref()
        .filter(|_| {
            matches!(
                s.signature_method,
                StatedAlgorithm::Known(Algorithm::Signature(SignatureAlgorithm::Hmac(_)))
            )
        })
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
        Check::of(
            CheckKind::Signature,
            name,
            true,
            format!("verifies over {} with {key}", covered.join(", ")),
        )
    } else {
        let reason = s.error.clone().unwrap_or_else(|| "invalid".into());
        Check::of(CheckKind::Signature, name, false, reason)
    };
    check.about_key(ledger_key)
}

/// The check an encrypted part amounts to, naming the key as the ledger does (`name_of`).
pub fn encryption_check(e: &EncryptionReport, name_of: KeyNamer<'_>) -> Check {
    let name = format!("decrypt {}", e.id.as_deref().unwrap_or(""));
    let name = name.trim_end();
    let key = e.key.as_deref().map(name_of);
    if e.ok {
        let reason = format!(
            "{} opened with key {}",
            e.target,
            key.as_deref().unwrap_or("?")
        );
        Check::of(CheckKind::Decryption, name, true, reason).about_key(key)
    } else {
        let reason = e.error.clone().unwrap_or_else(|| "failed".into());
        Check::of(CheckKind::Decryption, name, false, reason)
    }
}

/// The findings that are failed checks: those that block acceptance (see
/// [`CheckKind::blocks_acceptance`]). Signature and decryption failures are left out: their
/// own checks say it. Each points at the received bytes the finding is about.
pub fn finding_checks(findings: &[Finding]) -> Vec<Check> {
    findings
        .iter()
        .filter(|f| f.severity == Severity::Error || f.code.is_coverage_failure())
        .filter(|f| {
            !matches!(
                f.code,
                FindingCode::SignatureInvalid | FindingCode::DecryptionFailed
            )
        })
        .map(|f| {
            let kind = CheckKind::Finding { code: f.code };
            Check::of(kind, f.code.code(), false, f.message.clone())
                .about(f.span.map(TextSpan::envelope).into_iter().collect())
        })
        .collect()
}

/// Every check a receiver's report amounts to: one per signature and encrypted part (naming
/// the layer of `layers` it is about), the findings that fail, and the Timestamp's freshness.
pub fn receiver_checks(
    processed: &ProcessedMessage,
    layers: &[Layer],
    name_of: KeyNamer<'_>,
) -> Vec<Check> {
    let mut checks: Vec<Check> = Vec::new();
    for s in &processed.signatures {
        let mut check = signature_check(s, name_of);
        check.layer =
            s.id.as_deref()
                .and_then(|id| signature_layer_index(layers, id));
        checks.push(check);
    }
    for e in &processed.encryptions {
        let mut check = encryption_check(e, name_of);
        check.layer =
            e.id.as_deref()
                .and_then(|id| encryption_layer_index(layers, id));
        checks.push(check);
    }
    checks.extend(finding_checks(&processed.findings));
    if !processed
        .findings
        .iter()
        .any(|f| f.code.concerns_timestamp())
    {
        let spans = timestamp_span(processed).into_iter().collect();
        checks.push(
            Check::of(
                CheckKind::Timestamp,
                "timestamp",
                true,
                "the Timestamp is fresh and signed",
            )
            .about(spans),
        );
    }
    checks
}

/// The message's `wsu:Timestamp` in the received bytes.
fn timestamp_span(processed: &ProcessedMessage) -> Option<TextSpan> {
    let node = processed
        .document
        .descendants()
        .find(|n| n.has_name(ns::WSU, "Timestamp"))?;
    Some(TextSpan::envelope(
        processed.received.to_received(node.span()),
    ))
}

pub fn signature_layer_index(layers: &[Layer], id: &str) -> Option<usize> {
    layers
        .iter()
        .position(|l| matches!(l, Layer::Signature(s) if s.id == id))
}

pub fn encryption_layer_index(layers: &[Layer], id: &str) -> Option<usize> {
    layers
        .iter()
        .position(|l| matches!(l, Layer::Encryption(e) if e.encrypted_data.iter().any(|d| d == id)))
}

fn status_of(check: &Check) -> LayerStatus {
    if check.ok {
        LayerStatus::Verified
    } else {
        LayerStatus::Failed(check.reason.clone())
    }
}

/// The receiver's verdict and intermediates for one reference.
fn checked_reference(mut r: ReferenceStatus, report: &ReferenceReport) -> ReferenceStatus {
    r.transforms = report.transforms.clone();
    r.digest_method = Some(report.digest_method.uri().to_string());
    r.stated_digest = report.digest_expected.clone();
    r.computed_digest = report.digest_computed.clone();
    r.canonical_length = Some(report.canonical_length);
    r.status = if report.valid {
        LayerStatus::Verified
    } else {
        LayerStatus::Failed(report.error.clone().unwrap_or_else(|| "invalid".into()))
    };
    r
}

/// Gives a signature layer the receiver's verdict: its status, canonical SignedInfo, key
/// choice, and each reference's intermediates. A reference the receiver did not find in the
/// signature it verified fails with that reason.
fn mark_signature(layer: &mut SignatureLayer, report: &SignatureReport) {
    layer.status = status_of(&signature_check(report, &same_name));
    layer.canonical_signed_info =
        Some(report.canonical_signed_info.clone()).filter(|c| !c.is_empty());
    layer.key_choice = report.key.as_ref().map(|k| KeyChoice {
        name: k.name.clone(),
        origin: k.origin,
        how: k.description.clone(),
        proves_identity: k.proves_identity,
    });
    let created = std::mem::take(&mut layer.references);
    layer.references = created
        .into_iter()
        .map(|r| {
            match report
                .references
                .iter()
                .find(|rr| rr.uri.as_deref() == Some(r.uri.as_str()))
            {
                Some(found) => checked_reference(r, found),
                None => ReferenceStatus {
                    status: LayerStatus::Failed(
                        "the receiver found no such reference in the signature".into(),
                    ),
                    ..r
                },
            }
        })
        .collect();
}

/// Gives each signature and encryption layer the receiver checked its verdict.
pub fn mark_layers(layers: &mut [Layer], processed: &ProcessedMessage) {
    for s in &processed.signatures {
        let Some(id) = s.id.as_deref() else { continue };
        for layer in layers.iter_mut() {
            if let Layer::Signature(l) = layer
                && l.id == id
            {
                mark_signature(l, s);
            }
        }
    }
    for e in &processed.encryptions {
        let Some(id) = e.id.as_deref() else { continue };
        let status = status_of(&encryption_check(e, &same_name));
        for layer in layers.iter_mut() {
            if let Layer::Encryption(l) = layer
                && l.encrypted_data.iter().any(|d| d == id)
            {
                l.status = status.clone();
            }
        }
    }
}

/// A signature layer as a capture shows it: everything from the receiver's report.
pub fn signature_layer(s: &SignatureReport) -> SignatureLayer {
    let mut layer = SignatureLayer {
        id: s.id.clone().unwrap_or_else(|| s.path.clone()),
        method: s.signature_method.name().to_string(),
        key: s.key.as_ref().map(|k| k.name.clone()).unwrap_or_default(),
        span: None,
        canonical_signed_info: None,
        key_choice: None,
        references: s
            .references
            .iter()
            .map(|r| {
                ReferenceStatus::created(
                    r.uri.as_deref().unwrap_or_default(),
                    r.target.as_deref().unwrap_or_default(),
                )
            })
            .collect(),
        status: LayerStatus::Created,
    };
    mark_signature(&mut layer, s);
    layer
}

/// An encryption layer as a capture shows it. When the data key was unwrapped from an
/// EncryptedKey (as `keyring`, the receiver's memory, records), the layer names it, so its
/// span joins the layer's as a walkthrough's does.
pub fn encryption_layer(e: &EncryptionReport, keyring: &Keyring) -> EncryptionLayer {
    let unwrapped = e
        .key
        .as_deref()
        .and_then(|name| keyring.by_name(name))
        .map(|id| keyring.get(id))
        .and_then(|record| match &record.provenance {
            Provenance::Unwrapped { transport, .. } => {
                Some((record.token.clone()?, transport.clone()))
            }
            _ => None,
        });
    let (encrypted_key, key_transport) = unwrapped.unzip();
    EncryptionLayer {
        encrypted_key,
        encrypted_data: e.id.iter().cloned().collect(),
        algorithm: e.algorithm.name().to_string(),
        key_transport,
        key: e.key.clone().unwrap_or_default(),
        target: e.target.clone(),
        spans: Vec::new(),
        status: status_of(&encryption_check(e, &same_name)),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsig::verify::ReferenceStatus as Verdict;
    use crate::xml::Document;

    fn report(valid_body: bool) -> SignatureReport {
        let doc = Document::parse_str("<ds:Signature xmlns:ds=\"urn:ds\" Id=\"S\"/>", "t").unwrap();
        let mut report = SignatureReport::malformed(doc.root_element(), "x");
        report.valid = valid_body;
        report.error = (!valid_body).then(|| "digest mismatch".to_string());
        report.canonical_signed_info = "<ds:SignedInfo/>".into();
        report.references = vec![ReferenceReport {
            uri: Some("#B".into()),
            target: Some("soap:Body".into()),
            target_line: None,
            transforms: vec!["exc-c14n".into()],
            digest_method: StatedAlgorithm::from_uri(crate::crypto::algorithms::uri::SHA256),
            digest_expected: Some("AAAA".into()),
            digest_computed: Some(if valid_body { "AAAA" } else { "BBBB" }.into()),
            canonical_length: 12,
            canonical: None,
            valid: valid_body,
            status: if valid_body {
                Verdict::Valid
            } else {
                Verdict::Invalid
            },
            error: (!valid_body).then(|| "digest mismatch".to_string()),
            cause: None,
            first_difference: None,
        }];
        report
    }

    #[test]
    fn a_checked_signature_leaves_no_reference_created() {
        let created =
            Layer::signature_created("S", "rsa-sha256", "k", &[("#B", "Body"), ("#T", "TS")]);
        for valid in [true, false] {
            let mut layer = match created.clone() {
                Layer::Signature(s) => s,
                Layer::Encryption(_) => unreachable!(),
            };
            mark_signature(&mut layer, &report(valid));
            let body = &layer.references[0];
            assert_eq!(body.stated_digest.as_deref(), Some("AAAA"));
            assert_eq!(body.canonical_length, Some(12));
            assert_eq!(body.status == LayerStatus::Verified, valid);
            // The reference the receiver never saw fails with a reason rather than stay
            // `created`.
            assert!(matches!(layer.references[1].status, LayerStatus::Failed(_)));
            assert_eq!(
                layer.canonical_signed_info.as_deref(),
                Some("<ds:SignedInfo/>")
            );
        }
    }
}
