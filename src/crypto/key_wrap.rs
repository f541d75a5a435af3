//! Symmetric key wrap for `xenc:EncryptedKey` under a shared key-encryption key (KEK):
//! RFC 3394 AES key wrap (`kw-aes128/192/256`) and RFC 3217 CMS Triple-DES key wrap
//! (`kw-tripledes`, as XML Encryption 1.0 section 5.6.2 describes it).
//!
//! Both carry an integrity check; when it fails the result is
//! [`CryptoError::KeyWrapIntegrity`] and no bytes are released.

use openssl::aes::{AesKey, unwrap_key, wrap_key};
use openssl::hash::{MessageDigest, hash};
use openssl::symm::{Cipher, Crypter, Mode};

use super::algorithms::KeyWrapAlgorithm;
use super::error::CryptoError;
use super::random::RandomSource;
use super::secret::SecretBytes;

/// The fixed IV of the outer RFC 3217 encryption.
const TRIPLEDES_WRAP_IV: [u8; 8] = [0x4a, 0xdd, 0xa2, 0x2c, 0x79, 0xe8, 0x21, 0x05];

fn check_kek(algorithm: KeyWrapAlgorithm, kek: &[u8]) -> Result<(), CryptoError> {
    if kek.len() == algorithm.kek_len() {
        Ok(())
    } else {
        Err(CryptoError::InvalidKeyLength {
            algorithm: algorithm.name(),
            expected: algorithm.kek_len(),
            actual: kek.len(),
        })
    }
}

/// Wraps `key` under `kek`. `rng` is only used by the Triple-DES wrap (its random IV).
pub fn wrap(
    algorithm: KeyWrapAlgorithm,
    kek: &[u8],
    key: &[u8],
    rng: &mut dyn RandomSource,
) -> Result<Vec<u8>, CryptoError> {
    check_kek(algorithm, kek)?;
    match algorithm {
        KeyWrapAlgorithm::TripleDes => tripledes_wrap(kek, key, rng),
        _ => aes_wrap(kek, key),
    }
}

/// Unwraps `wrapped` with `kek`, checking its integrity.
pub fn unwrap(
    algorithm: KeyWrapAlgorithm,
    kek: &[u8],
    wrapped: &[u8],
) -> Result<SecretBytes, CryptoError> {
    check_kek(algorithm, kek)?;
    match algorithm {
        KeyWrapAlgorithm::TripleDes => tripledes_unwrap(kek, wrapped),
        _ => aes_unwrap(kek, wrapped),
    }
}

fn aes_wrap(kek: &[u8], key: &[u8]) -> Result<Vec<u8>, CryptoError> {
    // RFC 3394: at least two 64-bit blocks. Checked here because openssl::aes panics on
    // lengths that are not multiples of 8.
    if key.len() < 16 || !key.len().is_multiple_of(8) {
        return Err(CryptoError::InvalidParameter {
            what: "key to wrap",
            reason: format!(
                "AES key wrap needs a multiple of 8 bytes, at least 16; got {}",
                key.len()
            ),
        });
    }
    let kek = AesKey::new_encrypt(kek).map_err(|_| CryptoError::InvalidParameter {
        what: "key-encryption key",
        reason: "not a valid AES key".to_string(),
    })?;
    let mut out = vec![0u8; key.len() + 8];
    let n = wrap_key(&kek, None, &mut out, key).map_err(|_| CryptoError::InvalidParameter {
        what: "key to wrap",
        reason: "AES key wrap failed".to_string(),
    })?;
    out.truncate(n);
    Ok(out)
}

fn aes_unwrap(kek: &[u8], wrapped: &[u8]) -> Result<SecretBytes, CryptoError> {
    if wrapped.len() < 24 || !wrapped.len().is_multiple_of(8) {
        return Err(CryptoError::MalformedCiphertext {
            reason: format!(
                "an AES-wrapped key is a multiple of 8 bytes, at least 24; got {}",
                wrapped.len()
            ),
        });
    }
    let kek = AesKey::new_decrypt(kek).map_err(|_| CryptoError::InvalidParameter {
        what: "key-encryption key",
        reason: "not a valid AES key".to_string(),
    })?;
    let mut out = SecretBytes::new(vec![0u8; wrapped.len() - 8]);
    // AES_unwrap_key checks the A6A6A6A6A6A6A6A6 integrity value and writes nothing useful
    // when it fails; `out` is zeroed on drop either way.
    let n = unwrap_key(&kek, None, out.bytes_mut(), wrapped)
        .map_err(|_| CryptoError::KeyWrapIntegrity)?;
    out.truncate(n);
    Ok(out)
}

/// CMS key checksum (RFC 3217 section 2): the first 8 bytes of SHA-1 of the key.
fn cms_key_checksum(key: &[u8]) -> Result<[u8; 8], CryptoError> {
    let digest = hash(MessageDigest::sha1(), key)?;
    let mut out = [0u8; 8];
    out.copy_from_slice(&digest[..8]);
    Ok(out)
}

