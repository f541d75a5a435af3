//! The auditor's checks on one processed message, beyond what the receiver needs to act on
//! it: weak algorithms (SHA-1, truncated HMAC), CBC ciphertext no signature covers, a signed
//! message without a Timestamp, and SAML Conditions (validity against `--now`, Audience
//! against `wsa:To`). Each returns findings of the catalogue; none changes what was verified.

use crate::crypto::{Algorithm, DigestAlgorithm, StatedAlgorithm};
use crate::dsig::SignatureReport;
use crate::ns;
use crate::receive::actors::headers_processed_per_report;
use crate::receive::finding_code::FindingCode;
use crate::receive::wrapping::WSA_2004;
use crate::receive::{EncryptionReport, Finding, ProcessedMessage};
use crate::wss::envelope::SoapEnvelope;
use crate::xml::{Document, Node};

const SHA1_DIGEST: StatedAlgorithm =
    StatedAlgorithm::Known(Algorithm::Digest(DigestAlgorithm::Sha1));

/// Every check of this module on `processed`; `captured` is the message as received (its
/// ciphertext still in place).
pub fn message_findings(processed: &ProcessedMessage, captured: Option<&Document>) -> Vec<Finding> {
    let mut findings = sha1_findings(&processed.document, &processed.signatures);
    findings.extend(truncated_hmac_findings(&processed.document));
    if let Ok(envelope) = SoapEnvelope::read(&processed.document) {
        let headers: Vec<Node<'_>> =
            headers_processed_per_report(&envelope, &processed.security_headers)
                .map(|h| h.node)
                .collect();
        findings.extend(timestamp_missing_finding(&headers, &processed.signatures));
        findings.extend(unsigned_addressing_findings(
            &envelope,
            &processed.signatures,
        ));
        findings.extend(saml_condition_findings(&envelope, &headers));
    }
    for finding in &mut findings {
        processed.received.relocate(finding);
    }
    // These point into the captured document already.
    if let Some(captured) = captured {
        findings.extend(cbc_unsigned_findings(
            &processed.encryptions,
            &processed.signatures,
            captured,
        ));
    }
    findings
}

/// Whether any encrypted part uses a CBC mode (then the captured document is needed).
pub fn uses_cbc(processed: &ProcessedMessage) -> bool {
    processed.encryptions.iter().any(|e| is_cbc(&e.algorithm))
}

fn is_cbc(algorithm: &StatedAlgorithm) -> bool {
    match algorithm {
        StatedAlgorithm::Known(Algorithm::BlockCipher(cipher)) => !cipher.is_aead(),
        other => other.name().ends_with("-cbc"),
    }
}

/// A SignatureMethod over SHA-1 (also one this tool refuses, such as `dsa-sha1`).
fn signs_with_sha1(method: &StatedAlgorithm) -> bool {
    match method {
        StatedAlgorithm::Known(Algorithm::Signature(s)) => s.digest() == DigestAlgorithm::Sha1,
        other => other.name().ends_with("sha1"),
    }
}

/// SHA-1 as a SignatureMethod, and references digested with SHA-1 (one finding per signature),
/// located at the signatures in `doc`, the document they were verified in.
pub fn sha1_findings(doc: &Document, signatures: &[SignatureReport]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for s in signatures {
        let name = s.id.as_deref().unwrap_or(&s.path);
        if signs_with_sha1(&s.signature_method) {
            let method = crate::safe_text::one_line(s.signature_method.name());
            findings.push(FindingCode::Sha1Signature.finding_in(
                format!("signature {name} uses {method}: SHA-1 is broken for collisions; prefer a SHA-256 method"),
                doc,
                s.span,
            ));
        }
        let sha1_references: Vec<&str> = s
            .references
            .iter()
            .filter(|r| r.digest_method == SHA1_DIGEST)
            .map(|r| r.uri.as_deref().unwrap_or("(no URI)"))
            .collect();
        if !sha1_references.is_empty() {
            findings.push(FindingCode::Sha1Digest.finding_in(
                format!(
                    "signature {name} digests {} with SHA-1: prefer SHA-256",
                    sha1_references.join(", ")
                ),
                doc,
                s.span,
            ));
        }
    }
    findings
}

