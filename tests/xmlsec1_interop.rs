//! xmlsec1 (1.2.37, libxml2 + OpenSSL) as a live oracle, in both directions:
//!
//! - signatures wskex makes verify in xmlsec1, and xmlsec1's signatures verify in wskex (the
//!   library and `wskex verify`), for HMAC-SHA1, HMAC-SHA256 and RSA-SHA256, as an enveloped
//!   signature over a plain document and as a WS-Security header signature over `#Body-1` and
//!   `#TS-1` (exclusive c14n, with and without an InclusiveNamespaces PrefixList);
//! - EncryptedData wskex makes (AES-128-CBC, AES-256-GCM; Element and Content; the key in an
//!   EncryptedKey under RSA-OAEP or AES key wrap, embedded or in the WS-Security header
//!   behind a RetrievalMethod) decrypt in xmlsec1, and xmlsec1's encryptions decrypt in
//!   wskex (the library and `wskex decrypt`).
//!
//! Each direction also tampers one byte and expects the other side to refuse, so the tests can
//! fail. Every xmlsec1 invocation's stderr is kept in the assertion message. Without xmlsec1
//! (or the openssl tool that makes the RSA key) the tests skip visibly; under
//! WSKEX_REQUIRE_INTEROP=1 they fail instead.

mod common;
#[path = "common/generate.rs"]
mod generate;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{tool_available, visible, wskex};
use openssl::pkey::Public;
use serde_json::Value;
use wskex::crypto::key_transport::{KeyTransport, OaepParams};
use wskex::crypto::keys::{load_certificate_file, load_key_file};
use wskex::crypto::signature::SigningKey;
use wskex::crypto::{
    BlockCipherAlgorithm, DigestAlgorithm, KeyStore, KeyTransportAlgorithm, KeyWrapAlgorithm,
    RandomSource, SecretBytes, SeededRandom, SignatureAlgorithm,
};
use wskex::dsig::model::SignatureElement;
use wskex::dsig::{
    ReferenceSpec, SignatureReport, SignatureSpec, TransformSpec, VerifyOptions, find_signatures,
    sign, verify_signature,
};
use wskex::ns;
use wskex::resolve::StandardResolver;
use wskex::xenc::decrypt_document;
use wskex::xenc::encrypt::{
    EncryptedDataSpec, EncryptedKeySpec, EncryptionTarget, KeyProtection, build_encrypted_key,
    encrypt_node,
};
use wskex::xml::c14n::{C14nMethod, NodeSet, canonicalize_to_vec};
use wskex::xml::{Document, Edit, IdAttributes, IdIndex, Node};

const XENC_EK_ID_ATTR: &str = "http://www.w3.org/2001/04/xmlenc#:EncryptedKey";
const HMAC_KEY: &[u8] = b"wskex/xmlsec1 interop HMAC key, 32";
const KEK_128: &[u8] = b"0123456789abcdef";
const KEK_256: &[u8] = b"0123456789abcdef0123456789ABCDEF";

// ---------------------------------------------------------------------------------------------
// Fixture: key material in a temporary directory.

struct Fixture {
    dir: tempfile::TempDir,
    /// RSA-2048 private key (PEM) and its self-signed certificate.
    key: PathBuf,
    cert: PathBuf,
    /// Raw key bytes for xmlsec1 (`--hmackey`, `--aeskey`) and for `file:` on our side.
    hmac: PathBuf,
    kek128: PathBuf,
    kek256: PathBuf,
}

