//! The key ledger: every key in play and the set of parties that know it, step by step.

use std::collections::BTreeSet;

use serde::Serialize;

use super::span::TextSpan;
use crate::crypto::SecretBytes;
use crate::receive::keys::{KeyRecord, Provenance};

/// A key and who knows it.
#[derive(Debug, Clone)]
pub struct Key {
    pub name: String,
    pub bytes: SecretBytes,
    /// What the key is for (`HMAC-SHA1`, `AES-128-CBC`, `session key`).
    pub algorithm: String,
    pub provenance: Provenance,
    pub known_by: BTreeSet<String>,
    /// The token the key belongs to in the messages (an SCT Identifier, an EncryptedKey or
    /// DerivedKeyToken id), so other tools can bind it (`wskex inspect --key-name TOKEN=...`).
    pub token: Option<String>,
    /// The token's element in this step's text (see [`super::step_spans`]).
    pub token_span: Option<TextSpan>,
    /// The latest step (numbered as the JSON's `index`) whose text carried the token: this
    /// one when `token_span` is set, else an earlier one.
    pub token_step: Option<usize>,
}

impl Key {
    pub fn length_bits(&self) -> usize {
        self.bytes.len() * 8
    }

    /// The provenance as a formula (see [`KeyRecord::describe`]).
    pub fn describe(&self) -> String {
        self.as_record().describe()
    }

    pub fn derived_from(&self) -> Vec<String> {
        self.as_record().derived_from()
    }

    fn as_record(&self) -> KeyRecord {
        KeyRecord {
            name: self.name.clone(),
            token: self.token.clone(),
            bytes: self.bytes.clone(),
            provenance: self.provenance.clone(),
            usage: Vec::new(),
            message: 0,
            line: None,
        }
    }
}

/// All keys of an exchange, in the order they appeared.
#[derive(Debug, Clone, Default)]
pub struct KeyLedger {
    keys: Vec<Key>,
}

impl KeyLedger {
    /// Adds a key known (so far) by `holder` alone; replaces a key of the same name.
    pub fn add(
        &mut self,
        name: &str,
        bytes: SecretBytes,
        algorithm: &str,
        provenance: Provenance,
        holder: &str,
    ) {
        let key = Key {
            name: name.to_string(),
            bytes,
            algorithm: algorithm.to_string(),
            provenance,
            known_by: BTreeSet::from([holder.to_string()]),
            token: None,
            token_span: None,
            token_step: None,
        };
        match self.keys.iter_mut().find(|k| k.name == name) {
            Some(existing) => *existing = key,
            None => self.keys.push(key),
        }
    }

    /// Names the token a key belongs to.
    pub fn set_token(&mut self, name: &str, token: &str) {
        if let Some(k) = self.keys.iter_mut().find(|k| k.name == name) {
            k.token = Some(token.to_string());
        }
    }

    /// Records that `party` now knows the key `name` (it unwrapped, derived or was told it).
    pub fn learns(&mut self, party: &str, name: &str) {
        if let Some(k) = self.keys.iter_mut().find(|k| k.name == name) {
            k.known_by.insert(party.to_string());
        }
    }

    /// The ledger name of the key that belongs to the token `token` (an EncryptedKey, SCT or
    /// DerivedKeyToken id): how a receiver's report about `EK-1` finds `session-key`.
    pub fn name_for_token(&self, token: &str) -> Option<&str> {
        self.keys
            .iter()
            .rev()
            .find(|k| k.token.as_deref() == Some(token))
            .map(|k| k.name.as_str())
    }

    pub fn get(&self, name: &str) -> Option<&Key> {
        self.keys.iter().find(|k| k.name == name)
    }

    pub fn knows(&self, party: &str, name: &str) -> bool {
        self.get(name).is_some_and(|k| k.known_by.contains(party))
    }

    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    /// The keys, for giving them this step's token spans.
    pub fn keys_mut(&mut self) -> &mut [Key] {
        &mut self.keys
    }

    /// Remembers the latest step whose message carried the token of key `name`.
    pub fn note_token_step(&mut self, name: &str, step: usize) {
        if let Some(k) = self.keys.iter_mut().find(|k| k.name == name) {
            k.token_step = Some(step);
        }
    }

    /// The keys a party knows.
    pub fn known_to<'a>(&'a self, party: &'a str) -> impl Iterator<Item = &'a Key> + 'a {
        self.keys.iter().filter(move |k| k.known_by.contains(party))
    }
}

/// A key as JSON: the secret only when asked for.
#[derive(Debug, Clone, Serialize)]
pub struct KeyJson {
    pub name: String,
    pub algorithm: String,
    pub length_bits: usize,
    pub origin: &'static str,
    /// The formula (`session-key = unwrap(EncryptedKey EK-1, ...)`).
    pub provenance: String,
    /// The formula's inputs as fields, tagged by `kind` (see [`Provenance`]).
    pub inputs: Provenance,
    pub derived_from: Vec<String>,
    pub known_by: Vec<String>,
    pub token: Option<String>,
    pub token_span: Option<TextSpan>,
    pub token_step: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_hex: Option<String>,
}

impl Key {
    pub fn to_json(&self, reveal: bool) -> KeyJson {
        KeyJson {
            name: self.name.clone(),
            algorithm: self.algorithm.clone(),
            length_bits: self.length_bits(),
            origin: self.provenance.origin(),
            provenance: self.describe(),
            inputs: self.provenance.clone(),
            derived_from: self.derived_from(),
            known_by: self.known_by.iter().cloned().collect(),
            token: self.token.clone(),
            token_span: self.token_span,
            token_step: self.token_step,
            value_hex: reveal.then(|| hex::encode(self.bytes.expose())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parties_learn_keys_one_by_one() {
        let mut ledger = KeyLedger::default();
        ledger.add(
            "k",
            SecretBytes::new(vec![1; 16]),
            "AES-128-CBC",
            Provenance::Generated { by: "alice".into() },
            "alice",
        );
        assert!(ledger.knows("alice", "k") && !ledger.knows("bob", "k"));
        ledger.learns("bob", "k");
        assert!(ledger.knows("bob", "k"));
        assert_eq!(ledger.known_to("bob").count(), 1);
        let json = ledger.get("k").unwrap().to_json(false);
        assert_eq!(json.known_by, vec!["alice", "bob"]);
        assert!(json.value_hex.is_none());
        assert_eq!(
            serde_json::to_value(&json.inputs).unwrap(),
            serde_json::json!({"kind": "generated", "by": "alice"})
        );
        assert_eq!(ledger.name_for_token("EK-1"), None);
        ledger.set_token("k", "EK-1");
        assert_eq!(ledger.name_for_token("EK-1"), Some("k"));
    }
}
