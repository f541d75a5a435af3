//! The XML layer.
