//! Which `wsse:Security` headers this receiver processes. SOAP addresses each header block to a
//! node by `S11:actor` / `S12:role`: no actor, `.../actor/next` and `.../role/next` (every node),
//! and `.../role/ultimateReceiver` address the ultimate receiver; `.../role/none` addresses
//! nobody; any other URI is a role some node plays. wskex processes every header a receiver
//! could be asked to (or, with `--actor URI`, only the one a receiver in that role processes)
//! and reports each header under its actor, so a header left unprocessed is a finding, never
//! silence.

use serde::Serialize;

use crate::ns;
use crate::xml::{Document, Node};

use super::Finding;
use super::finding_code::FindingCode;
use crate::wss::envelope::SoapEnvelope;
use crate::wss::header::{SecurityHeader, ULTIMATE_RECEIVER_ROLE};

/// SOAP 1.1: the next SOAP node on the path (every node, the ultimate receiver included).
pub const SOAP11_NEXT: &str = "http://schemas.xmlsoap.org/soap/actor/next";
/// SOAP 1.2: the next SOAP node on the path.
pub const SOAP12_NEXT: &str = "http://www.w3.org/2003/05/soap-envelope/role/next";
/// SOAP 1.2: no node processes the block.
pub const SOAP12_NONE: &str = "http://www.w3.org/2003/05/soap-envelope/role/none";

/// Whom a Security header addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "uri")]
pub enum Addressee {
    /// The ultimate receiver (no actor, `next`, `ultimateReceiver`).
    Receiver,
    /// No node (`role/none`): the header is never processed.
    Nobody,
    /// An intermediary or receiver playing this role.
    Role(String),
}

impl Addressee {
    /// The addressee named by an `actor`/`role` value (`None` when the attribute is absent).
    pub fn of(actor: Option<&str>) -> Addressee {
        match actor.map(str::trim) {
            None | Some("") | Some(SOAP11_NEXT | SOAP12_NEXT | ULTIMATE_RECEIVER_ROLE) => {
                Addressee::Receiver
            }
            Some(SOAP12_NONE) => Addressee::Nobody,
            Some(uri) => Addressee::Role(uri.to_string()),
        }
    }

    /// How a report names it (the URI is input: callers escape it when they show it).
    pub fn label(&self) -> String {
        match self {
            Addressee::Receiver => "the ultimate receiver".to_string(),
            Addressee::Nobody => "nobody (role none)".to_string(),
            Addressee::Role(uri) => format!("actor {uri}"),
        }
    }
}

/// Why a header is processed or not, given the role the user asked the receiver to play.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Disposition {
    Processed,
    /// `role/none`: SOAP forbids every node to process it.
    AddressedToNobody,
    /// `--actor` chose another role.
    OtherActor,
}

/// What the receiver does with a header addressed to `addressee` when it plays `actor`
/// (`None`: every role a message may address to it).
pub fn disposition(addressee: &Addressee, actor: Option<&str>) -> Disposition {
    match (addressee, actor) {
        (Addressee::Nobody, _) => Disposition::AddressedToNobody,
        (_, None) => Disposition::Processed,
        (wanted, Some(uri)) if *wanted == Addressee::of(Some(uri)) => Disposition::Processed,
        _ => Disposition::OtherActor,
    }
}

/// The Security headers processed when the receiver plays `actor`, in document order.
pub fn processed_headers<'e, 'd>(
    envelope: &'e SoapEnvelope<'d>,
    actor: Option<&'e str>,
) -> impl Iterator<Item = &'e SecurityHeader<'d>> {
    envelope.security.iter().filter(move |h| {
        disposition(&Addressee::of(h.actor.as_deref()), actor) == Disposition::Processed
    })
}

/// The Security headers of `envelope` that `reports` (the receiver's [`header_reports`] for
/// the same document) mark as processed: what later checks must look at, whatever role the
/// receiver played. Positions are stable while decryption rewrites the document.
pub fn headers_processed_per_report<'e, 'd>(
    envelope: &'e SoapEnvelope<'d>,
    reports: &'e [SecurityHeaderReport],
) -> impl Iterator<Item = &'e SecurityHeader<'d>> {
    envelope
        .security
        .iter()
        .enumerate()
        .filter(move |(i, _)| reports.get(*i).is_some_and(|r| r.processed()))
        .map(|(_, h)| h)
}

/// The position (0-based, in document order among the header's `wsse:Security` blocks) of the
/// Security header that holds `node`, if any. Stable while decryption rewrites the document,
/// and found from the node's ancestors (no pass over the message per signature).
pub fn header_index(node: Node<'_>) -> Option<usize> {
    let security = node
        .ancestors()
        .find(|a| a.has_name(ns::WSSE, "Security"))?;
    let header = security.parent()?;
    header
        .child_elements()
        .filter(|c| c.has_name(ns::WSSE, "Security"))
        .position(|c| c.id() == security.id())
}

/// A signature as a header report lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureMention {
    pub id: Option<String>,
    pub line: u32,
    pub valid: bool,
}

/// One Security header as processed (or not): the "reported under its actor/role" view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecurityHeaderReport {
    /// The `actor`/`role` value as written (`None` when absent).
    pub actor: Option<String>,
    pub addressee: Addressee,
    pub disposition: Disposition,
    pub line: u32,
    /// Child elements of the header.
    pub items: usize,
    /// The signatures verified under this header (empty when it was not processed).
    pub signatures: Vec<SignatureMention>,
    /// `ds:Signature` children left unverified because the header was not processed.
    pub unverified_signatures: usize,
}

