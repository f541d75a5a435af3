//! Why a SecurityTokenReference led to no key: one variant per reason, so callers can tell
//! "nothing answers to this reference" from "it answers, but its key is unknown" without
//! reading sentences. `Display` gives the sentence the reports print.

use std::fmt;

/// Why [`super::resolver::WssResolver::resolve_str`] (or its selectors) found no key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveError {
    /// The STR has no Reference, KeyIdentifier, X509Data or Embedded child.
    NamesNoToken { line: Option<u32> },
    /// Several elements (or tokens) carry the id: choosing one would let an attacker's copy win.
    DuplicateId { id: String, carriers: usize },
    /// The token was found, but its key could not be established.
    KeyUnknown { token: String, why: String },
    /// The token was found, and carries no key at all (a UsernameToken without a password).
    CarriesNoKey { token: String },
    /// A SecurityContextToken known from an earlier message, whose key nobody supplied.
    ContextKeyUnknown { reference: String },
    /// The id names an element that is not a token.
    NotAToken { id: String, element: String },
    /// No element carries the id.
    NoSuchId { id: String },
    /// No token answers to a non-local URI (an SCT Identifier, a token's alias).
    NoTokenForUri { uri: String },
    /// A part the reference form needs is missing (a KeyIdentifier without a value, ...).
    Incomplete { what: &'static str },
    /// No EncryptedKey seen so far has this EncryptedKeySHA1.
    NoEncryptedKeyWithSha1 { sha1: String },
    /// No SAML assertion in the message has this id.
    NoSamlAssertion { id: String },
    /// The embedded token could not be read.
    UnreadableEmbedded { problem: String },
    /// The embedded element is not a token a key can be taken from.
    EmbeddedNotAToken { element: String },
    /// A certificate was needed and the token named is something else.
    NotACertificate { token: String },
    /// A reference form this tool does not take a certificate from (a KeyIdentifier kind).
    UnsupportedForm { form: String },
    /// No certificate, in the message or supplied, matches the thumbprint, key identifier,
    /// issuer and serial or DER the STR gives.
    NoMatchingCertificate { problem: String },
    /// The supplied key the selectors match is a bare public key, not a certificate.
    BarePublicKey { label: String },
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResolveError::NamesNoToken { line: Some(line) } => write!(
                f,
                "the SecurityTokenReference at line {line} names no token"
            ),
            ResolveError::NamesNoToken { line: None } => {
                f.write_str("the SecurityTokenReference names no token")
            }
            ResolveError::DuplicateId { id, carriers } => write!(
                f,
                "the id {id:?} is carried by {carriers} elements: refusing to choose"
            ),
            ResolveError::KeyUnknown { token, why } => {
                write!(f, "{token}, whose key is unknown: {why}")
            }
            ResolveError::CarriesNoKey { token } => write!(f, "{token}, which carries no key"),
            ResolveError::ContextKeyUnknown { reference } => write!(
                f,
                "the SecurityContextToken {reference} has no known key (give it with --key-name {reference}=...)"
            ),
            ResolveError::NotAToken { id, element } => write!(
                f,
                "#{id} points at {element}, which is not a token wskex can take a key from"
            ),
            ResolveError::NoSuchId { id } => write!(f, "no token has the id {id:?}"),
            ResolveError::NoTokenForUri { uri } => {
                write!(f, "no token answers to the URI {uri:?}")
            }
            ResolveError::Incomplete { what } => f.write_str(what),
            ResolveError::NoEncryptedKeyWithSha1 { sha1 } => {
                write!(f, "no EncryptedKey seen so far has the SHA-1 {sha1}")
            }
            ResolveError::NoSamlAssertion { id } => {
                write!(f, "no SAML assertion with id {id:?} in the message")
            }
            ResolveError::UnreadableEmbedded { problem } => {
                write!(f, "embedded token: {problem}")
            }
            ResolveError::EmbeddedNotAToken { element } => write!(
                f,
                "embedded {element} is not a token wskex can take a key from"
            ),
            ResolveError::NotACertificate { token } => write!(f, "{token} is not a certificate"),
            ResolveError::UnsupportedForm { form } => {
                write!(f, "a {form} KeyIdentifier does not name a certificate")
            }
            ResolveError::NoMatchingCertificate { problem } => f.write_str(problem),
            ResolveError::BarePublicKey { label } => write!(
                f,
                "{label} is a bare public key; a certificate is needed here"
            ),
        }
    }
}

