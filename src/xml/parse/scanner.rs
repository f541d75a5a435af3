//! The markup scanner: memchr finds text, references, start and end tags in text already known
//! to be UTF-8, and hands them to the builder without per-event UTF-8 validation or copies
//! (issue 13: quick-xml's reader was 40% of parsing). Rare markup (comments, CDATA, processing
//! instructions, the XML declaration and DOCTYPE) is still read by quick-xml, one construct at a
//! time, so those keep its rules and errors. The tests in `tests.rs` and `scanner_tests.rs`
//! compare this scanner with the previous quick-xml loop (`quick_xml_oracle.rs`) on malformed
//! input: same tree, or same error at the same position.

use quick_xml::Reader;
use quick_xml::errors::{Error, IllFormedError, SyntaxError};
use quick_xml::events::Event;

use super::names::ascii_qname;
use super::*;

/// Where a tag's closing `>` is, or how the input ended before it: quotes are honoured as
/// quick-xml's element parser does (a `>` inside a quoted value does not close the tag).
fn tag_end(bytes: &[u8], from: usize) -> Result<usize, SyntaxError> {
    let mut open_quote: Option<u8> = None;
    for i in memchr::memchr3_iter(b'>', b'\'', b'"', &bytes[from..]) {
        let b = bytes[from + i];
        match open_quote {
            None if b == b'>' => return Ok(from + i),
            None => open_quote = Some(b),
            Some(q) if q == b => open_quote = None,
            Some(_) => {}
        }
    }
    Err(match open_quote {
        None => SyntaxError::UnclosedTag,
        Some(b'\'') => SyntaxError::UnclosedSingleQuotedAttributeValue,
        Some(_) => SyntaxError::UnclosedDoubleQuotedAttributeValue,
    })
}

/// Length of the element name at the start of a tag's content: up to the first white space.
fn name_len(content: &[u8]) -> usize {
    content
        .iter()
        .position(|&b| is_space(b))
        .unwrap_or(content.len())
}

/// A start tag as found: its `>`, the length of its name, whether it is empty (`/>`), and,
/// when the one-pass scan read it, its name's prefix length (the name is then checked and its
/// attributes are in the builder's scratch list).
struct StartTag {
    gt: usize,
    name_len: usize,
    empty: bool,
    scanned: Option<u32>,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// One pass over a well-formed start tag at `at`: its end and its attributes (into `out`),
/// as the two-pass path (quote-aware `tag_end`, then `scan_attributes`) would find them.
/// Anything unusual (a malformed attribute, a name that is not a QName, the attribute limit)
/// gives None, and the two-pass path reads the tag again and reports the error it reported.
fn well_formed_start_tag(
    text: &str,
    at: usize,
    out: &mut Vec<RawAttr>,
    limit: usize,
) -> Option<StartTag> {
    let bytes = text.as_bytes();
    out.clear();
    let (mut i, name_prefix_len) = ascii_qname(bytes, at + 1)?;
    let name_len = i - (at + 1);
    loop {
        let space_start = i;
        while i < bytes.len() && is_space(bytes[i]) {
            i += 1;
        }
        match *bytes.get(i)? {
            b'>' => {
                return Some(StartTag {
                    gt: i,
                    name_len,
                    empty: false,
                    scanned: Some(name_prefix_len),
                });
            }
            b'/' if bytes.get(i + 1) == Some(&b'>') => {
                return Some(StartTag {
                    gt: i + 1,
                    name_len,
                    empty: true,
                    scanned: Some(name_prefix_len),
                });
            }
            _ if i == space_start || out.len() >= limit => return None,
            _ => {}
        }
        let name_start = i;
        let (name_end, prefix_len) = ascii_qname(bytes, i)?;
        i = name_end;
        if bytes.get(i) != Some(&b'=') {
            return None;
        }
        let quote = *bytes.get(i + 1)?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let value_start = i + 2;
        let value_end = value_start + memchr::memchr(quote, &bytes[value_start..])?;
        i = value_end + 1;
        out.push(RawAttr {
            qname: Span::new(name_start, name_end),
            prefix_len,
            raw_value: Span::new(value_start, value_end),
            span: Span::new(name_start, i),
        });
    }
}

impl Builder<'_> {
    pub(super) fn run(mut self) -> ParseResult<Built> {
        let text = self.text;
        let bytes = text.as_bytes();
        // The byte-order mark, if any, is already behind `base`. A second one is a U+FEFF
        // character before the root element (quick-xml used to skip it without counting it).
        if text[self.base..].starts_with('\u{feff}') {
            return Err((self.base, XmlErrorKind::TextOutsideRoot));
        }
        let mut at = self.base;
        while at < bytes.len() {
            let Some(found) = memchr::memchr2(b'<', b'&', &bytes[at..]) else {
                self.text_chunk(at, bytes.len())?;
                break;
            };
            if found > 0 {
                self.text_chunk(at, at + found)?;
            }
            at += found;
            at = if bytes[at] == b'&' {
                self.scan_reference(at)?
            } else {
                self.flush_text();
                self.scan_markup(at)?
            };
        }
        self.flush_text();
        self.finish()
    }

    fn syntax_error(&self, error: Error, at: usize) -> (usize, XmlErrorKind) {
        self.convert_error(&error, at)
    }

