//! `wst:RequestSecurityTokenResponse` (RSTR): the issued token, the proof of its key for the
//! requestor, the issuer's entropy and references to use for the token later. Sent as a reply
//! to an RST, or unsolicited (direct key transfer: the initiator issues the SCT itself).

use crate::ns;
use crate::xml::Node;

use crate::wss::{HeaderItem, Problem, SecurityTokenReference};

use super::entropy::Entropy;
use super::fields::{
    AppliesTo, KeyType, RequestType, note_uri_generation, read_applies_to, read_key_size, uri_text,
};
use super::lifetime::Lifetime;
use super::proof_token::{ProofToken, RequestedProofToken};
use super::version::{TrustVersion, trust_child, trust_version_of};

/// `wst:RequestedSecurityToken`: the issued token itself (an SCT, a SAML assertion, an
/// EncryptedData holding one, ...), classified with the Security header reader.
#[derive(Debug, Clone)]
pub struct RequestedSecurityToken<'d> {
    pub node: Node<'d>,
    pub token: Option<HeaderItem<'d>>,
}

/// A `wst:RequestSecurityTokenResponse` as read.
#[derive(Debug, Clone)]
pub struct RequestSecurityTokenResponse<'d> {
    pub node: Node<'d>,
    pub version: TrustVersion,
    /// The Context of the request this answers.
    pub context: Option<String>,
    pub token_type: Option<String>,
    pub request_type: Option<RequestType>,
    /// Key size in bits the issuer used (as written when it is a number).
    pub key_size: Option<u32>,
    pub key_type: Option<KeyType>,
    pub requested_security_token: Option<RequestedSecurityToken<'d>>,
    pub requested_proof_token: Option<RequestedProofToken<'d>>,
    /// The issuer's entropy (for a computed key).
    pub entropy: Option<Entropy<'d>>,
    /// How to reference the token when it is in the message (`#id`).
    pub attached_reference: Option<SecurityTokenReference<'d>>,
    /// How to reference the token when it is not (an SCT Identifier, a SAML id).
    pub unattached_reference: Option<SecurityTokenReference<'d>>,
    pub lifetime: Option<Lifetime<'d>>,
    pub applies_to: Option<AppliesTo<'d>>,
    /// `wst:RequestedTokenCancelled`: the answer to a Cancel request.
    pub requested_token_cancelled: bool,
    /// Problems of the response and of everything read inside it except STRs and the issued
    /// token, which keep their own (see [`all_problems`](Self::all_problems)).
    pub problems: Vec<Problem>,
}

impl<'d> RequestSecurityTokenResponse<'d> {
    /// Reads the element; what is missing or malformed becomes a problem, never an error.
    pub fn read(node: Node<'d>) -> RequestSecurityTokenResponse<'d> {
        let mut problems = Vec::new();
        let version = trust_version_of(node, &mut problems);
        if version == TrustVersion::V200802 {
            problems.push(Problem::at(
                node,
                "RequestSecurityTokenResponse in the 200802 namespace: WS-Trust 1.4 keeps it in 200512",
            ));
        }
        let p = &mut problems;
        let child = |local: &str, p: &mut Vec<Problem>| trust_child(node, version, local, p);

        let token_type = child("TokenType", p).map(|n| uri_text(n, p));
        let request_type = child("RequestType", p).map(|n| {
            let t = RequestType::classify(&uri_text(n, p));
            note_uri_generation(n, t.version, version, p);
            t
        });
        let key_size = child("KeySize", p).and_then(|n| read_key_size(n, p));
        let key_type = child("KeyType", p).map(|n| {
            let t = KeyType::classify(&uri_text(n, p));
            note_uri_generation(n, t.version, version, p);
            t
        });
        let requested_security_token =
            child("RequestedSecurityToken", p).map(|n| read_requested_token(n, p));
        let requested_proof_token =
            child("RequestedProofToken", p).map(|n| RequestedProofToken::read(n, version, p));
        let entropy = child("Entropy", p).map(|n| Entropy::read(n, version, p));
        let attached_reference =
            child("RequestedAttachedReference", p).and_then(|n| read_str_holder(n, p));
        let unattached_reference =
            child("RequestedUnattachedReference", p).and_then(|n| read_str_holder(n, p));
        let lifetime = child("Lifetime", p).map(|n| Lifetime::read(n, p));
        let applies_to = node
            .child_elements()
            .find(|c| c.local_name() == "AppliesTo")
            .map(|n| read_applies_to(n, p));
        let requested_token_cancelled = child("RequestedTokenCancelled", p).is_some();

        if let Some(RequestedProofToken {
            content: Some(ProofToken::ComputedKey(_)),
            node: proof,
        }) = &requested_proof_token
            && entropy.is_none()
        {
            p.push(Problem::at(
                *proof,
                "ComputedKey proof token without issuer wst:Entropy: the key cannot be computed",
            ));
        }

        RequestSecurityTokenResponse {
            node,
            version,
            context: node.attribute("Context").map(str::to_string),
            token_type,
            request_type,
            key_size,
            key_type,
            requested_security_token,
            requested_proof_token,
            entropy,
            attached_reference,
            unattached_reference,
            lifetime,
            applies_to,
            requested_token_cancelled,
            problems,
        }
    }

    /// The issued token, when there is one.
    pub fn token(&self) -> Option<&HeaderItem<'d>> {
        self.requested_security_token.as_ref()?.token.as_ref()
    }