impl Fixture {
    /// The key material, or `None` (a visible skip) when xmlsec1 or openssl is missing.
    fn new(test: &str) -> Option<Fixture> {
        if !tool_available(test, "xmlsec1") || !tool_available(test, "openssl") {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("rsa.key.pem");
        let cert = dir.path().join("rsa.cert.pem");
        let out = Command::new("openssl")
            .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes"])
            .args(["-subj", "/CN=wskex xmlsec1 interop", "-days", "2"])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .output()
            .expect("run openssl");
        assert!(
            out.status.success(),
            "openssl req failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let write = |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        };
        Some(Fixture {
            hmac: write("hmac.bin", HMAC_KEY),
            kek128: write("kek128.bin", KEK_128),
            kek256: write("kek256.bin", KEK_256),
            dir,
            key,
            cert,
        })
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn public_key(&self) -> openssl::pkey::PKey<Public> {
        load_certificate_file(&self.cert).unwrap()[0]
            .public_key()
            .unwrap()
    }
}

fn os(s: impl Into<OsString>) -> OsString {
    s.into()
}

/// Runs xmlsec1 with `args`.
fn xmlsec1(args: &[OsString]) -> Output {
    Command::new("xmlsec1")
        .args(args)
        .output()
        .expect("run xmlsec1")
}

fn describe(args: &[OsString]) -> String {
    args.iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs xmlsec1 and demands success; returns its standard output.
fn xmlsec1_ok(what: &str, args: &[OsString]) -> Vec<u8> {
    let out = xmlsec1(args);
    assert!(
        out.status.success(),
        "{what}: xmlsec1 {} failed ({}):\n{}",
        describe(args),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Runs xmlsec1 and demands failure; returns its stderr.
fn xmlsec1_fails(what: &str, args: &[OsString]) -> String {
    let out = xmlsec1(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !out.status.success(),
        "{what}: xmlsec1 {} accepted it:\n{stderr}",
        describe(args)
    );
    stderr
}

/// Inclusive C14N without comments of a whole document (serialization details vanish).
fn c14n(xml: &[u8], name: &str) -> String {
    let doc = Document::parse(xml.to_vec(), name).unwrap_or_else(|e| {
        panic!(
            "{name} does not parse: {e}\n{}",
            String::from_utf8_lossy(xml)
        )
    });
    String::from_utf8(canonicalize_to_vec(
        &doc,
        NodeSet::document(),
        &C14nMethod::inclusive(false),
    ))
    .unwrap()
}

/// `text` with the first byte of the first occurrence of `needle` changed.
fn tamper(text: &str, needle: &str) -> String {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not found to tamper with"));
    let mut bytes = text.as_bytes().to_vec();
    bytes[at] = if bytes[at] == b'X' { b'Y' } else { b'X' };
    String::from_utf8(bytes).unwrap()
}

fn first_element<'d>(doc: &'d Document, namespace: &str, local: &str) -> Node<'d> {
    doc.descendants()
        .find(|n| n.has_name(namespace, local))
        .unwrap_or_else(|| panic!("no {{{namespace}}}{local}"))
}

/// Offset just before the end tag of the first such element (the end of its content).
fn end_of_content(xml: &str, namespace: &str, local: &str) -> usize {
    let doc = Document::parse_str(xml, "input").unwrap();
    first_element(&doc, namespace, local)
        .end_tag_span()
        .expect("an element with an end tag")
        .start as usize
}

fn insert_at(xml: &str, at: usize, what: &str) -> String {
    format!("{}{what}{}", &xml[..at], &xml[at..])
}

// ---------------------------------------------------------------------------------------------
// Documents.

const ORDERS: &str = "urn:example:orders";

/// A plain document for an enveloped signature: namespaces, an entity, a comment (removed by
/// URI=""), attributes out of order, and whitespace.
fn plain_document() -> String {
    concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<o:Order xmlns:o=\"urn:example:orders\" xmlns=\"urn:example:default\" z=\"last\" a=\"first\">\n",
        "  <!-- a comment the enveloped reference does not sign -->\n",
        "  <o:Customer id=\"c-1\">Ann &amp; Bob</o:Customer>\n",
        "  <Item xmlns:x=\"urn:example:unused\" o:sku=\"SKU-1\">Widget &lt;large&gt;</Item>\n",
        "</o:Order>\n"
    )
    .to_string()
}

/// A document whose `Payment` element (default namespace and an inherited prefix inside) is
/// what gets encrypted.
fn payment_document() -> String {
    concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<po:Order xmlns:po=\"urn:example:po\" xmlns=\"urn:example:default\" po:id=\"o-1\">\n",
        "  <po:Customer>Ann &amp; Bob</po:Customer>\n",
        "  <Payment xmlns:cc=\"urn:example:cc\" currency=\"EUR\">\n",
        "    <cc:Number>4111 1111 1111 1111</cc:Number><cc:Expiry>12/30</cc:Expiry>\n",
        "    <po:Amount>12.50</po:Amount> tail &lt;text&gt;\n",
        "  </Payment>\n",
        "</po:Order>\n"
    )
    .to_string()
}

// ---------------------------------------------------------------------------------------------
// Signature algorithms and keys on both sides.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Alg {
    HmacSha1,
    HmacSha256,
    RsaSha256,
}

const ALGS: [Alg; 3] = [Alg::HmacSha1, Alg::HmacSha256, Alg::RsaSha256];

impl Alg {
    fn signature(self) -> SignatureAlgorithm {
        match self {
            Alg::HmacSha1 => SignatureAlgorithm::Hmac(DigestAlgorithm::Sha1),
            Alg::HmacSha256 => SignatureAlgorithm::Hmac(DigestAlgorithm::Sha256),
            Alg::RsaSha256 => SignatureAlgorithm::Rsa(DigestAlgorithm::Sha256),
        }
    }

    /// The reference digest that goes with it (SHA-1 with SHA-1, SHA-256 otherwise).
    fn digest(self) -> DigestAlgorithm {
        match self {
            Alg::HmacSha1 => DigestAlgorithm::Sha1,
            _ => DigestAlgorithm::Sha256,
        }
    }

    fn is_hmac(self) -> bool {
        self != Alg::RsaSha256
    }

    fn xmlsec1_sign_keys(self, fx: &Fixture) -> Vec<OsString> {
        if self.is_hmac() {
            vec![os("--hmackey"), os(&fx.hmac)]
        } else {
            let mut both = fx.key.clone().into_os_string();
            both.push(",");
            both.push(&fx.cert);
            vec![os("--privkey-pem"), both]
        }
    }

    fn xmlsec1_verify_keys(self, fx: &Fixture) -> Vec<OsString> {
        if self.is_hmac() {
            vec![os("--hmackey"), os(&fx.hmac)]
        } else {
            vec![os("--pubkey-cert-pem"), os(&fx.cert)]
        }
    }

    fn wskex_keys(self, fx: &Fixture) -> Vec<OsString> {
        if self.is_hmac() {
            let mut spec = os("file:");
            spec.push(&fx.hmac);
            vec![os("--hmac-secret"), spec]
        } else {
            vec![os("--cert"), os(&fx.cert)]
        }
    }

    fn store(self, fx: &Fixture) -> KeyStore {
        let mut store = KeyStore::new();
        if self.is_hmac() {
            store.set_default_hmac_secret(SecretBytes::from_slice(HMAC_KEY), "hmac.bin");
        } else {
            store.add_cert_file(&fx.cert).unwrap();
        }
        store
    }
}

/// The two signature layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// URI="" + enveloped-signature + exc-c14n over [`plain_document`].
    Enveloped,
    /// A wsse:Security header signature over `#Body-1` and `#TS-1`, exc-c14n.
    Soap,
    /// As `Soap`, with InclusiveNamespaces PrefixLists on SignedInfo and both references.
    SoapPrefixList,
}

