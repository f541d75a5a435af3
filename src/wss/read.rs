//! Small helpers the readers share: element text, ids, base64 and numbers read into values or
//! [`Problem`]s that point at the exact character, and child lookup that notices duplicates.

use crate::ns;
use crate::xml::base64::{self, Base64Error};
use crate::xml::{Node, Position};

use super::problem::Problem;

/// The element's text with surrounding white space removed (the value of a URI, id, number or
/// date written with indentation around it).
pub(crate) fn trimmed_text(node: Node<'_>) -> String {
    node.text_content().trim().to_string()
}

/// The `wsu:Id` of an element, the id WS-Security references point at.
pub(crate) fn wsu_id(node: Node<'_>) -> Option<String> {
    node.attribute_ns(ns::WSU, "Id").map(str::to_string)
}

/// A non-empty attribute value, trimmed.
pub(crate) fn attribute(node: Node<'_>, local: &str) -> Option<String> {
    node.attribute(local).map(|v| v.trim().to_string())
}

/// Where byte `offset` of `node.text_content()` is in the document. Exact when the text is
/// written verbatim (no character references); otherwise the start of the text run holding it.
pub(crate) fn text_position(node: Node<'_>, offset: usize) -> Position {
    let doc = node.document();
    let mut remaining = offset;
    let mut last = None;
    for text in node.descendants().filter(|n| n.is_text()) {
        let value = text.text();
        if remaining < value.len() {
            return match verbatim_start(text) {
                Some(start) => doc.position(start + remaining),
                None => text.position(),
            };
        }
        remaining -= value.len();
        last = Some(text);
    }
    match (last, node.content_span()) {
        (Some(text), _) => doc.position(text.span().end as usize),
        (None, Some(content)) => doc.position(content.start as usize),
        (None, None) => node.position(),
    }
}

/// Byte offset where a text node's value starts in the source, when the value is the source.
fn verbatim_start(text: Node<'_>) -> Option<usize> {
    let source = text.source_text();
    let start = text.span().start as usize;
    if text.is_cdata() {
        let inner = source.strip_prefix("<![CDATA[")?.strip_suffix("]]>")?;
        (inner == text.text()).then_some(start + "<![CDATA[".len())
    } else {
        (source == text.text()).then_some(start)
    }
}

/// Where the value of an element starts (its first non-white-space character).
pub(crate) fn value_position(node: Node<'_>) -> Position {
    let text = node.text_content();
    let lead = text.len() - text.trim_start().len();
    text_position(node, lead)
}

/// Where a base64 error is: the bad character, or the end of the value for padding/length.
fn base64_error_offset(text: &str, error: &Base64Error) -> usize {
    error
        .offset()
        .unwrap_or_else(|| text.trim_end().len().saturating_sub(1))
}

/// Decodes the element's text as base64 (white space tolerated); a failure becomes a problem
/// placed on the offending character, naming `what` was being read.
pub(crate) fn base64_text(
    node: Node<'_>,
    what: &str,
    problems: &mut Vec<Problem>,
) -> Option<Vec<u8>> {
    let text = node.text_content();
    match base64::decode(&text) {
        Ok(bytes) => Some(bytes),
        Err(error) => {
            let offset = base64_error_offset(&text, &error);
            problems.push(Problem::new(
                text_position(node, offset),
                format!("{what}: {error}"),
            ));
            None
        }
    }
}

/// Decodes an attribute value as base64; the problem points into the attribute value.
pub(crate) fn base64_attribute(
    node: Node<'_>,
    local: &str,
    what: &str,
    problems: &mut Vec<Problem>,
) -> Option<Vec<u8>> {
    let attr = node
        .attributes()
        .find(|a| a.namespace().is_empty() && a.local_name() == local)?;
    let value = attr.value();
    match base64::decode(value) {
        Ok(bytes) => Some(bytes),
        Err(error) => {
            let offset = base64_error_offset(value, &error);
            let start = attr.value_span().start as usize;
            let position = if attr.raw_value() == value {
                node.document().position(start + offset)
            } else {
                node.document().position(start)
            };
            problems.push(Problem::new(position, format!("{what}: {error}")));
            None
        }
    }
}

