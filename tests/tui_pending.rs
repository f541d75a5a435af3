//! A capture opens on its received bytes at once and is processed in the background: until a
//! step's result arrives (as `Action::Arrived`) its Layers, Keys and Checks say "processing...",
//! the step strip marks it, editing waits, and nothing on screen needs the whole message
//! wrapped or parsed.

use clap::Parser;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::ops::ControlFlow;

use wskex::audit::conversation::inspect_conversation;
use wskex::audit::steps::conversation_steps;
use wskex::tui::background::{Arrival, stream_steps};
use wskex::tui::session::{CaptureInput, Source};
use wskex::tui::{Action, App, Palette, Pane, UiOptions, ui, update};

fn render(app: &App, (w, h): (u16, u16)) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let palette = Palette::monochrome();
    terminal.draw(|f| ui::draw(f, app, &palette)).unwrap();
    terminal.backend().to_string()
}

fn capture_app(paths: &[&str]) -> App {
    let k = "samples/keys";
    let mut argv = vec!["wskex".to_string(), "tui".to_string()];
    argv.extend(paths.iter().map(|p| p.to_string()));
    for key in ["--key", "--cert"] {
        argv.push(key.to_string());
        argv.push(if key == "--key" {
            format!("{k}/bob.key.pem")
        } else {
            format!("{k}/alice.cert.pem")
        });
    }
    let cli = wskex::cli::Cli::try_parse_from(argv).unwrap();
    let Some(wskex::cli::Command::Tui(args)) = cli.command else {
        panic!("not the tui command")
    };
    let mut app = wskex::cli::tui::app_for(&args, UiOptions::default()).unwrap();
    update(&mut app, Action::Resize(120, 40));
    app
}

#[test]
fn a_capture_draws_processing_until_its_steps_arrive() {
    let mut app = capture_app(&["samples/direct/default"]);
    let session = app.session.as_ref().unwrap();
    assert!(session.processing() && session.is_pending(0) && app.shown_pending());
    let before = render(&app, (120, 40));
    assert!(before.contains("2 Layers"), "{before}");
    assert!(before.contains("processing..."), "{before}");
    assert!(before.contains("checks: processing..."), "{before}");
    assert!(
        before.contains(" 1 auditor ... "),
        "the strip marks pending steps: {before}"
    );
    assert!(
        before.contains("<s:Envelope") || before.contains("Envelope"),
        "{before}"
    );
    // Editing waits for the checks.
    update(&mut app, Action::EditStart);
    assert!(app.editor.is_none());
    assert!(
        app.status
            .clone()
            .unwrap()
            .contains("still being processed")
    );
    update(&mut app, Action::Focus(Pane::Envelope));

    wskex::tui::pending::finish_processing(&mut app);
    let session = app.session.as_ref().unwrap();
    assert!(!session.processing() && !app.shown_pending());
    assert!(!session.steps[0].snapshot.checks.is_empty());
    assert!(
        app.status.clone().unwrap().starts_with("Processed"),
        "{:?}",
        app.status
    );
    let after = render(&app, (120, 40));
    assert!(!after.contains("processing..."), "{after}");
    assert!(after.contains("signature"), "{after}");
}

#[test]
fn an_arrival_fills_only_a_pending_step_and_a_failure_is_reported() {
    let mut app = capture_app(&["samples/direct/default"]);
    let arrivals = app.session.as_mut().unwrap().wait_for_arrivals();
    assert_eq!(arrivals.len(), app.step_count());
    let first = arrivals[0].clone();
    update(&mut app, Action::Arrived(first.clone()));
    assert!(!app.session.as_ref().unwrap().is_pending(0));
    assert!(app.session.as_ref().unwrap().is_pending(1));
    // The same step again changes nothing.
    update(&mut app, Action::Arrived(first));
    assert!(!app.session.as_ref().unwrap().is_pending(0));
    update(
        &mut app,
        Action::Arrived(Arrival::Failed("engine stopped".to_string())),
    );
    let session = app.session.as_ref().unwrap();
    assert!(!session.processing());
    assert!(
        session.is_pending(1),
        "what did not arrive stays unprocessed"
    );
    assert!(app.status_is_problem);
    assert!(app.status.clone().unwrap().contains("engine stopped"));
    update(&mut app, Action::NextStep);
    let screen = render(&app, (120, 40));
    assert!(
        screen.contains("Not processed: engine stopped."),
        "{screen}"
    );
}

