//! Why a capture could not be loaded. Every message is one line that names the file and, for
//! malformed content, the `line:col` where the problem is, so the CLI can print it as is and
//! the TUI can show it in its status bar.

use crate::xml::Position;

/// A capture could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// Refused before reading, so a huge or endless file cannot exhaust memory.
    #[error("{path}:1:1: input is {size} bytes, above the limit of {limit} bytes")]
    TooLarge { path: String, size: u64, limit: u64 },
    #[error(
        "{path}: directory holds no files to load (hidden files and subdirectories are skipped)"
    )]
    EmptyDirectory { path: String },
    #[error("no input files given")]
    NoInput,
    #[error("{file}:{position}: {kind}")]
    Malformed {
        file: String,
        position: Position,
        kind: LoadErrorKind,
    },
}

impl LoadError {
    /// What was wrong with the content, when the content was the problem.
    pub fn kind(&self) -> Option<&LoadErrorKind> {
        match self {
            LoadError::Malformed { kind, .. } => Some(kind),
            _ => None,
        }
    }

    /// Where in the file the problem is, when the content was the problem.
    pub fn position(&self) -> Option<Position> {
        match self {
            LoadError::Malformed { position, .. } => Some(*position),
            _ => None,
        }
    }
}

/// What is wrong with a capture's content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadErrorKind {
    #[error("empty input: expected a SOAP envelope, an HTTP message or a MIME multipart")]
    EmptyInput,
    #[error(
        "expected XML ('<'), an HTTP request or status line, or a MIME multipart \
         (a '--boundary' line or Content-Type: multipart/related headers); found {found:?}"
    )]
    Unrecognized { found: String },
    #[error("{context} header line without ':'")]
    HeaderWithoutColon { context: &'static str },
    #[error("{context} header name {name:?} is not a token")]
    InvalidHeaderName { context: &'static str, name: String },
    #[error("headers without an HTTP start line must announce a multipart body; found {found}")]
    HeadersWithoutMultipart { found: String },
    #[error("malformed Content-Type: {0}")]
    MalformedContentType(String),
    #[error("{media_type} without a boundary parameter")]
    MissingBoundary { media_type: String },
    #[error("multipart body has no delimiter line \"--{boundary}\"")]
    NoDelimiter { boundary: String },
    #[error("multipart body closes (\"--{boundary}--\") before its first part")]
    NoParts { boundary: String },
    #[error("the start parameter names <{start}> but no MIME part has that Content-ID")]
    RootNotFound { start: String },
    #[error("chunk size \"{found}\" is not hexadecimal")]
    ChunkSizeNotHex { found: String },
    #[error("chunk size \"{found}\" is too large")]
    ChunkSizeTooLarge { found: String },
    #[error(
        "truncated chunk: its size line declares {declared} bytes but only {available} follow \
         before the end of input"
    )]
    TruncatedChunk { declared: u64, available: usize },
    #[error("expected a line end after the chunk data (the chunk size does not match the data)")]
    MissingChunkLineEnd,
    #[error("{header}: {coding} is not supported (only identity and chunked are)")]
    UnsupportedCoding {
        header: &'static str,
        coding: String,
    },
    #[error("MIME part body is not valid base64: {detail}")]
    BadBase64 { detail: String },
    #[error(
        "invalid quoted-printable escape (expected '=' followed by two hexadecimal digits or a \
         line end)"
    )]
    BadQuotedPrintable,
}

/// A problem at a byte offset of the slice being parsed; the caller maps the offset back to the
/// file (chunked bodies are not one range of it) and names the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fault {
    pub offset: usize,
    pub kind: LoadErrorKind,
}

impl Fault {
    pub fn new(offset: usize, kind: LoadErrorKind) -> Fault {
        Fault { offset, kind }
    }
}