/// Reads an `xs:unsignedLong`-style number from the element's text (optional `+`, digits).
pub(crate) fn unsigned_text(
    node: Node<'_>,
    what: &str,
    problems: &mut Vec<Problem>,
) -> Option<u64> {
    let text = trimmed_text(node);
    match parse_unsigned(&text) {
        Ok(value) => Some(value),
        Err(reason) => {
            problems.push(Problem::new(
                value_position(node),
                format!("{what}: {text:?} {reason}"),
            ));
            None
        }
    }
}

/// Parses a decimal unsigned number; the error says why in words.
pub(crate) fn parse_unsigned(text: &str) -> Result<u64, &'static str> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() {
        return Err("is not a number (empty)");
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("is not an unsigned decimal number");
    }
    digits
        .parse::<u64>()
        .map_err(|_| "is too large to be a sensible number")
}

/// The first child element with this local name whose namespace `accept`s; a second such
/// child is a problem (the first is the one used, as most receivers do).
pub(crate) fn unique_child<'d>(
    parent: Node<'d>,
    accept: impl Fn(&str) -> bool,
    local: &str,
    problems: &mut Vec<Problem>,
) -> Option<Node<'d>> {
    let mut found = parent
        .child_elements()
        .filter(|c| c.local_name() == local && accept(c.namespace()));
    let first = found.next()?;
    if let Some(second) = found.next() {
        problems.push(Problem::at(
            second,
            format!(
                "{} appears more than once in {}; the first one is used",
                second.qname(),
                parent.qname()
            ),
        ));
    }
    Some(first)
}

/// Non-white-space text written directly inside an element that should hold only elements.
pub(crate) fn stray_text(node: Node<'_>, problems: &mut Vec<Problem>) {
    if let Some(text) = node
        .children()
        .find(|c| c.is_text() && !c.text().trim().is_empty())
    {
        problems.push(Problem::at(
            text,
            format!(
                "text {:?} directly inside {}",
                short(text.text().trim()),
                node.qname()
            ),
        ));
    }
}

/// A value shortened for a message (captures may hold megabytes in one text node).
pub(crate) fn short(text: &str) -> String {
    const MAX: usize = 60;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::Document;

    #[test]
    fn base64_problem_points_at_the_bad_character() {
        let doc = Document::parse_str("<a>\n  QUJD\n  R*Rm\n</a>", "t").unwrap();
        let mut problems = Vec::new();
        assert_eq!(
            base64_text(doc.root_element(), "value", &mut problems),
            None
        );
        assert_eq!(
            (problems[0].position.line, problems[0].position.column),
            (3, 4)
        );
        assert!(
            problems[0]
                .message
                .starts_with("value: invalid base64 character '*'")
        );
    }

    #[test]
    fn truncated_base64_points_at_the_end_of_the_value() {
        let doc = Document::parse_str("<a>QUJDRA</a>", "t").unwrap();
        let mut problems = Vec::new();
        assert_eq!(base64_text(doc.root_element(), "v", &mut problems), None);
        assert_eq!(problems[0].position.column, 9);
    }

    #[test]
    fn base64_attribute_problem_points_into_the_value() {
        let doc = Document::parse_str(r#"<a Value="QU!D"/>"#, "t").unwrap();
        let mut problems = Vec::new();
        assert_eq!(
            base64_attribute(doc.root_element(), "Value", "v", &mut problems),
            None
        );
        assert_eq!(problems[0].position.column, 13);
    }

    #[test]
    fn unsigned_numbers() {
        assert_eq!(parse_unsigned("+007"), Ok(7));
        assert!(parse_unsigned("").is_err());
        assert!(parse_unsigned("-1").is_err());
        assert!(parse_unsigned("1e3").is_err());
        assert!(parse_unsigned("99999999999999999999999").is_err());
    }

    #[test]
    fn second_child_is_reported() {
        let doc = Document::parse_str("<a><b/><b/></a>", "t").unwrap();
        let mut problems = Vec::new();
        let first = unique_child(doc.root_element(), |ns| ns.is_empty(), "b", &mut problems);
        assert!(first.is_some());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].position.column, 8);
    }
}
