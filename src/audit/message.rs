//! What the loader hands to the rest of the engine: one captured SOAP message with the framing
//! it arrived in, its attachments, and notes on what the copy looked like.

use super::transfer::TransferEncoding;
use crate::xml::SharedBytes;

/// One SOAP message taken from a capture file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapturedMessage {
    /// The file path, with `#1`, `#2`... when the file holds several messages.
    pub source_name: String,
    /// The file path alone, for `file:line:col` in messages.
    pub file: String,
    pub framing: Framing,
    /// Present when the envelope came out of a multipart body.
    pub mime: Option<MimeInfo>,
    /// The SOAP envelope bytes exactly as received (chunked bodies de-chunked, base64 or
    /// quoted-printable root parts decoded, nothing else changed). Empty when the message has
    /// no body (an HTTP 202, say); a note then says so. Shared with the documents parsed from
    /// it (a large capture is not held twice).
    pub soap: SharedBytes,
    /// Byte offset of `soap` in the file when it is one contiguous range of it (not after
    /// de-chunking across chunks or decoding): lets views map positions back to the file.
    pub soap_offset: Option<usize>,
    /// 1-based line of the file where the envelope starts, for `file:line:col`.
    pub soap_first_line: u32,
    /// The MIME parts other than the root, in order.
    pub attachments: Vec<Attachment>,
    /// What an auditor should know about this copy ("HTTP body was chunked", tolerated
    /// deviations, elided parts...).
    pub notes: Vec<String>,
}

/// How the message was framed in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Framing {
    /// The file (or the rest of it after white space) is the envelope.
    RawXml,
    /// An HTTP request or response dump.
    Http {
        start_line: String,
        headers: Vec<(String, String)>,
    },
    /// A MIME multipart without HTTP start line; `headers` are the MIME headers before it, empty
    /// when the file starts directly with a `--boundary` line.
    Mime { headers: Vec<(String, String)> },
}

impl Framing {
    /// True for an HTTP response dump (`HTTP/1.1 200 OK`).
    pub fn is_http_response(&self) -> bool {
        matches!(self, Framing::Http { start_line, .. } if start_line.starts_with("HTTP/"))
    }

    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let headers = match self {
            Framing::RawXml => return None,
            Framing::Http { headers, .. } | Framing::Mime { headers } => headers,
        };
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The multipart structure around the envelope, for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MimeInfo {
    /// The multipart Content-Type value as received; `None` when the file starts with a
    /// `--boundary` line and the boundary was taken from it.
    pub content_type: Option<String>,
    pub boundary: String,
    /// The root part's Content-ID (without angle brackets).
    pub root_content_id: Option<String>,
    /// Every part, the root included, in order.
    pub parts: Vec<MimePart>,
}

/// One MIME part's headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MimePart {
    pub content_id: Option<String>,
    pub headers: Vec<(String, String)>,
    /// 1-based line of the file where the part's headers start.
    pub first_line: u32,
    pub is_root: bool,
}

/// A MIME part other than the root: what `xop:Include href="cid:..."` points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Content-ID without angle brackets.
    pub content_id: Option<String>,
    pub content_type: Option<String>,
    /// The transfer encoding the part arrived in; `bytes` are already decoded from it.
    pub transfer_encoding: TransferEncoding,
    /// The decoded bytes; for an elided part, the placeholder text the copy holds instead.
    pub bytes: Vec<u8>,
    /// The copy holds a placeholder such as `...Binary content...` instead of the part's bytes
    /// (documentation and logs often drop binary parts).
    pub elided: bool,
    /// 1-based line of the file where the part's content starts.
    pub first_line: u32,
}

/// Adds a note unless the same note is already there. Notes quote header values and
/// Content-IDs from the capture, so they are kept to one escaped line.
pub(crate) fn push_note(notes: &mut Vec<String>, note: impl Into<String>) {
    let note = note.into();
    let note = match crate::safe_text::one_line(&note) {
        std::borrow::Cow::Borrowed(_) => note,
        std::borrow::Cow::Owned(escaped) => escaped,
    };
    if !notes.contains(&note) {
        notes.push(note);
    }
}
