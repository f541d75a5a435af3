//! Building a [`Document`] from received bytes with quick-xml.
//!
//! quick-xml provides the markup events; this module adds what a security tool needs on top:
//! byte spans and line:column for every node, namespace resolution with the declarations kept as
//! written, reference resolution and line-end normalization (XML 1.0 sections 2.11 and 3.3.3),
//! well-formedness checks quick-xml leaves to the caller, and limits against hostile input.
//! DTDs are never applied: a DOCTYPE without entity declarations is recorded and skipped, one
//! that declares entities is refused, and attribute defaults or types it declares are ignored.

use std::collections::HashMap;
use std::sync::OnceLock;

use quick_xml::Reader;
use quick_xml::events::Event;

use super::encoding::{self, Decoded, SourceEncoding};
use super::error::{Position, XmlError, XmlErrorKind};
use super::prefix_bindings::PrefixBindings;
use super::tree::{
    AttrData, DoctypeInfo, Document, ElementData, NO_NODE, NodeData, NodeKindData, NsDeclData,
    NsId, Span, StrRef, XML_NAMESPACE, XMLNS_NAMESPACE, line_starts, position_in,
};

/// Limits that keep hostile input from exhausting the machine.
#[derive(Debug, Clone)]
pub struct ParseOptions {
    /// Deepest element nesting accepted.
    pub max_depth: usize,
    /// Largest input accepted, in bytes.
    pub max_input_bytes: usize,
    /// Most attributes (namespace declarations included) on one element.
    pub max_attributes: usize,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            max_depth: 512,
            max_input_bytes: 1 << 30,
            max_attributes: 1024,
        }
    }
}

/// The next [`Document::generation`]: a process-wide counter.
fn next_generation() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Document {
    /// Parses received bytes with the default limits. `source_name` appears in error messages.
    pub fn parse(bytes: Vec<u8>, source_name: impl Into<String>) -> Result<Document, XmlError> {
        Document::parse_with(bytes, source_name, &ParseOptions::default())
    }

    /// Parses a string (copied) with the default limits.
    pub fn parse_str(text: &str, source_name: impl Into<String>) -> Result<Document, XmlError> {
        Document::parse(text.as_bytes().to_vec(), source_name)
    }

    pub fn parse_with(
        bytes: Vec<u8>,
        source_name: impl Into<String>,
        options: &ParseOptions,
    ) -> Result<Document, XmlError> {
        let source_name = source_name.into();
        if bytes.len() > options.max_input_bytes || bytes.len() >= u32::MAX as usize {
            return Err(XmlError {
                source_name,
                position: Position {
                    line: 1,
                    column: 1,
                    offset: 0,
                },
                kind: XmlErrorKind::TooLarge {
                    size: bytes.len(),
                    limit: options.max_input_bytes,
                },
            });
        }
        let decoded = encoding::decode(bytes).map_err(|e| {
            let starts = line_starts(&e.text_before);
            let position = position_in(&e.text_before, &starts, e.text_before.len());
            XmlError {
                source_name: source_name.clone(),
                position,
                kind: e.kind,
            }
        })?;
        Document::build(decoded, source_name, options)
    }

    /// Builds the tree over decoded text.
    pub(crate) fn build(
        decoded: Decoded,
        source_name: String,
        options: &ParseOptions,
    ) -> Result<Document, XmlError> {
        if decoded.text.len() > options.max_input_bytes || decoded.text.len() >= u32::MAX as usize {
            return Err(XmlError {
                source_name,
                position: Position {
                    line: 1,
                    column: 1,
                    offset: 0,
                },
                kind: XmlErrorKind::TooLarge {
                    size: decoded.text.len(),
                    limit: options.max_input_bytes,
                },
            });
        }
        let built = Builder::new(&decoded.text, decoded.body_offset, options)
            .run()
            .map_err(|(offset, kind)| {
                let starts = line_starts(&decoded.text);
                XmlError {
                    source_name: source_name.clone(),
                    position: position_in(&decoded.text, &starts, offset),
                    kind,
                }
            })?;
        Ok(Document {
            source_name,
            text: decoded.text,
            encoding: decoded.encoding,
            original: decoded.original,
            body_offset: decoded.body_offset,
            nodes: built.nodes,
            attrs: built.attrs,
            ns_decls: built.ns_decls,
            namespaces: built.namespaces,
            owned: built.owned,
            doctype: built.doctype,
            line_index: OnceLock::new(),
            sibling_ordinals: OnceLock::new(),
            name_index: OnceLock::new(),
            first_line: 1,
            generation: next_generation(),
        })
    }

    /// True when the document arrived as UTF-8 (offsets are offsets in the received bytes).
    pub fn is_utf8(&self) -> bool {
        matches!(
            self.encoding,
            SourceEncoding::Utf8 | SourceEncoding::Utf8WithBom | SourceEncoding::Ascii
        )
    }
}

type ParseResult<T> = Result<T, (usize, XmlErrorKind)>;

struct Built {
    nodes: Vec<NodeData>,
    attrs: Vec<AttrData>,
    ns_decls: Vec<NsDeclData>,
    namespaces: Vec<Box<str>>,
    owned: Vec<Box<str>>,
    doctype: Option<DoctypeInfo>,
}

