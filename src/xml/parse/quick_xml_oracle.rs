//! The previous event loop, driven by quick-xml's reader over the whole document, kept for
//! tests only: the differential tests check that the scanner (`scanner.rs`) accepts and
//! rejects exactly what it accepted and rejected, with the same errors at the same positions.

use quick_xml::Reader;
use quick_xml::events::Event;

use super::*;

impl Builder<'_> {
    pub(super) fn run_with_quick_xml(mut self) -> ParseResult<Built> {
        let body = &self.text[self.base..];
        // The byte-order mark, if any, is already behind `base`. quick-xml would skip a second
        // one without counting its bytes, shifting every position derived from its offsets; it
        // is a U+FEFF character before the root element.
        if body.starts_with('\u{feff}') {
            return Err((self.base, XmlErrorKind::TextOutsideRoot));
        }
        let mut reader = Reader::from_str(body);
        {
            let config = reader.config_mut();
            config.check_end_names = true;
            config.check_comments = true;
            config.expand_empty_elements = false;
            config.trim_text(false);
        }
        loop {
            let before = self.base + reader.buffer_position() as usize;
            let event = reader.read_event().map_err(|e| {
                self.convert_error(&e, self.base + reader.error_position() as usize)
            })?;
            let after = self.base + reader.buffer_position() as usize;
            match event {
                Event::Text(t) => {
                    let content: &str = &t;
                    let start = self.offset_of(content);
                    self.text_chunk(start, start + content.len())?;
                }
                Event::GeneralRef(r) => {
                    let name: &str = &r;
                    self.reference(before, after, name)?;
                }
                other => {
                    self.flush_text();
                    match other {
                        Event::Start(ref e) | Event::Empty(ref e) => {
                            let empty = matches!(other, Event::Empty(_));
                            let content: &str = e;
                            self.start_element(
                                before,
                                after,
                                content,
                                e.name().0.len(),
                                empty,
                                None,
                            )?;
                        }
                        Event::End(_) => self.end_element(before, after),
                        Event::CData(c) => {
                            let content: &str = &c;
                            self.cdata(before, after, content)?;
                        }
                        Event::Comment(c) => {
                            let content: &str = &c;
                            let start = self.offset_of(content);
                            debug_assert_eq!(start, before + COMMENT_OPEN as usize);
                            self.check_chars(start, content)?;
                            self.push_leaf(NodeKindData::Comment, Span::new(before, after));
                        }
                        Event::PI(p) => {
                            let content: &str = &p;
                            self.processing_instruction(before, after, content)?;
                        }
                        Event::Decl(_) => {
                            if before != self.base {
                                return Err((before, XmlErrorKind::MisplacedDeclaration));
                            }
                        }
                        Event::DocType(d) => {
                            let content: &str = &d;
                            self.doctype(before, after, content)?;
                        }
                        Event::Eof => break,
                        Event::Text(_) | Event::GeneralRef(_) => unreachable!("handled above"),
                    }
                }
            }
        }
        self.finish()
    }
}
