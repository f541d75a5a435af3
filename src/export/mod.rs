//! Annotated XML: each captured message exactly as received, with `<!--wskex: ... -->`
//! comments between tags saying what each token, key, signature, reference target and
//! encrypted part is and how it fared, and a heading comment with the pattern, the verdict and
//! the findings.
//!
//! The export is evidence an auditor hands on, so it must not change what it describes:
//! comments go only where no digest sees them (see [`annotate`]), nothing else is added, and
//! removing every `<!--wskex:` comment gives the input back byte for byte. The caller re-checks
//! the exported files with the same keys ([`Verdict`]) and refuses to write when anything differs.

mod annotate;
pub mod checked;
pub mod comment;

use std::collections::BTreeMap;

use crate::audit::CapturedMessage;
use crate::audit::conversation::{ConversationResult, MessageResult};
use crate::audit::pattern::PatternMatch;
use crate::receive::Severity;
use crate::xml::whitespace::WhitespaceMode;
use crate::xml::{Document, IdAttributes, SourceEncoding};

pub use annotate::{Annotations, MessageHeading};
pub use comment::{MARKER, strip_text};

/// Why a set of messages cannot be exported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error("{file}: already holds <!--wskex: comments (export the original capture instead)")]
    AlreadyAnnotated { file: String },
    #[error(
        "{file}: the envelope is not one contiguous range of the file (de-chunked or decoded): it cannot be annotated in place"
    )]
    NotContiguous { file: String },
    #[error("{file}: the file changed since it was read")]
    Changed { file: String },
    #[error("{file}: cannot be parsed again for annotation: {reason}")]
    Unparsable { file: String, reason: String },
    #[error("{file}: removing the annotations does not give the input back; nothing written")]
    RoundTrip { file: String },
    #[error(
        "{file}: message {message} gets a different verdict once annotated ({detail}); nothing written"
    )]
    VerdictChanged {
        file: String,
        message: usize,
        detail: String,
    },
}

/// One input file and its annotated bytes.
#[derive(Debug, Clone)]
pub struct ExportedFile {
    pub file: String,
    pub bytes: Vec<u8>,
    pub comments: usize,
}

/// What a message's check came to, compared before and after annotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    ok: bool,
    signatures: Vec<(bool, WhitespaceMode)>,
    encryptions: Vec<bool>,
    findings: Vec<(Severity, String)>,
}

impl Verdict {
    pub fn of(m: &MessageResult) -> Verdict {
        let mut findings: Vec<(Severity, String)> = m
            .findings
            .iter()
            .map(|f| (f.severity, f.code.to_string()))
            .collect();
        findings.sort();
        Verdict {
            ok: m.ok,
            signatures: m
                .signatures
                .iter()
                .map(|s| (s.report.valid, s.whitespace_mode))
                .collect(),
            encryptions: m.encryptions().iter().map(|e| e.ok).collect(),
            findings,
        }
    }

    /// What differs from `other`, in words.
    pub fn difference(&self, other: &Verdict) -> Option<String> {
        if self == other {
            return None;
        }
        let mut parts = Vec::new();
        if self.ok != other.ok {
            parts.push(format!("ok {} -> {}", self.ok, other.ok));
        }
        if self.signatures != other.signatures {
            parts.push("signature verdicts differ".to_string());
        }
        if self.encryptions != other.encryptions {
            parts.push("decryption verdicts differ".to_string());
        }
        if self.findings != other.findings {
            parts.push("findings differ".to_string());
        }
        Some(parts.join(", "))
    }
}

/// Settings for one export.
pub struct ExportOptions<'a> {
    pub id_attributes: &'a IdAttributes,
    pub reveal_secrets: bool,
}

