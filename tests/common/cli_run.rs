//! Running `wskex verify` and `wskex decrypt` as a user does, shared by the CLI tests of both
//! (`tests/cli_verify_decrypt*.rs`): the run, its stderr and JSON, one-line usage errors.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Output;

use serde_json::Value;
use wskex::xml::Document;
use wskex::xml::c14n::{C14nMethod, NodeSet, canonicalize_to_vec};

use super::{shared_dir, wskex};

pub fn run(args: &[OsString]) -> Output {
    wskex().args(args).output().expect("run wskex")
}

pub fn os(s: impl Into<OsString>) -> OsString {
    s.into()
}

pub fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn json_of(what: &str, out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{what}: stdout is not JSON ({e}):\n{}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            stderr_of(out)
        )
    })
}

/// Inclusive C14N without comments of a whole document.
pub fn c14n(bytes: &[u8], name: &str) -> Vec<u8> {
    let doc = Document::parse(bytes.to_vec(), name).unwrap_or_else(|e| {
        panic!(
            "{name} does not parse: {e}\n{}",
            String::from_utf8_lossy(bytes)
        )
    });
    canonicalize_to_vec(&doc, NodeSet::document(), &C14nMethod::inclusive(false))
}

/// Exit code 2, nothing on stdout, exactly one line on stderr containing `needle`.
pub fn assert_one_line_usage_error(what: &str, out: &Output, needle: &str) -> String {
    let stderr = stderr_of(out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{what}: exit code; stderr: {stderr}"
    );
    assert!(out.stdout.is_empty(), "{what}: wrote to stdout");
    assert_eq!(
        stderr.lines().count(),
        1,
        "{what}: expected one line, got: {stderr}"
    );
    assert!(
        stderr.contains(needle),
        "{what}: expected {needle:?} in: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    stderr
}

pub fn vectors() -> Option<PathBuf> {
    Some(shared_dir("wskex verify/decrypt CLI")?.join("vectors"))
}
