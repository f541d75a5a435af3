//! Tokens that travel outside the Security header: an RSTR (alone or in an RSTRC) in a
//! `wst:IssuedTokens` header block, in another header block, or in the Body of the same message
//! (the direct key transfer of WS-SecureConversation, either WS-Trust generation). The
//! Security header's DerivedKeyTokens and signatures name the SecurityContextToken such an RSTR
//! carries by its Identifier, so its token and proof key are registered before the header walk,
//! and the ledger says which block carried each key. Registering is not trusting: whether a
//! signature covers the block is judged afterwards, like any key transfer
//! ([`super::authentication`]).
//!
//! A child module of the processor (it extends the receiver's walk), kept in its own file.

use std::collections::HashSet;

use crate::ns;
use crate::trust::messages::{TrustMessage, find_in_envelope};
use crate::trust::response::RequestSecurityTokenResponse;
use crate::xml::{Document, Node};

use super::Receiver;
use super::trust_summary::TrustFact;
use crate::wss::envelope::SoapEnvelope;

/// The RSTRs a receiver has already acted on, by the fingerprint of their element (the text
/// of an RSTR in clear does not change when other parts are decrypted and spliced in).
#[derive(Debug, Default)]
pub(super) struct Responded(HashSet<String>);

/// Where an RSTR stood, as the ledger names the block that carried its keys.
pub fn carrier_of(rstr: Node<'_>) -> String {
    let issued_tokens = rstr
        .ancestors()
        .find(|a| ns::is_wst(a.namespace()) && a.local_name() == "IssuedTokens");
    if let Some(block) = issued_tokens {
        return format!(
            "the {} header block (line {})",
            block.qname(),
            block.position().line
        );
    }
    let part = rstr.ancestors().find(|a| {
        a.parent().is_some_and(|p| p.local_name() == "Envelope")
            && matches!(a.local_name(), "Body" | "Header")
    });
    match part {
        Some(body) if body.local_name() == "Body" => {
            format!("the {} (line {})", body.qname(), rstr.position().line)
        }
        Some(header) => {
            let block = rstr
                .ancestors()
                .take_while(|a| a.id() != header.id())
                .last()
                .unwrap_or(rstr);
            format!(
                "the {} header block (line {})",
                block.qname(),
                block.position().line
            )
        }
        None => format!("the element at line {}", rstr.position().line),
    }
}

impl Receiver<'_, '_> {
    /// Registers the tokens and proof keys of the RSTRs in clear outside the Security header,
    /// before the header walk needs them.
    pub(super) fn register_issued_tokens(&mut self, doc: &Document) {
        let Ok(envelope) = SoapEnvelope::read(doc) else {
            return;
        };
        for message in find_in_envelope(&envelope) {
            if matches!(message, TrustMessage::Request(_)) {
                continue;
            }
            for rstr in message.responses() {
                self.respond_once(doc, rstr);
            }
        }
    }

    /// Acts on an RSTR unless it was acted on already (before the walk, or in an earlier
    /// pass), and names the block that carried the keys it established.
    pub(super) fn respond_once(&mut self, doc: &Document, rstr: &RequestSecurityTokenResponse<'_>) {
        if !self.responded.0.insert(super::fingerprint(rstr.node)) {
            return;
        }
        let carrier = carrier_of(rstr.node);
        let before = self.established.len();
        let trust_before = self.trust.len();
        self.response(doc, rstr);
        for &id in &self.established[before..] {
            self.store
                .keyring
                .note_carrier(id, format!("carried in {carrier}"));
        }
        // A proof key unwrapped earlier (an EncryptedKey registered twice) is still this
        // RSTR's: its SecurityContextToken names the carrier too.
        if let Some(summary) = self.trust.get_mut(trust_before) {
            summary.push(TrustFact::CarriedIn { block: carrier });
        }
    }
}
