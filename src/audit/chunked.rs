//! HTTP/1.1 chunked transfer coding (RFC 9112 section 7.1): the body is the concatenation of
//! the chunks' data. The pieces' file offsets are kept so positions inside the de-chunked body
//! still point into the file.

use super::error::{Fault, LoadErrorKind};
use super::source::{OffsetMap, Piece, is_blank, line_at, trim_end};

/// A de-chunked body.
#[derive(Debug)]
pub(crate) struct Dechunked {
    pub bytes: Vec<u8>,
    pub map: OffsetMap,
    /// Offset in the input just after the chunked body (last chunk, trailers, blank line).
    pub end: usize,
    pub notes: Vec<String>,
}

/// More hex digits than this cannot be a size below 2^60.
const MAX_SIZE_DIGITS: usize = 15;

/// De-chunks the body that starts at `start` of `bytes`.
pub(crate) fn dechunk(bytes: &[u8], start: usize) -> Result<Dechunked, Fault> {
    let mut out = Dechunked {
        bytes: Vec::new(),
        map: OffsetMap::Contiguous { file_start: start },
        end: bytes.len(),
        notes: Vec::new(),
    };
    let mut pieces = Vec::new();
    let mut pos = start;
    loop {
        if pos >= bytes.len() {
            out.notes.push(
                "chunked body ends without the final zero-size chunk (tolerated: the copy may be \
                 cut short)"
                    .to_string(),
            );
            break;
        }
        let line = line_at(bytes, pos);
        let content = line.content(bytes);
        let size_text = trim_end(match memchr::memchr(b';', content) {
            Some(i) => &content[..i],
            None => content,
        });
        if size_text.is_empty() || !size_text.iter().all(u8::is_ascii_hexdigit) {
            let found = super::source::excerpt(size_text, 20);
            return Err(Fault::new(
                line.start,
                LoadErrorKind::ChunkSizeNotHex { found },
            ));
        }
        if size_text.len() > MAX_SIZE_DIGITS {
            let found = super::source::excerpt(size_text, 20);
            return Err(Fault::new(
                line.start,
                LoadErrorKind::ChunkSizeTooLarge { found },
            ));
        }
        let size = size_text.iter().fold(0u64, |n, &d| {
            n * 16 + u64::from(super::source::hex_digit(d))
        });
        if size == 0 {
            out.end = skip_trailers(bytes, line.next, &mut out.notes);
            break;
        }
        let data_start = line.next;
        let available = bytes.len() - data_start;
        let len = match usize::try_from(size) {
            Ok(len) if len <= available => len,
            _ => {
                let kind = LoadErrorKind::TruncatedChunk {
                    declared: size,
                    available,
                };
                return Err(Fault::new(line.start, kind));
            }
        };
        pieces.push(Piece {
            body_start: out.bytes.len(),
            file_start: data_start,
            len,
        });
        out.bytes
            .extend_from_slice(&bytes[data_start..data_start + len]);
        pos = data_start + len;
        if bytes[pos..].starts_with(b"\r\n") {
            pos += 2;
        } else if bytes[pos..].starts_with(b"\n") {
            pos += 1;
        } else if pos < bytes.len() {
            return Err(Fault::new(pos, LoadErrorKind::MissingChunkLineEnd));
        }
    }
    out.map = OffsetMap::Pieces {
        pieces,
        file_start: start,
    };
    Ok(out)
}

/// Skips the trailer section after the last chunk; returns where it ends.
fn skip_trailers(bytes: &[u8], start: usize, notes: &mut Vec<String>) -> usize {
    let mut pos = start;
    let mut trailers = 0;
    let end = loop {
        if pos >= bytes.len() {
            notes.push(
                "chunked body ends without the blank line after the last chunk (tolerated)"
                    .to_string(),
            );
            break bytes.len();
        }
        let line = line_at(bytes, pos);
        if is_blank(line.content(bytes)) {
            break line.next;
        }
        trailers += 1;
        pos = line.next;
    };
    if trailers > 0 {
        notes.push(format!("{trailers} chunked trailer line(s) ignored"));
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_joined_and_mapped_back() {
        let input = b"HDR\r\n4\r\n<a/>\r\n3;ext=1\r\n<b>\r\n0\r\nX-T: 1\r\n\r\nNEXT";
        let d = dechunk(input, 5).unwrap();
        assert_eq!(d.bytes, b"<a/><b>");
        assert_eq!(d.map.file_offset(0), 8);
        assert_eq!(d.map.file_offset(4), 23);
        assert_eq!(d.map.contiguous_start(0..4), Some(8));
        assert_eq!(d.map.contiguous_start(0..5), None);
        assert_eq!(&input[d.end..], b"NEXT");
        assert_eq!(d.notes, ["1 chunked trailer line(s) ignored"]);
    }

    #[test]
    fn lf_line_ends_and_missing_final_chunk_are_tolerated() {
        let d = dechunk(b"a\n0123456789\n", 0).unwrap();
        assert_eq!(d.bytes, b"0123456789");
        assert_eq!(d.notes.len(), 1);
        assert!(d.notes[0].contains("final zero-size chunk"));
        let d = dechunk(b"1\nx\n0\n", 0).unwrap();
        assert_eq!(d.bytes, b"x");
        assert!(d.notes[0].contains("blank line after the last chunk"));
    }

    #[test]
    fn bad_chunks_are_located() {
        let fault = dechunk(b"4\r\nabcd\r\nzz\r\n", 0).unwrap_err();
        assert_eq!(
            fault,
            Fault::new(9, LoadErrorKind::ChunkSizeNotHex { found: "zz".into() })
        );
        let fault = dechunk(b"10\r\nabc", 0).unwrap_err();
        assert_eq!(
            fault,
            Fault::new(
                0,
                LoadErrorKind::TruncatedChunk {
                    declared: 16,
                    available: 3
                }
            )
        );
        let fault = dechunk(b"2\r\nabc\r\n", 0).unwrap_err();
        assert_eq!(fault, Fault::new(5, LoadErrorKind::MissingChunkLineEnd));
        let fault = dechunk(b"ffffffffffffffffff\r\n", 0).unwrap_err();
        assert!(matches!(
            fault.kind,
            LoadErrorKind::ChunkSizeTooLarge { .. }
        ));
        let fault = dechunk(b"\r\n", 0).unwrap_err();
        assert_eq!(
            fault.kind,
            LoadErrorKind::ChunkSizeNotHex {
                found: String::new()
            }
        );
    }
}