struct OpenElement {
    node: u32,
    last_child: u32,
    bindings_mark: usize,
}

/// Character data collected across quick-xml's Text and GeneralRef events, which split a
/// single XML text node at every reference.
struct PendingText {
    start: usize,
    end: usize,
    owned: Option<String>,
}

/// An attribute as scanned from a start tag, before namespace resolution.
struct RawAttr {
    qname: Span,
    prefix_len: u32,
    raw_value: Span,
    span: Span,
}

struct Builder<'t> {
    text: &'t str,
    base: usize,
    options: &'t ParseOptions,
    nodes: Vec<NodeData>,
    attrs: Vec<AttrData>,
    ns_decls: Vec<NsDeclData>,
    namespaces: Vec<Box<str>>,
    ns_index: HashMap<Box<str>, NsId>,
    owned: Vec<Box<str>>,
    open: Vec<OpenElement>,
    /// Prefixes in scope at the current element.
    bindings: PrefixBindings<'t>,
    pending: Option<PendingText>,
    root_seen: bool,
    doctype: Option<DoctypeInfo>,
    scratch_attrs: Vec<RawAttr>,
}

/// At most how many nodes `text` can make: each `<` starts at most one node and ends at most
/// one text node. The arena is reserved at this size once: growing it by doubling would copy
/// it and hold both copies at the peak, while reserved pages never written cost no memory.
fn node_bound(text: &str) -> usize {
    2 * memchr::memchr_iter(b'<', text.as_bytes()).count() + 4
}

impl<'t> Builder<'t> {
    fn new(text: &'t str, base: usize, options: &'t ParseOptions) -> Self {
        let mut b = Builder {
            text,
            base,
            options,
            nodes: Vec::with_capacity(node_bound(text)),
            attrs: Vec::with_capacity(memchr::memchr_iter(b'=', text.as_bytes()).count() + 4),
            ns_decls: Vec::new(),
            namespaces: Vec::new(),
            ns_index: HashMap::new(),
            owned: Vec::new(),
            open: Vec::new(),
            bindings: PrefixBindings::default(),
            pending: None,
            root_seen: false,
            doctype: None,
            scratch_attrs: Vec::new(),
        };
        b.intern("");
        b.intern(XML_NAMESPACE);
        b.nodes.push(NodeData {
            kind: NodeKindData::Document,
            parent: NO_NODE,
            next_sibling: NO_NODE,
            subtree_end: 1,
            span: Span::new(0, text.len()),
        });
        b.open.push(OpenElement {
            node: 0,
            last_child: NO_NODE,
            bindings_mark: 0,
        });
        b
    }

    fn offset_of(&self, s: &str) -> usize {
        s.as_ptr() as usize - self.text.as_ptr() as usize
    }

    fn intern(&mut self, uri: &str) -> NsId {
        if let Some(&id) = self.ns_index.get(uri) {
            return id;
        }
        let id = NsId(self.namespaces.len() as u32);
        self.namespaces.push(uri.into());
        self.ns_index.insert(uri.into(), id);
        id
    }

    fn depth(&self) -> usize {
        self.open.len() - 1
    }

