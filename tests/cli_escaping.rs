//! Nothing from the input reaches the terminal raw: ids, algorithm URIs, user names,
//! certificate subjects, HTTP header values and file names carrying ESC sequences, CR, C1
//! controls or bidi overrides are written escaped (`\x1b`, `\u{202e}`) in the text reports and
//! diagnostics of verify, inspect and decrypt, and as `\u001b` / `\u202e` in their JSON, while
//! document output (c14n, decrypted documents and octets) stays byte-exact.

mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::wskex;
use openssl::asn1::Asn1Time;
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::{X509, X509NameBuilder};
use wskex::crypto::signature::SigningKey;
use wskex::crypto::{DigestAlgorithm, SignatureAlgorithm};
use wskex::dsig::{ReferenceSpec, SignatureSpec, TransformSpec, sign};
use wskex::safe_text::is_unsafe;
use wskex::xml::c14n::C14nMethod;
use wskex::xml::{Document, IdAttributes};

/// A title change, a screen clear and a right-to-left override, as a hostile sender writes them.
const ESC_TITLE: &str = "\u{1b}]0;pwned\u{7}";
const CLEAR: &str = "\u{1b}[2J";

fn run(args: &[&OsStr]) -> Output {
    wskex().args(args).output().expect("run wskex")
}

/// No character a terminal would act on in `bytes`, other than the line breaks of the output.
fn assert_nothing_raw(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    if let Some((at, c)) = text
        .char_indices()
        .find(|&(_, c)| c != '\n' && is_unsafe(c))
    {
        panic!(
            "{what}: raw U+{:04X} at byte {at}: {:?}",
            c as u32,
            &text[at.saturating_sub(60)..(at + 20).min(text.len())]
        );
    }
}

/// Runs the command in text and JSON forms; both outputs and both error streams are checked,
/// and the JSON must parse. Returns (text stdout, JSON stdout, text stderr).
fn run_both(what: &str, args: &[&OsStr], code: i32) -> (String, String, String) {
    let text = run(args);
    let mut json_args = args.to_vec();
    json_args.extend([OsStr::new("--format"), OsStr::new("json")]);
    let json = run(&json_args);
    for (form, out) in [("text", &text), ("json", &json)] {
        assert_eq!(
            out.status.code(),
            Some(code),
            "{what} {form}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_nothing_raw(&format!("{what} {form} stdout"), &out.stdout);
        assert_nothing_raw(&format!("{what} {form} stderr"), &out.stderr);
    }
    serde_json::from_slice::<serde_json::Value>(&json.stdout)
        .unwrap_or_else(|e| panic!("{what}: JSON does not parse: {e}"));
    (
        String::from_utf8(text.stdout).unwrap(),
        String::from_utf8(json.stdout).unwrap(),
        String::from_utf8(text.stderr).unwrap(),
    )
}

/// A WS-Security message whose ids, algorithm URIs, reference URIs and user name carry CR
/// (as a character reference), C1 controls and bidi overrides (XML 1.0 allows those raw; C0
/// other than white space cannot appear in XML at all).
fn hostile_envelope() -> String {
    r##"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><s:Header><wsse:Security><wsse:UsernameToken wsu:Id="UT@RLO1&#13;x"><wsse:Username>evil@CSI31m@RLO&#13;admin@NEL</wsse:Username></wsse:UsernameToken><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="SIG@NEL@RLO&#13;"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#@CSI2J"/><ds:SignatureMethod Algorithm="urn:evil#@CSI2J@RLO&#13;x"/><ds:Reference URI="#Body@RLO&#13;"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256@RLO"/><ds:DigestValue>AAAA</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature></wsse:Security></s:Header><s:Body wsu:Id="Body@RLO&#13;"><p:x xmlns:p="urn:p">a@RLOb@CSIc</p:x></s:Body></s:Envelope>"##
        .replace("@RLO", "\u{202e}")
        .replace("@CSI", "\u{9b}")
        .replace("@NEL", "\u{85}")
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn ids_uris_and_user_names_are_escaped_in_every_report() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "hostile.xml", hostile_envelope());
    let f = file.as_os_str();

    let (text, json, _) = run_both("verify", &["verify".as_ref(), f], 1);
    assert!(
        text.contains("signature 1 SIG\\x85\\u{202e} at line 1"),
        "{text}"
    );
    assert!(text.contains("reference \"#Body\\u{202e}\\x0d\""), "{text}");
    assert!(text.contains("xmlenc#sha256\\u{202e}"), "{text}");
    assert!(json.contains("SIG\\u0085\\u202e\\r"), "{json}");

    let (text, json, _) = run_both("inspect", &["inspect".as_ref(), f], 1);
    assert!(
        text.contains(
            "UsernameToken UT\\u{202e}1 x (line 1): Username evil\\x9b31m\\u{202e} admin\\x85"
        ),
        "{text}"
    );
    // An algorithm wskex does not know is shown by its whole URI, escaped.
    assert!(text.contains("(urn:evil#\\x9b2J\\u{202e} x)"), "{text}");
    assert!(
        json.contains("evil\\u009b31m\\u202e\\radmin\\u0085"),
        "{json}"
    );

    let (_, json, report) = run_both("decrypt", &["decrypt".as_ref(), f], 1);
    assert!(
        report.contains("hostile.xml: no xenc:EncryptedData found"),
        "{report}"
    );
    assert!(json.contains("\"ok\": false"), "{json}");
}

