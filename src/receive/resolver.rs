//! Following SecurityTokenReferences to keys, for the signatures and encrypted parts of one
//! message: tokens of this message by id, security context tokens by Identifier, encrypted
//! keys by their SHA-1, certificates by thumbprint, subject key identifier or issuer/serial
//! (in a BinarySecurityToken of the message, or among the supplied keys), SAML assertions by
//! id. Everything else falls back to plain XML-DSig / XML-Enc KeyInfo resolution.

use crate::crypto::chain::ChainReport;
use crate::crypto::{BlockCipherAlgorithm, Certificate, KeySelector, KeyStore, SignatureAlgorithm};
use crate::dsig::key_info::{KeyInfoItem, read_key_info};
use crate::dsig::{
    KeyOrigin, OwnedVerifyingKey, ResolvedKey, SignatureElement, SignatureKeyResolver,
    StrDereference, StrTarget,
};
use crate::ns;
use crate::resolve::StandardResolver;
use crate::xenc::{DataKey, DataKeyResolver, EncryptedData};
use crate::xml::{Document, IdIndex, IdLookup, Node, base64};

use super::keys::{KeyId, Provenance};
use super::resolve_error::ResolveError;
use super::store::TokenStore;
use crate::wss::str_ref::{KeyIdentifierKind, SecurityTokenReference, StrForm};
use crate::wss::uris;

/// The MIME parts of an MTOM message, for `xop:Include` references.
pub trait Attachments {
    /// The bytes of the part an `href` (`cid:...`) names, when it is there.
    fn attachment(&self, href: &str) -> Option<Vec<u8>>;
}

/// A message without attachments.
pub struct NoAttachments;

impl Attachments for NoAttachments {
    fn attachment(&self, _href: &str) -> Option<Vec<u8>> {
        None
    }
}

/// What a token of this message stands for.
#[derive(Debug, Clone)]
pub enum TokenValue {
    /// An X.509 certificate (a BinarySecurityToken, a SAML holder-of-key certificate).
    Certificate(Certificate),
    /// A symmetric key in the keyring (EncryptedKey, SCT, DerivedKeyToken, SAML proof key).
    Key(KeyId),
    /// The token is there but its key could not be established, and why.
    Unresolved(String),
    /// A token that carries no key (Timestamp, UsernameToken, SignatureConfirmation).
    NoKey,
}

/// A token met in the message being processed.
#[derive(Debug, Clone)]
pub struct MessageToken {
    pub kind: String,
    pub id: Option<String>,
    /// SAML assertion id or SCT Identifier: other names the token answers to.
    pub alias: Option<String>,
    pub line: u32,
    pub value: TokenValue,
    pub detail: String,
    /// Certificates that travel inside the token beside its own (the CA certificates of an
    /// X509PKIPathv1 token): untrusted intermediates when the token's chain is validated.
    pub issuers: Vec<Certificate>,
}

/// The result of following an STR.
pub enum Resolved {
    Key {
        id: KeyId,
        how: String,
    },
    Certificate {
        certificate: Certificate,
        origin: KeyOrigin,
        how: String,
    },
}

/// Resolution for one message, over a snapshot of the receiver's memory.
pub struct WssResolver<'a, 'd> {
    pub doc: &'d Document,
    pub ids: &'a IdIndex,
    pub keys: &'a KeyStore,
    pub store: &'a TokenStore,
    pub tokens: &'a [MessageToken],
    pub standard: StandardResolver<'d, 'a>,
    pub attachments: &'a dyn Attachments,
}

impl<'a, 'd> WssResolver<'a, 'd> {
    pub fn new(
        doc: &'d Document,
        ids: &'a IdIndex,
        keys: &'a KeyStore,
        store: &'a TokenStore,
        tokens: &'a [MessageToken],
        attachments: &'a dyn Attachments,
    ) -> Self {
        WssResolver {
            doc,
            ids,
            keys,
            store,
            tokens,
            standard: StandardResolver::new(doc, ids, keys),
            attachments,
        }
    }