const LAYOUTS: [Layout; 3] = [Layout::Enveloped, Layout::Soap, Layout::SoapPrefixList];

const SIGNED_INFO_PREFIXES: &str = "soap";
const BODY_PREFIXES: &str = "#default wsu";
const TIMESTAMP_PREFIXES: &str = "wsse soap";

impl Layout {
    fn document(self) -> String {
        match self {
            Layout::Enveloped => plain_document(),
            Layout::Soap | Layout::SoapPrefixList => generate::soap_envelope(3),
        }
    }

    /// Where the Signature goes: the end of the root's or of wsse:Security's content.
    fn insert_at(self, xml: &str) -> usize {
        match self {
            Layout::Enveloped => end_of_content(xml, ORDERS, "Order"),
            Layout::Soap | Layout::SoapPrefixList => end_of_content(xml, ns::WSSE, "Security"),
        }
    }

    fn exc(self, prefixes: &str) -> C14nMethod {
        match self {
            Layout::SoapPrefixList => C14nMethod::exclusive(false).with_prefix_list(prefixes),
            _ => C14nMethod::exclusive(false),
        }
    }

    fn signed_info_c14n(self) -> C14nMethod {
        self.exc(SIGNED_INFO_PREFIXES)
    }

    /// (URI, enveloped?, canonicalization) of each reference.
    fn references(self) -> Vec<(&'static str, bool, C14nMethod)> {
        match self {
            Layout::Enveloped => vec![("", true, C14nMethod::exclusive(false))],
            Layout::Soap | Layout::SoapPrefixList => vec![
                ("#Body-1", false, self.exc(BODY_PREFIXES)),
                ("#TS-1", false, self.exc(TIMESTAMP_PREFIXES)),
            ],
        }
    }

    /// Text whose first byte is changed to tamper with signed content: (what, needle).
    fn tamperings(self) -> Vec<(&'static str, &'static str)> {
        match self {
            Layout::Enveloped => vec![("customer text", "Ann &amp; Bob")],
            Layout::Soap | Layout::SoapPrefixList => vec![
                ("body text", "Widget &amp; gadget #1"),
                ("timestamp", "2026-11-28T12:05:00Z"),
            ],
        }
    }

    /// xmlsec1 only knows the wsu:Id attributes it is told about.
    fn xmlsec1_id_attrs(self) -> Vec<OsString> {
        match self {
            Layout::Enveloped => vec![],
            Layout::Soap | Layout::SoapPrefixList => vec![
                os("--id-attr:Id"),
                os("Body"),
                os("--id-attr:Id"),
                os("Timestamp"),
            ],
        }
    }
}

/// Signs `xml` with the wskex library in the layout's shape.
fn sign_with_wskex(fx: &Fixture, alg: Alg, layout: Layout, xml: &str) -> String {
    let doc = Document::parse_str(xml, "unsigned").unwrap();
    let references = layout
        .references()
        .into_iter()
        .map(|(uri, enveloped, c14n)| {
            let mut transforms = Vec::new();
            if enveloped {
                transforms.push(TransformSpec::EnvelopedSignature);
            }
            transforms.push(TransformSpec::Canonicalize(c14n));
            ReferenceSpec {
                uri: uri.to_string(),
                transforms,
                digest: alg.digest(),
            }
        })
        .collect();
    let spec = SignatureSpec {
        id: Some("SIG-1".into()),
        c14n: layout.signed_info_c14n(),
        algorithm: alg.signature(),
        hmac_output_bits: None,
        references,
        key_info: None,
    };
    let at = layout.insert_at(xml);
    let material = load_key_file(&fx.key, None).unwrap();
    let key = if alg.is_hmac() {
        SigningKey::Hmac(HMAC_KEY)
    } else {
        SigningKey::Rsa(material.private_keys[0].pkey())
    };
    let signed = sign(&doc, &spec, key, at, &IdAttributes::default(), None)
        .unwrap_or_else(|e| panic!("{alg:?} {layout:?}: signing failed: {e}"));
    signed.document.text().to_string()
}

fn c14n_method_xml(element: &str, method: &C14nMethod, prefixes: &str) -> String {
    if method.inclusive_prefixes.is_empty() {
        format!("<ds:{element} Algorithm=\"{}\"/>", method.uri())
    } else {
        format!(
            "<ds:{element} Algorithm=\"{}\"><ec:InclusiveNamespaces xmlns:ec=\"http://www.w3.org/2001/10/xml-exc-c14n#\" PrefixList=\"{prefixes}\"/></ds:{element}>",
            method.uri()
        )
    }
}

/// An xmlsec1 signature template (empty DigestValue and SignatureValue) in the layout's
/// shape. RSA in the enveloped layout asks xmlsec1 to embed the certificate (an X509Data to
/// fill in); otherwise the template has no KeyInfo.
fn signature_template(alg: Alg, layout: Layout) -> String {
    let prefixes_of = |uri: &str| match uri {
        "#Body-1" => BODY_PREFIXES,
        "#TS-1" => TIMESTAMP_PREFIXES,
        _ => "",
    };
    let references: String = layout
        .references()
        .into_iter()
        .map(|(uri, enveloped, c14n)| {
            let enveloped = if enveloped {
                "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>"
            } else {
                ""
            };
            format!(
                "<ds:Reference URI=\"{uri}\"><ds:Transforms>{enveloped}{}</ds:Transforms><ds:DigestMethod Algorithm=\"{}\"/><ds:DigestValue></ds:DigestValue></ds:Reference>",
                c14n_method_xml("Transform", &c14n, prefixes_of(uri)),
                alg.digest().uri()
            )
        })
        .collect();
    let key_info = if alg == Alg::RsaSha256 && layout == Layout::Enveloped {
        "<ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo>"
    } else {
        ""
    };
    let template = format!(
        "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" Id=\"SIG-1\"><ds:SignedInfo>{}<ds:SignatureMethod Algorithm=\"{}\"/>{references}</ds:SignedInfo><ds:SignatureValue></ds:SignatureValue>{key_info}</ds:Signature>",
        c14n_method_xml(
            "CanonicalizationMethod",
            &layout.signed_info_c14n(),
            SIGNED_INFO_PREFIXES
        ),
        alg.signature().uri()
    );
    let xml = layout.document();
    insert_at(&xml, layout.insert_at(&xml), &template)
}

