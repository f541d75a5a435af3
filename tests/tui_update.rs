//! The TUI's `update`: every action on every pane, step bounds, focus cycling, the picker,
//! linking (a selected item's bytes are the element it names) and the keymap.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use wskex::tui::app::{Overlay, Screen};
use wskex::tui::keymap::{self, KEYMAP, When};
use wskex::tui::{Action, App, Pane, Session, UiOptions, update};

/// Every row of the shown envelope (wrapped to the end) and the visible height.
fn envelope_geometry(app: &App) -> (Vec<wskex::tui::text_map::Row>, usize) {
    app.with_envelope_rows(|index, text, height| {
        index.ensure_rows(text, usize::MAX);
        (index.rows().to_vec(), height)
    })
    .unwrap()
}

fn walk(pattern: &str, variant: Option<&str>) -> App {
    let session = Session::walk(pattern, variant, 1, None).expect("walkthrough plays");
    App::with_session(UiOptions::default(), session)
}

fn press(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

#[test]
fn steps_stay_within_bounds() {
    let mut app = walk("direct", None);
    let n = app.step_count();
    assert!(n > 3);
    update(&mut app, Action::PrevStep);
    assert_eq!(app.step, 0);
    update(&mut app, Action::NextStep);
    assert_eq!(app.step, 1);
    update(&mut app, Action::LastStep);
    assert_eq!(app.step, n - 1);
    update(&mut app, Action::NextStep);
    assert_eq!(app.step, n - 1);
    update(&mut app, Action::FirstStep);
    assert_eq!(app.step, 0);
}

#[test]
fn focus_cycles_both_ways_and_jumps_by_number() {
    let mut app = walk("direct", None);
    let mut seen = vec![app.focus];
    for _ in 0..5 {
        update(&mut app, Action::FocusNext);
        seen.push(app.focus);
    }
    assert_eq!(
        seen,
        [
            Pane::Envelope,
            Pane::Layers,
            Pane::Keys,
            Pane::Narrative,
            Pane::Checks,
            Pane::Envelope
        ]
    );
    update(&mut app, Action::FocusPrev);
    assert_eq!(app.focus, Pane::Checks);
    for pane in Pane::ALL {
        update(&mut app, Action::Focus(pane));
        assert_eq!(app.focus, pane);
    }
    // The tabbed layout keeps showing the last pane that was not the envelope.
    assert_eq!(app.tab, Pane::Checks);
    update(&mut app, Action::Focus(Pane::Envelope));
    assert_eq!(app.tab, Pane::Checks);
}

#[test]
fn moving_in_each_pane_scrolls_or_selects_and_clamps() {
    let mut app = walk("direct", None);
    update(&mut app, Action::Resize(120, 40));
    update(&mut app, Action::LastStep);
    // Envelope: the cursor moves by rows and the view follows it, never past the end nor
    // before the start.
    update(&mut app, Action::Focus(Pane::Envelope));
    app.envelope_scroll = 0;
    update(&mut app, Action::Up);
    assert_eq!(app.envelope_scroll, 0);
    assert_eq!(app.envelope_cursor, app.envelope_row_start(0));
    update(&mut app, Action::Up);
    assert_eq!(app.envelope_cursor, app.envelope_row_start(0));
    for _ in 0..1000 {
        update(&mut app, Action::PageDown);
    }
    let (rows, height) = envelope_geometry(&app);
    assert_eq!(app.envelope_scroll, rows.len() - height);
    let last = rows.last().unwrap();
    assert!((last.start..=last.end).contains(&app.envelope_cursor.unwrap()));
    for _ in 0..2 {
        update(&mut app, Action::PageUp);
    }
    assert!(app.envelope_scroll < rows.len() - height);
    // Narrative: scrolls down and back to the top.
    update(&mut app, Action::Focus(Pane::Narrative));
    update(&mut app, Action::Down);
    assert_eq!(app.narrative_scroll, 1);
    update(&mut app, Action::PageUp);
    assert_eq!(app.narrative_scroll, 0);
    // Lists: selection moves and stops at both ends.
    for pane in [Pane::Layers, Pane::Keys, Pane::Checks] {
        update(&mut app, Action::Focus(pane));
        let len = match pane {
            Pane::Layers => app
                .session
                .as_ref()
                .unwrap()
                .view(app.step)
                .layer_rows
                .len(),
            Pane::Keys => app.session.as_ref().unwrap().steps[app.step]
                .snapshot
                .ledger
                .keys()
                .len(),
            _ => app.session.as_ref().unwrap().steps[app.step]
                .snapshot
                .checks
                .len(),
        };
        assert!(len > 1, "{pane:?} has {len} items");
        update(&mut app, Action::Up);
        assert_eq!(app.list(pane).selected, 0);
        update(&mut app, Action::Down);
        assert_eq!(app.list(pane).selected, 1);
        update(&mut app, Action::PageDown);
        update(&mut app, Action::PageDown);
        update(&mut app, Action::PageDown);
        assert_eq!(app.list(pane).selected, len - 1);
        update(&mut app, Action::PageUp);
        assert!(app.list(pane).selected < len - 1);
        assert_eq!(app.linked, Some(pane));
    }
}

#[test]
fn a_selection_is_clamped_when_the_step_has_fewer_items() {
    let mut app = walk("direct", None);
    update(&mut app, Action::LastStep);
    update(&mut app, Action::Focus(Pane::Layers));
    update(&mut app, Action::PageDown);
    update(&mut app, Action::PageDown);
    update(&mut app, Action::FirstStep);
    assert_eq!(app.layers.selected, 0);
}

#[test]
fn enter_opens_a_detail_on_list_panes_only_and_esc_goes_back() {
    let mut app = walk("direct", None);
    update(&mut app, Action::LastStep);
    for pane in [Pane::Envelope, Pane::Narrative] {
        update(&mut app, Action::Focus(pane));
        update(&mut app, Action::Open);
        assert!(app.overlay.is_none(), "{pane:?} has no detail");
    }
    for pane in [Pane::Layers, Pane::Keys, Pane::Checks] {
        update(&mut app, Action::Focus(pane));
        update(&mut app, Action::Open);
        let Some(Overlay::Detail(d)) = &app.overlay else {
            panic!("{pane:?}: no detail")
        };
        assert!(!d.lines.is_empty());
        // Moving scrolls the overlay, not the pane below.
        let selected = app.list(pane).selected;
        update(&mut app, Action::Down);
        assert_eq!(app.list(pane).selected, selected);
        let Some(Overlay::Detail(d)) = &app.overlay else {
            unreachable!()
        };
        assert_eq!(d.scroll, 1);
        update(&mut app, Action::Back);
        assert!(app.overlay.is_none());
    }
    update(&mut app, Action::Back);
    assert_eq!(app.screen, Screen::Picker);
}

#[test]
fn toggles_help_maximize_reveal_and_quit() {
    let mut app = walk("direct", None);
    update(&mut app, Action::ToggleHelp);
    assert!(matches!(app.overlay, Some(Overlay::Help { .. })));
    update(&mut app, Action::NextStep);
    assert_eq!(app.step, 0, "keys under the help overlay do nothing");
    update(&mut app, Action::ToggleHelp);
    assert!(app.overlay.is_none());
    update(&mut app, Action::ToggleMaximize);
    assert!(app.maximized);
    update(&mut app, Action::Back);
    assert!(!app.maximized, "Esc restores a maximized pane first");
    assert_eq!(app.screen, Screen::Walk);
    update(&mut app, Action::ToggleReveal);
    assert!(app.reveal);
    update(&mut app, Action::ToggleReveal);
    assert!(!app.reveal);
    update(&mut app, Action::Quit);
    assert!(app.quit);
}

#[test]
fn the_picker_opens_patterns_variants_and_tampers() {
    let mut app = App::new(UiOptions::default());
    assert_eq!(app.screen, Screen::Picker);
    update(&mut app, Action::Up);
    assert_eq!(app.picker.selected, 0);
    update(&mut app, Action::Open);
    assert_eq!(app.screen, Screen::Walk);
    assert_eq!(
        app.session
            .as_ref()
            .unwrap()
            .walk_origin()
            .unwrap()
            .info
            .name,
        "direct"
    );
    update(&mut app, Action::Back);
    // The first tamper row under "direct" opens at the receiver's step, which fails.
    update(&mut app, Action::Down);
    update(&mut app, Action::Open);
    let session = app.session.as_ref().unwrap();
    assert_eq!(
        session.walk_origin().unwrap().tamper.map(|t| t.name()),
        Some("change-body")
    );
    let checks = &session.steps[app.step].snapshot.checks;
    assert!(checks.iter().any(|c| !c.ok), "{checks:?}");
    update(&mut app, Action::Back);
    update(&mut app, Action::LastStep);
    update(&mut app, Action::Down);
    update(&mut app, Action::Open);
    assert_eq!(
        app.session
            .as_ref()
            .unwrap()
            .walk_origin()
            .unwrap()
            .info
            .name,
        "request-reply"
    );
}

#[test]
fn selected_items_highlight_the_element_they_name() {
    let mut app = walk("direct", None);
    let session = app.session.as_ref().unwrap();
    let receiver = session.receiver_step();
    update(&mut app, Action::Resize(120, 40));
    app.open_at(receiver);
    update(&mut app, Action::Focus(Pane::Layers));
    let text = app.session.as_ref().unwrap().steps[app.step]
        .snapshot
        .envelope
        .as_ref()
        .unwrap()
        .text
        .clone();
    let mut names = Vec::new();
    for _ in 0..app
        .session
        .as_ref()
        .unwrap()
        .view(app.step)
        .layer_rows
        .len()
    {
        let spans = app.highlighted_spans();
        names.extend(spans.iter().map(|s| {
            let slice = &text[s.range()];
            slice[1..slice.find([' ', '>']).unwrap()].to_string()
        }));
        update(&mut app, Action::Down);
    }
    for expected in [
        "xenc:EncryptedKey",
        "ds:Signature",
        "s:Body",
        "wsu:Timestamp",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} not in {names:?}"
        );
    }
    // The highlighted element is scrolled into view.
    update(&mut app, Action::FirstStep);
    app.open_at(receiver);
    let first = app.highlighted_spans()[0].start as usize;
    let (rows, height) = envelope_geometry(&app);
    let row = rows.iter().position(|r| r.end > first).unwrap();
    assert!(row >= app.envelope_scroll && row < app.envelope_scroll + height);
}

