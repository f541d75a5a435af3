//! The Envelope pane's cursor: it moves by rows, the Layers and Keys panes mark `*` every
//! layer, reference and token whose bytes contain it, and `Enter` selects the innermost one;
//! `/` finds a query's matches once and `Enter` jumps to the next match after the cursor.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use wskex::tui::locate::LayerRowKind;
use wskex::tui::{Action, App, Palette, Pane, Session, UiOptions, keymap, ui, update};

fn render(app: &App, (w, h): (u16, u16)) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let palette = Palette::monochrome();
    terminal.draw(|f| ui::draw(f, app, &palette)).unwrap();
    terminal.backend().to_string()
}

fn press(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// The direct walkthrough at its receiver's step, 120x40, the Envelope focused.
fn receiver_step() -> App {
    let session = Session::walk("direct", None, 1, None).unwrap();
    let mut app = App::with_session(UiOptions::default(), session);
    update(&mut app, Action::Resize(120, 40));
    let receiver = app.session.as_ref().unwrap().receiver_step();
    app.open_at(receiver);
    update(&mut app, Action::Focus(Pane::Envelope));
    app
}

/// The Layers row of the reference to the Body, and its span.
fn body_reference(app: &App) -> (usize, wskex::xml::Span) {
    let (step, view) = app.shown().unwrap();
    view.layer_rows
        .iter()
        .enumerate()
        .find_map(|(i, row)| match row.kind {
            LayerRowKind::Reference { layer, reference } => {
                let wskex::exchange::Layer::Signature(s) = &step.snapshot.layers[layer] else {
                    return None;
                };
                let span = *row.spans.first()?;
                (s.references[reference].target.contains("Body")).then_some((i, span))
            }
            _ => None,
        })
        .expect("a reference to the Body")
}

/// The row (from the top of the text) the envelope cursor is on.
fn cursor_row(app: &App) -> usize {
    let at = app.envelope_cursor.unwrap();
    (0..)
        .take_while(|&r| app.envelope_row_start(r + 1).is_some_and(|s| s <= at))
        .count()
}

#[test]
fn the_cursor_moves_by_rows_and_the_view_follows() {
    let mut app = receiver_step();
    assert_eq!(app.envelope_cursor, None);
    update(&mut app, Action::Down);
    assert_eq!(app.envelope_cursor, app.envelope_row_start(0));
    update(&mut app, Action::Down);
    assert_eq!(cursor_row(&app), 1);
    // Soft-wrapped rows end where the next starts: the cursor still goes on.
    for row in 2..30 {
        update(&mut app, Action::Down);
        assert_eq!(cursor_row(&app), row);
    }
    update(&mut app, Action::Up);
    assert_eq!(cursor_row(&app), 28);
    assert!(app.envelope_scroll > 0, "the view followed the cursor down");
    for _ in 0..1000 {
        update(&mut app, Action::PageDown);
    }
    let last = app.envelope_cursor.unwrap();
    let on_screen = (0..40).filter_map(|r| app.envelope_row_start(app.envelope_scroll + r));
    assert!(
        on_screen.clone().any(|s| s <= last),
        "the cursor's row is on screen"
    );
    assert!(app.envelope_scroll > 0);
    update(&mut app, Action::Up);
    assert!(app.envelope_cursor.unwrap() < last);
    // Another step starts without a cursor.
    update(&mut app, Action::PrevStep);
    assert_eq!(app.envelope_cursor, None);
}

#[test]
fn what_covers_the_cursor_is_marked_and_enter_selects_the_innermost() {
    let mut app = receiver_step();
    let (row, body) = body_reference(&app);
    // Nothing is marked before the cursor is placed.
    assert!(!render(&app, (120, 40)).contains("* "));
    app.place_envelope_cursor(body.start as usize + 1);
    let under = app.under_cursor();
    assert!(under.layer_rows.contains(&row), "{under:?}");
    assert_eq!(under.innermost.map(|(p, _)| p), Some(Pane::Layers));
    let screen = render(&app, (120, 40));
    insta::assert_snapshot!("cursor-inside-body-120x40", screen);
    // Enter in the Envelope pane (no search open) selects it in Layers.
    let enter = keymap::action_for(&press(KeyCode::Enter), &app);
    assert_eq!(enter, Some(Action::Open));
    update(&mut app, Action::Open);
    let (pane, innermost) = under.innermost.unwrap();
    assert_eq!(app.focus, pane);
    assert_eq!(app.layers.selected, innermost);
    // Marks show only while the Envelope has focus.
    assert!(!app.marks_under_cursor());
}

#[test]
fn a_token_under_the_cursor_is_selected_in_keys() {
    let mut app = receiver_step();
    let (_, view) = app.shown().unwrap();
    let (key, token) = view
        .key_spans
        .iter()
        .enumerate()
        .find_map(|(i, spans)| Some((i, *spans.first()?)))
        .expect("a key whose token is in this message");
    // Inside the token, past any layer that starts there too.
    app.place_envelope_cursor(token.end as usize - 2);
    let under = app.under_cursor();
    assert!(under.keys.contains(&key), "{under:?}");
    let screen = render(&app, (120, 40));
    assert!(screen.contains("* "), "{screen}");
    assert!(screen.contains(">"), "the cursor's row is marked: {screen}");
    if under.innermost == Some((Pane::Keys, key)) {
        update(&mut app, Action::Open);
        assert_eq!(app.focus, Pane::Keys);
        assert_eq!(app.keys.selected, key);
    }
}

#[test]
fn nothing_under_the_cursor_says_so() {
    let session = Session::walk("direct", None, 1, None).unwrap();
    let mut app = App::with_session(UiOptions::default(), session);
    update(&mut app, Action::Resize(120, 40));
    update(&mut app, Action::Focus(Pane::Envelope));
    update(&mut app, Action::Down);
    // The first step's message has no layer yet.
    assert_eq!(app.under_cursor().innermost, None);
    update(&mut app, Action::Open);
    assert_eq!(app.focus, Pane::Envelope);
    assert!(
        app.status
            .clone()
            .unwrap()
            .contains("Nothing under the cursor")
    );
}

#[test]
fn search_finds_matches_once_and_enter_goes_on_from_the_cursor() {
    let mut app = receiver_step();
    update(&mut app, Action::SearchStart);
    for c in "wsu:Id".chars() {
        update(&mut app, Action::SearchInput(c));
    }
    let found = app.search_matches();
    assert!(found.len() >= 3, "{found:?}");
    let scans = app.search_scans();
    for _ in 0..3 {
        render(&app, (120, 40));
    }
    assert_eq!(
        app.search_scans(),
        scans,
        "frames do not scan the text again"
    );
    // Enter goes to the first match after the cursor, and the cursor follows it.
    app.envelope_cursor = Some(found[1].start as usize);
    update(&mut app, Action::SearchNext);
    assert_eq!(app.search.as_ref().unwrap().current, Some(2));
    assert_eq!(app.envelope_cursor, Some(found[2].start as usize));
    // With a search open, Enter in the envelope finds the next match.
    assert_eq!(
        keymap::action_for(&press(KeyCode::Enter), &app),
        Some(Action::SearchNext)
    );
    // Another step, another text: found again, once.
    update(&mut app, Action::PrevStep);
    render(&app, (120, 40));
    render(&app, (120, 40));
    assert_eq!(app.search_scans(), scans + 1);
}