/// An `HMACOutputLength` anywhere in a SignatureMethod: wskex refuses to verify a truncated
/// MAC, and this says why in the catalogue's words (CVE-2009-0217).
pub fn truncated_hmac_findings(doc: &Document) -> Vec<Finding> {
    doc.root_element()
        .descendants()
        .filter(|n| n.has_name(ns::DS, "HMACOutputLength"))
        .filter(|n| {
            n.parent()
                .is_some_and(|p| p.has_name(ns::DS, "SignatureMethod"))
        })
        .map(|n| {
            FindingCode::TruncatedHmac.finding_at(
                format!(
                    "the SignatureMethod asks for an HMAC truncated to {} bits",
                    n.text_content().trim()
                ),
                n,
            )
        })
        .collect()
}

/// CBC EncryptedData whose ciphertext no valid signature covers: a reference names it, or
/// the canonical bytes a reference digested hold its CipherValue (encrypt-then-sign over an
/// ancestor). Covering the plaintext (sign-then-encrypt) does not stop a padding oracle.
pub fn cbc_unsigned_findings(
    encryptions: &[EncryptionReport],
    signatures: &[SignatureReport],
    captured: &Document,
) -> Vec<Finding> {
    let cipher_values: Vec<(Option<&str>, u32, String, Node<'_>)> = captured
        .root_element()
        .descendants()
        .filter(|n| n.has_name(ns::XENC, "EncryptedData"))
        .map(|n| {
            let cipher = n
                .descendants()
                .find(|c| c.has_name(ns::XENC, "CipherValue"))
                .map(|c| c.text_content().split_whitespace().collect::<String>())
                .unwrap_or_default();
            (n.attribute("Id"), n.position().line, cipher, n)
        })
        .collect();
    let valid_references = || {
        signatures
            .iter()
            .filter(|s| s.valid)
            .flat_map(|s| s.references.iter().filter(|r| r.valid))
    };
    let mut findings = Vec::new();
    for e in encryptions.iter().filter(|e| is_cbc(&e.algorithm)) {
        let named = e.id.as_deref().is_some_and(|id| {
            valid_references().any(|r| r.uri.as_deref() == Some(&format!("#{id}")))
        });
        let element = cipher_values
            .iter()
            .find(|(id, line, _, _)| match (id, e.id.as_deref()) {
                (Some(a), Some(b)) => *a == b,
                _ => *line == e.line,
            });
        let cipher = element
            .map(|(_, _, c, _)| c.as_str())
            .filter(|c| c.len() >= 16);
        let digested = cipher.is_some_and(|c| {
            valid_references().any(|r| {
                r.canonical
                    .as_deref()
                    .is_some_and(|text| text.split_whitespace().collect::<String>().contains(c))
            })
        });
        if !named && !digested {
            let algorithm = crate::safe_text::one_line(e.algorithm.name());
            let message = format!(
                "EncryptedData {} ({algorithm}) is not covered by any valid signature: a receiver that answers differently on bad padding is a decryption oracle",
                e.id.as_deref().unwrap_or("(no Id)")
            );
            findings.push(match element {
                Some((_, _, _, node)) => FindingCode::CbcNotSigned.finding_at(message, *node),
                None => FindingCode::CbcNotSigned.finding(message, Some(e.line)),
            });
        }
    }
    findings
}

/// A message with a signature in a Security header the receiver processed (`headers`) and no
/// Timestamp in any of them.
fn timestamp_missing_finding(
    headers: &[Node<'_>],
    signatures: &[SignatureReport],
) -> Option<Finding> {
    let signed_in_header = !signatures.is_empty()
        && headers
            .iter()
            .any(|h| h.child(ns::DS, "Signature").is_some());
    let has_timestamp = headers
        .iter()
        .any(|h| h.child(ns::WSU, "Timestamp").is_some());
    let header = headers
        .first()
        .filter(|_| signed_in_header && !has_timestamp)?;
    Some(FindingCode::TimestampMissing.finding_at(
        "the message is signed but its Security header has no Timestamp: nothing limits when it can be replayed",
        *header,
    ))
}

/// WS-Addressing headers of a message that carries a valid signature, none covering them.
/// A header counts as covered when a valid reference names its id.
fn unsigned_addressing_findings(
    envelope: &SoapEnvelope<'_>,
    signatures: &[SignatureReport],
) -> Vec<Finding> {
    let valid: Vec<&SignatureReport> = signatures.iter().filter(|s| s.valid).collect();
    let Some(header) = envelope.header.filter(|_| !valid.is_empty()) else {
        return Vec::new();
    };
    let covered = |node: Node<'_>| {
        let id = node
            .attribute_ns(ns::WSU, "Id")
            .or_else(|| node.attribute("Id"));
        id.is_some_and(|id| {
            let uri = format!("#{id}");
            valid
                .iter()
                .flat_map(|s| &s.references)
                .any(|r| r.valid && r.uri.as_deref() == Some(uri.as_str()))
        })
    };
    header
        .child_elements()
        .filter(|n| n.namespace() == ns::WSA || n.namespace() == WSA_2004)
        .filter(|n| !covered(*n))
        .map(|n| {
            FindingCode::AddressingNotSigned.finding_at(
                format!(
                    "{} is covered by no valid signature: it can be changed in transit",
                    n.qname()
                ),
                n,
            )
        })
        .collect()
}

/// SAML assertions the Security header presents: their Audience against the message's
/// `wsa:To` (their validity against `--now`, with the clock skew, is the receiver's: see
/// `wss::clock`).
fn saml_condition_findings(envelope: &SoapEnvelope<'_>, headers: &[Node<'_>]) -> Vec<Finding> {
    let to = addressing_to(envelope);
    let mut findings = Vec::new();
    for header in headers {
        for assertion in header
            .child_elements()
            .filter(|n| n.has_name(ns::SAML1, "Assertion") || n.has_name(ns::SAML2, "Assertion"))
        {
            let Some(conditions) = assertion.child(assertion.namespace(), "Conditions") else {
                continue;
            };
            findings.extend(saml_audience(assertion, conditions, to.as_deref()));
        }
    }
    findings
}

