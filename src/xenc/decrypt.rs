//! Decrypting `xenc:EncryptedData` and putting the plaintext back where the EncryptedData was.
//!
//! Nothing from a failed decryption is released: the report then carries only the reason, and
//! the document keeps the EncryptedData. Successful Element and Content plaintexts are spliced
//! into the received text byte for byte (no re-serialization, so namespaces and digests of
//! what was inside stay exactly as the sender had them).

use serde::Serialize;

use crate::crypto::{BlockCipherAlgorithm, SecretBytes, StatedAlgorithm, cipher};
use crate::ns;
use crate::xml::{Document, Edit, XmlError};

use super::model::{Cipher, DataType, EncryptedData};

/// A data-encryption key and how it was obtained.
pub struct DataKey {
    pub key: SecretBytes,
    /// A short name (token id, key file) for tables.
    pub name: String,
    /// Each step from a supplied key to this one, in words, e.g.
    /// `EncryptedKey EK-1 (rsa-oaep-mgf1p) opened with service.key.pem (thumbprint matches)`.
    pub chain: Vec<String>,
    /// The key transport algorithm URI when the key came out of an EncryptedKey.
    pub key_transport: Option<String>,
    /// The supplied key that opened it (a private key file, a key-encryption key), in short.
    pub opened_with: String,
    /// The private key was used on an assumption: the message names its key by nothing that
    /// could be checked against it (see [`crate::crypto::KeyMatch::assumed`]).
    pub assumed: bool,
}

/// Finds the key of an EncryptedData (plain XML Encryption KeyInfo, or WS-Security tokens).
pub trait DataKeyResolver {
    fn data_key(
        &self,
        data: &EncryptedData<'_>,
        algorithm: BlockCipherAlgorithm,
    ) -> Result<DataKey, String>;

    /// The bytes of an `xop:Include` (an MTOM attachment), when the resolver knows them.
    fn attachment(&self, _href: &str) -> Option<Vec<u8>> {
        None
    }
}

/// How one EncryptedData turned out.
#[derive(Debug, Clone, Serialize)]
pub struct DecryptionReport {
    pub id: Option<String>,
    pub path: String,
    pub line: u32,
    /// `element`, `content` or `octets`.
    #[serde(rename = "type")]
    pub data_type: String,
    /// Serialized as the URI the message stated.
    pub algorithm: StatedAlgorithm,
    pub key_transport: Option<String>,
    pub key_source: Option<String>,
    pub key_chain: Vec<String>,
    /// The data key in hex, only when the user asked to see secrets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_hex: Option<String>,
    pub plaintext_length: Option<usize>,
    pub ok: bool,
    pub error: Option<String>,
}

/// The outcome of decrypting one EncryptedData: the report, and the plaintext only when the
/// decryption succeeded.
pub struct Decryption {
    pub report: DecryptionReport,
    pub plaintext: Option<Vec<u8>>,
}

/// Decrypts one EncryptedData. On failure the report says why and no plaintext exists.
pub fn decrypt_data(
    data: &EncryptedData<'_>,
    resolver: &dyn DataKeyResolver,
    reveal_secrets: bool,
) -> Decryption {
    match try_decrypt(data, resolver, reveal_secrets) {
        Ok((report, plaintext)) => Decryption {
            report,
            plaintext: Some(plaintext),
        },
        Err(report) => Decryption {
            report: *report,
            plaintext: None,
        },
    }
}

fn try_decrypt(
    data: &EncryptedData<'_>,
    resolver: &dyn DataKeyResolver,
    reveal_secrets: bool,
) -> Result<(DecryptionReport, Vec<u8>), Box<DecryptionReport>> {
    let mut report = DecryptionReport {
        id: data.id.map(str::to_string),
        path: data.element.path(),
        line: data.element.position().line,
        data_type: data.data_type.name().to_string(),
        algorithm: StatedAlgorithm::from_uri(data.method_uri.unwrap_or("")),
        key_transport: None,
        key_source: None,
        key_chain: Vec::new(),
        key_hex: None,
        plaintext_length: None,
        ok: false,
        error: None,
    };
    let fail = |mut report: DecryptionReport, error: String| {
        report.error = Some(error);
        Box::new(report)
    };
    let Some(method) = data.method_uri else {
        return Err(fail(report, "EncryptedData has no EncryptionMethod".into()));
    };
    let algorithm = match BlockCipherAlgorithm::from_uri(method) {
        Ok(a) => a,
        Err(e) => return Err(fail(report, e.to_string())),
    };
    let ciphertext = match &data.cipher {
        Cipher::Value(bytes) => bytes.clone(),
        Cipher::XopInclude { href } => match resolver.attachment(href) {
            Some(bytes) => bytes,
            None => {
                return Err(fail(
                    report,
                    format!("CipherValue is an MTOM attachment ({href}) that is not available"),
                ));
            }
        },
        Cipher::Reference { uri } => {
            return Err(fail(
                report,
                format!("CipherReference {uri:?} is not dereferenced (wskex never fetches)"),
            ));
        }
        Cipher::Unreadable(why) => return Err(fail(report, why.clone())),
    };
    let key = match resolver.data_key(data, algorithm) {
        Ok(k) => k,
        Err(e) => return Err(fail(report, e)),
    };
    report.key_transport = key.key_transport.clone();
    report.key_source = Some(key.name.clone());
    report.key_chain = key.chain.clone();
    if reveal_secrets {
        report.key_hex = Some(hex::encode(key.key.expose()));
    }
    match cipher::decrypt(algorithm, key.key.expose(), &ciphertext) {
        Ok(plaintext) => {
            report.ok = true;
            report.plaintext_length = Some(plaintext.len());
            Ok((report, plaintext))
        }
        Err(e) => Err(fail(report, e.to_string())),
    }
}

