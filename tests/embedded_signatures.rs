//! Signatures inside tokens (issue 11, item 3): a SAML 2.0 or 1.1 assertion signed by its STS
//! with xmlsec1 (RSA-SHA1 over a SHA-256 digest, enveloped) stands in an RSTR's
//! RequestedSecurityToken, in the Body or in a `wst:IssuedTokens` header block. `inspect` and
//! `verify` verify it like a header signature (key from the assertion's KeyInfo or from a
//! supplied STS certificate), report it once, catch a changed assertion and a wrong STS key,
//! and do not take an STS-signed token for an unsigned key transfer or for wrapping. Each case
//! asserts the text report, the JSON and the exit code.

mod common;

use common::direct_walk::DirectWalk;

use common::report::run_both_owned as run;

use std::path::PathBuf;
use std::process::Command;

use common::tool_available;
use serde_json::Value;

const SAML2: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const SAML1: &str = "urn:oasis:names:tc:SAML:1.0:assertion";

/// The signature template xmlsec1 fills: RSA-SHA1, enveloped, exc-c14n, SHA-256 digest.
fn signature_template(id: &str, key_info: bool) -> String {
    format!(
        "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/><ds:SignatureMethod Algorithm=\"http://www.w3.org/2000/09/xmldsig#rsa-sha1\"/><ds:Reference URI=\"#{id}\"><ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/><ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/></ds:Transforms><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue></ds:SignatureValue>{}</ds:Signature>",
        if key_info {
            "<ds:KeyInfo><ds:X509Data><ds:X509Certificate></ds:X509Certificate></ds:X509Data></ds:KeyInfo>"
        } else {
            ""
        }
    )
}

fn saml2_assertion(key_info: bool) -> String {
    format!(
        "<saml2:Assertion xmlns:saml2=\"{SAML2}\" ID=\"A-1\" IssueInstant=\"2026-12-01T09:00:00Z\" Version=\"2.0\"><saml2:Issuer>urn:wskex:sts</saml2:Issuer>{}<saml2:Subject><saml2:NameID>alice</saml2:NameID><saml2:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\"/></saml2:Subject><saml2:Conditions NotBefore=\"2026-12-01T08:55:00Z\" NotOnOrAfter=\"2026-12-01T10:00:00Z\"/></saml2:Assertion>",
        signature_template("A-1", key_info)
    )
}

fn saml1_assertion() -> String {
    format!(
        "<saml:Assertion xmlns:saml=\"{SAML1}\" AssertionID=\"_a11\" IssueInstant=\"2026-12-01T09:00:00Z\" Issuer=\"urn:wskex:sts\" MajorVersion=\"1\" MinorVersion=\"1\"><saml:Conditions NotBefore=\"2026-12-01T08:55:00Z\" NotOnOrAfter=\"2026-12-01T10:00:00Z\"/><saml:AuthenticationStatement AuthenticationInstant=\"2026-12-01T09:00:00Z\" AuthenticationMethod=\"urn:oasis:names:tc:SAML:1.0:am:password\"><saml:Subject><saml:NameIdentifier>alice</saml:NameIdentifier><saml:SubjectConfirmation><saml:ConfirmationMethod>urn:oasis:names:tc:SAML:1.0:cm:bearer</saml:ConfirmationMethod></saml:SubjectConfirmation></saml:Subject></saml:AuthenticationStatement>{}</saml:Assertion>",
        signature_template("_a11", true)
    )
}

/// A SOAP 1.2 message whose Body (or, with `in_header`, a wst:IssuedTokens header block)
/// holds an RSTR issuing `assertion`.
fn message(assertion: &str, in_header: bool) -> String {
    let rstr = format!(
        "<wst:RequestSecurityTokenResponse Context=\"urn:ctx\"><wst:TokenType>http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV2.0</wst:TokenType><wst:RequestedSecurityToken>{assertion}</wst:RequestedSecurityToken></wst:RequestSecurityTokenResponse>"
    );
    let (header_block, body) = if in_header {
        (
            format!("<wst:IssuedTokens>{rstr}</wst:IssuedTokens>"),
            "<ex:Order xmlns:ex=\"urn:wskex:example\"/>".to_string(),
        )
    } else {
        (String::new(), rstr)
    };
    format!(
        "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd\" xmlns:wsu=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd\" xmlns:wst=\"http://docs.oasis-open.org/ws-sx/ws-trust/200512\"><s:Header>{header_block}<wsse:Security><wsu:Timestamp wsu:Id=\"TS-1\"><wsu:Created>2026-12-01T09:00:00Z</wsu:Created></wsu:Timestamp></wsse:Security></s:Header><s:Body wsu:Id=\"Body-1\">{body}</s:Body></s:Envelope>"
    )
}

