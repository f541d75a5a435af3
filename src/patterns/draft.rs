//! A SOAP message under construction: each operation edits the text, parses it again, and
//! returns the spans it changed (what the step highlights). Security header blocks are
//! prepended, as WS-Security senders do, so the receiver meets the last operation first.

use crate::crypto::signature::SigningKey;
use crate::crypto::{
    BlockCipherAlgorithm, Certificate, DigestAlgorithm, RandomSource, SignatureAlgorithm, digest,
};
use crate::dsig::{ReferenceSpec, SignatureSpec, TransformSpec, sign};
use crate::exchange::SharedText;
use crate::ns;
use crate::wss::uris;
use crate::xenc::encrypt::{EncryptedDataSpec, EncryptionTarget, encrypt_node};
use crate::xml::c14n::C14nMethod;
use crate::xml::{Document, Edit, IdAttributes, Span, base64};

use super::PatternError;

pub const SCT_200512: &str = "http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512/sct";
pub const DK_200512: &str = "http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512/dk";

fn internal(e: impl std::fmt::Display) -> PatternError {
    PatternError::Internal(e.to_string())
}

/// A message being built, and the spans changed since the last [`Draft::take_changed`].
#[derive(Debug, Clone)]
pub struct Draft {
    /// Shared with the steps that show this state of the message.
    text: SharedText,
    changed: Vec<Span>,
}

impl Draft {
    /// A SOAP 1.2 envelope with WS-Addressing To/Action, an empty Security header and a Body
    /// (`wsu:Id` = `body_id`) holding `body`.
    pub fn envelope(to: &str, action: &str, body_id: &str, body: &str) -> Draft {
        let text = format!(
            "<s:Envelope xmlns:s=\"{}\" xmlns:wsa=\"{}\" xmlns:wsse=\"{}\" xmlns:wsse11=\"{}\" xmlns:wsu=\"{}\" xmlns:wsc=\"{}\" xmlns:wst=\"{}\">\
             <s:Header><wsa:To>{to}</wsa:To><wsa:Action>{action}</wsa:Action>\
             <wsse:Security s:mustUnderstand=\"true\"></wsse:Security></s:Header>\
             <s:Body wsu:Id=\"{body_id}\">{body}</s:Body></s:Envelope>",
            ns::SOAP12,
            ns::WSA,
            ns::WSSE,
            ns::WSSE11,
            ns::WSU,
            ns::WSC,
            ns::WST
        );
        Draft {
            text: text.into(),
            changed: Vec::new(),
        }
    }

    pub fn from_text(text: String) -> Draft {
        Draft {
            text: text.into(),
            changed: Vec::new(),
        }
    }

    /// The spans changed since the last call (where they are now), for the step's highlight.
    pub fn take_changed(&mut self) -> Vec<Span> {
        std::mem::take(&mut self.changed)
    }

    /// Records an edit: earlier changed spans move with it, the new span joins them.
    fn record(&mut self, edits: &[Edit], new: &[Span]) {
        self.changed = self
            .changed
            .iter()
            .map(|s| crate::xml::shift_span(*s, edits, new))
            .collect();
        self.changed.extend_from_slice(new);
    }

    /// Applies edits to the text and records them.
    fn apply(&mut self, edits: &[Edit]) -> Result<Vec<Span>, PatternError> {
        let doc = self.document()?;
        let edited = doc.with_edits(edits).map_err(internal)?;
        self.text = edited.document.text().into();
        self.record(edits, &edited.changed);
        Ok(edited.changed)
    }

    /// The message as it stands, from `from` to `to`, highlighting what changed since the
    /// last step: what a step's envelope pane shows.
    pub fn shown(&mut self, from: &str, to: &str) -> Option<crate::exchange::Envelope> {
        let changed = self.take_changed();
        self.showing(from, to, changed)
    }

    /// The message as it stands, from `from` to `to`, highlighting `changed` (spans a step
    /// computed itself): the one place a walkthrough step's envelope is made from a draft.
    pub fn showing(
        &self,
        from: &str,
        to: &str,
        changed: Vec<Span>,
    ) -> Option<crate::exchange::Envelope> {
        Some(crate::exchange::Envelope {
            from: from.to_string(),
            to: to.to_string(),
            text: self.text.clone(),
            changed,
        })
    }

    /// The message as it stands (a handle on it: steps that show it share the buffer).
    pub fn text(&self) -> &SharedText {
        &self.text
    }

