//! How the TUI starts from the command line when there is no terminal: `wskex tui` refuses
//! with one line and exit 2, `wskex` alone prints the help as before.

use std::process::{Command, Stdio};

fn wskex(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wskex"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("wskex runs")
}

#[test]
fn tui_without_a_terminal_exits_2_with_one_line() {
    let out = wskex(&["tui", "direct"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("needs a terminal"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn no_arguments_without_a_terminal_prints_help() {
    let out = wskex(&[]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("Usage: wskex"), "{stdout}");
    assert!(
        stdout.contains("tui"),
        "the help lists the tui command: {stdout}"
    );
}

#[test]
fn a_bad_theme_or_pattern_option_is_one_line_and_exit_2() {
    for args in [
        &["tui", "--theme", "no-such-theme"][..],
        &["tui", "direct", "--variant", "nope"],
        &["tui", "--tamper", "replay"],
        &["tui", "does-not-exist.xml"],
    ] {
        let out = wskex(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(!stderr.contains("needs a terminal"), "{args:?}: {stderr}");
    }
}

#[test]
fn built_in_themes_and_colour_modes_are_accepted() {
    for args in [
        &["tui", "direct", "--theme", "dark", "--color", "truecolor"][..],
        &["tui", "direct", "--theme", "light", "--color", "16"],
        &[
            "tui",
            "direct",
            "--theme",
            "ansi",
            "--color",
            "none",
            "--no-mouse",
            "--ascii",
        ],
    ] {
        let out = wskex(args);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains("needs a terminal"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_malformed_config_is_one_line_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "theme = \"dark\"\nmouse = sometimes\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_wskex"))
        .args(["tui", "direct"])
        .env("WSKEX_CONFIG_DIR", dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("config.toml:2:"), "{stderr}");
    // A good config and a theme of the user's own, found by name in <config dir>/themes/.
    std::fs::write(dir.path().join("config.toml"), "theme = \"mine\"\n").unwrap();
    std::fs::create_dir(dir.path().join("themes")).unwrap();
    std::fs::copy(
        "themes/wskex-dark.tmTheme",
        dir.path().join("themes/mine.tmTheme"),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_wskex"))
        .args(["tui", "direct"])
        .env("WSKEX_CONFIG_DIR", dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("needs a terminal"), "{stderr}");
}

/// `tui FILE...` takes every option `inspect` takes to process messages (they flatten one
/// struct): only inspect's batch and report-format options are its own.
#[test]
fn tui_takes_every_processing_option_of_inspect() {
    use clap::CommandFactory;
    let cli = wskex::cli::Cli::command();
    let longs = |name: &str| -> Vec<String> {
        cli.find_subcommand(name)
            .unwrap()
            .get_arguments()
            .filter_map(|a| a.get_long().map(str::to_string))
            .collect()
    };
    let tui = longs("tui");
    let missing: Vec<String> = longs("inspect")
        .into_iter()
        .filter(|l| !["each", "each-file", "format"].contains(&l.as_str()))
        .filter(|l| !tui.contains(l))
        .collect();
    assert!(missing.is_empty(), "tui lacks {missing:?}");
    for named in [
        "ca",
        "clock-skew",
        "transport-secured",
        "now",
        "id-attr",
        "dk-label",
    ] {
        assert!(tui.iter().any(|l| l == named), "tui lacks --{named}");
    }
}

/// The shared options reach the capture's processing: a trust anchor that cannot be read is
/// an input error naming --ca, as in inspect; --transport-secured and --clock-skew parse.
#[test]
fn tui_capture_options_are_read_as_inspect_reads_them() {
    use clap::Parser;
    let parse = |extra: &[&str]| {
        let mut argv = vec!["wskex", "tui", "samples/direct/default"];
        argv.extend_from_slice(extra);
        let cli = wskex::cli::Cli::try_parse_from(argv).unwrap();
        let Some(wskex::cli::Command::Tui(args)) = cli.command else {
            panic!("not the tui command")
        };
        args
    };
    let args = parse(&["--ca", "no/such/ca.pem"]);
    let err = wskex::cli::tui::app_for(&args, wskex::tui::UiOptions::default()).unwrap_err();
    assert!(err.to_string().contains("--ca no/such/ca.pem"), "{err}");
    let args = parse(&[
        "--transport-secured",
        "--clock-skew",
        "5",
        "--ca",
        "samples/keys/alice.cert.pem",
    ]);
    assert!(args.processing.transport_secured);
    assert_eq!(args.processing.clock_skew, 5);
    let app = wskex::cli::tui::app_for(&args, wskex::tui::UiOptions::default()).unwrap();
    assert!(app.session.is_some());
    let out = Command::new(env!("CARGO_BIN_EXE_wskex"))
        .args(["tui", "samples/direct/default", "--clock-skew", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
