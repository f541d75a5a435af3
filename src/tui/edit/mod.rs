//! `e`: edit the current step's envelope and watch the receiver re-verify it.
//!
//! The editor holds the exact text (line endings are kept beside the `TextArea`, which strips
//! them, and put back when the edit is processed). After a pause in typing ([`DEBOUNCE`]) and
//! on Ctrl-S the edited bytes go through [`reverify`]; the Layers and Checks panes then draw
//! the result, with the checks that flipped marked in words. Time is an input: key presses
//! carry their instant and [`Action::Tick`](super::Action::Tick) says what time it is, so the
//! debounce is tested without sleeping.

pub mod draw;
pub mod reverify;

use std::time::{Duration, Instant};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Modifier, Style};
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

use super::app::{Action, App};
use reverify::{Reverified, ReverifyError};

/// How long typing must pause before the edit is processed.
pub const DEBOUNCE: Duration = Duration::from_millis(300);

/// Messages longer than this open read-only (the editor's line model and a full re-run per
/// pause would make typing lag).
pub const READ_ONLY_ABOVE: usize = 1 << 20;

/// The editor on one step's envelope.
#[derive(Debug)]
pub struct Editor {
    /// The step whose envelope is edited.
    pub step: usize,
    pub textarea: TextArea<'static>,
    /// The line ending after each original line, to put back what the TextArea strips.
    endings: Vec<&'static str>,
    /// The ending for lines the edit added.
    usual_ending: &'static str,
    /// Over [`READ_ONLY_ABOVE`]: the cursor moves, the text does not change.
    pub read_only: bool,
    /// When the last unprocessed change was typed.
    pub pending_since: Option<Instant>,
    /// The last edit that was processed.
    pub result: Option<Reverified>,
    /// Why the current text could not be processed (shown in the editor).
    pub problem: Option<ReverifyError>,
    /// Esc was pressed: keep or discard?
    pub prompt: bool,
    original: String,
}

/// Splits `text` into lines without their endings, and the ending after each line.
fn split_lines(text: &str) -> (Vec<String>, Vec<&'static str>) {
    let mut lines = Vec::new();
    let mut endings = Vec::new();
    let mut parts = text.split('\n').peekable();
    while let Some(part) = parts.next() {
        let last = parts.peek().is_none();
        match part.strip_suffix('\r') {
            Some(line) if !last => {
                lines.push(line.to_string());
                endings.push("\r\n");
            }
            _ => {
                lines.push(part.to_string());
                if !last {
                    endings.push("\n");
                }
            }
        }
    }
    (lines, endings)
}

impl Editor {
    /// An editor on `text` (step `step`), with the cursor at byte `cursor`.
    pub fn new(step: usize, text: &str, cursor: usize) -> Editor {
        let (lines, endings) = split_lines(text);
        let crlf = endings.iter().filter(|e| **e == "\r\n").count();
        let usual_ending = if crlf * 2 > endings.len() {
            "\r\n"
        } else {
            "\n"
        };
        let mut textarea = TextArea::new(lines);
        textarea.set_line_number_style(Style::new().add_modifier(Modifier::DIM));
        textarea.set_cursor_line_style(Style::new());
        // Display only: long single-line messages wrap, the text keeps its lines.
        textarea.set_wrap_mode(WrapMode::Glyph);
        let before = &text[..floor_char_boundary(text, cursor)];
        let row = before.matches('\n').count();
        let column = before
            .rsplit('\n')
            .next()
            .map_or(0, |l| l.trim_end_matches('\r').chars().count());
        textarea.move_cursor(CursorMove::Jump(
            row.min(u16::MAX as usize) as u16,
            column.min(u16::MAX as usize) as u16,
        ));
        Editor {
            step,
            textarea,
            endings,
            usual_ending,
            read_only: text.len() > READ_ONLY_ABOVE,
            pending_since: None,
            result: None,
            problem: None,
            prompt: false,
            original: text.to_string(),
        }
    }

    /// The edited text, with the original line endings put back.
    pub fn text(&self) -> String {
        let lines = self.textarea.lines();
        let mut out = String::with_capacity(self.original.len() + 16);
        for (i, line) in lines.iter().enumerate() {
            out.push_str(line);
            if i + 1 < lines.len() {
                out.push_str(self.endings.get(i).copied().unwrap_or(self.usual_ending));
            }
        }
        out
    }

    pub fn changed(&self) -> bool {
        self.text() != self.original
    }

