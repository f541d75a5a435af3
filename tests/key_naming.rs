//! Never a key the message did not name: with one private key supplied and the message naming
//! another certificate, wskex refuses and says which certificate the message names; a key
//! used because nothing in the message could be checked against it is labelled an
//! assumption (text and JSON). Built on the direct walkthrough, whose EncryptedKey names
//! Bob's certificate by thumbprint.

mod common;

use common::direct_walk::DirectWalk as Walk;

use std::path::Path;

use common::report::{Run, run_both, with_code};
use serde_json::Value;

fn inspect(file: &Path, extra: &[String]) -> Run {
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    run_both("inspect", file, &extra)
}

fn finding<'a>(json: &'a Value, code: &str) -> Option<&'a Value> {
    with_code(json, code).into_iter().next()
}

fn unwrapped(json: &Value) -> bool {
    json["messages"][0]["keys"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|k| k["origin"] == "unwrapped")
}

#[test]
fn a_supplied_key_that_is_not_the_named_certificates_is_refused() {
    let walk = Walk::new();
    let message = walk.path("01-alice-bob.xml");
    // Alice's key, Bob's certificate: the message names Bob's, and Alice's key is not it.
    let args = [
        "--key".into(),
        walk.arg("alice.key.pem"),
        "--cert".into(),
        walk.arg("bob.cert.pem"),
    ];
    let r = inspect(&message, &args);
    assert_eq!(r.code, 1, "{}", r.text);
    assert!(
        !unwrapped(&r.json),
        "nothing is unwrapped with the wrong key"
    );
    let refused = finding(&r.json, "key-unavailable").expect("refusal");
    let message_text = refused["message"].as_str().unwrap();
    assert!(
        message_text.contains("no private key for the certificate the message names")
            && message_text.contains("CN=bob")
            && message_text.contains("by certificate thumbprint")
            && message_text.contains("alice.key.pem) does not match it"),
        "{message_text}"
    );
    assert!(
        r.text.contains("does not match it, so it is not used"),
        "{}",
        r.text
    );
    assert!(finding(&r.json, "key-assumed").is_none());
}

#[test]
fn a_certificate_the_message_carries_names_the_key_too() {
    let walk = Walk::new();
    let text = std::fs::read_to_string(walk.path("01-alice-bob.xml")).unwrap();
    let bob: String = std::fs::read_to_string(walk.path("bob.cert.pem"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let bst = format!(
        "<wsse:BinarySecurityToken wsu:Id=\"X509-bob\" ValueType=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3\" EncodingType=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary\">{bob}</wsse:BinarySecurityToken>"
    );
    let at = text.find("</wsse:Security>").unwrap();
    let carried = format!("{}{bst}{}", &text[..at], &text[at..]);
    let file = walk.scratch("carries-bob.xml");
    std::fs::write(&file, carried).unwrap();

    // Only Alice's key, without any certificate: the message's own copy of Bob's
    // certificate shows the thumbprint is his.
    let r = inspect(&file, &["--key".into(), walk.arg("alice.key.pem")]);
    assert_eq!(r.code, 1);
    assert!(!unwrapped(&r.json));
    let refused = finding(&r.json, "key-unavailable").unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        refused.contains("CN=bob") && refused.contains("does not match it"),
        "{refused}"
    );
}

#[test]
fn a_key_the_message_names_by_nothing_checkable_is_labelled_an_assumption() {
    let walk = Walk::new();
    let message = walk.path("01-alice-bob.xml");
    // Bob's key without its certificate: the thumbprint cannot be checked; the key is used
    // as the user's evident choice and labelled so.
    let r = inspect(&message, &["--key".into(), walk.arg("bob.key.pem")]);
    assert!(unwrapped(&r.json), "{}", r.text);
    let assumed = finding(&r.json, "key-assumed").expect("labelled");
    assert_eq!(assumed["severity"], "warning");
    // It points at the EncryptedKey that was opened.
    let text = std::fs::read_to_string(&message).unwrap();
    let start = assumed["span"]["start"].as_u64().unwrap() as usize;
    assert!(
        text[start..].starts_with("<xenc:EncryptedKey"),
        "{}",
        &text[start..]
    );
    assert!(
        assumed["message"]
            .as_str()
            .unwrap()
            .contains("on an assumption, not a match")
    );
    assert!(r.text.contains("warning [key-assumed]"), "{}", r.text);

    // With the certificate, the thumbprint is checked: a match, no assumption.
    let r = inspect(
        &message,
        &[
            "--key".into(),
            walk.arg("bob.key.pem"),
            "--cert".into(),
            walk.arg("bob.cert.pem"),
        ],
    );
    assert!(unwrapped(&r.json));
    assert!(finding(&r.json, "key-assumed").is_none());

    // Alice's key alone is assumed too, fails to open it, and the failure says it was assumed.
    let r = inspect(&message, &["--key".into(), walk.arg("alice.key.pem")]);
    assert_eq!(r.code, 1);
    assert!(!unwrapped(&r.json));
    let failed = finding(&r.json, "key-unavailable").unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(failed.contains("assumed, not matched"), "{failed}");
}
