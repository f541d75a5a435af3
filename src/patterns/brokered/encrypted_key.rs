//! Variant (a) `encrypted-key`: the STS seals the session key for the service in a SAML 2.0
//! holder-of-key assertion and hands the requestor the same key in an EncryptedKey for her.

use super::*;
use crate::crypto::KeyTransportAlgorithm;
use crate::xml::{Node, escape};

pub(super) fn encrypted_key(
    seed: u64,
    tamper: Option<Tamper>,
    setup: Setup,
) -> Result<Scene, PatternError> {
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
    let (context, draft) = request_token(&mut scene)?;
    let Some(request) = sts_reads_request(&mut scene, &draft, tamper)? else {
        return Ok(scene);
    };
    let (issued, draft) = issue_token(&mut scene, &request)?;
    let assertion_text = alice_reads_response(&mut scene, &draft, &context)?;
    let draft = prove_possession(&mut scene, &assertion_text, &issued)?;
    bob_reads_request(&mut scene, &draft, &issued, setup)?;
    Ok(scene)
}

/// Steps 1-2: Alice's RST for a token for Bob, encrypted for the STS and signed; returns the
/// request's Context and the message.
fn request_token(scene: &mut Scene) -> Result<(String, Draft), PatternError> {
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
        draft.showing("alice", "sts", span),
    );

    // 2. Encrypt for the STS, sign.
    encrypt_body_for(scene, &mut draft, "alice", "sts", &body_id, "rst-body-key")?;
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
        draft.showing("alice", "sts", changed),
    );

    Ok((context, draft))
}

