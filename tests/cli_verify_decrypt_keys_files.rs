//! `wskex verify` and `wskex decrypt`: the promises about keys and files (a key the message
//! does not designate is named, not used; secrets only with --reveal-secrets; never writing
//! over the input; bad input is one line with a position), and signatures outside the
//! Security header. Split from `cli_verify_decrypt.rs` (the shared vectors) by feature.

mod common;

use std::path::{Path, PathBuf};

use common::cli_run::{assert_one_line_usage_error, c14n, json_of, os, run, stderr_of, vectors};
use common::{shared_dir, tool_available, wskex};
use wskex::xml::c14n::C14nMethod;

// ---------------------------------------------------------------------------------------------
// Keys: the one the message designates, or a clear refusal.

#[test]
fn a_private_key_the_message_does_not_designate_is_named_not_used() {
    let Some(dir) = vectors() else {
        return;
    };
    // The EncryptedKey names its recipient by certificate, issuer/serial and SKI.
    let file = dir.join("xenc/w3c-xmlenc11/cipherText__RSA-2048__aes128-gcm__rsa-oaep-mgf1p.xml");
    let wrong = dir.join("keys/phaos-rsa-key.pem");
    let out = run(&[os("decrypt"), os(&file), os("--key"), os(&wrong)]);
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing may be released");
    assert!(
        stderr.contains("no private key for") && stderr.contains("phaos-rsa-key.pem"),
        "the message must say which key was wanted and which were supplied: {stderr}"
    );
}

#[test]
fn a_key_that_does_not_match_the_capture_keyinfo_gives_no_private_key_for() {
    let Some(shared) = shared_dir("decrypt with a non-matching key") else {
        return;
    };
    let file = shared.join("captures/cxf/encrypted_body_element.xml");
    let wrong = shared.join("captures/keys/rampart2008-service.key.pem");
    let out = run(&[os("decrypt"), os(&file), os("--key"), os(&wrong)]);
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty(), "a wrong decryption was released");
    assert!(
        stderr.contains("no private key for"),
        "expected a clear \"no private key for ...\" message: {stderr}"
    );
    // And with the right key, all three parts open (manifest S20).
    let right = shared.join("captures/keys/cxf-myalias.key.pem");
    let out = run(&[os("decrypt"), os(&file), os("--key"), os(&right)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
}

#[test]
fn missing_key_files_are_usage_errors() {
    let Some(dir) = vectors() else {
        return;
    };
    let signed =
        dir.join("dsig/phaos-xmldsig-three/signature-hmac-sha1-exclusive-c14n-enveloped.xml");
    let encrypted = dir.join("xenc/phaos-xmlenc-3/enc-element-aes128-kt-rsa_oaep_sha1.xml");
    let missing = dir.join("keys/no-such-key.pem");
    for (command, input) in [("verify", &signed), ("decrypt", &encrypted)] {
        for option in ["--key", "--cert"] {
            let out = run(&[os(command), os(input), os(option), os(&missing)]);
            let what = format!("{command} {option} missing");
            let stderr = assert_one_line_usage_error(&what, &out, "no-such-key.pem");
            assert!(
                stderr.contains(option),
                "{what}: names the option: {stderr}"
            );
        }
        let mut spec = os("file:");
        spec.push(&missing);
        let option = if command == "verify" {
            "--hmac-secret"
        } else {
            "--aes-key"
        };
        let out = run(&[os(command), os(input), os(option), spec]);
        assert_one_line_usage_error(
            &format!("{command} {option} file:missing"),
            &out,
            "no-such-key.pem",
        );
    }
}

#[test]
fn an_encrypted_pkcs8_key_needs_the_right_password() {
    let Some(dir) = vectors() else {
        return;
    };
    if !tool_available("encrypted PKCS#8 key", "openssl") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let key = tmp.path().join("phaos-rsa-key.p8.pem");
    let out = std::process::Command::new("openssl")
        .args([
            "pkcs8",
            "-topk8",
            "-v2",
            "aes-256-cbc",
            "-passout",
            "pass:correct horse",
        ])
        .arg("-in")
        .arg(dir.join("keys/phaos-rsa-key.pem"))
        .arg("-out")
        .arg(&key)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(
        std::fs::read_to_string(&key)
            .unwrap()
            .contains("BEGIN ENCRYPTED PRIVATE KEY")
    );
    let file = dir.join("xenc/phaos-xmlenc-3/enc-element-aes128-kt-rsa_oaep_sha1.xml");
    let base = [os("decrypt"), os(&file), os("--key"), os(&key)];

    let mut wrong = base.to_vec();
    wrong.extend([os("--password"), os("battery staple")]);
    let stderr = assert_one_line_usage_error("wrong password", &run(&wrong), "wrong password");
    assert!(
        !stderr.contains("battery"),
        "the password is echoed: {stderr}"
    );

    let stderr = assert_one_line_usage_error("no password", &run(&base), "password");
    assert!(stderr.contains("p8.pem"), "{stderr}");

    let mut right = base.to_vec();
    right.extend([os("--password"), os("correct horse")]);
    let out = run(&right);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        c14n(&out.stdout, "decrypted"),
        c14n(
            &std::fs::read(dir.join("xenc/phaos-xmlenc-3/payment.xml")).unwrap(),
            "payment"
        )
    );
}

