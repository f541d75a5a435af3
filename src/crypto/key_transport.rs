//! RSA key transport for `xenc:EncryptedKey`: RSA-OAEP (XML Encryption 1.0 `rsa-oaep-mgf1p`
//! and 1.1 `rsa-oaep`) and RSA PKCS#1 v1.5 (`rsa-1_5`).
//!
//! Encryption does the padding here (EME-OAEP per RFC 8017 section 7.1.1, and PKCS#1 v1.5
//! type 2 per section 7.2.1) with the random bytes taken from a [`RandomSource`], followed by
//! raw RSA. That makes the output reproducible under [`SeededRandom`](super::random::SeededRandom),
//! which walkthrough snapshots need; OpenSSL's own padding would draw from its internal RNG.
//! Decryption uses OpenSSL's padding checks unchanged.

use openssl::encrypt::Decrypter;
use openssl::hash::{MessageDigest, hash};
use openssl::pkey::{HasPrivate, HasPublic, PKeyRef};
use openssl::rsa::Padding;

use super::algorithms::{DigestAlgorithm, KeyTransportAlgorithm, Mgf1Digest};
use super::error::CryptoError;
use super::random::RandomSource;
use super::secret::SecretBytes;
use super::signature::require_rsa;

/// The OAEP parameters of an EncryptedKey's EncryptionMethod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OaepParams {
    /// `ds:DigestMethod`; SHA-1 when absent.
    pub digest: DigestAlgorithm,
    /// `xenc11:MGF`; MGF1 with SHA-1 when absent (and always for `rsa-oaep-mgf1p`).
    pub mgf: Mgf1Digest,
    /// `xenc:OAEPparams`, the OAEP label; empty when absent.
    pub label: Vec<u8>,
}

impl Default for OaepParams {
    fn default() -> Self {
        OaepParams {
            digest: DigestAlgorithm::Sha1,
            mgf: Mgf1Digest::Sha1,
            label: Vec::new(),
        }
    }
}

/// A fully specified key transport: the algorithm and, for OAEP, its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyTransport {
    Oaep {
        /// Which of the two OAEP URIs was used (kept for reports and for writing it back).
        algorithm: KeyTransportAlgorithm,
        params: OaepParams,
    },
    Rsa15,
}

impl KeyTransport {
    /// Builds the transport from an EncryptionMethod: the algorithm URI and the optional
    /// DigestMethod URI, MGF URI and OAEPparams bytes found under it.
    pub fn from_parts(
        algorithm: KeyTransportAlgorithm,
        digest_uri: Option<&str>,
        mgf_uri: Option<&str>,
        oaep_params: Option<&[u8]>,
    ) -> Result<Self, CryptoError> {
        match algorithm {
            KeyTransportAlgorithm::Rsa15 => {
                if digest_uri.is_some() || mgf_uri.is_some() || oaep_params.is_some() {
                    return Err(CryptoError::InvalidParameter {
                        what: "rsa-1_5 parameters",
                        reason: "DigestMethod, MGF and OAEPparams only apply to RSA-OAEP"
                            .to_string(),
                    });
                }
                Ok(KeyTransport::Rsa15)
            }
            KeyTransportAlgorithm::RsaOaepMgf1p | KeyTransportAlgorithm::RsaOaep => {
                let digest = match digest_uri {
                    Some(uri) => DigestAlgorithm::from_uri(uri)?,
                    None => DigestAlgorithm::Sha1,
                };
                let mgf = match mgf_uri {
                    Some(uri) => Mgf1Digest::from_uri(uri)?,
                    None => Mgf1Digest::Sha1,
                };
                if algorithm == KeyTransportAlgorithm::RsaOaepMgf1p && mgf != Mgf1Digest::Sha1 {
                    return Err(CryptoError::InvalidParameter {
                        what: "OAEP mask generation function",
                        reason: format!(
                            "rsa-oaep-mgf1p fixes MGF1 with SHA-1, the message names {}",
                            mgf.name()
                        ),
                    });
                }
                Ok(KeyTransport::Oaep {
                    algorithm,
                    params: OaepParams {
                        digest,
                        mgf,
                        label: oaep_params.map(<[u8]>::to_vec).unwrap_or_default(),
                    },
                })
            }
        }
    }

