//! Creating `xenc:EncryptedKey` and `xenc:EncryptedData` (for the walkthroughs and tests).
//!
//! The plaintext of an Element or Content encryption is the exact text of the element or of
//! its content as it stands in the document, so decrypting and splicing back restores the
//! same bytes.

use crate::crypto::key_transport::KeyTransport;
use crate::crypto::{
    BlockCipherAlgorithm, CryptoError, KeyWrapAlgorithm, RandomSource, cipher, key_wrap,
};
use crate::ns;
use crate::xml::{Document, Edit, Edited, NodeId, XmlError, base64, escape};
use openssl::pkey::{HasPublic, PKeyRef};

use super::model::{TYPE_CONTENT, TYPE_ELEMENT};

#[derive(Debug, thiserror::Error)]
pub enum EncryptError {
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error("the document with the EncryptedData does not parse: {0}")]
    Xml(#[from] XmlError),
    #[error("{0}")]
    Target(String),
}

/// How the key inside an EncryptedKey is protected.
pub enum KeyProtection<'a, T: HasPublic> {
    /// Key transport to the holder of an RSA key.
    Transport {
        method: &'a KeyTransport,
        recipient: &'a PKeyRef<T>,
    },
    /// AES key wrap under a key-encryption key.
    Wrap {
        method: KeyWrapAlgorithm,
        kek: &'a [u8],
    },
}

/// What to write into an EncryptedKey besides the ciphertext.
#[derive(Debug, Clone, Default)]
pub struct EncryptedKeySpec {
    pub id: Option<String>,
    /// Content of its ds:KeyInfo (how the recipient finds its private key), as XML text.
    pub key_info: Option<String>,
    /// `xenc:DataReference` URIs for a ReferenceList (WS-Security layout).
    pub data_references: Vec<String>,
    pub carried_key_name: Option<String>,
    pub recipient: Option<String>,
}

/// An EncryptedKey element (with its own `xmlns:xenc`) and its CipherValue octets (whose
/// SHA-1 is the EncryptedKeySHA1 a reply refers to it by).
pub struct BuiltEncryptedKey {
    pub xml: String,
    pub cipher_value: Vec<u8>,
}

pub fn build_encrypted_key<T: HasPublic>(
    key: &[u8],
    protection: KeyProtection<'_, T>,
    spec: &EncryptedKeySpec,
    rng: &mut dyn RandomSource,
) -> Result<BuiltEncryptedKey, EncryptError> {
    let (method_xml, cipher_value) = match protection {
        KeyProtection::Transport { method, recipient } => {
            let ct = method.encrypt(recipient, key, rng)?;
            let inner = match method {
                KeyTransport::Oaep { params, .. } => {
                    let mut s = String::new();
                    if params.digest != crate::crypto::DigestAlgorithm::Sha1
                        || method.algorithm() == crate::crypto::KeyTransportAlgorithm::RsaOaepMgf1p
                    {
                        s.push_str(&format!(
                            "<ds:DigestMethod xmlns:ds=\"{}\" Algorithm=\"{}\"/>",
                            ns::DS,
                            params.digest.uri()
                        ));
                    }
                    if !params.label.is_empty() {
                        s.push_str(&format!(
                            "<xenc:OAEPparams>{}</xenc:OAEPparams>",
                            base64::encode(&params.label)
                        ));
                    }
                    s
                }
                KeyTransport::Rsa15 => String::new(),
            };
            let uri = method.algorithm().uri();
            let xml = if inner.is_empty() {
                format!("<xenc:EncryptionMethod Algorithm=\"{uri}\"/>")
            } else {
                format!(
                    "<xenc:EncryptionMethod Algorithm=\"{uri}\">{inner}</xenc:EncryptionMethod>"
                )
            };
            (xml, ct)
        }
        KeyProtection::Wrap { method, kek } => {
            let ct = key_wrap::wrap(method, kek, key, rng)?;
            (
                format!("<xenc:EncryptionMethod Algorithm=\"{}\"/>", method.uri()),
                ct,
            )
        }
    };
    let mut xml = format!("<xenc:EncryptedKey xmlns:xenc=\"{}\"", ns::XENC);
    if let Some(id) = &spec.id {
        xml.push_str(&format!(" Id=\"{}\"", escape::attribute(id)));
    }
    if let Some(r) = &spec.recipient {
        xml.push_str(&format!(" Recipient=\"{}\"", escape::attribute(r)));
    }
    xml.push('>');
    xml.push_str(&method_xml);
    if let Some(ki) = &spec.key_info {
        xml.push_str(&format!(
            "<ds:KeyInfo xmlns:ds=\"{}\">{ki}</ds:KeyInfo>",
            ns::DS
        ));
    }
    xml.push_str(&format!(
        "<xenc:CipherData><xenc:CipherValue>{}</xenc:CipherValue></xenc:CipherData>",
        base64::encode(&cipher_value)
    ));
    if !spec.data_references.is_empty() {
        xml.push_str("<xenc:ReferenceList>");
        for r in &spec.data_references {
            xml.push_str(&format!(
                "<xenc:DataReference URI=\"{}\"/>",
                escape::attribute(r)
            ));
        }
        xml.push_str("</xenc:ReferenceList>");
    }
    if let Some(name) = &spec.carried_key_name {
        xml.push_str(&format!(
            "<xenc:CarriedKeyName>{}</xenc:CarriedKeyName>",
            escape::text(name)
        ));
    }
    xml.push_str("</xenc:EncryptedKey>");
    Ok(BuiltEncryptedKey { xml, cipher_value })
}

