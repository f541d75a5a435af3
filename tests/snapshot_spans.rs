//! The drawable Snapshot (issue 9): for every pattern and variant at seed 1 and every shared
//! capture, each span the JSON gives slices its text to the element it names (layers,
//! reference targets, key tokens, checks), a receiver never leaves a reference it checked at
//! `created`, and the references it checked carry both digests. Tampering with the Body fails
//! exactly the Body reference, with both digests.

mod common;

use common::{read_manifest, shared_dir, wskex};
use serde_json::Value;
use wskex::patterns::CATALOG;

fn json_of(args: &[&str]) -> (i32, Value) {
    let out = wskex().args(args).output().unwrap();
    let code = out.status.code().unwrap_or(-1);
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
    (code, json)
}

fn walk(pattern: &str, variant: &str, tamper: Option<&str>) -> (i32, Value) {
    let mut args = vec![
        "walk",
        pattern,
        "--variant",
        variant,
        "--seed",
        "1",
        "--format",
        "json",
    ];
    if let Some(t) = tamper {
        args.extend(["--tamper", t]);
    }
    json_of(&args)
}

/// The text a span points into: the envelope, or the processed view it names.
fn slice<'a>(step: &'a Value, span: &Value) -> &'a str {
    let text = match span["view"].as_str() {
        None => step["envelope"].as_str(),
        Some("processed") => step["processed"]["text"].as_str(),
        Some(other) => panic!("unknown view {other}"),
    }
    .unwrap_or_else(|| panic!("a span into a text the step lacks: {span}"));
    let start = span["start"].as_u64().unwrap() as usize;
    let end = span["end"].as_u64().unwrap() as usize;
    assert!(
        start <= end && end <= text.len(),
        "span {span} outside the text"
    );
    &text[start..end]
}

/// The local name of the element `xml` starts with (and asserts it is one element).
fn element_name(xml: &str) -> &str {
    assert!(
        xml.starts_with('<') && xml.ends_with('>'),
        "not an element: {xml:.80}"
    );
    let name = xml[1..]
        .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .next()
        .unwrap();
    name.rsplit(':').next().unwrap()
}

/// The start tag of the element `xml` starts with.
fn start_tag(xml: &str) -> &str {
    &xml[..xml.find('>').map_or(xml.len(), |i| i + 1)]
}

/// Whether `xml` is the element `id` names: an id attribute, or a context's Identifier.
fn names_id(xml: &str, id: &str) -> bool {
    let tag = start_tag(xml);
    ["Id=", "ID=", "id="]
        .iter()
        .any(|a| tag.contains(&format!("{a}\"{id}\"")) || tag.contains(&format!("{a}'{id}'")))
        || xml.contains(&format!("Identifier>{id}<"))
}

/// Every span property of one step's JSON (walk and inspect share the shape).
fn assert_step(context: &str, step: &Value) {
    let layers = step["layers"].as_array().unwrap();
    for layer in layers {
        match layer["kind"].as_str().unwrap() {
            "signature" => assert_signature_layer(context, step, layer),
            "encryption" => {
                for span in layer["spans"].as_array().unwrap() {
                    let name = element_name(slice(step, span));
                    assert!(
                        name == "EncryptedKey" || name == "EncryptedData",
                        "{context}: encryption span is a {name}"
                    );
                }
            }
            other => panic!("{context}: layer kind {other}"),
        }
    }
    for key in step["keys"].as_array().unwrap() {
        if let (Some(token), false) = (key["token"].as_str(), key["token_span"].is_null()) {
            let xml = slice(step, &key["token_span"]);
            assert!(
                names_id(xml, token),
                "{context}: token span of {token}: {xml:.120}"
            );
            assert_eq!(key["token_step"], step["index"], "{context}: {token}");
        }
        if key["token"].is_string() && key["token_span"].is_null() && !key["token_step"].is_null() {
            assert!(
                key["token_step"].as_u64() < step["index"].as_u64(),
                "{context}"
            );
        }
    }
    for check in step["checks"].as_array().unwrap() {
        for span in check["spans"].as_array().unwrap() {
            slice(step, span);
        }
        if let Some(i) = check["layer"].as_u64() {
            let layer = &layers[i as usize];
            let kind = check["kind"]["type"].as_str().unwrap();
            let expected = if kind == "signature" {
                "signature"
            } else {
                "encryption"
            };
            assert_eq!(layer["kind"], expected, "{context}: check {check}");
            assert_ne!(layer["status"]["state"], "created", "{context}: {check}");
        }
        assert!(check["severity"].is_string() && check["blocks_acceptance"].is_boolean());
    }
}

fn assert_signature_layer(context: &str, step: &Value, layer: &Value) {
    if !layer["span"].is_null() {
        let xml = slice(step, &layer["span"]);
        assert_eq!(element_name(xml), "Signature", "{context}");
    }
    let checked = layer["status"]["state"] != "created";
    for r in layer["references"].as_array().unwrap() {
        let uri = r["uri"].as_str().unwrap();
        match (r["target_span"].is_null(), uri.strip_prefix('#')) {
            (false, Some(id)) => {
                let xml = slice(step, &r["target_span"]);
                assert!(names_id(xml, id), "{context}: target of {uri}: {xml:.120}");
            }
            (true, _) => assert!(
                r["target_span_reason"].is_string(),
                "{context}: {uri} has neither a span nor a reason"
            ),
            (false, None) => panic!("{context}: {uri} located though it names no id"),
        }
        if checked {
            assert_ne!(r["status"]["state"], "created", "{context}: {uri}");
            assert!(r["stated_digest"].is_string(), "{context}: {uri}: {r}");
            assert!(r["digest_method"].is_string(), "{context}: {uri}");
            assert!(r["canonical_length"].is_u64(), "{context}: {uri}");
            if r["status"]["state"] == "verified" {
                assert!(r["computed_digest"].is_string(), "{context}: {uri}");
            }
        }
    }
}