    fn run(mut self) -> ParseResult<Built> {
        let body = &self.text[self.base..];
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
                        Event::Start(e) => {
                            let content: &str = &e;
                            self.start_element(before, after, content, e.name().0.len(), false)?;
                        }
                        Event::Empty(e) => {
                            let content: &str = &e;
                            self.start_element(before, after, content, e.name().0.len(), true)?;
                        }
                        Event::End(_) => self.end_element(before, after),
                        Event::CData(c) => {
                            let content: &str = &c;
                            self.cdata(before, after, content)?;
                        }
                        Event::Comment(c) => {
                            let content: &str = &c;
                            let start = self.offset_of(content);
                            self.check_chars(start, content)?;
                            let span = Span::new(start, start + content.len());
                            self.push_leaf(
                                NodeKindData::Comment { content: span },
                                Span::new(before, after),
                            );
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
        if self.open.len() > 1 {
            let top = self.open.last().expect("checked");
            let data = &self.nodes[top.node as usize];
            let name = match &data.kind {
                NodeKindData::Element(e) => self.text[e.qname.range()].to_string(),
                _ => String::new(),
            };
            let starts = line_starts(self.text);
            let opened_at = position_in(self.text, &starts, data.span.start as usize);
            return Err((
                self.text.len(),
                XmlErrorKind::UnclosedElement { name, opened_at },
            ));
        }
        if !self.root_seen {
            return Err((self.text.len(), XmlErrorKind::NoRootElement));
        }
        let end = self.nodes.len() as u32;
        self.nodes[0].subtree_end = end;
        Ok(Built {
            nodes: self.nodes,
            attrs: self.attrs,
            ns_decls: self.ns_decls,
            namespaces: self.namespaces,
            owned: self.owned,
            doctype: self.doctype,
        })
    }

    fn convert_error(&self, error: &quick_xml::Error, offset: usize) -> (usize, XmlErrorKind) {
        use quick_xml::errors::IllFormedError;
        let kind = match error {
            quick_xml::Error::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => {
                XmlErrorKind::MismatchedEndTag {
                    expected: expected.clone(),
                    found: found.clone(),
                }
            }
            quick_xml::Error::IllFormed(IllFormedError::UnmatchedEndTag(name)) => {
                XmlErrorKind::UnexpectedEndTag(name.clone())
            }
            other => XmlErrorKind::Syntax(other.to_string()),
        };
        (offset, kind)
    }

    /// Adds a node under the innermost open element and links it to its previous sibling.
    fn push_node(&mut self, kind: NodeKindData, span: Span) -> u32 {
        let id = self.nodes.len() as u32;
        let top = self.open.last_mut().expect("document node is always open");
        let parent = top.node;
        if top.last_child != NO_NODE {
            self.nodes[top.last_child as usize].next_sibling = id;
        }
        top.last_child = id;
        self.nodes.push(NodeData {
            kind,
            parent,
            next_sibling: NO_NODE,
            subtree_end: id + 1,
            span,
        });
        id
    }

    fn push_leaf(&mut self, kind: NodeKindData, span: Span) {
        self.push_node(kind, span);
    }

    fn text_chunk(&mut self, start: usize, end: usize) -> ParseResult<()> {
        let chunk = &self.text[start..end];
        if self.depth() == 0 {
            if let Some(i) = chunk
                .bytes()
                .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
            {
                return Err((start + i, XmlErrorKind::TextOutsideRoot));
            }
            return Ok(());
        }
        let has_cr = self.check_chars(start, chunk)?;
        let pending = self.pending.get_or_insert(PendingText {
            start,
            end: start,
            owned: None,
        });
        if has_cr && pending.owned.is_none() {
            pending.owned = Some(self.text[pending.start..pending.end].to_string());
        }
        if let Some(owned) = pending.owned.as_mut() {
            push_normalized_line_ends(owned, chunk);
        }
        pending.end = end;
        Ok(())
    }

    fn reference(&mut self, start: usize, end: usize, name: &str) -> ParseResult<()> {
        if self.depth() == 0 {
            return Err((start, XmlErrorKind::TextOutsideRoot));
        }
        let resolved = resolve_reference(name).map_err(|kind| (start, kind))?;
        let pending = self.pending.get_or_insert(PendingText {
            start,
            end: start,
            owned: None,
        });
        if pending.owned.is_none() {
            pending.owned = Some(self.text[pending.start..pending.end].to_string());
        }
        pending.owned.as_mut().expect("just set").push(resolved);
        pending.end = end;
        Ok(())
    }

    fn flush_text(&mut self) {
        if let Some(p) = self.pending.take() {
            let span = Span::new(p.start, p.end);
            let value = match p.owned {
                None => StrRef::Source(span),
                Some(s) => {
                    self.owned.push(s.into_boxed_str());
                    StrRef::Owned(self.owned.len() as u32 - 1)
                }
            };
            self.push_node(
                NodeKindData::Text {
                    value,
                    cdata: false,
                },
                span,
            );
        }
    }

    fn cdata(&mut self, before: usize, after: usize, content: &str) -> ParseResult<()> {
        if self.depth() == 0 {
            return Err((before, XmlErrorKind::TextOutsideRoot));
        }
        let start = self.offset_of(content);
        let has_cr = self.check_chars(start, content)?;
        let value = if has_cr {
            let mut s = String::with_capacity(content.len());
            push_normalized_line_ends(&mut s, content);
            self.owned.push(s.into_boxed_str());
            StrRef::Owned(self.owned.len() as u32 - 1)
        } else {
            StrRef::Source(Span::new(start, start + content.len()))
        };
        self.push_leaf(
            NodeKindData::Text { value, cdata: true },
            Span::new(before, after),
        );
        Ok(())
    }

    fn processing_instruction(
        &mut self,
        before: usize,
        after: usize,
        content: &str,
    ) -> ParseResult<()> {
        let start = self.offset_of(content);
        self.check_chars(start, content)?;
        let target_len = content
            .find([' ', '\t', '\r', '\n'])
            .unwrap_or(content.len());
        let target = &content[..target_len];
        if target.is_empty() {
            return Err((start, XmlErrorKind::InvalidName("after <?")));
        }
        if target.eq_ignore_ascii_case("xml") {
            return Err((start, XmlErrorKind::ReservedPiTarget(target.to_string())));
        }
        let data = content[target_len..].trim_start_matches([' ', '\t', '\r', '\n']);
        let data_start = start + (content.len() - data.len());
        self.push_leaf(
            NodeKindData::ProcessingInstruction {
                target: Span::new(start, start + target_len),
                data: Span::new(data_start, data_start + data.len()),
            },
            Span::new(before, after),
        );
        Ok(())
    }

    fn doctype(&mut self, before: usize, after: usize, content: &str) -> ParseResult<()> {
        if self.root_seen || self.doctype.is_some() {
            return Err((before, XmlErrorKind::MisplacedDoctype));
        }
        let content_start = self.offset_of(content);
        let (head, subset) = match content.find('[') {
            Some(i) => (&content[..i], Some(&content[i..])),
            None => (content, None),
        };
        if let Some(subset) = subset
            && let Some(i) = subset.find("<!ENTITY")
        {
            let at = content_start + (content.len() - subset.len()) + i;
            return Err((at, XmlErrorKind::EntityDeclaration));
        }
        self.doctype = Some(DoctypeInfo {
            span: Span::new(before, after),
            has_internal_subset: subset.is_some(),
            declares_attlists: subset.is_some_and(|s| s.contains("<!ATTLIST")),
            external_id: head.contains("SYSTEM") || head.contains("PUBLIC"),
        });
        Ok(())
    }

    /// Checks characters XML 1.0 forbids; returns whether a carriage return occurs (the text
    /// then needs line-end normalization).
    fn check_chars(&self, start: usize, s: &str) -> ParseResult<bool> {
        // Fast path: most chunks hold no control character and no 0xEF lead byte; this fold
        // vectorizes, so only the rare chunk with one is inspected byte by byte.
        let mut has_cr = false;
        for (chunk_index, chunk) in s.as_bytes().chunks(64).enumerate() {
            let suspicious = chunk
                .iter()
                .fold(false, |acc, &b| acc | (b < 0x20) | (b == 0xEF));
            if !suspicious {
                continue;
            }
            let base = chunk_index * 64;
            for (i, &b) in chunk.iter().enumerate() {
                match b {
                    b'\r' => has_cr = true,
                    b'\t' | b'\n' => {}
                    0..0x20 => {
                        return Err((start + base + i, XmlErrorKind::IllegalCharacter(b as u32)));
                    }
                    0xEF => {
                        let rest = &s.as_bytes()[base + i..];
                        if rest.starts_with(&[0xEF, 0xBF, 0xBE])
                            || rest.starts_with(&[0xEF, 0xBF, 0xBF])
                        {
                            let c = if rest[2] == 0xBE { 0xFFFE } else { 0xFFFF };
                            return Err((start + base + i, XmlErrorKind::IllegalCharacter(c)));
                        }
                    }
                    _ => {}
                }
            }
        }
        Ok(has_cr)
    }

    fn start_element(
        &mut self,
        before: usize,
        after: usize,
        content: &str,
        name_len: usize,
        empty: bool,
    ) -> ParseResult<()> {
        let content_start = self.offset_of(content);
        if self.depth() == 0 && self.root_seen {
            return Err((
                before,
                XmlErrorKind::MultipleRoots(content[..name_len].to_string()),
            ));
        }
        if self.depth() >= self.options.max_depth {
            return Err((
                before,
                XmlErrorKind::TooDeep {
                    limit: self.options.max_depth,
                },
            ));
        }
        self.root_seen = true;
        let qname = &content[..name_len];
        let prefix_len = check_qname(qname).map_err(|k| (content_start, k))?;

        // Scan attributes, then split namespace declarations from ordinary attributes.
        let mut scanned = std::mem::take(&mut self.scratch_attrs);
        scanned.clear();
        scan_attributes(
            &content[name_len..],
            content_start + name_len,
            &mut scanned,
            self.options.max_attributes,
        )?;
        let bindings_mark = self.bindings.len();
        let ns_first = self.ns_decls.len() as u32;
        for raw in &scanned {
            let name = &self.text[raw.qname.range()];
            let prefix = if name == "xmlns" {
                None
            } else if let Some(p) = name.strip_prefix("xmlns:") {
                let _ = p;
                Some(Span::new(
                    raw.qname.start as usize + 6,
                    raw.qname.end as usize,
                ))
            } else {
                continue;
            };
            let value = self.attribute_value(raw.raw_value)?;
            let uri_text: &str = match &value {
                StrRef::Source(s) => &self.text[s.range()],
                StrRef::Owned(i) => &self.owned[*i as usize],
            };
            let uri_text = uri_text.to_string();
            if let Some(p) = prefix {
                let p_text = &self.text[p.range()];
                let bad = (p_text == "xml") != (uri_text == XML_NAMESPACE)
                    || p_text == "xmlns"
                    || uri_text == XMLNS_NAMESPACE
                    || uri_text.is_empty();
                if bad {
                    return Err((
                        raw.span.start as usize,
                        XmlErrorKind::ReservedPrefix(p_text.to_string()),
                    ));
                }
            } else if uri_text == XML_NAMESPACE || uri_text == XMLNS_NAMESPACE {
                return Err((
                    raw.span.start as usize,
                    XmlErrorKind::ReservedPrefix(String::new()),
                ));
            }
            if self.ns_decls[ns_first as usize..].iter().any(|d| {
                d.prefix.map(|s| &self.text[s.range()]) == prefix.map(|s| &self.text[s.range()])
            }) {
                return Err((
                    raw.span.start as usize,
                    XmlErrorKind::DuplicateAttribute(self.text[raw.qname.range()].to_string()),
                ));
            }
            let ns = self.intern(&uri_text);
            self.ns_decls.push(NsDeclData {
                prefix,
                uri: ns,
                span: raw.span,
            });
            self.bindings
                .bind(prefix.map(|p| &self.text[p.range()]), ns);
        }
        let ns_last = self.ns_decls.len() as u32;

        let ns = self.resolve_prefix(&qname[..prefix_len as usize], content_start, true)?;

        let attr_first = self.attrs.len() as u32;
        for raw in &scanned {
            let name = &self.text[raw.qname.range()];
            if name == "xmlns" || name.starts_with("xmlns:") {
                continue;
            }
            let attr_ns = if raw.prefix_len == 0 {
                NsId::NONE
            } else {
                self.resolve_prefix(
                    &name[..raw.prefix_len as usize],
                    raw.qname.start as usize,
                    false,
                )?
            };
            let value = self.attribute_value(raw.raw_value)?;
            self.attrs.push(AttrData {
                qname: raw.qname,
                prefix_len: raw.prefix_len,
                ns: attr_ns,
                raw_value: raw.raw_value,
                value,
                span: raw.span,
            });
        }
        self.check_duplicate_attributes(attr_first as usize)?;
        self.scratch_attrs = scanned;
        let attr_last = self.attrs.len() as u32;

        let tag = Span::new(before, after);
        let id = self.push_node(
            NodeKindData::Element(ElementData {
                qname: Span::new(content_start, content_start + name_len),
                prefix_len,
                ns,
                attrs: attr_first..attr_last,
                ns_decls: ns_first..ns_last,
                start_tag: tag,
                end_tag: None,
            }),
            tag,
        );
        if empty {
            self.bindings.truncate(bindings_mark);
        } else {
            self.open.push(OpenElement {
                node: id,
                last_child: NO_NODE,
                bindings_mark,
            });
        }
        Ok(())
    }

    fn end_element(&mut self, before: usize, after: usize) {
        // quick-xml has already checked that the end tag matches the open element.
        let open = self
            .open
            .pop()
            .expect("quick-xml reports unmatched end tags");
        self.bindings.truncate(open.bindings_mark);
        let end = self.nodes.len() as u32;
        let node = &mut self.nodes[open.node as usize];
        node.subtree_end = end;
        node.span.end = after as u32;
        if let NodeKindData::Element(e) = &mut node.kind {
            e.end_tag = Some(Span::new(before, after));
        }
    }

    fn resolve_prefix(&self, prefix: &str, at: usize, is_element: bool) -> ParseResult<NsId> {
        if prefix == "xml" {
            return Ok(NsId::XML);
        }
        if prefix == "xmlns" {
            return Err((at, XmlErrorKind::ReservedPrefix(prefix.to_string())));
        }
        let wanted = (!prefix.is_empty()).then_some(prefix);
        if let Some(ns) = self.bindings.lookup(wanted) {
            return Ok(ns);
        }
        match wanted {
            // An unprefixed element with no default namespace declared has no namespace.
            None if is_element => Ok(NsId::NONE),
            None => Ok(NsId::NONE),
            Some(p) => Err((at, XmlErrorKind::UnboundPrefix(p.to_string()))),
        }
    }

    /// Attribute-value normalization (XML 1.0 section 3.3.3, CDATA type): references resolved,
    /// each literal tab, line feed, carriage return (or CR LF pair) becomes one space.
    fn attribute_value(&mut self, raw: Span) -> ParseResult<StrRef> {
        let s = &self.text[raw.range()];
        let start = raw.start as usize;
        let mut needs_copy = false;
        for (i, b) in s.bytes().enumerate() {
            match b {
                b'<' => return Err((start + i, XmlErrorKind::LessThanInAttribute)),
                b'&' | b'\t' | b'\n' | b'\r' => needs_copy = true,
                0..0x20 => return Err((start + i, XmlErrorKind::IllegalCharacter(b as u32))),
                _ => {}
            }
        }
        if !needs_copy {
            return Ok(StrRef::Source(raw));
        }
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(c) = rest.chars().next() {
            match c {
                '&' => {
                    let Some(semi) = rest.find(';') else {
                        let at = start + (s.len() - rest.len());
                        return Err((
                            at,
                            XmlErrorKind::MalformedAttribute("';' to end the reference"),
                        ));
                    };
                    let at = start + (s.len() - rest.len());
                    out.push(resolve_reference(&rest[1..semi]).map_err(|k| (at, k))?);
                    rest = &rest[semi + 1..];
                }
                '\r' => {
                    out.push(' ');
                    rest = rest[1..].strip_prefix('\n').unwrap_or(&rest[1..]);
                }
                '\t' | '\n' => {
                    out.push(' ');
                    rest = &rest[1..];
                }
                other => {
                    out.push(other);
                    rest = &rest[other.len_utf8()..];
                }
            }
        }
        self.owned.push(out.into_boxed_str());
        Ok(StrRef::Owned(self.owned.len() as u32 - 1))
    }

    /// Two attributes may not share a qualified name, nor an expanded name (Namespaces in XML,
    /// section 6.3).
    fn check_duplicate_attributes(&self, first: usize) -> ParseResult<()> {
        let attrs = &self.attrs[first..];
        let key = |a: &AttrData| {
            let q = &self.text[a.qname.range()];
            let local = if a.prefix_len == 0 {
                q
            } else {
                &q[a.prefix_len as usize + 1..]
            };
            (a.ns, local)
        };
        let duplicate = |a: &AttrData| {
            Err((
                a.span.start as usize,
                XmlErrorKind::DuplicateAttribute(self.text[a.qname.range()].to_string()),
            ))
        };
        if attrs.len() <= 16 {
            for (i, a) in attrs.iter().enumerate() {
                if attrs[..i].iter().any(|b| key(a) == key(b)) {
                    return duplicate(a);
                }
            }
        } else {
            let mut sorted: Vec<&AttrData> = attrs.iter().collect();
            sorted.sort_by(|a, b| key(a).cmp(&key(b)).then(a.span.start.cmp(&b.span.start)));
            for pair in sorted.windows(2) {
                if key(pair[0]) == key(pair[1]) {
                    return duplicate(pair[1]);
                }
            }
        }
        Ok(())
    }
}

fn push_normalized_line_ends(out: &mut String, chunk: &str) {
    let mut rest = chunk;
    while let Some(i) = rest.find('\r') {
        out.push_str(&rest[..i]);
        out.push('\n');
        rest = rest[i + 1..].strip_prefix('\n').unwrap_or(&rest[i + 1..]);
    }
    out.push_str(rest);
}

/// Resolves `&name;` (given without `&` and `;`): the five predefined entities and character
/// references. Any other entity is undeclared: DTDs are never applied.
fn resolve_reference(name: &str) -> Result<char, XmlErrorKind> {
    let bad = || XmlErrorKind::InvalidCharRef(name.to_string());
    let code = if let Some(hex) = name.strip_prefix("#x") {
        u32::from_str_radix(hex, 16).map_err(|_| bad())?
    } else if let Some(dec) = name.strip_prefix('#') {
        if dec.is_empty() || !dec.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        dec.parse::<u32>().map_err(|_| bad())?
    } else {
        return match name {
            "amp" => Ok('&'),
            "lt" => Ok('<'),
            "gt" => Ok('>'),
            "quot" => Ok('"'),
            "apos" => Ok('\''),
            other => Err(XmlErrorKind::UndefinedEntity(other.to_string())),
        };
    };
    let legal =
        matches!(code, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF);
    if !legal || (name.starts_with("#x") && name.len() == 2) {
        return Err(bad());
    }
    char::from_u32(code).ok_or_else(bad)
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic()
        || c == '_'
        || (!c.is_ascii()
            && c != '\u{B7}'
            && !matches!(c, '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}'))
}

fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || c.is_ascii_digit()
        || matches!(c, '-' | '.' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

fn check_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
}

/// ASCII bytes allowed in a name: 1 = may start a name, 2 = may only continue one.
const NAME_BYTES: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() || c == b'_' {
            1
        } else if c.is_ascii_digit() || c == b'-' || c == b'.' {
            2
        } else {
            0
        };
        b += 1;
    }
    t
};

