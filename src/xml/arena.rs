//! The records of a document's arenas: nodes, element data, attributes, namespace
//! declarations and normalized values. Kept small, since a large message has millions of them:
//! positions that follow from a node's span are derived, not stored.

use std::ops::Range;

use super::tree::{NsId, Span};

/// A character-data or attribute value: either exactly its bytes in the source, or a
/// normalized copy (references resolved, line ends normalized) in [`Document`](super::tree::Document)'s owned text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Normalized(u32);

impl Normalized {
    /// The value is the source bytes as written.
    pub const AS_WRITTEN: Normalized = Normalized(u32::MAX);

    /// The `index`th normalized copy.
    pub fn copy(index: usize) -> Normalized {
        Normalized(index as u32)
    }

    pub fn copy_index(self) -> Option<usize> {
        (self != Normalized::AS_WRITTEN).then_some(self.0 as usize)
    }
}

/// Normalized copies, one after the other in one string (one allocation for all of them).
#[derive(Debug, Clone, Default)]
pub(crate) struct OwnedValues {
    pub text: String,
    /// Where each copy ends in `text`; copy `i` starts where copy `i - 1` ends.
    pub ends: Vec<u32>,
}

impl OwnedValues {
    pub fn get(&self, index: usize) -> &str {
        let start = if index == 0 {
            0
        } else {
            self.ends[index - 1] as usize
        };
        &self.text[start..self.ends[index] as usize]
    }

    /// Ends the copy written to `text` since the previous one.
    pub fn finish_copy(&mut self) -> Normalized {
        self.ends.push(self.text.len() as u32);
        Normalized::copy(self.ends.len() - 1)
    }
}

/// Element-only data, kept in its own arena ([`Document`](super::tree::Document)'s `elements`) so that the node
/// arena, which also holds every text node, stays small.
#[derive(Debug, Clone)]
pub(crate) struct ElementData {
    /// Length of the qualified name, which starts right after the `<` of the start tag.
    pub qname_len: u32,
    /// Length of the prefix (0 when unprefixed); the local name starts after the colon.
    pub prefix_len: u32,
    pub ns: NsId,
    pub attrs: Range<u32>,
    pub ns_decls: Range<u32>,
    /// One past the `>` of the start tag (which starts where the node's span starts).
    pub start_tag_end: u32,
    /// Where the end tag starts (it ends where the node's span ends); [`NO_END_TAG`] for an
    /// empty-element tag.
    pub end_tag_start: u32,
}

pub(crate) const NO_END_TAG: u32 = u32::MAX;

/// What a node is. Every position not stored here follows from the node's span: a comment's
/// content is inside `<!--` and `-->`, a CDATA section's inside `<![CDATA[` and `]]>`, a
/// processing instruction's target starts after `<?` and its data ends before `?>`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum NodeKindData {
    Document,
    /// An index into the element arena.
    Element(u32),
    /// Character data; when written as is, its value is the node's span.
    Text(Normalized),
    /// A CDATA section; when written as is, its value is the content between the delimiters.
    CData(Normalized),
    Comment,
    ProcessingInstruction {
        target_len: u32,
        data_start: u32,
    },
}

pub(crate) const COMMENT_OPEN: u32 = 4; // <!--
pub(crate) const COMMENT_CLOSE: u32 = 3; // -->
pub(crate) const CDATA_OPEN: u32 = 9; // <![CDATA[
pub(crate) const CDATA_CLOSE: u32 = 3; // ]]>
pub(crate) const PI_OPEN: u32 = 2; // <?
pub(crate) const PI_CLOSE: u32 = 2; // ?>

#[derive(Debug, Clone)]
pub(crate) struct NodeData {
    pub kind: NodeKindData,
    pub parent: u32,
    /// One past the last node inside this one; the next sibling, if any, is there.
    pub subtree_end: u32,
    pub span: Span,
}

pub(crate) const NO_NODE: u32 = u32::MAX;

/// An attribute: `span` runs from its name to its closing quote.
#[derive(Debug, Clone)]
pub(crate) struct AttrData {
    pub span: Span,
    /// Length of the qualified name, which starts the span.
    pub qname_len: u32,
    pub prefix_len: u32,
    pub ns: NsId,
    /// Where the raw value starts; it ends before the closing quote, one byte before the span.
    pub value_start: u32,
    pub value: Normalized,
}

impl AttrData {
    pub fn qname(&self) -> Span {
        Span {
            start: self.span.start,
            end: self.span.start + self.qname_len,
        }
    }

    pub fn raw_value(&self) -> Span {
        Span {
            start: self.value_start,
            end: self.span.end - 1,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct NsDeclData {
    /// `None` for the default namespace (`xmlns="..."`).
    pub prefix: Option<Span>,
    pub uri: NsId,
    pub span: Span,
}
