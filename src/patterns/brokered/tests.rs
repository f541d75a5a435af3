//! The brokered walkthroughs: every variant, every tamper, and the trust they rely on.

use super::encrypted_key::assertion_checks;
use super::*;
use crate::crypto::KeyStore;
use crate::exchange::Step;
use crate::receive::resolver::NoAttachments;
use crate::receive::store::TokenStore;
use crate::receive::{ProcessOptions, process_message};

const VARIANTS: [&str; 2] = ["encrypted-key", "computed-key"];

fn all_checks(scene: &Scene) -> Vec<&Check> {
    scene
        .steps
        .iter()
        .flat_map(|s| s.snapshot.checks.iter())
        .collect()
}

fn failed(scene: &Scene) -> Vec<&Check> {
    all_checks(scene).into_iter().filter(|c| !c.ok).collect()
}

fn known_by(step: &Step, key: &str) -> Option<Vec<String>> {
    step.snapshot
        .ledger
        .get(key)
        .map(|k| k.known_by.iter().cloned().collect())
}

fn step<'s>(scene: &'s Scene, title: &str) -> &'s Step {
    scene
        .steps
        .iter()
        .find(|s| s.title == title)
        .unwrap_or_else(|| panic!("no step {title:?}"))
}

#[test]
fn both_variants_end_with_every_check_passing() {
    for variant in VARIANTS {
        let scene = run(variant, 1, None).unwrap();
        assert!(
            failed(&scene).is_empty(),
            "{variant}: {:#?}",
            failed(&scene)
        );
        assert_eq!(scene.steps.len(), 9, "{variant}");
        let last = scene.steps.last().unwrap();
        assert_eq!(last.actor, "bob", "{variant}");
        // Every receiver step checked something, and every step points into a spec.
        for s in &scene.steps {
            assert!(!s.spec.document.is_empty() && !s.spec.section.is_empty());
            assert!(s.narrative.len() > 100, "{variant}: {}", s.title);
        }
        let names: Vec<&str> = last
            .snapshot
            .checks
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert!(names.contains(&"private keys"), "{variant}: {names:?}");
        // Through the catalog too.
        let walk = super::super::walk("brokered", Some(variant), 1, None).unwrap();
        assert!(walk.all_checks_pass(), "{variant}");
    }
}

