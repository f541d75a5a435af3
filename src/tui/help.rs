//! The help overlay, generated from the keymap: each binding's keys, what it does and where it
//! works. On a wide screen these are three columns; where the description and its place do
//! not fit (80x24) the text wraps under its own column instead of being cut at the edge.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::keymap;
use super::palette::Palette;
use super::widgets;

/// Columns of the keys column (a space, the widest label, a gap).
const KEYS: usize = 15;
/// Columns the description takes in the three-column layout.
const HELP: usize = 66;
/// Columns kept for the place in the three-column layout.
const PLACE: usize = 26;

/// Greedy word wrap of `text` at `width` columns (a word longer than that is split).
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word = word;
        while word.chars().count() > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let cut = word
                .char_indices()
                .nth(width)
                .map_or(word.len(), |(i, _)| i);
            lines.push(word[..cut].to_string());
            word = &word[cut..];
        }
        let needed = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if needed > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The overlay's lines for an inside `width` columns wide.
pub fn lines(ascii: bool, width: usize, palette: &Palette) -> Vec<Line<'static>> {
    let text_width = width.saturating_sub(KEYS);
    let mut out = Vec::new();
    for (keys, help, place) in keymap::help_lines(ascii) {
        let keys = Span::styled(format!(" {keys:<w$}", w = KEYS - 1), palette.key_hint);
        let indent = || Span::raw(" ".repeat(KEYS));
        if text_width >= HELP + PLACE {
            // Wide: three columns, a long description wrapping within its own.
            for (i, l) in wrap_words(help, HELP).into_iter().enumerate() {
                let mut spans = vec![
                    if i == 0 { keys.clone() } else { indent() },
                    Span::styled(format!("{l:<HELP$}"), palette.base),
                ];
                if i == 0 {
                    spans.push(Span::styled(place, palette.dim));
                }
                out.push(Line::from(spans));
            }
            continue;
        }
        // Narrow: the description wraps, and the place follows it in brackets.
        let mut wrapped = wrap_words(help, text_width);
        let place = format!("[{place}]");
        let last = wrapped.last().map_or(0, |l| l.chars().count());
        let place_on_last = last + 1 + place.chars().count() <= text_width;
        let first = wrapped.remove(0);
        let mut rows = vec![vec![keys, Span::styled(first, palette.base)]];
        rows.extend(
            wrapped
                .into_iter()
                .map(|l| vec![indent(), Span::styled(l, palette.base)]),
        );
        if place_on_last {
            if let Some(row) = rows.last_mut() {
                row.push(Span::styled(format!(" {place}"), palette.dim));
            }
        } else {
            rows.push(vec![indent(), Span::styled(place, palette.dim)]);
        }
        out.extend(rows.into_iter().map(Line::from));
    }
    out
}

/// Draws the overlay over `area`, scrolled by `scroll` lines.
pub fn draw(frame: &mut Frame<'_>, rect: Rect, ascii: bool, scroll: u16, palette: &Palette) {
    frame.render_widget(Clear, rect);
    let inside = rect.width.saturating_sub(2) as usize;
    let block = widgets::block("Keys (Esc or ? closes)", true, ascii, palette);
    let text = Paragraph::new(lines(ascii, inside, palette))
        .block(block)
        .scroll((scroll, 0));
    frame.render_widget(text, rect);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_at_the_width_and_long_words_split() {
        assert_eq!(
            wrap_words("one two three four", 9),
            ["one two", "three", "four"]
        );
        assert_eq!(wrap_words("abcdefghij x", 4), ["abcd", "efgh", "ij x"]);
        assert_eq!(wrap_words("", 5), [""]);
    }

    #[test]
    fn no_help_line_is_wider_than_an_80_column_overlay() {
        let palette = Palette::monochrome();
        for width in [66, 100] {
            let lines = lines(false, width, &palette);
            for line in &lines {
                assert!(line.width() <= width.max(KEYS + HELP + PLACE), "{line:?}");
            }
            if width < KEYS + HELP + PLACE {
                assert!(lines.iter().all(|l| l.width() <= width), "wraps at {width}");
            }
        }
    }
}
