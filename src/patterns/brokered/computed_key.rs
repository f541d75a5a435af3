//! Variant (b) `computed-key`: both entropies, the WS-SecureConversation bootstrap; each side
//! computes the context key, which never travels.

use super::*;
use crate::patterns::derived_keys::{DerivedKeyUse, sign_then_encrypt};

pub(super) fn computed_key(seed: u64, tamper: Option<Tamper>) -> Result<Scene, PatternError> {
    let mut scene = Scene::new(
        seed,
        vec![
            party("alice", "requestor"),
            party("bob", "target service and its own token service"),
        ],
    );
    scene.trust("bob", "alice");
    scene.trust("alice", "bob");
    let (context, draft) = request_context(&mut scene)?;
    let Some(requestor_entropy) = bob_reads_request(&mut scene, &draft, &context, tamper)? else {
        return Ok(scene);
    };
    let (identifier, sct_id, draft) = issue_context(&mut scene, &context, &requestor_entropy)?;
    alice_computes_key(&mut scene, &draft)?;

    // 7-9. A request secured with keys derived from the context.
    secure_with_context(&mut scene, &identifier, &sct_id)?;
    Ok(scene)
}

/// Steps 1-2: Alice's RST for a security context with her entropy, encrypted for Bob and
/// signed; returns the request's Context and the message.
fn request_context(scene: &mut Scene) -> Result<(String, Draft), PatternError> {
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
        draft.showing("alice", "bob", span),
    );

    // 2. Encrypt for Bob, sign.
    encrypt_body_for(scene, &mut draft, "alice", "bob", &body_id, "rst-body-key")?;
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
        draft.showing("alice", "bob", changed),
    );
    Ok((context, draft))
}

/// Step 3: Bob verifies the request and reads Alice's entropy; `None` when he rejects it.
fn bob_reads_request(
    scene: &mut Scene,
    draft: &Draft,
    context: &str,
    tamper: Option<Tamper>,
) -> Result<Option<SecretBytes>, PatternError> {
    // 3. Bob receives.
    scene.advance(1);
    let processed = scene.deliver("alice", "bob", draft.text(), tamper)?;
    scene.check(identity_check(
        "requestor identity",
        &processed,
        scene,
        "alice",
    ));
    let request = read_trust_body(&processed.document).filter(|r| r.request);
    let remembered = scene
        .store_mut("bob")
        .entropy_for(Some(context))
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
        return Ok(None);
    }
    remembered.map(Some).ok_or_else(|| internal("no entropy"))
}

/// Steps 4-5: Bob's entropy, the computed key and the SCT, in an RSTR encrypted for Alice and
/// signed; returns the SCT's Identifier and wsu:Id, and the message.
fn issue_context(
    scene: &mut Scene,
    context: &str,
    requestor_entropy: &SecretBytes,
) -> Result<(String, String, Draft), PatternError> {
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
        requestor_entropy: "alice-entropy".into(),
        issuer_entropy: "bob-entropy".into(),
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
        token: Some(identifier.clone()),
        bytes: key.clone(),
        provenance,
        usage: vec![],
        message,
        line: None,
    };
    scene.ledger.set_token(CONTEXT_KEY, &identifier);
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
        draft.showing("bob", "alice", span),
    );

    // 5. Encrypt for Alice, sign.
    encrypt_body_for(scene, &mut draft, "bob", "alice", &body_id, "rstr-body-key")?;
    scene.sign_body_and_timestamp(&mut draft, "bob", &body_id, "s:Body (the encrypted RSTR)")?;
    let changed = draft.take_changed();
    scene.step(
        "bob",
        "Encrypt the response for Alice and sign it",
        "Bob encrypts the Body for Alice (AES-256-CBC, key wrapped with RSA-OAEP to her certificate), so his \
         entropy stays between the two of them, and signs Body and Timestamp with his certificate: Alice will \
         know the context and the entropy come from Bob.",
        SpecRef::new(WSS_SPEC, "8 Signatures; 9 Encryption"),
        draft.showing("bob", "alice", changed),
    );
    Ok((identifier, sct_id, draft))
}

/// Step 6: Alice verifies the response and computes the same key.
fn alice_computes_key(scene: &mut Scene, draft: &Draft) -> Result<(), PatternError> {
    // 6. Alice receives and computes the same key.
    scene.advance(1);
    let processed = scene.deliver("bob", "alice", draft.text(), None)?;
    scene.check(identity_check("issuer identity", &processed, scene, "bob"));
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
    Ok(())
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
    scene.ledger.set_token(sign_name, &dks_id);
    scene.ledger.set_token(enc_name, &dke_id);
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
        draft.showing(from, to, changed),
    );

    let changed = sign_then_encrypt(
        scene,
        &mut draft,
        (&body_id, &ts_id),
        DerivedKeyUse {
            name: sign_name,
            token_id: &dks_id,
            key: &dk_sign,
        },
        DerivedKeyUse {
            name: enc_name,
            token_id: &dke_id,
            key: &dk_enc,
        },
        BlockCipherAlgorithm::Aes256Cbc,
    )?;
    scene.step(
        from,
        "Sign with dk-sign, then encrypt the Body with dk-enc",
        "Alice signs Body and Timestamp with HMAC-SHA256 under the derived signing key, then encrypts the Body's \
         content with AES-256-CBC under the derived encryption key and lists it in a ReferenceList. Only a holder \
         of the context key, that is Alice or Bob, can read the Body or make this signature: the derived keys bind \
         the message to the context both computed.",
        SpecRef::new(WSS_SPEC, "8 Signatures; 9 Encryption; WS-SecureConversation 1.4 7"),
        draft.showing(from, to, changed),
    );

    bob_derives(scene, &draft, sign_name, enc_name)
}

/// Bob receives the request and derives `sign_name` and `enc_name` from the context key.
fn bob_derives(
    scene: &mut Scene,
    draft: &Draft,
    sign_name: &str,
    enc_name: &str,
) -> Result<(), PatternError> {
    let (from, to) = ("alice", "bob");
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