    pub fn algorithm(&self) -> KeyTransportAlgorithm {
        match self {
            KeyTransport::Oaep { algorithm, .. } => *algorithm,
            KeyTransport::Rsa15 => KeyTransportAlgorithm::Rsa15,
        }
    }

    /// Encrypts `key` for the holder of `public`.
    pub fn encrypt<T: HasPublic>(
        &self,
        public: &PKeyRef<T>,
        key: &[u8],
        rng: &mut dyn RandomSource,
    ) -> Result<Vec<u8>, CryptoError> {
        match self {
            KeyTransport::Oaep { params, .. } => oaep_encrypt(public, params, key, rng),
            KeyTransport::Rsa15 => rsa15_encrypt(public, key, rng),
        }
    }

    /// Recovers a transported key. `expected_len` is the key length the data algorithm
    /// needs, when known.
    ///
    /// OAEP failures give [`CryptoError::KeyTransportFailed`]. PKCS#1 v1.5 never fails here:
    /// see [`unwrap_rsa15`] for why it returns random bytes instead.
    pub fn decrypt<T: HasPrivate>(
        &self,
        private: &PKeyRef<T>,
        ciphertext: &[u8],
        expected_len: Option<usize>,
        rng: &mut dyn RandomSource,
    ) -> Result<SecretBytes, CryptoError> {
        // A ciphertext that is not one RSA block cannot come from this key whatever it holds;
        // its length is public, so saying so gives no padding oracle.
        let block = private.size();
        if private.id() == openssl::pkey::Id::RSA && ciphertext.len() != block {
            return Err(CryptoError::MalformedCiphertext {
                reason: format!(
                    "{} bytes is not an RSA block of this {}-bit key ({block} bytes)",
                    ciphertext.len(),
                    private.bits()
                ),
            });
        }
        match self {
            KeyTransport::Oaep { params, .. } => {
                let key = oaep_decrypt(private, params, ciphertext)?;
                match expected_len {
                    Some(len) if key.len() != len => Err(CryptoError::TransportedKeyLength {
                        expected: len,
                        actual: key.len(),
                    }),
                    _ => Ok(key),
                }
            }
            KeyTransport::Rsa15 => {
                require_rsa(private)?;
                Ok(match expected_len {
                    Some(len) => unwrap_rsa15(private, ciphertext, len, rng),
                    None => unwrap_rsa15_unknown_len(private, ciphertext, rng),
                })
            }
        }
    }
}

/// MGF1 (RFC 8017 B.2.1): `Hash(seed || counter)` blocks, counter as 4 big-endian bytes.
fn mgf1(md: MessageDigest, seed: &[u8], len: usize) -> Result<Vec<u8>, CryptoError> {
    let mut out = Vec::with_capacity(len + md.size());
    let mut counter: u32 = 0;
    let mut input = Vec::with_capacity(seed.len() + 4);
    while out.len() < len {
        input.clear();
        input.extend_from_slice(seed);
        input.extend_from_slice(&counter.to_be_bytes());
        out.extend_from_slice(&hash(md, &input)?);
        counter = counter.wrapping_add(1);
    }
    out.truncate(len);
    Ok(out)
}

fn xor_in_place(target: &mut [u8], mask: &[u8]) {
    for (t, m) in target.iter_mut().zip(mask) {
        *t ^= m;
    }
}

/// Raw RSA on an already padded block of exactly the modulus length.
fn raw_public_encrypt<T: HasPublic>(
    public: &PKeyRef<T>,
    block: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let rsa = public.rsa()?;
    let mut out = vec![0u8; rsa.size() as usize];
    let n = rsa.public_encrypt(block, &mut out, Padding::NONE)?;
    out.truncate(n);
    Ok(out)
}

