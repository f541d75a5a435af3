//! WS-Security, WS-SecureConversation tokens and the SOAP envelope, read into typed values.
//!
//! These are readers only: no cryptography, no key derivation, no resolution. Each reader takes
//! an element, keeps it (for spans and positions in the UI), keeps the values as written, and
//! never fails as a whole on one bad part: what is missing or malformed becomes a [`Problem`]
//! with its line and column. The receiving processor above (the `receive` module) walks
//! [`SecurityHeader::items`] in document order and resolves each [`SecurityTokenReference`]
//! against its token store.

pub mod datetime;
pub mod derivation_budget;
pub mod envelope;
pub mod generation;
pub mod header;
pub mod problem;
pub(crate) mod read;
pub mod str_ref;
pub mod tokens;
pub mod uris;

pub use datetime::{TimeValue, UtcDateTime, XsDateTime, ZoneDesignator, parse_xs_datetime};
pub use envelope::{NotSoapEnvelope, SoapEnvelope, SoapVersion};
pub use generation::ScVersion;
pub use header::{HeaderItem, SecurityHeader};
pub use problem::Problem;
pub use str_ref::{
    DirectReference, EmbeddedToken, IssuerSerial, KeyIdentifier, KeyIdentifierKind,
    SecurityTokenReference, StrForm,
};
pub use tokens::{
    BinarySecurityToken, BinaryTokenKind, ConfirmationMethod, DerivationAlgorithm,
    DerivationParams, DerivedKeyToken, OffsetSource, Password, PasswordKind, SamlAssertion,
    SamlVersion, SecurityContextToken, SignatureConfirmation, SubjectConfirmation, Timestamp,
    UsernameToken,
};
