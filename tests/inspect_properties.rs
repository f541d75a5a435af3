//! The receiving processor on mangled captures: whatever the bytes, it reports and never
//! panics (captures come from the outside world).

mod common;

use proptest::prelude::*;
use wskex::audit::conversation::inspect_conversation;
use wskex::audit::load_bytes;
use wskex::crypto::KeyStore;
use wskex::wss::processor::ProcessOptions;

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
        for (at, byte, op) in edits {
            if bytes.is_empty() { break; }
            let at = at % bytes.len();
            match op {
                0 => bytes[at] = byte,
                1 => { bytes.remove(at); }
                _ => {
                    const SPECIAL: &[u8] = b"<>&;:=\"'/#xAZ+ \n";
                    bytes.insert(at, SPECIAL[byte as usize % SPECIAL.len()]);
                }
            }
        }
        if let Ok(messages) = load_bytes(bytes, "mangled") {
            let result = inspect_conversation(&messages, &keys, Vec::new(), &ProcessOptions::default());
            prop_assert_eq!(result.messages.len(), messages.len());
        }
    }
}
