//! `wskex derive` reproduces every P_SHA-1 vector of the shared captures (DerivedKeyToken
//! rows through `derive psha1`, ComputedKey rows through `derive computed`).

mod common;

use common::{shared_dir, visible, wskex};
use wskex::xml::base64;

fn rows(path: &std::path::Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    assert_eq!(
        header,
        [
            "secret_hex",
            "label",
            "nonce_b64",
            "offset",
            "length",
            "expected_hex"
        ]
    );
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

#[test]
fn every_psha1_vector_through_the_cli() {
    let Some(shared) = shared_dir("wskex derive vectors") else {
        return;
    };
    let mut count = 0;
    for file in ["psha1_vectors.tsv", "psha1_published.tsv"] {
        for row in rows(&shared.join("captures/psha1").join(file)) {
            let [secret, label, nonce, offset, length, expected] = &row[..] else {
                panic!("bad row {row:?}")
            };
            let mut cmd = wskex();
            if label.is_empty() {
                let requestor = base64::encode(&hex::decode(secret).unwrap());
                let bits = (length.parse::<u32>().unwrap() * 8).to_string();
                cmd.args([
                    "derive",
                    "computed",
                    "--requestor-entropy",
                    &requestor,
                    "--issuer-entropy",
                    nonce,
                    "--key-size",
                    &bits,
                ]);
                assert_eq!(offset, "0", "ComputedKey rows start at 0");
            } else {
                cmd.args([
                    "derive",
                    "psha1",
                    "--secret",
                    &format!("hex:{secret}"),
                    "--label",
                    label,
                    "--nonce",
                    nonce,
                ]);
                cmd.args(["--offset", offset, "--length", length]);
            }
            let out = cmd.output().unwrap();
            assert!(
                out.status.success(),
                "{file} {row:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(
                String::from_utf8_lossy(&out.stdout).trim(),
                expected,
                "{file} {row:?}"
            );
            count += 1;
        }
    }
    assert!(count >= 14, "expected the 11 + 3 shared rows, ran {count}");
    visible(&format!("wskex derive: {count} P_SHA-1 vectors reproduced"));
}

#[test]
fn generation_is_an_offset_in_lengths_and_excludes_offset() {
    let out = wskex()
        .args([
            "derive",
            "psha1",
            "--secret",
            "hex:00112233",
            "--nonce",
            "AAAA",
            "--generation",
            "1",
            "--length",
            "16",
        ])
        .output()
        .unwrap();
    let by_generation = String::from_utf8_lossy(&out.stdout).to_string();
    let out = wskex()
        .args([
            "derive",
            "psha1",
            "--secret",
            "hex:00112233",
            "--nonce",
            "AAAA",
            "--offset",
            "16",
            "--length",
            "16",
        ])
        .output()
        .unwrap();
    assert_eq!(by_generation, String::from_utf8_lossy(&out.stdout));
    let out = wskex()
        .args([
            "derive",
            "psha1",
            "--secret",
            "x",
            "--nonce",
            "AAAA",
            "--offset",
            "1",
            "--generation",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bad_values_are_usage_errors() {
    for args in [
        vec!["derive", "psha1", "--secret", "hex:zz", "--nonce", "AAAA"],
        vec!["derive", "psha1", "--secret", "s", "--nonce", "!!"],
        vec![
            "derive", "psha1", "--secret", "s", "--nonce", "AAAA", "--length", "0",
        ],
        vec![
            "derive",
            "computed",
            "--requestor-entropy",
            "AAAA",
            "--issuer-entropy",
            "AAAA",
            "--key-size",
            "0",
        ],
        vec![
            "derive",
            "computed",
            "--requestor-entropy",
            "AAAA",
            "--issuer-entropy",
            "AAAA",
            "--key-size",
            "4000000000",
        ],
    ] {
        let out = wskex().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr).lines().count(),
            1,
            "{args:?}"
        );
    }
}
