//! `x`: the open conversation as annotated XML (see [`crate::export`]), checked to verify as
//! it did before anything is written, into a directory the user names.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::audit::{load_bytes, read_input_file};
use crate::export::checked::{Checked, export_checked, targets, write_all};
use crate::safe_text::one_line;

use super::session::{Session, Source};

/// The directory offered first: under the current directory, named after what is open.
pub fn default_dir(session: &Session) -> String {
    match &session.source {
        Source::Walk(o) => {
            let mut name = format!("wskex-export-{}-{}-seed{}", o.info.name, o.variant, o.seed);
            if let Some(t) = o.tamper {
                name.push('-');
                name.push_str(t.name());
            }
            name
        }
        Source::Capture { .. } => "wskex-export-capture".to_string(),
    }
}

/// Annotates the session's messages and writes them into `dir`; the status line's message.
/// Key values are masked unless `reveal` (the files are then owner-only).
pub fn export(session: &Session, dir: &str, reveal: bool) -> Result<String, String> {
    if dir.trim().is_empty() {
        return Err("Export: no directory given.".to_string());
    }
    let out = PathBuf::from(dir);
    if out.is_symlink() {
        return Err(format!(
            "Export refused: {} is a symbolic link; wskex does not write through one.",
            one_line(dir)
        ));
    }
    let checked = checked(session, reveal)?;
    let targets = targets(&out, &checked.files).map_err(|e| format!("Export: {e}"))?;
    write_all(&out, &checked.files, &targets, reveal).map_err(|e| format!("Export: {e}"))?;
    let values = if reveal {
        "key values revealed, files 0600"
    } else {
        "key values masked"
    };
    let edits = match session.kept.len() {
        0 => String::new(),
        n => {
            let steps: Vec<String> = session.kept.keys().map(|s| (s + 1).to_string()).collect();
            format!(
                "; {n} kept edit{} (step {}) exported as edited, in -edited files",
                if n == 1 { "" } else { "s" },
                steps.join(", ")
            )
        }
    };
    Ok(format!(
        "Exported {} files to {} ({values}{edits}; verdicts unchanged).",
        checked.files.len(),
        one_line(&display(&out))
    ))
}

fn checked(session: &Session, reveal: bool) -> Result<Checked, String> {
    if !session.kept.is_empty() {
        return checked_with_edits(session, reveal);
    }
    let checked = match &session.source {
        Source::Walk(o) => o
            .auditor
            .as_ref()
            .map_err(|e| format!("Export: {e}"))?
            .export(reveal),
        Source::Capture { input, .. } => {
            let read = |file: &str| {
                read_input_file(Path::new(file), file)
                    .map_err(|e| std::io::Error::other(e.to_string()))
            };
            export_checked(
                &input.messages,
                &input.keys,
                input.bindings.clone(),
                &input.options,
                reveal,
                &read,
            )
        }
    };
    checked.map_err(|e| format!("Export: {e}"))
}

/// The comment a kept edit carries in its exported file (after the root element, where it
/// changes no verdict), so the file never passes for the bytes that were received.
pub fn edited_note(step: usize) -> String {
    format!(
        "\n<!-- wskex tui: step {} as edited and kept in the TUI, not the bytes received -->\n",
        step + 1
    )
}

/// `dir/name.xml` -> `dir/name-stepN-edited.xml`: the kept edit's own file.
fn edited_name(file: &str, step: usize) -> String {
    let path = Path::new(file);
    let stem = path.file_stem().map_or_else(
        || "message".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    let name = format!("{stem}-step{}-edited.xml", step + 1);
    path.with_file_name(name).display().to_string()
}

/// The conversation with each kept edit in place of the message it edited, exported and
/// checked like any other: the edited messages get files of their own.
fn checked_with_edits(session: &Session, reveal: bool) -> Result<Checked, String> {
    let (mut messages, keys, bindings, options) = match &session.source {
        Source::Walk(o) => {
            let auditor = o.auditor.as_ref().map_err(|e| format!("Export: {e}"))?;
            let options = crate::receive::ProcessOptions::default();
            (
                auditor.messages.clone(),
                &auditor.store,
                auditor.bindings.clone(),
                options,
            )
        }
        Source::Capture { input, .. } => (
            input.messages.clone(),
            &input.keys,
            input.bindings.clone(),
            input.options.clone(),
        ),
    };
    let mut edited_files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (&step, edit) in &session.kept {
        let at = match &session.source {
            Source::Capture { .. } => Some(step),
            // A walkthrough's steps are not its messages: find the message the edit started from.
            Source::Walk(_) => messages
                .iter()
                .position(|m| m.soap == edit.original.as_bytes()),
        }
        .filter(|&i| i < messages.len())
        .ok_or_else(|| {
            format!(
                "Export: step {} is not one of the messages sent, so its edit cannot be exported.",
                step + 1
            )
        })?;
        let name = edited_name(&messages[at].file, step);
        let bytes = format!("{}{}", edit.edited, edited_note(step)).into_bytes();
        let loaded = load_bytes(bytes.clone(), &name).map_err(|e| format!("Export: {e}"))?;
        let [message] = <[_; 1]>::try_from(loaded)
            .map_err(|_| format!("Export: the edit of step {} is not one message.", step + 1))?;
        messages[at] = message;
        edited_files.insert(name, bytes);
    }
    let read = |file: &str| {
        if let Some(bytes) = edited_files.get(file) {
            return Ok(bytes.clone());
        }
        match &session.source {
            Source::Walk(o) => o
                .auditor
                .as_ref()
                .ok()
                .and_then(|a| a.text(file))
                .map(<[u8]>::to_vec)
                .ok_or_else(|| std::io::Error::other("not a message of this walkthrough")),
            Source::Capture { .. } => read_input_file(Path::new(file), file)
                .map_err(|e| std::io::Error::other(e.to_string())),
        }
    };
    export_checked(&messages, keys, bindings, &options, reveal, &read)
        .map_err(|e| format!("Export: {e}"))
}

fn display(path: &Path) -> String {
    path.display().to_string()
}
