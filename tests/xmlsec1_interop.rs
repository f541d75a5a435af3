//! xmlsec1 (1.2.37, libxml2 + OpenSSL) as a live oracle for signatures, in both directions:
//! signatures wskex makes verify in xmlsec1, and xmlsec1's signatures verify in wskex (the
//! library and `wskex verify`), for HMAC-SHA1, HMAC-SHA256 and RSA-SHA256, as an enveloped
//! signature over a plain document and as a WS-Security header signature over `#Body-1` and
//! `#TS-1` (exclusive c14n, with and without an InclusiveNamespaces PrefixList). Encryption
//! is in `xmlsec1_interop_encryption.rs`.
//!
//! Each direction also tampers one byte and expects the other side to refuse, so the tests can
//! fail. Every xmlsec1 invocation's stderr is kept in the assertion message. Without xmlsec1
//! (or the openssl tool that makes the RSA key) the tests skip visibly; under
//! WSKEX_REQUIRE_INTEROP=1 they fail instead.

mod common;
#[path = "common/generate.rs"]
mod generate;

use std::ffi::OsString;
use std::path::Path;

use common::{visible, wskex};
use serde_json::Value;
use wskex::crypto::keys::load_key_file;
use wskex::crypto::signature::SigningKey;
use wskex::crypto::{DigestAlgorithm, KeyStore, SecretBytes, SignatureAlgorithm};
use wskex::dsig::model::SignatureElement;
use wskex::dsig::{
    ReferenceSpec, SignatureReport, SignatureSpec, TransformSpec, VerifyOptions, find_signatures,
    sign, verify_signature,
};
use wskex::ns;
use wskex::resolve::StandardResolver;
use wskex::xml::c14n::C14nMethod;
use wskex::xml::{Document, IdAttributes, IdIndex};

use common::xmlsec1::{
    Fixture, HMAC_KEY, ORDERS, end_of_content, insert_at, os, plain_document, tamper,
    xmlsec1_fails, xmlsec1_ok,
};

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
