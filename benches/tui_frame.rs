//! One frame of the TUI drawn into a TestBackend at 200x60: the step with the largest envelope
//! of each pattern and variant, with a layer selected (so highlighting and scrolling run too).
//! The goal is under 8 ms a frame.
//!
//! Run: `cargo bench --bench tui_frame`

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use wskex::patterns::CATALOG;
use wskex::tui::{Action, App, ColorDepth, Palette, Pane, Session, UiOptions, ui, update};

fn frames(c: &mut Criterion) {
    let palette = Palette::default_for(ColorDepth::TrueColor);
    let mut group = c.benchmark_group("tui frame 200x60");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(2));
    for info in CATALOG {
        for variant in info.variants {
            let session = Session::walk(info.name, Some(variant), 1, None).unwrap();
            let largest = (0..session.len())
                .max_by_key(|&i| {
                    session.steps[i]
                        .snapshot
                        .envelope
                        .as_ref()
                        .map_or(0, |e| e.text.len())
                })
                .unwrap_or(0);
            let mut app = App::with_session(UiOptions::default(), session);
            update(&mut app, Action::Resize(200, 60));
            app.open_at(largest);
            update(&mut app, Action::Focus(Pane::Layers));
            let mut terminal = Terminal::new(TestBackend::new(200, 60)).unwrap();
            group.bench_function(
                format!("{}/{variant} step {}", info.name, largest + 1),
                |b| {
                    b.iter(|| {
                        terminal
                            .draw(|f| ui::draw(f, black_box(&app), &palette))
                            .unwrap();
                    })
                },
            );
        }
    }
    if let Some(dir) = std::env::var_os("WSKEX_BENCH_CAPTURE") {
        large_capture(&mut group, &dir.to_string_lossy(), &palette);
    }
    group.finish();
}

/// A large capture (`scripts/make-large-capture.sh OUT 50 0`, then
/// `WSKEX_BENCH_CAPTURE=OUT/one-message`): its first frame while it is still being processed
/// (coloured by the lexer), and a frame once its step has arrived (the parser's tokens).
fn large_capture(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    dir: &str,
    palette: &Palette,
) {
    use clap::Parser;
    let argv = ["wskex", "tui", dir, "--cert", "samples/keys/alice.cert.pem"];
    let Some(wskex::cli::Command::Tui(args)) = wskex::cli::Cli::parse_from(argv).command else {
        panic!("not the tui command")
    };
    let mut app = wskex::cli::tui::app_for(&args, UiOptions::default()).unwrap();
    update(&mut app, Action::Resize(200, 60));
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).unwrap();
    group.bench_function("capture pending (lexer)", |b| {
        b.iter(|| {
            terminal
                .draw(|f| ui::draw(f, black_box(&app), palette))
                .unwrap();
        })
    });
    wskex::tui::pending::finish_processing(&mut app);
    update(&mut app, Action::Focus(Pane::Layers));
    group.bench_function("capture processed", |b| {
        b.iter(|| {
            terminal
                .draw(|f| ui::draw(f, black_box(&app), palette))
                .unwrap();
        })
    });
    // A search open over the whole 50 MB: its matches are found once, not per frame.
    update(&mut app, Action::SearchStart);
    for c in "PurchaseOrder".chars() {
        update(&mut app, Action::SearchInput(c));
    }
    update(&mut app, Action::SearchNext);
    group.bench_function("capture searched", |b| {
        b.iter(|| {
            terminal
                .draw(|f| ui::draw(f, black_box(&app), palette))
                .unwrap();
        })
    });
}

criterion_group!(benches, frames);
criterion_main!(benches);
