//! WS-Trust messages read into typed values: RequestSecurityToken, the response and its
//! collection, the IssuedTokens header, and their parts (Entropy, BinarySecret, proof tokens,
//! Lifetime, KeySize, RequestType...). Both the February 2005 and the 1.3/1.4 namespaces are
//! accepted, and each message records which one it used.
//!
//! Readers only, like [`crate::wss`]: nothing is computed or decrypted here. Problems found in
//! a message's parts are listed on the message (`problems`); references and issued tokens
//! read with the `wss` readers keep theirs, and `all_problems()` gathers everything.

pub mod binary_secret;
pub mod collection;
pub mod entropy;
pub mod fields;
pub mod lifetime;
pub mod messages;
pub mod proof_token;
pub mod request;
pub mod response;
pub mod version;

pub use binary_secret::{BinarySecret, SecretKind};
pub use collection::{IssuedTokens, RequestSecurityTokenResponseCollection};
pub use entropy::{Entropy, EntropyContent};
pub use fields::{
    AppliesTo, CancelTarget, ComputedKey, ComputedKeyKind, KeyType, KeyTypeKind, RequestKind,
    RequestType,
};
pub use lifetime::Lifetime;
pub use messages::{TrustMessage, find_in_envelope, find_trust_messages};
pub use proof_token::{ProofToken, RequestedProofToken};
pub use request::RequestSecurityToken;
pub use response::{RequestSecurityTokenResponse, RequestedSecurityToken};
pub use version::{TrustVersion, split_trust_uri};
