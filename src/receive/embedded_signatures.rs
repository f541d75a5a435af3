//! Signatures inside tokens that travel outside the Security header: a SAML 1.1/2.0 assertion
//! in an RSTR's RequestedSecurityToken (in the Body or a `wst:IssuedTokens` header block), or
//! anywhere else in the message, carries its issuer's enveloped signature. The receiver
//! verifies it like a header signature (its key from the assertion's ds:KeyInfo, or a supplied
//! STS certificate) and reports it among the message's signatures, and judges its Conditions
//! window against `--now` with the clock skew, as for a header assertion. Assertions inside a
//! Security header are the header walk's (processed with their header, or reported unprocessed
//! with it).
//!
//! A child module of the processor (it extends the receiver's walk), kept in its own file.

use crate::dsig::find_signatures;
use crate::ns;
use crate::wss::SamlAssertion;
use crate::xml::{Document, Node};

use super::Receiver;
use super::clock::{ValidityWindow, Window, window_findings};

/// Whether `node` is a SAML assertion (either version).
fn is_assertion(node: Node<'_>) -> bool {
    matches!(node.namespace(), ns::SAML1 | ns::SAML2) && node.local_name() == "Assertion"
}

/// Whether `signature` is the enveloped signature of a SAML assertion that stands outside every
/// Security header: the receiver verifies it after the header walk, so plain XML-DSig
/// (`verify`'s pass over the other signatures) must leave it to the receiver.
pub fn is_embedded_assertion_signature(signature: Node<'_>) -> bool {
    signature.has_name(ns::DS, "Signature")
        && signature.parent().is_some_and(is_assertion)
        && !signature
            .ancestors()
            .any(|a| a.has_name(ns::WSSE, "Security"))
}

impl Receiver<'_, '_> {
    /// Verifies the enveloped signature of every SAML assertion outside the Security headers
    /// of the message as processed (decrypted parts included).
    pub(super) fn verify_embedded_assertions(&mut self, doc: &Document) {
        let signatures: Vec<Node<'_>> = find_signatures(doc)
            .filter(|n| is_embedded_assertion_signature(*n))
            .collect();
        self.verify_token_signatures(doc, signatures);
        self.judge_embedded_assertion_windows(doc);
    }

    /// The Conditions window (NotBefore, NotOnOrAfter) of every SAML assertion outside the
    /// Security headers, against `--now`: an STS that hands out an expired assertion, or a
    /// message that presents one in its Body, is judged like a header assertion.
    fn judge_embedded_assertion_windows(&mut self, doc: &Document) {
        if [ns::SAML1, ns::SAML2]
            .iter()
            .all(|uri| doc.namespace_id(uri).is_none())
        {
            return;
        }
        let assertions = doc.descendants().filter(|n| {
            n.is_element()
                && is_assertion(*n)
                && !n.ancestors().any(|a| a.has_name(ns::WSSE, "Security"))
        });
        for node in assertions {
            let assertion = SamlAssertion::read(node);
            let window = Window {
                kind: ValidityWindow::SamlConditions,
                starts: assertion.not_before.as_deref(),
                ends: assertion.not_on_or_after.as_deref(),
                node: Some(node),
            };
            self.findings.extend(window_findings(
                window,
                self.options.now,
                self.options.clock_skew,
            ));
        }
    }
}
