//! The auditor's checks of the findings catalogue, each on the situation built from a
//! walkthrough sample (edited as text) or a shared capture that shows it: weak algorithms,
//! CBC ciphertext no signature covers, truncated HMAC, one key signing and encrypting,
//! DerivedKeyToken nonce reuse, replay, a missing SignatureConfirmation or Timestamp, and SAML
//! Conditions. Each asserts the code, its severity (text and JSON) and the exit code.

mod common;

use std::path::{Path, PathBuf};

use common::report::{per_message, with_code};
use common::wskex;
use serde_json::Value;

const ALL_KEYS: &[&str] = &[
    "--key",
    "samples/keys/alice.key.pem",
    "--key",
    "samples/keys/sts.key.pem",
    "--key",
    "samples/keys/bob.key.pem",
    "--cert",
    "samples/keys/alice.cert.pem",
    "--cert",
    "samples/keys/sts.cert.pem",
    "--cert",
    "samples/keys/bob.cert.pem",
];

/// Exit code and JSON report of `inspect` on `files` with every sample key and `extra`.
struct Inspected {
    code: i32,
    json: Value,
}

impl Inspected {
    /// The (message number, severity) of every finding with `code`.
    fn findings(&self, code: &str) -> Vec<(usize, String)> {
        per_message(&self.json, code)
            .into_iter()
            .map(|(i, f)| (i, f["severity"].as_str().unwrap().to_string()))
            .collect()
    }

    fn message_of(&self, code: &str) -> String {
        with_code(&self.json, code)
            .first()
            .map(|f| f["message"].as_str().unwrap().to_string())
            .unwrap_or_default()
    }
}

fn inspect(files: &[PathBuf], extra: &[&str]) -> Inspected {
    let out = wskex()
        .arg("inspect")
        .args(files)
        .args(ALL_KEYS)
        .args(extra)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    Inspected {
        code: out.status.code().unwrap(),
        json,
    }
}

fn sample(path: &str) -> PathBuf {
    PathBuf::from("samples").join(path)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// Writes `text` as `name` in `dir`.
fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn edited(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "the sample no longer holds {from:?}");
    text.replacen(from, to, 1)
}

#[test]
fn cbc_ciphertext_signed_only_as_plaintext_is_a_warning() {
    let signed_plaintext = inspect(&[sample("request-reply/sign-then-encrypt")], &[]);
    assert_eq!(signed_plaintext.code, 0);
    let found = signed_plaintext.findings("cbc-ciphertext-unsigned");
    assert!(!found.is_empty());
    assert!(found.iter().all(|(_, s)| s == "warning"));
    assert!(
        signed_plaintext
            .message_of("cbc-ciphertext-unsigned")
            .contains("aes128-cbc")
    );

    // Encrypt-then-sign: the signature covers the ciphertext.
    let signed_ciphertext = inspect(&[sample("request-reply/encrypt-then-sign")], &[]);
    assert_eq!(signed_ciphertext.code, 0);
    assert_eq!(signed_ciphertext.findings("cbc-ciphertext-unsigned"), []);
}

#[test]
fn one_key_signing_and_encrypting_is_a_warning() {
    let run = inspect(&[sample("request-reply/encrypt-then-sign")], &[]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.findings("key-signs-and-encrypts"),
        [(1, "warning".to_string())]
    );
    let message = run.message_of("key-signs-and-encrypts");
    assert!(message.contains("signature") && message.contains("EncryptedData"));

    // Derived keys, one for each use: no finding.
    let separated = inspect(&[sample("request-reply/sign-then-encrypt")], &[]);
    assert_eq!(separated.findings("key-signs-and-encrypts"), []);
}

#[test]
fn a_truncated_hmac_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let folder = sample("request-reply/encrypt-then-sign");
    let request = folder.join("01-alice-bob.xml");
    let method =
        r#"<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#hmac-sha256"/>"#;
    let truncated = edited(
        &read(&folder.join("02-bob-alice.xml")),
        method,
        r#"<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#hmac-sha256"><ds:HMACOutputLength>80</ds:HMACOutputLength></ds:SignatureMethod>"#,
    );
    let response = write(&dir, "02-bob-alice.xml", &truncated);
    let run = inspect(&[request.clone(), response], &[]);
    assert_eq!(run.code, 1);
    assert_eq!(run.findings("truncated-hmac"), [(2, "error".to_string())]);
    assert!(run.message_of("truncated-hmac").contains("80 bits"));

    let genuine = inspect(&[request, folder.join("02-bob-alice.xml")], &[]);
    assert_eq!(genuine.code, 0);
    assert_eq!(genuine.findings("truncated-hmac"), []);
}

