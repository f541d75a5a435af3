//! Why a digest or a signature fails, named by its evidence in `verify` and `inspect`: content
//! encrypted after signing, inherited namespaces under inclusive C14N, re-indentation (with
//! the first differing byte), and the wrong key when every digest matches. Text reports show
//! the first lines of the failing reference's canonical bytes.

mod common;
#[path = "common/pki.rs"]
mod pki;

use std::path::{Path, PathBuf};

use common::report::run_both as run;
use common::wskex;
use pki::{Issued, Usage, issue};
use serde_json::Value;
use wskex::crypto::signature::SigningKey;
use wskex::crypto::{DigestAlgorithm, SignatureAlgorithm};
use wskex::dsig::sign::{ReferenceSpec, SignatureSpec, TransformSpec, sign};
use wskex::xml::c14n::C14nMethod;
use wskex::xml::{Document, IdAttributes};

const ENVELOPE: &str = r#"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><s:Header><wsse:Security s:mustUnderstand="true"></wsse:Security></s:Header><s:Body wsu:Id="Body-1"><ex:Order xmlns:ex="urn:wskex:example"><ex:Item>book</ex:Item><ex:PayTo>alice</ex:PayTo></ex:Order></s:Body></s:Envelope>"#;

/// The Body signed by `signer`, with `transforms` on the reference and `carried`'s
/// certificate in KeyInfo.
fn signed(signer: &Issued, carried: &Issued, transforms: Vec<TransformSpec>) -> String {
    use base64::Engine as _;
    let doc = Document::parse_str(ENVELOPE, "envelope").unwrap();
    let der =
        base64::engine::general_purpose::STANDARD.encode(carried.certificate.to_der().unwrap());
    let spec = SignatureSpec {
        id: Some("SIG-1".into()),
        c14n: C14nMethod::exclusive(false),
        algorithm: SignatureAlgorithm::Rsa(DigestAlgorithm::Sha256),
        hmac_output_bits: None,
        references: vec![ReferenceSpec {
            uri: "#Body-1".into(),
            transforms,
            digest: DigestAlgorithm::Sha256,
        }],
        key_info: Some(format!(
            "<ds:X509Data><ds:X509Certificate>{der}</ds:X509Certificate></ds:X509Data>"
        )),
    };
    let at = ENVELOPE.find("</wsse:Security>").unwrap();
    sign(
        &doc,
        &spec,
        SigningKey::Rsa(&signer.key),
        at,
        &IdAttributes::default(),
        None,
    )
    .unwrap()
    .document
    .text()
    .to_string()
}

fn exclusive() -> Vec<TransformSpec> {
    vec![TransformSpec::Canonicalize(C14nMethod::exclusive(false))]
}

