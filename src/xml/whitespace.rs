//! Undoing the re-indentation most published captures suffered after they were sent.
//!
//! A log viewer or an author pretty-printed the message, which adds white-space text nodes and
//! breaks every digest over them; the original bytes are gone. Two repairs recover the
//! original in practice (see the captures' README):
//!
//! - **de-indented**: every white-space-only text node between tags removed;
//! - **santuario14**: de-indented, then a line feed put back after the start tag and after
//!   each child of `ds:SignedInfo`, `ds:Reference` and `ds:Transforms`, the way Apache
//!   Santuario 1.4/1.5 (inside WSS4J 1.5/1.6 and Rampart) wrote signatures: those line feeds
//!   are part of what was signed.
//!
//! A signature that verifies only after a repair is a finding, never a plain "valid".

use serde::Serialize;

use super::edit::{Edit, apply_to_text};
use super::error::XmlError;
use super::tree::{Document, NodeType, Span};

const DS: &str = "http://www.w3.org/2000/09/xmldsig#";

/// How the bytes were taken before verifying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WhitespaceMode {
    /// The bytes as captured.
    AsIs,
    DeIndented,
    #[serde(rename = "santuario14")]
    Santuario14,
}

impl WhitespaceMode {
    pub fn name(self) -> &'static str {
        match self {
            WhitespaceMode::AsIs => "as-is",
            WhitespaceMode::DeIndented => "de-indented",
            WhitespaceMode::Santuario14 => "santuario14",
        }
    }
}

fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// Spans of white-space-only text nodes inside the document element, optionally leaving
/// alone those inside `keep` (content that was decrypted, hence never re-indented).
fn blank_text_spans(doc: &Document, keep: &[Span]) -> Vec<Span> {
    doc.root_element()
        .descendants()
        .filter(|n| n.node_type() == NodeType::Text && !n.is_cdata() && is_blank(n.source_text()))
        .map(|n| n.span())
        .filter(|s| !keep.iter().any(|k| k.start <= s.start && s.end <= k.end))
        .collect()
}

/// The text with white-space-only text nodes removed (outside `keep`).
pub fn deindented_text(doc: &Document, keep: &[Span]) -> String {
    let edits: Vec<Edit> = blank_text_spans(doc, keep)
        .into_iter()
        .map(|s| Edit::replace(s, ""))
        .collect();
    apply_to_text(doc.text(), &edits).0
}

/// The text in the given repair mode (outside `keep`).
pub fn repaired_text(
    doc: &Document,
    mode: WhitespaceMode,
    keep: &[Span],
) -> Result<String, XmlError> {
    match mode {
        WhitespaceMode::AsIs => Ok(doc.text().to_string()),
        WhitespaceMode::DeIndented => Ok(deindented_text(doc, keep)),
        WhitespaceMode::Santuario14 => {
            let flat = Document::from_decoded_text(
                deindented_text(doc, keep),
                doc.source_name().to_string(),
                &Default::default(),
            )?;
            let mut edits = Vec::new();
            for element in flat.descendants().filter(|n| {
                n.namespace() == DS
                    && matches!(n.local_name(), "SignedInfo" | "Reference" | "Transforms")
            }) {
                if keep
                    .iter()
                    .any(|k| k.start <= element.span().start && element.span().end <= k.end)
                {
                    continue;
                }
                let Some(content) = element.content_span() else {
                    continue;
                };
                if element.end_tag_span().is_none() {
                    continue;
                }
                edits.push(Edit::insert(content.start as usize, "\n"));
                for child in element.child_elements() {
                    edits.push(Edit::insert(child.span().end as usize, "\n"));
                }
            }
            Ok(apply_to_text(flat.text(), &edits).0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deindenting_removes_only_blank_text() {
        let d = Document::parse_str("<a>\n  <b> x </b>\n  <c>\n</c>\n</a>", "t").unwrap();
        assert_eq!(deindented_text(&d, &[]), "<a><b> x </b><c></c></a>");
    }

    #[test]
    fn kept_regions_are_left_alone() {
        let d = Document::parse_str("<a>\n <b>\n <c/>\n </b>\n</a>", "t").unwrap();
        let b = d.root_element().child("", "b").unwrap();
        assert_eq!(deindented_text(&d, &[b.span()]), "<a><b>\n <c/>\n </b></a>");
    }

    #[test]
    fn santuario14_puts_line_feeds_between_signed_info_children() {
        let xml = r##"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
          <ds:SignedInfo>
            <ds:CanonicalizationMethod Algorithm="x"/>
            <ds:Reference URI="#a">
              <ds:Transforms><ds:Transform Algorithm="t"/></ds:Transforms>
              <ds:DigestValue>v</ds:DigestValue>
            </ds:Reference>
          </ds:SignedInfo>
          <ds:SignatureValue>s</ds:SignatureValue>
        </ds:Signature>"##;
        let d = Document::parse_str(xml, "t").unwrap();
        let text = repaired_text(&d, WhitespaceMode::Santuario14, &[]).unwrap();
        assert_eq!(
            text,
            "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo>\n<ds:CanonicalizationMethod Algorithm=\"x\"/>\n<ds:Reference URI=\"#a\">\n<ds:Transforms>\n<ds:Transform Algorithm=\"t\"/>\n</ds:Transforms>\n<ds:DigestValue>v</ds:DigestValue>\n</ds:Reference>\n</ds:SignedInfo><ds:SignatureValue>s</ds:SignatureValue></ds:Signature>"
        );
    }
}
