//! `y` copies the selected item (its bytes, or a revealed key) for the terminal's clipboard
//! (OSC 52); a masked key copies nothing and says so. `m` switches the mouse.

use wskex::tui::clipboard::{self, MAX_COPY};
use wskex::tui::{Action, App, Pane, Session, UiOptions, update};

fn walk() -> App {
    let session = Session::walk("direct", None, 1, None).unwrap();
    let mut app = App::with_session(UiOptions::default(), session);
    update(&mut app, Action::Resize(120, 40));
    app
}

#[test]
fn y_copies_the_selected_layers_bytes() {
    let mut app = walk();
    let receiver = app.session.as_ref().unwrap().receiver_step();
    app.open_at(receiver);
    update(&mut app, Action::Focus(Pane::Layers));
    let spans = app.highlighted_spans();
    assert!(!spans.is_empty());
    let text = app.envelope_text().unwrap().to_string();
    update(&mut app, Action::Copy);
    let copied = app.clipboard.clone().expect("something copied");
    assert_eq!(copied, &text[spans[0].range()]);
    assert!(copied.starts_with('<'), "{copied}");
    assert!(!app.status_is_problem);
    assert!(app.status.clone().unwrap().contains("Copied"));
    let osc = clipboard::osc52("ab");
    assert_eq!(osc, "\x1b]52;c;YWI=\x07");
}

#[test]
fn a_masked_key_copies_nothing_and_says_so() {
    let mut app = walk();
    app.open_at(3);
    update(&mut app, Action::Focus(Pane::Keys));
    update(&mut app, Action::Copy);
    assert!(app.clipboard.is_none());
    assert!(app.status_is_problem);
    assert!(app.status.clone().unwrap().contains("masked"));
    update(&mut app, Action::ToggleReveal);
    update(&mut app, Action::Copy);
    let copied = app.clipboard.clone().expect("a revealed key is copied");
    assert!(
        copied.len() >= 32 && copied.chars().all(|c| c.is_ascii_hexdigit()),
        "{copied}"
    );
    assert!(MAX_COPY > copied.len());
}

#[test]
fn with_nothing_selected_y_says_so() {
    let mut app = walk();
    update(&mut app, Action::Copy);
    assert!(app.clipboard.is_none());
    assert!(app.status.clone().unwrap().contains("Nothing selected"));
}

#[test]
fn m_switches_the_mouse_and_says_which_way() {
    let mut app = walk();
    let before = app.mouse;
    update(&mut app, Action::ToggleMouse);
    assert_eq!(app.mouse, !before);
    assert!(app.status.clone().unwrap().starts_with("Mouse"));
    update(&mut app, Action::ToggleMouse);
    assert_eq!(app.mouse, before);
}

#[test]
fn shift_y_copies_the_sha256_of_what_y_copies_and_says_what_it_is() {
    let mut app = walk();
    let receiver = app.session.as_ref().unwrap().receiver_step();
    app.open_at(receiver);
    update(&mut app, Action::Focus(Pane::Layers));
    update(&mut app, Action::Copy);
    let bytes = app.clipboard.take().expect("the layer's bytes");
    update(&mut app, Action::CopyDigest);
    let digest = app.clipboard.clone().expect("a digest copied");
    let expected = openssl::sha::sha256(bytes.as_bytes());
    assert_eq!(digest, hex::encode(expected));
    assert!(!app.status_is_problem);
    let status = app.status.clone().unwrap();
    assert!(
        status.contains("SHA-256") && status.contains("not canonicalized"),
        "{status}"
    );
    assert!(
        status.contains(&format!("{} bytes", bytes.len())),
        "{status}"
    );
    // The key is bound in the one keymap (so the help overlay lists it).
    assert!(
        wskex::tui::keymap::KEYMAP
            .iter()
            .any(|b| b.action == Action::CopyDigest)
    );
}

#[test]
fn shift_y_on_a_masked_key_copies_no_digest() {
    let mut app = walk();
    app.open_at(3);
    update(&mut app, Action::Focus(Pane::Keys));
    update(&mut app, Action::CopyDigest);
    assert!(app.clipboard.is_none());
    assert!(app.status_is_problem);
    assert!(app.status.clone().unwrap().contains("masked"));
    update(&mut app, Action::ToggleReveal);
    update(&mut app, Action::CopyDigest);
    let digest = app.clipboard.clone().expect("a revealed key's digest");
    assert_eq!(digest.len(), 64);
    assert!(app.status.clone().unwrap().contains("revealed value"));
}
