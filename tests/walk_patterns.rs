//! `wskex walk` for every pattern and variant: every check passes, the conversation written by
//! `--out` passes `wskex inspect` for each receiving party with only that party's keys, every
//! tamper action makes a receiver check fail, runs are reproducible under a seed, and the JSON
//! of each walkthrough under seed 1 is pinned by a snapshot.

mod common;

use std::path::Path;

use common::wskex;
use serde_json::Value;
use wskex::patterns::CATALOG;

fn walk_json(args: &[&str]) -> (i32, Value) {
    let out = wskex()
        .arg("walk")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
    (code, json)
}

fn variants() -> Vec<(&'static str, &'static str)> {
    CATALOG
        .iter()
        .flat_map(|p| p.variants.iter().map(move |v| (p.name, *v)))
        .collect()
}

#[test]
fn list_names_every_pattern_variant_and_tamper() {
    let (code, json) = walk_json(&["--list"]);
    assert_eq!(code, 0);
    let names: Vec<&str> = json["patterns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["direct", "brokered", "delegated", "request-reply"]);
    for p in json["patterns"].as_array().unwrap() {
        for field in ["title", "variants", "tampers"] {
            assert!(!p[field].is_null(), "{field}");
        }
    }
    assert_eq!(
        json["patterns"][1]["variants"],
        serde_json::json!(["encrypted-key", "computed-key"])
    );
    assert_eq!(
        json["patterns"][2]["variants"],
        serde_json::json!(["within-rights", "beyond-rights"])
    );
    assert_eq!(
        json["patterns"][3]["variants"],
        serde_json::json!(["encrypt-then-sign", "sign-then-encrypt"])
    );
}

#[test]
fn every_variant_passes_every_check_and_its_json_has_the_fields() {
    for (pattern, variant) in variants() {
        let (code, json) = walk_json(&[pattern, "--variant", variant, "--seed", "1"]);
        let expect_pass = variant != "beyond-rights";
        assert_eq!(json["ok"], expect_pass, "{pattern} {variant}");
        assert_eq!(code, if expect_pass { 0 } else { 1 }, "{pattern} {variant}");
        assert_eq!(json["pattern"], pattern);
        assert_eq!(json["variant"], variant);
        let steps = json["steps"].as_array().unwrap();
        assert!(
            steps.len() >= 4,
            "{pattern} {variant}: {} steps",
            steps.len()
        );
        for (i, step) in steps.iter().enumerate() {
            assert_eq!(step["index"], i + 1);
            for field in [
                "actor",
                "title",
                "narrative",
                "spec",
                "keys",
                "layers",
                "checks",
            ] {
                assert!(
                    !step[field].is_null(),
                    "{pattern} {variant} step {i}: {field}"
                );
            }
            assert!(step["envelope"].is_string() || step["envelope"].is_null());
            for key in step["keys"].as_array().unwrap() {
                for field in ["name", "origin", "derived_from", "known_by", "value_hex"] {
                    assert!(
                        !key[field].is_null(),
                        "{pattern} {variant} key field {field}"
                    );
                }
            }
            for check in step["checks"].as_array().unwrap() {
                for field in ["name", "ok", "reason"] {
                    assert!(!check[field].is_null(), "check field {field}");
                }
            }
        }
        if variant == "beyond-rights" {
            let denied = steps
                .iter()
                .flat_map(|s| s["checks"].as_array().unwrap())
                .any(|c| c["ok"] == false);
            assert!(denied, "beyond-rights must end in a denied check");
        }
    }
}

#[test]
fn every_tamper_action_is_caught() {
    for p in CATALOG {
        for tamper in p.tampers {
            let (code, json) = walk_json(&[p.name, "--tamper", tamper.name(), "--seed", "7"]);
            assert_eq!(code, 1, "{} --tamper {}", p.name, tamper.name());
            assert_eq!(json["ok"], false);
            let failed: Vec<String> = json["steps"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|s| s["checks"].as_array().unwrap().iter())
                .filter(|c| c["ok"] == false)
                .map(|c| format!("{}: {}", c["name"], c["reason"]))
                .collect();
            let expected = match tamper.name() {
                "change-body" => "digest mismatch",
                "swap-key" => "",
                "replay" => "expired",
                "wrap-body" => "signature-wrapping",
                _ => "right",
            };
            assert!(
                failed.iter().any(|f| f.contains(expected)),
                "{} --tamper {}: no failed check mentions {expected:?}: {failed:#?}",
                p.name,
                tamper.name()
            );
        }
    }
}

#[test]
fn walkthroughs_are_reproducible_under_a_seed() {
    for (pattern, variant) in variants() {
        let a = wskex()
            .args([
                "walk",
                pattern,
                "--variant",
                variant,
                "--seed",
                "42",
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        let b = wskex()
            .args([
                "walk",
                pattern,
                "--variant",
                variant,
                "--seed",
                "42",
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        assert_eq!(a.stdout, b.stdout, "{pattern} {variant}");
        let c = wskex()
            .args([
                "walk",
                pattern,
                "--variant",
                variant,
                "--seed",
                "43",
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        assert_ne!(
            a.stdout, c.stdout,
            "{pattern} {variant}: the seed must matter"
        );
    }
}

/// The keys a party holds on its own: its key pair, everyone's certificates (public), and the
/// secrets it made itself or shares, bound to the tokens they belong to.
fn inspect_args_for(party: &str, dir: &Path, keys: &Value, parties: &[String]) -> Vec<String> {
    let mut args = vec![
        "--key".to_string(),
        dir.join(format!("{party}.key.pem")).display().to_string(),
    ];
    for other in parties.iter().filter(|p| p.as_str() != party) {
        args.push("--cert".into());
        args.push(dir.join(format!("{other}.cert.pem")).display().to_string());
    }
    for key in keys["keys"].as_array().unwrap() {
        let known: Vec<&str> = key["known_by"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        let own = matches!(key["origin"].as_str(), Some("generated" | "supplied"));
        if !own || !known.contains(&party) {
            continue;
        }
        let name = key["token"]
            .as_str()
            .unwrap_or(key["name"].as_str().unwrap());
        args.push("--key-name".into());
        args.push(format!("{name}=hex:{}", key["hex"].as_str().unwrap()));
    }
    args
}

#[test]
fn each_receiver_can_inspect_the_conversation_with_only_its_own_keys() {
    for (pattern, variant) in variants() {
        if variant == "beyond-rights" {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let out = wskex()
            .args([
                "walk",
                pattern,
                "--variant",
                variant,
                "--seed",
                "1",
                "--out",
            ])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{pattern} {variant}");
        let keys: Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("keys.json")).unwrap()).unwrap();
        for key in keys["keys"].as_array().unwrap() {
            for field in ["name", "algorithm", "hex", "known_by"] {
                assert!(!key[field].is_null(), "keys.json field {field}");
            }
        }
        let mut messages: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "xml"))
            .collect();
        messages.sort();
        assert!(!messages.is_empty());
        let parties: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| {
                e.unwrap()
                    .file_name()
                    .to_str()?
                    .strip_suffix(".key.pem")
                    .map(str::to_string)
            })
            .collect();
        let receivers: std::collections::BTreeSet<String> = messages
            .iter()
            .map(|m| {
                m.file_stem()
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .rsplit('-')
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect();
        for receiver in receivers {
            let args = inspect_args_for(&receiver, dir.path(), &keys, &parties);
            let out = wskex()
                .arg("inspect")
                .args(&messages)
                .args(&args)
                .args(["--format", "json"])
                .output()
                .unwrap();
            let json: Value = serde_json::from_slice(&out.stdout).unwrap();
            for (m, path) in json["messages"].as_array().unwrap().iter().zip(&messages) {
                let to = path
                    .file_stem()
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .rsplit('-')
                    .next()
                    .unwrap();
                if to == receiver {
                    assert_eq!(
                        m["ok"],
                        true,
                        "{pattern} {variant}: {} does not pass inspect for {receiver}: {:#}",
                        path.display(),
                        m["findings"]
                    );
                }
            }
        }
    }
}

#[test]
fn walk_json_snapshots_under_seed_1() {
    for (pattern, variant) in variants() {
        let out = wskex()
            .args([
                "walk",
                pattern,
                "--variant",
                variant,
                "--seed",
                "1",
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        // The envelope bytes are pinned by the committed samples (tests/samples.rs); here the
        // story is pinned: steps, narratives, keys, layers and checks.
        let mut json: Value = serde_json::from_slice(&out.stdout).unwrap();
        for step in json["steps"].as_array_mut().unwrap() {
            if let Some(text) = step["envelope"].as_str() {
                step["envelope"] = Value::String(format!("<{} bytes>", text.len()));
            }
            if let Some(text) = step["processed"]["text"].as_str() {
                step["processed"]["text"] = Value::String(format!("<{} bytes>", text.len()));
            }
        }
        let text = serde_json::to_string_pretty(&json).unwrap();
        insta::assert_snapshot!(format!("walk_{pattern}_{variant}"), text);
    }
}

#[test]
fn bad_names_are_usage_errors() {
    for args in [
        vec!["nonsense"],
        vec!["direct", "--variant", "x"],
        vec!["direct", "--tamper", "exceed-rights"],
    ] {
        let out = wskex().arg("walk").args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr).lines().count(),
            1,
            "{args:?}"
        );
    }
}
