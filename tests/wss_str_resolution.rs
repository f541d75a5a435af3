//! Every SecurityTokenReference form the receiver follows, one message each: a signature whose
//! KeyInfo names the signer's certificate by direct reference, thumbprint, subject key
//! identifier, issuer and serial, or embeds it, and an HMAC keyed through DerivedKeyTokens
//! on an SCT named by Identifier and on an EncryptedKey named by EncryptedKeySHA1.

use wskex::crypto::signature::SigningKey;
use wskex::crypto::{DigestAlgorithm, KeyStore, SeededRandom, SignatureAlgorithm};
use wskex::patterns::draft::{
    Draft, bst_xml, derived_key_token_xml, encrypted_key_for, str_encrypted_key_sha1,
    str_key_identifier, str_reference, str_thumbprint,
};
use wskex::patterns::parties::{certificate, party, private_key};
use wskex::receive::resolver::NoAttachments;
use wskex::receive::store::{Binding, TokenStore};
use wskex::receive::{ProcessOptions, process_message};
use wskex::wss::uris;
use wskex::xml::{Document, base64};

fn signed_by_alice(key_info: &str, with_bst: bool) -> String {
    let alice = party("alice", "signer");
    let mut draft = Draft::envelope("urn:bob", "urn:test", "Body-1", "<p>hello</p>");
    if with_bst {
        draft
            .prepend_security(&bst_xml("X509-1", certificate(&alice)).unwrap())
            .unwrap();
    }
    let key = private_key(&alice).pkey().to_owned();
    draft
        .sign(
            "SIG-1",
            SignatureAlgorithm::Rsa(DigestAlgorithm::Sha256),
            SigningKey::Rsa(&key),
            &["#Body-1"],
            key_info,
        )
        .unwrap();
    draft.text().to_string()
}

fn bob_with_alice_cert() -> KeyStore {
    let mut keys = KeyStore::new();
    let bob = party("bob", "receiver");
    keys.add_private_key(private_key(&bob).clone());
    keys.add_certificate(certificate(&bob).clone());
    keys.add_certificate(certificate(&party("alice", "signer")).clone());
    keys
}

fn verify(text: &str, keys: &KeyStore, store: &mut TokenStore) -> (bool, String) {
    let doc = Document::parse_str(text, "test").unwrap();
    let processed = process_message(
        doc,
        0,
        keys,
        store,
        &ProcessOptions::default(),
        &NoAttachments,
    );
    let s = processed.signatures.first().expect("a signature");
    let how = s
        .key
        .as_ref()
        .map(|k| k.description.clone())
        .unwrap_or_else(|| s.error.clone().unwrap_or_default());
    (
        s.valid && s.key.as_ref().is_some_and(|k| k.proves_identity),
        how,
    )
}

#[test]
fn certificate_references_of_every_form() {
    let alice = party("alice", "signer");
    let cert = certificate(&alice);
    let (ski, _) = cert.subject_key_identifier().unwrap();
    let der = cert.to_der().unwrap();
    let cases = [
        (
            "direct reference to a BinarySecurityToken",
            str_reference("#X509-1", Some(uris::X509V3)),
            true,
        ),
        ("ThumbprintSHA1", str_thumbprint(cert).unwrap(), false),
        (
            "X509SubjectKeyIdentifier",
            str_key_identifier(uris::X509_SUBJECT_KEY_IDENTIFIER, &ski),
            false,
        ),
        (
            "X509IssuerSerial",
            format!(
                "<wsse:SecurityTokenReference><ds:X509Data><ds:X509IssuerSerial><ds:X509IssuerName>{}</ds:X509IssuerName><ds:X509SerialNumber>{}</ds:X509SerialNumber></ds:X509IssuerSerial></ds:X509Data></wsse:SecurityTokenReference>",
                cert.issuer(),
                cert.serial_decimal().unwrap()
            ),
            false,
        ),
        (
            "Embedded BinarySecurityToken",
            format!(
                "<wsse:SecurityTokenReference><wsse:Embedded><wsse:BinarySecurityToken ValueType=\"{}\">{}</wsse:BinarySecurityToken></wsse:Embedded></wsse:SecurityTokenReference>",
                uris::X509V3,
                base64::encode(&der)
            ),
            false,
        ),
    ];
    for (form, key_info, with_bst) in cases {
        let text = signed_by_alice(&key_info, with_bst);
        let (ok, how) = verify(&text, &bob_with_alice_cert(), &mut TokenStore::default());
        assert!(ok, "{form}: {how}");
    }
}

