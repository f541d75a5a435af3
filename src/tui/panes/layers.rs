//! The Layers pane: each signature with its references, each encryption with its
//! EncryptedKey and EncryptedData, and how each stands.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph};

use crate::exchange::Layer;
use crate::safe_text::one_line;

use super::super::app::Pane;
use super::super::locate::{LayerRow, LayerRowKind};
use super::super::widgets;
use super::Ctx;

pub fn draw(frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
    let focused = ctx.app.focus == Pane::Layers;
    let block = widgets::block("2 Layers", focused, ctx.ascii(), ctx.palette);
    let rows = &ctx.view.layer_rows;
    if rows.is_empty() {
        let empty = Paragraph::new("No signature or encryption yet.")
            .style(ctx.palette.dim)
            .block(block);
        frame.render_widget(empty, area);
        return;
    }
    // With the envelope cursor placed, a column marks `*` the rows whose bytes cover it.
    let under = ctx
        .app
        .marks_under_cursor()
        .then(|| ctx.app.under_cursor().layer_rows);
    let items: Vec<ListItem<'_>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut line = row_line(r, ctx);
            match &under {
                Some(covering) if covering.contains(&i) => line
                    .spans
                    .insert(0, Span::styled("* ", ctx.palette.selection)),
                Some(_) => line.spans.insert(0, Span::raw("  ")),
                None => {}
            }
            ListItem::new(line)
        })
        .collect();
    let list = List::new(items)
        .block(block)
        .highlight_style(ctx.palette.selection)
        .highlight_symbol(if ctx.ascii() { ">" } else { "▶" });
    let mut state = ListState::default().with_selected(Some(ctx.app.layers.selected));
    frame.render_stateful_widget(list, area, &mut state);
}

fn row_line<'a>(row: &LayerRow, ctx: &Ctx<'a>) -> Line<'a> {
    let p = ctx.palette;
    let layers = &ctx.step.snapshot.layers;
    let arrow = if ctx.ascii() { "->" } else { "→" };
    let (text, status) = match (row.kind, layers.get(layer_of(row.kind))) {
        (LayerRowKind::Signature { .. }, Some(Layer::Signature(s))) => (
            format!(
                "signature {} {} key {}",
                one_line(&s.id),
                one_line(&s.method),
                one_line(&s.key)
            ),
            &s.status,
        ),
        (LayerRowKind::Reference { reference, .. }, Some(Layer::Signature(s))) => {
            let r = &s.references[reference];
            (
                format!("   {} {arrow} {}", one_line(&r.uri), one_line(&r.target)),
                &r.status,
            )
        }
        (LayerRowKind::Encryption { .. }, Some(Layer::Encryption(e))) => {
            let mut parts: Vec<&str> = e.encrypted_key.iter().map(String::as_str).collect();
            parts.extend(e.encrypted_data.iter().map(String::as_str));
            (
                format!(
                    "encryption {} {} key {} of {}",
                    one_line(&parts.join(&format!(" {arrow} "))),
                    one_line(&e.algorithm),
                    one_line(&e.key),
                    one_line(&e.target)
                ),
                &e.status,
            )
        }
        _ => return Line::from(""),
    };
    let (word, word_style) = widgets::status_word(status, p);
    let mut spans = vec![
        Span::styled(format!("{word:<8}"), word_style),
        Span::styled(text, if row.spans.is_empty() { p.dim } else { p.base }),
    ];
    if row.spans.is_empty() {
        spans.push(Span::styled(" (earlier message)", p.dim));
    }
    Line::from(spans)
}

fn layer_of(kind: LayerRowKind) -> usize {
    match kind {
        LayerRowKind::Signature { layer }
        | LayerRowKind::Reference { layer, .. }
        | LayerRowKind::Encryption { layer } => layer,
    }
}
