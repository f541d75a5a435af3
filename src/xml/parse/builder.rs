//! The tree builder: quick-xml's events become arena nodes with spans, namespaces are
//! resolved as elements open, and every well-formedness rule and limit is checked on the way.

use super::names::*;
use super::*;
use crate::huge_pages;

impl<'t> Builder<'t> {
    pub(super) fn new(text: &'t str, base: usize, options: &'t ParseOptions) -> Self {
        let bounds = arena_bounds(text);
        let mut b = Builder {
            text,
            base,
            options,
            nodes: huge_pages::vec_with_capacity(bounds.nodes),
            elements: huge_pages::vec_with_capacity(bounds.elements),
            attrs: huge_pages::vec_with_capacity(bounds.attrs),
            ns_decls: Vec::new(),
            namespaces: Vec::new(),
            ns_index: HashMap::new(),
            owned: OwnedValues::default(),
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
            subtree_end: 1,
            span: Span::new(0, text.len()),
        });
        b.open.push(OpenElement {
            node: 0,
            bindings_mark: 0,
        });
        b
    }

    pub(super) fn offset_of(&self, s: &str) -> usize {
        s.as_ptr() as usize - self.text.as_ptr() as usize
    }

    fn intern(&mut self, uri: &str) -> NsId {
        // A message declares a handful of namespaces, usually again and again (an `xmlns:p`
        // on every repeated element): comparing with those few costs less than hashing.
        if self.namespaces.len() <= 16 {
            if let Some(i) = self.namespaces.iter().position(|n| &**n == uri) {
                return NsId(i as u32);
            }
        } else if let Some(&id) = self.ns_index.get(uri) {
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

    /// Checks what only the end of input can show (an element left open, no root at all) and
    /// hands over the arenas.
    pub(super) fn finish(mut self) -> ParseResult<Built> {
        if self.open.len() > 1 {
            let top = self.open.last().expect("checked");
            let data = &self.nodes[top.node as usize];
            let name = match data.kind {
                NodeKindData::Element(e) => {
                    let start = data.span.start as usize + 1;
                    self.text[start..start + self.elements[e as usize].qname_len as usize]
                        .to_string()
                }
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
            elements: self.elements,
            attrs: self.attrs,
            ns_decls: self.ns_decls,
            namespaces: self.namespaces,
            owned: self.owned,
            doctype: self.doctype,
        })
    }

    pub(super) fn convert_error(
        &self,
        error: &quick_xml::Error,
        offset: usize,
    ) -> (usize, XmlErrorKind) {
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
        let parent = self.open.last().expect("document node is always open").node;
        self.nodes.push(NodeData {
            kind,
            parent,
            subtree_end: id + 1,
            span,
        });
        id
    }

    pub(super) fn push_leaf(&mut self, kind: NodeKindData, span: Span) {
        self.push_node(kind, span);
    }

    pub(super) fn text_chunk(&mut self, start: usize, end: usize) -> ParseResult<()> {
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
            copied: false,
        });
        if has_cr && !pending.copied {
            pending.copied = true;
            self.owned
                .text
                .push_str(&self.text[pending.start..pending.end]);
        }
        if pending.copied {
            push_normalized_line_ends(&mut self.owned.text, chunk);
        }
        pending.end = end;
        Ok(())
    }

    pub(super) fn reference(&mut self, start: usize, end: usize, name: &str) -> ParseResult<()> {
        if self.depth() == 0 {
            return Err((start, XmlErrorKind::TextOutsideRoot));
        }
        let resolved = resolve_reference(name).map_err(|kind| (start, kind))?;
        let pending = self.pending.get_or_insert(PendingText {
            start,
            end: start,
            copied: false,
        });
        if !pending.copied {
            pending.copied = true;
            self.owned
                .text
                .push_str(&self.text[pending.start..pending.end]);
        }
        self.owned.text.push(resolved);
        pending.end = end;
        Ok(())
    }

    pub(super) fn flush_text(&mut self) {
        if let Some(p) = self.pending.take() {
            let value = if p.copied {
                self.owned.finish_copy()
            } else {
                Normalized::AS_WRITTEN
            };
            self.push_node(NodeKindData::Text(value), Span::new(p.start, p.end));
        }
    }

    pub(super) fn cdata(&mut self, before: usize, after: usize, content: &str) -> ParseResult<()> {
        if self.depth() == 0 {
            return Err((before, XmlErrorKind::TextOutsideRoot));
        }
        let start = self.offset_of(content);
        debug_assert_eq!(start, before + CDATA_OPEN as usize);
        let has_cr = self.check_chars(start, content)?;
        let value = if has_cr {
            push_normalized_line_ends(&mut self.owned.text, content);
            self.owned.finish_copy()
        } else {
            Normalized::AS_WRITTEN
        };
        self.push_leaf(NodeKindData::CData(value), Span::new(before, after));
        Ok(())
    }

    pub(super) fn processing_instruction(
        &mut self,
        before: usize,
        after: usize,
        content: &str,
    ) -> ParseResult<()> {
        let start = self.offset_of(content);
        debug_assert_eq!(start, before + PI_OPEN as usize);
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
                target_len: target_len as u32,
                data_start: data_start as u32,
            },
            Span::new(before, after),
        );
        Ok(())
    }

    pub(super) fn doctype(
        &mut self,
        before: usize,
        after: usize,
        content: &str,
    ) -> ParseResult<()> {
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
    pub(super) fn check_chars(&self, start: usize, s: &str) -> ParseResult<bool> {
        // Short texts (the indentation between elements, most of a SOAP message's text nodes)
        // take one table lookup per byte: chunking costs more than it saves on them.
        if s.len() < 64 && !s.bytes().any(|b| NEEDS_A_LOOK[b as usize]) {
            return Ok(false);
        }
        // Longer ones: most chunks hold no forbidden control character, no carriage return
        // and no 0xEF lead byte (tabs and line feeds are allowed); this fold vectorizes, so
        // only the rare chunk with one is inspected byte by byte.
        let mut has_cr = false;
        for (chunk_index, chunk) in s.as_bytes().chunks(64).enumerate() {
            let suspicious = chunk.iter().fold(false, |acc, &b| {
                acc | ((b < 0x20) & (b != b'\t') & (b != b'\n')) | (b == 0xEF)
            });
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

    pub(super) fn start_element(
        &mut self,
        before: usize,
        after: usize,
        content: &str,
        name_len: usize,
        empty: bool,
        scanned: Option<u32>,
    ) -> ParseResult<()> {
        let content_start = self.offset_of(content);
        debug_assert_eq!(content_start, before + 1);
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
        let prefix_len = match scanned {
            Some(prefix_len) => prefix_len,
            None => check_qname(qname).map_err(|k| (content_start, k))?,
        };

        // Scan attributes (unless the scanner already has), then split namespace
        // declarations from ordinary attributes.
        let attributes_scanned = scanned.is_some();
        let mut scanned = std::mem::take(&mut self.scratch_attrs);
        if !attributes_scanned {
            scanned.clear();
            scan_attributes(
                &content[name_len..],
                content_start + name_len,
                &mut scanned,
                self.options.max_attributes,
            )?;
        }
        let bindings_mark = self.bindings.len();
        let ns_first = self.ns_decls.len() as u32;
        for raw in scanned
            .iter()
            .filter(|raw| raw.is_namespace_declaration(self.text))
        {
            let prefix = (raw.qname.len() > 5)
                .then(|| Span::new(raw.qname.start as usize + 6, raw.qname.end as usize));
            let uri_text = self.namespace_uri_value(raw.raw_value)?;
            let uri_text = uri_text.as_ref();
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
            let ns = self.intern(uri_text);
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
        for raw in scanned
            .iter()
            .filter(|raw| !raw.is_namespace_declaration(self.text))
        {
            let name = &self.text[raw.qname.range()];
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
            debug_assert_eq!(raw.qname.start, raw.span.start);
            debug_assert_eq!(raw.raw_value.end + 1, raw.span.end);
            self.attrs.push(AttrData {
                span: raw.span,
                qname_len: raw.qname.len() as u32,
                prefix_len: raw.prefix_len,
                ns: attr_ns,
                value_start: raw.raw_value.start,
                value,
            });
        }
        self.check_duplicate_attributes(attr_first as usize)?;
        self.scratch_attrs = scanned;
        let attr_last = self.attrs.len() as u32;

        let element = self.elements.len() as u32;
        self.elements.push(ElementData {
            qname_len: name_len as u32,
            prefix_len,
            ns,
            attrs: attr_first..attr_last,
            ns_decls: ns_first..ns_last,
            start_tag_end: after as u32,
            end_tag_start: NO_END_TAG,
        });
        let id = self.push_node(NodeKindData::Element(element), Span::new(before, after));
        if empty {
            self.bindings.truncate(bindings_mark);
        } else {
            self.open.push(OpenElement {
                node: id,
                bindings_mark,
            });
        }
        Ok(())
    }

    pub(super) fn end_element(&mut self, before: usize, after: usize) {
        // The scanner has already checked that the end tag matches the open element.
        let open = self
            .open
            .pop()
            .expect("the scanner reports unmatched end tags");
        self.bindings.truncate(open.bindings_mark);
        let end = self.nodes.len() as u32;
        let node = &mut self.nodes[open.node as usize];
        node.subtree_end = end;
        node.span.end = after as u32;
        if let NodeKindData::Element(e) = node.kind {
            self.elements[e as usize].end_tag_start = before as u32;
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
    fn attribute_value(&mut self, raw: Span) -> ParseResult<Normalized> {
        let s = &self.text[raw.range()];
        let start = raw.start as usize;
        let mut needs_copy = false;
        // Most values hold none of the bytes that matter here: one table lookup per byte.
        for (i, b) in s.bytes().enumerate() {
            if !IN_ATTRIBUTE_VALUE_MATTERS[b as usize] {
                continue;
            }
            match b {
                b'<' => return Err((start + i, XmlErrorKind::LessThanInAttribute)),
                b'&' | b'\t' | b'\n' | b'\r' => needs_copy = true,
                0..0x20 => return Err((start + i, XmlErrorKind::IllegalCharacter(b as u32))),
                _ => {}
            }
        }
        if !needs_copy {
            return Ok(Normalized::AS_WRITTEN);
        }
        let out = &mut self.owned.text;
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
        Ok(self.owned.finish_copy())
    }

    /// A namespace declaration's value, normalized like any attribute value but not kept: the
    /// namespace table interns it.
    fn namespace_uri_value(&mut self, raw: Span) -> ParseResult<std::borrow::Cow<'t, str>> {
        let mark = (self.owned.text.len(), self.owned.ends.len());
        let text: &'t str = self.text;
        Ok(match self.attribute_value(raw)? {
            Normalized::AS_WRITTEN => std::borrow::Cow::Borrowed(&text[raw.range()]),
            _ => {
                let copy = self.owned.text[mark.0..].to_string();
                self.owned.text.truncate(mark.0);
                self.owned.ends.truncate(mark.1);
                std::borrow::Cow::Owned(copy)
            }
        })
    }

    /// Two attributes may not share a qualified name, nor an expanded name (Namespaces in XML,
    /// section 6.3).
    fn check_duplicate_attributes(&self, first: usize) -> ParseResult<()> {
        let attrs = &self.attrs[first..];
        if attrs.len() < 2 {
            return Ok(());
        }
        let key = |a: &AttrData| {
            let q = &self.text[a.qname().range()];
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
                XmlErrorKind::DuplicateAttribute(self.text[a.qname().range()].to_string()),
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

/// Bytes the character check looks at closely: control characters other than tab and line
/// feed (carriage return included, for line-end normalization) and 0xEF, the lead byte of
/// U+FFFE and U+FFFF.
const NEEDS_A_LOOK: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = b != b'\t' as usize && b != b'\n' as usize;
        b += 1;
    }
    t[0xEF] = true;
    t
};

/// Bytes an attribute value's check acts on: `<` (refused), references and white space
/// characters (normalized), and the other control characters (refused).
const IN_ATTRIBUTE_VALUE_MATTERS: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'<' as usize] = true;
    t[b'&' as usize] = true;
    t
};
