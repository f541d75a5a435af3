//! The Narrative pane: who acts, what happens and why, and where the specification says so.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::safe_text::one_line;

use super::super::app::Pane;
use super::super::widgets;
use super::Ctx;

pub fn draw(frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
    let focused = ctx.app.focus == Pane::Narrative;
    let p = ctx.palette;
    let step = ctx.step;
    let block = widgets::block("4 Narrative", focused, ctx.ascii(), p);
    let lines = vec![
        Line::from(vec![
            Span::styled(format!("{}: ", one_line(&step.actor)), p.key_hint),
            Span::styled(one_line(&step.title).into_owned(), p.title),
        ]),
        Line::from(Span::styled(one_line(&step.narrative).into_owned(), p.base)),
        Line::from(Span::styled(
            format!(
                "spec: {}, {}",
                one_line(&step.spec.document),
                one_line(&step.spec.section)
            ),
            p.dim,
        )),
    ];
    let text = Paragraph::new(lines)
        .block(block)
        .style(p.base)
        .wrap(Wrap { trim: false })
        .scroll((ctx.app.narrative_scroll, 0));
    frame.render_widget(text, area);
}
