//! End to end in a real terminal: tmux runs the built `wskex`, keys are sent, the screen is
//! read back (open a pattern, step, help, a one-byte edit, a tamper, Ctrl-Z and fg), and after quitting (or a panic inside the loop) the terminal must be restored:
//! no alternate screen, no mouse reporting, the shell prompt back.
//!
//! Without tmux the tests print `skipped:` and pass, unless `WSKEX_REQUIRE_INTEROP` is set.

use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

const PROMPT: &str = "wskex-tui-test$ ";

/// A tmux server of our own (its own socket), killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(name: &str) -> Option<Tmux> {
        let available = Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success());
        if !available {
            if std::env::var_os("WSKEX_REQUIRE_INTEROP").is_some() {
                panic!("tmux is required (WSKEX_REQUIRE_INTEROP is set) but not installed");
            }
            println!("skipped: tmux is not installed");
            return None;
        }
        let tmux = Tmux {
            socket: format!("wskex-{name}-{}", std::process::id()),
        };
        let shell =
            format!("env -i PATH=/usr/bin:/bin TERM=xterm-256color HOME=/tmp PS1='{PROMPT}' sh");
        tmux.run(&[
            "new-session",
            "-d",
            "-x",
            "120",
            "-y",
            "40",
            "-s",
            "t",
            &shell,
        ]);
        tmux.wait_for(PROMPT.trim_end());
        Some(tmux)
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs");
        assert!(out.status.success(), "tmux {args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.run(&["send-keys", "-t", "t", k]);
            // An Esc followed at once by another key reads as Alt+key.
            sleep(Duration::from_millis(150));
        }
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "t"])
    }

    fn modes(&self) -> String {
        self.run(&[
            "display",
            "-p",
            "-t",
            "t",
            "#{alternate_on} #{mouse_any_flag}",
        ])
        .trim()
        .to_string()
    }

    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            if start.elapsed() > Duration::from_secs(20) {
                panic!("waited for {text:?}; the screen is:\n{screen}");
            }
            sleep(Duration::from_millis(100));
        }
    }

    fn wait_until_gone(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if !screen.contains(text) {
                return screen;
            }
            if start.elapsed() > Duration::from_secs(20) {
                panic!("waited for {text:?} to go; the screen is:\n{screen}");
            }
            sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

fn launch(tmux: &Tmux, env: &str) {
    let command = format!("{env} {} ; echo EXIT=$?", env!("CARGO_BIN_EXE_wskex"));
    tmux.run(&["send-keys", "-t", "t", &command, "Enter"]);
}

#[test]
fn open_step_help_quit_restores_the_terminal() {
    let Some(tmux) = Tmux::start("walk") else {
        return;
    };
    launch(&tmux, "");
    tmux.wait_for("choose a key exchange pattern");
    assert_eq!(
        tmux.modes(),
        "1 1",
        "alternate screen and mouse reporting while running"
    );
    tmux.keys(&["Enter"]);
    tmux.wait_for("step 1/10");
    tmux.keys(&["n", "n"]);
    let screen = tmux.wait_for("step 3/10");
    assert!(screen.contains("Envelope"), "{screen}");
    tmux.keys(&["p"]);
    tmux.wait_for("step 2/10");
    tmux.keys(&["?"]);
    tmux.wait_for("Keys (Esc or ? closes)");
    tmux.keys(&["Escape"]);
    tmux.wait_until_gone("Keys (Esc or ? closes)");
    // Bob's step: edit one byte of a DigestValue and watch his signature check fail.
    tmux.keys(&["n", "n"]);
    tmux.wait_for("step 4/10");
    tmux.keys(&["/", "DigestValue>", "Enter", "e"]);
    tmux.wait_for("editing step 4");
    tmux.keys(&["Right"; 12]);
    tmux.keys(&["A"]);
    let screen = tmux.wait_for("[ok->FAILED] signature");
    assert!(screen.contains("1 flipped"), "{screen}");
    tmux.keys(&["Escape"]);
    tmux.wait_for("Leave the editor");
    tmux.keys(&["d"]);
    tmux.wait_until_gone("editing step 4");
    tmux.keys(&["t"]);
    tmux.wait_for("Tamper: replay the walk");
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("tamper change-body");
    assert!(
        screen.contains("FAILED"),
        "the receiver catches it:\n{screen}"
    );
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("EXIT=0");
    assert_eq!(tmux.modes(), "0 0", "terminal restored:\n{screen}");
    assert!(
        screen.trim_end().ends_with(PROMPT.trim_end()),
        "prompt back:\n{screen}"
    );
}

#[test]
fn a_panic_inside_the_loop_restores_the_terminal() {
    let Some(tmux) = Tmux::start("panic") else {
        return;
    };
    launch(&tmux, "WSKEX_TUI_TEST_PANIC=1");
    tmux.wait_for("choose a key exchange pattern");
    assert_eq!(tmux.modes(), "1 1");
    tmux.keys(&["F12"]);
    let screen = tmux.wait_for("EXIT=101");
    assert!(screen.contains("test-only panic"), "{screen}");
    assert_eq!(tmux.modes(), "0 0", "terminal restored:\n{screen}");
    assert!(screen.trim_end().ends_with(PROMPT.trim_end()), "{screen}");
}

#[test]
fn ctrl_z_suspends_with_the_terminal_restored_and_fg_redraws() {
    let Some(tmux) = Tmux::start("suspend") else {
        return;
    };
    // Alone on the line: a stopped command would end a `;` list early.
    let command = env!("CARGO_BIN_EXE_wskex").to_string();
    tmux.run(&["send-keys", "-t", "t", &command, "Enter"]);
    tmux.wait_for("choose a key exchange pattern");
    assert_eq!(tmux.modes(), "1 1");
    tmux.keys(&["C-z"]);
    let screen = tmux.wait_until_gone("choose a key exchange pattern");
    assert_eq!(
        tmux.modes(),
        "0 0",
        "terminal restored while stopped:\n{screen}"
    );
    tmux.wait_for(PROMPT.trim_end());
    tmux.run(&["send-keys", "-t", "t", "fg", "Enter"]);
    tmux.wait_for("choose a key exchange pattern");
    assert_eq!(tmux.modes(), "1 1", "the TUI took the terminal again");
    tmux.keys(&["q"]);
    tmux.wait_until_gone("choose a key exchange pattern");
    tmux.run(&["send-keys", "-t", "t", "echo EXIT=$?", "Enter"]);
    let screen = tmux.wait_for("EXIT=0");
    assert_eq!(tmux.modes(), "0 0", "terminal restored:\n{screen}");
}
