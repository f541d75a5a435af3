//! `key-for-other-recipient`: a header EncryptedKey addressed to someone else.
//!
//! A message for several recipients carries one EncryptedKey per recipient. A receiver opens
//! its own and leaves the others closed: that is not a failure. So an EncryptedKey that could
//! not be opened because it names a recipient none of the supplied private keys answers to
//! becomes a note, naming whose certificate it is for, when another EncryptedKey of the same
//! message opened and nothing the receiver needs depended on it: every encrypted part opened,
//! every signature verified and no other key was left unavailable. Otherwise it stays the
//! `key-unavailable` error. Either way the supplied key is never tried on it (the refusal of
//! a key the message does not name is unchanged); only the verdict's severity differs.

use crate::crypto::KeySelector;
use crate::crypto::key_store::{PublicKeySource, match_public};
use crate::crypto::named_certificate::designated;
use crate::xml::{Document, Node};

use super::Receiver;
use super::finding_code::FindingCode;
use super::key_recipient::recipient_selectors;
use super::keys::Provenance;

/// A `key-unavailable` finding that may be a note: its index in the message's findings and
/// the recipient the EncryptedKey names, in words.
#[derive(Debug)]
pub(super) struct ClosedForOther {
    finding: usize,
    encrypted_key: String,
    recipient: String,
}

impl Receiver<'_, '_> {
    /// After an EncryptedKey at `node` failed to open (its `key-unavailable` finding just
    /// pushed): remembers it when it names a recipient no supplied private key answers to.
    pub(super) fn note_closed_encrypted_key(&mut self, doc: &Document, node: Node<'_>) {
        let Some(finding) = self.findings.len().checked_sub(1) else {
            return;
        };
        if self.findings[finding].code != FindingCode::KeyUnavailable {
            return;
        }
        let ids = self.id_index(doc);
        let selectors = recipient_selectors(&self.resolver(doc, &ids), node);
        let naming: Vec<&KeySelector> = selectors
            .iter()
            .filter(|s| !matches!(s, KeySelector::KeyName(_)))
            .collect();
        let answered = self.keys.private_keys().iter().any(|entry| {
            naming
                .iter()
                .any(|s| match_public(&PublicKeySource::PrivateKey(entry), s).is_some())
        });
        if naming.is_empty() || answered {
            return;
        }
        let known = self
            .keys
            .certificates()
            .iter()
            .chain(self.store.certificates.iter().map(|c| &c.certificate));
        let recipient = match designated(&selectors, known) {
            Some((cert, by)) => format!("the certificate {} (by {by})", cert.short_name()),
            None => {
                let named: Vec<String> = naming.iter().map(|s| s.to_string()).collect();
                format!("the certificate named by {}", named.join(", "))
            }
        };
        self.closed_for_others.push(ClosedForOther {
            finding,
            encrypted_key: node
                .attribute("Id")
                .or_else(|| node.attribute_ns(crate::ns::WSU, "Id"))
                .map(|id| crate::safe_text::one_line(id).into_owned())
                .unwrap_or_else(|| format!("at line {}", node.position().line)),
            recipient: crate::safe_text::one_line(&recipient).into_owned(),
        });
    }

    /// Turns the remembered `key-unavailable` errors into notes when the message shows that
    /// the receiver did not need them (see the module doc).
    pub(super) fn settle_closed_encrypted_keys(&mut self) {
        if self.closed_for_others.is_empty() {
            return;
        }
        let opened_own = self.established.iter().any(|&k| {
            matches!(
                self.store.keyring.get(k).provenance,
                Provenance::Unwrapped { .. }
            )
        });
        let pending: Vec<usize> = self.closed_for_others.iter().map(|c| c.finding).collect();
        let other_failures = self.findings.iter().enumerate().any(|(i, f)| {
            !pending.contains(&i)
                && matches!(
                    f.code,
                    FindingCode::KeyUnavailable
                        | FindingCode::NestedKeyUnavailable
                        | FindingCode::HokKeyUnavailable
                        | FindingCode::DecryptionFailed
                )
        });
        let all_opened = self.encryptions.iter().all(|e| e.ok);
        let all_verified = self.signatures.iter().all(|s| s.valid);
        if !(opened_own && !other_failures && all_opened && all_verified) {
            return;
        }
        for closed in std::mem::take(&mut self.closed_for_others) {
            let finding = &mut self.findings[closed.finding];
            finding.code = FindingCode::KeyForOtherRecipient;
            finding.severity = FindingCode::KeyForOtherRecipient.severity();
            finding.message = format!(
                "EncryptedKey {} is for another recipient, {}; no supplied private key matches it, so it was left closed: this receiver opened its own EncryptedKey of the message and needs nothing it protects",
                closed.encrypted_key, closed.recipient
            );
        }
    }
}