impl std::error::Error for ResolveError {}

/// The dsig and xenc resolver traits report sentences.
impl From<ResolveError> for String {
    fn from(e: ResolveError) -> String {
        e.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::KeyStore;
    use crate::ns;
    use crate::receive::resolver::{NoAttachments, WssResolver};
    use crate::receive::store::TokenStore;
    use crate::wss::str_ref::SecurityTokenReference;
    use crate::wss::uris;
    use crate::xml::{Document, IdAttributes, IdIndex};

    /// What the resolver answers for each STR of a message that carries no token.
    fn resolve_each(strs: &str) -> Vec<ResolveError> {
        let text = format!(
            r#"<s:Envelope xmlns:s="urn:s" xmlns:wsse="{}" xmlns:wsu="{}"><s:Header><wsse:Security>{strs}</wsse:Security></s:Header><s:Body wsu:Id="B"/></s:Envelope>"#,
            ns::WSSE,
            ns::WSU
        );
        let doc = Document::parse_str(&text, "m").unwrap();
        let ids = IdIndex::build(&doc, &IdAttributes::default());
        let keys = KeyStore::new();
        let store = TokenStore::default();
        let resolver = WssResolver::new(&doc, &ids, &keys, &store, &[], &NoAttachments);
        doc.descendants()
            .filter(|n| n.has_name(ns::WSSE, "SecurityTokenReference"))
            .map(
                |n| match resolver.resolve_str(&SecurityTokenReference::read(n)) {
                    Ok(_) => panic!("nothing here has a key"),
                    Err(e) => e,
                },
            )
            .collect()
    }

    #[test]
    fn each_reason_for_no_key_is_its_own_variant() {
        let errors = resolve_each(&format!(
            r##"<wsse:SecurityTokenReference><wsse:Reference URI="#nowhere"/></wsse:SecurityTokenReference><wsse:SecurityTokenReference><wsse:Reference URI="#B"/></wsse:SecurityTokenReference><wsse:SecurityTokenReference><wsse:Reference URI="urn:uuid:ctx"/></wsse:SecurityTokenReference><wsse:SecurityTokenReference><wsse:KeyIdentifier ValueType="{}">AAAAAAAAAAAAAAAAAAAAAAAAAAA=</wsse:KeyIdentifier></wsse:SecurityTokenReference><wsse:SecurityTokenReference/>"##,
            uris::THUMBPRINT_SHA1
        ));
        assert!(
            matches!(&errors[0], ResolveError::NoSuchId { id } if id == "nowhere"),
            "{errors:?}"
        );
        assert!(
            matches!(&errors[1], ResolveError::NotAToken { id, element } if id == "B" && element == "s:Body"),
            "{errors:?}"
        );
        assert!(
            matches!(&errors[2], ResolveError::NoTokenForUri { uri } if uri == "urn:uuid:ctx"),
            "{errors:?}"
        );
        assert!(
            matches!(&errors[3], ResolveError::NoMatchingCertificate { .. }),
            "{errors:?}"
        );
        assert!(
            matches!(&errors[4], ResolveError::NamesNoToken { line: Some(1) }),
            "{errors:?}"
        );
        assert_eq!(errors[0].to_string(), "no token has the id \"nowhere\"");
        assert_eq!(
            errors[1].to_string(),
            "#B points at s:Body, which is not a token wskex can take a key from"
        );
    }
}
