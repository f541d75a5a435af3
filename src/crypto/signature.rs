//! RSA PKCS#1 v1.5 signatures (`rsa-sha1` ... `rsa-sha512`), plus one entry point that
//! dispatches a [`SignatureAlgorithm`] to RSA or HMAC.
//!
//! SignedInfo is small, so the one-shot functions take `&[u8]`; [`RsaSigner`] and
//! [`RsaVerifier`] also implement [`io::Write`] for callers that prefer to stream.

use std::io;

use openssl::md_ctx::MdCtx;
use openssl::pkey::{HasPrivate, HasPublic, Id, PKeyRef, Private};
use openssl::rsa::Padding;

use super::algorithms::{DigestAlgorithm, SignatureAlgorithm};
use super::error::CryptoError;
use super::hmac;

pub(crate) fn key_type_name(id: Id) -> String {
    match id {
        Id::RSA => "RSA".to_string(),
        Id::RSA_PSS => "RSA-PSS".to_string(),
        Id::DSA => "DSA".to_string(),
        Id::EC => "EC".to_string(),
        Id::ED25519 => "Ed25519".to_string(),
        Id::ED448 => "Ed448".to_string(),
        Id::HMAC => "HMAC".to_string(),
        other => format!("key type #{}", other.as_raw()),
    }
}

pub(crate) fn require_rsa<T>(key: &PKeyRef<T>) -> Result<(), CryptoError> {
    if key.id() == Id::RSA {
        Ok(())
    } else {
        Err(CryptoError::WrongKeyType {
            expected: "RSA",
            found: key_type_name(key.id()),
        })
    }
}

/// Signs `data` with RSASSA-PKCS1-v1_5 over `digest`.
pub fn rsa_sign<T: HasPrivate>(
    digest: DigestAlgorithm,
    key: &PKeyRef<T>,
    data: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let mut signer = RsaSigner::new(digest, key)?;
    signer.update(data)?;
    signer.finish()
}

/// Verifies an RSASSA-PKCS1-v1_5 signature. `Ok(false)` for any signature that does not
/// verify (including one of the wrong length); errors only for a wrong key type or an
/// OpenSSL failure unrelated to the signature.
pub fn rsa_verify<T: HasPublic>(
    digest: DigestAlgorithm,
    key: &PKeyRef<T>,
    data: &[u8],
    signature: &[u8],
) -> Result<bool, CryptoError> {
    let mut verifier = RsaVerifier::new(digest, key)?;
    verifier.update(data)?;
    Ok(verifier.finish(signature))
}

/// A streaming RSA signer.
pub struct RsaSigner {
    digest: DigestAlgorithm,
    ctx: MdCtx,
}

impl RsaSigner {
    pub fn new<T: HasPrivate>(
        digest: DigestAlgorithm,
        key: &PKeyRef<T>,
    ) -> Result<Self, CryptoError> {
        require_rsa(key)?;
        let mut ctx = MdCtx::new()?;
        // The context keeps its own reference to the key.
        ctx.digest_sign_init(Some(digest.md()), key)?
            .set_rsa_padding(Padding::PKCS1)?;
        Ok(RsaSigner { digest, ctx })
    }

    pub fn digest(&self) -> DigestAlgorithm {
        self.digest
    }

    pub fn update(&mut self, data: &[u8]) -> Result<(), CryptoError> {
        self.ctx.digest_sign_update(data)?;
        Ok(())
    }

    pub fn finish(mut self) -> Result<Vec<u8>, CryptoError> {
        let mut out = Vec::new();
        self.ctx.digest_sign_final_to_vec(&mut out)?;
        Ok(out)
    }
}

impl io::Write for RsaSigner {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.update(buf).map_err(io::Error::other)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A streaming RSA verifier.
pub struct RsaVerifier {
    digest: DigestAlgorithm,
    ctx: MdCtx,
}

impl RsaVerifier {
    pub fn new<T: HasPublic>(
        digest: DigestAlgorithm,
        key: &PKeyRef<T>,
    ) -> Result<Self, CryptoError> {
        require_rsa(key)?;
        let mut ctx = MdCtx::new()?;
        ctx.digest_verify_init(Some(digest.md()), key)?
            .set_rsa_padding(Padding::PKCS1)?;
        Ok(RsaVerifier { digest, ctx })
    }

