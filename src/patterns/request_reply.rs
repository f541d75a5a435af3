//! Authenticated request/reply key transfer (WS-Trust 1.4, Appendix I): the sender makes a
//! fresh key, wraps it for the recipient, protects the request with it and proves with its
//! X.509 key that the wrapped key is its own; the reply is secured with the same key, which
//! the reply names by the SHA-1 of the request's EncryptedKey.
//!
//! Two orders: encrypt-then-sign (the signature covers the ciphertext and the EncryptedKey)
//! and sign-then-encrypt (an HMAC under a derived key signs the plaintext, another derived key
//! encrypts, and the X.509 signature covers only the EncryptedKey).

use crate::crypto::Certificate;
use crate::crypto::signature::SigningKey;
use crate::crypto::{
    BlockCipherAlgorithm, DigestAlgorithm, SecretBytes, SignatureAlgorithm, digest,
};
use crate::exchange::{Check, EncryptionLayer, Layer, LayerStatus, SpecRef};
use crate::receive::keys::{KeyRecord, Provenance};
use crate::receive::store::EncryptedKeyEntry;
use crate::wss::uris;
use crate::xml::base64;

use openssl::pkey::{PKey, Private};

use super::draft::{
    DK_200512, Draft, bst_xml, derived_key_token_xml, encrypted_key_for, reference_list_xml,
    str_encrypted_key_sha1, str_reference,
};
use super::parties::{certificate, party, private_key};
use super::scene::{Scene, signed_with_identity_over};
use super::{PatternError, Tamper};

const APPENDIX: &str = "Appendix I (authenticated request/reply key transfer)";

fn internal(e: impl std::fmt::Display) -> PatternError {
    PatternError::Internal(e.to_string())
}

fn encryption_layer(
    data_id: &str,
    ek: Option<&str>,
    algorithm: &str,
    transport: Option<&str>,
    key: &str,
) -> Layer {
    Layer::Encryption(EncryptionLayer {
        encrypted_key: ek.map(str::to_string),
        encrypted_data: vec![data_id.to_string()],
        algorithm: algorithm.to_string(),
        key_transport: transport.map(str::to_string),
        key: key.to_string(),
        target: "s:Body content".into(),
        spans: Vec::new(),
        status: LayerStatus::Created,
    })
}

/// The sender remembers the EncryptedKey it made, so it recognises the reply's
/// EncryptedKeySHA1.
fn remember_encrypted_key(
    scene: &mut Scene,
    party: &str,
    ek_id: &str,
    key_name: &str,
    key: &SecretBytes,
    cipher_value: &[u8],
) -> Result<(), PatternError> {
    let sha1 = digest::digest(DigestAlgorithm::Sha1, cipher_value).map_err(internal)?;
    let store = scene.store_mut(party);
    let id = store.keyring.add(KeyRecord {
        name: key_name.to_string(),
        token: Some(ek_id.to_string()),
        bytes: key.clone(),
        provenance: Provenance::Generated {
            by: party.to_string(),
        },
        usage: vec![],
        message: 0,
        line: None,
    });
    store.encrypted_keys.push(EncryptedKeyEntry {
        id: Some(ek_id.to_string()),
        sha1,
        key: id,
        message: 0,
    });
    Ok(())
}

/// Alice's order as it stands before it is protected, and the ids and keys she protects it with.
struct Request {
    draft: Draft,
    body_id: String,
    ts_id: String,
    bst_id: String,
    bob_cert: Certificate,
    alice_key: PKey<Private>,
    ek_id: String,
    data_id: String,
}

pub fn run(variant: &str, seed: u64, tamper: Option<Tamper>) -> Result<Scene, PatternError> {
    let mut scene = Scene::new(
        seed,
        vec![
            party("alice", "requestor (sender)"),
            party("bob", "recipient"),
        ],
    );
    scene.trust("bob", "alice");
    scene.trust("alice", "bob");
    let encrypt_then_sign = variant == "encrypt-then-sign";
    let mut request = draft_request(&mut scene)?;
    let key_name = if encrypt_then_sign {
        encrypt_then_sign_request(&mut scene, &mut request)?
    } else {
        sign_then_encrypt_request(&mut scene, &mut request)?
    };
    if !bob_reads_order(&mut scene, &request, &key_name, encrypt_then_sign, tamper)? {
        return Ok(scene);
    }
    reply(&mut scene, encrypt_then_sign, &key_name, &request.ek_id)?;
    Ok(scene)
}

