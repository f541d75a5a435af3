//! Header blocks (`Name: value` lines up to a blank line), shared by HTTP messages, MIME
//! headers and MIME parts. Real copies bend the rules (bare LF, folded lines, a missing blank
//! line before the body); the block records each bend so the caller can note it.

use super::error::{Fault, LoadErrorKind};
use super::message::push_note;
use super::source::{LineEnd, is_blank, line_at, trim, trim_end};

/// One header as received (value trimmed, folded lines joined with a space).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Header {
    pub name: String,
    pub value: String,
    /// Offset of the header's line in the parsed slice.
    pub offset: usize,
}

/// How a header block ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BlockEnd {
    BlankLine,
    /// A line holding only spaces or tabs stood in for the blank line.
    WhiteSpaceLine,
    /// The body started right after the last header, without a blank line.
    NoBlankLine,
    EndOfInput,
}

/// How strictly a line that is not a header is judged.
#[derive(Debug, Clone, Copy)]
pub(crate) enum HeaderStyle {
    /// HTTP and top-level MIME headers: only a line that obviously starts a body (`<` or `--`)
    /// may end the block without a blank line; any other non-header line is an error. The
    /// name appears in the error ("HTTP header line without ':'").
    Strict(&'static str),
    /// MIME part headers: any line that is not `token: value` starts the body.
    Lenient,
}

/// A parsed header block and the liberties the input took.
#[derive(Debug, Clone)]
pub(crate) struct HeaderBlock {
    pub headers: Vec<Header>,
    /// Where the body starts (after the blank line, or at the first non-header line).
    pub body_start: usize,
    pub end: BlockEnd,
    /// Some line ended in a bare LF instead of CRLF.
    pub lf_line_ends: bool,
    /// Some header was folded over several lines (obsolete line folding).
    pub folded: bool,
    /// Some header had white space between its name and the colon.
    pub space_before_colon: bool,
}

impl HeaderBlock {
    /// The first header of that name (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&Header> {
        find(&self.headers, name)
    }

    /// The headers as (name, value) pairs, for display.
    pub fn pairs(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|h| (h.name.clone(), h.value.clone()))
            .collect()
    }
}

/// The note for bare LF line ends, shared by HTTP and MIME so it appears once per message.
pub(crate) const LF_NOTE: &str = "lines end in LF instead of CRLF (tolerated)";

/// Notes on the liberties a header block took; `what` names the block ("HTTP", "MIME part").
pub(crate) fn block_notes(block: &HeaderBlock, what: &str, notes: &mut Vec<String>) {
    if block.lf_line_ends {
        push_note(notes, LF_NOTE);
    }
    if block.folded {
        push_note(
            notes,
            format!("folded {what} header lines joined (obsolete line folding)"),
        );
    }
    if block.space_before_colon {
        push_note(
            notes,
            format!("white space before ':' in a {what} header (tolerated)"),
        );
    }
    match block.end {
        BlockEnd::NoBlankLine => push_note(
            notes,
            format!("no blank line after {what} headers (tolerated)"),
        ),
        BlockEnd::WhiteSpaceLine => push_note(
            notes,
            format!(
                "{what} headers end with a line of white space instead of an empty line (tolerated)"
            ),
        ),
        BlockEnd::BlankLine | BlockEnd::EndOfInput => {}
    }
}

/// The first header of that name (case-insensitive).
pub(crate) fn find<'h>(headers: &'h [Header], name: &str) -> Option<&'h Header> {
    headers.iter().find(|h| h.name.eq_ignore_ascii_case(name))
}

