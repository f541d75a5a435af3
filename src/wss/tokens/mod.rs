//! Readers for the tokens a `wsse:Security` header (or an RSTR) carries, one file per token.
//! Each keeps its element for positions and spans, the values as written, and problems.

pub mod binary_security_token;
pub mod derived_key_token;
pub mod saml;
pub mod security_context_token;
pub mod signature_confirmation;
pub mod timestamp;
pub mod username_token;

pub use binary_security_token::{BinarySecurityToken, BinaryTokenKind};
pub use derived_key_token::{DerivationAlgorithm, DerivationParams, DerivedKeyToken, OffsetSource};
pub use saml::{ConfirmationMethod, SamlAssertion, SamlVersion, SubjectConfirmation};
pub use security_context_token::SecurityContextToken;
pub use signature_confirmation::SignatureConfirmation;
pub use timestamp::Timestamp;
pub use username_token::{Password, PasswordKind, UsernameToken};
