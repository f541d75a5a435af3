//! A message for two recipients: the request/reply walkthrough's request (its session key
//! wrapped for bob) with a second EncryptedKey wrapping the same session key for carol. Bob's
//! receiver opens its own and leaves carol's closed: a note naming carol's certificate, not a
//! failure. The refusal stays: bob's key is never tried on carol's EncryptedKey, and an
//! EncryptedKey whose EncryptedData the receiver must open still fails.

mod common;

use std::path::{Path, PathBuf};

use common::report::{Run, per_message, run_both_owned};
use openssl::encrypt::{Decrypter, Encrypter};
use openssl::hash::MessageDigest;
use openssl::pkey::PKey;
use openssl::rsa::Padding;
use openssl::x509::X509;

const REQUEST: &str = "samples/request-reply/encrypt-then-sign/01-alice-bob.xml";
const NOTE: &str = "key-for-other-recipient";

fn pem(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

fn oaep_base64(key: &[u8], cert: &str) -> String {
    let public = X509::from_pem(&pem(cert)).unwrap().public_key().unwrap();
    let mut encrypter = Encrypter::new(&public).unwrap();
    encrypter.set_rsa_padding(Padding::PKCS1_OAEP).unwrap();
    let mut out = vec![0; encrypter.encrypt_len(key).unwrap()];
    let n = encrypter.encrypt(key, &mut out).unwrap();
    out.truncate(n);
    wskex::xml::base64::encode(&out)
}

/// Bob's session key, unwrapped here with bob's private key (RSA-OAEP, as the sample says).
fn session_key(request: &str) -> Vec<u8> {
    let start = request.find("<xenc:CipherValue>").unwrap() + "<xenc:CipherValue>".len();
    let end = start + request[start..].find("</xenc:CipherValue>").unwrap();
    let wrapped = wskex::xml::base64::decode(&request[start..end]).unwrap();
    let key = PKey::private_key_from_pem(&pem("samples/keys/bob.key.pem")).unwrap();
    let mut decrypter = Decrypter::new(&key).unwrap();
    decrypter.set_rsa_padding(Padding::PKCS1_OAEP).unwrap();
    let mut out = vec![0; decrypter.decrypt_len(&wrapped).unwrap()];
    let n = decrypter.decrypt(&wrapped, &mut out).unwrap();
    out.truncate(n);
    out
}

/// An EncryptedKey `id` wrapping `key` for carol, named by her certificate's thumbprint,
/// listing `references`.
fn encrypted_key_for_carol(id: &str, key: &[u8], references: &str) -> String {
    let carol = X509::from_pem(&pem("samples/keys/carol.cert.pem")).unwrap();
    let thumbprint = wskex::xml::base64::encode(&carol.digest(MessageDigest::sha1()).unwrap());
    format!(
        "<xenc:EncryptedKey xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\" Id=\"{id}\"><xenc:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p\"/><ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><wsse:SecurityTokenReference><wsse:KeyIdentifier ValueType=\"http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#ThumbprintSHA1\" EncodingType=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary\">{thumbprint}</wsse:KeyIdentifier></wsse:SecurityTokenReference></ds:KeyInfo><xenc:CipherData><xenc:CipherValue>{}</xenc:CipherValue></xenc:CipherData>{references}</xenc:EncryptedKey>",
        oaep_base64(key, "samples/keys/carol.cert.pem")
    )
}

/// The request with `extra` inserted right after bob's EncryptedKey (and `header_block`, if
/// any, as a header block of its own), written to `dir`.
fn two_recipient_request(dir: &Path, extra: &str, header_block: &str) -> PathBuf {
    let request = std::fs::read_to_string(REQUEST).unwrap();
    let end = request.find("</xenc:EncryptedKey>").unwrap() + "</xenc:EncryptedKey>".len();
    let mut text = format!("{}{extra}{}", &request[..end], &request[end..]);
    text = text.replacen("</s:Header>", &format!("{header_block}</s:Header>"), 1);
    let file = dir.join("two-recipients.xml");
    std::fs::write(&file, text).unwrap();
    file
}

/// Bob's receiver: bob's private key and certificate, alice's certificate (the signer) and
/// carol's certificate (known, but not her key).
fn as_bob(file: &Path) -> Run {
    let args: Vec<String> = [
        "--key",
        "samples/keys/bob.key.pem",
        "--cert",
        "samples/keys/bob.cert.pem",
        "--cert",
        "samples/keys/alice.cert.pem",
        "--cert",
        "samples/keys/carol.cert.pem",
    ]
    .map(String::from)
    .to_vec();
    run_both_owned("inspect", file, &args)
}

#[test]
fn another_recipients_key_beside_ones_own_is_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let request = std::fs::read_to_string(REQUEST).unwrap();
    let carol = encrypted_key_for_carol("EK-carol", &session_key(&request), "");
    let file = two_recipient_request(dir.path(), &carol, "");

    let run = as_bob(&file);
    assert_eq!(run.code, 0, "{}", run.text);
    assert!(
        per_message(&run.json, "key-unavailable").is_empty(),
        "{}",
        run.text
    );
    let notes = per_message(&run.json, NOTE);
    assert_eq!(notes.len(), 1, "{}", run.text);
    let (message, note) = notes[0];
    assert_eq!(message, 1);
    assert_eq!(note["severity"], "info");
    let says = note["message"].as_str().unwrap();
    assert!(says.contains("EncryptedKey EK-carol"), "{says}");
    assert!(
        says.contains("CN=carol"),
        "names whose certificate it is for: {says}"
    );
    assert!(says.contains("by certificate thumbprint"), "{says}");
    assert!(run.text.contains(&format!("info [{NOTE}]")), "{}", run.text);
    // The note points at carol's EncryptedKey.
    let text = std::fs::read_to_string(&file).unwrap();
    let start = note["span"]["start"].as_u64().unwrap() as usize;
    assert!(text[start..].starts_with(
        "<xenc:EncryptedKey xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\" Id=\"EK-carol\""
    ));

    // Bob's key was not tried on carol's EncryptedKey: the only unwrapped key is his.
    let keys = &run.json["messages"][0]["keys"];
    let unwrapped: Vec<&str> = keys
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["inputs"]["kind"] == "unwrapped")
        .map(|k| k["inputs"]["encrypted_key"].as_str().unwrap())
        .collect();
    assert_eq!(unwrapped, ["EK-1"], "{keys}");
    // Named by its holder's certificate subject, not by the key file.
    assert_eq!(keys[0]["inputs"]["with"], "CN=bob", "{keys}");
}