fn message_too_long(len: usize, max: usize) -> CryptoError {
    CryptoError::InvalidParameter {
        what: "key transport input",
        reason: format!("{len} bytes do not fit; this RSA key and padding carry at most {max}"),
    }
}

/// RSA-OAEP encryption with the padding built here (EME-OAEP, RFC 8017 7.1.1); the seed
/// comes from `rng`.
pub fn oaep_encrypt<T: HasPublic>(
    public: &PKeyRef<T>,
    params: &OaepParams,
    message: &[u8],
    rng: &mut dyn RandomSource,
) -> Result<Vec<u8>, CryptoError> {
    require_rsa(public)?;
    let k = public.size();
    let md = params.digest.message_digest();
    let h_len = md.size();
    let max = k.saturating_sub(2 * h_len + 2);
    if k < 2 * h_len + 2 || message.len() > max {
        return Err(message_too_long(message.len(), max));
    }
    // DB = lHash || PS || 0x01 || M
    let mut db = Vec::with_capacity(k - h_len - 1);
    db.extend_from_slice(&hash(md, &params.label)?);
    db.resize(k - message.len() - h_len - 2, 0);
    db.push(0x01);
    db.extend_from_slice(message);
    // DB holds the key in clear until it is masked: zero it on drop.
    let mut db = SecretBytes::new(db);
    let mut seed = vec![0u8; h_len];
    rng.fill(&mut seed);
    let mgf = params.mgf.message_digest();
    let db_mask = mgf1(mgf, &seed, db.len())?;
    xor_in_place(db.bytes_mut(), &db_mask);
    let seed_mask = mgf1(mgf, db.expose(), h_len)?;
    xor_in_place(&mut seed, &seed_mask);
    // EM = 0x00 || maskedSeed || maskedDB
    let mut em = Vec::with_capacity(k);
    em.push(0);
    em.extend_from_slice(&seed);
    em.extend_from_slice(db.expose());
    raw_public_encrypt(public, &em)
}

/// RSA-OAEP decryption through OpenSSL's padding check. Any failure, including a wrong key,
/// is the generic [`CryptoError::KeyTransportFailed`].
pub fn oaep_decrypt<T: HasPrivate>(
    private: &PKeyRef<T>,
    params: &OaepParams,
    ciphertext: &[u8],
) -> Result<SecretBytes, CryptoError> {
    require_rsa(private)?;
    let decrypt = || -> Result<SecretBytes, openssl::error::ErrorStack> {
        let mut decrypter = Decrypter::new(private)?;
        decrypter.set_rsa_padding(Padding::PKCS1_OAEP)?;
        decrypter.set_rsa_oaep_md(params.digest.message_digest())?;
        decrypter.set_rsa_mgf1_md(params.mgf.message_digest())?;
        if !params.label.is_empty() {
            decrypter.set_rsa_oaep_label(&params.label)?;
        }
        let mut out = SecretBytes::new(vec![0u8; decrypter.decrypt_len(ciphertext)?]);
        let n = decrypter.decrypt(ciphertext, out.bytes_mut())?;
        out.truncate(n);
        Ok(out)
    };
    decrypt().map_err(|_| CryptoError::KeyTransportFailed)
}

/// RSA PKCS#1 v1.5 encryption with the type-2 padding built here (nonzero random bytes from
/// `rng`, at least 8 of them).
pub fn rsa15_encrypt<T: HasPublic>(
    public: &PKeyRef<T>,
    message: &[u8],
    rng: &mut dyn RandomSource,
) -> Result<Vec<u8>, CryptoError> {
    require_rsa(public)?;
    let k = public.size();
    let max = k.saturating_sub(11);
    if k < 11 || message.len() > max {
        return Err(message_too_long(message.len(), max));
    }
    let ps_len = k - message.len() - 3;
    let mut ps = vec![0u8; ps_len];
    rng.fill(&mut ps);
    // Replace zero bytes by fresh nonzero ones; deterministic for a given random stream.
    let mut one = [0u8; 1];
    for byte in ps.iter_mut() {
        while *byte == 0 {
            rng.fill(&mut one);
            *byte = one[0];
        }
    }
    // EM = 0x00 || 0x02 || PS || 0x00 || M
    let mut em = Vec::with_capacity(k);
    em.extend_from_slice(&[0x00, 0x02]);
    em.extend_from_slice(&ps);
    em.push(0x00);
    em.extend_from_slice(message);
    let em = SecretBytes::new(em);
    raw_public_encrypt(public, em.expose())
}

