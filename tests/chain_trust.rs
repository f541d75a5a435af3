//! X.509 chains and trust anchors (`--ca`): the signer among several certificates is the leaf,
//! never a supplied CA that issued it; a certificate the message carries proves identity only
//! when OpenSSL's store validates its chain to an anchor (basicConstraints, validity at
//! `--now`, keyUsage). Certificates are made at test time; messages are signed with wskex's
//! own signer and checked with `verify` and `inspect` (text, JSON, exit code).

mod common;
#[path = "common/pki.rs"]
mod pki;

use std::path::{Path, PathBuf};

use common::report::{codes, run_both as run};
use common::wskex;
use openssl::x509::X509;
use pki::{Issued, Usage, issue};
use serde_json::Value;
use wskex::crypto::signature::SigningKey;
use wskex::crypto::{DigestAlgorithm, SignatureAlgorithm};
use wskex::dsig::sign::{ReferenceSpec, SignatureSpec, TransformSpec, sign};
use wskex::xml::c14n::C14nMethod;
use wskex::xml::{Document, IdAttributes};

const ENVELOPE: &str = r#"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><s:Header><wsse:Security s:mustUnderstand="true"></wsse:Security></s:Header><s:Body wsu:Id="Body-1"><ex:Order xmlns:ex="urn:wskex:example"><ex:PayTo>alice</ex:PayTo></ex:Order></s:Body></s:Envelope>"#;

fn base64_der(cert: &X509) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(cert.to_der().unwrap())
}

/// The envelope's Body signed by `signer`, its KeyInfo carrying `carried` in that order.
fn signed_envelope(signer: &Issued, carried: &[&X509]) -> String {
    let certificates: String = carried
        .iter()
        .map(|c| format!("<ds:X509Certificate>{}</ds:X509Certificate>", base64_der(c)))
        .collect();
    sign_body(
        ENVELOPE,
        signer,
        format!("<ds:X509Data>{certificates}</ds:X509Data>"),
    )
}

/// `envelope`'s Body signed by `signer` (RSA-SHA256, exclusive c14n) with `key_info`, the
/// signature placed at the end of its Security header.
fn sign_body(envelope: &str, signer: &Issued, key_info: String) -> String {
    let doc = Document::parse_str(envelope, "envelope").unwrap();
    let spec = SignatureSpec {
        id: Some("SIG-1".into()),
        c14n: C14nMethod::exclusive(false),
        algorithm: SignatureAlgorithm::Rsa(DigestAlgorithm::Sha256),
        hmac_output_bits: None,
        references: vec![ReferenceSpec {
            uri: "#Body-1".into(),
            transforms: vec![TransformSpec::Canonicalize(C14nMethod::exclusive(false))],
            digest: DigestAlgorithm::Sha256,
        }],
        key_info: Some(key_info),
    };
    let insert_at = envelope.find("</wsse:Security>").unwrap();
    let signed = sign(
        &doc,
        &spec,
        SigningKey::Rsa(&signer.key),
        insert_at,
        &IdAttributes::default(),
        None,
    )
    .unwrap();
    signed.document.text().to_string()
}

fn pem(dir: &Path, name: &str, cert: &X509) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, cert.to_pem().unwrap()).unwrap();
    path
}

/// The first signature's key report in `verify` JSON or in `inspect` JSON.
fn key_of(json: &Value) -> Value {
    let signatures = if json["signatures"].is_array() {
        &json["signatures"]
    } else {
        &json["messages"][0]["signatures"]
    };
    let signature = &signatures[0];
    if signature["key"].is_object() {
        signature["key"].clone()
    } else {
        signature["report"]["key"].clone()
    }
}

struct Pki {
    dir: tempfile::TempDir,
    root: Issued,
    mid: Issued,
}

fn pki() -> Pki {
    let root = issue("wskex Test Root", None, Usage::Ca, -10, 3650, 1);
    let mid = issue(
        "wskex Test Intermediate",
        Some(&root),
        Usage::Ca,
        -10,
        3650,
        2,
    );
    Pki {
        dir: tempfile::tempdir().unwrap(),
        root,
        mid,
    }
}

