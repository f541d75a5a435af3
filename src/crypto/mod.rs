//! Cryptography behind small typed enums keyed by algorithm URI.