    /// The token answering to `id`; none when the id is carried by several elements (an
    /// attacker's second token must not win by its place in the message).
    fn token_by_id(&self, id: &str) -> Option<&MessageToken> {
        if self.duplicate_id(id).is_some() {
            return None;
        }
        self.tokens
            .iter()
            .rev()
            .find(|t| t.id.as_deref() == Some(id) || t.alias.as_deref() == Some(id))
    }

    /// The refusal for an id that several elements (or several tokens) carry.
    fn duplicate_id(&self, id: &str) -> Option<ResolveError> {
        let carriers = match self.ids.lookup(id) {
            IdLookup::Duplicate(nodes) => nodes.len(),
            _ => self
                .tokens
                .iter()
                .filter(|t| t.id.as_deref() == Some(id))
                .count(),
        };
        (carriers > 1).then(|| ResolveError::DuplicateId {
            id: id.to_string(),
            carriers,
        })
    }

    fn key_of_token(&self, token: &MessageToken, how: String) -> Result<Resolved, ResolveError> {
        match &token.value {
            TokenValue::Key(id) => Ok(Resolved::Key { id: *id, how }),
            TokenValue::Certificate(c) => Ok(self.certificate_from_message(c, how)),
            TokenValue::Unresolved(why) => Err(ResolveError::KeyUnknown {
                token: how,
                why: why.clone(),
            }),
            TokenValue::NoKey => Err(ResolveError::CarriesNoKey { token: how }),
        }
    }

    /// A certificate carried by the message: an identity only when the user supplied it too.
    fn certificate_from_message(&self, c: &Certificate, how: String) -> Resolved {
        let supplied = c
            .to_der()
            .ok()
            .and_then(|der| {
                self.keys
                    .find_public_key(&[KeySelector::Certificate(der)])
                    .ok()
            })
            .map(|m| m.key.label());
        match supplied {
            Some(label) => Resolved::Certificate {
                certificate: c.clone(),
                origin: KeyOrigin::Supplied,
                how: format!("{how}, the same certificate as supplied {label}"),
            },
            None => Resolved::Certificate {
                certificate: c.clone(),
                origin: KeyOrigin::Message,
                how,
            },
        }
    }

    /// The chain of a certificate the message carries, through the other certificates it
    /// carries and those supplied; `None` without trust anchors.
    fn chain_of(&self, certificate: &Certificate) -> Option<ChainReport> {
        let own = certificate.to_der().ok();
        let others: Vec<Certificate> = self
            .tokens
            .iter()
            .filter_map(|t| match &t.value {
                TokenValue::Certificate(c) if c.to_der().ok() != own => Some(c.clone()),
                _ => None,
            })
            .chain(self.tokens.iter().flat_map(|t| t.issuers.iter().cloned()))
            .chain(self.keys.certificates().iter().cloned())
            .collect();
        self.keys.trust().validate(certificate, &others)
    }

