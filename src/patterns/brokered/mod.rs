//! Brokered key distribution (WS-Trust 1.4, Appendix I): the requestor does not agree a key
//! with the service itself but asks a security token service it trusts, which returns an
//! issued token for the service and a proof token for the requestor carrying the same key.
//!
//! Two variants:
//!
//! - `encrypted-key`: the STS draws the session key, seals it for the service inside a SAML 2.0
//!   holder-of-key assertion it signs (the key in an EncryptedKey for the service), and hands
//!   the requestor the same key in an EncryptedKey for her (the RequestedProofToken). The
//!   requestor presents the assertion and signs with the key; the service never needs the
//!   requestor's certificate, only the STS's.
//! - `computed-key`: the service runs its own token service (the WS-SecureConversation
//!   bootstrap). Both sides contribute entropy; each computes the context key as
//!   P_SHA-1(requestor entropy, issuer entropy), so neither alone decides it and the key
//!   itself never travels.

use std::collections::BTreeSet;

use crate::crypto::signature::SigningKey;
use crate::crypto::{
    BlockCipherAlgorithm, Certificate, DigestAlgorithm, SecretBytes, SignatureAlgorithm, psha1,
};
use crate::dsig::{ReferenceSpec, SignatureReport, SignatureSpec, TransformSpec, sign};
use crate::exchange::{
    Check, EncryptionLayer, Layer, LayerStatus, ReferenceStatus, SignatureLayer, SpecRef,
};
use crate::ns;
use crate::receive::ProcessedMessage;
use crate::receive::keys::{KeyRecord, Provenance};
use crate::receive::store::{EntropyEntry, SctEntry};
use crate::trust::messages::TrustMessage;
use crate::wss::datetime::UtcDateTime;
use crate::wss::{SamlAssertion, SoapEnvelope, parse_xs_datetime, uris};
use crate::xml::c14n::C14nMethod;
use crate::xml::{Document, IdAttributes, Span, base64};

use super::draft::{Draft, SCT_200512, derived_key_token_xml, encrypted_key_for, str_reference};
use super::parties::{certificate, party, private_key};
use super::scene::Scene;
use super::{PatternError, Tamper};

const WST_SPEC: &str = "WS-Trust 1.4";
const WSS_SPEC: &str = "WS-Security 1.1";
const SAML_SPEC: &str = "WS-Security SAML Token Profile 1.1";
const SC_SPEC: &str = "WS-SecureConversation 1.4";

const WSP: &str = "http://www.w3.org/ns/ws-policy";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
const ISSUE: &str = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue";
const SYMMETRIC_KEY: &str = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/SymmetricKey";
const NONCE: &str = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Nonce";
const CK_PSHA1: &str = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/CK/PSHA1";
const HOLDER_OF_KEY: &str = "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key";
const NAMEID_X509: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName";
const AUTHN_X509: &str = "urn:oasis:names:tc:SAML:2.0:ac:classes:X509";

const ACTION_RST_ISSUE: &str = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/Issue";
const ACTION_RSTRC_ISSUE: &str =
    "http://docs.oasis-open.org/ws-sx/ws-trust/200512/RSTRC/IssueFinal";
const ACTION_RST_SCT: &str = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/SCT";
const ACTION_RSTR_SCT: &str = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/RSTR/SCT";
const ACTION_QUOTE: &str = "urn:wskex:example/Quote";
const QUOTE: &str =
    "<ex:Quote xmlns:ex=\"urn:wskex:example\"><ex:Item>2 widgets</ex:Item></ex:Quote>";

const STS_ENDPOINT: &str = "urn:wskex:sts";
const BOB_ENDPOINT: &str = "urn:wskex:bob";
const ALICE_ENDPOINT: &str = "urn:wskex:alice";

/// The key the STS issues in the encrypted-key variant.
const SESSION_KEY: &str = "session-key";
/// The key both sides compute in the computed-key variant.
const CONTEXT_KEY: &str = "context-key";
const KEY_BITS: u32 = 256;
/// How long issued tokens live, in seconds.
const TOKEN_LIFETIME: i64 = 3600;

fn internal(e: impl std::fmt::Display) -> PatternError {
    PatternError::Internal(e.to_string())
}

/// Who trusts whom beyond the defaults (for tests that take a trust away).
#[derive(Debug, Clone, Copy)]
struct Setup {
    /// Bob has the STS's certificate (without it, the assertion proves nothing to him).
    bob_trusts_sts: bool,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            bob_trusts_sts: true,
        }
    }
}