/// Verifies every signature of `xml` with the library, as `wskex verify` would.
fn verify_with_library(xml: &str, store: &KeyStore) -> Vec<SignatureReport> {
    let doc = Document::parse_str(xml, "signed").unwrap();
    let ids = IdIndex::build(&doc, &IdAttributes::default());
    let resolver = StandardResolver::new(&doc, &ids, store);
    find_signatures(&doc)
        .map(|element| {
            let signature = SignatureElement::read(element).expect("well-formed Signature");
            verify_signature(
                &doc,
                &ids,
                &signature,
                &resolver,
                None,
                &VerifyOptions::default(),
            )
        })
        .collect()
}

/// Runs `wskex verify FILE KEYS --format json`; returns the exit code and the JSON.
fn wskex_verify_json(file: &Path, keys: &[OsString]) -> (i32, Value, String) {
    let out = wskex()
        .arg("verify")
        .arg(file)
        .args(keys)
        .args(["--format", "json"])
        .output()
        .expect("run wskex");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "wskex verify {}: not JSON ({e}):\n{}\n{stderr}",
            file.display(),
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (out.status.code().expect("exit code"), json, stderr)
}

// ---------------------------------------------------------------------------------------------
// 1. We sign, xmlsec1 verifies.

#[test]
fn signatures_made_by_wskex_verify_in_xmlsec1() {
    let Some(fx) = Fixture::new("wskex signs, xmlsec1 verifies") else {
        return;
    };
    let mut checked = 0;
    for layout in LAYOUTS {
        for alg in ALGS {
            let what = format!("{alg:?} {layout:?}");
            let signed = sign_with_wskex(&fx, alg, layout, &layout.document());
            let file = fx.write(&format!("wskex-signed-{alg:?}-{layout:?}.xml"), &signed);
            let mut args = vec![os("--verify")];
            args.extend(layout.xmlsec1_id_attrs());
            args.extend(alg.xmlsec1_verify_keys(&fx));
            args.push(os(&file));
            xmlsec1_ok(&format!("{what}\n{signed}"), &args);

            for (part, needle) in layout.tamperings() {
                let tampered = fx.write(
                    &format!("wskex-signed-{alg:?}-{layout:?}-tampered.xml"),
                    &tamper(&signed, needle),
                );
                *args.last_mut().unwrap() = os(&tampered);
                let stderr = xmlsec1_fails(&format!("{what} with the {part} tampered"), &args);
                assert!(
                    stderr.contains("FAIL") || stderr.contains("digest"),
                    "{what}: xmlsec1 refused the tampered {part}, but not for the digest:\n{stderr}"
                );
            }
            checked += 1;
        }
    }
    visible(&format!(
        "wskex signs, xmlsec1 verifies: {checked} signatures accepted, every tampered copy refused"
    ));
}

// ---------------------------------------------------------------------------------------------
// 2. xmlsec1 signs, we verify.