/// The Audience elements (SAML 1.1 `AudienceRestrictionCondition`, SAML 2.0
/// `AudienceRestriction`) must name the service the message is addressed to.
fn saml_audience(assertion: Node<'_>, conditions: Node<'_>, to: Option<&str>) -> Option<Finding> {
    let to = to?;
    let audiences: Vec<String> = conditions
        .descendants()
        .filter(|n| n.is_element() && n.local_name() == "Audience")
        .filter(|n| n.namespace() == assertion.namespace())
        .map(|n| n.text_content().trim().to_string())
        .collect();
    if audiences.is_empty() || audiences.iter().any(|a| a == to) {
        return None;
    }
    Some(FindingCode::SamlAudienceMismatch.finding_at(
        format!(
            "SAML assertion {} is for {} but the message is addressed to {to}",
            assertion_name(assertion),
            audiences.join(", ")
        ),
        conditions,
    ))
}

fn assertion_name(assertion: Node<'_>) -> String {
    assertion
        .attribute("ID")
        .or_else(|| assertion.attribute("AssertionID"))
        .unwrap_or("(no ID)")
        .to_string()
}

/// The first `wsa:To` SOAP header (either WS-Addressing namespace), trimmed.
pub fn addressing_to(envelope: &SoapEnvelope<'_>) -> Option<String> {
    addressing_header(envelope, "To")
}

/// The first SOAP header of this WS-Addressing name (1.0 or the 2004/08 submission).
pub fn addressing_header(envelope: &SoapEnvelope<'_>, local: &str) -> Option<String> {
    let header = envelope.header?;
    header
        .child_elements()
        .find(|n| n.has_name(ns::WSA, local) || n.has_name(WSA_2004, local))
        .map(|n| n.text_content().trim().to_string())
}
