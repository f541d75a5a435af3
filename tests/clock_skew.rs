//! `--clock-skew SECONDS` (default 300) widens every window judged against `--now`: a signed
//! Timestamp, an RSTR's `wst:Lifetime`, a SAML assertion's `Conditions`. Each finding names the
//! skew it used; the exit code follows the findings.

mod common;

use std::path::{Path, PathBuf};

use common::report::{Run, all_findings, run_both};
use common::wskex;
use serde_json::Value;

fn walk(pattern: &str, dir: &Path) -> PathBuf {
    let out = dir.join(pattern);
    let status = wskex()
        .args(["walk", pattern, "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(0));
    out
}

fn inspect(file: &Path, extra: &[&str]) -> Run {
    run_both("inspect", file, extra)
}

/// Every finding of a conversation's JSON: (code, severity, message).
fn findings(json: &Value) -> Vec<(String, String, String)> {
    all_findings(json)
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn has(json: &Value, code: &str) -> bool {
    findings(json).iter().any(|(c, _, _)| c == code)
}

#[test]
fn a_signed_timestamp_expired_within_the_skew_is_fresh_and_without_it_is_not() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = walk("direct", tmp.path());
    let keys: Vec<String> = [
        "--key",
        dir.join("bob.key.pem").to_str().unwrap(),
        "--cert",
        dir.join("bob.cert.pem").to_str().unwrap(),
        "--cert",
        dir.join("alice.cert.pem").to_str().unwrap(),
        // The Timestamp expires at 09:05:00: four minutes later.
        "--now",
        "2026-12-01T09:09:00Z",
    ]
    .map(String::from)
    .to_vec();
    let mut args: Vec<&str> = keys.iter().map(String::as_str).collect();
    let message = dir.join("01-alice-bob.xml");

    let default_skew = inspect(&message, &args);
    assert_eq!(default_skew.code, 0, "{}", default_skew.text);
    assert!(!has(&default_skew.json, "timestamp-expired"));

    args.extend(["--clock-skew", "0"]);
    let strict = inspect(&message, &args);
    assert_eq!(strict.code, 1, "{}", strict.text);
    let expired: Vec<_> = findings(&strict.json)
        .into_iter()
        .filter(|(c, _, _)| c == "timestamp-expired")
        .collect();
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0].1, "error");
    assert!(
        expired[0]
            .2
            .contains("240 seconds later, allowing 0 s of clock skew"),
        "{}",
        expired[0].2
    );
    // The message is one line: the finding names the Timestamp's column on it.
    let text = std::fs::read_to_string(&message).unwrap();
    let column = text[..text.find("<wsu:Timestamp").unwrap()].chars().count() + 1;
    let expected = format!(
        "error [timestamp-expired] {}:1:{column}: the Timestamp expired at 2026-12-01T09:05:00Z (receiver's clock: 240 seconds later, allowing 0 s of clock skew)",
        message.display()
    );
    assert!(
        strict.text.contains(&expected),
        "{expected}\n{}",
        strict.text
    );
}

#[test]
fn issued_token_lifetime_and_saml_conditions_are_judged_with_the_skew() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = walk("brokered", tmp.path());
    // Lifetime and Conditions end at 10:00:02; the clock reads 10:04:00.
    let rstr = dir.join("02-sts-alice.xml");
    let request = dir.join("03-alice-bob.xml");
    let late = ["--now", "2026-12-01T10:04:00Z"];

    for file in [&rstr, &request] {
        let lenient = inspect(file, &late);
        assert!(!has(&lenient.json, "lifetime-expired"), "{}", lenient.text);
        assert!(!has(&lenient.json, "saml-expired"), "{}", lenient.text);
    }

    let strict_args = [late[0], late[1], "--clock-skew", "0"];
    let strict = inspect(&rstr, &strict_args);
    assert_eq!(strict.code, 1);
    let lifetime: Vec<_> = findings(&strict.json)
        .into_iter()
        .filter(|(c, _, _)| c == "lifetime-expired")
        .collect();
    assert_eq!(lifetime.len(), 1, "{}", strict.text);
    assert_eq!(lifetime[0].1, "error");
    assert!(lifetime[0].2.contains(
        "wst:Lifetime ended at 2026-12-01T10:00:02Z, 238 seconds before the receiver's clock (allowing 0 s of clock skew)"
    ));
    assert!(
        strict.text.contains("error [lifetime-expired]"),
        "{}",
        strict.text
    );
    // It points at the wst:Lifetime it judged.
    let span = strict.json["messages"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "lifetime-expired")
        .unwrap()["span"]["start"]
        .as_u64()
        .unwrap() as usize;
    let received = std::fs::read_to_string(&rstr).unwrap();
    assert!(
        received[span..].starts_with("<wst:Lifetime"),
        "{}",
        &received[span..]
    );

    let strict = inspect(&request, &strict_args);
    assert_eq!(strict.code, 1);
    assert!(
        findings(&strict.json)
            .iter()
            .any(|(c, s, m)| c == "saml-expired"
                && s == "error"
                && m.contains("allowing 0 s of clock skew")),
        "{}",
        strict.text
    );

    // Before the window opens: NotBefore / Created at 09:00:02, the clock 08:50 with 60 s.
    let early = ["--now", "2026-12-01T08:50:00Z", "--clock-skew", "60"];
    let r = inspect(&rstr, &early);
    assert_eq!(r.code, 1);
    assert!(has(&r.json, "lifetime-not-yet-valid"), "{}", r.text);
    let r = inspect(&request, &early);
    assert!(has(&r.json, "saml-not-yet-valid"), "{}", r.text);
}

#[test]
fn clock_skew_must_be_a_number_of_seconds() {
    let out = wskex()
        .args(["inspect", "x.xml", "--clock-skew", "five"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
