//! Where a finding points: the byte span and line:column of the node it is about, in the
//! envelope text as received.
//!
//! The receiver decrypts as it goes, so the node a finding names may sit in a document where
//! plaintext replaced EncryptedData. [`ReceivedMap`] keeps each replacement (old and new byte
//! ranges only) and maps a span of the processed text back to the received text: outside a
//! replacement it is shifted back, inside one it becomes the EncryptedData element that held
//! it, since those are the received bytes that carry it.

use crate::xml::{Document, LineIndex, Node, Position, Span};

use super::Finding;
use super::finding_code::FindingCode;

impl Finding {
    /// A finding about `node`: its span, line and column in the node's document.
    pub fn at(code: FindingCode, message: impl Into<String>, node: Node<'_>) -> Finding {
        Finding::new(code, message, None).located(node.document(), node.span())
    }

    /// `file:line:col` (or `file:line`) for a report a person reads; `None` without a line.
    /// A `#n` suffix naming the n-th message of a file is dropped: lines count in the file.
    pub fn file_position(&self, file: &str) -> Option<String> {
        let line = self.line?;
        let file = match file.rsplit_once('#') {
            Some((path, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => path,
            _ => file,
        };
        Some(match self.column {
            Some(column) => format!("{file}:{line}:{column}"),
            None => format!("{file}:{line}"),
        })
    }

    /// The same finding, pointing at `span` of `doc`.
    pub fn located(mut self, doc: &Document, span: Span) -> Finding {
        let position = doc.position(span.start as usize);
        self.line = Some(position.line);
        self.column = Some(position.column);
        self.span = Some(span);
        self
    }
}

/// Where a finding points, taken from a node ahead of the finding (checks that collect
/// first and judge later).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub line: u32,
    pub column: u32,
    pub span: Span,
}

impl Location {
    /// Where `node` starts, and its bytes, in its own document.
    pub fn of(node: Node<'_>) -> Location {
        let position = node.position();
        Location {
            line: position.line,
            column: position.column,
            span: node.span(),
        }
    }
}

impl Finding {
    /// The same finding, pointing at `location`.
    pub fn at_location(mut self, location: Location) -> Finding {
        self.line = Some(location.line);
        self.column = Some(location.column);
        self.span = Some(location.span);
        self
    }
}

impl FindingCode {
    /// A finding of this code about `node` (see [`Finding::at`]).
    pub fn finding_at(self, message: impl Into<String>, node: Node<'_>) -> Finding {
        Finding::at(self, message, node)
    }

    /// A finding of this code about `span` of `doc` (a report's element).
    pub fn finding_in(self, message: impl Into<String>, doc: &Document, span: Span) -> Finding {
        Finding::new(self, message, None).located(doc, span)
    }

    /// A finding about a position rather than an element (a reader's problem): line and
    /// column, and an empty span there.
    pub fn finding_at_point(self, message: impl Into<String>, position: Position) -> Finding {
        let mut finding = Finding::new(self, message, Some(position.line));
        finding.column = Some(position.column);
        finding.span = Some(Span::new(position.offset, position.offset));
        finding
    }
}

/// How the processed document's text relates to the received one.
#[derive(Debug, Default)]
pub struct ReceivedMap {
    /// One entry per change of the document, in order: each replacement's range in the text
    /// before and after it, sorted by position.
    rounds: Vec<Vec<Replacement>>,
    /// The received text, kept once the first change happens (positions are counted in it).
    received: Option<ReceivedText>,
}

#[derive(Debug, Clone, Copy)]
struct Replacement {
    before: Span,
    after: Span,
}

struct ReceivedText {
    text: String,
    first_line: u32,
    lines: LineIndex,
}

impl std::fmt::Debug for ReceivedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReceivedText")
            .field("bytes", &self.text.len())
            .field("first_line", &self.first_line)
            .finish()
    }
}

/// Which end of a span an offset is: an offset inside a replacement moves to that end of the
/// replaced range.
#[derive(Clone, Copy)]
enum End {
    Start,
    End,
}

impl ReceivedMap {
    /// Records that `before` became a new document by replacing each `replaced[i]` (ranges of
    /// `before`) with what now stands at `changed[i]`.
    pub fn record(&mut self, before: &Document, replaced: &[Span], changed: &[Span]) {
        if self.received.is_none() {
            self.received = Some(ReceivedText {
                text: before.text().to_string(),
                first_line: before.first_line(),
                lines: LineIndex::new(before.text()),
            });
        }
        let mut round: Vec<Replacement> = replaced
            .iter()
            .zip(changed)
            .map(|(&before, &after)| Replacement { before, after })
            .collect();
        round.sort_by_key(|r| r.after.start);
        self.rounds.push(round);
    }

