//! One component per pane. Each draws from the App (its own part of the state) and the
//! current Step, and nothing else: a pure function of state.

pub mod checks;
pub mod envelope;
pub mod header;
pub mod keys;
pub mod layers;
pub mod narrative;

use crate::exchange::Step;

use super::app::App;
use super::locate::StepView;
use super::palette::Palette;
use super::session::Session;

/// What every pane reads while drawing.
pub struct Ctx<'a> {
    pub app: &'a App,
    pub session: &'a Session,
    pub step: &'a Step,
    pub view: &'a StepView,
    pub palette: &'a Palette,
}

impl Ctx<'_> {
    pub fn ascii(&self) -> bool {
        self.app.options.ascii
    }
}
