//! Errors of the XML layer: every one names the input, the line and column, and what was wrong.

use std::fmt;

use crate::safe_text::escape;

/// A 1-based line and column (in characters) plus the byte offset in the decoded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
    pub offset: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlErrorKind {
    #[error("invalid UTF-8 byte sequence")]
    InvalidUtf8,
    #[error("invalid UTF-16 (odd length or unpaired surrogate)")]
    InvalidUtf16,
    #[error(
        "unsupported encoding {0:?} (expected UTF-8, UTF-16 with a byte order mark, ISO-8859-1 or US-ASCII)"
    )]
    UnsupportedEncoding(String),
    #[error("byte {byte:#04x} is not US-ASCII although the document declares US-ASCII")]
    NotAscii { byte: u8 },
    #[error("input is {size} bytes, above the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("elements nested deeper than the limit of {limit}")]
    TooDeep { limit: usize },
    #[error("element has more than {limit} attributes")]
    TooManyAttributes { limit: usize },
    #[error(
        "the DTD declares entities; refused (no entity expansion, no external fetch: SOAP forbids DTDs)"
    )]
    EntityDeclaration,
    #[error("reference to undeclared entity &{};", escape(.0))]
    UndefinedEntity(String),
    #[error("invalid character reference &{};", escape(.0))]
    InvalidCharRef(String),
    #[error("character U+{0:04X} is not allowed in XML 1.0")]
    IllegalCharacter(u32),
    #[error("expected a name {0}")]
    InvalidName(&'static str),
    #[error("malformed attribute: expected {0}")]
    MalformedAttribute(&'static str),
    #[error("'<' is not allowed in an attribute value")]
    LessThanInAttribute,
    #[error("attribute {} appears twice on this element", escape(.0))]
    DuplicateAttribute(String),
    #[error("namespace prefix {0:?} is not declared")]
    UnboundPrefix(String),
    #[error("prefix {0:?} cannot be declared or bound that way")]
    ReservedPrefix(String),
    #[error("expected </{}>, found </{}>", escape(expected), escape(found))]
    MismatchedEndTag { expected: String, found: String },
    #[error("end tag </{}> without a start tag", escape(.0))]
    UnexpectedEndTag(String),
    #[error("document ended inside <{}> opened at {opened_at}", escape(name))]
    UnclosedElement { name: String, opened_at: Position },
    #[error("document has no root element")]
    NoRootElement,
    #[error("second root element <{}> (a document has exactly one)", escape(.0))]
    MultipleRoots(String),
    #[error("text outside the root element")]
    TextOutsideRoot,
    #[error("the XML declaration must be the very first thing in the document")]
    MisplacedDeclaration,
    #[error("DOCTYPE must come before the root element")]
    MisplacedDoctype,
    #[error("processing instruction target {0:?} is reserved")]
    ReservedPiTarget(String),
    #[error("malformed XML: {}", escape(.0))]
    Syntax(String),
}

/// A document could not be read: where (input name, line, column) and why. The input name is
/// a file name, input too: it is shown escaped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{position}: {kind}", escape(source_name))]
pub struct XmlError {
    pub source_name: String,
    pub position: Position,
    pub kind: XmlErrorKind,
}