/// Step 3: the STS verifies and reads the request; `None` when it rejects it.
fn sts_reads_request(
    scene: &mut Scene,
    draft: &Draft,
    tamper: Option<Tamper>,
) -> Result<Option<TrustRead>, PatternError> {
    // 3. The STS receives.
    scene.advance(1);
    let processed = scene.deliver("alice", "sts", draft.text(), tamper)?;
    scene.check(identity_check(
        "requestor identity",
        &processed,
        scene,
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
        return Ok(None);
    }
    Ok(Some(request.unwrap_or_default()))
}

/// The session key K and the assertion that carries it for Bob.
struct Issued {
    key: SecretBytes,
    assertion: IssuedAssertion,
}

/// Steps 4-5: the STS draws K, seals it for Bob in a signed holder-of-key assertion and for
/// Alice as the proof token, and signs its response.
fn issue_token(scene: &mut Scene, request: &TrustRead) -> Result<(Issued, Draft), PatternError> {
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
    let assertion = issue_assertion(scene, &assertion_id, &key, issued, expires)?;
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
        ctx = escape::attribute(request.context.as_deref().unwrap_or("")),
    );
    let body_id = scene.next_id("Body");
    let mut draft = Draft::envelope(ALICE_ENDPOINT, ACTION_RSTRC_ISSUE, &body_id, &response_body);
    let span = span_of(&draft, "RequestedSecurityToken")?;
    scene.layers.push(Layer::Encryption(EncryptionLayer {
        encrypted_key: Some(assertion.ek_id.clone()),
        encrypted_data: vec![],
        algorithm: KeyTransportAlgorithm::RsaOaepMgf1p.name().into(),
        key_transport: Some("RSA-OAEP to bob's certificate (by thumbprint)".into()),
        key: SESSION_KEY.into(),
        target: "saml2:SubjectConfirmationData (holder-of-key)".into(),
        spans: Vec::new(),
        status: LayerStatus::Created,
    }));
    scene.layers.push(Layer::Signature(SignatureLayer {
        id: assertion.sig_id.clone(),
        method: SignatureAlgorithm::Rsa(DigestAlgorithm::Sha256)
            .name()
            .into(),
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
        draft.showing("sts", "alice", span),
    );

    // 5. The proof token for Alice, and the STS's signature.
    let ek_id = scene.next_id("EK");
    let alice_cert = certificate(scene.party("alice")).clone();
    let ek = encrypted_key_for(key.expose(), &alice_cert, &ek_id, &[], scene.rng())?;
    draft.insert_proof_token(&ek.xml)?;
    scene.layers.push(Layer::Encryption(EncryptionLayer {
        encrypted_key: Some(ek_id),
        encrypted_data: vec![],
        algorithm: KeyTransportAlgorithm::RsaOaepMgf1p.name().into(),
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
        draft.showing("sts", "alice", changed),
    );
    Ok((Issued { key, assertion }, draft))
}

/// Step 6: Alice verifies the response and unwraps K; returns the assertion's text.
fn alice_reads_response(
    scene: &mut Scene,
    draft: &Draft,
    context: &str,
) -> Result<String, PatternError> {
    // 6. Alice receives.
    scene.advance(1);
    let processed = scene.deliver("sts", "alice", draft.text(), None)?;
    scene.check(identity_check("issuer identity", &processed, scene, "sts"));
    let response = read_trust_body(&processed.document).filter(|r| !r.request);
    scene.check(match &response {
        Some(r)
            if r.context.as_deref() == Some(context)
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
    Ok(assertion_text)
}

/// Steps 7-8: Alice's request to Bob carries the assertion and an HMAC under K.
fn prove_possession(
    scene: &mut Scene,
    assertion_text: &str,
    issued: &Issued,
) -> Result<Draft, PatternError> {
    let (key, assertion) = (&issued.key, &issued.assertion);
    // 7. Alice puts the assertion in her request to Bob.
    scene.advance(1);
    let body_id = scene.next_id("Body");
    let mut draft = Draft::envelope(BOB_ENDPOINT, ACTION_QUOTE, &body_id, QUOTE);
    let (ts_id, ts) = scene.timestamp_xml(300);
    draft.prepend_security(&ts)?;
    draft.prepend_security(assertion_text)?;
    let changed = draft.take_changed();
    scene.step(
        "alice",
        "Put the assertion in the request to Bob",
        "Alice writes her request and copies the assertion, byte for byte, into her Security header next to a \
         Timestamp. She must not change it: the STS's enveloped signature covers every byte, and exclusive \
         canonicalization makes it independent of the message around it, so it verifies here exactly as it did \
         in the RSTR.",
        SpecRef::new(SAML_SPEC, "3.3 Referencing SAML assertions; 3.4.2 SAML assertion in the Security header"),
        draft.showing("alice", "bob", changed),
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
        method: SignatureAlgorithm::Hmac(DigestAlgorithm::Sha256)
            .name()
            .into(),
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
        draft.showing("alice", "bob", changed),
    );
    Ok(draft)
}

/// Step 9: Bob verifies the assertion and Alice's proof of possession.
fn bob_reads_request(
    scene: &mut Scene,
    draft: &Draft,
    issued: &Issued,
    setup: Setup,
) -> Result<(), PatternError> {
    // 9. Bob receives.
    scene.advance(1);
    let processed = scene.deliver("alice", "bob", draft.text(), None)?;
    // Scene::deliver runs the receiver's clock two seconds after the sender's.
    let bob_now = at(scene.now().unix_seconds + 2);
    for check in assertion_checks(scene, &processed, &issued.assertion.id, bob_now) {
        scene.check(check);
    }
    scene.check(confined_check(scene, SESSION_KEY, &["alice", "bob", "sts"]));
    scene.check(private_keys_check(scene));
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
    Ok(())
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
    let subject = escape::text(&certificate(scene.party("alice")).subject());
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
pub(super) fn assertion_checks(
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

    checks.push(issuer_check(scene, processed, &read, assertion_id));
    checks.extend(conditions_checks(node, &read, now));
    checks.push(possession_check(processed, assertion_id));
    checks
}

/// Issued by a trusted STS: the assertion's own signature verifies with the STS's certificate.
fn issuer_check(
    scene: &Scene,
    processed: &ProcessedMessage,
    read: &SamlAssertion<'_>,
    assertion_id: &str,
) -> Check {
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
    match (by_sts, read.issuer.as_deref()) {
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
                Some(_) => {
                    "the assertion's signature verifies only with a key Bob does not trust (the \
                            certificate it carries itself): anyone could have made it"
                        .to_string()
                }
                None => "the assertion is not signed".to_string(),
            },
        ),
    }
}

/// The assertion's audience and validity period, judged on Bob's clock `now`.
fn conditions_checks(node: Node<'_>, read: &SamlAssertion<'_>, now: UtcDateTime) -> [Check; 2] {
    // The audience and the validity period.
    let audiences: Vec<String> = node
        .descendants()
        .filter(|n| n.has_name(ns::SAML2, "Audience"))
        .map(|n| n.text_content().trim().to_string())
        .collect();
    let audience = if audiences.iter().any(|a| a == BOB_ENDPOINT) {
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
    };
    let time = |t: &Option<String>| {
        t.as_deref()
            .and_then(|t| parse_xs_datetime(t).ok())
            .map(|t| t.utc.unix_seconds)
    };
    let (not_before, not_after) = (time(&read.not_before), time(&read.not_on_or_after));
    let validity = match (not_before, not_after) {
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
    };
    [audience, validity]
}

/// Proof of possession: a valid HMAC over Body and Timestamp with the assertion's key.
fn possession_check(processed: &ProcessedMessage, assertion_id: &str) -> Check {
    // Proof of possession: a valid HMAC over Body and Timestamp with the assertion's key.
    let via_assertion = format!("SAML assertion {assertion_id}");
    let proof = processed.signatures.iter().find(|s| {
        s.key
            .as_ref()
            .is_some_and(|k| k.description.starts_with(&via_assertion))
    });
    match proof {
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
    }
}

// ---------------------------------------------------------------------------------------------
// (b) computed-key: both entropies, WS-SecureConversation bootstrap.
