//! HTTP/1.x message dumps: a start line, headers, a blank line and a body, possibly chunked,
//! possibly several messages in one file (a request followed by its response).
//!
//! Copies of real traffic are edited: Content-Length often no longer matches, so a body runs to
//! the next start line (or the end of the file) unless Content-Length agrees with that.

use super::chunked::dechunk;
use super::content_type::{ContentType, MediaType};
use super::envelope::extract;
use super::error::{LoadError, LoadErrorKind};
use super::headers::{HeaderBlock, HeaderStyle, LF_NOTE, block_notes, parse_header_block};
use super::message::{CapturedMessage, Framing, push_note};
use super::source::{LineEnd, OffsetMap, Source, is_blank, line_at, trim_end};

/// True for `POST /path HTTP/1.1` or `HTTP/1.1 200 OK` (trailing white space allowed).
pub(crate) fn is_start_line(line: &[u8]) -> bool {
    let line = trim_end(line);
    is_status_line(line) || is_request_line(line)
}

/// `HTTP/1.1`, `HTTP/1.0`, `HTTP/2`.
fn is_http_version(word: &[u8]) -> bool {
    let Some(number) = word.strip_prefix(b"HTTP/") else {
        return false;
    };
    let (major, minor) = match memchr::memchr(b'.', number) {
        Some(i) => (&number[..i], Some(&number[i + 1..])),
        None => (number, None),
    };
    let digits = |d: &[u8]| !d.is_empty() && d.iter().all(u8::is_ascii_digit);
    digits(major) && minor.is_none_or(digits)
}

fn is_status_line(line: &[u8]) -> bool {
    let mut words = line.splitn(3, |&b| b == b' ');
    let (Some(version), Some(code)) = (words.next(), words.next()) else {
        return false;
    };
    is_http_version(version) && code.len() == 3 && code.iter().all(u8::is_ascii_digit)
}

