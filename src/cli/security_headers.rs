//! The text lines that report each wsse:Security header under its actor/role (shared by
//! `inspect` and `verify`). Written only when there is something to say beyond the one
//! header of the ultimate receiver: several headers, an actor, or a header left unprocessed.

use std::io::Write;

use crate::receive::actors::{Addressee, Disposition, SecurityHeaderReport};
use crate::safe_text::one_line;

/// Whether the headers need their own lines (the common single receiver header does not).
fn worth_reporting(headers: &[SecurityHeaderReport]) -> bool {
    headers.len() > 1 || headers.iter().any(|h| h.actor.is_some() || !h.processed())
}

/// One line per Security header, then one per signature verified under it.
pub fn write_header_reports(
    out: &mut dyn Write,
    headers: &[SecurityHeaderReport],
    indent: &str,
) -> std::io::Result<()> {
    if !worth_reporting(headers) {
        return Ok(());
    }
    for h in headers {
        let addressee = match &h.addressee {
            Addressee::Receiver => match &h.actor {
                Some(actor) => format!("the ultimate receiver (actor {})", one_line(actor)),
                None => "the ultimate receiver".to_string(),
            },
            other => one_line(&other.label()).to_string(),
        };
        let state = match h.disposition {
            Disposition::Processed => format!(
                "processed, {} item(s), {} signature(s)",
                h.items,
                h.signatures.len()
            ),
            Disposition::AddressedToNobody => format!(
                "NOT PROCESSED (role none), {} item(s), {} signature(s) unchecked",
                h.items, h.unverified_signatures
            ),
            Disposition::OtherActor => format!(
                "NOT PROCESSED (another actor was asked for), {} item(s), {} signature(s) unchecked",
                h.items, h.unverified_signatures
            ),
        };
        writeln!(
            out,
            "{indent}security header for {addressee} (line {}): {state}",
            h.line
        )?;
        for s in &h.signatures {
            writeln!(
                out,
                "{indent}  signature {} at line {}: {}",
                one_line(s.id.as_deref().unwrap_or("(no Id)")),
                s.line,
                if s.valid { "VALID" } else { "INVALID" }
            )?;
        }
    }
    Ok(())
}
