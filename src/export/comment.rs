//! `<!--wskex: ... -->` comments: their text made legal and safe, put into a message in the
//! message's own encoding, and taken out again.
//!
//! A comment never holds `--` (it becomes `-=`), never ends with `-`, and carries no control or
//! bidi character raw (they are escaped as everywhere else in wskex). In a document that is
//! not UTF-8 or UTF-16, characters beyond ASCII are escaped too, so the comment can be written
//! in any encoding the document may have.

use crate::safe_text;
use crate::xml::SourceEncoding;

/// What every annotation starts with; inputs that already hold it are refused.
pub const MARKER: &str = "<!--wskex:";

/// The comment for `parts` (joined with ` | `), legal in a document of `encoding`.
pub fn comment(parts: &[String], encoding: SourceEncoding) -> String {
    let mut body = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            body.push_str(" | ");
        }
        body.push_str(&safe_text::one_line(part));
    }
    let ascii_only = !matches!(
        encoding,
        SourceEncoding::Utf8
            | SourceEncoding::Utf8WithBom
            | SourceEncoding::Utf16Le
            | SourceEncoding::Utf16Be
    );
    let mut text = String::with_capacity(body.len() + 16);
    text.push_str(MARKER);
    text.push(' ');
    for c in body.chars() {
        if ascii_only && !c.is_ascii() {
            text.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else if c == '-' && text.ends_with('-') {
            text.push('=');
        } else {
            text.push(c);
        }
    }
    text.push_str(" -->");
    text
}

/// The text with every `<!--wskex: ... -->` comment removed.
pub fn strip_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(MARKER) {
        out.push_str(&rest[..start]);
        match rest[start..].find("-->") {
            Some(end) => rest = &rest[start + end + 3..],
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `text` in `encoding`, the way the message arrived (the byte order mark is the caller's).
pub fn encode(text: &str, encoding: SourceEncoding) -> Vec<u8> {
    match encoding {
        SourceEncoding::Utf16Le => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        SourceEncoding::Utf16Be => text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        // The text came from Latin-1 bytes (each byte one char) and comments are ASCII.
        SourceEncoding::Latin1 => text.chars().map(|c| c as u32 as u8).collect(),
        _ => text.as_bytes().to_vec(),
    }
}

/// The byte order mark (or nothing) the received bytes start with, kept as is.
pub fn byte_order_mark(received: &[u8], encoding: SourceEncoding) -> &[u8] {
    let length = match (encoding, received) {
        (SourceEncoding::Utf16Le, [0xFF, 0xFE, ..])
        | (SourceEncoding::Utf16Be, [0xFE, 0xFF, ..]) => 2,
        _ => 0,
    };
    &received[..length]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_never_hold_a_double_hyphen_or_a_control_character() {
        let c = comment(
            &["a -- b --- c-".into(), "x\x1b[2Jy\u{202e}".into()],
            SourceEncoding::Utf8,
        );
        assert_eq!(c, "<!--wskex: a -= b -=- c- | x\\x1b[2Jy\\u{202e} -->");
        assert!(!c[4..c.len() - 3].contains("--"));
    }

    #[test]
    fn non_unicode_documents_get_ascii_comments() {
        let c = comment(&["ümlaut".into()], SourceEncoding::Latin1);
        assert_eq!(c, "<!--wskex: \\u{fc}mlaut -->");
    }

    #[test]
    fn strip_removes_only_wskex_comments() {
        let text = "<a><!--wskex: x --><b/><!-- keep --><!--wskex: y --></a>";
        assert_eq!(strip_text(text), "<a><b/><!-- keep --></a>");
    }
}
