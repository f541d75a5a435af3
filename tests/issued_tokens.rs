//! Tokens that travel outside the Security header (issue 11, item 2): the direct walkthrough's
//! RSTR (SecurityContextToken + proof EncryptedKey, made by wskex's own signer and encryptor)
//! sent in a `wst:IssuedTokens` header block of the follow-up message (both WS-Trust namespace
//! generations), or in the Body of the message whose Security header derives from it. The
//! DerivedKeyTokens that name the SCT by its Identifier derive, the signature they key verifies,
//! the Body decrypts, the ledger names the block that carried the key, and an unsigned block is
//! still unauthenticated key transfer. Each case asserts text, JSON and exit code of `inspect`.

mod common;

use common::direct_walk::DirectWalk;

use common::report::{Run, run_both_owned};

use std::path::Path;

use common::wskex;
use serde_json::Value;

const WST13: &str = "http://docs.oasis-open.org/ws-sx/ws-trust/200512";
const WSC13: &str = "http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512";
const WST2005: &str = "http://schemas.xmlsoap.org/ws/2005/02/trust";
const WSC2005: &str = "http://schemas.xmlsoap.org/ws/2005/02/sc";
const SECURITY_OPEN: &str = "<wsse:Security ";

/// The receiver's keys, with key values shown.
fn keys(walk: &DirectWalk) -> Vec<String> {
    let mut keys = walk.bob_keys();
    keys.push("--reveal-secrets".into());
    keys
}

/// The RSTR of message 1 (its Body's content).
fn rstr(walk: &DirectWalk) -> String {
    let text = walk.read("01-alice-bob.xml");
    element(
        &text,
        "<wst:RequestSecurityTokenResponse",
        "</wst:RequestSecurityTokenResponse>",
    )
    .to_string()
}

/// The header SecurityContextToken of message 2 (only its Identifier, no key).
fn follow_up_without_sct(walk: &DirectWalk) -> String {
    let text = walk.read("02-alice-bob.xml");
    let sct = element(
        &text,
        "<wsc:SecurityContextToken",
        "</wsc:SecurityContextToken>",
    );
    text.replacen(sct, "", 1)
}

fn element<'t>(text: &'t str, open: &str, close: &str) -> &'t str {
    let start = text.find(open).unwrap();
    let end = text[start..].find(close).unwrap() + start + close.len();
    &text[start..end]
}

fn inspect(file: &Path, extra: &[String]) -> Run {
    run_both_owned("inspect", file, extra)
}

