//! The one keymap: every key the TUI answers to, where it works and what it says in the help
//! overlay and the key bar. Both are generated from this table, so they cannot drift from
//! what the keys do.

use std::time::Instant;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::app::{Action, App, Overlay, Pane, Screen};

/// Where a binding works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Everywhere.
    Always,
    /// On the pattern picker.
    Picker,
    /// On a walkthrough or capture, whatever the focus.
    Walk,
    /// On a walkthrough (not a capture).
    Played,
    /// On a walkthrough when one of these panes has focus.
    Focus(&'static [Pane]),
    /// While an overlay (help, detail) is open.
    Overlay,
    /// While a search query is being typed (other characters go into the query).
    SearchTyping,
    /// On a walkthrough with a search query, when the envelope has focus.
    SearchDone,
    /// When the envelope has focus and no search is open (`Enter` then selects what is
    /// under the cursor).
    UnderCursor,
    /// While the tamper menu is open.
    Menu,
    /// While the theme picker is open.
    Themes,
    /// While the envelope editor is open (other keys go into the text).
    Editing,
    /// At the editor's keep/discard question.
    EditPrompt,
    /// While a prompt (the export directory) is open: other characters go into it.
    Prompt,
    /// Only with the test hooks on; never listed.
    TestHook,
}

/// A key: its code and the modifiers that must be held (Shift is ignored for characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn key(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

/// One line of the keymap.
#[derive(Debug, Clone)]
pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    pub when: When,
    /// The key bar's word for it (`None`: listed in the help overlay only).
    pub bar: Option<&'static str>,
    pub help: &'static str,
}

const LISTS: &[Pane] = &[Pane::Layers, Pane::Keys, Pane::Checks];
const ENVELOPE: &[Pane] = &[Pane::Envelope];
const NARRATIVE: &[Pane] = &[Pane::Narrative];

