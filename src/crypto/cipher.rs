//! Block ciphers with XML Encryption framing.
//!
//! - CBC (AES, 3DES): `IV || ciphertext`. The plaintext is padded to whole blocks and the last
//!   byte says how many padding bytes there are (1..=block size); XML Encryption leaves the
//!   other padding bytes arbitrary, so OpenSSL's PKCS#7 check (which wants them all equal)
//!   would reject valid data: padding is removed here instead. Encryption writes PKCS#7-style
//!   padding (every byte = the count), which is one of the valid XML Encryption paddings.
//! - GCM (AES): `IV (12 bytes) || ciphertext || tag (16 bytes)`, no additional data. A tag
//!   mismatch releases no plaintext at all.

use openssl::symm::{Cipher, Crypter, Mode, decrypt_aead, encrypt_aead};

use super::algorithms::BlockCipherAlgorithm;
use super::error::CryptoError;
use super::random::RandomSource;

/// GCM authentication tag length used by XML Encryption 1.1.
pub const GCM_TAG_LEN: usize = 16;

fn openssl_cipher(algorithm: BlockCipherAlgorithm) -> Cipher {
    match algorithm {
        BlockCipherAlgorithm::Aes128Cbc => Cipher::aes_128_cbc(),
        BlockCipherAlgorithm::Aes192Cbc => Cipher::aes_192_cbc(),
        BlockCipherAlgorithm::Aes256Cbc => Cipher::aes_256_cbc(),
        BlockCipherAlgorithm::Aes128Gcm => Cipher::aes_128_gcm(),
        BlockCipherAlgorithm::Aes192Gcm => Cipher::aes_192_gcm(),
        BlockCipherAlgorithm::Aes256Gcm => Cipher::aes_256_gcm(),
        BlockCipherAlgorithm::TripleDesCbc => Cipher::des_ede3_cbc(),
    }
}

fn check_key(algorithm: BlockCipherAlgorithm, key: &[u8]) -> Result<(), CryptoError> {
    if key.len() == algorithm.key_len() {
        Ok(())
    } else {
        Err(CryptoError::InvalidKeyLength {
            algorithm: algorithm.name(),
            expected: algorithm.key_len(),
            actual: key.len(),
        })
    }
}

/// Encrypts `plaintext` into the XML Encryption CipherValue bytes, with a fresh IV from `rng`.
pub fn encrypt(
    algorithm: BlockCipherAlgorithm,
    key: &[u8],
    plaintext: &[u8],
    rng: &mut dyn RandomSource,
) -> Result<Vec<u8>, CryptoError> {
    check_key(algorithm, key)?;
    let iv = rng.bytes(algorithm.iv_len());
    let cipher = openssl_cipher(algorithm);
    if algorithm.is_aead() {
        let mut tag = [0u8; GCM_TAG_LEN];
        let ciphertext = encrypt_aead(cipher, key, Some(&iv), &[], plaintext, &mut tag)?;
        let mut out = iv;
        out.extend_from_slice(&ciphertext);
        out.extend_from_slice(&tag);
        return Ok(out);
    }
    let bs = algorithm.block_size();
    let pad = bs - plaintext.len() % bs;
    let mut padded = Vec::with_capacity(plaintext.len() + pad);
    padded.extend_from_slice(plaintext);
    padded.resize(plaintext.len() + pad, pad as u8);
    let mut crypter = Crypter::new(cipher, Mode::Encrypt, key, Some(&iv))?;
    crypter.pad(false);
    let mut out = vec![0u8; padded.len() + bs];
    let mut n = crypter.update(&padded, &mut out)?;
    n += crypter.finalize(&mut out[n..])?;
    out.truncate(n);
    let mut framed = iv;
    framed.extend_from_slice(&out);
    Ok(framed)
}

