//! `wskex export`: annotated XML that gives the input back byte for byte once the comments are
//! removed, gets the same verdicts in wskex (and in xmlsec1), shows no key value unless asked,
//! and refuses what it cannot annotate honestly.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{shared_dir, tool_available, wskex};
use wskex::export::strip_bytes;

fn sample_keys() -> Vec<String> {
    let keys = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/keys");
    let mut args = Vec::new();
    for party in ["alice", "bob", "sts", "carol"] {
        args.push("--key".to_string());
        args.push(keys.join(format!("{party}.key.pem")).display().to_string());
        args.push("--cert".to_string());
        args.push(keys.join(format!("{party}.cert.pem")).display().to_string());
    }
    args.push("--key-name".into());
    args.push(
        "carol-bob-secret=hex:68b9e3cba819ce27c214b99a7d4331a463e7fa3e731be9a2f881dfa29384dead"
            .into(),
    );
    args
}

fn samples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut dirs = Vec::new();
    for pattern in ["direct", "brokered", "delegated", "request-reply"] {
        for entry in std::fs::read_dir(root.join(pattern)).unwrap() {
            dirs.push(entry.unwrap().path());
        }
    }
    dirs.sort();
    dirs
}

fn xml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    files
}

fn run(args: &[&str], paths: &[&Path], extra: &[String]) -> Output {
    wskex().args(args).args(paths).args(extra).output().unwrap()
}

#[test]
fn every_sample_round_trips_with_the_same_verdict_and_no_key_value() {
    let keys = sample_keys();
    for dir in samples() {
        let out = tempfile::tempdir().unwrap();
        let target = out.path().join("x");
        let exported = wskex()
            .arg("export")
            .arg(&dir)
            .args(&keys)
            .arg("-o")
            .arg(&target)
            .output()
            .unwrap();
        let inspected = run(&["inspect"], &[&dir], &keys);
        assert_eq!(
            exported.status.code(),
            inspected.status.code(),
            "{}: {}",
            dir.display(),
            String::from_utf8_lossy(&exported.stderr)
        );
        let key_values = std::fs::read_to_string(dir.join("keys.json")).unwrap();
        let values: Vec<String> =
            serde_json::from_str::<serde_json::Value>(&key_values).unwrap()["keys"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|k| k["hex"].as_str().map(str::to_string))
                .collect();
        assert!(!values.is_empty());
        for input in xml_files(&dir) {
            let written = std::fs::read(target.join(input.file_name().unwrap())).unwrap();
            let original = std::fs::read(&input).unwrap();
            assert_ne!(written, original, "{}: annotated", input.display());
            assert_eq!(strip_bytes(&written), original, "{}", input.display());
            let text = String::from_utf8(written).unwrap();
            assert!(text.contains("<!--wskex: message "), "{}", input.display());
            for v in &values {
                assert!(!text.contains(v.as_str()), "{}: key value", input.display());
            }
        }
        // The annotated folder, inspected with the same keys, passes or fails as the input did.
        let again = run(&["inspect"], &[&target], &keys);
        assert_eq!(
            again.status.code(),
            inspected.status.code(),
            "{}",
            dir.display()
        );
    }
}

#[test]
fn revealed_exports_carry_key_values_in_owner_only_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/request-reply/encrypt-then-sign");
    let out = tempfile::tempdir().unwrap();
    let mut args = sample_keys();
    args.push("--reveal-secrets".into());
    let exported = wskex()
        .arg("export")
        .arg(&dir)
        .args(&args)
        .arg("-o")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(exported.status.success());
    let written = out.path().join("01-alice-bob.xml");
    let text = std::fs::read_to_string(&written).unwrap();
    let keys: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("keys.json")).unwrap()).unwrap();
    let some_value = keys["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|k| k["hex"].as_str())
        .any(|v| text.contains(v));
    assert!(some_value, "a revealed export names the key values");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&written).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn annotated_input_twin_names_and_overwriting_the_input_are_refused() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/direct/default");
    let out = tempfile::tempdir().unwrap();
    let first = out.path().join("first");
    assert!(
        run(
            &["export"],
            &[&dir],
            &["-o".into(), first.display().to_string()]
        )
        .status
        .code()
        .is_some_and(|c| c < 2)
    );
    let again = run(
        &["export"],
        &[&first],
        &["-o".into(), out.path().join("second").display().to_string()],
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds <!--wskex:"));
    assert!(!out.path().join("second").exists(), "nothing written");

    let twin = out.path().join("twin");
    std::fs::create_dir(&twin).unwrap();
    std::fs::copy(dir.join("01-alice-bob.xml"), twin.join("01-alice-bob.xml")).unwrap();
    let twins = run(
        &["export"],
        &[
            &dir.join("01-alice-bob.xml"),
            &twin.join("01-alice-bob.xml"),
        ],
        &["-o".into(), out.path().join("third").display().to_string()],
    );
    assert_eq!(twins.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&twins.stderr).contains("two inputs are named"));

    let copy = out.path().join("copy");
    std::fs::create_dir(&copy).unwrap();
    let input = copy.join("01-alice-bob.xml");
    std::fs::copy(dir.join("01-alice-bob.xml"), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    let onto_itself = run(
        &["export"],
        &[&input],
        &["-o".into(), copy.display().to_string()],
    );
    assert_eq!(onto_itself.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&onto_itself.stderr).contains("would overwrite its input"));
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