/// The keymap, in the order the help overlay lists it.
pub const KEYMAP: &[Binding] = &[
    Binding {
        keys: &[key(KeyCode::Up), ch('k')],
        action: Action::Up,
        when: When::Picker,
        bar: Some("move"),
        help: "move up the list",
    },
    Binding {
        keys: &[key(KeyCode::Down), ch('j')],
        action: Action::Down,
        when: When::Picker,
        bar: None,
        help: "move down the list",
    },
    Binding {
        keys: &[key(KeyCode::Enter)],
        action: Action::Open,
        when: When::Picker,
        bar: Some("open"),
        help: "open the pattern, variant or tamper action",
    },
    Binding {
        keys: &[key(KeyCode::Right), ch('l'), ch('n')],
        action: Action::NextStep,
        when: When::Walk,
        bar: Some("next step"),
        help: "next step",
    },
    Binding {
        keys: &[key(KeyCode::Left), ch('h'), ch('p')],
        action: Action::PrevStep,
        when: When::Walk,
        bar: Some("prev"),
        help: "previous step",
    },
    Binding {
        keys: &[key(KeyCode::Home)],
        action: Action::FirstStep,
        when: When::Walk,
        bar: None,
        help: "first step",
    },
    Binding {
        keys: &[key(KeyCode::End)],
        action: Action::LastStep,
        when: When::Walk,
        bar: None,
        help: "last step",
    },
    Binding {
        keys: &[key(KeyCode::Tab)],
        action: Action::FocusNext,
        when: When::Walk,
        bar: Some("focus"),
        help: "focus the next pane",
    },
    Binding {
        keys: &[key(KeyCode::BackTab)],
        action: Action::FocusPrev,
        when: When::Walk,
        bar: None,
        help: "focus the previous pane",
    },
    Binding {
        keys: &[ch('1')],
        action: Action::Focus(Pane::Envelope),
        when: When::Walk,
        bar: None,
        help: "focus Envelope",
    },
    Binding {
        keys: &[ch('2')],
        action: Action::Focus(Pane::Layers),
        when: When::Walk,
        bar: None,
        help: "focus Layers",
    },
    Binding {
        keys: &[ch('3')],
        action: Action::Focus(Pane::Keys),
        when: When::Walk,
        bar: None,
        help: "focus Keys",
    },
    Binding {
        keys: &[ch('4')],
        action: Action::Focus(Pane::Narrative),
        when: When::Walk,
        bar: None,
        help: "focus Narrative",
    },
    Binding {
        keys: &[ch('5')],
        action: Action::Focus(Pane::Checks),
        when: When::Walk,
        bar: None,
        help: "focus Checks",
    },
    Binding {
        keys: &[key(KeyCode::Up), ch('k')],
        action: Action::Up,
        when: When::Focus(LISTS),
        bar: Some("select"),
        help: "select the previous item (its bytes light up in the envelope)",
    },
    Binding {
        keys: &[key(KeyCode::Down), ch('j')],
        action: Action::Down,
        when: When::Focus(LISTS),
        bar: None,
        help: "select the next item",
    },
    Binding {
        keys: &[key(KeyCode::Up), ch('k')],
        action: Action::Up,
        when: When::Focus(ENVELOPE),
        bar: Some("cursor"),
        help: "move the cursor up a line (Layers and Keys mark * what covers it)",
    },
    Binding {
        keys: &[key(KeyCode::Down), ch('j')],
        action: Action::Down,
        when: When::Focus(ENVELOPE),
        bar: None,
        help: "move the cursor down a line",
    },
    Binding {
        keys: &[key(KeyCode::Enter)],
        action: Action::Open,
        when: When::UnderCursor,
        // Left off the bar so `/ search` still fits at 120 columns; the help lists it.
        bar: None,
        help: "select the innermost layer, reference or token under the cursor",
    },
    Binding {
        keys: &[key(KeyCode::Up), ch('k')],
        action: Action::Up,
        when: When::Focus(NARRATIVE),
        bar: Some("scroll"),
        help: "scroll up a line",
    },
    Binding {
        keys: &[key(KeyCode::Down), ch('j')],
        action: Action::Down,
        when: When::Focus(NARRATIVE),
        bar: None,
        help: "scroll down a line",
    },
    Binding {
        keys: &[key(KeyCode::PageUp)],
        action: Action::PageUp,
        when: When::Walk,
        bar: None,
        help: "move the cursor, scroll or select a page up",
    },
    Binding {
        keys: &[key(KeyCode::PageDown)],
        action: Action::PageDown,
        when: When::Walk,
        bar: None,
        help: "move the cursor, scroll or select a page down",
    },
    Binding {
        keys: &[key(KeyCode::Enter)],
        action: Action::Open,
        when: When::Focus(LISTS),
        bar: Some("detail"),
        help: "detail of the selected layer, reference, key or check",
    },
    Binding {
        keys: &[ch('r')],
        action: Action::ToggleReveal,
        when: When::Focus(&[Pane::Keys]),
        bar: Some("reveal"),
        help: "reveal or mask key values",
    },
    Binding {
        keys: &[ch('t')],
        action: Action::OpenTamperMenu,
        when: When::Played,
        bar: Some("tamper"),
        help: "tamper menu: replay the walk with an attack, at the receiver's step",
    },
    Binding {
        keys: &[key(KeyCode::Enter)],
        action: Action::Open,
        when: When::Menu,
        bar: Some("replay"),
        help: "replay the walk with the chosen attack",
    },
    Binding {
        keys: &[ch('e')],
        action: Action::EditStart,
        when: When::Walk,
        bar: Some("edit"),
        help: "edit the envelope (the receiver re-verifies it as you pause)",
    },
    Binding {
        keys: &[ctrl('s')],
        action: Action::EditApply,
        when: When::Editing,
        bar: Some("re-verify"),
        help: "re-verify the edited envelope now",
    },
    Binding {
        keys: &[key(KeyCode::Esc)],
        action: Action::EditLeave,
        when: When::Editing,
        bar: Some("leave"),
        help: "leave the editor (asks to keep or discard a change)",
    },
    Binding {
        keys: &[ch('k')],
        action: Action::EditKeep,
        when: When::EditPrompt,
        bar: Some("keep"),
        help: "keep the edit as the step's message",
    },
    Binding {
        keys: &[ch('d')],
        action: Action::EditDiscard,
        when: When::EditPrompt,
        bar: Some("discard"),
        help: "discard the edit",
    },
    Binding {
        keys: &[key(KeyCode::Esc)],
        action: Action::EditResume,
        when: When::EditPrompt,
        bar: Some("back to the edit"),
        help: "go back to editing",
    },
    Binding {
        keys: &[ch('v')],
        action: Action::ToggleProcessed,
        when: When::Walk,
        bar: Some("view"),
        help: "Envelope: the received bytes or the processed (decrypted) view",
    },
    Binding {
        keys: &[ch('y')],
        action: Action::Copy,
        when: When::Walk,
        bar: None,
        help: "copy the selected item's bytes, or a revealed key, to the clipboard (OSC 52)",
    },
    Binding {
        keys: &[ch('Y')],
        action: Action::CopyDigest,
        when: When::Walk,
        bar: None,
        help: "copy the SHA-256 (hex) of what y would copy; the status line says what",
    },
    Binding {
        keys: &[ch('x')],
        action: Action::ExportStart,
        when: When::Walk,
        bar: Some("export"),
        help: "export the messages as annotated XML (asks for a directory)",
    },
    Binding {
        keys: &[key(KeyCode::Enter)],
        action: Action::PromptSubmit,
        when: When::Prompt,
        bar: Some("go"),
        help: "do what the prompt asks (write the export, open the capture)",
    },
    Binding {
        keys: &[key(KeyCode::Backspace)],
        action: Action::PromptBackspace,
        when: When::Prompt,
        bar: None,
        help: "delete the last character",
    },
    Binding {
        keys: &[ctrl('u')],
        action: Action::PromptClear,
        when: When::Prompt,
        bar: Some("clear"),
        help: "clear the line",
    },
    Binding {
        keys: &[key(KeyCode::Esc)],
        action: Action::Back,
        when: When::Prompt,
        bar: Some("cancel"),
        help: "cancel",
    },
    Binding {
        keys: &[ch('z')],
        action: Action::ToggleMaximize,
        when: When::Walk,
        // Listed in the help only: the bar is full at 120 columns.
        bar: None,
        help: "maximize the focused pane (again to restore)",
    },
    Binding {
        keys: &[ch('/')],
        action: Action::SearchStart,
        when: When::Walk,
        bar: Some("search"),
        help: "search the envelope (type, Enter finds, Enter again the next match)",
    },
    Binding {
        keys: &[key(KeyCode::Enter)],
        action: Action::SearchNext,
        when: When::SearchTyping,
        bar: Some("find"),
        help: "find the query in the envelope",
    },
    Binding {
        keys: &[key(KeyCode::Backspace)],
        action: Action::SearchBackspace,
        when: When::SearchTyping,
        bar: None,
        help: "delete the last character of the query",
    },
    Binding {
        keys: &[key(KeyCode::Esc)],
        action: Action::SearchCancel,
        when: When::SearchTyping,
        bar: Some("cancel"),
        help: "drop the search",
    },
    Binding {
        keys: &[key(KeyCode::Enter)],
        action: Action::SearchNext,
        when: When::SearchDone,
        bar: Some("next match"),
        help: "next match of the search",
    },
    Binding {
        keys: &[key(KeyCode::Up), ch('k')],
        action: Action::Up,
        when: When::Overlay,
        bar: Some("scroll"),
        help: "scroll the overlay",
    },
    Binding {
        keys: &[key(KeyCode::Down), ch('j')],
        action: Action::Down,
        when: When::Overlay,
        bar: None,
        help: "scroll the overlay",
    },
    Binding {
        keys: &[key(KeyCode::PageUp)],
        action: Action::PageUp,
        when: When::Overlay,
        bar: None,
        help: "scroll the overlay a page",
    },
    Binding {
        keys: &[key(KeyCode::PageDown)],
        action: Action::PageDown,
        when: When::Overlay,
        bar: None,
        help: "scroll the overlay a page",
    },
    Binding {
        keys: &[key(KeyCode::Esc)],
        action: Action::Back,
        when: When::Always,
        bar: Some("back"),
        help: "close the overlay, restore a maximized pane, or go back to the patterns",
    },
    Binding {
        keys: &[ch('o')],
        action: Action::OpenStart,
        when: When::Always,
        bar: None,
        help: "open captured messages and keys (the last capture opened is offered)",
    },
    Binding {
        keys: &[ch('T')],
        action: Action::ThemeMenu,
        when: When::Always,
        bar: None,
        help: "theme picker: the built-in themes and those in <config dir>/themes/",
    },
    Binding {
        keys: &[key(KeyCode::Enter)],
        action: Action::Open,
        when: When::Themes,
        bar: Some("use"),
        help: "draw with the chosen theme",
    },
    Binding {
        keys: &[ch('m')],
        action: Action::ToggleMouse,
        when: When::Always,
        bar: None,
        help: "mouse on or off (off: the terminal's own selection works)",
    },
    Binding {
        keys: &[ctrl('z')],
        action: Action::Suspend,
        when: When::Always,
        bar: None,
        help: "suspend to the shell (the terminal is restored; fg comes back)",
    },
    Binding {
        keys: &[ch('?'), key(KeyCode::F(1))],
        action: Action::ToggleHelp,
        when: When::Always,
        bar: Some("help"),
        help: "show or hide this help",
    },
    Binding {
        keys: &[ch('q'), ctrl('c')],
        action: Action::Quit,
        when: When::Always,
        bar: Some("quit"),
        help: "quit (the terminal is restored)",
    },
    Binding {
        keys: &[key(KeyCode::F(12))],
        action: Action::TestPanic,
        when: When::TestHook,
        bar: None,
        help: "",
    },
];

