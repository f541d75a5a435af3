//! `wskex inspect` on hostile or broken captures: one clear message for what is wrong and
//! where, no panic, no hang, and the rest of the conversation still processed.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::wskex;

const HEAD: &str = r#"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" xmlns:wsc="http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512" xmlns:wst="http://docs.oasis-open.org/ws-sx/ws-trust/200512"><s:Header><wsse:Security>"#;

fn message(header: &str, body: &str) -> String {
    format!(
        "{HEAD}{header}</wsse:Security></s:Header><s:Body wsu:Id=\"body\">{body}</s:Body></s:Envelope>"
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn inspect(paths: &[&Path]) -> (Output, serde_json::Value) {
    let out = wskex()
        .arg("inspect")
        .args(paths)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out, json)
}

fn findings(json: &serde_json::Value, message: usize) -> Vec<(String, String)> {
    json["messages"][message]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn duplicate_wsu_ids_are_an_error_not_a_choice() {
    let dir = tempfile::tempdir().unwrap();
    let text = message(
        r#"<wsu:Timestamp wsu:Id="x"><wsu:Created>2026-01-01T00:00:00Z</wsu:Created></wsu:Timestamp>"#,
        r#"<p wsu:Id="x">two elements, one id</p>"#,
    );
    let path = write(dir.path(), "dup.xml", &text);
    let (out, json) = inspect(&[&path]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        findings(&json, 0)
            .iter()
            .any(|(c, m)| c == "duplicate-id" && m.contains("\"x\"") && m.contains("2 elements")),
        "{json}"
    );
}

#[test]
fn an_str_to_nothing_and_a_dkt_with_offset_and_generation_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let text = message(
        r##"<wsc:DerivedKeyToken wsu:Id="dk1"><wsse:SecurityTokenReference><wsse:Reference URI="#nothing"/></wsse:SecurityTokenReference><wsc:Nonce>AAAA</wsc:Nonce></wsc:DerivedKeyToken><wsc:DerivedKeyToken wsu:Id="dk2"><wsse:SecurityTokenReference><wsse:Reference URI="#dk1"/></wsse:SecurityTokenReference><wsc:Generation>1</wsc:Generation><wsc:Offset>16</wsc:Offset><wsc:Nonce>AAAA</wsc:Nonce></wsc:DerivedKeyToken>"##,
        "<p/>",
    );
    let path = write(dir.path(), "str.xml", &text);
    let (out, json) = inspect(&[&path]);
    assert_eq!(out.status.code(), Some(1));
    let f = findings(&json, 0);
    assert!(
        f.iter().any(|(c, m)| c == "key-unavailable"
            && m.contains("dk1")
            && m.contains("no token has the id \"nothing\"")),
        "{f:?}"
    );
    assert!(
        f.iter()
            .any(|(_, m)| m.contains("Offset") && m.contains("Generation")),
        "{f:?}"
    );
}

#[test]
fn absurd_key_sizes_are_problems_not_allocations() {
    let dir = tempfile::tempdir().unwrap();
    for size in ["0", "1073741824", "8589934592"] {
        let body = format!(
            "<wst:RequestSecurityToken><wst:RequestType>http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue</wst:RequestType><wst:KeySize>{size}</wst:KeySize></wst:RequestSecurityToken>"
        );
        let path = write(
            dir.path(),
            &format!("keysize-{size}.xml"),
            &message("", &body),
        );
        let (out, json) = inspect(&[&path]);
        assert_eq!(out.status.code(), Some(1), "KeySize {size}");
        assert!(
            findings(&json, 0)
                .iter()
                .any(|(c, m)| c == "damaged" && m.contains("KeySize")),
            "KeySize {size}: {json}"
        );
    }
}

#[test]
fn a_ten_megabyte_blob_that_does_not_decode_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let mut blob = "QUJD".repeat(10 * 1024 * 1024 / 4);
    blob.push('*');
    let header = format!(
        r#"<wsse:BinarySecurityToken wsu:Id="big" ValueType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3">{blob}</wsse:BinarySecurityToken>"#
    );
    let path = write(dir.path(), "blob.xml", &message(&header, "<p/>"));
    let (out, json) = inspect(&[&path]);
    assert_eq!(out.status.code(), Some(1));
    let f = findings(&json, 0);
    assert!(
        f.iter()
            .any(|(c, m)| c == "damaged" && m.contains("invalid base64 character '*'")),
        "{f:?}"
    );
}

#[test]
fn a_damaged_message_does_not_stop_the_conversation() {
    let dir = tempfile::tempdir().unwrap();
    let broken = write(
        dir.path(),
        "1-broken.xml",
        &message("", "<p>").replace("</s:Body>", "</s:Bod>"),
    );
    let fine = write(dir.path(), "2-fine.xml", &message("", "<p/>"));
    let (out, json) = inspect(&[&broken, &fine]);
    assert_eq!(out.status.code(), Some(1));
    let f = findings(&json, 0);
    assert!(
        f.iter()
            .any(|(c, m)| c == "damaged" && m.contains("1-broken.xml:1:")),
        "{f:?}"
    );
    assert_eq!(
        json["messages"][1]["ok"], true,
        "the second message is still processed: {json}"
    );
}

#[test]
fn unreadable_inputs_are_usage_errors() {
    let out = wskex()
        .args(["inspect", "/nonexistent/capture.xml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
    let dir = tempfile::tempdir().unwrap();
    let out = wskex().arg("inspect").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "an empty directory");
}