/// Checks a qualified name and returns the length of its prefix (0 when unprefixed).
fn check_qname(q: &str) -> Result<u32, XmlErrorKind> {
    let invalid = || XmlErrorKind::InvalidName("(a valid element or attribute name)");
    // Fast path for ASCII names, the overwhelming majority: one pass finds the colon and
    // checks every byte.
    let bytes = q.as_bytes();
    let mut colon = None;
    let mut part_start = true;
    let mut ascii = true;
    for (i, &b) in bytes.iter().enumerate() {
        if b >= 0x80 {
            ascii = false;
            break;
        }
        if b == b':' {
            if colon.is_some() || part_start {
                return Err(invalid());
            }
            colon = Some(i);
            part_start = true;
            continue;
        }
        match NAME_BYTES[b as usize] {
            1 => {}
            2 if !part_start => {}
            _ => return Err(invalid()),
        }
        part_start = false;
    }
    if ascii {
        return if bytes.is_empty() || part_start {
            Err(invalid())
        } else {
            Ok(colon.unwrap_or(0) as u32)
        };
    }
    match q.split_once(':') {
        None if check_ncname(q) => Ok(0),
        Some((p, l)) if check_ncname(p) && check_ncname(l) => Ok(p.len() as u32),
        _ => Err(invalid()),
    }
}

