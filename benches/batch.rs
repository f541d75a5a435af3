//! Batch audit throughput: `wskex inspect --each` over a folder of walkthrough conversations on
//! 1, 2 and all cores (RAYON_NUM_THREADS), median of 5 runs each, as messages per second.
//!
//! `cargo bench --bench batch` (set WSKEX_BATCH_CONVERSATIONS to change the folder's size).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const PATTERNS: &[(&str, &str)] = &[
    ("direct", "default"),
    ("brokered", "encrypted-key"),
    ("brokered", "computed-key"),
    ("delegated", "within-rights"),
    ("request-reply", "encrypt-then-sign"),
    ("request-reply", "sign-then-encrypt"),
];

fn wskex() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wskex"))
}

/// Writes `count` conversations (walkthroughs under different seeds) into `root`; returns the
/// number of messages.
fn make_folder(root: &Path, count: usize) -> usize {
    for i in 0..count {
        let (pattern, variant) = PATTERNS[i % PATTERNS.len()];
        let status = wskex()
            .args(["walk", pattern, "--variant", variant, "--seed"])
            .arg((i + 1).to_string())
            .arg("--out")
            .arg(root.join(format!("{i:05}")))
            .output()
            .expect("run wskex walk")
            .status;
        assert!(status.code().is_some_and(|c| c < 2));
    }
    walkdir_messages(root)
}

fn walkdir_messages(root: &Path) -> usize {
    std::fs::read_dir(root)
        .unwrap()
        .map(|d| {
            std::fs::read_dir(d.unwrap().path())
                .unwrap()
                .filter(|f| {
                    f.as_ref()
                        .unwrap()
                        .path()
                        .extension()
                        .is_some_and(|e| e == "xml")
                })
                .count()
        })
        .sum()
}

fn median_run(root: &Path, threads: usize) -> Duration {
    let keys = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/keys");
    let mut times: Vec<Duration> = (0..5)
        .map(|_| {
            let mut cmd = wskex();
            cmd.env("RAYON_NUM_THREADS", threads.to_string())
                .args(["inspect", "--each"])
                .arg(root);
            for party in ["alice", "bob", "sts", "carol"] {
                cmd.arg("--key")
                    .arg(keys.join(format!("{party}.key.pem")))
                    .arg("--cert")
                    .arg(keys.join(format!("{party}.cert.pem")));
            }
            let start = Instant::now();
            let out = cmd.output().expect("run wskex inspect --each");
            let elapsed = start.elapsed();
            assert!(out.status.code().is_some_and(|c| c < 2));
            elapsed
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let count: usize = std::env::var("WSKEX_BATCH_CONVERSATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let dir = tempfile::tempdir().unwrap();
    let messages = make_folder(dir.path(), count);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut configs = vec![1, 2, cores];
    configs.dedup();
    println!("batch: {count} conversations, {messages} messages");
    let mut base = None;
    for threads in configs {
        let t = median_run(dir.path(), threads);
        let per_second = messages as f64 / t.as_secs_f64();
        let speedup = base.map_or(1.0, |b: Duration| b.as_secs_f64() / t.as_secs_f64());
        base.get_or_insert(t);
        println!(
            "batch: {threads} thread(s): median {:.3} s, {per_second:.0} messages/s, {speedup:.2}x of 1 thread",
            t.as_secs_f64()
        );
    }
}