#[test]
fn signatures_made_by_xmlsec1_verify_in_wskex() {
    let Some(fx) = Fixture::new("xmlsec1 signs, wskex verifies") else {
        return;
    };
    let mut checked = 0;
    for layout in LAYOUTS {
        for alg in ALGS {
            let what = format!("{alg:?} {layout:?}");
            let template = fx.write(
                &format!("template-{alg:?}-{layout:?}.xml"),
                &signature_template(alg, layout),
            );
            let mut args = vec![os("--sign")];
            args.extend(layout.xmlsec1_id_attrs());
            args.extend(alg.xmlsec1_sign_keys(&fx));
            args.push(os(&template));
            let signed = String::from_utf8(xmlsec1_ok(&what, &args)).unwrap();
            assert!(
                !signed.contains("<ds:SignatureValue></ds:SignatureValue>")
                    && !signed.contains("<ds:DigestValue></ds:DigestValue>"),
                "{what}: xmlsec1 left the template unfilled:\n{signed}"
            );
            let n_refs = layout.references().len();

            // The library.
            let reports = verify_with_library(&signed, &alg.store(&fx));
            assert_eq!(reports.len(), 1, "{what}");
            let report = &reports[0];
            assert!(
                report.valid,
                "{what}: the library rejects xmlsec1's signature: {:?}\n{signed}\ncanonical SignedInfo:\n{}",
                report.error, report.canonical_signed_info
            );
            assert_eq!(report.references.len(), n_refs, "{what}");
            assert!(report.references.iter().all(|r| r.valid), "{what}");
            if layout == Layout::SoapPrefixList {
                // The PrefixLists made a difference that xmlsec1 agreed with: namespaces that
                // exclusive c14n alone would omit are rendered.
                assert!(
                    report.canonical_signed_info.starts_with(
                        "<ds:SignedInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" xmlns:soap="
                    ),
                    "{what}: {}",
                    report.canonical_signed_info
                );
                let timestamp = report.references[1].canonical.as_deref().unwrap();
                assert!(
                    timestamp.contains(" xmlns:soap=") && timestamp.contains(" xmlns:wsse="),
                    "{what}: {timestamp}"
                );
            }
            if alg == Alg::RsaSha256 && layout == Layout::Enveloped {
                let key = report.key.as_ref().unwrap();
                assert!(
                    key.proves_identity && key.description.contains("embedded certificate"),
                    "{what}: the embedded certificate must be matched to the supplied one: {key:?}"
                );
            }

            // The command line.
            let file = fx.write(&format!("xmlsec1-signed-{alg:?}-{layout:?}.xml"), &signed);
            let keys = alg.wskex_keys(&fx);
            let (code, json, stderr) = wskex_verify_json(&file, &keys);
            assert_eq!(
                code, 0,
                "{what}: wskex verify exit code\n{json:#}\n{stderr}"
            );
            assert_eq!(json["valid"], true, "{what}: {json:#}");
            let signatures = json["signatures"].as_array().unwrap();
            assert_eq!(signatures.len(), 1, "{what}");
            assert_eq!(signatures[0]["valid"], true, "{what}");
            assert_eq!(signatures[0]["id"], "SIG-1", "{what}");
            assert_eq!(
                signatures[0]["signature_method"],
                alg.signature().uri(),
                "{what}"
            );
            let references = signatures[0]["references"].as_array().unwrap();
            assert_eq!(references.len(), n_refs, "{what}");
            for r in references {
                assert_eq!(r["valid"], true, "{what}: {r:#}");
                assert_eq!(r["digest_expected"], r["digest_computed"], "{what}: {r:#}");
                assert_eq!(r["digest_method"], alg.digest().uri(), "{what}");
            }

            // One byte changed: a digest mismatch, exit 1, and xmlsec1 agrees.
            for (part, needle) in layout.tamperings() {
                let tampered_text = tamper(&signed, needle);
                let reports = verify_with_library(&tampered_text, &alg.store(&fx));
                assert!(!reports[0].valid, "{what}: tampered {part} accepted");
                let tampered = fx.write(
                    &format!("xmlsec1-signed-{alg:?}-{layout:?}-tampered.xml"),
                    &tampered_text,
                );
                let (code, json, stderr) = wskex_verify_json(&tampered, &keys);
                assert_eq!(
                    code, 1,
                    "{what}: tampered {part}: exit code\n{json:#}\n{stderr}"
                );
                assert_eq!(json["valid"], false, "{what}");
                let bad: Vec<&Value> = json["signatures"][0]["references"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|r| r["valid"] == false)
                    .collect();
                assert_eq!(bad.len(), 1, "{what}: tampered {part}: {json:#}");
                let error = bad[0]["error"].as_str().unwrap_or("");
                assert!(
                    error.contains("digest mismatch"),
                    "{what}: tampered {part}: expected a digest mismatch, got {error:?}"
                );
                assert_ne!(bad[0]["digest_expected"], bad[0]["digest_computed"]);
                let mut args = vec![os("--verify")];
                args.extend(layout.xmlsec1_id_attrs());
                args.extend(alg.xmlsec1_verify_keys(&fx));
                if alg == Alg::RsaSha256 && layout == Layout::Enveloped {
                    // The embedded self-signed certificate would otherwise fail the chain check
                    // instead of the digest.
                    args.extend([os("--trusted-pem"), os(&fx.cert)]);
                }
                args.push(os(&tampered));
                xmlsec1_fails(&format!("{what}: tampered {part}"), &args);
            }
            checked += 1;
        }
    }
    visible(&format!(
        "xmlsec1 signs, wskex verifies: {checked} signatures accepted by the library and the CLI, tampered copies refused"
    ));
}

// ---------------------------------------------------------------------------------------------
// Encryption: key protection on both sides.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wrap {
    RsaOaep,
    KwAes128,
    KwAes256,
}

const WRAPS: [Wrap; 3] = [Wrap::RsaOaep, Wrap::KwAes128, Wrap::KwAes256];
const CIPHERS: [BlockCipherAlgorithm; 2] = [
    BlockCipherAlgorithm::Aes128Cbc,
    BlockCipherAlgorithm::Aes256Gcm,
];
const TARGETS: [EncryptionTarget; 2] = [EncryptionTarget::Element, EncryptionTarget::Content];

