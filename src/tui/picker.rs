//! The pattern picker: the four patterns, their variants and tamper actions, one line each.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph, Wrap};

use crate::patterns::CATALOG;

use super::app::App;
use super::palette::Palette;
use super::widgets;

/// One row of the picker: a pattern (its default variant), a variant, or a tamper action
/// against the pattern's default variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PickerEntry {
    pub pattern: usize,
    pub variant: Option<usize>,
    pub tamper: Option<usize>,
}

impl PickerEntry {
    /// The entry in words (`brokered computed-key`, `direct tamper replay`), as the state dir
    /// remembers the last one opened.
    pub fn key(self) -> String {
        let info = &CATALOG[self.pattern];
        let mut key = info.name.to_string();
        if let Some(v) = self.variant {
            key.push(' ');
            key.push_str(info.variants[v]);
        }
        if let Some(t) = self.tamper {
            key.push_str(" tamper ");
            key.push_str(info.tampers[t].name());
        }
        key
    }
}

/// The row of the entry `key` names (see [`PickerEntry::key`]).
pub fn position_of(key: &str) -> Option<usize> {
    entries().iter().position(|e| e.key() == key)
}

/// Every row, in catalogue order.
pub fn entries() -> Vec<PickerEntry> {
    let mut out = Vec::new();
    for (p, info) in CATALOG.iter().enumerate() {
        out.push(PickerEntry {
            pattern: p,
            variant: None,
            tamper: None,
        });
        if info.variants.len() > 1 {
            for v in 0..info.variants.len() {
                out.push(PickerEntry {
                    pattern: p,
                    variant: Some(v),
                    tamper: None,
                });
            }
        }
        for t in 0..info.tampers.len() {
            out.push(PickerEntry {
                pattern: p,
                variant: None,
                tamper: Some(t),
            });
        }
    }
    out
}

/// One line on what a variant does differently.
pub fn variant_line(variant: &str) -> &'static str {
    match variant {
        "encrypted-key" => "the STS encrypts the proof key for the service inside the assertion",
        "computed-key" => "both sides compute the key from requestor and issuer entropy",
        "within-rights" => "the delegate asks for an action its delegation grants",
        "beyond-rights" => "the delegate asks for more than granted: the target must refuse",
        "encrypt-then-sign" => "the body is encrypted first, the signature covers the ciphertext",
        "sign-then-encrypt" => "the body is signed first, then it and the signature are encrypted",
        _ => "the pattern as the specification describes it",
    }
}

fn entry_line(entry: PickerEntry, palette: &Palette) -> Line<'static> {
    let info = &CATALOG[entry.pattern];
    match (entry.variant, entry.tamper) {
        (Some(v), _) => Line::from(vec![
            Span::styled(
                format!("    variant {:<20}", info.variants[v]),
                palette.base,
            ),
            Span::styled(variant_line(info.variants[v]), palette.dim),
        ]),
        (None, Some(t)) => Line::from(vec![
            Span::styled(
                format!("    tamper  {:<20}", info.tampers[t].name()),
                palette.base,
            ),
            Span::styled(info.tampers[t].title(), palette.dim),
        ]),
        (None, None) => Line::from(vec![
            Span::styled(format!("{:<28}", info.name), palette.title),
            Span::styled(info.title, palette.title),
        ]),
    }
}

/// Draws the picker: the list, and the selected pattern's summary under it.
pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, palette: &Palette) {
    let all = entries();
    let selected = app.picker.selected.min(all.len() - 1);
    let [list_area, summary_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(6)]).areas(area);
    let items: Vec<ListItem<'_>> = all
        .iter()
        .map(|e| ListItem::new(entry_line(*e, palette)))
        .collect();
    let block = widgets::block(
        "wskex: choose a key exchange pattern (Enter opens it)",
        true,
        app.options.ascii,
        palette,
    );
    let list = List::new(items)
        .block(block)
        .highlight_style(palette.selection)
        .highlight_symbol(if app.options.ascii { "> " } else { "▶ " });
    let mut state = ListState::default().with_selected(Some(selected));
    frame.render_stateful_widget(list, list_area, &mut state);
    let info = &CATALOG[all[selected].pattern];
    let summary = Paragraph::new(info.summary)
        .style(palette.base)
        .wrap(Wrap { trim: true })
        .block(widgets::block(
            info.title,
            false,
            app.options.ascii,
            palette,
        ));
    frame.render_widget(summary, summary_area);
}
