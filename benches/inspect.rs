//! `wskex inspect` of large captures (issue 13): one signed 50 MB message, and a conversation
//! of many ~20 KB messages, both written by `scripts/make-large-capture.sh` (signed by xmlsec1).
//! Prints the median wall time of 5 runs and the peak memory (GNU time), with the peak as a
//! multiple of the capture's size (goal for the 50 MB message: under 4x).
//!
//! `cargo bench --bench inspect`. With `WSKEX_BENCH_CAPTURE=DIR` an existing capture (the
//! script's OUTDIR) is used instead of writing a new one; `WSKEX_BENCH_MESSAGES` sets how many
//! small messages a new one has (default 300).

use std::path::{Path, PathBuf};
use std::process::Command;

const RUNS: usize = 5;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The capture folder: given, or written now into `scratch`.
fn capture(scratch: &Path) -> PathBuf {
    if let Some(dir) = std::env::var_os("WSKEX_BENCH_CAPTURE") {
        return PathBuf::from(dir);
    }
    let messages = std::env::var("WSKEX_BENCH_MESSAGES").unwrap_or_else(|_| "300".into());
    let status = Command::new(manifest_dir().join("scripts/make-large-capture.sh"))
        .arg(scratch)
        .arg("50")
        .arg(&messages)
        .status()
        .expect("run scripts/make-large-capture.sh");
    assert!(status.success(), "make-large-capture.sh failed");
    scratch.to_path_buf()
}

fn folder_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum()
}

/// One `wskex inspect DIR` under GNU time: (seconds, peak KB).
fn timed_inspect(dir: &Path, time_out: &Path) -> (f64, u64) {
    let cert = manifest_dir().join("samples/keys/alice.cert.pem");
    let status = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%e %M")
        .arg("-o")
        .arg(time_out)
        .arg(env!("CARGO_BIN_EXE_wskex"))
        .arg("inspect")
        .arg(dir)
        .arg("--cert")
        .arg(cert)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run /usr/bin/time wskex inspect");
    assert!(
        status.code().is_some_and(|c| c < 2),
        "wskex inspect {} failed: {status}",
        dir.display()
    );
    let line = std::fs::read_to_string(time_out).unwrap();
    let mut fields = line.split_whitespace();
    let seconds = fields.next().unwrap().parse().unwrap();
    let kb = fields.next().unwrap().parse().unwrap();
    (seconds, kb)
}

fn report(label: &str, dir: &Path, scratch: &Path) {
    let bytes = folder_bytes(dir);
    let time_out = scratch.join("time.out");
    let mut runs: Vec<(f64, u64)> = (0..RUNS).map(|_| timed_inspect(dir, &time_out)).collect();
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let seconds = runs[RUNS / 2].0;
    let peak_kb = runs.iter().map(|r| r.1).max().unwrap();
    println!(
        "inspect {label} ({:.1} MB): median {seconds:.3} s of {RUNS} runs, peak {:.1} MB ({:.2}x the capture)",
        bytes as f64 / 1e6,
        peak_kb as f64 / 1024.0,
        peak_kb as f64 * 1024.0 / bytes as f64,
    );
}

fn main() {
    if !Path::new("/usr/bin/time").exists() {
        eprintln!("inspect bench: /usr/bin/time (GNU time) is not installed; skipped");
        return;
    }
    let scratch = tempfile::tempdir().unwrap();
    let root = capture(scratch.path());
    report(
        "one signed message",
        &root.join("one-message"),
        scratch.path(),
    );
    let many = root.join("many-messages");
    let count = std::fs::read_dir(&many).map_or(0, |d| d.count());
    if count > 0 {
        report(
            &format!("a conversation of {count} messages"),
            &many,
            scratch.path(),
        );
    }
}
