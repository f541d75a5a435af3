//! Reading input files (or standard input) with the size limit applied before reading.

use std::io::Read;

use super::CliError;
use crate::xml::ParseOptions;

/// Reads `path` (`-` for standard input), refusing files above the parser's size limit
/// without reading them. Returns the bytes and the name to use in messages.
pub fn read_input(path: &str) -> Result<(Vec<u8>, String), CliError> {
    let limit = ParseOptions::default().max_input_bytes;
    let io_error = |source| CliError::Io {
        path: path.to_string(),
        source,
    };
    if path == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(limit as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(io_error)?;
        return Ok((bytes, "<stdin>".to_string()));
    }
    let meta = std::fs::metadata(path).map_err(io_error)?;
    if meta.is_dir() {
        return Err(CliError::Input(format!(
            "{path}: is a directory, expected a file"
        )));
    }
    if meta.len() > limit as u64 {
        return Err(CliError::Input(format!(
            "{path}:1:1: input is {} bytes, above the limit of {limit} bytes",
            meta.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(io_error)?;
    Ok((bytes, path.to_string()))
}