    /// The proof token's content, when there is one.
    pub fn proof(&self) -> Option<&ProofToken<'d>> {
        self.requested_proof_token.as_ref()?.content.as_ref()
    }

    /// The response's problems with those of its references and issued token, in document
    /// order.
    pub fn all_problems(&self) -> Vec<&Problem> {
        let mut all: Vec<&Problem> = self.problems.iter().collect();
        for r in [&self.attached_reference, &self.unattached_reference]
            .into_iter()
            .flatten()
        {
            all.extend(&r.problems);
        }
        if let Some(token) = self.token() {
            all.extend(token.problems());
        }
        all.sort_by_key(|p| p.position.offset);
        all
    }
}

fn read_requested_token<'d>(
    node: Node<'d>,
    problems: &mut Vec<Problem>,
) -> RequestedSecurityToken<'d> {
    let mut tokens = node.child_elements();
    let token = tokens.next().map(HeaderItem::read);
    if token.is_none() {
        problems.push(Problem::at(node, "wst:RequestedSecurityToken is empty"));
    }
    if let Some(extra) = tokens.next() {
        problems.push(Problem::at(
            extra,
            "wst:RequestedSecurityToken holds more than one element; the first is the token",
        ));
    }
    RequestedSecurityToken { node, token }
}

/// Reads the STR inside RequestedAttachedReference / RequestedUnattachedReference.
fn read_str_holder<'d>(
    node: Node<'d>,
    problems: &mut Vec<Problem>,
) -> Option<SecurityTokenReference<'d>> {
    let str_node = node.child(ns::WSSE, "SecurityTokenReference");
    if str_node.is_none() {
        problems.push(Problem::at(
            node,
            format!("{} holds no wsse:SecurityTokenReference", node.qname()),
        ));
    }
    str_node.map(SecurityTokenReference::read)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::binary_secret::SecretKind;
    use crate::trust::fields::ComputedKeyKind;
    use crate::wss::ScVersion;
    use crate::xml::Document;

    fn rstr(wst: &str, inner: &str) -> Document {
        let text = format!(
            r#"<t:RequestSecurityTokenResponse xmlns:t="{wst}" xmlns:u="{}" xmlns:o="{}" xmlns:c="{}" xmlns:xenc="{}" Context="ctx-1">{inner}</t:RequestSecurityTokenResponse>"#,
            ns::WSU,
            ns::WSSE,
            ns::WSC_2005,
            ns::XENC
        );
        Document::parse_str(&text, "t").unwrap()
    }

    const SCT_AND_REFERENCES: &str = r##"
      <t:RequestedSecurityToken><c:SecurityContextToken u:Id="sct-1"><c:Identifier>urn:uuid:40859149-0ab7-4ee2-a7cc-22bc21adfe08</c:Identifier></c:SecurityContextToken></t:RequestedSecurityToken>
      <t:RequestedAttachedReference><o:SecurityTokenReference><o:Reference URI="#sct-1" ValueType="http://schemas.xmlsoap.org/ws/2005/02/sc/sct"/></o:SecurityTokenReference></t:RequestedAttachedReference>
      <t:RequestedUnattachedReference><o:SecurityTokenReference><o:Reference URI="urn:uuid:40859149-0ab7-4ee2-a7cc-22bc21adfe08" ValueType="http://schemas.xmlsoap.org/ws/2005/02/sc/sct"/></o:SecurityTokenReference></t:RequestedUnattachedReference>"##;

    #[test]
    fn computed_key_response_feb2005() {
        let d = rstr(
            ns::WST_2005,
            &format!(
                r#"<t:TokenType>http://schemas.xmlsoap.org/ws/2005/02/sc/sct</t:TokenType>{SCT_AND_REFERENCES}
                <t:RequestedProofToken><t:ComputedKey>http://schemas.xmlsoap.org/ws/2005/02/trust/CK/PSHA1</t:ComputedKey></t:RequestedProofToken>
                <t:Entropy><t:BinarySecret Type="http://schemas.xmlsoap.org/ws/2005/02/trust/Nonce">X10bPPRFJzVr13nwxYYVLpmd5Fsu6RR7jkF5xtCV/kM=</t:BinarySecret></t:Entropy>
                <t:Lifetime><u:Created>2024-02-14T02:06:53.311Z</u:Created><u:Expires>2024-02-14T17:06:53.311Z</u:Expires></t:Lifetime>
                <t:KeySize>256</t:KeySize>"#
            ),
        );
        let r = RequestSecurityTokenResponse::read(d.root_element());
        assert!(r.all_problems().is_empty(), "{:?}", r.all_problems());
        assert_eq!(r.version, TrustVersion::Feb2005);
        assert_eq!(r.context.as_deref(), Some("ctx-1"));
        let Some(HeaderItem::SecurityContextToken(sct)) = r.token() else {
            panic!("{:?}", r.token())
        };
        assert_eq!(sct.version, ScVersion::Feb2005);
        assert_eq!(
            sct.identifier.as_deref(),
            Some("urn:uuid:40859149-0ab7-4ee2-a7cc-22bc21adfe08")
        );
        assert_eq!(
            r.attached_reference
                .as_ref()
                .unwrap()
                .reference()
                .unwrap()
                .local_id(),
            Some("sct-1")
        );
        assert_eq!(
            r.unattached_reference
                .as_ref()
                .unwrap()
                .reference()
                .unwrap()
                .uri,
            "urn:uuid:40859149-0ab7-4ee2-a7cc-22bc21adfe08"
        );
        let Some(ProofToken::ComputedKey(ck)) = r.proof() else {
            panic!()
        };
        assert_eq!(ck.kind, ComputedKeyKind::PSha1);
        let entropy = r.entropy.as_ref().unwrap().binary_secret().unwrap();
        assert_eq!(entropy.kind, SecretKind::Nonce);
        assert_eq!(entropy.bytes.as_ref().unwrap().len(), 32);
        assert_eq!(r.key_size, Some(256));
        assert!(
            r.lifetime
                .as_ref()
                .unwrap()
                .expires
                .as_ref()
                .unwrap()
                .utc
                .is_some()
        );
        assert!(!r.requested_token_cancelled);
    }

    #[test]
    fn binary_secret_and_encrypted_key_proofs() {
        let d = rstr(
            ns::WST,
            &format!(
                "{SCT_AND_REFERENCES}<t:RequestedProofToken><t:BinarySecret>WWrxszI9Rg5Iy5klit8SdFt+X05pewNBbvotsYPtX9A=</t:BinarySecret></t:RequestedProofToken>"
            ),
        );
        let r = RequestSecurityTokenResponse::read(d.root_element());
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        let Some(ProofToken::BinarySecret(secret)) = r.proof() else {
            panic!()
        };
        assert_eq!(secret.kind, SecretKind::SymmetricKey);
        assert_eq!(secret.bytes.as_ref().unwrap().len(), 32);

        let d = rstr(
            ns::WST,
            r#"<t:RequestedProofToken><xenc:EncryptedKey Id="newProof"/></t:RequestedProofToken>"#,
        );
        let r = RequestSecurityTokenResponse::read(d.root_element());
        assert!(
            matches!(r.proof(), Some(ProofToken::EncryptedKey(n)) if n.attribute("Id") == Some("newProof"))
        );
    }

    #[test]
    fn cancelled() {
        let d = rstr(ns::WST_2005, "<t:RequestedTokenCancelled/>");
        let r = RequestSecurityTokenResponse::read(d.root_element());
        assert!(r.requested_token_cancelled);
        assert!(r.problems.is_empty());
    }

    #[test]
    fn broken_parts_are_problems() {
        let d = rstr(
            ns::WST,
            r#"<t:RequestedSecurityToken/><t:RequestedAttachedReference/><t:RequestedProofToken><t:ComputedKey>http://docs.oasis-open.org/ws-sx/ws-trust/200512/CK/PSHA1</t:ComputedKey></t:RequestedProofToken><t:KeySize>0</t:KeySize>"#,
        );
        let r = RequestSecurityTokenResponse::read(d.root_element());
        // empty RST token, no STR in the reference, ComputedKey without entropy, KeySize 0
        assert_eq!(r.problems.len(), 4, "{:?}", r.problems);
    }
}
