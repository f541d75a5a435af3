//! The terminal UI: step through a walkthrough in linked panes.
//!
//! An [`App`] holds the whole state and [`update`] is the only thing that changes it; the
//! [`keymap`] turns key presses into [`Action`]s and also generates the help overlay and the
//! key bar; one component per pane draws from the state (`panes/`); `terminal` is the thin
//! event loop. The TUI draws the engine's `Step`s and nothing else; the engine never imports it.

pub mod app;
pub mod background;
pub mod clipboard;
pub mod commands;
pub mod config;
pub mod cursor;
pub mod detail;
pub mod edit;
pub mod export;
pub mod help;
pub mod keymap;
pub mod layout;
pub mod lex;
pub mod locate;
pub mod palette;
pub mod panes;
pub mod pending;
pub mod picker;
pub mod prompt;
pub mod row_index;
pub mod search;
pub mod session;
pub mod state;
pub mod syntax;
pub mod tamper_menu;
pub mod terminal;
pub mod text_map;
pub mod theme;
pub mod theme_menu;
pub mod ui;
pub mod update;
pub mod widgets;

pub use app::{Action, App, Pane, UiOptions, update};
pub use palette::{ColorDepth, Palette};
pub use session::Session;
