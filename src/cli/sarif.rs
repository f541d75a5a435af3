//! `inspect --format sarif`: findings as SARIF 2.1.0, so they land in the dashboards security
//! teams already use. The rules are the findings catalogue (one per code); each result names
//! its rule, level, message, and the file, line and column it concerns.
//!
//! Columns count Unicode code points (`columnKind: unicodeCodePoints`, said explicitly: a
//! consumer that assumes SARIF's UTF-16 code units would misplace columns after characters
//! outside the BMP). `charOffset`/`charLength` (characters of the artifact, counted the same
//! way) are given only when the file is exactly the envelope in UTF-8, so that offsets into
//! the envelope text are offsets into the file.

use serde_json::{Value, json};

use crate::audit::CapturedMessage;
use crate::audit::conversation::ConversationResult;
use crate::receive::Severity;
use crate::receive::finding_code::{CATALOGUE, CatalogueEntry, FindingCode};
use crate::xml::Span;

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
    /// 1-based, in code points.
    pub column: Option<u32>,
    /// Characters of the file before the element the finding is about, and in it.
    pub characters: Option<CharRange>,
    /// 1-based position of the message in its conversation, when it came from one.
    pub message_index: Option<usize>,
}

/// A range of a file in characters (Unicode code points).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CharRange {
    pub offset: usize,
    pub length: usize,
}

/// `span` of the envelope as characters of the file, when the file is the envelope as UTF-8
/// text (no framing before it, no byte order mark, no other encoding).
fn char_range(message: &CapturedMessage, span: Span) -> Option<CharRange> {
    if message.soap_offset != Some(0) {
        return None;
    }
    let text = std::str::from_utf8(&message.soap).ok()?;
    if text.starts_with('\u{feff}') {
        return None;
    }
    let before = text.get(..span.start as usize)?;
    let inside = text.get(span.range())?;
    Some(CharRange {
        offset: before.chars().count(),
        length: inside.chars().count(),
    })
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
            let captured = messages.get(m.index);
            let file = captured.map_or_else(|| m.file.clone(), |c| c.file.clone());
            m.findings.iter().map(move |f| LocatedFinding {
                code: f.code,
                severity: f.severity,
                message: f.message.clone(),
                file: file.clone(),
                line: f.line,
                column: f.column,
                characters: captured
                    .zip(f.span)
                    .and_then(|(c, span)| char_range(c, span)),
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
        let mut region = json!({ "startLine": line });
        if let Some(column) = finding.column.filter(|c| *c > 0) {
            region["startColumn"] = json!(column);
        }
        if let Some(characters) = finding.characters {
            region["charOffset"] = json!(characters.offset);
            region["charLength"] = json!(characters.length);
        }
        physical["region"] = region;
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
