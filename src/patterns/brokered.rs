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
    Check, EncryptionLayer, Envelope, Layer, LayerStatus, ReferenceStatus, SignatureLayer, SpecRef,
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

use super::draft::{
    DK_200512, Draft, SCT_200512, derived_key_token_xml, encrypted_key_for, reference_list_xml,
    str_reference,
};
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

fn shown(from: &str, to: &str, draft: &Draft, changed: Vec<Span>) -> Option<Envelope> {
    Some(Envelope {
        from: from.into(),
        to: to.into(),
        text: draft.text().to_string(),
        changed,
    })
}

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

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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
        algorithm: "aes256-cbc".into(),
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

fn encrypted_key(seed: u64, tamper: Option<Tamper>, setup: Setup) -> Result<Scene, PatternError> {
    let mut scene = Scene::new(
        seed,
        vec![
            party("alice", "requestor"),
            party("sts", "security token service"),
            party("bob", "target service"),
        ],
    );
    scene.trust("sts", "alice");
    scene.trust("alice", "sts");
    if setup.bob_trusts_sts {
        scene.trust("bob", "sts");
    }

    // 1. The request.
    let context = scene.uuid();
    let body_id = scene.next_id("Body");
    let rst = format!(
        "<wst:RequestSecurityToken Context=\"{context}\"><wst:TokenType>{}</wst:TokenType>\
         <wst:RequestType>{ISSUE}</wst:RequestType>{}\
         <wst:KeyType>{SYMMETRIC_KEY}</wst:KeyType><wst:KeySize>{KEY_BITS}</wst:KeySize></wst:RequestSecurityToken>",
        uris::SAML_V20_TOKEN,
        applies_to(BOB_ENDPOINT)
    );
    let mut draft = Draft::envelope(STS_ENDPOINT, ACTION_RST_ISSUE, &body_id, &rst);
    let span = span_of(&draft, "RequestSecurityToken")?;
    scene.step(
        "alice",
        "Ask the STS for a token for Bob",
        "Alice wants to call Bob, but she and Bob have never met: they share no key and Bob does not know her \
         certificate. Both trust the security token service, so Alice asks it. Her RequestSecurityToken says what \
         she wants: to be issued (RequestType Issue) a SAML 2.0 assertion (TokenType) for Bob's endpoint \
         (AppliesTo), bound to a 256-bit symmetric key (KeyType SymmetricKey, KeySize). She leaves the key to the \
         STS: in this variant it decides the key alone.",
        SpecRef::new(WST_SPEC, "4.1 Requesting a Security Token; Appendix I (brokered key distribution)"),
        shown("alice", "sts", &draft, span),
    );

    // 2. Encrypt for the STS, sign.
    encrypt_body_for(
        &mut scene,
        &mut draft,
        "alice",
        "sts",
        &body_id,
        "rst-body-key",
    )?;
    scene.sign_body_and_timestamp(&mut draft, "alice", &body_id, "s:Body (the encrypted RST)")?;
    let changed = draft.take_changed();
    scene.step(
        "alice",
        "Encrypt the request for the STS and sign it",
        "Alice encrypts the Body with a fresh AES-256 key and wraps that key for the STS (RSA-OAEP, EncryptedKey \
         naming the STS certificate by thumbprint): who she wants to reach is nobody else's business. Then she adds \
         a Timestamp and her certificate and signs the Body and the Timestamp with RSA-SHA256. The signature is \
         how the STS authenticates her: it will issue a token that names Alice only because Alice's key signed \
         the request, and the Timestamp stops a recorded request from being played again.",
        SpecRef::new(WSS_SPEC, "8 Signatures; 9 Encryption; 10 Security Timestamps"),
        shown("alice", "sts", &draft, changed),
    );

    // 3. The STS receives.
    scene.advance(1);
    let processed = scene.deliver("alice", "sts", draft.text(), tamper)?;
    scene.check(identity_check(
        "requestor identity",
        &processed,
        &scene,
        "alice",
    ));
    let request = read_trust_body(&processed.document).filter(|r| r.request);
    scene.check(match &request {
        Some(r)
            if r.token_type.as_deref() == Some(uris::SAML_V20_TOKEN)
                && r.applies_to.as_deref() == Some(BOB_ENDPOINT) =>
        {
            Check::pass(
                "request",
                format!(
                    "an RST for a SAML 2.0 assertion for {BOB_ENDPOINT}, {} bits, which the STS may issue",
                    r.key_size.unwrap_or(KEY_BITS)
                ),
            )
        }
        Some(_) => Check::fail(
            "request",
            "the RST asks for a token the STS does not issue here",
        ),
        None => Check::fail(
            "request",
            "the STS found no readable RequestSecurityToken in the Body",
        ),
    });
    let accepted = scene.pending_checks_pass();
    scene.step(
        "sts",
        if accepted {
            "Verify and read the request"
        } else {
            "Reject the request"
        },
        if accepted {
            "The STS's WS-Security processor unwraps the body key with the STS's private key, verifies Alice's \
             signature with her certificate (which the STS trusts: this is how it knows who is asking), checks the \
             Timestamp, decrypts the Body and reads the RST. The requestor is authenticated and the request is \
             fresh, so the STS may issue."
        } else {
            "The STS's checks fail, so it issues nothing: no key exists yet, and nobody learns anything."
        },
        SpecRef::new(WST_SPEC, "4.1 Requesting a Security Token; WS-Security 1.1 8 Signatures"),
        scene.last_envelope(),
    );
    if !accepted {
        return Ok(scene);
    }
    let request = request.unwrap_or_default();
    let key_bits = request.key_size.unwrap_or(KEY_BITS);

    // 4. The session key and the assertion for Bob.
    scene.advance(1);
    let key = scene.random(key_bits as usize / 8);
    scene.ledger.add(
        SESSION_KEY,
        key.clone(),
        "HMAC-SHA256 (holder-of-key proof key)",
        Provenance::Generated { by: "sts".into() },
        "sts",
    );
    let assertion_id = format!("_{}", hex::encode(scene.random(16).expose()));
    let issued = scene.now();
    let expires = at(issued.unix_seconds + TOKEN_LIFETIME);
    let assertion = issue_assertion(&mut scene, &assertion_id, &key, issued, expires)?;
    let attached = saml_str(&assertion.id);
    let response_body = format!(
        "<wst:RequestSecurityTokenResponseCollection><wst:RequestSecurityTokenResponse Context=\"{ctx}\">\
         <wst:TokenType>{}</wst:TokenType><wst:RequestedSecurityToken>{}</wst:RequestedSecurityToken>\
         <wst:RequestedAttachedReference>{attached}</wst:RequestedAttachedReference>\
         <wst:RequestedUnattachedReference>{attached}</wst:RequestedUnattachedReference>{}\
         <wst:Lifetime><wsu:Created>{issued}</wsu:Created><wsu:Expires>{expires}</wsu:Expires></wst:Lifetime>\
         <wst:KeyType>{SYMMETRIC_KEY}</wst:KeyType><wst:KeySize>{key_bits}</wst:KeySize>\
         </wst:RequestSecurityTokenResponse></wst:RequestSecurityTokenResponseCollection>",
        uris::SAML_V20_TOKEN,
        assertion.xml,
        applies_to(BOB_ENDPOINT),
        ctx = escape(request.context.as_deref().unwrap_or("")),
    );
    let body_id = scene.next_id("Body");
    let mut draft = Draft::envelope(ALICE_ENDPOINT, ACTION_RSTRC_ISSUE, &body_id, &response_body);
    let span = span_of(&draft, "RequestedSecurityToken")?;
    scene.layers.push(Layer::Encryption(EncryptionLayer {
        encrypted_key: Some(assertion.ek_id.clone()),
        encrypted_data: vec![],
        algorithm: "rsa-oaep-mgf1p".into(),
        key_transport: Some("RSA-OAEP to bob's certificate (by thumbprint)".into()),
        key: SESSION_KEY.into(),
        target: "saml2:SubjectConfirmationData (holder-of-key)".into(),
        spans: Vec::new(),
        status: LayerStatus::Created,
    }));
    scene.layers.push(Layer::Signature(SignatureLayer {
        id: assertion.sig_id.clone(),
        method: "rsa-sha256".into(),
        key: "sts's certificate".into(),
        span: None,
        canonical_signed_info: None,
        key_choice: None,
        references: vec![ReferenceStatus::created(
            &format!("#{}", assertion.id),
            "saml2:Assertion (enveloped)",
        )],
        status: LayerStatus::Created,
    }));
    scene.step(
        "sts",
        "Issue a holder-of-key SAML assertion for Bob",
        "The STS draws the 256-bit session key K. It writes a SAML 2.0 assertion: Issuer the STS, Subject Alice \
         (her certificate's name), a holder-of-key SubjectConfirmation whose KeyInfo holds K encrypted for Bob \
         (RSA-OAEP, naming Bob's certificate by thumbprint), Conditions limiting it to the next hour and to Bob as \
         the audience. It signs the assertion with its own key in an enveloped signature (exclusive c14n, \
         RSA-SHA256), so the assertion can travel anywhere and still prove the STS vouches for it. Only Bob can open \
         the key inside, and anyone who changes a byte of the assertion breaks the STS's signature.",
        SpecRef::new(
            SAML_SPEC,
            "3.5 Holder-of-key subject confirmation; SAML 2.0 Core 2.3-2.5; WS-Trust 1.4 4.4 Returning a Security Token",
        ),
        shown("sts", "alice", &draft, span),
    );

    // 5. The proof token for Alice, and the STS's signature.
    let ek_id = scene.next_id("EK");
    let alice_cert = certificate(scene.party("alice")).clone();
    let ek = encrypted_key_for(key.expose(), &alice_cert, &ek_id, &[], scene.rng())?;
    draft.insert_proof_token(&ek.xml)?;
    scene.layers.push(Layer::Encryption(EncryptionLayer {
        encrypted_key: Some(ek_id),
        encrypted_data: vec![],
        algorithm: "rsa-oaep-mgf1p".into(),
        key_transport: Some("RSA-OAEP to alice's certificate (by thumbprint)".into()),
        key: SESSION_KEY.into(),
        target: "RequestedProofToken".into(),
        spans: Vec::new(),
        status: LayerStatus::Created,
    }));
    scene.sign_body_and_timestamp(&mut draft, "sts", &body_id, "s:Body (the RSTR collection)")?;
    let changed = draft.take_changed();
    scene.step(
        "sts",
        "Give Alice the same key, and sign the response",
        "Alice cannot open the assertion's key, so the STS also encrypts K for Alice (RSA-OAEP to her certificate) \
         as the RequestedProofToken: the proof that she is the holder the assertion speaks of. The \
         RequestedAttachedReference tells her how to point at the assertion later (a KeyIdentifier of type \
         SAMLID), and the Lifetime how long it lasts. The STS signs Body and Timestamp with its certificate, so \
         Alice knows the token and the key come from the STS. K travels twice in this message, each time \
         encrypted for exactly one party.",
        SpecRef::new(WST_SPEC, "4.4 Returning a Security Token; 4.4.3 Requested proof token"),
        shown("sts", "alice", &draft, changed),
    );

    // 6. Alice receives.
    scene.advance(1);
    let processed = scene.deliver("sts", "alice", draft.text(), None)?;
    scene.check(identity_check("issuer identity", &processed, &scene, "sts"));
    let response = read_trust_body(&processed.document).filter(|r| !r.request);
    scene.check(match &response {
        Some(r)
            if r.context.as_deref() == Some(context.as_str())
                && r.applies_to.as_deref() == Some(BOB_ENDPOINT) =>
        {
            Check::pass(
                "response",
                "the RSTR answers her request (same Context) with a token for Bob",
            )
        }
        _ => Check::fail(
            "response",
            "the RSTR does not answer her request for a token for Bob",
        ),
    });
    scene.check(if scene.ledger.knows("alice", SESSION_KEY) {
        Check::pass(
            "proof key",
            "Alice unwrapped the RequestedProofToken: she holds K",
        )
    } else {
        Check::fail("proof key", "Alice could not unwrap the proof token")
    });
    let accepted = scene.pending_checks_pass();
    scene.step(
        "alice",
        if accepted {
            "Verify the response and unwrap the proof key"
        } else {
            "Reject the response"
        },
        "Alice verifies the STS's signature with the STS certificate she trusts and unwraps the proof token with \
         her private key: she now holds K. She does not (and cannot) read the key inside the assertion; to her the \
         assertion is an opaque token to hand to Bob. Three parties are involved, but K is known only to the \
         STS, which made it, and to Alice.",
        SpecRef::new(WST_SPEC, "4.4.3 Requested proof token; Appendix I (brokered key distribution)"),
        scene.last_envelope(),
    );
    if !accepted {
        return Err(internal("the untampered RSTR was rejected"));
    }
    let assertion_text = processed
        .document
        .descendants()
        .find(|n| n.has_name(ns::SAML2, "Assertion"))
        .map(|n| n.source_text().to_string())
        .ok_or_else(|| internal("no assertion in the RSTR"))?;

    // 7. Alice puts the assertion in her request to Bob.
    scene.advance(1);
    let body_id = scene.next_id("Body");
    let mut draft = Draft::envelope(BOB_ENDPOINT, ACTION_QUOTE, &body_id, QUOTE);
    let (ts_id, ts) = scene.timestamp_xml(300);
    draft.prepend_security(&ts)?;
    draft.prepend_security(&assertion_text)?;
    let changed = draft.take_changed();
    scene.step(
        "alice",
        "Put the assertion in the request to Bob",
        "Alice writes her request and copies the assertion, byte for byte, into her Security header next to a \
         Timestamp. She must not change it: the STS's enveloped signature covers every byte, and exclusive \
         canonicalization makes it independent of the message around it, so it verifies here exactly as it did \
         in the RSTR.",
        SpecRef::new(SAML_SPEC, "3.3 Referencing SAML assertions; 3.4.2 SAML assertion in the Security header"),
        shown("alice", "bob", &draft, changed),
    );

    // 8. She proves possession of K.
    let sig_id = scene.next_id("SIG");
    draft.sign(
        &sig_id,
        SignatureAlgorithm::Hmac(DigestAlgorithm::Sha256),
        SigningKey::Hmac(key.expose()),
        &[&format!("#{body_id}"), &format!("#{ts_id}")],
        &saml_str(&assertion.id),
    )?;
    scene.layers.push(Layer::Signature(SignatureLayer {
        id: sig_id,
        method: "hmac-sha256".into(),
        key: SESSION_KEY.into(),
        span: None,
        canonical_signed_info: None,
        key_choice: None,
        references: vec![
            ReferenceStatus::created(&format!("#{body_id}"), "s:Body"),
            ReferenceStatus::created(&format!("#{ts_id}"), "wsu:Timestamp"),
        ],
        status: LayerStatus::Created,
    }));
    let changed = draft.take_changed();
    scene.step(
        "alice",
        "Sign with K: proof of possession",
        "Alice signs the Body and the Timestamp with HMAC-SHA256 under K. The signature's KeyInfo is a \
         SecurityTokenReference with a SAMLID KeyIdentifier naming the assertion: \"the key of this assertion \
         signed this message\". Anyone could copy the assertion, but only a holder of K can make this signature; \
         it binds the message to the assertion and so to Alice, whom the assertion names.",
        SpecRef::new(SAML_SPEC, "3.5 Holder-of-key; 3.4.2 KeyIdentifier SAMLID; WS-Security 1.1 8 Signatures"),
        shown("alice", "bob", &draft, changed),
    );

    // 9. Bob receives.
    scene.advance(1);
    let processed = scene.deliver("alice", "bob", draft.text(), None)?;
    // Scene::deliver runs the receiver's clock two seconds after the sender's.
    let bob_now = at(scene.now().unix_seconds + 2);
    for check in assertion_checks(&scene, &processed, &assertion.id, bob_now) {
        scene.check(check);
    }
    scene.check(confined_check(
        &scene,
        SESSION_KEY,
        &["alice", "bob", "sts"],
    ));
    scene.check(private_keys_check(&scene));
    let accepted = scene.pending_checks_pass();
    scene.step(
        "bob",
        if accepted {
            "Verify the assertion and Alice's proof of possession"
        } else {
            "Reject the request"
        },
        if accepted {
            "Bob's processor meets the assertion first: it verifies the STS's signature with the STS certificate \
             Bob trusts, reads the audience and validity period, and unwraps K from the holder-of-key \
             EncryptedKey with Bob's own private key. Then it follows the SAMLID reference of Alice's signature \
             to that key and verifies the HMAC over Body and Timestamp. Bob never needed Alice's certificate, let \
             alone her private key: he trusts the STS, the STS vouched for Alice, and K proves the sender is the \
             one the STS gave it to. K is now known to Alice, the STS and Bob, and to nobody else."
        } else {
            "One of Bob's checks fails, so he refuses the request: the assertion or the proof of possession does \
             not hold."
        },
        SpecRef::new(SAML_SPEC, "3.5 Holder-of-key; 3.6 Error codes; WS-Trust 1.4 Appendix I"),
        scene.last_envelope(),
    );
    if !accepted && setup.bob_trusts_sts {
        return Err(internal("the untampered request to bob was rejected"));
    }
    Ok(scene)
}