#[test]
fn a_utf16_message_is_annotated_in_utf16() {
    let source =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/direct/default/01-alice-bob.xml");
    let text = std::fs::read_to_string(source).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("m.xml");
    std::fs::write(&input, &utf16).unwrap();
    let keys = sample_keys();
    let inspected = run(&["inspect"], &[&input], &keys);
    let exported = run(
        &["export"],
        &[&input],
        &[
            keys.clone(),
            vec!["-o".into(), dir.path().join("out").display().to_string()],
        ]
        .concat(),
    );
    assert_eq!(
        exported.status.code(),
        inspected.status.code(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    let written = std::fs::read(dir.path().join("out/m.xml")).unwrap();
    assert_eq!(&written[..2], &[0xFF, 0xFE]);
    assert_eq!(strip_bytes(&written), utf16);
    let units: Vec<u16> = written[2..]
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    assert!(
        String::from_utf16(&units)
            .unwrap()
            .contains("<!--wskex: message 1 of 1")
    );
}

fn xmlsec1_verifies(file: &Path, cert: &Path) -> bool {
    let mut cmd = Command::new("xmlsec1");
    cmd.arg("--verify");
    for element in [
        "Body",
        "Timestamp",
        "Action",
        "BinarySecurityToken",
        "EncryptedKey",
    ] {
        cmd.arg("--id-attr:Id").arg(element);
    }
    cmd.arg("--pubkey-cert-pem")
        .arg(cert)
        .arg("--node-xpath")
        .arg("//*[local-name()='Signature' and @Id][1]")
        .arg(file);
    cmd.output().unwrap().status.success()
}

#[test]
fn xmlsec1_verifies_exported_walkthrough_messages_as_it_verifies_the_originals() {
    if !tool_available("export in xmlsec1", "xmlsec1") {
        return;
    }
    let keys = sample_keys();
    let certs = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/keys");
    let mut compared = 0;
    let mut verified = 0;
    for dir in samples() {
        let out = tempfile::tempdir().unwrap();
        let exported = wskex()
            .arg("export")
            .arg(&dir)
            .args(&keys)
            .arg("-o")
            .arg(out.path())
            .output()
            .unwrap();
        assert!(exported.status.code().is_some_and(|c| c < 2));
        for input in xml_files(&dir) {
            let sender = input
                .file_name()
                .unwrap()
                .to_string_lossy()
                .split('-')
                .nth(1)
                .unwrap()
                .to_string();
            let cert = certs.join(format!("{sender}.cert.pem"));
            let original = xmlsec1_verifies(&input, &cert);
            let annotated = xmlsec1_verifies(&out.path().join(input.file_name().unwrap()), &cert);
            assert_eq!(original, annotated, "{}", input.display());
            compared += 1;
            verified += usize::from(original);
        }
    }
    assert!(verified > 0, "some RSA signature verified in xmlsec1");
    common::visible(&format!(
        "export in xmlsec1: {compared} messages compared, {verified} verify before and after"
    ));
}

#[test]
fn shared_captures_round_trip_or_are_refused_with_the_reason() {
    let Some(shared) = shared_dir("shared_captures_round_trip_or_are_refused_with_the_reason")
    else {
        return;
    };
    let captures = shared.join("captures");
    let mut exported = 0;
    for sub in ["corewcf", "rampart", "cxf", "wss4j16", "wcf-docs"] {
        for input in std::fs::read_dir(captures.join(sub)).unwrap() {
            let input = input.unwrap().path();
            let out = tempfile::tempdir().unwrap();
            let result = run(
                &["export"],
                &[&input],
                &["-o".into(), out.path().display().to_string()],
            );
            let stderr = String::from_utf8_lossy(&result.stderr);
            match result.status.code() {
                Some(0 | 1) => {
                    let written =
                        std::fs::read(out.path().join(input.file_name().unwrap())).unwrap();
                    assert_eq!(strip_bytes(&written), std::fs::read(&input).unwrap());
                    exported += 1;
                }
                Some(2) => assert!(
                    stderr.contains("export refused") || stderr.contains("expected XML"),
                    "{}: {stderr}",
                    input.display()
                ),
                other => panic!("{}: exit {other:?}: {stderr}", input.display()),
            }
        }
    }
    assert!(exported >= 15, "most captures export ({exported})");
}

#[test]
fn walkthroughs_export_too_and_a_tampered_one_says_so() {
    for (pattern, tamper) in [("direct", None), ("request-reply", Some("change-body"))] {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = wskex();
        cmd.args(["walk", pattern, "--export"]).arg(dir.path());
        if let Some(t) = tamper {
            cmd.args(["--tamper", t]);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.code().is_some_and(|c| c < 2), "{pattern}");
        let files = xml_files(dir.path());
        assert!(!files.is_empty(), "{pattern}");
        let all: String = files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect();
        assert!(all.contains(&format!("pattern {pattern}")), "{pattern}");
        assert_eq!(
            all.contains("verdict CHECKS FAILED"),
            tamper.is_some(),
            "{pattern}: {all}"
        );
    }
}
