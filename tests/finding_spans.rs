//! Findings point at the bytes they are about: a byte span of the envelope text as received,
//! and its line:col, in JSON, in the text report (`file:line:col`), in SARIF (`region`) and in
//! the export's header comment. The wrapping attack is built from a walkthrough message; the
//! samples (some decrypted as they are processed) check that every span and its line:col
//! agree with the received text.

mod common;

use std::path::{Path, PathBuf};

use common::wskex;
use serde_json::Value;

const EVIL_BODY: &str = "<s:Body><ex:Order xmlns:ex=\"urn:wskex:example\"><ex:PayTo>mallory</ex:PayTo></ex:Order></s:Body>";

/// Line and column (1-based, columns in characters) of byte `offset` of `text`, counted
/// here independently of the engine.
fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line as u64, column as u64)
}

/// The direct walkthrough's first message with its signed Body moved into a header block and
/// an attacker's Body in its place; the signed Body's text; the walkthrough's folder.
fn wrapped_message(dir: &Path) -> (PathBuf, String, String) {
    let out = wskex()
        .args(["walk", "direct", "--out"])
        .arg(dir.join("w"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(dir.join("w/01-alice-bob.xml")).unwrap();
    let start = text.find("<s:Body wsu:Id=\"Body-1\">").unwrap();
    let end = text.find("</s:Body>").unwrap() + "</s:Body>".len();
    let body = text[start..end].to_string();
    let attacked = text.replacen(&body, EVIL_BODY, 1).replace(
        "</s:Header>",
        &format!("<atk:Wrapper xmlns:atk=\"urn:attacker\">{body}</atk:Wrapper></s:Header>"),
    );
    let file = dir.join("wrapped.xml");
    std::fs::write(&file, &attacked).unwrap();
    (file, attacked, body)
}

fn keys(dir: &Path) -> Vec<PathBuf> {
    ["bob.key.pem", "bob.cert.pem", "alice.cert.pem"]
        .iter()
        .map(|name| dir.join("w").join(name))
        .collect()
}

fn inspect(file: &Path, dir: &Path, format: &str) -> (i32, String) {
    let k = keys(dir);
    let out = wskex()
        .arg("inspect")
        .arg(file)
        .arg("--key")
        .arg(&k[0])
        .arg("--cert")
        .arg(&k[1])
        .arg("--cert")
        .arg(&k[2])
        .args(["--format", format])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn a_wrapping_finding_points_exactly_at_the_moved_signed_element() {
    let dir = tempfile::tempdir().unwrap();
    let (file, text, body) = wrapped_message(dir.path());
    let (code, json) = inspect(&file, dir.path(), "json");
    assert_eq!(code, 1);
    let json: Value = serde_json::from_str(&json).unwrap();
    let wrapping = json["messages"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "signature-wrapping")
        .expect("the wrapping finding")
        .clone();
    let start = wrapping["span"]["start"].as_u64().unwrap() as usize;
    let end = wrapping["span"]["end"].as_u64().unwrap() as usize;
    assert_eq!(
        &text[start..end],
        body,
        "the span is the moved Body's bytes"
    );
    assert_eq!(start, text.find(&body).unwrap());
    let (line, column) = line_col(&text, start);
    assert_eq!(wrapping["line"], line);
    assert_eq!(wrapping["column"], column);
    assert!(
        column > 1,
        "the Body sits inside a line: the column says where"
    );

    // The attacker's Body is unsigned: its finding points at it.
    let unsigned = json["messages"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "body-not-signed")
        .expect("the unsigned Body");
    let s = unsigned["span"]["start"].as_u64().unwrap() as usize;
    let e = unsigned["span"]["end"].as_u64().unwrap() as usize;
    assert_eq!(&text[s..e], EVIL_BODY);

    // Text: file:line:col.
    let (code, report) = inspect(&file, dir.path(), "text");
    assert_eq!(code, 1);
    let expected = format!(
        "error [signature-wrapping] {}:{line}:{column}: ",
        file.display()
    );
    assert!(report.contains(&expected), "{expected}\n{report}");

    // SARIF: the region names the same line, column and characters.
    let (code, sarif) = inspect(&file, dir.path(), "sarif");
    assert_eq!(code, 1);
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(sarif["runs"][0]["columnKind"], "unicodeCodePoints");
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "signature-wrapping")
        .unwrap();
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], line);
    assert_eq!(region["startColumn"], column);
    let char_offset = text[..start].chars().count() as u64;
    assert_eq!(region["charOffset"], char_offset);
    assert_eq!(region["charLength"], body.chars().count() as u64);
}

