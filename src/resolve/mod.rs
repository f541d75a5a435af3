//! Finding keys for plain XML-DSig and XML-Enc from `ds:KeyInfo` and the keys the user
//! supplied: KeyName, KeyValue, X509Data, RetrievalMethod, embedded or detached EncryptedKey.
//!
//! Keys are matched by what the message says (thumbprint, subject key identifier, issuer and
//! serial, name), never by trying every key in turn: PKCS#1 v1.5 with the wrong private key
//! can "succeed" with garbage. Every result says which key was used and why. WS-Security
//! SecurityTokenReferences are resolved by the `wss` layer on top of this one.

mod candidates;

use std::cell::RefCell;

use candidates::Candidate;

use openssl::bn::BigNum;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;

use crate::crypto::chain::ChainReport;
use crate::crypto::key_transport::KeyTransport;
use crate::crypto::{
    BlockCipherAlgorithm, Certificate, KeySelector, KeyStore, KeyTransportAlgorithm,
    KeyWrapAlgorithm, OsRandom, RandomSource, SecretBytes, SignatureAlgorithm, SymmetricPurpose,
    digest, key_wrap,
};
use crate::dsig::key_info::{KeyInfoItem, read_key_info};
use crate::dsig::{
    KeyOrigin, OwnedVerifyingKey, ResolvedKey, SignatureElement, SignatureKeyResolver,
};
use crate::ns;
use crate::xenc::model::{Cipher, EncryptedKey, TYPE_ENCRYPTED_KEY};
use crate::xenc::{DataKey, DataKeyResolver, EncryptedData};
use crate::xml::{Document, IdIndex, IdLookup, Node};

/// Nesting limit for keys wrapped in keys (an EncryptedKey whose KeyInfo is another one).
const MAX_KEY_DEPTH: usize = 4;

