//! Drawing the editor in the Envelope pane's place, with a line saying where the edit stands
//! (waiting for a pause, re-verified with how many checks flipped, or where it fails to parse),
//! and the keep/discard question after Esc.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::safe_text::one_line;

use super::super::palette::Palette;
use super::super::widgets;
use super::Editor;

/// The editor's one-line state.
fn state_line<'a>(editor: &Editor, palette: &Palette) -> Line<'a> {
    if editor.read_only {
        return Line::styled(
            "read-only: the message is over 1 MB; the editor shows it but does not change it",
            palette.dim,
        );
    }
    if let Some(problem) = &editor.problem {
        let mut text = format!("does not parse: {problem}");
        if editor.result.is_some() {
            text.push_str(" (the panes show the last edit that parsed)");
        }
        return Line::styled(text, palette.fail);
    }
    if editor.pending_since.is_some() {
        return Line::styled("re-verifying after a pause in typing...", palette.dim);
    }
    match &editor.result {
        Some(r) => {
            let failed = r.step.snapshot.checks.iter().filter(|c| !c.ok).count();
            let style = if failed == 0 {
                palette.pass
            } else {
                palette.fail
            };
            let mut text = format!(
                "re-verified: {} checks, {failed} FAILED, {} flipped (marked in Checks)",
                r.step.snapshot.checks.len(),
                r.flipped()
            );
            if !r.gone.is_empty() {
                text.push_str(&format!(
                    "; no longer made: {}",
                    one_line(&r.gone.join(", "))
                ));
            }
            Line::styled(text, style)
        }
        None => Line::styled(
            "type to edit; the receiver re-verifies after a pause or on Ctrl-S",
            palette.dim,
        ),
    }
}

/// Draws the editor into the Envelope pane's rectangle.
pub fn draw(frame: &mut Frame<'_>, area: Rect, editor: &Editor, ascii: bool, palette: &Palette) {
    let title = format!(
        "1 Envelope: editing step {} (C-s re-verifies, Esc leaves)",
        editor.step + 1
    );
    let block = widgets::block(&title, true, ascii, palette);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [text, state] = Layout::vertical([Constraint::Min(1), Constraint::Length(2)]).areas(inner);
    // The TextArea keeps its own neutral styles (set once in `Editor::new`): restyling it here
    // would mean copying a large message every frame.
    frame.render_widget(&editor.textarea, text);
    frame.render_widget(
        Paragraph::new(state_line(editor, palette)).wrap(Wrap { trim: true }),
        state,
    );
    if editor.prompt {
        draw_prompt(frame, area, ascii, palette);
    }
}

fn draw_prompt(frame: &mut Frame<'_>, area: Rect, ascii: bool, palette: &Palette) {
    let rect = widgets::centered(area, 60, 30);
    let rect = Rect {
        height: rect.height.clamp(5, 7).min(area.height),
        ..rect
    };
    frame.render_widget(Clear, rect);
    let block = widgets::block("Leave the editor", true, ascii, palette);
    let lines = vec![
        Line::from(vec![
            Span::styled("k", palette.key_hint),
            Span::styled(" keep the edit as this step's message", palette.base),
        ]),
        Line::from(vec![
            Span::styled("d", palette.key_hint),
            Span::styled(" discard it", palette.base),
        ]),
        Line::from(vec![
            Span::styled("Esc", palette.key_hint),
            Span::styled(" go back to editing", palette.base),
        ]),
    ];
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        rect,
    );
}