pub fn run(variant: &str, seed: u64, tamper: Option<Tamper>) -> Result<Scene, PatternError> {
    run_with(variant, seed, tamper, Setup::default())
}

fn run_with(
    variant: &str,
    seed: u64,
    tamper: Option<Tamper>,
    setup: Setup,
) -> Result<Scene, PatternError> {
    match variant {
        "encrypted-key" => encrypted_key(seed, tamper, setup),
        "computed-key" => computed_key(seed, tamper),
        other => Err(internal(format!("brokered has no variant {other:?}"))),
    }
}

// ---------------------------------------------------------------------------------------------
// Shared pieces.

/// The span of the first element with this local name, for a step's highlight.
fn span_of(draft: &Draft, local: &str) -> Result<Vec<Span>, PatternError> {
    Ok(draft
        .document()?
        .descendants()
        .find(|n| n.is_element() && n.local_name() == local)
        .map(|n| n.span())
        .into_iter()
        .collect())
}

fn at(seconds: i64) -> UtcDateTime {
    UtcDateTime {
        unix_seconds: seconds,
        nanos: 0,
    }
}

fn applies_to(address: &str) -> String {
    format!(
        "<wsp:AppliesTo xmlns:wsp=\"{WSP}\"><wsa:EndpointReference><wsa:Address>{address}</wsa:Address></wsa:EndpointReference></wsp:AppliesTo>"
    )
}

/// An STR naming a SAML 2.0 assertion by its ID (SAML Token Profile 1.1, 3.4.2).
fn saml_str(assertion_id: &str) -> String {
    format!(
        "<wsse:SecurityTokenReference wsse11:TokenType=\"{}\"><wsse:KeyIdentifier ValueType=\"{}\">{assertion_id}</wsse:KeyIdentifier></wsse:SecurityTokenReference>",
        uris::SAML_V20_TOKEN,
        uris::SAML_ID
    )
}

/// Encrypts the content of the Body (AES-256-CBC under a fresh key) and wraps that key for
/// `recipient` in an EncryptedKey whose ReferenceList names the EncryptedData.
fn encrypt_body_for(
    scene: &mut Scene,
    draft: &mut Draft,
    from: &str,
    recipient: &str,
    body_id: &str,
    key_name: &str,
) -> Result<(), PatternError> {
    let key = scene.random(32);
    scene.ledger.add(
        key_name,
        key.clone(),
        "AES-256-CBC",
        Provenance::Generated { by: from.into() },
        from,
    );
    let ek_id = scene.next_id("EK");
    scene.ledger.set_token(key_name, &ek_id);
    let ed_id = scene.next_id("ED");
    draft.encrypt_content(
        body_id,
        &ed_id,
        BlockCipherAlgorithm::Aes256Cbc,
        key.expose(),
        &str_reference(&format!("#{ek_id}"), Some(uris::ENCRYPTED_KEY_TOKEN)),
        scene.rng(),
    )?;
    let cert = certificate(scene.party(recipient)).clone();
    let ek = encrypted_key_for(key.expose(), &cert, &ek_id, &[&ed_id], scene.rng())?;
    draft.prepend_security(&ek.xml)?;
    scene.layers.push(Layer::Encryption(EncryptionLayer {
        encrypted_key: Some(ek_id),
        encrypted_data: vec![ed_id],
        algorithm: BlockCipherAlgorithm::Aes256Cbc.name().into(),
        key_transport: Some(format!(
            "RSA-OAEP to {recipient}'s certificate (by thumbprint)"
        )),
        key: key_name.into(),
        target: "s:Body content".into(),
        spans: Vec::new(),
        status: LayerStatus::Created,
    }));
    Ok(())
}

/// True when a valid signature was checked with `cert` as one the receiver holds (an
/// identity, not just integrity). The report names the key by the certificate's subject (a
/// BinarySecurityToken the receiver also holds) or by its label (a supplied certificate).
fn signed_by(signatures: &[SignatureReport], cert: &Certificate) -> bool {
    let subject = cert.subject();
    signatures.iter().any(|s| {
        s.valid
            && s.key.as_ref().is_some_and(|k| {
                k.proves_identity
                    && (k.name == subject
                        || k.name == cert.label()
                        || k.description.contains(&subject))
            })
    })
}

