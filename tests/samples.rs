//! The committed samples: each walkthrough folder is exactly what `wskex walk --seed 1 --out`
//! writes today (so a change to a pattern must come with regenerated samples), and every
//! command in `samples/README.md` runs with the exit status the README promises.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::wskex;
use wskex::patterns::CATALOG;

fn files_of(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn committed_walkthrough_samples_are_what_wskex_writes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    for info in CATALOG {
        for variant in info.variants {
            let dir = tempfile::tempdir().unwrap();
            let out = wskex()
                .args([
                    "walk",
                    info.name,
                    "--variant",
                    variant,
                    "--seed",
                    "1",
                    "--out",
                ])
                .arg(dir.path())
                .output()
                .unwrap();
            assert!(
                out.status.code().is_some_and(|c| c <= 1),
                "{} {variant}: {}",
                info.name,
                String::from_utf8_lossy(&out.stderr)
            );
            let written = files_of(dir.path());
            let committed = files_of(&root.join(info.name).join(variant));
            assert_eq!(
                written.keys().collect::<Vec<_>>(),
                committed.keys().collect::<Vec<_>>(),
                "{} {variant}: the sample folder's files (run samples/make-samples.sh)",
                info.name
            );
            for (name, bytes) in &written {
                assert!(
                    committed[name] == *bytes,
                    "samples/{}/{variant}/{name} differs from what wskex writes (run samples/make-samples.sh)",
                    info.name
                );
            }
        }
    }
}

/// `wskex ARGS... [# exits N]` lines of the README's code blocks.
fn readme_commands() -> Vec<(Vec<String>, i32, String)> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/README.md"))
            .unwrap();
    let mut in_code = false;
    let mut commands = Vec::new();
    for line in readme.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        let Some(rest) = line.strip_prefix("wskex ").filter(|_| in_code) else {
            continue;
        };
        let (command, comment) = rest.split_once('#').unwrap_or((rest, ""));
        let expected = comment
            .trim()
            .strip_prefix("exits ")
            .map(|n| n.trim().parse().unwrap())
            .unwrap_or(0);
        let args = command.split_whitespace().map(str::to_string).collect();
        commands.push((args, expected, line.to_string()));
    }
    commands
}

#[test]
fn every_command_in_the_samples_readme_runs_as_promised() {
    let commands = readme_commands();
    assert!(commands.len() >= 9, "{} commands", commands.len());
    for (args, expected, line) in commands {
        let out = wskex()
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(expected),
            "{line}\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn the_beyond_rights_sample_fails_only_the_delegated_right() {
    let (args, _, _) = readme_commands()
        .into_iter()
        .find(|(a, _, _)| a.iter().any(|x| x.contains("beyond-rights")))
        .unwrap();
    let out = wskex()
        .args(&args)
        .args(["--format", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<String> = json["messages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["findings"].as_array().unwrap().iter())
        .filter(|f| f["severity"] == "error")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].starts_with("delegated right:") && errors[0].contains("CancelPurchaseOrder"),
        "{errors:#?}"
    );
}