#[test]
fn resize_wheel_and_click() {
    let mut app = walk("direct", None);
    update(&mut app, Action::Resize(120, 40));
    let layers = wskex::tui::layout::areas(&app).pane(Pane::Layers).unwrap();
    update(
        &mut app,
        Action::Click {
            column: layers.x + 2,
            row: layers.y + 2,
        },
    );
    assert_eq!(app.focus, Pane::Layers);
    update(&mut app, Action::LastStep);
    let envelope = wskex::tui::layout::areas(&app)
        .pane(Pane::Envelope)
        .unwrap();
    app.envelope_scroll = 0;
    update(
        &mut app,
        Action::Wheel {
            column: envelope.x + 3,
            row: envelope.y + 3,
            down: true,
        },
    );
    assert_eq!(app.focus, Pane::Envelope);
    assert_eq!(app.envelope_scroll, 3);
    update(&mut app, Action::Resize(100, 30));
    assert_eq!(app.size, (100, 30));
    assert_eq!(
        wskex::tui::layout::areas(&app).panes.len(),
        2,
        "tabs layout"
    );
    update(&mut app, Action::Resize(60, 20));
    assert!(wskex::tui::layout::areas(&app).panes.is_empty());
}

#[test]
#[should_panic(expected = "test-only panic")]
fn the_test_panic_action_panics() {
    let mut app = walk("direct", None);
    update(&mut app, Action::TestPanic);
}

