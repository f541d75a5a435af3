//! The Keys pane: the ledger. Each key with its algorithm, size, origin, a column per party
//! marking who knows it, its value (masked until revealed) and its formula.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph};

use crate::safe_text::one_line;

use super::super::app::Pane;
use super::super::widgets;
use super::Ctx;

/// Width of a party's column.
const PARTY: usize = 6;

pub fn draw(frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
    let focused = ctx.app.focus == Pane::Keys;
    let title = if ctx.app.reveal {
        "3 Keys (values revealed)"
    } else {
        "3 Keys"
    };
    let block = widgets::block(title, focused, ctx.ascii(), ctx.palette);
    let keys = ctx.step.snapshot.ledger.keys();
    if keys.is_empty() {
        let empty = Paragraph::new("No keys yet.")
            .style(ctx.palette.dim)
            .block(block);
        frame.render_widget(empty, area);
        return;
    }
    let p = ctx.palette;
    let parties = &ctx.session.parties;
    // With the envelope cursor placed, a column marks `*` the keys whose token covers it.
    let under = ctx
        .app
        .marks_under_cursor()
        .then(|| ctx.app.under_cursor().keys);
    let mut header = format!(
        "{} {:<14}{:<12}{:>5} {:<10}",
        if under.is_some() { "  " } else { "" },
        "key",
        "algorithm",
        "bits",
        "origin"
    );
    for party in parties {
        header.push_str(&format!("{:<PARTY$}", truncate(party, PARTY - 1)));
    }
    header.push_str("value");
    let (known, unknown) = if ctx.ascii() {
        ("yes", "-")
    } else {
        ("✓", "·")
    };
    let items: Vec<ListItem<'_>> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let mark = match &under {
                Some(rows) if rows.contains(&i) => "* ",
                Some(_) => "  ",
                None => "",
            };
            let mut first = format!(
                "{mark}{:<14}{:<12}{:>5} {:<10}",
                truncate(&one_line(&k.name), 13),
                truncate(&one_line(&k.algorithm), 11),
                k.length_bits(),
                k.provenance.origin()
            );
            for party in parties {
                let mark = if k.known_by.contains(party) {
                    known
                } else {
                    unknown
                };
                first.push_str(&format!("{mark:<PARTY$}"));
            }
            let value = if ctx.app.reveal {
                hex::encode(k.bytes.expose())
            } else {
                "********".to_string()
            };
            first.push_str(&value);
            ListItem::new(vec![
                Line::from(Span::styled(first, p.base)),
                Line::from(Span::styled(
                    format!("  {}", one_line(&k.describe())),
                    p.dim,
                )),
            ])
        })
        .collect();
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 2 {
        return;
    }
    let header_area = Rect::new(inner.x, inner.y, inner.width, 1);
    let list_area = Rect::new(inner.x, inner.y + 1, inner.width, inner.height - 1);
    frame.render_widget(Paragraph::new(header).style(p.title), header_area);
    let list = List::new(items)
        .highlight_style(p.selection)
        .highlight_symbol(if ctx.ascii() { ">" } else { "▶" });
    let mut state = ListState::default().with_selected(Some(ctx.app.keys.selected));
    frame.render_stateful_widget(list, list_area, &mut state);
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('~');
        t
    }
}