impl Wrap {
    fn key_name(self) -> &'static str {
        match self {
            Wrap::RsaOaep => "",
            Wrap::KwAes128 => "kek-128",
            Wrap::KwAes256 => "kek-256",
        }
    }

    fn kek(self, fx: &Fixture) -> (&'static [u8], &Path) {
        match self {
            Wrap::RsaOaep => panic!("no KEK for RSA-OAEP"),
            Wrap::KwAes128 => (KEK_128, &fx.kek128),
            Wrap::KwAes256 => (KEK_256, &fx.kek256),
        }
    }

    fn method_uri(self) -> &'static str {
        match self {
            Wrap::RsaOaep => KeyTransportAlgorithm::RsaOaepMgf1p.uri(),
            Wrap::KwAes128 => KeyWrapAlgorithm::Aes128.uri(),
            Wrap::KwAes256 => KeyWrapAlgorithm::Aes256.uri(),
        }
    }

    /// xmlsec1's key options (a private key to decrypt, the certificate to encrypt).
    fn xmlsec1_keys(self, fx: &Fixture, decrypt: bool) -> Vec<OsString> {
        match self {
            Wrap::RsaOaep if decrypt => vec![os("--privkey-pem"), os(&fx.key)],
            Wrap::RsaOaep => vec![os("--pubkey-cert-pem"), os(&fx.cert)],
            _ => vec![
                os(format!("--aeskey:{}", self.key_name())),
                os(self.kek(fx).1),
            ],
        }
    }

    fn wskex_keys(self, fx: &Fixture) -> Vec<OsString> {
        match self {
            Wrap::RsaOaep => vec![os("--key"), os(&fx.key), os("--cert"), os(&fx.cert)],
            _ => {
                let mut binding = os(format!("{}=file:", self.key_name()));
                binding.push(self.kek(fx).1);
                vec![os("--key-name"), binding]
            }
        }
    }

    fn store(self, fx: &Fixture) -> KeyStore {
        let mut store = KeyStore::new();
        match self {
            Wrap::RsaOaep => {
                store.add_key_file(&fx.key, None).unwrap();
                store.add_cert_file(&fx.cert).unwrap();
            }
            _ => store.add_named_secret(
                self.key_name(),
                SecretBytes::from_slice(self.kek(fx).0),
                self.key_name(),
            ),
        }
        store
    }

    /// An EncryptedKey (made by wskex) holding `key`.
    fn encrypted_key(
        self,
        fx: &Fixture,
        key: &[u8],
        spec: EncryptedKeySpec,
        rng: &mut dyn RandomSource,
    ) -> String {
        let built = match self {
            Wrap::RsaOaep => {
                let method = KeyTransport::Oaep {
                    algorithm: KeyTransportAlgorithm::RsaOaepMgf1p,
                    params: OaepParams::default(),
                };
                let recipient = fx.public_key();
                build_encrypted_key(
                    key,
                    KeyProtection::Transport {
                        method: &method,
                        recipient: &recipient,
                    },
                    &spec,
                    rng,
                )
            }
            Wrap::KwAes128 | Wrap::KwAes256 => {
                let method = if self == Wrap::KwAes128 {
                    KeyWrapAlgorithm::Aes128
                } else {
                    KeyWrapAlgorithm::Aes256
                };
                let spec = EncryptedKeySpec {
                    key_info: Some(format!("<ds:KeyName>{}</ds:KeyName>", self.key_name())),
                    ..spec
                };
                build_encrypted_key::<Public>(
                    key,
                    KeyProtection::Wrap {
                        method,
                        kek: self.kek(fx).0,
                    },
                    &spec,
                    rng,
                )
            }
        };
        built
            .unwrap_or_else(|e| panic!("{self:?}: EncryptedKey: {e}"))
            .xml
    }
}

fn target_name(target: EncryptionTarget) -> &'static str {
    match target {
        EncryptionTarget::Element => "Element",
        EncryptionTarget::Content => "Content",
    }
}

/// Replaces `node` (or its content) of `xml` with an EncryptedData whose KeyInfo is
/// `key_info` (XML text), under a fresh data key; returns the new text and the data key.
fn encrypt_with_wskex(
    xml: &str,
    select: impl Fn(&Document) -> Node<'_>,
    target: EncryptionTarget,
    algorithm: BlockCipherAlgorithm,
    key_info: impl FnOnce(&[u8], &mut dyn RandomSource) -> String,
    id: Option<&str>,
    seed: u64,
) -> String {
    let mut rng = SeededRandom::new(seed);
    let data_key = rng.bytes(algorithm.key_len());
    let key_info = key_info(&data_key, &mut rng);
    let doc = Document::parse_str(xml, "plain").unwrap();
    let node = select(&doc).id();
    let spec = EncryptedDataSpec {
        id: id.map(str::to_string),
        target,
        algorithm,
        key_info: Some(key_info),
    };
    encrypt_node(&doc, node, &spec, &data_key, &mut rng)
        .unwrap_or_else(|e| panic!("encrypt_node: {e}"))
        .document
        .text()
        .to_string()
}

fn payment(doc: &Document) -> Node<'_> {
    first_element(doc, "urn:example:default", "Payment")
}

/// The first CipherValue of the EncryptedData (not of an EncryptedKey) with one base64
/// character changed, a few bytes into the ciphertext.
fn tamper_data_cipher_value(xml: &str) -> String {
    let doc = Document::parse_str(xml, "encrypted").unwrap();
    let data = first_element(&doc, ns::XENC, "EncryptedData");
    let value = data
        .child(ns::XENC, "CipherData")
        .and_then(|c| c.child(ns::XENC, "CipherValue"))
        .unwrap();
    let at = value.content_span().unwrap().start as usize + 30;
    let mut bytes = xml.as_bytes().to_vec();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).unwrap()
}

// ---------------------------------------------------------------------------------------------
// 3. We encrypt, xmlsec1 decrypts.

#[test]
fn encryptions_made_by_wskex_decrypt_in_xmlsec1() {
    let Some(fx) = Fixture::new("wskex encrypts, xmlsec1 decrypts") else {
        return;
    };
    let original = payment_document();
    let expected = c14n(original.as_bytes(), "original");
    let mut checked = 0;
    let mut seed = 0;
    for wrap in WRAPS {
        for algorithm in CIPHERS {
            for target in TARGETS {
                seed += 1;
                let what = format!("{} {} {wrap:?}", algorithm.name(), target_name(target));
                let encrypted = encrypt_with_wskex(
                    &original,
                    payment,
                    target,
                    algorithm,
                    |key, rng| wrap.encrypted_key(&fx, key, EncryptedKeySpec::default(), rng),
                    None,
                    seed,
                );
                assert!(
                    !encrypted.contains("4111"),
                    "{what}: the plaintext is still there"
                );
                assert!(encrypted.contains(wrap.method_uri()), "{what}");
                let file = fx.write("wskex-encrypted.xml", &encrypted);
                let mut args = vec![os("--decrypt")];
                args.extend(wrap.xmlsec1_keys(&fx, true));
                args.push(os(&file));
                let decrypted = xmlsec1_ok(&format!("{what}\n{encrypted}"), &args);
                let got = c14n(&decrypted, "xmlsec1 output");
                assert_eq!(
                    got, expected,
                    "{what}: xmlsec1's decryption differs from the original"
                );
                if algorithm.is_aead() {
                    let file = fx.write(
                        "wskex-encrypted-tampered.xml",
                        &tamper_data_cipher_value(&encrypted),
                    );
                    *args.last_mut().unwrap() = os(&file);
                    xmlsec1_fails(&format!("{what} with a tampered ciphertext"), &args);
                }
                checked += 1;
            }
        }
    }
    visible(&format!(
        "wskex encrypts, xmlsec1 decrypts: {checked} EncryptedData (embedded EncryptedKey) agree"
    ));
}

