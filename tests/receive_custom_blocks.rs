//! A custom header block (a stand-in for wskex's delegation token) that carries an
//! EncryptedKey and its own signature, built with the walkthroughs' message drafts and
//! processed by the receiver: the receiver's handling of blocks it does not know.

use wskex::crypto::signature::SigningKey;
use wskex::crypto::{DigestAlgorithm, KeyStore, SeededRandom, SignatureAlgorithm};
use wskex::patterns::draft::{Draft, encrypted_key_for, str_reference};
use wskex::patterns::parties::{certificate, party, private_key};
use wskex::receive::finding_code::FindingCode;
use wskex::receive::resolver::NoAttachments;
use wskex::receive::store::TokenStore;
use wskex::receive::{ProcessOptions, process_message};
use wskex::xml::Document;

/// A custom header block (here a stand-in for wskex's delegation token) carrying an
/// EncryptedKey and its own signature: the key is registered so an STR can name it, the
/// signature is verified, and a receiver who cannot open the key gets a warning for the
/// block and a failed signature, not a crash or a silent pass.
#[test]
fn keys_and_signatures_inside_unknown_header_blocks_are_processed() {
    let bob = party("bob", "receiver");
    let alice = party("alice", "bystander");
    let key = [9u8; 32];
    let ek = encrypted_key_for(
        &key,
        certificate(&bob),
        "EK-9",
        &[],
        &mut SeededRandom::new(3),
    )
    .unwrap();
    let mut draft = Draft::envelope(
        "urn:bob",
        "urn:act",
        "Body-1",
        "<ex:Hi xmlns:ex=\"urn:x\"/>",
    );
    draft
        .prepend_security(&format!(
            "<x:Custom xmlns:x=\"urn:x\">{}</x:Custom>",
            ek.xml
        ))
        .unwrap();
    draft
        .sign(
            "SIG-1",
            SignatureAlgorithm::Hmac(DigestAlgorithm::Sha256),
            SigningKey::Hmac(&key),
            &["#Body-1"],
            &str_reference("#EK-9", Some(wskex::wss::uris::ENCRYPTED_KEY_TOKEN)),
        )
        .unwrap();
    for (who, expect) in [(&bob, true), (&alice, false)] {
        let mut keys = KeyStore::new();
        keys.add_private_key(private_key(who).clone());
        keys.add_certificate(certificate(who).clone());
        let processed = process_message(
            Document::parse_str(draft.text(), "test").unwrap(),
            0,
            &keys,
            &mut TokenStore::default(),
            &ProcessOptions::default(),
            &NoAttachments,
        );
        assert_eq!(processed.signatures.len(), 1);
        assert_eq!(processed.signatures[0].valid, expect, "{}", who.name);
        assert!(
            processed.tokens.iter().any(|t| t.kind == "EncryptedKey"
                && t.id.as_deref() == Some("EK-9")
                && t.detail.contains("x:Custom")),
            "{:?}",
            processed.tokens
        );
        let warned = processed
            .findings
            .iter()
            .any(|f| f.code == FindingCode::NestedKeyUnavailable);
        assert_eq!(warned, !expect, "{}", who.name);
    }
}
