//! `xenc:EncryptedData` and `xenc:EncryptedKey` read into their parts, as written.

use crate::ns;
use crate::xml::Node;
use crate::xml::base64;

pub const TYPE_ELEMENT: &str = "http://www.w3.org/2001/04/xmlenc#Element";
pub const TYPE_CONTENT: &str = "http://www.w3.org/2001/04/xmlenc#Content";
pub const TYPE_ENCRYPTED_KEY: &str = "http://www.w3.org/2001/04/xmlenc#EncryptedKey";

/// What the plaintext of an EncryptedData is, by its `Type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataType {
    /// An element that replaces the EncryptedData.
    Element,
    /// Element content that replaces the EncryptedData.
    Content,
    /// No Type or another one: octets handed to the application.
    Octets(Option<String>),
}

impl DataType {
    pub fn name(&self) -> &str {
        match self {
            DataType::Element => "element",
            DataType::Content => "content",
            DataType::Octets(_) => "octets",
        }
    }
}

/// Where the ciphertext is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cipher {
    /// Decoded `CipherValue`.
    Value(Vec<u8>),
    /// A `CipherValue` holding an MTOM `xop:Include` (the bytes are a MIME part).
    XopInclude { href: String },
    /// `CipherReference` (wskex does not fetch).
    Reference { uri: String },
    /// Missing or unreadable, and why.
    Unreadable(String),
}

fn read_cipher(element: Node<'_>) -> Cipher {
    let Some(cipher_data) = element.child(ns::XENC, "CipherData") else {
        return Cipher::Unreadable("no CipherData".into());
    };
    if let Some(value) = cipher_data.child(ns::XENC, "CipherValue") {
        if let Some(include) = value.child(ns::XOP, "Include") {
            return Cipher::XopInclude {
                href: include.attribute("href").unwrap_or("").to_string(),
            };
        }
        return match base64::decode(&value.text_content()) {
            Ok(bytes) => Cipher::Value(bytes),
            Err(e) => Cipher::Unreadable(format!("CipherValue: {e}")),
        };
    }
    if let Some(reference) = cipher_data.child(ns::XENC, "CipherReference") {
        return Cipher::Reference {
            uri: reference.attribute("URI").unwrap_or("").to_string(),
        };
    }
    Cipher::Unreadable("CipherData has neither CipherValue nor CipherReference".into())
}

/// One `xenc:EncryptedData`.
#[derive(Debug, Clone)]
pub struct EncryptedData<'d> {
    pub element: Node<'d>,
    pub id: Option<&'d str>,
    pub data_type: DataType,
    pub method_uri: Option<&'d str>,
    pub mime_type: Option<&'d str>,
    pub key_info: Option<Node<'d>>,
    pub cipher: Cipher,
}

impl<'d> EncryptedData<'d> {
    pub fn read(element: Node<'d>) -> EncryptedData<'d> {
        let data_type = match element.attribute("Type") {
            Some(TYPE_ELEMENT) => DataType::Element,
            Some(TYPE_CONTENT) => DataType::Content,
            other => DataType::Octets(other.map(str::to_string)),
        };
        EncryptedData {
            element,
            id: element.attribute("Id"),
            data_type,
            method_uri: element
                .child(ns::XENC, "EncryptionMethod")
                .and_then(|m| m.attribute("Algorithm")),
            mime_type: element.attribute("MimeType"),
            key_info: element.child(ns::DS, "KeyInfo"),
            cipher: read_cipher(element),
        }
    }
}

/// Parameters of RSA-OAEP key transport, as written in the EncryptionMethod.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OaepParameters {
    pub digest_uri: Option<String>,
    pub mgf_uri: Option<String>,
    /// Decoded `OAEPparams` (the OAEP label).
    pub label: Option<Vec<u8>>,
}

/// One `xenc:EncryptedKey`.
#[derive(Debug, Clone)]
pub struct EncryptedKey<'d> {
    pub element: Node<'d>,
    pub id: Option<&'d str>,
    pub method_uri: Option<&'d str>,
    pub oaep: OaepParameters,
    pub key_info: Option<Node<'d>>,
    pub cipher: Cipher,
    /// `DataReference` URIs of the `ReferenceList`.
    pub data_references: Vec<String>,
    /// `KeyReference` URIs of the `ReferenceList`.
    pub key_references: Vec<String>,
    pub carried_key_name: Option<String>,
    pub recipient: Option<&'d str>,
}

impl<'d> EncryptedKey<'d> {
    pub fn read(element: Node<'d>) -> EncryptedKey<'d> {
        let method = element.child(ns::XENC, "EncryptionMethod");
        let oaep = method
            .map(|m| OaepParameters {
                digest_uri: m
                    .child(ns::DS, "DigestMethod")
                    .and_then(|d| d.attribute("Algorithm"))
                    .map(str::to_string),
                mgf_uri: m
                    .child(ns::XENC11, "MGF")
                    .and_then(|d| d.attribute("Algorithm"))
                    .map(str::to_string),
                label: m
                    .child(ns::XENC, "OAEPparams")
                    .and_then(|p| base64::decode(&p.text_content()).ok()),
            })
            .unwrap_or_default();
        let references = |local: &str| -> Vec<String> {
            element
                .child(ns::XENC, "ReferenceList")
                .map(|list| {
                    list.child_elements()
                        .filter(|r| r.has_name(ns::XENC, local))
                        .filter_map(|r| r.attribute("URI").map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        EncryptedKey {
            element,
            id: element.attribute("Id"),
            method_uri: method.and_then(|m| m.attribute("Algorithm")),
            oaep,
            key_info: element.child(ns::DS, "KeyInfo"),
            cipher: read_cipher(element),
            data_references: references("DataReference"),
            key_references: references("KeyReference"),
            carried_key_name: element
                .child(ns::XENC, "CarriedKeyName")
                .map(|n| n.text_content().trim().to_string()),
            recipient: element.attribute("Recipient"),
        }
    }
}
