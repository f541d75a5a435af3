//! Text from a message made safe to show: what a hostile sender puts in an id, a certificate
//! subject or an algorithm URI must never reach a terminal as a control sequence.
//!
//! One rule for every face of wskex (text reports, diagnostics, JSON, SARIF, the TUI): C0
//! controls, DEL and C1 controls are written as `\x` and two lowercase hex digits (`\x1b`), and
//! the bidirectional formatting characters (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069) as
//! `\u{202e}`. JSON escapes the same characters as `\u001b` / `\u202e`, which serde_json alone
//! leaves raw for DEL, C1 and bidi. Document output (canonical bytes, decrypted files, exports)
//! is never passed through here: it stays byte-exact.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde::Serialize;

/// Whether `c` is a bidirectional formatting character that can reorder what a reader sees.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// Whether `c` must not reach a terminal raw: C0, DEL, C1 or a bidi control.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// `s` with every unsafe character escaped; line breaks too, since a value from a message is
/// never allowed to start a line of its own in a report.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

/// `s` as one line of a report: runs of space, tab, line feed and carriage return become one
/// space, leading and trailing ones are dropped, and the other unsafe characters are escaped.
pub fn one_line(s: &str) -> Cow<'_, str> {
    let is_blank = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r');
    let needs_work = s.starts_with(is_blank)
        || s.ends_with(is_blank)
        || s.chars()
            .any(|c| is_unsafe(c) && !matches!(c, '\t' | '\n' | '\r'))
        || s.contains(['\t', '\n', '\r'])
        || s.contains("  ");
    if !needs_work {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.trim_matches(is_blank).chars() {
        if is_blank(c) {
            pending_space = true;
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

fn push_escaped(out: &mut String, c: char) {
    if is_bidi_control(c) {
        let _ = write!(out, "\\u{{{:x}}}", c as u32);
    } else if c.is_control() {
        let _ = write!(out, "\\x{:02x}", c as u32);
    } else {
        out.push(c);
    }
}

/// JSON text of `value` (pretty-printed) in which DEL, C1 and bidi controls are escaped as
/// `\uXXXX` too. Those characters can only stand inside JSON strings (everything structural is
/// ASCII), so escaping them in the finished text is exact.
pub fn to_json_pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let text = serde_json::to_string_pretty(value)?;
    Ok(escape_json_text(text))
}

/// Writes [`to_json_pretty`] of `value` and a final line break.
pub fn write_json_pretty<T: Serialize + ?Sized>(
    out: &mut dyn std::io::Write,
    value: &T,
) -> std::io::Result<()> {
    let text = to_json_pretty(value).map_err(std::io::Error::other)?;
    out.write_all(text.as_bytes())?;
    out.write_all(b"\n")
}

fn escape_json_text(text: String) -> String {
    // serde_json already escapes C0; what it leaves raw is DEL, C1 and the bidi controls.
    let raw = |c: char| c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c) || is_bidi_control(c);
    if !text.chars().any(raw) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if raw(c) {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_writes_controls_as_hex_and_bidi_as_code_points() {
        assert_eq!(escape("plain text"), "plain text");
        assert_eq!(escape("a\x1b]0;pwned\x07b"), "a\\x1b]0;pwned\\x07b");
        assert_eq!(escape("x\r\ny\u{7f}\u{9b}"), "x\\x0d\\x0ay\\x7f\\x9b");
        assert_eq!(escape("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(
            escape("\u{61c}\u{200e}\u{2069}"),
            "\\u{61c}\\u{200e}\\u{2069}"
        );
        assert_eq!(escape("ümlaut ✓"), "ümlaut ✓");
    }

    #[test]
    fn one_line_collapses_blank_runs_and_escapes_the_rest() {
        assert_eq!(one_line("CN=alice"), "CN=alice");
        assert_eq!(one_line("  a \t\n b\r\nc  "), "a b c");
        assert_eq!(one_line("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(one_line("a  b"), "a b");
    }

    #[test]
    fn json_escapes_what_serde_json_leaves_raw() {
        let value = serde_json::json!({ "id": "a\u{1b}b\u{7f}c\u{85}d\u{202e}e" });
        let text = to_json_pretty(&value).unwrap();
        assert!(text.contains(r"a\u001bb\u007fc\u0085d\u202ee"), "{text}");
        assert!(!text.chars().any(is_unsafe_in_json));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }

    fn is_unsafe_in_json(c: char) -> bool {
        c != '\n' && is_unsafe(c)
    }
}
