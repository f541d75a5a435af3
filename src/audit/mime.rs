//! MIME multipart bodies (RFC 2046 section 5.1; multipart/related, RFC 2387; MTOM/XOP): the
//! root part holds the SOAP envelope, the other parts are what `xop:Include` points to.
//!
//! Delimiters are whole lines `--boundary` (transport padding after it allowed) and the line
//! end before a delimiter belongs to the delimiter, so a part's bytes are exactly what was sent.

use std::collections::HashSet;
use std::ops::Range;

use super::content_type::{ContentType, strip_angle_brackets};
use super::error::{Fault, LoadError, LoadErrorKind};
use super::headers::{HeaderStyle, LF_NOTE, block_notes, find, parse_header_block};
use super::message::{Attachment, MimeInfo, MimePart, push_note};
use super::source::{Line, LineEnd, OffsetMap, Source, is_blank, line_at, trim, trim_end};
use super::transfer::{TransferEncoding, is_elision_placeholder};

/// A multipart body taken apart.
#[derive(Debug)]
pub(crate) struct Multipart {
    pub info: MimeInfo,
    pub root: RootContent,
    pub attachments: Vec<Attachment>,
}

/// The root part's content.
#[derive(Debug)]
pub(crate) enum RootContent {
    /// Sent as is: this range of the body.
    Range(Range<usize>),
    /// Sent base64 or quoted-printable encoded; `body_start` is where the encoded text starts.
    Decoded { bytes: Vec<u8>, body_start: usize },
}

/// A delimiter line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Delimiter {
    pub line: Line,
    /// The close delimiter `--boundary--`.
    pub close: bool,
}

/// The delimiter lines from `from` on, up to and including the close delimiter.
pub(crate) fn find_delimiters(body: &[u8], from: usize, boundary: &str) -> Vec<Delimiter> {
    let dash_boundary = [b"--", boundary.as_bytes()].concat();
    let mut found = Vec::new();
    let mut pos = from;
    while pos < body.len() {
        let line = line_at(body, pos);
        let content = line.content(body);
        if let Some(rest) = content.strip_prefix(dash_boundary.as_slice()) {
            let rest = trim_end(rest);
            if rest.is_empty() || rest == b"--" {
                let close = !rest.is_empty();
                found.push(Delimiter { line, close });
                if close {
                    break;
                }
            }
        }
        pos = line.next;
    }
    found
}