impl SecurityHeaderReport {
    pub fn processed(&self) -> bool {
        self.disposition == Disposition::Processed
    }
}

/// The reports of every Security header of `doc`; `verified` pairs each signature the
/// receiver verified with the index of the header it stood in.
pub fn header_reports(
    doc: &Document,
    actor: Option<&str>,
    verified: &[(usize, SignatureMention)],
) -> Vec<SecurityHeaderReport> {
    let Ok(envelope) = SoapEnvelope::read(doc) else {
        return Vec::new();
    };
    envelope
        .security
        .iter()
        .enumerate()
        .map(|(index, header)| {
            let addressee = Addressee::of(header.actor.as_deref());
            let disposition = disposition(&addressee, actor);
            let signatures: Vec<SignatureMention> = verified
                .iter()
                .filter(|(i, _)| *i == index)
                .map(|(_, s)| s.clone())
                .collect();
            let unverified_signatures = if disposition == Disposition::Processed {
                0
            } else {
                signature_count(header)
            };
            SecurityHeaderReport {
                actor: header.actor.clone(),
                addressee,
                disposition,
                line: header.node.position().line,
                items: header.items.len(),
                signatures,
                unverified_signatures,
            }
        })
        .collect()
}

fn signature_count(header: &SecurityHeader<'_>) -> usize {
    header
        .items
        .iter()
        .filter(|i| matches!(i, crate::wss::header::HeaderItem::Signature(_)))
        .count()
}

/// One finding per Security header the receiver leaves unprocessed: its signatures, tokens and
/// Timestamp go unchecked, and the verdict must say so.
pub fn unprocessed_findings(envelope: &SoapEnvelope<'_>, actor: Option<&str>) -> Vec<Finding> {
    envelope
        .security
        .iter()
        .filter_map(|header| {
            let addressee = Addressee::of(header.actor.as_deref());
            let why = match disposition(&addressee, actor) {
                Disposition::Processed => return None,
                Disposition::AddressedToNobody => {
                    "it is addressed to role none, which no SOAP node processes".to_string()
                }
                Disposition::OtherActor => format!(
                    "it is for {}, and --actor {} asked for another",
                    addressee.label(),
                    actor.unwrap_or_default()
                ),
            };
            Some(FindingCode::SecurityHeaderNotProcessed.finding_at(
                format!(
                    "the wsse:Security header for {} was not processed ({why}): its {} item(s), \
                     {} signature(s) among them, are unchecked",
                    addressee.label(),
                    header.items.len(),
                    signature_count(header)
                ),
                header.node,
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope_with(headers: &str) -> Document {
        let text = format!(
            r#"<s:Envelope xmlns:s="{}" xmlns:wsse="{}"><s:Header>{headers}</s:Header><s:Body/></s:Envelope>"#,
            ns::SOAP12,
            ns::WSSE
        );
        Document::parse_str(&text, "t").unwrap()
    }

    #[test]
    fn receiver_uris_none_and_roles() {
        assert_eq!(Addressee::of(None), Addressee::Receiver);
        assert_eq!(Addressee::of(Some(SOAP11_NEXT)), Addressee::Receiver);
        assert_eq!(Addressee::of(Some(SOAP12_NEXT)), Addressee::Receiver);
        assert_eq!(
            Addressee::of(Some(ULTIMATE_RECEIVER_ROLE)),
            Addressee::Receiver
        );
        assert_eq!(Addressee::of(Some(SOAP12_NONE)), Addressee::Nobody);
        assert_eq!(
            Addressee::of(Some("urn:hop")),
            Addressee::Role("urn:hop".into())
        );
    }

    #[test]
    fn every_header_but_role_none_is_processed_by_default() {
        let d = envelope_with(&format!(
            r#"<wsse:Security s:role="urn:hop"/><wsse:Security/><wsse:Security s:role="{SOAP12_NONE}"><x/></wsse:Security>"#
        ));
        let e = SoapEnvelope::read(&d).unwrap();
        assert_eq!(processed_headers(&e, None).count(), 2);
        let findings = unprocessed_findings(&e, None);
        assert_eq!(findings.len(), 1);
        assert!(findings[0].message.contains("role none"), "{findings:?}");
    }

    #[test]
    fn an_actor_narrows_to_its_header() {
        let d = envelope_with(r#"<wsse:Security s:role="urn:hop"/><wsse:Security/>"#);
        let e = SoapEnvelope::read(&d).unwrap();
        let only: Vec<_> = processed_headers(&e, Some("urn:hop")).collect();
        assert_eq!(only.len(), 1);
        assert_eq!(only[0].actor.as_deref(), Some("urn:hop"));
        let receiver: Vec<_> = processed_headers(&e, Some(ULTIMATE_RECEIVER_ROLE)).collect();
        assert_eq!(receiver.len(), 1);
        assert_eq!(receiver[0].actor, None);
        let reports = header_reports(&d, Some("urn:hop"), &[]);
        assert!(reports[0].processed());
        assert_eq!(reports[1].disposition, Disposition::OtherActor);
    }
}