/// Selectors a KeyInfo offers, in the order the message gives them.
pub fn selectors_of(items: &[KeyInfoItem<'_>]) -> Vec<KeySelector> {
    let mut selectors = Vec::new();
    for item in items {
        match item {
            KeyInfoItem::KeyName(name) => selectors.push(KeySelector::KeyName(name.clone())),
            KeyInfoItem::RsaKeyValue { modulus, exponent } => {
                selectors.push(KeySelector::RsaKeyValue {
                    modulus: modulus.clone(),
                    exponent: exponent.clone(),
                })
            }
            KeyInfoItem::X509Data(data) => {
                // The signer is the leaf: a CA certificate sent beside it names no key.
                if !data.certificates.is_empty() {
                    let leaf = crate::crypto::chain::leaf_index_der(&data.certificates);
                    selectors.push(KeySelector::Certificate(data.certificates[leaf].clone()));
                }
                if let Some((issuer, serial)) = &data.issuer_serial {
                    selectors.push(KeySelector::IssuerSerial {
                        issuer: issuer.clone(),
                        serial: serial.clone(),
                    });
                }
                if let Some(ski) = &data.subject_key_identifier {
                    selectors.push(KeySelector::SubjectKeyIdentifier(ski.clone()));
                }
            }
            _ => {}
        }
    }
    selectors
}

/// Resolves keys from KeyInfo with a [`KeyStore`]; implements both the signature and the
/// encryption resolver traits.
pub struct StandardResolver<'d, 's> {
    pub doc: &'d Document,
    pub ids: &'s IdIndex,
    pub store: &'s KeyStore,
    rng: RefCell<Box<dyn RandomSource>>,
}

impl<'d, 's> StandardResolver<'d, 's> {
    pub fn new(doc: &'d Document, ids: &'s IdIndex, store: &'s KeyStore) -> Self {
        StandardResolver {
            doc,
            ids,
            store,
            rng: RefCell::new(Box::new(OsRandom)),
        }
    }

    /// The element a same-document URI (`#id`) names.
    fn by_uri(&self, uri: &str) -> Result<Node<'d>, String> {
        let id = uri.strip_prefix('#').ok_or_else(|| {
            format!("RetrievalMethod URI {uri:?} is not a same-document reference")
        })?;
        match self.ids.lookup(id) {
            IdLookup::Unique(n) => Ok(self.doc.node(n)),
            IdLookup::Missing => Err(format!("no element has the id {id:?}")),
            IdLookup::Duplicate(nodes) => Err(format!(
                "the id {id:?} is carried by {} elements: refusing to choose",
                nodes.len()
            )),
        }
    }

    /// Opens an EncryptedKey with the supplied private keys or key-encryption keys.
    /// `expected_len` is the key length the consumer needs, when known.
    pub fn unwrap_encrypted_key(
        &self,
        ek: &EncryptedKey<'_>,
        expected_len: Option<usize>,
        depth: usize,
    ) -> Result<DataKey, String> {
        self.unwrap_encrypted_key_with(ek, None, expected_len, depth)
    }

    /// [`unwrap_encrypted_key`] with the private key selectors given by the caller (the
    /// WS-Security layer, which follows the SecurityTokenReference in the EncryptedKey's
    /// KeyInfo) instead of those plain KeyInfo offers.
    ///
    /// [`unwrap_encrypted_key`]: StandardResolver::unwrap_encrypted_key
    pub fn unwrap_encrypted_key_with(
        &self,
        ek: &EncryptedKey<'_>,
        given_selectors: Option<Vec<KeySelector>>,
        expected_len: Option<usize>,
        depth: usize,
    ) -> Result<DataKey, String> {
        if depth > MAX_KEY_DEPTH {
            return Err("keys wrapped in keys nest too deeply".into());
        }
        let label = format!(
            "EncryptedKey{} (line {})",
            ek.id.map(|id| format!(" {id}")).unwrap_or_default(),
            ek.element.position().line
        );
        let method = ek
            .method_uri
            .ok_or_else(|| format!("{label} has no EncryptionMethod"))?;
        let ciphertext = match &ek.cipher {
            Cipher::Value(bytes) => bytes.clone(),
            Cipher::Unreadable(why) => return Err(format!("{label}: {why}")),
            Cipher::XopInclude { href } => {
                return Err(format!("{label}: CipherValue is an MTOM attachment {href}"));
            }
            Cipher::Reference { uri } => {
                return Err(format!("{label}: CipherReference {uri:?} is not fetched"));
            }
        };
        let items = ek.key_info.map(read_key_info).unwrap_or_default();
        if let Ok(transport) = KeyTransportAlgorithm::from_uri(method) {
            let transport = KeyTransport::from_parts(
                transport,
                ek.oaep.digest_uri.as_deref(),
                ek.oaep.mgf_uri.as_deref(),
                ek.oaep.label.as_deref(),
            )
            .map_err(|e| format!("{label}: {e}"))?;
            let from_caller = given_selectors.is_some();
            let selectors = given_selectors.unwrap_or_else(|| selectors_of(&items));
            if selectors.is_empty() && !from_caller && names_token_reference(&items) {
                // Never fall back to "the only key supplied" when the message does name a key:
                // PKCS#1 v1.5 with the wrong key can yield a plausible garbage key.
                return Err(format!(
                    "{label}: its KeyInfo is a wsse:SecurityTokenReference, which plain XML Encryption cannot follow (wskex inspect does)"
                ));
            }
            let found = self
                .private_key_for(&selectors)
                .map_err(|e| format!("{label}: {e}"))?;
            let key = transport
                .decrypt(
                    found.key.key.pkey(),
                    &ciphertext,
                    expected_len,
                    &mut **self.rng.borrow_mut(),
                )
                .map_err(|e| match found.assumed {
                    true => format!("{label}: {e}; {}", found.reason),
                    false => format!("{label}: {e}"),
                })?;
            return Ok(DataKey {
                key,
                name: ek
                    .id
                    .map(str::to_string)
                    .unwrap_or_else(|| "EncryptedKey".into()),
                chain: vec![format!(
                    "{label} ({}) opened with {}",
                    transport.algorithm().name(),
                    found.reason
                )],
                key_transport: Some(method.to_string()),
                opened_with: found.key.describe(),
                assumed: found.assumed,
            });
        }
        let wrap = KeyWrapAlgorithm::from_uri(method).map_err(|e| format!("{label}: {e}"))?;
        let (kek, mut chain) = self.symmetric_from_items(
            &items,
            wrap.kek_len(),
            SymmetricPurpose::Encryption,
            depth + 1,
        )?;
        let key = key_wrap::unwrap(wrap, kek.expose(), &ciphertext)
            .map_err(|e| format!("{label}: {e}"))?;
        let opened_with = format!(
            "key-encryption key ({})",
            chain.last().cloned().unwrap_or_default()
        );
        chain.push(format!("{label} ({}) unwrapped", wrap.name()));
        Ok(DataKey {
            key,
            name: ek
                .id
                .map(str::to_string)
                .unwrap_or_else(|| "EncryptedKey".into()),
            chain,
            key_transport: Some(method.to_string()),
            opened_with,
            assumed: false,
        })
    }

    /// A symmetric key from KeyInfo items: an embedded or retrieved EncryptedKey, a KeyName
    /// (a supplied secret, or a detached EncryptedKey carrying that name), or the default.
    fn symmetric_from_items(
        &self,
        items: &[KeyInfoItem<'_>],
        expected_len: usize,
        purpose: SymmetricPurpose,
        depth: usize,
    ) -> Result<(SecretBytes, Vec<String>), String> {
        let expected = (expected_len > 0).then_some(expected_len);
        let offered: Vec<Candidate<'_>> = items
            .iter()
            .filter_map(|item| match item {
                KeyInfoItem::EncryptedKey(node) => Some(Candidate {
                    offered: None,
                    key: Ok(EncryptedKey::read(*node)),
                }),
                KeyInfoItem::RetrievalMethod { uri, type_uri } => Some(Candidate {
                    offered: Some(format!("RetrievalMethod {uri}")),
                    key: self.retrieved_encrypted_key(uri, type_uri.as_deref()),
                }),
                _ => None,
            })
            .collect();
        if let Some(opened) = self.open_candidate(offered, expected, depth) {
            return opened;
        }
        let selectors = selectors_of(items);
        if selectors.is_empty() && names_token_reference(items) {
            return Err(
                "the KeyInfo is a wsse:SecurityTokenReference, which plain XML Encryption cannot follow (wskex inspect does)".into()
            );
        }
        let names: Vec<&str> = selectors
            .iter()
            .filter_map(|s| {
                if let KeySelector::KeyName(n) = s {
                    Some(n.as_str())
                } else {
                    None
                }
            })
            .collect();
        let named_secret_supplied = names.iter().any(|n| {
            self.store
                .named_secrets()
                .iter()
                .any(|k| k.name.as_deref() == Some(n.trim()))
        });
        if !named_secret_supplied {
            // Detached EncryptedKeys that carry the name (XML Encryption CarriedKeyName).
            for name in &names {
                let carried: Vec<Candidate<'_>> = self
                    .detached_keys()
                    .filter(|ek| ek.carried_key_name.as_deref() == Some(name.trim()))
                    .map(|ek| Candidate {
                        offered: Some(format!(
                            "key name \"{name}\" is carried by a detached EncryptedKey"
                        )),
                        key: Ok(ek),
                    })
                    .collect();
                if let Some(opened) = self.open_candidate(carried, expected, depth) {
                    return opened;
                }
            }
        }
        let found = self
            .store
            .find_symmetric(&selectors, purpose)
            .map_err(|e| e.to_string())?;
        Ok((found.key.secret.clone(), vec![found.reason]))
    }

    /// The EncryptedKey a RetrievalMethod points at.
    fn retrieved_encrypted_key(
        &self,
        uri: &str,
        type_uri: Option<&str>,
    ) -> Result<EncryptedKey<'d>, String> {
        if type_uri.is_some_and(|t| t != TYPE_ENCRYPTED_KEY) {
            return Err(format!(
                "RetrievalMethod of type {} is not supported",
                type_uri.unwrap_or("")
            ));
        }
        let node = self.by_uri(uri)?;
        if !node.has_name(ns::XENC, "EncryptedKey") {
            return Err(format!(
                "RetrievalMethod {uri} points at {}, not an EncryptedKey",
                node.qname()
            ));
        }
        Ok(EncryptedKey::read(node))
    }

    /// The private key `selectors` name. When it would be assumed or none is found, the
    /// certificates the message carries are consulted too: a key the message names by one of
    /// them is never replaced by another.
    fn private_key_for(
        &self,
        selectors: &[KeySelector],
    ) -> Result<
        crate::crypto::KeyMatch<&'s crate::crypto::key_store::PrivateKeyEntry>,
        crate::crypto::CryptoError,
    > {
        let found = self.store.find_private_key(selectors);
        if matches!(&found, Ok(m) if !m.assumed) {
            return found;
        }
        let carried = self.carried_certificates();
        if carried.is_empty() {
            return found;
        }
        self.store.find_private_key_among(selectors, &carried)
    }

    /// The X.509 certificates the message carries (BinarySecurityTokens, X509Certificate).
    fn carried_certificates(&self) -> Vec<Certificate> {
        let tokens = self
            .doc
            .elements_named(ns::WSSE, "BinarySecurityToken")
            .filter(|n| {
                n.attribute("ValueType")
                    .is_some_and(|v| v.ends_with("#X509v3"))
            });
        let mut nodes: Vec<Node<'d>> = self
            .doc
            .elements_named(ns::DS, "X509Certificate")
            .chain(tokens)
            .collect();
        nodes.sort_by_key(|n| n.id());
        nodes
            .into_iter()
            .filter_map(|n| crate::xml::base64::decode(&n.text_content()).ok())
            .filter_map(|der| Certificate::from_der(&der, "certificate in the message").ok())
            .collect()
    }

    fn detached_keys(&self) -> impl Iterator<Item = EncryptedKey<'d>> + '_ {
        self.doc
            .elements_named(ns::XENC, "EncryptedKey")
            .map(EncryptedKey::read)
    }

    /// RSA public key from the message itself: an embedded certificate (the leaf, when
    /// several are sent; its chain judged against the trust anchors) or an RSAKeyValue.
    fn key_from_message(&self, items: &[KeyInfoItem<'_>]) -> Option<Result<MessageKey, String>> {
        for item in items {
            match item {
                KeyInfoItem::X509Data(data) if !data.certificates.is_empty() => {
                    return Some(self.certificate_key(&data.certificates));
                }
                KeyInfoItem::RsaKeyValue { modulus, exponent } => {
                    let key = BigNum::from_slice(modulus)
                        .and_then(|n| Ok((n, BigNum::from_slice(exponent)?)))
                        .and_then(|(n, e)| Rsa::from_public_components(n, e))
                        .and_then(PKey::from_rsa)
                        .map(|k| MessageKey {
                            key: OwnedVerifyingKey::RsaPublic(k),
                            what: "the RSAKeyValue in the message".to_string(),
                            chain: None,
                        })
                        .map_err(|e| format!("RSAKeyValue: {e}"));
                    return Some(key);
                }
                _ => {}
            }
        }
        None
    }
}

/// A key the message carries, what it is in words, and its certificate chain when anchors
/// were named.
struct MessageKey {
    key: OwnedVerifyingKey,
    what: String,
    chain: Option<ChainReport>,
}

impl StandardResolver<'_, '_> {
    /// The leaf of the certificates one X509Data carries, with the others (and the supplied
    /// certificates) as intermediates for its chain.
    fn certificate_key(&self, ders: &[Vec<u8>]) -> Result<MessageKey, String> {
        let leaf_at = crate::crypto::chain::leaf_index_der(ders);
        let leaf = Certificate::from_der(&ders[leaf_at], "X509Certificate in KeyInfo")
            .map_err(|e| e.to_string())?;
        let mut others: Vec<Certificate> = ders
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != leaf_at)
            .filter_map(|(_, der)| Certificate::from_der(der, "X509Certificate in KeyInfo").ok())
            .collect();
        others.extend(self.store.certificates().iter().cloned());
        let key = leaf.public_key().map_err(|e| e.to_string())?;
        Ok(MessageKey {
            key: OwnedVerifyingKey::RsaPublic(key),
            what: format!("the X509Certificate in the message ({})", leaf.subject()),
            chain: self.store.trust().validate(&leaf, &others),
        })
    }
}

