//! The shared vocabulary of wskex: parties, keys and who knows them, signature and encryption
//! layers, the checks a receiver made, and the [`Snapshot`] that bundles them at one moment.
//!
//! Walkthroughs produce a Snapshot per step and captures produce one per message; the terminal
//! UI, the command line and the tests all draw or assert on Snapshots, never on the engine's
//! internals.

mod ledger;
pub mod snapshot;

pub use ledger::{Key, KeyLedger};
pub use snapshot::{
    Check, DecryptedPart, EncryptionLayer, Envelope, Layer, LayerStatus, ProcessedView,
    ReferenceStatus, SignatureLayer, Snapshot, SpecRef, Step,
};

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