    /// Follows an STR to a key or a certificate.
    pub fn resolve_str(&self, str: &SecurityTokenReference<'_>) -> Result<Resolved, ResolveError> {
        let form = str.form.as_ref().ok_or(ResolveError::NamesNoToken {
            line: Some(str.node.position().line),
        })?;
        match form {
            StrForm::Reference(r) => {
                if let Some(id) = r.local_id() {
                    if let Some(refusal) = self.duplicate_id(id) {
                        return Err(refusal);
                    }
                    if let Some(token) = self.token_by_id(id) {
                        return self
                            .key_of_token(token, format!("{} {id} (Reference)", token.kind));
                    }
                    if let Some(sct) = self.store.sct(None, Some(id)) {
                        return match sct.key {
                            Some(key) => Ok(Resolved::Key {
                                id: key,
                                how: format!(
                                    "SecurityContextToken {id} from message {}",
                                    sct.message + 1
                                ),
                            }),
                            None => Err(ResolveError::ContextKeyUnknown {
                                reference: id.to_string(),
                            }),
                        };
                    }
                    return match self.ids.lookup(id) {
                        IdLookup::Duplicate(n) => Err(ResolveError::DuplicateId {
                            id: id.to_string(),
                            carriers: n.len(),
                        }),
                        IdLookup::Unique(n) => Err(ResolveError::NotAToken {
                            id: id.to_string(),
                            element: self.doc.node(n).qname().to_string(),
                        }),
                        IdLookup::Missing => Err(ResolveError::NoSuchId { id: id.to_string() }),
                    };
                }
                let uri = r.uri.as_str();
                match self.store.sct(Some(uri), None) {
                    Some(sct) => match sct.key {
                        Some(key) => Ok(Resolved::Key {
                            id: key,
                            how: format!("SecurityContextToken {uri} (by Identifier)"),
                        }),
                        None => Err(ResolveError::ContextKeyUnknown {
                            reference: uri.to_string(),
                        }),
                    },
                    None => match self.token_by_id(uri) {
                        Some(token) => self.key_of_token(token, format!("{} {uri}", token.kind)),
                        None => Err(ResolveError::NoTokenForUri {
                            uri: uri.to_string(),
                        }),
                    },
                }
            }
            StrForm::KeyIdentifier(k) => match k.kind {
                KeyIdentifierKind::EncryptedKeySha1 => {
                    let value = k.value.as_deref().ok_or(ResolveError::Incomplete {
                        what: "EncryptedKeySHA1 KeyIdentifier without a value",
                    })?;
                    match self.store.encrypted_key_by_sha1(value) {
                        Some(e) => Ok(Resolved::Key {
                            id: e.key,
                            how: format!(
                                "EncryptedKeySHA1 {} = EncryptedKey of message {}",
                                base64::encode(value),
                                e.message + 1
                            ),
                        }),
                        None => Err(ResolveError::NoEncryptedKeyWithSha1 {
                            sha1: base64::encode(value),
                        }),
                    }
                }
                KeyIdentifierKind::SamlAssertionId | KeyIdentifierKind::SamlId => {
                    let id = k.text.trim();
                    match self.token_by_id(id) {
                        Some(token) => self.key_of_token(token, format!("SAML assertion {id}")),
                        None => Err(ResolveError::NoSamlAssertion { id: id.to_string() }),
                    }
                }
                _ => self.certificate_for(&self.selectors(str)?),
            },
            StrForm::X509IssuerSerial(_) => self.certificate_for(&self.selectors(str)?),
            StrForm::Embedded(e) => {
                let token = e.token.ok_or(ResolveError::Incomplete {
                    what: "an Embedded reference without a token",
                })?;
                if token.has_name(ns::WSSE, "BinarySecurityToken") {
                    let unreadable = |problem: String| ResolveError::UnreadableEmbedded { problem };
                    let der = base64::decode(&token.text_content())
                        .map_err(|e| unreadable(e.to_string()))?;
                    let certificate = Certificate::from_der(&der, "embedded BinarySecurityToken")
                        .map_err(|e| unreadable(e.to_string()))?;
                    return Ok(self.certificate_from_message(
                        &certificate,
                        "embedded BinarySecurityToken".into(),
                    ));
                }
                match token
                    .attribute_ns(ns::WSU, "Id")
                    .or(token.attribute("ID"))
                    .or(token.attribute("AssertionID"))
                    .and_then(|id| self.token_by_id(id))
                {
                    Some(t) => self.key_of_token(t, format!("embedded {}", t.kind)),
                    None => Err(ResolveError::EmbeddedNotAToken {
                        element: token.qname().to_string(),
                    }),
                }
            }
        }
    }

