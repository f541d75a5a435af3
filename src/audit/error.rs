//! Why a capture could not be loaded. Every message is one line that names the file and, for
//! malformed content, the `line:col` where the problem is, so the CLI can print it as is and
//! the TUI can show it in its status bar.

use crate::safe_text::escape;
use crate::xml::Position;

/// A capture could not be loaded. File names are input too: they are shown escaped.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{}: {source}", escape(path))]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// Refused before reading, so a huge file cannot exhaust memory.
    #[error(
        "{}:1:1: input is {size} bytes, above the limit of {limit} bytes",
        escape(path)
    )]
    TooLarge { path: String, size: u64, limit: u64 },
    /// A stream (standard input, a pipe, a device) went on past the limit; reading stopped.
    #[error(
        "{}: input is more than {limit} bytes (the limit); stopped reading",
        escape(path)
    )]
    LimitExceeded { path: String, limit: u64 },
    #[error("{}: is a directory, expected a file", escape(path))]
    IsDirectory { path: String },
    #[error(
        "{}: directory holds no files to load (hidden files, subdirectories and special files \
         are skipped)",
        escape(path)
    )]
    EmptyDirectory { path: String },
    #[error("no input files given")]
    NoInput,
    #[error("{}:{position}: {kind}", escape(file))]
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
    #[error(
        "headers without an HTTP start line must announce a multipart body; found {}",
        escape(found)
    )]
    HeadersWithoutMultipart { found: String },
    #[error("malformed Content-Type: {}", escape(.0))]
    MalformedContentType(String),
    #[error("{} without a boundary parameter", escape(media_type))]
    MissingBoundary { media_type: String },
    #[error("multipart body has no delimiter line \"--{}\"", escape(boundary))]
    NoDelimiter { boundary: String },
    #[error(
        "multipart body closes (\"--{}--\") before its first part",
        escape(boundary)
    )]
    NoParts { boundary: String },
    #[error(
        "the start parameter names <{}> but no MIME part has that Content-ID",
        escape(start)
    )]
    RootNotFound { start: String },
    #[error("chunk size \"{}\" is not hexadecimal", escape(found))]
    ChunkSizeNotHex { found: String },
    #[error("chunk size \"{}\" is too large", escape(found))]
    ChunkSizeTooLarge { found: String },
    #[error(
        "truncated chunk: its size line declares {declared} bytes but only {available} follow \
         before the end of input"
    )]
    TruncatedChunk { declared: u64, available: usize },
    #[error("expected a line end after the chunk data (the chunk size does not match the data)")]
    MissingChunkLineEnd,
    #[error(
        "{header}: {} is not supported (only identity and chunked are)",
        escape(coding)
    )]
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