fn is_request_line(line: &[u8]) -> bool {
    let words: Vec<&[u8]> = line.split(|&b| b == b' ').collect();
    let [method, target, version] = words.as_slice() else {
        return false;
    };
    method.first().is_some_and(u8::is_ascii_uppercase)
        && method
            .iter()
            .all(|&b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && !target.is_empty()
        && is_http_version(version)
}

/// The first line at or after `from` (a line start) that is an HTTP start line.
fn next_start_line(bytes: &[u8], from: usize) -> Option<usize> {
    let mut pos = from;
    while pos < bytes.len() {
        let line = line_at(bytes, pos);
        let content = line.content(bytes);
        // Only lines starting with an upper-case letter can be start lines: a cheap filter.
        if content.first().is_some_and(u8::is_ascii_uppercase) && is_start_line(content) {
            return Some(line.start);
        }
        pos = line.next;
    }
    None
}

/// How far past the first start line the close delimiter is always looked for, in bytes.
const OVERSCAN_FLOOR: usize = 256;

/// The next start line after a multipart body: the first one after its close delimiter, so a
/// binary part that happens to hold a line like `HTTP/1.1 200 OK` does not cut the body short.
/// Without a close delimiter, the first start line after `body_start`.
///
/// The search for the close delimiter goes at most twice as far (plus [`OVERSCAN_FLOOR`]) past
/// the first start line as that line is from the body: a file of many multipart messages
/// without close delimiters then costs a bounded multiple of its size, not a scan to the end of
/// the file per message.
fn next_start_after_multipart(bytes: &[u8], body_start: usize, boundary: &str) -> Option<usize> {
    let close = [b"--", boundary.as_bytes(), b"--"].concat();
    let mut first_start = None;
    let mut pos = body_start;
    while pos < bytes.len() {
        if let Some(first) = first_start
            && pos - first > 2 * (first - body_start) + OVERSCAN_FLOOR
        {
            break;
        }
        let line = line_at(bytes, pos);
        let content = trim_end(line.content(bytes));
        if content == close.as_slice() {
            return next_start_line(bytes, line.next);
        }
        if first_start.is_none()
            && content.first().is_some_and(u8::is_ascii_uppercase)
            && is_start_line(content)
        {
            first_start = Some(line.start);
        }
        pos = line.next;
    }
    first_start
}

/// Loads the HTTP messages of a file whose first message starts at `start`.
pub(crate) fn load_http(src: &Source, start: usize) -> Result<Vec<CapturedMessage>, LoadError> {
    let bytes = src.bytes;
    let mut messages = Vec::new();
    let mut pos = start;
    loop {
        let (message, after) = load_one(src, pos)?;
        messages.push(message);
        let next = next_start_line(bytes, after);
        let gap_end = next.unwrap_or(bytes.len());
        if !is_blank(&bytes[after.min(gap_end)..gap_end])
            && let Some(last) = messages.last_mut()
        {
            push_note(
                &mut last.notes,
                format!(
                    "{} bytes after this message's body ignored (not an HTTP message)",
                    gap_end - after
                ),
            );
        }
        match next {
            Some(next) => pos = next,
            None => return Ok(messages),
        }
    }
}

/// Loads the message whose start line is at `start`; returns it and where its body ended.
fn load_one(src: &Source, start: usize) -> Result<(CapturedMessage, usize), LoadError> {
    let bytes = src.bytes;
    let start_line = line_at(bytes, start);
    let block = parse_header_block(bytes, start_line.next, HeaderStyle::Strict("HTTP"))
        .map_err(|f| src.error(f.offset, f.kind))?;
    let mut notes = Vec::new();
    if start_line.ending == LineEnd::Lf {
        push_note(&mut notes, LF_NOTE);
    }
    block_notes(&block, "HTTP", &mut notes);

    let content_type = match block.get("Content-Type") {
        Some(header) => Some(ContentType {
            media: MediaType::parse(&header.value)
                .map_err(|e| src.error(header.offset, LoadErrorKind::MalformedContentType(e)))?,
            raw: Some(header.value.clone()),
            file_offset: header.offset,
        }),
        None => None,
    };
    if let Some(header) = block.get("Content-Encoding") {
        let coding = header.value.trim();
        if !coding.eq_ignore_ascii_case("identity") && !coding.is_empty() {
            let kind = LoadErrorKind::UnsupportedCoding {
                header: "Content-Encoding",
                coding: coding.to_string(),
            };
            return Err(src.error(header.offset, kind));
        }
    }
    let chunked = match block.get("Transfer-Encoding") {
        None => false,
        Some(header) => {
            let codings: Vec<&str> = header
                .value
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty() && !c.eq_ignore_ascii_case("identity"))
                .collect();
            match codings.as_slice() {
                [] => false,
                [c] if c.eq_ignore_ascii_case("chunked") => true,
                _ => {
                    let kind = LoadErrorKind::UnsupportedCoding {
                        header: "Transfer-Encoding",
                        coding: header.value.clone(),
                    };
                    return Err(src.error(header.offset, kind));
                }
            }
        }
    };

    let body_start = block.body_start;
    let (envelope, after) = if chunked {
        let dechunked = dechunk(bytes, body_start).map_err(|f| src.error(f.offset, f.kind))?;
        push_note(&mut notes, "HTTP body was chunked (de-chunked)");
        notes.extend(dechunked.notes);
        let envelope = extract(
            src,
            &dechunked.bytes,
            &dechunked.map,
            content_type.as_ref(),
            &mut notes,
        )?;
        (envelope, dechunked.end)
    } else {
        let end = body_end(bytes, &block, content_type.as_ref(), &mut notes);
        let map = OffsetMap::Contiguous {
            file_start: body_start,
        };
        let envelope = extract(
            src,
            &bytes[body_start..end],
            &map,
            content_type.as_ref(),
            &mut notes,
        )?;
        (envelope, end)
    };
    let message = CapturedMessage {
        source_name: src.name.to_string(),
        file: src.name.to_string(),
        framing: Framing::Http {
            start_line: String::from_utf8_lossy(trim_end(start_line.content(bytes))).into_owned(),
            headers: block.pairs(),
        },
        mime: envelope.mime,
        soap: envelope.soap.into(),
        soap_offset: envelope.soap_offset,
        soap_first_line: envelope.soap_first_line,
        attachments: envelope.attachments,
        notes,
    };
    Ok((message, after))
}

