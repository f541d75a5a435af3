//! Running a wskex command in-process on fuzz bytes, the way `main` runs it.

use std::path::PathBuf;

use wskex::cli::{Cli, run};

/// The repository's sample keys, so that signatures and encryptions can get past key lookup.
pub fn sample(path: &str) -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/../samples/").to_string() + path
}

/// Writes `data` to this process's scratch file and runs `wskex ARGS... FILE EXTRA...`.
/// Errors and outcomes are fine; only a panic (or a sanitizer report) is a finding.
pub fn run_command(args: &[&str], data: &[u8], extra: &[&str]) {
    let file: PathBuf = std::env::temp_dir().join(format!("wskex-fuzz-{}.xml", std::process::id()));
    std::fs::write(&file, data).expect("scratch file");
    let file = file.to_string_lossy().into_owned();
    let mut argv = vec!["wskex"];
    argv.extend_from_slice(args);
    argv.push(&file);
    argv.extend_from_slice(extra);
    let cli = <Cli as clap::Parser>::try_parse_from(argv).expect("the arguments are valid");
    let _ = run(cli, &mut std::io::sink(), &mut std::io::sink());
}