/// A self-signed certificate whose subject CN is `cn`, and its key.
fn certificate(cn: &str) -> (X509, PKey<Private>) {
    let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
    let mut name = X509NameBuilder::new().unwrap();
    name.append_entry_by_nid(Nid::COMMONNAME, cn).unwrap();
    let name = name.build();
    let mut builder = X509::builder().unwrap();
    builder.set_version(2).unwrap();
    builder
        .set_serial_number(&BigNum::from_u32(7).unwrap().to_asn1_integer().unwrap())
        .unwrap();
    builder.set_subject_name(&name).unwrap();
    builder.set_issuer_name(&name).unwrap();
    builder.set_pubkey(&key).unwrap();
    builder
        .set_not_before(&Asn1Time::from_unix(1_700_000_000).unwrap())
        .unwrap();
    builder
        .set_not_after(&Asn1Time::from_unix(2_000_000_000).unwrap())
        .unwrap();
    builder.sign(&key, MessageDigest::sha256()).unwrap();
    (builder.build(), key)
}

/// `<doc>` signed (enveloped, RSA-SHA256) with `key`, its certificate in the KeyInfo.
fn signed_document(cert: &X509, key: &PKey<Private>) -> String {
    use base64::Engine;
    let text = "<doc xmlns=\"urn:d\"><item>x</item></doc>";
    let doc = Document::parse_str(text, "doc.xml").unwrap();
    let der = base64::engine::general_purpose::STANDARD.encode(cert.to_der().unwrap());
    let spec = SignatureSpec {
        id: Some("SIG-1".into()),
        c14n: C14nMethod::exclusive(false),
        algorithm: SignatureAlgorithm::Rsa(DigestAlgorithm::Sha256),
        hmac_output_bits: None,
        references: vec![ReferenceSpec {
            uri: String::new(),
            transforms: vec![
                TransformSpec::EnvelopedSignature,
                TransformSpec::Canonicalize(C14nMethod::exclusive(false)),
            ],
            digest: DigestAlgorithm::Sha256,
        }],
        key_info: Some(format!(
            "<ds:X509Data><ds:X509Certificate>{der}</ds:X509Certificate></ds:X509Data>"
        )),
    };
    let at = text.find("</doc>").unwrap();
    let signed = sign(
        &doc,
        &spec,
        SigningKey::Rsa(key),
        at,
        &IdAttributes::default(),
        None,
    )
    .unwrap();
    signed.document.text().to_string()
}

#[test]
fn a_certificate_subject_with_an_escape_sequence_is_escaped() {
    let cn = format!("alice{ESC_TITLE}{CLEAR}\u{202e}gpj.exe");
    let (cert, key) = certificate(&cn);
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "signed.xml", signed_document(&cert, &key));
    let cert_file = write(dir.path(), "cert.pem", cert.to_pem().unwrap());
    let f = file.as_os_str();

    let (text, json, _) = run_both("verify", &["verify".as_ref(), f], 0);
    // The subject is written as RFC 4514 has it (`;` escaped), then made safe to show.
    let escaped_cn = "CN=alice\\x1b]0\\;pwned\\x07\\x1b[2J\\u{202e}gpj.exe";
    assert!(text.contains(escaped_cn), "{text}");
    assert!(
        json.contains("CN=alice\\u001b]0\\\\;pwned\\u0007\\u001b[2J\\u202egpj.exe"),
        "{json}"
    );

    run_both(
        "verify --cert",
        &[
            "verify".as_ref(),
            f,
            "--cert".as_ref(),
            cert_file.as_os_str(),
        ],
        0,
    );
    run_both("inspect", &["inspect".as_ref(), f], 1);
}

