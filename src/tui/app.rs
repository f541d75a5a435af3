//! The TUI's whole state, and the moves [`update`](super::update::update) makes on it.
//!
//! `update` (in its own module) is the only thing that changes an App; drawing reads the App
//! and nothing else. So every behaviour can be tested without a terminal.

use crate::patterns::CATALOG;

use std::cell::RefCell;
use std::time::Instant;

use ratatui::crossterm::event::KeyEvent;

use crate::exchange::Step;

use super::background::Arrival;
use super::detail::{self, Detail};
use super::edit::Editor;
use super::layout::{self, Mode};
use super::lex::LazyTokens;
use super::locate::StepView;
use super::picker::{self, PickerEntry};
use super::prompt::Prompt;
use super::row_index::RowIndex;
use super::search::{MatchCache, Search};
use super::session::Session;
use super::state;
use super::syntax::Token;
use super::tamper_menu;
pub use super::update::update;

/// The panes that take focus, in Tab order (and numbered 1-5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    Envelope,
    Layers,
    Keys,
    Narrative,
    Checks,
}

impl Pane {
    pub const ALL: [Pane; 5] = [
        Pane::Envelope,
        Pane::Layers,
        Pane::Keys,
        Pane::Narrative,
        Pane::Checks,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Envelope => "Envelope",
            Pane::Layers => "Layers",
            Pane::Keys => "Keys",
            Pane::Narrative => "Narrative",
            Pane::Checks => "Checks",
        }
    }

    pub fn number(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0) + 1
    }

    pub(super) fn offset(self, by: isize) -> Pane {
        let n = Pane::ALL.len() as isize;
        let i = (self.number() as isize - 1 + by).rem_euclid(n);
        Pane::ALL[i as usize]
    }

    /// Whether the pane is a list whose selected item links to bytes of the envelope.
    pub fn links(self) -> bool {
        matches!(self, Pane::Layers | Pane::Keys | Pane::Checks)
    }
}

/// Something the user (or the terminal, or the background worker) asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    NextStep,
    PrevStep,
    FirstStep,
    LastStep,
    FocusNext,
    FocusPrev,
    Focus(Pane),
    Up,
    Down,
    PageUp,
    PageDown,
    /// Enter: open the picker entry or the selected item's detail.
    Open,
    /// Esc: close the overlay, else leave the walkthrough for the picker.
    Back,
    ToggleHelp,
    ToggleMaximize,
    ToggleReveal,
    /// `t`: the tamper menu.
    OpenTamperMenu,
    Quit,
    Resize(u16, u16),
    /// Wheel over the screen at a column/row: scroll what is under it.
    Wheel {
        column: u16,
        row: u16,
        down: bool,
    },
    /// A click: focus the pane under it.
    Click {
        column: u16,
        row: u16,
    },
    /// `/`: start typing a search of the envelope.
    SearchStart,
    /// A character typed into the search.
    SearchInput(char),
    SearchBackspace,
    /// Enter: stop typing, or jump to the next match.
    SearchNext,
    /// Esc while typing: drop the search.
    SearchCancel,
    /// `e`: edit the current step's envelope.
    EditStart,
    /// A key typed into the editor, and when.
    EditKey(KeyEvent, Instant),
    /// Ctrl-S in the editor: re-verify now.
    EditApply,
    /// Esc in the editor: leave (asks keep/discard when the text changed).
    EditLeave,
    EditKeep,
    EditDiscard,
    /// Esc at the keep/discard question: back to editing.
    EditResume,
    /// The time now, so waiting for a pause in typing needs no clock inside `update`.
    Tick(Instant),
    /// `v`: the Envelope pane shows the received bytes or the receiver's processed view.
    ToggleProcessed,
    /// `y`: copy the selected item to the clipboard (OSC 52).
    Copy,
    /// `Y`: copy the SHA-256 of the selected item's bytes instead.
    CopyDigest,
    /// `m`: mouse capture on or off.
    ToggleMouse,
    /// Ctrl-Z: suspend to the shell (the terminal restored), redraw on resume.
    Suspend,
    /// `o`: ask for captured messages and keys to open.
    OpenStart,
    /// `T`: the theme picker.
    ThemeMenu,
    /// `x`: ask where to export the conversation as annotated XML.
    ExportStart,
    /// A character typed into the prompt.
    PromptInput(char),
    PromptBackspace,
    /// Ctrl-U: empty the prompt.
    PromptClear,
    /// Enter: do what the prompt asks with its text.
    PromptSubmit,
    /// The background worker finished a step of the open capture (or stopped).
    Arrived(Arrival),
    /// Test hook (bound only when `WSKEX_TUI_TEST_PANIC` is set): panics inside the loop, to
    /// prove the terminal is restored on a panic.
    TestPanic,
}

