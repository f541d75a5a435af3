//! P_SHA-1 key derivation: the TLS 1.0 `P_hash` with HMAC-SHA1 (RFC 2246 section 5), as
//! used by WS-SecureConversation DerivedKeyTokens and WS-Trust ComputedKey.
//!
//! `A(0) = seed`, `A(i) = HMAC(secret, A(i-1))`, and the output stream is
//! `HMAC(secret, A(1) || seed) || HMAC(secret, A(2) || seed) || ...`; a key is a slice of it.

use openssl::sha::Sha1;

use super::error::CryptoError;
use super::secret::SecretBytes;

/// The label a DerivedKeyToken uses when `wsc:Label` is absent (no space in the middle).
pub const DEFAULT_LABEL: &[u8] = b"WS-SecureConversationWS-SecureConversation";

/// The length a DerivedKeyToken has when `wsc:Length` is absent.
pub const DEFAULT_DERIVED_KEY_LEN: usize = 32;

/// Upper bound on `offset + length`: keys are tens of bytes, and a hostile message must not
/// make us compute gigabytes.
pub const MAX_STREAM_LEN: usize = 1 << 20;

const BLOCK: usize = 20;
/// SHA-1's input block size, to which HMAC pads its key.
const SHA1_INPUT_BLOCK: usize = 64;

/// HMAC-SHA1 with the padded key hashed once: every P_SHA-1 block costs two HMACs, and going
/// through OpenSSL's generic HMAC looks the algorithm up again for each (a 64 KiB stream took
/// a tenth of a second). The cloned states hold hashes of the padded key, not the key.
struct HmacSha1 {
    inner: Sha1,
    outer: Sha1,
}

impl HmacSha1 {
    fn new(key: &[u8]) -> HmacSha1 {
        // RFC 2104: a key longer than the block is hashed; K0 is it padded with zeros.
        let mut k0 = vec![0u8; SHA1_INPUT_BLOCK];
        if key.len() > SHA1_INPUT_BLOCK {
            k0[..BLOCK].copy_from_slice(&openssl::sha::sha1(key));
        } else {
            k0[..key.len()].copy_from_slice(key);
        }
        let k0 = SecretBytes::new(k0);
        let keyed = |pad: u8| {
            let padded = SecretBytes::new(k0.expose().iter().map(|b| b ^ pad).collect());
            let mut state = Sha1::new();
            state.update(padded.expose());
            state
        };
        HmacSha1 {
            inner: keyed(0x36),
            outer: keyed(0x5c),
        }
    }

    /// HMAC of the concatenation of `parts`.
    fn mac(&self, parts: &[&[u8]]) -> [u8; BLOCK] {
        let mut inner = self.inner.clone();
        for part in parts {
            inner.update(part);
        }
        let mut outer = self.outer.clone();
        outer.update(&inner.finish());
        outer.finish()
    }
}

/// Bytes `[offset, offset + length)` of the P_SHA-1 stream of `secret` and `seed`.
pub fn p_sha1(
    secret: &[u8],
    seed: &[u8],
    offset: usize,
    length: usize,
) -> Result<SecretBytes, CryptoError> {
    if length == 0 {
        return Err(CryptoError::InvalidParameter {
            what: "derived key length",
            reason: "a key of 0 bytes".to_string(),
        });
    }
    let end = offset
        .checked_add(length)
        .filter(|&end| end <= MAX_STREAM_LEN)
        .ok_or_else(|| CryptoError::InvalidParameter {
            what: "derived key offset and length",
            reason: format!(
                "offset {offset} + length {length} exceeds the {MAX_STREAM_LEN}-byte limit"
            ),
        })?;
    let first_block = offset / BLOCK;
    let blocks = end.div_ceil(BLOCK);
    // Capacity is exact, so the stream never reallocates and leaves no unzeroed copy.
    let mut stream = Vec::with_capacity((blocks - first_block) * BLOCK);
    let mac = HmacSha1::new(secret);
    let mut a = mac.mac(&[seed]);
    for i in 0..blocks {
        // Blocks wholly before the offset only advance the A(i) chain.
        if i >= first_block {
            let block = SecretBytes::from_slice(&mac.mac(&[&a, seed]));
            stream.extend_from_slice(block.expose());
        }
        a = mac.mac(&[&a]);
    }
    let stream = SecretBytes::new(stream);
    let start = offset - first_block * BLOCK;
    Ok(SecretBytes::from_slice(
        &stream.expose()[start..start + length],
    ))
}