    /// The instant the pending change is processed, if one is pending.
    pub fn deadline(&self) -> Option<Instant> {
        self.pending_since.map(|t| t + DEBOUNCE)
    }
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Keys that move the cursor without changing the text (all a read-only editor takes).
fn moves_only(key: &KeyEvent) -> bool {
    !key.modifiers.contains(KeyModifiers::ALT)
        && matches!(
            key.code,
            KeyCode::Up
                | KeyCode::Down
                | KeyCode::Left
                | KeyCode::Right
                | KeyCode::PageUp
                | KeyCode::PageDown
                | KeyCode::Home
                | KeyCode::End
        )
}

/// Opens the editor on the current step, or says in the status line why it cannot.
pub fn start(app: &mut App) {
    let Some(session) = &app.session else { return };
    if let Err(e) = reverify::editable(session, app.step) {
        app.status = Some(format!("Cannot edit: {e}."));
        return;
    }
    let Some(envelope) = &session.steps[app.step].snapshot.envelope else {
        return;
    };
    // The cursor opens at the search match, else the selected item's bytes, else the top of
    // what the envelope pane showed.
    let matched = app.search.as_ref().and_then(|s| s.current).and_then(|i| {
        let found = app.search_matches();
        found.get(i).map(|s| s.start as usize)
    });
    let cursor = matched
        .or_else(|| app.highlighted_spans().first().map(|s| s.start as usize))
        .or_else(|| app.envelope_row_start(app.envelope_scroll))
        .unwrap_or(0);
    let editor = Editor::new(app.step, &envelope.text, cursor);
    app.status = editor.read_only.then(|| {
        format!(
            "Read-only: the message is {} bytes, over the editor's limit of {READ_ONLY_ABOVE} (1 MB).",
            envelope.text.len()
        )
    });
    app.overlay = None;
    app.editor = Some(Box::new(editor));
}

/// Processes the editor's text now.
fn process(app: &mut App) {
    let (Some(session), Some(editor)) = (&app.session, &mut app.editor) else {
        return;
    };
    editor.pending_since = None;
    match reverify::reverify(session, editor.step, &editor.text()) {
        Ok(result) => {
            editor.problem = None;
            editor.result = Some(result);
        }
        Err(e) => editor.problem = Some(e),
    }
    app.clamp_lists();
}

/// Keeps the edit: the step becomes the edited one (marked so in its title).
fn keep(app: &mut App) {
    process(app);
    let (Some(session), Some(editor)) = (&mut app.session, &mut app.editor) else {
        return;
    };
    if let Some(problem) = &editor.problem {
        app.status = Some(format!(
            "Cannot keep an edit that does not parse ({problem})."
        ));
        editor.prompt = false;
        return;
    }
    let step = editor.step;
    if let Some(result) = editor.result.take() {
        let mut edited = result.step;
        edited.title.push_str(" (edited)");
        session.keep_edit(step, edited);
        app.status = Some(format!("Kept the edit of step {}.", step + 1));
    }
    app.editor = None;
    app.clamp_lists();
}

/// Applies an editor action.
pub fn update(app: &mut App, action: Action) {
    let Some(editor) = &mut app.editor else {
        if action == Action::EditStart {
            start(app);
        }
        return;
    };
    match action {
        Action::EditKey(key, at) if !editor.prompt => {
            if editor.read_only {
                if moves_only(&key) {
                    editor.textarea.input(key);
                }
            } else if editor.textarea.input(key) {
                editor.pending_since = Some(at);
            }
        }
        Action::Tick(now) if editor.deadline().is_some_and(|d| now >= d) => process(app),
        Action::EditApply if !editor.read_only => process(app),
        Action::EditLeave if editor.changed() => editor.prompt = true,
        Action::EditLeave | Action::EditDiscard => {
            app.editor = None;
            app.clamp_lists();
        }
        Action::EditResume => editor.prompt = false,
        Action::EditKeep => keep(app),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_comes_back_byte_for_byte_with_its_line_endings() {
        for text in [
            "<a>\r\n<b/>\r\n</a>\r\n",
            "<a>\n<b/>\n</a>",
            "<a>\r\n<b/>\n</a>\n",
            "",
            "<a/>",
        ] {
            let editor = Editor::new(0, text, 0);
            assert_eq!(editor.text(), text);
            assert!(!editor.changed());
        }
    }

    #[test]
    fn the_cursor_opens_at_the_byte_asked_for() {
        let text = "<a>\r\n  <b/>\r\n</a>";
        let editor = Editor::new(0, text, text.find("<b").unwrap());
        let cursor = editor.textarea.cursor();
        assert_eq!((cursor.0, cursor.1), (1, 2));
    }
}
