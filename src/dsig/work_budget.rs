//! How much canonicalize-and-digest work verifying one document may cost.
//!
//! Each Reference is canonicalized and digested on its own, so a few kilobytes of
//! `ds:Reference` elements pointing at one large element multiply the work without bound.
//! Honest messages digest each part once or twice; the budget is a multiple of the document
//! size, shared by every signature verified with the same [`VerifyOptions`](super::VerifyOptions).
//! What would pass the budget is not computed: the reference is reported unchecked, never
//! valid.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::xml::Document;

/// Canonical bytes that may be produced per byte of the document verified.
pub const WORK_PER_INPUT_BYTE: u64 = 64;

/// Canonical bytes produced so far; clones share the count.
#[derive(Debug, Clone, Default)]
pub struct WorkBudget {
    spent: Arc<AtomicU64>,
}

impl WorkBudget {
    /// The most canonical bytes verification of `doc` may produce.
    pub fn limit_for(doc: &Document) -> u64 {
        WORK_PER_INPUT_BYTE * doc.text().len() as u64
    }

    /// Canonical bytes produced so far.
    pub fn spent(&self) -> u64 {
        self.spent.load(Ordering::Relaxed)
    }

    /// Whether `bytes` more would still fit under `limit` (nothing is booked).
    pub fn fits(&self, bytes: u64, limit: u64) -> bool {
        self.spent().saturating_add(bytes) <= limit
    }

    /// Books `bytes`, or refuses (and books nothing) when they would pass `limit`.
    pub fn spend(&self, bytes: u64, limit: u64) -> bool {
        self.spent
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |spent| {
                spent.checked_add(bytes).filter(|&total| total <= limit)
            })
            .is_ok()
    }

    /// The sentence a reference or signature left unchecked carries.
    pub fn exhausted_reason(limit: u64) -> String {
        format!(
            "not checked: canonicalizing it would pass the work limit of {limit} canonical bytes ({WORK_PER_INPUT_BYTE}x the document)"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spending_stops_at_the_limit_and_clones_share_it() {
        let budget = WorkBudget::default();
        let other = budget.clone();
        assert!(budget.spend(60, 100));
        assert!(!other.spend(41, 100));
        assert!(other.fits(40, 100));
        assert!(other.spend(40, 100));
        assert_eq!(budget.spent(), 100);
        assert!(!budget.spend(1, 100));
    }

    #[test]
    fn the_limit_is_64_times_the_document() {
        let doc = Document::parse_str("<a>0123456789</a>", "t").unwrap();
        assert_eq!(WorkBudget::limit_for(&doc), 64 * 17);
    }
}
