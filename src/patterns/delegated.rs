//! Delegated key transfer (WS-Trust 1.4, Appendix I): Carol (the delegator A) shares a secret
//! with Bob (the target T). She lets Alice (the delegate B) act for her: a delegation token
//! names Alice's certificate, the rights granted and an expiry, and carries a fresh session
//! key encrypted for Bob, all HMAC-signed with the Carol–Bob secret; Alice gets the same
//! session key encrypted for her as the proof token. Alice signs her purchase order with the
//! session key and endorses that signature with her own X.509 key. Bob checks the token, the
//! signatures, that Alice is the named delegate and that the action is a granted right. Alice
//! never learns the Carol–Bob secret.
//!
//! Variants: `within-rights` (Alice submits a purchase order, which she may) and
//! `beyond-rights` (she asks to cancel one, which she was not granted: denied). The
//! `exceed-rights` tamper is a dishonest delegate: Alice writes the missing right into the
//! token herself and re-signs everything she can.

use crate::crypto::DigestAlgorithm;
use crate::crypto::signature::SigningKey;
use crate::crypto::{KeyTransportAlgorithm, SignatureAlgorithm};
use crate::exchange::{Check, CheckKind, EncryptionLayer, Envelope, Layer, LayerStatus, SpecRef};
use crate::ns;
use crate::receive::finding_code::FindingCode;
use crate::receive::keys::Provenance;
use crate::wss::datetime::UtcDateTime;
use crate::wss::uris;
use crate::xml::{Document, Edit, Span};

use super::draft::{Draft, bst_xml, encrypted_key_for, str_reference};
use super::parties::{certificate, party};
use super::scene::{Scene, signed_with_identity_over};
use super::{PatternError, Tamper};
use crate::delegation::{
    self as delegation_token, DelegationToken, Right, TokenSpec, establishes_delegate_identity,
    target_checks,
};

const APPENDIX: &str = "Appendix I (delegated key transfer)";
const SECRET: &str = "carol-bob-secret";
const SESSION_KEY: &str = "session-key";
const BOB_URI: &str = "urn:wskex:bob";
const SUBMIT: &str = "urn:wskex:example/PurchaseOrder";
const CANCEL: &str = "urn:wskex:example/CancelPurchaseOrder";

fn internal(e: impl std::fmt::Display) -> PatternError {
    PatternError::Internal(e.to_string())
}

fn key_transport_layer(ek_id: &str, recipient: &str, target: &str) -> Layer {
    Layer::Encryption(EncryptionLayer {
        encrypted_key: Some(ek_id.to_string()),
        encrypted_data: vec![],
        algorithm: KeyTransportAlgorithm::RsaOaepMgf1p.name().into(),
        key_transport: Some(format!(
            "RSA-OAEP to {recipient}'s certificate (by thumbprint)"
        )),
        key: SESSION_KEY.into(),
        target: target.to_string(),
        spans: Vec::new(),
        status: LayerStatus::Created,
    })
}

/// What the delegation grants: submitting purchase orders, nothing else.
fn granted() -> Vec<Right> {
    vec![Right {
        name: "submit-purchase-order".into(),
        action: SUBMIT.into(),
    }]
}

/// What Alice's request asks for, and the right it needs.
struct Request {
    action: &'static str,
    right: &'static str,
    body: &'static str,
}

const SUBMIT_ORDER: Request = Request {
    action: SUBMIT,
    right: "submit-purchase-order",
    body: "<po:PurchaseOrder xmlns:po=\"urn:wskex:example:po\"><po:OnBehalfOf>carol</po:OnBehalfOf><po:Item sku=\"W-1\">widget</po:Item><po:Quantity>12</po:Quantity></po:PurchaseOrder>",
};

const CANCEL_ORDER: Request = Request {
    action: CANCEL,
    right: "cancel-purchase-order",
    body: "<po:CancelPurchaseOrder xmlns:po=\"urn:wskex:example:po\"><po:OnBehalfOf>carol</po:OnBehalfOf><po:Reference>PO-2026-0017</po:Reference></po:CancelPurchaseOrder>",
};