/// Which screen is up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Picker,
    Walk,
}

/// A window over everything else.
#[derive(Debug, Clone)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    Detail(Detail),
    /// The tamper menu with its selected row.
    Tamper {
        selected: usize,
    },
    /// A line of text being typed (the export directory).
    Prompt(Prompt),
    /// The theme picker (`T`): the themes there are, and the selected row.
    Themes {
        names: Vec<String>,
        selected: usize,
    },
}

/// A list pane's selection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListState {
    pub selected: usize,
}

/// Options fixed at start.
#[derive(Debug, Clone, Copy, Default)]
pub struct UiOptions {
    /// ASCII borders and marks instead of box drawing and check marks.
    pub ascii: bool,
    /// Bind the test-only panic key.
    pub test_hooks: bool,
}

/// The whole state of the TUI.
#[derive(Debug)]
pub struct App {
    pub screen: Screen,
    pub picker: ListState,
    pub session: Option<Session>,
    pub step: usize,
    pub focus: Pane,
    /// The pane the tabbed layout shows beside the envelope.
    pub tab: Pane,
    /// The list pane whose selection the envelope highlights.
    pub linked: Option<Pane>,
    pub envelope_scroll: usize,
    pub narrative_scroll: u16,
    pub layers: ListState,
    pub keys: ListState,
    pub checks: ListState,
    pub overlay: Option<Overlay>,
    /// The envelope search (`/`), kept across steps.
    pub search: Option<Search>,
    /// The search's matches in the shown text, found once per query.
    pub(super) search_cache: RefCell<MatchCache>,
    /// The Envelope pane's cursor, a byte of the shown text: the first visible byte of a row,
    /// or the match a search jumped to (none until the user moves in the envelope or jumps).
    pub envelope_cursor: Option<usize>,
    pub maximized: bool,
    pub reveal: bool,
    /// `v`: show the receiver's processed view where the step has one.
    pub processed_view: bool,
    pub quit: bool,
    /// Terminal size in cells.
    pub size: (u16, u16),
    pub options: UiOptions,
    /// A one-line message for the key bar, until the next key (a walkthrough that could not
    /// be played, a file written).
    pub status: Option<String>,
    /// Whether the status reports a problem (drawn as a failure) or news.
    pub status_is_problem: bool,
    /// The envelope editor (`e`), when open.
    pub editor: Option<Box<Editor>>,
    /// Whether the terminal should report the mouse (the event loop applies changes).
    pub mouse: bool,
    /// Text `y` copied, for the event loop to send to the terminal (OSC 52) and clear.
    pub clipboard: Option<String>,
    /// Ctrl-Z was pressed: the event loop suspends the process and clears this on resume.
    pub suspend: bool,
    /// Opens what the `o` prompt names (given by the command line, which knows its options;
    /// `None`: `o` says it cannot open files here).
    pub opener: Option<Opener>,
    /// Remember the last pattern and recent captures in the state dir (on in the real TUI,
    /// off by default so tests leave the user's state alone).
    pub remember_state: bool,
    /// A theme chosen in the picker, for the event loop to load and draw with.
    pub theme_request: Option<String>,
    /// The shown envelope's rows, wrapped as far as the screen has needed.
    envelope_rows: RefCell<Option<RowIndex>>,
    /// Lexer checkpoints in a pending step's text (colours before the parser's tokens arrive).
    lazy_tokens: RefCell<Option<LazyTokens>>,
}

