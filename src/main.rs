//! The `wskex` binary: parse arguments, run, turn the outcome into an exit code.

use std::io::{BufWriter, ErrorKind, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use wskex::cli::{Cli, Command, run};

fn main() -> ExitCode {
    let mut cli = Cli::parse();
    // No arguments on a terminal opens the TUI at the pattern picker; piped, it prints help.
    if cli.command.is_none() && std::io::stdout().is_terminal() && std::io::stdin().is_terminal() {
        cli.command = Some(Command::Tui(wskex::cli::tui::TuiArgs {
            ui: cli.ui.clone(),
            ..Default::default()
        }));
    }
    // Block-buffered: the canonical form or a decrypted document can be megabytes of short
    // lines, and a line-buffered stdout would make a system call for each.
    let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut err = std::io::stderr();
    let result = run(cli, &mut out, &mut err);
    let flushed = out.flush();
    match result {
        Ok(outcome) => match flushed {
            Ok(()) => outcome.exit_code(),
            Err(e) if e.kind() == ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: cannot write to standard output: {e}");
                ExitCode::from(2)
            }
        },
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
