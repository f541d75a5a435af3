//! From a message body to the SOAP envelope: a plain body is the envelope; in a multipart body
//! the root part is, and the other parts become attachments.

use super::content_type::{ContentType, MediaType};
use super::error::LoadError;
use super::message::{Attachment, MimeInfo, push_note};
use super::mime::{RootContent, parse_multipart};
use super::source::{OffsetMap, Source, is_space, line_at, trim_end};

/// The envelope found in a body, and what came with it.
#[derive(Debug)]
pub(crate) struct Envelope {
    pub soap: Vec<u8>,
    pub soap_offset: Option<usize>,
    pub soap_first_line: u32,
    pub mime: Option<MimeInfo>,
    pub attachments: Vec<Attachment>,
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Finds the envelope in `body`, whose offsets `map` places in the file.
pub(crate) fn extract(
    src: &Source,
    body: &[u8],
    map: &OffsetMap,
    content_type: Option<&ContentType>,
    notes: &mut Vec<String>,
) -> Result<Envelope, LoadError> {
    let inferred;
    let multipart = match content_type {
        Some(ct) if ct.media.is_multipart() => Some(ct),
        Some(_) => None,
        None => {
            inferred = infer_multipart(body, map);
            if inferred.is_some() {
                push_note(
                    notes,
                    "no Content-Type: the body starts with a MIME delimiter, so the boundary was \
                     taken from that line and the first part is the root",
                );
            }
            inferred.as_ref()
        }
    };
    let Some(content_type) = multipart else {
        let envelope = plain(src, body, map, 0..body.len(), notes);
        if envelope.soap.is_empty() {
            push_note(notes, "no SOAP envelope: the body is empty");
        }
        return Ok(envelope);
    };
    if content_type.media.essence != "multipart/related" {
        push_note(
            notes,
            format!(
                "the body is {}, not multipart/related; read the same way",
                content_type.media.essence
            ),
        );
    }
    let multipart = parse_multipart(src, body, map, content_type, notes)?;
    let mut envelope = match multipart.root {
        RootContent::Range(range) => plain(src, body, map, range, notes),
        RootContent::Decoded { bytes, body_start } => {
            let skip = leading_space(&bytes, notes);
            Envelope {
                soap: bytes[skip..].to_vec(),
                soap_offset: None,
                soap_first_line: src.line(map.file_offset(body_start)),
                mime: None,
                attachments: Vec::new(),
            }
        }
    };
    if envelope.soap.is_empty() {
        push_note(notes, "no SOAP envelope: the root MIME part is empty");
    }
    envelope.mime = Some(multipart.info);
    envelope.attachments = multipart.attachments;
    Ok(envelope)
}

/// The envelope is `body[range]`, less white space before it.
fn plain(
    src: &Source,
    body: &[u8],
    map: &OffsetMap,
    range: std::ops::Range<usize>,
    notes: &mut Vec<String>,
) -> Envelope {
    let start = range.start + leading_space(&body[range.clone()], notes);
    let soap = body[start..range.end].to_vec();
    Envelope {
        soap_offset: map.contiguous_start(start..range.end),
        soap_first_line: src.line(map.file_offset(start)),
        soap,
        mime: None,
        attachments: Vec::new(),
    }
}

/// How many bytes of white space (after a UTF-8 byte order mark) precede the envelope; a byte
/// order mark directly before `<` is kept, as it is part of the document. UTF-16 input starts
/// with neither and is left whole for the XML layer to decode.
pub(crate) fn leading_space(bytes: &[u8], notes: &mut Vec<String>) -> usize {
    if bytes.starts_with(UTF8_BOM) && bytes.get(UTF8_BOM.len()) == Some(&b'<') {
        return 0;
    }
    let bom = if bytes.starts_with(UTF8_BOM) {
        UTF8_BOM.len()
    } else {
        0
    };
    let space = bytes[bom..].iter().take_while(|&&b| is_space(b)).count();
    let skip = bom + space;
    if skip > 0 && skip < bytes.len() {
        let what = if bom > 0 {
            "a byte order mark and white space"
        } else {
            "white space"
        };
        push_note(
            notes,
            format!(
                "{what} before the envelope skipped ({skip} byte{})",
                if skip == 1 { "" } else { "s" }
            ),
        );
    }
    skip
}

/// A body without Content-Type whose first line is `--something` is taken as multipart with
/// that boundary.
fn infer_multipart(body: &[u8], map: &OffsetMap) -> Option<ContentType> {
    let first = body.iter().position(|&b| !is_space(b))?;
    let line = line_at(body, first);
    let boundary = trim_end(line.content(body)).strip_prefix(b"--")?;
    if boundary.is_empty() {
        return None;
    }
    let boundary = String::from_utf8_lossy(boundary).into_owned();
    Some(ContentType {
        raw: None,
        media: MediaType {
            essence: "multipart/related".to_string(),
            params: vec![("boundary".to_string(), boundary)],
        },
        file_offset: map.file_offset(first),
    })
}
