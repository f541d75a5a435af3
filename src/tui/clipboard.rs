//! `y`: what copying the selected item puts on the clipboard, and the OSC 52 sequence that
//! asks the terminal to do it (it works over SSH and, with `set-clipboard on`, inside tmux).
//! Choosing the text is pure (an App in, text or a reason out); writing the sequence is the
//! event loop's.

use crate::exchange::Key;
use crate::xml::base64;

use super::app::{App, Pane};

/// Terminals cap OSC 52 payloads (xterm at about 100 000 bytes): larger selections are refused
/// rather than cut.
pub const MAX_COPY: usize = 100_000;

/// The text `y` copies here: a key's value (hex) when revealed, else the bytes of the selected
/// item's span(s) in what the Envelope pane shows. `Err` says why nothing is copied.
pub fn selection(app: &App) -> Result<String, String> {
    app.shown().ok_or("Nothing to copy.")?;
    if app.focus == Pane::Keys {
        let key = revealed_key(app, "nothing copied (r reveals it, then y copies it)")?;
        return Ok(hex::encode(key.bytes.expose()));
    }
    let text = app.envelope_text().ok_or("This step has no message.")?;
    let spans = app.highlighted_spans();
    if spans.is_empty() {
        return Err(
            "Nothing selected to copy: select a layer, reference, key or check first.".into(),
        );
    }
    let copied: Vec<&str> = spans.iter().filter_map(|s| text.get(s.range())).collect();
    Ok(copied.join("\n"))
}

/// What `Y` copies: the SHA-256 (hex) of the bytes `y` would copy, and the status line's
/// words for it. A masked key gives no digest either: a digest of a secret confirms guesses.
pub fn digest_selection(app: &App) -> Result<(String, String), String> {
    let bytes = match app.focus {
        Pane::Keys => {
            let key = revealed_key(
                app,
                "no digest copied (r reveals it, then Y copies its digest)",
            )?;
            let value = key.bytes.expose().to_vec();
            let digest = sha256(&value)?;
            let words = format!(
                "Copied the SHA-256 (hex) of key {}'s {} bytes (the revealed value): {}.",
                crate::safe_text::one_line(&key.name),
                value.len(),
                digest
            );
            return Ok((digest, words));
        }
        _ => selection(app)?.into_bytes(),
    };
    let digest = sha256(&bytes)?;
    let view = if app.showing_processed() {
        "processed view"
    } else {
        "received envelope"
    };
    let words = format!(
        "Copied the SHA-256 (hex) of the selected item's {} bytes as they are in the {view} \
         (not canonicalized): {digest}.",
        bytes.len()
    );
    Ok((digest, words))
}

/// The key selected in the Keys pane when its value is revealed; when it is masked, `Err`
/// says so and then `masked_outcome` (what was not copied, how to copy it).
fn revealed_key<'a>(app: &'a App, masked_outcome: &str) -> Result<&'a Key, String> {
    let (step, _) = app.shown().ok_or("Nothing to copy.")?;
    let key = step
        .snapshot
        .ledger
        .keys()
        .get(app.keys.selected)
        .ok_or("No key selected.")?;
    if !app.reveal {
        return Err(format!(
            "{} is masked: {masked_outcome}.",
            crate::safe_text::one_line(&key.name)
        ));
    }
    Ok(key)
}

fn sha256(bytes: &[u8]) -> Result<String, String> {
    crate::crypto::digest::digest(crate::crypto::DigestAlgorithm::Sha256, bytes)
        .map(hex::encode)
        .map_err(|e| format!("No digest: {e}"))
}

/// The OSC 52 sequence that sets the clipboard to `text`.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64::encode(text.as_bytes()))
}