fn identity_check(name: &str, processed: &ProcessedMessage, scene: &Scene, who: &str) -> Check {
    if signed_by(&processed.signatures, certificate(scene.party(who))) {
        Check::pass(
            name,
            format!("a valid signature by {who}'s certificate, which the receiver trusts"),
        )
    } else {
        Check::fail(
            name,
            format!("no valid signature by {who}'s certificate, which the receiver trusts"),
        )
    }
}

/// What a receiver read from the WS-Trust message in the Body (the Header is not looked at:
/// an attacker's copy there must not count).
#[derive(Debug, Default)]
struct TrustRead {
    request: bool,
    context: Option<String>,
    token_type: Option<String>,
    applies_to: Option<String>,
    key_size: Option<u32>,
    entropy: Option<Vec<u8>>,
    computed_key: bool,
}

fn read_trust_body(doc: &Document) -> Option<TrustRead> {
    let envelope = SoapEnvelope::read(doc).ok()?;
    let body = envelope.body?;
    body.child_elements()
        .find_map(TrustMessage::read)
        .and_then(|m| match m {
            TrustMessage::Request(rst) => Some(TrustRead {
                request: true,
                context: rst.context.clone(),
                token_type: rst.token_type.clone(),
                applies_to: rst.applies_to.as_ref().and_then(|a| a.address.clone()),
                key_size: rst.key_size,
                entropy: rst
                    .entropy
                    .as_ref()
                    .and_then(|e| e.binary_secret())
                    .and_then(|b| b.bytes.clone()),
                computed_key: rst.computed_key_algorithm.is_some(),
            }),
            other => other.responses().first().map(|rstr| TrustRead {
                request: false,
                context: rstr.context.clone(),
                token_type: rstr.token_type.clone(),
                applies_to: rstr.applies_to.as_ref().and_then(|a| a.address.clone()),
                key_size: rstr.key_size,
                entropy: rstr
                    .entropy
                    .as_ref()
                    .and_then(|e| e.binary_secret())
                    .and_then(|b| b.bytes.clone()),
                computed_key: false,
            }),
        })
}

/// The check that each party's private key stayed with it: no other party's key store holds
/// it, and it is in no ledger entry.
fn private_keys_check(scene: &Scene) -> Check {
    let mut leaks = Vec::new();
    for owner in &scene.parties {
        let Ok(public) = certificate(owner).public_key() else {
            leaks.push(format!("{}'s certificate has no usable key", owner.name));
            continue;
        };
        for holder in scene.parties.iter().filter(|p| p.name != owner.name) {
            let holds = scene.key_store(&holder.name).is_some_and(|store| {
                store
                    .private_keys()
                    .iter()
                    .any(|e| e.key.matches_public(&public))
            });
            if holds {
                leaks.push(format!(
                    "{} holds {}'s private key",
                    holder.name, owner.name
                ));
            }
        }
        let der = private_key(owner)
            .pkey()
            .private_key_to_der()
            .unwrap_or_default();
        if scene
            .ledger
            .keys()
            .iter()
            .any(|k| k.bytes.expose() == der.as_slice())
        {
            leaks.push(format!("{}'s private key is in the key ledger", owner.name));
        }
    }
    if leaks.is_empty() {
        let names: Vec<&str> = scene.parties.iter().map(|p| p.name.as_str()).collect();
        Check::pass(
            "private keys",
            format!(
                "each private key is held by its owner alone ({}): nobody needed another's",
                names.join(", ")
            ),
        )
    } else {
        Check::fail("private keys", leaks.join("; "))
    }
}

/// The check that `key` is known by exactly `parties`.
fn confined_check(scene: &Scene, key: &str, parties: &[&str]) -> Check {
    let want: BTreeSet<String> = parties.iter().map(|p| p.to_string()).collect();
    match scene.ledger.get(key) {
        Some(k) if k.known_by == want => Check::pass(
            format!("{key} confined"),
            format!("{key} is known by {} and nobody else", parties.join(", ")),
        ),
        Some(k) => Check::fail(
            format!("{key} confined"),
            format!(
                "{key} is known by {}, expected exactly {}",
                k.known_by.iter().cloned().collect::<Vec<_>>().join(", "),
                parties.join(", ")
            ),
        ),
        None => Check::fail(format!("{key} confined"), format!("no key {key}")),
    }
}

// ---------------------------------------------------------------------------------------------
// (a) encrypted-key: a SAML 2.0 holder-of-key assertion from an STS.

mod computed_key;
mod encrypted_key;
#[cfg(test)]
mod tests;

use computed_key::computed_key;
use encrypted_key::encrypted_key;