/// Signs `text` with xmlsec1 as the STS; the certificate goes into KeyInfo when the
/// template asks for it.
fn sign(keys: &DirectWalk, name: &str, text: &str, id_attr: [&str; 2]) -> PathBuf {
    let template = keys.scratch(&format!("{name}.tmpl.xml"));
    std::fs::write(&template, text).unwrap();
    let signed = keys.scratch(name);
    let key = format!(
        "{},{}",
        keys.path("alice.key.pem").display(),
        keys.path("alice.cert.pem").display()
    );
    let out = Command::new("xmlsec1")
        .args(["--sign", "--privkey-pem", &key])
        .args(id_attr)
        .arg("--output")
        .arg(&signed)
        .arg(&template)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "xmlsec1: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    signed
}

fn cert(keys: &DirectWalk, who: &str) -> Vec<String> {
    vec![
        "--cert".into(),
        keys.path(&format!("{who}.cert.pem"))
            .to_str()
            .unwrap()
            .into(),
    ]
}

const SAML2_ID: [&str; 2] = [
    "--id-attr:ID",
    "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
];

fn signatures(json: &Value) -> &Vec<Value> {
    json["messages"][0]["signatures"]
        .as_array()
        .or_else(|| json["signatures"].as_array())
        .unwrap()
}

