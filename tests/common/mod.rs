//! Helpers shared by the integration tests: where the shared vectors live, how to skip
//! visibly (or fail, in CI) when they or an oracle tool are missing, and the manifest format.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// True when CI demands that interop and vector tests run instead of skipping.
pub fn interop_required() -> bool {
    std::env::var("WSKEX_REQUIRE_INTEROP").is_ok_and(|v| v == "1")
}

/// Prints past the test harness's output capture so a skip is visible in a normal run.
pub fn visible(message: &str) {
    let _ = writeln!(std::io::stderr(), "{message}");
}

/// `../shared` next to the crate, or a visible skip (a failure under WSKEX_REQUIRE_INTEROP=1).
pub fn shared_dir(test: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if dir.is_dir() {
        return Some(dir);
    }
    if interop_required() {
        panic!("{test}: WSKEX_REQUIRE_INTEROP=1 but ../shared is missing");
    }
    visible(&format!("skipped: {test}: ../shared not found"));
    None
}

/// Whether an external oracle program can run; a visible skip or a CI failure otherwise.
pub fn tool_available(test: &str, tool: &str) -> bool {
    let found = Command::new(tool).arg("--version").output().is_ok();
    if !found {
        if interop_required() {
            panic!("{test}: WSKEX_REQUIRE_INTEROP=1 but {tool} is not installed");
        }
        visible(&format!("skipped: {test}: {tool} not installed"));
    }
    found
}

/// Applies edits (position, byte, operation) the way the never-panic properties mangle a
/// message: replace a byte, remove one, or insert a character that matters to XML or base64.
pub fn mangle(bytes: &mut Vec<u8>, edits: &[(usize, u8, u8)]) {
    for &(at, byte, op) in edits {
        if bytes.is_empty() {
            break;
        }
        let at = at % bytes.len();
        match op {
            0 => bytes[at] = byte,
            1 => {
                bytes.remove(at);
            }
            _ => {
                const SPECIAL: &[u8] = b"<>&;:=\"'/#xAZ+ \n";
                bytes.insert(at, SPECIAL[byte as usize % SPECIAL.len()]);
            }
        }
    }
}

/// The wskex binary built for this test run.
pub fn wskex() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wskex"))
}

/// One row of a shared MANIFEST.tsv.
#[derive(Debug, Clone)]
pub struct ManifestRow {
    pub fields: Vec<String>,
    header: std::rc::Rc<Vec<String>>,
}

impl ManifestRow {
    pub fn get(&self, column: &str) -> &str {
        let i = self
            .header
            .iter()
            .position(|h| h == column)
            .unwrap_or_else(|| panic!("no column {column}"));
        self.fields.get(i).map(String::as_str).unwrap_or("")
    }

    /// `key=value` parameters from the part of `notes` before ` | `.
    pub fn param(&self, key: &str) -> Option<String> {
        let notes = self.get("notes");
        let params = notes.split(" | ").next().unwrap_or("");
        params
            .split(';')
            .map(str::trim)
            .find_map(|p| p.strip_prefix(key)?.strip_prefix('=').map(str::to_string))
    }

    /// Optional cases (or those needing a capability outside the scope) may be unsupported.
    pub fn is_optional(&self) -> bool {
        self.param("optional").as_deref() == Some("1") || self.param("needs").is_some()
    }
}

pub fn read_manifest(path: &Path) -> Vec<ManifestRow> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header: std::rc::Rc<Vec<String>> = std::rc::Rc::new(
        lines
            .next()
            .expect("header")
            .split('\t')
            .map(str::to_string)
            .collect(),
    );
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| ManifestRow {
            fields: l.split('\t').map(str::to_string).collect(),
            header: header.clone(),
        })
        .collect()
}
pub mod cli_run;
pub mod direct_walk;
pub mod report;
pub mod xmlsec1;