pub fn run(variant: &str, seed: u64, tamper: Option<Tamper>) -> Result<Scene, PatternError> {
    let mut scene = Scene::new(
        seed,
        vec![
            party("carol", "delegator (A)"),
            party("alice", "delegate (B)"),
            party("bob", "target service (T)"),
        ],
    );
    // Alice knows Carol's certificate; Bob knows Carol only by their shared secret, and
    // Alice not at all: the delegation is what introduces her.
    scene.trust("alice", "carol");
    let secret = scene.random(32);
    scene.share_secret("carol", "bob", SECRET, &secret);
    scene.step(
        "carol",
        "Carol and Bob already share a secret",
        "Before anything is sent, Carol (the delegator) and Bob (the target service) agreed on a 256-bit secret, \
         known to them by the name carol-bob-secret. Bob trusts whatever this secret signs to come from Carol. \
         Alice (the delegate) has a key pair and a certificate, but Bob has never heard of her.",
        SpecRef::new("WS-Trust 1.4", APPENDIX),
        None,
    );

    let (token_text, token_id, ek_for_bob) = issue_token(&mut scene, &secret)?;
    send_delegation(&mut scene, &token_text, &token_id)?;

    // Alice asks for what the variant says; a dishonest Alice (exceed-rights) rewrites the
    // token to grant herself the right she lacks.
    let beyond = variant == "beyond-rights";
    let dishonest = tamper == Some(Tamper::ExceedRights);
    let request = if beyond || dishonest {
        &CANCEL_ORDER
    } else {
        &SUBMIT_ORDER
    };
    let carried = if dishonest {
        forge_right(&mut scene, &token_text, &token_id, request)?
    } else {
        token_text
    };
    let draft = purchase_order(&mut scene, request, &carried, &token_id, &ek_for_bob)?;

    scene.advance(1);
    let network_tamper = tamper.filter(|t| *t != Tamper::ExceedRights);
    let processed = scene.deliver("alice", "bob", draft.text(), network_tamper)?;
    let checks = target_checks(
        &processed.document,
        &processed.signatures,
        Some(scene.received_at()),
        Some(BOB_URI),
    );
    if establishes_delegate_identity(&checks) {
        // Alice's certificate travels in the message; the delegation token names it.
        scene.withdraw_checks(CheckKind::Finding {
            code: FindingCode::IdentityNotProven,
        });
    }
    for check in checks {
        scene.check(check);
    }
    scene.check(if scene.ledger.knows("bob", SESSION_KEY) {
        Check::pass(
            "session key",
            "Bob unwrapped the session key from the delegation token with his private key",
        )
    } else {
        Check::fail(
            "session key",
            "Bob could not recover the session key from the delegation token",
        )
    });
    let accepted = scene.pending_checks_pass();
    scene.step(
        "bob",
        if accepted {
            "Accept the order Alice placed for Carol"
        } else {
            "Deny the request"
        },
        if accepted {
            "Bob verifies the delegation token's HMAC with the secret he shares with Carol, so the token is Carol's and \
             unchanged. He unwraps the session key it carries, verifies Alice's HMAC over Body, Timestamp, Action and \
             token with it, and her endorsing RSA signature over that HMAC. The certificate that endorsed is the one \
             the token names, the token has not expired, it is meant for Bob, and the Action is one of the granted \
             rights: Bob accepts the purchase order as placed on Carol's behalf."
        } else {
            "At least one of Bob's checks fails (see the checks), so he refuses the request. A delegate can use a \
             delegation only for the rights written into it, only before it expires, and only with the key it names; \
             and it cannot change the token, because it does not know the secret that signs it."
        },
        SpecRef::new("WS-Trust 1.4", APPENDIX),
        scene.last_envelope(),
    );
    Ok(scene)
}

/// Carol makes the session key and the token. Returns the token's text, its id and the id of
/// the EncryptedKey inside it.
fn issue_token(
    scene: &mut Scene,
    secret: &crate::crypto::SecretBytes,
) -> Result<(String, String, String), PatternError> {
    let session = scene.random(32);
    scene.ledger.add(
        SESSION_KEY,
        session.clone(),
        "HMAC-SHA256",
        Provenance::Generated { by: "carol".into() },
        "carol",
    );
    let bob_cert = certificate(scene.party("bob")).clone();
    let alice_cert = certificate(scene.party("alice")).clone();
    let ek_id = scene.next_id("EK");
    scene.ledger.set_token(SESSION_KEY, &ek_id);
    let ek = encrypted_key_for(session.expose(), &bob_cert, &ek_id, &[], scene.rng())?;
    let token_id = scene.next_id("DT");
    let signature_id = scene.next_id("SIG");
    let expires = UtcDateTime {
        unix_seconds: scene.now().unix_seconds + 3600,
        nanos: 0,
    };
    let token = delegation_token::build(
        &TokenSpec {
            id: &token_id,
            signature_id: &signature_id,
            delegator: "urn:wskex:carol",
            delegate: &alice_cert,
            audience: BOB_URI,
            rights: &granted(),
            expires,
            session_key_xml: &ek.xml,
            secret_name: SECRET,
        },
        secret,
    )
    .map_err(internal)?;
    scene
        .layers
        .push(key_transport_layer(&ek_id, "bob", "dlg:SessionKey"));
    scene.layers.push(Layer::signature_created(
        &signature_id,
        SignatureAlgorithm::Hmac(DigestAlgorithm::Sha256).name(),
        SECRET,
        &[(&format!("#{token_id}"), "dlg:DelegationToken (enveloped)")],
    ));
    Ok((token, token_id, ek_id))
}