/// Parses the header block that starts at `start` of `bytes`; never reads past `bytes`.
pub(crate) fn parse_header_block(
    bytes: &[u8],
    start: usize,
    style: HeaderStyle,
) -> Result<HeaderBlock, Fault> {
    let mut block = HeaderBlock {
        headers: Vec::new(),
        body_start: bytes.len(),
        end: BlockEnd::EndOfInput,
        lf_line_ends: false,
        folded: false,
        space_before_colon: false,
    };
    let mut pos = start;
    while pos < bytes.len() {
        let line = line_at(bytes, pos);
        let content = line.content(bytes);
        if content.is_empty() || is_blank(content) {
            block.end = if content.is_empty() {
                BlockEnd::BlankLine
            } else {
                BlockEnd::WhiteSpaceLine
            };
            block.lf_line_ends |= line.ending == LineEnd::Lf;
            block.body_start = line.next;
            return Ok(block);
        }
        if content.starts_with(b"<") || content.starts_with(b"--") {
            // No header name starts like that, but an XML body or a MIME delimiter does.
            block.end = BlockEnd::NoBlankLine;
            block.body_start = line.start;
            return Ok(block);
        }
        let folded_onto = match block.headers.last_mut() {
            Some(last) if matches!(content[0], b' ' | b'\t') => Some(last),
            _ => None,
        };
        if let Some(last) = folded_onto {
            last.value.push(' ');
            last.value.push_str(&String::from_utf8_lossy(trim(content)));
            block.folded = true;
        } else {
            match split_header(content) {
                Ok((name, value, spaced)) => {
                    block.space_before_colon |= spaced;
                    block.headers.push(Header {
                        name,
                        value,
                        offset: line.start,
                    });
                }
                Err(problem) => match style {
                    HeaderStyle::Lenient => {
                        block.end = BlockEnd::NoBlankLine;
                        block.body_start = line.start;
                        return Ok(block);
                    }
                    HeaderStyle::Strict(context) => {
                        let kind = match problem {
                            LineProblem::NoColon => LoadErrorKind::HeaderWithoutColon { context },
                            LineProblem::BadName(name) => {
                                LoadErrorKind::InvalidHeaderName { context, name }
                            }
                        };
                        return Err(Fault::new(line.start, kind));
                    }
                },
            }
        }
        block.lf_line_ends |= line.ending == LineEnd::Lf;
        pos = line.next;
    }
    Ok(block)
}

enum LineProblem {
    NoColon,
    BadName(String),
}

/// Splits `Name: value`; the bool says there was white space before the colon.
fn split_header(content: &[u8]) -> Result<(String, String, bool), LineProblem> {
    let colon = memchr::memchr(b':', content).ok_or(LineProblem::NoColon)?;
    let raw_name = &content[..colon];
    let name = trim_end(raw_name);
    if name.is_empty() || !name.iter().all(|&b| is_token_char(b)) {
        return Err(LineProblem::BadName(super::source::excerpt(raw_name, 40)));
    }
    let value = trim(&content[colon + 1..]);
    Ok((
        String::from_utf8_lossy(name).into_owned(),
        String::from_utf8_lossy(value).into_owned(),
        name.len() != raw_name.len(),
    ))
}

/// RFC 9110 `tchar`.
pub(crate) fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strict(text: &str) -> Result<HeaderBlock, Fault> {
        parse_header_block(text.as_bytes(), 0, HeaderStyle::Strict("HTTP"))
    }

    #[test]
    fn crlf_block_with_blank_line() {
        let block = strict("Host: a\r\nContent-Type:  text/xml \r\n\r\n<x/>").unwrap();
        assert_eq!(
            block.pairs(),
            [
                ("Host".into(), "a".into()),
                ("Content-Type".into(), "text/xml".into())
            ]
        );
        assert_eq!(block.end, BlockEnd::BlankLine);
        assert_eq!(block.body_start, 37);
        assert!(!block.lf_line_ends && !block.folded);
        assert_eq!(block.get("content-type").unwrap().offset, 9);
    }

    #[test]
    fn bends_are_recorded() {
        let block = strict("A: 1\n  2\nB : 3\n--b\n").unwrap();
        assert_eq!(
            block.pairs(),
            [("A".into(), "1 2".into()), ("B".into(), "3".into())]
        );
        assert_eq!(block.end, BlockEnd::NoBlankLine);
        assert_eq!(block.body_start, 15);
        assert!(block.lf_line_ends && block.folded && block.space_before_colon);
        let block = strict("A: 1\n \t \n<x/>").unwrap();
        assert_eq!(block.end, BlockEnd::WhiteSpaceLine);
        assert_eq!(block.body_start, 9);
        let block = strict("A: 1").unwrap();
        assert_eq!(block.end, BlockEnd::EndOfInput);
        assert_eq!(block.body_start, 4);
    }

    #[test]
    fn strict_blocks_refuse_non_header_lines() {
        let fault = strict("A: 1\r\nHost 1.2.3.4\r\n\r\n").unwrap_err();
        assert_eq!(
            fault,
            Fault::new(6, LoadErrorKind::HeaderWithoutColon { context: "HTTP" })
        );
        let fault = strict("Bad Name: x\r\n").unwrap_err();
        assert_eq!(
            fault.kind,
            LoadErrorKind::InvalidHeaderName {
                context: "HTTP",
                name: "Bad Name".into()
            }
        );
    }

    #[test]
    fn lenient_blocks_end_at_the_first_non_header_line() {
        let text = b"Content-ID: <a>\n...binary...\n";
        let block = parse_header_block(text, 0, HeaderStyle::Lenient).unwrap();
        assert_eq!(block.end, BlockEnd::NoBlankLine);
        assert_eq!(block.body_start, 16);
    }
}
