//! `wskex c14n` as a user runs it: help, output, and one clear line with file:line:col and exit
//! code 2 for every kind of bad input, never a panic or a hang.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::wskex;

/// Runs with a generous watchdog so a hang fails the test instead of stalling CI.
fn run_with_watchdog(cmd: &mut Command) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn wskex");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("wskex did not finish within 30 s");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn c14n_file(path: &Path) -> Output {
    run_with_watchdog(wskex().arg("c14n").arg(path))
}

/// Exit code 2, nothing on stdout, exactly one line on stderr naming `path:line:col:`.
fn assert_one_line_error(out: &Output, path: &Path, line: u32, what: &str) {
    let located = format!("{}:{line}:", path.display());
    common::cli_run::assert_one_line_usage_error(what, out, &located);
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn help_is_complete() {
    let out = wskex().arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("c14n") && text.contains("Exit codes"),
        "{text}"
    );
    // Each command's own long help (not a one-line summary) with its exit codes.
    for command in ["c14n", "verify", "decrypt", "walk", "inspect", "derive"] {
        let out = wskex().args([command, "--help"]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Exit codes"), "{command} --help:\n{text}");
    }
    let out = wskex().args(["c14n", "--help"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--exclusive",
        "--with-comments",
        "--prefixes",
        "--id",
        "--element",
        "--drop-signature",
        "--id-attr",
    ] {
        assert!(text.contains(flag), "c14n --help lacks {flag}:\n{text}");
    }
}

#[test]
fn canonicalizes_a_file_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "a.xml",
        b"<?xml version='1.0'?>\n<a b='1' a='2'><!--c--><e/></a>\n",
    );
    let out = c14n_file(&path);
    assert!(out.status.success());
    assert_eq!(out.stdout, b"<a a=\"2\" b=\"1\"><e></e></a>");
    let out = wskex()
        .arg("c14n")
        .arg(&path)
        .arg("--with-comments")
        .output()
        .unwrap();
    assert_eq!(out.stdout, b"<a a=\"2\" b=\"1\"><!--c--><e></e></a>");
}

#[test]
fn selects_by_element_and_drops_the_signature() {
    let dir = tempfile::tempdir().unwrap();
    let xml = br#"<r xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:x="urn:x"><x:d>1<ds:Signature><ds:V/></ds:Signature></x:d></r>"#;
    let path = write(dir.path(), "s.xml", xml);
    let out = wskex()
        .arg("c14n")
        .arg(&path)
        .args(["--exclusive", "--element", "{urn:x}d", "--drop-signature"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, br#"<x:d xmlns:x="urn:x">1</x:d>"#);
}

#[test]
fn billion_laughs_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut xml =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        xml.push_str(&format!(
            " <!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    xml.push_str("]>\n<lolz>&lol9;</lolz>\n");
    let path = write(dir.path(), "laughs.xml", xml.as_bytes());
    let out = c14n_file(&path);
    assert_one_line_error(&out, &path, 3, "billion laughs");
    assert!(String::from_utf8_lossy(&out.stderr).contains("entities"));
}

#[test]
fn external_entity_is_refused_without_fetching() {
    let dir = tempfile::tempdir().unwrap();
    let xml = b"<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<r>&xxe;</r>";
    let path = write(dir.path(), "xxe.xml", xml);
    let out = c14n_file(&path);
    assert_one_line_error(&out, &path, 2, "external entity");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("root:"));
}

#[test]
fn deep_nesting_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let xml = "<a>".repeat(100_000) + &"</a>".repeat(100_000);
    let path = write(dir.path(), "deep.xml", xml.as_bytes());
    let out = c14n_file(&path);
    assert_one_line_error(&out, &path, 1, "100,000 nested elements");
    assert!(String::from_utf8_lossy(&out.stderr).contains("nested deeper than the limit of 512"));
}

#[test]
fn invalid_utf8_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "bad-utf8.xml", b"<a>\n<b>caf\xe9</b>\n</a>");
    let out = c14n_file(&path);
    assert_one_line_error(&out, &path, 2, "invalid UTF-8");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(":2:7:"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn unclosed_tag_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "unclosed.xml", b"<a>\n  <b>\n    text\n</a>");
    let out = c14n_file(&path);
    assert_one_line_error(&out, &path, 4, "unclosed tag");
}

#[test]
fn truncated_document_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "truncated.xml", b"<a>\n  <b>text</b>\n  <c");
    let out = c14n_file(&path);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn duplicate_attribute_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "dup.xml", b"<a>\n<b x='1' y='2' x='3'/>\n</a>");
    let out = c14n_file(&path);
    assert_one_line_error(&out, &path, 2, "duplicate attribute");
    assert!(String::from_utf8_lossy(&out.stderr).contains(":2:16:"));
}

#[test]
fn duplicate_id_is_refused_not_resolved() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "dupid.xml",
        b"<a>\n<b Id='x'/>\n<c Id='x'/>\n</a>",
    );
    let out = run_with_watchdog(wskex().arg("c14n").arg(&path).args(["--id", "x"]));
    assert_one_line_error(&out, &path, 2, "duplicate id");
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 elements"));
}

#[test]
fn missing_file_and_usage_errors_exit_2() {
    let out = wskex()
        .args(["c14n", "/nonexistent/file.xml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
    let out = wskex()
        .args(["c14n", "x.xml", "--prefixes", "a"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "--prefixes needs --exclusive");
    let out = wskex()
        .args(["c14n", "x.xml", "--id", "a", "--element", "b"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "--id and --element conflict");
}
