//! Every key a conversation establishes, with where it came from.
//!
//! A receiver ends up with keys it was given, keys it unwrapped, keys it derived and keys it
//! computed from entropies; an auditor needs the whole chain for each (`dk-2 = P_SHA-1(sct-1
//! key, label, nonce)[0..16]`, `sct-1 key = ComputedKey(requestor entropy in msg 1, issuer
//! entropy in msg 2)`). The key bytes stay in [`SecretBytes`] and are shown only on request.
//!
//! Naming: a key's name says what it is, and its token id is kept apart ([`KeyRecord::token`]),
//! so a formula never defines a key by itself. The receiver names keys `KIND-key-N`, where
//! KIND is `session` (unwrapped from an EncryptedKey), `derived` (a DerivedKeyToken),
//! `context` (a WS-Trust ComputedKey), `proof` (a proof token's BinarySecret), `supplied` (a
//! secret the user bound to a token) or `generated`, and N counts keys of that kind from 1 in
//! the order the conversation established them: stable for a conversation, unique in it.
//! Formulas read `session-key-1 = unwrap(EncryptedKey EK-1, rsa-oaep-mgf1p, bob's private key)`.

use serde::Serialize;

use crate::crypto::SecretBytes;
use crate::xml::base64;

/// How a key came to be. As JSON a tagged object (`{"kind": "derived", "base": ...}`), the
/// structured inputs of the formula [`KeyRecord::describe`] writes; a nonce is base64 (it is
/// not a secret), key bytes never appear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Provenance {
    /// Given by the user (`--key-name`, `--hmac-secret`, ...), or by a walkthrough's setup.
    Supplied { label: String },
    /// Made up by a party (a walkthrough's sender): random bytes from its generator.
    Generated { by: String },
    /// Recovered from an EncryptedKey with a private key or a key-encryption key.
    Unwrapped {
        /// The EncryptedKey's id (its token), not a key name.
        encrypted_key: String,
        /// The key-transport or key-wrap algorithm.
        transport: String,
        /// The key-encryption key: a key name, or the private key that opened it.
        with: String,
    },
    /// P_SHA-1 of another key (a DerivedKeyToken).
    Derived {
        base: String,
        label: Option<String>,
        #[serde(serialize_with = "as_base64")]
        nonce: Vec<u8>,
        offset: usize,
        length: usize,
    },
    /// WS-Trust ComputedKey: P_SHA-1(requestor entropy, issuer entropy), KeySize bits.
    Computed {
        requestor_entropy: String,
        issuer_entropy: String,
        key_size_bits: u32,
    },
    /// A proof token's BinarySecret (in clear, or inside an encrypted body).
    ProofToken { source: String },
}

fn as_base64<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&base64::encode(bytes))
}

impl Provenance {
    /// The kind of key this makes, the stem of a receiver's key name (see the module doc).
    pub fn name_stem(&self) -> &'static str {
        match self {
            Provenance::Supplied { .. } => "supplied-key",
            Provenance::Generated { .. } => "generated-key",
            Provenance::Unwrapped { .. } => "session-key",
            Provenance::Derived { .. } => "derived-key",
            Provenance::Computed { .. } => "context-key",
            Provenance::ProofToken { .. } => "proof-key",
        }
    }

    /// The same provenance with every key name it mentions passed through `rename` (a
    /// receiver's names mapped to a walkthrough ledger's).
    pub fn renamed(&self, rename: impl Fn(&str) -> String) -> Provenance {
        match self {
            Provenance::Unwrapped {
                encrypted_key,
                transport,
                with,
            } => Provenance::Unwrapped {
                encrypted_key: encrypted_key.clone(),
                transport: transport.clone(),
                with: rename(with),
            },
            Provenance::Derived {
                base,
                label,
                nonce,
                offset,
                length,
            } => Provenance::Derived {
                base: rename(base),
                label: label.clone(),
                nonce: nonce.clone(),
                offset: *offset,
                length: *length,
            },
            other => other.clone(),
        }
    }

    /// A one-word origin for tables and JSON.
    pub fn origin(&self) -> &'static str {
        match self {
            Provenance::Supplied { .. } => "supplied",
            Provenance::Generated { .. } => "generated",
            Provenance::Unwrapped { .. } => "unwrapped",
            Provenance::Derived { .. } => "derived",
            Provenance::Computed { .. } => "computed",
            Provenance::ProofToken { .. } => "proof-token",
        }
    }
}

/// One key and its story.
#[derive(Debug, Clone)]
pub struct KeyRecord {
    /// What the key is (`session-key-1`, `derived-key-2`; see the module doc).
    pub name: String,
    /// The id of the token it belongs to (`EK-1`, an SCT Identifier, a DerivedKeyToken id).
    pub token: Option<String>,
    pub bytes: SecretBytes,
    pub provenance: Provenance,
    /// What the key was used for, in order (`HMAC-SHA1 signature SIG-1`, `AES-128-CBC EncryptedData ED-2`).
    pub usage: Vec<String>,
    /// Index of the message in which the key was established (0-based).
    pub message: usize,
    pub line: Option<u32>,
}

impl KeyRecord {
    pub fn length_bits(&self) -> usize {
        self.bytes.len() * 8
    }

    /// Names of the keys this one was made from.
    pub fn derived_from(&self) -> Vec<String> {
        match &self.provenance {
            Provenance::Derived { base, .. } => vec![base.clone()],
            Provenance::Unwrapped { with, .. } => vec![with.clone()],
            _ => Vec::new(),
        }
    }