#[test]
fn file_names_are_escaped_in_reports_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let evil = format!("evil{ESC_TITLE}\u{202e}lmx.xml");
    let good = write(dir.path(), &evil, hostile_envelope());
    let (_, json, _) = run_both("verify", &["verify".as_ref(), good.as_os_str()], 1);
    assert!(
        json.contains("evil\\u001b]0;pwned\\u0007\\u202elmx.xml"),
        "{json}"
    );
    let (text, json, _) = run_both("inspect", &["inspect".as_ref(), dir.path().as_os_str()], 1);
    assert!(
        text.contains("evil\\x1b]0;pwned\\x07\\u{202e}lmx.xml (SOAP 1.2)"),
        "{text}"
    );
    assert!(
        json.contains("evil\\u001b]0;pwned\\u0007\\u202elmx.xml"),
        "{json}"
    );

    let broken_dir = tempfile::tempdir().unwrap();
    let broken = write(broken_dir.path(), &evil, "<a><b></a>");
    let parse_error = "evil\\x1b]0;pwned\\x07\\u{202e}lmx.xml:1:7: expected </b>, found </a>";
    for command in ["c14n", "verify", "decrypt"] {
        let out = run(&[command.as_ref(), broken.as_os_str()]);
        assert_eq!(out.status.code(), Some(2), "{command}");
        assert_nothing_raw(command, &out.stderr);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(parse_error), "{command}: {stderr}");
    }
    // inspect reports a message that does not parse as a finding of the conversation.
    let (text, _, _) = run_both(
        "inspect broken",
        &["inspect".as_ref(), broken.as_os_str()],
        1,
    );
    assert!(text.contains(parse_error), "{text}");
    let missing = dir.path().join(format!("gone{CLEAR}.xml"));
    let out = run(&["verify".as_ref(), missing.as_os_str()]);
    assert_eq!(out.status.code(), Some(2));
    assert_nothing_raw("missing file", &out.stderr);
    assert!(String::from_utf8_lossy(&out.stderr).contains("gone\\x1b[2J.xml: "));
}

#[test]
fn http_header_values_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let dump = format!(
        "POST /service HTTP/1.1\r\nHost: h\r\nContent-Type: multipart/related; \
         boundary=\"b{CLEAR}\u{202e}\"\r\n\r\n{}",
        hostile_envelope()
    );
    let file = write(dir.path(), "capture.http", dump);
    let out = run(&["inspect".as_ref(), file.as_os_str()]);
    assert_eq!(out.status.code(), Some(2));
    assert_nothing_raw("inspect http stderr", &out.stderr);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("b\\x1b[2J\\u{202e}"), "{stderr}");

    let folded = format!(
        "POST /service HTTP/1.1\r\nHost: h\r\nContent-Type: application/soap+xml\r\n \
         ; action=\"urn:a{CLEAR}\"\r\n\r\n{}",
        hostile_envelope()
    );
    let file = write(dir.path(), "folded.http", folded);
    run_both("inspect folded", &["inspect".as_ref(), file.as_os_str()], 1);
}

#[test]
fn document_output_stays_byte_exact() {
    let dir = tempfile::tempdir().unwrap();
    let text = "<p:x xmlns:p=\"urn:p\" a=\"1&#13;\u{202e}\">a\u{202e}b\u{9b}c\u{85}</p:x>";
    let file = write(dir.path(), "doc.xml", text);
    let out = run(&["c14n".as_ref(), file.as_os_str()]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "<p:x xmlns:p=\"urn:p\" a=\"1&#xD;\u{202e}\">a\u{202e}b\u{9b}c\u{85}</p:x>"
    );

    // One EncryptedData of octets: the decrypted octets are written as they are, ESC included.
    let key = [7u8; 16];
    let iv = [9u8; 16];
    let plain = format!("{ESC_TITLE}{CLEAR}\u{202e}\u{9b}octets\r\n");
    let cipher = openssl::symm::encrypt(
        openssl::symm::Cipher::aes_128_cbc(),
        &key,
        Some(&iv),
        plain.as_bytes(),
    )
    .unwrap();
    let value = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode([&iv[..], &cipher].concat())
    };
    let encrypted = format!(
        "<xenc:EncryptedData xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\" Id=\"ED{CLEAR_REF}\">\
         <xenc:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#aes128-cbc\"/>\
         <xenc:CipherData><xenc:CipherValue>{value}</xenc:CipherValue></xenc:CipherData>\
         </xenc:EncryptedData>",
        CLEAR_REF = "&#13;\u{202e}"
    );
    let file = write(dir.path(), "octets.xml", encrypted);
    let args = [
        "decrypt".as_ref(),
        file.as_os_str(),
        "--aes-key".as_ref(),
        "hex:07070707070707070707070707070707".as_ref(),
    ];
    let out = run(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, plain.as_bytes());
    assert_nothing_raw("decrypt report", &out.stderr);
    let report = String::from_utf8_lossy(&out.stderr);
    assert!(
        report.contains("EncryptedData ED \\u{202e} at line 1"),
        "{report}"
    );

    let plain_file = dir.path().join("plain.bin");
    let mut with_out = args.to_vec();
    with_out.extend([OsStr::new("-o"), plain_file.as_os_str()]);
    let (json_out, _) = {
        let mut json_args = with_out.clone();
        json_args.extend([OsStr::new("--format"), OsStr::new("json")]);
        let out = run(&json_args);
        assert_eq!(out.status.code(), Some(0));
        assert_nothing_raw("decrypt json", &out.stdout);
        (out.stdout, out.stderr)
    };
    assert!(String::from_utf8_lossy(&json_out).contains("\"id\": \"ED\\r\\u202e\""));
    assert_eq!(std::fs::read(&plain_file).unwrap(), plain.as_bytes());
}