/// The order with a Timestamp and Alice's certificate, and the ids its protection will use.
fn draft_request(scene: &mut Scene) -> Result<Request, PatternError> {
    let body_id = scene.next_id("Body");
    let body = "<po:PurchaseOrder xmlns:po=\"urn:wskex:example:po\"><po:Item sku=\"W-1\">widget</po:Item><po:Quantity>12</po:Quantity></po:PurchaseOrder>";
    let mut draft = Draft::envelope(
        "urn:wskex:bob",
        "urn:wskex:example/PurchaseOrder",
        &body_id,
        body,
    );
    let (ts_id, ts) = scene.timestamp_xml(300);
    draft.prepend_security(&ts)?;
    let bst_id = scene.next_id("X509");
    draft.prepend_security(&bst_xml(&bst_id, certificate(scene.party("alice")))?)?;
    let bob_cert = certificate(scene.party("bob")).clone();
    let alice_key = private_key(scene.party("alice")).pkey().to_owned();
    let ek_id = scene.next_id("EK");
    let data_id = scene.next_id("ED");
    Ok(Request {
        draft,
        body_id,
        ts_id,
        bst_id,
        bob_cert,
        alice_key,
        ek_id,
        data_id,
    })
}

/// Steps 1-2 (encrypt-then-sign): a fresh key, the order encrypted under it, then one
/// signature over the ciphertext, the Timestamp and the EncryptedKey. Returns the key's name.
fn encrypt_then_sign_request(
    scene: &mut Scene,
    request: &mut Request,
) -> Result<String, PatternError> {
    let Request {
        draft,
        body_id,
        ts_id,
        bst_id,
        bob_cert,
        alice_key,
        ek_id,
        data_id,
    } = request;
    // 1. A fresh key, and the request encrypted under it.
    let key = scene.random(32);
    let key_name = "session-key".to_string();
    scene.ledger.add(
        &key_name,
        key.clone(),
        "AES-256-CBC",
        Provenance::Generated { by: "alice".into() },
        "alice",
    );
    scene.ledger.set_token(&key_name, ek_id);
    draft.encrypt_content(
        body_id,
        data_id,
        BlockCipherAlgorithm::Aes256Cbc,
        key.expose(),
        &str_reference(&format!("#{ek_id}"), Some(uris::ENCRYPTED_KEY_TOKEN)),
        scene.rng(),
    )?;
    let ek = encrypted_key_for(key.expose(), bob_cert, ek_id, &[data_id], scene.rng())?;
    draft.prepend_security(&ek.xml)?;
    remember_encrypted_key(scene, "alice", ek_id, &key_name, &key, &ek.cipher_value)?;
    scene.layers.push(encryption_layer(
        data_id,
        Some(ek_id),
        BlockCipherAlgorithm::Aes256Cbc.name(),
        Some("rsa-oaep-mgf1p to bob"),
        &key_name,
    ));
    let env = draft.shown("alice", "bob");
    scene.step(
        "alice",
        "Encrypt the order under a fresh key and wrap the key for Bob",
        "Alice draws a 256-bit key, encrypts the Body's content with AES-256-CBC, and wraps the key for Bob with \
         RSA-OAEP in an EncryptedKey whose ReferenceList names the encrypted Body. Only Bob's private key \
         recovers the key, so only Bob can read the order. Her certificate (a BinarySecurityToken) and a \
         Timestamp are already in the header.",
        SpecRef::new("WS-Trust 1.4", APPENDIX),
        env,
    );
    // 2. Sign what was sent: the encrypted Body, the Timestamp and the EncryptedKey.
    let sig_id = scene.next_id("SIG");
    draft.sign(
        &sig_id,
        SignatureAlgorithm::Rsa(DigestAlgorithm::Sha256),
        SigningKey::Rsa(alice_key),
        &[
            &format!("#{body_id}"),
            &format!("#{ts_id}"),
            &format!("#{ek_id}"),
        ],
        &str_reference(&format!("#{bst_id}"), Some(uris::X509V3)),
    )?;
    scene.layers.push(Layer::signature_created(
        &sig_id,
        SignatureAlgorithm::Rsa(DigestAlgorithm::Sha256).name(),
        "alice's certificate",
        &[
            (&format!("#{body_id}"), "s:Body (ciphertext)"),
            (&format!("#{ts_id}"), "wsu:Timestamp"),
            (&format!("#{ek_id}"), "xenc:EncryptedKey"),
        ],
    ));
    let env = draft.shown("alice", "bob");
    scene.step(
        "alice",
        "Sign the ciphertext, the Timestamp and the EncryptedKey",
        "Alice signs with her X.509 key over the encrypted Body, the Timestamp and the EncryptedKey itself. \
         Signing the EncryptedKey binds the transferred key to Alice: nobody can swap in a key of their own \
         without breaking her signature. Because the signature covers the ciphertext, Bob can check it before \
         decrypting anything (encrypt-then-sign).",
        SpecRef::new("WS-Security 1.1", "8 Signatures (signing encrypted content and tokens)"),
        env,
    );
    Ok(key_name)
}