#[test]
fn the_keymap_answers_presses_only_and_by_context() {
    let mut app = walk("direct", None);
    let mut release = press(KeyCode::Char('n'));
    release.kind = KeyEventKind::Release;
    assert_eq!(keymap::action_for(&release, &app), None);
    assert_eq!(
        keymap::action_for(&press(KeyCode::Char('n')), &app),
        Some(Action::NextStep)
    );
    assert_eq!(
        keymap::action_for(&press(KeyCode::F(1)), &app),
        Some(Action::ToggleHelp)
    );
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(keymap::action_for(&ctrl_c, &app), Some(Action::Quit));
    // `r` works where the keys are; Enter on list panes and, in the Envelope, on what is
    // under the cursor, not in the Narrative.
    assert_eq!(app.focus, Pane::Envelope);
    assert_eq!(keymap::action_for(&press(KeyCode::Char('r')), &app), None);
    assert_eq!(
        keymap::action_for(&press(KeyCode::Enter), &app),
        Some(Action::Open)
    );
    update(&mut app, Action::Focus(Pane::Narrative));
    assert_eq!(keymap::action_for(&press(KeyCode::Enter), &app), None);
    update(&mut app, Action::Focus(Pane::Keys));
    assert_eq!(
        keymap::action_for(&press(KeyCode::Char('r')), &app),
        Some(Action::ToggleReveal)
    );
    assert_eq!(
        keymap::action_for(&press(KeyCode::Enter), &app),
        Some(Action::Open)
    );
    // The test hook is off unless asked for, and never listed.
    assert_eq!(keymap::action_for(&press(KeyCode::F(12)), &app), None);
    assert!(
        keymap::help_lines(false)
            .iter()
            .all(|(_, help, _)| !help.is_empty())
    );
    let hooked = App::new(UiOptions {
        test_hooks: true,
        ..UiOptions::default()
    });
    assert_eq!(
        keymap::action_for(&press(KeyCode::F(12)), &hooked),
        Some(Action::TestPanic)
    );
    // The key bar lists only bindings that work here.
    let bar = keymap::bar(&app);
    assert!(bar.iter().any(|(_, w)| *w == "reveal"));
    assert!(KEYMAP.iter().any(|b| b.when == When::Picker));
}

