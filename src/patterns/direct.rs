//! Direct key transfer (WS-Trust 1.4, Appendix I): the initiator makes the security context
//! and its secret itself and transfers the secret to the recipient in a signed, unsolicited
//! RSTR; both then secure messages with keys derived from the context.

use crate::crypto::signature::SigningKey;
use crate::crypto::{
    BlockCipherAlgorithm, DigestAlgorithm, KeyTransportAlgorithm, SecretBytes, SignatureAlgorithm,
};
use crate::exchange::{
    Check, EncryptionLayer, Layer, LayerStatus, ReferenceStatus, SignatureLayer, SpecRef,
};
use crate::receive::keys::{KeyRecord, Provenance};
use crate::receive::store::SctEntry;

use super::derived_keys::{DerivedKeyUse, sign_then_encrypt};
use super::draft::{
    Draft, SCT_200512, bst_xml, derived_key_token_xml, encrypted_key_for, str_reference,
};
use super::parties::{certificate, party, private_key};
use super::scene::Scene;
use super::{PatternError, Tamper};

const WST_SPEC: &str = "WS-Trust 1.4";
const SC_TOKEN_TYPE: &str = SCT_200512;

pub fn run(seed: u64, tamper: Option<Tamper>) -> Result<Scene, PatternError> {
    let mut scene = Scene::new(
        seed,
        vec![party("alice", "initiator"), party("bob", "recipient")],
    );
    scene.trust("bob", "alice");
    scene.trust("alice", "bob");
    let (context, mut draft) = create_context(&mut scene)?;
    wrap_secret(&mut scene, &mut draft, &context.secret)?;
    sign_rstr(&mut scene, &mut draft, &context.body_id)?;
    if !bob_unwraps(&mut scene, &draft, tamper)? {
        return Ok(scene);
    }
    let (identifier, sct_id) = (context.identifier, context.sct_id);

    // 5. A request secured with keys derived from the context.
    secure_with_context(
        &mut scene,
        "alice",
        "bob",
        &identifier,
        &sct_id,
        1,
        "<ex:Quote xmlns:ex=\"urn:wskex:example\"><ex:Item>2 widgets</ex:Item></ex:Quote>",
    )?;
    // 6. The reply, with fresh derived keys.
    secure_with_context(
        &mut scene,
        "bob",
        "alice",
        &identifier,
        &sct_id,
        2,
        "<ex:QuoteResponse xmlns:ex=\"urn:wskex:example\"><ex:Price currency=\"EUR\">19.90</ex:Price></ex:QuoteResponse>",
    )?;
    Ok(scene)
}

/// The security context Alice creates: its Identifier, its token's wsu:Id, its secret, and the
/// Body id of the RSTR that announces it.
struct Context {
    identifier: String,
    sct_id: String,
    secret: SecretBytes,
    body_id: String,
}

