//! The XML tokens of an envelope, taken from wskex's own parser, so colours sit on exactly the
//! bytes the engine reads. Each token kind has a TextMate scope that a theme colours.

use crate::xml::{Document, Node, NodeType, Span};

/// What a run of envelope bytes is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Punctuation,
    TagPrefix,
    TagName,
    AttributeName,
    AttributeValue,
    Text,
    Comment,
    Instruction,
}

impl TokenKind {
    pub const COUNT: usize = 8;
    pub const ALL: [TokenKind; TokenKind::COUNT] = [
        TokenKind::Punctuation,
        TokenKind::TagPrefix,
        TokenKind::TagName,
        TokenKind::AttributeName,
        TokenKind::AttributeValue,
        TokenKind::Text,
        TokenKind::Comment,
        TokenKind::Instruction,
    ];

    /// The TextMate scope a theme colours this kind by.
    pub fn scope(self) -> &'static str {
        match self {
            TokenKind::Punctuation => "punctuation.definition.tag.xml",
            TokenKind::TagPrefix => "entity.name.tag.namespace.xml",
            TokenKind::TagName => "entity.name.tag.localname.xml",
            TokenKind::AttributeName => "entity.other.attribute-name.localname.xml",
            TokenKind::AttributeValue => "string.quoted.double.xml",
            TokenKind::Text => "text.xml",
            TokenKind::Comment => "comment.block.xml",
            TokenKind::Instruction => "meta.tag.preprocessor.xml",
        }
    }
}

/// A coloured run of bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub span: Span,
    pub kind: TokenKind,
}

/// Every token of `doc`, sorted by start and not overlapping.
pub fn tokens(doc: &Document) -> Vec<Token> {
    let mut out = Vec::new();
    for node in doc.descendants() {
        match node.node_type() {
            NodeType::Element => element_tokens(node, &mut out),
            NodeType::Comment => push(&mut out, node.span(), TokenKind::Comment),
            NodeType::ProcessingInstruction => push(&mut out, node.span(), TokenKind::Instruction),
            NodeType::Text => push(&mut out, node.span(), TokenKind::Text),
            NodeType::Document => {}
        }
    }
    out.sort_by_key(|t| (t.span.start, t.span.end));
    out.dedup_by(|later, earlier| later.span.start < earlier.span.end);
    out
}

fn push(out: &mut Vec<Token>, span: Span, kind: TokenKind) {
    if !span.is_empty() {
        out.push(Token { span, kind });
    }
}

fn at(start: usize, len: usize) -> Span {
    Span::new(start, start + len)
}

fn element_tokens(node: Node<'_>, out: &mut Vec<Token>) {
    let text = node.document().text();
    if let Some(tag) = node.start_tag_span().map(Span::range) {
        push(out, at(tag.start, 1), TokenKind::Punctuation);
        name_tokens(out, tag.start + 1, node.qname(), node.prefix());
        let close = if text[tag.clone()].ends_with("/>") {
            2
        } else {
            1
        };
        push(
            out,
            Span::new(tag.end - close, tag.end),
            TokenKind::Punctuation,
        );
    }
    for a in node.attributes() {
        let span = a.span().range();
        push(
            out,
            at(span.start, a.qname().len()),
            TokenKind::AttributeName,
        );
        let value = a.value_span().range();
        push(
            out,
            Span::new(value.start.saturating_sub(1), value.end + 1),
            TokenKind::AttributeValue,
        );
    }
    for decl in node.namespace_declarations() {
        let span = decl.span.range();
        let written = &text[span.clone()];
        if let Some(eq) = written.find('=') {
            push(out, at(span.start, eq), TokenKind::AttributeName);
            push(
                out,
                Span::new(span.start + eq + 1, span.end),
                TokenKind::AttributeValue,
            );
        }
    }
    if let Some(end) = node.end_tag_span().map(Span::range) {
        push(out, at(end.start, 2), TokenKind::Punctuation);
        name_tokens(out, end.start + 2, node.qname(), node.prefix());
        push(out, Span::new(end.end - 1, end.end), TokenKind::Punctuation);
    }
}

fn name_tokens(out: &mut Vec<Token>, start: usize, qname: &str, prefix: Option<&str>) {
    match prefix {
        Some(p) => {
            push(out, at(start, p.len()), TokenKind::TagPrefix);
            push(out, at(start + p.len(), 1), TokenKind::Punctuation);
            push(
                out,
                at(start + p.len() + 1, qname.len() - p.len() - 1),
                TokenKind::TagName,
            );
        }
        None => push(out, at(start, qname.len()), TokenKind::TagName),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_cover_names_attributes_and_text_exactly() {
        let text = r#"<s:E xmlns:s="urn:s" a="1"><!--c-->hi</s:E>"#;
        let doc = Document::parse_str(text, "t").unwrap();
        let toks = tokens(&doc);
        let of = |kind| {
            toks.iter()
                .filter(|t| t.kind == kind)
                .map(|t| &text[t.span.range()])
                .collect::<Vec<_>>()
        };
        assert_eq!(of(TokenKind::TagPrefix), ["s", "s"]);
        assert_eq!(of(TokenKind::TagName), ["E", "E"]);
        assert_eq!(of(TokenKind::AttributeName), ["xmlns:s", "a"]);
        assert_eq!(of(TokenKind::AttributeValue), ["\"urn:s\"", "\"1\""]);
        assert_eq!(of(TokenKind::Comment), ["<!--c-->"]);
        assert_eq!(of(TokenKind::Text), ["hi"]);
        assert!(toks.windows(2).all(|w| w[0].span.end <= w[1].span.start));
    }
}