#[test]
fn the_export_header_comment_names_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let (file, text, body) = wrapped_message(dir.path());
    let (line, column) = line_col(&text, text.find(&body).unwrap());
    let k = keys(dir.path());
    let out_dir = dir.path().join("exported");
    let out = wskex()
        .arg("export")
        .arg(&file)
        .arg("--key")
        .arg(&k[0])
        .arg("--cert")
        .arg(&k[1])
        .arg("--cert")
        .arg(&k[2])
        .arg("-o")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let exported = std::fs::read_to_string(out_dir.join("wrapped.xml")).unwrap();
    let expected = format!("error [signature-wrapping] (line {line}:{column})");
    assert!(exported.contains(&expected), "{expected}\n{exported}");
}

/// Every raw XML sample, with every sample key: spans lie in the received text, element
/// findings start at a `<`, and line:col is where the span starts, also in messages whose
/// parts were decrypted before the finding was made.
#[test]
fn every_span_of_the_samples_agrees_with_its_line_and_column() {
    let mut keys: Vec<String> = Vec::new();
    for name in ["alice", "bob", "carol", "sts"] {
        keys.push("--key".into());
        keys.push(format!("samples/keys/{name}.key.pem"));
        keys.push("--cert".into());
        keys.push(format!("samples/keys/{name}.cert.pem"));
    }
    let mut checked = 0;
    let mut after_decryption = 0;
    for pattern in ["direct", "brokered", "delegated", "request-reply"] {
        for variant in std::fs::read_dir(Path::new("samples").join(pattern)).unwrap() {
            let folder = variant.unwrap().path();
            let out = wskex()
                .arg("inspect")
                .arg(&folder)
                .args(&keys)
                .args(["--format", "json"])
                .output()
                .unwrap();
            let json: Value = serde_json::from_slice(&out.stdout).unwrap();
            for m in json["messages"].as_array().unwrap() {
                let file = m["file"].as_str().unwrap();
                let text = std::fs::read_to_string(file).unwrap();
                let decrypted = m["encryptions"]
                    .as_array()
                    .is_some_and(|e| e.iter().any(|e| e["ok"] == true));
                for f in m["findings"].as_array().unwrap() {
                    let Some(span) = f["span"].as_object() else {
                        assert!(f["column"].is_null(), "{f}");
                        continue;
                    };
                    let start = span["start"].as_u64().unwrap() as usize;
                    let end = span["end"].as_u64().unwrap() as usize;
                    assert!(start <= end && end <= text.len(), "{file}: {f}");
                    if start < end {
                        assert!(text[start..].starts_with('<'), "{file}: {f}");
                        assert!(text[..end].ends_with('>'), "{file}: {f}");
                    }
                    let (line, column) = line_col(&text, start);
                    assert_eq!(f["line"], line, "{file}: {f}");
                    assert_eq!(f["column"], column, "{file}: {f}");
                    checked += 1;
                    if decrypted {
                        after_decryption += 1;
                    }
                }
            }
        }
    }
    assert!(checked >= 20, "only {checked} findings with a span");
    assert!(
        after_decryption >= 3,
        "only {after_decryption} in decrypted messages"
    );
}

