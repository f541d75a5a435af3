//! `walk --out DIR`: a folder holds one walk. An earlier walk is replaced only with `--force`
//! (exactly its files, listed in wskex-walk.json); a folder holding anything else is refused.

mod common;

use std::path::Path;

use common::wskex;

fn walk_out(pattern: &str, dir: &Path, force: bool) -> std::process::Output {
    let mut cmd = wskex();
    cmd.args(["walk", pattern, "--out"]).arg(dir);
    if force {
        cmd.arg("--force");
    }
    cmd.output().unwrap()
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn an_earlier_walk_is_replaced_only_with_force_and_never_mixed() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("c");
    assert!(walk_out("direct", &dir, false).status.success());
    let first = names(&dir);
    assert!(first.contains(&"03-bob-alice.xml".to_string()));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("wskex-walk.json")).unwrap()).unwrap();
    assert_eq!(manifest["pattern"], "direct");
    assert_eq!(manifest["files"].as_array().unwrap().len(), first.len() - 1);

    let again = walk_out("request-reply", &dir, false);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force replaces it"));
    assert_eq!(names(&dir), first, "nothing changed");

    assert!(walk_out("request-reply", &dir, true).status.success());
    let second = names(&dir);
    assert!(
        !second.contains(&"03-bob-alice.xml".to_string()),
        "{second:?}"
    );
    assert!(second.contains(&"02-bob-alice.xml".to_string()));
}

#[test]
fn a_folder_with_other_files_is_refused_even_with_force() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("c");
    assert!(walk_out("direct", &dir, false).status.success());
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let out = walk_out("direct", &dir, true);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("notes.txt"));
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "mine"
    );

    let plain = root.path().join("plain");
    std::fs::create_dir(&plain).unwrap();
    std::fs::write(plain.join("capture.xml"), "<x/>").unwrap();
    let out = walk_out("direct", &plain, true);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a wskex walk folder"));
    assert_eq!(names(&plain), ["capture.xml"]);
}
