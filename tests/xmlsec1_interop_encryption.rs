//! xmlsec1 (1.2.37, libxml2 + OpenSSL) as a live oracle for encryption, in both directions:
//! EncryptedData wskex makes (AES-128-CBC, AES-256-GCM; Element and Content; the key in an
//! EncryptedKey under RSA-OAEP or AES key wrap, embedded or in the WS-Security header behind a
//! RetrievalMethod) decrypt in xmlsec1, and xmlsec1's encryptions decrypt in wskex (the
//! library and `wskex decrypt`). Signatures are in `xmlsec1_interop.rs`.
//!
//! Each direction also tampers one byte and expects the other side to refuse, so the tests can
//! fail. Without xmlsec1 (or openssl) the tests skip visibly; under WSKEX_REQUIRE_INTEROP=1
//! they fail instead.

mod common;
#[path = "common/generate.rs"]
mod generate;

use std::ffi::OsString;
use std::path::Path;

use common::{visible, wskex};
use openssl::pkey::Public;
use wskex::crypto::key_transport::{KeyTransport, OaepParams};
use wskex::crypto::{
    BlockCipherAlgorithm, KeyStore, KeyTransportAlgorithm, KeyWrapAlgorithm, RandomSource,
    SecretBytes, SeededRandom,
};
use wskex::ns;
use wskex::resolve::StandardResolver;
use wskex::xenc::decrypt_document;
use wskex::xenc::encrypt::{
    EncryptedDataSpec, EncryptedKeySpec, EncryptionTarget, KeyProtection, build_encrypted_key,
    encrypt_node,
};
use wskex::xml::{Document, Edit, IdAttributes, IdIndex, Node};

use common::xmlsec1::{
    Fixture, KEK_128, KEK_256, ORDERS, XENC_EK_ID_ATTR, c14n, first_element, os, payment_document,
    xmlsec1_fails, xmlsec1_ok,
};

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
