//! The command line: argument definitions (clap) and one file per subcommand.
//!
//! Subcommands return an [`Outcome`] or a [`CliError`]; only `main` turns them into text and
//! exit codes: 0 everything checked out, 1 a check failed, 2 usage error or bad input.

mod c14n;
mod canonical_excerpt;
mod closed_pipe;
mod decrypt;
mod derive;
mod export;
mod input;
mod inspect;
mod inspect_each;
mod keys;
mod processing_args;
mod report_format;
mod sarif;
mod security_headers;
pub mod tui;
mod verify;
mod verify_repair;
mod walk;
mod walk_manifest;
mod words;
mod ws_security;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::safe_text::{escape, one_line};
use crate::safe_write::SafeWriteError;
use crate::xml::XmlError;

pub use closed_pipe::ClosedPipeTolerant;
pub use input::read_input;

/// wskex: explore, debug and audit WS-Security / WS-Trust key exchange.
#[derive(Debug, Parser)]
#[command(
    name = "wskex",
    version,
    about = "Explore, debug and audit WS-Security and WS-Trust 1.4 key exchange",
    long_about = "Explore, debug and audit WS-Security and WS-Trust 1.4 key exchange.\n\n\
                  Exit codes: 0 when every check passed, 1 when a check failed (a bad signature, \
                  a failed decryption), 2 for a usage error or unreadable/malformed input (the \
                  message names file:line:col)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The terminal UI's look when `wskex` alone opens it.
    #[command(flatten)]
    pub ui: tui::UiArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    // No doc comments here: they would replace each command's own about/long_about.
    C14n(c14n::C14nArgs),
    Verify(verify::VerifyArgs),
    Decrypt(decrypt::DecryptArgs),
    Walk(walk::WalkArgs),
    Inspect(inspect::InspectArgs),
    Derive(derive::DeriveArgs),
    Export(export::ExportArgs),
    Tui(tui::TuiArgs),
}

/// How a command that ran to completion turned out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything checked out (exit 0).
    Success,
    /// A check failed: bad signature, failed decryption (exit 1).
    ChecksFailed,
}

impl Outcome {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Success => ExitCode::SUCCESS,
            Outcome::ChecksFailed => ExitCode::from(1),
        }
    }
}

/// Why a command could not run (exit 2). The message is one line and names the input; what
/// it quotes (file names, values from the input) is escaped.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{}", one_line(.0))]
    Usage(String),
    #[error("{0}")]
    Xml(#[from] XmlError),
    #[error("{}: {}", escape(path), one_line(&source.to_string()))]
    Io { path: String, source: io::Error },
    #[error("{}", one_line(.0))]
    Input(String),
    #[error(transparent)]
    Write(#[from] SafeWriteError),
}

/// Runs a parsed command line, writing results to `stdout` and reports meant for a person
/// beside a document on `stdout` to `stderr`.
pub fn run(cli: Cli, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<Outcome, CliError> {
    match cli.command {
        None => {
            let mut help = <Cli as clap::CommandFactory>::command();
            write!(stdout, "{}", help.render_long_help()).map_err(stdout_error)?;
            Ok(Outcome::Success)
        }
        Some(Command::C14n(args)) => c14n::run(&args, stdout),
        Some(Command::Verify(args)) => verify::run(&args, stdout),
        Some(Command::Decrypt(args)) => decrypt::run(&args, stdout, stderr),
        Some(Command::Derive(args)) => derive::run(&args, stdout),
        Some(Command::Inspect(args)) => inspect::run(&args, stdout),
        Some(Command::Walk(args)) => walk::run(&args, stdout),
        Some(Command::Export(args)) => export::run(&args, stdout),
        Some(Command::Tui(args)) => tui::run(&args),
    }
}

pub(crate) fn stdout_error(source: io::Error) -> CliError {
    CliError::Io {
        path: "<stdout>".into(),
        source,
    }
}

pub(crate) fn stderr_error(source: io::Error) -> CliError {
    CliError::Io {
        path: "<stderr>".into(),
        source,
    }
}
