//! The tamper menu (`t`): choose an attack on the open walkthrough; the walk is played again
//! with it and the TUI jumps to the receiver's step, where the checks must catch it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, List, ListItem, ListState};

use crate::patterns::Tamper;

use super::palette::Palette;
use super::session::Session;
use super::widgets;

/// The menu's rows for `session`: each tamper action of its pattern, then the walk untouched
/// (none for a capture).
pub fn rows(session: &Session) -> Vec<Option<Tamper>> {
    let Some(o) = session.walk_origin() else {
        return Vec::new();
    };
    let mut rows: Vec<Option<Tamper>> = o.info.tampers.iter().copied().map(Some).collect();
    rows.push(None);
    rows
}

/// Plays `session`'s walkthrough again with `tamper` (same variant and seed).
pub fn rerun(session: &Session, tamper: Option<Tamper>) -> Result<Session, String> {
    let o = session
        .walk_origin()
        .ok_or_else(|| "a capture cannot be replayed with an attack".to_string())?;
    Session::walk(
        o.info.name,
        Some(o.variant),
        o.seed,
        tamper.map(Tamper::name),
    )
    .map_err(|e| e.to_string())
}

pub fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    session: &Session,
    selected: usize,
    ascii: bool,
    palette: &Palette,
) {
    let rows = rows(session);
    let height = (rows.len() as u16 + 2).min(area.height);
    let rect = Rect::new(
        area.x + area.width / 8,
        area.y + 3,
        area.width * 3 / 4,
        height,
    );
    frame.render_widget(Clear, rect);
    let current = session.walk_origin().and_then(|o| o.tamper);
    let items: Vec<ListItem<'_>> = rows
        .iter()
        .map(|t| {
            let (name, title) = match t {
                Some(t) => (t.name(), t.title()),
                None => ("none", "the walkthrough as designed, untouched"),
            };
            let mark = if *t == current { " (open)" } else { "" };
            ListItem::new(Line::from(vec![
                Span::styled(format!("{name:<16}"), palette.title),
                Span::styled(format!("{title}{mark}"), palette.base),
            ]))
        })
        .collect();
    let block = widgets::block(
        "Tamper: replay the walk with an attack (Enter)",
        true,
        ascii,
        palette,
    );
    let list = List::new(items)
        .block(block)
        .highlight_style(palette.selection)
        .highlight_symbol(if ascii { "> " } else { "▶ " });
    let mut state = ListState::default().with_selected(Some(selected));
    frame.render_stateful_widget(list, rect, &mut state);
}
