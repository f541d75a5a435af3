//! The Checks pane: what the receiver verified at this step, each with ok or FAILED in words.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph};

use crate::safe_text::one_line;

use super::super::app::Pane;
use super::super::edit::reverify::CheckMark;
use super::super::widgets;
use super::Ctx;

pub fn draw(frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
    let focused = ctx.app.focus == Pane::Checks;
    let p = ctx.palette;
    let marks = ctx
        .app
        .editor
        .as_ref()
        .and_then(|e| e.result.as_ref())
        .map(|r| r.marks.as_slice());
    let title = match marks {
        Some(m) => format!(
            "5 Checks of the edit ({} flipped)",
            m.iter()
                .filter(|m| matches!(m, CheckMark::Flipped { .. }))
                .count()
        ),
        None => "5 Checks".to_string(),
    };
    let block = widgets::block(&title, focused, ctx.ascii(), p);
    let checks = &ctx.step.snapshot.checks;
    if checks.is_empty() {
        let empty = Paragraph::new("No receiver has checked anything at this step.")
            .style(p.dim)
            .block(block);
        frame.render_widget(empty, area);
        return;
    }
    let items: Vec<ListItem<'_>> = checks
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut spans = vec![widgets::check_word(c.ok, ctx.ascii(), p)];
            let mark = marks.and_then(|m| m.get(i)).and_then(|m| m.words());
            if let Some(words) = mark {
                spans.push(Span::styled(format!(" [{words}]"), p.changed));
            }
            spans.push(Span::styled(format!(" {}", one_line(&c.name)), p.title));
            spans.push(Span::styled(format!(": {}", one_line(&c.reason)), p.base));
            ListItem::new(Line::from(spans))
        })
        .collect();
    let list = List::new(items)
        .block(block)
        .highlight_style(p.selection)
        .highlight_symbol(if ctx.ascii() { ">" } else { "▶" });
    let mut state = ListState::default().with_selected(Some(ctx.app.checks.selected));
    frame.render_stateful_widget(list, area, &mut state);
}