/// Turns the text of the `o` prompt into an open conversation, or says why not.
pub type Opener = fn(&str) -> Result<Session, String>;

impl App {
    /// The TUI at the pattern picker.
    pub fn new(options: UiOptions) -> App {
        App {
            screen: Screen::Picker,
            picker: ListState::default(),
            session: None,
            step: 0,
            focus: Pane::Envelope,
            tab: Pane::Layers,
            linked: None,
            envelope_scroll: 0,
            narrative_scroll: 0,
            layers: ListState::default(),
            keys: ListState::default(),
            checks: ListState::default(),
            overlay: None,
            search: None,
            search_cache: RefCell::default(),
            envelope_cursor: None,
            maximized: false,
            reveal: false,
            processed_view: false,
            quit: false,
            size: (120, 40),
            options,
            status: None,
            status_is_problem: true,
            editor: None,
            mouse: true,
            clipboard: None,
            suspend: false,
            opener: None,
            remember_state: false,
            theme_request: None,
            envelope_rows: RefCell::new(None),
            lazy_tokens: RefCell::new(None),
        }
    }

    /// The TUI on an open walkthrough, at its first step.
    pub fn with_session(options: UiOptions, session: Session) -> App {
        let mut app = App::new(options);
        app.open(session, 0);
        app
    }

    /// Shows `session` at step `step`.
    pub fn open(&mut self, session: Session, step: usize) {
        self.session = Some(session);
        self.editor = None;
        self.screen = Screen::Walk;
        self.overlay = None;
        self.step = 0;
        self.layers = ListState::default();
        self.keys = ListState::default();
        self.checks = ListState::default();
        self.go_to_step(step);
    }

    /// Jumps to step `step` of the open walkthrough.
    pub fn open_at(&mut self, step: usize) {
        self.go_to_step(step);
    }

    pub fn step_count(&self) -> usize {
        self.session.as_ref().map_or(0, Session::len)
    }

    /// The step the panes draw and its view: the editor's re-verified step while an edit of
    /// this step is open, else the session's.
    pub fn shown(&self) -> Option<(&Step, &StepView)> {
        let s = self.session.as_ref()?;
        if let Some(editor) = &self.editor
            && editor.step == self.step
            && let Some(r) = &editor.result
        {
            return Some((&r.step, &r.view));
        }
        Some((&s.steps[self.step], s.view(self.step)))
    }

    pub(super) fn list_len(&self, pane: Pane) -> usize {
        let Some((step, view)) = self.shown() else {
            return 0;
        };
        let snapshot = &step.snapshot;
        match pane {
            Pane::Layers => view.layer_rows.len(),
            Pane::Keys => snapshot.ledger.keys().len(),
            Pane::Checks => snapshot.checks.len(),
            Pane::Envelope | Pane::Narrative => 0,
        }
    }

    pub fn list(&self, pane: Pane) -> ListState {
        match pane {
            Pane::Layers => self.layers,
            Pane::Keys => self.keys,
            Pane::Checks => self.checks,
            Pane::Envelope | Pane::Narrative => ListState::default(),
        }
    }

    pub(super) fn list_mut(&mut self, pane: Pane) -> Option<&mut ListState> {
        match pane {
            Pane::Layers => Some(&mut self.layers),
            Pane::Keys => Some(&mut self.keys),
            Pane::Checks => Some(&mut self.checks),
            Pane::Envelope | Pane::Narrative => None,
        }
    }

    /// Whether the Envelope pane shows the processed view (asked for, and the step has one).
    pub fn showing_processed(&self) -> bool {
        self.processed_view
            && self
                .shown()
                .is_some_and(|(s, _)| s.snapshot.processed.is_some())
    }

    /// The text the Envelope pane shows: the received bytes, or the processed view.
    pub fn envelope_text(&self) -> Option<&str> {
        let (step, _) = self.shown()?;
        if self.showing_processed() {
            return step.snapshot.processed.as_ref().map(|p| p.text.as_str());
        }
        step.snapshot.envelope.as_ref().map(|e| e.text.as_str())
    }