#[test]
fn bob_checks_the_assertion_and_the_proof_of_possession() {
    let scene = run("encrypted-key", 1, None).unwrap();
    let last = scene.steps.last().unwrap();
    for name in [
        "assertion issued by a trusted STS",
        "audience is bob",
        "assertion validity",
        "proof of possession",
        "session-key confined",
        "private keys",
    ] {
        let check = last
            .snapshot
            .checks
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no check {name:?}: {:#?}", last.snapshot.checks));
        assert!(check.ok, "{check:?}");
    }
    // Both signatures bob verified: the STS's over the assertion, alice's HMAC.
    let signatures = last
        .snapshot
        .checks
        .iter()
        .filter(|c| c.name.starts_with("signature "))
        .count();
    assert_eq!(signatures, 2, "{:#?}", last.snapshot.checks);
}

#[test]
fn encrypted_key_ledger_step_by_step() {
    let scene = run("encrypted-key", 1, None).unwrap();
    // Nobody has K before the STS makes it.
    for s in &scene.steps[..3] {
        assert!(known_by(s, SESSION_KEY).is_none(), "{}", s.title);
    }
    let issue = step(&scene, "Issue a holder-of-key SAML assertion for Bob");
    assert_eq!(known_by(issue, SESSION_KEY).unwrap(), ["sts"]);
    let k = issue.snapshot.ledger.get(SESSION_KEY).unwrap();
    assert_eq!(k.length_bits(), 256);
    assert_eq!(k.provenance.origin(), "generated");
    let signed = step(&scene, "Give Alice the same key, and sign the response");
    assert_eq!(known_by(signed, SESSION_KEY).unwrap(), ["sts"]);
    let unwrapped = step(&scene, "Verify the response and unwrap the proof key");
    assert_eq!(known_by(unwrapped, SESSION_KEY).unwrap(), ["alice", "sts"]);
    let presented = step(&scene, "Sign with K: proof of possession");
    assert_eq!(known_by(presented, SESSION_KEY).unwrap(), ["alice", "sts"]);
    let last = scene.steps.last().unwrap();
    assert_eq!(
        known_by(last, SESSION_KEY).unwrap(),
        ["alice", "bob", "sts"]
    );
    // The request's body key went to the STS only.
    assert_eq!(known_by(last, "rst-body-key").unwrap(), ["alice", "sts"]);
}

#[test]
fn computed_key_ledger_step_by_step() {
    let scene = run("computed-key", 1, None).unwrap();
    for s in &scene.steps[..3] {
        assert!(known_by(s, CONTEXT_KEY).is_none(), "{}", s.title);
    }
    let received = step(&scene, "Verify the request and read Alice's entropy");
    assert_eq!(
        known_by(received, "alice-entropy").unwrap(),
        ["alice", "bob"]
    );
    let computed = step(
        &scene,
        "Compute the context key and answer with his own entropy",
    );
    assert_eq!(known_by(computed, CONTEXT_KEY).unwrap(), ["bob"]);
    assert_eq!(known_by(computed, "bob-entropy").unwrap(), ["bob"]);
    let alice = step(&scene, "Verify the response and compute the same key");
    assert_eq!(known_by(alice, CONTEXT_KEY).unwrap(), ["alice", "bob"]);
    let key = alice.snapshot.ledger.get(CONTEXT_KEY).unwrap();
    assert_eq!(key.provenance.origin(), "computed");
    assert!(
        matches!(
            &key.provenance,
            Provenance::Computed {
                key_size_bits: 256,
                ..
            }
        ),
        "{:?}",
        key.provenance
    );
    // The key is what P_SHA-1 of both entropies gives.
    let ledger = &alice.snapshot.ledger;
    let expected = psha1::computed_key(
        ledger.get("alice-entropy").unwrap().bytes.expose(),
        ledger.get("bob-entropy").unwrap().bytes.expose(),
        256,
    )
    .unwrap();
    assert_eq!(key.bytes.expose(), expected.expose());
    let last = scene.steps.last().unwrap();
    for name in [
        CONTEXT_KEY,
        "alice-entropy",
        "bob-entropy",
        "dk-sign",
        "dk-enc",
    ] {
        assert_eq!(known_by(last, name).unwrap(), ["alice", "bob"], "{name}");
    }
}

#[test]
fn nobody_holds_another_partys_private_key() {
    for variant in VARIANTS {
        let mut scene = run(variant, 1, None).unwrap();
        for owner in scene.parties.clone() {
            let public = certificate(&owner).public_key().unwrap();
            let der = private_key(&owner).pkey().private_key_to_der().unwrap();
            for holder in &scene.parties {
                let store = scene.key_store(&holder.name).unwrap();
                let holds = store
                    .private_keys()
                    .iter()
                    .any(|e| e.key.matches_public(&public));
                assert_eq!(
                    holds,
                    holder.name == owner.name,
                    "{variant}: {} and {}'s private key",
                    holder.name,
                    owner.name
                );
            }
            assert!(
                scene
                    .ledger
                    .keys()
                    .iter()
                    .all(|k| k.bytes.expose() != der.as_slice()),
                "{variant}: {}'s private key is in the ledger",
                owner.name
            );
        }
        if variant == "encrypted-key" {
            // Bob never even saw Alice's certificate: not given, not in any message.
            let alice = certificate(scene.party("alice")).to_der().unwrap();
            let given = scene.key_store("bob").unwrap();
            assert!(
                given
                    .certificates()
                    .iter()
                    .all(|c| c.to_der().unwrap() != alice)
            );
            assert!(
                scene
                    .store_mut("bob")
                    .certificates
                    .iter()
                    .all(|c| c.certificate.to_der().unwrap() != alice)
            );
        }
    }
}

#[test]
fn the_private_keys_check_catches_a_leak() {
    let mut scene = run("encrypted-key", 1, None).unwrap();
    assert!(private_keys_check(&scene).ok);
    let der = private_key(scene.party("alice"))
        .pkey()
        .private_key_to_der()
        .unwrap();
    scene.ledger.add(
        "leaked",
        SecretBytes::new(der),
        "RSA private key",
        Provenance::Supplied {
            label: "a mistake".into(),
        },
        "bob",
    );
    let check = private_keys_check(&scene);
    assert!(!check.ok);
    assert!(check.reason.contains("alice's private key"), "{check:?}");
}

/// The reason each common tamper must be caught for.
fn caught_for(tamper: Tamper, failed: &[&Check]) -> bool {
    match tamper {
        Tamper::ChangeBody => failed.iter().any(|c| c.reason.contains("digest mismatch")),
        Tamper::SwapKey => failed.iter().any(|c| c.name.starts_with("decrypt")),
        Tamper::Replay => failed.iter().any(|c| c.name == "timestamp-expired"),
        Tamper::WrapBody => failed.iter().any(|c| c.name == "signature-wrapping"),
        Tamper::ExceedRights => unreachable!(),
    }
}

#[test]
fn every_common_tamper_is_caught_by_the_first_receiver() {
    for variant in VARIANTS {
        for tamper in super::super::COMMON_TAMPERS {
            let scene = run(variant, 1, Some(*tamper)).unwrap();
            let what = format!("{variant} {}", tamper.name());
            let failed = failed(&scene);
            assert!(!failed.is_empty(), "{what}: nothing failed");
            assert!(caught_for(*tamper, &failed), "{what}: {failed:#?}");
            // The attacker's step, then the receiver's rejection, and nothing after it.
            let n = scene.steps.len();
            assert_eq!(n, 4, "{what}");
            assert_eq!(scene.steps[n - 2].actor, "mallory", "{what}");
            let last = &scene.steps[n - 1];
            let receiver = if variant == "encrypted-key" {
                "sts"
            } else {
                "bob"
            };
            assert_eq!(last.actor, receiver, "{what}");
            assert!(last.title.starts_with("Reject"), "{what}: {}", last.title);
            assert_eq!(scene.messages.len(), 1, "{what}");
            // No key was issued or computed.
            assert!(scene.ledger.get(SESSION_KEY).is_none(), "{what}");
            assert!(scene.ledger.get(CONTEXT_KEY).is_none(), "{what}");
            // Through the catalog, the run reports failure.
            let walk =
                super::super::walk("brokered", Some(variant), 1, Some(tamper.name())).unwrap();
            assert!(!walk.all_checks_pass(), "{what}");
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_messages() {
    for variant in VARIANTS {
        let texts = |seed| -> Vec<String> {
            run(variant, seed, None)
                .unwrap()
                .messages
                .into_iter()
                .map(|m| m.text.to_string())
                .collect()
        };
        let (a, b, c) = (texts(7), texts(7), texts(8));
        assert_eq!(a.len(), 3, "{variant}");
        assert_eq!(a, b, "{variant}");
        assert_ne!(a, c, "{variant}");
    }
}

#[test]
fn the_assertion_travels_byte_for_byte() {
    let scene = run("encrypted-key", 1, None).unwrap();
    let assertion = |text: &str| {
        let doc = Document::parse_str(text, "t").unwrap();
        doc.descendants()
            .find(|n| n.has_name(ns::SAML2, "Assertion"))
            .map(|n| n.source_text().to_string())
            .unwrap()
    };
    let issued = assertion(&scene.messages[1].text);
    let presented = assertion(&scene.messages[2].text);
    assert_eq!(issued, presented);
    // Enveloped, holder-of-key, for bob, with K encrypted for him.
    let doc = Document::parse_str(&issued, "assertion").unwrap();
    let read = SamlAssertion::read(doc.root_element());
    assert!(read.problems.is_empty(), "{:?}", read.problems);
    assert!(read.is_holder_of_key());
    assert_eq!(read.issuer.as_deref(), Some(STS_ENDPOINT));
    assert!(read.signature.is_some());
    assert!(issued.contains(&format!("<saml2:Audience>{BOB_ENDPOINT}</saml2:Audience>")));
    // The signature's first transform is enveloped-signature.
    assert!(issued.contains("xmldsig#enveloped-signature"));
}

/// Bob processing `text` with his own keys (his pair, the STS certificate).
fn bob_processes(scene: &Scene, text: &str) -> ProcessedMessage {
    let keys: &KeyStore = scene.key_store("bob").unwrap();
    process_message(
        Document::parse_str(text, "to bob").unwrap(),
        0,
        keys,
        &mut TokenStore::default(),
        &ProcessOptions {
            now: Some(scene.now()),
            ..ProcessOptions::default()
        },
        &NoAttachments,
    )
}

#[test]
fn changing_the_assertion_breaks_the_sts_signature() {
    let scene = run("encrypted-key", 1, None).unwrap();
    let text = &scene.messages[2].text;
    let id = {
        let doc = Document::parse_str(text, "t").unwrap();
        doc.descendants()
            .find(|n| n.has_name(ns::SAML2, "Assertion"))
            .and_then(|n| n.attribute("ID").map(str::to_string))
            .unwrap()
    };
    let now = scene.now();
    let good = bob_processes(&scene, text);
    assert!(
        assertion_checks(&scene, &good, &id, now)
            .iter()
            .all(|c| c.ok),
        "{:#?}",
        assertion_checks(&scene, &good, &id, now)
    );
    // Mallory widens the audience to herself.
    let forged = text.replace(
        &format!("<saml2:Audience>{BOB_ENDPOINT}</saml2:Audience>"),
        "<saml2:Audience>urn:wskex:mallory</saml2:Audience>",
    );
    assert_ne!(forged.as_str(), text.as_str());
    let checks = assertion_checks(&scene, &bob_processes(&scene, &forged), &id, now);
    let by_name = |name: &str| checks.iter().find(|c| c.name == name).unwrap();
    assert!(!by_name("assertion issued by a trusted STS").ok);
    assert!(
        by_name("assertion issued by a trusted STS")
            .reason
            .contains("digest mismatch"),
        "{checks:#?}"
    );
    assert!(!by_name("audience is bob").ok);
    // Long after NotOnOrAfter, the assertion is out of date.
    let late = at(now.unix_seconds + 2 * TOKEN_LIFETIME);
    let checks = assertion_checks(&scene, &good, &id, late);
    assert!(
        !checks
            .iter()
            .find(|c| c.name == "assertion validity")
            .unwrap()
            .ok
    );
}

#[test]
fn without_the_sts_certificate_bob_cannot_trust_the_assertion() {
    let scene = run_with(
        "encrypted-key",
        1,
        None,
        Setup {
            bob_trusts_sts: false,
        },
    )
    .unwrap();
    let last = scene.steps.last().unwrap();
    assert_eq!(last.title, "Reject the request");
    let check = |name: &str| {
        last.snapshot
            .checks
            .iter()
            .find(|c| c.name == name)
            .unwrap()
            .clone()
    };
    // The signature is sound, but made with a key only the assertion itself vouches for.
    let issued = check("assertion issued by a trusted STS");
    assert!(!issued.ok);
    assert!(issued.reason.contains("does not trust"), "{issued:?}");
    // Alice still holds K: possession alone is not enough without a trusted issuer.
    assert!(check("proof of possession").ok);
}

#[test]
fn an_unknown_variant_is_an_error() {
    assert!(run("shared-secret", 1, None).is_err());
}
