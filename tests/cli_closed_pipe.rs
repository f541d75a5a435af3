//! The exit code is the run's own when the reader of standard output goes away early
//! (`wskex verify bad.xml | head -c 10`): 1 for a failed check, 0 for success, never turned
//! into success by the broken pipe, and nothing printed about the pipe.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use common::wskex;

/// Runs wskex with `args`, closing the read end of its standard output at once: every write
/// the child makes after the pipe buffer (64 KiB) fills, or after the close, meets a broken
/// pipe.
fn run_with_stdout_closed(args: &[&std::ffi::OsStr]) -> Output {
    let mut child = wskex()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run wskex");
    drop(child.stdout.take());
    child.wait_with_output().expect("wait")
}

/// The sample envelope with its signed Timestamp changed: its signature fails (exit 1).
fn tampered_envelope(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string("samples/xmlsec1/envelope.xml").unwrap();
    let tampered = text.replacen(
        "<wsu:Created>2026-12-01T09:00:00Z",
        "<wsu:Created>2026-12-01T09:00:01Z",
        1,
    );
    assert_ne!(tampered, text);
    let path = dir.join("bad.xml");
    std::fs::write(&path, tampered).unwrap();
    path
}

fn assert_exit(what: &str, out: &Output, code: i32) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{what}: stderr {stderr}");
    assert!(stderr.is_empty(), "{what}: printed on stderr: {stderr}");
}

#[test]
fn a_failed_verify_still_exits_1_when_stdout_closes() {
    let dir = tempfile::tempdir().unwrap();
    let bad = tampered_envelope(dir.path());
    let out = run_with_stdout_closed(&["verify".as_ref(), bad.as_os_str()]);
    assert_exit("verify", &out, 1);
    let json = run_with_stdout_closed(&[
        "verify".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        bad.as_os_str(),
    ]);
    assert_exit("verify --format json", &json, 1);
}

/// A report far larger than the pipe buffer: the broken pipe is certain, whatever the timing.
#[test]
fn a_long_failing_report_exits_1_after_the_pipe_breaks() {
    let dir = tempfile::tempdir().unwrap();
    let bad = tampered_envelope(dir.path());
    let mut args: Vec<&std::ffi::OsStr> = vec!["inspect".as_ref()];
    args.extend(std::iter::repeat_n(bad.as_os_str(), 100));
    let full = wskex().args(&args).output().unwrap();
    assert!(full.stdout.len() > 96 * 1024, "{} bytes", full.stdout.len());
    assert_eq!(full.status.code(), Some(1));
    let out = run_with_stdout_closed(&args);
    assert_exit("inspect x200", &out, 1);
}

#[test]
fn a_long_successful_output_exits_0_after_the_pipe_breaks() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.xml");
    let items: String = (0..20_000).map(|i| format!("<i n=\"{i}\"/>\n")).collect();
    std::fs::write(&big, format!("<doc>{items}</doc>")).unwrap();
    let out = run_with_stdout_closed(&["c14n".as_ref(), big.as_os_str()]);
    assert_exit("c14n", &out, 0);
}

#[test]
fn bad_input_still_exits_2_with_its_message_when_stdout_is_closed() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.xml");
    std::fs::write(&broken, "<a><b></a>").unwrap();
    let out = run_with_stdout_closed(&["c14n".as_ref(), broken.as_os_str()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("broken.xml:1:7: expected </b>, found </a>"),
        "{stderr}"
    );
}
