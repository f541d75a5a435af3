//! The shared vocabulary of wskex: parties, keys and who knows them, signature and encryption
//! layers, the checks a receiver made, and the [`Snapshot`] that bundles them at one moment.
//!
//! Walkthroughs produce a Snapshot per step and captures produce one per message; the terminal
//! UI, the command line and the tests all draw or assert on Snapshots, never on the engine's
//! internals.

mod check;
pub mod key_naming;
mod ledger;
pub mod locate;
pub mod receipt;
pub mod recompute;
pub mod snapshot;
mod span;
pub mod step_spans;

pub use check::{Check, CheckJson, CheckKind, DelegationCheck};
pub use ledger::{Key, KeyLedger};
pub use snapshot::{
    DecryptedPart, EncryptionLayer, Envelope, KeyChoice, Layer, LayerStatus, ProcessedView,
    ReferenceStatus, SignatureLayer, Snapshot, SpecRef, Step,
};
pub use span::{TextSpan, View};

/// The version of the JSON reports' shape (`schema_version` in every JSON report); raised
/// when a field changes meaning or goes away.
pub const SCHEMA_VERSION: u32 = 1;

use crate::crypto::{Certificate, PrivateKey};

/// Someone taking part in an exchange.
#[derive(Debug, Clone)]
pub struct Party {
    /// Short name used everywhere (`alice`, `sts`).
    pub name: String,
    /// What the party does in this pattern (`requestor`, `security token service`).
    pub role: String,
    pub private_key: Option<PrivateKey>,
    pub certificate: Option<Certificate>,
}