/// Step 1: Alice's context and secret, and the RSTR that announces it.
fn create_context(scene: &mut Scene) -> Result<(Context, Draft), PatternError> {
    // 1. The context and its secret.
    let identifier = scene.uuid();
    let sct_id = scene.next_id("SCT");
    let secret = scene.random(32);
    scene.ledger.add(
        "context-key",
        secret.clone(),
        "security context secret",
        Provenance::Generated { by: "alice".into() },
        "alice",
    );
    scene.ledger.set_token("context-key", &identifier);
    // Alice remembers her own context, so she can read bob's replies.
    let record = KeyRecord {
        name: "context-key".into(),
        token: Some(identifier.clone()),
        bytes: secret.clone(),
        provenance: Provenance::Generated { by: "alice".into() },
        usage: vec![],
        message: 0,
        line: None,
    };
    let key = scene.store_mut("alice").keyring.add(record);
    scene.store_mut("alice").register_sct(SctEntry {
        wsu_id: Some(sct_id.clone()),
        identifier: Some(identifier.clone()),
        key: Some(key),
        message: 0,
    });
    let created = scene.now();
    let expires = crate::wss::datetime::UtcDateTime {
        unix_seconds: created.unix_seconds + 3600,
        nanos: 0,
    };
    let body_id = scene.next_id("Body");
    let rstr = format!(
        "<wst:RequestSecurityTokenResponse Context=\"{ctx}\"><wst:TokenType>{SC_TOKEN_TYPE}</wst:TokenType>\
         <wst:RequestedSecurityToken><wsc:SecurityContextToken wsu:Id=\"{sct_id}\"><wsc:Identifier>{identifier}</wsc:Identifier></wsc:SecurityContextToken></wst:RequestedSecurityToken>\
         <wst:Lifetime><wsu:Created>{created}</wsu:Created><wsu:Expires>{expires}</wsu:Expires></wst:Lifetime></wst:RequestSecurityTokenResponse>",
        ctx = scene.uuid()
    );
    let draft = Draft::envelope(
        "urn:wskex:bob",
        "http://docs.oasis-open.org/ws-sx/ws-trust/200512/RSTR/Issue",
        &body_id,
        &rstr,
    );
    let span: Vec<crate::xml::Span> = draft
        .document()?
        .descendants()
        .find(|n| n.local_name() == "RequestSecurityTokenResponse")
        .map(|n| n.span())
        .into_iter()
        .collect();
    scene.step(
        "alice",
        "Create a security context and its secret",
        "Alice, the initiator, decides the key herself: she draws a 256-bit secret and names the context it belongs to \
         with a SecurityContextToken (an Identifier both sides will use). She starts an unsolicited \
         RequestSecurityTokenResponse that announces the token and its lifetime to Bob. Nobody else knows the secret yet.",
        SpecRef::new("WS-SecureConversation 1.4", "3 Security Context Token; WS-Trust 1.4 Appendix I (direct key transfer)"),
        draft.showing("alice", "bob", span),
    );

    let context = Context {
        identifier,
        sct_id,
        secret,
        body_id,
    };
    Ok((context, draft))
}

/// Step 2: the secret wrapped for Bob as the proof token.
fn wrap_secret(
    scene: &mut Scene,
    draft: &mut Draft,
    secret: &SecretBytes,
) -> Result<(), PatternError> {
    // 2. Wrap the secret for bob as the proof token.
    let ek_id = scene.next_id("EK");
    let bob_cert = certificate(scene.party("bob")).clone();
    let ek = encrypted_key_for(secret.expose(), &bob_cert, &ek_id, &[], scene.rng())?;
    draft.insert_proof_token(&ek.xml)?;
    let changed = draft.take_changed();
    scene.layers.push(Layer::Encryption(EncryptionLayer {
        encrypted_key: Some(ek_id.clone()),
        encrypted_data: vec![],
        algorithm: KeyTransportAlgorithm::RsaOaepMgf1p.name().into(),
        key_transport: Some("RSA-OAEP to bob's certificate (by thumbprint)".into()),
        key: "context-key".into(),
        target: "RequestedProofToken".into(),
        spans: Vec::new(),
        status: LayerStatus::Created,
    }));
    scene.step(
        "alice",
        "Wrap the secret for Bob",
        "Alice encrypts the secret with Bob's public key (RSA-OAEP) in an EncryptedKey that names his certificate by \
         its thumbprint, and puts it in the RSTR as the RequestedProofToken. Only Bob's private key opens it: the \
         secret is confidential to Bob even though the message travels in the clear.",
        SpecRef::new(WST_SPEC, "4.4.3 Requested proof token; XML Encryption 3.5.1 EncryptedKey"),
        draft.showing("alice", "bob", changed),
    );
    Ok(())
}