    /// The envelope bytes the linked pane's selected item covers in this step (none in the
    /// processed view: the items' spans are in the received bytes).
    pub fn highlighted_spans(&self) -> Vec<crate::xml::Span> {
        let (Some((_, view)), Some(pane)) = (self.shown(), self.linked) else {
            return Vec::new();
        };
        if self.showing_processed() {
            return Vec::new();
        }
        let i = self.list(pane).selected;
        let spans = match pane {
            Pane::Layers => view.layer_rows.get(i).map(|r| &r.spans),
            Pane::Keys => view.key_spans.get(i),
            Pane::Checks => view.check_spans.get(i),
            Pane::Envelope | Pane::Narrative => None,
        };
        spans.cloned().unwrap_or_default()
    }

    /// Runs `f` on the row index of the current envelope text at the width the layout gives
    /// it (kept between calls, grown on demand), with the text and the visible height.
    pub fn with_envelope_rows<R>(
        &self,
        f: impl FnOnce(&mut RowIndex, &str, usize) -> R,
    ) -> Option<R> {
        let area = layout::envelope_inner(self)?;
        self.with_rows_at(area.width as usize, area.height as usize, f)
    }

    /// [`App::with_envelope_rows`] for a pane body of `width` x `height` cells.
    pub fn with_rows_at<R>(
        &self,
        width: usize,
        height: usize,
        f: impl FnOnce(&mut RowIndex, &str, usize) -> R,
    ) -> Option<R> {
        let text = self.envelope_text()?;
        let mut cache = self.envelope_rows.borrow_mut();
        if cache.as_ref().is_none_or(|c| !c.is_for(text, width)) {
            *cache = Some(RowIndex::new(text, width));
        }
        cache.as_mut().map(|index| f(index, text, height))
    }

    /// Tokens for bytes `start..end` of `text` from the lexer (for a step whose parsed tokens
    /// have not arrived), resuming from the checkpoints kept for that text.
    pub fn lexed_tokens(&self, text: &str, start: usize, end: usize) -> Vec<Token> {
        let mut cache = self.lazy_tokens.borrow_mut();
        if cache.as_ref().is_none_or(|c| !c.is_for(text)) {
            *cache = Some(LazyTokens::new(text));
        }
        cache
            .as_mut()
            .map(|lazy| lazy.tokens(text, start, end))
            .unwrap_or_default()
    }

    /// Whether the shown step is a placeholder still being processed.
    pub fn shown_pending(&self) -> bool {
        self.editor.is_none()
            && self
                .session
                .as_ref()
                .is_some_and(|s| s.is_pending(self.step))
    }

    /// Drops what was computed from the shown texts (a step was replaced).
    pub(super) fn forget_text_caches(&mut self) {
        self.envelope_rows.get_mut().take();
        self.lazy_tokens.get_mut().take();
        *self.search_cache.get_mut() = MatchCache::default();
    }

    /// The first byte of envelope row `row`, when the envelope is on screen.
    pub fn envelope_row_start(&self, row: usize) -> Option<usize> {
        self.with_envelope_rows(|index, text, _| {
            index.window(text, row, 1).first().map(|r| r.start)
        })
        .flatten()
    }

    pub(super) fn scroll_envelope_to(&mut self, offset: usize) {
        let scroll = self.envelope_scroll;
        let moved = self.with_envelope_rows(|index, text, height| {
            let row = index.row_of(text, offset);
            (row < scroll || row >= scroll + height.max(1)).then(|| row.saturating_sub(height / 3))
        });
        if let Some(Some(to)) = moved {
            self.envelope_scroll = to;
        }
    }

    /// The spans the Envelope pane marks: this step's changes in the received bytes, the
    /// decrypted parts in the processed view.
    pub fn marked_spans(&self) -> Vec<crate::xml::Span> {
        let Some((step, _)) = self.shown() else {
            return Vec::new();
        };
        match (&step.snapshot.processed, &step.snapshot.envelope) {
            (Some(p), _) if self.showing_processed() => p.parts.iter().map(|d| d.span).collect(),
            (_, Some(env)) => env.changed.clone(),
            _ => Vec::new(),
        }
    }

