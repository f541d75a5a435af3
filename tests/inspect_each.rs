//! `inspect --each`: a folder of conversations audited at once, one line each and a summary;
//! a broken conversation fails alone.

mod common;

use std::path::Path;

use common::wskex;
use serde_json::Value;

fn folder_of_conversations() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    for (i, pattern) in ["direct", "request-reply", "brokered"].iter().enumerate() {
        let out = wskex()
            .args(["walk", pattern, "--seed", &(i + 5).to_string(), "--out"])
            .arg(root.path().join(format!("{i}-{pattern}")))
            .output()
            .unwrap();
        assert!(out.status.success());
    }
    let broken = root.path().join("9-broken");
    std::fs::create_dir(&broken).unwrap();
    std::fs::write(broken.join("m.xml"), "not a message at all").unwrap();
    root
}

fn every_key(dir: &Path) -> Vec<String> {
    let mut args = Vec::new();
    for party in ["alice", "bob", "sts"] {
        let key = dir.join(format!("{party}.key.pem"));
        if key.exists() {
            args.push("--key".into());
            args.push(key.display().to_string());
            args.push("--cert".into());
            args.push(dir.join(format!("{party}.cert.pem")).display().to_string());
        }
    }
    args
}

#[test]
fn each_subdirectory_is_a_conversation_and_a_broken_one_fails_alone() {
    let root = folder_of_conversations();
    let keys = every_key(&root.path().join("2-brokered"));
    let text = wskex()
        .arg("inspect")
        .arg("--each")
        .arg(root.path())
        .args(&keys)
        .output()
        .unwrap();
    assert_eq!(
        text.status.code(),
        Some(1),
        "the broken conversation fails the run"
    );
    let stdout = String::from_utf8(text.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        // The walkthroughs' warnings (unsigned wsa:To, unsigned CBC) follow in brackets.
        lines[0].contains("0-direct: ok (3 messages, direct (default))"),
        "{stdout}"
    );
    assert!(
        lines[1].contains("1-request-reply: ok (2 messages, request-reply"),
        "{stdout}"
    );
    assert!(lines[2].contains("2-brokered: ok (3 messages, brokered (encrypted-key))"));
    assert!(lines[3].contains("9-broken: CHECKS FAILED (0 messages) [unreadable]"));
    assert!(stdout.contains("conversations         4"), "{stdout}");
    assert!(stdout.contains("passed                3"), "{stdout}");
    assert!(stdout.contains("failed                1"), "{stdout}");

    let json = wskex()
        .arg("inspect")
        .arg("--each")
        .arg(root.path())
        .args(&keys)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    let conversations = report["conversations"].as_array().unwrap();
    assert_eq!(conversations.len(), 4);
    assert!(
        conversations[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("0-direct")
    );
    assert_eq!(conversations[0]["patterns"][0]["name"], "direct");
    assert_eq!(conversations[0]["messages"].as_array().unwrap().len(), 3);
    let summary = &report["summary"];
    assert_eq!(summary["conversations"], 4);
    assert_eq!(summary["messages"], 8);
    assert_eq!(summary["passed"], 3);
    assert_eq!(summary["failed"], 1);
    assert_eq!(summary["findings_by_code"]["unreadable"], 1);
}

#[test]
fn each_file_makes_every_file_a_conversation() {
    let root = folder_of_conversations();
    let dir = root.path().join("1-request-reply");
    let out = wskex()
        .arg("inspect")
        .arg("--each")
        .arg(&dir)
        .arg("--each-file")
        .args(every_key(&dir))
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<&str> = report["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths.len(),
        2,
        "key files and keys.json are passed over: {paths:?}"
    );
    assert!(paths[0].ends_with("01-alice-bob.xml"));
    // The reply alone cannot be opened (its key came in the request): it fails, the request
    // passes.
    assert_eq!(report["summary"]["passed"], 1);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn each_takes_no_other_paths() {
    let root = folder_of_conversations();
    let out = wskex()
        .arg("inspect")
        .arg("--each")
        .arg(root.path())
        .arg(root.path().join("0-direct"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