    /// `&name;` at `at`; returns where the text continues.
    fn scan_reference(&mut self, at: usize) -> ParseResult<usize> {
        let bytes = self.text.as_bytes();
        match memchr::memchr3(b';', b'&', b'<', &bytes[at + 1..]) {
            Some(i) if bytes[at + 1 + i] == b';' => {
                let end = at + i + 2;
                let text: &str = self.text;
                self.reference(at, end, &text[at + 1..end - 1])?;
                Ok(end)
            }
            _ => Err(self.syntax_error(Error::IllFormed(IllFormedError::UnclosedReference), at)),
        }
    }

    /// Markup starting with `<` at `at`; returns the offset after it.
    fn scan_markup(&mut self, at: usize) -> ParseResult<usize> {
        let bytes = self.text.as_bytes();
        match bytes.get(at + 1) {
            None => Err(self.syntax_error(Error::Syntax(SyntaxError::UnclosedTag), at)),
            Some(b'!' | b'?') => self.rare_markup(at),
            Some(b'/') => {
                // The usual end tag is `</name>` for the innermost open element's name.
                if let Some(name) = self.open_element_name()
                    && bytes[at + 2..].starts_with(name.as_bytes())
                    && bytes.get(at + 2 + name.len()) == Some(&b'>')
                {
                    let gt = at + 2 + name.len();
                    self.end_element(at, gt + 1);
                    return Ok(gt + 1);
                }
                let gt =
                    tag_end(bytes, at + 2).map_err(|e| self.syntax_error(Error::Syntax(e), at))?;
                self.scan_end_tag(at, gt)?;
                Ok(gt + 1)
            }
            Some(_) => {
                let mut attributes = std::mem::take(&mut self.scratch_attrs);
                let quick = well_formed_start_tag(
                    self.text,
                    at,
                    &mut attributes,
                    self.options.max_attributes,
                );
                self.scratch_attrs = attributes;
                let tag = match quick {
                    Some(tag) => tag,
                    None => {
                        let gt = tag_end(bytes, at + 1)
                            .map_err(|e| self.syntax_error(Error::Syntax(e), at))?;
                        let empty = bytes[at + 1..=gt].ends_with(b"/>");
                        let content_end = if empty { gt - 1 } else { gt };
                        StartTag {
                            gt,
                            name_len: name_len(&bytes[at + 1..content_end]),
                            empty,
                            scanned: None,
                        }
                    }
                };
                let content_end = if tag.empty { tag.gt - 1 } else { tag.gt };
                let text: &str = self.text;
                let content = &text[at + 1..content_end];
                self.start_element(
                    at,
                    tag.gt + 1,
                    content,
                    tag.name_len,
                    tag.empty,
                    tag.scanned,
                )?;
                Ok(tag.gt + 1)
            }
        }
    }

    /// `</name>` from `at` to the `>` at `gt`: it must close the innermost open element.
    fn scan_end_tag(&mut self, at: usize, gt: usize) -> ParseResult<()> {
        let content = &self.text[at + 2..gt];
        let name = content.trim_end_matches([' ', '\t', '\r', '\n']);
        let name = if name.is_empty() { content } else { name };
        let Some(expected) = self.open_element_name() else {
            return Err((at, XmlErrorKind::UnexpectedEndTag(name.to_string())));
        };
        if name != expected {
            return Err((
                at,
                XmlErrorKind::MismatchedEndTag {
                    expected: expected.to_string(),
                    found: name.to_string(),
                },
            ));
        }
        self.end_element(at, gt + 1);
        Ok(())
    }

    /// The qualified name of the innermost open element (None at the document level).
    fn open_element_name(&self) -> Option<&str> {
        let top = self.open.last().filter(|_| self.open.len() > 1)?;
        let data = &self.nodes[top.node as usize];
        let NodeKindData::Element(e) = data.kind else {
            return None;
        };
        let start = data.span.start as usize + 1;
        Some(&self.text[start..start + self.elements[e as usize].qname_len as usize])
    }

    /// `<!...>` or `<?...?>`: read by quick-xml alone, so its rules for comments, CDATA,
    /// declarations and DOCTYPE apply unchanged.
    fn rare_markup(&mut self, at: usize) -> ParseResult<usize> {
        let text: &str = self.text;
        let mut reader = Reader::from_str(&text[at..]);
        reader.config_mut().check_comments = true;
        let event = reader
            .read_event()
            .map_err(|e| self.convert_error(&e, at + reader.error_position() as usize))?;
        let after = at + reader.buffer_position() as usize;
        match event {
            Event::CData(c) => {
                let content: &str = &c;
                self.cdata(at, after, content)?;
            }
            Event::Comment(c) => {
                let content: &str = &c;
                let start = self.offset_of(content);
                debug_assert_eq!(start, at + COMMENT_OPEN as usize);
                self.check_chars(start, content)?;
                self.push_leaf(NodeKindData::Comment, Span::new(at, after));
            }
            Event::PI(p) => {
                let content: &str = &p;
                self.processing_instruction(at, after, content)?;
            }
            Event::Decl(_) => {
                if at != self.base {
                    return Err((at, XmlErrorKind::MisplacedDeclaration));
                }
            }
            Event::DocType(d) => {
                let content: &str = &d;
                self.doctype(at, after, content)?;
            }
            other => unreachable!("quick-xml read {other:?} at '<!' or '<?'"),
        }
        Ok(after)
    }
}
