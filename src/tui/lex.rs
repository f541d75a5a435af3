//! Colours for the visible lines of a message the parser has not read yet. While a capture is
//! processed in the background its Steps have no parsed tokens (parsing 50 MB is the worker's
//! job), so the Envelope pane colours what it shows with this small XML lexer. The lexer can
//! resume at any token boundary; the positions it passed are remembered as checkpoints every
//! few kilobytes, so a screenful costs a few kilobytes of lexing, wherever it is. Once the
//! step arrives the parser's own tokens replace these.

use crate::xml::Span;

use super::syntax::{Token, TokenKind};

/// Where the lexer is between two tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Character data, or the next markup.
    Content,
    /// Inside a start tag, after its name: attributes until `>` or `/>`.
    StartTag,
    /// Inside an end tag, after its name: until `>`.
    EndTag,
}

/// A position the lexer can start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Checkpoint {
    offset: usize,
    mode: Mode,
}

/// Bytes lexed between two remembered checkpoints.
const CHECKPOINT_EVERY: usize = 4096;

/// The checkpoints of one text, extended as far as the screen has been.
#[derive(Debug, Clone)]
pub struct LazyTokens {
    address: usize,
    len: usize,
    checkpoints: Vec<Checkpoint>,
}

impl LazyTokens {
    pub fn new(text: &str) -> LazyTokens {
        LazyTokens {
            address: text.as_ptr() as usize,
            len: text.len(),
            checkpoints: vec![Checkpoint {
                offset: 0,
                mode: Mode::Content,
            }],
        }
    }

    /// Whether these checkpoints were taken in `text`.
    pub fn is_for(&self, text: &str) -> bool {
        self.address == text.as_ptr() as usize && self.len == text.len()
    }

    /// The tokens that touch bytes `start..end` of `text`, sorted and not overlapping.
    pub fn tokens(&mut self, text: &str, start: usize, end: usize) -> Vec<Token> {
        let at = self.checkpoints.partition_point(|c| c.offset <= start) - 1;
        let from = self.checkpoints[at];
        let mut lexer = Lexer {
            text: text.as_bytes(),
            pos: from.offset,
            mode: from.mode,
        };
        let mut out = Vec::new();
        let mut last = from.offset;
        while lexer.pos < text.len() && lexer.pos < end {
            let before = out.len();
            lexer.step(&mut out);
            if lexer.pos >= last + CHECKPOINT_EVERY {
                last = lexer.pos;
                if self
                    .checkpoints
                    .last()
                    .is_some_and(|c| c.offset < lexer.pos)
                {
                    self.checkpoints.push(Checkpoint {
                        offset: lexer.pos,
                        mode: lexer.mode,
                    });
                }
            }
            // Tokens wholly before the window are not needed.
            let keep = out[before..]
                .iter()
                .filter(|t| t.span.end as usize > start)
                .count();
            let drop = out.len() - before - keep;
            out.drain(before..before + drop);
        }
        out
    }
}

struct Lexer<'t> {
    text: &'t [u8],
    pos: usize,
    mode: Mode,
}

fn is_name_end(b: u8) -> bool {
    b.is_ascii_whitespace() || matches!(b, b'>' | b'/' | b'=' | b'<' | b'"' | b'\'')
}

