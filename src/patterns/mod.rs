//! The four key exchange patterns of WS-Trust 1.4 (Appendix I, key transfer and
//! distribution) as step-by-step walkthroughs.
//!
//! Each pattern is a script: senders build real messages with the engine (`dsig::sign`,
//! `xenc::encrypt`), receivers are the `inspect` processor with only the keys that party
//! holds, and every step records a [`Snapshot`](crate::exchange::Snapshot). Everything random
//! comes from a generator seeded with `--seed` and the clock is fixed, so a walkthrough is
//! reproducible byte for byte. Each pattern offers tamper actions; the receiver's checks must
//! catch every one.

mod brokered;
mod delegated;
mod derived_keys;
mod direct;
pub mod draft;
#[cfg(test)]
mod ledger_names_tests;
pub mod parties;
mod request_reply;
pub mod scene;
#[cfg(test)]
mod shared_text_tests;
pub mod tamper;

use crate::exchange::{KeyLedger, Party, Step};

pub use scene::{Receipt, SentMessage};
pub use tamper::Tamper;

/// What a pattern offers.
#[derive(Debug, Clone, Copy)]
pub struct PatternInfo {
    pub name: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    /// The first is the default.
    pub variants: &'static [&'static str],
    pub tampers: &'static [Tamper],
}

const COMMON_TAMPERS: &[Tamper] = &[
    Tamper::ChangeBody,
    Tamper::SwapKey,
    Tamper::Replay,
    Tamper::WrapBody,
];

pub const CATALOG: &[PatternInfo] = &[
    PatternInfo {
        name: "direct",
        title: "Direct key transfer",
        summary: "The initiator makes a security context and its secret, wraps the secret for the recipient in a \
                  signed unsolicited RSTR, then both secure messages with keys derived from the context.",
        variants: &["default"],
        tampers: COMMON_TAMPERS,
    },
    PatternInfo {
        name: "brokered",
        title: "Brokered key distribution",
        summary: "A security token service gives the requestor a token for the service and a proof key: the same \
                  key encrypted for the service inside a SAML holder-of-key assertion (encrypted-key), or a \
                  context key both sides compute from their entropies (computed-key).",
        variants: &["encrypted-key", "computed-key"],
        tampers: COMMON_TAMPERS,
    },
    PatternInfo {
        name: "delegated",
        title: "Delegated key transfer",
        summary: "A delegator who shares a secret with the target issues a delegate a token naming its key and its \
                  rights, carrying a session key for the target; the delegate uses it without ever learning the \
                  delegator's secret.",
        variants: &["within-rights", "beyond-rights"],
        tampers: &[
            Tamper::ChangeBody,
            Tamper::SwapKey,
            Tamper::Replay,
            Tamper::WrapBody,
            Tamper::ExceedRights,
        ],
    },
    PatternInfo {
        name: "request-reply",
        title: "Authenticated request/reply key transfer",
        summary: "The sender wraps a fresh key for the recipient, protects the request with it and proves origin \
                  with its X.509 key; the reply is secured with the transferred key.",
        variants: &["encrypt-then-sign", "sign-then-encrypt"],
        tampers: COMMON_TAMPERS,
    },
];

/// Why a walkthrough could not be run.
#[derive(Debug, thiserror::Error)]
pub enum PatternError {
    #[error("unknown pattern {0:?} (try: direct, brokered, delegated, request-reply)")]
    UnknownPattern(String),
    #[error("pattern {pattern} has no variant {variant:?} (variants: {known})")]
    UnknownVariant {
        pattern: String,
        variant: String,
        known: String,
    },
    #[error("pattern {pattern} has no tamper action {tamper:?} (tampers: {known})")]
    UnknownTamper {
        pattern: String,
        tamper: String,
        known: String,
    },
    /// A walkthrough failed to build its own messages: a bug, reported rather than panicking.
    #[error("internal error in the walkthrough: {0}")]
    Internal(String),
}

/// A played walkthrough.
pub struct Walkthrough {
    pub info: &'static PatternInfo,
    pub variant: &'static str,
    pub seed: u64,
    pub tamper: Option<Tamper>,
    pub steps: Vec<Step>,
    pub messages: Vec<SentMessage>,
    /// What each receiver held when it processed a message (for re-verifying an edit).
    pub receipts: Vec<Receipt>,
    pub parties: Vec<Party>,
    pub ledger: KeyLedger,
}

impl Walkthrough {
    /// True when every check of every step passed (false for tampered runs, by design).
    pub fn all_checks_pass(&self) -> bool {
        self.steps
            .iter()
            .all(|s| s.snapshot.checks.iter().all(|c| c.ok))
    }
}

pub fn info(name: &str) -> Option<&'static PatternInfo> {
    CATALOG.iter().find(|p| p.name == name)
}

/// Plays `pattern` (default variant when `variant` is `None`) under `seed`, optionally with a
/// tamper action against the pattern's first protected message.
pub fn walk(
    pattern: &str,
    variant: Option<&str>,
    seed: u64,
    tamper: Option<&str>,
) -> Result<Walkthrough, PatternError> {
    let info = info(pattern).ok_or_else(|| PatternError::UnknownPattern(pattern.to_string()))?;
    let variant = match variant {
        None => info.variants[0],
        Some(v) => info
            .variants
            .iter()
            .copied()
            .find(|k| *k == v)
            .ok_or_else(|| PatternError::UnknownVariant {
                pattern: pattern.to_string(),
                variant: v.to_string(),
                known: info.variants.join(", "),
            })?,
    };
    let tamper = match tamper {
        None => None,
        Some(t) => Some(
            Tamper::from_name(t)
                .filter(|t| info.tampers.contains(t))
                .ok_or_else(|| PatternError::UnknownTamper {
                    pattern: pattern.to_string(),
                    tamper: t.to_string(),
                    known: info
                        .tampers
                        .iter()
                        .map(|t| t.name())
                        .collect::<Vec<_>>()
                        .join(", "),
                })?,
        ),
    };
    let scene = match info.name {
        "direct" => direct::run(seed, tamper)?,
        "brokered" => brokered::run(variant, seed, tamper)?,
        "delegated" => delegated::run(variant, seed, tamper)?,
        _ => request_reply::run(variant, seed, tamper)?,
    };
    Ok(Walkthrough {
        info,
        variant,
        seed,
        tamper,
        ledger: scene.ledger.clone(),
        parties: scene.parties.clone(),
        messages: scene.messages.clone(),
        receipts: scene.receipts,
        steps: scene.steps,
    })
}