/// Step 3: Timestamp, certificate, signature over Body and Timestamp.
fn sign_rstr(scene: &mut Scene, draft: &mut Draft, body_id: &str) -> Result<(), PatternError> {
    // 3. Timestamp, certificate, signature over Body and Timestamp.
    let (ts_id, ts) = scene.timestamp_xml(300);
    let bst_id = scene.next_id("X509");
    draft.prepend_security(&ts)?;
    draft.prepend_security(&bst_xml(&bst_id, certificate(scene.party("alice")))?)?;
    let sig_id = scene.next_id("SIG");
    let alice_key = private_key(scene.party("alice")).pkey().to_owned();
    draft.sign(
        &sig_id,
        SignatureAlgorithm::Rsa(DigestAlgorithm::Sha256),
        SigningKey::Rsa(&alice_key),
        &[&format!("#{body_id}"), &format!("#{ts_id}")],
        &str_reference(&format!("#{bst_id}"), Some(crate::wss::uris::X509V3)),
    )?;
    scene.layers.push(Layer::Signature(SignatureLayer {
        id: sig_id.clone(),
        method: SignatureAlgorithm::Rsa(DigestAlgorithm::Sha256)
            .name()
            .into(),
        key: "alice's certificate".into(),
        span: None,
        canonical_signed_info: None,
        key_choice: None,
        references: vec![
            ReferenceStatus::created(&format!("#{body_id}"), "s:Body (the RSTR)"),
            ReferenceStatus::created(&format!("#{ts_id}"), "wsu:Timestamp"),
        ],
        status: LayerStatus::Created,
    }));
    let changed = draft.take_changed();
    scene.step(
        "alice",
        "Sign the RSTR with her certificate",
        "Alice adds a Timestamp (freshness), her certificate as a BinarySecurityToken, and an RSA-SHA256 signature \
         over the Body and the Timestamp. The signature binds the proof token to Alice: Bob can tell the secret came \
         from her, and that nobody changed or replayed the message.",
        SpecRef::new("WS-Security 1.1", "8 Signatures; 10 Security Timestamps"),
        draft.showing("alice", "bob", changed),
    );
    Ok(())
}

/// Step 4: Bob verifies the RSTR and unwraps the secret; false when he refuses it.
fn bob_unwraps(
    scene: &mut Scene,
    draft: &Draft,
    tamper: Option<Tamper>,
) -> Result<bool, PatternError> {
    // 4. Bob receives.
    scene.advance(1);
    let processed = scene.deliver("alice", "bob", draft.text(), tamper)?;
    let unwrapped = scene.ledger.knows("bob", "context-key");
    scene.check(if unwrapped {
        Check::pass(
            "context secret",
            "Bob unwrapped the proof token: he now holds the context secret",
        )
    } else {
        Check::fail(
            "context secret",
            "Bob could not establish the context secret",
        )
    });
    let identity = processed
        .signatures
        .iter()
        .any(|s| s.valid && s.key.as_ref().is_some_and(|k| k.proves_identity));
    scene.check(if identity {
        Check::pass(
            "sender identity",
            "the signing certificate is Alice's, which Bob trusts",
        )
    } else {
        Check::fail(
            "sender identity",
            "no valid signature by a certificate Bob trusts",
        )
    });
    let accepted = scene.pending_checks_pass();
    let title = if accepted {
        "Verify the RSTR and unwrap the secret"
    } else {
        "Reject the RSTR"
    };
    scene.step(
        "bob",
        title,
        if accepted {
            "Bob's WS-Security processor checks the Timestamp, verifies Alice's signature with the certificate he trusts, \
             and unwraps the proof token with his private key. He registers the security context under its Identifier: \
             from now on both sides hold the same secret, and nobody else does."
        } else {
            "Bob's checks fail, so he refuses the token: no context is established."
        },
        SpecRef::new(WST_SPEC, "Appendix I (direct key transfer): the recipient's checks"),
        scene.last_envelope(),
    );
    Ok(accepted)
}