    /// The private or public key selectors an STR offers (for certificates).
    pub fn selectors(
        &self,
        str: &SecurityTokenReference<'_>,
    ) -> Result<Vec<KeySelector>, ResolveError> {
        let form = str
            .form
            .as_ref()
            .ok_or(ResolveError::NamesNoToken { line: None })?;
        Ok(match form {
            StrForm::Reference(r) => match r.local_id().and_then(|id| {
                self.duplicate_id(id)
                    .map_or(Ok(self.token_by_id(id)), Err)
                    .transpose()
            }) {
                Some(Err(refusal)) => return Err(refusal),
                Some(Ok(MessageToken {
                    value: TokenValue::Certificate(c),
                    ..
                })) => {
                    vec![KeySelector::Certificate(c.to_der().map_err(|e| {
                        ResolveError::UnreadableEmbedded {
                            problem: e.to_string(),
                        }
                    })?)]
                }
                Some(Ok(t)) => {
                    return Err(ResolveError::NotACertificate {
                        token: format!("{} {}", t.kind, t.id.as_deref().unwrap_or("")),
                    });
                }
                None => {
                    return Err(ResolveError::NoTokenForUri { uri: r.uri.clone() });
                }
            },
            StrForm::KeyIdentifier(k) => {
                let value = k.value.clone().ok_or(ResolveError::Incomplete {
                    what: "KeyIdentifier without a value",
                })?;
                match k.kind {
                    KeyIdentifierKind::ThumbprintSha1 => vec![KeySelector::ThumbprintSha1(value)],
                    KeyIdentifierKind::X509SubjectKeyIdentifier => {
                        vec![KeySelector::SubjectKeyIdentifier(value)]
                    }
                    _ => {
                        return Err(ResolveError::UnsupportedForm {
                            form: format!("{:?}", k.kind),
                        });
                    }
                }
            }
            StrForm::X509IssuerSerial(is) => match (&is.issuer, &is.serial) {
                (Some(issuer), Some(serial)) => vec![KeySelector::IssuerSerial {
                    issuer: issuer.clone(),
                    serial: serial.clone(),
                }],
                _ => {
                    return Err(ResolveError::Incomplete {
                        what: "X509IssuerSerial lacks the issuer or the serial",
                    });
                }
            },
            StrForm::Embedded(e) => match e.token {
                Some(t) if t.has_name(ns::WSSE, "BinarySecurityToken") => {
                    vec![KeySelector::Certificate(
                        base64::decode(&t.text_content()).map_err(|e| {
                            ResolveError::UnreadableEmbedded {
                                problem: e.to_string(),
                            }
                        })?,
                    )]
                }
                _ => {
                    return Err(ResolveError::NotACertificate {
                        token: "the embedded token".into(),
                    });
                }
            },
        })
    }

    /// A certificate by selectors: one carried by the message (a BinarySecurityToken), else one
    /// the user supplied.
    fn certificate_for(&self, selectors: &[KeySelector]) -> Result<Resolved, ResolveError> {
        for token in self.tokens.iter().rev() {
            if let TokenValue::Certificate(c) = &token.value
                && selectors.iter().any(|s| certificate_matches(c, s))
            {
                // A supplied certificate that is the same makes it an identity, not just integrity.
                let supplied = self
                    .keys
                    .find_public_key(selectors)
                    .ok()
                    .map(|m| m.key.label());
                let (origin, how) = match supplied {
                    Some(label) => (
                        KeyOrigin::Supplied,
                        format!(
                            "{} in the message, the same as supplied {label}",
                            token.kind
                        ),
                    ),
                    None => (
                        KeyOrigin::Message,
                        format!(
                            "{} {} in the message",
                            token.kind,
                            token.id.as_deref().unwrap_or("")
                        ),
                    ),
                };
                return Ok(Resolved::Certificate {
                    certificate: c.clone(),
                    origin,
                    how,
                });
            }
        }
        let found = self.keys.find_public_key(selectors).map_err(|e| {
            ResolveError::NoMatchingCertificate {
                problem: e.to_string(),
            }
        })?;
        let certificate = match found.key.certificate() {
            Some(c) => c.clone(),
            None => {
                return Err(ResolveError::BarePublicKey {
                    label: found.key.label(),
                });
            }
        };
        Ok(Resolved::Certificate {
            certificate,
            origin: KeyOrigin::Supplied,
            how: found.reason,
        })
    }

