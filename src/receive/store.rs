//! What a receiver remembers across the messages of a conversation: keys, security context
//! tokens, encrypted keys (by id and by their SHA-1, which replies refer to them by),
//! certificates from BinarySecurityTokens, and the entropies of WS-Trust requests.

use crate::crypto::{Certificate, SecretBytes};

use super::keys::{KeyId, KeyRecord, Keyring, Provenance};

/// A security context token seen in some message, and its key when known.
#[derive(Debug, Clone)]
pub struct SctEntry {
    pub wsu_id: Option<String>,
    pub identifier: Option<String>,
    pub key: Option<KeyId>,
    pub message: usize,
}

/// An EncryptedKey that was opened.
#[derive(Debug, Clone)]
pub struct EncryptedKeyEntry {
    pub id: Option<String>,
    /// SHA-1 of the CipherValue octets (the EncryptedKeySHA1 KeyIdentifier).
    pub sha1: Vec<u8>,
    pub key: KeyId,
    pub message: usize,
}

/// A certificate carried by a BinarySecurityToken.
#[derive(Debug, Clone)]
pub struct CertificateEntry {
    pub id: Option<String>,
    pub certificate: Certificate,
    pub message: usize,
}

/// Entropy a requestor sent in an RST (the ComputedKey's secret).
#[derive(Debug, Clone)]
pub struct EntropyEntry {
    pub context: Option<String>,
    pub bytes: SecretBytes,
    pub key_size: Option<u32>,
    pub message: usize,
    /// Where it was, for provenance (`msg 1 RST Entropy`).
    pub location: String,
}

/// A secret the user bound to a token by its wsc:Identifier or wsu:Id (`--key-name`).
#[derive(Debug, Clone)]
pub struct Binding {
    pub name: String,
    pub secret: SecretBytes,
    pub label: String,
}

impl Binding {
    /// The named secrets of `keys` (`--key-name NAME=V`), each bound to the token of that name.
    pub fn all_named(keys: &crate::crypto::KeyStore) -> Vec<Binding> {
        keys.named_secrets()
            .iter()
            .filter_map(|k| {
                Some(Binding {
                    name: k.name.clone()?,
                    secret: k.secret.clone(),
                    label: k.label.clone(),
                })
            })
            .collect()
    }
}

/// The receiver's memory, shared by all messages processed in order.
#[derive(Debug, Clone, Default)]
pub struct TokenStore {
    pub keyring: Keyring,
    pub scts: Vec<SctEntry>,
    pub encrypted_keys: Vec<EncryptedKeyEntry>,
    pub certificates: Vec<CertificateEntry>,
    pub requestor_entropy: Vec<EntropyEntry>,
    pub bindings: Vec<Binding>,
}

impl TokenStore {
    pub fn new(bindings: Vec<Binding>) -> Self {
        TokenStore {
            bindings,
            ..TokenStore::default()
        }
    }

    /// The SCT with this identifier or wsu:Id, latest first.
    pub fn sct(&self, identifier: Option<&str>, wsu_id: Option<&str>) -> Option<&SctEntry> {
        self.scts.iter().rev().find(|s| {
            (identifier.is_some() && s.identifier.as_deref() == identifier)
                || (wsu_id.is_some() && s.wsu_id.as_deref() == wsu_id)
        })
    }

    /// The key of an SCT: from an earlier registration, or a user binding (which is then
    /// recorded as a supplied key).
    pub fn sct_key(
        &mut self,
        identifier: Option<&str>,
        wsu_id: Option<&str>,
        message: usize,
    ) -> Option<KeyId> {
        if let Some(key) = self.sct(identifier, wsu_id).and_then(|s| s.key) {
            return Some(key);
        }
        let binding = self
            .bindings
            .iter()
            .find(|b| Some(b.name.as_str()) == identifier || Some(b.name.as_str()) == wsu_id)?
            .clone();
        let provenance = Provenance::Supplied {
            label: binding.label,
        };
        Some(self.keyring.add(KeyRecord {
            name: self.keyring.next_name(&provenance),
            token: Some(binding.name),
            bytes: binding.secret,
            provenance,
            usage: Vec::new(),
            message,
            line: None,
        }))
    }

    pub fn register_sct(&mut self, entry: SctEntry) {
        let existing = self.scts.iter_mut().rev().find(|s| {
            (entry.identifier.is_some() && s.identifier == entry.identifier)
                || (entry.wsu_id.is_some() && s.wsu_id == entry.wsu_id)
        });
        match existing {
            Some(s) => {
                if s.key.is_none() {
                    s.key = entry.key;
                }
                if s.wsu_id.is_none() {
                    s.wsu_id = entry.wsu_id;
                }
                if s.identifier.is_none() {
                    s.identifier = entry.identifier;
                }
            }
            None => self.scts.push(entry),
        }
    }

    pub fn encrypted_key_by_sha1(&self, sha1: &[u8]) -> Option<&EncryptedKeyEntry> {
        self.encrypted_keys.iter().rev().find(|e| e.sha1 == sha1)
    }

    pub fn encrypted_key_by_id(&self, id: &str, message: usize) -> Option<&EncryptedKeyEntry> {
        self.encrypted_keys
            .iter()
            .rev()
            .find(|e| e.id.as_deref() == Some(id) && e.message == message)
    }

    /// The requestor entropy a response answers: the same Context when both have one, else the
    /// latest request before it.
    pub fn entropy_for(&self, context: Option<&str>) -> Option<&EntropyEntry> {
        context
            .and_then(|c| {
                self.requestor_entropy
                    .iter()
                    .rev()
                    .find(|e| e.context.as_deref() == Some(c))
            })
            .or_else(|| self.requestor_entropy.last())
    }
}
