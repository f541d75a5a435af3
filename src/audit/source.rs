//! The file being loaded and how to point into it: line numbering, line splitting that accepts
//! CRLF and bare LF, and the map from a (possibly de-chunked) body back to file offsets, so every
//! error and every envelope is placed at `file:line:col` in what the auditor has on disk.

use std::cell::OnceCell;
use std::ops::Range;

use super::error::{Fault, LoadError, LoadErrorKind};
use crate::xml::Position;

/// A file's name and bytes, with line numbering.
pub(crate) struct Source<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
    /// The line number at the start of each block of [`LINE_BLOCK`] bytes, built on first use:
    /// a lookup then counts line feeds in at most one block, in whatever order lookups come,
    /// and the table stays small (a table of every line start could be several times the size
    /// of a file of line feeds).
    block_lines: OnceCell<Vec<u32>>,
}

/// Bytes per line-numbering block.
const LINE_BLOCK: usize = 1 << 12;

fn count_lines(bytes: &[u8]) -> u32 {
    u32::try_from(memchr::memchr_iter(b'\n', bytes).count()).unwrap_or(u32::MAX)
}

impl<'a> Source<'a> {
    pub fn new(name: &'a str, bytes: &'a [u8]) -> Source<'a> {
        Source {
            name,
            bytes,
            block_lines: OnceCell::new(),
        }
    }

    /// The 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> u32 {
        let offset = offset.min(self.bytes.len());
        let table = self.block_lines.get_or_init(|| {
            let mut line = 1u32;
            self.bytes
                .chunks(LINE_BLOCK)
                .map(|block| {
                    let at_start = line;
                    line = line.saturating_add(count_lines(block));
                    at_start
                })
                .collect()
        });
        // The end of a file whose size is a multiple of the block size counts in the last block.
        let block = (offset / LINE_BLOCK).min(table.len().saturating_sub(1));
        let base = table.get(block).copied().unwrap_or(1);
        base.saturating_add(count_lines(&self.bytes[block * LINE_BLOCK..offset]))
    }

    /// Line and column (1-based; columns count UTF-8 characters) of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.bytes.len());
        let line = self.line(offset);
        let line_start = memchr::memrchr(b'\n', &self.bytes[..offset]).map_or(0, |i| i + 1);
        let chars = self.bytes[line_start..offset]
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count();
        Position {
            line,
            column: u32::try_from(chars + 1).unwrap_or(u32::MAX),
            offset,
        }
    }

    pub fn error(&self, offset: usize, kind: LoadErrorKind) -> LoadError {
        LoadError::Malformed {
            file: self.name.to_string(),
            position: self.position(offset),
            kind,
        }
    }

    /// Turns a fault found in a body into an error at the right place of the file.
    pub fn fault(&self, map: &OffsetMap, fault: Fault) -> LoadError {
        self.error(map.file_offset(fault.offset), fault.kind)
    }
}

/// How a line ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineEnd {
    Crlf,
    Lf,
    EndOfInput,
}

/// One line of a byte slice: `start..end` is its content without the line end, `next` where the
/// following line starts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line {
    pub start: usize,
    pub end: usize,
    pub next: usize,
    pub ending: LineEnd,
}

impl Line {
    pub fn content(self, bytes: &[u8]) -> &[u8] {
        &bytes[self.start..self.end]
    }
}

/// The line that starts at `start` (clamped to the slice).
pub(crate) fn line_at(bytes: &[u8], start: usize) -> Line {
    let start = start.min(bytes.len());
    match memchr::memchr(b'\n', &bytes[start..]) {
        Some(i) => {
            let lf = start + i;
            let (end, ending) = if lf > start && bytes[lf - 1] == b'\r' {
                (lf - 1, LineEnd::Crlf)
            } else {
                (lf, LineEnd::Lf)
            };
            Line {
                start,
                end,
                next: lf + 1,
                ending,
            }
        }
        None => Line {
            start,
            end: bytes.len(),
            next: bytes.len(),
            ending: LineEnd::EndOfInput,
        },
    }
}

/// White space as HTTP, MIME and XML all understand it.
pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

pub(crate) fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| is_space(b))
}

pub(crate) fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|&b| !is_space(b))
        .map_or(0, |i| i + 1);
    &bytes[..end]
}

pub(crate) fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|&b| !is_space(b))
        .unwrap_or(bytes.len());
    trim_end(&bytes[start..])
}

/// The value of an ASCII hexadecimal digit (0 for anything else; callers check first).
pub(crate) fn hex_digit(d: u8) -> u8 {
    match d {
        b'0'..=b'9' => d - b'0',
        b'a'..=b'f' => d - b'a' + 10,
        b'A'..=b'F' => d - b'A' + 10,
        _ => 0,
    }
}