fn typing(app: &App) -> bool {
    app.screen == Screen::Walk && app.search.as_ref().is_some_and(|s| s.editing)
}

/// Whether `binding` works in the app's current state. While a query is typed only the
/// search's own keys (and Ctrl-C, Ctrl-Z) work.
pub fn applies(binding: &Binding, app: &App) -> bool {
    if let Some(when) = exclusive_keys(app) {
        return binding.when == when;
    }
    let overlay = app.overlay.is_some();
    let walk = !overlay && app.screen == Screen::Walk;
    if typing(app) && !overlay {
        return binding.when == When::SearchTyping || works_while_typing(binding);
    }
    match binding.when {
        When::Always => true,
        When::Picker => !overlay && app.screen == Screen::Picker,
        When::Walk => walk,
        When::Played => {
            walk && app
                .session
                .as_ref()
                .is_some_and(|s| s.walk_origin().is_some())
        }
        When::Focus(panes) => walk && panes.contains(&app.focus),
        When::Overlay => overlay,
        When::Menu => matches!(app.overlay, Some(Overlay::Tamper { .. })),
        When::Themes => matches!(app.overlay, Some(Overlay::Themes { .. })),
        When::SearchTyping => false,
        When::UnderCursor => walk && app.focus == Pane::Envelope && app.search.is_none(),
        When::SearchDone => {
            walk && app.focus == Pane::Envelope && app.search.as_ref().is_some_and(|s| !s.editing)
        }
        When::Editing | When::EditPrompt | When::Prompt => false,
        When::TestHook => app.options.test_hooks,
    }
}

