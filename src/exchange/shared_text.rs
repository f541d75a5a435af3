//! An envelope text held by many Steps without copying.
//!
//! A conversation of n steps shows the same message at several steps (built, sent, received),
//! and a 50 MB capture must not become gigabytes of Steps: every step that shows a message
//! holds a handle on one buffer. It serializes as the plain string, so JSON does not change.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Serialize, Serializer};

/// Text shared between owners: clones share one buffer.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SharedText(Arc<String>);

impl SharedText {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `self` and `other` hold the same buffer (not just equal text).
    pub fn ptr_eq(&self, other: &SharedText) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// The shared buffer itself.
    pub fn as_arc(&self) -> &Arc<String> {
        &self.0
    }
}

impl Default for SharedText {
    fn default() -> Self {
        SharedText(Arc::new(String::new()))
    }
}

impl Deref for SharedText {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedText {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl AsRef<[u8]> for SharedText {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl From<Arc<String>> for SharedText {
    fn from(text: Arc<String>) -> Self {
        SharedText(text)
    }
}

impl From<String> for SharedText {
    fn from(text: String) -> Self {
        SharedText(Arc::new(text))
    }
}

impl From<&str> for SharedText {
    fn from(text: &str) -> Self {
        SharedText(Arc::new(text.to_string()))
    }
}

impl PartialEq<str> for SharedText {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for SharedText {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl fmt::Debug for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl Serialize for SharedText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_buffer_and_json_is_the_plain_string() {
        let text = SharedText::from("<a>\"é\"</a>".to_string());
        let clone = text.clone();
        assert!(text.ptr_eq(&clone));
        assert!(!text.ptr_eq(&SharedText::from(text.as_str())));
        assert_eq!(
            serde_json::to_string(&text).unwrap(),
            serde_json::to_string("<a>\"é\"</a>").unwrap()
        );
    }
}
