//! Whether what a message hands over is authenticated: keys that later messages rely on must
//! arrive under a valid signature (or over a channel the user vouches for), and a key the
//! message carries itself proves who signed only when it is one the user supplied.

use crate::dsig::{KeyOrigin, SignatureReport};
use crate::trust::messages::find_in_envelope;
use crate::wss::HeaderItem;
use crate::xml::Document;

use super::Finding;
use super::finding_code::FindingCode;
use super::wrapping::Coverage;
use crate::wss::envelope::SoapEnvelope;

/// Findings for key material no valid signature covers: an RSTR handing over a token or a
/// proof key (an error, or a note when `transport_secured`), an EncryptedKey of the Security
/// header (a warning: it keys only this message's parts, confidentiality without origin).
/// `actor` is the role the receiver plays (see [`super::actors`]): the EncryptedKeys of the
/// headers it processes are judged.
pub fn key_transfer_findings(
    envelope: &SoapEnvelope<'_>,
    coverage: &Coverage<'_>,
    transport_secured: bool,
    actor: Option<&str>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for message in find_in_envelope(envelope) {
        for rstr in message.responses() {
            // A token its issuer signed (a SAML assertion's enveloped signature) vouches for
            // itself; a proof key or entropy beside it still needs a signature over the RSTR.
            let unsigned_token = rstr.token().is_some_and(|t| !coverage.covers(t.node()));
            let hands_over =
                unsigned_token || rstr.requested_proof_token.is_some() || rstr.entropy.is_some();
            if !hands_over || coverage.covers(rstr.node) {
                continue;
            }
            let what = match rstr.token() {
                Some(token) => format!("an RSTR issuing a {}", token.kind_name()),
                None => "an RSTR carrying key material".to_string(),
            };
            findings.push(if transport_secured {
                FindingCode::KeyTransferOverTransport.finding_at(
                    format!("{what} is covered by no valid signature; accepted because --transport-secured says the channel was authenticated TLS"),
                    rstr.node,
                )
            } else {
                FindingCode::UnsignedKeyTransfer.finding_at(
                    format!("{what} is covered by no valid signature: anyone could have sent this key, and later messages would trust it (over authenticated TLS, pass --transport-secured)"),
                    rstr.node,
                )
            });
        }
    }
    let items = super::actors::processed_headers(envelope, actor).flat_map(|h| h.items.iter());
    for item in items {
        if let HeaderItem::EncryptedKey(node) = item
            && !coverage.covers(*node)
        {
            findings.push(FindingCode::UnsignedEncryptedKey.finding_at(
                format!(
                    "EncryptedKey {} is covered by no valid signature: what it encrypts is confidential, but nothing says who sent it",
                    node.attribute("Id").unwrap_or("(no Id)")
                ),
                *node,
            ));
        }
    }
    findings
}

/// For each valid signature checked only with a key the message carries: an error when the
/// user supplied the certificates of the expected signers or trust anchors
/// (`supplies_certificates`) and the key's chain reaches no anchor, else an integrity-only
/// note. A certificate whose chain reaches an anchor proves who signed.
pub fn identity_findings(
    doc: &Document,
    signatures: &[SignatureReport],
    supplies_certificates: bool,
) -> Vec<Finding> {
    signatures
        .iter()
        .filter_map(|s| {
            let key = s.key.as_ref().filter(|k| k.origin == KeyOrigin::Message)?;
            if key.chain.as_ref().is_some_and(|c| c.trusted) {
                return None;
            }
            let name = s.id.as_deref().unwrap_or(&s.path);
            let chain = key
                .chain
                .as_ref()
                .map(|c| format!("; its chain {}", c.describe()))
                .unwrap_or_default();
            Some(if supplies_certificates && s.valid {
                FindingCode::IdentityNotProven.finding_in(
                    format!("signature {name} verifies only with a key the message carries ({}), which matches none of the supplied certificates{chain}: anyone can sign with their own key", key.description),
                    doc,
                    s.span,
                )
            } else {
                FindingCode::KeyFromMessage.finding_in(
                    format!("signature {name} was checked with a key the message carries itself{chain}: integrity, not identity"),
                    doc,
                    s.span,
                )
            })
        })
        .collect()
}
