//! Several candidates for one key (issue 11, item 5): two EncryptedKeys carry the name an
//! EncryptedData asks for (`CarriedKeyName` = its `ds:KeyName`), or its KeyInfo offers two
//! embedded EncryptedKeys (one per recipient). Built with wskex's own encryptor (AES key wrap
//! under two key-encryption keys); whichever KEK the user supplies, that EncryptedKey is used
//! and the report says which; with neither, the failure names both. Each case asserts the text
//! report, the JSON and the exit code of `decrypt` (plain XML Encryption) or `inspect` (SOAP).

mod common;

use common::report::{Run, run_both_owned};

use std::path::{Path, PathBuf};

use serde_json::Value;
use wskex::crypto::{BlockCipherAlgorithm, KeyWrapAlgorithm, SeededRandom};
use wskex::ns;
use wskex::xenc::encrypt::{
    EncryptedDataSpec, EncryptedKeySpec, EncryptionTarget, KeyProtection, build_encrypted_key,
    encrypt_node,
};
use wskex::xml::Document;

const SESSION: [u8; 16] = [7; 16];
const KEK_A: [u8; 16] = [0xa1; 16];
const KEK_B: [u8; 16] = [0xb2; 16];

/// An EncryptedKey wrapping the session key under `kek` (named `kek_name` in its KeyInfo),
/// carrying `carried` as its CarriedKeyName when given.
fn encrypted_key(id: &str, kek: &[u8], kek_name: &str, carried: Option<&str>, seed: u64) -> String {
    build_encrypted_key::<openssl::pkey::Public>(
        &SESSION,
        KeyProtection::Wrap {
            method: KeyWrapAlgorithm::Aes128,
            kek,
        },
        &EncryptedKeySpec {
            id: Some(id.into()),
            key_info: Some(format!("<ds:KeyName>{kek_name}</ds:KeyName>")),
            carried_key_name: carried.map(str::to_string),
            ..EncryptedKeySpec::default()
        },
        &mut SeededRandom::new(seed),
    )
    .unwrap()
    .xml
}

/// Replaces the content of the element named `local` with an EncryptedData under the session
/// key, its KeyInfo holding `key_info`.
fn encrypt_content(text: &str, local: &str, key_info: String) -> String {
    let doc = Document::parse_str(text, "t").unwrap();
    let target = doc
        .descendants()
        .find(|n| n.is_element() && n.local_name() == local)
        .unwrap()
        .id();
    let spec = EncryptedDataSpec {
        id: Some("ED-1".into()),
        target: EncryptionTarget::Content,
        algorithm: BlockCipherAlgorithm::Aes128Cbc,
        key_info: Some(key_info),
    };
    encrypt_node(&doc, target, &spec, &SESSION, &mut SeededRandom::new(3))
        .unwrap()
        .document
        .text()
        .to_string()
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn kek(name: &str, bytes: &[u8]) -> Vec<String> {
    vec![
        "--key-name".into(),
        format!("{name}=hex:{}", hex::encode(bytes)),
    ]
}

/// The text run's stdout and stderr together: `decrypt` reports on stderr.
fn run(command: &str, file: &Path, extra: &[String]) -> Run {
    let mut run = run_both_owned(command, file, extra);
    run.text.push_str(&run.stderr);
    run
}

/// The key chain of the first encrypted part, as one string.
fn chain(json: &Value) -> String {
    let report = json["messages"][0]["encryptions"][0].clone();
    let report = if report.is_null() {
        json["decrypted"][0].clone()
    } else {
        report
    };
    report["key_chain"]
        .as_array()
        .unwrap_or_else(|| panic!("no key_chain in {json}"))
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect::<Vec<_>>()
        .join(" | ")
}

fn carried_name_document() -> String {
    let plain = format!(
        "<doc xmlns:xenc=\"{}\" xmlns:ds=\"{}\">{}{}<payload><secret>42</secret></payload></doc>",
        ns::XENC,
        ns::DS,
        encrypted_key("EK-A", &KEK_A, "kek-a", Some("session"), 1),
        encrypted_key("EK-B", &KEK_B, "kek-b", Some("session"), 2),
    );
    encrypt_content(&plain, "payload", "<ds:KeyName>session</ds:KeyName>".into())
}

#[test]
fn of_two_keys_carrying_the_name_the_one_whose_kek_was_supplied_opens() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "carried.xml", &carried_name_document());
    for (name, bytes, used, other) in [
        ("kek-b", KEK_B, "EK-B", "EK-A"),
        ("kek-a", KEK_A, "EK-A", "EK-B"),
    ] {
        let r = run("decrypt", &file, &kek(name, &bytes));
        assert_eq!(r.code, 0, "{name}: {}", r.text);
        let chain = chain(&r.json);
        assert!(
            chain.contains(&format!(
                "2 EncryptedKeys were offered for this key: used EncryptedKey {used}, whose key-encryption key was supplied"
            )),
            "{name}: {chain}"
        );
        if used == "EK-B" {
            // EK-A came first and was passed over, with the reason.
            assert!(chain.contains("passed over: EncryptedKey EK-A"), "{chain}");
        } else {
            assert!(!chain.contains(other), "{chain}");
        }
        assert!(
            chain.starts_with("key name \"session\" is carried by a detached EncryptedKey"),
            "{chain}"
        );
        assert!(
            r.text.contains(&format!(
                "  key: 2 EncryptedKeys were offered for this key: used EncryptedKey {used}"
            )),
            "{}",
            r.text
        );
        assert_eq!(r.json["decrypted"][0]["ok"], true);
        assert_eq!(r.json["decrypted"][0]["plaintext_length"], 19);
    }
    let neither = run("decrypt", &file, &[]);
    assert_eq!(neither.code, 1, "{}", neither.text);
    assert!(
        neither.text.contains(
            "none of the 2 EncryptedKeys offered for this key opens with the keys supplied"
        ),
        "{}",
        neither.text
    );
}