/// A short printable excerpt of raw bytes, for error messages.
pub(crate) fn excerpt(bytes: &[u8], max_chars: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out: String = text.chars().take(max_chars).collect();
    if text.chars().nth(max_chars).is_some() {
        out.push_str("...");
    }
    out
}

/// One contiguous piece of a body and where it lies in the file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Piece {
    pub body_start: usize,
    pub file_start: usize,
    pub len: usize,
}

/// Where a body's bytes came from: one range of the file, or (after de-chunking) several.
#[derive(Debug, Clone)]
pub(crate) enum OffsetMap {
    Contiguous {
        file_start: usize,
    },
    /// `pieces` sorted by `body_start`; `file_start` is where the body began in the file, used
    /// for offsets when there are no pieces.
    Pieces {
        pieces: Vec<Piece>,
        file_start: usize,
    },
}

impl OffsetMap {
    /// The file offset of a body offset (the end of the last piece for offsets past it).
    pub fn file_offset(&self, offset: usize) -> usize {
        match self {
            OffsetMap::Contiguous { file_start } => file_start.saturating_add(offset),
            OffsetMap::Pieces { pieces, file_start } => {
                let index = pieces.partition_point(|p| p.body_start <= offset);
                match index.checked_sub(1).and_then(|i| pieces.get(i)) {
                    Some(p) => p.file_start + (offset - p.body_start).min(p.len),
                    None => *file_start,
                }
            }
        }
    }

    /// Where a body range starts in the file, when the range is one contiguous range of it.
    pub fn contiguous_start(&self, range: Range<usize>) -> Option<usize> {
        match self {
            OffsetMap::Contiguous { file_start } => Some(file_start + range.start),
            OffsetMap::Pieces { pieces, .. } => {
                let index = pieces.partition_point(|p| p.body_start <= range.start);
                let p = pieces.get(index.checked_sub(1)?)?;
                (range.end <= p.body_start + p.len)
                    .then(|| p.file_start + (range.start - p.body_start))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_in_crlf_lf_or_the_end() {
        let bytes = b"a\r\nbc\nd";
        let first = line_at(bytes, 0);
        assert_eq!(
            (first.content(bytes), first.ending),
            (&b"a"[..], LineEnd::Crlf)
        );
        let second = line_at(bytes, first.next);
        assert_eq!(
            (second.content(bytes), second.ending),
            (&b"bc"[..], LineEnd::Lf)
        );
        let third = line_at(bytes, second.next);
        assert_eq!(
            (third.content(bytes), third.ending),
            (&b"d"[..], LineEnd::EndOfInput)
        );
        assert_eq!(line_at(bytes, 99).start, bytes.len());
    }

    #[test]
    fn positions_count_lines_and_characters_forwards_and_backwards() {
        let source = Source::new("f", "ab\né x\n\nz".as_bytes());
        assert_eq!(source.position(0).to_string(), "1:1");
        assert_eq!(source.position(6).to_string(), "2:3");
        assert_eq!(source.position(9).to_string(), "4:1");
        assert_eq!(source.position(1).to_string(), "1:2");
        assert_eq!(source.line(1000), 4);
    }

    #[test]
    fn line_numbers_cross_blocks() {
        let bytes = vec![b'\n'; 3 * LINE_BLOCK + 5];
        let source = Source::new("f", &bytes);
        assert_eq!(source.line(2 * LINE_BLOCK + 1), 2 * LINE_BLOCK as u32 + 2);
        assert_eq!(source.line(0), 1);
        assert_eq!(source.line(bytes.len()), bytes.len() as u32 + 1);
        assert_eq!(Source::new("e", b"").line(0), 1);
        let exact = vec![b'\n'; LINE_BLOCK];
        assert_eq!(
            Source::new("x", &exact).line(LINE_BLOCK),
            LINE_BLOCK as u32 + 1
        );
    }

    #[test]
    fn pieces_map_back_to_the_file() {
        let map = OffsetMap::Pieces {
            pieces: vec![
                Piece {
                    body_start: 0,
                    file_start: 10,
                    len: 4,
                },
                Piece {
                    body_start: 4,
                    file_start: 20,
                    len: 6,
                },
            ],
            file_start: 8,
        };
        assert_eq!(map.file_offset(0), 10);
        assert_eq!(map.file_offset(3), 13);
        assert_eq!(map.file_offset(4), 20);
        assert_eq!(map.file_offset(100), 26);
        assert_eq!(map.contiguous_start(1..4), Some(11));
        assert_eq!(map.contiguous_start(2..6), None);
        assert_eq!(map.contiguous_start(5..10), Some(21));
        let empty = OffsetMap::Pieces {
            pieces: Vec::new(),
            file_start: 8,
        };
        assert_eq!(empty.file_offset(0), 8);
        assert_eq!(empty.contiguous_start(0..0), None);
    }
}
