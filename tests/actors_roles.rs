//! Security headers addressed to an actor or role (issue 11, item 1): every `wsse:Security`
//! header is processed and reported under its actor/role, `--actor URI` narrows to one,
//! role none addresses nobody, a header left unprocessed is an error finding, and a signed
//! Body moved into a header for another role is still signature wrapping. Built from the
//! direct walkthrough's signed RSTR (wskex's own signer); each case asserts the text report,
//! the JSON and the exit code of `verify` and `inspect`.

mod common;

use common::direct_walk::DirectWalk;

use common::report::run_both_owned as run;

use std::path::PathBuf;

use serde_json::Value;

const GATEWAY: &str = "urn:wskex:gateway";
const ROLE_NONE: &str = "http://www.w3.org/2003/05/soap-envelope/role/none";
const ULTIMATE: &str = "http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver";
const SECURITY_OPEN: &str = "<wsse:Security s:mustUnderstand=\"true\">";

/// The signed RSTR (message 1) with its Security header rewritten by `edit`.
fn rstr_with(walk: &DirectWalk, name: &str, edit: impl Fn(&str) -> String) -> PathBuf {
    let text = std::fs::read_to_string(walk.path("01-alice-bob.xml")).unwrap();
    assert!(text.contains(SECURITY_OPEN));
    let edited = edit(&text);
    assert_ne!(edited, text);
    walk.write(name, &edited)
}

fn with_role(role: &str) -> impl Fn(&str) -> String {
    let role = role.to_string();
    move |text: &str| {
        text.replacen(
            SECURITY_OPEN,
            &format!("<wsse:Security s:mustUnderstand=\"true\" s:role=\"{role}\">"),
            1,
        )
    }
}

