//! `wsse:Security`: the header that carries tokens, signatures and encryption manifests. Its
//! children are kept IN DOCUMENT ORDER because a receiver processes them in that order (a
//! ReferenceList before the EncryptedData it lists, a token before the signature using it).

use crate::ns;
use crate::xml::Node;

use super::envelope::SoapVersion;
use super::problem::Problem;
use super::read::stray_text;
use super::str_ref::SecurityTokenReference;
use super::tokens::{
    BinarySecurityToken, DerivedKeyToken, SamlAssertion, SecurityContextToken,
    SignatureConfirmation, Timestamp, UsernameToken,
};

/// The SOAP 1.2 role that means "the ultimate receiver" (the same as no role at all).
pub const ULTIMATE_RECEIVER_ROLE: &str =
    "http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver";

/// One child of a Security header (also used to classify the token inside an RSTR's
/// RequestedSecurityToken). Encryption and signature elements are only classified here; the
/// XML Encryption and XML Signature layers read them.
#[derive(Debug, Clone)]
pub enum HeaderItem<'d> {
    Timestamp(Timestamp<'d>),
    BinarySecurityToken(BinarySecurityToken<'d>),
    UsernameToken(UsernameToken<'d>),
    /// `xenc:EncryptedKey`: a key wrapped for a recipient (a token, and often a ReferenceList).
    EncryptedKey(Node<'d>),
    /// `xenc:ReferenceList`: EncryptedData to decrypt with keys named there.
    ReferenceList(Node<'d>),
    /// `xenc:EncryptedData` in the header (an encrypted signature or token).
    EncryptedData(Node<'d>),
    /// `wsse11:EncryptedHeader`: an encrypted header block.
    EncryptedHeader(Node<'d>),
    SecurityContextToken(SecurityContextToken<'d>),
    /// Boxed: by far the largest item (it holds its SecurityTokenReference).
    DerivedKeyToken(Box<DerivedKeyToken<'d>>),
    SignatureConfirmation(SignatureConfirmation<'d>),
    /// `ds:Signature`.
    Signature(Node<'d>),
    SamlAssertion(SamlAssertion<'d>),
    /// A SecurityTokenReference placed directly in the header (WSS4J does so for SAML).
    SecurityTokenReference(SecurityTokenReference<'d>),
    /// Anything else, kept for display.
    Other(Node<'d>),
}

impl<'d> HeaderItem<'d> {
    /// Classifies an element and reads it with the matching token reader.
    pub fn read(node: Node<'d>) -> HeaderItem<'d> {
        let namespace = node.namespace();
        match (namespace, node.local_name()) {
            (ns::WSU, "Timestamp") => HeaderItem::Timestamp(Timestamp::read(node)),
            (ns::WSSE, "BinarySecurityToken") => {
                HeaderItem::BinarySecurityToken(BinarySecurityToken::read(node))
            }
            (ns::WSSE, "UsernameToken") => HeaderItem::UsernameToken(UsernameToken::read(node)),
            (ns::WSSE, "SecurityTokenReference") => {
                HeaderItem::SecurityTokenReference(SecurityTokenReference::read(node))
            }
            (ns::XENC, "EncryptedKey") => HeaderItem::EncryptedKey(node),
            (ns::XENC, "ReferenceList") => HeaderItem::ReferenceList(node),
            (ns::XENC, "EncryptedData") => HeaderItem::EncryptedData(node),
            (ns::WSSE11, "EncryptedHeader") => HeaderItem::EncryptedHeader(node),
            (ns::WSSE11, "SignatureConfirmation") => {
                HeaderItem::SignatureConfirmation(SignatureConfirmation::read(node))
            }
            (ns::DS, "Signature") => HeaderItem::Signature(node),
            (ns::SAML1 | ns::SAML2, "Assertion") => {
                HeaderItem::SamlAssertion(SamlAssertion::read(node))
            }
            (wsc, "SecurityContextToken") if ns::is_wsc(wsc) => {
                HeaderItem::SecurityContextToken(SecurityContextToken::read(node))
            }
            (wsc, "DerivedKeyToken") if ns::is_wsc(wsc) => {
                HeaderItem::DerivedKeyToken(Box::new(DerivedKeyToken::read(node)))
            }
            _ => HeaderItem::Other(node),
        }
    }

    pub fn node(&self) -> Node<'d> {
        match self {
            HeaderItem::Timestamp(t) => t.node,
            HeaderItem::BinarySecurityToken(t) => t.node,
            HeaderItem::UsernameToken(t) => t.node,
            HeaderItem::SecurityContextToken(t) => t.node,
            HeaderItem::DerivedKeyToken(t) => t.node,
            HeaderItem::SignatureConfirmation(t) => t.node,
            HeaderItem::SamlAssertion(t) => t.node,
            HeaderItem::SecurityTokenReference(t) => t.node,
            HeaderItem::EncryptedKey(n)
            | HeaderItem::ReferenceList(n)
            | HeaderItem::EncryptedData(n)
            | HeaderItem::EncryptedHeader(n)
            | HeaderItem::Signature(n)
            | HeaderItem::Other(n) => *n,
        }
    }

    /// A short name of the kind, for listings.
    pub fn kind_name(&self) -> &'static str {
        match self {
            HeaderItem::Timestamp(_) => "Timestamp",
            HeaderItem::BinarySecurityToken(_) => "BinarySecurityToken",
            HeaderItem::UsernameToken(_) => "UsernameToken",
            HeaderItem::EncryptedKey(_) => "EncryptedKey",
            HeaderItem::ReferenceList(_) => "ReferenceList",
            HeaderItem::EncryptedData(_) => "EncryptedData",
            HeaderItem::EncryptedHeader(_) => "EncryptedHeader",
            HeaderItem::SecurityContextToken(_) => "SecurityContextToken",
            HeaderItem::DerivedKeyToken(_) => "DerivedKeyToken",
            HeaderItem::SignatureConfirmation(_) => "SignatureConfirmation",
            HeaderItem::Signature(_) => "Signature",
            HeaderItem::SamlAssertion(_) => "SAML assertion",
            HeaderItem::SecurityTokenReference(_) => "SecurityTokenReference",
            HeaderItem::Other(_) => "other",
        }
    }

    /// The id references use to point at this item: `wsu:Id`, `Id` (XML-DSig/XML-Enc),
    /// `AssertionID` (SAML 1.x) or `ID` (SAML 2.0).
    pub fn id(&self) -> Option<&str> {
        match self {
            HeaderItem::Timestamp(t) => t.id.as_deref(),
            HeaderItem::BinarySecurityToken(t) => t.id.as_deref(),
            HeaderItem::UsernameToken(t) => t.id.as_deref(),
            HeaderItem::SecurityContextToken(t) => t.id.as_deref(),
            HeaderItem::DerivedKeyToken(t) => t.id.as_deref(),
            HeaderItem::SignatureConfirmation(t) => t.id.as_deref(),
            HeaderItem::SamlAssertion(t) => t.id.as_deref(),
            HeaderItem::SecurityTokenReference(t) => t.id.as_deref(),
            HeaderItem::EncryptedKey(n)
            | HeaderItem::ReferenceList(n)
            | HeaderItem::EncryptedData(n)
            | HeaderItem::Signature(n) => n.attribute("Id"),
            HeaderItem::EncryptedHeader(n) | HeaderItem::Other(n) => {
                n.attribute_ns(ns::WSU, "Id").or_else(|| n.attribute("Id"))
            }
        }
    }

    /// The problems found in this item (and in references inside it), in document order.
    pub fn problems(&self) -> Vec<&Problem> {
        match self {
            HeaderItem::Timestamp(t) => t.problems.iter().collect(),
            HeaderItem::BinarySecurityToken(t) => t.problems.iter().collect(),
            HeaderItem::UsernameToken(t) => t.problems.iter().collect(),
            HeaderItem::SecurityContextToken(t) => t.problems.iter().collect(),
            HeaderItem::DerivedKeyToken(t) => t.all_problems(),
            HeaderItem::SignatureConfirmation(t) => t.problems.iter().collect(),
            HeaderItem::SamlAssertion(t) => t.problems.iter().collect(),
            HeaderItem::SecurityTokenReference(t) => t.problems.iter().collect(),
            HeaderItem::EncryptedKey(_)
            | HeaderItem::ReferenceList(_)
            | HeaderItem::EncryptedData(_)
            | HeaderItem::EncryptedHeader(_)
            | HeaderItem::Signature(_)
            | HeaderItem::Other(_) => Vec::new(),
        }
    }
}

/// A `wsse:Security` header block: who it is for, whether it must be understood, and its
/// items in the order a receiver processes them.
#[derive(Debug, Clone)]
pub struct SecurityHeader<'d> {
    pub node: Node<'d>,
    /// `actor` (SOAP 1.1) or `role` (SOAP 1.2): which node the header is for; `None` means the
    /// ultimate receiver.
    pub actor: Option<String>,
    /// `mustUnderstand` read as a boolean (`None` when absent or invalid).
    pub must_understand: Option<bool>,
    pub items: Vec<HeaderItem<'d>>,
    pub problems: Vec<Problem>,
}

impl<'d> SecurityHeader<'d> {
    /// Reads a `wsse:Security` element. The SOAP version is taken from the enclosing header
    /// (when there is one) to check that `actor`/`role`/`mustUnderstand` match it.
    pub fn read(security: Node<'d>) -> SecurityHeader<'d> {
        let mut problems = Vec::new();
        if !security.has_name(ns::WSSE, "Security") {
            problems.push(Problem::at(
                security,
                format!("expected wsse:Security, found {}", security.expanded_name()),
            ));
        }
        let soap = security
            .parent()
            .and_then(|p| SoapVersion::from_namespace(p.namespace()));
        let (actor, must_understand) = read_soap_attributes(security, soap, &mut problems);
        stray_text(security, &mut problems);
        let items: Vec<HeaderItem<'d>> = security.child_elements().map(HeaderItem::read).collect();
        let mut timestamps = items
            .iter()
            .filter(|i| matches!(i, HeaderItem::Timestamp(_)));
        if let (Some(_), Some(second)) = (timestamps.next(), timestamps.next()) {
            problems.push(Problem::at(
                second.node(),
                "a second wsu:Timestamp in one Security header (WS-Security allows one)",
            ));
        }
        SecurityHeader {
            node: security,
            actor,
            must_understand,
            items,
            problems,
        }
    }

    /// True when the header is meant for the ultimate receiver (no actor, or the SOAP 1.2
    /// ultimateReceiver role).
    pub fn is_for_ultimate_receiver(&self) -> bool {
        self.actor
            .as_deref()
            .is_none_or(|a| a.is_empty() || a == ULTIMATE_RECEIVER_ROLE)
    }

    /// The items of one kind, for callers that look for e.g. every DerivedKeyToken.
    pub fn timestamps(&self) -> impl Iterator<Item = &Timestamp<'d>> {
        self.items.iter().filter_map(|i| match i {
            HeaderItem::Timestamp(t) => Some(t),
            _ => None,
        })
    }

    pub fn derived_key_tokens(&self) -> impl Iterator<Item = &DerivedKeyToken<'d>> {
        self.items.iter().filter_map(|i| match i {
            HeaderItem::DerivedKeyToken(t) => Some(t.as_ref()),
            _ => None,
        })
    }

    pub fn security_context_tokens(&self) -> impl Iterator<Item = &SecurityContextToken<'d>> {
        self.items.iter().filter_map(|i| match i {
            HeaderItem::SecurityContextToken(t) => Some(t),
            _ => None,
        })
    }

    /// The item with this id (`wsu:Id`, `Id`, `AssertionID` or `ID`), first in document order.
    pub fn item_by_id(&self, id: &str) -> Option<&HeaderItem<'d>> {
        self.items.iter().find(|i| i.id() == Some(id))
    }

    /// The header's problems and those of every item, in document order.
    pub fn all_problems(&self) -> Vec<&Problem> {
        let mut all: Vec<&Problem> = self.problems.iter().collect();
        for item in &self.items {
            all.extend(item.problems());
        }
        all.sort_by_key(|p| p.position.offset);
        all
    }
}

/// Reads `actor`/`role` and `mustUnderstand` in either SOAP namespace, noting the ones that
/// do not belong to the enclosing SOAP version (a receiver of that version ignores them).
fn read_soap_attributes(
    node: Node<'_>,
    soap: Option<SoapVersion>,
    problems: &mut Vec<Problem>,
) -> (Option<String>, Option<bool>) {
    let mut actor = None;
    let mut must_understand = None;
    for attr in node.attributes() {
        let Some(written) = SoapVersion::from_namespace(attr.namespace()) else {
            continue;
        };
        let expected_name = match written {
            SoapVersion::Soap11 => "actor",
            SoapVersion::Soap12 => "role",
        };
        let local = attr.local_name();
        if local != expected_name && local != "mustUnderstand" {
            if local == "actor" || local == "role" {
                problems.push(Problem::at(
                    node,
                    format!("{} is not a {} attribute", attr.qname(), written.label()),
                ));
            }
            continue;
        }
        if let Some(soap) = soap
            && soap != written
        {
            problems.push(Problem::at(
                node,
                format!(
                    "{} is a {} attribute on a {} message; a receiver ignores it",
                    attr.qname(),
                    written.label(),
                    soap.label()
                ),
            ));
        }
        let value = attr.value().trim();
        if local == "mustUnderstand" {
            must_understand = match (written, value) {
                (_, "1") => Some(true),
                (_, "0") => Some(false),
                (SoapVersion::Soap12, "true") => Some(true),
                (SoapVersion::Soap12, "false") => Some(false),
                _ => {
                    let allowed = match written {
                        SoapVersion::Soap11 => "\"0\" or \"1\"",
                        SoapVersion::Soap12 => "\"true\", \"false\", \"1\" or \"0\"",
                    };
                    problems.push(Problem::at(
                        node,
                        format!(
                            "{}={value:?}: {} allows only {allowed}",
                            attr.qname(),
                            written.label()
                        ),
                    ));
                    None
                }
            };
        } else {
            actor = Some(value.to_string());
        }
    }
    (actor, must_understand)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::Document;

    fn security(soap_ns: &str, attrs: &str, inner: &str) -> Document {
        let text = format!(
            r#"<s:Header xmlns:s="{soap_ns}"><wsse:Security xmlns:wsse="{}" xmlns:wsse11="{}" xmlns:wsu="{}" xmlns:wsc="{}" xmlns:xenc="{}" xmlns:ds="{}" {attrs}>{inner}</wsse:Security></s:Header>"#,
            ns::WSSE,
            ns::WSSE11,
            ns::WSU,
            ns::WSC_2005,
            ns::XENC,
            ns::DS
        );
        Document::parse_str(&text, "t").unwrap()
    }

    fn header(d: &Document) -> SecurityHeader<'_> {
        SecurityHeader::read(d.root_element().child(ns::WSSE, "Security").unwrap())
    }

    #[test]
    fn items_keep_document_order() {
        let d = security(
            ns::SOAP11,
            r#"s:mustUnderstand="1""#,
            r##"
            <wsu:Timestamp wsu:Id="TS"><wsu:Created>2008-06-23T13:25:33.597Z</wsu:Created></wsu:Timestamp>
            <xenc:EncryptedKey Id="EK"/>
            <wsc:DerivedKeyToken wsu:Id="DK"><wsse:SecurityTokenReference><wsse:Reference URI="#EK"/></wsse:SecurityTokenReference><wsc:Nonce>AQID</wsc:Nonce></wsc:DerivedKeyToken>
            <xenc:ReferenceList/>
            <wsse:BinarySecurityToken ValueType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3" wsu:Id="X">MAQCAQEC</wsse:BinarySecurityToken>
            <xenc:EncryptedData Id="ED"/>
            <ds:Signature Id="SIG"/>
            <wsse11:SignatureConfirmation Value="AQID" wsu:Id="SC"/>
            <wsc:SecurityContextToken wsu:Id="SCT"><wsc:Identifier>urn:a</wsc:Identifier></wsc:SecurityContextToken>
            <wsse:UsernameToken><wsse:Username>u</wsse:Username></wsse:UsernameToken>
            <wsse11:EncryptedHeader wsu:Id="EH"/>
            <wsse:SecurityTokenReference wsu:Id="STR"><wsse:Reference URI="#X"/></wsse:SecurityTokenReference>
            <custom xmlns="urn:x"/>
            "##,
        );
        let h = header(&d);
        assert!(h.all_problems().is_empty(), "{:?}", h.all_problems());
        assert_eq!(h.must_understand, Some(true));
        assert!(h.is_for_ultimate_receiver());
        let kinds: Vec<&str> = h.items.iter().map(|i| i.kind_name()).collect();
        assert_eq!(
            kinds,
            [
                "Timestamp",
                "EncryptedKey",
                "DerivedKeyToken",
                "ReferenceList",
                "BinarySecurityToken",
                "EncryptedData",
                "Signature",
                "SignatureConfirmation",
                "SecurityContextToken",
                "UsernameToken",
                "EncryptedHeader",
                "SecurityTokenReference",
                "other"
            ]
        );
        let ids: Vec<Option<&str>> = h.items.iter().map(|i| i.id()).collect();
        assert_eq!(
            ids,
            [
                Some("TS"),
                Some("EK"),
                Some("DK"),
                None,
                Some("X"),
                Some("ED"),
                Some("SIG"),
                Some("SC"),
                Some("SCT"),
                None,
                Some("EH"),
                Some("STR"),
                None
            ]
        );
        assert_eq!(h.item_by_id("DK").unwrap().kind_name(), "DerivedKeyToken");
        assert_eq!(h.derived_key_tokens().count(), 1);
        assert_eq!(h.security_context_tokens().count(), 1);
    }

    #[test]
    fn soap12_role_and_must_understand() {
        let d = security(
            ns::SOAP12,
            r#"s:role="urn:next-hop" s:mustUnderstand="true""#,
            "",
        );
        let h = header(&d);
        assert!(h.problems.is_empty(), "{:?}", h.problems);
        assert_eq!(h.actor.as_deref(), Some("urn:next-hop"));
        assert_eq!(h.must_understand, Some(true));
        assert!(!h.is_for_ultimate_receiver());

        let d = security(
            ns::SOAP12,
            &format!(r#"s:role="{ULTIMATE_RECEIVER_ROLE}""#),
            "",
        );
        assert!(header(&d).is_for_ultimate_receiver());
    }

    #[test]
    fn soap11_actor_and_bad_must_understand() {
        let d = security(ns::SOAP11, r#"s:actor="urn:a" s:mustUnderstand="true""#, "");
        let h = header(&d);
        assert_eq!(h.actor.as_deref(), Some("urn:a"));
        assert_eq!(h.must_understand, None);
        assert_eq!(h.problems.len(), 1);
    }

    #[test]
    fn attributes_of_the_other_soap_version_are_problems() {
        let text = format!(
            r#"<s:Header xmlns:s="{}" xmlns:s11="{}"><wsse:Security xmlns:wsse="{}" s11:mustUnderstand="1" s11:role="x"/></s:Header>"#,
            ns::SOAP12,
            ns::SOAP11,
            ns::WSSE
        );
        let d = Document::parse_str(&text, "t").unwrap();
        let h = header(&d);
        assert_eq!(h.must_understand, Some(true));
        assert_eq!(h.actor, None);
        assert_eq!(h.problems.len(), 2, "{:?}", h.problems);
    }

    #[test]
    fn two_timestamps_and_stray_text_are_problems() {
        let d = security(
            ns::SOAP11,
            "",
            "oops<wsu:Timestamp><wsu:Created>2008-06-23T13:25:33Z</wsu:Created></wsu:Timestamp><wsu:Timestamp><wsu:Created>2008-06-23T13:25:33Z</wsu:Created></wsu:Timestamp>",
        );
        let h = header(&d);
        assert_eq!(h.problems.len(), 2, "{:?}", h.problems);
        assert_eq!(h.timestamps().count(), 2);
    }
}
