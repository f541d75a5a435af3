//! `inspect --format sarif`: findings as SARIF 2.1.0, so they land in the dashboards security
//! teams already use. The rules are the findings catalogue (one per code); each result names
//! its rule, level, message, and the file and line it concerns.

use serde_json::{Value, json};

use crate::audit::CapturedMessage;
use crate::audit::conversation::ConversationResult;
use crate::wss::finding_code::{CATALOGUE, CatalogueEntry, FindingCode};
use crate::wss::processor::Severity;

/// The schema SARIF consumers validate against.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const SARIF_VERSION: &str = "2.1.0";

/// One finding, located in the file it came from.
#[derive(Debug, Clone)]
pub struct LocatedFinding {
    pub code: FindingCode,
    pub severity: Severity,
    pub message: String,
    /// The captured file (without the `#n` of a file holding several messages).
    pub file: String,
    pub line: Option<u32>,
    /// 1-based position of the message in its conversation, when it came from one.
    pub message_index: Option<usize>,
}

/// Every finding of a processed conversation, located in its file.
pub fn located_findings(
    result: &ConversationResult,
    messages: &[CapturedMessage],
) -> Vec<LocatedFinding> {
    result
        .messages
        .iter()
        .flat_map(|m| {
            let file = messages
                .get(m.index)
                .map_or_else(|| m.file.clone(), |c| c.file.clone());
            m.findings.iter().map(move |f| LocatedFinding {
                code: f.code,
                severity: f.severity,
                message: f.message.clone(),
                file: file.clone(),
                line: f.line,
                message_index: Some(m.index + 1),
            })
        })
        .collect()
}

/// The SARIF log: one run of wskex, its rules from the catalogue, and `findings` as results.
pub fn sarif_log(findings: &[LocatedFinding]) -> Value {
    json!({
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {
                "driver": {
                    "name": "wskex",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": CATALOGUE.iter().map(rule).collect::<Vec<_>>(),
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": findings.iter().map(result).collect::<Vec<_>>(),
        }]
    })
}

fn rule(entry: &CatalogueEntry) -> Value {
    json!({
        "id": entry.name,
        "name": rule_name(entry.name),
        "shortDescription": { "text": entry.title },
        "fullDescription": {
            "text": format!(
                "Precondition: {} Consequence: {}",
                sentence(entry.precondition),
                sentence(entry.consequence)
            )
        },
        "help": { "text": format!("Reference: {}", entry.reference) },
        "defaultConfiguration": { "level": level(entry.severity) },
        "properties": {
            "precondition": entry.precondition,
            "consequence": entry.consequence,
            "reference": entry.reference,
            "tags": ["security", "ws-security"],
        },
    })
}

fn result(finding: &LocatedFinding) -> Value {
    let mut physical = json!({
        "artifactLocation": { "uri": file_uri(&finding.file) },
    });
    if let Some(line) = finding.line.filter(|l| *l > 0) {
        physical["region"] = json!({ "startLine": line });
    }
    let mut result = json!({
        "ruleId": finding.code.code(),
        "ruleIndex": finding.code as usize,
        "level": level(finding.severity),
        "message": { "text": finding.message },
        "locations": [{ "physicalLocation": physical }],
    });
    if let Some(index) = finding.message_index {
        result["properties"] = json!({ "conversationMessage": index });
    }
    result
}

/// SARIF's levels: `note` is its name for information.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `signature-wrapping` -> `SignatureWrapping`, SARIF's convention for a rule's name.
fn rule_name(code: &str) -> String {
    code.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

fn sentence(text: &str) -> String {
    if text.ends_with('.') {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

/// A URI for a file path as given: a relative reference for a relative path, a `file://`
/// URI for an absolute one. Every byte outside RFC 3986's unreserved set and `/` is
/// percent-encoded, so spaces, `#`, `%` and control characters from a file name cannot
/// change what the URI names.
pub fn file_uri(path: &str) -> String {
    let mut uri = String::with_capacity(path.len() + 7);
    if path.starts_with('/') {
        uri.push_str("file://");
    }
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_become_uri_references_that_name_the_same_file() {
        assert_eq!(
            file_uri("samples/direct/01 rst.xml"),
            "samples/direct/01%20rst.xml"
        );
        assert_eq!(file_uri("a#1%b\u{202e}"), "a%231%25b%E2%80%AE");
        assert_eq!(file_uri("/tmp/x y.xml"), "file:///tmp/x%20y.xml");
    }

    #[test]
    fn rules_are_the_catalogue_in_order() {
        let log = sarif_log(&[]);
        let rules = log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap();
        assert_eq!(rules.len(), CATALOGUE.len());
        for (rule, entry) in rules.iter().zip(CATALOGUE) {
            assert_eq!(rule["id"], entry.name);
            assert_eq!(rule["defaultConfiguration"]["level"], level(entry.severity));
        }
        assert_eq!(rule_name("dkt-nonce-reused"), "DktNonceReused");
    }
}