/// Steps 1-3 (sign-then-encrypt): a random key, two keys derived from it, the order signed and
/// encrypted with them, and Alice's signature over the EncryptedKey. Returns the key's name.
fn sign_then_encrypt_request(
    scene: &mut Scene,
    request: &mut Request,
) -> Result<String, PatternError> {
    let Request {
        draft,
        body_id,
        ts_id,
        bst_id,
        bob_cert,
        alice_key: _,
        ek_id,
        data_id,
    } = request;
    // 1. A random key, two keys derived from it, the request signed then encrypted.
    let random = scene.random(32);
    let key_name = "random-key".to_string();
    scene.ledger.add(
        &key_name,
        random.clone(),
        "base key",
        Provenance::Generated { by: "alice".into() },
        "alice",
    );
    scene.ledger.set_token(&key_name, ek_id);
    let ek = encrypted_key_for(random.expose(), bob_cert, ek_id, &[], scene.rng())?;
    draft.prepend_security(&ek.xml)?;
    remember_encrypted_key(scene, "alice", ek_id, &key_name, &random, &ek.cipher_value)?;
    let sign = scene.derive_key("alice", &key_name, "dk-sign", 32, "HMAC-SHA256")?;
    let enc = scene.derive_key("alice", &key_name, "dk-enc", 16, "AES-128-CBC")?;
    let (dk_sign, sign_nonce, dk_enc, enc_nonce) = (sign.key, sign.nonce, enc.key, enc.nonce);
    let ek_ref = str_reference(&format!("#{ek_id}"), Some(uris::ENCRYPTED_KEY_TOKEN));
    let (dks_id, dke_id) = (scene.next_id("DK"), scene.next_id("DK"));
    scene.ledger.set_token("dk-sign", &dks_id);
    scene.ledger.set_token("dk-enc", &dke_id);
    draft.prepend_security(&derived_key_token_xml(
        &dks_id,
        &ek_ref,
        32,
        sign_nonce.expose(),
    ))?;
    draft.prepend_security(&derived_key_token_xml(
        &dke_id,
        &ek_ref,
        16,
        enc_nonce.expose(),
    ))?;
    let env = draft.shown("alice", "bob");
    scene.step(
        "alice",
        "Wrap a random key for Bob and derive two keys from it",
        "Alice draws a random 256-bit key and wraps it for Bob (RSA-OAEP, EncryptedKey naming his certificate). \
         She never uses it directly: two DerivedKeyTokens on the EncryptedKey carry fresh nonces, giving a \
         signing key and an encryption key. Bob, once he unwraps the random key, derives the same two.",
        SpecRef::new("WS-SecureConversation 1.4", "7 Deriving Keys; WS-Trust 1.4 Appendix I"),
        env,
    );
    let sig_id = scene.next_id("SIG");
    draft.sign(
        &sig_id,
        SignatureAlgorithm::Hmac(DigestAlgorithm::Sha256),
        SigningKey::Hmac(dk_sign.expose()),
        &[&format!("#{body_id}"), &format!("#{ts_id}")],
        &str_reference(&format!("#{dks_id}"), Some(DK_200512)),
    )?;
    draft.encrypt_content(
        body_id,
        data_id,
        BlockCipherAlgorithm::Aes128Cbc,
        dk_enc.expose(),
        &str_reference(&format!("#{dke_id}"), Some(DK_200512)),
        scene.rng(),
    )?;
    draft.prepend_security(&reference_list_xml(&[data_id]))?;
    scene.layers.push(Layer::signature_created(
        &sig_id,
        SignatureAlgorithm::Hmac(DigestAlgorithm::Sha256).name(),
        "dk-sign",
        &[
            (&format!("#{body_id}"), "s:Body (plaintext)"),
            (&format!("#{ts_id}"), "wsu:Timestamp"),
        ],
    ));
    scene.layers.push(encryption_layer(
        data_id,
        Some(ek_id),
        BlockCipherAlgorithm::Aes128Cbc.name(),
        None,
        "dk-enc",
    ));
    let env = draft.shown("alice", "bob");
    scene.step(
        "alice",
        "Sign the order with the derived signing key, then encrypt it with the other",
        "Alice signs the plaintext Body and the Timestamp with HMAC-SHA256 under the derived signing key, then \
         encrypts the Body's content with AES-128-CBC under the derived encryption key (sign-then-encrypt). The \
         signature is hidden with the content, and only a holder of the random key can check or forge it.",
        SpecRef::new("WS-Security 1.1", "8 Signatures; 9 Encryption"),
        env,
    );
    scene.sign_with_certificate(
        draft,
        "alice",
        bst_id,
        &[(&format!("#{ek_id}"), "xenc:EncryptedKey")],
    )?;
    let env = draft.shown("alice", "bob");
    scene.step(
        "alice",
        "Sign only the EncryptedKey with her certificate",
        "Finally Alice signs the EncryptedKey, and only it, with her X.509 key. That one signature proves the \
         random key is hers; everything else is protected by keys derived from it, so the HMAC on the order \
         inherits the proof of origin.",
        SpecRef::new("WS-Trust 1.4", APPENDIX),
        env,
    );
    Ok(key_name)
}