/// A signed assertion and the ids inside it.
struct IssuedAssertion {
    xml: String,
    id: String,
    sig_id: String,
    ek_id: String,
}

/// The STS's SAML 2.0 holder-of-key assertion about Alice for Bob, carrying `key` encrypted for
/// Bob, signed (enveloped, exclusive c14n) in a document of its own so its signature holds
/// wherever the text is put.
fn issue_assertion(
    scene: &mut Scene,
    id: &str,
    key: &SecretBytes,
    issued: UtcDateTime,
    expires: UtcDateTime,
) -> Result<IssuedAssertion, PatternError> {
    let ek_id = scene.next_id("EK");
    let bob_cert = certificate(scene.party("bob")).clone();
    let ek = encrypted_key_for(key.expose(), &bob_cert, &ek_id, &[], scene.rng())?;
    let subject = escape(&certificate(scene.party("alice")).subject());
    let text = format!(
        "<saml2:Assertion xmlns:saml2=\"{saml}\" xmlns:ds=\"{ds}\" xmlns:wsse=\"{wsse}\" xmlns:xsi=\"{XSI}\" ID=\"{id}\" IssueInstant=\"{issued}\" Version=\"2.0\">\
         <saml2:Issuer>{STS_ENDPOINT}</saml2:Issuer>\
         <saml2:Subject><saml2:NameID Format=\"{NAMEID_X509}\">{subject}</saml2:NameID>\
         <saml2:SubjectConfirmation Method=\"{HOLDER_OF_KEY}\"><saml2:SubjectConfirmationData xsi:type=\"saml2:KeyInfoConfirmationDataType\">\
         <ds:KeyInfo>{ek}</ds:KeyInfo></saml2:SubjectConfirmationData></saml2:SubjectConfirmation></saml2:Subject>\
         <saml2:Conditions NotBefore=\"{issued}\" NotOnOrAfter=\"{expires}\"><saml2:AudienceRestriction><saml2:Audience>{BOB_ENDPOINT}</saml2:Audience></saml2:AudienceRestriction></saml2:Conditions>\
         <saml2:AuthnStatement AuthnInstant=\"{issued}\"><saml2:AuthnContext><saml2:AuthnContextClassRef>{AUTHN_X509}</saml2:AuthnContextClassRef></saml2:AuthnContext></saml2:AuthnStatement>\
         </saml2:Assertion>",
        saml = ns::SAML2,
        ds = ns::DS,
        wsse = ns::WSSE,
        ek = ek.xml,
    );
    let doc = Document::parse_str(&text, "assertion").map_err(internal)?;
    // SAML 2.0 puts the signature right after the Issuer.
    let after_issuer = doc
        .descendants()
        .find(|n| n.has_name(ns::SAML2, "Issuer"))
        .map(|n| n.span().end as usize)
        .ok_or_else(|| internal("no Issuer"))?;
    let sig_id = scene.next_id("SIG");
    let sts_cert = certificate(scene.party("sts")).clone();
    let exclusive = C14nMethod::exclusive(false);
    let spec = SignatureSpec {
        id: Some(sig_id.clone()),
        c14n: exclusive.clone(),
        algorithm: SignatureAlgorithm::Rsa(DigestAlgorithm::Sha256),
        hmac_output_bits: None,
        references: vec![ReferenceSpec {
            uri: format!("#{id}"),
            transforms: vec![
                TransformSpec::EnvelopedSignature,
                TransformSpec::Canonicalize(exclusive),
            ],
            digest: DigestAlgorithm::Sha256,
        }],
        key_info: Some(format!(
            "<ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data>",
            base64::encode(&sts_cert.to_der().map_err(internal)?)
        )),
    };
    let sts_key = private_key(scene.party("sts")).pkey().to_owned();
    let signed = sign(
        &doc,
        &spec,
        SigningKey::Rsa(&sts_key),
        after_issuer,
        &IdAttributes::default(),
        None,
    )
    .map_err(internal)?;
    Ok(IssuedAssertion {
        xml: signed.document.text().to_string(),
        id: id.to_string(),
        sig_id,
        ek_id,
    })
}