    /// The provenance as a formula, e.g. `dk-2 = P_SHA-1(sct-1 key, label, nonce)[0..16]`.
    pub fn describe(&self) -> String {
        let name = &self.name;
        match &self.provenance {
            Provenance::Supplied { label } => format!("{name} = supplied ({label})"),
            Provenance::Generated { by } => format!("{name} = random, generated by {by}"),
            Provenance::Unwrapped {
                encrypted_key,
                transport,
                with,
            } => {
                format!("{name} = unwrap(EncryptedKey {encrypted_key}, {transport}, {with})")
            }
            Provenance::Derived {
                base,
                label,
                nonce,
                offset,
                length,
            } => format!(
                "{name} = P_SHA-1({base}, {} || nonce {})[{offset}..{}]",
                label
                    .as_deref()
                    .map_or_else(|| "default label".to_string(), |l| format!("label {l:?}")),
                base64::encode(nonce),
                offset + length
            ),
            Provenance::Computed {
                requestor_entropy,
                issuer_entropy,
                key_size_bits,
            } => format!(
                "{name} = ComputedKey P_SHA-1(requestor entropy {requestor_entropy}, issuer entropy {issuer_entropy}) with KeySize {key_size_bits}"
            ),
            Provenance::ProofToken { source } => {
                format!("{name} = proof token BinarySecret ({source})")
            }
        }
    }
}

/// Index of a key in a [`Keyring`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyId(pub usize);

/// The keys of a conversation in the order they were established.
#[derive(Debug, Clone, Default)]
pub struct Keyring {
    keys: Vec<KeyRecord>,
    /// Which message block carried a key when it did not come from the Security header
    /// (an RSTR in `wst:IssuedTokens` or in the Body), by key.
    carriers: Vec<(KeyId, String)>,
}

impl Keyring {
    /// Notes the block that carried a key (kept once per key: the first block wins).
    pub fn note_carrier(&mut self, id: KeyId, carrier: impl Into<String>) {
        if self.carrier(id).is_none() {
            self.carriers.push((id, carrier.into()));
        }
    }

    /// The block that carried a key, when one was noted.
    pub fn carrier(&self, id: KeyId) -> Option<&str> {
        self.carriers
            .iter()
            .find(|(k, _)| *k == id)
            .map(|(_, c)| c.as_str())
    }

    /// The name for the next key of this provenance: `KIND-key-N` (see the module doc).
    pub fn next_name(&self, provenance: &Provenance) -> String {
        let stem = provenance.name_stem();
        let taken = self
            .keys
            .iter()
            .filter(|k| k.provenance.name_stem() == stem)
            .count();
        format!("{stem}-{}", taken + 1)
    }

    pub fn add(&mut self, record: KeyRecord) -> KeyId {
        self.keys.push(record);
        KeyId(self.keys.len() - 1)
    }

    pub fn get(&self, id: KeyId) -> &KeyRecord {
        &self.keys[id.0]
    }

    pub fn note_usage(&mut self, id: KeyId, usage: impl Into<String>) {
        let usage = usage.into();
        let record = &mut self.keys[id.0];
        if !record.usage.contains(&usage) {
            record.usage.push(usage);
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (KeyId, &KeyRecord)> {
        self.keys.iter().enumerate().map(|(i, k)| (KeyId(i), k))
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn by_name(&self, name: &str) -> Option<KeyId> {
        self.keys.iter().rposition(|k| k.name == name).map(KeyId)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_a_derivation_like_a_formula() {
        let k = KeyRecord {
            name: "dk-2".into(),
            token: Some("DK-2".into()),
            bytes: SecretBytes::new(vec![0; 16]),
            provenance: Provenance::Derived {
                base: "sct-1 key".into(),
                label: None,
                nonce: vec![1, 2, 3],
                offset: 0,
                length: 16,
            },
            usage: vec![],
            message: 0,
            line: None,
        };
        assert_eq!(
            k.describe(),
            "dk-2 = P_SHA-1(sct-1 key, default label || nonce AQID)[0..16]"
        );
        let json = serde_json::to_value(&k.provenance).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "derived", "base": "sct-1 key", "label": null,
                "nonce": "AQID", "offset": 0, "length": 16})
        );
        assert_eq!(k.derived_from(), vec!["sct-1 key".to_string()]);
        assert_eq!(k.length_bits(), 128);
        assert!(
            !format!("{k:?}").contains("0, 0, 0"),
            "key bytes must not show in Debug"
        );
    }

    #[test]
    fn names_keys_by_kind_and_never_by_their_token() {
        let mut ring = Keyring::default();
        let unwrapped = Provenance::Unwrapped {
            encrypted_key: "EK-1".into(),
            transport: "rsa-oaep-mgf1p".into(),
            with: "bob's private key".into(),
        };
        let name = ring.next_name(&unwrapped);
        assert_eq!(name, "session-key-1");
        ring.add(KeyRecord {
            name,
            token: Some("EK-1".into()),
            bytes: SecretBytes::new(vec![7; 16]),
            provenance: unwrapped.clone(),
            usage: vec![],
            message: 0,
            line: None,
        });
        assert_eq!(ring.next_name(&unwrapped), "session-key-2");
        let derived = Provenance::Derived {
            base: "session-key-1".into(),
            label: None,
            nonce: vec![],
            offset: 0,
            length: 16,
        };
        assert_eq!(ring.next_name(&derived), "derived-key-1");
        let record = ring.get(KeyId(0));
        assert_eq!(
            record.describe(),
            "session-key-1 = unwrap(EncryptedKey EK-1, rsa-oaep-mgf1p, bob's private key)"
        );
        let renamed = derived.renamed(|n| n.replace("session-key-1", "session-key"));
        assert!(matches!(renamed, Provenance::Derived { base, .. } if base == "session-key"));
    }
}
