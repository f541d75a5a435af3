//! The README's "What works today" examples run as written from the repository root: each line
//! of the block, with `wskex` standing for the built binary, exits 0 or 1 (never 2, a usage
//! error or unreadable input).

use std::path::Path;
use std::process::Command;

fn examples() -> Vec<String> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .split("## What works today")
        .nth(1)
        .expect("README has a What works today section");
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a sh block");
    block
        .lines()
        .filter(|l| l.starts_with("wskex "))
        .map(str::to_string)
        .collect()
}

#[test]
fn what_works_today_runs_as_written() {
    let examples = examples();
    assert!(examples.len() >= 10, "{examples:?}");
    // The examples write into /tmp/wskex-*: start from what a new reader has (nothing there).
    for word in examples.iter().flat_map(|l| l.split_whitespace()) {
        if let Some(name) = word.strip_prefix("/tmp/wskex-")
            && !name.is_empty()
            && !name.contains('/')
        {
            let path = Path::new("/tmp").join(format!("wskex-{name}"));
            let _ = std::fs::remove_dir_all(&path);
            let _ = std::fs::remove_file(&path);
        }
    }
    for line in examples {
        let script =
            format!("K=samples/keys; wskex() {{ \"$WSKEX_BIN\" \"$@\"; }}; {line} >/dev/null");
        let out = Command::new("bash")
            .arg("-c")
            .arg(&script)
            .env("WSKEX_BIN", env!("CARGO_BIN_EXE_wskex"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert!(
            out.status.code().is_some_and(|c| c < 2),
            "{line}\nexit {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