    /// The STR inside a KeyInfo, if that is how it names its key.
    fn str_of<'n>(key_info: Option<Node<'n>>) -> Option<SecurityTokenReference<'n>> {
        let key_info = key_info?;
        read_key_info(key_info)
            .into_iter()
            .find_map(|item| match item {
                KeyInfoItem::SecurityTokenReference(n) => Some(SecurityTokenReference::read(n)),
                _ => None,
            })
    }

    fn key_origin(&self, id: KeyId) -> KeyOrigin {
        match self.store.keyring.get(id).provenance {
            Provenance::Supplied { .. } | Provenance::Generated { .. } => KeyOrigin::Supplied,
            Provenance::Unwrapped { .. } => KeyOrigin::Unwrapped,
            Provenance::Derived { .. } => KeyOrigin::Derived,
            Provenance::Computed { .. } => KeyOrigin::Computed,
            Provenance::ProofToken { .. } => KeyOrigin::Issued,
        }
    }

    /// The key of the EncryptedKey of this message whose ReferenceList names `#id`, or why
    /// that EncryptedKey could not be opened (its own failure, not a plain XML Encryption
    /// fallback's).
    fn key_by_reference_list(&self, id: &str) -> Option<Result<(KeyId, String), String>> {
        let wanted = format!("#{id}");
        self.doc
            .elements_named(ns::XENC, "EncryptedKey")
            .find_map(|ek| {
                let listed = ek.child(ns::XENC, "ReferenceList").is_some_and(|l| {
                    l.child_elements()
                        .any(|r| r.attribute("URI") == Some(wanted.as_str()))
                });
                if !listed {
                    return None;
                }
                let ek_id = ek.attribute("Id").or(ek.attribute_ns(ns::WSU, "Id"))?;
                match &self.token_by_id(ek_id)?.value {
                    TokenValue::Key(k) => Some(Ok((
                        *k,
                        format!("the ReferenceList of EncryptedKey {ek_id} names {wanted}"),
                    ))),
                    TokenValue::Unresolved(why) => Some(Err(format!(
                        "EncryptedKey {ek_id}, whose ReferenceList names {wanted}, cannot be opened: {why}"
                    ))),
                    _ => None,
                }
            })
    }
}

pub fn certificate_matches(c: &Certificate, selector: &KeySelector) -> bool {
    match selector {
        KeySelector::ThumbprintSha1(t) => c.thumbprint_sha1().is_ok_and(|v| &v == t),
        KeySelector::SubjectKeyIdentifier(ski) => {
            c.subject_key_identifier().is_ok_and(|(v, _)| &v == ski)
                || c.computed_key_identifier().is_ok_and(|v| &v == ski)
        }
        KeySelector::IssuerSerial { issuer, serial } => {
            c.issuer_matches(issuer) && c.serial_matches(serial)
        }
        KeySelector::Certificate(der) => c.to_der().is_ok_and(|v| &v == der),
        _ => false,
    }
}

impl SignatureKeyResolver for WssResolver<'_, '_> {
    fn resolve(
        &self,
        signature: &SignatureElement<'_>,
        algorithm: SignatureAlgorithm,
    ) -> Result<ResolvedKey, String> {
        let Some(str) = Self::str_of(signature.key_info) else {
            return self.standard.resolve(signature, algorithm);
        };
        match (self.resolve_str(&str)?, algorithm) {
            (Resolved::Key { id, how }, SignatureAlgorithm::Hmac(_)) => {
                let record = self.store.keyring.get(id);
                Ok(ResolvedKey {
                    key: OwnedVerifyingKey::Hmac(record.bytes.clone()),
                    origin: self.key_origin(id),
                    name: record.name.clone(),
                    description: format!("{how}: {}", record.describe()),
                    chain: None,
                })
            }
            (
                Resolved::Certificate {
                    certificate,
                    origin,
                    how,
                },
                SignatureAlgorithm::Rsa(_),
            ) => {
                let chain = (origin == KeyOrigin::Message)
                    .then(|| self.chain_of(&certificate))
                    .flatten();
                let trusted = chain.as_ref().is_some_and(|c| c.trusted);
                Ok(ResolvedKey {
                    key: OwnedVerifyingKey::RsaPublic(
                        certificate.public_key().map_err(|e| e.to_string())?,
                    ),
                    origin,
                    name: certificate.subject(),
                    description: format!(
                        "{how} ({}){}",
                        certificate.subject(),
                        match (origin, trusted) {
                            (KeyOrigin::Message, true) => "; its chain reaches a trust anchor",
                            (KeyOrigin::Message, false) => {
                                "; no supplied certificate matches it, so a valid signature proves integrity, not identity"
                            }
                            _ => "",
                        }
                    ),
                    chain,
                })
            }
            (Resolved::Key { how, .. }, SignatureAlgorithm::Rsa(_)) => {
                Err(format!("an RSA signature names a symmetric key: {how}"))
            }
            (Resolved::Certificate { how, .. }, SignatureAlgorithm::Hmac(_)) => {
                Err(format!("an HMAC signature names a certificate: {how}"))
            }
        }
    }
}

