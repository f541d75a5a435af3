//! `x`: the open conversation as annotated XML (see [`crate::export`]), checked to verify as
//! it did before anything is written, into a directory the user names.

use std::path::{Path, PathBuf};

use crate::audit::read_input_file;
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
    Ok(format!(
        "Exported {} files to {} ({values}; verdicts unchanged).",
        checked.files.len(),
        one_line(&display(&out))
    ))
}

fn checked(session: &Session, reveal: bool) -> Result<Checked, String> {
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

fn display(path: &Path) -> String {
    path.display().to_string()
}
