//! `wst:RequestSecurityToken` (RST): a request to an STS (or to the peer, for an SCT) to
//! issue, renew, cancel or validate a token. For key exchange it carries the requestor's
//! entropy, the key size and how the final key is to be computed.

use crate::ns;
use crate::xml::Node;

use crate::wss::Problem;

use super::entropy::Entropy;
use super::fields::{
    AppliesTo, CancelTarget, ComputedKey, KeyType, RequestKind, RequestType, note_uri_generation,
    read_applies_to, read_cancel_target, read_key_size, uri_text,
};
use super::lifetime::Lifetime;
use super::version::{TrustVersion, trust_child, trust_version_of};

/// A `wst:RequestSecurityToken` as read.
#[derive(Debug, Clone)]
pub struct RequestSecurityToken<'d> {
    pub node: Node<'d>,
    pub version: TrustVersion,
    /// The Context attribute, echoed by the response to correlate it.
    pub context: Option<String>,
    pub token_type: Option<String>,
    pub request_type: Option<RequestType>,
    /// Requested key size in bits (as written when it is a number; see the problems).
    pub key_size: Option<u32>,
    pub key_type: Option<KeyType>,
    /// The requestor's entropy.
    pub entropy: Option<Entropy<'d>>,
    pub computed_key_algorithm: Option<ComputedKey>,
    pub cancel_target: Option<CancelTarget<'d>>,
    pub applies_to: Option<AppliesTo<'d>>,
    pub lifetime: Option<Lifetime<'d>>,
    /// `wst14:ActAs`: the identity the requestor asks to act as (a token inside it).
    pub act_as: Option<Node<'d>>,
    /// `wst:OnBehalfOf`: the identity the token is requested for.
    pub on_behalf_of: Option<Node<'d>>,
    /// Problems of the request and of everything read inside it (STRs keep their own).
    pub problems: Vec<Problem>,
}

