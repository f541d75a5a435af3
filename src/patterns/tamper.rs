//! What an attacker does to a message in flight, so a walkthrough can show which check of
//! the receiver catches it.

use crate::crypto::key_transport::KeyTransport;
use crate::crypto::{Certificate, RandomSource};
use crate::ns;
use crate::xml::{Document, Edit, NodeType, Span, base64};

use super::PatternError;

/// A named tamper action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tamper {
    /// Change one byte of the Body.
    ChangeBody,
    /// Replace the EncryptedKey's content with a key the attacker made for the same recipient.
    SwapKey,
    /// Deliver the message again an hour later.
    Replay,
    /// Move the signed Body into the header and put a new Body in its place.
    WrapBody,
    /// The delegate asks for an action the delegation does not grant (delegation only).
    ExceedRights,
}

impl Tamper {
    pub const ALL: [Tamper; 5] = [
        Tamper::ChangeBody,
        Tamper::SwapKey,
        Tamper::Replay,
        Tamper::WrapBody,
        Tamper::ExceedRights,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Tamper::ChangeBody => "change-body",
            Tamper::SwapKey => "swap-key",
            Tamper::Replay => "replay",
            Tamper::WrapBody => "wrap-body",
            Tamper::ExceedRights => "exceed-rights",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Tamper::ChangeBody => "change a byte of the body in transit",
            Tamper::SwapKey => "swap the EncryptedKey for one made by an attacker",
            Tamper::Replay => "replay the message after its Timestamp expired",
            Tamper::WrapBody => {
                "move the signed Body into the header and put a new Body in its place"
            }
            Tamper::ExceedRights => "use the delegation for an action it does not grant",
        }
    }

    pub fn from_name(name: &str) -> Option<Tamper> {
        Tamper::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// A message after tampering.
pub struct Tampered {
    pub text: String,
    pub changed: Vec<Span>,
    /// Seconds the receiver's clock is ahead of the sender's when it arrives.
    pub delay: i64,
    /// What the attacker did, in words.
    pub what: String,
}

fn internal(e: impl std::fmt::Display) -> PatternError {
    PatternError::Internal(e.to_string())
}

fn body(doc: &Document) -> Result<crate::xml::Node<'_>, PatternError> {
    doc.descendants()
        .find(|n| n.namespace() == ns::SOAP12 && n.local_name() == "Body")
        .ok_or_else(|| internal("no Body"))
}

/// Applies `tamper` to a sent message. `recipient` is whose certificate an attacker's
/// EncryptedKey is made for (the message's recipient).
pub fn apply(
    tamper: Tamper,
    text: &str,
    recipient: &Certificate,
    rng: &mut dyn RandomSource,
) -> Result<Tampered, PatternError> {
    let doc = Document::parse_str(text, "sent").map_err(internal)?;
    let (edits, delay, what) = match tamper {
        Tamper::Replay => (
            Vec::new(),
            3600,
            "the attacker recorded the message and delivers it again an hour later".to_string(),
        ),
        Tamper::ChangeBody => {
            let body = body(&doc)?;
            // The first character of text in the Body (inside CipherValue when encrypted).
            let text_node = body
                .descendants()
                .find(|n| n.node_type() == NodeType::Text && n.source_text().trim().len() > 4)
                .ok_or_else(|| internal("no text in the Body"))?;
            let span = text_node.span();
            let source = text_node.source_text();
            let offset = source
                .find(|c: char| c.is_ascii_alphanumeric())
                .unwrap_or(0)
                + 2;
            let original = source.as_bytes()[offset] as char;
            let replacement = if original == 'A' { 'B' } else { 'A' };
            let at = span.start as usize + offset;
            (
                vec![Edit::replace(
                    Span::new(at, at + 1),
                    replacement.to_string(),
                )],
                0,
                format!(
                    "the attacker changed one character of the Body ({original:?} became {replacement:?})"
                ),
            )
        }
        Tamper::SwapKey => {
            let ek = doc
                .descendants()
                .find(|n| n.has_name(ns::XENC, "EncryptedKey"))
                .ok_or_else(|| internal("no EncryptedKey"))?;
            let value = ek
                .child(ns::XENC, "CipherData")
                .and_then(|c| c.child(ns::XENC, "CipherValue"))
                .ok_or_else(|| internal("EncryptedKey without CipherValue"))?;
            let attacker_key = rng.bytes(32);
            let public = recipient.public_key().map_err(internal)?;
            let wrapped = KeyTransport::Oaep {
                algorithm: crate::crypto::KeyTransportAlgorithm::RsaOaepMgf1p,
                params: crate::crypto::OaepParams::default(),
            }
            .encrypt(&public, &attacker_key, rng)
            .map_err(internal)?;
            (
                vec![Edit::replace(value.content_span().expect("element"), base64::encode(&wrapped))],
                0,
                "the attacker replaced the EncryptedKey's content with a key of its own, wrapped for the same recipient".to_string(),
            )
        }
        Tamper::WrapBody => {
            let body = body(&doc)?;
            let header = doc
                .descendants()
                .find(|n| n.namespace() == ns::SOAP12 && n.local_name() == "Header")
                .ok_or_else(|| internal("no Header"))?;
            let wrapped = format!(
                "<atk:Wrapper xmlns:atk=\"urn:attacker\">{}</atk:Wrapper>",
                body.source_text()
            );
            let new_body = "<s:Body><ex:Order xmlns:ex=\"urn:wskex:example\"><ex:Item>1000 crates of gold</ex:Item><ex:PayTo>mallory</ex:PayTo></ex:Order></s:Body>";
            let header_end = header
                .end_tag_span()
                .ok_or_else(|| internal("empty Header"))?
                .start as usize;
            (
                vec![Edit::insert(header_end, wrapped), Edit::replace(body.span(), new_body)],
                0,
                "the attacker moved the signed Body into a header block and put its own Body in its place".to_string(),
            )
        }
        Tamper::ExceedRights => {
            return Err(internal(
                "exceed-rights is carried out by the delegation pattern itself",
            ));
        }
    };
    let edited = doc.with_edits(&edits).map_err(internal)?;
    Ok(Tampered {
        text: edited.document.text().to_string(),
        changed: edited.changed,
        delay,
        what,
    })
}
