//! `key-for-other-certificate` across a conversation: a key transported to a certificate
//! other than the one its receiving party uses elsewhere in the conversation.
//!
//! Without `--receiver-cert` the receiver's certificate is not given, but a conversation often
//! shows it: the party a request is addressed to signs its own messages with a certificate.
//! When a message's header EncryptedKeys name certificates (thumbprint, subject key identifier,
//! issuer and serial, a BinarySecurityToken) and none of them is a certificate its receiving
//! party signs with elsewhere in the conversation, each is the finding: whoever holds the
//! named certificate's key reads what the key protects. A message that also carries an
//! EncryptedKey for the receiver's own certificate is a message for several recipients, not
//! this finding.
//!
//! Who is who: a message's receiver is its `wsa:To`; its sender is its `wsa:From` (else
//! `wsa:ReplyTo`), else the receiver of the message it answers (`wsa:RelatesTo`), else, for
//! an HTTP response, the receiver of the request before it. A message whose sender is not
//! told is not used: a guess could make a false finding in a conversation of three parties.

use std::collections::HashMap;

use crate::crypto::named_certificate::designated;
use crate::crypto::{Certificate, KeySelector, KeyStore};
use crate::dsig::key_info::read_key_info;
use crate::ns;
use crate::receive::actors::headers_processed_per_report;
use crate::receive::finding_code::FindingCode;
use crate::receive::store::TokenStore;
use crate::receive::{Finding, ProcessedMessage};
use crate::resolve::selectors_of;
use crate::safe_text::one_line;
use crate::wss::envelope::SoapEnvelope;
use crate::wss::str_ref::{KeyIdentifierKind, SecurityTokenReference, StrForm};
use crate::xml::Node;

use super::conversation_checks::MessageFinding;
use super::message_checks::addressing_header;
use super::parties::names_an_endpoint;

/// Who sends and who receives one message, from its addressing headers.
#[derive(Debug, Default, Clone)]
struct Addressing {
    to: Option<String>,
    from: Option<String>,
    message_id: Option<String>,
    relates_to: Option<String>,
}

/// An address that names a party (see [`names_an_endpoint`]).
fn endpoint(address: Option<String>) -> Option<String> {
    address.filter(|a| names_an_endpoint(a))
}

fn addressing(processed: &ProcessedMessage) -> Addressing {
    let Ok(envelope) = SoapEnvelope::read(&processed.document) else {
        return Addressing::default();
    };
    let header = |name: &str| addressing_header(&envelope, name);
    Addressing {
        to: endpoint(header("To")),
        from: endpoint(header("From")).or_else(|| endpoint(header("ReplyTo"))),
        message_id: header("MessageID").filter(|id| !id.is_empty()),
        relates_to: header("RelatesTo").filter(|id| !id.is_empty()),
    }
}

/// The sender of each message, as far as the conversation tells (see the module doc).
/// `http_response[i]` says message `i` was captured as an HTTP response.
fn senders(addressed: &[Addressing], http_response: &[bool]) -> Vec<Option<String>> {
    // Each MessageID's first message, so answers are found in one pass (a capture may hold
    // thousands of messages).
    let mut by_message_id: HashMap<&str, &Addressing> = HashMap::new();
    for a in addressed {
        if let Some(id) = a.message_id.as_deref() {
            by_message_id.entry(id).or_insert(a);
        }
    }
    addressed
        .iter()
        .enumerate()
        .map(|(i, a)| {
            a.from
                .clone()
                .or_else(|| {
                    let answered = a.relates_to.as_deref()?;
                    by_message_id.get(answered)?.to.clone()
                })
                .or_else(|| {
                    // An HTTP response comes from whom the request before it was sent to.
                    let request = i.checked_sub(1)?;
                    (http_response.get(i) == Some(&true)
                        && http_response.get(request) == Some(&false))
                    .then(|| addressed[request].to.clone())
                    .flatten()
                })
        })
        .collect()
}

/// Every certificate the auditor knows: supplied ones (with or without their private key)
/// and those the conversation carried.
fn known_certificates<'a>(keys: &'a KeyStore, store: &'a TokenStore) -> Vec<&'a Certificate> {
    keys.certificates()
        .iter()
        .chain(
            keys.private_keys()
                .iter()
                .filter_map(|e| e.certificate.as_ref()),
        )
        .chain(store.certificates.iter().map(|c| &c.certificate))
        .collect()
}

/// The certificates whose keys made a valid signature of `processed`. A signature's key is
/// known by its subject: every known certificate of that subject counts (several certificates
/// of one subject, say a renewed one, must not make a false finding).
fn signing_certificates<'a>(
    processed: &ProcessedMessage,
    known: &[&'a Certificate],
) -> Vec<&'a Certificate> {
    processed
        .signatures
        .iter()
        .filter(|s| s.valid)
        .filter_map(|s| s.key.as_ref())
        .flat_map(|key| {
            known
                .iter()
                .copied()
                .filter(move |c| c.subject() == key.name)
        })
        .collect()
}