impl SignatureKeyResolver for StandardResolver<'_, '_> {
    fn resolve(
        &self,
        signature: &SignatureElement<'_>,
        algorithm: SignatureAlgorithm,
    ) -> Result<ResolvedKey, String> {
        let items = signature.key_info.map(read_key_info).unwrap_or_default();
        match algorithm {
            SignatureAlgorithm::Hmac(_) => {
                let wrapped = items.iter().any(|i| {
                    matches!(
                        i,
                        KeyInfoItem::EncryptedKey(_) | KeyInfoItem::RetrievalMethod { .. }
                    )
                });
                let (key, chain) =
                    self.symmetric_from_items(&items, 0, SymmetricPurpose::Hmac, 0)?;
                Ok(ResolvedKey {
                    key: OwnedVerifyingKey::Hmac(key),
                    origin: if wrapped {
                        KeyOrigin::Unwrapped
                    } else {
                        KeyOrigin::Supplied
                    },
                    // The KeyName, when the secret was chosen by one: what the user called it.
                    name: if wrapped {
                        "EncryptedKey".into()
                    } else {
                        items
                            .iter()
                            .find_map(|i| match i {
                                KeyInfoItem::KeyName(n) => Some(n.clone()),
                                _ => None,
                            })
                            .unwrap_or_else(|| "HMAC secret".into())
                    },
                    description: chain.join("; "),
                    chain: None,
                })
            }
            SignatureAlgorithm::Rsa(_) => {
                let selectors = selectors_of(&items);
                if items
                    .iter()
                    .any(|i| matches!(i, KeyInfoItem::SecurityTokenReference(_)))
                    && selectors.is_empty()
                {
                    // Plain XML-DSig cannot follow a WS-Security token reference; with exactly
                    // one key supplied, that key is the answer, and the reason says so.
                    return self
                        .store
                        .find_public_key(&[])
                        .and_then(|m| Ok((m.key.public_key()?, signer_name(&m.key), m.reason)))
                        .map(|(key, name, reason)| ResolvedKey {
                            key: OwnedVerifyingKey::RsaPublic(key),
                            origin: KeyOrigin::Supplied,
                            name,
                            description: format!("{reason} (the KeyInfo is a wsse:SecurityTokenReference; wskex inspect follows it)"),
                            chain: None,
                        })
                        .map_err(|e| format!("{e}; the KeyInfo is a wsse:SecurityTokenReference (wskex inspect follows it)"));
                }
                match self.store.find_public_key(&selectors) {
                    Ok(found) => Ok(ResolvedKey {
                        key: OwnedVerifyingKey::RsaPublic(
                            found.key.public_key().map_err(|e| e.to_string())?,
                        ),
                        origin: KeyOrigin::Supplied,
                        name: signer_name(&found.key),
                        description: found.reason,
                        chain: None,
                    }),
                    Err(lookup) => match self.key_from_message(&items) {
                        Some(Ok(found)) => Ok(ResolvedKey {
                            key: found.key,
                            origin: KeyOrigin::Message,
                            name: "key in the message".into(),
                            description: match &found.chain {
                                Some(chain) if chain.trusted => {
                                    format!("{}; its chain reaches a trust anchor", found.what)
                                }
                                _ => format!(
                                    "{}; no supplied key matches it, so a valid signature proves integrity, not identity",
                                    found.what
                                ),
                            },
                            chain: found.chain,
                        }),
                        Some(Err(e)) => Err(e),
                        None => Err(lookup.to_string()),
                    },
                }
            }
        }
    }
}