/// The key of a DerivedKeyToken: P_SHA-1 with `secret` = the base token's key and
/// `seed` = label || nonce (the nonce already base64-decoded). `label` `None` means the
/// default label. For `wsc:Generation` use [`generation_offset`].
pub fn derived_key(
    secret: &[u8],
    label: Option<&[u8]>,
    nonce: &[u8],
    offset: usize,
    length: usize,
) -> Result<SecretBytes, CryptoError> {
    let label = label.unwrap_or(DEFAULT_LABEL);
    let mut seed = Vec::with_capacity(label.len() + nonce.len());
    seed.extend_from_slice(label);
    seed.extend_from_slice(nonce);
    p_sha1(secret, &seed, offset, length)
}

/// `wsc:Generation` × length, the offset a Generation stands for (overflow-checked).
pub fn generation_offset(generation: u64, length: usize) -> Result<usize, CryptoError> {
    usize::try_from(generation)
        .ok()
        .and_then(|g| g.checked_mul(length))
        .ok_or_else(|| CryptoError::InvalidParameter {
            what: "derived key generation",
            reason: format!("generation {generation} × length {length} overflows"),
        })
}

/// The WS-Trust ComputedKey (`CK/PSHA1`): P_SHA-1 with the requestor's entropy as the secret
/// and the issuer's entropy as the seed, truncated to `key_size_bits` (`wst:KeySize`).
/// The order matters: the CoreWCF capture verifies only this way round.
pub fn computed_key(
    requestor_entropy: &[u8],
    issuer_entropy: &[u8],
    key_size_bits: u32,
) -> Result<SecretBytes, CryptoError> {
    if key_size_bits == 0 || !key_size_bits.is_multiple_of(8) {
        return Err(CryptoError::InvalidParameter {
            what: "KeySize",
            reason: format!("{key_size_bits} bits is not a positive multiple of 8"),
        });
    }
    p_sha1(
        requestor_entropy,
        issuer_entropy,
        0,
        (key_size_bits / 8) as usize,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::DigestAlgorithm;
    use crate::crypto::hmac::hmac;
    use crate::crypto::test_support::shared_file;
    use base64::Engine as _;
    use proptest::prelude::*;

    struct Row {
        secret: Vec<u8>,
        label: String,
        nonce: Vec<u8>,
        offset: usize,
        length: usize,
        expected: String,
    }

    /// Reads a vector file, locating the columns by the header names.
    fn read_rows(name: &str) -> Option<Vec<Row>> {
        let text = shared_file(&format!("captures/psha1/{name}"))?;
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().expect("header line").split('\t').collect();
        let col = |n: &str| {
            header
                .iter()
                .position(|h| *h == n)
                .unwrap_or_else(|| panic!("column {n} missing in {name}"))
        };
        let (cs, cl, cn, co, cle, ce) = (
            col("secret_hex"),
            col("label"),
            col("nonce_b64"),
            col("offset"),
            col("length"),
            col("expected_hex"),
        );
        let b64 = base64::engine::general_purpose::STANDARD;
        let rows = lines
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                Row {
                    secret: hex::decode(f[cs]).unwrap(),
                    label: f[cl].to_string(),
                    nonce: b64.decode(f[cn]).unwrap(),
                    offset: f[co].parse().unwrap(),
                    length: f[cle].parse().unwrap(),
                    expected: f[ce].to_lowercase(),
                }
            })
            .collect();
        Some(rows)
    }

    fn check_file(name: &str, expected_rows: usize) {
        let Some(rows) = read_rows(name) else {
            return;
        };
        assert_eq!(rows.len(), expected_rows, "{name}");
        for (i, row) in rows.iter().enumerate() {
            let mut seed = row.label.as_bytes().to_vec();
            seed.extend_from_slice(&row.nonce);
            let key = p_sha1(&row.secret, &seed, row.offset, row.length).unwrap();
            assert_eq!(
                hex::encode(key.expose()),
                row.expected,
                "{name} row {}",
                i + 1
            );
            if row.label.is_empty() {
                // A ComputedKey row: issuer entropy in the nonce column.
                let ck = computed_key(&row.secret, &row.nonce, (row.length * 8) as u32).unwrap();
                assert_eq!(hex::encode(ck.expose()), row.expected);
            } else {
                let label = (row.label.as_bytes() != DEFAULT_LABEL).then_some(row.label.as_bytes());
                let dk =
                    derived_key(&row.secret, label, &row.nonce, row.offset, row.length).unwrap();
                assert_eq!(hex::encode(dk.expose()), row.expected);
            }
        }
    }

    #[test]
    fn the_prehashed_hmac_matches_the_generic_one() {
        for key_len in [0, 1, 20, 63, 64, 65, 200] {
            let key: Vec<u8> = (0..key_len).map(|i| (i * 7 + 1) as u8).collect();
            for data in [&b""[..], b"abc", &[0x5a; 150]] {
                let generic = hmac(DigestAlgorithm::Sha1, &key, data).unwrap();
                assert_eq!(
                    HmacSha1::new(&key).mac(&[data]).to_vec(),
                    generic,
                    "key {key_len}"
                );
            }
        }
    }

    #[test]
    fn own_vectors() {
        check_file("psha1_vectors.tsv", 11);
    }

    #[test]
    fn published_vectors() {
        check_file("psha1_published.tsv", 3);
    }

    #[test]
    fn corewcf_order_matters() {
        // MANIFEST S02: the proof key from the two entropies; the reversed order differs.
        let b64 = base64::engine::general_purpose::STANDARD;
        let requestor = b64
            .decode("1TmBzNeSMhkxqHU+yWuwplJDS7NejEdnFlgRbGPyAOI=")
            .unwrap();
        let issuer = b64
            .decode("X10bPPRFJzVr13nwxYYVLpmd5Fsu6RR7jkF5xtCV/kM=")
            .unwrap();
        let key = computed_key(&requestor, &issuer, 256).unwrap();
        assert_eq!(
            hex::encode(key.expose()),
            "1ff37f409a40233bd7eb9d9d4e6a5229fc798ef72175595635a48f88f90db8ff"
        );
        assert_ne!(computed_key(&issuer, &requestor, 256).unwrap(), key);
    }

    #[test]
    fn first_block_is_the_tls_p_hash_definition() {
        let a1 = hmac(DigestAlgorithm::Sha1, b"secret", b"seed").unwrap();
        let mut input = a1.clone();
        input.extend_from_slice(b"seed");
        let block1 = hmac(DigestAlgorithm::Sha1, b"secret", &input).unwrap();
        let a2 = hmac(DigestAlgorithm::Sha1, b"secret", &a1).unwrap();
        let mut input = a2;
        input.extend_from_slice(b"seed");
        let block2 = hmac(DigestAlgorithm::Sha1, b"secret", &input).unwrap();
        let stream = p_sha1(b"secret", b"seed", 0, 40).unwrap();
        assert_eq!(&stream.expose()[..20], &block1[..]);
        assert_eq!(&stream.expose()[20..], &block2[..]);
    }

    #[test]
    fn parameter_validation() {
        assert!(matches!(
            p_sha1(b"s", b"n", 0, 0),
            Err(CryptoError::InvalidParameter { .. })
        ));
        assert!(matches!(
            p_sha1(b"s", b"n", MAX_STREAM_LEN, 1),
            Err(CryptoError::InvalidParameter { .. })
        ));
        assert!(matches!(
            p_sha1(b"s", b"n", usize::MAX, 2),
            Err(CryptoError::InvalidParameter { .. })
        ));
        assert!(p_sha1(b"s", b"n", MAX_STREAM_LEN - 1, 1).is_ok());
        for bits in [0u32, 7, 129] {
            assert!(matches!(
                computed_key(b"a", b"b", bits),
                Err(CryptoError::InvalidParameter { .. })
            ));
        }
        assert_eq!(generation_offset(1, 32).unwrap(), 32);
        assert!(generation_offset(u64::MAX, 32).is_err());
        // An empty secret works (the HMAC key becomes one zero byte, same MAC).
        assert_eq!(p_sha1(b"", b"n", 0, 16).unwrap().len(), 16);
    }

    proptest! {
        #[test]
        fn slices_agree_with_the_full_stream(
            secret in proptest::collection::vec(any::<u8>(), 0..40),
            seed in proptest::collection::vec(any::<u8>(), 0..60),
            offset in 0usize..130,
            length in 1usize..70,
        ) {
            let full = p_sha1(&secret, &seed, 0, 200).unwrap();
            let part = p_sha1(&secret, &seed, offset, length).unwrap();
            prop_assert_eq!(part.expose(), &full.expose()[offset..offset + length]);
        }
    }
}