impl Lexer<'_> {
    fn push(&self, out: &mut Vec<Token>, start: usize, end: usize, kind: TokenKind) {
        if end > start {
            out.push(Token {
                span: Span::new(start, end),
                kind,
            });
        }
    }

    fn starts_with(&self, s: &[u8]) -> bool {
        self.text[self.pos..].starts_with(s)
    }

    /// The end of `closing` found from the current position (or the end of the text).
    fn through(&self, closing: &[u8]) -> usize {
        memchr::memmem::find(&self.text[self.pos..], closing)
            .map_or(self.text.len(), |i| self.pos + i + closing.len())
    }

    fn name_end(&self, from: usize) -> usize {
        self.text[from..]
            .iter()
            .position(|b| is_name_end(*b))
            .map_or(self.text.len(), |i| from + i)
    }

    /// A tag name: prefix, colon and local name, as the parser colours them.
    fn name(&mut self, out: &mut Vec<Token>) {
        let start = self.pos;
        let end = self.name_end(start);
        match self.text[start..end].iter().position(|b| *b == b':') {
            Some(colon) => {
                self.push(out, start, start + colon, TokenKind::TagPrefix);
                self.push(
                    out,
                    start + colon,
                    start + colon + 1,
                    TokenKind::Punctuation,
                );
                self.push(out, start + colon + 1, end, TokenKind::TagName);
            }
            None => self.push(out, start, end, TokenKind::TagName),
        }
        self.pos = end;
    }

    /// Lexes one token (or one tag name) and stops at a boundary it can resume from.
    fn step(&mut self, out: &mut Vec<Token>) {
        let start = self.pos;
        match self.mode {
            Mode::Content => self.content(out),
            Mode::StartTag | Mode::EndTag => self.inside_tag(out),
        }
        if self.pos == start {
            // Nothing recognised: pass one byte (tokens only mark, so a boundary inside a
            // character is harmless).
            self.pos += 1;
        }
    }

    fn content(&mut self, out: &mut Vec<Token>) {
        let start = self.pos;
        if self.text[start] != b'<' {
            let end =
                memchr::memchr(b'<', &self.text[start..]).map_or(self.text.len(), |i| start + i);
            self.push(out, start, end, TokenKind::Text);
            self.pos = end;
            return;
        }
        let (end, kind) = if self.starts_with(b"<!--") {
            (self.through(b"-->"), TokenKind::Comment)
        } else if self.starts_with(b"<![CDATA[") {
            (self.through(b"]]>"), TokenKind::Text)
        } else if self.starts_with(b"<?") {
            (self.through(b"?>"), TokenKind::Instruction)
        } else if self.starts_with(b"<!") {
            (self.through(b">"), TokenKind::Instruction)
        } else {
            let (open, mode) = if self.starts_with(b"</") {
                (2, Mode::EndTag)
            } else {
                (1, Mode::StartTag)
            };
            self.push(out, start, start + open, TokenKind::Punctuation);
            self.pos = start + open;
            self.name(out);
            self.mode = mode;
            return;
        };
        self.push(out, start, end, kind);
        self.pos = end;
    }

    fn inside_tag(&mut self, out: &mut Vec<Token>) {
        let start = self.pos;
        let b = self.text[start];
        if b.is_ascii_whitespace() || b == b'=' {
            self.pos += 1;
        } else if b == b'>' {
            self.push(out, start, start + 1, TokenKind::Punctuation);
            self.pos += 1;
            self.mode = Mode::Content;
        } else if self.starts_with(b"/>") {
            self.push(out, start, start + 2, TokenKind::Punctuation);
            self.pos += 2;
            self.mode = Mode::Content;
        } else if self.mode == Mode::StartTag && (b == b'"' || b == b'\'') {
            let end = memchr::memchr(b, &self.text[start + 1..])
                .map_or(self.text.len(), |i| start + 1 + i + 1);
            self.push(out, start, end, TokenKind::AttributeValue);
            self.pos = end;
        } else if self.mode == Mode::StartTag && !is_name_end(b) {
            let end = self.name_end(start);
            self.push(out, start, end, TokenKind::AttributeName);
            self.pos = end;
        } else if b == b'<' {
            // A tag left open: start again at the markup.
            self.mode = Mode::Content;
        } else {
            self.pos += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::syntax;
    use crate::xml::Document;

    fn kinds_of(text: &str, tokens: &[Token]) -> Vec<(TokenKind, String)> {
        tokens
            .iter()
            .map(|t| (t.kind, text[t.span.range()].to_string()))
            .collect()
    }

    #[test]
    fn the_lexer_colours_markup_as_the_parser_does() {
        let text = "<?xml version=\"1.0\"?>\n<s:E xmlns:s=\"urn:s\" a='1'>\n<!--c--><b/>hi</s:E>";
        let lexed = LazyTokens::new(text).tokens(text, 0, text.len());
        let doc = Document::parse_str(text, "t").unwrap();
        let parsed: Vec<Token> = syntax::tokens(&doc)
            .into_iter()
            .filter(|t| !text[t.span.range()].trim().is_empty())
            .collect();
        let lexed: Vec<Token> = lexed
            .into_iter()
            .filter(|t| !text[t.span.range()].trim().is_empty())
            .collect();
        // The parser keeps no node for the XML declaration; the lexer marks it an instruction.
        assert_eq!(
            kinds_of(text, &lexed[..1]),
            [(
                TokenKind::Instruction,
                "<?xml version=\"1.0\"?>".to_string()
            )]
        );
        assert_eq!(kinds_of(text, &lexed[1..]), kinds_of(text, &parsed));
    }

    #[test]
    fn a_window_far_down_resumes_from_a_checkpoint() {
        let line = "<po:Line n=\"1\"><po:D>Widget &amp; gadget</po:D></po:Line>\n";
        let text = line.repeat(2000);
        let mut lazy = LazyTokens::new(&text);
        let start = line.len() * 1500;
        let window = lazy.tokens(&text, start, start + line.len());
        let full = LazyTokens::new(&text).tokens(&text, 0, text.len());
        let expected: Vec<Token> = full
            .into_iter()
            .filter(|t| t.span.end as usize > start && (t.span.start as usize) < start + line.len())
            .collect();
        assert_eq!(window, expected);
        assert!(lazy.checkpoints.len() > 10);
        // A second look near the first starts from a checkpoint close by.
        let again = lazy.tokens(&text, start, start + line.len());
        assert_eq!(again, expected);
        assert!(
            lazy.checkpoints
                .iter()
                .any(|c| c.offset <= start && start - c.offset < 2 * CHECKPOINT_EVERY)
        );
    }
}