/// Bob verifies, unwraps and decrypts the order; false when he rejects it.
fn bob_reads_order(
    scene: &mut Scene,
    request: &Request,
    key_name: &str,
    encrypt_then_sign: bool,
    tamper: Option<Tamper>,
) -> Result<bool, PatternError> {
    let (draft, ek_id) = (&request.draft, &request.ek_id);
    // Bob receives.
    scene.advance(1);
    let processed = scene.deliver("alice", "bob", draft.text(), tamper)?;
    let identity = signed_with_identity_over(&processed, &format!("#{ek_id}"));
    scene.check(if identity {
        Check::pass(
            "key origin",
            "the EncryptedKey is covered by a valid signature of Alice's trusted certificate",
        )
    } else {
        Check::fail(
            "key origin",
            "no valid signature by a trusted certificate covers the EncryptedKey",
        )
    });
    scene.check(if scene.ledger.knows("bob", key_name) {
        Check::pass("transferred key", format!("Bob unwrapped {key_name}"))
    } else {
        Check::fail(
            "transferred key",
            "Bob could not recover the transferred key",
        )
    });
    let accepted = scene.pending_checks_pass();
    scene.step(
        "bob",
        if accepted { "Verify, unwrap and decrypt the order" } else { "Reject the order" },
        if !accepted {
            "Bob's checks fail, so he discards the order and sends no reply."
        } else if encrypt_then_sign {
            "Bob meets Alice's signature first in the header and checks it on the ciphertext and the EncryptedKey, \
             then unwraps the key with his private key and decrypts the order. He now shares the key with Alice, and \
             knows it is hers."
        } else {
            "Bob checks Alice's signature on the EncryptedKey, unwraps the random key, derives the two keys, decrypts \
             the order and verifies the HMAC over the plaintext. The derived keys inherit Alice's proof of origin."
        },
        SpecRef::new("WS-Trust 1.4", APPENDIX),
        scene.last_envelope(),
    );
    Ok(accepted)
}

