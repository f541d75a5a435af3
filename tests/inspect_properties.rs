//! The receiving processor on mangled captures: whatever the bytes, it reports and never
//! panics (captures come from the outside world).

mod common;

use proptest::prelude::*;
use wskex::audit::conversation::inspect_conversation;
use wskex::audit::load_bytes;
use wskex::crypto::KeyStore;
use wskex::receive::ProcessOptions;

fn captures() -> Option<(Vec<Vec<u8>>, KeyStore)> {
    let shared = common::shared_dir("inspect properties")?;
    let dir = shared.join("captures");
    let files = [
        "rampart/rst04.xml",
        "cxf/encrypted_body_content_signed.xml",
        "wss4j16/g3_ek_oaep_dk_hmac_aes128.xml",
        "corewcf/rstr_response.xml",
    ];
    let bytes = files
        .iter()
        .map(|f| std::fs::read(dir.join(f)).unwrap())
        .collect();
    let mut keys = KeyStore::new();
    for k in ["rampart2008-service.key.pem", "cxf-myalias.key.pem"] {
        keys.add_key_file(&dir.join("keys").join(k), None).unwrap();
    }
    Some((bytes, keys))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn mangled_captures_never_panic(
        which in 0usize..4,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 1..6),
    ) {
        let Some((files, keys)) = captures() else { return Ok(()) };
        let mut bytes = files[which].clone();
        common::mangle(&mut bytes, &edits);
        if let Ok(messages) = load_bytes(bytes, "mangled") {
            let result = inspect_conversation(&messages, &keys, Vec::new(), &ProcessOptions::default());
            prop_assert_eq!(result.messages.len(), messages.len());
        }
    }
}

/// The delegation walkthrough's request (a custom header block with a nested EncryptedKey and
/// signature, the delegation checks) with the target's keys.
fn delegated_request() -> (Vec<u8>, KeyStore) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let bytes = std::fs::read(root.join("delegated/within-rights/02-alice-bob.xml")).unwrap();
    let mut keys = KeyStore::new();
    keys.add_key_file(&root.join("keys/bob.key.pem"), None)
        .unwrap();
    keys.add_cert_file(&root.join("keys/alice.cert.pem"))
        .unwrap();
    let secret =
        hex::decode("68b9e3cba819ce27c214b99a7d4331a463e7fa3e731be9a2f881dfa29384dead").unwrap();
    keys.add_named_secret(
        "carol-bob-secret",
        wskex::crypto::SecretBytes::new(secret),
        "test",
    );
    (bytes, keys)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_mangled_delegated_request_never_panics(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 1..6),
    ) {
        let (mut bytes, keys) = delegated_request();
        common::mangle(&mut bytes, &edits);
        if let Ok(messages) = load_bytes(bytes, "mangled") {
            let result = inspect_conversation(&messages, &keys, Vec::new(), &ProcessOptions::default());
            let steps = wskex::audit::steps::conversation_steps(&messages, &result);
            prop_assert_eq!(steps.len(), messages.len());
        }
    }
}
