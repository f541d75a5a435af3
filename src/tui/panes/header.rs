//! The lines around the panes: the header (what is open, step k/n, pass/fail counts), the step
//! strip, the tab bar of the tabbed layout and the key bar generated from the keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::exchange::Step;
use crate::safe_text::one_line;

use super::super::app::App;
use super::super::keymap;
use super::super::layout::{TABS, tab_label};
use super::super::palette::Palette;
use super::Ctx;

pub fn draw_header(frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
    let p = ctx.palette;
    let checks = &ctx.step.snapshot.checks;
    let passed = checks.iter().filter(|c| c.ok).count();
    let failed = checks.len() - passed;
    let mut spans = vec![
        Span::styled(" wskex ", p.key_hint),
        Span::styled(ctx.session.short_name(), p.title),
        Span::styled(
            format!("  step {}/{}", ctx.app.step + 1, ctx.session.len()),
            p.base,
        ),
    ];
    if ctx.app.shown_pending() {
        spans.push(Span::styled("  checks: processing...", p.dim));
    } else {
        spans.push(Span::styled(format!("  checks: {passed} ok"), p.pass));
        spans.push(Span::styled(
            format!(", {failed} FAILED"),
            if failed > 0 { p.fail } else { p.base },
        ));
    }
    spans.push(Span::styled(format!("  {}", ctx.session.title()), p.dim));
    let line = Line::from(spans);
    frame.render_widget(Paragraph::new(line).style(p.base), area);
}

/// `3 alice→bob` for a step that builds or sends a message, `4 bob checks ok` for a receiver's.
/// A step still being processed reads `2 auditor ...`.
fn step_label(i: usize, step: &Step, pending: bool, ascii: bool) -> String {
    let arrow = if ascii { "->" } else { "→" };
    let actor = one_line(&step.actor);
    let who = match &step.snapshot.envelope {
        Some(e) if !e.to.is_empty() && e.to == step.actor => format!("{actor} checks"),
        Some(e) if !e.from.is_empty() => {
            format!("{}{arrow}{}", one_line(&e.from), one_line(&e.to))
        }
        _ => actor.into_owned(),
    };
    let checks = &step.snapshot.checks;
    let verdict = if pending {
        " ..."
    } else if checks.is_empty() {
        ""
    } else if checks.iter().all(|c| c.ok) {
        " ok"
    } else {
        " FAILED"
    };
    format!(" {} {}{} ", i + 1, who, verdict)
}

pub fn draw_strip(frame: &mut Frame<'_>, area: Rect, ctx: &Ctx<'_>) {
    let p = ctx.palette;
    let labels: Vec<String> = ctx
        .session
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| step_label(i, s, ctx.session.is_pending(i), ctx.ascii()))
        .collect();
    let width = area.width as usize;
    let current = ctx.app.step;
    // Scroll the strip so the current step is on screen.
    let mut first = current;
    let mut used = labels[current].chars().count();
    while first > 0 && used + labels[first - 1].chars().count() < width / 2 + 1 {
        first -= 1;
        used += labels[first].chars().count() + 1;
    }
    let mut spans = Vec::new();
    if first > 0 {
        spans.push(Span::styled("<", p.dim));
    }
    for (i, label) in labels.iter().enumerate().skip(first) {
        if i > first {
            spans.push(Span::styled("|", p.dim));
        }
        let style = if i == current {
            p.selection
        } else if label.ends_with("FAILED ") {
            p.fail
        } else {
            p.base
        };
        spans.push(Span::styled(label.clone(), style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(p.base), area);
}

pub fn draw_tabs(frame: &mut Frame<'_>, area: Rect, app: &App, palette: &Palette) {
    let mut spans = Vec::new();
    for pane in TABS {
        let style = if pane == app.tab {
            palette.selection
        } else {
            palette.dim
        };
        spans.push(Span::styled(tab_label(pane), style));
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(palette.base), area);
}

/// The key bar: the keys that work here, from the keymap; or the last status message.
pub fn draw_keybar(frame: &mut Frame<'_>, area: Rect, app: &App, palette: &Palette) {
    if let Some(status) = &app.status {
        let style = if app.status_is_problem {
            palette.fail
        } else {
            palette.pass
        };
        let line = Span::styled(format!(" {}", one_line(status)), style);
        frame.render_widget(Paragraph::new(line).style(palette.base), area);
        return;
    }
    let mut spans = Vec::new();
    if let Some(search) = app.search.as_ref().filter(|s| s.editing) {
        spans.push(Span::styled(
            format!(" /{}_ ", one_line(&search.query)),
            palette.title,
        ));
    }
    for (key, word) in keymap::bar(app) {
        spans.push(Span::styled(format!(" {key}"), palette.key_hint));
        spans.push(Span::styled(format!(" {word} "), palette.dim));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(palette.base), area);
}
