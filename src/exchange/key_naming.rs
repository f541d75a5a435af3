//! How a receiver's key names become the ledger's. A walkthrough's ledger names keys its own
//! way (`session-key`); the receiver that processed the message names them by what it found
//! (`EK-1`). Checks, layers and formulas must use the ledger's one name per key.

use std::collections::HashMap;

use crate::receive::keys::Keyring;

use super::ledger::KeyLedger;

/// Maps a receiver's key name to the ledger's (a walkthrough's ledger names keys its own
/// way; a capture's ledger uses the receiver's names, see [`same_name`]).
pub type KeyNamer<'a> = &'a dyn Fn(&str) -> String;

/// The receiver's names are the ledger's.
pub fn same_name(name: &str) -> String {
    name.to_string()
}

/// A namer for a receiver whose memory is `keyring`: each of its keys is the ledger key of
/// the same token, else of the same bytes. A name the keyring does not hold (a key the
/// receiver established while processing a copy of the message) is looked up as a token id,
/// and otherwise kept as the receiver said it.
pub fn ledger_namer<'a>(ledger: &'a KeyLedger, keyring: &Keyring) -> impl Fn(&str) -> String + 'a {
    let names: HashMap<String, String> = keyring
        .iter()
        .filter_map(|(_, record)| {
            let by_token = record
                .token
                .as_deref()
                .and_then(|t| ledger.name_for_token(t));
            let by_bytes = || {
                ledger
                    .keys()
                    .iter()
                    .find(|k| k.bytes.expose() == record.bytes.expose())
                    .map(|k| k.name.as_str())
            };
            let name = by_token.or_else(by_bytes)?;
            Some((record.name.clone(), name.to_string()))
        })
        .collect();
    move |name: &str| {
        names
            .get(name)
            .cloned()
            .or_else(|| ledger.name_for_token(name).map(str::to_string))
            .unwrap_or_else(|| name.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::SecretBytes;
    use crate::receive::keys::{KeyRecord, Provenance};

    fn generated() -> Provenance {
        Provenance::Generated { by: "alice".into() }
    }

    #[test]
    fn a_receiver_name_becomes_the_ledger_name_by_token_by_bytes_or_as_a_token_id() {
        let mut ledger = KeyLedger::default();
        ledger.add(
            "session-key",
            SecretBytes::new(vec![1; 16]),
            "key",
            generated(),
            "alice",
        );
        ledger.set_token("session-key", "EK-1");
        ledger.add(
            "mac-key",
            SecretBytes::new(vec![2; 16]),
            "key",
            generated(),
            "alice",
        );
        let mut keyring = Keyring::default();
        let record = |name: &str, token: Option<&str>, byte: u8| KeyRecord {
            name: name.into(),
            token: token.map(str::to_string),
            bytes: SecretBytes::new(vec![byte; 16]),
            provenance: generated(),
            usage: Vec::new(),
            message: 0,
            line: None,
        };
        keyring.add(record("session-key-1", Some("EK-1"), 9));
        keyring.add(record("supplied-key-1", None, 2));
        let name_of = ledger_namer(&ledger, &keyring);
        assert_eq!(name_of("session-key-1"), "session-key");
        assert_eq!(name_of("supplied-key-1"), "mac-key");
        // Established while re-processing, so not in the keyring: found by its token id.
        assert_eq!(name_of("EK-1"), "session-key");
        assert_eq!(name_of("derived-key-7"), "derived-key-7");
        assert_eq!(same_name("x"), "x");
    }
}
