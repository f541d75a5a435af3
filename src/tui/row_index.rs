//! The envelope's screen rows, wrapped only as far as something needs them. A 50 MB message
//! has about a million rows; the first frame needs forty, so wrapping all of them up front
//! (and again every frame) would cost more than drawing. The index is kept between frames
//! and grows on demand: scrolling down wraps the lines it reaches, once.

use super::text_map::{Row, wrap_line};

/// Which text at which width an index was built for (the text by its address and length:
/// the App drops the index whenever a step's text is replaced, so an address is not reused
/// for other text while the index lives).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Key {
    address: usize,
    len: usize,
    width: usize,
}

impl Key {
    fn of(text: &str, width: usize) -> Key {
        Key {
            address: text.as_ptr() as usize,
            len: text.len(),
            width,
        }
    }
}

/// Rows of one text at one pane width, wrapped from the top as far as asked.
#[derive(Debug, Clone)]
pub struct RowIndex {
    key: Key,
    /// Columns of the line-number gutter (it depends on the text's line count).
    pub gutter: usize,
    columns: usize,
    rows: Vec<Row>,
    /// Where the next line to wrap starts, and its number.
    next_start: usize,
    next_line: usize,
    complete: bool,
}

/// The gutter for `text`: the widest line number and two columns (the changed mark).
pub fn gutter_width(text: &str) -> usize {
    let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1;
    lines.to_string().len() + 2
}

impl RowIndex {
    /// An empty index for `text` in a pane `width` columns wide (gutter included).
    pub fn new(text: &str, width: usize) -> RowIndex {
        let gutter = gutter_width(text);
        RowIndex {
            key: Key::of(text, width),
            gutter,
            columns: width.saturating_sub(gutter),
            rows: Vec::new(),
            next_start: 0,
            next_line: 1,
            complete: false,
        }
    }

    /// Whether this index was built for `text` at `width`.
    pub fn is_for(&self, text: &str, width: usize) -> bool {
        self.key == Key::of(text, width)
    }

    /// Whether every row of the text is wrapped.
    pub fn complete(&self) -> bool {
        self.complete
    }

    /// The rows wrapped so far.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    fn wrap_next_line(&mut self, text: &str) {
        self.next_start = wrap_line(
            text,
            self.next_start,
            self.next_line,
            self.columns,
            &mut self.rows,
        );
        self.next_line += 1;
        self.complete = self.next_start > text.len();
    }

    /// Wraps until there are at least `n` rows or the text ends.
    pub fn ensure_rows(&mut self, text: &str, n: usize) {
        while self.rows.len() < n && !self.complete {
            self.wrap_next_line(text);
        }
    }

    /// Wraps until byte `offset` is on a row (or the text ends).
    pub fn ensure_offset(&mut self, text: &str, offset: usize) {
        while !self.complete && self.rows.last().is_none_or(|r| r.end < offset) {
            self.wrap_next_line(text);
        }
    }

    /// The row showing byte `offset` (see [`super::text_map::row_of`]).
    pub fn row_of(&mut self, text: &str, offset: usize) -> usize {
        self.ensure_offset(text, offset);
        super::text_map::row_of(&self.rows, offset)
    }

    /// The rows `first..first + count` (fewer at the end of the text).
    pub fn window(&mut self, text: &str, first: usize, count: usize) -> &[Row] {
        self.ensure_rows(text, first.saturating_add(count));
        let start = first.min(self.rows.len());
        let end = first.saturating_add(count).min(self.rows.len());
        &self.rows[start..end]
    }
}

#[cfg(test)]
mod tests {
    use super::super::text_map::wrap;
    use super::*;

    #[test]
    fn rows_built_on_demand_are_the_rows_of_a_full_wrap() {
        let text = "abcdefghij\n\nxy\u{1b}z\r\nlast line here";
        let width = 4 + gutter_width(text);
        let full = wrap(text, 4);
        let mut index = RowIndex::new(text, width);
        assert_eq!(index.window(text, 0, 2), &full[..2]);
        assert!(!index.complete());
        assert_eq!(index.row_of(text, 13), 4);
        assert_eq!(index.window(text, 3, 100), &full[3..]);
        assert!(index.complete());
        assert_eq!(index.rows(), &full[..]);
    }

    #[test]
    fn a_large_text_wraps_only_what_is_asked() {
        let text = "<a>line</a>\n".repeat(100_000);
        let mut index = RowIndex::new(&text, 80);
        assert_eq!(index.gutter, "100001".len() + 2);
        assert_eq!(index.window(&text, 0, 40).len(), 40);
        assert_eq!(index.rows().len(), 40);
        assert!(index.is_for(&text, 80));
        assert!(!index.is_for(&text, 81));
    }
}
