//! Byte offset to line and column in time independent of the line's length.
//!
//! Every token, reference and finding names its line:column, and columns count characters.
//! Counting the characters of the line up to the offset at each call is quadratic on a
//! message written on one line (most captures are): 4,000 references into a 1 MB one-line
//! message counted billions of characters. Here the number of characters before every
//! [`CHECKPOINT`]-th byte is kept, so a column costs at most that many bytes of counting.

use super::error::Position;

/// Bytes between two kept character counts.
pub(crate) const CHECKPOINT: usize = 4096;

pub(crate) struct LineIndex {
    /// Byte offset where each line starts.
    starts: Vec<u32>,
    /// `chars_before[i]`: characters in `text[..i * CHECKPOINT]`.
    chars_before: Vec<u32>,
}

/// Characters starting in `bytes` (bytes that are not UTF-8 continuation bytes). Byte
/// counters over chunks of at most 255 bytes vectorize (a `usize` count per byte did not).
fn char_starts(bytes: &[u8]) -> usize {
    bytes
        .chunks(255)
        .map(|chunk| {
            let starts = chunk
                .iter()
                .fold(0u8, |n, &b| n + u8::from((b as i8) >= -0x40));
            usize::from(starts)
        })
        .sum()
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut chars_before = Vec::with_capacity(text.len() / CHECKPOINT + 1);
        let mut count = 0u32;
        chars_before.push(0);
        for chunk in text.as_bytes().chunks(CHECKPOINT) {
            count += char_starts(chunk) as u32;
            chars_before.push(count);
        }
        LineIndex {
            starts: super::tree::line_starts(text),
            chars_before,
        }
    }

    /// Characters in `text[..offset]`, counting at most [`CHECKPOINT`] bytes.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let checkpoint = offset / CHECKPOINT;
        self.chars_before[checkpoint] as usize
            + char_starts(&text.as_bytes()[checkpoint * CHECKPOINT..offset])
    }

    /// Line and column (1-based, columns in characters) of a byte offset of `text`, the
    /// text this index was built from.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = self
            .starts
            .partition_point(|&s| s as usize <= offset)
            .max(1);
        let line_start = self.starts[line - 1] as usize;
        let mut col_end = offset;
        while !text.is_char_boundary(col_end) {
            col_end -= 1;
        }
        let column = self.chars_before(text, col_end) - self.chars_before(text, line_start) + 1;
        Position {
            line: line as u32,
            column: column as u32,
            offset,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::tree::{line_starts, position_in};

    #[test]
    fn positions_match_counting_the_line_for_every_offset() {
        // Multi-byte characters straddling checkpoints, several lines, one very long.
        let mut text = String::from("ab\né\n");
        for i in 0..3 * CHECKPOINT {
            text.push(['x', 'é', '€', '𝄞'][i % 4]);
        }
        text.push_str("\nlast");
        let index = LineIndex::new(&text);
        let starts = line_starts(&text);
        for offset in 0..=text.len() {
            assert_eq!(
                index.position(&text, offset),
                position_in(&text, &starts, offset),
                "offset {offset}"
            );
        }
    }
}
