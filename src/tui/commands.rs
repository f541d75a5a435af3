//! What the prompts and menus do when the user confirms them, and the status line they
//! answer in: open captures (`o`), export (`x`), choose a theme (`T`) or an attack (`t`), and
//! what the state dir remembers between runs.

use super::app::{Action, App, Overlay};
use super::export;
use super::picker;
use super::prompt::{Prompt, PromptKind};
use super::state;

impl App {
    /// Shows `text` in the status line as news (not a problem).
    pub fn say(&mut self, text: String) {
        self.status = Some(text);
        self.status_is_problem = false;
    }

    /// Shows `text` in the status line as a problem.
    pub fn complain(&mut self, text: String) {
        self.status = Some(text);
        self.status_is_problem = true;
    }

    pub(super) fn prompt_update(&mut self, action: Action) {
        let Some(Overlay::Prompt(prompt)) = &mut self.overlay else {
            return;
        };
        match action {
            Action::PromptInput(c) => prompt.text.push(c),
            Action::PromptBackspace => {
                prompt.text.pop();
            }
            Action::PromptClear => prompt.text.clear(),
            Action::PromptSubmit => {
                let (kind, text) = (prompt.kind, prompt.text.clone());
                self.overlay = None;
                self.submit(kind, &text);
            }
            _ => {}
        }
    }

    pub(super) fn submit(&mut self, kind: PromptKind, text: &str) {
        match kind {
            PromptKind::Open => self.open_line(text),
            PromptKind::Export => {
                let Some(session) = &self.session else { return };
                match export::export(session, text, self.reveal) {
                    Ok(news) => self.say(news),
                    Err(problem) => self.complain(problem),
                }
            }
        }
    }

    /// Opens the captures `line` names (the `o` prompt) and remembers it in the state dir.
    fn open_line(&mut self, line: &str) {
        let Some(opener) = self.opener else {
            self.complain("Opening files is not available here.".to_string());
            return;
        };
        match opener(line) {
            Ok(session) => {
                let name = session.short_name();
                self.open(session, 0);
                let remembered = if self.remember_state {
                    state::remember_capture(line)
                } else {
                    Ok(())
                };
                match remembered {
                    Ok(()) => self.say(format!("Opened {name}.")),
                    Err(e) => self.say(format!("Opened {name} (not remembered: {e}).")),
                }
            }
            Err(why) => self.complain(why),
        }
    }

    /// Puts the picker on the entry opened last time (remembered in the state dir).
    pub fn select_last_pattern(&mut self) {
        if !self.remember_state {
            return;
        }
        if let Some(i) = state::last_pattern().and_then(|k| picker::position_of(&k)) {
            self.picker.selected = i;
        }
    }

    /// `o`: the prompt, offering the capture opened last.
    pub(super) fn start_open(&mut self) {
        let last = if self.remember_state {
            state::recent_captures().into_iter().next()
        } else {
            None
        };
        self.overlay = Some(Overlay::Prompt(Prompt {
            kind: PromptKind::Open,
            text: last.unwrap_or_default(),
        }));
    }

    /// Enter in a menu: the tamper menu replays, the theme picker asks for the theme.
    pub(super) fn choose_in_menu(&mut self) {
        if let Some(Overlay::Themes { names, selected }) = &self.overlay {
            if let Some(name) = names.get(*selected) {
                self.theme_request = Some(name.clone());
                self.say(format!(
                    "Theme {} (--theme or config.toml keeps it).",
                    crate::safe_text::one_line(name)
                ));
            }
            self.overlay = None;
            return;
        }
        self.choose_tamper();
    }
}