#[test]
fn key_bytes_are_shown_only_with_reveal_secrets() {
    let Some(dir) = vectors() else {
        return;
    };
    let file = dir.join("xenc/phaos-xmlenc-3/enc-element-aes128-kt-rsa_oaep_sha1.xml");
    let base = [
        os("decrypt"),
        os(&file),
        os("--key"),
        os(dir.join("keys/phaos-rsa-key.pem")),
    ];
    let with = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend(extra.iter().map(os));
        let out = run(&args);
        assert_eq!(out.status.code(), Some(0), "{extra:?}: {}", stderr_of(&out));
        out
    };

    // Asked: the unwrapped AES-128 key, the same in text and JSON.
    let json = json_of("revealed", &with(&["--reveal-secrets", "--format", "json"]));
    let key_hex = json["decrypted"][0]["key_hex"]
        .as_str()
        .unwrap_or_else(|| panic!("no key_hex with --reveal-secrets: {json:#}"))
        .to_string();
    assert_eq!(key_hex.len(), 32, "{key_hex}");
    assert!(key_hex.bytes().all(|b| b.is_ascii_hexdigit()));
    let text = stderr_of(&with(&["--reveal-secrets"]));
    assert!(text.contains(&format!("key value: {key_hex}")), "{text}");

    // Not asked: the key appears nowhere, in either format.
    for extra in [&[][..], &["--format", "json"][..]] {
        let out = with(extra);
        let everything = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            stderr_of(&out)
        );
        assert!(
            !everything.to_lowercase().contains(&key_hex),
            "{extra:?}: the key is shown without --reveal-secrets"
        );
        assert!(!everything.contains("key_hex") && !everything.contains("key value"));
    }
}

// ---------------------------------------------------------------------------------------------
// Files: never over the input; bad input is one line with a position.

/// A copy of an encrypted vector (phaos, RSA-OAEP key transport) in `tmp` as `message.xml`,
/// with its bytes, to check that nothing writes over it.
fn encrypted_message_in(vectors: &Path, tmp: &Path) -> (PathBuf, Vec<u8>) {
    let original =
        std::fs::read(vectors.join("xenc/phaos-xmlenc-3/enc-element-aes128-kt-rsa_oaep_sha1.xml"))
            .unwrap();
    let input = tmp.join("message.xml");
    std::fs::write(&input, &original).unwrap();
    (input, original)
}