/// Bob's reply secured with the transferred key, named by the request's EncryptedKeySHA1.
fn reply(
    scene: &mut Scene,
    encrypt_then_sign: bool,
    key_name: &str,
    ek_id: &str,
) -> Result<(), PatternError> {
    let key = scene
        .ledger
        .get(key_name)
        .ok_or_else(|| internal("no transferred key"))?
        .bytes
        .clone();
    let ek_sha1 = request_encrypted_key_sha1(scene, ek_id)?;

    let body_id = scene.next_id("Body");
    let body = "<po:PurchaseOrderAccepted xmlns:po=\"urn:wskex:example:po\"><po:Reference>PO-2026-0042</po:Reference></po:PurchaseOrderAccepted>";
    let mut draft = Draft::envelope(
        "urn:wskex:alice",
        "urn:wskex:example/PurchaseOrderAccepted",
        &body_id,
        body,
    );
    let (ts_id, ts) = scene.timestamp_xml(300);
    draft.prepend_security(&ts)?;
    let data_id = scene.next_id("ED");
    let sig_id = scene.next_id("SIG");
    let narrative = if encrypt_then_sign {
        draft.encrypt_content(
            &body_id,
            &data_id,
            BlockCipherAlgorithm::Aes256Cbc,
            key.expose(),
            &ek_sha1,
            scene.rng(),
        )?;
        draft.prepend_security(&reference_list_xml(&[&data_id]))?;
        draft.sign(
            &sig_id,
            SignatureAlgorithm::Hmac(DigestAlgorithm::Sha256),
            SigningKey::Hmac(key.expose()),
            &[&format!("#{body_id}"), &format!("#{ts_id}")],
            &ek_sha1,
        )?;
        scene.layers.push(encryption_layer(
            &data_id,
            None,
            BlockCipherAlgorithm::Aes256Cbc.name(),
            None,
            key_name,
        ));
        scene.layers.push(Layer::signature_created(
            &sig_id,
            SignatureAlgorithm::Hmac(DigestAlgorithm::Sha256).name(),
            key_name,
            &[
                (&format!("#{body_id}"), "s:Body (ciphertext)"),
                (&format!("#{ts_id}"), "wsu:Timestamp"),
            ],
        ));
        "Bob answers with the same key: he encrypts the reply's Body under it and signs Body and Timestamp \
                     with HMAC-SHA256. Both name the key by EncryptedKeySHA1, the SHA-1 of the EncryptedKey Alice sent, \
                     so no key travels again. Only Alice (who made the key) and Bob (who unwrapped it) can read or \
                     produce this reply."
    } else {
        let ids = ReplyIds {
            body_id: &body_id,
            ts_id: &ts_id,
            data_id: &data_id,
            sig_id: &sig_id,
        };
        reply_with_derived_keys(scene, &mut draft, key_name, &ek_sha1, &ids)?
    };
    let env = draft.shown("bob", "alice");
    scene.step(
        "bob",
        "Secure the reply with the transferred key",
        narrative,
        SpecRef::new("WS-Security 1.1", "7.3 Key Identifiers (EncryptedKeySHA1)"),
        env,
    );
    scene.advance(1);
    scene.deliver("bob", "alice", draft.text(), None)?;
    let accepted = scene.pending_checks_pass();
    scene.step(
        "alice",
        if accepted { "Verify and decrypt the reply" } else { "Reject the reply" },
        "Alice finds the key by the EncryptedKeySHA1 of the EncryptedKey she made, decrypts the reply and checks its \
         signature: the reply can only come from Bob, the one party that could unwrap her key.",
        SpecRef::new("WS-Trust 1.4", APPENDIX),
        scene.last_envelope(),
    );
    if !accepted {
        return Err(internal("the untampered reply was rejected"));
    }
    Ok(())
}