/// RSA PKCS#1 v1.5 key unwrapping with implicit rejection.
///
/// Returns the decrypted key when the padding is valid and the key has `expected_len` bytes;
/// on ANY failure (bad padding, wrong key, wrong length, malformed ciphertext) it returns
/// `expected_len` random bytes from `rng` instead, and nothing in the result says which
/// happened. The caller then fails later with one generic error (the data does not decrypt,
/// the MAC does not verify). Telling "bad padding" apart from "wrong data key" is exactly the
/// oracle Bleichenbacher's attack needs, so this function must not do it.
///
/// The random bytes are drawn before decrypting, whatever the outcome, so the consumption of
/// `rng` does not depend on the result either.
pub fn unwrap_rsa15<T: HasPrivate>(
    private: &PKeyRef<T>,
    ciphertext: &[u8],
    expected_len: usize,
    rng: &mut dyn RandomSource,
) -> SecretBytes {
    let fallback = SecretBytes::new(rng.bytes(expected_len));
    match rsa15_decrypt_raw(private, ciphertext) {
        Some(key) if key.len() == expected_len => key,
        _ => fallback,
    }
}

/// Length of the substitute returned by [`unwrap_rsa15_unknown_len`] on failure.
pub const RSA15_UNKNOWN_LEN_FALLBACK: usize = 32;

/// [`unwrap_rsa15`] for a key whose length no algorithm fixes (an EncryptedKey that keys an
/// HMAC or a DerivedKeyToken). Failures return [`RSA15_UNKNOWN_LEN_FALLBACK`] random bytes.
/// The length of a successful result is whatever was transported, so here the length can
/// differ between success and failure; no remote party observes it in this tool.
pub fn unwrap_rsa15_unknown_len<T: HasPrivate>(
    private: &PKeyRef<T>,
    ciphertext: &[u8],
    rng: &mut dyn RandomSource,
) -> SecretBytes {
    let fallback = SecretBytes::new(rng.bytes(RSA15_UNKNOWN_LEN_FALLBACK));
    match rsa15_decrypt_raw(private, ciphertext) {
        Some(key) if !key.is_empty() => key,
        _ => fallback,
    }
}