fn des3_cbc(mode: Mode, kek: &[u8], iv: &[u8], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let mut crypter = Crypter::new(Cipher::des_ede3_cbc(), mode, kek, Some(iv))?;
    crypter.pad(false);
    let mut out = vec![0u8; data.len() + 8];
    let mut n = crypter.update(data, &mut out)?;
    n += crypter.finalize(&mut out[n..])?;
    out.truncate(n);
    Ok(out)
}

fn tripledes_wrap(
    kek: &[u8],
    key: &[u8],
    rng: &mut dyn RandomSource,
) -> Result<Vec<u8>, CryptoError> {
    if key.is_empty() || !key.len().is_multiple_of(8) {
        return Err(CryptoError::InvalidParameter {
            what: "key to wrap",
            reason: format!(
                "Triple-DES key wrap needs a non-empty multiple of 8 bytes; got {}",
                key.len()
            ),
        });
    }
    // WKCKS = WK || CKS
    let mut wkcks = Vec::with_capacity(key.len() + 8);
    wkcks.extend_from_slice(key);
    wkcks.extend_from_slice(&cms_key_checksum(key)?);
    let wkcks = SecretBytes::new(wkcks);
    let iv = rng.bytes(8);
    let temp1 = des3_cbc(Mode::Encrypt, kek, &iv, wkcks.expose())?;
    // TEMP3 = reverse(IV || TEMP1)
    let mut temp3 = iv;
    temp3.extend_from_slice(&temp1);
    temp3.reverse();
    des3_cbc(Mode::Encrypt, kek, &TRIPLEDES_WRAP_IV, &temp3)
}

