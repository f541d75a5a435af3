use super::*;
use crate::crypto::{SecretBytes, SeededRandom, cipher};
use crate::xml::base64;

/// A message whose Body content is AES-256-CBC under the named secret `k`, listed in a
/// header ReferenceList, decrypting to `plaintext`.
fn encrypted_body(plaintext: &[u8], key: &[u8]) -> String {
    let ct = cipher::encrypt(
        BlockCipherAlgorithm::Aes256Cbc,
        key,
        plaintext,
        &mut SeededRandom::new(7),
    )
    .unwrap();
    format!(
        "<s:Envelope xmlns:s=\"{soap}\" xmlns:wsse=\"{wsse}\"><s:Header><wsse:Security>\
         <xenc:ReferenceList xmlns:xenc=\"{xenc}\"><xenc:DataReference URI=\"#ED-1\"/></xenc:ReferenceList>\
         </wsse:Security></s:Header><s:Body><xenc:EncryptedData xmlns:xenc=\"{xenc}\" Id=\"ED-1\" \
         Type=\"http://www.w3.org/2001/04/xmlenc#Content\"><xenc:EncryptionMethod Algorithm=\"{aes}\"/>\
         <ds:KeyInfo xmlns:ds=\"{ds}\"><ds:KeyName>k</ds:KeyName></ds:KeyInfo><xenc:CipherData>\
         <xenc:CipherValue>{value}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></s:Body></s:Envelope>",
        soap = ns::SOAP12,
        wsse = ns::WSSE,
        xenc = ns::XENC,
        ds = ns::DS,
        aes = BlockCipherAlgorithm::Aes256Cbc.uri(),
        value = base64::encode(&ct),
    )
}

fn process(text: &str, key: &[u8]) -> ProcessedMessage {
    let mut keys = KeyStore::new();
    keys.add_named_secret("k", SecretBytes::from_slice(key), "test key");
    let doc = Document::parse_str(text, "test").unwrap();
    process_message(
        doc,
        0,
        &keys,
        &mut TokenStore::default(),
        &ProcessOptions::default(),
        &crate::receive::resolver::NoAttachments,
    )
}

/// An EncryptedData of octets opens but stays in place: it is reported once, not again by
/// the pass over EncryptedData no ReferenceList named.
#[test]
fn octets_listed_in_a_reference_list_are_reported_once() {
    let key = [3u8; 32];
    let text = encrypted_body(b"raw octets", &key)
        .replace("http://www.w3.org/2001/04/xmlenc#Content", "urn:octets");
    let processed = process(&text, &key);
    assert_eq!(
        processed.encryptions.len(),
        1,
        "{:?}",
        processed.encryptions
    );
    assert!(processed.encryptions[0].ok);
}

#[test]
fn a_body_listed_in_a_reference_list_is_decrypted_once() {
    let key = [3u8; 32];
    let processed = process(
        &encrypted_body(b"<ex:Hello xmlns:ex=\"urn:x\"/>", &key),
        &key,
    );
    assert_eq!(processed.encryptions.len(), 1);
    assert!(processed.encryptions[0].ok, "{:?}", processed.encryptions);
}

/// Plaintext that is not UTF-8 (a changed ciphertext, the wrong key) fails once: the
/// pass over EncryptedData no ReferenceList named must not try it again.
#[test]
fn an_encrypted_part_that_decrypts_to_garbage_is_reported_once() {
    let key = [3u8; 32];
    let processed = process(&encrypted_body(&[0xff, 0xfe, 0xfd, 0x80], &key), &key);
    assert_eq!(
        processed.encryptions.len(),
        1,
        "{:#?}",
        processed.encryptions
    );
    assert!(!processed.encryptions[0].ok);
    let failures = processed
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::DecryptionFailed)
        .count();
    assert_eq!(failures, 1, "{:#?}", processed.findings);
}

/// A custom header block (here a stand-in for wskex's delegation token) carrying an
/// EncryptedKey and its own signature: the key is registered so an STR can name it, the
/// signature is verified, and a receiver who cannot open the key gets a warning for the
/// block and a failed signature, not a crash or a silent pass.
#[test]
fn keys_and_signatures_inside_unknown_header_blocks_are_processed() {
    use crate::crypto::signature::SigningKey;
    use crate::crypto::{DigestAlgorithm, SignatureAlgorithm};
    use crate::patterns::draft::{Draft, encrypted_key_for, str_reference};
    use crate::patterns::parties::{certificate, party, private_key};
    let bob = party("bob", "receiver");
    let alice = party("alice", "bystander");
    let key = [9u8; 32];
    let ek = encrypted_key_for(
        &key,
        certificate(&bob),
        "EK-9",
        &[],
        &mut SeededRandom::new(3),
    )
    .unwrap();
    let mut draft = Draft::envelope(
        "urn:bob",
        "urn:act",
        "Body-1",
        "<ex:Hi xmlns:ex=\"urn:x\"/>",
    );
    draft
        .prepend_security(&format!(
            "<x:Custom xmlns:x=\"urn:x\">{}</x:Custom>",
            ek.xml
        ))
        .unwrap();
    draft
        .sign(
            "SIG-1",
            SignatureAlgorithm::Hmac(DigestAlgorithm::Sha256),
            SigningKey::Hmac(&key),
            &["#Body-1"],
            &str_reference("#EK-9", Some(crate::wss::uris::ENCRYPTED_KEY_TOKEN)),
        )
        .unwrap();
    for (who, expect) in [(&bob, true), (&alice, false)] {
        let mut keys = KeyStore::new();
        keys.add_private_key(private_key(who).clone());
        keys.add_certificate(certificate(who).clone());
        let processed = process_message(
            Document::parse_str(draft.text(), "test").unwrap(),
            0,
            &keys,
            &mut TokenStore::default(),
            &ProcessOptions::default(),
            &crate::receive::resolver::NoAttachments,
        );
        assert_eq!(processed.signatures.len(), 1);
        assert_eq!(processed.signatures[0].valid, expect, "{}", who.name);
        assert!(
            processed.tokens.iter().any(|t| t.kind == "EncryptedKey"
                && t.id.as_deref() == Some("EK-9")
                && t.detail.contains("x:Custom")),
            "{:?}",
            processed.tokens
        );
        let warned = processed
            .findings
            .iter()
            .any(|f| f.code == FindingCode::NestedKeyUnavailable);
        assert_eq!(warned, !expect, "{}", who.name);
    }
}