    pub fn digest(&self) -> DigestAlgorithm {
        self.digest
    }

    pub fn update(&mut self, data: &[u8]) -> Result<(), CryptoError> {
        self.ctx.digest_verify_update(data)?;
        Ok(())
    }

    /// True when `signature` verifies. A malformed signature (wrong length, not a valid
    /// PKCS#1 block) is simply "does not verify": OpenSSL reports some of those as errors.
    pub fn finish(mut self, signature: &[u8]) -> bool {
        self.ctx.digest_verify_final(signature).unwrap_or(false)
    }
}

impl io::Write for RsaVerifier {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.update(buf).map_err(io::Error::other)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The key for [`sign`].
#[derive(Clone, Copy)]
pub enum SigningKey<'a> {
    /// An HMAC secret.
    Hmac(&'a [u8]),
    /// An RSA private key.
    Rsa(&'a PKeyRef<Private>),
}

/// The key for [`verify`]; an RSA public key may come from a certificate or a private key.
#[derive(Clone, Copy)]
pub enum VerifyingKey<'a> {
    Hmac(&'a [u8]),
    RsaPublic(&'a PKeyRef<openssl::pkey::Public>),
    RsaPrivate(&'a PKeyRef<Private>),
}

impl std::fmt::Debug for SigningKey<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SigningKey::Hmac(k) => write!(f, "SigningKey::Hmac([redacted; {} bytes])", k.len()),
            SigningKey::Rsa(k) => write!(f, "SigningKey::Rsa({} bits)", k.bits()),
        }
    }
}

impl std::fmt::Debug for VerifyingKey<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VerifyingKey::Hmac(k) => {
                write!(f, "VerifyingKey::Hmac([redacted; {} bytes])", k.len())
            }
            VerifyingKey::RsaPublic(k) => write!(f, "VerifyingKey::RsaPublic({} bits)", k.bits()),
            VerifyingKey::RsaPrivate(k) => {
                write!(f, "VerifyingKey::RsaPrivate({} bits)", k.bits())
            }
        }
    }
}

fn key_mismatch(algorithm: SignatureAlgorithm, found: &str) -> CryptoError {
    CryptoError::WrongKeyType {
        expected: match algorithm {
            SignatureAlgorithm::Hmac(_) => "an HMAC secret",
            SignatureAlgorithm::Rsa(_) => "an RSA key",
        },
        found: found.to_string(),
    }
}

/// Computes a SignatureValue. `hmac_output_bits` is `HMACOutputLength` (HMAC only).
pub fn sign(
    algorithm: SignatureAlgorithm,
    key: SigningKey<'_>,
    data: &[u8],
    hmac_output_bits: Option<u32>,
) -> Result<Vec<u8>, CryptoError> {
    match (algorithm, key) {
        (SignatureAlgorithm::Hmac(d), SigningKey::Hmac(secret)) => {
            let mut w = hmac::HmacWriter::new(d, secret)?;
            w.update(data)?;
            w.finish_truncated(hmac_output_bits)
        }
        (SignatureAlgorithm::Rsa(d), SigningKey::Rsa(pkey)) => rsa_sign(d, pkey, data),
        (alg, SigningKey::Hmac(_)) => Err(key_mismatch(alg, "an HMAC secret")),
        (alg, SigningKey::Rsa(_)) => Err(key_mismatch(alg, "an RSA key")),
    }
}

