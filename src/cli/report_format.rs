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

/// Writes a JSON report (not SARIF, whose shape is a standard's): its fields after a first
/// `schema_version`, so scripts can tell which shape they read.
pub fn write_json_report<T: serde::Serialize + ?Sized>(
    out: &mut dyn std::io::Write,
    report: &T,
) -> std::io::Result<()> {
    let value = serde_json::to_value(report).map_err(std::io::Error::other)?;
    let mut versioned = serde_json::Map::new();
    versioned.insert(
        "schema_version".into(),
        crate::exchange::SCHEMA_VERSION.into(),
    );
    match value {
        serde_json::Value::Object(fields) => versioned.extend(fields),
        other => {
            versioned.insert("report".into(), other);
        }
    }
    crate::safe_text::write_json_pretty(out, &serde_json::Value::Object(versioned))
}
