//! Received bytes held by several owners without copying.
//!
//! A captured message keeps its envelope as received, and the document parsed from it reads
//! the same text: a 50 MB capture held twice was a third of `inspect`'s peak memory. UTF-8
//! envelopes (nearly all) are kept as shared text, so parsing them neither copies nor validates
//! them again; the bytes themselves are never changed (received bytes are the truth).

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// Received bytes that are cheap to clone: clones share one buffer.
#[derive(Clone, PartialEq, Eq)]
pub struct SharedBytes(Shared);

#[derive(Clone, PartialEq, Eq)]
enum Shared {
    /// Valid UTF-8: a document parsed from these bytes shares them. An `Arc<String>`, not an
    /// `Arc<str>`, so that bytes read into a vector become shared without a copy.
    Utf8(Arc<String>),
    /// Anything else (UTF-16, Latin-1, or broken input the parser will report).
    Other(Arc<[u8]>),
}

impl SharedBytes {
    pub fn as_slice(&self) -> &[u8] {
        self
    }

    /// The bytes as text when they are UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        match &self.0 {
            Shared::Utf8(text) => Some(text.as_str()),
            Shared::Other(_) => None,
        }
    }

    /// The shared text when the bytes are UTF-8 (a clone of the handle, not of the text).
    pub(crate) fn shared_text(&self) -> Option<Arc<String>> {
        match &self.0 {
            Shared::Utf8(text) => Some(Arc::clone(text)),
            Shared::Other(_) => None,
        }
    }
}

impl Default for SharedBytes {
    fn default() -> Self {
        SharedBytes(Shared::Utf8(Arc::new(String::new())))
    }
}

impl Deref for SharedBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match &self.0 {
            Shared::Utf8(text) => text.as_bytes(),
            Shared::Other(bytes) => &bytes[..],
        }
    }
}

impl From<Vec<u8>> for SharedBytes {
    fn from(bytes: Vec<u8>) -> Self {
        match String::from_utf8(bytes) {
            Ok(text) => SharedBytes::from(text),
            Err(e) => SharedBytes(Shared::Other(Arc::from(e.into_bytes()))),
        }
    }
}

impl From<String> for SharedBytes {
    fn from(text: String) -> Self {
        SharedBytes(Shared::Utf8(Arc::new(text)))
    }
}

impl From<&str> for SharedBytes {
    fn from(text: &str) -> Self {
        SharedBytes(Shared::Utf8(Arc::new(text.to_string())))
    }
}

impl From<&[u8]> for SharedBytes {
    fn from(bytes: &[u8]) -> Self {
        match std::str::from_utf8(bytes) {
            Ok(text) => SharedBytes::from(text),
            Err(_) => SharedBytes(Shared::Other(Arc::from(bytes))),
        }
    }
}

impl fmt::Debug for SharedBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Shared::Utf8(text) => fmt::Debug::fmt(text.as_str(), f),
            Shared::Other(bytes) => fmt::Debug::fmt(&**bytes, f),
        }
    }
}

impl PartialEq<[u8]> for SharedBytes {
    fn eq(&self, other: &[u8]) -> bool {
        self.as_slice() == other
    }
}

impl PartialEq<&[u8]> for SharedBytes {
    fn eq(&self, other: &&[u8]) -> bool {
        self.as_slice() == *other
    }
}

impl PartialEq<Vec<u8>> for SharedBytes {
    fn eq(&self, other: &Vec<u8>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

/// What the parser reads: bytes of its own, or received bytes it shares with their holder.
pub enum ParseInput {
    Bytes(Vec<u8>),
    Shared(SharedBytes),
}

impl ParseInput {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            ParseInput::Bytes(bytes) => bytes.as_slice(),
            ParseInput::Shared(shared) => shared.as_slice(),
        }
    }

    pub(crate) fn into_vec(self) -> Vec<u8> {
        match self {
            ParseInput::Bytes(bytes) => bytes,
            ParseInput::Shared(shared) => shared.to_vec(),
        }
    }
}

impl From<Vec<u8>> for ParseInput {
    fn from(bytes: Vec<u8>) -> Self {
        ParseInput::Bytes(bytes)
    }
}

impl From<SharedBytes> for ParseInput {
    fn from(shared: SharedBytes) -> Self {
        ParseInput::Shared(shared)
    }
}

impl From<&SharedBytes> for ParseInput {
    fn from(shared: &SharedBytes) -> Self {
        ParseInput::Shared(shared.clone())
    }
}

/// A document's text: its own, or shared with the captured message it was parsed from.
#[derive(Clone, Debug)]
pub(crate) enum DocumentText {
    Owned(String),
    Shared(Arc<String>),
}

impl Deref for DocumentText {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            DocumentText::Owned(text) => text.as_str(),
            DocumentText::Shared(text) => text.as_str(),
        }
    }
}

impl PartialEq<&str> for DocumentText {
    fn eq(&self, other: &&str) -> bool {
        **self == **other
    }
}

impl From<String> for DocumentText {
    fn from(text: String) -> Self {
        DocumentText::Owned(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bytes_are_shared_not_copied() {
        let read = b"<a>\xc3\xa9</a>".to_vec();
        let read_at = read.as_ptr();
        let shared = SharedBytes::from(read);
        assert_eq!(
            shared.as_slice().as_ptr(),
            read_at,
            "the vector read becomes the buffer"
        );
        let clone = shared.clone();
        assert_eq!(shared.as_str(), Some("<a>é</a>"));
        assert!(std::ptr::eq(shared.as_slice(), clone.as_slice()));
        let doc = crate::xml::Document::parse(clone, "t.xml").unwrap();
        assert!(std::ptr::eq(doc.text().as_bytes(), shared.as_slice()));
    }

    #[test]
    fn other_bytes_are_kept_exactly() {
        let latin1 = b"<?xml version='1.0' encoding='ISO-8859-1'?><a>\xe9</a>".to_vec();
        let shared = SharedBytes::from(latin1.clone());
        assert_eq!(shared.as_str(), None);
        assert_eq!(shared, latin1);
        let doc = crate::xml::Document::parse(shared, "t.xml").unwrap();
        assert_eq!(doc.received_bytes(), latin1.as_slice());
        assert_eq!(doc.root_element().text_content(), "é");
    }
}