/// Steps 2 to 4: the RSTR to Alice with the token (step 2), the proof token and Carol's
/// signature (step 3); Alice receives it (step 4).
fn send_delegation(scene: &mut Scene, token: &str, token_id: &str) -> Result<(), PatternError> {
    let session = scene
        .ledger
        .get(SESSION_KEY)
        .ok_or_else(|| internal("no session key"))?
        .bytes
        .clone();
    let alice_cert = certificate(scene.party("alice")).clone();
    let proof_id = scene.next_id("EK");
    let proof = encrypted_key_for(session.expose(), &alice_cert, &proof_id, &[], scene.rng())?;
    let created = scene.now();
    let expires = UtcDateTime {
        unix_seconds: created.unix_seconds + 3600,
        nanos: 0,
    };
    let body_id = scene.next_id("Body");
    let rstr = format!(
        "<wst:RequestSecurityTokenResponse Context=\"{ctx}\"><wst:TokenType>{tt}</wst:TokenType>\
         <wst:RequestedSecurityToken>{token}</wst:RequestedSecurityToken>\
         <wst:RequestedAttachedReference>{reference}</wst:RequestedAttachedReference>\
         <wst:Lifetime><wsu:Created>{created}</wsu:Created><wsu:Expires>{expires}</wsu:Expires></wst:Lifetime>\
         </wst:RequestSecurityTokenResponse>",
        ctx = scene.uuid(),
        tt = delegation_token::TOKEN_TYPE,
        reference = str_reference(&format!("#{token_id}"), None),
    );
    let mut draft = Draft::envelope(
        "urn:wskex:alice",
        "http://docs.oasis-open.org/ws-sx/ws-trust/200512/RSTR/Issue",
        &body_id,
        &rstr,
    );
    let token_span: Vec<Span> = draft
        .document()?
        .descendants()
        .find(|n| n.has_name(delegation_token::DLG, "DelegationToken"))
        .map(|n| n.span())
        .into_iter()
        .collect();
    scene.step(
        "carol",
        "Write the delegation token and sign it with the shared secret",
        "Carol draws a fresh 256-bit session key and writes a delegation token (wskex's own format, \
         urn:wskex:delegation:2026): the delegator (Carol), the delegate (Alice's certificate, by its SHA-1 \
         thumbprint), the audience (Bob), the rights granted (submit-purchase-order, tied to its wsa:Action), an \
         expiry one hour ahead, and the session key wrapped for Bob with RSA-OAEP. She signs the whole token with \
         HMAC-SHA256 under the secret she shares with Bob, and puts it in an unsolicited RSTR for Alice as the \
         RequestedSecurityToken. Alice can carry the token but neither read the session key inside it nor change a \
         right: she knows neither Bob's private key nor the secret.",
        SpecRef::new(
            "WS-Trust 1.4",
            "Appendix I (delegated key transfer); XML Signature 6.6.4 Enveloped Signature Transform",
        ),
        draft.showing("carol", "alice", token_span),
    );

    draft.insert_proof_token(&proof.xml)?;
    scene.layers.push(key_transport_layer(
        &proof_id,
        "alice",
        "RequestedProofToken",
    ));
    scene.sign_body_and_timestamp(&mut draft, "carol", &body_id, "s:Body (the RSTR)")?;
    let env = draft.shown("carol", "alice");
    scene.step(
        "carol",
        "Give Alice the session key and sign the RSTR",
        "Carol adds the same session key wrapped for Alice (RSA-OAEP to her certificate) as the \
         RequestedProofToken, a Timestamp and her certificate, and signs Body and Timestamp with her X.509 key so \
         Alice knows the delegation is really Carol's. Alice will carry the token as is, so its own signature stays \
         intact wherever it goes.",
        SpecRef::new("WS-Trust 1.4", "4.4 Returning a Security Token; Appendix I"),
        env,
    );
    alice_reads_delegation(scene, &draft, &body_id)
}

