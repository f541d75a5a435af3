//! `T`: the theme picker lists the built-in themes and the user's `<config dir>/themes/`;
//! Enter asks the event loop to draw with the chosen one. One test: it sets WSKEX_CONFIG_DIR.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use wskex::tui::app::Overlay;
use wskex::tui::theme::{self, ColorMode};
use wskex::tui::{Action, App, Palette, Session, UiOptions, keymap, ui, update};

#[test]
fn the_theme_picker_offers_built_in_and_user_themes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("themes")).unwrap();
    std::fs::copy(
        "themes/wskex-dark.tmTheme",
        dir.path().join("themes/mine.tmTheme"),
    )
    .unwrap();
    std::fs::write(dir.path().join("themes/notes.txt"), "not a theme").unwrap();
    // SAFETY: the only test in this binary.
    unsafe { std::env::set_var("WSKEX_CONFIG_DIR", dir.path()) };

    let session = Session::walk("direct", None, 1, None).unwrap();
    let mut app = App::with_session(UiOptions::default(), session);
    let t = KeyEvent::new(KeyCode::Char('T'), KeyModifiers::SHIFT);
    assert_eq!(keymap::action_for(&t, &app), Some(Action::ThemeMenu));
    update(&mut app, Action::ThemeMenu);
    let Some(Overlay::Themes { names, .. }) = &app.overlay else {
        panic!("no theme picker: {:?}", app.overlay)
    };
    assert_eq!(names, &["ansi", "dark", "light", "mine"]);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal
        .draw(|f| ui::draw(f, &app, &Palette::monochrome()))
        .unwrap();
    let screen = terminal.backend().to_string();
    assert!(screen.contains("Theme (Enter uses it"), "{screen}");
    assert!(screen.contains("mine"), "{screen}");
    for _ in 0..5 {
        update(&mut app, Action::Down);
    }
    let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(keymap::action_for(&enter, &app), Some(Action::Open));
    update(&mut app, Action::Open);
    assert!(app.overlay.is_none());
    assert_eq!(app.theme_request.as_deref(), Some("mine"));
    assert!(app.status.clone().unwrap().contains("Theme mine"));
    // What the event loop does with it.
    assert!(theme::palette(Some("mine"), ColorMode::Truecolor).is_ok());
}
