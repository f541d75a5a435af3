//! Finding WS-Trust messages in a SOAP message: RSTs and RSTRs in the Body, RSTR collections,
//! and RSTRs sent unsolicited in a header (direct key transfer, `wst:IssuedTokens`).

use crate::ns;
use crate::xml::{Node, NsId};

use crate::wss::{Problem, SoapEnvelope};

use super::collection::{IssuedTokens, RequestSecurityTokenResponseCollection};
use super::request::RequestSecurityToken;
use super::response::RequestSecurityTokenResponse;

/// One WS-Trust message element found in a SOAP message.
#[derive(Debug, Clone)]
pub enum TrustMessage<'d> {
    /// Boxed, as is `Response`: both are large next to the list variants.
    Request(Box<RequestSecurityToken<'d>>),
    Response(Box<RequestSecurityTokenResponse<'d>>),
    ResponseCollection(RequestSecurityTokenResponseCollection<'d>),
    IssuedTokens(IssuedTokens<'d>),
}

impl<'d> TrustMessage<'d> {
    /// Reads the element when it is one of the WS-Trust messages (any generation).
    pub fn read(node: Node<'d>) -> Option<TrustMessage<'d>> {
        if !node.is_element() || !ns::is_wst(node.namespace()) {
            return None;
        }
        Some(match node.local_name() {
            "RequestSecurityToken" => {
                TrustMessage::Request(Box::new(RequestSecurityToken::read(node)))
            }
            "RequestSecurityTokenResponse" => {
                TrustMessage::Response(Box::new(RequestSecurityTokenResponse::read(node)))
            }
            "RequestSecurityTokenResponseCollection" => {
                TrustMessage::ResponseCollection(RequestSecurityTokenResponseCollection::read(node))
            }
            "IssuedTokens" => TrustMessage::IssuedTokens(IssuedTokens::read(node)),
            _ => return None,
        })
    }

    pub fn node(&self) -> Node<'d> {
        match self {
            TrustMessage::Request(m) => m.node,
            TrustMessage::Response(m) => m.node,
            TrustMessage::ResponseCollection(m) => m.node,
            TrustMessage::IssuedTokens(m) => m.node,
        }
    }

    /// A short name of the kind, for listings.
    pub fn kind_name(&self) -> &'static str {
        match self {
            TrustMessage::Request(_) => "RST",
            TrustMessage::Response(_) => "RSTR",
            TrustMessage::ResponseCollection(_) => "RSTRC",
            TrustMessage::IssuedTokens(_) => "IssuedTokens",
        }
    }

    /// Every response carried (one for an RSTR, each one of a collection or IssuedTokens).
    pub fn responses(&self) -> Vec<&RequestSecurityTokenResponse<'d>> {
        match self {
            TrustMessage::Request(_) => Vec::new(),
            TrustMessage::Response(r) => vec![r.as_ref()],
            TrustMessage::ResponseCollection(c) => c.responses.iter().collect(),
            TrustMessage::IssuedTokens(i) => i.responses.iter().collect(),
        }
    }

    pub fn all_problems(&self) -> Vec<&Problem> {
        match self {
            TrustMessage::Request(m) => m.all_problems(),
            TrustMessage::Response(m) => m.all_problems(),
            TrustMessage::ResponseCollection(m) => m.all_problems(),
            TrustMessage::IssuedTokens(m) => m.all_problems(),
        }
    }
}

/// The WS-Trust messages inside `scope` (a Body, a Header, or any element), in document order.
/// A message's own content is not searched again (an RSTR inside a collection is reported as
/// part of the collection), nor are signatures and encrypted data.
/// A document that declares no WS-Trust namespace is not walked at all, and the walk compares
/// namespace ids, not URIs: receivers look for messages in every envelope, however large.
pub fn find_trust_messages<'d>(scope: Node<'d>) -> Vec<TrustMessage<'d>> {
    let doc = scope.document();
    let trust: Vec<NsId> = [ns::WST, ns::WST_2005, ns::WST14]
        .iter()
        .filter_map(|uri| doc.namespace_id(uri))
        .collect();
    if trust.is_empty() {
        return Vec::new();
    }
    let xenc = doc.namespace_id(ns::XENC);
    let ds = doc.namespace_id(ns::DS);
    let mut found = Vec::new();
    let mut skip: Option<Node<'d>> = None;
    for node in scope.descendants() {
        if skip.is_some_and(|s| s.contains(node)) || !node.is_element() {
            continue;
        }
        let ns = node.ns_id();
        if trust.contains(&ns) {
            if let Some(message) = TrustMessage::read(node) {
                found.push(message);
                skip = Some(node);
            }
        } else if xenc.is_some_and(|x| node.has_name_in(x, "EncryptedData"))
            || ds.is_some_and(|d| node.has_name_in(d, "Signature"))
        {
            skip = Some(node);
        }
    }
    found
}