#[test]
fn of_two_embedded_keys_in_a_soap_body_the_suppliable_one_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let plain = format!(
        "<s:Envelope xmlns:s=\"{}\" xmlns:wsse=\"{}\" xmlns:xenc=\"{}\" xmlns:ds=\"{}\"><s:Header><wsse:Security/></s:Header><s:Body><ex:Order xmlns:ex=\"urn:wskex:example\">42</ex:Order></s:Body></s:Envelope>",
        ns::SOAP12,
        ns::WSSE,
        ns::XENC,
        ns::DS
    );
    let key_info = format!(
        "{}{}",
        encrypted_key("EK-A", &KEK_A, "kek-a", None, 1),
        encrypted_key("EK-B", &KEK_B, "kek-b", None, 2)
    );
    let file = write(
        &dir,
        "embedded.xml",
        &encrypt_content(&plain, "Body", key_info),
    );
    let r = run("inspect", &file, &kek("kek-b", &KEK_B));
    let e = &r.json["messages"][0]["encryptions"][0];
    assert_eq!(e["ok"], true, "{}", r.text);
    assert_eq!(e["plaintext_length"], 52, "{}", r.text);
    let chain = chain(&r.json);
    assert!(
        chain.contains("2 EncryptedKeys were offered for this key: used EncryptedKey EK-B, whose key-encryption key was supplied (passed over: EncryptedKey EK-A"),
        "{chain}"
    );
    assert!(
        r.text
            .contains("encrypted ED-1 (content, aes128-cbc) with key"),
        "{}",
        r.text
    );
    assert!(!r.text.contains("[decryption-failed]"), "{}", r.text);
    // Nothing else fails: the unsigned body is a warning, so the exit code is 0.
    assert_eq!(r.code, 0, "{}", r.text);

    let neither = run("inspect", &file, &[]);
    assert_eq!(neither.code, 1);
    assert!(
        neither.text.contains("[decryption-failed]"),
        "{}",
        neither.text
    );
    assert!(
        neither.text.contains("none of the 2 EncryptedKeys offered"),
        "{}",
        neither.text
    );
}
