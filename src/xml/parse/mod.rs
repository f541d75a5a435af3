//! Building a [`Document`] from received bytes.
//!
//! A memchr scanner (quick-xml for rare markup) provides the markup; this module adds what a security tool needs on top:
//! byte spans and line:column for every node, namespace resolution with the declarations kept as
//! written, reference resolution and line-end normalization (XML 1.0 sections 2.11 and 3.3.3),
//! well-formedness checks quick-xml leaves to the caller, and limits against hostile input.
//! DTDs are never applied: a DOCTYPE without entity declarations is recorded and skipped, one
//! that declares entities is refused, and attribute defaults or types it declares are ignored.

use std::collections::HashMap;
use std::sync::OnceLock;

mod builder;
mod names;
#[cfg(test)]
mod quick_xml_oracle;
mod scanner;
#[cfg(test)]
mod scanner_tests;
#[cfg(test)]
mod tests;

use super::encoding::{self, Decoded, SourceEncoding};
use super::error::{Position, XmlError, XmlErrorKind};
use super::prefix_bindings::PrefixBindings;
use super::shared_bytes::ParseInput;
use super::tree::{
    AttrData, CDATA_OPEN, COMMENT_OPEN, DoctypeInfo, Document, ElementData, NO_END_TAG, NO_NODE,
    NodeData, NodeKindData, Normalized, NsDeclData, NsId, OwnedValues, PI_OPEN, Span,
    XML_NAMESPACE, XMLNS_NAMESPACE, line_starts, position_in,
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
    /// Shared UTF-8 bytes ([`SharedBytes`](super::SharedBytes)) become the document's text
    /// without a copy.
    pub fn parse(
        bytes: impl Into<ParseInput>,
        source_name: impl Into<String>,
    ) -> Result<Document, XmlError> {
        Document::parse_with(bytes, source_name, &ParseOptions::default())
    }

    /// Parses a string (copied) with the default limits.
    pub fn parse_str(text: &str, source_name: impl Into<String>) -> Result<Document, XmlError> {
        Document::parse(text.as_bytes().to_vec(), source_name)
    }

    pub fn parse_with(
        bytes: impl Into<ParseInput>,
        source_name: impl Into<String>,
        options: &ParseOptions,
    ) -> Result<Document, XmlError> {
        let bytes: ParseInput = bytes.into();
        let source_name = source_name.into();
        let size = bytes.as_bytes().len();
        if size > options.max_input_bytes || size >= u32::MAX as usize {
            return Err(XmlError {
                source_name,
                position: Position {
                    line: 1,
                    column: 1,
                    offset: 0,
                },
                kind: XmlErrorKind::TooLarge {
                    size,
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
            elements: built.elements,
            attrs: built.attrs,
            ns_decls: built.ns_decls,
            namespaces: built.namespaces,
            owned: built.owned,
            doctype: built.doctype,
            line_index: OnceLock::new(),
            sibling_ordinals: OnceLock::new(),
            name_index: OnceLock::new(),
            id_index: Default::default(),
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
    elements: Vec<ElementData>,
    attrs: Vec<AttrData>,
    ns_decls: Vec<NsDeclData>,
    namespaces: Vec<Box<str>>,
    owned: OwnedValues,
    doctype: Option<DoctypeInfo>,
}

struct OpenElement {
    node: u32,
    bindings_mark: usize,
}

/// Character data collected across quick-xml's Text and GeneralRef events, which split a
/// single XML text node at every reference.
struct PendingText {
    start: usize,
    end: usize,
    /// The text differs from its source bytes: its normalized copy is being written at the
    /// end of the owned values.
    copied: bool,
}

/// An attribute as scanned from a start tag, before namespace resolution.
struct RawAttr {
    qname: Span,
    prefix_len: u32,
    raw_value: Span,
    span: Span,
}

impl RawAttr {
    /// `xmlns` or `xmlns:p`: a namespace declaration, not an attribute.
    fn is_namespace_declaration(&self, text: &str) -> bool {
        let name = &text.as_bytes()[self.qname.range()];
        name.starts_with(b"xmlns") && (name.len() == 5 || name[5] == b':')
    }
}

struct Builder<'t> {
    text: &'t str,
    base: usize,
    options: &'t ParseOptions,
    nodes: Vec<NodeData>,
    elements: Vec<ElementData>,
    attrs: Vec<AttrData>,
    ns_decls: Vec<NsDeclData>,
    namespaces: Vec<Box<str>>,
    ns_index: HashMap<Box<str>, NsId>,
    owned: OwnedValues,
    open: Vec<OpenElement>,
    /// Prefixes in scope at the current element.
    bindings: PrefixBindings<'t>,
    pending: Option<PendingText>,
    root_seen: bool,
    doctype: Option<DoctypeInfo>,
    scratch_attrs: Vec<RawAttr>,
}

/// Upper bounds of the arenas' sizes, counted in one pass over the text. The arenas are
/// reserved at these sizes once: growing them by doubling would copy them and hold both copies
/// at the peak, while reserved pages never written cost no memory.
struct ArenaBounds {
    /// Each `<` starts at most one node (an element when not followed by `/`) and ends at most
    /// one text node.
    nodes: usize,
    elements: usize,
    /// Every attribute has a `=`.
    attrs: usize,
}

fn arena_bounds(text: &str) -> ArenaBounds {
    // Byte counters over chunks of at most 255 bytes cannot overflow and vectorize; an
    // iterator over every match costs several times more on markup-dense text.
    let (mut open, mut equals) = (0usize, 0usize);
    for chunk in text.as_bytes().chunks(255) {
        let (mut o, mut e) = (0u8, 0u8);
        for &b in chunk {
            o += u8::from(b == b'<');
            e += u8::from(b == b'=');
        }
        open += usize::from(o);
        equals += usize::from(e);
    }
    ArenaBounds {
        nodes: 2 * open + 4,
        elements: open + 1,
        attrs: equals + 1,
    }
}
