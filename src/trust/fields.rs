//! The small typed fields of RST and RSTR messages: RequestType, KeyType, KeySize, the
//! computed-key algorithm, AppliesTo and CancelTarget. Each keeps the URI as written and a
//! classification, because real stacks mix generations and a mismatch is worth showing.

use crate::ns;
use crate::xml::Node;

use crate::wss::read::{short, trimmed_text, value_position};
use crate::wss::{HeaderItem, Problem, SecurityTokenReference};

use super::version::{TrustVersion, split_trust_uri};

/// Largest KeySize accepted as sensible, in bits (RSA-16384; symmetric keys are far smaller).
pub const MAX_KEY_SIZE_BITS: u32 = 16384;

/// What a `wst:RequestType` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestKind {
    Issue,
    Renew,
    Cancel,
    Validate,
    /// Another action (WS-Trust 1.4 KET, WS-SC Amend, ...), see the URI.
    Other,
}

/// `wst:RequestType`: the URI as written and what it asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestType {
    pub uri: String,
    pub kind: RequestKind,
    /// The generation the URI is built on (`None` for a URI outside WS-Trust).
    pub version: Option<TrustVersion>,
}

impl RequestType {
    pub fn classify(uri: &str) -> RequestType {
        let split = split_trust_uri(uri);
        let kind = match split.map(|(_, rest)| rest) {
            Some("Issue") => RequestKind::Issue,
            Some("Renew") => RequestKind::Renew,
            Some("Cancel") => RequestKind::Cancel,
            Some("Validate") => RequestKind::Validate,
            _ => RequestKind::Other,
        };
        RequestType {
            uri: uri.to_string(),
            kind,
            version: split.map(|(v, _)| v),
        }
    }
}

/// What kind of proof key a `wst:KeyType` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyTypeKind {
    /// A shared secret (the key exchange patterns of wskex).
    SymmetricKey,
    /// The requestor's own public key.
    PublicKey,
    /// No proof key at all.
    Bearer,
    Other,
}

/// `wst:KeyType`: the URI as written and its classification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyType {
    pub uri: String,
    pub kind: KeyTypeKind,
    pub version: Option<TrustVersion>,
}

impl KeyType {
    pub fn classify(uri: &str) -> KeyType {
        let split = split_trust_uri(uri);
        let kind = match split.map(|(_, rest)| rest) {
            Some("SymmetricKey") => KeyTypeKind::SymmetricKey,
            Some("PublicKey") => KeyTypeKind::PublicKey,
            Some("Bearer") => KeyTypeKind::Bearer,
            _ => KeyTypeKind::Other,
        };
        KeyType {
            uri: uri.to_string(),
            kind,
            version: split.map(|(v, _)| v),
        }
    }
}

/// How a computed key is combined from the two entropies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComputedKeyKind {
    /// `CK/PSHA1`: P_SHA-1(requestor entropy, issuer entropy), KeySize bits.
    PSha1,
    /// `CK/HASH` (WS-Trust 1.4): SHA-1 over the concatenated entropies.
    Hash,
    Other,
}

/// A `wst:ComputedKeyAlgorithm` (RST) or `wst:ComputedKey` (RSTR proof token) URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComputedKey {
    pub uri: String,
    pub kind: ComputedKeyKind,
    pub version: Option<TrustVersion>,
}

impl ComputedKey {
    pub fn classify(uri: &str) -> ComputedKey {
        let split = split_trust_uri(uri);
        let kind = match split.map(|(_, rest)| rest) {
            Some("CK/PSHA1") => ComputedKeyKind::PSha1,
            Some("CK/HASH") => ComputedKeyKind::Hash,
            _ => ComputedKeyKind::Other,
        };
        ComputedKey {
            uri: uri.to_string(),
            kind,
            version: split.map(|(v, _)| v),
        }
    }
}

/// `wsp:AppliesTo`: the service the token is for (its endpoint address).
#[derive(Debug, Clone)]
pub struct AppliesTo<'d> {
    pub node: Node<'d>,
    /// The text of the first `Address` inside (an EndpointReference of either WS-Addressing).
    pub address: Option<String>,
}

/// `wst:CancelTarget`: the token to cancel, by reference or in full.
#[derive(Debug, Clone)]
pub struct CancelTarget<'d> {
    pub node: Node<'d>,
    pub reference: Option<SecurityTokenReference<'d>>,
    /// The token itself when it is carried instead of a reference.
    pub token: Option<HeaderItem<'d>>,
}

/// Reads a URI-valued element; an empty value is a problem.
pub(crate) fn uri_text(node: Node<'_>, problems: &mut Vec<Problem>) -> String {
    let uri = trimmed_text(node);
    if uri.is_empty() {
        problems.push(Problem::at(node, format!("{} is empty", node.qname())));
    }
    uri
}

/// Notes a URI of another WS-Trust generation than the message using it.
pub(crate) fn note_uri_generation(
    node: Node<'_>,
    uri_version: Option<TrustVersion>,
    message_version: TrustVersion,
    problems: &mut Vec<Problem>,
) {
    if let Some(v) = uri_version
        && v != message_version
    {
        problems.push(Problem::at(
            node,
            format!(
                "{} uses a {} URI in a {} message",
                node.qname(),
                v.label(),
                message_version.label()
            ),
        ));
    }
}