/// Alice verifies Carol's RSTR and unwraps the session key, without learning the secret.
fn alice_reads_delegation(
    scene: &mut Scene,
    draft: &Draft,
    body_id: &str,
) -> Result<(), PatternError> {
    scene.advance(1);
    let processed = scene.deliver("carol", "alice", draft.text(), None)?;
    let from_carol = signed_with_identity_over(&processed, &format!("#{body_id}"));
    scene.check(if from_carol {
        Check::pass(
            "delegation origin",
            "the RSTR is signed by Carol's trusted certificate",
        )
    } else {
        Check::fail(
            "delegation origin",
            "no valid signature by Carol's certificate covers the RSTR",
        )
    });
    scene.check(if scene.ledger.knows("alice", SESSION_KEY) {
        Check::pass(
            "proof key",
            "Alice unwrapped the session key from the proof token",
        )
    } else {
        Check::fail("proof key", "Alice could not open the proof token")
    });
    scene.check(if scene.ledger.knows("alice", SECRET) {
        Check::fail(
            "delegator's secret",
            "Alice learned the Carol-Bob secret, which a delegation must never reveal",
        )
    } else {
        Check::pass(
            "delegator's secret",
            "Alice holds the session key but not the secret Carol shares with Bob",
        )
    });
    let accepted = scene.pending_checks_pass();
    scene.step(
        "alice",
        if accepted {
            "Verify the RSTR and unwrap the session key"
        } else {
            "Reject the delegation"
        },
        "Alice checks Carol's signature, then opens the proof token with her private key: she now shares the \
         session key with Carol (and, once he opens the token, with Bob). The token itself stays opaque to her: the \
         copy of the session key inside is wrapped for Bob, and the secret that signs it never left Carol and Bob.",
        SpecRef::new("WS-Trust 1.4", "4.4.3 Requested proof token; Appendix I"),
        scene.last_envelope(),
    );
    if !accepted {
        return Err(internal("the untampered delegation was rejected"));
    }
    Ok(())
}

/// The dishonest delegate's step: Alice writes the right she lacks into the token. She cannot
/// compute Carol's HMAC, so she signs with a secret of her own making; Bob's check of the
/// token is what must stop her.
fn forge_right(
    scene: &mut Scene,
    token: &str,
    token_id: &str,
    request: &Request,
) -> Result<String, PatternError> {
    let doc = Document::parse_str(token, "token").map_err(internal)?;
    let t = DelegationToken::find(&doc).ok_or_else(|| internal("no token"))?;
    let rights = t
        .node
        .child(delegation_token::DLG, "Rights")
        .ok_or_else(|| internal("no Rights"))?;
    let signature = t.signature.ok_or_else(|| internal("unsigned token"))?;
    let signature_id = signature
        .attribute("Id")
        .ok_or_else(|| internal("token signature without Id"))?
        .to_string();
    let at = rights
        .end_tag_span()
        .ok_or_else(|| internal("empty Rights"))?
        .start as usize;
    let added = format!(
        "<dlg:Right Action=\"{}\">{}</dlg:Right>",
        request.action, request.right
    );
    // The token without its signature, plus the forged right.
    let unsigned = doc
        .with_edits(&[Edit::insert(at, added), Edit::replace(signature.span(), "")])
        .map_err(internal)?;
    let guess = scene.random(32);
    let forged = delegation_token::sign_token(
        unsigned.document.text(),
        token_id,
        &signature_id,
        SECRET,
        &guess,
    )
    .map_err(internal)?;
    let forged_doc = Document::parse_str(&forged, "forged token").map_err(internal)?;
    let changed: Vec<Span> = forged_doc
        .descendants()
        .filter(|n| {
            (n.has_name(delegation_token::DLG, "Right")
                && n.attribute("Action") == Some(request.action))
                || n.has_name(ns::DS, "Signature")
        })
        .map(|n| n.span())
        .collect();
    scene.step(
        "alice",
        "Attack: use the delegation for an action it does not grant",
        "A dishonest Alice wants to cancel an order, a right Carol did not give her. She adds a \
         cancel-purchase-order Right to the token and, not knowing the Carol-Bob secret, signs the changed token \
         with a secret of her own under the same KeyName. Everything else in her request will be correctly signed. \
         Bob's checks must catch it.",
        SpecRef::new("WS-Security 1.1", "13 Security Considerations"),
        Some(Envelope {
            from: "alice".into(),
            to: "bob".into(),
            text: forged.as_str().into(),
            changed,
        }),
    );
    Ok(forged)
}

