//! A captured conversation becomes the same `Step`s a walkthrough is made of: one per
//! message, with the received bytes as the envelope, the keys established so far, the layers
//! and the checks; a walkthrough's messages audited with every key read as passing steps, and
//! a tampered one fails where the walkthrough's receiver failed.

use std::path::{Path, PathBuf};

use wskex::audit::conversation::inspect_conversation;
use wskex::audit::load_paths;
use wskex::audit::steps::{AUDITOR, conversation_steps};
use wskex::crypto::KeyStore;
use wskex::exchange::{Layer, LayerStatus, Step};
use wskex::receive::ProcessOptions;

fn auditor_keys(parties: &[&str]) -> KeyStore {
    let keys = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/keys");
    let mut store = KeyStore::new();
    for p in parties {
        store
            .add_key_file(&keys.join(format!("{p}.key.pem")), None)
            .unwrap();
        store
            .add_cert_file(&keys.join(format!("{p}.cert.pem")))
            .unwrap();
    }
    store
}

/// The steps of the messages at `paths` audited with alice's and bob's keys.
fn audited_steps(paths: &[PathBuf]) -> Vec<Step> {
    let messages = load_paths(paths).unwrap();
    let result = inspect_conversation(
        &messages,
        &auditor_keys(&["alice", "bob"]),
        Vec::new(),
        &ProcessOptions::default(),
    );
    conversation_steps(&messages, &result)
}

#[test]
fn an_audited_walkthrough_reads_as_passing_steps_over_the_received_bytes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/request-reply/sign-then-encrypt");
    let steps = audited_steps(std::slice::from_ref(&dir));
    assert_eq!(steps.len(), 2);
    let files: Vec<PathBuf> = ["01-alice-bob.xml", "02-bob-alice.xml"]
        .iter()
        .map(|f| dir.join(f))
        .collect();
    for (step, file) in steps.iter().zip(&files) {
        let envelope = step.snapshot.envelope.as_ref().unwrap();
        assert_eq!(envelope.text.as_bytes(), std::fs::read(file).unwrap());
        assert!(
            step.snapshot.checks.iter().all(|c| c.ok),
            "{:#?}",
            step.snapshot.checks
        );
        assert!(!step.snapshot.checks.is_empty());
        for layer in &step.snapshot.layers {
            let status = match layer {
                Layer::Signature(s) => &s.status,
                Layer::Encryption(e) => &e.status,
            };
            assert_eq!(*status, LayerStatus::Verified, "{layer:?}");
        }
    }
    // The first message establishes the random key and its two derived keys; the ledger
    // keeps them for the reply.
    let first = steps[0].snapshot.ledger.keys().len();
    assert!(first >= 3, "{first} keys after message 1");
    assert!(steps[1].snapshot.ledger.keys().len() >= first);
    assert!(
        steps[1]
            .snapshot
            .ledger
            .keys()
            .iter()
            .all(|k| k.known_by.contains(AUDITOR))
    );
}

#[test]
fn a_changed_byte_fails_the_step_with_the_digest_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples/request-reply/encrypt-then-sign/01-alice-bob.xml");
    let text = std::fs::read_to_string(sample).unwrap();
    // One character of the first CipherValue of the Body's EncryptedData.
    let at = text.find("<s:Body").unwrap();
    let value =
        at + text[at..].find("<xenc:CipherValue>").unwrap() + "<xenc:CipherValue>".len() + 3;
    let mut bytes = text.into_bytes();
    bytes[value] = if bytes[value] == b'A' { b'B' } else { b'A' };
    let path = dir.path().join("tampered.xml");
    std::fs::write(&path, &bytes).unwrap();
    let steps = audited_steps(&[path]);
    let failed: Vec<String> = steps[0]
        .snapshot
        .checks
        .iter()
        .filter(|c| !c.ok)
        .map(|c| format!("{}: {}", c.name, c.reason))
        .collect();
    assert!(
        failed.iter().any(|f| f.contains("digest mismatch")),
        "{failed:#?}"
    );
    assert!(steps[0].snapshot.layers.iter().any(|l| matches!(
        l,
        Layer::Signature(s) if matches!(s.status, LayerStatus::Failed(_))
    )));
}
