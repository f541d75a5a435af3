//! Capture Steps carry what walkthrough Steps carry (issue 9): an encryption layer names its
//! EncryptedKey and spans it, a signature without an `Id` is located by its place, the sender
//! is named by its signing certificate, algorithms read by their short names, and the WS-Trust
//! summary is structured data.

mod common;

use std::path::Path;

use common::wskex;
use serde_json::Value;

const KEYS: &str = "samples/keys";

fn inspect(paths: &[&str], format: &str) -> (i32, String) {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut cmd = wskex();
    cmd.current_dir(root).arg("inspect").args(paths);
    for party in ["alice", "bob", "sts"] {
        cmd.args(["--key", &format!("{KEYS}/{party}.key.pem")]);
        cmd.args(["--cert", &format!("{KEYS}/{party}.cert.pem")]);
    }
    cmd.args(["--format", format]);
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn inspect_json(paths: &[&str]) -> (i32, Value) {
    let (code, text) = inspect(paths, "json");
    (code, serde_json::from_str(&text).expect("JSON report"))
}

fn slice<'a>(step: &'a Value, span: &Value) -> &'a str {
    let text = match span["view"].as_str() {
        Some("processed") => step["processed"]["text"].as_str().unwrap(),
        _ => step["envelope"].as_str().unwrap(),
    };
    &text[span["start"].as_u64().unwrap() as usize..span["end"].as_u64().unwrap() as usize]
}

#[test]
fn a_capture_names_its_signer_and_spans_its_encrypted_key() {
    let (code, json) = inspect_json(&["samples/request-reply/encrypt-then-sign"]);
    assert_eq!(code, 0, "{json:#}");
    let first = &json["steps"][0];
    // Alice's certificate signed the first message: her CN names the sender.
    assert_eq!(first["envelope_from"], "alice");
    let encryption = first["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "encryption" && !l["encrypted_key"].is_null())
        .expect("an encryption layer naming its EncryptedKey");
    assert_eq!(encryption["key_transport"], "rsa-oaep-mgf1p");
    let spans = encryption["spans"].as_array().unwrap();
    let elements: Vec<&str> = spans
        .iter()
        .map(|s| slice(first, s).split([' ', '>']).next().unwrap())
        .collect();
    assert!(
        elements.iter().any(|e| e.ends_with(":EncryptedKey")),
        "{elements:?}"
    );
    assert!(
        elements.iter().any(|e| e.ends_with(":EncryptedData")),
        "{elements:?}"
    );
    let signature = first["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "signature")
        .unwrap();
    assert_eq!(signature["method"], "rsa-sha256");
    // JSON keeps the URIs where it had them.
    let message = &json["messages"][0];
    assert_eq!(
        message["signatures"][0]["signature_method"],
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    );
    assert!(
        message["signatures"][0]["references"][0]["digest_method"]
            .as_str()
            .unwrap()
            .starts_with("http://www.w3.org/")
    );
    // The text report prints the short names.
    let (code, text) = inspect(&["samples/request-reply/encrypt-then-sign"], "text");
    assert_eq!(code, 0);
    assert!(text.contains("(rsa-sha256): VALID"), "{text}");
    assert!(!text.contains("xmldsig-more#"), "{text}");
}

#[test]
fn a_signature_without_an_id_gets_the_span_of_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let original =
        std::fs::read_to_string(root.join("samples/direct/default/01-alice-bob.xml")).unwrap();
    assert!(original.contains(" Id=\"SIG-1\""));
    let without_id = original.replacen(" Id=\"SIG-1\"", "", 1);
    let path = dir.path().join("no-id.xml");
    std::fs::write(&path, &without_id).unwrap();
    let (code, json) = inspect_json(&[path.to_str().unwrap()]);
    assert_eq!(code, 0, "{json:#}");
    let step = &json["steps"][0];
    let signature = step["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "signature")
        .unwrap();
    assert!(signature["id"].as_str().unwrap().starts_with('/'));
    assert_eq!(signature["status"]["state"], "verified", "{signature:#}");
    let xml = slice(step, &signature["span"]);
    assert!(xml.starts_with("<ds:Signature xmlns:ds="), "{xml:.80}");
    assert!(xml.ends_with("</ds:Signature>"));
    // The signature check points at the same bytes.
    let check = step["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"]["type"] == "signature")
        .unwrap();
    assert_eq!(check["spans"][0], signature["span"]);
}

#[test]
fn the_ws_trust_summary_is_structured_in_json_and_one_line_in_text() {
    let (code, json) = inspect_json(&["samples/brokered/computed-key"]);
    assert!(code == 0 || code == 1, "exit {code}");
    let summaries: Vec<&Value> = json["messages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["trust"].as_array().unwrap())
        .collect();
    let rst = summaries
        .iter()
        .find(|s| s["message"] == "rst")
        .expect("the RST's summary");
    assert_eq!(rst["facts"][0]["fact"], "request-type");
    assert_eq!(rst["facts"][0]["kind"], "Issue");
    let rstr = summaries
        .iter()
        .find(|s| s["message"] == "rstr")
        .expect("the RSTR's summary");
    let facts = rstr["facts"].as_array().unwrap();
    assert!(
        facts
            .iter()
            .any(|f| f["fact"] == "proof" && f["form"] == "computed-key"),
        "{rstr:#}"
    );
    let (_, text) = inspect(&["samples/brokered/computed-key"], "text");
    assert!(text.contains("ws-trust: RST (Issue)"), "{text}");
    assert!(text.contains(", proof ComputedKey"), "{text}");
}
