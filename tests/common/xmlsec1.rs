//! What the xmlsec1 interop tests share (`tests/xmlsec1_interop*.rs`): key material in a
//! temporary directory, running xmlsec1, tampering, and the documents both sides secure.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Command, Output};

use openssl::pkey::Public;
use wskex::crypto::keys::load_certificate_file;
use wskex::xml::c14n::{C14nMethod, NodeSet, canonicalize_to_vec};
use wskex::xml::{Document, Node};

use super::tool_available;

pub const XENC_EK_ID_ATTR: &str = "http://www.w3.org/2001/04/xmlenc#:EncryptedKey";
pub const HMAC_KEY: &[u8] = b"wskex/xmlsec1 interop HMAC key, 32";
pub const KEK_128: &[u8] = b"0123456789abcdef";
pub const KEK_256: &[u8] = b"0123456789abcdef0123456789ABCDEF";

// ---------------------------------------------------------------------------------------------
// Fixture: key material in a temporary directory.

pub struct Fixture {
    pub dir: tempfile::TempDir,
    /// RSA-2048 private key (PEM) and its self-signed certificate.
    pub key: PathBuf,
    pub cert: PathBuf,
    /// Raw key bytes for xmlsec1 (`--hmackey`, `--aeskey`) and for `file:` on our side.
    pub hmac: PathBuf,
    pub kek128: PathBuf,
    pub kek256: PathBuf,
}

impl Fixture {
    /// The key material, or `None` (a visible skip) when xmlsec1 or openssl is missing.
    pub fn new(test: &str) -> Option<Fixture> {
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

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    pub fn public_key(&self) -> openssl::pkey::PKey<Public> {
        load_certificate_file(&self.cert).unwrap()[0]
            .public_key()
            .unwrap()
    }
}

pub fn os(s: impl Into<OsString>) -> OsString {
    s.into()
}

/// Runs xmlsec1 with `args`.
pub fn xmlsec1(args: &[OsString]) -> Output {
    Command::new("xmlsec1")
        .args(args)
        .output()
        .expect("run xmlsec1")
}

pub fn describe(args: &[OsString]) -> String {
    args.iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs xmlsec1 and demands success; returns its standard output.
pub fn xmlsec1_ok(what: &str, args: &[OsString]) -> Vec<u8> {
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
pub fn xmlsec1_fails(what: &str, args: &[OsString]) -> String {
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
pub fn c14n(xml: &[u8], name: &str) -> String {
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
pub fn tamper(text: &str, needle: &str) -> String {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not found to tamper with"));
    let mut bytes = text.as_bytes().to_vec();
    bytes[at] = if bytes[at] == b'X' { b'Y' } else { b'X' };
    String::from_utf8(bytes).unwrap()
}

pub fn first_element<'d>(doc: &'d Document, namespace: &str, local: &str) -> Node<'d> {
    doc.descendants()
        .find(|n| n.has_name(namespace, local))
        .unwrap_or_else(|| panic!("no {{{namespace}}}{local}"))
}

/// Offset just before the end tag of the first such element (the end of its content).
pub fn end_of_content(xml: &str, namespace: &str, local: &str) -> usize {
    let doc = Document::parse_str(xml, "input").unwrap();
    first_element(&doc, namespace, local)
        .end_tag_span()
        .expect("an element with an end tag")
        .start as usize
}

pub fn insert_at(xml: &str, at: usize, what: &str) -> String {
    format!("{}{what}{}", &xml[..at], &xml[at..])
}

// ---------------------------------------------------------------------------------------------
// Documents.

pub const ORDERS: &str = "urn:example:orders";

/// A plain document for an enveloped signature: namespaces, an entity, a comment (removed by
/// URI=""), attributes out of order, and whitespace.
pub fn plain_document() -> String {
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
pub fn payment_document() -> String {
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
