//! The theme picker (`T`): the built-in themes and the user's (`<config dir>/themes/`); Enter
//! draws with the chosen one from the next frame on.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, List, ListItem, ListState};

use crate::safe_text::one_line;

use super::palette::Palette;
use super::widgets;

pub fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    names: &[String],
    selected: usize,
    ascii: bool,
    palette: &Palette,
) {
    let height = (names.len() as u16 + 2).min(area.height);
    let width = 48.min(area.width);
    let rect = Rect::new(area.x + (area.width - width) / 2, area.y + 3, width, height);
    frame.render_widget(Clear, rect);
    let items: Vec<ListItem<'_>> = names
        .iter()
        .map(|n| ListItem::new(Line::styled(one_line(n).into_owned(), palette.base)))
        .collect();
    let block = widgets::block("Theme (Enter uses it, Esc closes)", true, ascii, palette);
    let list = List::new(items)
        .block(block)
        .highlight_style(palette.selection)
        .highlight_symbol(if ascii { "> " } else { "▶ " });
    let mut state = ListState::default().with_selected(Some(selected));
    frame.render_stateful_widget(list, rect, &mut state);
}
