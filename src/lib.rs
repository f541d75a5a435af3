//! wskex: the protocol engine behind the terminal explorer for WS-Trust 1.4 key exchange.
//!
//! The layers, from the bottom up (arrows only point down this list):
//!
//! - [`xml`]: parsing into an arena tree that keeps the received bytes, canonicalization.
//! - [`crypto`]: openssl behind small typed enums keyed by algorithm URI, key material.
//! - [`dsig`], [`xenc`]: XML Signature and XML Encryption, with reports that keep every
//!   intermediate (canonical bytes, digests, the key used and why).
//!
//! The engine never prints, never reads the terminal and never exits the process; the binary
//! (`src/main.rs` and [`cli`]) turns its typed errors into text and exit codes.

pub mod audit;
pub mod bounded_read;
pub mod cli;
pub mod crypto;
pub mod delegation;
pub mod dsig;
pub mod exchange;
pub mod export;
pub mod huge_pages;
pub mod ns;
pub mod patterns;
pub mod receive;
pub mod resolve;
pub mod safe_text;
pub mod safe_write;
pub mod trust;
pub mod tui;
pub mod wss;
pub mod xenc;
pub mod xml;
