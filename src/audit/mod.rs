//! Captured conversations: loading what an auditor hands over (raw SOAP, HTTP dumps, MTOM/XOP
//! multiparts, several files or a directory) into [`CapturedMessage`]s in conversation order.
//!
//! The loader takes envelopes apart from their framing but never changes their bytes, and it
//! tolerates what real copies look like (bare LF, folded headers, a missing blank line, a stale
//! Content-Length, elided binary parts) only with a note on the message saying so.

mod chunked;
mod cid;
mod content_type;
pub mod conversation;
mod conversation_checks;
mod conversation_recipient;
mod envelope;
mod error;
mod headers;
mod http;
mod load;
mod message;
pub mod message_checks;
mod mime;
pub mod parties;
pub mod pattern;
mod read;
mod source;
pub mod steps;
mod transfer;

pub use cid::content_id_from_cid_url;
pub use error::{LoadError, LoadErrorKind};
pub use load::{expand_paths, load_bytes, load_paths};
pub use message::{Attachment, CapturedMessage, Framing, MimeInfo, MimePart};
pub use read::{MAX_INPUT_BYTES, read_input, read_input_file};
pub use transfer::TransferEncoding;
