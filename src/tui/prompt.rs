//! A one-line text prompt over the screen (the export path for `x`): typed characters go into
//! it, Enter submits, Esc cancels.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::safe_text::one_line;

use super::palette::Palette;
use super::widgets;

/// What the prompt asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// The directory `x` writes the annotated messages into.
    Export,
    /// `o`: captured messages and their options, as `wskex tui` takes them.
    Open,
}

impl PromptKind {
    pub fn title(self) -> &'static str {
        match self {
            PromptKind::Export => {
                "Export annotated XML into the directory (Enter writes, Esc cancels)"
            }
            PromptKind::Open => "Open captured messages and keys (Enter opens, Esc cancels)",
        }
    }

    fn explanation(self, reveal: bool) -> &'static str {
        match (self, reveal) {
            (PromptKind::Export, false) => {
                "One file per message, with <!--wskex: comments that change no digest. Key values are masked (r reveals them)."
            }
            (PromptKind::Export, true) => {
                "One file per message, with <!--wskex: comments that change no digest. Key values are REVEALED: the files are created owner-only (0600)."
            }
            (PromptKind::Open, _) => {
                "FILE|DIR... and options as after `wskex tui` (split at spaces; every inspect option: --key, --cert, --ca, --now...). The last capture opened is offered; C-u clears."
            }
        }
    }
}

/// The prompt's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub text: String,
}

pub fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    prompt: &Prompt,
    reveal: bool,
    ascii: bool,
    palette: &Palette,
) {
    let rect = widgets::centered(area, 80, 30);
    let rect = Rect {
        height: 6.min(area.height),
        ..rect
    };
    frame.render_widget(Clear, rect);
    let block = widgets::block(prompt.kind.title(), true, ascii, palette);
    let lines = vec![
        Line::from(vec![
            Span::styled("> ", palette.key_hint),
            Span::styled(one_line(&prompt.text).into_owned(), palette.title),
            Span::styled("_", palette.key_hint),
        ]),
        Line::from(""),
        Line::styled(prompt.kind.explanation(reveal), palette.dim),
    ];
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        rect,
    );
}