/// Steps 5 and 6: Alice's request, signed with the session key and endorsed with her X.509
/// key, carrying the token verbatim.
fn purchase_order(
    scene: &mut Scene,
    request: &Request,
    token: &str,
    token_id: &str,
    ek_for_bob: &str,
) -> Result<Draft, PatternError> {
    let session = scene
        .ledger
        .get(SESSION_KEY)
        .ok_or_else(|| internal("no session key"))?
        .bytes
        .clone();
    let body_id = scene.next_id("Body");
    let action_id = scene.next_id("Action");
    let mut draft = Draft::envelope(BOB_URI, request.action, &body_id, request.body);
    // The Action says what is asked, so the rights check needs it signed: give it an id.
    let action = draft
        .document()?
        .descendants()
        .find(|n| n.has_name(ns::WSA, "Action"))
        .and_then(|n| n.start_tag_span())
        .ok_or_else(|| internal("no wsa:Action"))?;
    draft.replace(action, &format!("<wsa:Action wsu:Id=\"{action_id}\">"))?;
    let (ts_id, ts) = scene.timestamp_xml(300);
    draft.prepend_security(&ts)?;
    let bst_id = scene.next_id("X509");
    draft.prepend_security(&bst_xml(&bst_id, certificate(scene.party("alice")))?)?;
    draft.prepend_security(token)?;
    let primary_id = scene.next_id("SIG");
    let references = [
        format!("#{body_id}"),
        format!("#{ts_id}"),
        format!("#{action_id}"),
        format!("#{token_id}"),
    ];
    let reference_refs: Vec<&str> = references.iter().map(String::as_str).collect();
    draft.sign(
        &primary_id,
        SignatureAlgorithm::Hmac(DigestAlgorithm::Sha256),
        SigningKey::Hmac(session.expose()),
        &reference_refs,
        &str_reference(&format!("#{ek_for_bob}"), Some(uris::ENCRYPTED_KEY_TOKEN)),
    )?;
    scene.layers.push(Layer::signature_created(
        &primary_id,
        SignatureAlgorithm::Hmac(DigestAlgorithm::Sha256).name(),
        SESSION_KEY,
        &[
            (&references[0], "s:Body"),
            (&references[1], "wsu:Timestamp"),
            (&references[2], "wsa:Action"),
            (&references[3], "dlg:DelegationToken"),
        ],
    ));
    let env = draft.shown("alice", "bob");
    scene.step(
        "alice",
        "Sign the order with the session key",
        "Alice builds her request to Bob: the order in the Body, the wsa:Action naming what she asks for, a \
         Timestamp, her certificate, and the delegation token exactly as Carol wrote it. She signs Body, Timestamp, \
         Action and token with HMAC-SHA256 under the session key, naming the key by the EncryptedKey inside the \
         token: only Bob can open that, and only a holder of the session key (Carol or Alice) can have made the \
         HMAC.",
        SpecRef::new("WS-Security 1.1", "8 Signatures; WS-Trust 1.4 Appendix I"),
        env,
    );
    scene.sign_with_certificate(
        &mut draft,
        "alice",
        &bst_id,
        &[(&format!("#{primary_id}"), "ds:Signature (the HMAC)")],
    )?;
    let env = draft.shown("alice", "bob");
    scene.step(
        "alice",
        "Endorse the signature with her own key",
        "The session key proves the request comes from someone Carol gave it to, but Carol holds it too. Alice adds an \
         endorsing signature with her X.509 key over the HMAC signature: it proves the holder of the delegate's \
         certificate, the one the token names, made this request.",
        SpecRef::new("WS-SecurityPolicy 1.3", "Endorsing supporting tokens; WS-Trust 1.4 Appendix I"),
        env,
    );
    Ok(draft)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patterns::parties::private_key;

    fn failed(scene: &Scene) -> Vec<String> {
        scene
            .steps
            .iter()
            .flat_map(|s| s.snapshot.checks.iter())
            .filter(|c| !c.ok)
            .map(|c| format!("{}: {}", c.name, c.reason))
            .collect()
    }

    #[test]
    fn within_rights_every_check_passes_and_alice_never_learns_the_secret() {
        let scene = run("within-rights", 1, None).unwrap();
        assert!(failed(&scene).is_empty(), "{:#?}", failed(&scene));
        let ledger = &scene.ledger;
        for party in ["carol", "alice", "bob"] {
            assert!(ledger.knows(party, SESSION_KEY), "{party}");
        }
        assert!(ledger.knows("carol", SECRET) && ledger.knows("bob", SECRET));
        assert!(!ledger.knows("alice", SECRET));
        let last = scene.steps.last().unwrap();
        assert_eq!(last.actor, "bob");
        for name in [
            "delegation signature",
            "named delegate",
            "delegation expiry",
            "delegation audience",
            "delegated right",
            "session key",
        ] {
            assert!(
                last.snapshot.checks.iter().any(|c| c.name == name && c.ok),
                "{name}"
            );
        }
    }

    #[test]
    fn beyond_rights_is_denied_by_the_rights_check_alone() {
        let scene = run("beyond-rights", 1, None).unwrap();
        let failed = failed(&scene);
        assert_eq!(failed.len(), 1, "{failed:#?}");
        assert!(failed[0].starts_with("delegated right:"), "{failed:#?}");
        assert!(failed[0].contains("cancel") || failed[0].contains("Cancel"));
    }

    #[test]
    fn a_delegate_that_forges_a_right_fails_the_token_signature_and_the_rights_check() {
        let scene = run("within-rights", 1, Some(Tamper::ExceedRights)).unwrap();
        let failed = failed(&scene);
        assert!(
            failed
                .iter()
                .any(|f| f.starts_with("delegation signature:")),
            "{failed:#?}"
        );
        assert!(
            failed.iter().any(|f| f.starts_with("delegated right:")),
            "{failed:#?}"
        );
    }

    #[test]
    fn an_expired_delegation_is_refused() {
        let scene = run("within-rights", 1, Some(Tamper::Replay)).unwrap();
        let failed = failed(&scene);
        assert!(
            failed.iter().any(|f| f.starts_with("delegation expiry:")),
            "{failed:#?}"
        );
    }

    #[test]
    fn another_certificate_cannot_use_the_delegation() {
        // Mallory got hold of the session key (say Alice leaked it) and endorses Alice's HMAC
        // with her own certificate: every signature verifies, and the named-delegate check must
        // still refuse.
        let mut scene = run("within-rights", 1, None).unwrap();
        let request = scene.messages.last().unwrap().text.clone();
        let doc = Document::parse_str(&request, "request").unwrap();
        let security = doc
            .descendants()
            .find(|n| n.has_name(ns::WSSE, "Security"))
            .unwrap();
        let mut signatures = security
            .child_elements()
            .filter(|n| n.has_name(ns::DS, "Signature"));
        let endorsing = signatures.next().unwrap();
        let primary_id = signatures
            .next()
            .unwrap()
            .attribute("Id")
            .unwrap()
            .to_string();
        let span = endorsing.span();
        let mut draft = Draft::from_text(request.to_string());
        draft.replace(span, "").unwrap();
        let mallory = party("mallory", "attacker");
        draft
            .prepend_security(&bst_xml("X509-M", certificate(&mallory)).unwrap())
            .unwrap();
        draft
            .sign(
                "SIG-M",
                SignatureAlgorithm::Rsa(DigestAlgorithm::Sha256),
                SigningKey::Rsa(private_key(&mallory).pkey()),
                &[&format!("#{primary_id}")],
                &str_reference("#X509-M", Some(uris::X509V3)),
            )
            .unwrap();
        let now = scene.now();
        let processed = scene.receive("bob", draft.text(), now).unwrap();
        assert!(
            processed.signatures.iter().all(|s| s.valid),
            "every signature verifies"
        );
        let checks = target_checks(
            &processed.document,
            &processed.signatures,
            Some(now),
            Some(BOB_URI),
        );
        let delegate = checks.iter().find(|c| c.name == "named delegate").unwrap();
        assert!(!delegate.ok, "{delegate:?}");
        assert!(
            checks
                .iter()
                .filter(|c| c.name != "named delegate")
                .all(|c| c.ok),
            "{checks:#?}"
        );
    }
}
