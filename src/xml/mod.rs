//! The XML layer: a parser that keeps the received bytes, an arena tree with byte spans and
//! line:column for every node, the id index, and canonicalization.
//!
//! DTDs are never applied: a DOCTYPE is recorded and skipped, entity declarations are refused,
//! and attribute defaults or types a DTD declares are ignored (SOAP forbids DTDs).

pub mod encoding;
pub mod error;
mod line_index;
mod name_index;
pub(crate) use line_index::LineIndex;
pub mod parse;
mod path;
mod prefix_bindings;
pub mod tree;

pub use encoding::SourceEncoding;
pub use error::{Position, XmlError, XmlErrorKind};
pub use parse::ParseOptions;
pub use tree::{Attribute, Document, NamespaceDecl, Node, NodeId, NodeType, NsId, Span};
pub mod c14n;
pub mod id_index;

pub use id_index::{IdAttributes, IdIndex, IdLookup};
pub mod base64;
pub mod edit;
pub mod escape;
pub mod whitespace;

pub use edit::{Edit, Edited, shift_span};