#[test]
fn search_types_a_query_and_jumps_between_matches() {
    let mut app = walk("direct", None);
    update(&mut app, Action::Resize(120, 40));
    update(&mut app, Action::LastStep);
    let slash = press(KeyCode::Char('/'));
    assert_eq!(keymap::action_for(&slash, &app), Some(Action::SearchStart));
    update(&mut app, Action::SearchStart);
    // While typing, letters that are keys elsewhere go into the query.
    for c in "Body".chars() {
        let action = keymap::action_for(&press(KeyCode::Char(c)), &app).unwrap();
        assert_eq!(action, Action::SearchInput(c));
        update(&mut app, action);
    }
    assert_eq!(
        keymap::action_for(&press(KeyCode::Char('q')), &app),
        Some(Action::SearchInput('q'))
    );
    update(&mut app, Action::SearchInput('x'));
    update(&mut app, Action::SearchBackspace);
    let found = app.search_matches();
    assert!(found.len() >= 2, "{found:?}");
    update(&mut app, Action::SearchNext);
    let search = app.search.clone().unwrap();
    assert!(!search.editing);
    assert_eq!(search.current, Some(0));
    assert_eq!(app.focus, Pane::Envelope);
    assert_eq!(
        keymap::action_for(&press(KeyCode::Enter), &app),
        Some(Action::SearchNext)
    );
    update(&mut app, Action::SearchNext);
    assert_eq!(app.search.as_ref().unwrap().current, Some(1));
    let (rows, height) = envelope_geometry(&app);
    let row = rows
        .iter()
        .position(|r| r.end > found[1].start as usize)
        .unwrap();
    assert!(row >= app.envelope_scroll && row < app.envelope_scroll + height);
    update(&mut app, Action::SearchStart);
    update(&mut app, Action::SearchCancel);
    assert!(app.search.is_none());
}