/// The WS-Security layout: the EncryptedKey (Id EK-1, ReferenceList to ED-1) at the start of
/// wsse:Security, the EncryptedData (Id ED-1) in the Body with a ds:RetrievalMethod to it.
/// Returns the document with the EncryptedKey but the Body still in clear (what a decryption
/// gives back), and the encrypted document.
fn ws_security_encrypted(
    fx: &Fixture,
    wrap: Wrap,
    algorithm: BlockCipherAlgorithm,
    target: EncryptionTarget,
    seed: u64,
) -> (String, String) {
    let envelope = generate::soap_envelope(3);
    let mut rng = SeededRandom::new(seed);
    let data_key = rng.bytes(algorithm.key_len());
    let ek = wrap.encrypted_key(
        fx,
        &data_key,
        EncryptedKeySpec {
            id: Some("EK-1".into()),
            data_references: vec!["#ED-1".into()],
            ..Default::default()
        },
        &mut rng,
    );
    let doc = Document::parse_str(&envelope, "envelope").unwrap();
    let security = first_element(&doc, ns::WSSE, "Security");
    let at = security.start_tag_span().unwrap().end as usize;
    let with_key = doc.with_edits(&[Edit::insert(at, ek)]).unwrap().document;
    let clear = with_key.text().to_string();
    let retrieval = format!(
        "<ds:RetrievalMethod URI=\"#EK-1\" Type=\"{}\"/>",
        wskex::xenc::model::TYPE_ENCRYPTED_KEY
    );
    let mut data_rng = SeededRandom::new(seed + 1000);
    let doc = Document::parse_str(&clear, "with key").unwrap();
    let spec = EncryptedDataSpec {
        id: Some("ED-1".into()),
        target,
        algorithm,
        key_info: Some(retrieval),
    };
    let node = match target {
        // The whole Body content, as WS-Security encrypts a Body.
        EncryptionTarget::Content => first_element(&doc, ns::SOAP11, "Body"),
        // The body entry element.
        EncryptionTarget::Element => first_element(&doc, ORDERS, "PurchaseOrder"),
    };
    let encrypted = encrypt_node(&doc, node.id(), &spec, &data_key, &mut data_rng)
        .unwrap()
        .document
        .text()
        .to_string();
    (clear, encrypted)
}

const WS_SECURITY_CASES: [(Wrap, BlockCipherAlgorithm, EncryptionTarget); 3] = [
    (
        Wrap::RsaOaep,
        BlockCipherAlgorithm::Aes128Cbc,
        EncryptionTarget::Content,
    ),
    (
        Wrap::RsaOaep,
        BlockCipherAlgorithm::Aes256Gcm,
        EncryptionTarget::Element,
    ),
    (
        Wrap::KwAes256,
        BlockCipherAlgorithm::Aes256Gcm,
        EncryptionTarget::Content,
    ),
];

#[test]
fn ws_security_encryption_made_by_wskex_decrypts_in_xmlsec1() {
    let Some(fx) = Fixture::new("wskex encrypts (WS-Security layout), xmlsec1 decrypts") else {
        return;
    };
    for (i, (wrap, algorithm, target)) in WS_SECURITY_CASES.into_iter().enumerate() {
        let what = format!(
            "WS-Security {} Body {} {wrap:?}",
            algorithm.name(),
            target_name(target)
        );
        let (clear, encrypted) =
            ws_security_encrypted(&fx, wrap, algorithm, target, 100 + i as u64);
        assert!(!encrypted.contains("Widget"), "{what}: body still in clear");
        let file = fx.write("ws-security-encrypted.xml", &encrypted);
        let mut args = vec![os("--decrypt"), os("--id-attr:Id"), os(XENC_EK_ID_ATTR)];
        args.extend(wrap.xmlsec1_keys(&fx, true));
        args.push(os(&file));
        let decrypted = xmlsec1_ok(&format!("{what}\n{encrypted}"), &args);
        assert_eq!(
            c14n(&decrypted, "xmlsec1 output"),
            c14n(clear.as_bytes(), "clear"),
            "{what}: xmlsec1's decryption differs from the original"
        );

        // Our own reading of the same layout (RetrievalMethod to the header EncryptedKey).
        let doc = Document::parse_str(&encrypted, "encrypted").unwrap();
        let ids = IdIndex::build(&doc, &IdAttributes::default());
        let store = wrap.store(&fx);
        let resolver = StandardResolver::new(&doc, &ids, &store);
        let result = decrypt_document(&doc, &resolver, false).unwrap();
        assert!(
            result.reports.iter().all(|r| r.ok) && result.reports.len() == 1,
            "{what}: {:?}",
            result.reports.iter().map(|r| &r.error).collect::<Vec<_>>()
        );
        assert_eq!(
            c14n(result.document.text().as_bytes(), "wskex output"),
            c14n(clear.as_bytes(), "clear"),
            "{what}"
        );
    }
    visible(&format!(
        "wskex encrypts (WS-Security layout), xmlsec1 decrypts: {} cases agree",
        WS_SECURITY_CASES.len()
    ));
}