/// Element (the element itself) or Content (what is between its tags).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncryptionTarget {
    Element,
    Content,
}

/// What to write into an EncryptedData besides the ciphertext.
#[derive(Debug, Clone)]
pub struct EncryptedDataSpec {
    pub id: Option<String>,
    pub target: EncryptionTarget,
    pub algorithm: BlockCipherAlgorithm,
    /// Content of its ds:KeyInfo (an EncryptedKey, a KeyName, an STR...), as XML text.
    pub key_info: Option<String>,
}

/// Replaces an element (or its content) with an EncryptedData of it under `key`.
pub fn encrypt_node(
    doc: &Document,
    node: NodeId,
    spec: &EncryptedDataSpec,
    key: &[u8],
    rng: &mut dyn RandomSource,
) -> Result<Edited, EncryptError> {
    let element = doc.node(node);
    if !element.is_element() {
        return Err(EncryptError::Target(
            "only elements and element content can be encrypted".into(),
        ));
    }
    let (span, type_uri) = match spec.target {
        EncryptionTarget::Element => (element.span(), TYPE_ELEMENT),
        EncryptionTarget::Content => (element.content_span().expect("element"), TYPE_CONTENT),
    };
    let plaintext = &doc.text()[span.range()];
    let ciphertext = cipher::encrypt(spec.algorithm, key, plaintext.as_bytes(), rng)?;
    let mut xml = format!("<xenc:EncryptedData xmlns:xenc=\"{}\"", ns::XENC);
    if let Some(id) = &spec.id {
        xml.push_str(&format!(" Id=\"{}\"", escape::attribute(id)));
    }
    xml.push_str(&format!(
        " Type=\"{type_uri}\"><xenc:EncryptionMethod Algorithm=\"{}\"/>",
        spec.algorithm.uri()
    ));
    if let Some(ki) = &spec.key_info {
        xml.push_str(&format!(
            "<ds:KeyInfo xmlns:ds=\"{}\">{ki}</ds:KeyInfo>",
            ns::DS
        ));
    }
    xml.push_str(&format!(
        "<xenc:CipherData><xenc:CipherValue>{}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData>",
        base64::encode(&ciphertext)
    ));
    Ok(doc.with_edits(&[Edit::replace(span, xml)])?)
}
