//! Conformance of what was encrypted: WS-Security (1.1, section 9.3) lets a sender encrypt the
//! content of `soap:Body` and header blocks, never the `Envelope`, `Header` or `Body` elements
//! themselves (an encrypted Envelope cannot even be processed as SOAP). A stack that does so is non-conforming even when its message decrypts: that is
//! a finding of its own, not a damaged message.

use crate::xml::{Node, Span};

use super::Finding;
use super::finding_code::FindingCode;
use crate::wss::envelope::SoapEnvelope;

/// Findings for SOAP structure that was encrypted as a whole, judged on the message as
/// processed: an EncryptedData still standing in the envelope (not decrypted), or a Body or
/// Header element that came out of a decryption (`decrypted` holds the plaintext spans).
pub fn encrypted_structure_findings(
    envelope: &SoapEnvelope<'_>,
    decrypted: &[Span],
) -> Vec<Finding> {
    let mut findings: Vec<Finding> = envelope
        .encrypted_parts
        .iter()
        .map(|data| {
            FindingCode::EncryptedSoapElement.finding_at(
                format!(
                    "xenc:EncryptedData{} stands in the envelope where the {} should be: the \
                     element itself is encrypted, which WS-Security forbids (encrypt its content); \
                     supply its key to read the message",
                    data.attribute("Id")
                        .map(|id| format!(" {id}"))
                        .unwrap_or_default(),
                    if envelope.body.is_none() {
                        "Body"
                    } else {
                        "Header or Body"
                    }
                ),
                *data,
            )
        })
        .collect();
    let came_from_plaintext = |part: Node<'_>| {
        decrypted
            .iter()
            .any(|s| s.start <= part.span().start && part.span().end <= s.end)
    };
    for part in [envelope.header, envelope.body].into_iter().flatten() {
        if came_from_plaintext(part) {
            findings.push(FindingCode::EncryptedSoapElement.finding_at(
                format!(
                    "the {} element itself was encrypted (it decrypted to {}), which WS-Security \
                     forbids: a conforming sender encrypts its content",
                    part.qname(),
                    part.qname()
                ),
                part,
            ));
        }
    }
    findings
}