/// The finding at `code` in the JSON report of `text` (written to `dir`), and the text.
fn sliced_finding(dir: &Path, text: &str, code: &str, extra: &[&str]) -> (Value, String) {
    let file = dir.join("message.xml");
    std::fs::write(&file, text).unwrap();
    let out = wskex()
        .arg("inspect")
        .arg(&file)
        .args(extra)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let finding = json["messages"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {json}"))
        .clone();
    let span = &finding["span"];
    let (start, end) = (
        span["start"].as_u64().unwrap() as usize,
        span["end"].as_u64().unwrap() as usize,
    );
    (finding, text[start..end].to_string())
}

#[test]
fn a_message_without_a_security_header_points_at_its_header() {
    let dir = tempfile::tempdir().unwrap();
    let text = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\">\n  <s:Header><x:A xmlns:x=\"urn:x\"/></s:Header>\n  <s:Body/>\n</s:Envelope>\n";
    let (finding, bytes) = sliced_finding(dir.path(), text, "no-security-header", &[]);
    assert_eq!(bytes, "<s:Header><x:A xmlns:x=\"urn:x\"/></s:Header>");
    assert_eq!(
        (finding["line"].as_u64(), finding["column"].as_u64()),
        (Some(2), Some(3))
    );
}

#[test]
fn references_left_unchecked_point_at_their_signature() {
    let dir = tempfile::tempdir().unwrap();
    // 300 references to a 20 KB Body pass the 64x work budget of this ~50 KB message.
    let reference = "<ds:Reference URI=\"#body\"><ds:DigestMethod Algorithm=\"http://www.w3.org/2000/09/xmldsig#sha1\"/><ds:DigestValue>AAAAAAAAAAAAAAAAAAAAAAAAAAA=</ds:DigestValue></ds:Reference>";
    let signature = format!(
        "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" Id=\"S\"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/><ds:SignatureMethod Algorithm=\"http://www.w3.org/2000/09/xmldsig#hmac-sha1\"/>{}</ds:SignedInfo><ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature>",
        reference.repeat(300)
    );
    let text = format!(
        "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd\" xmlns:wsu=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd\"><s:Header><wsse:Security>{signature}</wsse:Security></s:Header><s:Body wsu:Id=\"body\">{}</s:Body></s:Envelope>",
        "A".repeat(20_000)
    );
    let (finding, bytes) = sliced_finding(
        dir.path(),
        &text,
        "work-limit",
        &["--hmac-secret", "hex:00"],
    );
    assert_eq!(finding["severity"], "error");
    assert_eq!(bytes, signature);
}

/// In a conversation, a message that does not parse is a finding (the rest goes on) that
/// points at the byte where parsing stopped, with its line and column.
#[test]
fn an_unparsable_message_points_where_parsing_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let good =
        "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body/></s:Envelope>\n";
    let broken = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\">\n  <s:Body><a></b></s:Body>\n</s:Envelope>\n";
    let conversation = dir.path().join("conversation");
    std::fs::create_dir(&conversation).unwrap();
    std::fs::write(conversation.join("01.xml"), good).unwrap();
    std::fs::write(conversation.join("02.xml"), broken).unwrap();
    let out = wskex()
        .arg("inspect")
        .arg(&conversation)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let finding = json["messages"][1]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "damaged")
        .unwrap_or_else(|| panic!("no damaged finding in {json}"))
        .clone();
    let start = finding["span"]["start"].as_u64().unwrap() as usize;
    let (line, column) = line_col(broken, start);
    assert_eq!(line, 2, "{finding}");
    assert_eq!(
        (finding["line"].as_u64(), finding["column"].as_u64()),
        (Some(line), Some(column)),
        "{finding}"
    );
    assert!(
        broken[start..].starts_with("</b>") || broken[..start].ends_with("</b"),
        "{finding}"
    );
}

const AES_KEY: &[u8; 16] = b"0123456789abcdef";
const SECURED_HEAD: &str = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd\" xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\">\n<s:Header><wsse:Security>";

/// An AES-128-CBC EncryptedData of `plaintext` (an element) with `id`.
fn encrypted_data(id: &str, plaintext: &str) -> String {
    use wskex::crypto::BlockCipherAlgorithm;
    use wskex::crypto::random::SeededRandom;
    let ciphertext = wskex::crypto::cipher::encrypt(
        BlockCipherAlgorithm::Aes128Cbc,
        AES_KEY,
        plaintext.as_bytes(),
        &mut SeededRandom::new(3),
    )
    .unwrap();
    format!(
        "<xenc:EncryptedData Id=\"{id}\" Type=\"http://www.w3.org/2001/04/xmlenc#Element\"><xenc:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#aes128-cbc\"/><xenc:CipherData><xenc:CipherValue>{}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>",
        wskex::xml::base64::encode(&ciphertext)
    )
}