fn codes(message: &Value) -> Vec<String> {
    message["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// The key of the token `token` (a key's name says what it is, its token where it came from).
fn key<'j>(message: &'j Value, token: &str) -> &'j Value {
    message["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["token"] == token)
        .unwrap_or_else(|| panic!("no key of token {token}: {}", message["keys"]))
}

/// The keys of DK-1 and DK-2 when the two messages are inspected as one conversation (the
/// RSTR in message 1's Body, the derivations in message 2): what the one-message forms must
/// reproduce.
fn conversation_keys(walk: &DirectWalk) -> (String, String) {
    let run = wskex()
        .arg("inspect")
        .arg(walk.path("01-alice-bob.xml"))
        .arg(walk.path("02-alice-bob.xml"))
        .args(keys(walk))
        .args(["--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&run.stdout).unwrap();
    let second = &json["messages"][1];
    (
        key(second, "DK-1")["value_hex"]
            .as_str()
            .unwrap()
            .to_string(),
        key(second, "DK-2")["value_hex"]
            .as_str()
            .unwrap()
            .to_string(),
    )
}

/// Asserts the one-message form derived, verified and decrypted with the RSTR's key.
fn assert_keys_derived_from_the_issued_token(run: &Run, expected: &(String, String)) {
    let message = &run.json["messages"][0];
    assert_eq!(key(message, "DK-1")["value_hex"], expected.0.as_str());
    assert_eq!(key(message, "DK-2")["value_hex"], expected.1.as_str());
    assert!(
        !codes(message).contains(&"key-unavailable".to_string()),
        "{}",
        run.text
    );
    assert_eq!(message["signatures"][0]["valid"], true, "{}", run.text);
    assert_eq!(message["encryptions"][0]["ok"], true, "{}", run.text);
    assert!(!run.text.contains("no token answers"), "{}", run.text);
    assert!(
        run.text
            .contains("signature SIG-2 at line 1 (hmac-sha256): VALID")
    );
}

#[test]
fn an_rstr_in_an_issued_tokens_header_keys_the_security_header() {
    let walk = DirectWalk::new();
    let expected = conversation_keys(&walk);
    let message = follow_up_without_sct(&walk).replacen(
        SECURITY_OPEN,
        &format!(
            "<wst:IssuedTokens>{}</wst:IssuedTokens>{SECURITY_OPEN}",
            rstr(&walk)
        ),
        1,
    );
    let file = walk.write("issued.xml", &message);
    let run = inspect(&file, &keys(&walk));
    assert_keys_derived_from_the_issued_token(&run, &expected);
    let m = &run.json["messages"][0];
    assert_eq!(
        key(m, "EK-1")["carried_in"],
        "carried in the wst:IssuedTokens header block (line 1)"
    );
    assert!(
        run.text.contains(
            "(256 bits, unwrapped, carried in the wst:IssuedTokens header block (line 1))"
        ),
        "{}",
        run.text
    );
    assert!(
        run.text
            .contains("(in the wst:IssuedTokens header block (line 1))")
    );
    // No signature covers the IssuedTokens block: the key is registered, not trusted.
    assert_eq!(run.code, 1, "{}", run.text);
    assert!(codes(m).contains(&"unsigned-key-transfer".to_string()));
    assert!(run.text.contains("error [unsigned-key-transfer]"));

    // Over authenticated TLS the same transfer is a note, and the message passes.
    let mut tls = keys(&walk);
    tls.push("--transport-secured".into());
    let vouched = inspect(&file, &tls);
    assert_eq!(vouched.code, 0, "{}", vouched.text);
    assert!(
        codes(&vouched.json["messages"][0]).contains(&"key-transfer-over-transport".to_string())
    );
}

#[test]
fn the_feb_2005_generation_is_read_the_same_way() {
    let walk = DirectWalk::new();
    let expected = conversation_keys(&walk);
    let message = follow_up_without_sct(&walk)
        .replacen(
            SECURITY_OPEN,
            &format!(
                "<wst:IssuedTokens>{}</wst:IssuedTokens>{SECURITY_OPEN}",
                rstr(&walk)
            ),
            1,
        )
        .replace(
            &format!("xmlns:wst=\"{WST13}\""),
            &format!("xmlns:wst=\"{WST2005}\""),
        )
        .replace(
            &format!("xmlns:wsc=\"{WSC13}\""),
            &format!("xmlns:wsc=\"{WSC2005}\""),
        )
        .replace(&format!("{WSC13}/dk"), &format!("{WSC2005}/dk"))
        .replace(&format!("{WSC13}/sct"), &format!("{WSC2005}/sct"));
    assert!(message.contains(WST2005) && !message.contains(WST13));
    let file = walk.write("issued-2005.xml", &message);
    let run = inspect(&file, &keys(&walk));
    assert_keys_derived_from_the_issued_token(&run, &expected);
    assert_eq!(run.code, 1);
    assert!(codes(&run.json["messages"][0]).contains(&"unsigned-key-transfer".to_string()));
}

#[test]
fn an_rstr_in_the_signed_body_keys_a_derived_key_of_the_same_message() {
    let walk = DirectWalk::new();
    let expected = conversation_keys(&walk);
    let follow_up = walk.read("02-alice-bob.xml");
    let dkt = element(
        &follow_up,
        "<wsc:DerivedKeyToken wsu:Id=\"DK-1\"",
        "</wsc:DerivedKeyToken>",
    );
    let first = walk.read("01-alice-bob.xml");
    let message = first.replacen("</wsse:Security>", &format!("{dkt}</wsse:Security>"), 1);
    let file = walk.write("body.xml", &message);
    let run = inspect(&file, &keys(&walk));
    let m = &run.json["messages"][0];
    assert_eq!(
        key(m, "DK-1")["value_hex"],
        expected.0.as_str(),
        "{}",
        run.text
    );
    assert_eq!(
        key(m, "EK-1")["carried_in"],
        "carried in the s:Body (line 1)"
    );
    // Alice's signature covers the Body that carries the RSTR: an authenticated transfer.
    assert_eq!(m["signatures"][0]["valid"], true);
    assert!(
        !codes(m).contains(&"unsigned-key-transfer".to_string()),
        "{}",
        run.text
    );
    assert!(
        !codes(m).contains(&"key-unavailable".to_string()),
        "{}",
        run.text
    );
    assert_eq!(run.code, 0, "{}", run.text);
    assert!(run.text.contains(
        "DerivedKeyToken DK-1 (line 1): offset 0, length 32, default label -> key derived-key-1"
    ));
}