#[test]
fn output_over_the_input_is_refused_and_the_input_untouched() {
    let Some(dir) = vectors() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (input, original) = encrypted_message_in(&dir, tmp.path());
    let key = dir.join("keys/phaos-rsa-key.pem");
    let dotted = tmp.path().join(".").join("message.xml");
    let mut outputs = vec![input.clone(), dotted];
    #[cfg(unix)]
    {
        let link = tmp.path().join("symlink.xml");
        std::os::unix::fs::symlink(&input, &link).unwrap();
        outputs.push(link);
    }
    for out_path in outputs {
        for format in ["text", "json"] {
            let out = run(&[
                os("decrypt"),
                os(&input),
                os("--key"),
                os(&key),
                os("-o"),
                os(&out_path),
                os("--format"),
                os(format),
            ]);
            let what = format!("-o {} ({format})", out_path.display());
            assert_one_line_usage_error(&what, &out, "refusing to write over the input");
            assert!(
                std::fs::read(&input).unwrap() == original,
                "{what}: input changed"
            );
        }
    }
    // A different file is fine.
    let elsewhere = tmp.path().join("decrypted.xml");
    let out = run(&[
        os("decrypt"),
        os(&input),
        os("--key"),
        os(&key),
        os("-o"),
        os(&elsewhere),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(
        out.stdout.is_empty(),
        "with -o the document goes to the file"
    );
    assert!(
        std::fs::read_to_string(&elsewhere)
            .unwrap()
            .contains("PaymentInfo")
    );
    assert!(std::fs::read(&input).unwrap() == original, "input changed");
}

#[cfg(unix)]
#[test]
fn output_over_a_hard_link_to_the_input_is_refused() {
    let Some(dir) = vectors() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (input, original) = encrypted_message_in(&dir, tmp.path());
    let link = tmp.path().join("hardlink.xml");
    std::fs::hard_link(&input, &link).unwrap();
    let out = run(&[
        os("decrypt"),
        os(&input),
        os("--key"),
        os(dir.join("keys/phaos-rsa-key.pem")),
        os("-o"),
        os(&link),
    ]);
    assert!(
        std::fs::read(&input).unwrap() == original,
        "the input was overwritten through a hard link"
    );
    assert_one_line_usage_error("-o hard link", &out, "refusing to write over the input");
}

#[test]
fn malformed_xml_is_one_line_with_file_line_col() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], u32); 4] = [
        ("mismatched.xml", b"<a>\n  <b></a>\n", 2),
        (
            "truncated.xml",
            b"<soap:Envelope xmlns:soap=\"urn:s\">\n<soap:Body>\n",
            3,
        ),
        ("unbound.xml", b"<a>\n\n<x:b/></a>", 3),
        (
            "doctype.xml",
            b"<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY e \"x\">]>\n<a>&e;</a>",
            2,
        ),
    ];
    for (name, bytes, line) in cases {
        let path = tmp.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        for command in ["verify", "decrypt"] {
            for format in ["text", "json"] {
                let out = run(&[
                    os(command),
                    os(&path),
                    os("--hmac-secret"),
                    os("secret"),
                    os("--format"),
                    os(format),
                ]);
                let what = format!("{command} {name} ({format})");
                let stderr = assert_one_line_usage_error(
                    &what,
                    &out,
                    &format!("{}:{line}:", path.display()),
                );
                // file:line:col: the column follows the line.
                let after = stderr
                    .split_once(&format!("{}:{line}:", path.display()))
                    .unwrap()
                    .1;
                let col: String = after.chars().take_while(char::is_ascii_digit).collect();
                assert!(
                    !col.is_empty() && after[col.len()..].starts_with(':'),
                    "{what}: no column in {stderr}"
                );
            }
        }
    }
}