// ---------------------------------------------------------------------------------------------
// 4. xmlsec1 encrypts, we decrypt.

/// An xmlsec1 encryption template. RSA-OAEP with Type Element also asks xmlsec1 to embed the
/// recipient certificate in the EncryptedKey (our key store then matches it); kw-aes names
/// the KEK with a ds:KeyName.
fn encryption_template(
    wrap: Wrap,
    algorithm: BlockCipherAlgorithm,
    target: EncryptionTarget,
) -> String {
    let type_uri = match target {
        EncryptionTarget::Element => wskex::xenc::model::TYPE_ELEMENT,
        EncryptionTarget::Content => wskex::xenc::model::TYPE_CONTENT,
    };
    let ek_key_info = match wrap {
        Wrap::RsaOaep if target == EncryptionTarget::Element => {
            "<ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo>".to_string()
        }
        Wrap::RsaOaep => String::new(),
        _ => format!(
            "<ds:KeyInfo><ds:KeyName>{}</ds:KeyName></ds:KeyInfo>",
            wrap.key_name()
        ),
    };
    format!(
        concat!(
            "<xenc:EncryptedData xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\" Id=\"ED-x\" Type=\"{}\">",
            "<xenc:EncryptionMethod Algorithm=\"{}\"/>",
            "<ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">",
            "<xenc:EncryptedKey><xenc:EncryptionMethod Algorithm=\"{}\"/>{}",
            "<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedKey>",
            "</ds:KeyInfo>",
            "<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>"
        ),
        type_uri,
        algorithm.uri(),
        wrap.method_uri(),
        ek_key_info
    )
}

fn session_key(algorithm: BlockCipherAlgorithm) -> &'static str {
    match algorithm.key_len() {
        16 => "aes-128",
        24 => "aes-192",
        _ => "aes-256",
    }
}

#[test]
fn encryptions_made_by_xmlsec1_decrypt_in_wskex() {
    let Some(fx) = Fixture::new("xmlsec1 encrypts, wskex decrypts") else {
        return;
    };
    let original = payment_document();
    let data = fx.write("payment.xml", &original);
    let expected = c14n(original.as_bytes(), "original");
    let mut checked = 0;
    for wrap in WRAPS {
        for algorithm in CIPHERS {
            for target in TARGETS {
                let what = format!("{} {} {wrap:?}", algorithm.name(), target_name(target));
                let template = fx.write(
                    "encryption-template.xml",
                    &encryption_template(wrap, algorithm, target),
                );
                let mut args = vec![
                    os("--encrypt"),
                    os("--session-key"),
                    os(session_key(algorithm)),
                    os("--xml-data"),
                    os(&data),
                    os("--node-xpath"),
                    os("//*[local-name()='Payment']"),
                ];
                args.extend(wrap.xmlsec1_keys(&fx, false));
                args.push(os(&template));
                let encrypted = String::from_utf8(xmlsec1_ok(&what, &args)).unwrap();
                assert!(
                    !encrypted.contains("4111") && encrypted.contains(algorithm.uri()),
                    "{what}: xmlsec1 did not encrypt:\n{encrypted}"
                );
                let file = fx.write("xmlsec1-encrypted.xml", &encrypted);

                // The command line.
                let out_path = fx.path("wskex-decrypted.xml");
                let _ = std::fs::remove_file(&out_path);
                let out = wskex()
                    .arg("decrypt")
                    .arg(&file)
                    .args(wrap.wskex_keys(&fx))
                    .arg("-o")
                    .arg(&out_path)
                    .output()
                    .unwrap();
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert_eq!(
                    out.status.code(),
                    Some(0),
                    "{what}: wskex decrypt failed:\n{stderr}\n{encrypted}"
                );
                let decrypted = std::fs::read(&out_path).unwrap();
                assert_eq!(
                    c14n(&decrypted, "wskex decrypt -o"),
                    expected,
                    "{what}: wskex decrypt differs from the original\n{stderr}"
                );

                // The library.
                let doc = Document::parse_str(&encrypted, "xmlsec1 encrypted").unwrap();
                let ids = IdIndex::build(&doc, &IdAttributes::default());
                let store = wrap.store(&fx);
                let resolver = StandardResolver::new(&doc, &ids, &store);
                let result = decrypt_document(&doc, &resolver, false).unwrap();
                assert_eq!(result.reports.len(), 1, "{what}");
                let report = &result.reports[0];
                assert!(report.ok, "{what}: {:?}", report.error);
                assert_eq!(report.algorithm.uri(), algorithm.uri(), "{what}");
                assert_eq!(
                    report.key_transport.as_deref(),
                    Some(wrap.method_uri()),
                    "{what}"
                );
                assert_eq!(
                    report.data_type,
                    target_name(target).to_lowercase(),
                    "{what}"
                );
                assert_eq!(
                    c14n(result.document.text().as_bytes(), "wskex library"),
                    expected,
                    "{what}"
                );

                // A changed ciphertext byte: GCM refuses it and nothing is released.
                if algorithm.is_aead() {
                    let tampered = fx.write(
                        "xmlsec1-encrypted-tampered.xml",
                        &tamper_data_cipher_value(&encrypted),
                    );
                    let out = wskex()
                        .arg("decrypt")
                        .arg(&tampered)
                        .args(wrap.wskex_keys(&fx))
                        .output()
                        .unwrap();
                    assert_eq!(
                        out.status.code(),
                        Some(1),
                        "{what}: tampered GCM ciphertext: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    assert!(out.stdout.is_empty(), "{what}: plaintext released");
                }
                checked += 1;
            }
        }
    }
    visible(&format!(
        "xmlsec1 encrypts, wskex decrypts: {checked} EncryptedData open with the CLI and the library"
    ));
}
