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
