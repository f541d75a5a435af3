//! HMAC signatures (`hmac-sha1` ... `hmac-sha512`), one-shot and streaming, with the
//! XML-DSig 1.1 `HMACOutputLength` policy.
//!
//! Truncation policy (XML-DSig 1.1 section 6.3.1, CVE-2009-0217): a signature may say
//! "compare only the first N bits". N below 80 bits or below half the hash output would let an
//! attacker forge MACs by brute force (N = 0 accepts anything), so such values are refused
//! with [`CryptoError::HmacTruncationRefused`] before any comparison happens. N above the
//! hash length or not a multiple of 8 is malformed and refused too.
//!
//! Empty keys: OpenSSL refuses to build an HMAC key from zero bytes. HMAC pads every key with
//! zero bytes up to the hash block size (RFC 2104, K0), so the empty key and the one-byte key
//! `00` produce the same K0 and therefore the identical MAC; that byte is used instead.

use std::io;

use openssl::md_ctx::MdCtx;
use openssl::pkey::{PKey, Private};

use super::algorithms::DigestAlgorithm;
use super::error::CryptoError;

/// Checks an `HMACOutputLength` against the policy above; returns the length in bytes.
pub fn check_output_length(algorithm: DigestAlgorithm, bits: u32) -> Result<usize, CryptoError> {
    let hash_bits = (algorithm.output_len() * 8) as u32;
    let minimum = (hash_bits / 2).max(80);
    if bits > hash_bits || !bits.is_multiple_of(8) {
        return Err(CryptoError::HmacOutputLengthInvalid { bits, hash_bits });
    }
    if bits < minimum {
        return Err(CryptoError::HmacTruncationRefused { bits, minimum });
    }
    Ok((bits / 8) as usize)
}

/// The HMAC of `data` under `key` (full length).
pub fn hmac(algorithm: DigestAlgorithm, key: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let mut writer = HmacWriter::new(algorithm, key)?;
    writer.update(data)?;
    writer.finish()
}

/// Checks `mac` over `data`. `output_bits` is the signature's `HMACOutputLength`, if any.
/// Returns `Ok(false)` for a MAC that does not match and an error for a refused truncation.
pub fn verify(
    algorithm: DigestAlgorithm,
    key: &[u8],
    data: &[u8],
    mac: &[u8],
    output_bits: Option<u32>,
) -> Result<bool, CryptoError> {
    let mut writer = HmacWriter::new(algorithm, key)?;
    writer.update(data)?;
    writer.verify(mac, output_bits)
}

/// Compares a computed MAC with a received one, honouring (and policing) truncation.
fn compare(
    algorithm: DigestAlgorithm,
    computed: &[u8],
    received: &[u8],
    output_bits: Option<u32>,
) -> Result<bool, CryptoError> {
    // The policy check comes first so a refused truncation is an error, never a "mismatch".
    let expected_len = match output_bits {
        Some(bits) => check_output_length(algorithm, bits)?,
        None => computed.len(),
    };
    if received.len() != expected_len {
        return Ok(false);
    }
    // memcmp::eq asserts equal lengths; they are equal here.
    Ok(openssl::memcmp::eq(&computed[..expected_len], received))
}

/// An HMAC being computed; SignedInfo is canonicalized straight into it through
/// [`io::Write`].
pub struct HmacWriter {
    algorithm: DigestAlgorithm,
    ctx: MdCtx,
    // The context holds its own reference to the key; keeping ours makes the ownership plain.
    _key: PKey<Private>,
}

impl HmacWriter {
    pub fn new(algorithm: DigestAlgorithm, key: &[u8]) -> Result<Self, CryptoError> {
        // See the module documentation for why an empty key becomes one zero byte.
        let key = if key.is_empty() {
            PKey::hmac(&[0u8])?
        } else {
            PKey::hmac(key)?
        };
        let mut ctx = MdCtx::new()?;
        ctx.digest_sign_init(Some(algorithm.md()), &key)?;
        Ok(HmacWriter {
            algorithm,
            ctx,
            _key: key,
        })
    }

    pub fn algorithm(&self) -> DigestAlgorithm {
        self.algorithm
    }

    pub fn update(&mut self, data: &[u8]) -> Result<(), CryptoError> {
        self.ctx.digest_sign_update(data)?;
        Ok(())
    }

    /// The full-length MAC of everything written.
    pub fn finish(mut self) -> Result<Vec<u8>, CryptoError> {
        let mut out = Vec::with_capacity(self.algorithm.output_len());
        self.ctx.digest_sign_final_to_vec(&mut out)?;
        Ok(out)
    }

    /// The MAC truncated to `output_bits` (policy-checked), as a signer writing
    /// `HMACOutputLength` would produce it.
    pub fn finish_truncated(self, output_bits: Option<u32>) -> Result<Vec<u8>, CryptoError> {
        let algorithm = self.algorithm;
        let mut mac = self.finish()?;
        if let Some(bits) = output_bits {
            mac.truncate(check_output_length(algorithm, bits)?);
        }
        Ok(mac)
    }