#[test]
fn an_unknown_certificate_proves_integrity_only() {
    let text = signed_by_alice(&str_reference("#X509-1", Some(uris::X509V3)), true);
    let mut keys = KeyStore::new();
    keys.add_private_key(private_key(&party("bob", "receiver")).clone());
    let (identity, how) = verify(&text, &keys, &mut TokenStore::default());
    assert!(!identity, "alice's certificate was not supplied: {how}");
    assert!(how.contains("integrity, not identity"), "{how}");
}

#[test]
fn derived_keys_on_an_sct_by_identifier_and_on_an_encrypted_key_by_sha1() {
    let secret = [7u8; 32];
    let nonce = [9u8; 16];
    let derived = wskex::crypto::psha1::derived_key(&secret, None, &nonce, 0, 32).unwrap();
    let identifier = "urn:uuid:00000000-0000-4000-8000-000000000001";

    // By Identifier (no '#'), with the SCT's secret bound by the user.
    let mut draft = Draft::envelope("urn:bob", "urn:test", "Body-1", "<p>hello</p>");
    let sct_ref = str_reference(identifier, Some(wskex::patterns::draft::SCT_200512));
    draft
        .prepend_security(&derived_key_token_xml("DK-1", &sct_ref, 32, &nonce))
        .unwrap();
    draft.prepend_security(&format!("<wsc:SecurityContextToken wsu:Id=\"SCT-1\"><wsc:Identifier>{identifier}</wsc:Identifier></wsc:SecurityContextToken>")).unwrap();
    draft
        .sign(
            "SIG-1",
            SignatureAlgorithm::Hmac(DigestAlgorithm::Sha256),
            SigningKey::Hmac(derived.expose()),
            &["#Body-1"],
            &str_reference("#DK-1", None),
        )
        .unwrap();
    let mut store = TokenStore::new(vec![Binding {
        name: identifier.into(),
        secret: wskex::crypto::SecretBytes::from_slice(&secret),
        label: "test".into(),
    }]);
    let doc = Document::parse_str(draft.text(), "sct").unwrap();
    let processed = process_message(
        doc,
        0,
        &KeyStore::new(),
        &mut store,
        &ProcessOptions::default(),
        &NoAttachments,
    );
    assert!(
        processed.signatures[0].valid,
        "{:?}",
        processed.signatures[0].error
    );

    // By EncryptedKeySHA1 of an EncryptedKey the receiver opened in an earlier message.
    let bob = party("bob", "receiver");
    let ek = encrypted_key_for(
        &secret,
        certificate(&bob),
        "EK-1",
        &[],
        &mut SeededRandom::new(1),
    )
    .unwrap();
    let mut first = Draft::envelope("urn:bob", "urn:test", "Body-1", "<p>key</p>");
    first.prepend_security(&ek.xml).unwrap();
    let mut keys = KeyStore::new();
    keys.add_private_key(private_key(&bob).clone());
    keys.add_certificate(certificate(&bob).clone());
    let mut store = TokenStore::default();
    let doc = Document::parse_str(first.text(), "first").unwrap();
    process_message(
        doc,
        0,
        &keys,
        &mut store,
        &ProcessOptions::default(),
        &NoAttachments,
    );
    let mut second = Draft::envelope("urn:alice", "urn:test", "Body-2", "<p>reply</p>");
    second
        .prepend_security(&derived_key_token_xml(
            "DK-2",
            &str_encrypted_key_sha1(&ek.cipher_value).unwrap(),
            32,
            &nonce,
        ))
        .unwrap();
    second
        .sign(
            "SIG-2",
            SignatureAlgorithm::Hmac(DigestAlgorithm::Sha256),
            SigningKey::Hmac(derived.expose()),
            &["#Body-2"],
            &str_reference("#DK-2", None),
        )
        .unwrap();
    let doc = Document::parse_str(second.text(), "second").unwrap();
    let processed = process_message(
        doc,
        1,
        &keys,
        &mut store,
        &ProcessOptions::default(),
        &NoAttachments,
    );
    assert!(
        processed.signatures[0].valid,
        "{:?}",
        processed.signatures[0].error
    );
}
