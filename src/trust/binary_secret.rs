//! `wst:BinarySecret`: key material or entropy sent as base64 inside a WS-Trust message
//! (requestor or issuer entropy, or a proof key). Kept as decoded bytes; later layers wrap
//! them as secrets.

use crate::xml::Node;

use crate::wss::Problem;
use crate::wss::read::{attribute, base64_text, wsu_id};

use super::version::{TrustVersion, split_trust_uri};

/// Largest BinarySecret accepted without a problem, in bytes (an RSA private key in DER is a
/// few kilobytes; entropy and symmetric keys are tens of bytes).
pub const MAX_SECRET_BYTES: usize = 64 * 1024;

/// What the `Type` attribute says the secret is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretKind {
    /// A symmetric key (also the meaning when Type is absent).
    SymmetricKey,
    AsymmetricKey,
    /// Entropy to be combined into a computed key.
    Nonce,
    Other(String),
}

/// A `wst:BinarySecret` as read.
#[derive(Debug, Clone)]
pub struct BinarySecret<'d> {
    pub node: Node<'d>,
    pub id: Option<String>,
    /// The Type attribute as written.
    pub type_uri: Option<String>,
    /// The kind in effect (SymmetricKey when Type is absent).
    pub kind: SecretKind,
    /// The generation of the Type URI, when it is a WS-Trust one.
    pub type_version: Option<TrustVersion>,
    /// The decoded bytes; `None` when they did not decode (a problem says where).
    pub bytes: Option<Vec<u8>>,
}

impl<'d> BinarySecret<'d> {
    /// Reads a BinarySecret; problems go to the enclosing message's list.
    pub fn read(node: Node<'d>, problems: &mut Vec<Problem>) -> BinarySecret<'d> {
        let type_uri = attribute(node, "Type");
        let split = type_uri.as_deref().and_then(split_trust_uri);
        let kind = match (type_uri.as_deref(), split.map(|(_, rest)| rest)) {
            (None, _) => SecretKind::SymmetricKey,
            (_, Some("SymmetricKey")) => SecretKind::SymmetricKey,
            (_, Some("AsymmetricKey")) => SecretKind::AsymmetricKey,
            (_, Some("Nonce")) => SecretKind::Nonce,
            (Some(other), _) => SecretKind::Other(other.to_string()),
        };
        if let SecretKind::Other(uri) = &kind {
            problems.push(Problem::at(
                node,
                format!("wst:BinarySecret Type {uri:?} is not one WS-Trust defines"),
            ));
        }
        let bytes = base64_text(node, "wst:BinarySecret", problems);
        match &bytes {
            Some(b) if b.is_empty() => problems.push(Problem::at(node, "wst:BinarySecret is empty")),
            Some(b) if b.len() > MAX_SECRET_BYTES => problems.push(Problem::at(
                node,
                format!("wst:BinarySecret of {} bytes is implausibly large (more than {MAX_SECRET_BYTES})", b.len()),
            )),
            _ => {}
        }
        let type_version = split.map(|(v, _)| v);
        BinarySecret {
            node,
            id: wsu_id(node),
            type_uri,
            kind,
            type_version,
            bytes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::Document;

    fn read(attrs: &str, content: &str) -> (Option<Vec<u8>>, SecretKind, Vec<Problem>) {
        let d = Document::parse_str(
            &format!("<BinarySecret {attrs}>{content}</BinarySecret>"),
            "t",
        )
        .unwrap();
        let mut problems = Vec::new();
        let s = BinarySecret::read(d.root_element(), &mut problems);
        (s.bytes, s.kind, problems)
    }

    #[test]
    fn types_of_both_generations() {
        let (bytes, kind, problems) = read(
            r#"Type="http://schemas.xmlsoap.org/ws/2005/02/trust/Nonce""#,
            "1TmBzNeSMhkxqHU+yWuwplJDS7NejEdnFlgRbGPyAOI=",
        );
        assert_eq!(
            (bytes.map(|b| b.len()), kind),
            (Some(32), SecretKind::Nonce)
        );
        assert!(problems.is_empty());
        let (_, kind, _) = read(
            r#"Type="http://docs.oasis-open.org/ws-sx/ws-trust/200512/AsymmetricKey""#,
            "AQID",
        );
        assert_eq!(kind, SecretKind::AsymmetricKey);
        let (_, kind, _) = read(
            r#"Type="http://docs.oasis-open.org/ws-sx/ws-trust/200512/SymmetricKey""#,
            "AQID",
        );
        assert_eq!(kind, SecretKind::SymmetricKey);
        let (_, kind, problems) = read("", "AQID");
        assert_eq!(kind, SecretKind::SymmetricKey);
        assert!(problems.is_empty());
        let (_, kind, problems) = read(r#"Type="urn:x""#, "AQID");
        assert_eq!(kind, SecretKind::Other("urn:x".into()));
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn empty_and_bad_secrets_are_problems() {
        let (bytes, _, problems) = read("", "");
        assert_eq!(bytes, Some(vec![]));
        assert_eq!(problems.len(), 1);
        let (bytes, _, problems) = read("", "AQI");
        assert_eq!(bytes, None);
        assert_eq!(problems.len(), 1);
    }
}
