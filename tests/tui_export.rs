//! `x`: the open walkthrough or capture exported as annotated XML into a directory the user
//! types, through safe_write (never through a symbolic link), key values masked unless revealed,
//! and the written path reported in the status line.

use std::os::unix::fs::PermissionsExt;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use wskex::tui::app::Overlay;
use wskex::tui::keymap;
use wskex::tui::prompt::PromptKind;
use wskex::tui::{Action, App, Session, UiOptions, update};

fn walk() -> App {
    let session = Session::walk("direct", None, 1, None).unwrap();
    App::with_session(UiOptions::default(), session)
}

/// Presses `x`, replaces the offered directory with `dir` and presses Enter, through the keymap.
fn export_to(app: &mut App, dir: &str) {
    let press = |app: &mut App, code: KeyCode, modifiers: KeyModifiers| {
        let action = keymap::action_for(&KeyEvent::new(code, modifiers), app)
            .unwrap_or_else(|| panic!("{code:?} does nothing here"));
        update(app, action);
    };
    press(app, KeyCode::Char('x'), KeyModifiers::NONE);
    press(app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    for c in dir.chars() {
        press(app, KeyCode::Char(c), KeyModifiers::NONE);
    }
    press(app, KeyCode::Enter, KeyModifiers::NONE);
}

fn files_in(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

#[test]
fn x_offers_a_directory_under_the_current_one() {
    let mut app = walk();
    update(&mut app, Action::ExportStart);
    match &app.overlay {
        Some(Overlay::Prompt(p)) => {
            assert_eq!(p.kind, PromptKind::Export);
            assert_eq!(p.text, "wskex-export-direct-default-seed1");
        }
        other => panic!("no prompt: {other:?}"),
    }
    // Typed characters go into the prompt, not to the panes; Esc cancels.
    let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    assert_eq!(keymap::action_for(&q, &app), Some(Action::PromptInput('q')));
    update(&mut app, Action::Back);
    assert!(app.overlay.is_none());
    assert!(!app.quit);
}

#[test]
fn a_walkthrough_exports_masked_and_reports_the_path() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut app = walk();
    export_to(&mut app, out.to_str().unwrap());
    let status = app.status.clone().expect("a status line");
    assert!(!app.status_is_problem, "{status}");
    assert!(status.contains(out.to_str().unwrap()), "{status}");
    assert!(status.contains("key values masked"), "{status}");
    let files = files_in(&out);
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(names.contains(&"01-alice-bob.xml".to_string()), "{names:?}");
    assert!(status.contains(&format!("Exported {} files", files.len())));
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(text.contains("<!--wskex:"), "{text}");
    let all: String = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    assert!(all.contains("value masked"), "keys are masked");
    let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777;
    assert_ne!(
        mode & 0o044,
        0,
        "a masked export is an ordinary file ({mode:o})"
    );
}

#[test]
fn revealed_secrets_are_exported_owner_only() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("revealed");
    let mut app = walk();
    update(&mut app, Action::ToggleReveal);
    export_to(&mut app, out.to_str().unwrap());
    let status = app.status.clone().unwrap();
    assert!(status.contains("key values revealed"), "{status}");
    let files = files_in(&out);
    let all: String = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    assert!(
        !all.contains("value masked"),
        "revealed export masks nothing"
    );
    for f in &files {
        let mode = std::fs::metadata(f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", f.display());
    }
}

#[test]
fn a_symbolic_link_is_never_written_through() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let victim = tmp.path().join("victim");
    std::fs::write(&victim, "keep me").unwrap();
    std::os::unix::fs::symlink(&victim, out.join("01-alice-bob.xml")).unwrap();
    let mut app = walk();
    export_to(&mut app, out.to_str().unwrap());
    let status = app.status.clone().unwrap();
    assert!(app.status_is_problem, "{status}");
    assert!(status.contains("symbolic link"), "{status}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    // Nor is a directory that is a link.
    let linked_dir = tmp.path().join("linked");
    std::os::unix::fs::symlink(tmp.path().join("elsewhere"), &linked_dir).unwrap();
    export_to(&mut app, linked_dir.to_str().unwrap());
    assert!(app.status.clone().unwrap().contains("symbolic link"));
}

#[test]
fn a_capture_exports_its_files_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("capture");
    let session = {
        use clap::Parser;
        let k = "samples/keys";
        let argv = [
            "wskex",
            "tui",
            "samples/direct/default",
            "--key",
            &format!("{k}/bob.key.pem"),
            "--cert",
            &format!("{k}/alice.cert.pem"),
        ];
        let cli = wskex::cli::Cli::try_parse_from(argv).unwrap();
        let Some(wskex::cli::Command::Tui(args)) = cli.command else {
            panic!("not the tui command")
        };
        let mut app = wskex::cli::tui::app_for(&args, UiOptions::default()).unwrap();
        wskex::tui::pending::finish_processing(&mut app);
        app
    };
    let mut app = session;
    export_to(&mut app, out.to_str().unwrap());
    let status = app.status.clone().unwrap();
    assert!(!app.status_is_problem, "{status}");
    let names: Vec<String> = files_in(&out)
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(names.contains(&"01-alice-bob.xml".to_string()), "{names:?}");
}