#[test]
fn usage_errors_and_empty_results() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("absent.xml");
    for command in ["verify", "decrypt"] {
        let out = run(&[os(command), os(&missing)]);
        assert_one_line_usage_error(&format!("{command} absent file"), &out, "absent.xml");
        let out = run(&[os(command), os(&missing), os("--no-such-option")]);
        assert_eq!(out.status.code(), Some(2), "{command}: unknown option");
        let out = run(&[os(command)]);
        assert_eq!(out.status.code(), Some(2), "{command}: no FILE");
    }
    // A secret given in a bad form is refused without echoing it.
    let plain = tmp.path().join("plain.xml");
    std::fs::write(&plain, "<a><b>nothing signed or encrypted</b></a>").unwrap();
    let out = run(&[
        os("verify"),
        os(&plain),
        os("--hmac-secret"),
        os("hex:00zz11"),
    ]);
    let stderr = assert_one_line_usage_error("bad hex secret", &out, "--hmac-secret");
    assert!(!stderr.contains("zz"), "the secret is echoed: {stderr}");

    // Nothing to check is a failed check (exit 1), said in words.
    let out = run(&[os("verify"), os(&plain), os("--hmac-secret"), os("k")]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("no ds:Signature found"), "{text}");
    assert!(
        text.trim_end()
            .ends_with("verdict: 0 of 0 signatures valid"),
        "{text}"
    );
    let out = run(&[
        os("decrypt"),
        os(&plain),
        os("--aes-key"),
        os("hex:00112233445566778899aabbccddeeff"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = stderr_of(&out);
    assert!(stderr.contains("no xenc:EncryptedData found"), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing decrypted, nothing written");
}

/// A SOAP message with a Security header (signed there with HMAC over the Timestamp) and an
/// enveloped signature over the whole envelope: the receiver checks the header's, plain
/// XML-DSig checks the other, and `wskex verify` reports both.
#[test]
fn verify_reports_signatures_outside_the_security_header_of_a_soap_message() {
    use wskex::crypto::signature::SigningKey;
    use wskex::crypto::{DigestAlgorithm, SignatureAlgorithm};
    use wskex::dsig::{ReferenceSpec, SignatureSpec, TransformSpec, sign};
    use wskex::patterns::draft::Draft;
    use wskex::xml::IdAttributes;
    let key = b"a secret of thirty-two bytes ...";
    let mut draft = Draft::envelope("urn:to", "urn:act", "Body-1", "<ex:Hi xmlns:ex=\"urn:x\"/>");
    draft
        .prepend_security("<wsu:Timestamp wsu:Id=\"TS-1\"><wsu:Created>2026-12-01T09:00:00Z</wsu:Created></wsu:Timestamp>")
        .unwrap();
    draft
        .sign(
            "SIG-H",
            SignatureAlgorithm::Hmac(DigestAlgorithm::Sha256),
            SigningKey::Hmac(key),
            &["#TS-1"],
            "<ds:KeyName>k</ds:KeyName>",
        )
        .unwrap();
    let doc = draft.document().unwrap();
    // In a header block of its own: SOAP 1.2 allows nothing after the Body, and the receiver
    // reports an envelope child there as damage (a wrapping form).
    let header = doc
        .descendants()
        .find(|n| n.local_name() == "Header")
        .unwrap();
    let at = header.end_tag_span().unwrap().start as usize;
    let spec = SignatureSpec {
        id: Some("SIG-E".into()),
        c14n: C14nMethod::exclusive(false),
        algorithm: SignatureAlgorithm::Hmac(DigestAlgorithm::Sha256),
        hmac_output_bits: None,
        references: vec![ReferenceSpec {
            uri: String::new(),
            transforms: vec![
                TransformSpec::EnvelopedSignature,
                TransformSpec::Canonicalize(C14nMethod::exclusive(false)),
            ],
            digest: DigestAlgorithm::Sha256,
        }],
        key_info: Some("<ds:KeyName>k</ds:KeyName>".into()),
    };
    let signed = sign(
        &doc,
        &spec,
        SigningKey::Hmac(key),
        at,
        &IdAttributes::default(),
        None,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("both.xml");
    std::fs::write(&path, signed.document.text()).unwrap();
    let out = run(&[
        os("verify"),
        path.clone().into(),
        os("--key-name"),
        os(format!("k=hex:{}", hex::encode(key))),
        os("--format"),
        os("json"),
    ]);
    let json = json_of("verify", &out);
    let ids: Vec<&str> = json["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["SIG-H", "SIG-E"], "{json:#}");
    assert_eq!(json["valid"], true, "{json:#}");
    assert_eq!(out.status.code(), Some(0));
}

/// Each command's help describes the options as that command uses them: `decrypt` reads plain
/// XML Encryption, where no WS-Security token answers to a `--key-name`.
#[test]
fn key_name_help_says_what_each_command_binds() {
    let help = |command: &str| {
        let out = wskex().args([command, "--help"]).output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let decrypt = help("decrypt");
    assert!(
        decrypt.contains("bound to the ds:KeyName it answers to"),
        "{decrypt}"
    );
    assert!(!decrypt.contains("wsc:Identifier"), "{decrypt}");
    for command in ["verify", "inspect"] {
        let text = help(command);
        assert!(
            text.contains("wsc:Identifier or wsu:Id is NAME"),
            "{command}: {text}"
        );
        assert!(!text.contains("for inspect"), "{command}: {text}");
    }
}
