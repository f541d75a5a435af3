//! Producing a new document from an old one by replacing byte ranges of its text.
//!
//! The tree is immutable and points into the text, so every change (a decrypted element
//! spliced in, a signature inserted, a tampered byte) builds new text and parses it again. The
//! result records where the replacements landed, so a view can highlight what changed.

use super::encoding::{Decoded, SourceEncoding};
use super::error::XmlError;
use super::parse::ParseOptions;
use super::tree::{Document, Span};

/// Replace the text in `span` (of the old document) with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

impl Edit {
    pub fn replace(span: Span, replacement: impl Into<String>) -> Edit {
        Edit {
            span,
            replacement: replacement.into(),
        }
    }

    pub fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit {
            span: Span::new(at, at),
            replacement: text.into(),
        }
    }
}

/// A document after edits, with the spans (in the new text) that the replacements occupy.
#[derive(Debug)]
pub struct Edited {
    pub document: Document,
    pub changed: Vec<Span>,
}

/// Applies the text changes to the document text without parsing the result. Edits must
/// not overlap; they may come in any order, and the returned spans (in the new text) are in
/// the order of `edits`.
pub fn apply_to_text(text: &str, edits: &[Edit]) -> (String, Vec<Span>) {
    let mut order: Vec<usize> = (0..edits.len()).collect();
    order.sort_by_key(|&i| (edits[i].span.start, edits[i].span.end));
    let mut out = String::with_capacity(
        text.len() + edits.iter().map(|e| e.replacement.len()).sum::<usize>(),
    );
    let mut changed = vec![Span::default(); edits.len()];
    let mut at = 0usize;
    for i in order {
        let edit = &edits[i];
        let range = edit.span.range();
        assert!(range.start >= at, "overlapping edits");
        out.push_str(&text[at..range.start]);
        let start = out.len();
        out.push_str(&edit.replacement);
        changed[i] = Span::new(start, out.len());
        at = range.end;
    }
    out.push_str(&text[at..]);
    (out, changed)
}

/// Where `span` of the old text lies after `edits` (which produced `changed`): shifted by
/// the edits before it (an insertion exactly at its start counts as before it), grown or
/// shrunk by edits inside it (an insertion exactly at its end counts as after it).
pub fn shift_span(span: Span, edits: &[Edit], changed: &[Span]) -> Span {
    let mut delta_start: i64 = 0;
    let mut delta_end: i64 = 0;
    for (edit, new) in edits.iter().zip(changed) {
        let growth = new.len() as i64 - edit.span.len() as i64;
        let at_end = edit.span.is_empty() && edit.span.start == span.end && !span.is_empty();
        if edit.span.end <= span.start {
            delta_start += growth;
            delta_end += growth;
        } else if edit.span.start >= span.start && edit.span.end <= span.end && !at_end {
            delta_end += growth;
        }
    }
    Span::new(
        (span.start as i64 + delta_start) as usize,
        (span.end as i64 + delta_end) as usize,
    )
}

impl Document {
    /// A new document with the edits applied, parsed with the default limits. The new text is
    /// UTF-8 whatever the original encoding was; the name stays the same.
    pub fn with_edits(&self, edits: &[Edit]) -> Result<Edited, XmlError> {
        let (text, changed) = apply_to_text(&self.text, edits);
        let mut document =
            Document::from_decoded_text(text, self.source_name.clone(), &ParseOptions::default())?;
        document.first_line = self.first_line;
        Ok(Edited { document, changed })
    }

    /// Parses text that is already decoded (an edited document): no encoding detection, so an
    /// XML declaration naming another encoding does not matter any more.
    pub fn from_decoded_text(
        text: String,
        source_name: String,
        options: &ParseOptions,
    ) -> Result<Document, XmlError> {
        let body_offset = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let decoded = Decoded {
            text: text.into(),
            encoding: SourceEncoding::Utf8,
            body_offset,
            original: None,
        };
        Document::build(decoded, source_name, options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_shift_past_earlier_edits() {
        let edits = [
            Edit::replace(Span::new(0, 2), "abcd"),
            Edit::replace(Span::new(10, 12), ""),
        ];
        let (_, changed) = apply_to_text("0123456789ABCDEF", &edits);
        assert_eq!(
            shift_span(Span::new(4, 8), &edits, &changed),
            Span::new(6, 10)
        );
        assert_eq!(
            shift_span(Span::new(13, 15), &edits, &changed),
            Span::new(13, 15)
        );
    }

    #[test]
    fn replacements_are_applied_in_order_and_located() {
        let d = Document::parse_str("<a><b>x</b><c/></a>", "t").unwrap();
        let b = d.root_element().child("", "b").unwrap();
        let c = d.root_element().child("", "c").unwrap();
        let edited = d
            .with_edits(&[
                Edit::replace(c.span(), "<d>new</d>"),
                Edit::replace(b.content_span().unwrap(), "yy"),
            ])
            .unwrap();
        assert_eq!(edited.document.text(), "<a><b>yy</b><d>new</d></a>");
        let spans: Vec<&str> = edited
            .changed
            .iter()
            .map(|s| &edited.document.text()[s.range()])
            .collect();
        assert_eq!(
            spans,
            vec!["<d>new</d>", "yy"],
            "in the order the edits were given"
        );
    }

    #[test]
    fn edits_that_break_the_document_are_reported() {
        let d = Document::parse_str("<a><b/></a>", "t").unwrap();
        let b = d.root_element().first_child().unwrap();
        assert!(d.with_edits(&[Edit::replace(b.span(), "<b>")]).is_err());
    }

    #[test]
    fn latin1_documents_edit_as_utf8() {
        let d = Document::parse(
            b"<?xml version='1.0' encoding='ISO-8859-1'?><a>\xe9</a>".to_vec(),
            "t",
        )
        .unwrap();
        let a = d.root_element();
        let edited = d
            .with_edits(&[Edit::insert(
                a.content_span().unwrap().end as usize,
                "\u{e8}",
            )])
            .unwrap();
        assert_eq!(
            edited.document.root_element().text_content(),
            "\u{e9}\u{e8}"
        );
    }
}
