//! `o`: open captured messages and keys from inside the TUI, with every option `wskex tui`
//! takes; the line opened is remembered in the state dir (written owner-only through
//! safe_write) and offered the next time; the picker starts on the pattern opened last. One
//! test, because it sets WSKEX_STATE_DIR.

use std::os::unix::fs::PermissionsExt;

use wskex::tui::app::{Overlay, Screen};
use wskex::tui::prompt::PromptKind;
use wskex::tui::{Action, App, UiOptions, picker, state, update};

fn type_line(app: &mut App, line: &str) {
    update(app, Action::PromptClear);
    for c in line.chars() {
        update(app, Action::PromptInput(c));
    }
    update(app, Action::PromptSubmit);
}

#[test]
fn o_opens_a_capture_and_remembers_it() {
    let dir = tempfile::tempdir().unwrap();
    // SAFETY: the only test in this binary; nothing else reads the environment meanwhile.
    unsafe { std::env::set_var("WSKEX_STATE_DIR", dir.path().join("state")) };

    let args = wskex::cli::tui::TuiArgs::default();
    let mut app = wskex::cli::tui::app_for(&args, UiOptions::default()).unwrap();
    app.remember_state = true;
    assert_eq!(app.screen, Screen::Picker);
    update(&mut app, Action::OpenStart);
    match &app.overlay {
        Some(Overlay::Prompt(p)) => {
            assert_eq!(p.kind, PromptKind::Open);
            assert_eq!(p.text, "", "nothing remembered yet");
        }
        other => panic!("no prompt: {other:?}"),
    }
    // A bad option is one line in the status, nothing opened.
    type_line(&mut app, "samples/direct/default --clock-skew x");
    assert!(app.status_is_problem);
    assert!(
        app.status.clone().unwrap().contains("clock-skew"),
        "{:?}",
        app.status
    );
    assert_eq!(app.screen, Screen::Picker);
    // A pattern name is not a capture.
    update(&mut app, Action::OpenStart);
    type_line(&mut app, "direct");
    assert!(app.status.clone().unwrap().contains("is a pattern"));

    let k = "samples/keys";
    let line = format!(
        "samples/direct/default --key {k}/bob.key.pem --cert {k}/alice.cert.pem --transport-secured"
    );
    update(&mut app, Action::OpenStart);
    type_line(&mut app, &line);
    assert!(!app.status_is_problem, "{:?}", app.status);
    assert_eq!(app.screen, Screen::Walk);
    // It opens on the received bytes at once; the checks come from the background worker.
    wskex::tui::pending::finish_processing(&mut app);
    let session = app.session.as_ref().unwrap();
    assert!(!session.processing() && !session.is_pending(0));
    assert!(!session.steps[0].snapshot.checks.is_empty());
    assert!(session.walk_origin().is_none());
    assert!(session.short_name().contains("samples/direct/default"));

    assert_eq!(state::recent_captures(), std::slice::from_ref(&line));
    let file = dir.path().join("state/recent-captures");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the lines name key files");
    // Offered first next time; a repeat does not duplicate it.
    update(&mut app, Action::OpenStart);
    match &app.overlay {
        Some(Overlay::Prompt(p)) => assert_eq!(p.text, line),
        other => panic!("no prompt: {other:?}"),
    }
    update(&mut app, Action::PromptSubmit);
    assert_eq!(state::recent_captures(), std::slice::from_ref(&line));
    // Never written through a symbolic link.
    std::fs::remove_file(&file).unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "keep").unwrap();
    std::os::unix::fs::symlink(&victim, &file).unwrap();
    update(&mut app, Action::OpenStart);
    type_line(&mut app, &line);
    assert!(
        app.status.clone().unwrap().contains("not remembered"),
        "{:?}",
        app.status
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");

    // The picker entry opened last is where the next run's picker starts.
    let target = picker::position_of("brokered computed-key").unwrap();
    let mut app = App::new(UiOptions::default());
    app.remember_state = true;
    app.select_last_pattern();
    assert_eq!(app.picker.selected, 0, "nothing remembered yet");
    app.picker.selected = target;
    update(&mut app, Action::Open);
    assert_eq!(app.screen, Screen::Walk);
    let mut next = App::new(UiOptions::default());
    next.remember_state = true;
    next.select_last_pattern();
    let mut forgetful = App::new(UiOptions::default());
    forgetful.select_last_pattern();
    assert_eq!(forgetful.picker.selected, 0, "only when asked to remember");
    assert_eq!(next.picker.selected, target);
}
