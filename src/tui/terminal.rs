//! The terminal and the event loop. The terminal is put back the way it was (raw mode off,
//! main screen, no mouse capture, no bracketed paste, cursor shown) on quit, on error and on
//! panic: a Drop guard and a panic hook both call [`restore`], which is safe to call twice.

use std::io::{self, Stdout, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event, KeyCode, KeyEvent, KeyModifiers, MouseEventKind,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

use super::app::{Action, App, update};
use super::keymap;
use super::palette::Palette;
use super::theme::{self, ColorMode};
use super::ui;

/// Whether the terminal is in the TUI's modes (so restoring twice does nothing the second
/// time: leaving the alternate screen again would move the cursor over a panic message).
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Puts the terminal back, once. Every step is attempted even when one fails.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = io::stdout();
    let _ = execute!(
        out,
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        Show
    );
    let _ = disable_raw_mode();
    let _ = out.flush();
}

/// Restores the terminal when dropped (on return and on unwinding).
pub struct TerminalGuard;

impl TerminalGuard {
    /// Enters raw mode and the alternate screen, with mouse capture when `mouse` is set.
    pub fn enter(mouse: bool) -> io::Result<TerminalGuard> {
        install_panic_hook();
        let guard = TerminalGuard;
        take_terminal(mouse)?;
        Ok(guard)
    }
}

/// Raw mode, the alternate screen, bracketed paste, and the mouse when `mouse` is set.
fn take_terminal(mouse: bool) -> io::Result<()> {
    ACTIVE.store(true, Ordering::SeqCst);
    enable_raw_mode()?;
    let mut out = io::stdout();
    execute!(out, EnterAlternateScreen, EnableBracketedPaste)?;
    if mouse {
        execute!(out, EnableMouseCapture)?;
    }
    Ok(())
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// A panic prints its message on the restored screen, not into the alternate one.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // The capture worker's panics are caught and shown in the status line; printing
            // them would scribble over the screen the TUI is still drawing.
            if std::thread::current().name() == Some(super::background::WORKER) {
                return;
            }
            restore();
            previous(info);
        }));
    });
}

/// Runs the TUI until the user quits.
/// `mode` is the colour mode a theme chosen inside (`T`) is drawn at.
pub fn run(mut app: App, palette: &Palette, mode: ColorMode, mouse: bool) -> io::Result<()> {
    let mut palette = palette.clone();
    // Under NO_COLOR crossterm would reset attributes (reverse, bold) along with colours; the
    // monochrome palette already holds no colour, so keep crossterm from interfering.
    ratatui::crossterm::style::force_color_output(true);
    let _guard = TerminalGuard::enter(mouse)?;
    let mut terminal: Terminal<CrosstermBackend<Stdout>> =
        Terminal::new(CrosstermBackend::new(io::stdout()))?;
    terminal.clear()?;
    let size = terminal.size()?;
    update(&mut app, Action::Resize(size.width, size.height));
    app.mouse = mouse;
    let mut mouse_on = mouse;
    while !app.quit {
        terminal.draw(|frame| ui::draw(frame, &app, &palette))?;
        // A capture's processing starts once its first frame is on screen.
        if let Some(session) = &mut app.session {
            session.start_processing();
        }
        for action in next_actions(&app)? {
            update(&mut app, action);
        }
        apply_side_effects(&mut app, &mut mouse_on)?;
        if let Some(name) = app.theme_request.take() {
            match theme::palette(Some(&name), mode) {
                Ok(p) => palette = p,
                Err(e) => app.complain(e.to_string()),
            }
        }
        if app.suspend {
            app.suspend = false;
            suspend(mouse_on)?;
            terminal.clear()?;
        }
    }
    Ok(())
}

/// Puts the terminal back, stops the process as Ctrl-Z would (SIGTSTP), and when the shell
/// continues it (`fg`) takes the terminal again; the caller redraws.
fn suspend(mouse: bool) -> io::Result<()> {
    restore();
    // SAFETY: raise only sends a signal to this process; SIGTSTP's default action stops it
    // until SIGCONT, then raise returns.
    unsafe {
        libc::raise(libc::SIGTSTP);
    }
    take_terminal(mouse)
}

/// What `update` asked of the terminal: mouse reporting switched, text for the clipboard.
fn apply_side_effects(app: &mut App, mouse_on: &mut bool) -> io::Result<()> {
    let mut out = io::stdout();
    if app.mouse != *mouse_on {
        if app.mouse {
            execute!(out, EnableMouseCapture)?;
        } else {
            execute!(out, DisableMouseCapture)?;
        }
        *mouse_on = app.mouse;
    }
    if let Some(text) = app.clipboard.take() {
        out.write_all(super::clipboard::osc52(&text).as_bytes())?;
        out.flush()?;
    }
    Ok(())
}

/// How long the loop waits for a key before looking for background results again.
const ARRIVAL_POLL: Duration = Duration::from_millis(50);

/// Waits for the next event that means something, or until the editor's pending change is
/// due (then the action is a [`Action::Tick`]).
fn next_actions(app: &App) -> io::Result<Vec<Action>> {
    if let Some(deadline) = app.editor.as_ref().and_then(|e| e.deadline()) {
        let wait = deadline.saturating_duration_since(Instant::now());
        if !event::poll(wait)? {
            return Ok(vec![Action::Tick(Instant::now())]);
        }
    }
    // While a capture is processed in the background, look for its results between keys.
    if let Some(session) = app.session.as_ref().filter(|s| s.processing()) {
        let arrived: Vec<Action> = session
            .arrivals()
            .into_iter()
            .map(Action::Arrived)
            .collect();
        if !arrived.is_empty() {
            return Ok(arrived);
        }
        if !event::poll(ARRIVAL_POLL)? {
            return Ok(Vec::new());
        }
    }
    let event = event::read()?;
    if let Event::Paste(text) = &event {
        return Ok(pasted(app, text));
    }
    Ok(next_action(app, event).into_iter().collect())
}

/// A paste is typed into the editor character by character (the editor does not take
/// paste events itself); elsewhere it is ignored.
fn pasted(app: &App, text: &str) -> Vec<Action> {
    if app.editor.as_ref().is_none_or(|e| e.prompt || e.read_only) {
        return Vec::new();
    }
    let now = Instant::now();
    let mut actions = Vec::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let code = match c {
            '\r' if chars.peek() == Some(&'\n') => continue,
            '\r' | '\n' => KeyCode::Enter,
            '\t' => KeyCode::Char('\t'),
            c => KeyCode::Char(c),
        };
        actions.push(Action::EditKey(
            KeyEvent::new(code, KeyModifiers::NONE),
            now,
        ));
    }
    actions
}

fn next_action(app: &App, event: Event) -> Option<Action> {
    match event {
        Event::Key(key) => keymap::action_for(&key, app),
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => Some(Action::Wheel {
                column: m.column,
                row: m.row,
                down: m.kind == MouseEventKind::ScrollDown,
            }),
            MouseEventKind::Down(_) => Some(Action::Click {
                column: m.column,
                row: m.row,
            }),
            _ => None,
        },
        _ => None,
    }
}
