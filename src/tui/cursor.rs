//! The Envelope pane's cursor and what lies under it: the cursor stands on a row of the
//! shown text (at its first visible byte); the Layers and Keys panes mark every layer,
//! reference and token whose bytes contain it, and `Enter` selects the innermost of them.

use crate::xml::Span;

use super::app::{App, Pane};
use super::row_index::RowIndex;

/// What covers the cursor: the Layers rows and the Keys rows (by token) whose spans contain it,
/// and the innermost of all of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnderCursor {
    pub layer_rows: Vec<usize>,
    pub keys: Vec<usize>,
    /// The pane and row of the smallest span containing the cursor.
    pub innermost: Option<(Pane, usize)>,
}

/// The smallest of `spans` that contains byte `at`, as its length.
fn containing(spans: &[Span], at: usize) -> Option<usize> {
    spans
        .iter()
        .filter(|s| (s.start as usize) <= at && at < s.end as usize)
        .map(|s| (s.end - s.start) as usize)
        .min()
}

/// The first byte of `text[start..end]` that is not white space (`start` when all are).
fn first_visible(text: &str, start: usize, end: usize) -> usize {
    text.as_bytes()[start..end]
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(start, |i| start + i)
}

/// The row the cursor at byte `at` is on: where a wrapped row ends at `at`, the row after it,
/// which starts there.
fn cursor_row(index: &mut RowIndex, text: &str, at: usize) -> usize {
    let mut row = index.row_of(text, at);
    index.ensure_rows(text, row + 2);
    while index
        .rows()
        .get(row + 1)
        .is_some_and(|next| next.start <= at && next.start < text.len())
    {
        row += 1;
        index.ensure_rows(text, row + 2);
    }
    row
}

impl App {
    /// Moves the envelope cursor `delta` rows and scrolls to keep it on screen. Without a
    /// cursor yet, it appears on the top row shown.
    pub(super) fn move_envelope_cursor(&mut self, delta: isize) {
        let (scroll, cursor) = (self.envelope_scroll, self.envelope_cursor);
        let moved = self.with_envelope_rows(|index, text, height| {
            let height = height.max(1);
            let row = match cursor {
                Some(at) => cursor_row(index, text, at).saturating_add_signed(delta),
                None => scroll,
            };
            index.ensure_rows(text, row.saturating_add(1));
            let row = row.min(index.rows().len().checked_sub(1)?);
            let r = index.rows()[row];
            let scroll = if row < scroll {
                row
            } else if row >= scroll + height {
                row + 1 - height
            } else {
                scroll
            };
            Some((first_visible(text, r.start, r.end), scroll))
        });
        if let Some(Some((at, scroll))) = moved {
            self.envelope_cursor = Some(at);
            self.envelope_scroll = scroll;
        }
    }

    /// Puts the envelope cursor on byte `offset` of the shown text and scrolls it into view.
    pub fn place_envelope_cursor(&mut self, offset: usize) {
        self.envelope_cursor = Some(offset);
        self.scroll_envelope_to(offset);
    }

    /// The layers, references and tokens whose bytes contain the envelope cursor (none in the
    /// processed view: their spans are in the received bytes).
    pub fn under_cursor(&self) -> UnderCursor {
        let (Some(at), Some((_, view))) = (self.envelope_cursor, self.shown()) else {
            return UnderCursor::default();
        };
        if self.showing_processed() {
            return UnderCursor::default();
        }
        let mut under = UnderCursor::default();
        let mut smallest = usize::MAX;
        for (i, row) in view.layer_rows.iter().enumerate() {
            if let Some(len) = containing(&row.spans, at) {
                under.layer_rows.push(i);
                if len < smallest {
                    smallest = len;
                    under.innermost = Some((Pane::Layers, i));
                }
            }
        }
        for (i, spans) in view.key_spans.iter().enumerate() {
            if let Some(len) = containing(spans, at) {
                under.keys.push(i);
                if len < smallest {
                    smallest = len;
                    under.innermost = Some((Pane::Keys, i));
                }
            }
        }
        under
    }

    /// Whether the Layers and Keys panes mark what covers the cursor: the Envelope pane has
    /// focus, its cursor is placed, and no editor (with a cursor of its own) is open.
    pub fn marks_under_cursor(&self) -> bool {
        self.focus == Pane::Envelope && self.envelope_cursor.is_some() && self.editor.is_none()
    }

    /// `Enter` in the Envelope pane: selects the innermost layer, reference or token under the
    /// cursor in its pane, and focuses that pane.
    pub(super) fn select_under_cursor(&mut self) {
        let Some((pane, row)) = self.under_cursor().innermost else {
            self.say(
                "Nothing under the cursor: no layer, reference or token covers this row."
                    .to_string(),
            );
            return;
        };
        if let Some(list) = self.list_mut(pane) {
            list.selected = row;
        }
        self.set_focus(pane);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smallest_containing_span_wins_and_ends_are_exclusive() {
        let spans = [Span::new(0, 100), Span::new(10, 20)];
        assert_eq!(containing(&spans, 15), Some(10));
        assert_eq!(containing(&spans, 20), Some(100));
        assert_eq!(containing(&spans, 100), None);
        assert_eq!(first_visible("  <a>", 0, 5), 2);
        assert_eq!(first_visible("   ", 0, 3), 0);
    }
}