    pub fn document(&self) -> Result<Document, PatternError> {
        Document::parse_str(&self.text, "draft").map_err(internal)
    }

    /// Byte offset just after the `<wsse:Security>` start tag.
    fn security_start(&self) -> Result<usize, PatternError> {
        let doc = self.document()?;
        let security = doc
            .descendants()
            .find(|n| n.has_name(ns::WSSE, "Security"))
            .ok_or_else(|| internal("no Security header"))?;
        Ok(security.start_tag_span().expect("element").end as usize)
    }

    /// Puts `xml` first in the Security header; returns where it landed.
    pub fn prepend_security(&mut self, xml: &str) -> Result<Span, PatternError> {
        let at = self.security_start()?;
        Ok(self.apply(&[Edit::insert(at, xml)])?[0])
    }

    /// Signs `references` (URIs `#id`) with exclusive c14n and SHA-256 digests, prepending
    /// the Signature to the Security header. `key_info` is the ds:KeyInfo content.
    pub fn sign(
        &mut self,
        id: &str,
        algorithm: SignatureAlgorithm,
        key: SigningKey<'_>,
        references: &[&str],
        key_info: &str,
    ) -> Result<Span, PatternError> {
        let spec = SignatureSpec {
            id: Some(id.to_string()),
            c14n: C14nMethod::exclusive(false),
            algorithm,
            hmac_output_bits: None,
            references: references
                .iter()
                .map(|uri| ReferenceSpec {
                    uri: uri.to_string(),
                    transforms: vec![TransformSpec::Canonicalize(C14nMethod::exclusive(false))],
                    digest: DigestAlgorithm::Sha256,
                })
                .collect(),
            key_info: Some(key_info.to_string()),
        };
        let at = self.security_start()?;
        let doc = self.document()?;
        let signed =
            sign(&doc, &spec, key, at, &IdAttributes::default(), None).map_err(internal)?;
        self.text = signed.document.text().into();
        // For the earlier spans, the signature is one insertion at `at`.
        let inserted = &self.text[signed.signature_span.range()];
        self.record(&[Edit::insert(at, inserted)], &[signed.signature_span]);
        Ok(signed.signature_span)
    }

    /// Encrypts the content of the element with this `wsu:Id` (or `Id`); returns the span of
    /// the EncryptedData.
    pub fn encrypt_content(
        &mut self,
        target_id: &str,
        data_id: &str,
        algorithm: BlockCipherAlgorithm,
        key: &[u8],
        key_info: &str,
        rng: &mut dyn RandomSource,
    ) -> Result<Span, PatternError> {
        let doc = self.document()?;
        let ids = crate::xml::IdIndex::build(&doc, &IdAttributes::default());
        let crate::xml::IdLookup::Unique(node) = ids.lookup(target_id) else {
            return Err(internal(format!("no single element with id {target_id}")));
        };
        let spec = EncryptedDataSpec {
            id: Some(data_id.to_string()),
            target: EncryptionTarget::Content,
            algorithm,
            key_info: Some(key_info.to_string()),
        };
        let replaced = doc.node(node).content_span().expect("element");
        let edited = encrypt_node(&doc, node, &spec, key, rng).map_err(internal)?;
        self.text = edited.document.text().into();
        let replacement = self.text[edited.changed[0].range()].to_string();
        self.record(&[Edit::replace(replaced, replacement)], &edited.changed);
        Ok(edited.changed[0])
    }

    /// Puts a `wst:RequestedProofToken` holding `proof_xml` just before the RSTR's
    /// `wst:Lifetime` (the order WS-Trust examples use).
    pub fn insert_proof_token(&mut self, proof_xml: &str) -> Result<Span, PatternError> {
        let at = self
            .document()?
            .descendants()
            .find(|n| n.has_name(ns::WST, "Lifetime"))
            .map(|n| n.span().start as usize)
            .ok_or_else(|| internal("no wst:Lifetime to put the proof token before"))?;
        self.replace(
            Span::new(at, at),
            &format!("<wst:RequestedProofToken>{proof_xml}</wst:RequestedProofToken>"),
        )
    }

    /// Replaces the text in `span` (for tampering and for building bodies).
    pub fn replace(&mut self, span: Span, replacement: &str) -> Result<Span, PatternError> {
        Ok(self.apply(&[Edit::replace(span, replacement)])?[0])
    }
}

