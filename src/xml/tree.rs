//! The document tree: an arena of nodes in document order that points into the received text.
//!
//! Nodes are stored in preorder, so a node's descendants are the contiguous index range
//! `id+1 .. subtree_end`: "is B inside A" is two comparisons, and walking a subtree (as
//! canonicalization does) is a linear scan. Names, raw values and text point into the source
//! text by byte span; only values that differ from their raw form (references, line ends) are
//! stored separately. Nothing is re-serialized: what the user sees are the received bytes.

use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

use super::encoding::SourceEncoding;
use super::error::Position;
use super::id_index::{IdAttributes, IdIndex};
use super::line_index::LineIndex;
use super::name_index::NameIndex;
use super::path::SiblingOrdinals;
use super::shared_bytes::DocumentText;

pub(crate) use super::arena::*;

/// The namespace URI bound to the `xml` prefix.
pub const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";
/// The namespace URI of `xmlns` declarations.
pub const XMLNS_NAMESPACE: &str = "http://www.w3.org/2000/xmlns/";

/// Index of a node in its document's arena. The document node is always `NodeId(0)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub(crate) u32);

impl NodeId {
    pub const DOCUMENT: NodeId = NodeId(0);

    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A byte range `start..end` in the document's (decoded) text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// Interned namespace URI. `NsId(0)` is "no namespace", `NsId(1)` the XML namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NsId(pub(crate) u32);

impl NsId {
    pub const NONE: NsId = NsId(0);
    pub const XML: NsId = NsId(1);
}

/// What a DOCTYPE said, for the record: it is never applied.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DoctypeInfo {
    pub span: Span,
    pub has_internal_subset: bool,
    /// The internal subset declares attribute lists. Their defaults and types are NOT applied
    /// (a SOAP message must not carry a DTD); canonical forms then follow the document as written.
    pub declares_attlists: bool,
    pub external_id: bool,
}

/// A parsed document: the decoded text plus the node arena over it.
pub struct Document {
    pub(crate) source_name: String,
    pub(crate) text: DocumentText,
    pub(crate) encoding: SourceEncoding,
    pub(crate) original: Option<Vec<u8>>,
    pub(crate) body_offset: usize,
    pub(crate) nodes: Vec<NodeData>,
    pub(crate) elements: Vec<ElementData>,
    pub(crate) attrs: Vec<AttrData>,
    pub(crate) ns_decls: Vec<NsDeclData>,
    pub(crate) namespaces: Vec<Box<str>>,
    pub(crate) owned: OwnedValues,
    pub(crate) doctype: Option<DoctypeInfo>,
    pub(crate) line_index: OnceLock<LineIndex>,
    pub(crate) sibling_ordinals: OnceLock<SiblingOrdinals>,
    pub(crate) name_index: OnceLock<NameIndex>,
    /// The last id index asked for, with the rules it was built under.
    pub(crate) id_index: Mutex<Option<(IdAttributes, Arc<IdIndex>)>>,
    /// Line number of the first line of `text` in the file it came from (an envelope inside
    /// an HTTP dump or a MIME part starts further down).
    pub(crate) first_line: u32,
    /// Unique per parsed document: caches of derived indexes (ids) are keyed by it, since a
    /// processor replaces its document as it decrypts.
    pub(crate) generation: u64,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("source_name", &self.source_name)
            .field("bytes", &self.text.len())
            .field("nodes", &self.nodes.len())
            .finish()
    }
}

impl Document {
    /// Element positions among same-name siblings, computed on first use (for paths).
    pub(crate) fn sibling_ordinals(&self) -> &SiblingOrdinals {
        self.sibling_ordinals
            .get_or_init(|| SiblingOrdinals::new(self))
    }

    /// Elements by expanded name, computed on first use.
    pub(crate) fn name_index(&self) -> &NameIndex {
        self.name_index.get_or_init(|| NameIndex::new(self))
    }

    /// A number no other document parsed by this process carries (clones share it: they hold
    /// the same text and tree).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The name the document was read from (a path, or a label such as `<stdin>`).
    pub fn source_name(&self) -> &str {
        &self.source_name
    }

    /// The document text as received (decoded to UTF-8 when it arrived in another encoding).
    /// Spans index into this string.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The bytes exactly as received.
    pub fn received_bytes(&self) -> &[u8] {
        self.original.as_deref().unwrap_or(self.text.as_bytes())
    }

    pub fn encoding(&self) -> SourceEncoding {
        self.encoding
    }