#[test]
fn a_message_sent_twice_is_a_replay_and_reuses_its_nonces() {
    let dir = tempfile::tempdir().unwrap();
    let folder = sample("request-reply/sign-then-encrypt");
    let request = folder.join("01-alice-bob.xml");
    let again = write(&dir, "01-again.xml", &read(&request));
    let run = inspect(&[request.clone(), again], &[]);
    assert_eq!(run.code, 1);
    let replays = run.findings("replay");
    assert!(!replays.is_empty());
    assert!(replays.iter().all(|f| *f == (2, "error".to_string())));
    let replay = run.message_of("replay");
    assert!(replay.contains("of message 1"), "{replay}");
    let nonces = run.findings("dkt-nonce-reused");
    assert!(!nonces.is_empty());
    assert!(nonces.iter().all(|f| *f == (2, "warning".to_string())));

    let genuine = inspect(&[folder], &[]);
    assert_eq!(genuine.code, 0);
    assert_eq!(genuine.findings("replay"), []);
    assert_eq!(genuine.findings("dkt-nonce-reused"), []);
}

#[test]
fn a_repeated_message_id_is_a_replay() {
    let dir = tempfile::tempdir().unwrap();
    let folder = sample("direct/default");
    let with_id = |name: &str| {
        let text = edited(
            &read(&folder.join(name)),
            "<s:Header>",
            "<s:Header><wsa:MessageID>urn:uuid:0f0f0f0f-1111-2222-3333-444455556666</wsa:MessageID>",
        );
        write(&dir, name, &text)
    };
    let first = with_id("01-alice-bob.xml");
    let second = with_id("02-alice-bob.xml");
    let run = inspect(&[first, second], &[]);
    assert_eq!(run.code, 1);
    assert_eq!(run.findings("replay"), [(2, "error".to_string())]);
    assert!(run.message_of("replay").contains("wsa:MessageID"));
}

#[test]
fn a_response_to_a_signed_request_without_signature_confirmation_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let folder = sample("request-reply/encrypt-then-sign");
    let request = edited(
        &read(&folder.join("01-alice-bob.xml")),
        "<s:Header>",
        "<s:Header><wsa:MessageID>urn:uuid:request-1</wsa:MessageID>",
    );
    let response = edited(
        &read(&folder.join("02-bob-alice.xml")),
        "<s:Header>",
        "<s:Header><wsa:RelatesTo>urn:uuid:request-1</wsa:RelatesTo>",
    );
    let request = write(&dir, "01-alice-bob.xml", &request);
    let response_path = write(&dir, "02-bob-alice.xml", &response);
    let run = inspect(&[request.clone(), response_path], &[]);
    assert_eq!(run.code, 0, "a warning does not fail the run");
    assert_eq!(
        run.findings("signature-confirmation-missing"),
        [(2, "warning".to_string())]
    );
    // It points at the wsa:RelatesTo that makes the message a response.
    let finding = with_code(&run.json, "signature-confirmation-missing")[0].clone();
    let start = finding["span"]["start"].as_u64().unwrap() as usize;
    assert!(
        response[start..].starts_with("<wsa:RelatesTo>"),
        "{finding}"
    );

    // The same response confirming the signature it answers.
    let confirming = edited(
        &response,
        "</wsse:Security>",
        r#"<wsse11:SignatureConfirmation Value="AAAA"/></wsse:Security>"#,
    );
    let confirming = write(&dir, "02-confirming.xml", &confirming);
    let confirmed = inspect(&[request, confirming], &[]);
    assert_eq!(confirmed.findings("signature-confirmation-missing"), []);
}

