//! Where everything goes, as a function of the terminal size and the App alone, so `update`
//! (scrolling into view, mouse hits) and drawing agree on every rectangle.

use ratatui::layout::{Constraint, Layout, Rect};

use super::app::{App, Pane, Screen};

/// The smallest terminal the TUI draws in.
pub const MIN_SIZE: (u16, u16) = (80, 24);
/// From this size up, all panes at once; below it, tabs around the envelope.
pub const FULL_SIZE: (u16, u16) = (120, 40);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Full,
    Tabs,
    TooSmall,
}

impl Mode {
    pub fn for_size((w, h): (u16, u16)) -> Mode {
        if w >= FULL_SIZE.0 && h >= FULL_SIZE.1 {
            Mode::Full
        } else if w >= MIN_SIZE.0 && h >= MIN_SIZE.1 {
            Mode::Tabs
        } else {
            Mode::TooSmall
        }
    }
}

/// The rectangles of the walkthrough screen.
#[derive(Debug, Clone, Default)]
pub struct Areas {
    pub header: Rect,
    pub strip: Rect,
    pub keybar: Rect,
    /// The tab bar of the tabbed layout.
    pub tabs: Option<Rect>,
    /// Each visible pane and its rectangle.
    pub panes: Vec<(Pane, Rect)>,
}

impl Areas {
    pub fn pane(&self, pane: Pane) -> Option<Rect> {
        self.panes.iter().find(|(p, _)| *p == pane).map(|(_, r)| *r)
    }
}

/// The walkthrough screen's layout for `app` (empty when the screen is too small).
pub fn areas(app: &App) -> Areas {
    let mode = Mode::for_size(app.size);
    if mode == Mode::TooSmall {
        return Areas::default();
    }
    let screen = Rect::new(0, 0, app.size.0, app.size.1);
    let [header, strip, main, keybar] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(screen);
    let mut out = Areas {
        header,
        strip,
        keybar,
        tabs: None,
        panes: Vec::new(),
    };
    if app.maximized {
        out.panes.push((app.focus, main));
        return out;
    }
    match mode {
        Mode::Full => {
            let [top, bottom] =
                Layout::vertical([Constraint::Min(10), Constraint::Length(11)]).areas(main);
            let [envelope, right] =
                Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                    .areas(top);
            let [layers, keys] =
                Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)])
                    .areas(right);
            let [narrative, checks] =
                Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                    .areas(bottom);
            out.panes = vec![
                (Pane::Envelope, envelope),
                (Pane::Layers, layers),
                (Pane::Keys, keys),
                (Pane::Narrative, narrative),
                (Pane::Checks, checks),
            ];
        }
        Mode::Tabs => {
            let [envelope, right] =
                Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                    .areas(main);
            let [tabs, pane] =
                Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(right);
            out.tabs = Some(tabs);
            out.panes = vec![(Pane::Envelope, envelope), (app.tab, pane)];
        }
        Mode::TooSmall => {}
    }
    out
}

/// The envelope pane's inside (within its border), when it is on screen.
pub fn envelope_inner(app: &App) -> Option<Rect> {
    if app.screen != Screen::Walk {
        return None;
    }
    let area = areas(app).pane(Pane::Envelope)?;
    Some(inner(area))
}

/// A bordered pane's inside.
pub fn inner(area: Rect) -> Rect {
    Rect::new(
        area.x + 1,
        area.y + 1,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
    )
}

/// The pane under a screen cell.
pub fn pane_at(app: &App, column: u16, row: u16) -> Option<Pane> {
    let layout = areas(app);
    if let Some(tabs) = layout.tabs
        && row == tabs.y
        && column >= tabs.x
    {
        return tab_at(column - tabs.x);
    }
    layout
        .panes
        .iter()
        .find(|(_, r)| {
            column >= r.x && column < r.x + r.width && row >= r.y && row < r.y + r.height
        })
        .map(|(p, _)| *p)
}

/// The labels of the tab bar, in order (the envelope has its own pane).
pub const TABS: [Pane; 4] = [Pane::Layers, Pane::Keys, Pane::Narrative, Pane::Checks];

/// The tab label as drawn (` 2 Layers `), shared with the tab bar so clicks land right.
pub fn tab_label(pane: Pane) -> String {
    format!(" {} {} ", pane.number(), pane.title())
}

fn tab_at(column: u16) -> Option<Pane> {
    let mut x = 0u16;
    for pane in TABS {
        let w = tab_label(pane).len() as u16 + 1;
        if column < x + w {
            return Some(pane);
        }
        x += w;
    }
    None
}