    /// The received text, once the document changed (before that it is the document's own).
    pub fn received_text(&self) -> Option<&str> {
        self.received.as_ref().map(|r| r.text.as_str())
    }

    /// Whether the processed text is the received text.
    pub fn is_identity(&self) -> bool {
        self.rounds.is_empty()
    }

    /// `span` of the processed text, as a span of the received text.
    pub fn to_received(&self, span: Span) -> Span {
        let mut start = span.start;
        let mut end = span.end;
        for round in self.rounds.iter().rev() {
            start = back(round, start, End::Start);
            end = back(round, end, End::End).max(start);
        }
        Span { start, end }
    }

    /// Moves a finding made on the processed document onto the received text: its span, and
    /// the line and column of the span's start there.
    pub fn relocate(&self, finding: &mut Finding) {
        let (Some(span), Some(received)) = (finding.span, &self.received) else {
            return;
        };
        let span = self.to_received(span);
        let mut position = received.lines.position(&received.text, span.start as usize);
        position.line += received.first_line - 1;
        finding.span = Some(span);
        finding.line = Some(position.line);
        finding.column = Some(position.column);
    }

    /// Where `node` of the processed document is in the received text.
    pub fn locate(&self, node: Node<'_>) -> Location {
        let mut finding = Finding::at(FindingCode::Damaged, String::new(), node);
        self.relocate(&mut finding);
        Location {
            line: finding.line.unwrap_or(0),
            column: finding.column.unwrap_or(0),
            span: finding.span.unwrap_or_default(),
        }
    }

    /// A finding about `node` of the processed document, located in the received text.
    pub fn finding_at(
        &self,
        code: FindingCode,
        message: impl Into<String>,
        node: Node<'_>,
    ) -> Finding {
        let mut finding = Finding::at(code, message, node);
        self.relocate(&mut finding);
        finding
    }
}

/// Offset `at` of the text after `round`, in the text before it.
fn back(round: &[Replacement], at: u32, end: End) -> u32 {
    let mut shift: i64 = 0;
    for r in round {
        if at <= r.after.start {
            break;
        }
        if at < r.after.end {
            return match end {
                End::Start => r.before.start,
                End::End => r.before.end,
            };
        }
        shift += i64::from(r.after.len() as u32) - i64::from(r.before.len() as u32);
    }
    (i64::from(at) - shift) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::Edit;

    fn doc(text: &str) -> Document {
        Document::parse_str(text, "t".to_string()).unwrap()
    }

    #[test]
    fn spans_outside_a_replacement_shift_back_and_inside_one_become_the_replaced_element() {
        let received = doc("<a>\n<E>xx</E><b/>\n<c/></a>");
        let e = received.text().find("<E>").unwrap();
        let e_end = received.text().find("</E>").unwrap() + 4;
        let edits = [Edit::replace(Span::new(e, e_end), "<p>\n\n<q/></p>")];
        let edited = received.with_edits(&edits).unwrap();
        let mut map = ReceivedMap::default();
        map.record(&received, &[edits[0].span], &edited.changed);
        let text = edited.document.text();

        let c = text.find("<c/>").unwrap();
        let c_span = Span::new(c, c + 4);
        let back_c = map.to_received(c_span);
        assert_eq!(&received.text()[back_c.range()], "<c/>");

        let q = text.find("<q/>").unwrap();
        let back_q = map.to_received(Span::new(q, q + 4));
        assert_eq!(&received.text()[back_q.range()], "<E>xx</E>");

        let whole = map.to_received(Span::new(0, text.len()));
        assert_eq!(whole, Span::new(0, received.text().len()));

        let mut finding =
            Finding::new(FindingCode::Damaged, "x", None).located(&edited.document, c_span);
        assert_eq!(finding.line, Some(5), "line in the processed text");
        map.relocate(&mut finding);
        assert_eq!((finding.line, finding.column), (Some(3), Some(1)));
        assert_eq!(finding.span, Some(back_c));
    }

    #[test]
    fn columns_count_characters_and_lines_count_from_the_first_line_of_the_file() {
        let mut received = doc("<a><é/><b/></a>");
        received.set_first_line(7);
        let b = received.root_element().children().nth(1).unwrap();
        let finding = Finding::at(FindingCode::Damaged, "x", b);
        assert_eq!((finding.line, finding.column), (Some(7), Some(8)));
        assert_eq!(&received.text()[finding.span.unwrap().range()], "<b/>");
    }
}
