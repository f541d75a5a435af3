//! The first lines of a failing (or repaired) reference's canonical bytes in text reports, so
//! a reader sees what was digested, with where a repair mode found the first difference.

use std::io::Write;

use crate::dsig::verify::ReferenceReport;
use crate::safe_text::one_line;

/// Lines of canonical bytes shown.
const LINES: usize = 3;
/// Characters shown of each line.
const WIDTH: usize = 100;

/// Writes the excerpt for a reference that fails or needed a repair; nothing otherwise.
pub(super) fn write_canonical_excerpt(
    out: &mut dyn Write,
    reference: &ReferenceReport,
    indent: &str,
) -> std::io::Result<()> {
    if reference.valid && reference.cause.is_none() {
        return Ok(());
    }
    let Some(canonical) = &reference.canonical else {
        return Ok(());
    };
    let difference = reference
        .first_difference
        .map(|at| format!("; the captured bytes first differ at byte {at}"))
        .unwrap_or_default();
    if let Some(cause) = reference.cause.as_ref().filter(|_| reference.valid) {
        writeln!(out, "{indent}cause: {}", one_line(&cause.describe()))?;
    }
    writeln!(
        out,
        "{indent}canonical bytes ({} in all{difference}), first lines:",
        reference.canonical_length
    )?;
    for line in canonical.lines().take(LINES) {
        let shown: String = line.chars().take(WIDTH).collect();
        let more = if line.chars().count() > WIDTH {
            "…"
        } else {
            ""
        };
        writeln!(out, "{indent}  | {}{more}", one_line(&shown))?;
    }
    Ok(())
}
