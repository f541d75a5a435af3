//! Every command on mangled messages in every supported encoding: whatever the bytes, a
//! report or an error, never a panic. The re-check after re-indentation once re-parsed the
//! decoded text of a UTF-16 document as if it were still UTF-16 and panicked (issue 8, item 6).

mod common;

use std::path::{Path, PathBuf};

use clap::Parser;
use proptest::prelude::*;
use wskex::cli::{Cli, CliError, Outcome, run};

/// The encodings `src/xml/encoding.rs` reads, each with the declaration it would carry.
#[derive(Debug, Clone, Copy)]
enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16LeBom,
    Utf16BeBom,
    Latin1,
}

const ENCODINGS: [Encoding; 5] = [
    Encoding::Utf8,
    Encoding::Utf8Bom,
    Encoding::Utf16LeBom,
    Encoding::Utf16BeBom,
    Encoding::Latin1,
];

/// `text` (an XML document without declaration) as bytes in `encoding`, declared.
fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
    let declared = |name: &str| format!("<?xml version=\"1.0\" encoding=\"{name}\"?>{text}");
    match encoding {
        Encoding::Utf8 => declared("UTF-8").into_bytes(),
        Encoding::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], declared("UTF-8").as_bytes()].concat(),
        Encoding::Utf16LeBom => [0xFF, 0xFE]
            .into_iter()
            .chain(declared("UTF-16").encode_utf16().flat_map(u16::to_le_bytes))
            .collect(),
        Encoding::Utf16BeBom => [0xFE, 0xFF]
            .into_iter()
            .chain(declared("UTF-16").encode_utf16().flat_map(u16::to_be_bytes))
            .collect(),
        Encoding::Latin1 => declared("ISO-8859-1")
            .chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
            .collect(),
    }
}

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

/// Signed and encrypted messages of the walkthroughs, with keys that open them.
const MESSAGES: [&str; 3] = [
    "direct/default/01-alice-bob.xml",
    "request-reply/encrypt-then-sign/01-alice-bob.xml",
    "request-reply/sign-then-encrypt/01-alice-bob.xml",
];

fn key_args() -> Vec<String> {
    let keys = samples().join("keys");
    let path = |name: &str| keys.join(name).to_string_lossy().into_owned();
    vec![
        "--key".into(),
        path("bob.key.pem"),
        "--cert".into(),
        path("alice.cert.pem"),
    ]
}

/// Runs `wskex COMMAND FILE ARGS...` in-process, as `main` does.
fn wskex(command: &str, file: &Path, args: &[String]) -> Result<Outcome, CliError> {
    let mut argv = vec![
        "wskex".to_string(),
        command.to_string(),
        file.to_string_lossy().into_owned(),
    ];
    argv.extend_from_slice(args);
    let cli = Cli::try_parse_from(argv).expect("valid arguments");
    run(cli, &mut Vec::new(), &mut Vec::new())
}

/// Every command the issue names, each with the arguments it takes.
fn run_every_command(file: &Path) {
    let keys = key_args();
    let _ = wskex("inspect", file, &keys);
    let _ = wskex(
        "inspect",
        file,
        &[keys.clone(), vec!["--format".into(), "json".into()]].concat(),
    );
    let _ = wskex("verify", file, &keys);
    let _ = wskex("decrypt", file, &keys);
    let _ = wskex("c14n", file, &[]);
    let _ = wskex("c14n", file, &["--exclusive".to_string()]);
}

#[test]
fn an_intact_message_inspects_the_same_in_every_encoding() {
    let dir = tempfile::tempdir().unwrap();
    for message in MESSAGES {
        let text = std::fs::read_to_string(samples().join(message)).unwrap();
        for encoding in ENCODINGS {
            let file = dir.path().join("m.xml");
            std::fs::write(&file, encode(&text, encoding)).unwrap();
            let outcome = wskex("inspect", &file, &key_args());
            assert!(
                matches!(outcome, Ok(Outcome::Success)),
                "{message} in {encoding:?}: {outcome:?}"
            );
        }
    }
}

/// The exact input that panicked (exit 101): a UTF-16 document whose signature fails, so
/// that the repairs for re-indented captures are tried.
#[test]
fn a_utf16_document_with_an_invalid_signature_is_reported_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(samples().join(MESSAGES[0]))
        .unwrap()
        .replacen("Context=\"urn:uuid:37", "Context=\"urn:uuid:47", 1);
    for encoding in [Encoding::Utf16LeBom, Encoding::Utf16BeBom] {
        let file = dir.path().join("utf16.xml");
        std::fs::write(&file, encode(&text, encoding)).unwrap();
        let out = common::wskex()
            .arg("inspect")
            .arg(&file)
            .args(key_args())
            .args(["--format", "json"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{encoding:?}: {stderr}");
        assert_eq!(out.status.code(), Some(1), "{encoding:?}: {stderr}");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let message = &json["messages"][0];
        assert_eq!(message["ok"], false);
        let signature = &message["signatures"][0];
        assert_eq!(signature["valid"], false, "{signature}");
        assert!(
            message["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["code"] == "signature-invalid"
                    && f["message"].as_str().unwrap().contains("#Body-1")),
            "{message}"
        );

        let text_out = common::wskex()
            .arg("inspect")
            .arg(&file)
            .args(key_args())
            .output()
            .unwrap();
        assert_eq!(text_out.status.code(), Some(1));
        let report = String::from_utf8_lossy(&text_out.stdout);
        assert!(
            report.contains("signature SIG-1 at line 1 (rsa-sha256): INVALID"),
            "{report}"
        );
        assert!(report.contains("verdict: CHECKS FAILED"), "{report}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Mangled before encoding (the document decodes, the XML or base64 is broken) or after
    /// (the encoding itself is broken), through inspect, verify, decrypt and c14n.
    #[test]
    fn mangled_messages_in_every_encoding_never_panic(
        which in 0..MESSAGES.len(),
        encoding in 0..ENCODINGS.len(),
        after_encoding in any::<bool>(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 1..6),
    ) {
        let mut text = std::fs::read(samples().join(MESSAGES[which])).unwrap();
        let bytes = if after_encoding {
            let mut bytes = encode(&String::from_utf8_lossy(&text), ENCODINGS[encoding]);
            common::mangle(&mut bytes, &edits);
            bytes
        } else {
            common::mangle(&mut text, &edits);
            encode(&String::from_utf8_lossy(&text), ENCODINGS[encoding])
        };
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("mangled.xml");
        std::fs::write(&file, bytes).unwrap();
        run_every_command(&file);
    }
}