/// Takes a multipart body apart. `body` is the HTTP body (de-chunked) or the rest of the file;
/// `map` places its offsets in the file.
pub(crate) fn parse_multipart(
    src: &Source,
    body: &[u8],
    map: &OffsetMap,
    content_type: &ContentType,
    notes: &mut Vec<String>,
) -> Result<Multipart, LoadError> {
    let media = &content_type.media;
    let boundary = match media.param("boundary") {
        Some(b) if !b.is_empty() => b.to_string(),
        _ => {
            let kind = LoadErrorKind::MissingBoundary {
                media_type: media.essence.clone(),
            };
            return Err(src.error(content_type.file_offset, kind));
        }
    };
    let delimiters = find_delimiters(body, 0, &boundary);
    let Some(first) = delimiters.first() else {
        let kind = LoadErrorKind::NoDelimiter { boundary };
        return Err(src.fault(map, Fault::new(0, kind)));
    };
    if first.close {
        let kind = LoadErrorKind::NoParts { boundary };
        return Err(src.fault(map, Fault::new(first.line.start, kind)));
    }
    if !is_blank(&body[..first.line.start]) {
        push_note(
            notes,
            "text before the first MIME boundary (the preamble) ignored",
        );
    }
    if delimiters.iter().any(|d| d.line.ending == LineEnd::Lf) {
        push_note(notes, LF_NOTE);
    }
    if !delimiters.last().is_some_and(|d| d.close) {
        push_note(
            notes,
            format!(
                "multipart body has no closing delimiter \"--{boundary}--\" (tolerated: the copy \
                 may be cut short); the last part runs to the end"
            ),
        );
    }

    let mut parts = Vec::new();
    for (i, delimiter) in delimiters.iter().enumerate() {
        if delimiter.close {
            break;
        }
        let start = delimiter.line.next;
        let end = line_break_before(
            body,
            start,
            delimiters.get(i + 1).map_or(body.len(), |d| d.line.start),
        );
        let part = raw_part(body, start..end, notes).map_err(|f| src.fault(map, f))?;
        parts.push(part);
    }

    let root_index = match media.param("start").map(strip_angle_brackets) {
        Some(start) if !start.is_empty() => parts
            .iter()
            .position(|p| p.content_id.as_deref() == Some(start))
            .ok_or_else(|| {
                let kind = LoadErrorKind::RootNotFound {
                    start: start.to_string(),
                };
                src.error(content_type.file_offset, kind)
            })?,
        _ => 0,
    };

    let mut seen = HashSet::new();
    let mut info = MimeInfo {
        content_type: content_type.raw.clone(),
        boundary,
        root_content_id: None,
        parts: Vec::with_capacity(parts.len()),
    };
    let mut root = RootContent::Range(0..0);
    let mut attachments = Vec::new();
    let mut elided = Vec::new();
    for (i, part) in parts.into_iter().enumerate() {
        if let Some(id) = &part.content_id
            && !seen.insert(id.clone())
        {
            push_note(
                notes,
                format!("two MIME parts have Content-ID <{id}>; lookups find the first"),
            );
        }
        let is_root = i == root_index;
        info.parts.push(MimePart {
            content_id: part.content_id.clone(),
            headers: part
                .headers
                .iter()
                .map(|h| (h.name.clone(), h.value.clone()))
                .collect(),
            first_line: src.line(map.file_offset(part.headers_start)),
            is_root,
        });
        let content = &body[part.body.clone()];
        let decoded = part
            .encoding
            .decode(content)
            .map_err(|f| src.fault(map, Fault::new(part.body.start + f.offset, f.kind)))?;
        if let TransferEncoding::Other(name) = &part.encoding {
            push_note(
                notes,
                format!(
                    "a MIME part has Content-Transfer-Encoding {name:?}, which wskex does not \
                     decode; its bytes are kept as received"
                ),
            );
        }
        if is_root {
            info.root_content_id = part.content_id;
            root = match decoded {
                None => RootContent::Range(part.body),
                Some(bytes) => {
                    push_note(
                        notes,
                        format!(
                            "the root MIME part was sent {}-encoded; the envelope is the decoded text",
                            part.encoding.name()
                        ),
                    );
                    RootContent::Decoded {
                        bytes,
                        body_start: part.body.start,
                    }
                }
            };
            continue;
        }
        let is_elided = part.encoding.is_identity() && is_elision_placeholder(content);
        if is_elided {
            elided.push(String::from_utf8_lossy(trim(content)).into_owned());
        }
        attachments.push(Attachment {
            content_id: part.content_id,
            content_type: find(&part.headers, "Content-Type").map(|h| h.value.clone()),
            transfer_encoding: part.encoding,
            bytes: decoded.unwrap_or_else(|| content.to_vec()),
            elided: is_elided,
            first_line: src.line(map.file_offset(part.body.start)),
        });
    }
    if let Some(example) = elided.first() {
        push_note(
            notes,
            format!(
                "binary MIME parts elided in this copy: {} of {} attachment(s) hold a placeholder \
                 such as {example:?} instead of their bytes",
                elided.len(),
                attachments.len()
            ),
        );
    }
    Ok(Multipart {
        info,
        root,
        attachments,
    })
}

/// A part before the root is chosen.
struct RawPart {
    headers: Vec<super::headers::Header>,
    headers_start: usize,
    content_id: Option<String>,
    encoding: TransferEncoding,
    body: Range<usize>,
}

fn raw_part(body: &[u8], range: Range<usize>, notes: &mut Vec<String>) -> Result<RawPart, Fault> {
    // A lenient block stops at the first line that is not a header instead of failing.
    let block = parse_header_block(&body[..range.end], range.start, HeaderStyle::Lenient)?;
    let headers_start = range.start;
    block_notes(&block, "MIME part", notes);
    let content_id = find(&block.headers, "Content-ID")
        .map(|h| strip_angle_brackets(&h.value).to_string())
        .filter(|id| !id.is_empty());
    let encoding = TransferEncoding::from_header(
        find(&block.headers, "Content-Transfer-Encoding").map(|h| h.value.as_str()),
    );
    Ok(RawPart {
        content_id,
        encoding,
        body: block.body_start.clamp(range.start, range.end)..range.end,
        headers: block.headers,
        headers_start,
    })
}

/// `at`, moved back over the one line end just before it (it belongs to the delimiter), but
/// never before `start`.
fn line_break_before(body: &[u8], start: usize, at: usize) -> usize {
    let mut end = at;
    if end > start && body[end - 1] == b'\n' {
        end -= 1;
        if end > start && body[end - 1] == b'\r' {
            end -= 1;
        }
    }
    end
}