impl DataKeyResolver for WssResolver<'_, '_> {
    fn attachment(&self, href: &str) -> Option<Vec<u8>> {
        self.attachments.attachment(href)
    }

    fn data_key(
        &self,
        data: &EncryptedData<'_>,
        algorithm: BlockCipherAlgorithm,
    ) -> Result<DataKey, String> {
        if let Some(str) = Self::str_of(data.key_info) {
            return match self.resolve_str(&str)? {
                Resolved::Key { id, how } => {
                    let record = self.store.keyring.get(id);
                    Ok(DataKey {
                        key: record.bytes.clone(),
                        name: record.name.clone(),
                        chain: vec![how, record.describe()],
                        key_transport: None,
                        opened_with: record.name.clone(),
                        assumed: false,
                    })
                }
                Resolved::Certificate { how, .. } => Err(format!(
                    "the EncryptedData names a certificate, not a key: {how}"
                )),
            };
        }
        if data.key_info.is_none()
            && let Some(listed) = data.id.and_then(|id| self.key_by_reference_list(id))
        {
            let (id, how) = listed?;
            let record = self.store.keyring.get(id);
            return Ok(DataKey {
                key: record.bytes.clone(),
                name: record.name.clone(),
                chain: vec![how, record.describe()],
                key_transport: None,
                opened_with: record.name.clone(),
                assumed: false,
            });
        }
        self.standard.data_key(data, algorithm)
    }
}

impl StrDereference for WssResolver<'_, '_> {
    fn dereference<'d>(
        &'d self,
        doc: &'d Document,
        str_element: Node<'d>,
    ) -> Result<StrTarget<'d>, String> {
        let str = SecurityTokenReference::read(str_element);
        let form = str
            .form
            .as_ref()
            .ok_or("the SecurityTokenReference names no token")?;
        let by_id = |id: &str| match self.ids.lookup(id) {
            IdLookup::Unique(n) => Ok(StrTarget::InDocument(doc.node(n))),
            other => Err(format!("STR-Transform: the id {id:?} is {other:?}")),
        };
        match form {
            StrForm::Reference(r) => by_id(
                r.local_id()
                    .ok_or("STR-Transform of an external reference")?,
            ),
            StrForm::Embedded(e) => e
                .token
                .map(StrTarget::InDocument)
                .ok_or_else(|| "empty Embedded reference".to_string()),
            StrForm::KeyIdentifier(k)
                if matches!(
                    k.kind,
                    KeyIdentifierKind::SamlAssertionId | KeyIdentifierKind::SamlId
                ) =>
            {
                by_id(k.text.trim())
            }
            _ => {
                // A certificate named by a value: the transform's result is a
                // BinarySecurityToken carrying it (WS-Security 1.1, 8.3).
                let certificate = match self.certificate_for(&self.selectors(&str)?)? {
                    Resolved::Certificate { certificate, .. } => certificate,
                    Resolved::Key { .. } => return Err("STR-Transform of a symmetric key".into()),
                };
                let der = certificate.to_der().map_err(|e| e.to_string())?;
                // As WSS4J builds it: the STR's prefix, a ValueType, the certificate unwrapped.
                let prefix = str_element.prefix().unwrap_or("wsse");
                let text = format!(
                    "<{prefix}:BinarySecurityToken xmlns:{prefix}=\"{}\" ValueType=\"{}\">{}</{prefix}:BinarySecurityToken>",
                    ns::WSSE,
                    uris::X509V3,
                    base64::encode(&der)
                );
                let built =
                    Document::parse_str(&text, "STR-Transform").map_err(|e| e.to_string())?;
                Ok(StrTarget::Built(Box::new(built)))
            }
        }
    }
}