/// The annotated files of a processed conversation. `read_file` gives the bytes of an input
/// file as it is now (the messages only hold their envelopes).
pub fn export_conversation(
    messages: &[CapturedMessage],
    result: &ConversationResult,
    patterns: &[PatternMatch],
    options: &ExportOptions<'_>,
    read_file: &dyn Fn(&str) -> std::io::Result<Vec<u8>>,
) -> Result<Vec<ExportedFile>, ExportError> {
    let mut by_file: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut order = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        if !by_file.contains_key(m.file.as_str()) {
            order.push(m.file.as_str());
        }
        by_file.entry(m.file.as_str()).or_default().push(i);
    }
    let mut files = Vec::new();
    for file in order {
        let original = read_file(file).map_err(|_| ExportError::Changed {
            file: file.to_string(),
        })?;
        if contains(&original, MARKER.as_bytes()) || contains_utf16_marker(&original) {
            return Err(ExportError::AlreadyAnnotated {
                file: file.to_string(),
            });
        }
        let mut bytes = Vec::with_capacity(original.len() + 4096);
        let mut copied = 0;
        let mut comments = 0;
        for &i in &by_file[file] {
            let message = &messages[i];
            let offset = message
                .soap_offset
                .ok_or_else(|| ExportError::NotContiguous {
                    file: file.to_string(),
                })?;
            let end = offset + message.soap.len();
            if original.get(offset..end) != Some(message.soap.as_slice()) || offset < copied {
                return Err(ExportError::Changed {
                    file: file.to_string(),
                });
            }
            bytes.extend_from_slice(&original[copied..offset]);
            let heading = MessageHeading {
                pattern: &pattern_words(patterns, i + 1),
                position: i + 1,
                count: messages.len(),
            };
            let (annotated, count) =
                annotate_message(message, &result.messages[i], result, &heading, options)?;
            bytes.extend_from_slice(&annotated);
            comments += count;
            copied = end;
        }
        bytes.extend_from_slice(&original[copied..]);
        if strip_bytes(&bytes) != original {
            return Err(ExportError::RoundTrip {
                file: file.to_string(),
            });
        }
        files.push(ExportedFile {
            file: file.to_string(),
            bytes,
            comments,
        });
    }
    Ok(files)
}

/// The pattern a message takes part in, as the heading names it.
fn pattern_words(patterns: &[PatternMatch], position: usize) -> String {
    patterns
        .iter()
        .find(|p| p.messages.contains(&position))
        .map(|p| match p.variant {
            Some(v) => format!("{} ({v})", p.name.as_str()),
            None => p.name.as_str().to_string(),
        })
        .unwrap_or_else(|| "none identified".to_string())
}

fn annotate_message(
    message: &CapturedMessage,
    result: &MessageResult,
    conversation: &ConversationResult,
    heading: &MessageHeading<'_>,
    options: &ExportOptions<'_>,
) -> Result<(Vec<u8>, usize), ExportError> {
    let received =
        Document::parse(message.soap.clone(), message.source_name.clone()).map_err(|e| {
            ExportError::Unparsable {
                file: message.file.clone(),
                reason: e.to_string(),
            }
        })?;
    let notes = annotate::annotations(
        &received,
        result,
        &conversation.store.keyring,
        heading,
        options.id_attributes,
        options.reveal_secrets,
    );
    let encoding = received.encoding();
    let text = received.text();
    let mut annotated = String::with_capacity(text.len() + notes.len() * 128);
    let mut copied = 0;
    for (&at, parts) in &notes {
        annotated.push_str(&text[copied..at]);
        annotated.push_str(&comment::comment(parts, encoding));
        copied = at;
    }
    annotated.push_str(&text[copied..]);
    let mut bytes = comment::byte_order_mark(&message.soap, encoding).to_vec();
    bytes.extend_from_slice(&comment::encode(&annotated, encoding));
    Ok((bytes, notes.len()))
}

/// The bytes with every `<!--wskex: ... -->` comment removed, in their own encoding.
pub fn strip_bytes(bytes: &[u8]) -> Vec<u8> {
    if let Some(encoding) = utf16_encoding(bytes) {
        let bom = comment::byte_order_mark(bytes, encoding).len();
        let units = bytes[bom..].chunks_exact(2).map(|p| match encoding {
            SourceEncoding::Utf16Le => u16::from_le_bytes([p[0], p[1]]),
            _ => u16::from_be_bytes([p[0], p[1]]),
        });
        let Ok(text) = char::decode_utf16(units).collect::<Result<String, _>>() else {
            return bytes.to_vec();
        };
        let mut out = bytes[..bom].to_vec();
        out.extend_from_slice(&comment::encode(&strip_text(&text), encoding));
        return out;
    }
    // Every other encoding wskex reads is ASCII-compatible, and comments are ASCII there.
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some(start) = find(rest, MARKER.as_bytes()) {
        out.extend_from_slice(&rest[..start]);
        match find(&rest[start..], b"-->") {
            Some(end) => rest = &rest[start + end + 3..],
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.extend_from_slice(rest);
    out
}

fn utf16_encoding(bytes: &[u8]) -> Option<SourceEncoding> {
    match bytes {
        [0xFF, 0xFE, ..] | [b'<', 0, b'?', 0, ..] => Some(SourceEncoding::Utf16Le),
        [0xFE, 0xFF, ..] | [0, b'<', 0, b'?', ..] => Some(SourceEncoding::Utf16Be),
        _ => None,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find(haystack, needle).is_some()
}

fn contains_utf16_marker(bytes: &[u8]) -> bool {
    utf16_encoding(bytes).is_some() && strip_bytes(bytes) != bytes
}