    /// Where the markup starts (after a UTF-8 byte order mark).
    pub fn body_offset(&self) -> usize {
        self.body_offset
    }

    pub fn doctype(&self) -> Option<&DoctypeInfo> {
        self.doctype.as_ref()
    }

    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    pub fn root(&self) -> Node<'_> {
        Node {
            doc: self,
            id: NodeId::DOCUMENT,
        }
    }

    /// The document element (a parsed document always has exactly one).
    pub fn root_element(&self) -> Node<'_> {
        self.root()
            .children()
            .find(|n| n.is_element())
            .expect("a parsed document has a root element")
    }

    pub fn node(&self, id: NodeId) -> Node<'_> {
        assert!(
            id.index() < self.nodes.len(),
            "node id from another document"
        );
        Node { doc: self, id }
    }

    /// The element whose span starts at byte `offset`, found by binary search: nodes are
    /// stored in document order, so their start offsets never decrease.
    pub fn element_starting_at(&self, offset: u32) -> Option<Node<'_>> {
        let first = self.nodes.partition_point(|n| n.span.start < offset);
        self.nodes[first..]
            .iter()
            .take_while(|n| n.span.start == offset)
            .position(|n| matches!(n.kind, NodeKindData::Element(_)))
            .map(|i| self.node(NodeId((first + i) as u32)))
    }

    /// Every node in document order.
    pub fn descendants(&self) -> impl Iterator<Item = Node<'_>> {
        (0..self.nodes.len() as u32).map(move |i| Node {
            doc: self,
            id: NodeId(i),
        })
    }

    pub fn namespace_uri(&self, ns: NsId) -> &str {
        &self.namespaces[ns.0 as usize]
    }

    /// The id of namespace `uri` when the document declares it; None says at once that no
    /// element or attribute is in it, so a walk looking for one can be skipped. A scan of the
    /// declared namespaces: look it up once per walk, not once per node.
    pub fn namespace_id(&self, uri: &str) -> Option<NsId> {
        self.namespaces
            .iter()
            .position(|n| &**n == uri)
            .map(|i| NsId(i as u32))
    }

    pub(crate) fn span_str(&self, span: Span) -> &str {
        &self.text[span.range()]
    }

    /// A value: the normalized copy when there is one, else the source bytes in `as_written`.
    pub(crate) fn value_str(&self, value: Normalized, as_written: Span) -> &str {
        match value.copy_index() {
            Some(i) => self.owned.get(i),
            None => self.span_str(as_written),
        }
    }

    /// Line and column (1-based, columns counted in characters) of a byte offset of [`text`].
    ///
    /// [`text`]: Document::text
    pub fn position(&self, offset: usize) -> Position {
        let index = self.line_index.get_or_init(|| LineIndex::new(&self.text));
        let mut position = index.position(&self.text, offset);
        position.line += self.first_line - 1;
        position
    }

    /// Makes positions count from line `first_line` of the enclosing file.
    pub fn set_first_line(&mut self, first_line: u32) {
        self.first_line = first_line.max(1);
    }

    pub fn first_line(&self) -> u32 {
        self.first_line
    }
}

pub(crate) fn line_starts(text: &str) -> Vec<u32> {
    let mut starts = vec![0u32];
    starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i as u32 + 1));
    starts
}

pub(crate) fn position_in(text: &str, starts: &[u32], offset: usize) -> Position {
    let offset = offset.min(text.len());
    let line = starts.partition_point(|&s| s as usize <= offset).max(1);
    let line_start = starts[line - 1] as usize;
    let mut col_end = offset;
    while !text.is_char_boundary(col_end) {
        col_end -= 1;
    }
    let column = text[line_start..col_end].chars().count() + 1;
    Position {
        line: line as u32,
        column: column as u32,
        offset,
    }
}

/// The kind of a node, for matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeType {
    Document,
    Element,
    Text,
    Comment,
    ProcessingInstruction,
}

/// A handle on one node of a document: cheap to copy, borrows the document.
#[derive(Clone, Copy)]
pub struct Node<'d> {
    doc: &'d Document,
    id: NodeId,
}

impl PartialEq for Node<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.doc, other.doc) && self.id == other.id
    }
}

impl Eq for Node<'_> {}

impl std::fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.node_type() {
            NodeType::Element => write!(f, "Element({} #{})", self.qname(), self.id.0),
            other => write!(f, "{:?}(#{})", other, self.id.0),
        }
    }
}

impl<'d> Node<'d> {
    pub fn id(self) -> NodeId {
        self.id
    }