#[test]
fn the_first_frame_of_a_large_message_wraps_and_lexes_only_what_it_shows() {
    let dir = tempfile::tempdir().unwrap();
    let template = std::fs::read_to_string("samples/direct/default/01-alice-bob.xml").unwrap();
    // About 4 MB: the Body padded with many lines (the signature then fails; that is fine).
    let filler = "<x:Line xmlns:x=\"urn:x\" n=\"1\">Widget &amp; gadget</x:Line>\n".repeat(70_000);
    let big = template.replacen("</s:Body>", &format!("{filler}</s:Body>"), 1);
    assert!(big.len() > 4_000_000, "the filler went in");
    let file = dir.path().join("big.xml");
    std::fs::write(&file, &big).unwrap();
    let app = capture_app(&[file.to_str().unwrap()]);
    assert!(app.shown_pending());
    let screen = render(&app, (120, 40));
    assert!(screen.contains("processing..."));
    let (wrapped, complete) = app
        .with_envelope_rows(|index, _, _| (index.rows().len(), index.complete()))
        .unwrap();
    assert!(!complete, "only the rows on screen are wrapped");
    // The first line (the whole header, about 6 KB) and the screenful after it, of ~70 000.
    assert!(wrapped < 200, "{wrapped} rows wrapped for one screen");
}

/// The Steps streamed to the TUI, once placed by `update`, as JSON (to compare with the Steps
/// `inspect` makes of the whole conversation).
fn placed_steps_json(app: &App) -> Vec<serde_json::Value> {
    let session = app.session.as_ref().unwrap();
    session
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| serde_json::to_value(s.to_json(i, false)).unwrap())
        .collect()
}

fn capture_input(app: &App) -> std::sync::Arc<CaptureInput> {
    match &app.session.as_ref().unwrap().source {
        Source::Capture { input, .. } => std::sync::Arc::clone(input),
        Source::Walk(_) => panic!("not a capture"),
    }
}

fn whole_conversation_json(input: &CaptureInput) -> Vec<serde_json::Value> {
    let result = inspect_conversation(
        &input.messages,
        &input.keys,
        input.bindings.clone(),
        &input.options,
    );
    conversation_steps(&input.messages, &result)
        .iter()
        .enumerate()
        .map(|(i, s)| serde_json::to_value(s.to_json(i, false)).unwrap())
        .collect()
}

#[test]
fn each_message_arrives_as_soon_as_it_is_processed_in_order() {
    let mut app = capture_app(&["samples/brokered/encrypted-key"]);
    assert_eq!(app.step_count(), 3);
    let input = capture_input(&app);
    // The worker is told to stop after the first arrival: the other two messages were never
    // processed, so the first Step came before the last message was processed.
    let mut first = Vec::new();
    let processed = stream_steps(&input, &mut |a| {
        first.push(a);
        ControlFlow::Break(())
    });
    assert_eq!(processed, 1);
    assert!(
        matches!(first.as_slice(), [Arrival::Step { index: 0, .. }]),
        "{first:?}"
    );
    let mut all = Vec::new();
    let processed = stream_steps(&input, &mut |a| {
        all.push(a);
        ControlFlow::Continue(())
    });
    assert_eq!(processed, 3);
    let order: Vec<usize> = all
        .iter()
        .map(|a| match a {
            Arrival::Step { index, .. } => *index,
            other => panic!("only Steps here, got {other:?}"),
        })
        .collect();
    assert_eq!(order, vec![0, 1, 2]);
    // `update` places each as it comes; the last one ends the processing.
    for (i, arrival) in all.into_iter().enumerate() {
        update(&mut app, Action::Arrived(arrival));
        let session = app.session.as_ref().unwrap();
        assert!(!session.is_pending(i));
        assert_eq!(session.processing(), i < 2, "after arrival {i}");
    }
    assert_eq!(placed_steps_json(&app), whole_conversation_json(&input));
}

#[test]
fn a_replay_found_at_the_end_updates_the_step_already_shown() {
    let dir = tempfile::tempdir().unwrap();
    let request = std::fs::read("samples/direct/default/01-alice-bob.xml").unwrap();
    let reply = std::fs::read("samples/direct/default/03-bob-alice.xml").unwrap();
    for (name, bytes) in [
        ("01.xml", &request),
        ("02.xml", &request),
        ("03.xml", &reply),
    ] {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let mut app = capture_app(&[dir.path().to_str().unwrap()]);
    assert_eq!(app.step_count(), 3);
    let input = capture_input(&app);
    let mut all = Vec::new();
    stream_steps(&input, &mut |a| {
        all.push(a);
        ControlFlow::Continue(())
    });
    let kinds: Vec<(bool, usize)> = all
        .iter()
        .map(|a| match a {
            Arrival::Step { index, .. } => (false, *index),
            Arrival::Update { index, .. } => (true, *index),
            Arrival::Failed(why) => panic!("{why}"),
        })
        .collect();
    // The replayed request is shown at once, then again with the replay check, before the
    // last message.
    assert_eq!(kinds, vec![(false, 0), (false, 1), (true, 1), (false, 2)]);
    for arrival in all {
        update(&mut app, Action::Arrived(arrival));
    }
    assert!(!app.session.as_ref().unwrap().processing());
    let steps = placed_steps_json(&app);
    assert_eq!(steps, whole_conversation_json(&input));
    let checks = steps[1]["checks"].to_string();
    assert!(checks.contains("replay"), "{checks}");
}
