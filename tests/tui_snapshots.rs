//! Text snapshots of the TUI drawn into a TestBackend: every step of every pattern and variant
//! at 120x40, the first and the receiver's step at 80x24, the too-small message, the picker,
//! the help overlay, a reference's detail and a key's derivation chain.

use clap::Parser;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use wskex::patterns::CATALOG;
use wskex::tui::{Action, App, Palette, Pane, Session, UiOptions, ui, update};

fn render(app: &App, (w, h): (u16, u16)) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let palette = Palette::monochrome();
    terminal.draw(|f| ui::draw(f, app, &palette)).unwrap();
    terminal.backend().to_string()
}

fn open(pattern: &str, variant: &str, size: (u16, u16)) -> App {
    let session = Session::walk(pattern, Some(variant), 1, None).unwrap();
    let mut app = App::with_session(UiOptions::default(), session);
    update(&mut app, Action::Resize(size.0, size.1));
    app
}

#[test]
fn every_step_of_every_pattern_at_120x40() {
    for info in CATALOG {
        for variant in info.variants {
            let mut app = open(info.name, variant, (120, 40));
            for step in 0..app.step_count() {
                app.open_at(step);
                insta::assert_snapshot!(
                    format!("{}-{}-step{:02}-120x40", info.name, variant, step + 1),
                    render(&app, (120, 40))
                );
            }
        }
    }
}

#[test]
fn first_and_receiver_step_at_80x24() {
    for info in CATALOG {
        for variant in info.variants {
            let mut app = open(info.name, variant, (80, 24));
            insta::assert_snapshot!(
                format!("{}-{}-first-80x24", info.name, variant),
                render(&app, (80, 24))
            );
            let receiver = app.session.as_ref().unwrap().receiver_step();
            app.open_at(receiver);
            update(&mut app, Action::Focus(Pane::Checks));
            insta::assert_snapshot!(
                format!("{}-{}-receiver-80x24", info.name, variant),
                render(&app, (80, 24))
            );
        }
    }
}

#[test]
fn too_small_says_the_size_it_needs() {
    let mut app = open("direct", "default", (79, 23));
    update(&mut app, Action::Resize(79, 23));
    let screen = render(&app, (79, 23));
    assert!(screen.contains("at least 80x24"), "{screen}");
    insta::assert_snapshot!("too-small-79x23", screen);
}

#[test]
fn picker_and_help() {
    let mut app = App::new(UiOptions::default());
    insta::assert_snapshot!("picker-120x40", render(&app, (120, 40)));
    update(&mut app, Action::ToggleHelp);
    insta::assert_snapshot!("help-120x40", render(&app, (120, 40)));
    // At 80x24 long descriptions wrap under their column instead of running off the edge.
    update(&mut app, Action::Resize(80, 24));
    insta::assert_snapshot!("help-80x24", render(&app, (80, 24)));
}

#[test]
fn reference_detail() {
    let mut app = open("direct", "default", (120, 40));
    let receiver = app.session.as_ref().unwrap().receiver_step();
    app.open_at(receiver);
    update(&mut app, Action::Focus(Pane::Layers));
    // Rows: encryption EK-1, signature SIG-1, reference #Body-1, reference #TS-1.
    update(&mut app, Action::Down);
    update(&mut app, Action::Down);
    update(&mut app, Action::Open);
    let screen = render(&app, (120, 40));
    assert!(screen.contains("Reference #Body-1"), "{screen}");
    assert!(screen.contains("stated digest"), "{screen}");
    insta::assert_snapshot!("direct-reference-detail", screen);
}

#[test]
fn key_derivation_chain() {
    let mut app = open("direct", "default", (120, 40));
    update(&mut app, Action::LastStep);
    update(&mut app, Action::Focus(Pane::Keys));
    update(&mut app, Action::Down);
    update(&mut app, Action::Open);
    let screen = render(&app, (120, 40));
    assert!(screen.contains("Derivation chain"), "{screen}");
    assert!(screen.contains("nonce"), "{screen}");
    assert!(screen.contains("at step"), "{screen}");
    insta::assert_snapshot!("direct-key-chain", screen);
}