#[test]
fn saml_conditions_are_judged_against_now_and_wsa_to() {
    let folder = sample("brokered/encrypted-key");
    let within = inspect(
        std::slice::from_ref(&folder),
        &["--now", "2026-12-01T09:00:30Z"],
    );
    assert_eq!(within.code, 0);
    for code in [
        "saml-expired",
        "saml-not-yet-valid",
        "saml-audience-mismatch",
    ] {
        assert_eq!(within.findings(code), [], "{code}");
    }

    let late = inspect(
        std::slice::from_ref(&folder),
        // Without clock skew (the default 300 s would still accept these two seconds).
        &["--now", "2026-12-01T10:00:02Z", "--clock-skew", "0"],
    );
    assert_eq!(late.code, 1);
    // Message 2 hands Alice the same assertion inside the STS's RSTR: at that clock it is
    // expired there too (assertions outside the Security header are judged as well).
    assert_eq!(
        late.findings("saml-expired"),
        [(2, "error".to_string()), (3, "error".to_string())]
    );

    let early = inspect(
        std::slice::from_ref(&folder),
        &["--now", "2026-12-01T08:59:00Z", "--clock-skew", "0"],
    );
    assert_eq!(early.code, 1);
    assert_eq!(
        early.findings("saml-not-yet-valid"),
        [(2, "error".to_string()), (3, "error".to_string())]
    );

    // The assertion is for Bob; sent to another service.
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<PathBuf> = ["01-alice-sts.xml", "02-sts-alice.xml"]
        .iter()
        .map(|n| folder.join(n))
        .collect();
    let elsewhere = edited(
        &read(&folder.join("03-alice-bob.xml")),
        "<wsa:To>urn:wskex:bob<",
        "<wsa:To>urn:wskex:mallory<",
    );
    files.push(write(&dir, "03-alice-mallory.xml", &elsewhere));
    let misdirected = inspect(&files, &[]);
    assert_eq!(misdirected.code, 1);
    assert_eq!(
        misdirected.findings("saml-audience-mismatch"),
        [(3, "error".to_string())]
    );
    assert!(
        misdirected
            .message_of("saml-audience-mismatch")
            .contains("urn:wskex:mallory")
    );
}

/// The shared captures show what the walkthroughs (SHA-256, RSA-OAEP) do not: SHA-1 and
/// PKCS#1 v1.5 from real stacks, and a signed message without a Timestamp.
#[test]
fn shared_captures_show_sha1_rsa15_and_a_missing_timestamp() {
    let Some(shared) =
        common::shared_dir("shared_captures_show_sha1_rsa15_and_a_missing_timestamp")
    else {
        return;
    };
    let captures = shared.join("captures");
    let out = wskex()
        .arg("inspect")
        .arg(captures.join("cxf/encrypted_body_content_signed.xml"))
        .args(["--key"])
        .arg(captures.join("keys/cxf-myalias.key.pem"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "weak algorithms are warnings");
    let run = Inspected {
        code: 0,
        json: serde_json::from_slice(&out.stdout).unwrap(),
    };
    for code in ["sha1-signature", "sha1-digest", "timestamp-missing"] {
        assert_eq!(run.findings(code), [(1, "warning".to_string())], "{code}");
    }

    let out = wskex()
        .arg("inspect")
        .arg(captures.join("rampart/res03.xml"))
        .arg("--key")
        .arg(captures.join("keys/rampart2008-client.key.pem"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rsa15 = json["messages"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "rsa15-key-transport")
        .expect("rsa15-key-transport");
    assert_eq!(rsa15["severity"], "warning");
}

#[test]
fn unsigned_addressing_headers_are_warnings_and_signed_ones_are_not_reported() {
    let brokered = inspect(&[sample("brokered/encrypted-key")], &[]);
    assert_eq!(brokered.code, 0, "warnings do not fail the run");
    let in_message_3: Vec<(usize, String)> = brokered
        .findings("addressing-not-signed")
        .into_iter()
        .filter(|(m, _)| *m == 3)
        .collect();
    assert_eq!(in_message_3.len(), 2, "wsa:To and wsa:Action");
    assert!(in_message_3.iter().all(|(_, s)| s == "warning"));

    // Alice signs wsa:Action (Action-1) in the delegated order, not wsa:To.
    let carol = [
        "--key",
        "samples/keys/carol.key.pem",
        "--cert",
        "samples/keys/carol.cert.pem",
        "--key-name",
        "carol-bob-secret=hex:68b9e3cba819ce27c214b99a7d4331a463e7fa3e731be9a2f881dfa29384dead",
    ];
    let delegated = inspect(&[sample("delegated/within-rights")], &carol);
    assert_eq!(delegated.code, 0);
    let order: Vec<String> = delegated.json["messages"][1]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "addressing-not-signed")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(order.len(), 1, "{order:?}");
    assert!(order[0].starts_with("wsa:To "), "{order:?}");
}
