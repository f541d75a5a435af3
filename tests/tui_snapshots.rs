//! Text snapshots of the TUI drawn into a TestBackend: every step of every pattern and variant
//! at 120x40, the first and the receiver's step at 80x24, the too-small message, the picker,
//! the help overlay, a reference's detail and a key's derivation chain.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use wskex::patterns::CATALOG;
use wskex::tui::{Action, App, Pane, Palette, Session, UiOptions, ui, update};

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
