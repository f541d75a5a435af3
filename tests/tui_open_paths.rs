//! `o` takes paths with spaces, quoted or backslash-escaped, as a shell would; an unclosed
//! quote is a one-line complaint and opens nothing.

use wskex::tui::app::Screen;
use wskex::tui::{Action, App, UiOptions, update};

fn open(app: &mut App, line: &str) {
    update(app, Action::OpenStart);
    update(app, Action::PromptClear);
    for c in line.chars() {
        update(app, Action::PromptInput(c));
    }
    update(app, Action::PromptSubmit);
}

/// A copy of the direct walkthrough's capture in a directory whose name has a space.
fn spaced_capture() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("my captures");
    std::fs::create_dir(&target).unwrap();
    for entry in std::fs::read_dir("samples/direct/default").unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), target.join(entry.file_name())).unwrap();
        }
    }
    let path = target.to_str().unwrap().to_string();
    (dir, path)
}

fn app() -> App {
    let mut app = App::new(UiOptions::default());
    app.opener = Some(wskex::cli::tui::open_line);
    app
}

#[test]
fn a_quoted_path_with_a_space_opens() {
    let (_dir, path) = spaced_capture();
    let mut app = app();
    open(&mut app, &format!("\"{path}\" --transport-secured"));
    assert!(!app.status_is_problem, "{:?}", app.status);
    assert_eq!(app.screen, Screen::Walk);
    let session = app.session.as_ref().unwrap();
    assert!(
        session.short_name().contains("my captures"),
        "{}",
        session.short_name()
    );
    assert!(session.len() > 1);
}

#[test]
fn a_backslash_escaped_space_opens() {
    let (_dir, path) = spaced_capture();
    let mut app = app();
    open(&mut app, &path.replace(' ', "\\ "));
    assert!(!app.status_is_problem, "{:?}", app.status);
    assert_eq!(app.screen, Screen::Walk);
    assert!(
        app.session
            .as_ref()
            .unwrap()
            .short_name()
            .contains("my captures")
    );
}

#[test]
fn an_unclosed_quote_says_so_and_opens_nothing() {
    let (_dir, path) = spaced_capture();
    let mut app = app();
    open(&mut app, &format!("\"{path}"));
    assert!(app.status_is_problem);
    let status = app.status.clone().unwrap();
    assert!(status.contains("quote"), "{status}");
    assert_eq!(app.screen, Screen::Picker);
    // Unquoted, the path is two words, neither of which exists.
    open(&mut app, &path);
    assert!(app.status_is_problem);
    assert_eq!(app.screen, Screen::Picker);
}