/// Quitting (Ctrl-C) and suspending (Ctrl-Z) work even while text is typed: in a search, a
/// prompt or the editor (their control keys only; a typed `q` is text there).
fn works_while_typing(binding: &Binding) -> bool {
    binding.when == When::Always && matches!(binding.action, Action::Quit | Action::Suspend)
}

/// While the editor or a prompt is open, the only bindings that apply (its own).
fn exclusive_keys(app: &App) -> Option<When> {
    if matches!(app.overlay, Some(Overlay::Prompt(_))) {
        return Some(When::Prompt);
    }
    let editor = app.editor.as_ref().filter(|_| app.screen == Screen::Walk)?;
    Some(if editor.prompt {
        When::EditPrompt
    } else {
        When::Editing
    })
}

fn matches(k: Key, event: &KeyEvent) -> bool {
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    let same_code = match (k.code, event.code) {
        (KeyCode::Char(a), KeyCode::Char(b)) => a == b || (k.ctrl && a.eq_ignore_ascii_case(&b)),
        (a, b) => a == b,
    };
    same_code && k.ctrl == ctrl
}

/// The action a key press asks for here, if any. Releases and repeats are ignored.
pub fn action_for(event: &KeyEvent, app: &App) -> Option<Action> {
    if event.kind != KeyEventKind::Press {
        return None;
    }
    if let Some(when) = exclusive_keys(app) {
        let own = KEYMAP
            .iter()
            .filter(|b| b.when == when)
            .find(|b| b.keys.iter().any(|k| matches(*k, event)));
        if let Some(b) = own {
            return Some(b.action.clone());
        }
        let anywhere = KEYMAP
            .iter()
            .filter(|b| works_while_typing(b))
            .find(|b| b.keys.iter().any(|k| k.ctrl && matches(*k, event)));
        if let Some(b) = anywhere {
            return Some(b.action.clone());
        }
        return match (when, event.code) {
            (When::Editing, _) => Some(Action::EditKey(*event, Instant::now())),
            (When::Prompt, KeyCode::Char(c))
                if !event.modifiers.contains(KeyModifiers::CONTROL) =>
            {
                Some(Action::PromptInput(c))
            }
            _ => None,
        };
    }
    if typing(app)
        && app.overlay.is_none()
        && let KeyCode::Char(c) = event.code
        && !event.modifiers.contains(KeyModifiers::CONTROL)
    {
        return Some(Action::SearchInput(c));
    }
    KEYMAP
        .iter()
        .filter(|b| applies(b, app))
        .find(|b| b.keys.iter().any(|k| matches(*k, event)))
        .map(|b| b.action.clone())
}