/// `<wsse:SecurityTokenReference>` with a direct reference.
pub fn str_reference(uri: &str, value_type: Option<&str>) -> String {
    match value_type {
        Some(vt) => format!(
            "<wsse:SecurityTokenReference><wsse:Reference URI=\"{uri}\" ValueType=\"{vt}\"/></wsse:SecurityTokenReference>"
        ),
        None => format!(
            "<wsse:SecurityTokenReference><wsse:Reference URI=\"{uri}\"/></wsse:SecurityTokenReference>"
        ),
    }
}

/// `<wsse:SecurityTokenReference>` with a KeyIdentifier (base64 value).
pub fn str_key_identifier(value_type: &str, value: &[u8]) -> String {
    format!(
        "<wsse:SecurityTokenReference><wsse:KeyIdentifier ValueType=\"{value_type}\" EncodingType=\"{}\">{}</wsse:KeyIdentifier></wsse:SecurityTokenReference>",
        uris::BASE64_BINARY,
        base64::encode(value)
    )
}

/// STR naming a certificate by its SHA-1 thumbprint.
pub fn str_thumbprint(cert: &Certificate) -> Result<String, PatternError> {
    Ok(str_key_identifier(
        uris::THUMBPRINT_SHA1,
        &cert.thumbprint_sha1().map_err(internal)?,
    ))
}

/// STR naming an EncryptedKey by the SHA-1 of its CipherValue octets.
pub fn str_encrypted_key_sha1(cipher_value: &[u8]) -> Result<String, PatternError> {
    let sha1 = digest::digest(DigestAlgorithm::Sha1, cipher_value).map_err(internal)?;
    Ok(str_key_identifier(uris::ENCRYPTED_KEY_SHA1, &sha1))
}

/// A BinarySecurityToken carrying a certificate.
pub fn bst_xml(id: &str, cert: &Certificate) -> Result<String, PatternError> {
    Ok(format!(
        "<wsse:BinarySecurityToken wsu:Id=\"{id}\" ValueType=\"{}\" EncodingType=\"{}\">{}</wsse:BinarySecurityToken>",
        uris::X509V3,
        uris::BASE64_BINARY,
        base64::encode(&cert.to_der().map_err(internal)?)
    ))
}

/// A wsc:DerivedKeyToken on the token `base` references.
pub fn derived_key_token_xml(id: &str, base_str: &str, length: usize, nonce: &[u8]) -> String {
    format!(
        "<wsc:DerivedKeyToken wsu:Id=\"{id}\">{base_str}<wsc:Offset>0</wsc:Offset><wsc:Length>{length}</wsc:Length><wsc:Nonce>{}</wsc:Nonce></wsc:DerivedKeyToken>",
        base64::encode(nonce)
    )
}

/// A ReferenceList naming encrypted parts.
pub fn reference_list_xml(data_ids: &[&str]) -> String {
    let refs: String = data_ids
        .iter()
        .map(|id| format!("<xenc:DataReference URI=\"#{id}\"/>"))
        .collect();
    format!(
        "<xenc:ReferenceList xmlns:xenc=\"{}\">{refs}</xenc:ReferenceList>",
        ns::XENC
    )
}

/// An EncryptedKey carrying `key` for the holder of `recipient` (RSA-OAEP, named by the
/// certificate's thumbprint), with a ReferenceList when `data_references` is not empty.
pub fn encrypted_key_for(
    key: &[u8],
    recipient: &Certificate,
    id: &str,
    data_references: &[&str],
    rng: &mut dyn RandomSource,
) -> Result<crate::xenc::encrypt::BuiltEncryptedKey, PatternError> {
    use crate::xenc::encrypt::{EncryptedKeySpec, KeyProtection, build_encrypted_key};
    let transport = crate::crypto::KeyTransport::Oaep {
        algorithm: crate::crypto::KeyTransportAlgorithm::RsaOaepMgf1p,
        params: crate::crypto::OaepParams::default(),
    };
    let public = recipient.public_key().map_err(internal)?;
    let spec = EncryptedKeySpec {
        id: Some(id.to_string()),
        key_info: Some(str_thumbprint(recipient)?),
        data_references: data_references.iter().map(|r| format!("#{r}")).collect(),
        carried_key_name: None,
        recipient: None,
    };
    build_encrypted_key(
        key,
        KeyProtection::Transport {
            method: &transport,
            recipient: &public,
        },
        &spec,
        rng,
    )
    .map_err(internal)
}
