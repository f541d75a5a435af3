//! A byte range of a step's text, and which text: the envelope as it stands (or was
//! received), or the receiver's processed view (EncryptedData replaced by plaintext).

use serde::Serialize;

use crate::xml::Span;

/// Which text a span points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum View {
    /// The step's `envelope` text.
    #[default]
    Envelope,
    /// The receiver's processed view (`processed.text`).
    Processed,
}

/// `{start, end}` bytes of `envelope`, or with `"view": "processed"` of the processed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TextSpan {
    pub start: u32,
    pub end: u32,
    #[serde(skip_serializing_if = "is_envelope")]
    pub view: View,
}

fn is_envelope(view: &View) -> bool {
    *view == View::Envelope
}

impl TextSpan {
    /// A span of the envelope text.
    pub fn envelope(span: Span) -> TextSpan {
        TextSpan {
            start: span.start,
            end: span.end,
            view: View::Envelope,
        }
    }

    /// A span of the processed view.
    pub fn processed(span: Span) -> TextSpan {
        TextSpan {
            start: span.start,
            end: span.end,
            view: View::Processed,
        }
    }

    pub fn span(self) -> Span {
        Span {
            start: self.start,
            end: self.end,
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.span().range()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_spans_omit_the_view_and_processed_ones_name_it() {
        let e = serde_json::to_value(TextSpan::envelope(Span::new(1, 4))).unwrap();
        assert_eq!(e, serde_json::json!({"start": 1, "end": 4}));
        let p = serde_json::to_value(TextSpan::processed(Span::new(2, 3))).unwrap();
        assert_eq!(
            p,
            serde_json::json!({"start": 2, "end": 3, "view": "processed"})
        );
    }
}