impl DataKeyResolver for StandardResolver<'_, '_> {
    fn data_key(
        &self,
        data: &EncryptedData<'_>,
        algorithm: BlockCipherAlgorithm,
    ) -> Result<DataKey, String> {
        let items = data.key_info.map(read_key_info).unwrap_or_default();
        if items.is_empty() {
            // A detached EncryptedKey whose ReferenceList names this EncryptedData.
            if let Some(id) = data.id {
                let wanted = format!("#{id}");
                if let Some(ek) = self
                    .detached_keys()
                    .find(|ek| ek.data_references.iter().any(|r| r == &wanted))
                {
                    let mut key = self.unwrap_encrypted_key(&ek, Some(algorithm.key_len()), 0)?;
                    key.chain.insert(
                        0,
                        format!("the ReferenceList of a detached EncryptedKey names {wanted}"),
                    );
                    return Ok(key);
                }
            }
        }
        let (key, chain) = self.symmetric_from_items(
            &items,
            algorithm.key_len(),
            SymmetricPurpose::Encryption,
            0,
        )?;
        let key_transport = items.iter().find_map(|i| match i {
            KeyInfoItem::EncryptedKey(node) => {
                EncryptedKey::read(*node).method_uri.map(str::to_string)
            }
            _ => None,
        });
        Ok(DataKey {
            key,
            name: chain.first().cloned().unwrap_or_default(),
            opened_with: chain.first().cloned().unwrap_or_default(),
            chain,
            key_transport,
            assumed: false,
        })
    }
}

/// How a verification key is named in reports: its certificate's subject (who signed), else
/// the file it came from.
fn signer_name(source: &crate::crypto::key_store::PublicKeySource<'_>) -> String {
    source
        .certificate()
        .map_or_else(|| source.label(), |c| c.subject())
}

/// True when the KeyInfo designates its key with a WS-Security token reference.
fn names_token_reference(items: &[KeyInfoItem<'_>]) -> bool {
    items
        .iter()
        .any(|i| matches!(i, KeyInfoItem::SecurityTokenReference(_)))
}

/// SHA-1 of an EncryptedKey's CipherValue octets: the EncryptedKeySHA1 a reply refers to it by.
pub fn encrypted_key_sha1(ek: &EncryptedKey<'_>) -> Option<Vec<u8>> {
    match &ek.cipher {
        Cipher::Value(bytes) => digest::digest(crate::crypto::DigestAlgorithm::Sha1, bytes).ok(),
        _ => None,
    }
}
