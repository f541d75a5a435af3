use super::*;
use crate::crypto::test_keys::{rsa_2048, rsa_2048_other};
use openssl::asn1::Asn1Time;
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::pkey::Private;
use openssl::x509::{X509, X509Name};

fn self_signed(key: &PKey<Private>, cn: &str, serial: u32, label: &str) -> Certificate {
    let mut name = X509Name::builder().unwrap();
    name.append_entry_by_text("C", "LK").unwrap();
    name.append_entry_by_text("O", "Apache").unwrap();
    name.append_entry_by_text("CN", cn).unwrap();
    let name = name.build();
    let mut b = X509::builder().unwrap();
    b.set_version(2).unwrap();
    b.set_serial_number(&BigNum::from_u32(serial).unwrap().to_asn1_integer().unwrap())
        .unwrap();
    b.set_subject_name(&name).unwrap();
    b.set_issuer_name(&name).unwrap();
    b.set_pubkey(key).unwrap();
    b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    b.set_not_after(&Asn1Time::days_from_now(30).unwrap())
        .unwrap();
    b.sign(key, MessageDigest::sha256()).unwrap();
    Certificate::new(b.build(), label)
}

fn store_with_two_keys() -> (KeyStore, Certificate, Certificate) {
    let cert_a = self_signed(rsa_2048(), "Service A", 1001, "keys/a.cert.pem");
    let cert_b = self_signed(rsa_2048_other(), "Service B", 1002, "keys/b.cert.pem");
    let mut store = KeyStore::new();
    // Certificate before key for A, key before certificate for B: both must pair.
    store.add_certificate(cert_a.clone());
    store.add_private_key(PrivateKey::new(rsa_2048().clone(), "keys/a.key.pem"));
    store.add_private_key(PrivateKey::new(rsa_2048_other().clone(), "keys/b.key.pem"));
    store.add_certificate(cert_b.clone());
    (store, cert_a, cert_b)
}

#[test]
fn pairs_certificates_with_their_keys() {
    let (store, _, _) = store_with_two_keys();
    assert_eq!(store.private_keys().len(), 2);
    assert!(store.certificates().is_empty());
    assert!(store.private_keys().iter().all(|e| e.certificate.is_some()));
}

#[test]
fn finds_by_each_selector_and_says_why() {
    let (store, cert_a, cert_b) = store_with_two_keys();
    let found = store
        .find_private_key(&[KeySelector::ThumbprintSha1(
            cert_b.thumbprint_sha1().unwrap(),
        )])
        .unwrap();
    assert_eq!(found.key.key.label(), "keys/b.key.pem");
    assert!(
        found.reason.contains("certificate thumbprint")
            && found.reason.contains("matches CN=Service B")
            && !found.reason.contains(".pem"),
        "{}",
        found.reason
    );
    let (ski, _) = cert_a.subject_key_identifier().unwrap();
    let selectors = [
        KeySelector::SubjectKeyIdentifier(ski),
        KeySelector::IssuerSerial {
            issuer: "CN=Service A, O=Apache, C=LK".to_string(),
            serial: "1001".to_string(),
        },
        KeySelector::KeyName("a".to_string()),
        KeySelector::KeyName("Service A".to_string()),
        KeySelector::Certificate(cert_a.to_der().unwrap()),
        KeySelector::RsaKeyValue {
            modulus: [vec![0], rsa_2048().rsa().unwrap().n().to_vec()].concat(),
            exponent: rsa_2048().rsa().unwrap().e().to_vec(),
        },
    ];
    for selector in selectors {
        let found = store
            .find_private_key(std::slice::from_ref(&selector))
            .unwrap();
        assert_eq!(found.key.key.label(), "keys/a.key.pem", "{selector}");
        let public = store
            .find_public_key(std::slice::from_ref(&selector))
            .unwrap();
        assert!(public.key.public_key().unwrap().public_eq(rsa_2048()));
    }
}

#[test]
fn wrong_serial_or_unknown_key_is_no_match_not_a_guess() {
    let (store, _, _) = store_with_two_keys();
    let err = store
        .find_private_key(&[
            KeySelector::IssuerSerial {
                issuer: "CN=Service A,O=Apache,C=LK".to_string(),
                serial: "1002".to_string(),
            },
            KeySelector::ThumbprintSha1(vec![1; 20]),
        ])
        .unwrap_err();
    match err {
        CryptoError::NoMatchingKey { selector } => {
            assert!(selector.contains("serial 1002"), "{selector}");
            assert!(selector.contains("AQEBAQEB"), "{selector}");
            // A refusal names the supplied files, so the user knows which key it means.
            assert!(
                selector.contains("CN=Service A (keys/a.key.pem)"),
                "{selector}"
            );
        }
        other => panic!("{other:?}"),
    }
    // No selector with two keys: refuse to guess.
    assert!(matches!(
        store.find_private_key(&[]),
        Err(CryptoError::NoMatchingKey { .. })
    ));
}