/// Where a body that is not chunked ends. Without a trustworthy Content-Length the body runs to
/// the next HTTP start line (after a multipart body's close delimiter) or the end of the file,
/// less trailing white space.
fn body_end(
    bytes: &[u8],
    block: &HeaderBlock,
    content_type: Option<&ContentType>,
    notes: &mut Vec<String>,
) -> usize {
    let body_start = block.body_start;
    let boundary = content_type
        .filter(|ct| ct.media.is_multipart())
        .and_then(|ct| ct.media.param("boundary"))
        .filter(|b| !b.is_empty());
    let next = match boundary {
        Some(boundary) => next_start_after_multipart(bytes, body_start, boundary),
        None => next_start_line(bytes, body_start),
    };
    let limit = next.unwrap_or(bytes.len());
    let trimmed_end = body_start + trim_end(&bytes[body_start..limit]).len();
    let Some(header) = block.get("Content-Length") else {
        if next.is_some() {
            push_note(
                notes,
                "no Content-Length: the body was taken to run up to the next HTTP message",
            );
        }
        return trimmed_end;
    };
    let Ok(declared) = header.value.trim().parse::<u64>() else {
        push_note(
            notes,
            format!(
                "Content-Length {:?} is not a number (ignored)",
                header.value
            ),
        );
        return trimmed_end;
    };
    let fits = usize::try_from(declared)
        .ok()
        .and_then(|n| body_start.checked_add(n))
        .filter(|&end| end <= limit && is_blank(&bytes[end..limit]));
    match fits {
        Some(end) => end,
        None => {
            push_note(
                notes,
                format!(
                    "Content-Length says {declared} bytes but the body has {} bytes (Content-Length \
                     ignored: the copy was edited or re-encoded)",
                    trimmed_end - body_start
                ),
            );
            trimmed_end
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_lines() {
        for yes in [
            "POST /path HTTP/1.1",
            "POST http://131.107.72.15/Mtom/service.svc HTTP/1.1  ",
            "HTTP/1.1 200 OK",
            "HTTP/1.0 500 Internal Server Error",
            "HTTP/2 202",
            "M-SEARCH * HTTP/1.1",
        ] {
            assert!(is_start_line(yes.as_bytes()), "{yes}");
        }
        for no in [
            "post /path HTTP/1.1",
            "POST /path",
            "POST  HTTP/1.1",
            "HTTP/1.1 20 OK",
            "HTTP/x 200 OK",
            "Host: a",
            "",
        ] {
            assert!(!is_start_line(no.as_bytes()), "{no}");
        }
    }

    #[test]
    fn next_start_line_skips_body_lines() {
        let bytes = b"<a>\nHTTP is fun\nHTTP/1.1 200 OK\n";
        assert_eq!(next_start_line(bytes, 0), Some(16));
        assert_eq!(next_start_line(bytes, 17), None);
    }

    #[test]
    fn multipart_bodies_end_after_their_close_delimiter() {
        let bytes = b"--b\nHTTP/1.1 200 OK\n--b--\nPOST / HTTP/1.1\n";
        assert_eq!(next_start_after_multipart(bytes, 0, "b"), Some(26));
        let unclosed = b"--b\nxx\nHTTP/1.1 200 OK\n--b\n";
        assert_eq!(next_start_after_multipart(unclosed, 0, "b"), Some(7));
    }
}
