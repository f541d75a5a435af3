//! Pattern identification: every walkthrough's conversation folder is identified as its own
//! pattern and variant, with evidence, and so are the shared captures whose manifest names one.

mod common;

use std::path::Path;

use common::{shared_dir, wskex};
use serde_json::Value;
use wskex::patterns::CATALOG;

const CAROL_BOB_SECRET: &str =
    "carol-bob-secret=hex:68b9e3cba819ce27c214b99a7d4331a463e7fa3e731be9a2f881dfa29384dead";

/// `inspect --format json` of `paths` with `extra` arguments; the `patterns` array.
fn patterns_of(paths: &[&Path], extra: &[&str]) -> Vec<Value> {
    let out = wskex()
        .arg("inspect")
        .args(paths)
        .args(extra)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{paths:?}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    json["patterns"].as_array().cloned().unwrap_or_default()
}

fn every_sample_key() -> Vec<String> {
    let keys = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/keys");
    let mut args = Vec::new();
    for party in ["alice", "bob", "sts", "carol"] {
        args.push("--key".to_string());
        args.push(keys.join(format!("{party}.key.pem")).display().to_string());
        args.push("--cert".to_string());
        args.push(keys.join(format!("{party}.cert.pem")).display().to_string());
    }
    args.push("--key-name".into());
    args.push(CAROL_BOB_SECRET.into());
    args
}

fn names(p: &Value) -> (String, String) {
    (
        p["name"].as_str().unwrap_or("").to_string(),
        p["variant"].as_str().unwrap_or("").to_string(),
    )
}

fn messages(p: &Value) -> Vec<u64> {
    p["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_u64().unwrap())
        .collect()
}

#[test]
fn every_walkthrough_folder_is_identified_as_its_own_pattern_and_variant() {
    let keys = every_sample_key();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    for info in CATALOG {
        for variant in info.variants {
            let dir = tempfile::tempdir().unwrap();
            let out = wskex()
                .args(["walk", info.name, "--variant", variant, "--seed", "3"])
                .arg("--out")
                .arg(dir.path().join("c"))
                .output()
                .unwrap();
            // beyond-rights fails its own delegation check by design (exit 1).
            assert!(
                out.status.code().is_some_and(|c| c < 2),
                "walk {} {variant}",
                info.name
            );
            let patterns = patterns_of(&[&dir.path().join("c")], &keys);
            let best = &patterns[0];
            assert_eq!(
                names(best),
                (info.name.to_string(), variant.to_string()),
                "{} {variant}: {patterns:#?}",
                info.name
            );
            let evidence = best["evidence"].as_array().unwrap();
            assert!(!evidence.is_empty(), "{} {variant}", info.name);
            let count = std::fs::read_dir(dir.path().join("c"))
                .unwrap()
                .filter(|e| e.as_ref().unwrap().path().extension() == Some("xml".as_ref()))
                .count() as u64;
            assert_eq!(
                messages(best),
                (1..=count).collect::<Vec<_>>(),
                "{} {variant}: every message takes part",
                info.name
            );
        }
    }
}

#[test]
fn an_encrypted_body_that_stays_closed_is_named_as_what_is_missing() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/brokered/encrypted-key");
    let patterns = patterns_of(&[&dir], &[]);
    let best = &patterns[0];
    assert_eq!(names(best).0, "brokered", "{patterns:#?}");
    assert!(
        best["variant"].is_null(),
        "no variant without the RSTR's proof"
    );
    let evidence = best["evidence"].to_string();
    assert!(evidence.contains("message 1: the Body is encrypted and was not opened"));
}

#[test]
fn a_plain_signed_message_is_unknown_with_what_is_missing() {
    let walk = tempfile::tempdir().unwrap();
    let path = walk.path().join("plain.xml");
    std::fs::write(
        &path,
        "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body><x/></s:Body></s:Envelope>",
    )
    .unwrap();
    let patterns = patterns_of(&[&path], &[]);
    assert_eq!(patterns.len(), 1);
    assert_eq!(names(&patterns[0]).0, "unknown");
    let evidence = patterns[0]["evidence"].to_string();
    assert!(evidence.contains("no WS-Trust RST"), "{evidence}");
    assert!(evidence.contains("no delegation token"), "{evidence}");
}

