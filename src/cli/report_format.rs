//! Output formats shared by the reporting subcommands.

use clap::ValueEnum;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A short report a person can follow.
    #[default]
    Text,
    /// Machine-readable JSON.
    Json,
}
