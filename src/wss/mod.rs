//! WS-Security processing.

pub mod keys;