fn rsa15_decrypt_raw<T: HasPrivate>(
    private: &PKeyRef<T>,
    ciphertext: &[u8],
) -> Option<SecretBytes> {
    let rsa = private.rsa().ok()?;
    let mut out = SecretBytes::new(vec![0u8; rsa.size() as usize]);
    let n = rsa
        .private_decrypt(ciphertext, out.bytes_mut(), Padding::PKCS1)
        .ok()?;
    out.truncate(n);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::random::{OsRandom, SeededRandom};
    use crate::crypto::test_keys::{ec_key, rsa_2048, rsa_2048_other};
    use openssl::encrypt::Encrypter;

    fn all_oaep_params() -> Vec<OaepParams> {
        let mut out = Vec::new();
        for digest in [
            DigestAlgorithm::Sha1,
            DigestAlgorithm::Sha256,
            DigestAlgorithm::Sha384,
            DigestAlgorithm::Sha512,
        ] {
            for mgf in [
                Mgf1Digest::Sha1,
                Mgf1Digest::Sha224,
                Mgf1Digest::Sha256,
                Mgf1Digest::Sha384,
                Mgf1Digest::Sha512,
            ] {
                for label in [Vec::new(), b"OAEP label".to_vec()] {
                    out.push(OaepParams { digest, mgf, label });
                }
            }
        }
        out
    }

    #[test]
    fn oaep_round_trip_through_openssl_decryption() {
        let key = rsa_2048();
        let secret = b"0123456789abcdef0123456789abcdef";
        for params in all_oaep_params() {
            let ct = oaep_encrypt(key, &params, secret, &mut OsRandom).unwrap();
            assert_eq!(ct.len(), 256);
            // Our decrypt is OpenSSL's own OAEP check, configured from the same params.
            let back = oaep_decrypt(key, &params, &ct).unwrap();
            assert_eq!(back.expose(), secret, "{params:?}");
            // Wrong label or digest: generic failure.
            let mut other = params.clone();
            other.label.push(b'x');
            assert!(matches!(
                oaep_decrypt(key, &other, &ct),
                Err(CryptoError::KeyTransportFailed)
            ));
        }
    }

    #[test]
    fn oaep_decrypts_openssl_encryption() {
        let key = rsa_2048();
        let mut enc = Encrypter::new(key).unwrap();
        enc.set_rsa_padding(Padding::PKCS1_OAEP).unwrap();
        enc.set_rsa_oaep_md(MessageDigest::sha256()).unwrap();
        enc.set_rsa_mgf1_md(MessageDigest::sha1()).unwrap();
        let mut ct = vec![0u8; enc.encrypt_len(b"k").unwrap()];
        let n = enc.encrypt(b"k", &mut ct).unwrap();
        ct.truncate(n);
        let params = OaepParams {
            digest: DigestAlgorithm::Sha256,
            ..OaepParams::default()
        };
        assert_eq!(oaep_decrypt(key, &params, &ct).unwrap().expose(), b"k");
    }

    #[test]
    fn encryption_is_deterministic_under_a_seed() {
        let key = rsa_2048();
        let params = OaepParams::default();
        let a = oaep_encrypt(key, &params, b"key", &mut SeededRandom::new(5)).unwrap();
        let b = oaep_encrypt(key, &params, b"key", &mut SeededRandom::new(5)).unwrap();
        let c = oaep_encrypt(key, &params, b"key", &mut SeededRandom::new(6)).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        let a = rsa15_encrypt(key, b"key", &mut SeededRandom::new(5)).unwrap();
        let b = rsa15_encrypt(key, b"key", &mut SeededRandom::new(5)).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn wrong_key_for_oaep_fails_generically() {
        let ct = oaep_encrypt(rsa_2048(), &OaepParams::default(), b"k", &mut OsRandom).unwrap();
        assert!(matches!(
            oaep_decrypt(rsa_2048_other(), &OaepParams::default(), &ct),
            Err(CryptoError::KeyTransportFailed)
        ));
        // Garbage and empty input too.
        assert!(matches!(
            oaep_decrypt(rsa_2048(), &OaepParams::default(), &[1, 2, 3]),
            Err(CryptoError::KeyTransportFailed)
        ));
        assert!(matches!(
            oaep_decrypt(rsa_2048(), &OaepParams::default(), &[]),
            Err(CryptoError::KeyTransportFailed)
        ));
    }

    #[test]
    fn rsa15_padding_is_valid_pkcs1_type2() {
        let key = rsa_2048();
        let rsa = key.rsa().unwrap();
        for len in [0usize, 16, 24, 32, 245] {
            let msg: Vec<u8> = (0..len as u8).collect();
            let ct = rsa15_encrypt(key, &msg, &mut SeededRandom::new(len as u64)).unwrap();
            // OpenSSL's PKCS#1 check accepts it.
            let mut out = vec![0u8; 256];
            let n = rsa.private_decrypt(&ct, &mut out, Padding::PKCS1).unwrap();
            assert_eq!(&out[..n], &msg[..]);
            // And the raw block has the exact structure.
            let n = rsa.private_decrypt(&ct, &mut out, Padding::NONE).unwrap();
            assert_eq!(n, 256);
            assert_eq!(&out[..2], &[0, 2]);
            let ps_end = 256 - len - 1;
            assert!(out[2..ps_end].iter().all(|&b| b != 0));
            assert_eq!(out[ps_end], 0);
        }
        assert!(matches!(
            rsa15_encrypt(key, &[0u8; 246], &mut OsRandom),
            Err(CryptoError::InvalidParameter { .. })
        ));
    }

    #[test]
    fn rsa15_unwrap_implicit_rejection() {
        let key = rsa_2048();
        let secret = [7u8; 16];
        let ct = rsa15_encrypt(key, &secret, &mut OsRandom).unwrap();
        assert_eq!(unwrap_rsa15(key, &ct, 16, &mut OsRandom).expose(), &secret);
        // Length mismatch: random bytes of the expected length.
        let wrong_len = unwrap_rsa15(key, &ct, 32, &mut OsRandom);
        assert_eq!(wrong_len.len(), 32);
        // Wrong key: 16 bytes that are not the key (no error).
        let wrong = unwrap_rsa15(rsa_2048_other(), &ct, 16, &mut OsRandom);
        assert_eq!(wrong.len(), 16);
        assert_ne!(wrong.expose(), &secret);
        // Garbage: same.
        assert_eq!(unwrap_rsa15(key, b"garbage", 24, &mut OsRandom).len(), 24);
        assert_eq!(
            unwrap_rsa15_unknown_len(key, b"garbage", &mut OsRandom).len(),
            RSA15_UNKNOWN_LEN_FALLBACK
        );
        assert_eq!(
            unwrap_rsa15_unknown_len(key, &ct, &mut OsRandom).expose(),
            &secret
        );
    }

    #[test]
    fn dispatch_from_parts() {
        use crate::crypto::algorithms::uri;
        let key = rsa_2048();
        let kt = KeyTransport::from_parts(
            KeyTransportAlgorithm::RsaOaep,
            Some(uri::SHA256),
            Some(uri::MGF1_SHA512),
            Some(b"label"),
        )
        .unwrap();
        let ct = kt.encrypt(key, b"0123456789abcdef", &mut OsRandom).unwrap();
        assert_eq!(
            kt.decrypt(key, &ct, Some(16), &mut OsRandom)
                .unwrap()
                .expose(),
            b"0123456789abcdef"
        );
        // The padding held: the length is said as what it is.
        assert!(matches!(
            kt.decrypt(key, &ct, Some(32), &mut OsRandom),
            Err(CryptoError::TransportedKeyLength {
                expected: 32,
                actual: 16
            })
        ));
        assert!(matches!(
            KeyTransport::from_parts(
                KeyTransportAlgorithm::RsaOaepMgf1p,
                None,
                Some(uri::MGF1_SHA256),
                None
            ),
            Err(CryptoError::InvalidParameter { .. })
        ));
        assert!(matches!(
            KeyTransport::from_parts(KeyTransportAlgorithm::RsaOaep, Some(uri::MD5), None, None),
            Err(CryptoError::UnsupportedAlgorithm { .. })
        ));
        let rsa15 =
            KeyTransport::from_parts(KeyTransportAlgorithm::Rsa15, None, None, None).unwrap();
        let ct = rsa15.encrypt(key, b"abc", &mut OsRandom).unwrap();
        assert_eq!(
            rsa15
                .decrypt(key, &ct, Some(3), &mut OsRandom)
                .unwrap()
                .expose(),
            b"abc"
        );
        assert!(matches!(
            rsa15.decrypt(ec_key(), &ct, Some(3), &mut OsRandom),
            Err(CryptoError::WrongKeyType { .. })
        ));
        assert!(matches!(
            oaep_encrypt(ec_key(), &OaepParams::default(), b"k", &mut OsRandom),
            Err(CryptoError::WrongKeyType { .. })
        ));
        // SHA-512 OAEP on a 1024-bit key leaves no room: clean error, no panic.
        let small =
            openssl::pkey::PKey::from_rsa(openssl::rsa::Rsa::generate(1024).unwrap()).unwrap();
        let params = OaepParams {
            digest: DigestAlgorithm::Sha512,
            ..OaepParams::default()
        };
        assert!(matches!(
            oaep_encrypt(&small, &params, b"k", &mut OsRandom),
            Err(CryptoError::InvalidParameter { .. })
        ));
    }
}