fn codes(json: &Value) -> Vec<String> {
    let mut all: Vec<&Value> = json["findings"].as_array().into_iter().flatten().collect();
    for m in json["messages"].as_array().into_iter().flatten() {
        all.extend(m["findings"].as_array().into_iter().flatten());
    }
    all.iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

fn args(keys: &[String], extra: &[&str]) -> Vec<String> {
    let mut all = keys.to_vec();
    all.extend(extra.iter().map(|s| s.to_string()));
    all
}

#[test]
fn a_header_for_an_actor_is_verified_and_reported_under_it() {
    let walk = DirectWalk::new();
    let file = rstr_with(&walk, "gateway.xml", with_role(GATEWAY));
    let verify = run("verify", &file, &walk.bob_keys());
    assert_eq!(verify.code, 0, "{}", verify.text);
    assert!(
        !verify.text.contains("no ds:Signature found"),
        "{}",
        verify.text
    );
    assert!(
        verify
            .text
            .contains("security header for actor urn:wskex:gateway (line 1): processed, 3 item(s), 1 signature(s)"),
        "{}",
        verify.text
    );
    assert!(verify.text.contains("  signature SIG-1 at line 1: VALID"));
    assert_eq!(verify.json["valid"], true);
    let header = &verify.json["security_headers"][0];
    assert_eq!(header["addressee"]["kind"], "role");
    assert_eq!(header["addressee"]["uri"], GATEWAY);
    assert_eq!(header["disposition"], "processed");
    assert_eq!(header["signatures"][0]["id"], "SIG-1");
    assert_eq!(header["signatures"][0]["valid"], true);

    let inspect = run("inspect", &file, &walk.bob_keys());
    assert_eq!(inspect.code, 0, "{}", inspect.text);
    assert!(
        inspect
            .text
            .contains("signature SIG-1 at line 1 (rsa-sha256): VALID")
    );
    assert!(
        inspect
            .text
            .contains("security header for actor urn:wskex:gateway")
    );
    let message = &inspect.json["messages"][0];
    assert_eq!(message["security_headers"][0]["disposition"], "processed");
    assert_eq!(message["signatures"][0]["valid"], true);
}

#[test]
fn next_and_ultimate_receiver_address_the_receiver() {
    let walk = DirectWalk::new();
    for (name, role) in [
        (
            "next.xml",
            "http://www.w3.org/2003/05/soap-envelope/role/next",
        ),
        ("ultimate.xml", ULTIMATE),
    ] {
        let file = rstr_with(&walk, name, with_role(role));
        let verify = run(
            "verify",
            &file,
            &args(&walk.bob_keys(), &["--actor", ULTIMATE]),
        );
        assert_eq!(verify.code, 0, "{role}: {}", verify.text);
        assert_eq!(
            verify.json["security_headers"][0]["addressee"]["kind"],
            "receiver"
        );
        assert!(
            verify
                .text
                .contains("security header for the ultimate receiver (actor ")
        );
    }
}

#[test]
fn another_actor_leaves_the_header_unprocessed_and_says_so() {
    let walk = DirectWalk::new();
    let file = rstr_with(&walk, "gateway.xml", with_role(GATEWAY));
    let extra = args(&walk.bob_keys(), &["--actor", "urn:wskex:other"]);
    let verify = run("verify", &file, &extra);
    assert_eq!(verify.code, 1, "{}", verify.text);
    assert!(
        verify.text.contains(
            "security header for actor urn:wskex:gateway (line 1): NOT PROCESSED (another actor was asked for), 3 item(s), 1 signature(s) unchecked"
        ),
        "{}",
        verify.text
    );
    assert!(verify.text.contains(&format!(
        "error [security-header-not-processed] {}:1:",
        file.display()
    )));
    assert!(codes(&verify.json).contains(&"security-header-not-processed".to_string()));
    assert_eq!(
        verify.json["security_headers"][0]["disposition"],
        "other-actor"
    );
    assert_eq!(
        verify.json["security_headers"][0]["unverified_signatures"],
        1
    );

    let inspect = run("inspect", &file, &extra);
    assert_eq!(inspect.code, 1);
    assert!(inspect.text.contains("verdict: CHECKS FAILED"));
    assert!(codes(&inspect.json).contains(&"security-header-not-processed".to_string()));

    // The same role asked for: processed and valid.
    let chosen = run(
        "verify",
        &file,
        &args(&walk.bob_keys(), &["--actor", GATEWAY]),
    );
    assert_eq!(chosen.code, 0, "{}", chosen.text);
}

#[test]
fn role_none_addresses_nobody() {
    let walk = DirectWalk::new();
    let file = rstr_with(&walk, "none.xml", with_role(ROLE_NONE));
    let verify = run("verify", &file, &walk.bob_keys());
    assert_eq!(verify.code, 1, "{}", verify.text);
    assert!(
        verify.text.contains("NOT PROCESSED (role none)"),
        "{}",
        verify.text
    );
    assert!(
        verify
            .text
            .contains("addressed to role none, which no SOAP node processes")
    );
    assert_eq!(
        verify.json["security_headers"][0]["addressee"]["kind"],
        "nobody"
    );
    assert_eq!(
        verify.json["security_headers"][0]["disposition"],
        "addressed-to-nobody"
    );
    assert_eq!(verify.json["valid"], false);
}

#[test]
fn each_of_several_headers_is_processed_under_its_role() {
    let walk = DirectWalk::new();
    // A second header, for a gateway, with its own Timestamp.
    let hop = format!(
        "<wsse:Security s:role=\"{GATEWAY}\"><wsu:Timestamp wsu:Id=\"TS-hop\"><wsu:Created>2026-12-01T09:00:00Z</wsu:Created></wsu:Timestamp></wsse:Security>"
    );
    let file = rstr_with(&walk, "two.xml", |t| {
        t.replacen(SECURITY_OPEN, &format!("{hop}{SECURITY_OPEN}"), 1)
    });
    let verify = run("verify", &file, &walk.bob_keys());
    assert_eq!(verify.code, 0, "{}", verify.text);
    let headers = verify.json["security_headers"].as_array().unwrap();
    assert_eq!(headers.len(), 2);
    assert_eq!(headers[0]["addressee"]["uri"], GATEWAY);
    assert_eq!(headers[0]["signatures"].as_array().unwrap().len(), 0);
    assert_eq!(headers[1]["addressee"]["kind"], "receiver");
    assert_eq!(headers[1]["signatures"][0]["id"], "SIG-1");
    assert!(
        verify
            .text
            .contains("security header for the ultimate receiver (line 1): processed")
    );

    // The receiver alone: the gateway's header is named as unprocessed.
    let narrowed = run(
        "verify",
        &file,
        &args(&walk.bob_keys(), &["--actor", ULTIMATE]),
    );
    assert_eq!(narrowed.code, 1, "{}", narrowed.text);
    assert_eq!(codes(&narrowed.json), ["security-header-not-processed"]);
    assert_eq!(narrowed.json["signatures"][0]["valid"], true);
}

#[test]
fn a_signed_body_moved_into_a_header_for_another_role_is_wrapping() {
    let walk = DirectWalk::new();
    let file = rstr_with(&walk, "wrapped.xml", |text| {
        let start = text.find("<s:Body wsu:Id=\"Body-1\">").unwrap();
        let end = text.find("</s:Body>").unwrap() + "</s:Body>".len();
        let body = &text[start..end];
        let evil = "<s:Body><ex:Order xmlns:ex=\"urn:wskex:example\"><ex:PayTo>mallory</ex:PayTo></ex:Order></s:Body>";
        text.replacen(body, evil, 1).replacen(
            "</s:Header>",
            &format!("<wsse:Security s:role=\"{GATEWAY}\">{body}</wsse:Security></s:Header>"),
            1,
        )
    });
    let verify = run("verify", &file, &walk.bob_keys());
    assert_eq!(verify.code, 1, "{}", verify.text);
    assert!(codes(&verify.json).contains(&"signature-wrapping".to_string()));
    assert!(
        verify.text.contains("error [signature-wrapping]"),
        "{}",
        verify.text
    );
    let inspect = run("inspect", &file, &walk.bob_keys());
    assert_eq!(inspect.code, 1);
    assert!(codes(&inspect.json).contains(&"signature-wrapping".to_string()));
}

/// The auditor's message checks look at every Security header the receiver processed, whatever
/// role it is addressed to: a signed header for a gateway without a Timestamp is as replayable
/// as one for the ultimate receiver.
#[test]
fn a_processed_header_for_an_actor_without_a_timestamp_is_a_finding() {
    let walk = DirectWalk::new();
    let file = rstr_with(&walk, "gateway-no-ts.xml", |text| {
        let role = with_role(GATEWAY)(text);
        let start = role.find("<wsu:Timestamp").unwrap();
        let end = role.find("</wsu:Timestamp>").unwrap() + "</wsu:Timestamp>".len();
        format!("{}{}", &role[..start], &role[end..])
    });
    let inspect = run("inspect", &file, &walk.bob_keys());
    assert_eq!(inspect.code, 1, "{}", inspect.text);
    assert!(
        codes(&inspect.json).contains(&"timestamp-missing".to_string()),
        "{:?}",
        codes(&inspect.json)
    );

    // Played as another role, the receiver processes nothing there: no claim about its content.
    let other = run(
        "inspect",
        &file,
        &args(&walk.bob_keys(), &["--actor", "urn:wskex:elsewhere"]),
    );
    assert!(
        !codes(&other.json).contains(&"timestamp-missing".to_string()),
        "{:?}",
        codes(&other.json)
    );
    assert!(codes(&other.json).contains(&"security-header-not-processed".to_string()));
}

/// Replay is judged on the processed headers too: the same signed message for a gateway,
/// twice in one conversation, is a replay.
#[test]
fn a_message_for_an_actor_sent_twice_is_a_replay() {
    let walk = DirectWalk::new();
    let first = rstr_with(&walk, "01-gateway.xml", with_role(GATEWAY));
    let text = std::fs::read_to_string(&first).unwrap();
    let dir = walk.scratch("replayed");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("01.xml"), &text).unwrap();
    std::fs::write(dir.join("02.xml"), &text).unwrap();
    let inspect = run("inspect", &dir, &walk.bob_keys());
    assert_eq!(inspect.code, 1, "{}", inspect.text);
    assert!(
        codes(&inspect.json).contains(&"replay".to_string()),
        "{:?}",
        codes(&inspect.json)
    );
}