/// The text that replaces an EncryptedData, when its type says it is XML.
pub fn plaintext_as_xml(data_type: &DataType, plaintext: &[u8]) -> Result<String, String> {
    match data_type {
        DataType::Octets(_) => {
            Err("the plaintext is octets, not XML to put back in the document".into())
        }
        DataType::Element | DataType::Content => String::from_utf8(plaintext.to_vec())
            .map_err(|_| "the decrypted XML is not valid UTF-8".to_string()),
    }
}

/// The result of decrypting everything in a document.
pub struct DocumentDecryption {
    /// The document with every decrypted Element/Content spliced in.
    pub document: Document,
    pub reports: Vec<DecryptionReport>,
    /// Plaintexts of octet EncryptedData (and of a document that was one EncryptedData), in
    /// the order of the reports that produced them.
    pub octets: Vec<(usize, Vec<u8>)>,
}

/// Decrypts every EncryptedData, outermost first, then those revealed inside decrypted
/// content, until nothing more opens.
pub fn decrypt_document(
    doc: &Document,
    resolver: &dyn DataKeyResolver,
    reveal_secrets: bool,
) -> Result<DocumentDecryption, XmlError> {
    let mut current = Document::from_decoded_text(
        doc.text().to_string(),
        doc.source_name().to_string(),
        &Default::default(),
    )?;
    let mut reports = Vec::new();
    let mut octets = Vec::new();
    // Spans (in the current text) of EncryptedData that failed or stay in place (octets).
    let mut settled: Vec<(u32, u32)> = Vec::new();
    for _round in 0..32 {
        let mut edits = Vec::new();
        let mut opened_any = false;
        let candidates: Vec<_> = current
            .descendants()
            .filter(|n| n.has_name(ns::XENC, "EncryptedData"))
            .filter(|n| !n.ancestors().any(|a| a.has_name(ns::XENC, "EncryptedData")))
            .filter(|n| !settled.contains(&(n.span().start, n.span().end)))
            .collect();
        if candidates.is_empty() {
            break;
        }
        for node in candidates {
            let data = EncryptedData::read(node);
            let span = node.span();
            let decryption = decrypt_data(&data, resolver, reveal_secrets);
            match decryption.plaintext {
                Some(plaintext) => {
                    let index = reports.len();
                    match plaintext_as_xml(&data.data_type, &plaintext) {
                        Ok(text) => {
                            edits.push(Edit::replace(span, text));
                            opened_any = true;
                        }
                        Err(_) => {
                            settled.push((span.start, span.end));
                            octets.push((index, plaintext));
                        }
                    }
                }
                None => settled.push((span.start, span.end)),
            }
            reports.push(decryption.report);
        }
        if !opened_any {
            break;
        }
        // Spans of settled elements move when earlier edits change lengths; recompute them.
        let (next, changed) = match current.with_edits(&edits) {
            Ok(edited) => (edited.document, edited.changed),
            Err(e) => {
                // Report which plaintext broke the document instead of failing everything.
                let reason = format!(
                    "the decrypted content does not fit back into the document: {}",
                    e.kind
                );
                for report in reports.iter_mut().rev().take(edits.len()) {
                    if report.ok {
                        report.ok = false;
                        report.error = Some(reason.clone());
                    }
                }
                break;
            }
        };
        settled = settled
            .iter()
            .map(|&(start, end)| {
                let moved =
                    crate::xml::shift_span(crate::xml::Span { start, end }, &edits, &changed);
                (moved.start, moved.end)
            })
            .collect();
        current = next;
    }
    Ok(DocumentDecryption {
        document: current,
        reports,
        octets,
    })
}