#[test]
fn another_recipients_key_whose_data_the_receiver_needs_still_fails() {
    let dir = tempfile::tempdir().unwrap();
    // Carol's EncryptedKey wraps a key of its own and lists a part only it opens.
    let part = "<xenc:EncryptedData xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\" Id=\"ED-carol\" Type=\"http://www.w3.org/2001/04/xmlenc#Element\"><xenc:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#aes128-cbc\"/><xenc:CipherData><xenc:CipherValue>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>";
    let header_block = format!("<x:ForCarol xmlns:x=\"urn:example\">{part}</x:ForCarol>");
    let carol = encrypted_key_for_carol(
        "EK-carol",
        &[7u8; 16],
        "<xenc:ReferenceList><xenc:DataReference URI=\"#ED-carol\"/></xenc:ReferenceList>",
    );
    let file = two_recipient_request(dir.path(), &carol, &header_block);

    let run = as_bob(&file);
    assert_eq!(run.code, 1, "{}", run.text);
    assert!(per_message(&run.json, NOTE).is_empty(), "{}", run.text);
    let errors = per_message(&run.json, "key-unavailable");
    assert_eq!(errors.len(), 1, "{}", run.text);
    assert_eq!(errors[0].1["severity"], "error");
    let says = errors[0].1["message"].as_str().unwrap();
    assert!(says.contains("carol"), "{says}");
    assert!(run.text.contains("error [key-unavailable]"), "{}", run.text);
}

#[test]
fn a_message_only_for_another_recipient_is_still_refused() {
    // Bob's own EncryptedKey replaced by carol's: nothing of the message opened for bob, so
    // the refusal (bob's key does not match the certificate the message names) is an error.
    let dir = tempfile::tempdir().unwrap();
    let request = std::fs::read_to_string(REQUEST).unwrap();
    let start = request.find("<xenc:EncryptedKey").unwrap();
    let end = request.find("</xenc:EncryptedKey>").unwrap() + "</xenc:EncryptedKey>".len();
    let carol = encrypted_key_for_carol(
        "EK-1",
        &session_key(&request),
        "<xenc:ReferenceList><xenc:DataReference URI=\"#ED-1\"/></xenc:ReferenceList>",
    );
    let text = format!("{}{carol}{}", &request[..start], &request[end..]);
    let file = dir.path().join("for-carol.xml");
    std::fs::write(&file, text).unwrap();

    let run = as_bob(&file);
    assert_eq!(run.code, 1, "{}", run.text);
    assert!(per_message(&run.json, NOTE).is_empty(), "{}", run.text);
    let errors = per_message(&run.json, "key-unavailable");
    assert_eq!(errors.len(), 1, "{}", run.text);
    let says = errors[0].1["message"].as_str().unwrap();
    assert!(
        says.contains("does not match it, so it is not used"),
        "{says}"
    );
}