/// What a header EncryptedKey's KeyInfo says about its recipient, as key selectors (a
/// reference to a BinarySecurityToken becomes that certificate).
fn recipient_selectors(
    encrypted_key: Node<'_>,
    message: usize,
    store: &TokenStore,
) -> Vec<KeySelector> {
    let Some(key_info) = encrypted_key.child(ns::DS, "KeyInfo") else {
        return Vec::new();
    };
    let Some(str) = key_info.child(ns::WSSE, "SecurityTokenReference") else {
        return selectors_of(&read_key_info(key_info));
    };
    match SecurityTokenReference::read(str).form {
        Some(StrForm::Reference(r)) => r
            .local_id()
            .and_then(|id| {
                store
                    .certificates
                    .iter()
                    .find(|c| c.message == message && c.id.as_deref() == Some(id))
            })
            .and_then(|c| c.certificate.to_der().ok())
            .map(|der| vec![KeySelector::Certificate(der)])
            .unwrap_or_default(),
        Some(StrForm::KeyIdentifier(k)) => match (k.kind, k.value) {
            (KeyIdentifierKind::ThumbprintSha1, Some(v)) => vec![KeySelector::ThumbprintSha1(v)],
            (KeyIdentifierKind::X509SubjectKeyIdentifier, Some(v)) => {
                vec![KeySelector::SubjectKeyIdentifier(v)]
            }
            _ => Vec::new(),
        },
        Some(StrForm::X509IssuerSerial(s)) => match (s.issuer, s.serial) {
            (Some(issuer), Some(serial)) => vec![KeySelector::IssuerSerial { issuer, serial }],
            _ => Vec::new(),
        },
        Some(StrForm::Embedded(_)) | None => Vec::new(),
    }
}

/// Every conversation-level `key-for-other-certificate`. Not run when the user named the
/// receiver's certificate (`--receiver-cert`): each message is then judged against it.
pub fn other_certificate_findings(
    messages: &[Option<&ProcessedMessage>],
    http_response: &[bool],
    keys: &KeyStore,
    store: &TokenStore,
) -> Vec<MessageFinding> {
    let addressed: Vec<Addressing> = messages
        .iter()
        .map(|m| m.map(addressing).unwrap_or_default())
        .collect();
    let senders = senders(&addressed, http_response);
    let known = known_certificates(keys, store);
    let mut findings = Vec::new();
    for (index, processed) in messages.iter().enumerate() {
        let (Some(processed), Some(receiver)) = (processed, addressed[index].to.as_deref()) else {
            continue;
        };
        // The receiver's certificates, with the first message that shows each.
        let mut receiver_certificates: Vec<(&Certificate, usize)> = Vec::new();
        for (other, sent) in messages.iter().enumerate() {
            if other == index || senders[other].as_deref() != Some(receiver) {
                continue;
            }
            for cert in sent
                .map(|m| signing_certificates(m, &known))
                .unwrap_or_default()
            {
                if !receiver_certificates
                    .iter()
                    .any(|(c, _)| std::ptr::eq(*c, cert))
                {
                    receiver_certificates.push((cert, other));
                }
            }
        }
        if receiver_certificates.is_empty() {
            continue;
        }
        findings.extend(
            message_findings(
                processed,
                index,
                store,
                &known,
                &receiver_certificates,
                receiver,
            )
            .into_iter()
            .map(|f| (index, f)),
        );
    }
    findings
}

/// The findings of message `index` against the certificates its receiver signs with.
fn message_findings(
    processed: &ProcessedMessage,
    index: usize,
    store: &TokenStore,
    known: &[&Certificate],
    receiver_certificates: &[(&Certificate, usize)],
    receiver: &str,
) -> Vec<Finding> {
    let Ok(envelope) = SoapEnvelope::read(&processed.document) else {
        return Vec::new();
    };
    let mut named: Vec<(Node<'_>, Vec<KeySelector>)> = Vec::new();
    for header in headers_processed_per_report(&envelope, &processed.security_headers) {
        for ek in header
            .node
            .child_elements()
            .filter(|c| c.has_name(ns::XENC, "EncryptedKey"))
        {
            let selectors: Vec<KeySelector> = recipient_selectors(ek, index, store)
                .into_iter()
                .filter(|s| !matches!(s, KeySelector::KeyName(_)))
                .collect();
            if !selectors.is_empty() {
                named.push((ek, selectors));
            }
        }
    }
    let own = |selectors: &[KeySelector]| {
        designated(selectors, receiver_certificates.iter().map(|(c, _)| *c)).is_some()
    };
    if named.iter().any(|(_, s)| own(s)) {
        return Vec::new();
    }
    let (first, shown_in) = receiver_certificates[0];
    named
        .into_iter()
        .map(|(ek, selectors)| {
            let to = match designated(&selectors, known.iter().copied()) {
                Some((cert, by)) => format!("the certificate {} (by {by})", cert.short_name()),
                None => {
                    let by: Vec<String> = selectors.iter().map(|s| s.to_string()).collect();
                    format!("the key named by {}", by.join(", "))
                }
            };
            let message = format!(
                "EncryptedKey {} is transported to {to}, not to {}, the certificate its receiver {} signs with in message {}: whoever holds that key reads what it protects",
                one_line(ek.attribute("Id").unwrap_or("(no Id)")),
                first.short_name(),
                one_line(receiver),
                shown_in + 1
            );
            FindingCode::KeyForOtherCertificate
                .finding(message, None)
                .at_location(processed.received.locate(ek))
        })
        .collect()
}