/// Reads `wst:KeySize` in bits: non-numeric or beyond `u32` gives `None`; 0 or more than
/// [`MAX_KEY_SIZE_BITS`] is kept as written with a problem.
pub(crate) fn read_key_size(node: Node<'_>, problems: &mut Vec<Problem>) -> Option<u32> {
    let text = trimmed_text(node);
    let at = value_position(node);
    let value = match crate::wss::read::parse_unsigned(&text)
        .and_then(|v| u32::try_from(v).map_err(|_| "is too large to be a key size"))
    {
        Ok(v) => v,
        Err(reason) => {
            problems.push(Problem::new(
                at,
                format!("{} {:?} {reason}", node.qname(), short(&text)),
            ));
            return None;
        }
    };
    if value == 0 {
        problems.push(Problem::new(at, format!("{} is 0 bits", node.qname())));
    } else if value > MAX_KEY_SIZE_BITS {
        problems.push(Problem::new(
            at,
            format!(
                "{} {value} bits is absurd (more than {MAX_KEY_SIZE_BITS})",
                node.qname()
            ),
        ));
    } else if !value.is_multiple_of(8) {
        problems.push(Problem::new(
            at,
            format!(
                "{} {value} bits is not a whole number of bytes",
                node.qname()
            ),
        ));
    }
    Some(value)
}

pub(crate) fn read_applies_to<'d>(node: Node<'d>, problems: &mut Vec<Problem>) -> AppliesTo<'d> {
    let address = node
        .descendants()
        .find(|n| n.is_element() && n.local_name() == "Address")
        .map(trimmed_text);
    if address.as_deref().is_none_or(str::is_empty) {
        problems.push(Problem::at(node, "AppliesTo names no endpoint address"));
    }
    AppliesTo { node, address }
}

pub(crate) fn read_cancel_target<'d>(
    node: Node<'d>,
    problems: &mut Vec<Problem>,
) -> CancelTarget<'d> {
    let mut children = node.child_elements();
    let first = children.next();
    if let Some(extra) = children.next() {
        problems.push(Problem::at(
            extra,
            format!(
                "{} holds more than one element; the first is used",
                node.qname()
            ),
        ));
    }
    let (reference, token) = match first {
        None => {
            problems.push(Problem::at(
                node,
                format!("{} names no token", node.qname()),
            ));
            (None, None)
        }
        Some(c) if c.has_name(ns::WSSE, "SecurityTokenReference") => {
            (Some(SecurityTokenReference::read(c)), None)
        }
        Some(c) => (None, Some(HeaderItem::read(c))),
    };
    CancelTarget {
        node,
        reference,
        token,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::Document;

    #[test]
    fn request_types_of_both_generations() {
        let t = RequestType::classify("http://schemas.xmlsoap.org/ws/2005/02/trust/Issue");
        assert_eq!(
            (t.kind, t.version),
            (RequestKind::Issue, Some(TrustVersion::Feb2005))
        );
        let t = RequestType::classify("http://docs.oasis-open.org/ws-sx/ws-trust/200512/Cancel");
        assert_eq!(
            (t.kind, t.version),
            (RequestKind::Cancel, Some(TrustVersion::V200512))
        );
        let t = RequestType::classify("http://docs.oasis-open.org/ws-sx/ws-trust/200512/Renew");
        assert_eq!(t.kind, RequestKind::Renew);
        let t = RequestType::classify("http://schemas.xmlsoap.org/ws/2005/02/trust/Validate");
        assert_eq!(t.kind, RequestKind::Validate);
        let t = RequestType::classify("http://docs.oasis-open.org/ws-sx/ws-trust/200512/KET");
        assert_eq!(t.kind, RequestKind::Other);
        let t = RequestType::classify("urn:issue");
        assert_eq!((t.kind, t.version), (RequestKind::Other, None));
    }

    #[test]
    fn key_types_and_computed_keys() {
        assert_eq!(
            KeyType::classify("http://docs.oasis-open.org/ws-sx/ws-trust/200512/SymmetricKey").kind,
            KeyTypeKind::SymmetricKey
        );
        assert_eq!(
            KeyType::classify("http://schemas.xmlsoap.org/ws/2005/02/trust/PublicKey").kind,
            KeyTypeKind::PublicKey
        );
        assert_eq!(
            KeyType::classify("http://docs.oasis-open.org/ws-sx/ws-trust/200512/Bearer").kind,
            KeyTypeKind::Bearer
        );
        assert_eq!(
            ComputedKey::classify("http://schemas.xmlsoap.org/ws/2005/02/trust/CK/PSHA1").kind,
            ComputedKeyKind::PSha1
        );
        assert_eq!(
            ComputedKey::classify("http://docs.oasis-open.org/ws-sx/ws-trust/200512/CK/HASH").kind,
            ComputedKeyKind::Hash
        );
    }

    fn key_size(text: &str) -> (Option<u32>, usize) {
        let d = Document::parse_str(&format!("<KeySize>{text}</KeySize>"), "t").unwrap();
        let mut problems = Vec::new();
        let v = read_key_size(d.root_element(), &mut problems);
        (v, problems.len())
    }

    #[test]
    fn key_sizes() {
        assert_eq!(key_size(" 256 "), (Some(256), 0));
        assert_eq!(key_size("0"), (Some(0), 1));
        assert_eq!(key_size("1073741824"), (Some(1 << 30), 1));
        assert_eq!(key_size("8589934592"), (None, 1));
        assert_eq!(key_size("256 bits"), (None, 1));
        assert_eq!(key_size(""), (None, 1));
        assert_eq!(key_size("129"), (Some(129), 1));
    }
}