/// The first signature of `verify` or `inspect` JSON.
fn signature(json: &Value) -> &Value {
    if json["signatures"].is_array() {
        &json["signatures"][0]
    } else {
        &json["messages"][0]["signatures"][0]
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn content_encrypted_after_signing_is_named_not_called_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let out = wskex()
        .args([
            "walk",
            "request-reply",
            "--variant",
            "sign-then-encrypt",
            "--out",
        ])
        .arg(dir.path().join("w"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let message = dir.path().join("w").join("01-alice-bob.xml");
    for command in ["verify", "inspect"] {
        let r = run(command, &message, &[]);
        assert_eq!(r.code, 1);
        let body = signature_with_body(&r.json);
        assert_eq!(body["cause"]["kind"], "encrypted-after-signing", "{body}");
        let error = body["error"].as_str().unwrap();
        assert!(error.contains("encrypted after signing; supply the decryption key"));
        assert!(!error.contains("changed after signing"));
        assert!(
            r.text.contains("canonical bytes (") && r.text.contains("| <s:Body"),
            "{}",
            r.text
        );
    }
}

/// The reference to #Body-1 in any signature of the report.
fn signature_with_body(json: &Value) -> Value {
    let signatures = if json["signatures"].is_array() {
        json["signatures"].as_array().unwrap().clone()
    } else {
        json["messages"][0]["signatures"]
            .as_array()
            .unwrap()
            .clone()
    };
    signatures
        .iter()
        .flat_map(|s| s["references"].as_array().cloned().unwrap_or_default())
        .find(|r| r["uri"] == "#Body-1")
        .expect("a reference to the Body")
}

#[test]
fn every_digest_matching_but_the_value_failing_names_the_wrong_key() {
    let dir = tempfile::tempdir().unwrap();
    let alice = issue("Alice", None, Usage::Signing, -1, 30, 1);
    let mallory = issue("Mallory", None, Usage::Signing, -1, 30, 2);
    // Signed by Mallory, but KeyInfo names Alice's certificate.
    let file = write(
        dir.path(),
        "wrong-key.xml",
        &signed(&mallory, &alice, exclusive()),
    );
    for command in ["verify", "inspect"] {
        let r = run(command, &file, &[]);
        assert_eq!(r.code, 1);
        let s = signature(&r.json);
        assert_eq!(s["references"][0]["valid"], true);
        assert_eq!(s["signature_value_valid"], false);
        let error = s["error"].as_str().unwrap();
        assert!(
            error
                .contains("every reference digest matches, but the SignatureValue does not verify")
                && error.contains("made with another key"),
            "{error}"
        );
        assert!(r.text.contains("made with another key"), "{}", r.text);
    }
}

#[test]
fn inherited_namespaces_under_inclusive_c14n_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let alice = issue("Alice", None, Usage::Signing, -1, 30, 1);
    // Inclusive C14N (no transform): the Body's canonical form takes in the Envelope's
    // namespaces. A relay that adds a declaration breaks the digest, content unchanged.
    let text = signed(&alice, &alice, Vec::new());
    let moved = text.replacen("<s:Envelope ", "<s:Envelope xmlns:relay=\"urn:relay\" ", 1);
    let file = write(dir.path(), "context.xml", &moved);
    for command in ["verify", "inspect"] {
        let r = run(command, &file, &[]);
        assert_eq!(r.code, 1);
        let reference = &signature(&r.json)["references"][0];
        assert_eq!(
            reference["cause"]["kind"], "inherited-context",
            "{reference}"
        );
        let namespaces = reference["cause"]["namespaces"].as_array().unwrap();
        assert!(
            namespaces.iter().any(|n| n == "xmlns:relay"),
            "{namespaces:?}"
        );
        assert!(
            r.text
                .contains("inclusive C14N takes in what the element inherits"),
            "{}",
            r.text
        );
    }
    // The same change under exclusive C14N does not matter.
    let text = signed(&alice, &alice, exclusive());
    let moved = text.replacen("<s:Envelope ", "<s:Envelope xmlns:relay=\"urn:relay\" ", 1);
    let r = run("verify", &write(dir.path(), "exclusive.xml", &moved), &[]);
    assert_eq!(signature(&r.json)["references"][0]["valid"], true);
}

#[test]
fn reindentation_is_named_with_the_first_differing_byte() {
    let dir = tempfile::tempdir().unwrap();
    let alice = issue("Alice", None, Usage::Signing, -1, 30, 1);
    let text = signed(&alice, &alice, exclusive());
    let pretty = text.replace("<ex:Item>", "\n    <ex:Item>");
    let file = write(dir.path(), "pretty.xml", &pretty);
    let r = run("inspect", &file, &[]);
    let reference = &signature(&r.json)["references"][0];
    assert_eq!(reference["valid"], true, "{}", r.text);
    assert_eq!(reference["cause"]["kind"], "reindented");
    assert_eq!(reference["cause"]["repair"], "de-indented");
    let offset = reference["first_difference"].as_u64().unwrap() as usize;
    let canonical = reference["canonical"].as_str().unwrap();
    assert!(
        canonical[offset..].starts_with("<ex:Item>"),
        "{}",
        &canonical[offset..]
    );
    assert!(
        r.text
            .contains(&format!("the captured bytes first differ at byte {offset}")),
        "{}",
        r.text
    );
    assert!(
        r.text
            .contains("cause: digest mismatch as captured: the message was re-indented")
    );
}
