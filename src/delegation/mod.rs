//! wskex's delegation token (namespace `urn:wskex:delegation:2026`, described in
//! `docs/delegation-token.md`) for delegated key transfer: a delegator who shares a secret with
//! a target names a delegate by its certificate, grants it rights (each tied to a `wsa:Action`)
//! until an expiry, and carries a session key encrypted for the target, all signed with the
//! delegator–target secret. WS-Trust 1.4 leaves the format to the parties; this one is built
//! only from WS-Security, XML Encryption and XML Signature parts.

pub mod checks;
pub mod token;

pub use checks::{establishes_delegate_identity, target_checks};
pub use token::{DLG, DelegationToken, Right, TOKEN_TYPE, TokenSpec, build, sign_token};

/// Why a delegation token could not be built.
#[derive(Debug, thiserror::Error)]
pub enum DelegationError {
    #[error("cannot build the delegation token: {0}")]
    Build(String),
}
