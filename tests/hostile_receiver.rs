//! Attacks on the receiving processor, each built from a walkthrough message: signature
//! wrapping in every classic form, a wrapped Timestamp under `--now`, duplicated token ids,
//! unsigned key transfer, a key the message carries passed off as an identity, and damaged
//! EncryptedKeys. Each asserts the report, the JSON and the exit code of `verify`/`inspect`.

mod common;

use std::path::{Path, PathBuf};

use common::report::{codes_with_severity as codes, run_both as run};
use common::wskex;
use serde_json::Value;

const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
const EVIL_BODY: &str = "<s:Body><ex:Order xmlns:ex=\"urn:wskex:example\"><ex:PayTo>mallory</ex:PayTo></ex:Order></s:Body>";

/// A walkthrough written out: its messages and key files.
struct Walk {
    dir: tempfile::TempDir,
}

impl Walk {
    fn new(pattern: &str) -> Walk {
        let dir = tempfile::tempdir().unwrap();
        let out = wskex()
            .args(["walk", pattern, "--out"])
            .arg(dir.path().join("w"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "walk {pattern}");
        Walk { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join("w").join(name)
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap()
    }

    /// Writes an attacked copy beside the walkthrough (not in its folder).
    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

fn has(json: &Value, code: &str, severity: &str) -> bool {
    codes(json).iter().any(|(c, s)| c == code && s == severity)
}

/// The signed Body of the direct walkthrough's first message, and the message.
fn direct_rstr(walk: &Walk) -> (String, String) {
    let text = walk.read("01-alice-bob.xml");
    let start = text.find("<s:Body wsu:Id=\"Body-1\">").unwrap();
    let end = text.find("</s:Body>").unwrap() + "</s:Body>".len();
    (text.clone(), text[start..end].to_string())
}

fn verify_args(walk: &Walk) -> Vec<String> {
    [
        "--key",
        walk.path("bob.key.pem").to_str().unwrap(),
        "--cert",
        walk.path("bob.cert.pem").to_str().unwrap(),
        "--cert",
        walk.path("alice.cert.pem").to_str().unwrap(),
    ]
    .map(String::from)
    .to_vec()
}

fn refs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

#[test]
fn every_classic_wrapping_form_fails_verify_while_the_genuine_message_passes() {
    let walk = Walk::new("direct");
    let args = verify_args(&walk);
    let (text, body) = direct_rstr(&walk);
    let genuine = run("verify", &walk.path("01-alice-bob.xml"), &refs(&args));
    assert_eq!(genuine.code, 0, "{}", genuine.text);
    assert!(!has(&genuine.json, "signature-wrapping", "error"));
    assert_eq!(genuine.json["valid"], true);

    // The attacker's Body takes the signed one's place (first), then the signed Body goes
    // where the receiver does not look.
    let evil = text.replacen(&body, EVIL_BODY, 1);
    let in_header = |t: &str, inner: &str| t.replace("</s:Header>", &format!("{inner}</s:Header>"));
    let rebound = body.replacen("<s:Body ", &format!("<s:Body xmlns:s=\"{SOAP12}\" "), 1);
    let forms: Vec<(&str, String)> = vec![
        (
            "body moved into a header block",
            in_header(
                &evil,
                &format!("<atk:Wrapper xmlns:atk=\"urn:attacker\">{body}</atk:Wrapper>"),
            ),
        ),
        (
            "body moved into the Security header",
            evil.replace("</wsse:Security>", &format!("{body}</wsse:Security>")),
        ),
        (
            "body moved into a ds:Object",
            evil.replace(
                "</ds:Signature>",
                &format!("<ds:Object>{body}</ds:Object></ds:Signature>"),
            ),
        ),
        (
            "body nested in a new Body",
            text.replace(
                &body,
                &format!(
                    "<s:Body><atk:Wrapper xmlns:atk=\"urn:attacker\">{body}</atk:Wrapper></s:Body>"
                ),
            ),
        ),
        (
            "a second Body after the attacker's",
            text.replace(&body, &format!("{EVIL_BODY}{body}")),
        ),
        (
            "the signed Body in an envelope child before the attacker's Body",
            text.replace(
                &body,
                &format!("<atk:Wrapper xmlns:atk=\"urn:attacker\">{body}</atk:Wrapper>{EVIL_BODY}"),
            ),
        ),
        (
            "the signed Body under a rebound prefix",
            in_header(
                &text,
                &format!("<s:Wrapper xmlns:s=\"urn:attacker\">{rebound}</s:Wrapper>"),
            )
            .replacen(
                &body,
                &format!(
                    "<soap:Body xmlns:soap=\"{SOAP12}\"><ex:Order xmlns:ex=\"urn:wskex:example\">mallory</ex:Order></soap:Body>"
                ),
                1,
            ),
        ),
    ];
    for (name, attacked) in forms {
        assert_ne!(attacked, text, "{name}: the attack changed nothing");
        let file = walk.write("attacked.xml", &attacked);
        let r = run("verify", &file, &refs(&args));
        assert_eq!(r.code, 1, "{name}: exit code\n{}", r.text);
        assert!(
            has(&r.json, "signature-wrapping", "error"),
            "{name}: {:?}",
            codes(&r.json)
        );
        assert_eq!(r.json["valid"], false, "{name}");
        assert!(
            r.text.contains("error [signature-wrapping]"),
            "{name}: {}",
            r.text
        );
        // The moved Body still verifies: the signature itself is not what fails.
        assert!(r.text.contains("VALID"), "{name}: {}", r.text);
    }
}

#[test]
fn a_wrapped_timestamp_is_never_judged_fresh() {
    let walk = Walk::new("direct");
    let (text, _) = direct_rstr(&walk);
    let start = text.find("<wsu:Timestamp").unwrap();
    let end = text.find("</wsu:Timestamp>").unwrap() + "</wsu:Timestamp>".len();
    let signed = &text[start..end];
    let unsigned_later = "<wsu:Timestamp wsu:Id=\"TS-9\"><wsu:Created>2026-12-01T12:00:00Z</wsu:Created><wsu:Expires>2026-12-01T12:05:00Z</wsu:Expires></wsu:Timestamp>";
    let attacked = text.replacen(signed, unsigned_later, 1).replace(
        "</s:Header>",
        &format!("<atk:Wrapper xmlns:atk=\"urn:attacker\">{signed}</atk:Wrapper></s:Header>"),
    );
    let keys = verify_args(&walk);
    let mut args = refs(&keys);
    // After the signed Timestamp expired, within the attacker's.
    args.extend(["--now", "2026-12-01T12:01:00Z"]);

    let genuine = run("inspect", &walk.path("01-alice-bob.xml"), &args);
    assert_eq!(genuine.code, 1, "the genuine message is a replay by then");
    assert!(has(&genuine.json, "timestamp-expired", "error"));

    let file = walk.write("ts-wrapped.xml", &attacked);
    for command in ["inspect", "verify"] {
        let args: Vec<&str> = if command == "verify" {
            refs(&keys)
        } else {
            args.clone()
        };
        let r = run(command, &file, &args);
        assert_eq!(r.code, 1, "{command}\n{}", r.text);
        assert!(
            has(&r.json, "signature-wrapping", "error"),
            "{command}: {:?}",
            codes(&r.json)
        );
    }
    let r = run("inspect", &file, &args);
    assert!(
        has(&r.json, "timestamp-not-judged", "error"),
        "{:?}",
        codes(&r.json)
    );
    assert!(!has(&r.json, "timestamp-expired", "error"));

    // An unsigned Timestamp alone (no wrapper) is not judged either, and fails under --now.
    let unsigned = text.replacen(signed, unsigned_later, 1);
    let r = run("inspect", &walk.write("ts-unsigned.xml", &unsigned), &args);
    assert_eq!(r.code, 1);
    assert!(has(&r.json, "timestamp-not-judged", "error"));
    assert!(!has(&r.json, "signature-wrapping", "error"));
}

/// The BinarySecurityToken of the direct walkthrough's first message.
fn bst_of(text: &str) -> String {
    let start = text.find("<wsse:BinarySecurityToken").unwrap();
    let end =
        text.find("</wsse:BinarySecurityToken>").unwrap() + "</wsse:BinarySecurityToken>".len();
    text[start..end].to_string()
}

fn certificate_base64(pem_path: &Path) -> String {
    std::fs::read_to_string(pem_path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect()
}

#[test]
fn duplicated_token_ids_are_never_resolved_in_either_order() {
    let walk = Walk::new("direct");
    let (text, _) = direct_rstr(&walk);
    let genuine = bst_of(&text);
    let start = genuine.find('>').unwrap() + 1;
    let end = genuine.rfind('<').unwrap();
    let forged = format!(
        "{}{}{}",
        &genuine[..start],
        certificate_base64(&walk.path("bob.cert.pem")),
        &genuine[end..]
    );
    let keys = verify_args(&walk);
    let mut signers = Vec::new();
    for (name, pair) in [
        ("forged first", format!("{forged}{genuine}")),
        ("forged last", format!("{genuine}{forged}")),
    ] {
        let file = walk.write("dup.xml", &text.replacen(&genuine, &pair, 1));
        let r = run("verify", &file, &refs(&keys));
        assert_eq!(r.code, 1, "{name}\n{}", r.text);
        assert!(has(&r.json, "duplicate-id", "error"), "{name}");
        let signature = &r.json["signatures"][0];
        assert_eq!(signature["valid"], false, "{name}");
        assert!(signature["key"].is_null(), "{name}: no key is chosen");
        assert!(
            signature["error"]
                .as_str()
                .unwrap()
                .contains("refusing to choose"),
            "{name}: {}",
            signature["error"]
        );
        signers.push(signature["key"].clone());
    }
    assert_eq!(signers[0], signers[1], "the order changes nothing");
}

#[test]
fn unsigned_key_transfer_is_an_error_unless_the_transport_is_vouched_for() {
    let walk = Walk::new("direct");
    let (text, _) = direct_rstr(&walk);
    let sig_start = text.find("<ds:Signature").unwrap();
    let sig_end = text.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let signature = &text[sig_start..sig_end];
    let keys = verify_args(&walk);
    // A header addressed elsewhere is processed by default (issue 11, item 1); a receiver that
    // plays only the ultimate receiver's role leaves it, and its signature, unprocessed.
    let receiver_only = [
        "--actor",
        "http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver",
    ];
    let forms = [
        (
            "no signature at all",
            text.replacen(signature, "", 1),
            &[][..],
        ),
        (
            "the Security header addressed elsewhere",
            text.replacen(
                "<wsse:Security s:mustUnderstand=\"true\">",
                "<wsse:Security s:mustUnderstand=\"true\" s:role=\"urn:someone-else\">",
                1,
            ),
            &receiver_only[..],
        ),
        (
            "the signature outside the Security header",
            text.replacen(signature, "", 1).replace(
                "</s:Header>",
                &format!(
                    "<atk:Block xmlns:atk=\"urn:attacker\">{signature}</atk:Block></s:Header>"
                ),
            ),
            &[][..],
        ),
    ];
    for (name, attacked, extra) in forms {
        assert_ne!(attacked, text, "{name}");
        let file = walk.write("unsigned.xml", &attacked);
        let mut args = refs(&keys);
        args.extend_from_slice(extra);
        let r = run("inspect", &file, &args);
        assert_eq!(r.code, 1, "{name}\n{}", r.text);
        assert!(
            has(&r.json, "unsigned-key-transfer", "error"),
            "{name}: {:?}",
            codes(&r.json)
        );
        assert!(has(&r.json, "body-not-signed", "warning"), "{name}");
        let v = run("verify", &file, &args);
        assert_eq!(v.code, 1, "{name}");
        assert!(has(&v.json, "unsigned-key-transfer", "error"), "{name}");
    }
    // Over authenticated TLS the same RSTR is a note and the message passes.
    let file = walk.write("unsigned.xml", &text.replacen(signature, "", 1));
    let mut args = refs(&keys);
    args.push("--transport-secured");
    let r = run("inspect", &file, &args);
    assert_eq!(r.code, 0, "{}", r.text);
    assert!(has(&r.json, "key-transfer-over-transport", "info"));
    assert!(!has(&r.json, "unsigned-key-transfer", "error"));
    // The genuine, signed RSTR raises neither.
    let r = run("inspect", &walk.path("01-alice-bob.xml"), &refs(&keys));
    assert_eq!(r.code, 0, "{}", r.text);
    assert!(
        !codes(&r.json)
            .iter()
            .any(|(c, _)| c.contains("key-transfer"))
    );
}

#[test]
fn an_encrypted_key_no_signature_covers_is_a_warning() {
    let walk = Walk::new("request-reply");
    let text = walk.read("01-alice-bob.xml");
    let sig_start = text.find("<ds:Signature").unwrap();
    let sig_end = text.find("</ds:Signature>").unwrap() + "</ds:Signature>".len();
    let file = walk.write("ek.xml", &text.replacen(&text[sig_start..sig_end], "", 1));
    let keys = verify_args(&walk);
    let r = run("inspect", &file, &refs(&keys));
    assert_eq!(r.code, 0, "a warning does not fail the run\n{}", r.text);
    assert!(has(&r.json, "unsigned-encrypted-key", "warning"));
    assert!(r.text.contains("warning [unsigned-encrypted-key]"));
    let r = run("inspect", &walk.path("01-alice-bob.xml"), &refs(&keys));
    assert!(!has(&r.json, "unsigned-encrypted-key", "warning"));
}

#[test]
fn a_key_the_message_carries_is_no_identity_when_certificates_are_supplied() {
    let walk = Walk::new("direct");
    let message = walk.path("01-alice-bob.xml");
    let key = walk.path("bob.key.pem");
    let bob = walk.path("bob.cert.pem");
    let alice = walk.path("alice.cert.pem");
    let k = |p: &PathBuf| p.to_str().unwrap().to_string();
    // Alice's certificate supplied: an identity.
    let with_alice = [
        "--key".into(),
        k(&key),
        "--cert".into(),
        k(&bob),
        "--cert".into(),
        k(&alice),
    ];
    let r = run("verify", &message, &refs(&with_alice));
    assert_eq!(r.code, 0, "{}", r.text);
    // Only bob's (to open the key): alice's BinarySecurityToken matches nothing supplied.
    let without_alice = ["--key".into(), k(&key), "--cert".into(), k(&bob)];
    for command in ["verify", "inspect"] {
        let r = run(command, &message, &refs(&without_alice));
        assert_eq!(r.code, 1, "{command}\n{}", r.text);
        assert!(
            has(&r.json, "identity-not-proven", "error"),
            "{command}: {:?}",
            codes(&r.json)
        );
    }
    // No certificate at all: integrity only, a note. The proof key is given by the
    // EncryptedKey's id (a secret, not a certificate), as keys.json records it.
    let keys: Value = serde_json::from_str(&walk.read("keys.json")).unwrap();
    let context_key = keys["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "context-key")
        .unwrap()["hex"]
        .as_str()
        .unwrap()
        .to_string();
    let binding = format!("EK-1=hex:{context_key}");
    let r = run("verify", &message, &["--key-name", &binding]);
    assert_eq!(r.code, 0, "{}", r.text);
    assert!(has(&r.json, "key-from-message", "info"));
    assert!(!has(&r.json, "identity-not-proven", "error"));
}

#[test]
fn damaged_encrypted_keys_are_diagnosed_as_what_they_are() {
    let walk = Walk::new("request-reply");
    let text = walk.read("01-alice-bob.xml");
    let ek = text.find("Id=\"EK-1\"").unwrap();
    let value_start = text[ek..].find("<xenc:CipherValue>").unwrap() + ek + 18;
    let value_end = text[value_start..].find('<').unwrap() + value_start;
    let value = &text[value_start..value_end];
    let flipped = {
        let mut v = value.to_string();
        let c = if &v[10..11] == "A" { "B" } else { "A" };
        v.replace_range(10..11, c);
        v
    };
    // Without its KeyInfo the EncryptedData is found through the EncryptedKey's
    // ReferenceList: the failure must still be the EncryptedKey's own.
    let without_key_info = |t: &str| {
        let data = t.find("Id=\"ED-1\"").unwrap();
        let start = t[data..].find("<ds:KeyInfo").unwrap() + data;
        let end = t[start..].find("</ds:KeyInfo>").unwrap() + start + "</ds:KeyInfo>".len();
        format!("{}{}", &t[..start], &t[end..])
    };
    let corrupted = format!("{}{flipped}{}", &text[..value_start], &text[value_end..]);
    let truncated = format!(
        "{}{}{}",
        &text[..value_start],
        &value[..40],
        &text[value_end..]
    );
    let keys = verify_args(&walk);
    for (name, attacked, needle) in [
        (
            "corrupted",
            corrupted.clone(),
            "the EncryptedKey is damaged",
        ),
        (
            "corrupted, data without KeyInfo",
            without_key_info(&corrupted),
            "the EncryptedKey is damaged",
        ),
        ("truncated", truncated.clone(), "is not an RSA block"),
        (
            "truncated, data without KeyInfo",
            without_key_info(&truncated),
            "is not an RSA block",
        ),
    ] {
        let file = walk.write("ek-damaged.xml", &attacked);
        for command in ["decrypt", "inspect"] {
            let (code, all) = run_all(command, &file, &keys);
            assert_eq!(code, Some(1), "{name} {command}\n{all}");
            assert!(all.contains(needle), "{name} {command}\n{all}");
            assert!(
                !all.contains("plain XML Encryption cannot follow"),
                "{name} {command}\n{all}"
            );
        }
    }
}

/// A message whose Security header holds `n` children wskex has no reader for, each with an
/// id (what an attacker sends to make registration quadratic).
fn unknown_children(n: usize) -> String {
    let mut header = String::new();
    for i in 0..n {
        header.push_str(&format!(
            "<x:Custom xmlns:x=\"urn:attacker\" wsu:Id=\"c{i}\"><x:V>{i}</x:V></x:Custom>"
        ));
    }
    format!(
        "<s:Envelope xmlns:s=\"{SOAP12}\" xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd\" xmlns:wsu=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd\"><s:Header><wsse:Security>{header}</wsse:Security></s:Header><s:Body/></s:Envelope>"
    )
}

#[test]
fn registering_thousands_of_unknown_header_children_is_linear() {
    use wskex::crypto::KeyStore;
    use wskex::receive::resolver::NoAttachments;
    use wskex::receive::store::TokenStore;
    use wskex::receive::{ProcessOptions, process_message};
    use wskex::xml::Document;

    let work = |n: usize| {
        let doc = Document::parse_str(&unknown_children(n), "many").unwrap();
        let mut store = TokenStore::new(Vec::new());
        let processed = process_message(
            doc,
            0,
            &KeyStore::new(),
            &mut store,
            &ProcessOptions::default(),
            &NoAttachments,
        );
        assert!(
            !processed.findings.iter().any(|f| f.code == "duplicate-id"),
            "{n} distinct ids"
        );
        processed.work
    };
    let small = work(1_000);
    let large = work(4_000);
    // The header is read once for the walk and once more for what no ReferenceList named:
    // never once per item.
    assert!(large.header_registrations <= 2, "{large:?}");
    assert_eq!(small.header_registrations, large.header_registrations);
    // Each reading looks at each item once: four times the items, four times the work.
    assert_eq!(large.items_fingerprinted, 4 * small.items_fingerprinted);
    assert!(large.items_fingerprinted <= 2 * 4_000, "{large:?}");
}

/// Exit code and everything `wskex COMMAND FILE KEYS...` wrote (stdout, then stderr:
/// `decrypt` reports on stderr).
fn run_all(command: &str, file: &std::path::Path, keys: &[String]) -> (Option<i32>, String) {
    let out = wskex()
        .arg(command)
        .arg(file)
        .args(refs(keys))
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), all)
}

#[test]
fn a_transported_key_of_the_wrong_size_is_named_as_such() {
    use wskex::crypto::key_transport::{KeyTransport, OaepParams};
    use wskex::crypto::random::SeededRandom;
    use wskex::crypto::{Certificate, KeyTransportAlgorithm};
    use wskex::xml::base64;

    let walk = Walk::new("request-reply");
    let text = walk.read("01-alice-bob.xml");
    let pem = certificate_base64(&walk.path("bob.cert.pem"));
    let bob = Certificate::from_der(&base64::decode(&pem).unwrap(), "bob").unwrap();
    // A valid RSA-OAEP block for bob holding 16 bytes, for data encrypted with AES-256.
    let short_key = KeyTransport::Oaep {
        algorithm: KeyTransportAlgorithm::RsaOaepMgf1p,
        params: OaepParams::default(),
    }
    .encrypt(
        &bob.public_key().unwrap(),
        &[7u8; 16],
        &mut SeededRandom::new(8),
    )
    .unwrap();
    let ek = text.find("Id=\"EK-1\"").unwrap();
    let start = text[ek..].find("<xenc:CipherValue>").unwrap() + ek + 18;
    let end = text[start..].find('<').unwrap() + start;
    let attacked = format!(
        "{}{}{}",
        &text[..start],
        base64::encode(&short_key),
        &text[end..]
    );
    let file = walk.write("short-key.xml", &attacked);
    let keys = verify_args(&walk);
    for command in ["decrypt", "inspect"] {
        let (code, all) = run_all(command, &file, &keys);
        assert_eq!(code, Some(1), "{command}\n{all}");
        assert!(
            all.contains("holds a 16-byte key where the data algorithm needs 32 bytes"),
            "{command}\n{all}"
        );
        assert!(
            !all.contains("plain XML Encryption cannot follow"),
            "{command}"
        );
    }
}

/// Plain XML-DSig too: a certificate the document carries is no identity when the user named
/// other certificates (here the CA's, which the chain checks will use as a trust anchor).
#[test]
fn a_plain_signature_by_an_embedded_certificate_fails_the_identity_check() {
    let Some(shared) = common::shared_dir("plain signature identity") else {
        return;
    };
    let vectors = shared.join("vectors");
    let file = vectors.join("dsig/phaos-xmldsig-three/signature-rsa-enveloped.xml");
    let ca = vectors.join("keys/phaos-rsa-ca-cert.pem");
    let r = run("verify", &file, &[]);
    assert_eq!(
        r.code, 0,
        "integrity only, without certificates\n{}",
        r.text
    );
    let r = run("verify", &file, &["--cert", ca.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.text);
    assert!(
        has(&r.json, "identity-not-proven", "error"),
        "{:?}",
        codes(&r.json)
    );
    assert!(r.text.contains("error [identity-not-proven]"), "{}", r.text);
}
