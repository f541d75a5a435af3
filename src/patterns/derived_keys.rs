//! The sequence the direct and the brokered (computed-key) walkthroughs share once a security
//! context exists: sign the Body and the Timestamp under one key derived from the context, then
//! encrypt the Body's content under another, and list it (WS-SecureConversation 1.4 section 7;
//! WS-Security 1.1 sections 8 and 9). The layers it creates join the scene.

use crate::crypto::signature::SigningKey;
use crate::crypto::{BlockCipherAlgorithm, DigestAlgorithm, SecretBytes, SignatureAlgorithm};
use crate::exchange::{EncryptionLayer, Layer, LayerStatus, ReferenceStatus, SignatureLayer};
use crate::xml::Span;

use super::PatternError;
use super::draft::{DK_200512, Draft, reference_list_xml, str_reference};
use super::scene::Scene;

/// A key derived from the context, as a sender uses it.
pub struct DerivedKeyUse<'a> {
    /// Its name in the ledger.
    pub name: &'a str,
    /// The id of the DerivedKeyToken the receiver derives it from.
    pub token_id: &'a str,
    pub key: &'a SecretBytes,
}

/// Signs `#body_id` and `#ts_id` with HMAC-SHA256 under `sign`, then encrypts the Body's content
/// with `cipher` under `enc` and lists it in a ReferenceList. Returns the spans it changed.
pub fn sign_then_encrypt(
    scene: &mut Scene,
    draft: &mut Draft,
    (body_id, ts_id): (&str, &str),
    sign: DerivedKeyUse<'_>,
    enc: DerivedKeyUse<'_>,
    cipher: BlockCipherAlgorithm,
) -> Result<Vec<Span>, PatternError> {
    let sig_id = scene.next_id("SIG");
    let (body_uri, ts_uri) = (format!("#{body_id}"), format!("#{ts_id}"));
    draft.sign(
        &sig_id,
        SignatureAlgorithm::Hmac(DigestAlgorithm::Sha256),
        SigningKey::Hmac(sign.key.expose()),
        &[&body_uri, &ts_uri],
        &str_reference(&format!("#{}", sign.token_id), Some(DK_200512)),
    )?;
    let data_id = scene.next_id("ED");
    draft.encrypt_content(
        body_id,
        &data_id,
        cipher,
        enc.key.expose(),
        &str_reference(&format!("#{}", enc.token_id), Some(DK_200512)),
        scene.rng(),
    )?;
    draft.prepend_security(&reference_list_xml(&[&data_id]))?;
    scene.layers.push(Layer::Signature(SignatureLayer {
        id: sig_id,
        method: SignatureAlgorithm::Hmac(DigestAlgorithm::Sha256)
            .name()
            .into(),
        key: sign.name.into(),
        span: None,
        canonical_signed_info: None,
        key_choice: None,
        references: vec![
            ReferenceStatus::created(&body_uri, "s:Body"),
            ReferenceStatus::created(&ts_uri, "wsu:Timestamp"),
        ],
        status: LayerStatus::Created,
    }));
    scene.layers.push(Layer::Encryption(EncryptionLayer {
        encrypted_key: None,
        encrypted_data: vec![data_id],
        algorithm: cipher.name().into(),
        key_transport: None,
        key: enc.name.into(),
        target: "s:Body content".into(),
        spans: Vec::new(),
        status: LayerStatus::Created,
    }));
    Ok(draft.take_changed())
}