    /// Brings the highlighted item (or else the first marked span) into view.
    pub(super) fn reveal_in_envelope(&mut self) {
        let target = self
            .highlighted_spans()
            .first()
            .or(self.marked_spans().first())
            .map(|s| s.start as usize);
        if let Some(offset) = target {
            self.scroll_envelope_to(offset);
        }
        self.clamp_envelope_scroll();
    }

    pub(super) fn clamp_envelope_scroll(&mut self) {
        let scroll = self.envelope_scroll;
        // Only as many rows are wrapped as reach the bottom of the screen from the scroll.
        let max = self.with_envelope_rows(|index, text, height| {
            let height = height.max(1);
            index.ensure_rows(text, scroll.saturating_add(height));
            if index.complete() {
                index.rows().len().saturating_sub(height)
            } else {
                scroll
            }
        });
        self.envelope_scroll = scroll.min(max.unwrap_or(0));
    }

    /// Keeps each list's selection within its items (after the step or its checks changed).
    pub fn clamp_lists(&mut self) {
        for pane in [Pane::Layers, Pane::Keys, Pane::Checks] {
            let len = self.list_len(pane);
            if let Some(l) = self.list_mut(pane) {
                l.selected = l.selected.min(len.saturating_sub(1));
            }
        }
    }

    pub(super) fn go_to_step(&mut self, step: usize) {
        let n = self.step_count();
        if n == 0 {
            return;
        }
        self.step = step.min(n - 1);
        self.narrative_scroll = 0;
        if let Some(s) = &mut self.search {
            s.current = None;
        }
        self.envelope_scroll = 0;
        self.envelope_cursor = None;
        self.clamp_lists();
        self.reveal_in_envelope();
    }

    pub(super) fn set_focus(&mut self, pane: Pane) {
        self.focus = pane;
        if pane != Pane::Envelope {
            self.tab = pane;
        }
        if pane.links() {
            self.linked = Some(pane);
            self.reveal_in_envelope();
        }
    }

    pub(super) fn page(&self) -> usize {
        match self.focus {
            Pane::Envelope => layout::envelope_inner(self)
                .map_or(10, |a| (a.height as usize).saturating_sub(1).max(1)),
            _ => 5,
        }
    }

    /// Moves the focused pane by `delta` rows (scroll or selection).
    pub(super) fn move_by(&mut self, delta: isize) {
        match self.focus {
            Pane::Envelope => self.move_envelope_cursor(delta),
            Pane::Narrative => {
                let n = self.narrative_scroll as isize + delta;
                self.narrative_scroll = n.clamp(0, u16::MAX as isize) as u16;
            }
            pane => {
                let len = self.list_len(pane);
                if let Some(l) = self.list_mut(pane) {
                    let i = l.selected as isize + delta;
                    l.selected = i.clamp(0, len.saturating_sub(1) as isize) as usize;
                }
                self.linked = Some(pane);
                self.reveal_in_envelope();
            }
        }
    }

    pub(super) fn open_selected(&mut self) {
        match self.screen {
            Screen::Picker => {
                if let Some(entry) = picker::entries().get(self.picker.selected) {
                    self.open_entry(*entry);
                }
            }
            Screen::Walk => {
                let Some(s) = &self.session else { return };
                let i = self.list(self.focus).selected;
                let detail = match self.focus {
                    Pane::Layers => detail::layer_row(s, self.step, i),
                    Pane::Keys => detail::key(s, self.step, i, self.reveal),
                    Pane::Checks => detail::check(s, self.step, i),
                    Pane::Envelope => return self.select_under_cursor(),
                    Pane::Narrative => None,
                };
                if let Some(d) = detail {
                    self.overlay = Some(Overlay::Detail(d));
                }
            }
        }
    }