    pub fn document(self) -> &'d Document {
        self.doc
    }

    fn data(self) -> &'d NodeData {
        &self.doc.nodes[self.id.index()]
    }

    fn element_data(self) -> Option<&'d ElementData> {
        match self.data().kind {
            NodeKindData::Element(e) => Some(&self.doc.elements[e as usize]),
            _ => None,
        }
    }

    /// The qualified name's span (empty for non-elements).
    fn qname_span(self) -> Option<Span> {
        let e = self.element_data()?;
        let start = self.data().span.start + 1;
        Some(Span {
            start,
            end: start + e.qname_len,
        })
    }

    pub fn node_type(self) -> NodeType {
        match self.data().kind {
            NodeKindData::Document => NodeType::Document,
            NodeKindData::Element(_) => NodeType::Element,
            NodeKindData::Text(_) | NodeKindData::CData(_) => NodeType::Text,
            NodeKindData::Comment => NodeType::Comment,
            NodeKindData::ProcessingInstruction { .. } => NodeType::ProcessingInstruction,
        }
    }

    pub fn is_element(self) -> bool {
        matches!(self.data().kind, NodeKindData::Element(_))
    }

    pub fn is_text(self) -> bool {
        matches!(
            self.data().kind,
            NodeKindData::Text(_) | NodeKindData::CData(_)
        )
    }

    /// The whole node in the source: for an element, from `<` of the start tag to `>` of the
    /// end tag.
    pub fn span(self) -> Span {
        self.data().span
    }

    /// The exact received text of this node.
    pub fn source_text(self) -> &'d str {
        self.doc.span_str(self.span())
    }

    /// Line and column where the node starts.
    pub fn position(self) -> Position {
        self.doc.position(self.span().start as usize)
    }

    pub fn parent(self) -> Option<Node<'d>> {
        let p = self.data().parent;
        (p != NO_NODE).then_some(Node {
            doc: self.doc,
            id: NodeId(p),
        })
    }

    pub fn next_sibling(self) -> Option<Node<'d>> {
        // Preorder: what follows this subtree is the next sibling when it is still inside
        // the parent.
        let data = self.data();
        let next = data.subtree_end;
        let parent = data.parent;
        (parent != NO_NODE && next < self.doc.nodes[parent as usize].subtree_end).then_some(Node {
            doc: self.doc,
            id: NodeId(next),
        })
    }

    pub fn first_child(self) -> Option<Node<'d>> {
        let next = self.id.0 + 1;
        (next < self.data().subtree_end).then_some(Node {
            doc: self.doc,
            id: NodeId(next),
        })
    }

    pub fn children(self) -> Children<'d> {
        Children {
            next: self.first_child(),
        }
    }

    pub fn child_elements(self) -> impl Iterator<Item = Node<'d>> + 'd {
        self.children().filter(|n| n.is_element())
    }

    /// The first child element with this namespace and local name.
    pub fn child(self, ns: &str, local: &str) -> Option<Node<'d>> {
        self.child_elements().find(|c| c.has_name(ns, local))
    }

    /// This node and everything inside it, in document order.
    pub fn descendants(self) -> impl Iterator<Item = Node<'d>> + 'd {
        let doc = self.doc;
        (self.id.0..self.data().subtree_end).map(move |i| Node { doc, id: NodeId(i) })
    }

    /// One past the last node inside this one: descendants are `id+1 .. subtree_end`.
    pub fn subtree_end(self) -> NodeId {
        NodeId(self.data().subtree_end)
    }

    pub fn ancestors(self) -> impl Iterator<Item = Node<'d>> + 'd {
        std::iter::successors(self.parent(), |n| n.parent())
    }

    /// True when `other` is this node or inside it.
    pub fn contains(self, other: Node<'_>) -> bool {
        other.id.0 >= self.id.0 && other.id.0 < self.data().subtree_end
    }

    /// The qualified name as written (`wsse:Security`); empty for non-elements.
    pub fn qname(self) -> &'d str {
        self.qname_span().map_or("", |q| self.doc.span_str(q))
    }

    pub fn local_name(self) -> &'d str {
        match self.element_data() {
            Some(e) => {
                let q = self.qname();
                if e.prefix_len == 0 {
                    q
                } else {
                    &q[e.prefix_len as usize + 1..]
                }
            }
            None => "",
        }
    }

    pub fn prefix(self) -> Option<&'d str> {
        let e = self.element_data()?;
        (e.prefix_len > 0).then(|| &self.qname()[..e.prefix_len as usize])
    }

    /// The namespace URI of the element ("" when it has none).
    pub fn namespace(self) -> &'d str {
        self.element_data()
            .map_or("", |e| self.doc.namespace_uri(e.ns))
    }

    pub fn ns_id(self) -> NsId {
        self.element_data().map_or(NsId::NONE, |e| e.ns)
    }

    /// Readers ask this of every node they walk past (a tenth of a large verify): the element
    /// record is read once, and the local name's length is compared before any byte.
    pub fn has_name(self, ns: &str, local: &str) -> bool {
        let data = self.data();
        let NodeKindData::Element(e) = data.kind else {
            return false;
        };
        let e = &self.doc.elements[e as usize];
        let prefix = if e.prefix_len == 0 {
            0
        } else {
            e.prefix_len + 1
        };
        if (e.qname_len - prefix) as usize != local.len() {
            return false;
        }
        let start = (data.span.start + 1 + prefix) as usize;
        &self.doc.text[start..start + local.len()] == local && self.doc.namespace_uri(e.ns) == ns
    }

    /// [`Self::has_name`] with the namespace already looked up ([`Document::namespace_id`]):
    /// an integer comparison before any byte, for walks over every node of a large document.
    pub fn has_name_in(self, ns: NsId, local: &str) -> bool {
        self.element_data().is_some_and(|e| e.ns == ns) && self.local_name() == local
    }

    /// `{namespace}local`, the expanded name as used in messages.
    pub fn expanded_name(self) -> String {
        let ns = self.namespace();
        if ns.is_empty() {
            self.local_name().to_string()
        } else {
            format!("{{{ns}}}{}", self.local_name())
        }
    }

    pub fn start_tag_span(self) -> Option<Span> {
        self.element_data().map(|e| Span {
            start: self.data().span.start,
            end: e.start_tag_end,
        })
    }

    /// `None` for an empty-element tag (`<a/>`) and for non-elements.
    pub fn end_tag_span(self) -> Option<Span> {
        let e = self.element_data()?;
        (e.end_tag_start != NO_END_TAG).then(|| Span {
            start: e.end_tag_start,
            end: self.data().span.end,
        })
    }

    /// Between the start and the end tag (empty at the end of the start tag for `<a/>`).
    pub fn content_span(self) -> Option<Span> {
        let e = self.element_data()?;
        let end = if e.end_tag_start == NO_END_TAG {
            e.start_tag_end
        } else {
            e.end_tag_start
        };
        Some(Span {
            start: e.start_tag_end,
            end,
        })
    }

    /// Attributes in document order, namespace declarations excluded.
    pub fn attributes(self) -> impl ExactSizeIterator<Item = Attribute<'d>> + 'd {
        let doc = self.doc;
        let range = self.element_data().map_or(0..0, |e| e.attrs.clone());
        range.map(move |i| Attribute {
            doc,
            data: &doc.attrs[i as usize],
        })
    }

    /// The value of the attribute with this local name and no namespace.
    pub fn attribute(self, local: &str) -> Option<&'d str> {
        self.attributes()
            .find(|a| a.namespace().is_empty() && a.local_name() == local)
            .map(|a| a.value())
    }

    pub fn attribute_ns(self, ns: &str, local: &str) -> Option<&'d str> {
        self.attributes()
            .find(|a| a.namespace() == ns && a.local_name() == local)
            .map(|a| a.value())
    }

    /// Namespace declarations written on this element, in document order.
    pub fn namespace_declarations(self) -> impl Iterator<Item = NamespaceDecl<'d>> + 'd {
        let doc = self.doc;
        let range = self.element_data().map_or(0..0, |e| e.ns_decls.clone());
        range.map(move |i| {
            let d = &doc.ns_decls[i as usize];
            NamespaceDecl {
                prefix: d.prefix.map(|s| doc.span_str(s)),
                uri: doc.namespace_uri(d.uri),
                ns: d.uri,
                span: d.span,
            }
        })
    }

    /// The namespace bound to `prefix` (`None` = the default namespace) in scope here.
    pub fn lookup_namespace(self, prefix: Option<&str>) -> Option<&'d str> {
        if prefix == Some("xml") {
            return Some(XML_NAMESPACE);
        }
        let mut at = Some(self);
        while let Some(node) = at {
            for decl in node.namespace_declarations() {
                if decl.prefix == prefix {
                    return if decl.uri.is_empty() {
                        None
                    } else {
                        Some(decl.uri)
                    };
                }
            }
            at = node.parent();
        }
        None
    }

    /// For text nodes: the character data, references resolved and line ends normalized.
    /// For CDATA sections: their content. Otherwise "".
    pub fn text(self) -> &'d str {
        let span = self.data().span;
        match self.data().kind {
            NodeKindData::Text(value) => self.doc.value_str(value, span),
            NodeKindData::CData(value) => self
                .doc
                .value_str(value, inside(span, CDATA_OPEN, CDATA_CLOSE)),
            NodeKindData::Comment => self.doc.span_str(inside(span, COMMENT_OPEN, COMMENT_CLOSE)),
            _ => "",
        }
    }

    pub fn is_cdata(self) -> bool {
        matches!(self.data().kind, NodeKindData::CData(_))
    }

    /// All character data inside this node, concatenated (borrowed when it is a single run).
    pub fn text_content(self) -> std::borrow::Cow<'d, str> {
        if self.is_text() {
            return std::borrow::Cow::Borrowed(self.text());
        }
        let mut texts = self.descendants().filter(|n| n.is_text());
        let Some(first) = texts.next() else {
            return std::borrow::Cow::Borrowed("");
        };
        match texts.next() {
            None => std::borrow::Cow::Borrowed(first.text()),
            Some(second) => {
                let mut s = String::from(first.text());
                s.push_str(second.text());
                texts.for_each(|t| s.push_str(t.text()));
                std::borrow::Cow::Owned(s)
            }
        }
    }

    /// For processing instructions: the target and the data.
    pub fn processing_instruction(self) -> Option<(&'d str, &'d str)> {
        let span = self.data().span;
        match self.data().kind {
            NodeKindData::ProcessingInstruction {
                target_len,
                data_start,
            } => {
                let target_start = span.start + PI_OPEN;
                Some((
                    self.doc.span_str(Span {
                        start: target_start,
                        end: target_start + target_len,
                    }),
                    self.doc.span_str(Span {
                        start: data_start.min(span.end - PI_CLOSE),
                        end: span.end - PI_CLOSE,
                    }),
                ))
            }
            _ => None,
        }
    }
}

