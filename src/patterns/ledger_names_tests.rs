//! One name per key: every key a walkthrough's layers, checks and formulas name is a key of
//! the step's ledger, read from the structured fields (not searched for in prose), and no
//! formula defines a key by itself.

use crate::exchange::{KeyLedger, Layer, Step};
use crate::receive::keys::Provenance;

use super::{CATALOG, walk};

/// Every step of every pattern and variant at seed 1, with its pattern/variant label.
fn every_step() -> Vec<(String, Step)> {
    let mut all = Vec::new();
    for info in CATALOG {
        for variant in info.variants {
            let w = walk(info.name, Some(variant), 1, None).expect("walkthrough runs");
            for (i, step) in w.steps.into_iter().enumerate() {
                all.push((format!("{} {variant} step {}", info.name, i + 1), step));
            }
        }
    }
    all
}

/// The key names a step's layers, checks and ledger formulas use.
fn names_used(step: &Step) -> Vec<(String, &'static str)> {
    let snapshot = &step.snapshot;
    let mut used = Vec::new();
    for layer in &snapshot.layers {
        match layer {
            // An RSA signature names a certificate; an HMAC signature a ledger key.
            Layer::Signature(s) if s.method.starts_with("hmac") => {
                used.push((s.key.clone(), "signature layer"))
            }
            Layer::Signature(_) => {}
            Layer::Encryption(e) => used.push((e.key.clone(), "encryption layer")),
        }
    }
    for check in &snapshot.checks {
        if let Some(key) = &check.key {
            used.push((key.clone(), "check"));
        }
    }
    for key in snapshot.ledger.keys() {
        match &key.provenance {
            Provenance::Derived { base, .. } => used.push((base.clone(), "derivation base")),
            Provenance::Computed {
                requestor_entropy,
                issuer_entropy,
                ..
            } => {
                used.push((requestor_entropy.clone(), "requestor entropy"));
                used.push((issuer_entropy.clone(), "issuer entropy"));
            }
            // A private key opens an EncryptedKey; a key-encryption key is a ledger key.
            Provenance::Unwrapped { with, .. } if !with.ends_with("private key") => {
                used.push((with.clone(), "key-encryption key"))
            }
            _ => {}
        }
    }
    used
}

fn assert_in_ledger(label: &str, ledger: &KeyLedger, used: &[(String, &'static str)]) {
    for (name, where_) in used {
        assert!(
            ledger.get(name).is_some(),
            "{label}: the {where_} names key {name:?}, which the ledger does not hold (ledger: {:?})",
            ledger.keys().iter().map(|k| &k.name).collect::<Vec<_>>()
        );
    }
}

#[test]
fn every_key_a_layer_check_or_formula_names_is_in_the_ledger() {
    let steps = every_step();
    let mut checked = 0;
    for (label, step) in &steps {
        let used = names_used(step);
        checked += used.len();
        assert_in_ledger(label, &step.snapshot.ledger, &used);
    }
    assert!(checked > 50, "only {checked} names were checked");
    // The checks of the receivers name their keys too (an HMAC signature, a decryption).
    assert!(
        steps
            .iter()
            .any(|(_, s)| s.snapshot.checks.iter().any(|c| c.key.is_some()))
    );
}

#[test]
fn no_formula_defines_a_key_by_itself() {
    for (label, step) in every_step() {
        for key in step.snapshot.ledger.keys() {
            assert!(
                !key.derived_from().contains(&key.name),
                "{label}: {} is made from itself: {}",
                key.name,
                key.describe()
            );
            if let Some(token) = &key.token {
                assert_ne!(token, &key.name, "{label}: a key named after its token");
            }
        }
    }
}

#[test]
fn every_key_of_a_token_knows_its_token() {
    for (label, step) in every_step() {
        for key in step.snapshot.ledger.keys() {
            let of_a_token = matches!(
                key.provenance,
                Provenance::Derived { .. } | Provenance::Computed { .. }
            );
            assert!(
                !of_a_token || key.token.is_some(),
                "{label}: {} belongs to a token but names none",
                key.name
            );
        }
    }
}

/// The words of `text` that look like ledger key names (`session-key`, `dk-sign-1`,
/// `alice-entropy`), leaving out the catalogue's variant and tamper names (`computed-key`,
/// `swap-key`) and SAML's `holder-of-key`, which name no key.
fn ledger_like_names(text: &str) -> Vec<String> {
    let not_keys: Vec<&str> = CATALOG
        .iter()
        .flat_map(|p| {
            p.variants
                .iter()
                .copied()
                .chain(p.tampers.iter().map(|t| t.name()))
        })
        .chain(["holder-of-key"])
        .collect();
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .map(|w| w.trim_matches('-'))
        .filter(|w| {
            w.starts_with("dk-")
                || w.ends_with("-key")
                || w.contains("-key-")
                || w.ends_with("-entropy")
                || w.ends_with("-secret")
        })
        .filter(|w| !not_keys.contains(w))
        .map(str::to_string)
        .collect()
}

#[test]
fn narratives_start_with_a_capital_and_name_keys_as_the_ledger_does() {
    let mut named = 0;
    for (label, step) in every_step() {
        let first = step.narrative.chars().next();
        assert!(
            first.is_some_and(char::is_uppercase),
            "{label}: the narrative starts with {first:?}: {}",
            step.narrative
        );
        for name in ledger_like_names(&step.narrative) {
            named += 1;
            assert!(
                step.snapshot.ledger.get(&name).is_some(),
                "{label}: the narrative names {name:?}, which the ledger does not hold"
            );
        }
    }
    assert!(
        named > 0,
        "no narrative names a key: the test checks nothing"
    );
}

#[test]
fn ledger_like_names_are_found_and_others_left_alone() {
    assert_eq!(
        ledger_like_names("Sign with dk-sign-1, then the session-key (holder-of-key, swap-key)."),
        ["dk-sign-1", "session-key"]
    );
}
