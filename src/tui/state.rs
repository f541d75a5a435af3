//! What the TUI remembers between runs: the captures opened recently (the `o` prompt offers
//! the last one) and the pattern opened last (the picker starts on it). It lives in the `directories` state dir (`~/.local/state/wskex/`), falling
//! back to the local data dir where there is none, or in `WSKEX_STATE_DIR`; it is written with
//! `safe_write` (owner-only: the lines name key files).

use std::path::PathBuf;

use crate::safe_write::{Privacy, SafeWriteError, write_file};

/// How many recent captures are kept.
pub const RECENT: usize = 10;

const RECENT_FILE: &str = "recent-captures";
const LAST_PATTERN_FILE: &str = "last-pattern";

/// The state directory, if one can be named.
pub fn state_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("WSKEX_STATE_DIR") {
        return Some(PathBuf::from(dir));
    }
    let dirs = directories::ProjectDirs::from("", "", "wskex")?;
    Some(
        dirs.state_dir()
            .unwrap_or_else(|| dirs.data_local_dir())
            .to_path_buf(),
    )
}

/// The captures opened recently, most recent first (none when nothing was saved or the file
/// cannot be read: remembering is a convenience, never an error that stops the TUI).
pub fn recent_captures() -> Vec<String> {
    let Some(path) = state_dir().map(|d| d.join(RECENT_FILE)) else {
        return Vec::new();
    };
    std::fs::read_to_string(path)
        .map(|text| {
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .take(RECENT)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The picker entry opened last (see `PickerEntry::key`), if one was remembered.
pub fn last_pattern() -> Option<String> {
    let path = state_dir()?.join(LAST_PATTERN_FILE);
    let text = std::fs::read_to_string(path).ok()?;
    text.lines().next().map(str::to_string)
}

/// Remembers the picker entry just opened.
pub fn remember_pattern(key: &str) -> Result<(), SafeWriteError> {
    let Some(dir) = state_dir() else {
        return Ok(());
    };
    std::fs::create_dir_all(&dir).map_err(|source| SafeWriteError::Io {
        path: dir.clone(),
        source,
    })?;
    write_file(
        &dir.join(LAST_PATTERN_FILE),
        format!("{key}\n").as_bytes(),
        Privacy::Public,
    )
}

/// Puts `line` (what was typed at the `o` prompt) first among the recent captures.
pub fn remember_capture(line: &str) -> Result<(), SafeWriteError> {
    let Some(dir) = state_dir() else {
        return Ok(());
    };
    let line = line.replace(['\n', '\r'], " ");
    let mut lines = vec![line.clone()];
    lines.extend(
        recent_captures()
            .into_iter()
            .filter(|l| *l != line)
            .take(RECENT - 1),
    );
    std::fs::create_dir_all(&dir).map_err(|source| SafeWriteError::Io {
        path: dir.clone(),
        source,
    })?;
    let mut text = lines.join("\n");
    text.push('\n');
    write_file(&dir.join(RECENT_FILE), text.as_bytes(), Privacy::Secret)
}