/// `span` without `open` bytes at its start and `close` bytes at its end.
fn inside(span: Span, open: u32, close: u32) -> Span {
    Span {
        start: span.start + open,
        end: span.end - close,
    }
}

/// Iterator over the children of a node.
pub struct Children<'d> {
    next: Option<Node<'d>>,
}

impl<'d> Iterator for Children<'d> {
    type Item = Node<'d>;
    fn next(&mut self) -> Option<Node<'d>> {
        let current = self.next?;
        self.next = current.next_sibling();
        Some(current)
    }
}

/// One attribute of an element.
#[derive(Clone, Copy)]
pub struct Attribute<'d> {
    doc: &'d Document,
    data: &'d AttrData,
}

impl<'d> Attribute<'d> {
    pub fn qname(self) -> &'d str {
        self.doc.span_str(self.data.qname())
    }

    pub fn local_name(self) -> &'d str {
        let q = self.qname();
        if self.data.prefix_len == 0 {
            q
        } else {
            &q[self.data.prefix_len as usize + 1..]
        }
    }

    pub fn prefix(self) -> Option<&'d str> {
        (self.data.prefix_len > 0).then(|| &self.qname()[..self.data.prefix_len as usize])
    }

    pub fn namespace(self) -> &'d str {
        self.doc.namespace_uri(self.data.ns)
    }

    pub fn ns_id(self) -> NsId {
        self.data.ns
    }

    /// The normalized value (references resolved, white space characters turned into spaces).
    pub fn value(self) -> &'d str {
        self.doc.value_str(self.data.value, self.data.raw_value())
    }

    /// The value as written between the quotes.
    pub fn raw_value(self) -> &'d str {
        self.doc.span_str(self.data.raw_value())
    }

    pub fn span(self) -> Span {
        self.data.span
    }

    pub fn value_span(self) -> Span {
        self.data.raw_value()
    }
}

impl std::fmt::Debug for Attribute<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={:?}", self.qname(), self.value())
    }
}

/// A namespace declaration as written on an element.
#[derive(Debug, Clone, Copy)]
pub struct NamespaceDecl<'d> {
    /// `None` for `xmlns="..."`.
    pub prefix: Option<&'d str>,
    /// "" for an undeclaration (`xmlns=""`).
    pub uri: &'d str,
    pub ns: NsId,
    pub span: Span,
}
