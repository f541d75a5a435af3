//! The Envelope pane: the exact message text, coloured by its XML tokens, with line numbers,
//! the bytes this step changed marked, and the selected item's bytes highlighted.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::safe_text::one_line;
use crate::xml::Span as ByteSpan;

use super::super::app::Pane;
use super::super::layout::inner;
use super::super::row_index::gutter_width;
use super::super::search;
use super::super::syntax::Token;
use super::super::text_map::{self, Row};
use super::super::widgets;
use super::Ctx;

pub fn draw(frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
    let focused = ctx.app.focus == Pane::Envelope;
    let Some(envelope) = &ctx.step.snapshot.envelope else {
        let block = widgets::block("1 Envelope", focused, ctx.ascii(), ctx.palette);
        let text = Paragraph::new("No message at this step.")
            .style(ctx.palette.dim)
            .block(block);
        frame.render_widget(text, area);
        return;
    };
    let processed = ctx
        .step
        .snapshot
        .processed
        .as_ref()
        .filter(|_| ctx.app.showing_processed());
    let (text, tokens) = match processed {
        Some(p) => (p.text.as_str(), &ctx.view.processed_tokens),
        None => (envelope.text.as_str(), &ctx.view.tokens),
    };
    let mut title = match processed {
        Some(p) => format!(
            "1 Envelope: processed view (decrypted +, {} bytes",
            p.text.len()
        ),
        None => format!("1 Envelope: received bytes ({} bytes", envelope.text.len()),
    };
    if !envelope.from.is_empty() {
        title.push_str(&format!(
            ", {} -> {}",
            one_line(&envelope.from),
            one_line(&envelope.to)
        ));
    }
    title.push(')');
    if ctx.app.shown_pending() {
        title.push_str(" processing...");
    }
    if let Some(search) = &ctx.app.search {
        let found = ctx.app.with_search_matches(<[ByteSpan]>::len);
        let at = search.current.map_or(0, |i| i + 1);
        title.push_str(&format!(
            " search \"{}\" {at}/{found}",
            one_line(&search.query)
        ));
    }
    if let (Some(e), None) = (&ctx.view.parse_error, processed) {
        title.push_str(&format!(" not well-formed: {}", one_line(e)));
    }
    let block = widgets::block(&title, focused, ctx.ascii(), ctx.palette);
    let body = inner(area);
    frame.render_widget(block, area);
    let (width, height) = (body.width as usize, body.height as usize);
    let window = ctx.app.with_rows_at(width, height, |index, text, height| {
        let rows = index.window(text, ctx.app.envelope_scroll, height).to_vec();
        (index.gutter, rows)
    });
    let (gutter, rows) = window.unwrap_or_else(|| (gutter_width(text), Vec::new()));
    // A step still being processed has no parsed tokens: lex just the rows on screen.
    let lexed;
    let tokens = match (ctx.app.shown_pending(), rows.first(), rows.last()) {
        (true, Some(first), Some(last)) if processed.is_none() => {
            lexed = ctx.app.lexed_tokens(text, first.start, last.end);
            &lexed
        }
        _ => tokens,
    };
    let highlighted = ctx.app.highlighted_spans();
    // Only the matches on screen: the text is not scanned again for a frame.
    let found = match (rows.first(), rows.last()) {
        (Some(first), Some(last)) => ctx
            .app
            .with_search_matches(|all| search::visible(all, first.start, last.end).to_vec()),
        _ => Vec::new(),
    };
    let cursor = ctx.app.envelope_cursor;
    let changed = ctx.app.marked_spans();
    let marks = Marks {
        tokens,
        changed: &changed,
        highlighted: &highlighted,
        found: &found,
        cursor,
    };
    let lines: Vec<Line<'_>> = rows
        .iter()
        .map(|row| draw_row(text, row, gutter, &marks, ctx))
        .collect();
    frame.render_widget(Paragraph::new(lines).style(ctx.palette.base), body);
}

/// The spans that style the text.
struct Marks<'a> {
    tokens: &'a [Token],
    changed: &'a [ByteSpan],
    highlighted: &'a [ByteSpan],
    found: &'a [ByteSpan],
    /// The envelope cursor's byte, marked `>` in the gutter of its row.
    cursor: Option<usize>,
}

fn within(spans: &[ByteSpan], offset: usize) -> bool {
    spans.iter().any(|s| s.range().contains(&offset))
}

fn overlaps(spans: &[ByteSpan], row: &Row) -> bool {
    spans
        .iter()
        .any(|s| (s.start as usize) < row.end.max(row.start + 1) && row.start < s.end as usize)
}

fn draw_row<'t>(
    text: &'t str,
    row: &Row,
    gutter: usize,
    marks: &Marks<'_>,
    ctx: &Ctx<'_>,
) -> Line<'t> {
    let palette = ctx.palette;
    let number = if row.first {
        format!("{:>w$}", row.line, w = gutter - 2)
    } else {
        " ".repeat(gutter - 2)
    };
    let mark = if overlaps(marks.changed, row) {
        "+"
    } else {
        " "
    };
    let on_cursor = marks
        .cursor
        .is_some_and(|c| c >= row.start && (c < row.end || c == row.start));
    let mut spans = vec![
        Span::styled(number, palette.gutter),
        Span::styled(mark, palette.changed),
        if on_cursor {
            Span::styled(">", palette.selection)
        } else {
            Span::styled(" ", palette.changed)
        },
    ];
    let mut token = marks
        .tokens
        .partition_point(|t| t.span.end as usize <= row.start);
    let mut run = String::new();
    let mut run_style = Style::default();
    let slice = &text[row.start..row.end];
    let mut chars = slice.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let offset = row.start + i;
        let next = chars
            .peek()
            .map(|&(_, n)| n)
            .or_else(|| text[row.end..].chars().next());
        while token < marks.tokens.len() && marks.tokens[token].span.end as usize <= offset {
            token += 1;
        }
        let mut style = match marks.tokens.get(token) {
            Some(t) if t.span.start as usize <= offset => palette.token(t.kind),
            _ => palette.base,
        };
        if within(marks.changed, offset) {
            style = style.patch(palette.changed);
        }
        if within(marks.highlighted, offset) {
            style = style.patch(palette.selection);
        }
        if within(marks.found, offset) {
            style = style.patch(palette.search);
        }
        if style != run_style && !run.is_empty() {
            spans.push(Span::styled(std::mem::take(&mut run), run_style));
        }
        run_style = style;
        if crate::safe_text::is_unsafe(c) {
            run.push_str(&text_map::display(c, next));
        } else {
            run.push(c);
        }
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, run_style));
    }
    Line::from(spans)
}