/// The WS-Trust messages of an envelope: unsolicited ones in the Header first, then the Body's.
pub fn find_in_envelope<'d>(envelope: &SoapEnvelope<'d>) -> Vec<TrustMessage<'d>> {
    let mut found: Vec<TrustMessage<'d>> =
        envelope.header.map(find_trust_messages).unwrap_or_default();
    found.extend(envelope.body.map(find_trust_messages).unwrap_or_default());
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::version::TrustVersion;
    use crate::wss::HeaderItem;
    use crate::xml::Document;

    #[test]
    fn body_rstrc_with_two_responses() {
        let text = format!(
            r#"<s:Envelope xmlns:s="{}" xmlns:t="{}"><s:Body><t:RequestSecurityTokenResponseCollection><t:RequestSecurityTokenResponse Context="a"/><t:RequestSecurityTokenResponse Context="b"/></t:RequestSecurityTokenResponseCollection></s:Body></s:Envelope>"#,
            ns::SOAP12,
            ns::WST
        );
        let d = Document::parse_str(&text, "t").unwrap();
        let e = SoapEnvelope::read(&d).unwrap();
        let found = find_in_envelope(&e);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind_name(), "RSTRC");
        let contexts: Vec<_> = found[0]
            .responses()
            .iter()
            .map(|r| r.context.clone().unwrap())
            .collect();
        assert_eq!(contexts, ["a", "b"]);
        assert!(
            found[0].all_problems().is_empty(),
            "{:?}",
            found[0].all_problems()
        );
    }

    #[test]
    fn unsolicited_rstr_in_the_header_and_issued_tokens() {
        let text = format!(
            r#"<s:Envelope xmlns:s="{}" xmlns:t="{}" xmlns:t14="{}" xmlns:wsse="{}" xmlns:c="{}">
  <s:Header>
    <wsse:Security><t:RequestSecurityTokenResponse><t:RequestedSecurityToken><c:SecurityContextToken><c:Identifier>urn:uuid:1</c:Identifier></c:SecurityContextToken></t:RequestedSecurityToken></t:RequestSecurityTokenResponse></wsse:Security>
    <t14:IssuedTokens><t:RequestSecurityTokenResponse Context="x"/></t14:IssuedTokens>
  </s:Header>
  <s:Body><t:RequestSecurityToken><t:RequestType>http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue</t:RequestType></t:RequestSecurityToken></s:Body>
</s:Envelope>"#,
            ns::SOAP11,
            ns::WST,
            ns::WST14,
            ns::WSSE,
            ns::WSC
        );
        let d = Document::parse_str(&text, "t").unwrap();
        let e = SoapEnvelope::read(&d).unwrap();
        let found = find_in_envelope(&e);
        let kinds: Vec<_> = found.iter().map(|m| m.kind_name()).collect();
        assert_eq!(kinds, ["RSTR", "IssuedTokens", "RST"]);
        let TrustMessage::Response(r) = &found[0] else {
            panic!()
        };
        assert!(matches!(
            r.token(),
            Some(HeaderItem::SecurityContextToken(_))
        ));
        let TrustMessage::IssuedTokens(i) = &found[1] else {
            panic!()
        };
        assert_eq!(i.version, TrustVersion::V200802);
        assert_eq!(i.responses[0].context.as_deref(), Some("x"));
        assert!(i.all_problems().is_empty(), "{:?}", i.all_problems());
    }

    #[test]
    fn empty_lists_and_strangers_are_problems() {
        let text = format!(
            r#"<t:IssuedTokens xmlns:t="{}"><t:RequestSecurityToken/></t:IssuedTokens>"#,
            ns::WST
        );
        let d = Document::parse_str(&text, "t").unwrap();
        let found = find_trust_messages(d.root_element());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].all_problems().len(), 2);
    }

    #[test]
    fn encrypted_bodies_hide_nothing_we_could_read() {
        let text = format!(
            r#"<s:Body xmlns:s="{}" xmlns:xenc="{}"><xenc:EncryptedData/></s:Body>"#,
            ns::SOAP11,
            ns::XENC
        );
        let d = Document::parse_str(&text, "t").unwrap();
        assert!(find_trust_messages(d.root_element()).is_empty());
    }
}