/// A conversation of captures and what it must be identified as.
struct Case {
    files: Vec<&'static str>,
    keys: Vec<String>,
    name: &'static str,
    variant: &'static str,
    messages: Vec<u64>,
    /// A further pattern expected after the best one.
    also: Option<&'static str>,
}

/// Conversations of the shared captures whose manifest names a key exchange pattern.
#[test]
fn shared_captures_are_identified_as_their_manifest_says() {
    let Some(shared) = shared_dir("shared_captures_are_identified_as_their_manifest_says") else {
        return;
    };
    let c = shared.join("captures");
    let key = |name: &str| c.join("keys").join(name).display().to_string();
    let cases: Vec<Case> = vec![
        // S01-S04: WCF SCT issuance with combined entropy, then the service request.
        Case {
            files: vec!["corewcf"],
            keys: vec![],
            name: "brokered",
            variant: "computed-key",
            messages: vec![1, 2, 3],
            also: None,
        },
        // S01 alone: the RST asks an issuer; the answer is missing.
        Case {
            files: vec!["corewcf/rst_request.xml"],
            keys: vec![],
            name: "brokered",
            variant: "",
            messages: vec![1],
            also: None,
        },
        // S05-S07: an RST bootstrapped with an EncryptedKey, answered by an RSTR keyed by its
        // EncryptedKeySHA1 carrying an SCT, then the SCT in use.
        Case {
            files: vec![
                "rampart/rst04.xml",
                "rampart/rstr04.xml",
                "rampart/req04.xml",
            ],
            keys: vec!["--key".into(), key("rampart2008-service.key.pem")],
            name: "brokered",
            variant: "",
            messages: vec![1, 2, 3],
            also: Some("request-reply"),
        },
        // S11/S12 and S13/S14: authenticated request/reply key transfer.
        Case {
            files: vec!["rampart/req05.xml", "rampart/res05.xml"],
            keys: vec!["--key".into(), key("rampart2009-service.key.pem")],
            name: "request-reply",
            variant: "",
            messages: vec![1, 2],
            also: Some("brokered"),
        },
        Case {
            files: vec!["rampart/req09.xml", "rampart/res09.xml"],
            keys: vec!["--key".into(), key("rampart2009-service.key.pem")],
            name: "request-reply",
            variant: "",
            messages: vec![1, 2],
            also: None,
        },
        // S16: a plain X.509 signature transfers no key.
        Case {
            files: vec!["cxf/signed_x509_direct_ref.xml"],
            keys: vec![],
            name: "unknown",
            variant: "",
            messages: vec![1],
            also: None,
        },
    ];
    for Case {
        files,
        keys,
        name,
        variant,
        messages: expected_messages,
        also,
    } in cases
    {
        let paths: Vec<_> = files.iter().map(|f| c.join(f)).collect();
        let paths: Vec<&Path> = paths.iter().map(|p| p.as_path()).collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let patterns = patterns_of(&paths, &keys);
        assert_eq!(
            names(&patterns[0]),
            (name.to_string(), variant.to_string()),
            "{files:?}: {patterns:#?}"
        );
        assert_eq!(messages(&patterns[0]), expected_messages, "{files:?}");
        if let Some(also) = also {
            assert!(
                patterns[1..].iter().any(|p| names(p).0 == also),
                "{files:?}: {also} expected among {patterns:#?}"
            );
        }
    }
}

/// Readable text (issue 11 item 9): a computed key's line states its size once; the formula
/// names the KeySize the parties asked for, the parenthesis the size of the key itself.
#[test]
fn a_computed_key_line_states_its_size_once() {
    let out = wskex()
        .arg("inspect")
        .arg("samples/brokered/computed-key")
        .args(every_sample_key())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("= ComputedKey P_SHA-1("))
        .unwrap_or_else(|| panic!("no computed key line:\n{text}"));
    assert_eq!(line.matches("256 bits").count(), 1, "{line}");
    assert!(line.contains("with KeySize 256"), "{line}");
}
