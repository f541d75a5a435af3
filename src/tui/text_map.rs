//! The envelope text as screen rows: every character made safe to draw, long lines
//! soft-wrapped for display only. Each row keeps the byte range it shows, so byte spans map to
//! screen positions and back.

use std::borrow::Cow;

use unicode_width::UnicodeWidthChar;

use crate::safe_text;

/// Columns a tab takes on screen.
const TAB_WIDTH: usize = 4;

/// One screen row of the envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// 1-based line of the text this row belongs to.
    pub line: usize,
    /// Whether the row starts its line (continuation rows show no line number).
    pub first: bool,
    /// The bytes of the text shown on this row (line terminators excluded).
    pub start: usize,
    pub end: usize,
}

/// How one character of the message is drawn: itself, spaces for a tab, an escape for a control
/// or bidi character (the rule of [`safe_text::escape`]), nothing for the CR of a CRLF.
pub fn display(c: char, next: Option<char>) -> Cow<'static, str> {
    match c {
        '\t' => Cow::Borrowed("    "),
        '\r' if next == Some('\n') => Cow::Borrowed(""),
        c if safe_text::is_unsafe(c) => {
            let mut buf = [0u8; 4];
            Cow::Owned(safe_text::escape(c.encode_utf8(&mut buf)).into_owned())
        }
        c => Cow::Owned(c.to_string()),
    }
}

/// The screen width of `c` as [`display`] draws it.
pub fn width(c: char, next: Option<char>) -> usize {
    match c {
        '\t' => TAB_WIDTH,
        '\r' if next == Some('\n') => 0,
        c if safe_text::is_unsafe(c) => {
            if safe_text::is_bidi_control(c) {
                format!("\\u{{{:x}}}", c as u32).len()
            } else {
                4
            }
        }
        c => c.width().unwrap_or(0),
    }
}

/// Rows of `text` at `columns` wide (at least 1).
pub fn wrap(text: &str, columns: usize) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut line_start = 0;
    for (line_index, line) in text.split('\n').enumerate() {
        wrap_line(text, line_start, line_index + 1, columns, &mut rows);
        line_start += line.len() + 1;
    }
    rows
}

/// Appends the rows of the line of `text` that starts at byte `line_start` (line number
/// `line`, 1-based) at `columns` wide; returns where the next line starts (past the end of
/// `text` after the last line).
pub fn wrap_line(
    text: &str,
    line_start: usize,
    line: usize,
    columns: usize,
    rows: &mut Vec<Row>,
) -> usize {
    let columns = columns.max(1);
    let line_end = memchr::memchr(b'\n', &text.as_bytes()[line_start..])
        .map_or(text.len(), |i| line_start + i);
    let mut row_start = line_start;
    let mut used = 0;
    let mut first = true;
    let mut chars = text[line_start..line_end].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n).or_else(|| {
            // The line ends at a '\n' unless it is the last line.
            (line_end < text.len()).then_some('\n')
        });
        let w = width(c, next);
        if used + w > columns && used > 0 {
            rows.push(Row {
                line,
                first,
                start: row_start,
                end: line_start + i,
            });
            first = false;
            row_start = line_start + i;
            used = 0;
        }
        used += w;
    }
    rows.push(Row {
        line,
        first,
        start: row_start,
        end: line_end,
    });
    line_end + 1
}

/// The row showing byte `offset` (the last row when it is past the end).
pub fn row_of(rows: &[Row], offset: usize) -> usize {
    rows.partition_point(|r| r.end < offset && r.start < offset)
        .min(rows.len().saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_wrap_and_keep_their_bytes() {
        let rows = wrap("abcdef\nxy", 4);
        assert_eq!(
            rows,
            vec![
                Row {
                    line: 1,
                    first: true,
                    start: 0,
                    end: 4
                },
                Row {
                    line: 1,
                    first: false,
                    start: 4,
                    end: 6
                },
                Row {
                    line: 2,
                    first: true,
                    start: 7,
                    end: 9
                },
            ]
        );
        assert_eq!(row_of(&rows, 5), 1);
        assert_eq!(row_of(&rows, 7), 2);
        assert_eq!(row_of(&rows, 100), 2);
    }

    #[test]
    fn controls_are_escaped_and_crlf_hidden() {
        assert_eq!(display('\u{1b}', None), "\\x1b");
        assert_eq!(display('\u{9b}', None), "\\x9b");
        assert_eq!(display('\u{202e}', None), "\\u{202e}");
        assert_eq!(display('\r', Some('\n')), "");
        assert_eq!(display('\r', Some('a')), "\\x0d");
        for c in ['\u{1b}', '\u{202e}', '\r', '\t', 'é', '漢'] {
            assert_eq!(
                width(c, None),
                unicode_width::UnicodeWidthStr::width(&*display(c, None))
            );
        }
    }
}
