//! WS-Trust messages read into typed values. Both the February 2005 and the 1.3/1.4
//! namespaces are accepted, and each part records which one it used.
//!
//! Readers only, like [`crate::wss`]: nothing is computed or decrypted here.

pub mod binary_secret;
pub mod entropy;
pub mod fields;
pub mod lifetime;
pub mod version;

pub use binary_secret::{BinarySecret, SecretKind};
pub use entropy::{Entropy, EntropyContent};
pub use fields::{
    AppliesTo, CancelTarget, ComputedKey, ComputedKeyKind, KeyType, KeyTypeKind, RequestKind,
    RequestType,
};
pub use lifetime::Lifetime;
pub use version::{TrustVersion, split_trust_uri};