    pub(super) fn open_entry(&mut self, entry: PickerEntry) {
        let info = &CATALOG[entry.pattern];
        let variant = entry.variant.map(|v| info.variants[v]);
        let tamper = entry.tamper.map(|t| info.tampers[t].name());
        match Session::walk(info.name, variant, 1, tamper) {
            Ok(session) => {
                let start = if tamper.is_some() {
                    session.receiver_step()
                } else {
                    0
                };
                self.status = None;
                self.open(session, start);
                // A convenience: a state dir that cannot be written is not worth a message.
                if self.remember_state {
                    let _ = state::remember_pattern(&entry.key());
                }
            }
            Err(e) => self.status = Some(e.to_string()),
        }
    }

    pub(super) fn toggle_processed(&mut self) {
        let has = self
            .shown()
            .is_some_and(|(s, _)| s.snapshot.processed.is_some());
        if !has {
            self.complain(
                "This step has no processed view: no receiver decrypted anything in its message."
                    .to_string(),
            );
            return;
        }
        self.processed_view = !self.processed_view;
        self.envelope_scroll = 0;
        self.envelope_cursor = None;
        if let Some(s) = &mut self.search {
            s.current = None;
        }
        self.reveal_in_envelope();
    }

    pub(super) fn scroll_overlay(&mut self, delta: i32) {
        let scroll = match &mut self.overlay {
            Some(Overlay::Help { scroll }) => scroll,
            Some(Overlay::Detail(d)) => &mut d.scroll,
            Some(Overlay::Tamper { selected }) => {
                let last = self
                    .session
                    .as_ref()
                    .map_or(0, |s| tamper_menu::rows(s).len() - 1);
                *selected = (*selected as i32 + delta).clamp(0, last as i32) as usize;
                return;
            }
            Some(Overlay::Themes { names, selected }) => {
                let last = names.len().saturating_sub(1) as i32;
                *selected = (*selected as i32 + delta).clamp(0, last) as usize;
                return;
            }
            Some(Overlay::Prompt(_)) | None => return,
        };
        *scroll = (i32::from(*scroll) + delta).clamp(0, i32::from(u16::MAX)) as u16;
    }

    /// Replays the walk with the tamper row the menu has selected, at the receiver's step.
    pub(super) fn choose_tamper(&mut self) {
        let (Some(Overlay::Tamper { selected }), Some(session)) = (&self.overlay, &self.session)
        else {
            return;
        };
        let Some(tamper) = tamper_menu::rows(session).get(*selected).copied() else {
            return;
        };
        match tamper_menu::rerun(session, tamper) {
            Ok(session) => {
                let start = if tamper.is_some() {
                    session.receiver_step()
                } else {
                    self.step
                };
                self.status = None;
                self.open(session, start);
            }
            Err(e) => {
                self.overlay = None;
                self.status = Some(e);
            }
        }
    }

    pub(super) fn back(&mut self) {
        if self.overlay.take().is_some() {
            return;
        }
        if self.maximized {
            self.maximized = false;
        } else if self.screen == Screen::Walk {
            self.screen = Screen::Picker;
        }
    }

    pub(super) fn wheel(&mut self, column: u16, row: u16, down: bool) {
        let delta = if down { 3 } else { -3 };
        if self.overlay.is_some() {
            self.scroll_overlay(delta as i32);
            return;
        }
        if self.screen == Screen::Picker {
            self.move_picker(delta);
            return;
        }
        match layout::pane_at(self, column, row) {
            // The wheel scrolls the envelope; the cursor stays where it was.
            Some(Pane::Envelope) => {
                self.set_focus(Pane::Envelope);
                self.envelope_scroll = self.envelope_scroll.saturating_add_signed(delta);
                self.clamp_envelope_scroll();
            }
            Some(pane) => {
                self.set_focus(pane);
                self.move_by(delta);
            }
            None => {}
        }
    }

    pub(super) fn move_picker(&mut self, delta: isize) {
        let len = picker::entries().len() as isize;
        self.picker.selected = (self.picker.selected as isize + delta).clamp(0, len - 1) as usize;
    }
}

/// The layout mode at the current size.
pub fn mode(app: &App) -> Mode {
    Mode::for_size(app.size)
}
