//! The auditor's checks across a whole conversation, run after every message is processed:
//! replay (a repeated `wsa:MessageID`, Timestamp or message SignatureValue), a DerivedKeyToken
//! nonce used twice, a response to a signed request without SignatureConfirmation, and one
//! key both signing and encrypting. Each finding is attached to the message it concerns.

use std::collections::HashMap;

use crate::ns;
use crate::receive::actors::headers_processed_per_report;
use crate::receive::finding_code::FindingCode;
use crate::receive::finding_location::{Location, ReceivedMap};
use crate::receive::keys::Keyring;
use crate::receive::{Finding, ProcessedMessage};
use crate::wss::envelope::SoapEnvelope;
use crate::xml::Node;

use super::message_checks::addressing_header;

/// A finding and the 0-based index of the message it belongs to.
pub type MessageFinding = (usize, Finding);

/// What the conversation checks read from one processed message.
#[derive(Debug, Default)]
struct Seen {
    message_id: Option<(String, Option<Location>)>,
    relates_to: Vec<String>,
    /// Where the first wsa:RelatesTo stands (what makes the message a response).
    relates_to_location: Option<Location>,
    /// Created and Expires of the Security header's Timestamp, as written.
    timestamp: Option<(String, Location)>,
    /// SignatureValues of the signatures standing directly in the Security header (a token's
    /// own signature travels unchanged with the token and is not a replay).
    signature_values: Vec<(String, Location)>,
    /// Nonces of the DerivedKeyTokens of the Security header.
    nonces: Vec<(String, Location, String)>,
    signed: bool,
    confirms_signatures: bool,
}

/// Every conversation-level finding. `messages[i]` is the i-th message as processed (`None`
/// when it did not parse).
pub fn conversation_findings(
    messages: &[Option<&ProcessedMessage>],
    keyring: &Keyring,
) -> Vec<MessageFinding> {
    let seen: Vec<Seen> = messages
        .iter()
        .map(|m| m.map(read_seen).unwrap_or_default())
        .collect();
    let mut findings = replay_findings(&seen);
    findings.extend(nonce_findings(&seen));
    findings.extend(confirmation_findings(&seen));
    findings.extend(key_separation_findings(messages, keyring));
    findings
}

fn read_seen(processed: &ProcessedMessage) -> Seen {
    let Ok(envelope) = SoapEnvelope::read(&processed.document) else {
        return Seen::default();
    };
    let mut seen = Seen {
        message_id: addressing_header(&envelope, "MessageID")
            .filter(|id| !id.is_empty())
            .map(|id| {
                (
                    id,
                    header_location(&envelope, &processed.received, "MessageID"),
                )
            }),
        relates_to: relates_to(&envelope),
        relates_to_location: header_location(&envelope, &processed.received, "RelatesTo"),
        signed: processed.signatures.iter().any(|s| s.valid),
        ..Seen::default()
    };
    for header in headers_processed_per_report(&envelope, &processed.security_headers) {
        for child in header.node.child_elements() {
            read_header_child(child, &processed.received, &mut seen);
        }
    }
    seen
}

fn read_header_child(child: Node<'_>, received: &ReceivedMap, seen: &mut Seen) {
    let line = received.locate(child);
    if child.has_name(ns::WSU, "Timestamp") && seen.timestamp.is_none() {
        let part = |local: &str| {
            child
                .child(ns::WSU, local)
                .map(|n| n.text_content().trim().to_string())
                .unwrap_or_default()
        };
        let (created, expires) = (part("Created"), part("Expires"));
        if !created.is_empty() {
            seen.timestamp = Some((format!("Created {created}, Expires {expires}"), line));
        }
    } else if child.has_name(ns::DS, "Signature") {
        if let Some(value) = child.child(ns::DS, "SignatureValue") {
            let value: String = value.text_content().split_whitespace().collect();
            if !value.is_empty() {
                seen.signature_values.push((value, line));
            }
        }
    } else if child.has_name(ns::WSC, "DerivedKeyToken")
        || child.has_name(ns::WSC_2005, "DerivedKeyToken")
    {
        if let Some(nonce) = child.child(child.namespace(), "Nonce") {
            let nonce: String = nonce.text_content().split_whitespace().collect();
            let id = child
                .attribute_ns(ns::WSU, "Id")
                .unwrap_or("(no Id)")
                .to_string();
            if !nonce.is_empty() {
                seen.nonces.push((nonce, line, id));
            }
        }
    } else if child.has_name(ns::WSSE11, "SignatureConfirmation") {
        seen.confirms_signatures = true;
    }
}

fn header_location(
    envelope: &SoapEnvelope<'_>,
    received: &ReceivedMap,
    local: &str,
) -> Option<Location> {
    envelope
        .header
        .and_then(|h| h.child_elements().find(|n| n.local_name() == local))
        .map(|n| received.locate(n))
}

fn relates_to(envelope: &SoapEnvelope<'_>) -> Vec<String> {
    let Some(header) = envelope.header else {
        return Vec::new();
    };
    header
        .child_elements()
        .filter(|n| {
            n.local_name() == "RelatesTo"
                && (n.namespace() == ns::WSA || n.namespace() == crate::receive::wrapping::WSA_2004)
        })
        .map(|n| n.text_content().trim().to_string())
        .collect()
}

