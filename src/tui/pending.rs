//! A capture whose Steps are still arriving from the background worker: putting each in place
//! as it comes, and what the Layers, Keys and Checks panes say until then.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Paragraph, Wrap};

use super::app::{Action, App, Pane};
use super::background::Arrival;
use super::panes::Ctx;
use super::update::update;
use super::widgets;

impl App {
    /// Puts what the worker finished in place (the `update` of [`Action::Arrived`]).
    pub(super) fn receive_arrival(&mut self, arrival: Arrival) {
        let Some(session) = &mut self.session else {
            return;
        };
        let filled = session.receive(arrival);
        let failed = session.processing_failed.clone();
        let done = !session.processing();
        let total = session.len();
        self.forget_text_caches();
        if filled == Some(self.step) {
            self.clamp_lists();
        }
        match failed {
            Some(why) if done => self.complain(format!(
                "Processing stopped: {}. Steps not processed show no layers, keys or checks.",
                crate::safe_text::one_line(&why)
            )),
            _ if done && filled.is_some() && self.status.is_none() => self.say(format!(
                "Processed {total} message{}.",
                if total == 1 { "" } else { "s" }
            )),
            _ => {}
        }
    }
}

/// Waits for the open capture's worker and applies everything it delivers, as the event loop
/// would (for tests and benches, which need the processed Steps).
pub fn finish_processing(app: &mut App) {
    let arrivals = app
        .session
        .as_mut()
        .map(|s| s.wait_for_arrivals())
        .unwrap_or_default();
    for arrival in arrivals {
        update(app, Action::Arrived(arrival));
    }
}

/// The Layers, Keys or Checks pane of a step still being processed.
pub fn draw_pane(frame: &mut Frame<'_>, area: Rect, pane: Pane, ctx: &Ctx<'_>) {
    let title = format!("{} {}", pane.number(), pane.title());
    let focused = ctx.app.focus == pane;
    let block = widgets::block(&title, focused, ctx.ascii(), ctx.palette);
    let text = match &ctx.session.processing_failed {
        Some(why) => format!("Not processed: {}.", crate::safe_text::one_line(why)),
        None => "processing... (the receiver is working through the conversation in the \
                 background; this fills in when it reaches this message)"
            .to_string(),
    };
    let body = Paragraph::new(text)
        .style(ctx.palette.dim)
        .wrap(Wrap { trim: true })
        .block(block);
    frame.render_widget(body, area);
}
