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

mod builder;
mod names;
#[cfg(test)]
mod tests;

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
