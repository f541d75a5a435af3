//! Findings for the verification work the receiver refused to do: a reference left unchecked
//! because the message's canonicalize-and-digest budget was spent is an error (a hostile
//! message, or one the auditor must check by other means), never a pass.

use crate::dsig::{ReferenceStatus, SignatureReport};
use crate::xml::Document;

use super::Finding;
use super::finding_code::FindingCode;

/// One error finding per signature with references left unchecked.
/// `doc` is the version of the document the reports' spans point into.
pub fn unchecked_references(doc: &Document, signatures: &[SignatureReport]) -> Vec<Finding> {
    signatures
        .iter()
        .filter_map(|signature| {
            let unchecked = signature
                .references
                .iter()
                .filter(|r| r.status == ReferenceStatus::Unchecked)
                .count();
            (unchecked > 0).then(|| {
                FindingCode::WorkLimit
                    .finding(
                    format!(
                        "signature {}: {unchecked} of {} references not checked: digesting them would pass the message's canonicalization work limit (thousands of references to large elements)",
                        signature.id.as_deref().unwrap_or(&signature.path),
                        signature.references.len()
                    ),
                    Some(signature.line),
                )
                    .located(doc, signature.span)
            })
        })
        .collect()
}