/// A value seen in an earlier message, seen again: the later message is a replay.
fn replay_findings(seen: &[Seen]) -> Vec<MessageFinding> {
    let mut findings = Vec::new();
    let mut first: HashMap<(&str, &str), usize> = HashMap::new();
    for (index, s) in seen.iter().enumerate() {
        let mut values: Vec<(&str, &str, Option<Location>)> = Vec::new();
        if let Some((id, location)) = &s.message_id {
            values.push(("wsa:MessageID", id, *location));
        }
        if let Some((ts, location)) = &s.timestamp {
            values.push(("Timestamp", ts, Some(*location)));
        }
        for (value, location) in &s.signature_values {
            values.push(("SignatureValue", value, Some(*location)));
        }
        for (kind, value, location) in values {
            match first.get(&(kind, value)) {
                Some(&earlier) if earlier != index => {
                    let finding = FindingCode::ReplayedMessage.finding(
                        format!(
                            "{kind} {} repeats the one of message {}: a receiver that remembers what it accepted would refuse it as a replay",
                            shorten(value),
                            earlier + 1
                        ),
                        None,
                    );
                    findings.push((index, located(finding, location)));
                }
                Some(_) => {}
                None => {
                    first.insert((kind, value), index);
                }
            }
        }
    }
    findings
}

/// The same DerivedKeyToken nonce twice (in one message or across messages).
fn nonce_findings(seen: &[Seen]) -> Vec<MessageFinding> {
    let mut findings = Vec::new();
    let mut first: HashMap<&str, (usize, &str)> = HashMap::new();
    for (index, s) in seen.iter().enumerate() {
        for (nonce, location, id) in &s.nonces {
            if let Some((earlier, earlier_id)) = first.get(nonce.as_str()) {
                findings.push((
                    index,
                    FindingCode::DerivedKeyNonceReused.finding(
                        format!(
                            "DerivedKeyToken {id} reuses the nonce {} of {earlier_id} (message {}): from the same base key it derives the same key",
                            shorten(nonce),
                            earlier + 1
                        ),
                        None,
                    )
                    .at_location(*location),
                ));
            } else {
                first.insert(nonce, (index, id));
            }
        }
    }
    findings
}

/// A response (its `wsa:RelatesTo` names an earlier message's `wsa:MessageID`) to a signed
/// request, carrying no SignatureConfirmation.
fn confirmation_findings(seen: &[Seen]) -> Vec<MessageFinding> {
    let mut findings = Vec::new();
    for (index, response) in seen.iter().enumerate() {
        if response.confirms_signatures {
            continue;
        }
        let request = seen[..index].iter().enumerate().find(|(_, r)| {
            r.signed
                && r.message_id
                    .as_ref()
                    .is_some_and(|(id, _)| response.relates_to.contains(id))
        });
        if let Some((request_index, _)) = request {
            findings.push((
                index,
                located(
                    FindingCode::SignatureConfirmationMissing.finding(
                        format!(
                            "this response to message {} (a signed request) carries no SignatureConfirmation: the requestor cannot tell it answers what it signed",
                            request_index + 1
                        ),
                        None,
                    ),
                    response.relates_to_location,
                ),
            ));
        }
    }
    findings
}

/// A key whose uses include both a signature and an EncryptedData, reported on the message
/// that established it, at the token that carries it.
fn key_separation_findings(
    messages: &[Option<&ProcessedMessage>],
    keyring: &Keyring,
) -> Vec<MessageFinding> {
    keyring
        .iter()
        .filter(|(_, k)| {
            k.usage.iter().any(|u| u.contains(" signature "))
                && k.usage.iter().any(|u| u.contains(" EncryptedData "))
        })
        .map(|(_, k)| {
            let finding = FindingCode::KeySignsAndEncrypts.finding(
                format!(
                    "key {} both signs and encrypts ({}): derive one key for each use",
                    k.name,
                    k.usage.join("; ")
                ),
                k.line,
            );
            let token = messages
                .get(k.message)
                .copied()
                .flatten()
                .zip(k.token.as_deref())
                .and_then(|(processed, token)| token_location(processed, token));
            (k.message, located(finding, token))
        })
        .collect()
}

/// Where the element whose `Id` or `wsu:Id` is `token` stands in the received text.
fn token_location(processed: &ProcessedMessage, token: &str) -> Option<Location> {
    processed
        .document
        .descendants()
        .find(|n| {
            n.is_element()
                && (n.attribute_ns(ns::WSU, "Id") == Some(token)
                    || n.attribute("Id") == Some(token))
        })
        .map(|node| processed.received.locate(node))
}

/// `finding` pointing at `location`, when there is one.
fn located(finding: Finding, location: Option<Location>) -> Finding {
    match location {
        Some(location) => finding.at_location(location),
        None => finding,
    }
}

/// Long values (SignatureValues) cut to something a person can compare.
fn shorten(value: &str) -> String {
    if value.chars().count() > 24 {
        format!("{}...", value.chars().take(24).collect::<String>())
    } else {
        value.to_string()
    }
}
