//! The `wskex` binary: parse arguments, run, turn the outcome into an exit code.

use std::io::{BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use wskex::cli::{Cli, ClosedPipeTolerant, Command, run};

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
    // lines, and a line-buffered stdout would make a system call for each. A reader that
    // closes the pipe early only stops the output: the exit code stays the run's own.
    let mut out =
        BufWriter::with_capacity(1 << 16, ClosedPipeTolerant::new(std::io::stdout().lock()));
    let mut err = ClosedPipeTolerant::new(std::io::stderr());
    let result = run(cli, &mut out, &mut err);
    let flushed = out.flush();
    match result {
        Ok(outcome) => match flushed {
            Ok(()) => outcome.exit_code(),
            Err(e) => {
                let _ = writeln!(err, "error: cannot write to standard output: {e}");
                ExitCode::from(2)
            }
        },
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            ExitCode::from(2)
        }
    }
}