/// Bob's checks of the assertion and of the signature made with its key.
fn assertion_checks(
    scene: &Scene,
    processed: &ProcessedMessage,
    assertion_id: &str,
    now: UtcDateTime,
) -> Vec<Check> {
    let mut checks = Vec::new();
    let envelope = SoapEnvelope::read(&processed.document).ok();
    let assertion = envelope.as_ref().and_then(|e| {
        e.security_for_ultimate_receiver().and_then(|h| {
            h.items
                .iter()
                .map(|i| i.node())
                .find(|n| n.has_name(ns::SAML2, "Assertion"))
        })
    });
    let Some(node) = assertion else {
        checks.push(Check::fail(
            "assertion",
            "no SAML assertion in the Security header",
        ));
        return checks;
    };
    let read = SamlAssertion::read(node);
    let reference = format!("#{assertion_id}");

    // Issued by a trusted STS: its own signature verifies with the STS's certificate.
    let signature: Vec<SignatureReport> = processed
        .signatures
        .iter()
        .filter(|s| {
            s.references
                .iter()
                .any(|r| r.uri.as_deref() == Some(reference.as_str()))
        })
        .cloned()
        .collect();
    let by_sts = signed_by(&signature, certificate(scene.party("sts")));
    checks.push(match (by_sts, read.issuer.as_deref()) {
        (true, Some(STS_ENDPOINT)) => Check::pass(
            "assertion issued by a trusted STS",
            format!(
                "the assertion's enveloped signature verifies with the STS certificate Bob trusts; Issuer {STS_ENDPOINT}"
            ),
        ),
        (true, issuer) => Check::fail(
            "assertion issued by a trusted STS",
            format!(
                "signed by the STS but the Issuer is {:?}",
                issuer.unwrap_or("-")
            ),
        ),
        (false, _) => Check::fail(
            "assertion issued by a trusted STS",
            match signature.first() {
                Some(s) if !s.valid => format!(
                    "the assertion's signature does not verify: {}",
                    s.error.as_deref().unwrap_or("invalid")
                ),
                Some(_) => "the assertion's signature verifies only with a key Bob does not trust (the \
                            certificate it carries itself): anyone could have made it"
                    .to_string(),
                None => "the assertion is not signed".to_string(),
            },
        ),
    });

    // The audience and the validity period.
    let audiences: Vec<String> = node
        .descendants()
        .filter(|n| n.has_name(ns::SAML2, "Audience"))
        .map(|n| n.text_content().trim().to_string())
        .collect();
    checks.push(if audiences.iter().any(|a| a == BOB_ENDPOINT) {
        Check::pass(
            "audience is bob",
            format!(
                "the AudienceRestriction names {BOB_ENDPOINT}: the assertion was issued for Bob"
            ),
        )
    } else {
        Check::fail(
            "audience is bob",
            format!(
                "the AudienceRestriction names {}, not {BOB_ENDPOINT}",
                audiences.join(", ")
            ),
        )
    });
    let time = |t: &Option<String>| {
        t.as_deref()
            .and_then(|t| parse_xs_datetime(t).ok())
            .map(|t| t.utc.unix_seconds)
    };
    let (not_before, not_after) = (time(&read.not_before), time(&read.not_on_or_after));
    checks.push(match (not_before, not_after) {
        (Some(b), Some(a)) if b <= now.unix_seconds && now.unix_seconds < a => Check::pass(
            "assertion validity",
            format!(
                "Bob's clock ({now}) is within NotBefore {} and NotOnOrAfter {}",
                read.not_before.as_deref().unwrap_or(""),
                read.not_on_or_after.as_deref().unwrap_or("")
            ),
        ),
        _ => Check::fail(
            "assertion validity",
            format!(
                "Bob's clock ({now}) is outside the assertion's Conditions, or they are missing"
            ),
        ),
    });

    // Proof of possession: a valid HMAC over Body and Timestamp with the assertion's key.
    let via_assertion = format!("SAML assertion {assertion_id}");
    let proof = processed.signatures.iter().find(|s| {
        s.key
            .as_ref()
            .is_some_and(|k| k.description.starts_with(&via_assertion))
    });
    checks.push(match proof {
        Some(s) if s.valid && s.references.len() >= 2 => Check::pass(
            "proof of possession",
            format!(
                "the HMAC over {} verifies with the assertion's holder-of-key key: the sender holds K",
                s.references
                    .iter()
                    .filter_map(|r| r.uri.as_deref())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        Some(s) => Check::fail(
            "proof of possession",
            format!(
                "the signature with the assertion's key does not verify: {}",
                s.error.as_deref().unwrap_or("invalid")
            ),
        ),
        None => Check::fail(
            "proof of possession",
            "no signature was made with the assertion's key",
        ),
    });
    checks
}

// ---------------------------------------------------------------------------------------------
// (b) computed-key: both entropies, WS-SecureConversation bootstrap.

fn computed_key(seed: u64, tamper: Option<Tamper>) -> Result<Scene, PatternError> {
    let mut scene = Scene::new(
        seed,
        vec![
            party("alice", "requestor"),
            party("bob", "target service and its own token service"),
        ],
    );
    scene.trust("bob", "alice");
    scene.trust("alice", "bob");

    // 1. The request, with Alice's entropy.
    let context = scene.uuid();
    let entropy = scene.random(32);
    scene.ledger.add(
        "alice-entropy",
        entropy.clone(),
        "requestor entropy (Nonce)",
        Provenance::Generated { by: "alice".into() },
        "alice",
    );
    // Alice remembers her entropy: she needs it to compute the key from Bob's answer.
    scene
        .store_mut("alice")
        .requestor_entropy
        .push(EntropyEntry {
            context: Some(context.clone()),
            bytes: entropy.clone(),
            key_size: Some(KEY_BITS),
            message: 0,
            location: "msg 1 RST Entropy (alice's own)".into(),
        });
    let body_id = scene.next_id("Body");
    let rst = format!(
        "<wst:RequestSecurityToken Context=\"{context}\"><wst:TokenType>{SCT_200512}</wst:TokenType>\
         <wst:RequestType>{ISSUE}</wst:RequestType>{}<wst:KeyType>{SYMMETRIC_KEY}</wst:KeyType>\
         <wst:KeySize>{KEY_BITS}</wst:KeySize><wst:Entropy><wst:BinarySecret Type=\"{NONCE}\">{}</wst:BinarySecret></wst:Entropy>\
         <wst:ComputedKeyAlgorithm>{CK_PSHA1}</wst:ComputedKeyAlgorithm></wst:RequestSecurityToken>",
        applies_to(BOB_ENDPOINT),
        base64::encode(entropy.expose())
    );
    let mut draft = Draft::envelope(BOB_ENDPOINT, ACTION_RST_SCT, &body_id, &rst);
    let span = span_of(&draft, "RequestSecurityToken")?;
    scene.step(
        "alice",
        "Ask Bob's token service for a security context, with her entropy",
        "Here the token service is Bob's own: WS-SecureConversation bootstraps a security context by sending an \
         RST for a SecurityContextToken to the service itself, so Bob plays both the STS and the target service. \
         Alice draws 32 random bytes as her entropy (a BinarySecret of type Nonce) and asks for a 256-bit key to \
         be computed with P_SHA-1 (ComputedKeyAlgorithm CK/PSHA1). Neither side will choose the key alone: it \
         will depend on both sides' randomness.",
        SpecRef::new(
            SC_SPEC,
            "3.2 Establishing a security context by a security token service; WS-Trust 1.4 4.1, Appendix I",
        ),
        shown("alice", "bob", &draft, span),
    );

    // 2. Encrypt for Bob, sign.
    encrypt_body_for(
        &mut scene,
        &mut draft,
        "alice",
        "bob",
        &body_id,
        "rst-body-key",
    )?;
    scene.sign_body_and_timestamp(&mut draft, "alice", &body_id, "s:Body (the encrypted RST)")?;
    let changed = draft.take_changed();
    scene.step(
        "alice",
        "Encrypt her entropy for Bob and sign the request",
        "Her entropy is half of the future key's secret, so it must stay confidential: Alice encrypts the Body \
         with a fresh AES-256 key wrapped for Bob (RSA-OAEP). She adds a Timestamp and her certificate and signs \
         Body and Timestamp with RSA-SHA256, so Bob knows the entropy, and so the context, come from her and are \
         fresh.",
        SpecRef::new(WSS_SPEC, "8 Signatures; 9 Encryption; WS-Trust 1.4 3.3 Binary secrets"),
        shown("alice", "bob", &draft, changed),
    );

    // 3. Bob receives.
    scene.advance(1);
    let processed = scene.deliver("alice", "bob", draft.text(), tamper)?;
    scene.check(identity_check(
        "requestor identity",
        &processed,
        &scene,
        "alice",
    ));
    let request = read_trust_body(&processed.document).filter(|r| r.request);
    let remembered = scene
        .store_mut("bob")
        .entropy_for(Some(&context))
        .map(|e| e.bytes.clone());
    let entropy_ok = match (&request, &remembered) {
        (Some(r), Some(e)) => {
            r.computed_key
                && r.token_type.as_deref() == Some(SCT_200512)
                && r.entropy.as_deref() == Some(e.expose())
        }
        _ => false,
    };
    scene.check(if entropy_ok {
        Check::pass(
            "requestor entropy",
            "Bob decrypted the RST and holds Alice's 256-bit entropy and her ComputedKey request",
        )
    } else {
        Check::fail(
            "requestor entropy",
            "Bob found no readable RST with entropy and a ComputedKeyAlgorithm in the Body",
        )
    });
    if entropy_ok {
        scene.ledger.learns("bob", "alice-entropy");
    }
    let accepted = scene.pending_checks_pass();
    scene.step(
        "bob",
        if accepted {
            "Verify the request and read Alice's entropy"
        } else {
            "Reject the request"
        },
        if accepted {
            "Bob (as token service) unwraps the body key with his private key, verifies Alice's signature with the \
             certificate he trusts, checks the Timestamp, decrypts the Body and keeps Alice's entropy for the \
             computation. Nobody else has seen it."
        } else {
            "Bob's checks fail, so he issues no context: nothing is computed."
        },
        SpecRef::new(SC_SPEC, "3.2 Establishing a security context; WS-Security 1.1 8, 9"),
        scene.last_envelope(),
    );
    if !accepted {
        return Ok(scene);
    }
    let requestor_entropy = remembered.ok_or_else(|| internal("no entropy"))?;

    // 4. Bob's entropy, the computed key, the SCT.
    scene.advance(1);
    let issuer_entropy = scene.random(32);
    scene.ledger.add(
        "bob-entropy",
        issuer_entropy.clone(),
        "issuer entropy (Nonce)",
        Provenance::Generated { by: "bob".into() },
        "bob",
    );
    let key = psha1::computed_key(
        requestor_entropy.expose(),
        issuer_entropy.expose(),
        KEY_BITS,
    )
    .map_err(internal)?;
    let provenance = Provenance::Computed {
        requestor_entropy: "alice-entropy (msg 1 RST Entropy)".into(),
        issuer_entropy: "bob-entropy (msg 2 RSTR Entropy)".into(),
        key_size_bits: KEY_BITS,
    };
    scene.ledger.add(
        CONTEXT_KEY,
        key.clone(),
        "security context key",
        provenance.clone(),
        "bob",
    );
    let identifier = scene.uuid();
    let sct_id = scene.next_id("SCT");
    let message = scene.messages.len();
    let record = KeyRecord {
        name: CONTEXT_KEY.into(),
        bytes: key.clone(),
        provenance,
        usage: vec![],
        message,
        line: None,
    };
    let key_id = scene.store_mut("bob").keyring.add(record);
    scene.store_mut("bob").register_sct(SctEntry {
        wsu_id: Some(sct_id.clone()),
        identifier: Some(identifier.clone()),
        key: Some(key_id),
        message,
    });
    let created = scene.now();
    let expires = at(created.unix_seconds + TOKEN_LIFETIME);
    let body_id = scene.next_id("Body");
    let rstr = format!(
        "<wst:RequestSecurityTokenResponseCollection><wst:RequestSecurityTokenResponse Context=\"{context}\">\
         <wst:TokenType>{SCT_200512}</wst:TokenType>\
         <wst:RequestedSecurityToken><wsc:SecurityContextToken wsu:Id=\"{sct_id}\"><wsc:Identifier>{identifier}</wsc:Identifier></wsc:SecurityContextToken></wst:RequestedSecurityToken>\
         <wst:RequestedAttachedReference>{}</wst:RequestedAttachedReference>\
         <wst:RequestedUnattachedReference>{}</wst:RequestedUnattachedReference>\
         <wst:RequestedProofToken><wst:ComputedKey>{CK_PSHA1}</wst:ComputedKey></wst:RequestedProofToken>\
         <wst:Entropy><wst:BinarySecret Type=\"{NONCE}\">{}</wst:BinarySecret></wst:Entropy>\
         <wst:Lifetime><wsu:Created>{created}</wsu:Created><wsu:Expires>{expires}</wsu:Expires></wst:Lifetime>\
         <wst:KeySize>{KEY_BITS}</wst:KeySize></wst:RequestSecurityTokenResponse></wst:RequestSecurityTokenResponseCollection>",
        str_reference(&format!("#{sct_id}"), Some(SCT_200512)),
        str_reference(&identifier, Some(SCT_200512)),
        base64::encode(issuer_entropy.expose()),
    );
    let mut draft = Draft::envelope(ALICE_ENDPOINT, ACTION_RSTR_SCT, &body_id, &rstr);
    let span = span_of(&draft, "RequestSecurityTokenResponse")?;
    scene.step(
        "bob",
        "Compute the context key and answer with his own entropy",
        "Bob draws his own 32 bytes of entropy and computes the key: P_SHA-1 with Alice's entropy as the secret \
         and his as the seed, the first 256 bits (KeySize). He names the new security context with a \
         SecurityContextToken and remembers its key. His RSTR carries the token, a RequestedProofToken that is \
         not a key but an instruction (ComputedKey CK/PSHA1: compute it yourself), his entropy, the KeySize and \
         the Lifetime. The key itself never travels; whoever lacks either entropy cannot compute it.",
        SpecRef::new(
            WST_SPEC,
            "4.4.4 Returning computed keys; 4.4.3 Requested proof token; WS-SecureConversation 1.4 3 Security Context Token",
        ),
        shown("bob", "alice", &draft, span),
    );

    // 5. Encrypt for Alice, sign.
    encrypt_body_for(
        &mut scene,
        &mut draft,
        "bob",
        "alice",
        &body_id,
        "rstr-body-key",
    )?;
    scene.sign_body_and_timestamp(&mut draft, "bob", &body_id, "s:Body (the encrypted RSTR)")?;
    let changed = draft.take_changed();
    scene.step(
        "bob",
        "Encrypt the response for Alice and sign it",
        "Bob encrypts the Body for Alice (AES-256-CBC, key wrapped with RSA-OAEP to her certificate), so his \
         entropy stays between the two of them, and signs Body and Timestamp with his certificate: Alice will \
         know the context and the entropy come from Bob.",
        SpecRef::new(WSS_SPEC, "8 Signatures; 9 Encryption"),
        shown("bob", "alice", &draft, changed),
    );

    // 6. Alice receives and computes the same key.
    scene.advance(1);
    let processed = scene.deliver("bob", "alice", draft.text(), None)?;
    scene.check(identity_check("issuer identity", &processed, &scene, "bob"));
    let computed = scene.ledger.knows("alice", CONTEXT_KEY);
    if computed {
        scene.ledger.learns("alice", "bob-entropy");
    }
    scene.check(if computed {
        Check::pass(
            "computed key",
            "Alice computed P_SHA-1(her entropy, Bob's entropy): the same 256-bit key as Bob",
        )
    } else {
        Check::fail("computed key", "Alice could not compute the context key")
    });
    let accepted = scene.pending_checks_pass();
    scene.step(
        "alice",
        if accepted {
            "Verify the response and compute the same key"
        } else {
            "Reject the response"
        },
        "Alice verifies Bob's signature, decrypts the Body and finds the ComputedKey instruction. Her processor \
         takes her own entropy from the request she remembers and Bob's from the RSTR and computes \
         P_SHA-1(requestor entropy, issuer entropy)[0..32]. She registers the security context under its \
         Identifier. Both now hold the key; it never crossed the wire, even encrypted.",
        SpecRef::new(WST_SPEC, "4.4.4 Returning computed keys"),
        scene.last_envelope(),
    );
    if !accepted {
        return Err(internal("the untampered RSTR was rejected"));
    }

    // 7-9. A request secured with keys derived from the context.
    secure_with_context(&mut scene, &identifier, &sct_id)?;
    Ok(scene)
}

/// Alice's request secured with two DerivedKeyTokens on the context (HMAC-SHA256 signature,
/// AES-256-CBC Body), and Bob's step.
fn secure_with_context(
    scene: &mut Scene,
    identifier: &str,
    sct_id: &str,
) -> Result<(), PatternError> {
    let (from, to) = ("alice", "bob");
    let (sign_name, enc_name) = ("dk-sign", "dk-enc");
    let sign = scene.derive_key(from, CONTEXT_KEY, sign_name, 32, "HMAC-SHA256")?;
    let enc = scene.derive_key(from, CONTEXT_KEY, enc_name, 32, "AES-256-CBC")?;
    let (dk_sign, sign_nonce, dk_enc, enc_nonce) = (sign.key, sign.nonce, enc.key, enc.nonce);

    scene.advance(1);
    let body_id = scene.next_id("Body");
    let mut draft = Draft::envelope(BOB_ENDPOINT, ACTION_QUOTE, &body_id, QUOTE);
    let (ts_id, ts) = scene.timestamp_xml(300);
    draft.prepend_security(&ts)?;
    let sct_ref = str_reference(identifier, Some(SCT_200512));
    let (dks_id, dke_id) = (scene.next_id("DK"), scene.next_id("DK"));
    draft.prepend_security(&derived_key_token_xml(
        &dke_id,
        &sct_ref,
        32,
        enc_nonce.expose(),
    ))?;
    draft.prepend_security(&derived_key_token_xml(
        &dks_id,
        &sct_ref,
        32,
        sign_nonce.expose(),
    ))?;
    draft.prepend_security(&format!(
        "<wsc:SecurityContextToken wsu:Id=\"{sct_id}-1\"><wsc:Identifier>{identifier}</wsc:Identifier></wsc:SecurityContextToken>"
    ))?;
    let changed = draft.take_changed();
    scene.step(
        from,
        "Derive a signing key and an encryption key from the context",
        "Alice does not use the computed key directly. Two DerivedKeyTokens name the context by its Identifier \
         and carry fresh nonces; P_SHA-1(context key, label || nonce) gives a 256-bit signing key and a 256-bit \
         encryption key. Bob can derive the same keys from the tokens; an eavesdropper sees the nonces but not \
         the context key, so learns nothing. One key per purpose limits what a single broken key exposes.",
        SpecRef::new(SC_SPEC, "7 Deriving Keys"),
        shown(from, to, &draft, changed),
    );

    let sig_id = scene.next_id("SIG");
    draft.sign(
        &sig_id,
        SignatureAlgorithm::Hmac(DigestAlgorithm::Sha256),
        SigningKey::Hmac(dk_sign.expose()),
        &[&format!("#{body_id}"), &format!("#{ts_id}")],
        &str_reference(&format!("#{dks_id}"), Some(DK_200512)),
    )?;
    let data_id = scene.next_id("ED");
    draft.encrypt_content(
        &body_id,
        &data_id,
        BlockCipherAlgorithm::Aes256Cbc,
        dk_enc.expose(),
        &str_reference(&format!("#{dke_id}"), Some(DK_200512)),
        scene.rng(),
    )?;
    draft.prepend_security(&reference_list_xml(&[&data_id]))?;
    let changed = draft.take_changed();
    scene.layers.push(Layer::Signature(SignatureLayer {
        id: sig_id,
        method: "hmac-sha256".into(),
        key: sign_name.into(),
        span: None,
        canonical_signed_info: None,
        key_choice: None,
        references: vec![
            ReferenceStatus::created(&format!("#{body_id}"), "s:Body"),
            ReferenceStatus::created(&format!("#{ts_id}"), "wsu:Timestamp"),
        ],
        status: LayerStatus::Created,
    }));
    scene.layers.push(Layer::Encryption(EncryptionLayer {
        encrypted_key: None,
        encrypted_data: vec![data_id],
        algorithm: "aes256-cbc".into(),
        key_transport: None,
        key: enc_name.into(),
        target: "s:Body content".into(),
        spans: Vec::new(),
        status: LayerStatus::Created,
    }));
    scene.step(
        from,
        "Sign with dk-sign, then encrypt the Body with dk-enc",
        "Alice signs Body and Timestamp with HMAC-SHA256 under the derived signing key, then encrypts the Body's \
         content with AES-256-CBC under the derived encryption key and lists it in a ReferenceList. Only a holder \
         of the context key, that is Alice or Bob, can read the Body or make this signature: the derived keys bind \
         the message to the context both computed.",
        SpecRef::new(WSS_SPEC, "8 Signatures; 9 Encryption; WS-SecureConversation 1.4 7"),
        shown(from, to, &draft, changed),
    );

    scene.advance(1);
    scene.deliver(from, to, draft.text(), None)?;
    let derived = scene.ledger.knows(to, sign_name) && scene.ledger.knows(to, enc_name);
    scene.check(if derived {
        Check::pass(
            "derived keys",
            "Bob derived dk-sign and dk-enc from the context key he computed",
        )
    } else {
        Check::fail("derived keys", "Bob could not derive the keys")
    });
    scene.check(confined_check(scene, CONTEXT_KEY, &["alice", "bob"]));
    scene.check(private_keys_check(scene));
    let accepted = scene.pending_checks_pass();
    scene.step(
        to,
        if accepted {
            "Derive the same keys, decrypt and verify"
        } else {
            "Reject the message"
        },
        "Bob finds the context by its Identifier (the key he computed in his token-service role), derives both \
         keys from the DerivedKeyTokens, decrypts the Body and verifies the HMAC over Body and Timestamp. A valid \
         HMAC under a key derived from the context proves the message comes from the only other party who could \
         compute it: Alice.",
        SpecRef::new(SC_SPEC, "7 Deriving Keys; WS-Trust 1.4 Appendix I"),
        scene.last_envelope(),
    );
    if !accepted {
        return Err(internal("the untampered request was rejected"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::KeyStore;
    use crate::exchange::Step;
    use crate::receive::resolver::NoAttachments;
    use crate::receive::store::TokenStore;
    use crate::receive::{ProcessOptions, process_message};

    const VARIANTS: [&str; 2] = ["encrypted-key", "computed-key"];

    fn all_checks(scene: &Scene) -> Vec<&Check> {
        scene
            .steps
            .iter()
            .flat_map(|s| s.snapshot.checks.iter())
            .collect()
    }

    fn failed(scene: &Scene) -> Vec<&Check> {
        all_checks(scene).into_iter().filter(|c| !c.ok).collect()
    }

    fn known_by(step: &Step, key: &str) -> Option<Vec<String>> {
        step.snapshot
            .ledger
            .get(key)
            .map(|k| k.known_by.iter().cloned().collect())
    }

    fn step<'s>(scene: &'s Scene, title: &str) -> &'s Step {
        scene
            .steps
            .iter()
            .find(|s| s.title == title)
            .unwrap_or_else(|| panic!("no step {title:?}"))
    }

    #[test]
    fn both_variants_end_with_every_check_passing() {
        for variant in VARIANTS {
            let scene = run(variant, 1, None).unwrap();
            assert!(
                failed(&scene).is_empty(),
                "{variant}: {:#?}",
                failed(&scene)
            );
            assert_eq!(scene.steps.len(), 9, "{variant}");
            let last = scene.steps.last().unwrap();
            assert_eq!(last.actor, "bob", "{variant}");
            // Every receiver step checked something, and every step points into a spec.
            for s in &scene.steps {
                assert!(!s.spec.document.is_empty() && !s.spec.section.is_empty());
                assert!(s.narrative.len() > 100, "{variant}: {}", s.title);
            }
            let names: Vec<&str> = last
                .snapshot
                .checks
                .iter()
                .map(|c| c.name.as_str())
                .collect();
            assert!(names.contains(&"private keys"), "{variant}: {names:?}");
            // Through the catalog too.
            let walk = super::super::walk("brokered", Some(variant), 1, None).unwrap();
            assert!(walk.all_checks_pass(), "{variant}");
        }
    }

    #[test]
    fn bob_checks_the_assertion_and_the_proof_of_possession() {
        let scene = run("encrypted-key", 1, None).unwrap();
        let last = scene.steps.last().unwrap();
        for name in [
            "assertion issued by a trusted STS",
            "audience is bob",
            "assertion validity",
            "proof of possession",
            "session-key confined",
            "private keys",
        ] {
            let check = last
                .snapshot
                .checks
                .iter()
                .find(|c| c.name == name)
                .unwrap_or_else(|| panic!("no check {name:?}: {:#?}", last.snapshot.checks));
            assert!(check.ok, "{check:?}");
        }
        // Both signatures bob verified: the STS's over the assertion, alice's HMAC.
        let signatures = last
            .snapshot
            .checks
            .iter()
            .filter(|c| c.name.starts_with("signature "))
            .count();
        assert_eq!(signatures, 2, "{:#?}", last.snapshot.checks);
    }

    #[test]
    fn encrypted_key_ledger_step_by_step() {
        let scene = run("encrypted-key", 1, None).unwrap();
        // Nobody has K before the STS makes it.
        for s in &scene.steps[..3] {
            assert!(known_by(s, SESSION_KEY).is_none(), "{}", s.title);
        }
        let issue = step(&scene, "Issue a holder-of-key SAML assertion for Bob");
        assert_eq!(known_by(issue, SESSION_KEY).unwrap(), ["sts"]);
        let k = issue.snapshot.ledger.get(SESSION_KEY).unwrap();
        assert_eq!(k.length_bits(), 256);
        assert_eq!(k.provenance.origin(), "generated");
        let signed = step(&scene, "Give Alice the same key, and sign the response");
        assert_eq!(known_by(signed, SESSION_KEY).unwrap(), ["sts"]);
        let unwrapped = step(&scene, "Verify the response and unwrap the proof key");
        assert_eq!(known_by(unwrapped, SESSION_KEY).unwrap(), ["alice", "sts"]);
        let presented = step(&scene, "Sign with K: proof of possession");
        assert_eq!(known_by(presented, SESSION_KEY).unwrap(), ["alice", "sts"]);
        let last = scene.steps.last().unwrap();
        assert_eq!(
            known_by(last, SESSION_KEY).unwrap(),
            ["alice", "bob", "sts"]
        );
        // The request's body key went to the STS only.
        assert_eq!(known_by(last, "rst-body-key").unwrap(), ["alice", "sts"]);
    }

    #[test]
    fn computed_key_ledger_step_by_step() {
        let scene = run("computed-key", 1, None).unwrap();
        for s in &scene.steps[..3] {
            assert!(known_by(s, CONTEXT_KEY).is_none(), "{}", s.title);
        }
        let received = step(&scene, "Verify the request and read Alice's entropy");
        assert_eq!(
            known_by(received, "alice-entropy").unwrap(),
            ["alice", "bob"]
        );
        let computed = step(
            &scene,
            "Compute the context key and answer with his own entropy",
        );
        assert_eq!(known_by(computed, CONTEXT_KEY).unwrap(), ["bob"]);
        assert_eq!(known_by(computed, "bob-entropy").unwrap(), ["bob"]);
        let alice = step(&scene, "Verify the response and compute the same key");
        assert_eq!(known_by(alice, CONTEXT_KEY).unwrap(), ["alice", "bob"]);
        let key = alice.snapshot.ledger.get(CONTEXT_KEY).unwrap();
        assert_eq!(key.provenance.origin(), "computed");
        assert!(
            matches!(
                &key.provenance,
                Provenance::Computed {
                    key_size_bits: 256,
                    ..
                }
            ),
            "{:?}",
            key.provenance
        );
        // The key is what P_SHA-1 of both entropies gives.
        let ledger = &alice.snapshot.ledger;
        let expected = psha1::computed_key(
            ledger.get("alice-entropy").unwrap().bytes.expose(),
            ledger.get("bob-entropy").unwrap().bytes.expose(),
            256,
        )
        .unwrap();
        assert_eq!(key.bytes.expose(), expected.expose());
        let last = scene.steps.last().unwrap();
        for name in [
            CONTEXT_KEY,
            "alice-entropy",
            "bob-entropy",
            "dk-sign",
            "dk-enc",
        ] {
            assert_eq!(known_by(last, name).unwrap(), ["alice", "bob"], "{name}");
        }
    }

    #[test]
    fn nobody_holds_another_partys_private_key() {
        for variant in VARIANTS {
            let mut scene = run(variant, 1, None).unwrap();
            for owner in scene.parties.clone() {
                let public = certificate(&owner).public_key().unwrap();
                let der = private_key(&owner).pkey().private_key_to_der().unwrap();
                for holder in &scene.parties {
                    let store = scene.key_store(&holder.name).unwrap();
                    let holds = store
                        .private_keys()
                        .iter()
                        .any(|e| e.key.matches_public(&public));
                    assert_eq!(
                        holds,
                        holder.name == owner.name,
                        "{variant}: {} and {}'s private key",
                        holder.name,
                        owner.name
                    );
                }
                assert!(
                    scene
                        .ledger
                        .keys()
                        .iter()
                        .all(|k| k.bytes.expose() != der.as_slice()),
                    "{variant}: {}'s private key is in the ledger",
                    owner.name
                );
            }
            if variant == "encrypted-key" {
                // Bob never even saw Alice's certificate: not given, not in any message.
                let alice = certificate(scene.party("alice")).to_der().unwrap();
                let given = scene.key_store("bob").unwrap();
                assert!(
                    given
                        .certificates()
                        .iter()
                        .all(|c| c.to_der().unwrap() != alice)
                );
                assert!(
                    scene.store_mut("bob").certificates.iter().all(|c| c
                        .certificate
                        .to_der()
                        .unwrap()
                        != alice)
                );
            }
        }
    }

    #[test]
    fn the_private_keys_check_catches_a_leak() {
        let mut scene = run("encrypted-key", 1, None).unwrap();
        assert!(private_keys_check(&scene).ok);
        let der = private_key(scene.party("alice"))
            .pkey()
            .private_key_to_der()
            .unwrap();
        scene.ledger.add(
            "leaked",
            SecretBytes::new(der),
            "RSA private key",
            Provenance::Supplied {
                label: "a mistake".into(),
            },
            "bob",
        );
        let check = private_keys_check(&scene);
        assert!(!check.ok);
        assert!(check.reason.contains("alice's private key"), "{check:?}");
    }

    /// The reason each common tamper must be caught for.
    fn caught_for(tamper: Tamper, failed: &[&Check]) -> bool {
        match tamper {
            Tamper::ChangeBody => failed.iter().any(|c| c.reason.contains("digest mismatch")),
            Tamper::SwapKey => failed.iter().any(|c| c.name.starts_with("decrypt")),
            Tamper::Replay => failed.iter().any(|c| c.name == "timestamp-expired"),
            Tamper::WrapBody => failed.iter().any(|c| c.name == "signature-wrapping"),
            Tamper::ExceedRights => unreachable!(),
        }
    }

    #[test]
    fn every_common_tamper_is_caught_by_the_first_receiver() {
        for variant in VARIANTS {
            for tamper in super::super::COMMON_TAMPERS {
                let scene = run(variant, 1, Some(*tamper)).unwrap();
                let what = format!("{variant} {}", tamper.name());
                let failed = failed(&scene);
                assert!(!failed.is_empty(), "{what}: nothing failed");
                assert!(caught_for(*tamper, &failed), "{what}: {failed:#?}");
                // The attacker's step, then the receiver's rejection, and nothing after it.
                let n = scene.steps.len();
                assert_eq!(n, 4, "{what}");
                assert_eq!(scene.steps[n - 2].actor, "mallory", "{what}");
                let last = &scene.steps[n - 1];
                let receiver = if variant == "encrypted-key" {
                    "sts"
                } else {
                    "bob"
                };
                assert_eq!(last.actor, receiver, "{what}");
                assert!(last.title.starts_with("Reject"), "{what}: {}", last.title);
                assert_eq!(scene.messages.len(), 1, "{what}");
                // No key was issued or computed.
                assert!(scene.ledger.get(SESSION_KEY).is_none(), "{what}");
                assert!(scene.ledger.get(CONTEXT_KEY).is_none(), "{what}");
                // Through the catalog, the run reports failure.
                let walk =
                    super::super::walk("brokered", Some(variant), 1, Some(tamper.name())).unwrap();
                assert!(!walk.all_checks_pass(), "{what}");
            }
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_messages() {
        for variant in VARIANTS {
            let texts = |seed| -> Vec<String> {
                run(variant, seed, None)
                    .unwrap()
                    .messages
                    .into_iter()
                    .map(|m| m.text)
                    .collect()
            };
            let (a, b, c) = (texts(7), texts(7), texts(8));
            assert_eq!(a.len(), 3, "{variant}");
            assert_eq!(a, b, "{variant}");
            assert_ne!(a, c, "{variant}");
        }
    }

    #[test]
    fn the_assertion_travels_byte_for_byte() {
        let scene = run("encrypted-key", 1, None).unwrap();
        let assertion = |text: &str| {
            let doc = Document::parse_str(text, "t").unwrap();
            doc.descendants()
                .find(|n| n.has_name(ns::SAML2, "Assertion"))
                .map(|n| n.source_text().to_string())
                .unwrap()
        };
        let issued = assertion(&scene.messages[1].text);
        let presented = assertion(&scene.messages[2].text);
        assert_eq!(issued, presented);
        // Enveloped, holder-of-key, for bob, with K encrypted for him.
        let doc = Document::parse_str(&issued, "assertion").unwrap();
        let read = SamlAssertion::read(doc.root_element());
        assert!(read.problems.is_empty(), "{:?}", read.problems);
        assert!(read.is_holder_of_key());
        assert_eq!(read.issuer.as_deref(), Some(STS_ENDPOINT));
        assert!(read.signature.is_some());
        assert!(issued.contains(&format!("<saml2:Audience>{BOB_ENDPOINT}</saml2:Audience>")));
        // The signature's first transform is enveloped-signature.
        assert!(issued.contains("xmldsig#enveloped-signature"));
    }

    /// Bob processing `text` with his own keys (his pair, the STS certificate).
    fn bob_processes(scene: &Scene, text: &str) -> ProcessedMessage {
        let keys: &KeyStore = scene.key_store("bob").unwrap();
        process_message(
            Document::parse_str(text, "to bob").unwrap(),
            0,
            keys,
            &mut TokenStore::default(),
            &ProcessOptions {
                now: Some(scene.now()),
                ..ProcessOptions::default()
            },
            &NoAttachments,
        )
    }

    #[test]
    fn changing_the_assertion_breaks_the_sts_signature() {
        let scene = run("encrypted-key", 1, None).unwrap();
        let text = &scene.messages[2].text;
        let id = {
            let doc = Document::parse_str(text, "t").unwrap();
            doc.descendants()
                .find(|n| n.has_name(ns::SAML2, "Assertion"))
                .and_then(|n| n.attribute("ID").map(str::to_string))
                .unwrap()
        };
        let now = scene.now();
        let good = bob_processes(&scene, text);
        assert!(
            assertion_checks(&scene, &good, &id, now)
                .iter()
                .all(|c| c.ok),
            "{:#?}",
            assertion_checks(&scene, &good, &id, now)
        );
        // Mallory widens the audience to herself.
        let forged = text.replace(
            &format!("<saml2:Audience>{BOB_ENDPOINT}</saml2:Audience>"),
            "<saml2:Audience>urn:wskex:mallory</saml2:Audience>",
        );
        assert_ne!(&forged, text);
        let checks = assertion_checks(&scene, &bob_processes(&scene, &forged), &id, now);
        let by_name = |name: &str| checks.iter().find(|c| c.name == name).unwrap();
        assert!(!by_name("assertion issued by a trusted STS").ok);
        assert!(
            by_name("assertion issued by a trusted STS")
                .reason
                .contains("digest mismatch"),
            "{checks:#?}"
        );
        assert!(!by_name("audience is bob").ok);
        // Long after NotOnOrAfter, the assertion is out of date.
        let late = at(now.unix_seconds + 2 * TOKEN_LIFETIME);
        let checks = assertion_checks(&scene, &good, &id, late);
        assert!(
            !checks
                .iter()
                .find(|c| c.name == "assertion validity")
                .unwrap()
                .ok
        );
    }

    #[test]
    fn without_the_sts_certificate_bob_cannot_trust_the_assertion() {
        let scene = run_with(
            "encrypted-key",
            1,
            None,
            Setup {
                bob_trusts_sts: false,
            },
        )
        .unwrap();
        let last = scene.steps.last().unwrap();
        assert_eq!(last.title, "Reject the request");
        let check = |name: &str| {
            last.snapshot
                .checks
                .iter()
                .find(|c| c.name == name)
                .unwrap()
                .clone()
        };
        // The signature is sound, but made with a key only the assertion itself vouches for.
        let issued = check("assertion issued by a trusted STS");
        assert!(!issued.ok);
        assert!(issued.reason.contains("does not trust"), "{issued:?}");
        // Alice still holds K: possession alone is not enough without a trusted issuer.
        assert!(check("proof of possession").ok);
    }

    #[test]
    fn an_unknown_variant_is_an_error() {
        assert!(run("shared-secret", 1, None).is_err());
    }
}
