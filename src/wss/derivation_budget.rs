//! How much P_SHA-1 output one message may make the receiver compute.
//!
//! A DerivedKeyToken names its key by an offset into the P_SHA-1 stream, and every byte before
//! the offset has to be computed too: a hostile message with many tokens at offsets near the
//! limit would make the receiver hash megabytes per token. Real keys are tens of bytes at small
//! offsets, so the bounds below cost nothing to honest messages.

use serde::Serialize;

/// Furthest into the P_SHA-1 stream (offset + length, bytes) one derivation may reach.
pub const MAX_STREAM_END_PER_KEY: u64 = 64 * 1024;
/// P_SHA-1 output (the sum of offset + length over every derivation) one message may cost.
pub const MAX_STREAM_BYTES_PER_MESSAGE: u64 = 1 << 20;

/// The P_SHA-1 output spent so far in one message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DerivationBudget {
    spent: u64,
}

/// Why a derivation was refused before any hashing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DerivationRefused {
    #[error(
        "offset + length reaches {stream_end} bytes into the P_SHA-1 output, beyond the {MAX_STREAM_END_PER_KEY}-byte limit for one key"
    )]
    KeyTooFar { stream_end: u64 },
    #[error(
        "{stream_end} more bytes of P_SHA-1 output would pass the {MAX_STREAM_BYTES_PER_MESSAGE}-byte limit for one message ({spent} already derived)"
    )]
    MessageBudgetSpent { stream_end: u64, spent: u64 },
}

impl DerivationBudget {
    /// Books a derivation reaching `stream_end` bytes into the stream, or refuses it (then
    /// nothing is booked and no key may be derived).
    pub fn charge(&mut self, stream_end: u64) -> Result<(), DerivationRefused> {
        if stream_end > MAX_STREAM_END_PER_KEY {
            return Err(DerivationRefused::KeyTooFar { stream_end });
        }
        let total = self.spent + stream_end;
        if total > MAX_STREAM_BYTES_PER_MESSAGE {
            return Err(DerivationRefused::MessageBudgetSpent {
                stream_end,
                spent: self.spent,
            });
        }
        self.spent = total;
        Ok(())
    }

    /// Bytes of P_SHA-1 output booked so far.
    pub fn spent(self) -> u64 {
        self.spent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_key_may_reach_64_kib_and_no_further() {
        let mut budget = DerivationBudget::default();
        assert_eq!(budget.charge(MAX_STREAM_END_PER_KEY), Ok(()));
        assert_eq!(
            budget.charge(MAX_STREAM_END_PER_KEY + 1),
            Err(DerivationRefused::KeyTooFar {
                stream_end: MAX_STREAM_END_PER_KEY + 1
            })
        );
        assert_eq!(budget.spent(), MAX_STREAM_END_PER_KEY);
    }

    #[test]
    fn a_message_may_spend_1_mib_and_refused_keys_cost_nothing() {
        let mut budget = DerivationBudget::default();
        for _ in 0..16 {
            budget.charge(MAX_STREAM_END_PER_KEY).unwrap();
        }
        assert_eq!(budget.spent(), MAX_STREAM_BYTES_PER_MESSAGE);
        assert_eq!(
            budget.charge(1),
            Err(DerivationRefused::MessageBudgetSpent {
                stream_end: 1,
                spent: MAX_STREAM_BYTES_PER_MESSAGE
            })
        );
        assert_eq!(budget.spent(), MAX_STREAM_BYTES_PER_MESSAGE);
    }
}