/// One message secured with two DerivedKeyTokens from the context: one signs (HMAC-SHA256),
/// one encrypts the Body (AES-128-CBC); then the receiver's step.
fn secure_with_context(
    scene: &mut Scene,
    from: &str,
    to: &str,
    identifier: &str,
    sct_id: &str,
    round: usize,
    body: &str,
) -> Result<(), PatternError> {
    let (sign_name, enc_name) = (format!("dk-sign-{round}"), format!("dk-enc-{round}"));
    let sign = scene.derive_key(from, "context-key", &sign_name, 32, "HMAC-SHA256")?;
    let enc = scene.derive_key(from, "context-key", &enc_name, 16, "AES-128-CBC")?;
    let (dk_sign, sign_nonce, dk_enc, enc_nonce) = (sign.key, sign.nonce, enc.key, enc.nonce);
    let (dks_id, dke_id) = (scene.next_id("DK"), scene.next_id("DK"));
    scene.ledger.set_token(&sign_name, &dks_id);
    scene.ledger.set_token(&enc_name, &dke_id);

    let body_id = scene.next_id("Body");
    let action = if round == 1 {
        "urn:wskex:example/Quote"
    } else {
        "urn:wskex:example/QuoteResponse"
    };
    let mut draft = Draft::envelope(&format!("urn:wskex:{to}"), action, &body_id, body);
    let (ts_id, ts) = scene.timestamp_xml(300);
    draft.prepend_security(&ts)?;
    let sct_ref = str_reference(identifier, Some(SCT_200512));
    draft.prepend_security(&derived_key_token_xml(
        &dke_id,
        &sct_ref,
        16,
        enc_nonce.expose(),
    ))?;
    draft.prepend_security(&derived_key_token_xml(
        &dks_id,
        &sct_ref,
        32,
        sign_nonce.expose(),
    ))?;
    draft.prepend_security(&format!("<wsc:SecurityContextToken wsu:Id=\"{sct_id}-{round}\"><wsc:Identifier>{identifier}</wsc:Identifier></wsc:SecurityContextToken>"))?;
    let changed = draft.take_changed();
    scene.step(
        from,
        &format!("Derive a signing key and an encryption key from the context ({})", if round == 1 { "request" } else { "reply" }),
        &format!(
            "{sender} never uses the context secret directly. Two DerivedKeyTokens each carry a fresh random nonce; \
             P_SHA-1(secret, label || nonce) gives a 256-bit signing key and a 128-bit encryption key. The tokens go in \
             the header so {to} can derive the same keys; an eavesdropper sees the nonces but, without the secret, \
             learns nothing about the keys. Separate keys for separate purposes limit what one broken key exposes.",
            sender = capitalized(from)
        ),
        SpecRef::new("WS-SecureConversation 1.4", "7 Deriving Keys"),
        draft.showing(from, to, changed),
    );

    let changed_sign_encrypt = sign_then_encrypt(
        scene,
        &mut draft,
        (&body_id, &ts_id),
        DerivedKeyUse {
            name: &sign_name,
            token_id: &dks_id,
            key: &dk_sign,
        },
        DerivedKeyUse {
            name: &enc_name,
            token_id: &dke_id,
            key: &dk_enc,
        },
        BlockCipherAlgorithm::Aes128Cbc,
    )?;
    scene.step(
        from,
        &format!("Sign with {sign_name}, then encrypt the Body with {enc_name}"),
        &format!(
            "{sender} signs the Body and the Timestamp with HMAC-SHA256 under the derived signing key, then encrypts the \
             Body's content with AES-128-CBC under the derived encryption key and lists it in a ReferenceList. Only a \
             holder of the context secret can read the Body or produce this signature: the keys bind the message to \
             the context.",
            sender = capitalized(from)
        ),
        SpecRef::new("WS-Security 1.1", "8 Signatures; 9 Encryption"),
        draft.showing(from, to, changed_sign_encrypt),
    );

    receive_with_context(scene, from, to, &draft, &sign_name, &enc_name, round)
}

/// `to` receives the message secured with the derived keys `sign_name` and `enc_name`.
fn receive_with_context(
    scene: &mut Scene,
    from: &str,
    to: &str,
    draft: &Draft,
    sign_name: &str,
    enc_name: &str,
    round: usize,
) -> Result<(), PatternError> {
    scene.advance(1);
    let _processed = scene.deliver(from, to, draft.text(), None)?;
    let knows = scene.ledger.knows(to, sign_name) && scene.ledger.knows(to, enc_name);
    scene.check(if knows {
        Check::pass(
            "derived keys",
            format!("{to} derived {sign_name} and {enc_name} from the context"),
        )
    } else {
        Check::fail("derived keys", format!("{to} could not derive the keys"))
    });
    let accepted = scene.pending_checks_pass();
    scene.step(
        to,
        if accepted { "Derive the same keys, decrypt and verify" } else { "Reject the message" },
        &format!(
            "{receiver} finds the context by its Identifier, derives both keys from the DerivedKeyTokens, decrypts the Body \
             named in the ReferenceList and verifies the HMAC over the Body and Timestamp. A valid HMAC under a key \
             derived from the context proves the message came from the other holder of the context.",
            receiver = capitalized(to)
        ),
        SpecRef::new("WS-SecureConversation 1.4", "7 Deriving Keys"),
        scene.last_envelope(),
    );
    if !accepted {
        return Err(PatternError::Internal(format!(
            "the untampered message {round} was rejected"
        )));
    }
    Ok(())
}

/// A party's name at the start of a sentence (`alice` → `Alice`).
fn capitalized(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
