//! Small drawing helpers shared by the panes: bordered blocks, status words, the overlay area.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::border;
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders};

use crate::exchange::LayerStatus;

use super::palette::Palette;

/// A bordered block titled `title`; the focused pane's border stands out.
pub fn block<'a>(title: &'a str, focused: bool, ascii: bool, palette: &Palette) -> Block<'a> {
    let set = match (ascii, focused) {
        (true, _) => ASCII,
        (false, true) => border::THICK,
        (false, false) => border::PLAIN,
    };
    let style = if focused {
        palette.focus_border
    } else {
        palette.border
    };
    Block::default()
        .borders(Borders::ALL)
        .border_set(set)
        .border_style(style)
        .style(palette.base)
        .title(Span::styled(format!(" {title} "), style))
}

/// Borders for terminals without box drawing (`--ascii`).
pub const ASCII: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

/// ok/FAILED as words, with colour as a second signal only.
pub fn check_word(ok: bool, ascii: bool, palette: &Palette) -> Span<'static> {
    match (ok, ascii) {
        (true, false) => Span::styled("✓ ok    ", palette.pass),
        (true, true) => Span::styled("+ ok    ", palette.pass),
        (false, false) => Span::styled("✗ FAILED", palette.fail),
        (false, true) => Span::styled("x FAILED", palette.fail),
    }
}

/// A layer's status as a word and its style.
pub fn status_word(status: &LayerStatus, palette: &Palette) -> (&'static str, Style) {
    match status {
        LayerStatus::Created => ("created", palette.dim),
        LayerStatus::Verified => ("ok", palette.pass),
        LayerStatus::Failed(_) => ("FAILED", palette.fail),
    }
}

/// A centred rectangle `percent_x` by `percent_y` of `area`.
pub fn centered(area: Rect, percent_x: u16, percent_y: u16) -> Rect {
    let w = area.width * percent_x / 100;
    let h = area.height * percent_y / 100;
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}