/// How a key is written in the help and the key bar.
pub fn key_name(k: Key, ascii: bool) -> String {
    let name = match k.code {
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Up if !ascii => "↑".into(),
        KeyCode::Down if !ascii => "↓".into(),
        KeyCode::Left if !ascii => "←".into(),
        KeyCode::Right if !ascii => "→".into(),
        KeyCode::Up => "Up".into(),
        KeyCode::Down => "Down".into(),
        KeyCode::Left => "Left".into(),
        KeyCode::Right => "Right".into(),
        KeyCode::BackTab => "S-Tab".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::F(n) => format!("F{n}"),
        other => format!("{other}"),
    };
    if k.ctrl { format!("C-{name}") } else { name }
}

/// The keys of a binding as one label (`→/l/n`).
pub fn keys_label(b: &Binding, ascii: bool) -> String {
    b.keys
        .iter()
        .map(|k| key_name(*k, ascii))
        .collect::<Vec<_>>()
        .join("/")
}

/// The key bar's entries here: (first key, word); the keys that work everywhere come first so
/// a narrow terminal still shows help and quit.
pub fn bar(app: &App) -> Vec<(String, &'static str)> {
    let mut bindings: Vec<&Binding> = KEYMAP.iter().filter(|b| applies(b, app)).collect();
    bindings.sort_by_key(|b| b.when != When::Always);
    bindings
        .into_iter()
        .filter_map(|b| {
            b.bar
                .map(|word| (key_name(b.keys[0], app.options.ascii), word))
        })
        .collect()
}

/// The help overlay's lines: (keys, what they do, where), every listed binding once.
pub fn help_lines(ascii: bool) -> Vec<(String, &'static str, &'static str)> {
    KEYMAP
        .iter()
        .filter(|b| b.when != When::TestHook)
        .map(|b| {
            let place = match b.when {
                When::Always => "anywhere",
                When::Picker => "patterns",
                When::Walk => "walkthrough",
                When::Played => "walkthrough",
                When::Focus(p) if p == LISTS => "Layers/Keys/Checks",
                When::Focus(p) if p == ENVELOPE => "Envelope",
                When::Focus(p) if p == NARRATIVE => "Narrative",
                When::Focus(_) => "Keys",
                When::Overlay => "overlays",
                When::Menu => "tamper menu",
                When::Themes => "theme picker",
                When::SearchTyping => "typing a search",
                When::SearchDone => "Envelope, after a search",
                When::UnderCursor => "Envelope",
                When::Editing => "editor",
                When::EditPrompt => "leaving the editor",
                When::Prompt => "a prompt (x, o)",
                When::TestHook => "",
            };
            (keys_label(b, ascii), b.help, place)
        })
        .collect()
}
