//! Namespace URIs of the specifications wskex reads (see `spec-notes.md`). Real captures mix
//! generations, so where a specification had two namespaces both are listed.

pub const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
pub const DSIG11: &str = "http://www.w3.org/2009/xmldsig11#";
pub const XENC: &str = "http://www.w3.org/2001/04/xmlenc#";
pub const XENC11: &str = "http://www.w3.org/2009/xmlenc11#";

pub const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
pub const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";

pub const WSSE: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
pub const WSSE11: &str = "http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd";
pub const WSU: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";

/// WS-Trust 1.3/1.4.
pub const WST: &str = "http://docs.oasis-open.org/ws-sx/ws-trust/200512";
/// WS-Trust 1.4 additions.
pub const WST14: &str = "http://docs.oasis-open.org/ws-sx/ws-trust/200802";
/// WS-Trust February 2005 (still common from WCF).
pub const WST_2005: &str = "http://schemas.xmlsoap.org/ws/2005/02/trust";
/// WS-SecureConversation 1.3/1.4.
pub const WSC: &str = "http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512";
/// WS-SecureConversation February 2005 (WCF default).
pub const WSC_2005: &str = "http://schemas.xmlsoap.org/ws/2005/02/sc";

pub const WSA: &str = "http://www.w3.org/2005/08/addressing";
pub const SAML1: &str = "urn:oasis:names:tc:SAML:1.0:assertion";
pub const SAML2: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
pub const XOP: &str = "http://www.w3.org/2004/08/xop/include";

/// Either WS-Trust generation.
pub fn is_wst(ns: &str) -> bool {
    ns == WST || ns == WST_2005 || ns == WST14
}

/// Either WS-SecureConversation generation.
pub fn is_wsc(ns: &str) -> bool {
    ns == WSC || ns == WSC_2005
}

/// Either SOAP version.
pub fn is_soap(ns: &str) -> bool {
    ns == SOAP11 || ns == SOAP12
}
