//! xmlsec1 as an oracle for the brokered key distribution walkthrough: the signatures the
//! parties make verify in an independent implementation, exactly as sent.
//!
//! - encrypted-key: Alice's RST and the STS's RSTR (RSA-SHA256 over `#Body` and `#Timestamp`),
//!   the SAML assertion's enveloped signature by the STS, both in the RSTR and copied into
//!   Alice's request to Bob (with the STS certificate supplied, and with only the certificate
//!   the assertion carries made a trust anchor), and Alice's HMAC-SHA256 proof of possession
//!   under the session key;
//! - computed-key: Alice's RST and Bob's RSTR;
//! - a changed assertion and a tampered RST are refused.
//!
//! Without xmlsec1 the test skips visibly; under WSKEX_REQUIRE_INTEROP=1 it fails instead.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{tool_available, visible};
use wskex::patterns::{Walkthrough, walk};

const ASSERTION_ID_ATTR: &str = "urn:oasis:names:tc:SAML:2.0:assertion:Assertion";
const ASSERTION_SIGNATURE: &str = "//*[local-name()='Assertion']/*[local-name()='Signature']";
const HEADER_SIGNATURE: &str =
    "/*/*[local-name()='Header']/*[local-name()='Security']/*[local-name()='Signature']";

fn keys(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples/keys")
        .join(name)
}

fn xmlsec1(args: &[&str], file: &Path) -> Output {
    Command::new("xmlsec1")
        .args(args)
        .arg(file)
        .output()
        .expect("run xmlsec1")
}

fn verifies(what: &str, args: &[&str], file: &Path) {
    let out = xmlsec1(args, file);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.contains("OK"),
        "{what}: xmlsec1 --verify {} {} failed ({}):\n{stderr}",
        args.join(" "),
        file.display(),
        out.status
    );
}

fn refused(what: &str, args: &[&str], file: &Path) -> String {
    let out = xmlsec1(args, file);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        !out.status.success(),
        "{what}: xmlsec1 accepted it:\n{stderr}"
    );
    stderr
}

/// The messages of a walkthrough, written as files.
fn write_messages(dir: &Path, walk: &Walkthrough, prefix: &str) -> Vec<PathBuf> {
    walk.messages
        .iter()
        .map(|m| {
            let path = dir.join(format!(
                "{prefix}-{:02}-{}-{}.xml",
                m.index + 1,
                m.from,
                m.to
            ));
            std::fs::write(&path, &m.text).unwrap();
            path
        })
        .collect()
}

fn rsa(cert: &Path) -> Vec<String> {
    vec![
        "--verify".into(),
        "--pubkey-cert-pem".into(),
        cert.display().to_string(),
        "--id-attr:Id".into(),
        "Body".into(),
        "--id-attr:Id".into(),
        "Timestamp".into(),
        "--node-xpath".into(),
        HEADER_SIGNATURE.into(),
    ]
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn brokered_signatures_verify_in_xmlsec1() {
    let test = "brokered walkthrough signatures in xmlsec1";
    if !tool_available(test, "xmlsec1") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (alice, sts, bob) = (
        keys("alice.cert.pem"),
        keys("sts.cert.pem"),
        keys("bob.cert.pem"),
    );

    // encrypted-key
    let w = walk("brokered", Some("encrypted-key"), 1, None).unwrap();
    assert!(w.all_checks_pass());
    let files = write_messages(dir.path(), &w, "ek");
    assert_eq!(files.len(), 3);
    verifies("RST signed by alice", &strs(&rsa(&alice)), &files[0]);
    verifies("RSTR signed by the STS", &strs(&rsa(&sts)), &files[1]);
    let sts_path = sts.display().to_string();
    for (what, file) in [
        ("the assertion in the RSTR", &files[1]),
        ("the assertion in alice's request to bob", &files[2]),
    ] {
        // With the STS certificate supplied (the brief's command) ...
        verifies(
            what,
            &[
                "--verify",
                "--pubkey-cert-pem",
                &sts_path,
                "--id-attr:ID",
                ASSERTION_ID_ATTR,
                "--node-xpath",
                ASSERTION_SIGNATURE,
            ],
            file,
        );
        // ... and with only its own X509Data, the STS certificate as the trust anchor.
        verifies(
            what,
            &[
                "--verify",
                "--trusted-pem",
                &sts_path,
                "--id-attr:ID",
                ASSERTION_ID_ATTR,
                "--node-xpath",
                ASSERTION_SIGNATURE,
            ],
            file,
        );
    }
    // Alice's proof of possession: HMAC-SHA256 under the session key.
    let k = w.ledger.get("session-key").expect("session key");
    let hmac = dir.path().join("session-key.bin");
    std::fs::write(&hmac, k.bytes.expose()).unwrap();
    let hmac_path = hmac.display().to_string();
    let hmac_args = [
        "--verify",
        "--hmackey",
        &hmac_path,
        "--id-attr:Id",
        "Body",
        "--id-attr:Id",
        "Timestamp",
        "--node-xpath",
        HEADER_SIGNATURE,
    ];
    verifies("alice's HMAC with K", &hmac_args, &files[2]);

    // A changed assertion is refused, and so is a request signed under another key.
    let text = std::fs::read_to_string(&files[2]).unwrap();
    let forged = text.replace(
        "<saml2:Audience>urn:wskex:bob</saml2:Audience>",
        "<saml2:Audience>urn:wskex:mallory</saml2:Audience>",
    );
    assert_ne!(forged, text);
    let forged_file = dir.path().join("ek-03-forged.xml");
    std::fs::write(&forged_file, forged).unwrap();
    refused(
        "a changed assertion",
        &[
            "--verify",
            "--pubkey-cert-pem",
            &sts_path,
            "--id-attr:ID",
            ASSERTION_ID_ATTR,
            "--node-xpath",
            ASSERTION_SIGNATURE,
        ],
        &forged_file,
    );
    let bob_path = bob.display().to_string();
    refused(
        "the STS's RSTR checked with bob's certificate",
        &strs(&rsa(Path::new(&bob_path))),
        &files[1],
    );

    // computed-key
    let w = walk("brokered", Some("computed-key"), 1, None).unwrap();
    assert!(w.all_checks_pass());
    let files = write_messages(dir.path(), &w, "ck");
    verifies("RST signed by alice", &strs(&rsa(&alice)), &files[0]);
    verifies("RSTR signed by bob", &strs(&rsa(&bob)), &files[1]);

    // The tampered RST as the STS received it.
    let w = walk("brokered", Some("encrypted-key"), 1, Some("change-body")).unwrap();
    let files = write_messages(dir.path(), &w, "tampered");
    let stderr = refused(
        "the RST with a changed byte",
        &strs(&rsa(&alice)),
        &files[0],
    );
    assert!(stderr.contains("data and digest do not match"), "{stderr}");
    visible(&format!(
        "{test}: 9 signatures verified, 3 forgeries refused"
    ));
}