impl Pki {
    fn root_pem(&self) -> PathBuf {
        pem(self.dir.path(), "root.pem", &self.root.certificate)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

#[test]
fn a_chain_that_reaches_the_anchor_proves_who_signed_in_verify_and_inspect() {
    let p = pki();
    let leaf = issue("Alice Signer", Some(&p.mid), Usage::Signing, -1, 30, 3);
    // The intermediate comes first: the signer is still the leaf.
    let file = p.write(
        "trusted.xml",
        &signed_envelope(&leaf, &[&p.mid.certificate, &leaf.certificate]),
    );
    let root = p.root_pem();
    let ca = ["--ca", root.to_str().unwrap()];
    for command in ["verify", "inspect"] {
        let r = run(command, &file, &ca);
        let key = key_of(&r.json);
        assert_eq!(key["chain"]["trusted"], true, "{command}: {key}");
        assert_eq!(
            key["chain"]["chain"],
            serde_json::json!([
                "CN=Alice Signer",
                "CN=wskex Test Intermediate",
                "CN=wskex Test Root"
            ])
        );
        assert_eq!(key["proves_identity"], true);
        assert!(!codes(&r.json).contains(&"identity-not-proven".to_string()));
        assert!(!codes(&r.json).contains(&"key-from-message".to_string()));
        assert!(
            r.text.contains(
                "chain: CN=Alice Signer <- CN=wskex Test Intermediate <- CN=wskex Test Root: reaches a trust anchor"
            ),
            "{command}:\n{}",
            r.text
        );
        if command == "verify" {
            assert_eq!(r.code, 0, "{}", r.text);
        }
    }
}

#[test]
fn a_supplied_certificate_that_merely_issued_the_signer_is_never_the_signer() {
    let p = pki();
    let leaf = issue("Alice Signer", Some(&p.mid), Usage::Signing, -1, 30, 3);
    let file = p.write(
        "issued.xml",
        &signed_envelope(&leaf, &[&p.mid.certificate, &leaf.certificate]),
    );
    let mid = pem(p.dir.path(), "mid.pem", &p.mid.certificate);
    let r = run("verify", &file, &["--cert", mid.to_str().unwrap()]);
    // The signature verifies with the leaf the message carries; the supplied intermediate
    // is not who signed, so the identity is not proven.
    let signature = &r.json["signatures"][0];
    let valid = if signature["valid"].is_boolean() {
        &signature["valid"]
    } else {
        &signature["report"]["valid"]
    };
    assert_eq!(valid, true, "{}", r.text);
    let key = key_of(&r.json);
    assert_eq!(key["origin"], "message");
    assert!(
        key["description"]
            .as_str()
            .unwrap()
            .contains("CN=Alice Signer"),
        "{key}"
    );
    assert!(codes(&r.json).contains(&"identity-not-proven".to_string()));
    assert_eq!(r.code, 1);
}

#[test]
fn an_untrusted_chain_proves_integrity_not_identity_and_fails_the_identity_check() {
    let p = pki();
    let leaf = issue("Alice Signer", Some(&p.mid), Usage::Signing, -1, 30, 3);
    let file = p.write(
        "untrusted.xml",
        &signed_envelope(&leaf, &[&leaf.certificate, &p.mid.certificate]),
    );
    let other = issue("Some Other Root", None, Usage::Ca, -10, 3650, 7);
    let other = pem(p.dir.path(), "other.pem", &other.certificate);
    for command in ["verify", "inspect"] {
        let r = run(command, &file, &["--ca", other.to_str().unwrap()]);
        assert_eq!(r.code, 1, "{command}:\n{}", r.text);
        let key = key_of(&r.json);
        assert_eq!(key["chain"]["trusted"], false);
        assert_eq!(key["proves_identity"], false);
        assert!(codes(&r.json).contains(&"identity-not-proven".to_string()));
        assert!(r.text.contains("not trusted"), "{command}:\n{}", r.text);
        assert!(
            r.text.contains("integrity, not identity") || r.text.contains("anyone can sign"),
            "{}",
            r.text
        );
    }
}

#[test]
fn expired_or_non_signing_leaves_and_a_clock_past_validity_do_not_reach_the_anchor() {
    let p = pki();
    let root = p.root_pem();
    let ca = ["--ca", root.to_str().unwrap()];

    let expired = issue("Expired Signer", Some(&p.mid), Usage::Signing, -60, -30, 4);
    let file = p.write(
        "expired.xml",
        &signed_envelope(&expired, &[&expired.certificate, &p.mid.certificate]),
    );
    let r = run("verify", &file, &ca);
    assert_eq!(r.code, 1);
    let problem = key_of(&r.json)["chain"]["problem"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(problem.contains("expired"), "{problem}");

    let encipher = issue(
        "Encryption Only",
        Some(&p.mid),
        Usage::EnciphermentOnly,
        -1,
        30,
        5,
    );
    let file = p.write(
        "encipher.xml",
        &signed_envelope(&encipher, &[&encipher.certificate, &p.mid.certificate]),
    );
    let r = run("verify", &file, &ca);
    assert_eq!(r.code, 1);
    assert!(
        key_of(&r.json)["chain"]["problem"]
            .as_str()
            .unwrap()
            .contains("digitalSignature")
    );

    // A valid leaf judged at a --now after it expires.
    let leaf = issue("Alice Signer", Some(&p.mid), Usage::Signing, -1, 30, 3);
    let file = p.write(
        "later.xml",
        &signed_envelope(&leaf, &[&leaf.certificate, &p.mid.certificate]),
    );
    let later = time_in_days(90);
    let r = run("inspect", &file, &[ca[0], ca[1], "--now", &later]);
    let key = key_of(&r.json);
    assert_eq!(key["chain"]["trusted"], false, "{key}");
    assert!(
        key["chain"]["problem"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
    let r = run("inspect", &file, &[ca[0], ca[1], "--now", &time_in_days(1)]);
    assert_eq!(key_of(&r.json)["chain"]["trusted"], true);
}

/// An xs:dateTime `days` from now.
fn time_in_days(days: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let t = openssl::asn1::Asn1Time::from_unix(now + days * 86_400).unwrap();
    // Asn1Time prints "Mar  1 12:00:00 2027 GMT"; rebuild it as xs:dateTime.
    let text = t.to_string();
    let parts: Vec<&str> = text.split_whitespace().collect();
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| *m == parts[0])
    .unwrap()
        + 1;
    format!(
        "{}-{month:02}-{:02}T{}Z",
        parts[3],
        parts[1].parse::<u32>().unwrap(),
        parts[2]
    )
}

#[test]
fn trust_anchors_are_offered_where_signers_are_judged_and_not_on_decrypt() {
    let help = |command: &str| {
        let out = wskex().args([command, "--help"]).output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    for command in ["verify", "inspect", "export"] {
        assert!(help(command).contains("--ca <PATH>"), "{command}");
    }
    assert!(!help("decrypt").contains("--ca"));
    // An anchor file that is not a certificate is an input error naming the option.
    let dir = tempfile::tempdir().unwrap();
    let bogus = dir.path().join("bogus.pem");
    std::fs::write(&bogus, "not a certificate").unwrap();
    let doc = dir.path().join("doc.xml");
    std::fs::write(&doc, "<a/>").unwrap();
    let out = wskex()
        .arg("verify")
        .arg(&doc)
        .arg("--ca")
        .arg(&bogus)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--ca"));
}

/// A DER `SEQUENCE OF Certificate` (an X509PKIPathv1 token's content), root side first.
fn pki_path_der(certificates: &[&X509]) -> Vec<u8> {
    let content: Vec<u8> = certificates
        .iter()
        .flat_map(|c| c.to_der().unwrap())
        .collect();
    let mut der = vec![0x30, 0x82];
    der.extend_from_slice(&(content.len() as u16).to_be_bytes());
    der.extend(content);
    der
}

/// The envelope's Body signed by `signer`, its KeyInfo an STR to a BinarySecurityToken of
/// type X509PKIPathv1 that holds `path`.
fn signed_with_pki_path(signer: &Issued, path: &[&X509]) -> String {
    use base64::Engine as _;
    const PKI_PATH: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509PKIPathv1";
    let bst = format!(
        "<wsse:BinarySecurityToken wsu:Id=\"BST-path\" ValueType=\"{PKI_PATH}\" EncodingType=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary\">{}</wsse:BinarySecurityToken>",
        base64::engine::general_purpose::STANDARD.encode(pki_path_der(path))
    );
    let envelope = ENVELOPE.replace(
        "<wsse:Security s:mustUnderstand=\"true\">",
        &format!("<wsse:Security s:mustUnderstand=\"true\">{bst}"),
    );
    sign_body(
        &envelope,
        signer,
        format!(
            "<wsse:SecurityTokenReference><wsse:Reference URI=\"#BST-path\" ValueType=\"{PKI_PATH}\"/></wsse:SecurityTokenReference>"
        ),
    )
}

/// The CA certificates a PKIPath token carries are the intermediates of its signer's chain:
/// with only the root as anchor, the chain reaches it through the path's intermediate.
#[test]
fn a_pki_path_token_carries_the_intermediates_of_its_chain() {
    let p = pki();
    let leaf = issue("Path Signer", Some(&p.mid), Usage::Signing, -1, 30, 4);
    let file = p.write(
        "pki-path.xml",
        &signed_with_pki_path(&leaf, &[&p.mid.certificate, &leaf.certificate]),
    );
    let root = p.root_pem();
    let ca = ["--ca", root.to_str().unwrap()];
    for command in ["verify", "inspect"] {
        let r = run(command, &file, &ca);
        let key = key_of(&r.json);
        assert_eq!(
            key["chain"]["trusted"], true,
            "{command}: {key}\n{}",
            r.text
        );
        assert_eq!(
            key["chain"]["chain"],
            serde_json::json!([
                "CN=Path Signer",
                "CN=wskex Test Intermediate",
                "CN=wskex Test Root"
            ])
        );
        assert_eq!(key["proves_identity"], true, "{command}: {key}");
    }

    // Without the intermediate in the path, the same anchor is not reached.
    let alone = p.write(
        "pki-path-leaf-only.xml",
        &signed_with_pki_path(&leaf, &[&leaf.certificate]),
    );
    let r = run("verify", &alone, &ca);
    assert_eq!(key_of(&r.json)["chain"]["trusted"], false, "{}", r.text);
}