#[test]
fn a_tampered_body_shows_both_digests_in_the_reference_detail() {
    let session = Session::walk("direct", None, 1, Some("change-body")).unwrap();
    let receiver = session.receiver_step();
    let mut app = App::with_session(UiOptions::default(), session);
    app.open_at(receiver);
    update(&mut app, Action::Focus(Pane::Layers));
    let rows = app
        .session
        .as_ref()
        .unwrap()
        .view(app.step)
        .layer_rows
        .len();
    let mut failed = None;
    for _ in 0..rows {
        update(&mut app, Action::Open);
        if let Some(Overlay::Detail(d)) = &app.overlay
            && d.lines.iter().any(|l| l.text.contains("they differ"))
        {
            failed = Some(d.clone());
        }
        update(&mut app, Action::Back);
        update(&mut app, Action::Down);
    }
    let d = failed.expect("a reference whose digests differ");
    assert!(d.title.contains("#Body"), "{}", d.title);
    let stated = d
        .lines
        .iter()
        .find(|l| l.text.starts_with("stated digest"))
        .unwrap();
    let computed = d
        .lines
        .iter()
        .find(|l| l.text.starts_with("computed digest"))
        .unwrap();
    assert_ne!(stated.text[18..], computed.text[18..]);
}

#[test]
fn the_tamper_menu_replays_the_walk_at_the_receivers_step() {
    let mut app = walk("delegated", Some("within-rights"));
    let t = press(KeyCode::Char('t'));
    assert_eq!(keymap::action_for(&t, &app), Some(Action::OpenTamperMenu));
    update(&mut app, Action::OpenTamperMenu);
    // The first attack is selected; the untouched walk is the last row.
    let Some(Overlay::Tamper { selected }) = app.overlay else {
        panic!("no menu")
    };
    let rows = wskex::tui::tamper_menu::rows(app.session.as_ref().unwrap());
    assert_eq!(selected, 0);
    assert_eq!(rows.last(), Some(&None));
    update(&mut app, Action::PageDown);
    assert_eq!(
        keymap::action_for(&press(KeyCode::Enter), &app),
        Some(Action::Open)
    );
    update(&mut app, Action::Up);
    update(&mut app, Action::Open);
    assert!(app.overlay.is_none());
    let session = app.session.as_ref().unwrap();
    assert_eq!(session.walk_origin().unwrap().variant, "within-rights");
    assert_eq!(session.walk_origin().unwrap().tamper, rows[rows.len() - 2]);
    assert_eq!(app.step, session.receiver_step());
    assert!(
        session.steps[app.step]
            .snapshot
            .checks
            .iter()
            .any(|c| !c.ok)
    );
    // Choosing "none" plays it untouched again.
    update(&mut app, Action::OpenTamperMenu);
    update(&mut app, Action::PageDown);
    update(&mut app, Action::Open);
    let session = app.session.as_ref().unwrap();
    assert_eq!(session.walk_origin().unwrap().tamper, None);
    assert!(
        session
            .steps
            .iter()
            .all(|s| s.snapshot.checks.iter().all(|c| c.ok))
    );
}

#[test]
fn ctrl_z_suspends_while_searching_and_while_editing() {
    let ctrl_z = KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL);
    let mut app = walk("direct", None);
    update(&mut app, Action::Resize(120, 40));
    update(&mut app, Action::SearchStart);
    assert_eq!(keymap::action_for(&ctrl_z, &app), Some(Action::Suspend));
    // A plain z is still typed into the query.
    let z = KeyEvent::new(KeyCode::Char('z'), KeyModifiers::NONE);
    assert_eq!(keymap::action_for(&z, &app), Some(Action::SearchInput('z')));
    update(&mut app, Action::SearchCancel);
    let receiver = app.session.as_ref().unwrap().receiver_step();
    app.open_at(receiver);
    update(&mut app, Action::EditStart);
    assert!(app.editor.is_some());
    assert_eq!(keymap::action_for(&ctrl_z, &app), Some(Action::Suspend));
    update(&mut app, Action::Suspend);
    assert!(app.suspend, "the event loop suspends");
    assert!(app.editor.is_some(), "and the edit is still open on resume");
    // In a prompt too.
    update(&mut app, Action::EditLeave);
    update(&mut app, Action::ExportStart);
    assert_eq!(keymap::action_for(&ctrl_z, &app), Some(Action::Suspend));
}