/// Scans `name="value"` pairs of a start tag. `rest` follows the element name, at offset `at`.
fn scan_attributes(rest: &str, at: usize, out: &mut Vec<RawAttr>, limit: usize) -> ParseResult<()> {
    let bytes = rest.as_bytes();
    let mut i = 0;
    loop {
        let ws_start = i;
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        if i == bytes.len() {
            return Ok(());
        }
        if i == ws_start {
            return Err((
                at + i,
                XmlErrorKind::MalformedAttribute("white space before the attribute"),
            ));
        }
        let name_start = i;
        while i < bytes.len() && !matches!(bytes[i], b'=' | b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        let name = &rest[name_start..i];
        let prefix_len = check_qname(name).map_err(|_| {
            (
                at + name_start,
                XmlErrorKind::InvalidName("for the attribute"),
            )
        })?;
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            return Err((
                at + i,
                XmlErrorKind::MalformedAttribute("'=' after the attribute name"),
            ));
        }
        i += 1;
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        let quote = match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => {
                return Err((
                    at + i,
                    XmlErrorKind::MalformedAttribute("a quoted attribute value"),
                ));
            }
        };
        let value_start = i + 1;
        let Some(len) = memchr::memchr(quote, &bytes[value_start..]) else {
            return Err((
                at + i,
                XmlErrorKind::MalformedAttribute("the closing quote of the value"),
            ));
        };
        i = value_start + len + 1;
        if out.len() >= limit {
            return Err((at + name_start, XmlErrorKind::TooManyAttributes { limit }));
        }
        out.push(RawAttr {
            qname: Span::new(at + name_start, at + name_start + name.len()),
            prefix_len,
            raw_value: Span::new(at + value_start, at + value_start + len),
            span: Span::new(at + name_start, at + i),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::tree::{Document, NodeType};

    fn parse(s: &str) -> Document {
        Document::parse_str(s, "t.xml").unwrap()
    }

    fn error(s: &str) -> XmlError {
        Document::parse_str(s, "t.xml").unwrap_err()
    }

    #[test]
    fn spans_point_at_the_received_text() {
        let src = "<?xml version=\"1.0\"?>\n<a x='1'>\n  <b>t&amp;u</b><c/>\n</a>";
        let d = parse(src);
        let a = d.root_element();
        assert_eq!(a.source_text(), &src[22..]);
        assert_eq!(a.position().line, 2);
        let b = a.child("", "b").unwrap();
        assert_eq!(b.source_text(), "<b>t&amp;u</b>");
        assert_eq!((b.position().line, b.position().column), (3, 3));
        let text = b.first_child().unwrap();
        assert_eq!(text.source_text(), "t&amp;u");
        assert_eq!(text.text(), "t&u");
        assert_eq!(a.child("", "c").unwrap().end_tag_span(), None);
        assert_eq!(d.text().as_bytes(), d.received_bytes());
    }

    #[test]
    fn adjacent_text_and_references_form_one_text_node() {
        let d = parse("<a>x&lt;y&#x41;z</a>");
        let children: Vec<_> = d.root_element().children().collect();
        assert_eq!(children.len(), 1);
        assert_eq!(children[0].text(), "x<yAz");
    }

    #[test]
    fn namespaces_resolve_and_declarations_are_kept_as_written() {
        let d =
            parse(r#"<p:a xmlns:p="urn:p" xmlns="urn:d"><b p:x="1" y="2"/><c xmlns=""/></p:a>"#);
        let a = d.root_element();
        assert_eq!(
            (a.namespace(), a.local_name(), a.prefix()),
            ("urn:p", "a", Some("p"))
        );
        let decls: Vec<_> = a
            .namespace_declarations()
            .map(|d| (d.prefix, d.uri))
            .collect();
        assert_eq!(decls, vec![(Some("p"), "urn:p"), (None, "urn:d")]);
        let b = a.first_child().unwrap();
        assert_eq!(b.namespace(), "urn:d");
        assert_eq!(b.attribute_ns("urn:p", "x"), Some("1"));
        assert_eq!(
            b.attribute("y"),
            Some("2"),
            "unprefixed attributes have no namespace"
        );
        assert_eq!(b.next_sibling().unwrap().namespace(), "");
        assert_eq!(
            b.lookup_namespace(Some("xml")),
            Some(crate::xml::tree::XML_NAMESPACE)
        );
    }

    #[test]
    fn attribute_values_keep_raw_and_normalized_forms() {
        let d = parse("<a v=\"x&amp;y\t\r\nz&#10;\"/>");
        let attr = d.root_element().attributes().next().unwrap();
        assert_eq!(attr.raw_value(), "x&amp;y\t\r\nz&#10;");
        assert_eq!(attr.value(), "x&y  z\n");
    }

    #[test]
    fn comments_pis_and_cdata_are_nodes() {
        let d = parse("<!--top--><a><?t some data?><![CDATA[<x>]]></a><?after?>");
        let kinds: Vec<_> = d.descendants().map(|n| n.node_type()).collect();
        use NodeType::*;
        assert_eq!(
            kinds,
            vec![
                Document,
                Comment,
                Element,
                ProcessingInstruction,
                Text,
                ProcessingInstruction
            ]
        );
        let pi = d.root_element().first_child().unwrap();
        assert_eq!(pi.processing_instruction(), Some(("t", "some data")));
        assert!(pi.next_sibling().unwrap().is_cdata());
    }

    #[test]
    fn doctype_without_entities_is_recorded_not_applied() {
        let d = parse("<!DOCTYPE a [<!ATTLIST a x CDATA 'dflt'>]><a/>");
        assert!(d.doctype().unwrap().declares_attlists);
        assert_eq!(d.root_element().attribute("x"), None);
        let d = parse("<!DOCTYPE a SYSTEM \"a.dtd\"><a/>");
        assert!(d.doctype().unwrap().external_id);
    }

    #[test]
    fn entity_declarations_are_refused_with_position() {
        let e = error("<!DOCTYPE a [\n<!ENTITY x \"y\">\n]><a>&x;</a>");
        assert_eq!(e.kind, XmlErrorKind::EntityDeclaration);
        assert_eq!((e.position.line, e.position.column), (2, 1));
        assert!(e.to_string().starts_with("t.xml:2:1: "));
    }

    #[test]
    fn undeclared_entities_are_errors() {
        assert_eq!(
            error("<a>&nbsp;</a>").kind,
            XmlErrorKind::UndefinedEntity("nbsp".into())
        );
        assert!(matches!(
            error("<a>&#0;</a>").kind,
            XmlErrorKind::InvalidCharRef(_)
        ));
        assert!(matches!(
            error("<a>&#xD800;</a>").kind,
            XmlErrorKind::InvalidCharRef(_)
        ));
        assert!(matches!(
            error("<a b='&bogus;'/>").kind,
            XmlErrorKind::UndefinedEntity(_)
        ));
    }

    #[test]
    fn well_formedness_errors() {
        assert!(matches!(
            error("<a><b></a>").kind,
            XmlErrorKind::MismatchedEndTag { .. }
        ));
        let e = error("<a>\n<b>");
        assert!(
            matches!(&e.kind, XmlErrorKind::UnclosedElement { name, opened_at } if name == "b" && opened_at.line == 2)
        );
        assert!(matches!(
            error("<a/><b/>").kind,
            XmlErrorKind::MultipleRoots(_)
        ));
        assert_eq!(error("<a/>junk").kind, XmlErrorKind::TextOutsideRoot);
        assert_eq!(error("  ").kind, XmlErrorKind::NoRootElement);
        assert!(matches!(
            error("<a b='1' b='2'/>").kind,
            XmlErrorKind::DuplicateAttribute(_)
        ));
        assert!(matches!(
            error("<a xmlns:p='urn:x' xmlns:q='urn:x' p:b='1' q:b='2'/>").kind,
            XmlErrorKind::DuplicateAttribute(_)
        ));
        assert!(matches!(
            error("<p:a/>").kind,
            XmlErrorKind::UnboundPrefix(_)
        ));
        assert!(matches!(
            error("<a q:b='1'/>").kind,
            XmlErrorKind::UnboundPrefix(_)
        ));
        assert_eq!(error("<a b='<'/>").kind, XmlErrorKind::LessThanInAttribute);
        assert!(matches!(
            error("<a b='1'c='2'/>").kind,
            XmlErrorKind::MalformedAttribute(_)
        ));
        assert!(matches!(
            error("<a b/>").kind,
            XmlErrorKind::MalformedAttribute(_)
        ));
        assert!(matches!(
            error("<a>\u{1}</a>").kind,
            XmlErrorKind::IllegalCharacter(1)
        ));
        assert!(matches!(
            error("<a/><?xml version='1.0'?>").kind,
            XmlErrorKind::MisplacedDeclaration | XmlErrorKind::Syntax(_)
        ));
        assert!(matches!(
            error("<a xmlns:p=''/>").kind,
            XmlErrorKind::ReservedPrefix(_)
        ));
        assert!(matches!(
            error("<a xmlns:xml='urn:x'/>").kind,
            XmlErrorKind::ReservedPrefix(_)
        ));
        assert!(matches!(error("<1a/>").kind, XmlErrorKind::InvalidName(_)));
    }

    #[test]
    fn limits_are_enforced() {
        let deep = "<a>".repeat(600) + &"</a>".repeat(600);
        assert_eq!(error(&deep).kind, XmlErrorKind::TooDeep { limit: 512 });
        let options = ParseOptions {
            max_attributes: 3,
            ..ParseOptions::default()
        };
        let e = Document::parse_with(b"<a b='1' c='2' d='3' e='4'/>".to_vec(), "t", &options)
            .unwrap_err();
        assert_eq!(e.kind, XmlErrorKind::TooManyAttributes { limit: 3 });
        let options = ParseOptions {
            max_input_bytes: 4,
            ..ParseOptions::default()
        };
        let e = Document::parse_with(b"<abc/>".to_vec(), "t", &options).unwrap_err();
        assert!(matches!(e.kind, XmlErrorKind::TooLarge { .. }));
    }

    #[test]
    fn invalid_utf8_is_located() {
        let e = Document::parse(b"<a>\n  \xff</a>".to_vec(), "t.xml").unwrap_err();
        assert_eq!(e.kind, XmlErrorKind::InvalidUtf8);
        assert_eq!((e.position.line, e.position.column), (2, 3));
    }

    #[test]
    fn utf16_documents_parse() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>é</a>".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let d = Document::parse(bytes.clone(), "t").unwrap();
        assert_eq!(d.root_element().text_content(), "é");
        assert_eq!(d.received_bytes(), bytes.as_slice());
    }

    #[test]
    fn utf8_bom_is_skipped() {
        let d = Document::parse(b"\xef\xbb\xbf<?xml version='1.0'?><a/>".to_vec(), "t").unwrap();
        assert_eq!(d.root_element().source_text(), "<a/>");
        assert_eq!(d.body_offset(), 3);
    }

    #[test]
    fn path_names_elements_with_positions_among_same_named_siblings() {
        let d = parse("<r><x/><y/><x><z/></x></r>");
        let z = d.descendants().find(|n| n.local_name() == "z").unwrap();
        assert_eq!(z.path(), "/r/x[2]/z");
    }
}