/// The ids of Bob's reply: its Body, Timestamp, EncryptedData and Signature.
struct ReplyIds<'a> {
    body_id: &'a str,
    ts_id: &'a str,
    data_id: &'a str,
    sig_id: &'a str,
}

/// Bob's reply under two new DerivedKeyTokens on the transferred key (named by
/// EncryptedKeySHA1): one signs, one encrypts. Returns the step's narrative.
fn reply_with_derived_keys(
    scene: &mut Scene,
    draft: &mut Draft,
    key_name: &str,
    ek_sha1: &str,
    ids: &ReplyIds<'_>,
) -> Result<&'static str, PatternError> {
    let sign = scene.derive_key("bob", key_name, "dk-sign-reply", 32, "HMAC-SHA256")?;
    let enc = scene.derive_key("bob", key_name, "dk-enc-reply", 16, "AES-128-CBC")?;
    let (dk_sign, sign_nonce, dk_enc, enc_nonce) = (sign.key, sign.nonce, enc.key, enc.nonce);
    let (dks_id, dke_id) = (scene.next_id("DK"), scene.next_id("DK"));
    scene.ledger.set_token("dk-sign-reply", &dks_id);
    scene.ledger.set_token("dk-enc-reply", &dke_id);
    draft.prepend_security(&derived_key_token_xml(
        &dks_id,
        ek_sha1,
        32,
        sign_nonce.expose(),
    ))?;
    draft.prepend_security(&derived_key_token_xml(
        &dke_id,
        ek_sha1,
        16,
        enc_nonce.expose(),
    ))?;
    draft.sign(
        ids.sig_id,
        SignatureAlgorithm::Hmac(DigestAlgorithm::Sha256),
        SigningKey::Hmac(dk_sign.expose()),
        &[&format!("#{}", ids.body_id), &format!("#{}", ids.ts_id)],
        &str_reference(&format!("#{dks_id}"), Some(DK_200512)),
    )?;
    draft.encrypt_content(
        ids.body_id,
        ids.data_id,
        BlockCipherAlgorithm::Aes128Cbc,
        dk_enc.expose(),
        &str_reference(&format!("#{dke_id}"), Some(DK_200512)),
        scene.rng(),
    )?;
    draft.prepend_security(&reference_list_xml(&[ids.data_id]))?;
    scene.layers.push(Layer::signature_created(
        ids.sig_id,
        SignatureAlgorithm::Hmac(DigestAlgorithm::Sha256).name(),
        "dk-sign-reply",
        &[
            (&format!("#{}", ids.body_id), "s:Body (plaintext)"),
            (&format!("#{}", ids.ts_id), "wsu:Timestamp"),
        ],
    ));
    scene.layers.push(encryption_layer(
        ids.data_id,
        None,
        BlockCipherAlgorithm::Aes128Cbc.name(),
        None,
        "dk-enc-reply",
    ));
    Ok(
        "Bob answers under the same random key: two new DerivedKeyTokens name it by EncryptedKeySHA1 (the \
                 SHA-1 of the EncryptedKey Alice sent), one signs the reply and one encrypts it. No key travels \
                 again, and only the two holders of the random key can derive these.",
    )
}

/// The EncryptedKeySHA1 reference to the EncryptedKey `ek_id` of the request just sent.
fn request_encrypted_key_sha1(scene: &Scene, ek_id: &str) -> Result<String, PatternError> {
    let cipher_value = {
        let request = &scene
            .messages
            .last()
            .ok_or_else(|| internal("no request"))?
            .text;
        let doc = crate::xml::Document::parse_str(request, "request").map_err(internal)?;
        let ek = doc
            .descendants()
            .find(|n| {
                n.has_name(crate::ns::XENC, "EncryptedKey") && n.attribute("Id") == Some(ek_id)
            })
            .ok_or_else(|| internal("no EncryptedKey in the request"))?;
        let value = ek
            .descendants()
            .find(|n| n.has_name(crate::ns::XENC, "CipherValue"))
            .ok_or_else(|| internal("no CipherValue"))?;
        base64::decode(&value.text_content()).map_err(internal)?
    };
    str_encrypted_key_sha1(&cipher_value)
}
