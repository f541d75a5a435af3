//! The token itself: building and signing it (the delegator), reading it (the target).

use crate::crypto::signature::SigningKey;
use crate::crypto::{Certificate, DigestAlgorithm, SecretBytes, SignatureAlgorithm};
use crate::dsig::{ReferenceSpec, SignatureSpec, TransformSpec, sign};
use crate::ns;
use crate::wss::datetime::UtcDateTime;
use crate::wss::uris;
use crate::xml::c14n::C14nMethod;
use crate::xml::{Document, IdAttributes, Node, base64};

use super::DelegationError;

/// The token's namespace.
pub const DLG: &str = "urn:wskex:delegation:2026";
/// The `wst:TokenType` of a delegation token.
pub const TOKEN_TYPE: &str = "urn:wskex:delegation:2026#DelegationToken";

fn build_error(e: impl std::fmt::Display) -> DelegationError {
    DelegationError::Build(e.to_string())
}

/// One granted right: a name for people and the `wsa:Action` it allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Right {
    pub name: String,
    pub action: String,
}

/// What the delegator puts in a token.
pub struct TokenSpec<'a> {
    pub id: &'a str,
    pub signature_id: &'a str,
    pub delegator: &'a str,
    pub delegate: &'a Certificate,
    pub audience: &'a str,
    pub rights: &'a [Right],
    pub expires: UtcDateTime,
    /// The `xenc:EncryptedKey` carrying the session key for the target.
    pub session_key_xml: &'a str,
    /// The `ds:KeyName` of the delegator–target secret.
    pub secret_name: &'a str,
}

fn rights_xml(rights: &[Right]) -> String {
    rights
        .iter()
        .map(|r| format!("<dlg:Right Action=\"{}\">{}</dlg:Right>", r.action, r.name))
        .collect()
}

/// The token, signed: an enveloped HMAC-SHA256 signature over the whole token with exclusive
/// c14n, so it verifies wherever the token is carried (verbatim) later.
pub fn build(spec: &TokenSpec<'_>, secret: &SecretBytes) -> Result<String, DelegationError> {
    let thumbprint = spec.delegate.thumbprint_sha1().map_err(build_error)?;
    let unsigned = format!(
        "<dlg:DelegationToken xmlns:dlg=\"{DLG}\" xmlns:wsse=\"{wsse}\" Id=\"{id}\">\
         <dlg:Delegator>{delegator}</dlg:Delegator>\
         <dlg:Delegate><wsse:SecurityTokenReference><wsse:KeyIdentifier ValueType=\"{vt}\" EncodingType=\"{enc}\">{thumb}</wsse:KeyIdentifier></wsse:SecurityTokenReference></dlg:Delegate>\
         <dlg:Audience>{audience}</dlg:Audience>\
         <dlg:Rights>{rights}</dlg:Rights>\
         <dlg:Expires>{expires}</dlg:Expires>\
         <dlg:SessionKey>{session}</dlg:SessionKey>\
         </dlg:DelegationToken>",
        wsse = ns::WSSE,
        id = spec.id,
        delegator = spec.delegator,
        vt = uris::THUMBPRINT_SHA1,
        enc = uris::BASE64_BINARY,
        thumb = base64::encode(&thumbprint),
        audience = spec.audience,
        rights = rights_xml(spec.rights),
        expires = spec.expires,
        session = spec.session_key_xml,
    );
    sign_token(
        &unsigned,
        spec.id,
        spec.signature_id,
        spec.secret_name,
        secret,
    )
}

/// Signs a token (or re-signs a changed one, for the walkthrough's dishonest delegate, who
/// can only guess the secret).
pub fn sign_token(
    unsigned: &str,
    id: &str,
    signature_id: &str,
    secret_name: &str,
    secret: &SecretBytes,
) -> Result<String, DelegationError> {
    let doc = Document::parse_str(unsigned, "delegation token").map_err(build_error)?;
    let at = doc
        .root_element()
        .end_tag_span()
        .ok_or_else(|| build_error("the delegation token has no end tag"))?
        .start as usize;
    let spec = SignatureSpec {
        id: Some(signature_id.to_string()),
        c14n: C14nMethod::exclusive(false),
        algorithm: SignatureAlgorithm::Hmac(DigestAlgorithm::Sha256),
        hmac_output_bits: None,
        references: vec![ReferenceSpec {
            uri: format!("#{id}"),
            transforms: vec![
                TransformSpec::EnvelopedSignature,
                TransformSpec::Canonicalize(C14nMethod::exclusive(false)),
            ],
            digest: DigestAlgorithm::Sha256,
        }],
        key_info: Some(format!("<ds:KeyName>{secret_name}</ds:KeyName>")),
    };
    let signed = sign(
        &doc,
        &spec,
        SigningKey::Hmac(secret.expose()),
        at,
        &IdAttributes::default(),
        None,
    )
    .map_err(build_error)?;
    Ok(signed.document.text().to_string())
}

/// A delegation token as read from a received message.
#[derive(Debug, Clone)]
pub struct DelegationToken<'d> {
    pub node: Node<'d>,
    pub id: Option<&'d str>,
    pub delegator: Option<String>,
    /// SHA-1 thumbprint of the delegate's certificate.
    pub delegate_thumbprint: Option<Vec<u8>>,
    pub audience: Option<String>,
    pub rights: Vec<Right>,
    pub expires: Option<UtcDateTime>,
    /// The `xenc:EncryptedKey` inside `dlg:SessionKey`.
    pub session_key: Option<Node<'d>>,
    /// The token's own `ds:Signature`.
    pub signature: Option<Node<'d>>,
}