fn capture_app(args: &[&str]) -> App {
    let mut argv = vec!["wskex", "tui"];
    argv.extend_from_slice(args);
    let cli = wskex::cli::Cli::try_parse_from(argv).unwrap();
    let Some(wskex::cli::Command::Tui(args)) = cli.command else {
        panic!("not the tui command")
    };
    let mut app = wskex::cli::tui::app_for(&args, UiOptions::default()).unwrap();
    wskex::tui::pending::finish_processing(&mut app);
    // The snapshot shows the key bar, not the news that processing finished.
    app.status = None;
    update(&mut app, Action::Resize(120, 40));
    app
}

#[test]
fn a_shared_capture_opens_with_inspects_keys() {
    let k = "samples/keys";
    let mut app = capture_app(&[
        "samples/direct/default",
        "--key",
        &format!("{k}/alice.key.pem"),
        "--key",
        &format!("{k}/bob.key.pem"),
        "--cert",
        &format!("{k}/alice.cert.pem"),
        "--cert",
        &format!("{k}/bob.cert.pem"),
    ]);
    let session = app.session.as_ref().unwrap();
    assert!(session.walk_origin().is_none());
    assert!(session.len() >= 2);
    let all_ok = session
        .steps
        .iter()
        .all(|s| s.snapshot.checks.iter().all(|c| c.ok));
    assert!(all_ok, "the auditor holds every key");
    let screen = render(&app, (120, 40));
    assert!(
        screen.contains("capture samples/direct/default"),
        "{screen}"
    );
    insta::assert_snapshot!("capture-direct-first", screen);
    update(&mut app, Action::LastStep);
    update(&mut app, Action::Focus(Pane::Checks));
    insta::assert_snapshot!("capture-direct-last", render(&app, (120, 40)));
    // Captures cannot be replayed with an attack: no tamper menu.
    update(&mut app, Action::OpenTamperMenu);
    assert!(app.overlay.is_none());
}

#[test]
fn a_lone_pattern_name_is_the_pattern_and_dot_slash_a_path() {
    let app = capture_app(&["direct", "--tamper", "replay"]);
    let session = app.session.as_ref().unwrap();
    assert_eq!(session.walk_origin().unwrap().info.name, "direct");
    assert_eq!(app.step, session.receiver_step());
    let mut argv = vec!["wskex", "tui", "./direct"];
    argv.push("--ascii");
    let cli = wskex::cli::Cli::try_parse_from(argv).unwrap();
    let Some(wskex::cli::Command::Tui(args)) = cli.command else {
        panic!()
    };
    let err = wskex::cli::tui::app_for(&args, UiOptions::default()).unwrap_err();
    assert!(err.to_string().contains("direct"), "{err}");
}

#[test]
fn the_selected_items_bytes_are_drawn_highlighted_even_without_colour() {
    use ratatui::style::Modifier;
    let mut app = open("direct", "default", (120, 40));
    let receiver = app.session.as_ref().unwrap().receiver_step();
    app.open_at(receiver);
    update(&mut app, Action::Focus(Pane::Layers));
    update(&mut app, Action::Down); // the ds:Signature row
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let palette = Palette::monochrome();
    terminal.draw(|f| ui::draw(f, &app, &palette)).unwrap();
    let envelope = wskex::tui::layout::areas(&app)
        .pane(Pane::Envelope)
        .unwrap();
    let buffer = terminal.backend().buffer();
    let mut highlighted = String::new();
    for y in envelope.y + 1..envelope.y + envelope.height - 1 {
        for x in envelope.x + 1..envelope.x + envelope.width - 1 {
            let cell = &buffer[(x, y)];
            if cell.modifier.contains(Modifier::REVERSED) {
                highlighted.push_str(cell.symbol());
            }
        }
    }
    assert!(highlighted.starts_with("<ds:Signature"), "{highlighted:?}");
}
