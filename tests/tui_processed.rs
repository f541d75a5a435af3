//! The receiver's processed view (EncryptedData replaced by plaintext) in the Step, and `v`
//! toggling the Envelope pane between it and the received bytes, labelled as such.

use clap::Parser;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use wskex::exchange::Layer;
use wskex::patterns::CATALOG;
use wskex::tui::detail;
use wskex::tui::{Action, App, Palette, Pane, Session, UiOptions, ui, update};

fn render(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal
        .draw(|f| ui::draw(f, app, &Palette::monochrome()))
        .unwrap();
    terminal.backend().to_string()
}

#[test]
fn every_processed_view_holds_the_plaintext_of_named_parts() {
    let mut seen = 0;
    for info in CATALOG {
        for variant in info.variants {
            let session = Session::walk(info.name, Some(variant), 1, None).unwrap();
            for (i, step) in session.steps.iter().enumerate() {
                let Some(p) = &step.snapshot.processed else {
                    continue;
                };
                seen += 1;
                let what = format!("{} {variant} step {}", info.name, i + 1);
                assert!(
                    !step.snapshot.checks.is_empty(),
                    "{what}: a receiver's step"
                );
                assert!(!p.parts.is_empty(), "{what}");
                let received = &step.snapshot.envelope.as_ref().unwrap().text;
                assert_ne!(&p.text, received, "{what}: the view differs from the bytes");
                for part in &p.parts {
                    let plaintext = &p.text[part.span.range()];
                    assert!(plaintext.starts_with('<'), "{what}: {plaintext}");
                    assert!(!plaintext.contains("CipherValue"), "{what}: {plaintext}");
                    let id = part.id.as_ref().expect("every part matched to its report");
                    let named = step.snapshot.layers.iter().any(
                        |l| matches!(l, Layer::Encryption(e) if e.encrypted_data.contains(id)),
                    );
                    assert!(named, "{what}: {id} is an encryption layer's EncryptedData");
                }
            }
        }
    }
    assert!(seen >= 4, "the walkthroughs decrypt somewhere ({seen})");
}

fn request_reply_receiver() -> App {
    let session = Session::walk("request-reply", None, 1, None).unwrap();
    let at = session
        .steps
        .iter()
        .position(|s| s.snapshot.processed.is_some())
        .unwrap();
    let mut app = App::with_session(UiOptions::default(), session);
    update(&mut app, Action::Resize(120, 40));
    app.open_at(at);
    app
}

#[test]
fn v_toggles_between_received_bytes_and_the_processed_view() {
    let mut app = request_reply_receiver();
    let received = app.envelope_text().unwrap().to_string();
    assert!(render(&app).contains("1 Envelope: received bytes"));
    update(&mut app, Action::ToggleProcessed);
    assert!(app.showing_processed());
    let processed = app.envelope_text().unwrap().to_string();
    assert_ne!(processed, received);
    assert!(processed.contains("PurchaseOrder"), "{processed}");
    let screen = render(&app);
    assert!(
        screen.contains("1 Envelope: processed view (decrypted +, 5438 bytes"),
        "{screen}"
    );
    // The decrypted part is scrolled into view and marked.
    assert!(screen.contains("┃ + "), "{screen}");
    // Searching searches what is shown.
    update(&mut app, Action::SearchStart);
    for c in "PurchaseOrder".chars() {
        update(&mut app, Action::SearchInput(c));
    }
    update(&mut app, Action::SearchNext);
    assert!(!app.search_matches().is_empty());
    update(&mut app, Action::ToggleProcessed);
    assert!(!app.showing_processed());
    assert_eq!(app.envelope_text().unwrap(), received);
}

#[test]
fn v_without_a_processed_view_says_so() {
    let session = Session::walk("request-reply", None, 1, None).unwrap();
    let mut app = App::with_session(UiOptions::default(), session);
    assert!(app.shown().unwrap().0.snapshot.processed.is_none());
    update(&mut app, Action::ToggleProcessed);
    assert!(!app.showing_processed());
    let status = app.status.clone().unwrap();
    assert!(status.contains("no processed view"), "{status}");
    assert!(render(&app).contains("no processed view"));
}

#[test]
fn an_encrypted_parts_detail_shows_its_plaintext() {
    let mut app = request_reply_receiver();
    let session = app.session.as_ref().unwrap();
    let row = session
        .view(app.step)
        .layer_rows
        .iter()
        .position(|r| matches!(r.kind, wskex::tui::locate::LayerRowKind::Encryption { .. }))
        .unwrap();
    let d = detail::layer_row(session, app.step, row).unwrap();
    let text: Vec<&str> = d.lines.iter().map(|l| l.text.as_str()).collect();
    assert!(
        text.iter()
            .any(|l| l.starts_with("plaintext") && l.contains("processed view bytes")),
        "{text:#?}"
    );
    assert!(
        text.iter().any(|l| l.contains("<po:PurchaseOrder")),
        "{text:#?}"
    );
    assert!(!text.iter().any(|l| l.contains("not in the Step yet")));
    update(&mut app, Action::Focus(Pane::Layers));
}

#[test]
fn a_capture_step_where_the_auditor_decrypted_has_a_processed_view() {
    let k = "samples/keys";
    let argv = [
        "wskex",
        "tui",
        "samples/request-reply/encrypt-then-sign",
        "--key",
        &format!("{k}/bob.key.pem"),
        "--key",
        &format!("{k}/alice.key.pem"),
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
    let session = app.session.as_ref().unwrap();
    let step = session
        .steps
        .iter()
        .find(|s| s.snapshot.processed.is_some())
        .expect("a captured step with a processed view");
    let p = step.snapshot.processed.as_ref().unwrap();
    for part in &p.parts {
        assert!(p.text[part.span.range()].starts_with('<'));
        assert!(part.id.is_some());
    }
}