    /// Compares with a received MAC in constant time (see [`verify`]).
    pub fn verify(self, mac: &[u8], output_bits: Option<u32>) -> Result<bool, CryptoError> {
        let algorithm = self.algorithm;
        // Police the truncation before spending any work on the comparison.
        if let Some(bits) = output_bits {
            check_output_length(algorithm, bits)?;
        }
        let computed = self.finish()?;
        compare(algorithm, &computed, mac, output_bits)
    }
}

impl io::Write for HmacWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.update(buf).map_err(io::Error::other)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl std::fmt::Debug for HmacWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HmacWriter")
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    use DigestAlgorithm::*;

    #[test]
    fn rfc2202_and_rfc4231_vectors() {
        // RFC 2202 test case 2.
        assert_eq!(
            hex::encode(hmac(Sha1, b"Jefe", b"what do ya want for nothing?").unwrap()),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
        );
        // RFC 4231 test case 2.
        let data = b"what do ya want for nothing?";
        assert_eq!(
            hex::encode(hmac(Sha256, b"Jefe", data).unwrap()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hex::encode(hmac(Sha384, b"Jefe", data).unwrap()),
            "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649"
        );
        assert_eq!(
            hex::encode(hmac(Sha512, b"Jefe", data).unwrap()),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
        );
    }

    #[test]
    fn empty_key_equals_single_zero_byte() {
        // HMAC-SHA256 with an empty key and empty message (well-known value).
        assert_eq!(
            hex::encode(hmac(Sha256, b"", b"").unwrap()),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"
        );
        assert_eq!(
            hmac(Sha1, b"", b"x").unwrap(),
            hmac(Sha1, &[0], b"x").unwrap()
        );
    }

    #[test]
    fn streaming_equals_one_shot() {
        let mut w = HmacWriter::new(Sha1, b"key").unwrap();
        for chunk in b"The quick brown fox jumps over the lazy dog".chunks(5) {
            w.write_all(chunk).unwrap();
        }
        assert_eq!(
            hex::encode(w.finish().unwrap()),
            "de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9"
        );
    }

    #[test]
    fn verify_full_and_mismatch() {
        let mac = hmac(Sha256, b"k", b"data").unwrap();
        assert!(verify(Sha256, b"k", b"data", &mac, None).unwrap());
        assert!(!verify(Sha256, b"k", b"datA", &mac, None).unwrap());
        assert!(!verify(Sha256, b"K", b"data", &mac, None).unwrap());
        // A shorter MAC without HMACOutputLength is not silently accepted as a truncation.
        assert!(!verify(Sha256, b"k", b"data", &mac[..16], None).unwrap());
        assert!(!verify(Sha256, b"k", b"data", &[], None).unwrap());
    }

    #[test]
    fn truncation_policy() {
        let mac1 = hmac(Sha1, b"secret", b"m").unwrap();
        // 40 bits is refused, before comparing, even when the bytes match.
        assert!(matches!(
            verify(Sha1, b"secret", b"m", &mac1[..5], Some(40)),
            Err(CryptoError::HmacTruncationRefused {
                bits: 40,
                minimum: 80
            })
        ));
        assert!(matches!(
            verify(Sha1, b"secret", b"m", &[], Some(0)),
            Err(CryptoError::HmacTruncationRefused { .. })
        ));
        // 160 for SHA-1: full length, accepted; 80 for SHA-1 is exactly the minimum.
        assert!(verify(Sha1, b"secret", b"m", &mac1, Some(160)).unwrap());
        assert!(verify(Sha1, b"secret", b"m", &mac1[..10], Some(80)).unwrap());
        let mac256 = hmac(Sha256, b"secret", b"m").unwrap();
        // 128 for SHA-256 (half) accepted; 120 refused (< half even though > 80).
        assert!(verify(Sha256, b"secret", b"m", &mac256[..16], Some(128)).unwrap());
        assert!(matches!(
            verify(Sha256, b"secret", b"m", &mac256[..15], Some(120)),
            Err(CryptoError::HmacTruncationRefused {
                bits: 120,
                minimum: 128
            })
        ));
        // Truncated value with a mismatching length is a mismatch, not a panic.
        assert!(!verify(Sha256, b"secret", b"m", &mac256, Some(128)).unwrap());
        // Above the hash length, or not whole bytes: malformed.
        assert!(matches!(
            check_output_length(Sha1, 168),
            Err(CryptoError::HmacOutputLengthInvalid { .. })
        ));
        assert!(matches!(
            check_output_length(Sha256, 130),
            Err(CryptoError::HmacOutputLengthInvalid { .. })
        ));
        assert_eq!(check_output_length(Sha512, 256).unwrap(), 32);
    }

    #[test]
    fn finish_truncated() {
        let w = HmacWriter::new(Sha256, b"k").unwrap();
        assert_eq!(w.finish_truncated(Some(128)).unwrap().len(), 16);
        let w = HmacWriter::new(Sha256, b"k").unwrap();
        assert!(w.finish_truncated(Some(64)).is_err());
    }
}
