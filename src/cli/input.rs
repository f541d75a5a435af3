//! Reading the document of `c14n`, `verify` and `decrypt`: a file or standard input, through
//! the bounded reader every command uses (the size limit holds for pipes and devices too, and
//! an input that cannot start XML, HTTP or MIME is refused after its first block).

use super::CliError;
use crate::audit::{LoadError, MAX_INPUT_BYTES};

/// Reads `path` (`-` for standard input). Returns the bytes and the name to use in messages.
pub fn read_input(path: &str) -> Result<(Vec<u8>, String), CliError> {
    let input_error = |e: LoadError| CliError::Input(e.to_string());
    if path == "-" {
        let name = "<stdin>";
        let bytes = crate::audit::read_input(&mut std::io::stdin().lock(), name, MAX_INPUT_BYTES)
            .map_err(input_error)?;
        return Ok((bytes, name.to_string()));
    }
    let bytes =
        crate::audit::read_input_file(std::path::Path::new(path), path).map_err(input_error)?;
    Ok((bytes, path.to_string()))
}