fn tripledes_unwrap(kek: &[u8], wrapped: &[u8]) -> Result<SecretBytes, CryptoError> {
    // IV (8) + at least one key block (8) + checksum (8), whole blocks.
    if wrapped.len() < 24 || !wrapped.len().is_multiple_of(8) {
        return Err(CryptoError::MalformedCiphertext {
            reason: format!(
                "a Triple-DES-wrapped key is a multiple of 8 bytes, at least 24; got {}",
                wrapped.len()
            ),
        });
    }
    let mut temp2 = des3_cbc(Mode::Decrypt, kek, &TRIPLEDES_WRAP_IV, wrapped)?;
    temp2.reverse();
    let (iv, temp1) = temp2.split_at(8);
    let wkcks = SecretBytes::new(des3_cbc(Mode::Decrypt, kek, iv, temp1)?);
    let (key, cks) = wkcks.expose().split_at(wkcks.len() - 8);
    let expected = cms_key_checksum(key)?;
    if !openssl::memcmp::eq(&expected, cks) {
        return Err(CryptoError::KeyWrapIntegrity);
    }
    Ok(SecretBytes::from_slice(key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::random::SeededRandom;

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s.replace(' ', "")).unwrap()
    }

    #[test]
    fn rfc3394_section4_vectors() {
        let kek128 = h("000102030405060708090A0B0C0D0E0F");
        let kek192 = h("000102030405060708090A0B0C0D0E0F1011121314151617");
        let kek256 = h("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F");
        let data128 = h("00112233445566778899AABBCCDDEEFF");
        let data192 = h("00112233445566778899AABBCCDDEEFF0001020304050607");
        let data256 = h("00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F");
        let cases = [
            // 4.1
            (
                KeyWrapAlgorithm::Aes128,
                &kek128,
                &data128,
                "1FA68B0A8112B447 AEF34BD8FB5A7B82 9D3E862371D2CFE5",
            ),
            // 4.2
            (
                KeyWrapAlgorithm::Aes192,
                &kek192,
                &data128,
                "96778B25AE6CA435 F92B5B97C050AED2 468AB8A17AD84E5D",
            ),
            // 4.3
            (
                KeyWrapAlgorithm::Aes256,
                &kek256,
                &data128,
                "64E8C3F9CE0F5BA2 63E9777905818A2A 93C8191E7D6E8AE7",
            ),
            // 4.4
            (
                KeyWrapAlgorithm::Aes192,
                &kek192,
                &data192,
                "031D33264E15D332 68F24EC260743EDC E1C6C7DDEE725A93 6BA814915C6762D2",
            ),
            // 4.5
            (
                KeyWrapAlgorithm::Aes256,
                &kek256,
                &data192,
                "A8F9BC1612C68B3F F6E6F4FBE30E71E4 769C8B80A32CB895 8CD5D17D6B254DA1",
            ),
            // 4.6
            (
                KeyWrapAlgorithm::Aes256,
                &kek256,
                &data256,
                "28C9F404C4B810F4 CBCCB35CFB87F826 3F5786E2D80ED326 CBC7F0E71A99F43B FB988B9B7A02DD21",
            ),
        ];
        for (alg, kek, data, expected) in cases {
            let wrapped = wrap(alg, kek, data, &mut SeededRandom::new(0)).unwrap();
            assert_eq!(wrapped, h(expected), "{alg:?}");
            assert_eq!(unwrap(alg, kek, &wrapped).unwrap().expose(), &data[..]);
        }
    }

    #[test]
    fn aes_wrong_kek_and_tampering() {
        let kek = [7u8; 32];
        let wrapped = wrap(
            KeyWrapAlgorithm::Aes256,
            &kek,
            &[1u8; 16],
            &mut SeededRandom::new(0),
        )
        .unwrap();
        assert!(matches!(
            unwrap(KeyWrapAlgorithm::Aes256, &[8u8; 32], &wrapped),
            Err(CryptoError::KeyWrapIntegrity)
        ));
        let mut bad = wrapped.clone();
        bad[5] ^= 1;
        assert!(matches!(
            unwrap(KeyWrapAlgorithm::Aes256, &kek, &bad),
            Err(CryptoError::KeyWrapIntegrity)
        ));
        for len in [0usize, 8, 16, 25, 31] {
            assert!(matches!(
                unwrap(KeyWrapAlgorithm::Aes256, &kek, &vec![0u8; len]),
                Err(CryptoError::MalformedCiphertext { .. })
            ));
        }
        assert!(matches!(
            unwrap(KeyWrapAlgorithm::Aes128, &kek, &wrapped),
            Err(CryptoError::InvalidKeyLength { .. })
        ));
        assert!(matches!(
            wrap(
                KeyWrapAlgorithm::Aes256,
                &kek,
                &[0u8; 12],
                &mut SeededRandom::new(0)
            ),
            Err(CryptoError::InvalidParameter { .. })
        ));
    }

    #[test]
    fn tripledes_round_trip_and_integrity() {
        let kek: Vec<u8> = (1..=24).collect();
        for len in [8usize, 16, 24, 32] {
            let key: Vec<u8> = (0..len as u8).map(|b| b ^ 0x5c).collect();
            let wrapped = wrap(
                KeyWrapAlgorithm::TripleDes,
                &kek,
                &key,
                &mut SeededRandom::new(3),
            )
            .unwrap();
            assert_eq!(wrapped.len(), len + 16);
            assert_eq!(
                unwrap(KeyWrapAlgorithm::TripleDes, &kek, &wrapped)
                    .unwrap()
                    .expose(),
                &key[..]
            );
            let mut bad = wrapped.clone();
            bad[len] ^= 1;
            assert!(matches!(
                unwrap(KeyWrapAlgorithm::TripleDes, &kek, &bad),
                Err(CryptoError::KeyWrapIntegrity)
            ));
        }
        let wrapped = wrap(
            KeyWrapAlgorithm::TripleDes,
            &kek,
            &[9u8; 24],
            &mut SeededRandom::new(3),
        )
        .unwrap();
        let other: Vec<u8> = (101..=124).collect();
        assert!(matches!(
            unwrap(KeyWrapAlgorithm::TripleDes, &other, &wrapped),
            Err(CryptoError::KeyWrapIntegrity)
        ));
        assert!(matches!(
            unwrap(KeyWrapAlgorithm::TripleDes, &kek, &[0u8; 20]),
            Err(CryptoError::MalformedCiphertext { .. })
        ));
    }

    #[test]
    fn tripledes_unwraps_xmlsec1_output() {
        // Made with xmlsec1 1.2.37: `--encrypt --deskey:kek kek.bin --session-key aes-128`
        // on an EncryptedData template (aes128-cbc data, kw-tripledes EncryptedKey), with the
        // plaintext "hello\n".
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD;
        let kek = b"0123456789abcdefghijklmn";
        let wrapped = b64
            .decode("Gn3Ys7MeHR1ctN4QSSDcW9x6567Vvjq/esZivNRIPn0=")
            .unwrap();
        let key = unwrap(KeyWrapAlgorithm::TripleDes, kek, &wrapped).unwrap();
        assert_eq!(key.len(), 16);
        let data = b64
            .decode("OGeV3vgVlwEmv/LdwJbYyw+ZzlJ/VHI2a/oVp8evPZI=")
            .unwrap();
        let plain = crate::crypto::cipher::decrypt(
            crate::crypto::BlockCipherAlgorithm::Aes128Cbc,
            key.expose(),
            &data,
        )
        .unwrap();
        assert_eq!(plain, b"hello\n");
    }

    #[test]
    fn tripledes_structure_follows_rfc3217() {
        // Undo the outer layer by hand and check the IV and checksum placement.
        let kek: Vec<u8> = (1..=24).collect();
        let key = [0x42u8; 24];
        let wrapped = wrap(
            KeyWrapAlgorithm::TripleDes,
            &kek,
            &key,
            &mut SeededRandom::new(11),
        )
        .unwrap();
        let mut temp2 = des3_cbc(Mode::Decrypt, &kek, &TRIPLEDES_WRAP_IV, &wrapped).unwrap();
        temp2.reverse();
        assert_eq!(&temp2[..8], &SeededRandom::new(11).bytes(8)[..]);
        let wkcks = des3_cbc(Mode::Decrypt, &kek, &temp2[..8], &temp2[8..]).unwrap();
        assert_eq!(&wkcks[..24], &key);
        assert_eq!(
            &wkcks[24..],
            &hash(MessageDigest::sha1(), &key).unwrap()[..8]
        );
    }
}
