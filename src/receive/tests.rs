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
