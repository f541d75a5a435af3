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

/// `inspect`'s formats: the shared ones, and SARIF for security dashboards.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum InspectFormat {
    /// A short report a person can follow.
    #[default]
    Text,
    /// Machine-readable JSON.
    Json,
    /// SARIF 2.1.0: rules from the findings catalogue, results with file and line.
    Sarif,
}
