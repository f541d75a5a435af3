//! `verify` tries the same repair modes as `inspect`: a signature that fails as captured is
//! checked again with re-indentation undone (`de-indented`, `santuario14`). One that then
//! verifies is reported as such, a warning naming the repair and each reference's first
//! differing byte, never as a plain valid.

use crate::dsig::SignatureReport;
use crate::dsig::diagnosis::mark_reindented;
use crate::receive::Finding;
use crate::receive::finding_code::FindingCode;
use crate::xml::Document;
use crate::xml::whitespace::{WhitespaceMode, repaired_text};

use super::verify::Checked;

/// Findings that only the re-indentation caused, dropped when a repaired run lacks them.
const COVERAGE_CODES: [&str; 3] = [
    "body-not-signed",
    "timestamp-not-signed",
    "unsigned-encrypted-key",
];

/// Re-checks the document in each repair mode; each failing signature that verifies in one
/// (the lightest first) takes that report, and a `reindented-capture` warning says so.
pub(super) fn retry_reindented(
    captured_text: &str,
    checked: &mut Checked,
    check: impl Fn(Document) -> Checked,
) {
    let Ok(original) = Document::parse_str(captured_text, checked.source_name.clone()) else {
        return;
    };
    let mut repaired_any = false;
    for mode in [WhitespaceMode::DeIndented, WhitespaceMode::Santuario14] {
        let Ok(text) = repaired_text(&original, mode, &[]) else {
            continue;
        };
        let Ok(doc) =
            Document::from_decoded_text(text, checked.source_name.clone(), &Default::default())
        else {
            continue;
        };
        let run = check(doc);
        for (i, report) in checked.reports.iter_mut().enumerate() {
            let Some(repaired) = run
                .reports
                .get(i)
                .filter(|r| !report.valid && r.valid && r.id == report.id)
            else {
                continue;
            };
            adopt(report, repaired, mode, &mut checked.findings);
            repaired_any = true;
        }
        if repaired_any {
            for code in COVERAGE_CODES
                .into_iter()
                .chain([FindingCode::UnsignedKeyTransfer.code()])
            {
                if !run.findings.iter().any(|f| f.code == code) {
                    checked.findings.retain(|f| f.code != code);
                }
            }
        }
    }
}

/// Takes the repaired report in place of the captured one (keeping where it sits in the
/// captured message), and says which repair it needed.
fn adopt(
    report: &mut SignatureReport,
    repaired: &SignatureReport,
    mode: WhitespaceMode,
    findings: &mut Vec<Finding>,
) {
    let captured = std::mem::take(&mut report.references);
    let (line, span, path) = (report.line, report.span, report.path.clone());
    *report = SignatureReport {
        line,
        span,
        path,
        ..repaired.clone()
    };
    mark_reindented(&mut report.references, &captured, mode.name());
    let needing: Vec<String> = report
        .references
        .iter()
        .filter(|r| r.cause.is_some())
        .map(|r| {
            let at = r
                .first_difference
                .map(|b| format!(" (first difference at byte {b})"))
                .unwrap_or_default();
            format!("{}{at}", r.uri.as_deref().unwrap_or("(no URI)"))
        })
        .collect();
    let needing = if needing.is_empty() {
        " (the SignedInfo needed it)".to_string()
    } else {
        format!("; references needing it: {}", needing.join(", "))
    };
    let name = report.id.clone().unwrap_or_else(|| report.path.clone());
    findings.retain(|f| !(f.code == "signature-invalid" && f.line == Some(line)));
    findings.push(FindingCode::ReindentedCapture.finding(
        format!(
            "signature {name} verifies only after undoing re-indentation ({}){needing}: the captured bytes are not what was signed",
            mode.name()
        ),
        Some(line),
    ));
}
