//! The manifest a `walk --out` folder carries (`wskex-walk.json`): which files the walk wrote,
//! so a later walk into the same folder replaces exactly those (`--force`) and a conversation
//! folder never mixes two walks or loses a file that is not wskex's.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::CliError;
use crate::patterns::Walkthrough;
use crate::safe_text;
use crate::safe_write::{self, Privacy};

/// The manifest's file name (JSON, so `inspect DIR` passes over it).
pub const MANIFEST: &str = "wskex-walk.json";

#[derive(Serialize, Deserialize)]
struct Manifest {
    pattern: String,
    variant: String,
    seed: u64,
    tamper: Option<String>,
    files: Vec<String>,
}

/// The files of the earlier walk in `dir` (the manifest included), or nothing when `dir` is
/// empty. Refused: a folder holding anything the manifest does not list.
pub fn earlier_walk(dir: &Path) -> Result<Vec<String>, CliError> {
    let io_error = |source| CliError::Io {
        path: dir.display().to_string(),
        source,
    };
    let mut present: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io_error)? {
        present.push(
            entry
                .map_err(io_error)?
                .file_name()
                .to_string_lossy()
                .into_owned(),
        );
    }
    if present.is_empty() {
        return Ok(Vec::new());
    }
    let shown = || safe_text::escape(&dir.display().to_string()).into_owned();
    let listed: Vec<String> = std::fs::read(dir.join(MANIFEST))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Manifest>(&bytes).ok())
        .map(|m| m.files)
        .ok_or_else(|| {
            CliError::Usage(format!(
                "{}: not empty and not a wskex walk folder (no {MANIFEST}); choose an empty or new folder",
                shown()
            ))
        })?;
    let foreign: Vec<&String> = present
        .iter()
        .filter(|name| name.as_str() != MANIFEST && !listed.contains(name))
        .collect();
    if !foreign.is_empty() {
        let names: Vec<String> = foreign
            .iter()
            .take(3)
            .map(|n| safe_text::escape(n).into_owned())
            .collect();
        return Err(CliError::Usage(format!(
            "{}: holds files that are not from a wskex walk ({}{}); choose an empty or new folder",
            shown(),
            names.join(", "),
            if foreign.len() > 3 { ", ..." } else { "" }
        )));
    }
    let mut earlier: Vec<String> = listed.into_iter().filter(|n| present.contains(n)).collect();
    earlier.push(MANIFEST.to_string());
    Ok(earlier)
}

/// Removes the earlier walk's files (never following a link: `remove_file` removes the entry).
pub fn remove(dir: &Path, files: &[String]) -> Result<(), CliError> {
    for name in files {
        if name.contains('/') || name.contains('\\') || name == ".." {
            continue;
        }
        let path = dir.join(name);
        std::fs::remove_file(&path).map_err(|source| CliError::Io {
            path: path.display().to_string(),
            source,
        })?;
    }
    Ok(())
}

/// Writes the manifest of the walk just written.
pub fn write(dir: &Path, w: &Walkthrough, files: &[&str]) -> Result<(), CliError> {
    let manifest = Manifest {
        pattern: w.info.name.to_string(),
        variant: w.variant.to_string(),
        seed: w.seed,
        tamper: w.tamper.map(|t| t.name().to_string()),
        files: files.iter().map(|f| f.to_string()).collect(),
    };
    let text = safe_text::to_json_pretty(&manifest).expect("the manifest serializes") + "\n";
    safe_write::write_file(&dir.join(MANIFEST), text.as_bytes(), Privacy::Public)?;
    Ok(())
}