/// Every key name a layer uses exists in the ledger of that step.
fn assert_key_names(context: &str, step: &Value) {
    let names: Vec<&str> = step["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    for layer in step["layers"].as_array().unwrap() {
        let key = layer["key"].as_str().unwrap();
        let certificate = key.ends_with("'s certificate");
        assert!(
            certificate || names.contains(&key),
            "{context}: layer key {key} is not in the ledger {names:?}"
        );
    }
}

#[test]
fn every_walkthrough_step_has_spans_that_slice_to_what_they_name() {
    for p in CATALOG {
        for variant in p.variants {
            let (code, json) = walk(p.name, variant, None);
            // beyond-rights ends in a refusal (exit 1) on purpose.
            assert!(code == 0 || code == 1, "{} {variant}: exit {code}", p.name);
            assert_eq!(json["schema_version"], 1);
            let mut receiver_steps = 0;
            for step in json["steps"].as_array().unwrap() {
                let context = format!("{} {variant} step {}", p.name, step["index"]);
                assert_step(&context, step);
                assert_key_names(&context, step);
                let checks = step["checks"].as_array().unwrap();
                // A receiving step: each signature it verified is a layer with the
                // receiver's canonical SignedInfo and key choice (layers it could not check,
                // such as a token signed for a later party, stay `created`).
                for check in checks.iter().filter(|c| c["kind"]["type"] == "signature") {
                    receiver_steps += 1;
                    let i = check["layer"]
                        .as_u64()
                        .expect("a verified signature is a layer");
                    let layer = &step["layers"][i as usize];
                    assert!(layer["canonical_signed_info"].is_string(), "{context}");
                    assert!(layer["key_choice"].is_object(), "{context}");
                    assert!(!layer["span"].is_null(), "{context}: {check}");
                }
            }
            assert!(
                receiver_steps > 0,
                "{} {variant}: no receiving step",
                p.name
            );
        }
    }
}

#[test]
fn change_body_fails_exactly_the_body_reference_with_both_digests() {
    let (code, json) = walk("direct", "default", Some("change-body"));
    assert_eq!(code, 1, "a tampered walkthrough fails its checks");
    let steps = json["steps"].as_array().unwrap();
    let receiving = steps
        .iter()
        .find(|s| {
            s["checks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["kind"]["type"] == "signature" && c["ok"] == false)
        })
        .expect("a receiver's failed signature check");
    let check = receiving["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"]["type"] == "signature" && c["ok"] == false)
        .unwrap();
    let layer = &receiving["layers"][check["layer"].as_u64().unwrap() as usize];
    assert_eq!(
        element_name(slice(receiving, &check["spans"][0])),
        "Signature"
    );
    let failed: Vec<&Value> = layer["references"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"]["state"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{layer:#}");
    let body = failed[0];
    assert_eq!(element_name(slice(receiving, &body["target_span"])), "Body");
    let (stated, computed) = (&body["stated_digest"], &body["computed_digest"]);
    assert!(stated.is_string() && computed.is_string() && stated != computed);
    for r in layer["references"].as_array().unwrap() {
        if r["uri"] != body["uri"] {
            assert_eq!(r["status"]["state"], "verified", "{r}");
            assert_eq!(r["stated_digest"], r["computed_digest"]);
        }
    }
}

#[test]
fn every_shared_capture_has_the_walk_step_shape_with_spans() {
    let Some(shared) = shared_dir("snapshot spans of captures") else {
        return;
    };
    let dir = shared.join("captures");
    let rows = read_manifest(&dir.join("MANIFEST.tsv"));
    assert!(!rows.is_empty());
    // Rows of key-derivation vectors (`.tsv`) are no messages.
    for row in rows.iter().filter(|r| !r.get("file").ends_with(".tsv")) {
        let path = dir.join(row.get("file"));
        let path = path.to_str().unwrap();
        let (code, json) = json_of(&["inspect", path, "--format", "json"]);
        assert!(code == 0 || code == 1, "{path}: exit {code}");
        assert_eq!(json["schema_version"], 1, "{path}");
        let steps = json["steps"].as_array().unwrap();
        assert_eq!(steps.len(), json["messages"].as_array().unwrap().len());
        for step in steps {
            let context = format!("{} step {}", row.get("file"), step["index"]);
            assert_step(&context, step);
            assert!(step["envelope"].is_string(), "{context}");
            // A capture's layers are the message's own: each signature has its bytes, by id
            // or (without one) by its place.
            for layer in step["layers"].as_array().unwrap() {
                if layer["kind"] == "signature" {
                    assert!(!layer["span"].is_null(), "{context}: {}", layer["id"]);
                }
            }
            for key in step["keys"].as_array().unwrap() {
                assert!(
                    key.get("value_hex").is_none(),
                    "{context}: a secret without --reveal-secrets"
                );
            }
        }
    }
}
