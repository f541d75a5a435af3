//! An encrypted `soap:Body` element (issue 11, item 8): WS-Security forbids encrypting the
//! Body element itself, so an EncryptedData of Type Element standing in its place is a
//! conformance finding (`encrypted-soap-element`, a warning), never `damaged`: whether it was
//! decrypted (then the Body came out of the plaintext) or not (then the EncryptedData stands
//! where the Body should be). Built with wskex's own encryptor and checked on the shared CXF
//! capture S20; each case asserts the text report, the JSON and the exit code of `inspect`.

mod common;

use common::report::{Run, run_both_owned};

use std::path::Path;

use wskex::crypto::{BlockCipherAlgorithm, SeededRandom};
use wskex::ns;
use wskex::xenc::encrypt::{EncryptedDataSpec, EncryptionTarget, encrypt_node};
use wskex::xml::Document;

const SESSION: [u8; 16] = [9; 16];

/// A SOAP 1.1 message whose Body element is replaced by an EncryptedData (Type Element) under
/// a key named `session`.
fn element_encrypted_body() -> String {
    let plain = format!(
        "<s:Envelope xmlns:s=\"{}\" xmlns:wsse=\"{}\"><s:Header><wsse:Security/></s:Header><s:Body><ex:Order xmlns:ex=\"urn:wskex:example\">42</ex:Order></s:Body></s:Envelope>",
        ns::SOAP11,
        ns::WSSE
    );
    let doc = Document::parse_str(&plain, "t").unwrap();
    let body = doc
        .descendants()
        .find(|n| n.is_element() && n.local_name() == "Body")
        .unwrap()
        .id();
    let spec = EncryptedDataSpec {
        id: Some("ED-body".into()),
        target: EncryptionTarget::Element,
        algorithm: BlockCipherAlgorithm::Aes128Cbc,
        key_info: Some("<ds:KeyName>session</ds:KeyName>".into()),
    };
    encrypt_node(&doc, body, &spec, &SESSION, &mut SeededRandom::new(5))
        .unwrap()
        .document
        .text()
        .to_string()
}

fn inspect(file: &Path, extra: &[String]) -> Run {
    run_both_owned("inspect", file, extra)
}

fn findings(run: &Run) -> Vec<(String, String)> {
    run.json["messages"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn has(run: &Run, code: &str, severity: &str) -> bool {
    findings(run)
        .iter()
        .any(|(c, s)| c == code && s == severity)
}

#[test]
fn a_decrypted_body_element_is_a_conformance_warning_not_damage() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("body.xml");
    std::fs::write(&file, element_encrypted_body()).unwrap();
    let key = vec![
        "--key-name".to_string(),
        format!("session=hex:{}", hex::encode(SESSION)),
    ];
    let r = inspect(&file, &key);
    assert!(has(&r, "encrypted-soap-element", "warning"), "{}", r.text);
    assert!(!has(&r, "damaged", "error"), "{}", r.text);
    assert!(
        r.text.contains(&format!("warning [encrypted-soap-element] {}:1:197: the s:Body element itself was encrypted (it decrypted to s:Body), which WS-Security forbids", file.display())),
        "{}",
        r.text
    );
    // In the received bytes the Body is still the EncryptedData that held it.
    let finding = &r.json["messages"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "encrypted-soap-element")
        .unwrap()["span"];
    let received = std::fs::read_to_string(&file).unwrap();
    let start = finding["start"].as_u64().unwrap() as usize;
    assert!(
        received[start..].starts_with("<xenc:EncryptedData"),
        "{}",
        &received[start..]
    );
    assert_eq!(r.json["messages"][0]["encryptions"][0]["ok"], true);
    assert_eq!(r.json["messages"][0]["encryptions"][0]["type"], "element");
    // A conformance warning: with nothing else failing, the exit code stays 0.
    assert_eq!(r.code, 0, "{}", r.text);
}

#[test]
fn an_undecrypted_body_element_is_named_where_it_stands() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("body.xml");
    std::fs::write(&file, element_encrypted_body()).unwrap();
    let r = inspect(&file, &[]);
    assert!(has(&r, "encrypted-soap-element", "warning"), "{}", r.text);
    assert!(!has(&r, "damaged", "error"), "{}", r.text);
    assert!(
        r.text
            .contains("xenc:EncryptedData ED-body stands in the envelope where the Body should be"),
        "{}",
        r.text
    );
    // The part could not be opened: that failure is the error, and it decides the exit code.
    assert!(has(&r, "decryption-failed", "error"));
    assert_eq!(r.code, 1);
}

#[test]
fn the_cxf_capture_with_an_encrypted_body_element() {
    let Some(shared) = common::shared_dir("the_cxf_capture_with_an_encrypted_body_element") else {
        return;
    };
    let file = shared.join("captures/cxf/encrypted_body_element.xml");
    let key = vec![
        "--key".to_string(),
        shared
            .join("captures/keys/cxf-myalias.key.pem")
            .to_str()
            .unwrap()
            .to_string(),
    ];
    let r = inspect(&file, &key);
    assert_eq!(r.code, 0, "{}", r.text);
    assert!(!has(&r, "damaged", "error"), "{}", r.text);
    assert!(has(&r, "encrypted-soap-element", "warning"), "{}", r.text);
    assert!(
        r.text
            .contains("the soapenv:Body element itself was encrypted"),
        "{}",
        r.text
    );
    let opened: Vec<bool> = r.json["messages"][0]["encryptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["ok"].as_bool().unwrap())
        .collect();
    assert_eq!(opened, [true, true, true]);
}
