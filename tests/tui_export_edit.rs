//! `x` after an edit was kept exports the kept edit, not the received message: the edited
//! message gets its own `-stepN-edited.xml` file, which says in a comment that it is an edit,
//! and the status line says so too. For a walkthrough and for a capture.

use std::time::Instant;

use clap::Parser;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use wskex::tui::{Action, App, Session, UiOptions, update};

/// Inserts one byte into the first DigestValue of the shown step and keeps the edit; returns
/// the kept text.
fn keep_one_byte_edit(app: &mut App) -> String {
    update(app, Action::SearchStart);
    for c in "DigestValue>".chars() {
        update(app, Action::SearchInput(c));
    }
    update(app, Action::SearchNext);
    update(app, Action::EditStart);
    assert!(app.editor.is_some(), "{:?}", app.status);
    let now = Instant::now();
    let key = |code| Action::EditKey(KeyEvent::new(code, KeyModifiers::NONE), now);
    for _ in 0.."DigestValue>".len() {
        update(app, key(KeyCode::Right));
    }
    update(app, key(KeyCode::Char('A')));
    update(app, Action::EditLeave);
    update(app, Action::EditKeep);
    assert!(app.editor.is_none(), "{:?}", app.status);
    let step = &app.session.as_ref().unwrap().steps[app.step];
    assert!(step.title.ends_with("(edited)"));
    step.snapshot.envelope.as_ref().unwrap().text.to_string()
}

fn export_to(app: &mut App, dir: &std::path::Path) {
    update(app, Action::ExportStart);
    update(app, Action::PromptClear);
    for c in dir.to_str().unwrap().chars() {
        update(app, Action::PromptInput(c));
    }
    update(app, Action::PromptSubmit);
}

/// The one exported file named as an edit, and every file's name.
fn edited_file(dir: &std::path::Path) -> (Vec<u8>, Vec<String>) {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let edited: Vec<&String> = names
        .iter()
        .filter(|n| n.ends_with("-edited.xml"))
        .collect();
    assert_eq!(edited.len(), 1, "{names:?}");
    (std::fs::read(dir.join(edited[0])).unwrap(), names)
}

fn assert_exports_the_edit(app: &mut App, kept: &str) {
    let step = app.step;
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("export");
    export_to(app, &dir);
    let status = app.status.clone().unwrap();
    assert!(!app.status_is_problem, "{status}");
    assert!(
        status.contains("1 kept edit") && status.contains(&format!("step {}", step + 1)),
        "{status}"
    );
    let (bytes, names) = edited_file(&dir);
    let stripped = wskex::export::strip_bytes(&bytes);
    let expected = format!("{kept}{}", wskex::tui::export::edited_note(step));
    assert_eq!(String::from_utf8(stripped).unwrap(), expected, "{names:?}");
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("as edited and kept in the TUI, not the bytes received"));
    // Annotated like any other message: the verdict (the edit breaks a digest) is in it.
    assert!(text.contains("CHECKS FAILED"), "{text}");
}

#[test]
fn a_walkthroughs_kept_edit_is_what_x_exports() {
    let session = Session::walk("direct", None, 1, None).unwrap();
    let receiver = session.receiver_step();
    let mut app = App::with_session(UiOptions::default(), session);
    update(&mut app, Action::Resize(120, 40));
    app.open_at(receiver);
    let kept = keep_one_byte_edit(&mut app);
    assert_exports_the_edit(&mut app, &kept);
}

#[test]
fn a_captures_kept_edit_is_what_x_exports() {
    let k = "samples/keys";
    let argv = [
        "wskex",
        "tui",
        "samples/direct/default",
        "--key",
        &format!("{k}/bob.key.pem"),
        "--cert",
        &format!("{k}/alice.cert.pem"),
        "--cert",
        &format!("{k}/bob.cert.pem"),
    ];
    let cli = wskex::cli::Cli::try_parse_from(argv).unwrap();
    let Some(wskex::cli::Command::Tui(args)) = cli.command else {
        panic!("not the tui command")
    };
    let mut app = wskex::cli::tui::app_for(&args, UiOptions::default()).unwrap();
    wskex::tui::pending::finish_processing(&mut app);
    update(&mut app, Action::Resize(120, 40));
    let kept = keep_one_byte_edit(&mut app);
    assert_exports_the_edit(&mut app, &kept);
}