/// Checks a SignatureValue. `Ok(false)` means "does not verify"; errors mean the check could
/// not be made as asked (wrong key kind, refused HMAC truncation, ...).
pub fn verify(
    algorithm: SignatureAlgorithm,
    key: VerifyingKey<'_>,
    data: &[u8],
    signature: &[u8],
    hmac_output_bits: Option<u32>,
) -> Result<bool, CryptoError> {
    match (algorithm, key) {
        (SignatureAlgorithm::Hmac(d), VerifyingKey::Hmac(secret)) => {
            hmac::verify(d, secret, data, signature, hmac_output_bits)
        }
        (SignatureAlgorithm::Rsa(d), VerifyingKey::RsaPublic(pkey)) => {
            rsa_verify(d, pkey, data, signature)
        }
        (SignatureAlgorithm::Rsa(d), VerifyingKey::RsaPrivate(pkey)) => {
            rsa_verify(d, pkey, data, signature)
        }
        (alg, VerifyingKey::Hmac(_)) => Err(key_mismatch(alg, "an HMAC secret")),
        (alg, _) => Err(key_mismatch(alg, "an RSA key")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::test_keys::{ec_key, rsa_2048};
    use std::io::Write;

    use DigestAlgorithm::*;

    #[test]
    fn round_trip_every_digest() {
        let key = rsa_2048();
        for d in [Sha1, Sha256, Sha384, Sha512] {
            let sig = rsa_sign(d, key, b"signed info").unwrap();
            assert_eq!(sig.len(), 256);
            assert!(rsa_verify(d, key, b"signed info", &sig).unwrap());
            assert!(!rsa_verify(d, key, b"signed infO", &sig).unwrap());
            let mut bad = sig.clone();
            bad[10] ^= 1;
            assert!(!rsa_verify(d, key, b"signed info", &bad).unwrap());
            assert!(!rsa_verify(d, key, b"signed info", &sig[1..]).unwrap());
            assert!(!rsa_verify(d, key, b"signed info", &[]).unwrap());
        }
        // A signature made with SHA-1 does not verify as SHA-256.
        let sig = rsa_sign(Sha1, key, b"x").unwrap();
        assert!(!rsa_verify(Sha256, key, b"x", &sig).unwrap());
    }

    #[test]
    fn matches_openssl_signer_and_streams() {
        let key = rsa_2048();
        let mut s =
            openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), key).unwrap();
        s.update(b"abcdef").unwrap();
        let reference = s.sign_to_vec().unwrap();
        // PKCS#1 v1.5 signatures are deterministic.
        assert_eq!(rsa_sign(Sha256, key, b"abcdef").unwrap(), reference);
        let mut v = RsaVerifier::new(Sha256, key).unwrap();
        v.write_all(b"abc").unwrap();
        v.write_all(b"def").unwrap();
        assert!(v.finish(&reference));
        let mut st = RsaSigner::new(Sha256, key).unwrap();
        st.write_all(b"ab").unwrap();
        st.write_all(b"cdef").unwrap();
        assert_eq!(st.finish().unwrap(), reference);
    }

    #[test]
    fn dispatch_and_key_kind_checks() {
        let key = rsa_2048();
        let alg = SignatureAlgorithm::Rsa(Sha256);
        let sig = sign(alg, SigningKey::Rsa(key), b"d", None).unwrap();
        assert!(verify(alg, VerifyingKey::RsaPrivate(key), b"d", &sig, None).unwrap());
        let hmac_alg = SignatureAlgorithm::Hmac(Sha1);
        let mac = sign(hmac_alg, SigningKey::Hmac(b"k"), b"d", Some(80)).unwrap();
        assert_eq!(mac.len(), 10);
        assert!(verify(hmac_alg, VerifyingKey::Hmac(b"k"), b"d", &mac, Some(80)).unwrap());
        assert!(matches!(
            sign(alg, SigningKey::Hmac(b"k"), b"d", None),
            Err(CryptoError::WrongKeyType { .. })
        ));
        assert!(matches!(
            verify(hmac_alg, VerifyingKey::RsaPrivate(key), b"d", &sig, None),
            Err(CryptoError::WrongKeyType { .. })
        ));
        assert!(matches!(
            rsa_sign(Sha256, ec_key(), b"d"),
            Err(CryptoError::WrongKeyType { .. })
        ));
    }
}