/// The `decryption-failed` finding of `text` opened with the AES key: it must point at
/// `expected` (bytes of the text), with line:col in JSON and `file:line:col` in text; exit 1.
fn assert_decryption_finding_at(text: &str, expected: &str, says: &str) {
    let dir = tempfile::tempdir().unwrap();
    let aes = format!("hex:{}", hex(AES_KEY));
    let extra = ["--aes-key", aes.as_str()];
    let (finding, bytes) = sliced_finding(dir.path(), text, "decryption-failed", &extra);
    assert!(
        finding["message"].as_str().unwrap().contains(says),
        "{finding}"
    );
    assert_eq!(bytes, expected, "{finding}");
    let start = text.find(expected).unwrap();
    let (line, column) = line_col(text, start);
    assert_eq!(
        (finding["line"].as_u64(), finding["column"].as_u64()),
        (Some(line), Some(column))
    );
    let file = dir.path().join("message.xml");
    let out = wskex()
        .arg("inspect")
        .arg(&file)
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8(out.stdout).unwrap();
    let expected = format!(
        "error [decryption-failed] {}:{line}:{column}: ",
        file.display()
    );
    assert!(report.contains(&expected), "{expected}\n{report}");
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn a_data_reference_to_another_document_points_at_the_data_reference() {
    let reference = "<xenc:DataReference URI=\"http://example.org/elsewhere#E1\"/>";
    let text = format!(
        "{SECURED_HEAD}<xenc:ReferenceList>{reference}</xenc:ReferenceList></wsse:Security></s:Header>\n<s:Body>{}</s:Body></s:Envelope>\n",
        encrypted_data("E1", "<p:Order xmlns:p=\"urn:p\"/>")
    );
    assert_decryption_finding_at(&text, reference, "not a same-document reference");
}

#[test]
fn a_data_reference_to_a_duplicated_id_points_at_the_data_reference() {
    let reference = "<xenc:DataReference URI=\"#E1\"/>";
    let text = format!(
        "{SECURED_HEAD}<xenc:ReferenceList>{reference}</xenc:ReferenceList></wsse:Security></s:Header>\n<s:Body>{}\n{}</s:Body></s:Envelope>\n",
        encrypted_data("E1", "<p:Order xmlns:p=\"urn:p\"/>"),
        encrypted_data("E1", "<p:Other xmlns:p=\"urn:p\"/>")
    );
    assert_decryption_finding_at(&text, reference, "carried by several elements");
}

/// A plaintext that parses on its own but not where it goes (nested one level too deep for
/// the parser's depth bound once spliced under the Body): the whole splice fails, and the
/// finding points at the EncryptedData.
#[test]
fn a_splice_that_does_not_parse_in_place_points_at_its_encrypted_data() {
    let depth = 511;
    let plaintext = format!(
        "<p:n xmlns:p=\"urn:p\">{}{}",
        "<p:n>".repeat(depth - 1),
        "</p:n>".repeat(depth)
    );
    let data = encrypted_data("E1", &plaintext);
    let text = format!(
        "{SECURED_HEAD}<xenc:ReferenceList><xenc:DataReference URI=\"#E1\"/></xenc:ReferenceList></wsse:Security></s:Header>\n<s:Body>{data}</s:Body></s:Envelope>\n"
    );
    assert_decryption_finding_at(&text, &data, "does not parse in place");
}

/// One key signing and encrypting: the finding points at the token that carries the key.
#[test]
fn a_key_that_signs_and_encrypts_points_at_its_token() {
    let out = wskex()
        .arg("inspect")
        .arg("samples/request-reply/encrypt-then-sign")
        .args([
            "--key",
            "samples/keys/alice.key.pem",
            "--key",
            "samples/keys/bob.key.pem",
            "--cert",
            "samples/keys/alice.cert.pem",
            "--cert",
            "samples/keys/bob.cert.pem",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (message, finding) = json["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|m| {
            m["findings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["code"] == "key-signs-and-encrypts")
                .map(|f| (m, f.clone()))
        })
        .expect("the key-signs-and-encrypts finding");
    let text = std::fs::read_to_string(message["file"].as_str().unwrap()).unwrap();
    let start = finding["span"]["start"].as_u64().expect("a span") as usize;
    let end = finding["span"]["end"].as_u64().unwrap() as usize;
    let token = &text[start..end];
    assert!(
        token.starts_with("<xenc:EncryptedKey") && token.ends_with("</xenc:EncryptedKey>"),
        "{token}"
    );
    let (line, column) = line_col(&text, start);
    assert_eq!(
        (finding["line"].as_u64(), finding["column"].as_u64()),
        (Some(line), Some(column))
    );
}
