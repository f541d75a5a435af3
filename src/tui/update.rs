//! The one function that changes the TUI's state.
//!
//! `update` is pure: it takes an [`Action`] (from the keymap, a resize, the mouse, the clock)
//! and changes the [`App`]; drawing reads the App and nothing else. So every behaviour can be
//! tested without a terminal.

use super::app::{Action, App, Overlay, Screen};
use super::clipboard;
use super::edit;
use super::picker;
use super::prompt::{Prompt, PromptKind};
use super::{export, layout, tamper_menu, theme};

/// Applies `action` to `app`.
pub fn update(app: &mut App, action: Action) {
    // A status message stands until the next thing the user does.
    if !matches!(
        action,
        Action::Tick(_) | Action::Resize(..) | Action::Arrived(_)
    ) {
        app.status = None;
    }
    match action {
        Action::Quit => app.quit = true,
        Action::Arrived(arrival) => app.receive_arrival(arrival),
        Action::Resize(w, h) => {
            app.size = (w, h);
            app.reveal_in_envelope();
        }
        Action::ToggleHelp => {
            app.overlay = match app.overlay {
                Some(Overlay::Help { .. }) => None,
                _ => Some(Overlay::Help { scroll: 0 }),
            }
        }
        Action::Back => app.back(),
        Action::Suspend => app.suspend = true,
        Action::OpenStart if app.overlay.is_none() => app.start_open(),
        Action::ThemeMenu if app.overlay.is_none() => {
            app.overlay = Some(Overlay::Themes {
                names: theme::names(),
                selected: 0,
            });
        }
        Action::ToggleMouse => {
            app.mouse = !app.mouse;
            app.say(if app.mouse {
                "Mouse on: a click focuses a pane, the wheel scrolls.".to_string()
            } else {
                "Mouse off: the terminal's own selection works.".to_string()
            });
        }
        Action::TestPanic => panic!("test-only panic inside the TUI loop"),
        Action::EditKey(..)
        | Action::EditApply
        | Action::EditLeave
        | Action::EditKeep
        | Action::EditDiscard
        | Action::EditResume
        | Action::Tick(_) => edit::update(app, action),
        Action::EditStart if app.screen == Screen::Walk && app.shown_pending() => app.complain(
            "This message is still being processed: edit it when its checks are in.".to_string(),
        ),
        Action::EditStart if app.screen == Screen::Walk => edit::update(app, action),
        Action::PromptInput(_)
        | Action::PromptBackspace
        | Action::PromptClear
        | Action::PromptSubmit => app.prompt_update(action),
        Action::Wheel { column, row, down } => app.wheel(column, row, down),
        _ if app.overlay.is_some() => match action {
            Action::Up => app.scroll_overlay(-1),
            Action::Down => app.scroll_overlay(1),
            Action::PageUp => app.scroll_overlay(-10),
            Action::PageDown => app.scroll_overlay(10),
            Action::Open => app.choose_in_menu(),
            _ => {}
        },
        _ if app.screen == Screen::Picker => match action {
            Action::Up => app.move_picker(-1),
            Action::Down => app.move_picker(1),
            Action::PageUp => app.move_picker(-10),
            Action::PageDown => app.move_picker(10),
            Action::FirstStep => app.picker.selected = 0,
            Action::LastStep => app.picker.selected = picker::entries().len() - 1,
            Action::Open => app.open_selected(),
            _ => {}
        },
        _ => update_walk(app, action),
    }
}

fn update_walk(app: &mut App, action: Action) {
    match action {
        Action::SearchStart
        | Action::SearchInput(_)
        | Action::SearchBackspace
        | Action::SearchNext
        | Action::SearchCancel => app.search_update(action),
        Action::NextStep => app.go_to_step(app.step + 1),
        Action::PrevStep => app.go_to_step(app.step.saturating_sub(1)),
        Action::FirstStep => app.go_to_step(0),
        Action::LastStep => app.go_to_step(app.step_count().saturating_sub(1)),
        Action::FocusNext => app.set_focus(app.focus.offset(1)),
        Action::FocusPrev => app.set_focus(app.focus.offset(-1)),
        Action::Focus(p) => app.set_focus(p),
        Action::Up => app.move_by(-1),
        Action::Down => app.move_by(1),
        Action::PageUp => app.move_by(-(app.page() as isize)),
        Action::PageDown => app.move_by(app.page() as isize),
        Action::Open => app.open_selected(),
        Action::ToggleMaximize => {
            app.maximized = !app.maximized;
            app.clamp_envelope_scroll();
        }
        Action::ToggleReveal => app.reveal = !app.reveal,
        Action::ToggleProcessed => app.toggle_processed(),
        Action::Copy => match clipboard::selection(app) {
            Ok(text) if text.len() > clipboard::MAX_COPY => app.complain(format!(
                "Not copied: {} bytes is more than a terminal takes at once ({}).",
                text.len(),
                clipboard::MAX_COPY
            )),
            Ok(text) => {
                app.say(format!(
                    "Copied {} bytes to the clipboard (OSC 52).",
                    text.len()
                ));
                app.clipboard = Some(text);
            }
            Err(why) => app.complain(why),
        },
        Action::CopyDigest => match clipboard::digest_selection(app) {
            Ok((digest, words)) => {
                app.say(words);
                app.clipboard = Some(digest);
            }
            Err(why) => app.complain(why),
        },
        Action::ExportStart => {
            if let Some(session) = &app.session {
                app.overlay = Some(Overlay::Prompt(Prompt {
                    kind: PromptKind::Export,
                    text: export::default_dir(session),
                }));
            }
        }
        Action::OpenTamperMenu
            if app
                .session
                .as_ref()
                .is_some_and(|s| s.walk_origin().is_some()) =>
        {
            // The open attack, or else the first one.
            let selected = app.session.as_ref().map_or(0, |s| {
                let rows = tamper_menu::rows(s);
                s.walk_origin()
                    .and_then(|o| o.tamper)
                    .and_then(|open| rows.iter().position(|t| *t == Some(open)))
                    .unwrap_or(0)
            });
            app.overlay = Some(Overlay::Tamper { selected });
        }
        Action::Click { column, row } => {
            if let Some(p) = layout::pane_at(app, column, row) {
                app.set_focus(p);
            }
        }
        _ => {}
    }
}