fn codes(json: &Value) -> Vec<String> {
    json["messages"][0]["findings"]
        .as_array()
        .or_else(|| json["findings"].as_array())
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

fn xmlsec1(test: &str) -> bool {
    tool_available(test, "xmlsec1")
}

#[test]
fn an_assertion_in_a_body_rstr_is_verified_like_a_header_signature() {
    if !xmlsec1("an_assertion_in_a_body_rstr_is_verified_like_a_header_signature") {
        return;
    }
    let keys = DirectWalk::new();
    let file = sign(
        &keys,
        "body.xml",
        &message(&saml2_assertion(true), false),
        SAML2_ID,
    );
    for command in ["inspect", "verify"] {
        let r = run(command, &file, &cert(&keys, "alice"));
        assert_eq!(r.code, 0, "{command}: {}", r.text);
        let found = signatures(&r.json);
        assert_eq!(found.len(), 1, "{command}: reported once: {}", r.text);
        let s = &found[0];
        assert_eq!(s["valid"], true);
        assert_eq!(
            s["path"],
            "/s:Envelope/s:Body/wst:RequestSecurityTokenResponse/wst:RequestedSecurityToken/saml2:Assertion/ds:Signature"
        );
        assert_eq!(
            s["signature_method"],
            "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
        );
        assert_eq!(s["references"][0]["uri"], "#A-1");
        assert_eq!(s["references"][0]["valid"], true);
        assert_eq!(s["key"]["proves_identity"], true);
        assert!(
            !codes(&r.json).contains(&"unsigned-key-transfer".to_string()),
            "{command}: {}",
            r.text
        );
    }
    let inspect = run("inspect", &file, &cert(&keys, "alice"));
    assert!(
        inspect
            .text
            .contains("signature (no Id) at line 2 (rsa-sha1): VALID"),
        "{}",
        inspect.text
    );
    assert!(inspect.text.contains("reference #A-1 -> /s:Envelope/s:Body/wst:RequestSecurityTokenResponse/wst:RequestedSecurityToken/saml2:Assertion: ok"));
}

#[test]
fn a_changed_assertion_or_another_sts_key_fails() {
    if !xmlsec1("a_changed_assertion_or_another_sts_key_fails") {
        return;
    }
    let keys = DirectWalk::new();
    let signed = sign(
        &keys,
        "body.xml",
        &message(&saml2_assertion(true), false),
        SAML2_ID,
    );
    let text = std::fs::read_to_string(&signed).unwrap();
    let changed = text.replacen("urn:wskex:sts", "urn:wskex:mallory", 1);
    assert_ne!(changed, text);
    let file = keys.scratch("changed.xml");
    std::fs::write(&file, changed).unwrap();
    for command in ["inspect", "verify"] {
        let r = run(command, &file, &cert(&keys, "alice"));
        assert_eq!(r.code, 1, "{command}: {}", r.text);
        assert_eq!(signatures(&r.json)[0]["valid"], false);
        assert!(
            codes(&r.json).contains(&"signature-invalid".to_string()),
            "{command}"
        );
        assert!(r.text.contains("digest mismatch"), "{command}: {}", r.text);
    }
    // Without KeyInfo the supplied STS certificate is the key; another one does not verify.
    let bare = sign(
        &keys,
        "bare.xml",
        &message(&saml2_assertion(false), false),
        SAML2_ID,
    );
    let good = run("inspect", &bare, &cert(&keys, "alice"));
    assert_eq!(good.code, 0, "{}", good.text);
    assert!(
        good.text.contains("the only public key supplied"),
        "{}",
        good.text
    );
    let wrong = run("inspect", &bare, &cert(&keys, "bob"));
    assert_eq!(wrong.code, 1, "{}", wrong.text);
    assert_eq!(signatures(&wrong.json)[0]["signature_value_valid"], false);
    assert!(
        wrong
            .text
            .contains("the signature was made with another key"),
        "{}",
        wrong.text
    );
}

#[test]
fn an_assertion_in_an_issued_tokens_header_is_verified_and_is_no_wrapping() {
    if !xmlsec1("an_assertion_in_an_issued_tokens_header_is_verified_and_is_no_wrapping") {
        return;
    }
    let keys = DirectWalk::new();
    let file = sign(
        &keys,
        "header.xml",
        &message(&saml2_assertion(true), true),
        SAML2_ID,
    );
    let r = run("inspect", &file, &cert(&keys, "alice"));
    assert_eq!(r.code, 0, "{}", r.text);
    assert_eq!(signatures(&r.json)[0]["valid"], true);
    let found = codes(&r.json);
    assert!(
        !found.contains(&"signature-wrapping".to_string()),
        "{}",
        r.text
    );
    assert!(
        !found.contains(&"unsigned-key-transfer".to_string()),
        "{}",
        r.text
    );
    assert!(
        r.text.contains(
            "ws-trust: RSTR: SAML assertion (in the wst:IssuedTokens header block (line 2))"
        ),
        "{}",
        r.text
    );
}

#[test]
fn a_saml_1_1_assertion_is_verified_too() {
    if !xmlsec1("a_saml_1_1_assertion_is_verified_too") {
        return;
    }
    let keys = DirectWalk::new();
    let file = sign(
        &keys,
        "saml11.xml",
        &message(&saml1_assertion(), false),
        [
            "--id-attr:AssertionID",
            "urn:oasis:names:tc:SAML:1.0:assertion:Assertion",
        ],
    );
    let r = run("inspect", &file, &cert(&keys, "alice"));
    assert_eq!(r.code, 0, "{}", r.text);
    let s = &signatures(&r.json)[0];
    assert_eq!(s["valid"], true);
    assert_eq!(s["references"][0]["uri"], "#_a11");
    assert!(r.text.contains("/saml:Assertion: ok"), "{}", r.text);
}

/// An assertion outside the Security header (here an unsigned one in a Body RSTR) has its
/// Conditions window judged against `--now` with the clock skew, as a header assertion has.
#[test]
fn an_embedded_assertion_past_its_conditions_window_is_expired() {
    let keys = DirectWalk::new();
    let assertion = format!(
        "<saml2:Assertion xmlns:saml2=\"{SAML2}\" ID=\"A-late\" IssueInstant=\"2026-12-01T09:00:00Z\" Version=\"2.0\"><saml2:Issuer>urn:wskex:sts</saml2:Issuer><saml2:Conditions NotBefore=\"2026-12-01T08:55:00Z\" NotOnOrAfter=\"2026-12-01T10:00:00Z\"/></saml2:Assertion>"
    );
    let text = message(&assertion, false);
    let file = keys.write("embedded-late.xml", &text);
    let at = |now: &str| vec!["--now".to_string(), now.to_string()];

    let late = run("inspect", &file, &at("2026-12-02T00:00:00Z"));
    assert!(
        codes(&late.json).contains(&"saml-expired".to_string()),
        "{}",
        late.text
    );
    let finding = late.json["messages"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "saml-expired")
        .unwrap();
    let span = &finding["span"];
    let start = span["start"].as_u64().unwrap() as usize;
    assert!(
        text[start..].starts_with("<saml2:Assertion"),
        "the finding points at the assertion: {finding}"
    );

    let early = run("inspect", &file, &at("2026-12-01T08:00:00Z"));
    assert!(
        codes(&early.json).contains(&"saml-not-yet-valid".to_string()),
        "{}",
        early.text
    );

    let within = run("inspect", &file, &at("2026-12-01T09:30:00Z"));
    assert!(
        !codes(&within.json).iter().any(|c| c.starts_with("saml-")),
        "{}",
        within.text
    );
}