/// Decrypts XML Encryption CipherValue bytes.
///
/// Errors: [`CryptoError::InvalidKeyLength`], [`CryptoError::MalformedCiphertext`] (cannot be
/// valid whatever the key), [`CryptoError::BadPadding`] (CBC), [`CryptoError::DecryptionFailed`]
/// (GCM tag mismatch; no plaintext is returned).
pub fn decrypt(
    algorithm: BlockCipherAlgorithm,
    key: &[u8],
    data: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    check_key(algorithm, key)?;
    let iv_len = algorithm.iv_len();
    let cipher = openssl_cipher(algorithm);
    if algorithm.is_aead() {
        if data.len() < iv_len + GCM_TAG_LEN {
            return Err(CryptoError::MalformedCiphertext {
                reason: format!(
                    "{} bytes is shorter than the {}-byte IV plus the {}-byte tag",
                    data.len(),
                    iv_len,
                    GCM_TAG_LEN
                ),
            });
        }
        let (iv, rest) = data.split_at(iv_len);
        let (ciphertext, tag) = rest.split_at(rest.len() - GCM_TAG_LEN);
        return decrypt_aead(cipher, key, Some(iv), &[], ciphertext, tag)
            .map_err(|_| CryptoError::DecryptionFailed);
    }
    let bs = algorithm.block_size();
    if data.len() < iv_len + bs || !(data.len() - iv_len).is_multiple_of(bs) {
        return Err(CryptoError::MalformedCiphertext {
            reason: format!(
                "{} bytes is not a {}-byte IV followed by whole {}-byte blocks",
                data.len(),
                iv_len,
                bs
            ),
        });
    }
    let (iv, ciphertext) = data.split_at(iv_len);
    let mut crypter = Crypter::new(cipher, Mode::Decrypt, key, Some(iv))?;
    crypter.pad(false);
    let mut out = vec![0u8; ciphertext.len() + bs];
    let mut n = crypter.update(ciphertext, &mut out)?;
    n += crypter.finalize(&mut out[n..])?;
    out.truncate(n);
    let pad = out.last().copied().map(usize::from).unwrap_or(0);
    if pad == 0 || pad > bs || pad > out.len() {
        return Err(CryptoError::BadPadding);
    }
    out.truncate(out.len() - pad);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::random::SeededRandom;
    use proptest::prelude::*;

    const ALL: [BlockCipherAlgorithm; 7] = [
        BlockCipherAlgorithm::Aes128Cbc,
        BlockCipherAlgorithm::Aes192Cbc,
        BlockCipherAlgorithm::Aes256Cbc,
        BlockCipherAlgorithm::Aes128Gcm,
        BlockCipherAlgorithm::Aes192Gcm,
        BlockCipherAlgorithm::Aes256Gcm,
        BlockCipherAlgorithm::TripleDesCbc,
    ];

    fn key_for(alg: BlockCipherAlgorithm) -> Vec<u8> {
        (0..alg.key_len() as u8)
            .map(|b| b.wrapping_mul(37))
            .collect()
    }

    #[test]
    fn round_trip_every_algorithm() {
        for alg in ALL {
            let key = key_for(alg);
            for len in [0usize, 1, 7, 8, 15, 16, 17, 100] {
                let pt: Vec<u8> = (0..len as u8).collect();
                let ct = encrypt(alg, &key, &pt, &mut SeededRandom::new(1)).unwrap();
                if alg.is_aead() {
                    assert_eq!(ct.len(), 12 + len + 16);
                } else {
                    let bs = alg.block_size();
                    assert_eq!(ct.len(), alg.iv_len() + (len / bs + 1) * bs);
                }
                assert_eq!(decrypt(alg, &key, &ct).unwrap(), pt, "{alg:?} {len}");
            }
        }
    }

    #[test]
    fn cbc_output_equals_openssl_pkcs7_with_the_same_iv() {
        let key = key_for(BlockCipherAlgorithm::Aes256Cbc);
        let ct = encrypt(
            BlockCipherAlgorithm::Aes256Cbc,
            &key,
            b"hello world",
            &mut SeededRandom::new(9),
        )
        .unwrap();
        let iv = SeededRandom::new(9).bytes(16);
        let reference =
            openssl::symm::encrypt(Cipher::aes_256_cbc(), &key, Some(&iv), b"hello world").unwrap();
        assert_eq!(&ct[..16], &iv[..]);
        assert_eq!(&ct[16..], &reference[..]);
    }

    #[test]
    fn accepts_xml_encryption_padding_that_pkcs7_rejects() {
        let key = [0x11u8; 16];
        let iv = [0x22u8; 16];
        let mut block = b"hello".to_vec();
        block.extend_from_slice(&[0xAA; 10]);
        block.push(11);
        let mut c = Crypter::new(Cipher::aes_128_cbc(), Mode::Encrypt, &key, Some(&iv)).unwrap();
        c.pad(false);
        let mut out = vec![0u8; 32];
        let n = c.update(&block, &mut out).unwrap();
        let mut data = iv.to_vec();
        data.extend_from_slice(&out[..n]);
        assert!(openssl::symm::decrypt(Cipher::aes_128_cbc(), &key, Some(&iv), &out[..n]).is_err());
        assert_eq!(
            decrypt(BlockCipherAlgorithm::Aes128Cbc, &key, &data).unwrap(),
            b"hello"
        );
    }

    #[test]
    fn bad_cbc_padding() {
        // NIST SP 800-38A F.2.1: the plaintext block ends in 0x2a, an impossible pad length.
        let key = hex::decode("2b7e151628aed2a6abf7158809cf4f3c").unwrap();
        let mut data = hex::decode("000102030405060708090a0b0c0d0e0f").unwrap();
        data.extend(hex::decode("7649abac8119b246cee98e9b12e9197d").unwrap());
        assert!(matches!(
            decrypt(BlockCipherAlgorithm::Aes128Cbc, &key, &data),
            Err(CryptoError::BadPadding)
        ));
        // A final byte of zero is impossible too.
        let mut c =
            Crypter::new(Cipher::aes_128_cbc(), Mode::Encrypt, &key, Some(&[0; 16])).unwrap();
        c.pad(false);
        let mut out = vec![0u8; 32];
        let n = c.update(&[0u8; 16], &mut out).unwrap();
        let mut data = vec![0u8; 16];
        data.extend_from_slice(&out[..n]);
        assert!(matches!(
            decrypt(BlockCipherAlgorithm::Aes128Cbc, &key, &data),
            Err(CryptoError::BadPadding)
        ));
    }

    #[test]
    fn malformed_inputs_and_wrong_key_lengths() {
        let key = [0u8; 16];
        for len in [0usize, 15, 16, 17, 31, 33] {
            assert!(matches!(
                decrypt(BlockCipherAlgorithm::Aes128Cbc, &key, &vec![0u8; len]),
                Err(CryptoError::MalformedCiphertext { .. })
            ));
        }
        assert!(matches!(
            decrypt(BlockCipherAlgorithm::Aes128Gcm, &key, &[0u8; 27]),
            Err(CryptoError::MalformedCiphertext { .. })
        ));
        assert!(matches!(
            decrypt(BlockCipherAlgorithm::Aes256Cbc, &key, &[0u8; 32]),
            Err(CryptoError::InvalidKeyLength {
                expected: 32,
                actual: 16,
                ..
            })
        ));
        assert!(matches!(
            encrypt(
                BlockCipherAlgorithm::TripleDesCbc,
                &key,
                b"x",
                &mut SeededRandom::new(0)
            ),
            Err(CryptoError::InvalidKeyLength { .. })
        ));
    }

    #[test]
    fn gcm_known_answer_and_tamper() {
        // McGrew & Viega GCM test case 2: zero key, zero IV, one zero block.
        let mut data = vec![0u8; 12];
        data.extend(hex::decode("0388dace60b6a392f328c2b971b2fe78").unwrap());
        data.extend(hex::decode("ab6e47d42cec13bdf53a67b21257bddf").unwrap());
        let key = [0u8; 16];
        assert_eq!(
            decrypt(BlockCipherAlgorithm::Aes128Gcm, &key, &data).unwrap(),
            vec![0u8; 16]
        );
        for index in [0, 12, data.len() - 1] {
            let mut bad = data.clone();
            bad[index] ^= 0x80;
            assert!(matches!(
                decrypt(BlockCipherAlgorithm::Aes128Gcm, &key, &bad),
                Err(CryptoError::DecryptionFailed)
            ));
        }
        // Wrong key: same generic failure.
        assert!(matches!(
            decrypt(BlockCipherAlgorithm::Aes128Gcm, &[1u8; 16], &data),
            Err(CryptoError::DecryptionFailed)
        ));
    }

    proptest! {
        #[test]
        fn cbc_round_trips_any_length(pt in proptest::collection::vec(any::<u8>(), 0..300), seed in any::<u64>()) {
            for alg in [BlockCipherAlgorithm::Aes128Cbc, BlockCipherAlgorithm::Aes256Cbc, BlockCipherAlgorithm::TripleDesCbc] {
                let key = key_for(alg);
                let ct = encrypt(alg, &key, &pt, &mut SeededRandom::new(seed)).unwrap();
                prop_assert_eq!(decrypt(alg, &key, &ct).unwrap(), pt.clone());
            }
        }

        #[test]
        fn decrypt_never_panics(data in proptest::collection::vec(any::<u8>(), 0..100)) {
            for alg in ALL {
                let _ = decrypt(alg, &key_for(alg), &data);
            }
        }
    }
}
