//! `e`: the envelope editor. A one-byte edit is re-verified by the receiver with the keys it
//! had (walkthroughs and captures), after a pause in typing or on Ctrl-S; flipped checks are
//! marked in words; a malformed edit reports line:col; Esc asks keep or discard; messages over
//! 1 MB open read-only. Time is passed in (`Action::Tick`), so nothing here sleeps.

use std::time::{Duration, Instant};

use clap::Parser;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use wskex::exchange::LayerStatus;
use wskex::tui::edit::reverify::{CheckMark, ReverifyError};
use wskex::tui::edit::{DEBOUNCE, Editor, READ_ONLY_ABOVE};
use wskex::tui::keymap;
use wskex::tui::{Action, App, Palette, Session, UiOptions, ui, update};

fn render(app: &App, (w, h): (u16, u16)) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let palette = Palette::monochrome();
    terminal.draw(|f| ui::draw(f, app, &palette)).unwrap();
    terminal.backend().to_string()
}

/// The direct walkthrough at Bob's step, where every check passes.
fn at_receiver() -> App {
    let session = Session::walk("direct", None, 1, None).unwrap();
    let receiver = session.receiver_step();
    let mut app = App::with_session(UiOptions::default(), session);
    update(&mut app, Action::Resize(120, 40));
    app.open_at(receiver);
    assert!(
        app.shown().unwrap().0.snapshot.checks.iter().all(|c| c.ok),
        "the untouched receiver step passes"
    );
    app
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn text_of(app: &App) -> String {
    app.editor.as_ref().unwrap().text()
}

/// Opens the editor with the cursor inside the Body reference's DigestValue and inserts one
/// byte there, at instant `at`.
fn edit_one_byte(app: &mut App, at: Instant) -> String {
    let original = app
        .shown()
        .unwrap()
        .0
        .snapshot
        .envelope
        .clone()
        .unwrap()
        .text;
    update(app, Action::SearchStart);
    for c in "DigestValue>".chars() {
        update(app, Action::SearchInput(c));
    }
    update(app, Action::SearchNext);
    update(app, Action::EditStart);
    assert!(app.editor.is_some(), "{:?}", app.status);
    for _ in 0.."DigestValue>".len() {
        update(app, Action::EditKey(key(KeyCode::Right), at));
    }
    update(app, Action::EditKey(key(KeyCode::Char('A')), at));
    let edited = text_of(app);
    assert_eq!(edited.len(), original.len() + 1, "one byte more");
    original.to_string()
}

#[test]
fn a_pause_in_typing_reverifies_and_marks_the_flipped_check() {
    let mut app = at_receiver();
    let t0 = Instant::now();
    edit_one_byte(&mut app, t0);
    // Before the pause is over nothing is processed.
    update(&mut app, Action::Tick(t0 + DEBOUNCE / 2));
    let editor = app.editor.as_ref().unwrap();
    assert!(editor.result.is_none());
    assert!(editor.pending_since.is_some());
    update(&mut app, Action::Tick(t0 + DEBOUNCE));
    let editor = app.editor.as_ref().unwrap();
    assert!(editor.pending_since.is_none());
    let result = editor.result.as_ref().expect("processed after the pause");
    let checks = &result.step.snapshot.checks;
    let signature = checks
        .iter()
        .position(|c| c.name.starts_with("signature"))
        .unwrap();
    assert!(!checks[signature].ok, "{checks:#?}");
    assert_eq!(result.marks[signature], CheckMark::Flipped { was_ok: true });
    assert!(result.flipped() >= 1);
    let failed_layer = result.step.snapshot.layers.iter().any(|l| {
        matches!(l, wskex::exchange::Layer::Signature(s) if matches!(s.status, LayerStatus::Failed(_)))
    });
    assert!(failed_layer, "the signature layer fails in place");
    // The panes draw the edit, with the flip in words.
    let screen = render(&app, (120, 40));
    assert!(screen.contains("[ok->FAILED] signature"), "{screen}");
    assert!(
        screen.contains("Checks of the edit (1 flipped)"),
        "{screen}"
    );
    // The session's step is untouched until the edit is kept.
    let s = app.session.as_ref().unwrap();
    assert!(s.steps[app.step].snapshot.checks.iter().all(|c| c.ok));
}

#[test]
fn ctrl_s_reverifies_at_once_and_undoing_the_edit_flips_back() {
    let mut app = at_receiver();
    let t0 = Instant::now();
    edit_one_byte(&mut app, t0);
    let action = keymap::action_for(&ctrl('s'), &app);
    assert_eq!(action, Some(Action::EditApply));
    update(&mut app, Action::EditApply);
    assert!(app.editor.as_ref().unwrap().result.is_some());
    update(&mut app, Action::EditKey(key(KeyCode::Backspace), t0));
    update(&mut app, Action::EditApply);
    let result = app.editor.as_ref().unwrap().result.as_ref().unwrap();
    assert!(
        result.step.snapshot.checks.iter().all(|c| c.ok),
        "the original bytes pass again"
    );
    assert!(
        result
            .marks
            .iter()
            .all(|m| matches!(m, CheckMark::Unchanged | CheckMark::NotRechecked))
    );
}

#[test]
fn a_malformed_edit_reports_line_and_column_and_never_panics() {
    let mut app = at_receiver();
    update(&mut app, Action::EditStart);
    let t0 = Instant::now();
    // The cursor opens at the top: `<` before the root's name breaks the start tag.
    update(&mut app, Action::EditKey(key(KeyCode::Right), t0));
    update(&mut app, Action::EditKey(key(KeyCode::Char('<')), t0));
    update(&mut app, Action::EditApply);
    let editor = app.editor.as_ref().unwrap();
    match &editor.problem {
        Some(ReverifyError::Malformed { position, .. }) => {
            assert_eq!(position.line, 1, "{position:?}");
            assert!(position.column >= 1, "{position:?}");
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    let screen = render(&app, (120, 40));
    assert!(
        screen.contains("does not parse: line 1, column"),
        "{screen}"
    );
    // Keeping it is refused, with the reason, and the editor stays open.
    update(&mut app, Action::EditLeave);
    update(&mut app, Action::EditKeep);
    assert!(app.editor.is_some());
    assert!(app.status.as_deref().unwrap().contains("does not parse"));
}

#[test]
fn esc_asks_keep_or_discard_and_keep_replaces_the_step() {
    let mut app = at_receiver();
    let step = app.step;
    edit_one_byte(&mut app, Instant::now());
    update(&mut app, Action::EditLeave);
    assert!(app.editor.as_ref().unwrap().prompt);
    // At the question only its own keys work: `k`, `d`, Esc (and Ctrl-C).
    assert_eq!(
        keymap::action_for(&key(KeyCode::Char('k')), &app),
        Some(Action::EditKeep)
    );
    assert_eq!(
        keymap::action_for(&key(KeyCode::Esc), &app),
        Some(Action::EditResume)
    );
    assert_eq!(keymap::action_for(&key(KeyCode::Char('x')), &app), None);
    update(&mut app, Action::EditResume);
    assert!(!app.editor.as_ref().unwrap().prompt);
    update(&mut app, Action::EditLeave);
    update(&mut app, Action::EditDiscard);
    assert!(app.editor.is_none());
    assert!(
        app.session.as_ref().unwrap().steps[step]
            .snapshot
            .checks
            .iter()
            .all(|c| c.ok)
    );

    let original = edit_one_byte(&mut app, Instant::now());
    update(&mut app, Action::EditLeave);
    update(&mut app, Action::EditKeep);
    assert!(app.editor.is_none());
    let kept = &app.session.as_ref().unwrap().steps[step];
    assert!(kept.title.ends_with("(edited)"), "{}", kept.title);
    let env = kept.snapshot.envelope.as_ref().unwrap();
    assert_eq!(env.text.len(), original.len() + 1);
    assert_eq!(env.changed.len(), 1, "the edited byte is marked as changed");
    assert!(kept.snapshot.checks.iter().any(|c| !c.ok));
}

#[test]
fn esc_without_a_change_just_leaves() {
    let mut app = at_receiver();
    update(&mut app, Action::EditStart);
    update(&mut app, Action::EditLeave);
    assert!(app.editor.is_none());
}

#[test]
fn while_editing_keys_type_except_the_editors_own_and_ctrl_c() {
    let mut app = at_receiver();
    update(&mut app, Action::EditStart);
    for c in ['q', 'e', '?', 'n'] {
        assert!(matches!(
            keymap::action_for(&key(KeyCode::Char(c)), &app),
            Some(Action::EditKey(..))
        ));
    }
    assert_eq!(
        keymap::action_for(&key(KeyCode::Esc), &app),
        Some(Action::EditLeave)
    );
    assert_eq!(keymap::action_for(&ctrl('c'), &app), Some(Action::Quit));
    let bar: Vec<&str> = keymap::bar(&app).into_iter().map(|(_, w)| w).collect();
    assert_eq!(bar, ["re-verify", "leave"]);
}

#[test]
fn a_message_over_a_megabyte_opens_read_only() {
    let mut app = at_receiver();
    let big = format!(
        "<a>{}</a>",
        "x".repeat(READ_ONLY_ABOVE + 1 - "<a></a>".len())
    );
    app.editor = Some(Box::new(Editor::new(app.step, &big, 0)));
    assert!(app.editor.as_ref().unwrap().read_only);
    let t0 = Instant::now();
    update(&mut app, Action::EditKey(key(KeyCode::Right), t0));
    update(&mut app, Action::EditKey(key(KeyCode::Char('y')), t0));
    update(&mut app, Action::EditKey(key(KeyCode::Delete), t0));
    update(&mut app, Action::Tick(t0 + DEBOUNCE * 2));
    let editor = app.editor.as_ref().unwrap();
    assert_eq!(editor.text(), big);
    assert_eq!(editor.textarea.cursor().1, 1, "the cursor still moves");
    assert!(editor.result.is_none());
    let screen = render(&app, (120, 40));
    assert!(
        screen.contains("read-only: the message is over 1 MB"),
        "{screen}"
    );
}

#[test]
fn a_step_without_a_receiver_says_so() {
    let session = Session::walk("direct", None, 1, None).unwrap();
    let mut app = App::with_session(UiOptions::default(), session);
    update(&mut app, Action::LastStep);
    update(&mut app, Action::EditStart);
    // The last step is a message nobody in the walkthrough receives, or has no envelope.
    if app.editor.is_none() {
        let status = app.status.clone().unwrap();
        assert!(status.starts_with("Cannot edit:"), "{status}");
    }
}

fn capture_app() -> App {
    let k = "samples/keys";
    let argv = [
        "wskex",
        "tui",
        "samples/direct/default",
        "--key",
        &format!("{k}/alice.key.pem"),
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
    app
}

#[test]
fn a_captured_message_is_reverified_as_inspect_processes_it() {
    let mut app = capture_app();
    let t0 = Instant::now();
    edit_one_byte(&mut app, t0);
    update(
        &mut app,
        Action::Tick(t0 + DEBOUNCE + Duration::from_millis(1)),
    );
    let result = app.editor.as_ref().unwrap().result.as_ref().unwrap();
    let flipped: Vec<_> = result
        .step
        .snapshot
        .checks
        .iter()
        .zip(&result.marks)
        .filter(|(_, m)| **m == CheckMark::Flipped { was_ok: true })
        .map(|(c, _)| c.name.as_str())
        .collect();
    assert!(
        flipped.iter().any(|n| n.starts_with("signature")),
        "{:#?}",
        result.step.snapshot.checks
    );
}

#[test]
fn the_editor_after_a_one_byte_edit() {
    let mut app = at_receiver();
    let t0 = Instant::now();
    edit_one_byte(&mut app, t0);
    update(&mut app, Action::Tick(t0 + DEBOUNCE));
    insta::assert_snapshot!("editor-one-byte-edit", render(&app, (120, 40)));
}