impl<'d> RequestSecurityToken<'d> {
    /// Reads the element; what is missing or malformed becomes a problem, never an error.
    pub fn read(node: Node<'d>) -> RequestSecurityToken<'d> {
        let mut problems = Vec::new();
        let version = trust_version_of(node, &mut problems);
        if version == TrustVersion::V200802 {
            problems.push(Problem::at(
                node,
                "RequestSecurityToken in the 200802 namespace: WS-Trust 1.4 keeps it in 200512",
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
        if request_type.is_none() {
            p.push(Problem::at(
                node,
                "RequestSecurityToken has no wst:RequestType",
            ));
        }
        let key_size = child("KeySize", p).and_then(|n| read_key_size(n, p));
        let key_type = child("KeyType", p).map(|n| {
            let t = KeyType::classify(&uri_text(n, p));
            note_uri_generation(n, t.version, version, p);
            t
        });
        let entropy = child("Entropy", p).map(|n| Entropy::read(n, version, p));
        let computed_key_algorithm = child("ComputedKeyAlgorithm", p).map(|n| {
            let c = ComputedKey::classify(&uri_text(n, p));
            note_uri_generation(n, c.version, version, p);
            c
        });
        let cancel_target = child("CancelTarget", p).map(|n| read_cancel_target(n, p));
        let applies_to = node
            .child_elements()
            .find(|c| c.local_name() == "AppliesTo")
            .map(|n| read_applies_to(n, p));
        let lifetime = child("Lifetime", p).map(|n| Lifetime::read(n, p));
        // ActAs exists only in WS-Trust 1.4's namespace, whatever the request's generation.
        let act_as = node.child(ns::WST14, "ActAs");
        let on_behalf_of = child("OnBehalfOf", p);

        if computed_key_algorithm.is_some() && entropy.is_none() {
            p.push(Problem::at(
                node,
                "ComputedKeyAlgorithm without requestor wst:Entropy: there is nothing to combine",
            ));
        }
        if request_type.as_ref().map(|t| t.kind) == Some(RequestKind::Cancel)
            && cancel_target.is_none()
        {
            p.push(Problem::at(
                node,
                "a Cancel request without wst:CancelTarget",
            ));
        }

        RequestSecurityToken {
            node,
            version,
            context: node.attribute("Context").map(str::to_string),
            token_type,
            request_type,
            key_size,
            key_type,
            entropy,
            computed_key_algorithm,
            cancel_target,
            applies_to,
            lifetime,
            act_as,
            on_behalf_of,
            problems,
        }
    }

    /// The request's problems and those of references inside it, in document order.
    pub fn all_problems(&self) -> Vec<&Problem> {
        let mut all: Vec<&Problem> = self.problems.iter().collect();
        if let Some(target) = &self.cancel_target {
            if let Some(r) = &target.reference {
                all.extend(&r.problems);
            }
            if let Some(t) = &target.token {
                all.extend(t.problems());
            }
        }
        all.sort_by_key(|p| p.position.offset);
        all
    }

    /// True when the element is an RST of any generation.
    pub fn is_rst(node: Node<'_>) -> bool {
        ns::is_wst(node.namespace()) && node.local_name() == "RequestSecurityToken"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::binary_secret::SecretKind;
    use crate::trust::entropy::EntropyContent;
    use crate::trust::fields::{ComputedKeyKind, KeyTypeKind};
    use crate::xml::Document;

    fn rst(wst: &str, inner: &str) -> Document {
        let text = format!(
            r#"<t:RequestSecurityToken xmlns:t="{wst}" xmlns:wsu="{}" xmlns:wsse="{}" xmlns:xenc="{}" Context="ctx-1">{inner}</t:RequestSecurityToken>"#,
            ns::WSU,
            ns::WSSE,
            ns::XENC
        );
        Document::parse_str(&text, "t").unwrap()
    }

    #[test]
    fn act_as_and_on_behalf_of_are_read() {
        let d = rst(
            ns::WST,
            &format!(
                r#"<t:RequestType>http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue</t:RequestType>
                   <t4:ActAs xmlns:t4="{}"><wsse:UsernameToken/></t4:ActAs>
                   <t:OnBehalfOf><wsse:SecurityTokenReference/></t:OnBehalfOf>"#,
                ns::WST14
            ),
        );
        let r = RequestSecurityToken::read(d.root_element());
        assert!(r.all_problems().is_empty(), "{:?}", r.all_problems());
        let first_child = |n: Option<Node<'_>>| {
            n.and_then(|n| n.child_elements().next())
                .map(|t| t.local_name().to_string())
        };
        assert_eq!(first_child(r.act_as).as_deref(), Some("UsernameToken"));
        assert_eq!(
            first_child(r.on_behalf_of).as_deref(),
            Some("SecurityTokenReference")
        );
        // ActAs in the request's own (1.3) namespace is not WS-Trust's ActAs.
        let d = rst(ns::WST, "<t:ActAs/>");
        assert!(
            RequestSecurityToken::read(d.root_element())
                .act_as
                .is_none()
        );
    }

    #[test]
    fn wcf_sct_request_feb2005() {
        let d = rst(
            ns::WST_2005,
            r#"<t:TokenType>http://schemas.xmlsoap.org/ws/2005/02/sc/sct</t:TokenType>
               <t:RequestType>http://schemas.xmlsoap.org/ws/2005/02/trust/Issue</t:RequestType>
               <t:Entropy><t:BinarySecret u:Id="e1" xmlns:u="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" Type="http://schemas.xmlsoap.org/ws/2005/02/trust/Nonce">1TmBzNeSMhkxqHU+yWuwplJDS7NejEdnFlgRbGPyAOI=</t:BinarySecret></t:Entropy>
               <t:KeySize>256</t:KeySize>
               <t:ComputedKeyAlgorithm>http://schemas.xmlsoap.org/ws/2005/02/trust/CK/PSHA1</t:ComputedKeyAlgorithm>"#,
        );
        let r = RequestSecurityToken::read(d.root_element());
        assert!(r.all_problems().is_empty(), "{:?}", r.all_problems());
        assert_eq!(r.version, TrustVersion::Feb2005);
        assert_eq!(r.context.as_deref(), Some("ctx-1"));
        assert_eq!(
            r.token_type.as_deref(),
            Some("http://schemas.xmlsoap.org/ws/2005/02/sc/sct")
        );
        assert_eq!(r.request_type.as_ref().unwrap().kind, RequestKind::Issue);
        assert_eq!(r.key_size, Some(256));
        let secret = r.entropy.as_ref().unwrap().binary_secret().unwrap();
        assert_eq!(secret.kind, SecretKind::Nonce);
        assert_eq!(secret.id.as_deref(), Some("e1"));
        assert_eq!(secret.bytes.as_ref().unwrap().len(), 32);
        assert_eq!(
            r.computed_key_algorithm.unwrap().kind,
            ComputedKeyKind::PSha1
        );
    }

    #[test]
    fn v200512_request_with_everything() {
        let d = rst(
            ns::WST,
            r#"<t:RequestType>http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue</t:RequestType>
               <t:KeyType>http://docs.oasis-open.org/ws-sx/ws-trust/200512/SymmetricKey</t:KeyType>
               <wsp:AppliesTo xmlns:wsp="http://www.w3.org/ns/ws-policy"><wsa:EndpointReference xmlns:wsa="http://www.w3.org/2005/08/addressing"><wsa:Address> https://service.example/ </wsa:Address></wsa:EndpointReference></wsp:AppliesTo>
               <t:Lifetime><wsu:Created>2024-02-14T02:06:53.311Z</wsu:Created><wsu:Expires>2024-02-14T17:06:53.311Z</wsu:Expires></t:Lifetime>
               <t:Entropy><xenc:EncryptedKey Id="EK"/></t:Entropy>"#,
        );
        let r = RequestSecurityToken::read(d.root_element());
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert_eq!(r.version, TrustVersion::V200512);
        assert_eq!(r.key_type.unwrap().kind, KeyTypeKind::SymmetricKey);
        assert_eq!(
            r.applies_to.unwrap().address.as_deref(),
            Some("https://service.example/")
        );
        let lifetime = r.lifetime.unwrap();
        assert_eq!(lifetime.created.unwrap().text, "2024-02-14T02:06:53.311Z");
        assert!(matches!(
            r.entropy.unwrap().content,
            Some(EntropyContent::EncryptedKey(_))
        ));
    }

    #[test]
    fn cancel_with_target() {
        let d = rst(
            ns::WST_2005,
            r#"<t:RequestType>http://schemas.xmlsoap.org/ws/2005/02/trust/Cancel</t:RequestType><t:CancelTarget><wsse:SecurityTokenReference><wsse:Reference URI="urn:uuid:20189D76AA5794EBCA12142275347662" ValueType="http://schemas.xmlsoap.org/ws/2005/02/sc/sct"/></wsse:SecurityTokenReference></t:CancelTarget>"#,
        );
        let r = RequestSecurityToken::read(d.root_element());
        assert!(r.all_problems().is_empty(), "{:?}", r.all_problems());
        assert_eq!(r.request_type.unwrap().kind, RequestKind::Cancel);
        let target = r.cancel_target.unwrap();
        assert_eq!(
            target.reference.unwrap().reference().unwrap().uri,
            "urn:uuid:20189D76AA5794EBCA12142275347662"
        );
    }

    #[test]
    fn missing_and_inconsistent_parts_are_problems() {
        let d = rst(
            ns::WST,
            r#"<t:RequestType>http://schemas.xmlsoap.org/ws/2005/02/trust/Cancel</t:RequestType><t:ComputedKeyAlgorithm>http://docs.oasis-open.org/ws-sx/ws-trust/200512/CK/PSHA1</t:ComputedKeyAlgorithm><t:Entropy/>"#,
        );
        let r = RequestSecurityToken::read(d.root_element());
        // 2005/02 URI in 200512 message, empty Entropy, Cancel without CancelTarget
        assert_eq!(r.problems.len(), 3, "{:?}", r.problems);

        let d = rst(
            ns::WST,
            "<t:ComputedKeyAlgorithm>http://docs.oasis-open.org/ws-sx/ws-trust/200512/CK/PSHA1</t:ComputedKeyAlgorithm>",
        );
        let r = RequestSecurityToken::read(d.root_element());
        // no RequestType; ComputedKeyAlgorithm without entropy
        assert_eq!(r.problems.len(), 2, "{:?}", r.problems);
    }

    #[test]
    fn key_size_zero_and_one_gigabyte_are_problems() {
        for (size, expect) in [
            ("0", Some(0)),
            ("1073741824", Some(1 << 30)),
            ("8589934592", None),
            ("lots", None),
        ] {
            let d = rst(
                ns::WST,
                &format!(
                    "<t:RequestType>http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue</t:RequestType><t:KeySize>{size}</t:KeySize>"
                ),
            );
            let r = RequestSecurityToken::read(d.root_element());
            assert_eq!(r.key_size, expect, "{size}");
            assert_eq!(r.problems.len(), 1, "{size}: {:?}", r.problems);
            assert!(r.problems[0].message.contains("KeySize"));
        }
    }

    #[test]
    fn ten_megabyte_undecodable_secret_is_a_located_problem() {
        let mut blob = String::with_capacity(10 * 1024 * 1024 + 200_000);
        let line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\n";
        while blob.len() < 10 * 1024 * 1024 {
            blob.push_str(line);
        }
        let bad_at = blob.len() - 3 * line.len() + 10;
        blob.replace_range(bad_at..bad_at + 1, "%");
        let d = rst(
            ns::WST,
            &format!(
                "<t:RequestType>http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue</t:RequestType><t:Entropy><t:BinarySecret>{blob}</t:BinarySecret></t:Entropy>"
            ),
        );
        let r = RequestSecurityToken::read(d.root_element());
        let secret = r.entropy.as_ref().unwrap().binary_secret().unwrap();
        assert_eq!(secret.bytes, None);
        assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
        let problem = &r.problems[0];
        assert_eq!(problem.position.offset, d.text().find('%').unwrap());
        assert_eq!(
            problem.position.line,
            d.text()[..problem.position.offset].matches('\n').count() as u32 + 1
        );
        assert_eq!(problem.position.column, 11);
        assert!(problem.message.len() < 200, "{}", problem.message);
    }
}
