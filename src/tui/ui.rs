//! Drawing the whole screen from the App: the picker or the walkthrough's panes, the overlays,
//! or the one line that says the terminal is too small.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::app::{App, Overlay, Pane, Screen};
use super::detail::{Detail, LineKind};
use super::layout::{self, MIN_SIZE, Mode};
use super::palette::Palette;
use super::panes::{self, Ctx, header};
use super::picker;
use super::widgets;

/// Draws `app` into `frame`.
pub fn draw(frame: &mut Frame<'_>, app: &App, palette: &Palette) {
    let area = frame.area();
    frame.render_widget(Block::default().style(palette.base), area);
    if Mode::for_size((area.width, area.height)) == Mode::TooSmall {
        let msg = format!(
            "wskex needs a terminal of at least {}x{} (this one is {}x{}); q quits",
            MIN_SIZE.0, MIN_SIZE.1, area.width, area.height
        );
        frame.render_widget(
            Paragraph::new(msg)
                .style(palette.base)
                .wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    match (app.screen, &app.session, app.shown()) {
        (Screen::Walk, Some(session), Some((step, view))) => {
            let ctx = Ctx {
                app,
                session,
                step,
                view,
                palette,
            };
            draw_walk(frame, &ctx);
        }
        _ => {
            let [main, bar] =
                Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
            picker::draw(frame, main, app, palette);
            header::draw_keybar(frame, bar, app, palette);
        }
    }
    match &app.overlay {
        Some(Overlay::Help { scroll }) => super::help::draw(
            frame,
            overlay_area(area),
            app.options.ascii,
            *scroll,
            palette,
        ),
        Some(Overlay::Detail(d)) => draw_detail(frame, area, app, d, palette),
        Some(Overlay::Tamper { selected }) => {
            if let Some(session) = &app.session {
                super::tamper_menu::draw(
                    frame,
                    area,
                    session,
                    *selected,
                    app.options.ascii,
                    palette,
                );
            }
        }
        Some(Overlay::Prompt(prompt)) => {
            super::prompt::draw(frame, area, prompt, app.reveal, app.options.ascii, palette)
        }
        Some(Overlay::Themes { names, selected }) => {
            super::theme_menu::draw(frame, area, names, *selected, app.options.ascii, palette)
        }
        None => {}
    }
}

fn draw_walk(frame: &mut Frame<'_>, ctx: &Ctx<'_>) {
    let areas = layout::areas(ctx.app);
    header::draw_header(frame, areas.header, ctx);
    header::draw_strip(frame, areas.strip, ctx);
    if let Some(tabs) = areas.tabs {
        header::draw_tabs(frame, tabs, ctx.app, ctx.palette);
    }
    for (pane, rect) in &areas.panes {
        match pane {
            Pane::Envelope => match &ctx.app.editor {
                Some(editor) => {
                    super::edit::draw::draw(frame, *rect, editor, ctx.ascii(), ctx.palette)
                }
                None => panes::envelope::draw(frame, *rect, ctx),
            },
            Pane::Layers | Pane::Keys | Pane::Checks if ctx.app.shown_pending() => {
                super::pending::draw_pane(frame, *rect, *pane, ctx)
            }
            Pane::Layers => panes::layers::draw(frame, *rect, ctx),
            Pane::Keys => panes::keys::draw(frame, *rect, ctx),
            Pane::Narrative => panes::narrative::draw(frame, *rect, ctx),
            Pane::Checks => panes::checks::draw(frame, *rect, ctx),
        }
    }
    header::draw_keybar(frame, areas.keybar, ctx.app, ctx.palette);
}

fn overlay_area(area: Rect) -> Rect {
    widgets::centered(area, 86, 84)
}

fn draw_detail(frame: &mut Frame<'_>, area: Rect, app: &App, d: &Detail, palette: &Palette) {
    let rect = overlay_area(area);
    frame.render_widget(Clear, rect);
    let lines: Vec<Line<'_>> = d
        .lines
        .iter()
        .map(|l| {
            let style = match l.kind {
                LineKind::Heading => palette.title,
                LineKind::Text => palette.base,
                LineKind::Code => palette.token(super::syntax::TokenKind::AttributeValue),
                LineKind::Pass => palette.pass,
                LineKind::Fail => palette.fail,
                LineKind::Missing => palette.dim,
            };
            Line::from(Span::styled(l.text.as_str(), style))
        })
        .collect();
    let title = format!("{} (Esc closes)", d.title);
    let block = widgets::block(&title, true, app.options.ascii, palette);
    let text = Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .scroll((d.scroll, 0));
    frame.render_widget(text, rect);
}