impl<'d> DelegationToken<'d> {
    /// The first delegation token in the document, if any.
    pub fn find(doc: &'d Document) -> Option<DelegationToken<'d>> {
        doc.descendants()
            .find(|n| n.has_name(DLG, "DelegationToken"))
            .map(DelegationToken::read)
    }

    pub fn read(node: Node<'d>) -> DelegationToken<'d> {
        let text = |local: &str| {
            node.child(DLG, local)
                .map(|n| n.text_content().trim().to_string())
        };
        let delegate_thumbprint = node
            .child(DLG, "Delegate")
            .and_then(|d| d.child(ns::WSSE, "SecurityTokenReference"))
            .and_then(|s| s.child(ns::WSSE, "KeyIdentifier"))
            .filter(|k| k.attribute("ValueType") == Some(uris::THUMBPRINT_SHA1))
            .and_then(|k| base64::decode(k.text_content().trim()).ok());
        let rights = node
            .child(DLG, "Rights")
            .map(|r| {
                r.child_elements()
                    .filter(|e| e.has_name(DLG, "Right"))
                    .map(|e| Right {
                        name: e.text_content().trim().to_string(),
                        action: e.attribute("Action").unwrap_or("").to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let expires = text("Expires")
            .and_then(|t| UtcDateTime::parse(&t).ok())
            .map(|t| t.utc);
        DelegationToken {
            node,
            id: node.attribute("Id"),
            delegator: text("Delegator"),
            delegate_thumbprint,
            audience: text("Audience"),
            rights,
            expires,
            session_key: node
                .child(DLG, "SessionKey")
                .and_then(|s| s.child(ns::XENC, "EncryptedKey")),
            signature: node.child(ns::DS, "Signature"),
        }
    }

    /// The right that allows `action`, if the token grants one.
    pub fn right_for(&self, action: &str) -> Option<&Right> {
        self.rights.iter().find(|r| r.action == action)
    }

    pub fn right_names(&self) -> String {
        let names: Vec<&str> = self.rights.iter().map(|r| r.name.as_str()).collect();
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{Certificate, keys::load_key_bytes};

    /// Alice's demonstration certificate (the delegate), read from the samples.
    fn alice_certificate() -> Certificate {
        let pem = include_str!("../../samples/keys/alice.cert.pem");
        load_key_bytes(pem.as_bytes(), "alice.cert.pem", None)
            .unwrap()
            .certificates
            .remove(0)
    }

    fn token(secret: &SecretBytes) -> String {
        let alice = alice_certificate();
        let spec = TokenSpec {
            id: "DT-1",
            signature_id: "SIG-DT",
            delegator: "urn:wskex:carol",
            delegate: &alice,
            audience: "urn:wskex:bob",
            rights: &[Right {
                name: "submit-purchase-order".into(),
                action: "urn:wskex:example/PurchaseOrder".into(),
            }],
            expires: UtcDateTime {
                unix_seconds: 1_796_119_200,
                nanos: 0,
            },
            session_key_xml: "<xenc:EncryptedKey xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\" Id=\"EK-1\"/>",
            secret_name: "carol-bob-secret",
        };
        build(&spec, secret).unwrap()
    }

    #[test]
    fn a_built_token_reads_back_with_everything_the_target_checks() {
        let text = token(&SecretBytes::new(vec![7; 32]));
        let doc = Document::parse_str(&text, "t").unwrap();
        let t = DelegationToken::find(&doc).unwrap();
        assert_eq!(t.id, Some("DT-1"));
        assert_eq!(t.delegator.as_deref(), Some("urn:wskex:carol"));
        assert_eq!(t.audience.as_deref(), Some("urn:wskex:bob"));
        assert_eq!(
            t.delegate_thumbprint,
            Some(alice_certificate().thumbprint_sha1().unwrap())
        );
        assert_eq!(t.right_names(), "submit-purchase-order");
        assert!(t.right_for("urn:wskex:example/PurchaseOrder").is_some());
        assert!(
            t.right_for("urn:wskex:example/CancelPurchaseOrder")
                .is_none()
        );
        assert_eq!(t.expires.unwrap().unix_seconds, 1_796_119_200);
        assert_eq!(t.session_key.unwrap().attribute("Id"), Some("EK-1"));
        assert!(t.signature.is_some());
    }

    #[test]
    fn the_token_signature_verifies_only_with_the_shared_secret() {
        use crate::crypto::KeyStore;
        use crate::dsig::{SignatureElement, VerifyOptions, verify_signature};
        use crate::resolve::StandardResolver;
        use crate::xml::IdIndex;
        let secret = SecretBytes::new(vec![7; 32]);
        let text = token(&secret);
        for (key, expect) in [(vec![7u8; 32], true), (vec![8u8; 32], false)] {
            let doc = Document::parse_str(&text, "t").unwrap();
            let ids = IdIndex::build(&doc, &IdAttributes::default());
            let mut store = KeyStore::new();
            store.add_named_secret("carol-bob-secret", SecretBytes::new(key), "test");
            let resolver = StandardResolver::new(&doc, &ids, &store);
            let t = DelegationToken::find(&doc).unwrap();
            let parsed = SignatureElement::read(t.signature.unwrap()).unwrap();
            let report = verify_signature(
                &doc,
                &ids,
                &parsed,
                &resolver,
                None,
                &VerifyOptions::default(),
            );
            assert_eq!(report.valid, expect, "{:?}", report.error);
        }
    }
}