#[test]
fn only_key_without_selector() {
    let mut store = KeyStore::new();
    store.add_private_key(PrivateKey::new(rsa_2048().clone(), "k.pem"));
    // The same key again is not a second key.
    store.add_private_key(PrivateKey::new(rsa_2048().clone(), "k-copy.pem"));
    let found = store.find_private_key(&[]).unwrap();
    assert!(found.reason.contains("the only private key supplied"));
    // A key without certificate answers SKI from its key bits.
    let ski = found.key.key.computed_key_identifier().unwrap();
    assert!(
        store
            .find_private_key(&[KeySelector::SubjectKeyIdentifier(ski)])
            .is_ok()
    );
    // A thumbprint needs the certificate: the only uncertified key is assumed, and the
    // reason says so.
    let assumed = store
        .find_private_key(&[KeySelector::ThumbprintSha1(vec![0; 20])])
        .unwrap();
    assert!(
        assumed.reason.contains("assumed, not matched"),
        "{}",
        assumed.reason
    );
    // With a second uncertified key nothing is assumed.
    store.add_private_key(PrivateKey::new(rsa_2048_other().clone(), "other.pem"));
    assert!(
        store
            .find_private_key(&[KeySelector::ThumbprintSha1(vec![0; 20])])
            .is_err()
    );
}

#[test]
fn ambiguous_names_are_refused() {
    let mut store = KeyStore::new();
    store.add_certificate(self_signed(rsa_2048(), "Same", 1, "x.pem"));
    store.add_certificate(self_signed(rsa_2048_other(), "Same", 2, "y.pem"));
    assert!(matches!(
        store.find_public_key(&[KeySelector::KeyName("Same".to_string())]),
        Err(CryptoError::AmbiguousKey { .. })
    ));
    // The serial disambiguates.
    let found = store
        .find_public_key(&[KeySelector::IssuerSerial {
            issuer: "CN=Same,O=Apache,C=LK".to_string(),
            serial: "2".to_string(),
        }])
        .unwrap();
    assert_eq!(found.key.label(), "y.pem");
}

#[test]
fn symmetric_keys_by_name_and_defaults() {
    let mut store = KeyStore::new();
    assert!(matches!(
        store.find_symmetric(&[], SymmetricPurpose::Hmac),
        Err(CryptoError::NoMatchingKey { .. })
    ));
    store.add_named_secret(
        "job",
        SecretBytes::from_slice(b"abcdefghijklmnop"),
        "--aes-key job",
    );
    let only = store
        .find_symmetric(&[], SymmetricPurpose::Encryption)
        .unwrap();
    assert!(only.reason.contains("the only secret supplied"));
    store.set_default_hmac_secret(
        SecretBytes::from_slice(b"secret"),
        "--hmac-secret (text value)",
    );
    let by_name = store
        .find_symmetric(
            &[KeySelector::KeyName("job".to_string())],
            SymmetricPurpose::Encryption,
        )
        .unwrap();
    assert_eq!(by_name.key.secret.expose(), b"abcdefghijklmnop");
    let fallback = store
        .find_symmetric(
            &[KeySelector::KeyName("jeb".to_string())],
            SymmetricPurpose::Hmac,
        )
        .unwrap();
    assert_eq!(fallback.key.secret.expose(), b"secret");
    assert!(
        fallback
            .reason
            .contains("no supplied secret is named \"jeb\"")
    );
    assert!(matches!(
        store.find_symmetric(
            &[KeySelector::KeyName("jeb".to_string())],
            SymmetricPurpose::Encryption
        ),
        Err(CryptoError::NoMatchingKey { .. })
    ));
    // Secrets never show in Debug output.
    assert!(!format!("{store:?}").contains("abcdefghijklmnop"));
}

#[test]
fn keys_are_named_by_their_certificate_subject_escaped_for_one_line() {
    let hostile = self_signed(rsa_2048(), "bob\n\u{202e}evil", 7, "keys/bob.cert.pem");
    let entry = PrivateKeyEntry {
        key: PrivateKey::new(rsa_2048().clone(), "keys/bob.key.pem"),
        certificate: Some(hostile),
    };
    let name = entry.describe();
    assert!(name.starts_with("CN=bob "), "{name}");
    assert!(!name.contains('\n') && !name.contains('\u{202e}'), "{name}");
    assert!(!name.contains(".pem"), "{name}");
    assert!(entry.describe_with_file().ends_with("(keys/bob.key.pem)"));
    // Without a certificate the file is all there is to name it by.
    let bare = PrivateKeyEntry {
        key: PrivateKey::new(rsa_2048().clone(), "keys/bare.key.pem"),
        certificate: None,
    };
    assert_eq!(bare.describe(), "keys/bare.key.pem");
}
