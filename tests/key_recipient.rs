//! `key-for-other-certificate`: an EncryptedKey of the Security header transported to a
//! certificate other than the receiver's (`--receiver-cert`). Built on the request/reply
//! walkthrough's request, whose key goes to bob; no false positive on any sample message with
//! its own receiver's certificate (the receiver is the second name of the file).

mod common;

use std::path::{Path, PathBuf};

use common::report::{Run, per_message, run_both};

const CODE: &str = "key-for-other-certificate";

/// Every sample private key and certificate.
fn all_keys() -> Vec<String> {
    let mut keys = Vec::new();
    for name in ["alice", "bob", "carol", "sts"] {
        keys.push("--key".to_string());
        keys.push(format!("samples/keys/{name}.key.pem"));
        keys.push("--cert".to_string());
        keys.push(format!("samples/keys/{name}.cert.pem"));
    }
    keys
}

fn inspect(file: &Path, receiver: &Path) -> Run {
    let mut args = all_keys();
    args.push("--receiver-cert".into());
    args.push(receiver.display().to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_both("inspect", file, &args)
}

/// The certificate of `party` beside the message, else the shared sample one.
fn certificate_of(folder: &Path, party: &str) -> PathBuf {
    let beside = folder.join(format!("{party}.cert.pem"));
    if beside.is_file() {
        beside
    } else {
        PathBuf::from(format!("samples/keys/{party}.cert.pem"))
    }
}

#[test]
fn a_key_transported_to_another_certificate_is_an_error() {
    let request = Path::new("samples/request-reply/encrypt-then-sign/01-alice-bob.xml");
    let text = std::fs::read_to_string(request).unwrap();

    let right = inspect(request, Path::new("samples/keys/bob.cert.pem"));
    assert!(per_message(&right.json, CODE).is_empty(), "{}", right.text);

    // Carol receives a message whose key only bob can open.
    let wrong = inspect(request, Path::new("samples/keys/carol.cert.pem"));
    assert_eq!(wrong.code, 1, "{}", wrong.text);
    let found = per_message(&wrong.json, CODE);
    assert_eq!(found.len(), 1, "{}", wrong.text);
    let (message, finding) = found[0];
    assert_eq!(message, 1);
    assert_eq!(finding["severity"], "error");
    let why = finding["message"].as_str().unwrap();
    assert!(
        why.contains("carol"),
        "names the receiver's certificate: {why}"
    );
    let start = finding["span"]["start"].as_u64().unwrap() as usize;
    let end = finding["span"]["end"].as_u64().unwrap() as usize;
    assert!(text[start..end].starts_with("<xenc:EncryptedKey"));
    assert!(text[start..end].ends_with("</xenc:EncryptedKey>"));
    assert!(
        wrong.text.contains(&format!("error [{CODE}] ")),
        "{}",
        wrong.text
    );
}

#[test]
fn a_bad_receiver_certificate_is_refused_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("none.pem");
    std::fs::write(&empty, "not a certificate").unwrap();
    let out = common::wskex()
        .arg("inspect")
        .arg("samples/direct/default")
        .arg("--receiver-cert")
        .arg(&empty)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--receiver-cert"));
}

#[test]
fn no_sample_message_is_flagged_with_its_own_receivers_certificate() {
    let mut judged = 0;
    for pattern in ["direct", "brokered", "delegated", "request-reply"] {
        for variant in std::fs::read_dir(Path::new("samples").join(pattern)).unwrap() {
            let folder = variant.unwrap().path();
            let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "xml"))
                .collect();
            files.sort();
            for file in files {
                let stem = file.file_stem().unwrap().to_str().unwrap().to_string();
                let receiver = stem.rsplit('-').next().unwrap();
                let own = inspect(&file, &certificate_of(&folder, receiver));
                assert!(
                    per_message(&own.json, CODE).is_empty(),
                    "{}: {}",
                    file.display(),
                    own.text
                );
                // Mallory is nobody's receiver: a message carrying a key for its receiver is
                // flagged when she claims to be it.
                let mallory = inspect(&file, Path::new("samples/keys/mallory.cert.pem"));
                if !per_message(&mallory.json, CODE).is_empty() {
                    assert_eq!(mallory.code, 1);
                    judged += 1;
                }
            }
        }
    }
    assert!(
        judged >= 5,
        "only {judged} messages carry a key the check judges"
    );
}
